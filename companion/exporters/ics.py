"""Follow-up reminders as iCalendar that real calendars accept (DESIGN section 8).

One VEVENT per follow-up (every calendar shows events; Google and Outlook ignore VTODO), at
09:00 local time on the due day, with one relative DISPLAY alarm. UIDs are the follow-ups'
stable UIDs and SEQUENCE is their change counter, so a re-import updates instead of
duplicating. Times are written in UTC; text is stripped of control characters.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, time, timedelta, timezone, tzinfo
from pathlib import Path

from companion.models import Conference, FollowUp, Person, Session
from companion.storage import atomic_write_bytes
from companion.text import clean

PRODID = "-//companion//conference companion//EN"
REMINDER_AT = time(9, 0)
REMINDER_LENGTH = timedelta(minutes=15)
ALARM_BEFORE = timedelta(minutes=15)
EXPORTED_STATUSES = ("open", "waiting", "done", "dropped")


def _local_zone() -> tzinfo:
    """The computer's time zone with its rules (not today's fixed offset), so 09:00 stays 09:00 across DST."""
    import os
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
    description = [clean(item.detail)] if item.detail else []
    if person is not None:
        who = clean(person.name, single_line=True)
        if person.affiliation:
            who += f" ({clean(person.affiliation, single_line=True)})"
        description.append(f"With: {who}")
        if person.email:
            description.append(f"Email: {clean(person.email, single_line=True)}")
    event.add("description", "\n".join(description))
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


def followups_calendar(
    items: Iterable[FollowUp], people: dict[int, Person], *, zone: tzinfo | None = None, now: datetime | None = None
) -> bytes:
    from icalendar import Calendar

    zone = zone or _local_zone()
    now = now or datetime.now(timezone.utc)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "companion follow-ups")
    for item in items:
        calendar.add_component(followup_event(item, people.get(item.person_id), zone, now))
    return calendar.to_ical()


def export_followups(
    path: Path,
    items: list[FollowUp],
    people: dict[int, Person],
    *,
    vdir: Path | None = None,
    zone: tzinfo | None = None,
    now: datetime | None = None,
) -> int:
    """Write the reminders to ``path`` (and one file per item into ``vdir``); returns how many."""
    atomic_write_bytes(path, followups_calendar(items, people, zone=zone, now=now))
    if vdir is not None:
        vdir.mkdir(parents=True, exist_ok=True)
        for item in items:
            name = "".join(ch if ch.isalnum() or ch in "-_.@" else "_" for ch in item.uid)
            atomic_write_bytes(vdir / f"{name}.ics", followups_calendar([item], people, zone=zone, now=now))
    return len(items)


def agenda_uid(session: Session) -> str:
    digest = hashlib.sha1(f"{session.conference}\n{session.id}".encode()).hexdigest()[:20]
    return f"agenda-{digest}@companion"


def agenda_calendar(sessions: Iterable[Session], conference: Conference, *, now: datetime | None = None) -> bytes:
    """Starred sessions as a calendar: one VEVENT each, in UTC, cancelled ones marked so."""
    from icalendar import Calendar, Event

    stamp = (conference.fetched_at or now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{clean(conference.name, single_line=True)} (starred)")
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
