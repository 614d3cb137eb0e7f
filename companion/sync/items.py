"""What each synced item looks like on the server, and what companion reads back from it.

- A follow-up is a VTODO (or, where the server refuses tasks, a VEVENT with its DISPLAY alarm), made
  by the exporter (companion.exporters.ics) so the calendar rules hold in one place: deterministic
  UIDs, SEQUENCE, the alarm, text cleaned. A DAV resource holds one item and no METHOD (RFC 4791).
- A starred session is the agenda exporter's VEVENT.
- A person is a vCard (3.0 unless the server advertises 4.0) with their talking point, how you are
  connected and your notes in NOTE and their tags in CATEGORIES. Properties a phone added that
  companion does not keep (a phone number, an address, a photo) are carried along unchanged.

Each local item has a digest of what goes into it: an item whose digest differs from the one sent
last is waiting to be sent (``FORMAT`` is in every digest, so a change of layout here sends all again).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timezone, tzinfo
from typing import Any

import orjson

from companion.exporters.ics import agenda_calendar, agenda_uid, followup_event, followup_todo, todo_uid, vdir_name
from companion.models import Conference, FollowUp, Person, Session, TalkingPoint
from companion.text import clean

FORMAT = "1"
PRODID = "-//companion//conference companion sync//EN"

PERSON_FIELDS = ("name", "affiliation", "role", "email", "links", "tags")
"""The person's fields a card carries both ways (its NOTE is companion's to write; see pull)."""

KEPT_PROPERTIES = frozenset({"BEGIN", "END", "VERSION", "UID", "FN", "N", "ORG", "TITLE", "EMAIL", "URL", "NOTE",
                             "CATEGORIES", "PRODID", "REV"})
"""vCard properties companion writes; any other a server copy has is carried along as it is."""

POINT_LABELS = (
    ("work", "Their work that helped me"),
    ("how", "How it helped"),
    ("question", "My question"),
    ("offer", "What I can offer"),
    ("common", "In common"),
)


class LocalItem:
    """One item as companion has it: its key in the sync state, kind, local id, UID, file name on
    the server, digest, and the fields a three-way merge compares."""

    __slots__ = ("key", "kind", "local", "uid", "name", "digest", "fields", "closed")

    def __init__(self, key: str, kind: str, local: Any, uid: str, name: str, digest: str,  # noqa: ANN401
                 fields: dict[str, Any], closed: bool = False) -> None:
        self.key, self.kind, self.local, self.uid, self.name = key, kind, local, uid, name
        self.digest, self.fields, self.closed = digest, fields, closed


def _digest(*parts: Any) -> str:  # noqa: ANN401
    return hashlib.sha1(orjson.dumps([FORMAT, *parts], option=orjson.OPT_SORT_KEYS)).hexdigest()


def _state(status: str) -> str:
    return "done" if status == "done" else "dropped" if status == "dropped" else "open"


def followup_fields(item: FollowUp, mode: str = "tasks") -> dict[str, Any]:
    """What a follow-up's item says and the server may change: its state, due day and title (an
    event can only say closed: CANCELLED)."""
    state = _state(item.status)
    if mode != "tasks" and state != "open":
        state = "closed"
    return {"status": state, "due": item.due.isoformat(), "title": clean(item.title, single_line=True)}


def followup_item(item: FollowUp, person: Person | None, mode: str) -> LocalItem:
    uid = todo_uid(item.uid) if mode == "tasks" else item.uid
    row = item.to_dict()
    row.pop("exported", None)
    shown = (person.name, person.affiliation, person.email) if person is not None else None
    return LocalItem(f"task:{uid}", "task", item.id, uid, vdir_name(uid), _digest(mode, row, shown),
                     followup_fields(item, mode), closed=item.status in ("done", "dropped"))


def followup_body(item: FollowUp, person: Person | None, mode: str, zone: tzinfo) -> bytes:
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    stamp = item.updated or item.created or datetime(2000, 1, 1, tzinfo=timezone.utc)
    if mode == "tasks":
        calendar.add_component(followup_todo(item, person, stamp))
    else:
        calendar.add_component(followup_event(item, person, zone, stamp))
    return calendar.to_ical()


def session_item(session: Session, conference: Conference) -> LocalItem:
    uid = agenda_uid(session)
    return LocalItem(f"event:{uid}", "event", session.id, uid, vdir_name(uid),
                     _digest(session.to_dict(), conference.name), {})


def session_body(session: Session, conference: Conference) -> bytes:
    whole = agenda_calendar([session], conference)
    return b"".join(line for line in whole.splitlines(keepends=True) if not line.startswith(b"METHOD:"))


def person_uid(person: Person, client_id: str) -> str:
    """A person's card UID: their id here and this set-up's random id (two data folders syncing to one
    server never share a UID)."""
    return f"person-{person.id}-{client_id}@companion"


def card_name(uid: str) -> str:
    return vdir_name(uid)[: -len(".ics")] + ".vcf"


def person_note(person: Person, point: TalkingPoint | None) -> str:
    """The card's NOTE: the talking point, how you are connected, and your notes on them."""
    parts = []
    if point is not None:
        lines = [f"{label}: {clean(getattr(point, name)).strip()}" for name, label in POINT_LABELS
                 if getattr(point, name).strip()]
        if lines:
            parts.append("Talking point\n" + "\n".join(lines))
    if person.connections:
        parts.append("How we met: " + "; ".join(
            clean(f"{c.kind}: {c.detail}" if c.detail else c.kind, single_line=True) for c in person.connections))
    if person.notes.strip():
        parts.append(clean(person.notes).strip())
    return "\n\n".join(parts)


