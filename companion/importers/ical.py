"""iCalendar schedules: files and feeds, leniently, with the traps of DESIGN section 5 handled."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from companion.errors import ImportError_
from companion.importers import ParsedSchedule
from companion.models import Session, Speaker
from companion.text import clean

_FOLD = re.compile(rb"\r?\n[ \t]")
_VTIMEZONE_BLOCK = re.compile(r"BEGIN:VTIMEZONE.*?END:VTIMEZONE\r?\n?", re.DOTALL)
_SPEAKER_LINE = re.compile(r"^\s*speakers?\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE)


def zone_named(name: str | None) -> tzinfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


def decode_calendar(payload: bytes, source: str) -> str:
    """Unfold the raw bytes (a fold may split a UTF-8 character), then decode."""
    unfolded = _FOLD.sub(b"", payload)
    text = unfolded.decode("utf-8", errors="replace").lstrip("\ufeff")
    if "BEGIN:VCALENDAR" not in text.upper():
        raise ImportError_(f"{source}: not an iCalendar file (no BEGIN:VCALENDAR)")
    if "END:VCALENDAR" not in text.upper():
        raise ImportError_(f"{source}: the calendar is cut short (no END:VCALENDAR); was the download interrupted?")
    return text


def parse_ical(payload: bytes, source: str, *, tz: str | None = None, name: str | None = None) -> ParsedSchedule:
    import icalendar
    import x_wr_timezone

    text = decode_calendar(payload, source)
    warnings: list[str] = []
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except Exception:  # icalendar raises many kinds; one bad VTIMEZONE fails the whole file
        try:
            calendar = icalendar.Calendar.from_ical(_VTIMEZONE_BLOCK.sub("", text))
            warnings.append("the time zone definitions did not parse and were ignored")
        except Exception as error:
            raise ImportError_(f"{source}: does not parse as iCalendar: {clean(error, single_line=True)}") from None
    if not isinstance(calendar, icalendar.Calendar):
        raise ImportError_(f"{source}: no VCALENDAR found")
    try:
        calendar = x_wr_timezone.to_standard(calendar)
    except Exception:
        warnings.append("X-WR-TIMEZONE could not be applied")

    forced_zone = zone_named(tz)
    if tz and forced_zone is None:
        raise ImportError_(f"--tz {tz}: not a known time zone (use an IANA name such as Europe/Berlin)")
    zone_name = tz or str(calendar.get("X-WR-TIMEZONE", "") or "")
    if not zone_named(zone_name):
        zone_name = _first_event_zone(calendar) or ""
    zone = zone_named(zone_name)
    if zone is None:
        zone_name, zone = "UTC", timezone.utc
        warnings.append("no time zone in the file; floating times were read as UTC (pass --tz ZONE to fix)")

    sessions: list[Session] = []
    skipped: Counter[str] = Counter()
    seen_ids: Counter[str] = Counter()
    for component in calendar.walk("VEVENT"):
        session = _session_from_event(component, forced_zone or zone, skipped)
        if session is None:
            continue
        seen_ids[session.id] += 1
        if seen_ids[session.id] > 1:
            session.id = f"{session.id}#{seen_ids[session.id]}"
        sessions.append(session)

    calendar_name = name or clean(calendar.get("X-WR-CALNAME", ""), single_line=True) or Path(source).stem
    return ParsedSchedule(
        name=calendar_name, timezone=zone_name, format="ical", sessions=sessions, skipped=skipped, warnings=warnings
    )


def _first_event_zone(calendar: object) -> str | None:
    for component in calendar.walk("VEVENT"):  # type: ignore[attr-defined]
        prop = component.get("DTSTART")
        if prop is None:
            continue
        tzid = prop.params.get("TZID")
        if tzid and zone_named(str(tzid)):
            return str(tzid)
        try:
            value = prop.dt
        except Exception:  # a broken value raises only when read
            continue
        key = getattr(getattr(value, "tzinfo", None), "key", None)
        if key:
            return str(key)
    return None


def _moment(prop: object, zone: tzinfo) -> datetime | None:
    value = getattr(prop, "dt", None)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            tzid = getattr(prop, "params", {}).get("TZID")
            value = value.replace(tzinfo=zone_named(str(tzid)) if tzid and zone_named(str(tzid)) else zone)
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=zone)
    return None


def _session_from_event(event: object, zone: tzinfo, skipped: Counter[str]) -> Session | None:
    get = event.get  # type: ignore[attr-defined]
    title = clean(get("SUMMARY", ""), single_line=True)
    if not title:
        skipped["no title"] += 1
        return None
    try:
        start = _moment(get("DTSTART"), zone)
    except Exception:
        start = None
    if start is None:
        skipped["no valid start"] += 1
        return None
    end: datetime | None = None
    try:
        if get("DTEND") is not None:
            end = _moment(get("DTEND"), zone)
        elif get("DURATION") is not None:
            end = start + get("DURATION").dt
    except Exception:
        end = None
    if end is None or end < start:
        all_day = isinstance(getattr(get("DTSTART"), "dt", None), date) and not isinstance(
            get("DTSTART").dt, datetime
        )
        end = start + (timedelta(days=1) if all_day else timedelta(0))

    description = clean(get("DESCRIPTION", ""))
    speakers = _speakers(event, description)
    uid = clean(get("UID", ""), single_line=True)
    recurrence = get("RECURRENCE-ID")
    if uid and recurrence is not None:
        try:
            uid = f"{uid}@{recurrence.dt.isoformat()}"
        except Exception:
            uid = f"{uid}@{clean(getattr(recurrence, 'to_ical', lambda: b'')(), single_line=True)}"
    room = clean(get("LOCATION", ""), single_line=True)
    session_id = uid or f"{title}|{start.astimezone(timezone.utc).isoformat()}|{room}"
    categories = get("CATEGORIES")
    track = ""
    if categories is not None:
        try:
            lines = categories if isinstance(categories, list) else [categories]
            track = clean(", ".join(str(c) for line in lines for c in line.cats), single_line=True)
        except Exception:
            track = ""
    status = "cancelled" if str(get("STATUS", "")).upper() == "CANCELLED" else "scheduled"
    return Session(
        id=session_id,
        conference="",
        title=title,
        start=start,
        end=end,
        room=room,
        track=track,
        abstract=_SPEAKER_LINE.sub("", description).strip(),
        url=clean(get("URL", ""), single_line=True),
        speakers=speakers,
        status=status,
    )


def _speakers(event: object, description: str) -> list[Speaker]:
    names: list[Speaker] = []
    attendees = event.get("ATTENDEE")  # type: ignore[attr-defined]
    if attendees is not None:
        for attendee in attendees if isinstance(attendees, list) else [attendees]:
            common_name = clean(getattr(attendee, "params", {}).get("CN", ""), single_line=True)
            if common_name:
                names.append(Speaker(common_name, clean(str(attendee), single_line=True)))
    if not names:
        match = _SPEAKER_LINE.search(description)
        if match:
            for part in re.split(r",|;| and | & ", match.group(1)):
                if part.strip():
                    names.append(Speaker(part.strip()))
    return names
