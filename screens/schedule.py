"""The schedule: every session of the current conference, starred with s, details beside."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from companion.actions import zone_of
from companion.models import Session
from companion.text import normalise_name
from screens.safe import cell, lines, markup, paragraph, plain
from screens.widgets import section_title


class ScheduleScreen(Screen[None]):
    CSS_PATH = "schedule.tcss"
    BINDINGS = [Binding("s", "star_session", "Star", id="star")]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(classes="detail"):
                yield Static(id="session-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#sessions", DataTable)
        table.add_column("★", key="star", width=1)
        table.add_column("Day", key="day", width=3)
        table.add_column("Time", key="time", width=11)
        table.add_column("Room", key="room", width=14)
        table.add_column("Title", key="title")
        self._sessions: dict[str, Session] = {}

    def on_screen_resume(self) -> None:
        self.load_sessions()

    def load_sessions(self) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        conference = store.current_conference(self.app.now().date())  # type: ignore[attr-defined]
        table = self.query_one("#sessions", DataTable)
        cursor = table.cursor_row
        table.clear()
        self._sessions = {}
        if conference is None:
            self.query_one("#session-detail", Static).update(plain("No schedule yet: companion import schedule FILE.ics"))
            return
        self._zone = zone_of(conference)
        starred = store.starred_ids()
        for session in store.sessions(conference.id):
            self._sessions[session.id] = session
            start = session.start.astimezone(self._zone)
            title_style = "strike dim" if session.status == "cancelled" else ""
            table.add_row(
                cell("★" if session.id in starred else "", "bold yellow"),
                cell(f"{start:%a}"),
                cell(f"{start:%H:%M}-{session.end.astimezone(self._zone):%H:%M}"),
                cell(session.room),
                cell(session.title, title_style),
                key=session.id,
            )
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))

    def selected_session(self) -> Session | None:
        table = self.query_one("#sessions", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._sessions.get(key or "")

    @on(DataTable.RowHighlighted, "#sessions")
    def show_detail(self) -> None:
        session = self.selected_session()
        if session is None:
            return
        store = self.app.store  # type: ignore[attr-defined]
        on_list = {normalise_name(p.name) for p in store.people()}
        zone = self._zone
        parts = [
            markup("[b]$title[/b]", title=session.title),
            markup("$when  $room", when=f"{session.start.astimezone(zone):%A %H:%M}-{session.end.astimezone(zone):%H:%M}",
                   room=session.room),
        ]
        if session.track:
            parts.append(markup("[dim]track[/dim] $track", track=session.track))
        if session.status == "cancelled":
            parts.append(markup("[$error]cancelled[/]"))
        if session.speakers:
            parts.append(section_title("Speakers"))
            for speaker in session.speakers:
                if normalise_name(speaker.name) in on_list:
                    parts.append(markup("$name  [$success]on your list[/]", name=speaker.name))
                else:
                    parts.append(plain(speaker.name))
        if session.abstract:
            parts.append(section_title("Abstract"))
            parts.append(paragraph(session.abstract))
        if session.url:
            parts.append(markup("\n[dim]$url[/dim]", url=session.url))
        self.query_one("#session-detail", Static).update(lines(parts))

    def action_star_session(self) -> None:
        session = self.selected_session()
        if session is None:
            return
        store = self.app.store  # type: ignore[attr-defined]
        starred = session.id not in store.starred_ids()
        store.set_star(session.id, starred)
        table = self.query_one("#sessions", DataTable)
        table.update_cell(session.id, "star", cell("★" if starred else "", "bold yellow"))
