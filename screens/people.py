"""People to meet: the list with readiness marks, a filter as you type, and the selected person's card."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, VerticalScroll
from textual.timer import Timer
from textual.widgets import Footer, Header, Input

from companion.cards import person_card, talk_choices
from companion.coach import readiness
from companion.errors import CompanionError, NotFoundError
from companion.lookup import PeopleIndex, PeopleList
from companion.models import PRIORITIES, Person, TalkingPoint
from companion.text import ColumnFit, clean
from companion.work import recent_items
from screens.base import CompanionScreen
from screens.merge import MergeModal
from screens.modals import NO_CONTROLS, ConfirmModal, PersonModal, TalkingPointModal
from screens.rowlist import ListFilter, RowList
from screens.safe import cell
from screens.widgets import FittedList, ListColumn, PersonCardView

READINESS_STYLE = {"ready": "green", "weak": "yellow", "draft": "cyan", "none": "dim"}
PRIORITY_STYLE = {"must-meet": "bold", "hope-to-meet": "", "met": "dim"}
CARD_DELAY_SECONDS = 0.12
"""While the filter is typed, the card of the first match waits for a pause in typing."""
ROWS_KEPT = 2000
"""At most this many built rows are kept between filters (scrolling through 200,000 would keep them all)."""
WORK_LISTED = 8
"""At most this many of their kept work items are listed in the talking-point form."""
PEOPLE_COLUMNS = [
    ListColumn("Name", ColumnFit(want=24, most=40)),
    ListColumn("Affiliation", ColumnFit(want=22, least=16, drop=2, most=40)),
    ListColumn("Priority", ColumnFit(want=12, least=12, drop=3)),
    ListColumn("Points", ColumnFit(want=6, least=6, drop=1)),
    ListColumn("Role", ColumnFit(want=20, least=14, drop=4, most=30)),
    ListColumn("Tags", ColumnFit(want=20, least=14, drop=5, most=40)),
]
"""The name first; then, as the width allows, the talking points' readiness, the affiliation, the
priority, the role and the tags (``companion.text.column_widths``). A row has a cell for each, in
this order, whichever are drawn."""
NARROW_BELOW = 120
"""Narrower than this many cells, the card goes under the list instead of beside it."""


class PeopleScreen(CompanionScreen):
    CSS_PATH = "people.tcss"
    AUTO_FOCUS = "#people"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW_BELOW, "-wide")]
    BINDINGS = [
        Binding("slash", "filter", "Filter", id="filter"),
        Binding("t", "talking_points", "Points", id="talking-points"),
        Binding("o", "notes", "Notes", id="notes"),
        Binding("a", "add_person", "Add", id="add-person"),
        Binding("e", "edit_person", "Edit", id="edit-person"),
        Binding("p", "cycle_priority", "Next priority", id="priority", show=False),
        Binding("r", "research", "Research", id="research"),
        Binding("delete", "remove_person", "Remove the person", id="remove-person", show=False),
        Binding("m", "merge_person", "Merge another record into this person", id="merge-person", show=False),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.listed = PeopleList([], PeopleIndex([], []))
        """Everyone, as listed (from the store's summaries: no person is read to list them)."""
        self.shown: list[int] = []
        """Positions in ``listed`` of the people the filter lets through, in order."""
        self._rows: dict[int, tuple[Text, ...]] = {}
        """Rows built since the people were last read, by person id (typing a filter reuses them)."""
        self._unreadable: set[str] = set()
        """What could not be read since the people were last read (said once, not once a row)."""
        self._warming: PeopleIndex | None = None
        """The filter whose texts a worker reads (one at a time for a list)."""
        self._card_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield ListFilter(placeholder="Filter people: name, affiliation, tag, handle (down: to the list, escape clears)",
                         id="people-filter", restrict=NO_CONTROLS, to_list="people")
        with Container(id="people-body"):
            yield FittedList(PEOPLE_COLUMNS, id="people")
            with VerticalScroll(classes="detail"):
                yield PersonCardView(id="card")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#people-filter", Input).display = False

    async def reload(self) -> None:
        listed = await self.read_in_worker(self.read_people)
        # The selection as it is now (a key or the palette may have moved it during the read), kept by
        # who it is: a person added above moves every row down.
        self.show_people(*listed, select_id=self._selected_id())
        # The filter's texts (every person's keys) are read once the list is drawn, in a thread,
        # rather than at the first keystroke: a few hundred milliseconds at 200,000 people. Should
        # the read fail, the first keystroke tries again and says why.
        self.call_after_refresh(self._read_filter_texts)

    def _read_filter_texts(self) -> None:
        index = self.listed.index
        if not index.ready and index is not self._warming:
            self._warming = index
            self.run_worker(lambda: index.texts, thread=True, group="people-filter", exit_on_error=False)

    # Data ------------------------------------------------------------------------------------

    def read_people(self) -> tuple[PeopleList]:
        """What the screen lists, read from the store (safe in a worker thread): the people's
        summaries only. A row's priority and readiness are read when the row is drawn, a card
        when it is shown, so the list costs the same at 200 people or 200,000."""
        return (self.store.people_list(),)

    def show_people(self, listed: PeopleList, select_id: int | None = None) -> None:
        self.listed = listed
        self._rows = {}
        self._unreadable = set()
        self.apply_filter(select_id=select_id)

    def load_people(self, select_id: int | None = None) -> None:
        """Read and show at once (after a change made on this screen)."""
        self.show_people(*self.read_people(), select_id=select_id)

    def apply_filter(self, select_id: int | None = None, *, card_later: bool = False) -> None:
        """Filter the list now; with ``card_later`` (typing) the card follows once typing pauses."""
        try:
            self.shown = self.listed.index.filter(self.query_one("#people-filter", Input).value)
        except CompanionError as error:  # the filter's texts could not be read (a damaged file)
            self._read_failed(error)
            self.shown = []
        rows = self.query_one("#people", RowList)
        rows.set_rows(len(self.shown), self.person_row)
        if select_id is not None:
            position = self.listed.position(select_id)
            if position is not None:
                found = self._shown_index(position)
                if found is not None:
                    rows.cursor = found
        if self._card_timer is not None:
            self._card_timer.stop()
            self._card_timer = None
        if card_later:
            self._card_timer = self.set_timer(CARD_DELAY_SECONDS, self.show_card)
        else:
            self.show_card()

    def _shown_index(self, position: int) -> int | None:
        """Where the person at ``position`` in the list is among those shown, if shown."""
        if len(self.shown) == len(self.listed):
            return position  # everyone is shown, in order
        try:
            return self.shown.index(position)
        except ValueError:
            return None

    def person_row(self, index: int) -> tuple[Text, ...]:
        """Row ``index`` of the list as shown: the name and affiliation from the summaries; the
        priority and readiness from the person and their talking point, read as the row is drawn."""
        person_id = self.listed.ids[self.shown[index]]
        built = self._rows.get(person_id)
        if built is None:
            if len(self._rows) > ROWS_KEPT:
                self._rows.clear()
            built = self._rows[person_id] = self._person_row(person_id)
        return built

    def _person_row(self, person_id: int) -> tuple[Text, ...]:
        store = self.store
        try:
            # Gone when removed by another process since the list was read: an empty row until reloaded.
            listed = store.person_as_listed(person_id)
            if listed is None:
                return tuple(cell("") for _ in PEOPLE_COLUMNS)
            name, affiliation, priority = listed
            person = store.person(person_id)  # the row just read: its role and tags
            ready = readiness(store.talking_point(person_id))
        except CompanionError as error:  # a damaged row file: this row says so, the others are drawn
            self._read_failed(error)
            return (cell("(could not be read)", "dim"), *(cell("") for _ in PEOPLE_COLUMNS[1:]))
        return (
            cell(name, PRIORITY_STYLE.get(priority, "")),
            cell(affiliation),
            cell(priority),
            cell(ready, READINESS_STYLE[ready]),
            cell(person.role, "dim"),
            cell(", ".join(person.tags), "dim"),
        )

    def _read_failed(self, error: CompanionError) -> None:
        """Say once (until the people are read again) that something could not be read."""
        message = str(error)
        if message not in self._unreadable:
            self._unreadable.add(message)
            self.host.read_failed(error)

    def _selected_id(self) -> int | None:
        cursor = self.query_one("#people", RowList).cursor
        return self.listed.ids[self.shown[cursor]] if 0 <= cursor < len(self.shown) else None

    def selected_person(self) -> Person | None:
        cursor = self.query_one("#people", RowList).cursor
        if not 0 <= cursor < len(self.shown):
            return None
        try:
            return self.store.person(self.listed.ids[self.shown[cursor]])
        except NotFoundError:
            return None
        except CompanionError as error:  # a damaged row file
            self._read_failed(error)
            return None

    def select_person(self, person_id: int) -> None:
        """Show this person (clearing a filter that hides them); used by the command palette."""
        field = self.query_one("#people-filter", Input)
        position = self.listed.position(person_id)
        if field.value and (position is None or self._shown_index(position) is None):
            field.value = ""
        self.load_people(select_id=person_id)

    @on(RowList.Highlighted, "#people")
    def show_card(self) -> None:
        person = self.selected_person()
        store = self.store
        # No card context: the card reads the sessions this person speaks at through the store's
        # speaker index (as `who` does) instead of a matcher over everyone built for the screen.
        try:
            card = person_card(store, person, now=self.host.now()) if person else None
        except CompanionError as error:  # a damaged row file (their notes, say): no card, the list goes on
            self._read_failed(error)
            card = None
        self.query_one(PersonCardView).show_card(card, self.host.times().zone)

    def note_subject(self) -> tuple[None, list[str]]:
        """A new note from here is about the selected person."""
        person = self.selected_person()
        return None, [person.name] if person else []

    def action_notes(self) -> None:
        person = self.selected_person()
        if person is None:
            return
        store = self.store
        self.host.show_notes(
            f"Notes about {person.name}", store.notes(person_id=person.id), lambda: store.notes(person_id=person.id)
        )

    # Filter ----------------------------------------------------------------------------------

    @on(Input.Changed, "#people-filter")
    def filter_changed(self) -> None:
        self.apply_filter(card_later=True)

    @on(Input.Submitted, "#people-filter")
    def filter_submitted(self) -> None:
        self.query_one("#people", RowList).focus()

    def action_filter(self) -> None:
        field = self.query_one("#people-filter", Input)
        field.display = True
        field.focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#people-filter", Input)
        field.value = ""
        field.display = False
        self.query_one("#people", RowList).focus()

    # Editing ---------------------------------------------------------------------------------

    def action_talking_points(self) -> None:
        person = self.selected_person()
        if person is None:
            return
        store = self.store
        # The point as the form shows it: the save writes only the answers changed from it.
        base = store.talking_point(person.id) or TalkingPoint(person_id=person.id)
        conferences = {conference.id: conference for conference in store.conferences()}
        talks = talk_choices(store.speaking_sessions(person), conferences)
        work = recent_items(store.work(person.id), limit=WORK_LISTED)

        def research() -> bool:
            return self.research(person)

        def saved(result: TalkingPoint | None) -> None:
            if result is None:
                return
            try:
                _point, conflicts = store.edit_talking_point(base, result)
            except CompanionError as error:  # keep what was typed: open the form again with it
                self.notify(clean(error, single_line=True), title="Not saved", severity="error", markup=False)
                self.app.push_screen(TalkingPointModal(person.name, result, talks, work, research=research, unsaved=True), saved)
                return
            self.tell_conflicts(person.name, conflicts)
            self.load_people(select_id=person.id)

        self.app.push_screen(TalkingPointModal(person.name, base, talks, work, research=research), saved)

    # Research ---------------------------------------------------------------------------------

    def action_research(self) -> None:
        """Gather the selected person's public work (companion research) in a thread: typing and
        moving on go on meanwhile; the header says it is running and a note says what came of it."""
        person = self.selected_person()
        if person is not None:
            self.research(person)

    def research(self, person: Person) -> bool:
        """Start gathering one person's work in a worker (People's r, and ctrl+r in their
        talking-point form); False when they have no link to research."""
        from companion.research import targets

        name = clean(person.name, single_line=True)
        if not targets(person):
            self.notify(f"{name} has no blog, website, GitHub or Mastodon link to research (e adds one).", markup=False)
            return False
        self.sub_title = f"researching {name}…"
        self.notify(f"Researching {name}: " + ", ".join(source for source, _link in targets(person)) + "…",
                    markup=False, timeout=3)
        self.run_worker(lambda: self._research(person), thread=True, group="research", exit_on_error=False)
        return True

    def _research(self, person: Person) -> None:
        """In the worker thread: fetch, keep, then tell the screen (through the app's thread).
        Quitting cancels the worker, which ends each waiting fetch at its next poll."""
        from textual.worker import get_current_worker

        from companion.research import research_people

        cancelled = get_current_worker().cancelled_event
        try:
            found = research_people(self.store, [person], cancelled=cancelled)
        except CompanionError as error:
            if cancelled.is_set() and not self.app.is_running:
                return  # the app quit: nobody to tell
            self.app.call_from_thread(self._researched, person, [clean(error, single_line=True)], True)
            return
        lines, failed = [], False
        for outcome in found[0].outcomes if found else []:
            failed = failed or outcome.status == "failed"
            if outcome.status == "failed":
                lines.append(f"{outcome.source}: {outcome.message}")
            else:
                lines.append(f"{outcome.source}: {len(outcome.items)}" + (" (not modified)" if outcome.status == "not-modified" else ""))
        if cancelled.is_set() and not self.app.is_running:
            return
        self.app.call_from_thread(self._researched, person, lines, failed)

    def _researched(self, person: Person, lines: list[str], failed: bool) -> None:
        self.sub_title = ""
        name = clean(person.name, single_line=True)
        self.notify("\n".join(clean(line, single_line=True) for line in lines), title=f"Research: {name}", markup=False,
                    severity="warning" if failed else "information", timeout=10 if failed else 5)
        if self._selected_id() == person.id:
            self.show_card()
        form = self.app.screen
        if isinstance(form, TalkingPointModal) and form.point.person_id == person.id:
            form.show_work(recent_items(self.store.work(person.id), limit=WORK_LISTED))  # the form open meanwhile lists it

    def action_add_person(self) -> None:
        self.app.push_screen(PersonModal(), self.person_added)

    def person_added(self, person: Person | None) -> None:
        if person is None:
            return
        if self.host.attempt(lambda: self.store.save_person(person)):
            self.load_people(select_id=person.id)
        else:  # keep what was typed: open the form again with it
            self.app.push_screen(PersonModal(person), self.person_added)

    def action_edit_person(self) -> None:
        person = self.selected_person()
        if person is None:
            return
        base = person  # as the form shows them: the save writes only the fields changed from it

        def saved(edited: Person | None) -> None:
            if edited is None:
                return
            try:
                _person, conflicts = self.store.edit_person(base, edited)
            except NotFoundError as error:  # removed elsewhere meanwhile: offer to add them again
                self.notify(clean(error, single_line=True) + " (ctrl+s adds them again, escape lets go)",
                            title="Not saved", severity="error", markup=False, timeout=15)
                self.app.push_screen(PersonModal(edited.replace(id=0)), self.person_added)
                return
            except CompanionError as error:  # keep what was typed: open the form again with it
                self.notify(clean(error, single_line=True), title="Not saved", severity="error", markup=False)
                self.app.push_screen(PersonModal(edited), saved)
                return
            self.tell_conflicts(edited.name, conflicts)
            self.load_people(select_id=edited.id)

        self.app.push_screen(PersonModal(person), saved)

    def tell_conflicts(self, name: str, fields: list[str]) -> None:
        """Say which fields were changed elsewhere too while the user edited them (both kept)."""
        if fields:
            self.notify(
                f"{clean(name, single_line=True)}: {', '.join(field.replace('_', ' ') for field in fields)} also changed "
                "elsewhere meanwhile; both versions are kept (marked), or yours where only one fits. Check and edit.",
                title="Changed in two places", severity="warning", markup=False, timeout=20,
            )

    def action_cycle_priority(self) -> None:
        person = self.selected_person()
        if person is None:
            return
        priority = PRIORITIES[(PRIORITIES.index(person.priority) + 1) % len(PRIORITIES)]
        if self.host.attempt(lambda: self.store.set_priority(person.id, priority)):
            self.load_people(select_id=person.id)

    def action_remove_person(self) -> None:
        person = self.selected_person()
        if person is None:
            return

        def answered(remove: bool | None) -> None:
            removed: list[tuple[Person, TalkingPoint | None]] = []
            store = self.store
            if remove and self.host.attempt(lambda: removed.append(store.remove_person(person.id))):
                self.load_people()
                self.host.remember_undo(
                    lambda: store.restore_person(*removed[0]), f"Removed {clean(person.name, single_line=True)}"
                )

        self.app.push_screen(
            ConfirmModal(f"Remove {person.name}? Their talking points go too; notes about them stay."), answered
        )

    def action_merge_person(self) -> None:
        """m: pick another record of the selected person and merge it into them (ctrl+z undoes)."""
        person = self.selected_person()
        if person is None:
            return
        store = self.store

        def find(text: str) -> list[tuple[int, str, str]]:
            # Typed: who matches it. Nothing typed: who may be this person (their name, their family
            # name, their affiliation), as an import lists possible duplicates.
            words = person.name.split()
            queries = [text.strip()] if text.strip() else [person.name, words[-1] if words else "", person.affiliation]
            found: dict[int, tuple[int, str, str]] = {}
            try:
                for query in filter(None, queries):
                    for match, _score in store.search_people(query, limit=12):
                        if match.id != person.id:
                            found.setdefault(match.id, (match.id, match.name, match.affiliation))
            except CompanionError as error:
                self._read_failed(error)
            return list(found.values())[:12]

        def picked(other_id: int | None) -> None:
            if other_id is None:
                return
            records: list[dict] = []
            if self.host.attempt(lambda: records.append(store.merge_people(person.id, other_id))):
                record = records[0]
                self.load_people(select_id=person.id)
                def undo() -> None:
                    store.undo_merge(record["id"])

                self.host.remember_undo(
                    undo,
                    f"Merged {clean(record['removed_row']['name'], single_line=True)} into "
                    f"{clean(person.name, single_line=True)}",
                )

        self.app.push_screen(MergeModal(person.name, find), picked)
