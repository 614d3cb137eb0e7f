"""What the CLI and the app both do: import into the store, build a person's card, plan the day."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from companion.matching import SpeakerMatcher
from companion.models import FollowUp, Note, Person, Record, Session, TalkingPoint

if TYPE_CHECKING:
    from companion.importers import ParsedSchedule
    from companion.store import Store


class Appearance(Record):
    """Where a person will be: a session they speak at, and the moment to catch them after."""

    FIELDS = ("session", "catch_at", "upcoming")

    def __init__(self, session: Session, catch_at: datetime, upcoming: bool) -> None:
        self.session = session
        self.catch_at = catch_at
        self.upcoming = upcoming


class PersonCard(Record):
    FIELDS = ("person", "point", "flags", "missing", "appearances", "notes", "followups", "other_matches")

    def __init__(
        self,
        person: Person,
        point: TalkingPoint | None,
        flags: list[dict[str, str]],
        missing: list[str],
        appearances: list[Appearance],
        notes: list[Note],
        followups: list[FollowUp],
        other_matches: list[Person] | None = None,
    ) -> None:
        self.person = person
        self.point = point
        self.flags = flags
        self.missing = missing
        self.appearances = appearances
        self.notes = notes
        self.followups = followups
        self.other_matches: list[Person] = [] if other_matches is None else other_matches


def appearances(sessions: list[Session], now: datetime) -> list[Appearance]:
    """The person's sessions, upcoming ones first (soonest first), then past ones."""
    found = [Appearance(s, s.end, s.end >= now) for s in sessions if s.status != "cancelled"]
    upcoming = sorted((a for a in found if a.upcoming), key=lambda a: a.session.start)
    past = sorted((a for a in found if not a.upcoming), key=lambda a: a.session.start, reverse=True)
    return upcoming + past


class CardContext(Record):
    """What every card needs and is costly to build: the sessions and the speaker matcher.
    Built once per screen load (or command) and reused for each card shown."""

    FIELDS = ("sessions", "matcher")

    def __init__(self, sessions: list[Session], matcher: SpeakerMatcher) -> None:
        self.sessions = sessions
        self.matcher = matcher

    @classmethod
    def build(cls, store: Store) -> CardContext:
        return cls(store.sessions(), store.speaker_matcher())


def person_card(
    store: Store,
    person: Person,
    *,
    now: datetime | None = None,
    notes_shown: int = 3,
    context: CardContext | None = None,
) -> PersonCard:
    now = now or datetime.now(timezone.utc)
    point = store.talking_point(person.id)
    from companion.coach import review

    flags, missing = review(point) if point else ([], list(TalkingPoint.ANSWERS))
    notes = store.notes(person_id=person.id)[-notes_shown:]
    open_items = store.followups(statuses=("open", "waiting"), person_id=person.id)
    return PersonCard(
        person=person,
        point=point,
        flags=[{"rule": f.rule, "field": f.field, "reason": f.reason, "better": f.better} for f in flags],
        missing=missing,
        appearances=appearances(
            store.sessions_for(person, context.sessions, context.matcher) if context else store.speaking_sessions(person),
            now,
        ),
        notes=notes,
        followups=open_items,
    )


class SpeakerOnList(Record):
    """A speaker of a session and who on the people list they are: one person, several, or nobody."""

    FIELDS = ("name", "person", "candidates")

    def __init__(self, name: str, person: Person | None, candidates: list[Person]) -> None:
        self.name = name
        self.person = person
        self.candidates = candidates


def speakers_on_list(session: Session, matcher: SpeakerMatcher, *, fuzzy: bool = True) -> list[SpeakerOnList]:
    by_id = matcher.by_id
    found = []
    for speaker in session.speakers:
        match = matcher.match(speaker.name, fuzzy=fuzzy)
        found.append(SpeakerOnList(
            speaker.name,
            by_id.get(match.person_id) if match.person_id is not None else None,
            [by_id[i] for i in match.person_ids if i in by_id] if match.ambiguous else [],
        ))
    return found


def shift_to_today(parsed: ParsedSchedule, today: date) -> ParsedSchedule:
    """Move a schedule by whole days so that its first day is ``today`` (used by the demo)."""
    if not parsed.sessions:
        return parsed
    zone = ZoneInfo(parsed.timezone) if parsed.timezone != "UTC" else timezone.utc
    first = min(s.start.astimezone(zone).date() for s in parsed.sessions)
    delta = timedelta(days=(today - first).days)
    for session in parsed.sessions:
        session.start = (session.start.astimezone(zone) + delta).astimezone(zone)
        session.end = (session.end.astimezone(zone) + delta).astimezone(zone)
    return parsed
