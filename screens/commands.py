"""Command palette providers: one per concern. Labels are untrusted text, shown through screens.safe."""

from __future__ import annotations

from functools import partial

from textual.command import Hit, Hits, Provider

from companion.agenda import zone_of
from screens.base import host_of
from screens.safe import highlighted, plain

MOST_HITS = 12


class ConferenceCommands(Provider):
    """Switch between imported conferences."""

    async def search(self, query: str) -> Hits:
        app = host_of(self.app)
        matcher = self.matcher(query)
        for conference in app.store.conferences():
            label = f"Conference: {conference.name}"
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score,
                    highlighted(matcher, label),
                    partial(app.choose_conference, conference.id),
                    help=plain(f"{conference.first_day} to {conference.last_day}, {conference.timezone}"),
                )


class PeopleCommands(Provider):
    """Find a person and open their card (fuzzy on name, handle, affiliation, tags)."""

    async def search(self, query: str) -> Hits:
        if len(query.strip()) < 2:
            return
        app = host_of(self.app)
        # The store's search over the people's summaries (the same ranking as lookup.search_people
        # over every record: tests/test_fast_paths.py), reading only the people it returns.
        for person, score in app.store.search_people(query, limit=MOST_HITS):
            label = plain(f"Person: {person.name}" + (f" ({person.affiliation})" if person.affiliation else ""))
            yield Hit(score / 100, label, partial(app.open_person, person.id), help=plain(person.notes or person.role))


class SessionCommands(Provider):
    """Find a session of the current conference by title, speaker or room, and show it: the
    sessions holding every word typed (any case, accents or not), else the closest ones."""

    async def search(self, query: str) -> Hits:
        if len(query.strip()) < 2:
            return
        app = host_of(self.app)
        conference = app.conference
        if conference is None:
            return
        from rapidfuzz import fuzz, process

        from companion.text import cut, normalise_name

        zone = zone_of(conference)
        sessions = app.store.sessions(conference.id)
        labels = [normalise_name(f"{cut(s.title)} {' '.join(sp.name for sp in s.speakers)} {s.room}") for s in sessions]
        words = normalise_name(query).split()
        # Below a person's name typed (0.98 and up): a speaker's name finds the person first.
        found = [(0.9, index) for index, label in enumerate(labels) if all(word in label for word in words)]
        if not found:
            found = [(0.85 * score / 100, index) for _label, score, index in process.extract(
                " ".join(words), labels, scorer=fuzz.partial_ratio, limit=MOST_HITS, score_cutoff=75)]
        for score, index in found[:MOST_HITS]:
            session = sessions[index]
            yield Hit(
                score,
                plain(f"Session: {session.title}"),
                partial(app.open_session, session.id),
                help=plain(f"{session.start.astimezone(zone):%a %H:%M}, {session.room}"),
            )
