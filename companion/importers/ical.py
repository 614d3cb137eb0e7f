"""iCalendar schedules: files and feeds, leniently, with the traps of real files and of icalendar handled.

Time zones: a TZID with or without its VTIMEZONE (IANA, Windows and Outlook names), X-WR-TIMEZONE,
UTC, and floating times (``tz`` when given, else the file's zone, else UTC with a warning).
Repeating events are expanded only inside the conference window (the span of the events that do not
repeat, or the first two weeks when every event repeats), at most 500 occurrences per rule; each
occurrence is its own session with the id ``UID@instant``, and a RECURRENCE-ID override replaces the
occurrence it names.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from companion.errors import SourceError
from companion.importers import ParsedSchedule
from companion.importers.helpers import (
    FLOATING_WARNING,
    clean_line,
    clean_text,
    composite_id,
    default_name,
    html_to_text,
    is_cancelled,
    make_ids_unique,
    resolve_zone,
    zone_name_for,
)
from companion.models import Session, Speaker
from companion.session_times import OUT_OF_RANGE, after, moment_in_range, vet_session_times

_LINE_END = re.compile(rb"\r+\n")
_FOLD = re.compile(rb"\n+[ \t]")  # blank lines before a fold belong to it (Mozilla writes them)
_STRAY_LINE = re.compile(r"^[^:\n]*(?:\n|$)", re.MULTILINE)
_VTIMEZONE_BLOCK = re.compile(r"BEGIN:VTIMEZONE.*?END:VTIMEZONE\n?", re.DOTALL | re.IGNORECASE)
_SPEAKER_LINE = re.compile(r"^[ \t]*speakers?[ \t]*:[ \t]*(.+)$", re.IGNORECASE | re.MULTILINE)
_SPEAKER_SEPARATORS = re.compile(r",|;| and | & ")
UTC = ZoneInfo("UTC")

MAX_OCCURRENCES_PER_RULE = 500
MAX_RULE_STEPS = 50_000
"""How far a rule is stepped through looking for the window (a minutely rule from years back stops here)."""
WINDOW_DAYS_WHEN_ALL_REPEAT = 14


def zone_named(name: str | None) -> tzinfo | None:
    resolved = resolve_zone(name)
    return resolved[1] if resolved else None


def _decode(payload: bytes, source: str) -> tuple[str, list[str]]:
    data = payload.replace(b"\r\n", b"\n") if b"\r" in payload else payload
    if b"\r\n" in data:  # CR CR LF line ends
        data = _LINE_END.sub(b"\n", data)
    if b"\n\n " in data or b"\n\n\t" in data:
        unfolded = _FOLD.sub(b"", data)
    else:
        unfolded = data.replace(b"\n ", b"").replace(b"\n\t", b"")
    warnings: list[str] = []
    try:
        text = unfolded.decode("utf-8")
    except UnicodeDecodeError:
        text = unfolded.decode("utf-8", errors="replace")
        damaged = text.count("\ufffd")
        if damaged > 3:  # not a stray byte in UTF-8: a file in a Windows code page
            text = unfolded.decode("cp1252", errors="replace")
            warnings.append("the file is not UTF-8; it was read as Windows-1252")
        else:
            warnings.append(f"{damaged} byte sequence(s) that are not UTF-8 were replaced")
    text = text.lstrip("\ufeff")
    if not _contains(text, "BEGIN:VCALENDAR"):
        raise SourceError(f"{source}: not an iCalendar file (no BEGIN:VCALENDAR)")
    if not _contains(text, "END:VCALENDAR"):
        raise SourceError(f"{source}: the calendar is cut short (no END:VCALENDAR); was the download interrupted?")
    return text, warnings


USED_EVENT_PROPERTIES = frozenset({
    "UID", "DTSTART", "DTEND", "DURATION", "SUMMARY", "LOCATION", "DESCRIPTION", "CATEGORIES", "ATTENDEE",
    "URL", "STATUS", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID", "BEGIN", "END",
})
"""The VEVENT properties a session is made of; the rest (DTSTAMP, ORGANIZER, alarms...) is left out
before icalendar parses the file, which spends most of its time splitting content lines."""


def _without_unused_event_lines(text: str) -> str:
    kept: list[str] = []
    in_event = False
    nested = ""
    for line in text.split("\n"):
        if not in_event:
            kept.append(line)
            in_event = line[:12].upper().startswith("BEGIN:VEVENT")
            continue
        head = line[:40].upper()
        if nested:  # a component inside the event (VALARM): skipped whole
            if head.startswith("END:") and head[4:].strip() == nested:
                nested = ""
            continue
        if head.startswith("BEGIN:"):
            nested = head[6:].strip()
            continue
        cut = len(head)
        for separator in (":", ";"):
            position = head.find(separator)
            if 0 <= position < cut:
                cut = position
        name = head[:cut].strip()
        if name in USED_EVENT_PROPERTIES or cut == len(head):
            kept.append(line)  # a line with no name (garbage) is kept for icalendar to judge
            if name == "END":
                in_event = False
    return "\n".join(kept)


def _contains(text: str, marker: str) -> bool:
    return marker in text or marker in text.upper()


def _calendars(text: str, source: str, warnings: list[str]) -> list[Any]:
    """Every VCALENDAR in the text; lines that are not content lines, then broken VTIMEZONEs, are
    dropped only when the file does not parse with them."""
    import icalendar

    def parse(candidate: str) -> list[Any]:
        found = icalendar.Calendar.from_ical(candidate, multiple=True)
        return [c for c in found if isinstance(c, icalendar.Calendar)]

    try:
        calendars = parse(text)
    except Exception:  # icalendar raises many kinds; one bad line or VTIMEZONE fails the whole file
        stray = [line for line in _STRAY_LINE.findall(text) if line.strip()]
        repaired = _STRAY_LINE.sub("", text)
        try:
            calendars = parse(repaired)
            if stray:
                warnings.append(f"{len(stray)} line(s) that are not iCalendar content were ignored")
        except Exception:
            try:
                calendars = parse(_VTIMEZONE_BLOCK.sub("", repaired))
                warnings.append("the time zone definitions did not parse and were ignored")
            except Exception as error:
                raise SourceError(f"{source}: does not parse as iCalendar: {clean_line(error)}") from None
    if not calendars:
        raise SourceError(f"{source}: no VCALENDAR found")
    return calendars


def parse_ical(payload: bytes, source: str, *, tz: str | None = None, name: str | None = None) -> ParsedSchedule:
    text, warnings = _decode(payload, source)
    forced = resolve_zone(tz) if tz else None
    if tz and forced is None:
        raise SourceError(f"--tz {tz}: not a known time zone (use an IANA name such as Europe/Berlin)")
    calendars = _calendars(_without_unused_event_lines(text), source, warnings)
    events = [event for calendar in calendars for event in calendar.walk("VEVENT")]

    file_zone = None
    for calendar in calendars:
        declared = str(calendar.get("X-WR-TIMEZONE", "") or "")
        file_zone = resolve_zone(declared)
        if declared and file_zone is None:
            warnings.append(f"X-WR-TIMEZONE {clean_line(declared)!r} is not a known time zone")
        if file_zone:
            break
    chosen = forced or file_zone or _first_event_zone(events)
    zone_name, zone = chosen if chosen else ("UTC", UTC)
    reader = _Reader(zone)

    skipped: Counter[str] = Counter()
    singles: list[Session] = []
    overrides: list[Session] = []
    masters: list[tuple[Any, Session, bool]] = []
    for event in events:
        built = _session_from_event(event, reader, skipped)
        if built is None:
            continue
        session, all_day = built
        if _prop(event, "RECURRENCE-ID") is not None:
            overrides.append(session)
        elif _prop(event, "RRULE") is not None or _prop(event, "RDATE") is not None:
            masters.append((event, session, all_day))
        else:
            singles.append(session)

    sessions = singles + overrides
    if masters:
        window = _window(sessions, [m[1] for m in masters], zone)
        replaced = {s.id for s in overrides}
        expansion = _Expansion(window, replaced, reader)
        for event, master, all_day in masters:
            occurrences = expansion.expand(event, master, all_day)
            if not occurrences:
                skipped["repeating event with no occurrence inside the conference window"] += 1
            sessions.extend(occurrences)
        warnings.extend(expansion.notes())
    # Checked before the times are moved into the conference's zone, which would hide a wall time
    # that does not exist in the event's own zone.
    sessions, refused, notes = vet_session_times(sessions)
    if refused:
        skipped[OUT_OF_RANGE] += refused
    warnings.extend(notes)
    for session in sessions:  # shown in the conference's zone; the instants do not change
        session.start, session.end = session.start.astimezone(zone), session.end.astimezone(zone)
    if reader.floating_seen and chosen is None:
        warnings.append(FLOATING_WARNING)
    make_ids_unique(sessions)

    calendar_name = name or _calendar_name(calendars) or default_name(source)
    return ParsedSchedule(
        name=calendar_name, timezone=zone_name, format="ical", sessions=sessions, skipped=skipped, warnings=warnings,
        times_checked=True,
    )


def _calendar_name(calendars: list[Any]) -> str:
    """X-WR-CALNAME, else a one-line X-WR-CALDESC (Symposion writes only that)."""
    for key in ("X-WR-CALNAME", "X-WR-CALDESC"):
        for calendar in calendars:
            value = clean_line(calendar.get(key, ""))
            if value and (key == "X-WR-CALNAME" or len(value) <= 80):
                return value
    return ""


def _prop(component: Any, key: str, default: Any = None) -> Any:
    """A property by its upper-case name, read past icalendar's case-folding lookup (it costs more
    than the rest of our per-event work together); icalendar stores the names upper-cased."""
    return dict.get(component, key, default)


def _first_event_zone(events: list[Any]) -> tuple[str, tzinfo] | None:
    """The zone of the first event that has one: its TZID by name, else its time's zone."""
    for component in events:
        prop = component.get("DTSTART")
        if prop is None:
            continue
        tzid = getattr(prop, "params", {}).get("TZID")
        resolved = resolve_zone(str(tzid)) if tzid else None
        if resolved:
            return resolved
        try:
            value = prop.dt
        except Exception:  # a broken value raises only when read
            continue
        if isinstance(value, datetime) and value.tzinfo is not None:
            named = zone_name_for(value.tzinfo, value)
            if named:
                resolved = resolve_zone(named)
                if resolved:
                    return resolved
    return None


