"""Follow-up reminders as iCalendar that real calendars accept.

One VEVENT per follow-up (every calendar shows events; Google and Outlook ignore VTODO), at
09:00 local time on the due day, with one relative DISPLAY alarm. With ``todo`` a VTODO per
follow-up is added for task apps (todoman, Thunderbird, Tasks.org via DAVx5): DUE on the due
day, STATUS NEEDS-ACTION, COMPLETED (with the COMPLETED time) or CANCELLED, and its own UID,
the event's with a ``-todo`` part (a calendar may hold both and UIDs must differ).

UIDs are the follow-ups' stable UIDs and SEQUENCE is their change counter, so a re-import
updates instead of duplicating. No ghosts: what each target (the file, the vdir, their events and
their tasks apart) was sent is kept with the follow-up (``FollowUp.exported``, recorded by the
store after a successful write, see :func:`plan_export`). A follow-up done or dropped before a
target ever had it is left out of that target; one the target had is sent again as CANCELLED (a
COMPLETED or CANCELLED task) with a SEQUENCE above the one it was sent with, and stays so at later
exports so the update reaches every calendar that imported the file. Times are written in UTC;
text is stripped of control characters. The one alarm is relative, so it needs no
``VALUE=DATE-TIME`` (an absolute trigger would, or ical.js rejects the file).
"""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Iterable
from datetime import datetime, time, timedelta, timezone, tzinfo
from pathlib import Path

from companion.models import Conference, FollowUp, Person, Session
from companion.exporters.output import check_target, write_output
from companion.text import clean

PRODID = "-//companion//conference companion//EN"
REMINDER_AT = time(9, 0)
REMINDER_LENGTH = timedelta(minutes=15)
ALARM_BEFORE = timedelta(minutes=15)


def local_zone() -> tzinfo:
    """The computer's time zone with its rules (not today's fixed offset), so 09:00 stays 09:00 across DST."""
    from zoneinfo import ZoneInfo

    import tzlocal

    try:
        name = os.environ.get("TZ", "").lstrip(":")
        return ZoneInfo(name) if name else tzlocal.get_localzone()
    except Exception:
        return datetime.now().astimezone().tzinfo or timezone.utc


CLOSED = ("done", "dropped")


def target_key(name: Path | str, *, tasks: bool = False) -> str:
    """What a target is called in ``FollowUp.exported``: ``-`` for standard output, else the real
    path of the file (or ``vdir:`` and the folder's), with ``#tasks`` for its VTODOs."""
    text = str(name)
    if text != "-":
        text = os.path.realpath(os.path.expanduser(text))
    return text + ("#tasks" if tasks else "")


def vdir_key(folder: Path | str, *, tasks: bool = False) -> str:
    return "vdir:" + target_key(folder, tasks=tasks)


def plan_export(items: Iterable[FollowUp], key: str) -> list[tuple[FollowUp, int]]:
    """The follow-ups ``key`` is sent, each with the SEQUENCE to send: a closed item the target never
    had is left out; an item whose state the target had with the same SEQUENCE or a higher one
    is sent one above it (a calendar keeps the copy with the higher SEQUENCE)."""
    planned = []
    for item in items:
        sent = item.exported.get(key)
        if sent is None and item.status in CLOSED:
            continue
        sequence = item.sequence
        if sent is not None:
            before = int(sent.get("sequence", 0))
            if _state(str(sent.get("status", ""))) != _state(item.status):
                sequence = max(sequence, before + 1)
            else:
                sequence = max(sequence, before)
        planned.append((item, sequence))
    return planned


def _state(status: str) -> str:
    return status if status in CLOSED else "open"


def export_marks(planned: Iterable[tuple[FollowUp, int]], key: str) -> dict[int, dict[str, dict[str, object]]]:
    """What to record once ``planned`` was written to ``key``: per follow-up id, the changed entries only."""
    marks: dict[int, dict[str, dict[str, object]]] = {}
    for item, sequence in planned:
        sent = {"sequence": sequence, "status": _state(item.status)}
        if item.exported.get(key) != sent:
            marks.setdefault(item.id, {})[key] = sent
    return marks


