"""Schedule views' logic, kept out of the widgets: days, filters, conflicts, the room grid."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, tzinfo

from companion.clock import conference_zone
from companion.models import Conference, FrozenRecord, Session
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

    def __init__(self, sessions: list[Session], zone: tzinfo) -> None:
        self.zone = zone
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
        """Rooms in these sessions, busiest first, then by name."""
        counts: dict[str, int] = defaultdict(int)
        for session in sessions:
            counts[session.room] += 1
        return sorted(counts, key=lambda room: (-counts[room], room))


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