def person_fields(person: Person) -> dict[str, Any]:
    """The fields as the card says them (cleaned, one line each), so that a copy read back compares equal."""
    def one(text: str) -> str:
        return clean(text, single_line=True)

    return {"name": one(person.name), "affiliation": one(person.affiliation), "role": one(person.role),
            "email": one(person.email), "links": {kind: one(url) for kind, url in person.links.items()},
            "tags": [one(tag) for tag in person.tags]}


def person_item(person: Person, point: TalkingPoint | None, client_id: str, version: str) -> LocalItem:
    uid = person_uid(person, client_id)
    answers = point.to_dict(verdict=False) if point is not None else None
    if answers is not None:
        answers.pop("updated", None)
    row = person.to_dict()
    row.pop("priority", None)
    row.pop("last_interaction", None)
    return LocalItem(f"card:{uid}", "card", person.id, uid, card_name(uid), _digest(version, row, answers),
                     {**person_fields(person), "note": person_note(person, point)})


def person_body(person: Person, point: TalkingPoint | None, uid: str, version: str, extra: list[str]) -> bytes:
    import vobject

    card = vobject.vCard()
    card.add("uid").value = uid
    name = clean(person.name, single_line=True)
    card.add("fn").value = name
    given, _, family = name.rpartition(" ")
    card.add("n").value = vobject.vcard.Name(family=family or name, given=given)
    if person.affiliation:
        card.add("org").value = [clean(person.affiliation, single_line=True)]
    if person.role:
        card.add("title").value = clean(person.role, single_line=True)
    if person.email:
        email = card.add("email")
        email.value = clean(person.email, single_line=True)
        email.type_param = "INTERNET"
    for kind, url in person.links.items():
        line = card.add("url")
        line.value = clean(url, single_line=True)
        line.type_param = kind
    note = person_note(person, point)
    if note:
        card.add("note").value = note
    if person.tags:
        card.add("categories").value = [clean(tag, single_line=True) for tag in person.tags]
    text = card.serialize()
    if version != "3.0":
        text = text.replace("VERSION:3.0", f"VERSION:{version}", 1)
    if extra:
        head, end, tail = text.rpartition("END:VCARD")
        text = head + "".join(line + "\r\n" for line in extra) + end + tail
    return text.encode("utf-8")


# --- reading the server's copy ----------------------------------------------------------------


def unfolded_lines(text: str) -> list[str]:
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        elif raw:
            lines.append(raw)
    return lines


def card_extra(body: bytes) -> list[str]:
    """The properties of a server's card that companion does not write (TEL, ADR, PHOTO...), as lines."""
    extra = []
    for line in unfolded_lines(body.decode("utf-8", "replace")):
        name = line.split(":", 1)[0].split(";", 1)[0]
        name = name.rsplit(".", 1)[-1].upper()  # a group (item1.TEL)
        if name not in KEPT_PROPERTIES:
            extra.append(line)
    return extra


def read_card(body: bytes, where: str) -> tuple[str, dict[str, Any]] | None:
    """(UID, the fields companion reads) of a server's card, or None when it cannot be read."""
    from companion.errors import CompanionError
    from companion.importers.vcard import parse_vcard

    uid = ""
    note_lines = []
    for line in unfolded_lines(body.decode("utf-8", "replace")):
        name = line.split(":", 1)[0].split(";", 1)[0].upper()
        if name == "UID":
            uid = line.split(":", 1)[1].strip()
        elif name == "NOTE":
            note_lines.append(line.split(":", 1)[1])
    try:
        people = parse_vcard(body, where).people
    except CompanionError:
        return None
    if not people or not uid:
        return None
    person = people[0]
    fields = person_fields(person)
    fields["note"] = person.notes
    return uid, fields


def read_calendar_item(body: bytes, zone: tzinfo) -> tuple[str, dict[str, Any]] | None:
    """(UID, {status, due, title}) of a server's VTODO or VEVENT, or None when it cannot be read."""
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(body)
    except Exception:  # noqa: BLE001 - a third party's item that does not parse is skipped, not fatal
        return None
    for component in calendar.walk():
        if component.name not in ("VTODO", "VEVENT"):
            continue
        try:
            uid = str(component.get("uid", ""))
            status = str(component.get("status", "")).upper()
            if component.name == "VTODO":
                state = "done" if status == "COMPLETED" or component.get("completed") is not None else (
                    "dropped" if status == "CANCELLED" else "open")
                when = component.get("due") or component.get("dtstart")
            else:
                state = "closed" if status == "CANCELLED" else "open"
                when = component.get("dtstart")
            due = _day(when.dt, zone) if when is not None else None
            title = str(component.get("summary", ""))
        except Exception:  # noqa: BLE001
            return None
        return uid, {"status": state, "due": due.isoformat() if due else None, "title": title}
    return None


def _day(value: Any, zone: tzinfo) -> date:  # noqa: ANN401
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=zone)).astimezone(zone).date()
    return value
