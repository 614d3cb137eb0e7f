"""frab, Pentabarf and wafer schedule XML (``<schedule><conference>...<day><room><event>``).

The XML is read through defusedxml with entity expansion off: a file that declares entities or
points at external resources is refused. Times: a full ``<date>`` instant wins over ``<start>``
(wafer writes ``<date>`` in UTC beside a local ``<start>``); otherwise the day's date plus ``<start>``
in the conference's zone, rolled into the next calendar day for sessions after midnight. Each session
keeps the conference day it is listed under.

The event-to-session rules here are shared with the c3voc schedule.json importer, which carries the
same fields as JSON.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from companion.errors import SourceError
from companion.importers import ParsedSchedule
from companion.importers.helpers import (
    FLOATING_WARNING,
    clean_line,
    composite_id,
    default_name,
    fixed_offset_zone_name,
    html_to_text,
    is_cancelled,
    join_paragraphs,
    make_ids_unique,
    resolve_zone,
)
from companion.models import Session, Speaker
from companion.session_times import OUT_OF_RANGE, after, moment_in_range

UTC = ZoneInfo("UTC")
LATEST_DAY_CHANGE = time(6, 0)
"""A ``day_change`` later than this is not trusted to roll sessions into the next calendar day."""

_DURATION = re.compile(r"^\s*(?:(\d+)\s*d(?:ays?)?\s*)?(\d{1,3}):(\d{1,2})(?::(\d{1,2}))?\s*$", re.IGNORECASE)
_ISO_DURATION = re.compile(r"^\s*P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?\s*$", re.IGNORECASE)
_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")


# --- shared with schedule.json ------------------------------------------------------------------


@dataclass
class FrabEvent:
    """One event's fields as the frab family writes them, format-neutral."""

    title: str
    date: str = ""
    start: str = ""
    duration: str = ""
    room: str = ""
    track: str = ""
    type: str = ""
    abstract: str = ""
    description: str = ""
    url: str = ""
    guid: str = ""
    code: str = ""
    source_id: str = ""
    status: str = ""
    persons: list[tuple[str, str]] = field(default_factory=list)
    """(name, source id) per person."""