def followup_event(item: FollowUp, person: Person | None, zone: tzinfo, stamp: datetime,
                   sequence: int | None = None):  # noqa: ANN201
    from icalendar import Alarm, Event

    start = datetime.combine(item.due, REMINDER_AT, tzinfo=zone).astimezone(timezone.utc)
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", (item.updated or stamp).astimezone(timezone.utc))
    event.add("dtstart", start)
    event.add("dtend", start + REMINDER_LENGTH)
    event.add("summary", clean(item.title, single_line=True))
    description = _description(item, person)
    if description:
        event.add("description", description)
    event.add("sequence", item.sequence if sequence is None else sequence)
    event.add("categories", ["companion", item.kind])
    if item.status in CLOSED:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", clean(item.title, single_line=True))
        alarm.add("trigger", -ALARM_BEFORE)
        event.add_component(alarm)
    return event


TODO_STATUS = {"open": "NEEDS-ACTION", "waiting": "NEEDS-ACTION", "done": "COMPLETED", "dropped": "CANCELLED"}


def todo_uid(uid: str) -> str:
    """The VTODO's UID: the event's with a ``-todo`` part before the domain (distinct, deterministic)."""
    local, at, domain = uid.rpartition("@")
    return f"{local}-todo@{domain}" if at and local else f"{uid}-todo"


def _description(item: FollowUp, person: Person | None) -> str:
    lines = [clean(item.detail)] if item.detail else []
    if person is not None:
        who = clean(person.name, single_line=True)
        if person.affiliation:
            who += f" ({clean(person.affiliation, single_line=True)})"
        lines.append(f"With: {who}")
        if person.email:
            lines.append(f"Email: {clean(person.email, single_line=True)}")
    if item.status == "waiting":
        lines.append("Waiting for their reply.")
    return "\n".join(lines)


def followup_todo(item: FollowUp, person: Person | None, stamp: datetime, sequence: int | None = None):  # noqa: ANN201
    """The follow-up as a task: due on its day, its status mapped, the event's SEQUENCE."""
    from icalendar import Todo

    changed = (item.updated or stamp).astimezone(timezone.utc)
    todo = Todo()
    todo.add("uid", todo_uid(item.uid))
    todo.add("dtstamp", changed)
    if item.created is not None:
        todo.add("created", item.created.astimezone(timezone.utc))
    todo.add("last-modified", changed)
    todo.add("summary", clean(item.title, single_line=True))
    description = _description(item, person)
    if description:
        todo.add("description", description)
    todo.add("due", item.due)  # a DATE: the task is due that day, in whatever zone the reader is
    todo.add("sequence", item.sequence if sequence is None else sequence)
    todo.add("categories", ["companion", item.kind])
    status = TODO_STATUS.get(item.status, "NEEDS-ACTION")
    todo.add("status", status)
    if status == "COMPLETED":
        todo.add("completed", changed)
        todo.add("percent-complete", 100)
    return todo


def _calendar(name: str):  # noqa: ANN202
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def followups_calendar(
    items: Iterable[FollowUp],
    people: dict[int, Person],
    *,
    todo: bool = False,
    events: bool = True,
    zone: tzinfo | None = None,
    now: datetime | None = None,
    sequences: dict[str, dict[int, int]] | None = None,
) -> bytes:
    """A calendar of the follow-ups: their VEVENTs (unless ``events`` is false), then with ``todo`` their VTODOs.

    ``sequences``, when given, says which follow-ups go in (``"events"`` and ``"tasks"``: id to the
    SEQUENCE to send, from :func:`plan_export`); without it every item goes in with its own."""
    zone = zone or local_zone()
    now = now or datetime.now(timezone.utc)
    items = list(items)
    calendar = _calendar("companion follow-ups")

    def sequence(kind: str, item: FollowUp) -> int | None:
        return item.sequence if sequences is None else sequences[kind].get(item.id)

    if events:
        for item in items:
            if (number := sequence("events", item)) is not None:
                calendar.add_component(followup_event(item, people.get(item.person_id), zone, now, number))
    if todo:
        for item in items:
            if (number := sequence("tasks", item)) is not None:
                calendar.add_component(followup_todo(item, people.get(item.person_id), now, number))
    return calendar.to_ical()


def vdir_name(uid: str) -> str:
    """The file name of an item in a vdir: its UID with anything unsafe in a file name replaced."""
    return "".join(ch if ch.isalnum() or ch in "-_.@" else "_" for ch in uid) + ".ics"


class ExportOutcome:
    """What :func:`export_followups` wrote: how many follow-ups in the file, how many closed ones
    were left out (never sent there), and the marks to record (``Store.record_export``)."""

    def __init__(self, written: int, left_out: int, marks: dict[int, dict[str, dict[str, object]]]) -> None:
        self.written = written
        self.left_out = left_out
        self.marks = marks


