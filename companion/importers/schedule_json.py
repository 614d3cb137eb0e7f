"""c3voc schedule.json, as pretalx and frab export it: ``{"schedule": {"conference": {"days": [...]}}}``.

Each day maps room names to lists of events carrying the same fields as frab's XML, so the session
rules are frab_xml's. Persons are ``{id, public_name}`` (frab) or ``{code, name, public_name, guid}``
(pretalx).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from companion.errors import SourceError
from companion.importers import ParsedSchedule
from companion.importers.frab_xml import FrabClock, FrabEvent, build_session, rollover_time, text_of
from companion.importers.helpers import clean_line, default_name, load_json, make_ids_unique
from companion.models import Session


def parse_schedule_json(payload: bytes, source: str, *, tz: str | None = None, name: str | None = None) -> ParsedSchedule:
    return schedule_from_json(load_json(payload, source), source, tz=tz, name=name)


def schedule_from_json(data: Any, source: str, *, tz: str | None = None, name: str | None = None) -> ParsedSchedule:
    schedule = data.get("schedule") if isinstance(data, dict) else None
    conference = schedule.get("conference") if isinstance(schedule, dict) else None
    if not isinstance(conference, dict):
        raise SourceError(f"{source}: not a schedule.json file (no schedule.conference)")

    warnings: list[str] = []
    clock = FrabClock(tz=tz, file_zone_name=text_of(conference.get("time_zone_name")), warnings=warnings)
    day_change = text_of(conference.get("day_change"))
    skipped: Counter[str] = Counter()
    sessions: list[Session] = []

    def add(event: Any, room_name: str, day_value: Any, rollover: Any) -> None:
        if not isinstance(event, dict):
            skipped["not an event object"] += 1
            return
        session = build_session(_json_event(event, room_name), day=day_value, rollover_before=rollover,
                                clock=clock, skipped=skipped)
        if session is not None:
            sessions.append(session)

    days = conference.get("days")
    for day_data in days if isinstance(days, list) else []:
        if not isinstance(day_data, dict):
            continue
        day, day_start = clock.day_of(text_of(day_data.get("date")), text_of(day_data.get("day_start")))
        rollover = rollover_time(day_start, day_change)
        rooms = day_data.get("rooms")
        if isinstance(rooms, dict):
            for room_name, events in rooms.items():
                for event in events if isinstance(events, list) else []:
                    add(event, text_of(room_name), day, rollover)
        elif isinstance(rooms, list):  # some exporters write [{"name": ..., "events": [...]}]
            for room in rooms:
                if isinstance(room, dict):
                    for event in room.get("events") or []:
                        add(event, text_of(room.get("name")), day, rollover)
    # "schedule2" style: one flat list of events with full dates.
    for holder in (conference, schedule):
        flat = holder.get("events") if isinstance(holder, dict) else None
        if isinstance(flat, list):
            for event in flat:
                add(event, "", None, None)
            break

    make_ids_unique(sessions)
    warnings.extend(clock.warnings())
    title = (
        name or clean_line(text_of(conference.get("title"))) or clean_line(text_of(conference.get("acronym")))
        or default_name(source)
    )
    return ParsedSchedule(
        name=title, timezone=clock.timezone_name(), format="schedule-json", sessions=sessions, skipped=skipped,
        warnings=warnings,
    )


def _json_event(event: dict[str, Any], room_name: str) -> FrabEvent:
    persons: list[tuple[str, str]] = []
    for person in event.get("persons") or []:
        if isinstance(person, dict):
            person_name = person.get("public_name") or person.get("name") or person.get("full_public_name") or ""
            person_id = person.get("code") or person.get("guid") or person.get("id") or ""
            persons.append((text_of(person_name), text_of(person_id)))
        elif isinstance(person, str):
            persons.append((person, ""))
    room = event.get("room")
    if isinstance(room, dict):  # schedule2 rooms are objects
        room = room.get("name")
    return FrabEvent(
        title=_localised(event.get("title")),
        date=text_of(event.get("date")),
        start=text_of(event.get("start")),
        duration=text_of(event.get("duration")),
        room=text_of(room) or room_name,
        track=_named(event.get("track")),
        type=_named(event.get("type")),
        abstract=_localised(event.get("abstract")),
        description=_localised(event.get("description")),
        url=text_of(event.get("url")),
        guid=text_of(event.get("guid")),
        code=text_of(event.get("code")),
        source_id=text_of(event.get("id")),
        status=text_of(event.get("status") or event.get("state")),
        persons=persons,
    )


def _localised(value: Any) -> str:
    """Text that may come as {"en": ..., "de": ...}: English, else the first language given."""
    if isinstance(value, dict):
        chosen = value.get("en") or next((v for v in value.values() if isinstance(v, str) and v), "")
        return text_of(chosen)
    return text_of(value)


def _named(value: Any) -> str:
    """A track or type as text: a string, or an object with a name."""
    if isinstance(value, dict):
        return _localised(value.get("name"))
    return _localised(value)