class FrabClock:
    """The conference's zone and days: places each event's start, notes floating times."""

    def __init__(self, *, tz: str | None, file_zone_name: str, warnings: list[str]) -> None:
        forced = resolve_zone(tz) if tz else None
        if tz and forced is None:
            raise SourceError(f"--tz {tz}: not a known time zone (use an IANA name such as Europe/Berlin)")
        file_zone = resolve_zone(file_zone_name) if file_zone_name else None
        if file_zone_name and file_zone is None:
            warnings.append(f"time zone {clean_line(file_zone_name)!r} in the file is not known")
        self.known = forced or file_zone
        self.zone_name, self.zone = self.known if self.known else ("UTC", UTC)
        self.floating_seen = False
        self.offsets: Counter[timedelta] = Counter()

    def place(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            self.floating_seen = True
            return moment.replace(tzinfo=self.zone)
        offset = moment.utcoffset()
        if offset is not None:
            self.offsets[offset] += 1
        return moment.astimezone(self.zone) if self.known else moment

    def day_of(self, date_text: str, start_text: str) -> tuple[date | None, time | None]:
        """The conference day a ``<day>`` stands for, and the local time it starts.

        The day's date, unless its start instant falls on another local date (wafer writes the UTC
        date: DebConf23 in India lists 10 September as "2023-09-09", starting 21:30Z).
        """
        listed = _date(date_text)
        start = _instant(start_text)
        if start is None:
            return listed, None
        if start.tzinfo is None:
            return listed or start.date(), start.time()
        try:
            local = start.astimezone(self.zone) if self.known else start
        except (OverflowError, ValueError):  # the day starts at the edge of the calendar
            return listed, None
        return (local.date() if self.known or listed is None else listed), local.time()

    def timezone_name(self) -> str:
        """The conference's IANA zone: given or declared, else the fixed offset most times carry."""
        if self.known:
            return self.zone_name
        if self.offsets:
            return fixed_offset_zone_name(self.offsets.most_common(1)[0][0]) or "UTC"
        return "UTC"

    def warnings(self) -> list[str]:
        return [FLOATING_WARNING] if self.floating_seen and not self.known else []


def _prefer_unique_event_ids(sessions: list[Session]) -> None:
    """Without a guid, an event id that is unique in the file is a better stable id than the
    composite (id + start + room): a talk that moves keeps its id, so the move can be reported."""
    counts = Counter(session.source_id for session in sessions if session.source_id)
    for session in sessions:
        if session.source_id and counts[session.source_id] == 1:
            if session.id == composite_id(session.source_id, session.title, session.start, session.room):
                session.id = f"event-{session.source_id}"


def build_session(
    event: FrabEvent,
    *,
    day: date | None,
    rollover_before: time | None,
    clock: FrabClock,
    skipped: Counter[str],
) -> Session | None:
    title = clean_line(event.title)
    if not title:
        skipped["no title"] += 1
        return None
    try:
        start = _start(event, day, rollover_before, clock)
    except (OverflowError, ValueError):  # a date at the edge of the calendar, moved by a zone or a day
        skipped[OUT_OF_RANGE] += 1
        return None
    if start is None:
        skipped["no valid start"] += 1
        return None
    length = parse_duration(event.duration)
    end = after(start, length) if length else start  # exact, across DST
    if not moment_in_range(start) or end is None:
        skipped[OUT_OF_RANGE] += 1
        return None
    room = clean_line(event.room)
    source_id = clean_line(event.source_id)
    stable = clean_line(event.guid) or clean_line(event.code)
    speakers = []
    for name, person_id in event.persons:
        person = clean_line(name)
        if person:
            speakers.append(Speaker(person, clean_line(person_id)))
    return Session(
        id=stable or composite_id(source_id, title, start, room),
        conference="",
        title=title,
        start=start,
        end=end,
        room=room,
        track=clean_line(event.track),
        type=clean_line(event.type),
        abstract=join_paragraphs(html_to_text(event.abstract), html_to_text(event.description)),
        url=clean_line(event.url),
        speakers=speakers,
        status="cancelled" if is_cancelled(event.status, title) else "scheduled",
        day=day,
        source_id=source_id or stable,
    )


def _start(event: FrabEvent, day: date | None, rollover_before: time | None, clock: FrabClock) -> datetime | None:
    full = _full_instant(event.date)
    if full is not None:
        return clock.place(full)  # the whole instant: trusted over <start>
    clock_time = _clock(event.start)
    if clock_time is None:
        full = _full_instant(event.start)  # some producers write the whole instant into <start>
        return clock.place(full) if full is not None else None
    listed = _date(event.date)
    base = listed or day
    if base is None:
        return None
    if listed is None and rollover_before is not None and clock_time < rollover_before:
        base += timedelta(days=1)
    return clock.place(datetime.combine(base, clock_time))


def rollover_time(day_start: time | None, day_change: str) -> time | None:
    """Events listed under a day that start before this local time happen after midnight: the day's
    own start, else the conference's day_change, and never later than 06:00."""
    change = day_start if day_start is not None else _clock(day_change)
    if change is None or change == time(0):
        return None
    return min(change, LATEST_DAY_CHANGE)


def parse_duration(text: str) -> timedelta | None:
    """"0:30", "00:30", "01:00:00", "1d 02:00", "PT1H30M" or plain minutes."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        match = _DURATION.match(text)
        if match:
            days, hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
            return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        match = _ISO_DURATION.match(text)
        if match and any(match.groups()):
            days, hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
            return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        if text.isdigit():
            return timedelta(minutes=int(text))
    except OverflowError:  # more days than a timedelta holds: no session lasts that long
        return timedelta.max
    except ValueError:  # digits int() does not read (superscripts, thousands of them)
        return None
    return None


def _instant(text: str) -> datetime | None:
    text = (text or "").strip()
    if len(text) < 10:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _full_instant(text: str) -> datetime | None:
    """A date with a time of day ("2024-12-27T10:30:00+01:00"), not a bare date."""
    text = (text or "").strip()
    if len(text) <= 10 or text[10] not in "Tt ":
        return None
    return _instant(text)


def _date(text: str) -> date | None:
    text = (text or "").strip()
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 else None
    except ValueError:
        return None


def _clock(text: str) -> time | None:
    match = _CLOCK.match(text or "")
    if not match:
        return None
    hours, minutes, seconds = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        return None
    return time(hours, minutes, seconds)


def text_of(value: Any) -> str:
    return "" if value is None else str(value)


# --- XML ------------------------------------------------------------------------------------------


def parse_xml(payload: bytes, source: str) -> Any:
    """The root element, through defusedxml: no entity expansion, no external resources."""
    import defusedxml
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        return fromstring(payload, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.EntitiesForbidden as error:
        raise SourceError(
            f"{source}: refused: the XML declares an entity ({clean_line(error.name)}); "
            "entity expansion is off"
        ) from None
    except defusedxml.ExternalReferenceForbidden:
        raise SourceError(f"{source}: refused: the XML refers to an external resource") from None
    except defusedxml.DefusedXmlException as error:
        raise SourceError(f"{source}: refused: {clean_line(error)}") from None
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise SourceError(f"{source}: not well-formed XML (line {line}, column {column + 1})") from None


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_frab_xml(payload: bytes, source: str, *, tz: str | None = None, name: str | None = None) -> ParsedSchedule:
    root = parse_xml(payload, source)
    if isinstance(root.tag, str) and root.tag.startswith("{"):
        for element in root.iter():
            element.tag = _local(element.tag)
    if root.tag != "schedule":
        raise SourceError(f"{source}: not a frab/Pentabarf schedule (the root element is <{_local(root.tag)}>)")
    conference = root.find("conference")
    if conference is None:
        raise SourceError(f"{source}: not a frab/Pentabarf schedule (no <conference>)")

    def conference_text(tag: str) -> str:
        return clean_line(conference.findtext(tag) or "")

    warnings: list[str] = []
    clock = FrabClock(tz=tz, file_zone_name=conference_text("time_zone_name"), warnings=warnings)
    day_change = conference_text("day_change")
    skipped: Counter[str] = Counter()
    sessions: list[Session] = []
    for day_element in root.iter("day"):
        day, day_start = clock.day_of(day_element.get("date", ""), day_element.get("start", ""))
        rollover = rollover_time(day_start, day_change)
        for room_element in day_element.findall("room"):
            room_name = room_element.get("name", "")
            for event_element in room_element.findall("event"):
                session = build_session(
                    _xml_event(event_element, room_name), day=day, rollover_before=rollover, clock=clock, skipped=skipped
                )
                if session is not None:
                    sessions.append(session)
        for event_element in day_element.findall("event"):  # rooms left out: events straight under the day
            session = build_session(
                _xml_event(event_element, ""), day=day, rollover_before=rollover, clock=clock, skipped=skipped
            )
            if session is not None:
                sessions.append(session)
    _prefer_unique_event_ids(sessions)
    make_ids_unique(sessions)
    warnings.extend(clock.warnings())
    title = name or conference_text("title") or conference_text("acronym") or default_name(source)
    return ParsedSchedule(
        name=title, timezone=clock.timezone_name(), format="frab", sessions=sessions, skipped=skipped, warnings=warnings
    )


def _xml_event(element: Any, room_name: str) -> FrabEvent:
    fields: dict[str, Any] = {}
    for child in element:
        fields.setdefault(child.tag, child)

    def text(tag: str) -> str:
        child = fields.get(tag)
        return child.text or "" if child is not None else ""

    persons: list[tuple[str, str]] = []
    persons_element = fields.get("persons")
    if persons_element is not None:
        for person in persons_element.iter("person"):
            person_id = person.get("id") or person.get("guid") or person.get("code") or ""
            persons.append(("".join(person.itertext()), person_id))
    return FrabEvent(
        title=text("title"),
        date=text("date"),
        start=text("start"),
        duration=text("duration"),
        room=text("room") or room_name,
        track=text("track"),
        type=text("type"),
        abstract=text("abstract"),
        description=text("description"),
        url=text("url"),
        guid=element.get("guid", "") or text("guid"),
        code=element.get("code", "") or text("code"),
        source_id=element.get("id", ""),
        status=text("status") or element.get("status", ""),
        persons=persons,
    )
