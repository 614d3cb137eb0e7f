"""What the CLI and the app both show, built once here from the store: a person's card (who they
are, where they will be, notes, follow-ups), the speakers of a session who are on the list, and a
follow-up's message draft."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from companion.errors import NotFoundError
from companion.matching import SpeakerMatcher
from companion.models import Conference, FollowUp, FrozenRecord, Note, Person, Record, Session, TalkingPoint
from companion.work import KeptWork

if TYPE_CHECKING:
    from companion.drafts import Draft
    from companion.store import Store


class Appearance(Record):
    """Where a person will be: a session they speak at, and the moment to catch them after (the
    break that follows it, when the schedule has one)."""

    def __init__(self, session: Session, catch_at: datetime, upcoming: bool, catch_break: Session | None = None,
                 maybe: list[Person] | None = None) -> None:
        self.session = session
        self.catch_at = catch_at
        self.upcoming = upcoming
        self.catch_break = catch_break
        self.maybe = maybe or []
        """Others on the list the speaker may be instead (the same name, or as close): the talk is
        then theirs or this person's, uncertain; empty when surely this person's."""


class PersonCard(Record):
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
        work: list[KeptWork] | None = None,
    ) -> None:
        self.person = person
        self.point = point
        self.flags = flags
        self.missing = missing
        self.appearances = appearances
        self.notes = notes
        self.followups = followups
        self.other_matches: list[Person] = [] if other_matches is None else other_matches
        self.work: list[KeptWork] = [] if work is None else work
        """Their public work as `companion research` kept it (see their_work)."""


BREAK_WINDOW = timedelta(minutes=30)
"""A break starting up to this long after a talk ends is the moment to catch its speaker."""
_BREAK = re.compile(r"\b(?:break|coffee|tea|lunch|breakfast|snacks?|dinner|reception|social)\b", re.IGNORECASE)


def is_break(session: Session) -> bool:
    """A break in the schedule: no speakers, and called one (its type, track or title). A talk
    titled "How to break production" has speakers, so it is not."""
    return not session.speakers and any(_BREAK.search(text) for text in (session.type, session.track, session.title))


def break_after(session: Session, candidates: Iterable[Session]) -> Session | None:
    """The break that begins as ``session`` ends (from five minutes before to BREAK_WINDOW after)."""
    earliest, latest = session.end - timedelta(minutes=5), session.end + BREAK_WINDOW
    breaks = [
        other for other in candidates
        if other.conference == session.conference and other.id != session.id and other.status != "cancelled"
        and earliest <= other.start <= latest and is_break(other)
    ]
    return min(breaks, key=lambda other: other.start) if breaks else None


def appearances(
    sessions: list[Session], now: datetime, nearby: Callable[[Session], Iterable[Session]] | None = None,
    maybe: dict[str, list[Person]] | None = None,
) -> list[Appearance]:
    """The person's sessions in time order, upcoming ones first, then past ones (also in time
    order); each upcoming one with the break after it, from the sessions ``nearby`` gives for it;
    ``maybe``: by session id, the others its speaker may be (see Appearance.maybe)."""
    maybe = maybe or {}
    found = [
        Appearance(s, s.end, s.end >= now, break_after(s, nearby(s)) if nearby and s.end >= now else None,
                   maybe.get(s.id))
        for s in sessions if s.status != "cancelled"
    ]
    upcoming = sorted((a for a in found if a.upcoming), key=lambda a: a.session.start)
    past = sorted((a for a in found if not a.upcoming), key=lambda a: a.session.start)
    return upcoming + past


class CardContext(Record):
    """What every card needs and is costly to build: the sessions and the speaker matcher.
    Built once per screen load (or command) and reused for each card shown."""

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
    talks = store.talks_in(person, context.sessions, context.matcher) if context else store.speaking_talks(person)
    others = {i: _listed(store, i) for _session, ids in talks for i in ids}
    return PersonCard(
        person=person,
        point=point,
        flags=[{"rule": f.rule, "field": f.field, "reason": f.reason, "better": f.better} for f in flags],
        missing=missing,
        appearances=appearances(
            [session for session, _ids in talks],
            now,
            (lambda _session: context.sessions) if context else store.sessions_after,
            {session.id: [p for p in map(others.get, ids) if p is not None] for session, ids in talks if ids},
        ),
        notes=notes,
        followups=open_items,
        work=their_work(store, person),
    )


def told_apart(people: list[Person]) -> list[str]:
    """How to name each of ``people`` (a speaker's possible matches, a card's "maybe" line) so that
    two of the same name can be told apart: the name, and for a name shared in the list, what
    differs between them (the affiliation, else the email) and their number on the list."""
    from companion.text import normalise_name

    keys = [normalise_name(person.name) for person in people]
    labels = []
    for person, key in zip(people, keys):
        same = [other for other, other_key in zip(people, keys) if other_key == key]
        if len(same) < 2:
            labels.append(person.name)
            continue
        detail = [person.affiliation] if len({o.affiliation for o in same}) > 1 and person.affiliation else []
        if not detail and len({o.email for o in same}) > 1 and person.email:
            detail = [person.email]
        number = [f"#{person.id}"] if person.id is not None else []
        labels.append(f"{person.name} ({', '.join(detail + number)})" if detail or number else person.name)
    return labels


def _listed(store: Store, person_id: int) -> Person | None:
    try:
        return store.person(person_id)
    except NotFoundError:
        return None


class SpeakerOnList(Record):
    """A speaker of a session and who on the people list they are: one person, several, or nobody."""

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


class SpeakerFound(Record):
    """A speaker in the imported schedules who is not on the people list, and where they speak."""

    def __init__(self, name: str, sessions: list[Session]) -> None:
        self.name = name
        self.sessions = sessions


SPEAKER_SCORE = 90.0
"""How close a speaker's name must be to the typed words to be offered when nobody on the list matches."""


