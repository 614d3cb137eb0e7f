"""Follow-up reminders as iCalendar that real calendars accept.

One VEVENT per follow-up (every calendar shows events; Google and Outlook ignore VTODO), at
09:00 local time on the due day, with one relative DISPLAY alarm. With ``todo`` a VTODO per
follow-up is added for task apps (todoman, Thunderbird, Tasks.org via DAVx5): DUE on the due
day, STATUS NEEDS-ACTION, COMPLETED (with the COMPLETED time) or CANCELLED, and its own UID,
the event's with a ``-todo`` part (a calendar may hold both and UIDs must differ).

UIDs are the follow-ups' stable UIDs and SEQUENCE is their change counter, so a re-import
updates instead of duplicating; done and dropped items stay in the export (CANCELLED events,
COMPLETED or CANCELLED todos) so the update reaches the calendar. Times are written in UTC;
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


def followup_event(item: FollowUp, person: Person | None, zone: tzinfo, stamp: datetime):  # noqa: ANN201
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
    event.add("sequence", item.sequence)
    event.add("categories", ["companion", item.kind])
    if item.status in ("done", "dropped"):
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


def followup_todo(item: FollowUp, person: Person | None, stamp: datetime):  # noqa: ANN201
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
    todo.add("sequence", item.sequence)
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
) -> bytes:
    """A calendar of the follow-ups: their VEVENTs (unless ``events`` is false), then with ``todo`` their VTODOs."""
    zone = zone or local_zone()
    now = now or datetime.now(timezone.utc)
    items = list(items)
    calendar = _calendar("companion follow-ups")
    if events:
        for item in items:
            calendar.add_component(followup_event(item, people.get(item.person_id), zone, now))
    if todo:
        for item in items:
            calendar.add_component(followup_todo(item, people.get(item.person_id), now))
    return calendar.to_ical()


def vdir_name(uid: str) -> str:
    """The file name of an item in a vdir: its UID with anything unsafe in a file name replaced."""
    return "".join(ch if ch.isalnum() or ch in "-_.@" else "_" for ch in uid) + ".ics"


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
) -> int:
    """Write the reminders to ``path`` and, with ``vdir``, one ``<uid>.ics`` per item into that folder
    (with ``todo`` each VTODO in a file of its own too), never into ``data_dir`` (see
    companion.exporters.output). Returns how many follow-ups were written."""
    zone = zone or local_zone()
    now = now or datetime.now(timezone.utc)
    check_target(path, data_dir)
    if vdir is not None:  # before the file, so a bad folder leaves nothing half done
        check_target(vdir, data_dir)
        if vdir.exists() and not vdir.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(vdir))
        vdir.mkdir(parents=True, exist_ok=True)
    write_output(path, followups_calendar(items, people, todo=todo, zone=zone, now=now), data_dir=data_dir)
    if vdir is not None:
        for item in items:
            write_output(vdir / vdir_name(item.uid), followups_calendar([item], people, zone=zone, now=now),
                         data_dir=data_dir)
            if todo:
                write_output(
                    vdir / vdir_name(todo_uid(item.uid)),
                    followups_calendar([item], people, todo=True, events=False, zone=zone, now=now),
                    data_dir=data_dir,
                )
    return len(items)


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