class _Reader:
    """Turns property values into aware datetimes, noting when a floating time had to be placed."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self.floating_seen = False

    def moment(self, prop: Any) -> datetime | None:
        value = getattr(prop, "dt", None)
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                return value
            return self.aware(value, dict.get(getattr(prop, "params", {}), "TZID"))
        if isinstance(value, date):
            return datetime.combine(value, time(0, 0), tzinfo=self.zone)
        return None

    def aware(self, value: datetime, tzid: object = None) -> datetime:
        if value.tzinfo is not None:
            return value
        resolved = resolve_zone(str(tzid)) if tzid else None
        if resolved:
            return value.replace(tzinfo=resolved[1])
        self.floating_seen = True
        return value.replace(tzinfo=self.zone)


def _instant_text(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return value.strftime("%Y%m%d")


def _is_all_day(prop: Any) -> bool:
    value = getattr(prop, "dt", None)
    return isinstance(value, date) and not isinstance(value, datetime)


def _session_from_event(event: Any, reader: _Reader, skipped: Counter[str]) -> tuple[Session, bool] | None:
    def get(key: str, default: Any = None, _get: Any = dict.get) -> Any:
        return _get(event, key, default)

    title = clean_line(get("SUMMARY", ""))
    if not title:
        skipped["no title"] += 1
        return None
    dtstart = get("DTSTART")
    try:
        start = reader.moment(dtstart)
        all_day = _is_all_day(dtstart)
    except Exception:
        start, all_day = None, False
    if start is None:
        skipped["no valid start"] += 1
        return None
    if not moment_in_range(start):
        skipped[OUT_OF_RANGE] += 1
        return None
    end: datetime | None = None
    try:
        dtend, duration = get("DTEND"), get("DURATION")
        if dtend is not None:
            end = reader.moment(dtend)
        elif duration is not None:
            end = after(start, duration.dt)
            if end is None:
                skipped[OUT_OF_RANGE] += 1
                return None
    except Exception:
        end = None
    if end is None:
        end = after(start, timedelta(days=1) if all_day else timedelta(0))
    if end is None or not moment_in_range(end):
        skipped[OUT_OF_RANGE] += 1
        return None
    if all_day and end < start:
        end = start + timedelta(days=1)

    description = clean_text(str(get("DESCRIPTION", "")))
    speakers = _attendee_speakers(get("ATTENDEE"))
    line_speakers, description = _speaker_lines(description)
    abstract = html_to_text(description)
    if not line_speakers and _SPEAKER_LINE.search(abstract):
        line_speakers, abstract = _speaker_lines(abstract)
    speakers = speakers or line_speakers

    uid = clean_line(get("UID", ""))
    room = clean_line(get("LOCATION", ""))
    session_id = uid or composite_id("", title, start, room)
    recurrence = get("RECURRENCE-ID")
    if recurrence is not None:
        try:
            value = recurrence.dt
            instant = reader.aware(value, recurrence.params.get("TZID")) if isinstance(value, datetime) else value
            session_id = f"{session_id}@{_instant_text(instant)}"
        except Exception:
            raw = getattr(recurrence, "to_ical", lambda: b"")()
            session_id = f"{session_id}@{clean_line(raw.decode('utf-8', 'replace') if isinstance(raw, bytes) else raw)}"
    status = str(get("STATUS", "") or "")
    return Session(
        id=session_id,
        conference="",
        title=title,
        start=start,
        end=end,
        room=room,
        track=_categories(get("CATEGORIES")),
        abstract=abstract,
        url=clean_line(get("URL", "")),
        speakers=speakers,
        status="cancelled" if is_cancelled(status, title) and status.upper() != "CONFIRMED" else "scheduled",
        source_id=uid,
    ), all_day


def _categories(categories: Any) -> str:
    if categories is None:
        return ""
    try:
        lines = categories if isinstance(categories, list) else [categories]
        return clean_line(", ".join(str(c) for line in lines for c in line.cats))
    except Exception:
        return ""


def _attendee_speakers(attendees: Any) -> list[Speaker]:
    names: list[Speaker] = []
    if attendees is None:
        return names
    for attendee in attendees if isinstance(attendees, list) else [attendees]:
        common_name = clean_line(dict.get(getattr(attendee, "params", {}), "CN", ""))
        if common_name:
            address = clean_line(str(attendee))
            names.append(Speaker(common_name, "" if address.lower().startswith("invalid:") else address))
    return names


def _speaker_lines(description: str) -> tuple[list[Speaker], str]:
    """Speakers named on "Speaker:"/"Speakers:" lines, and the description without those lines."""
    match = _SPEAKER_LINE.search(description)
    if not match:
        return [], description
    names = [Speaker(clean_line(part)) for part in _SPEAKER_SEPARATORS.split(match.group(1))]
    return [s for s in names if s.name], _SPEAKER_LINE.sub("", description).strip()


# --- repeating events ----------------------------------------------------------------------------


def _window(fixed: list[Session], masters: list[Session], zone: tzinfo) -> tuple[datetime, datetime]:
    """The conference window: whole local days spanned by the events that do not repeat, or the first
    two weeks from the earliest repeating event when every event repeats."""
    if fixed:
        first = min(s.start for s in fixed).astimezone(zone).date()
        last = max(max(s.end, s.start) for s in fixed).astimezone(zone)
        last_day = last.date() if last.time() != time(0) else last.date() - timedelta(days=1)
        start = datetime.combine(first, time(0), tzinfo=zone)
        return start, datetime.combine(max(last_day, first) + timedelta(days=1), time(0), tzinfo=zone)
    first = min(s.start for s in masters).astimezone(zone).date()
    start = datetime.combine(first, time(0), tzinfo=zone)
    return start, start + timedelta(days=WINDOW_DAYS_WHEN_ALL_REPEAT)


class _Expansion:
    def __init__(self, window: tuple[datetime, datetime], replaced: set[str], reader: _Reader) -> None:
        self.window_start, self.window_end = window
        self.replaced = replaced
        self.reader = reader
        self.capped = 0
        self.cut_short = 0
        self.unreadable = 0

    def notes(self) -> list[str]:
        notes = []
        days = f"{self.window_start.date().isoformat()} to {(self.window_end - timedelta(days=1)).date().isoformat()}"
        if self.cut_short:
            notes.append(f"{self.cut_short} repeating event(s) were expanded only inside the conference window ({days})")
        if self.capped:
            notes.append(f"{self.capped} repeating event(s) stopped at {MAX_OCCURRENCES_PER_RULE} occurrences")
        if self.unreadable:
            notes.append(f"{self.unreadable} repeat rule(s) could not be read; only their first occurrence was kept")
        return notes

    def inside(self, moment: datetime) -> bool:
        return self.window_start <= moment < self.window_end

    def expand(self, event: Any, master: Session, all_day: bool) -> list[Session]:
        start = master.start
        zone = start.tzinfo or self.reader.zone
        naive_start = start.replace(tzinfo=None)
        duration = master.end - master.start
        excluded_moments, excluded_dates = self._exdates(event, zone)
        moments: set[datetime] = set()
        if self.inside(start):
            moments.add(start)
        for prop in _as_list(event.get("RRULE")):
            moments.update(self._rule(prop, naive_start, zone, all_day))
        moments.update(m for m in self._rdates(event, zone) if self.inside(m))
        sessions = []
        for moment in sorted(moments):
            local = moment.astimezone(zone).replace(tzinfo=None)
            if local in excluded_moments or local.date() in excluded_dates:
                continue
            stamp = _instant_text(moment.date() if all_day else moment)
            occurrence_id = f"{master.id}@{stamp}"
            if occurrence_id in self.replaced:
                continue
            sessions.append(master.replace(
                id=occurrence_id, start=moment, end=moment + duration, speakers=list(master.speakers)
            ))
        return sessions

    def _rule(self, prop: Any, naive_start: datetime, zone: tzinfo, all_day: bool) -> list[datetime]:
        from dateutil.rrule import rrulestr

        try:
            text = _rule_text(prop)
            rule = rrulestr(_known_rule_parts(text), dtstart=naive_start, ignoretz=True)
            until = _until(text)
            if until is not None and "COUNT=" not in text.upper():
                if isinstance(until, datetime):
                    until = until.astimezone(zone).replace(tzinfo=None) if until.tzinfo else until
                else:
                    until = datetime.combine(until, time(23, 59, 59))
                rule = rule.replace(until=until)
        except Exception:
            self.unreadable += 1
            return []
        found: list[datetime] = []
        steps = 0
        try:
            for occurrence in rule:
                steps += 1
                moment = (
                    datetime.combine(occurrence.date(), time(0), tzinfo=zone) if all_day
                    else occurrence.replace(tzinfo=zone)
                )
                if moment >= self.window_end:
                    self.cut_short += 1
                    break
                if moment >= self.window_start:
                    if len(found) >= MAX_OCCURRENCES_PER_RULE:
                        self.capped += 1
                        break
                    found.append(moment)
                if steps >= MAX_RULE_STEPS:
                    self.cut_short += 1
                    break
        except Exception:  # dateutil can fail deep in an odd rule; keep what was found
            self.unreadable += 1
        return found

    def _rdates(self, event: Any, zone: tzinfo) -> list[datetime]:
        found = []
        for value, tzid in _date_values(event, "RDATE"):
            if isinstance(value, tuple):  # a PERIOD: (start, end or duration)
                value = value[0]
            if isinstance(value, datetime):
                found.append(self.reader.aware(value, tzid))
            elif isinstance(value, date):
                found.append(datetime.combine(value, time(0), tzinfo=zone))
        return found

    def _exdates(self, event: Any, zone: tzinfo) -> tuple[set[datetime], set[date]]:
        """Excluded moments as local wall times in the event's zone, and excluded whole dates."""
        moments: set[datetime] = set()
        dates: set[date] = set()
        for value, tzid in _date_values(event, "EXDATE"):
            if isinstance(value, datetime):
                moments.add(self.reader.aware(value, tzid).astimezone(zone).replace(tzinfo=None))
            elif isinstance(value, date):
                dates.add(value)
        return moments, dates