def speakers_not_listed(store: Store, query: str, limit: int = 3) -> list[SpeakerFound]:
    """Speakers in the imported schedules whose names match ``query`` well (as ``who`` matches
    people), best first, with their sessions in time order; read from the schedule's index of
    speaker names and the chunks holding theirs. For ``who`` when nobody on the list matches."""
    from companion.lookup import rank
    from companion.store import SPEAKER_KEY_PREFIX, speaker_key
    from companion.text import normalise_name

    names = [key[len(SPEAKER_KEY_PREFIX):] for key in store.schedules.index_keys("sessions", SPEAKER_KEY_PREFIX)]
    names.sort()
    found = []
    for index, score in rank(names, lambda: [""] * len(names), query, limit):
        if score < SPEAKER_SCORE:
            continue
        key = names[index]
        rows = store.schedules.rows_with("sessions", speaker_key(key)).values()
        sessions = sorted((Session.from_dict(row) for row in rows
                           if any(normalise_name(sp.get("name", "")) == key for sp in row.get("speakers", ()))),
                          key=lambda session: session.start)
        shown = next((sp.name for sp in sessions[0].speakers if normalise_name(sp.name) == key), key) if sessions else key
        if sessions:
            found.append(SpeakerFound(shown, sessions))
    return found


def followup_draft(store: Store, item: FollowUp) -> Draft:
    """The message draft for a follow-up, from what the store holds: its person (none when removed
    from the list), their talking point, the note it came from, and for an introduction the other
    person when the name clearly means one person on the list (else the name as typed). Raises
    CompanionError when no draft can be written (an unknown kind)."""
    from companion.drafts import draft_for
    from companion.lookup import resolve_person

    try:
        person: Person | None = store.person(item.person_id)
    except NotFoundError:
        person = None
    point = store.talking_point(item.person_id) if person else None
    try:
        note = store.note(item.note_id) if item.note_id else None
    except NotFoundError:
        note = None  # the note was removed since
    other = None
    if item.other:
        try:
            other = resolve_person(store.people(), item.other)
        except NotFoundError:
            other = None  # several people match the name: write to the name as typed
    return draft_for(item, person, point, note, other)


# --- their talks, offered as the work a talking point is about ------------------------------------


class TalkChoice(FrozenRecord):
    """One of their talks, offered in the talking-point form as the answer to "which part of
    their work helped you"."""

    FIELDS = ("title", "conference", "day", "answer")

    def __init__(self, title: str, conference: str, day: str, answer: str) -> None:
        self.title = title
        self.conference = conference
        self.day = day
        """The conference day, as "Tue 3 Dec"."""
        self.answer = answer
        """The work answer it fills in: 'Your talk "TITLE" at CONFERENCE'."""


def talk_choices(sessions: list[Session], conferences: dict[str, Conference]) -> list[TalkChoice]:
    """Their talks at imported conferences (Session records, by start), as work answers to pick."""
    from companion.agenda import zone_of
    from companion.text import clean

    choices = []
    for session in sorted(sessions, key=lambda s: s.start):
        conference = conferences.get(session.conference)
        title = " ".join(clean(session.title, single_line=True).split())
        if not title:
            continue
        name = " ".join(clean(conference.name if conference else session.conference, single_line=True).split())
        day = session.conference_day(zone_of(conference))
        label = f"{day:%a} {day.day} {day:%b}"
        short = title if len(title) <= 120 else title[:119].rstrip() + "…"
        short = short.replace('"', "'").replace("\u201c", "'").replace("\u201d", "'")  # one pair of quotes around the title
        choices.append(TalkChoice(short, name, label, f'Your talk "{short}" at {name}' if name else f'Your talk "{short}"'))
    return choices


# --- their work, as `companion research` kept it ---------------------------------------------------


def their_work(store: Store, person: Person) -> list[KeptWork]:
    """What research kept for this person, one entry per source (the card shows a few items of
    each, with how old they are). A damaged row of it leaves the card without it, not without a card."""
    from companion.errors import CompanionError

    try:
        return store.work(person.id)
    except CompanionError:
        return []
