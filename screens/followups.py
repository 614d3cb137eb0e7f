"""Follow-ups: what is overdue, due today, upcoming, and waiting for a reply."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header

from screens.safe import cell

WHEN_STYLE = {"overdue": "bold red", "today": "bold", "upcoming": "", "waiting": "dim"}


class FollowUpsScreen(Screen[None]):
    CSS_PATH = "followups.tcss"

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="followups", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#followups", DataTable)
        table.add_column("When", key="when", width=9)
        table.add_column("Due", key="due", width=10)
        table.add_column("Follow-up", key="title")
        table.add_column("Person", key="person", width=24)

    def on_screen_resume(self) -> None:
        self.load_followups()

    def load_followups(self) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        today = self.app.now().astimezone().date()  # type: ignore[attr-defined]
        people = {p.id: p for p in store.people()}
        table = self.query_one("#followups", DataTable)
        table.clear()
        rank = {"overdue": 0, "today": 1, "upcoming": 2, "waiting": 3}
        rows = []
        for item in store.followups(statuses=("open", "waiting")):
            if item.status == "waiting":
                when = "waiting"
            elif item.due < today:
                when = "overdue"
            elif item.due == today:
                when = "today"
            else:
                when = "upcoming"
            rows.append((rank[when], item.due, item.id, when, item))
        for _rank, _due, _id, when, item in sorted(rows, key=lambda row: row[:3]):
            person = people.get(item.person_id)
            table.add_row(
                cell(when, WHEN_STYLE[when]),
                cell(item.due.isoformat()),
                cell(item.title),
                cell(person.name if person else ""),
                key=str(item.id),
            )
        if not rows:
            table.add_row(cell(""), cell(""), cell("Nothing to follow up. Notes with a thank-you or a promise add items here.", "dim"), cell(""))
