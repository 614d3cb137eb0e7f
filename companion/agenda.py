"""Schedule views' logic, kept out of the widgets: days, filters, conflicts, the room grid."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta, timezone, tzinfo

from companion.clock import conference_zone
from companion.models import PRIORITIES, Conference, FrozenRecord, Person, Record, Session
from companion.text import cut, normalise_name


def zone_of(conference: Conference | None) -> tzinfo:
    """The conference's zone (UTC when it names none that exists): see companion.clock."""
    return conference_zone(conference)


def sessions_now_and_next(sessions: list[Session], now: datetime) -> tuple[list[Session], list[Session]]:
    """Sessions under way at ``now``, and those in the next start slot after it."""
    live = [s for s in sessions if s.start <= now < s.end and s.status != "cancelled"]
    later = [s for s in sessions if s.start > now and s.status != "cancelled"]
    if not later:
        return live, []
    next_start = min(s.start for s in later)
    return live, [s for s in later if s.start == next_start]


_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """``text`` to sort by with its numbers as numbers: "Room 2" before "Room 12"."""
    return tuple((0, int(part)) if part.isdigit() else (1, part.casefold())
                 for part in _DIGITS.split(text) if part)


def room_rank(room_order: Iterable[str]) -> Callable[[str], tuple[int, tuple[tuple[int, int | str], ...]]]:
    """A sort key for rooms: the schedule's own order (Conference.rooms, main halls first), rooms
    it does not name after them in natural order (by number, not by text)."""
    position = {room: index for index, room in enumerate(room_order)}
    unknown = len(position)
    return lambda room: (position.get(room, unknown), natural_key(room))


def first_things_first(sessions: Iterable[Session], starred: set[str], listed: Callable[[Session], bool],
                       room_order: Iterable[str] = ()) -> list[Session]:
    """Now's and Next's order: sessions you starred first, then those where people on your list
    speak, then the rest; within each, the schedule's room order (then start time)."""
    rank = room_rank(room_order)
    return sorted(sessions, key=lambda s: (s.id not in starred, not listed(s), rank(s.room), s.start, s.title))


CATCH_GRACE = timedelta(minutes=15)
"""How long after a talk ends its speaker is still there to catch: the moment to go to them is
when it ends, so their catch stays (marked as just ended) until then."""


class Catch(Record):
    """Someone on the list to catch after a talk they give: at its end (``just_ended`` once it has,
    for CATCH_GRACE)."""

    def __init__(self, person: Person, session: Session, at: datetime, just_ended: bool) -> None:
        self.person = person
        self.session = session
        self.at = at
        self.just_ended = just_ended

    @property
    def must_meet(self) -> bool:
        return self.person.priority == "must-meet"


def who_to_catch(
    sessions: Iterable[Session], now: datetime, zone: tzinfo, people_of: Callable[[Session], list[Person]],
    room_order: Iterable[str] = (),
) -> tuple[date | None, list[Catch]]:
    """The first conference day with a talk not over (or over less than CATCH_GRACE ago) and who
    on the list to catch after that day's talks: people not met yet first, by when you can catch
    them (soonest first), at the same moment must-meet before hope-to-meet, then by the schedule's
    room order; people already met after all of those, in the same order. Cancelled talks have
    nobody to catch."""
    open_talks = [s for s in sessions if s.status != "cancelled" and now <= s.end + CATCH_GRACE]
    day = min((s.conference_day(zone) for s in open_talks), default=None)
    rank = room_rank(room_order)
    unknown = len(PRIORITIES)
    catches = [Catch(person, session, session.end, session.end <= now)
               for session in open_talks if session.conference_day(zone) == day
               for person in people_of(session)]
    catches.sort(key=lambda c: (c.person.priority == "met", c.at,
                                PRIORITIES.index(c.person.priority) if c.person.priority in PRIORITIES else unknown,
                                rank(c.session.room), c.person.name.casefold()))
    return day, catches


class SessionFilter(FrozenRecord):
    """Free words (all must match title, speakers, track, room or type) plus room: and track: terms."""

    def __init__(self, words: tuple[str, ...] = (), rooms: tuple[str, ...] = (), tracks: tuple[str, ...] = ()) -> None:
        self.words = words
        self.rooms = rooms
        self.tracks = tracks

    @classmethod
    def parse(cls, text: str) -> SessionFilter:
        words: list[str] = []
        rooms: list[str] = []
        tracks: list[str] = []
        for token in text.split():
            key, _, value = token.partition(":")
            if value and key.lower() == "room":
                rooms.append(normalise_name(value))
            elif value and key.lower() == "track":
                tracks.append(normalise_name(value))
            else:
                words.append(normalise_name(token))
        return cls(tuple(w for w in words if w), tuple(rooms), tuple(tracks))

    def __bool__(self) -> bool:
        return bool(self.words or self.rooms or self.tracks)


