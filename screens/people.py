"""People to meet: the list with readiness marks, a filter as you type, and the selected person's card."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.timer import Timer
from textual.widgets import Footer, Header, Input

from companion.cards import CardContext, person_card
from companion.agenda import zone_of
from companion.cards import talk_choices
from companion.coach import readiness
from companion.errors import CompanionError, NotFoundError
from companion.lookup import PeopleIndex
from companion.matching import SpeakerMatcher
from companion.models import PRIORITIES, Person, TalkingPoint
from companion.text import clean
from screens.base import CompanionScreen
from screens.modals import NO_CONTROLS, ConfirmModal, PersonModal, TalkingPointModal
from screens.rowlist import Column, RowList
from screens.safe import cell
from screens.widgets import PersonCardView

READINESS_STYLE = {"ready": "green", "weak": "yellow", "draft": "cyan", "none": "dim"}
PRIORITY_STYLE = {"must-meet": "bold", "hope-to-meet": "", "met": "dim"}
CARD_DELAY_SECONDS = 0.12
"""While the filter is typed, the card of the first match waits for a pause in typing."""
PEOPLE_COLUMNS = [Column("Name"), Column("Affiliation", 22), Column("Priority", 12), Column("Points", 6)]


class PeopleScreen(CompanionScreen):
    CSS_PATH = "people.tcss"
    AUTO_FOCUS = "#people"
    BINDINGS = [
        Binding("slash", "filter", "Filter", id="filter"),
        Binding("t", "talking_points", "Points", id="talking-points"),
        Binding("o", "notes", "Notes", id="notes"),
        Binding("a", "add_person", "Add", id="add-person"),
        Binding("e", "edit_person", "Edit", id="edit-person"),
        Binding("p", "cycle_priority", "Next priority", id="priority", show=False),
        Binding("delete", "remove_person", "Remove the person", id="remove-person", show=False),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.index = PeopleIndex([])
        self.shown: list[Person] = []
        self.points: dict[int, TalkingPoint] = {}
        self.context = CardContext([], SpeakerMatcher([], []))
        self._card_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Filter people: name, affiliation, tag, handle (escape clears)", id="people-filter",
                    restrict=NO_CONTROLS)
        with Horizontal():
            yield RowList(PEOPLE_COLUMNS, id="people")
            with VerticalScroll(classes="detail"):
                yield PersonCardView(id="card")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#people-filter", Input).display = False

    async def reload(self) -> None:
        self.show_people(*await self.read_in_worker(self.read_people))

    # Data ------------------------------------------------------------------------------------

    def read_people(self) -> tuple[PeopleIndex, dict[int, TalkingPoint], CardContext]:
        """What the screen shows, read from the store (safe in a worker thread)."""
        store = self.store
        return PeopleIndex(store.people()), store.talking_points(), CardContext(store.sessions(), store.speaker_matcher())

    def show_people(self, index: PeopleIndex, points: dict[int, TalkingPoint], context: CardContext,
                    select_id: int | None = None) -> None:
        self.index, self.points, self.context = index, points, context
        self.apply_filter(select_id=select_id)

    def load_people(self, select_id: int | None = None) -> None:
        """Read and show at once (after a change made on this screen)."""
        self.show_people(*self.read_people(), select_id=select_id)

    def apply_filter(self, select_id: int | None = None, *, card_later: bool = False) -> None:
        """Filter the list now; with ``card_later`` (typing) the card follows once typing pauses."""
        self.shown = self.index.filter(self.query_one("#people-filter", Input).value)
        rows = self.query_one("#people", RowList)
        rows.set_rows(len(self.shown), lambda index: self.person_row(self.shown[index]))
        if select_id is not None:
            for position, person in enumerate(self.shown):
                if person.id == select_id:
                    rows.cursor = position
                    break
        if self._card_timer is not None:
            self._card_timer.stop()
            self._card_timer = None
        if card_later:
            self._card_timer = self.set_timer(CARD_DELAY_SECONDS, self.show_card)
        else:
            self.show_card()

    def person_row(self, person: Person) -> tuple[Text, ...]:
        ready = readiness(self.points.get(person.id))
        return (
            cell(person.name, PRIORITY_STYLE.get(person.priority, "")),
            cell(person.affiliation),
            cell(person.priority),
            cell(ready, READINESS_STYLE[ready]),
        )

    def selected_person(self) -> Person | None:
        cursor = self.query_one("#people", RowList).cursor
        return self.shown[cursor] if 0 <= cursor < len(self.shown) else None

    def select_person(self, person_id: int) -> None:
        """Show this person (clearing a filter that hides them); used by the command palette."""
        field = self.query_one("#people-filter", Input)
        if field.value and all(p.id != person_id for p in self.shown):
            field.value = ""
        self.load_people(select_id=person_id)

    @on(RowList.Highlighted, "#people")
    def show_card(self) -> None:
        person = self.selected_person()
        store = self.store
        card = person_card(store, person, now=self.host.now(), context=self.context) if person else None
        self.query_one(PersonCardView).show_card(card, zone_of(self.host.conference))

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

        def saved(result: TalkingPoint | None) -> None:
            if result is None:
                return
            try:
                _point, conflicts = store.edit_talking_point(base, result)
            except CompanionError as error:  # keep what was typed: open the form again with it
                self.notify(clean(error, single_line=True), title="Not saved", severity="error", markup=False)
                self.app.push_screen(TalkingPointModal(person.name, result, talks), saved)
                return
            self.tell_conflicts(person.name, conflicts)
            self.load_people(select_id=person.id)

        self.app.push_screen(TalkingPointModal(person.name, base, talks), saved)

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