def _date_values(event: Any, name: str) -> Iterator[tuple[Any, str | None]]:
    """Each value of an RDATE or EXDATE property with its TZID; a property icalendar could not read is skipped."""
    for prop in _as_list(event.get(name)):
        try:
            values = [item.dt for item in prop.dts]
            tzid = prop.params.get("TZID")
        except Exception:
            continue
        for value in values:
            yield value, tzid


def _rule_text(prop: Any) -> str:
    """The rule as written; a rule icalendar could not read (vBroken) keeps its raw text."""
    if type(prop).__name__ == "vBroken":
        return str(prop)
    raw = prop.to_ical()
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


_UNTIL = re.compile(r"(?i)(?:^|;)\s*UNTIL\s*=\s*(\d{8})(?:T(\d{6})(Z?))?")


def _until(text: str) -> date | datetime | None:
    match = _UNTIL.search(text)
    if not match:
        return None
    day = datetime.strptime(match.group(1), "%Y%m%d")
    if not match.group(2):
        return day.date()
    moment = datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S")
    return moment.replace(tzinfo=timezone.utc) if match.group(3) else moment


_RULE_PARTS = frozenset(
    "FREQ COUNT INTERVAL BYSECOND BYMINUTE BYHOUR BYDAY BYMONTHDAY BYYEARDAY BYWEEKNO BYMONTH BYSETPOS WKST".split()
)


def _known_rule_parts(text: str) -> str:
    """The rule without UNTIL (applied separately, in the event's zone), whitespace, or parts it does
    not define: "BYDAY=MO, TU" is read as "BYDAY=MO,TU" and a misspelt "UNTL=" is dropped."""
    parts = []
    for part in re.sub(r"\s+", "", text).split(";"):
        key, _, value = part.partition("=")
        if key.upper() in _RULE_PARTS and value:
            parts.append(f"{key.upper()}={value}")
    return ";".join(parts)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