class SessionIndex:
    """A conference's sessions prepared once for fast day switching and filtering."""

    def __init__(self, sessions: list[Session], zone: tzinfo, room_order: list[str] | None = None) -> None:
        self.zone = zone
        self.room_order = {room: position for position, room in enumerate(room_order or [])}
        """Where each room comes in the schedule's own order (Conference.rooms)."""
        self.sessions = sorted(sessions, key=lambda s: (s.start, s.room, s.title))
        self.by_id = {s.id: s for s in self.sessions}
        self._by_day: dict[date, list[Session]] = defaultdict(list)
        self._haystack: dict[str, str] = {}
        self._room: dict[str, str] = {}
        self._track: dict[str, str] = {}
        for session in self.sessions:
            self._by_day[session.conference_day(zone)].append(session)
            speakers = " ".join(sp.name for sp in session.speakers)
            self._haystack[session.id] = normalise_name(
                f"{cut(session.title)} {speakers} {session.track} {session.room} {session.type}"
            )
            self._room[session.id] = normalise_name(session.room)
            self._track[session.id] = normalise_name(session.track)
        self.days = sorted(self._by_day)

    def day_of(self, moment: datetime) -> date | None:
        """The conference day to show for ``moment``: that day if it has sessions, else the nearest one."""
        if not self.days:
            return None
        today = moment.astimezone(self.zone).date()
        if today in self._by_day:
            return today
        later = [d for d in self.days if d > today]
        return later[0] if later else self.days[-1]

    def select(self, day: date | None, session_filter: SessionFilter = SessionFilter()) -> list[Session]:
        chosen = self._by_day.get(day, []) if day is not None else self.sessions
        if not session_filter:
            return list(chosen)
        return [s for s in chosen if self._matches(s.id, session_filter)]

    def _matches(self, session_id: str, session_filter: SessionFilter) -> bool:
        haystack = self._haystack[session_id]
        if any(word not in haystack for word in session_filter.words):
            return False
        if session_filter.rooms and not any(room in self._room[session_id] for room in session_filter.rooms):
            return False
        if session_filter.tracks and not any(track in self._track[session_id] for track in session_filter.tracks):
            return False
        return True

    def rooms(self, sessions: list[Session]) -> list[str]:
        """Rooms in these sessions in the schedule's own order; rooms it does not name (stored by an
        older version, or added since) after them, busiest first, then by name."""
        counts: dict[str, int] = defaultdict(int)
        for session in sessions:
            counts[session.room] += 1
        unknown = len(self.room_order)
        return sorted(counts, key=lambda room: (self.room_order.get(room, unknown), -counts[room], room))

    def other_days_matching(self, day: date | None, session_filter: SessionFilter) -> int:
        """How many sessions on other days than ``day`` the filter matches (the filter's hint)."""
        if not session_filter:
            return 0
        return sum(1 for other in self.days if other != day for s in self._by_day[other] if self._matches(s.id, session_filter))


def room_order(sessions: list[Session]) -> list[str]:
    """The rooms in the order the sessions first name them: for sessions as an importer read them
    from a file (frab lists each day's rooms, main halls first), the schedule's own order."""
    return list(dict.fromkeys(session.room for session in sessions))


def now_position(sessions: list[Session], now: datetime) -> int | None:
    """Where a list of ``sessions`` in time order opens at ``now``: on the first of the running
    sessions that began last (what just started), else on the first to start after now; None
    when every one has ended. Cancelled sessions are passed over."""
    latest: datetime | None = None
    for session in sessions:
        if session.start <= now < session.end and session.status != "cancelled":
            latest = session.start if latest is None else max(latest, session.start)
    for index, session in enumerate(sessions):
        if session.status == "cancelled":
            continue
        if latest is not None and session.start == latest and session.end > now:
            return index
        if latest is None and session.start > now:
            return index
    return None


def conflicts(sessions: list[Session], starred: set[str]) -> dict[str, list[Session]]:
    """For each starred session, the other starred sessions that overlap it in time."""
    chosen = sorted((s for s in sessions if s.id in starred and s.status != "cancelled"), key=lambda s: s.start)
    clashes: dict[str, list[Session]] = defaultdict(list)
    for index, first in enumerate(chosen):
        for second in chosen[index + 1 :]:
            if second.start >= first.end:
                break
            if second.end > first.start and second.start < first.end:
                clashes[first.id].append(second)
                clashes[second.id].append(first)
    return dict(clashes)


def grid(sessions: list[Session], rooms: list[str]) -> tuple[list[datetime], dict[tuple[datetime, str], Session]]:
    """A room-by-time grid: the distinct start times, and which session starts when in which room."""
    cells: dict[tuple[datetime, str], Session] = {}
    for session in sessions:
        cells.setdefault((session.start, session.room), session)
    starts = sorted({start for start, _room in cells})
    return starts, cells


GRID_SLOTS = (15, 10, 5)
"""The row heights a grid may take, in minutes: the longest that every start and end falls on."""
GRID_LONGEST = timedelta(hours=24)
"""A grid covers at most a day from its first start (a session lasting a week ends at the bottom)."""


