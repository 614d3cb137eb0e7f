"""People to meet: the list with readiness marks, and the selected person's card."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header

from companion.actions import person_card, zone_of
from companion.coach import readiness
from companion.models import Person
from screens.safe import cell
from screens.widgets import PersonCardView

READINESS_STYLE = {"ready": "green", "weak": "yellow", "draft": "cyan", "none": "dim"}
PRIORITY_STYLE = {"must-meet": "bold", "hope-to-meet": "", "met": "dim"}


class PeopleScreen(Screen[None]):
    CSS_PATH = "people.tcss"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield DataTable(id="people", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(classes="detail"):
                yield PersonCardView(id="card")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#people", DataTable)
        table.add_column("Name", key="name")
        table.add_column("Affiliation", key="affiliation", width=22)
        table.add_column("Priority", key="priority", width=12)
        table.add_column("Points", key="points", width=6)
        self._people: dict[str, Person] = {}

    def on_screen_resume(self) -> None:
        self.load_people()

    def load_people(self) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        table = self.query_one("#people", DataTable)
        cursor = table.cursor_row
        table.clear()
        points = store.talking_points()
        self._people = {}
        for person in store.people():
            key = str(person.id)
            self._people[key] = person
            ready = readiness(points.get(person.id))
            table.add_row(
                cell(person.name, PRIORITY_STYLE.get(person.priority, "")),
                cell(person.affiliation),
                cell(person.priority),
                cell(ready, READINESS_STYLE[ready]),
                key=key,
            )
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        else:
            self.query_one(PersonCardView).show_card(None, zone_of(None))

    def selected_person(self) -> Person | None:
        table = self.query_one("#people", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._people.get(key or "")

    @on(DataTable.RowHighlighted, "#people")
    def show_card(self) -> None:
        person = self.selected_person()
        store = self.app.store  # type: ignore[attr-defined]
        conference = self.app.conference  # type: ignore[attr-defined]
        card = person_card(store, person, now=self.app.now()) if person else None  # type: ignore[attr-defined]
        self.query_one(PersonCardView).show_card(card, zone_of(conference))