def _merge_marks(into: dict[int, dict[str, dict[str, object]]], more: dict[int, dict[str, dict[str, object]]]) -> None:
    for item_id, entries in more.items():
        into.setdefault(item_id, {}).update(entries)


def export_followups(
    path: Path | str,
    items: list[FollowUp],
    people: dict[int, Person],
    *,
    vdir: Path | None = None,
    todo: bool = False,
    zone: tzinfo | None = None,
    now: datetime | None = None,
    data_dir: Path | None = None,
) -> ExportOutcome:
    """Write the reminders to ``path`` and, with ``vdir``, one ``<uid>.ics`` per item into that folder
    (with ``todo`` each VTODO in a file of its own too), never into ``data_dir`` (see
    companion.exporters.output). Each target gets what :func:`plan_export` says: no closed item it
    never had. The caller records the returned marks once the write succeeded."""
    zone = zone or local_zone()
    now = now or datetime.now(timezone.utc)
    check_target(path, data_dir)
    if vdir is not None:  # before the file, so a bad folder leaves nothing half done
        check_target(vdir, data_dir)
        if vdir.exists() and not vdir.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(vdir))
        vdir.mkdir(parents=True, exist_ok=True)
    marks: dict[int, dict[str, dict[str, object]]] = {}
    file_events = plan_export(items, target_key(path))
    file_tasks = plan_export(items, target_key(path, tasks=True)) if todo else []
    sequences = {"events": {item.id: seq for item, seq in file_events}, "tasks": {item.id: seq for item, seq in file_tasks}}
    write_output(path, followups_calendar(items, people, todo=todo, zone=zone, now=now, sequences=sequences),
                 data_dir=data_dir)
    _merge_marks(marks, export_marks(file_events, target_key(path)))
    _merge_marks(marks, export_marks(file_tasks, target_key(path, tasks=True)))
    if vdir is not None:
        vdir_events = plan_export(items, vdir_key(vdir))
        for item, sequence in vdir_events:
            write_output(vdir / vdir_name(item.uid),
                         followups_calendar([item], people, zone=zone, now=now,
                                            sequences={"events": {item.id: sequence}, "tasks": {}}),
                         data_dir=data_dir)
        _merge_marks(marks, export_marks(vdir_events, vdir_key(vdir)))
        if todo:
            vdir_tasks = plan_export(items, vdir_key(vdir, tasks=True))
            for item, sequence in vdir_tasks:
                write_output(
                    vdir / vdir_name(todo_uid(item.uid)),
                    followups_calendar([item], people, todo=True, events=False, zone=zone, now=now,
                                       sequences={"events": {}, "tasks": {item.id: sequence}}),
                    data_dir=data_dir,
                )
            _merge_marks(marks, export_marks(vdir_tasks, vdir_key(vdir, tasks=True)))
    sent = {item.id for item, _ in file_events} | {item.id for item, _ in file_tasks}
    return ExportOutcome(written=len(sent), left_out=len(items) - len(sent), marks=marks)


def agenda_uid(session: Session) -> str:
    digest = hashlib.sha1(f"{session.conference}\n{session.id}".encode()).hexdigest()[:20]
    return f"agenda-{digest}@companion"


def agenda_calendar(sessions: Iterable[Session], conference: Conference, *, now: datetime | None = None) -> bytes:
    """Starred sessions as a calendar: one VEVENT each, in UTC, cancelled ones marked so."""
    from icalendar import Event

    stamp = (conference.fetched_at or now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    calendar = _calendar(f"{clean(conference.name, single_line=True)} (starred)")
    for session in sessions:
        event = Event()
        event.add("uid", agenda_uid(session))
        event.add("dtstamp", stamp)
        event.add("dtstart", session.start.astimezone(timezone.utc))
        event.add("dtend", max(session.end, session.start).astimezone(timezone.utc))
        event.add("summary", clean(session.title, single_line=True))
        if session.room:
            event.add("location", clean(session.room, single_line=True))
        speakers = ", ".join(clean(s.name, single_line=True) for s in session.speakers)
        description = "\n\n".join(part for part in (f"Speakers: {speakers}" if speakers else "", clean(session.abstract)) if part)
        if description:
            event.add("description", description)
        if session.url.startswith(("http://", "https://")):
            event.add("url", clean(session.url, single_line=True))
        event.add("status", "CANCELLED" if session.status == "cancelled" else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
