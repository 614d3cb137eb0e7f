"""A Markdown report after a conference (``companion report [CONFERENCE] --out FILE.md``).

Three sections:

* **Who you met**: people with a note in scope or marked "met", with affiliation and role.
* **What you learned**: the notes, grouped by session (notes taken about a session) or else by
  the people they are about; notes about nobody come last.
* **What is pending**: open and waiting follow-ups by due date, overdue ones marked.

Without a conference the report covers everything. With one, it covers the notes taken about
its sessions, plus notes about no session written during its days (in its time zone), and the
follow-ups those notes created; "met" people are always listed.

Every piece of stored text is untrusted: control characters are stripped
and the Markdown-special characters are backslash-escaped, so a name like
``*bold* [x](javascript:alert(1))`` shows as written and cannot become a link, an image, HTML,
a heading or emphasis.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone, tzinfo
from pathlib import Path

from companion.clock import Clock, clock_for, short_name
from companion.models import Conference, FollowUp, Note, Person, Session
from companion.exporters.output import write_output
from companion.text import clean

# Every ASCII punctuation character may be backslash-escaped in CommonMark; these are the ones
# that can start a link, image, autolink, HTML, emphasis, code, heading, table or strike-through.
_SPECIAL = re.compile(r"([\\`*_\[\]()#<>!|~])")
# At the start of a line these would begin a list, a quote, a setext heading or a thematic break.
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])")


def md(text: object) -> str:
    """``text`` as inline Markdown that renders literally: one line, no controls, specials escaped."""
    return _SPECIAL.sub(r"\\\1", clean(text, single_line=True))


def md_block(text: object, indent: str = "  ") -> str:
    """Multi-line ``text`` for a list item: each line escaped and indented, joined by hard line breaks."""
    lines = []
    for raw in clean(text).split("\n"):
        line = md(raw)
        if not line:
            continue
        line = _LINE_START.sub(lambda m: m.group(1) + (m.group(2)[:-1] + "\\" + m.group(2)[-1]), line, count=1)
        lines.append(line)
    return ("  \n" + indent).join(lines)


@dataclass
class Report:
    text: str
    people: int = 0
    notes: int = 0
    pending: int = 0
    overdue: int = 0
    groups: list[str] = field(default_factory=list)


def notes_in_scope(notes: Iterable[Note], conference: Conference | None, sessions: dict[str, Session], zone: tzinfo) -> list[Note]:
    if conference is None:
        return list(notes)
    chosen = []
    for note in notes:
        owner = note.conference or (sessions[note.session_id].conference if note.session_id in sessions else "")
        if owner:
            if owner == conference.id:
                chosen.append(note)
        elif conference.first_day and conference.last_day:
            if conference.first_day <= note.created.astimezone(zone).date() <= conference.last_day:
                chosen.append(note)
    return chosen


def build_report(
    store,  # noqa: ANN001
    conference: Conference | None = None,
    *,
    today: date | None = None,
    zone: tzinfo | None = None,
    now: datetime | None = None,
    clock: Clock | None = None,
) -> Report:
    """The report as Markdown text, with counts for the command's summary line. Times are shown
    by ``clock`` (companion.clock: the conference's zone or the laptop's, as the user chose; by
    default the report's conference's zone, else the laptop's), or in ``zone``; the report names it."""
    if clock is None:
        clock = Clock(zone) if zone is not None else clock_for(conference)
    zone = clock.zone
    now = now or datetime.now(timezone.utc)
    today = today or now.astimezone(zone).date()
    sessions = {s.id: s for s in store.sessions()}
    people = {p.id: p for p in store.people()}
    notes = notes_in_scope(store.notes(), conference, sessions, clock.conference_zone)  # days are the conference's
    note_ids = {n.id for n in notes}
    all_note_ids = {n.id for n in store.notes()}

    def pending_in_scope(item: FollowUp) -> bool:
        if conference is None or item.note_id in note_ids:
            return True
        if item.note_id in all_note_ids or item.created is None:  # its note belongs elsewhere
            return False
        first, last = conference.first_day, conference.last_day  # its note was deleted: go by when it was made
        return bool(first and last and first <= item.created.astimezone(clock.conference_zone).date() <= last)

    pending = [f for f in store.followups(statuses=("open", "waiting")) if pending_in_scope(f)]

    title = f"Conference report: {md(conference.name)}" if conference else "Conference report"
    out: list[str] = [f"# {title}", ""]
    if conference is not None and conference.first_day and conference.last_day:
        out += [f"{conference.first_day.isoformat()} to {conference.last_day.isoformat()}, {md(conference.timezone)}.", ""]
    out += [f"Written {now.astimezone(zone).strftime('%Y-%m-%d %H:%M')} by companion. "
            f"Times are in {md(clock.name)} ({md(short_name(now.astimezone(zone)))}).", ""]

    # Who you met -------------------------------------------------------------------------
    noted: dict[int, int] = {}
    for note in notes:
        for person_id in note.person_ids:
            noted[person_id] = noted.get(person_id, 0) + 1
    met: list[Person] = [p for p in people.values() if p.id in noted or p.priority == "met"]
    out += ["## Who you met", ""]
    for person in met:
        line = f"- **{md(person.name)}**"
        about = ", ".join(md(part) for part in (person.role, person.affiliation) if clean(part, single_line=True))
        if about:
            line += f" ({about})"
        if person.email:
            line += f", {md(person.email)}"
        count = noted.get(person.id, 0)
        if count:
            line += f": {count} note{'s' if count != 1 else ''}"
        out.append(line)
    if not met:
        out.append("Nobody yet.")
    out.append("")

    # What you learned --------------------------------------------------------------------
    out += ["## What you learned", ""]
    by_session: dict[str, list[Note]] = {}
    by_people: dict[tuple[int, ...], list[Note]] = {}
    loose: list[Note] = []
    for note in notes:
        if note.session_id:
            by_session.setdefault(note.session_id, []).append(note)
        elif note.person_ids:
            by_people.setdefault(tuple(note.person_ids), []).append(note)
        else:
            loose.append(note)

    def name_of(person_id: int) -> str:
        person = people.get(person_id)
        return md(person.name) if person else f"person #{person_id} (removed)"

    def note_lines(group: list[Note], *, with_people: bool) -> list[str]:
        lines = []
        for note in sorted(group, key=lambda n: (n.created, n.id)):
            when = note.created.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            who = f" (with {', '.join(name_of(i) for i in note.person_ids)})" if with_people and note.person_ids else ""
            lines.append(f"- {when}{who}: {md_block(note.text)}")
        return lines

    groups: list[str] = []
    ordered_sessions = sorted(
        by_session, key=lambda sid: (sessions[sid].start, sid) if sid in sessions else (datetime.max.replace(tzinfo=timezone.utc), sid)
    )
    for session_id in ordered_sessions:
        session = sessions.get(session_id)
        if session is None:
            heading = f"Session {md(session_id)} (no longer in the schedule)"
        else:
            heading = f"Session: {md(session.title)}"
        groups.append(heading)
        out += [f"### {heading}", ""]
        if session is not None:
            where = session.start.astimezone(zone).strftime("%a %d %b %H:%M")
            if session.room:
                where += f", {md(session.room)}"
            speakers = ", ".join(md(s.name) for s in session.speakers)
            out += [where + (f"; speakers: {speakers}" if speakers else ""), ""]
        out += [*note_lines(by_session[session_id], with_people=True), ""]
    for key in sorted(by_people, key=lambda ids: [clean(people[i].name).casefold() if i in people else "" for i in ids]):
        heading = ", ".join(name_of(i) for i in key)
        groups.append(heading)
        out += [f"### {heading}", "", *note_lines(by_people[key], with_people=False), ""]
    if loose:
        groups.append("Other notes")
        out += ["### Other notes", "", *note_lines(loose, with_people=False), ""]
    if not notes:
        out += ["No notes yet.", ""]

    # What is pending ---------------------------------------------------------------------
    out += ["## What is pending", ""]
    overdue = 0
    for item in sorted(pending, key=lambda f: (f.due, f.id)):
        marks = []
        if item.status == "open" and item.due < today:
            marks.append("overdue")
            overdue += 1
        if item.status == "waiting":
            marks.append("waiting for their reply")
        line = f"- {item.due.isoformat()}: {md(item.title)}"
        if marks:
            line += f" ({', '.join(marks)})"
        out.append(line)
    if not pending:
        out.append("Nothing pending.")
    out.append("")

    return Report(text="\n".join(out), people=len(met), notes=len(notes), pending=len(pending), overdue=overdue, groups=groups)


def write_report(path: Path | str, report: Report, *, data_dir: Path | None = None) -> bool:
    """Write the report where the user asked, never into ``data_dir`` (see
    companion.exporters.output); True when it went to standard output."""
    return write_output(path, report.text.encode("utf-8"), data_dir=data_dir)