class GridPlacement:
    """One session in a time grid: its column and the rows it spans."""

    __slots__ = ("session", "column", "row", "rows")

    def __init__(self, session: Session, column: int, row: int, rows: int) -> None:
        self.session = session
        self.column = column
        self.row = row
        self.rows = rows


class TimeGrid:
    """A day's sessions as a room-by-time grid: rows are time slots, a session spans its slots; a
    room whose sessions overlap gets a lane (a column) for each session running at once."""

    def __init__(self, sessions: list[Session], rooms: list[str], zone: tzinfo) -> None:
        self.zone = zone
        self.rooms = rooms
        """The rooms, each over ``lanes[i]`` columns, from ``first_column[i]``."""
        room_at = {room: position for position, room in enumerate(rooms)}
        timed = [s for s in sessions if s.room in room_at]
        self.slot = timedelta(minutes=_slot_minutes(timed, zone))
        slot_seconds = int(self.slot.total_seconds())
        if timed:
            first = min(s.start for s in timed).astimezone(zone)
            step = slot_seconds // 60
            self.begin = first.replace(minute=first.minute // step * step, second=0, microsecond=0)
            last = min(max(s.end for s in timed), self.begin + GRID_LONGEST)
            self.row_count = max(1, -(-int((last - self.begin).total_seconds()) // slot_seconds))
        else:
            self.begin = datetime.now(timezone.utc)
            self.row_count = 0
        begin = self.begin.timestamp()
        lane_ends: list[list[int]] = [[] for _room in rooms]
        found: list[tuple[int, int, int, Session]] = []  # room, lane, row, session
        spans: list[int] = []
        # Seconds from the grid's start, computed once (comparing aware datetimes is slow).
        starts = [(s.start.timestamp() - begin, s.end.timestamp() - begin, s.title, s) for s in timed]
        starts.sort(key=lambda item: (item[0], item[1], item[2]))
        for start, end, _title, session in starts:
            row = max(0, min(self.row_count - 1, int(start // slot_seconds)))
            end_row = max(row + 1, min(self.row_count, -(-int(end) // slot_seconds)))
            room = room_at[session.room]
            ends = lane_ends[room]
            lane = next((index for index, lane_end in enumerate(ends) if lane_end <= row), len(ends))
            if lane == len(ends):
                ends.append(end_row)
            else:
                ends[lane] = end_row
            found.append((room, lane, row, session))
            spans.append(end_row - row)
        self.lanes = [max(1, len(ends)) for ends in lane_ends]
        self.first_column: list[int] = []
        column = 0
        for lanes in self.lanes:
            self.first_column.append(column)
            column += lanes
        self.column_count = column
        self.column_room = [room for room, lanes in enumerate(self.lanes) for _lane in range(lanes)]
        self.placements = [
            GridPlacement(session, self.first_column[room] + lane, row, span)
            for (room, lane, row, session), span in zip(found, spans)
        ]
        self.placements.sort(key=lambda p: (p.row, p.column))
        self.cells: list[list[int]] = [[-1] * self.row_count for _column in range(self.column_count)]
        """Per column, per row: the index in ``placements`` of the session there, or -1."""
        for index, placement in enumerate(self.placements):
            cells = self.cells[placement.column]
            for row in range(placement.row, min(self.row_count, placement.row + placement.rows)):
                cells[row] = index

    def row_of(self, moment: datetime) -> int:
        """The row holding ``moment`` (clamped to the grid)."""
        row = int((moment - self.begin).total_seconds() // self.slot.total_seconds())
        return max(0, min(self.row_count - 1, row))

    def row_start(self, row: int) -> datetime:
        return self.begin + row * self.slot

    def at(self, column: int, row: int) -> GridPlacement | None:
        if 0 <= column < self.column_count and 0 <= row < self.row_count:
            index = self.cells[column][row]
            return self.placements[index] if index >= 0 else None
        return None

    def placement_of(self, session_id: str) -> GridPlacement | None:
        return next((p for p in self.placements if p.session.id == session_id), None)

    def now_placement(self, now: datetime) -> GridPlacement | None:
        """Where the grid opens at ``now``: the session running now in the first room (the main
        halls come first) that has one, else the first of those starting next; None when all ended."""
        live = [p for p in self.placements if p.session.start <= now < p.session.end and p.session.status != "cancelled"]
        if live:
            return min(live, key=lambda p: (p.column, p.row))
        later = [p for p in self.placements if p.session.start > now and p.session.status != "cancelled"]
        return min(later, key=lambda p: (p.row, p.column)) if later else None


def _slot_minutes(sessions: list[Session], zone: tzinfo) -> int:
    """The longest of GRID_SLOTS that every start and end of ``sessions`` falls on (else the shortest)."""
    minutes = {moment.astimezone(zone).minute for s in sessions for moment in (s.start, s.end)}
    return next((slot for slot in GRID_SLOTS if all(m % slot == 0 for m in minutes)), GRID_SLOTS[-1])
