"""What a valid session time is: the one rule every importer and the store apply.

A session's start and end are aware datetimes between ``EARLIEST`` and ``LATEST`` (UTC). Far
enough from the ends of Python's calendar (years 1 and 9999) that a day or a year added, or the
instant shown in any zone, never overflows; wide enough for any conference. Sessions outside it
are refused one by one (the rest of the schedule imports). A session that ends before it starts
keeps its start and gets no length, and one whose local time does not exist (inside a
daylight-saving gap) is read as the instant its zone gives that wall time; both with a warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from typing import Protocol, TypeVar

EARLIEST = datetime(1900, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2200, 1, 1, tzinfo=timezone.utc)
EARLIEST_TEXT = EARLIEST.isoformat()
LATEST_TEXT = LATEST.isoformat()
"""The bounds as stored (UTC ISO-8601 text compares in time order), for checks on stored rows."""
OUT_OF_RANGE = f"a time outside the years {EARLIEST.year} to {LATEST.year - 1}"
"""The skip reason for a session refused by :func:`moment_in_range`."""


class TimedSession(Protocol):
    title: str
    start: datetime
    end: datetime
    day: date | None


Timed = TypeVar("Timed", bound=TimedSession)


def moment_in_range(moment: datetime | None) -> bool:
    """True for an aware datetime between EARLIEST and LATEST."""
    if moment is None or moment.tzinfo is None:
        return False
    try:
        # In UTC first: comparing datetimes of two zones costs several offset look-ups.
        return EARLIEST <= moment.astimezone(timezone.utc) < LATEST
    except (OverflowError, ValueError):  # moved into UTC it leaves the calendar, or a broken tzinfo
        return False


def stored_times_in_range(start: object, end: object) -> bool:
    """The same check on a stored row's UTC texts, without parsing them."""
    return (
        isinstance(start, str) and isinstance(end, str)
        and EARLIEST_TEXT <= start < LATEST_TEXT and EARLIEST_TEXT <= end < LATEST_TEXT
    )


def after(start: datetime, length: timedelta) -> datetime | None:
    """``start`` plus ``length`` as an exact instant (across daylight-saving changes), shown in
    ``start``'s zone; None when it would leave the valid range."""
    try:
        end = start.astimezone(timezone.utc) + length
    except (OverflowError, ValueError):
        return None
    if not moment_in_range(end):
        return None
    return end.astimezone(start.tzinfo)


def in_gap(moment: datetime) -> bool:
    """True when ``moment``'s wall time does not exist in its zone (the clocks jumped over it)."""
    zone = moment.tzinfo
    if zone is None or zone is timezone.utc:
        return False
    try:
        if moment.utcoffset() == moment.replace(fold=1 - moment.fold).utcoffset():
            return False  # one offset whichever side of a change: no gap (the common case, fast)
        again = moment.astimezone(timezone.utc).astimezone(zone)
    except (OverflowError, ValueError):
        return False
    return (again.hour, again.minute, again.second, again.day, again.month, again.year) != (
        moment.hour, moment.minute, moment.second, moment.day, moment.month, moment.year)


def _normal(moment: datetime) -> datetime:
    """The same instant with a wall time that exists in its zone."""
    return moment.astimezone(timezone.utc).astimezone(moment.tzinfo)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def vet_session_times(sessions: Iterable[Timed]) -> tuple[list[Timed], int, list[str]]:
    """The sessions whose times can be kept (some corrected), how many were refused for a time
    outside the range, and one warning per kind of correction (naming the first session). A
    conference day the source gives outside the range is dropped (the start's own day is used)."""
    kept: list[Timed] = []
    refused = 0
    reversed_titles: list[str] = []
    gaps: list[tuple[str, datetime, datetime]] = []
    for session in sessions:
        if not (moment_in_range(session.start) and moment_in_range(session.end)):
            refused += 1
            continue
        for name in ("start", "end"):
            moment = getattr(session, name)
            if in_gap(moment):
                fixed = _normal(moment)
                if name == "start":
                    gaps.append((session.title, moment, fixed))
                setattr(session, name, fixed)
        if session.end < session.start:
            reversed_titles.append(session.title)
            session.end = session.start
        if session.day is not None and not EARLIEST.date() <= session.day < LATEST.date():
            session.day = None
        kept.append(session)
    warnings = []
    if reversed_titles:
        warnings.append(
            f"{_plural(len(reversed_titles), 'session ends', 'sessions end')} before it starts "
            f"(first: {_short(reversed_titles[0])}); kept with no length"
        )
    if gaps:
        title, wall, fixed = gaps[0]
        warnings.append(
            f"{_plural(len(gaps), 'session starts', 'sessions start')} at a local time that does not exist "
            f"(the clocks skip it: daylight saving); first: {_short(title)} at {wall:%Y-%m-%d %H:%M}, "
            f"read as {fixed:%H:%M}"
        )
    return kept, refused, warnings


def _short(title: str) -> str:
    return repr(title if len(title) <= 60 else title[:59] + "…")
