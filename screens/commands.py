"""Command palette providers: one per concern. Labels are untrusted text, shown through screens.safe."""

from __future__ import annotations

from functools import partial

from textual.command import Hit, Hits, Provider

from companion.models import Conference
from companion.text import clean
from screens.base import host_of
from screens.modals import ConfirmModal
from screens.safe import highlighted, plain

MOST_HITS = 12


class ConferenceCommands(Provider):
    """Switch between imported conferences, or remove one (after a yes)."""

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
            label = f"Remove conference: {conference.name}"
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score * 0.9,  # below switching to it
                    highlighted(matcher, label),
                    partial(self.remove, conference),
                    help=plain(f"its {conference.id} schedule; asks first, your stars and notes stay"),
                )

    def remove(self, conference: Conference) -> None:
        app = host_of(self.app)

        def answered(yes: bool | None) -> None:
            if yes and app.attempt(partial(app.store.remove_conference, conference.id)):
                self.app.notify(f"Removed {clean(conference.name, single_line=True)}", title="Conference removed",
                                markup=False, timeout=6)
                app.data_changed()

        question = (f"Remove {clean(conference.name, single_line=True)} ({conference.id}) and its sessions?\n"
                    "Your stars and notes stay; import it again to get it back.")
        self.app.push_screen(ConfirmModal(question), answered)


class ImportCommands(Provider):
    """Cancel an import that is running (a slow URL, a pipe that sends nothing)."""

    async def search(self, query: str) -> Hits:
        running = [worker for worker in self.app.workers if worker.group == "import" and not worker.is_finished]
        if not running:
            return
        label = "Cancel the import"
        score = self.matcher(query).match(label)
        if score > 0:
            yield Hit(score, highlighted(self.matcher(query), label), self.cancel,
                      help=plain("stop the fetch or read that is running"))

    def cancel(self) -> None:
        self.app.workers.cancel_group(self.app, "import")
        self.app.notify("The import was cancelled", title="Import", timeout=5)


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

        zone = app.times().zone
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
