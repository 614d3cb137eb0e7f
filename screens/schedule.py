"""The schedule: day tabs, a list or a room-by-time grid, a filter, stars, conflicts and details."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timezone, tzinfo

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import ContentSwitcher, DataTable, Footer, Header, Input, Label, Static, Tab, Tabs

from rich.text import Text

from companion.cards import speakers_on_list
from companion.agenda import SessionFilter, SessionIndex, conflicts, grid, zone_of
from companion.matching import SpeakerMatcher
from companion.models import Conference, Person, Session
from companion.text import clean
from screens.base import CompanionScreen
from screens.modals import NO_CONTROLS
from screens.rowlist import Column, RowList
from screens.safe import cell, lines, markup, paragraph, plain
from screens.widgets import section_title

STAR = "★"
SESSION_COLUMNS = [Column(STAR, 1), Column("!", 1), Column("Time", 11), Column("Room", 14), Column("Title")]


def laptop_zone() -> tzinfo:
    import tzlocal

    try:
        return tzlocal.get_localzone()
    except Exception:
        return datetime.now().astimezone().tzinfo or timezone.utc


class DayTabs(Tabs):
    """Day tabs whose underline jumps instead of sliding: the slide re-renders for a third of a second."""

    def _highlight_active(self, animate: bool = True) -> None:
        super()._highlight_active(animate=False)


class ScheduleScreen(CompanionScreen):
    CSS_PATH = "schedule.tcss"
    AUTO_FOCUS = "#sessions"
    BINDINGS = [
        Binding("s", "star_session", "Star", id="star"),
        Binding("slash", "filter", "Filter", id="filter"),
        Binding("g", "toggle_grid", "Grid/list", id="grid"),
        Binding("left_square_bracket", "day(-1)", "Previous day", id="prev-day", show=False),
        Binding("right_square_bracket", "day(1)", "Next day", id="next-day", show=False),
        Binding("z", "app.toggle_times", "Conference/laptop time zone", id="zone", show=False),
        Binding("o", "notes", "Notes", id="notes", show=False),
        Binding("a", "add_speakers", "Add the speakers to your people", id="add-speakers", show=False),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.conference: Conference | None = None
        self.index = SessionIndex([], timezone.utc)
        self.day: date | None = None
        self.session_filter = SessionFilter()
        self.starred: set[str] = set()
        self.clashes: dict[str, list[Session]] = {}
        self.matcher: SpeakerMatcher | None = None
        self.shown: list[Session] = []
        self.grid_cells: dict[tuple[int, int], Session] = {}
        self.show_laptop_zone = False
        self._loading = asyncio.Lock()
        self.jumps = 0
        """How many times a session was chosen from outside (the palette): a reload keeps the latest."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="schedule-bar"):
            yield DayTabs(id="days")
            yield Label(id="zone-label")
        yield Input(placeholder="Filter: words, room:NAME, track:NAME (escape clears)", id="filter", restrict=NO_CONTROLS)
        with Horizontal():
            with ContentSwitcher(initial="sessions", id="views"):
                yield RowList(SESSION_COLUMNS, id="sessions")
                yield DataTable(id="grid", cursor_type="cell")
            with VerticalScroll(classes="detail"):
                yield Static(id="session-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False

    async def reload(self) -> None:
        rows = self.query_one("#sessions", RowList)
        chosen, jumps, cursor = self.selected_session(), self.jumps, rows.cursor
        await self.load_conference()
        # Only when nothing moved the cursor meanwhile (a key, a palette jump): theirs is the newer choice.
        if chosen is not None and jumps == self.jumps and rows.cursor == cursor \
                and self.query_one("#views", ContentSwitcher).current != "grid":
            # Kept by which session it is: a re-import elsewhere may move it, or add one above it.
            found = next((index for index, session in enumerate(self.shown) if session.id == chosen.id), None)
            if found is not None:
                rows.cursor = found
                self.show_detail()

    # Loading and drawing -------------------------------------------------------------------

    @property
    def zone(self) -> tzinfo:
        return self.host.times().zone

    async def load_conference(self) -> None:
        """Read the current conference from the store; keep the day and filter the user chose."""
        async with self._loading:  # a resume and a palette jump can both ask at once
            await self._load_conference()

    async def _load_conference(self) -> None:
        store = self.store
        now: datetime = self.host.now()
        conference = self.host.conference
        if conference is None:
            self.conference = None
            self.index = SessionIndex([], timezone.utc)
            self.query_one("#session-detail", Static).update(plain("No schedule yet: press i to import one (a file or a URL)."))
            self.redraw()
            return
        changed_conference = self.conference is None or self.conference.id != conference.id

        def read() -> tuple[SessionIndex, set[str], SpeakerMatcher]:  # store reads only: in a worker
            return SessionIndex(store.sessions(conference.id), zone_of(conference)), store.starred_ids(), store.speaker_matcher()

        self.index, self.starred, self.matcher = await self.read_in_worker(read)
        self.conference = conference
        self.clashes = conflicts(self.index.sessions, self.starred)
        if changed_conference or self.day not in self.index.days:
            self.day = self.index.day_of(now)
        await self.rebuild_tabs()
        self.redraw()

    async def rebuild_tabs(self) -> None:
        tabs = self.query_one("#days", Tabs)
        wanted = [f"day-{day.isoformat()}" for day in self.index.days]
        if [tab.id for tab in tabs.query(Tab)] != wanted:
            await tabs.clear()
            for day in self.index.days:
                await tabs.add_tab(Tab(f"{day:%a %d %b}", id=f"day-{day.isoformat()}"))
        self.show_day_tab()

    def show_day_tab(self) -> None:
        """Underline the chosen day's tab (when the tabs have been built: they are rebuilt on load)."""
        tabs = self.query_one("#days", Tabs)
        wanted = f"day-{self.day.isoformat()}" if self.day else ""
        if wanted and any(tab.id == wanted for tab in tabs.query(Tab)):
            tabs.active = wanted

    def redraw(self) -> None:
        """Draw the chosen day with the filter applied, in the list or the grid."""
        self.shown = self.index.select(self.day, self.session_filter)
        zone_name = getattr(self.zone, "key", None) or str(self.zone)
        self.query_one("#zone-label", Label).update(
            plain(f"times: {'laptop ' if self.host.times().laptop else ''}{zone_name}  ·  {len(self.shown)} shown"),
            layout=False,  # fixed width: no need to lay the screen out again
        )
        if self.query_one("#views", ContentSwitcher).current == "grid":
            self.draw_grid()
        else:
            self.draw_list()
        self.show_detail()

    def session_row(self, session: Session) -> tuple[Text, ...]:
        zone = self.zone
        start = session.start.astimezone(zone)
        style = "strike dim" if session.status == "cancelled" else ("italic" if session.status == "changed" else "")
        return (
            cell(STAR if session.id in self.starred else "", "bold yellow"),
            cell("!" if session.id in self.clashes else "", "bold red"),
            cell(f"{start:%H:%M}-{session.end.astimezone(zone):%H:%M}"),
            cell(session.room),
            cell(session.title, style),
        )

    def draw_list(self) -> None:
        shown = self.shown
        self.query_one("#sessions", RowList).set_rows(len(shown), lambda index: self.session_row(shown[index]))

    def draw_grid(self) -> None:
        table = self.query_one("#grid", DataTable)
        table.clear(columns=True)
        rooms = self.index.rooms(self.shown)
        starts, cells = grid(self.shown, rooms)
        zone = self.zone
        table.add_column("Time", key="time", width=5)
        for room in rooms:
            table.add_column(cell(room, "bold"), width=22)
        self.grid_cells = {}
        rows = []
        for row_index, start in enumerate(starts):
            row = [cell(f"{start.astimezone(zone):%H:%M}")]
            for column_index, room in enumerate(rooms, start=1):
                session = cells.get((start, room))
                if session is None:
                    row.append(cell(""))
                    continue
                self.grid_cells[(row_index, column_index)] = session
                star = STAR + " " if session.id in self.starred else ""
                style = "bold red" if session.id in self.clashes else ("bold" if star else "")
                row.append(cell(star + session.title, style))
            rows.append(row)
        table.add_rows(rows)
        if rooms and table.cursor_column == 0:
            table.move_cursor(column=1)

    def selected_session(self) -> Session | None:
        if self.query_one("#views", ContentSwitcher).current == "grid":
            table = self.query_one("#grid", DataTable)
            coordinate = table.cursor_coordinate
            return self.grid_cells.get((coordinate.row, coordinate.column))
        row_list = self.query_one("#sessions", RowList)
        if not self.shown or row_list.cursor >= len(self.shown):
            return None
        return self.shown[row_list.cursor]

    def show_detail(self) -> None:
        detail = self.query_one("#session-detail", Static)
        session = self.selected_session()
        if session is None:
            detail.update(plain("No session here." if self.conference else "No schedule yet: press i to import one (a file or a URL)."))
            return
        zone = self.zone
        parts = [
            markup("[b]$title[/b]", title=session.title),
            markup(
                "$when  $room",
                when=f"{session.start.astimezone(zone):%A %H:%M}-{session.end.astimezone(zone):%H:%M}",
                room=session.room,
            ),
        ]
        if session.track or session.type:
            parts.append(markup("[dim]$what[/dim]", what=" · ".join(x for x in (session.track, session.type) if x)))
        if session.status == "cancelled":
            parts.append(markup("[$error]cancelled[/]"))
        elif session.status == "changed":
            parts.append(markup("[$warning]moved since it was first imported[/]"))
        if session.id in self.starred:
            parts.append(markup("[$warning]★ starred[/]"))
        for other in self.clashes.get(session.id, []):
            parts.append(markup("[$error]conflicts with[/] $title ($when)", title=other.title,
                                when=f"{other.start.astimezone(zone):%H:%M} {other.room}"))
        if session.speakers:
            parts.append(section_title("Speakers"))
            for found in speakers_on_list(session, self.matcher or SpeakerMatcher([], [])):
                if found.person is not None:
                    parts.append(markup("$name  [$success]on your list[/]", name=found.name))
                elif found.candidates:
                    parts.append(markup("$name  [$warning]maybe $who?[/]", name=found.name,
                                        who=" or ".join(p.name for p in found.candidates)))
                else:
                    parts.append(markup("$name  [dim](a: add to your people)[/dim]", name=found.name))
        notes = self.store.notes(session_id=session.id)
        if notes:
            parts.append(section_title("Your notes (o: edit)"))
            for note in notes[-3:]:
                parts.append(markup("[dim]$when[/dim] $text", when=f"{note.created.astimezone(zone):%a %H:%M}", text=note.text))
        if session.abstract:
            parts.append(section_title("Abstract"))
            parts.append(paragraph(session.abstract))
        if session.url:
            parts.append(markup("\n[dim]$url[/dim]", url=session.url))
        detail.update(lines(parts))

    # Events and actions --------------------------------------------------------------------

    @on(RowList.Highlighted, "#sessions")
    @on(DataTable.CellHighlighted, "#grid")
    def highlighted(self) -> None:
        self.show_detail()

    @on(Tabs.TabActivated, "#days")
    def day_chosen(self, event: Tabs.TabActivated) -> None:
        if event.tab is None or event.tab.id is None:
            return
        chosen = date.fromisoformat(event.tab.id.removeprefix("day-"))
        if chosen != self.day:
            self.day = chosen
            self.redraw()

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.session_filter = SessionFilter.parse(event.value)
        self.redraw()

    @on(Input.Submitted, "#filter")
    def filter_submitted(self) -> None:
        self.focus_view()

    def focus_view(self) -> None:
        self.query_one(f"#{self.query_one('#views', ContentSwitcher).current}").focus()

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.display = True
        field.focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        if field.value:
            field.value = ""
        field.display = False
        self.focus_view()

    def action_day(self, step: int) -> None:
        if not self.index.days or self.day is None:
            return
        position = self.index.days.index(self.day) if self.day in self.index.days else 0
        self.day = self.index.days[max(0, min(len(self.index.days) - 1, position + step))]
        self.show_day_tab()
        self.redraw()

    def action_toggle_grid(self) -> None:
        switcher = self.query_one("#views", ContentSwitcher)
        switcher.current = "grid" if switcher.current == "sessions" else "sessions"
        self.redraw()
        self.focus_view()

    def action_toggle_zone(self) -> None:
        self.show_laptop_zone = not self.show_laptop_zone
        self.redraw()

    def note_subject(self) -> tuple[Session | None, list[str]]:
        """A new note from here is about the selected session (its speakers are filled in by the app)."""
        return self.selected_session(), []

    def action_notes(self) -> None:
        session = self.selected_session()
        if session is None:
            return
        store = self.store
        self.host.show_notes(
            f"Notes on {session.title}", store.notes(session_id=session.id), lambda: store.notes(session_id=session.id)
        )

    async def select_session(self, session_id: str) -> None:
        """Show this session: its day, no filter, the list view, the cursor on it."""
        self.jumps += 1  # a reload under way keeps this choice, not the session selected before it
        await self.load_conference()
        session = self.index.by_id.get(session_id)
        if session is None:
            return
        self.day = session.conference_day(self.index.zone)
        field = self.query_one("#filter", Input)
        field.value = ""
        self.session_filter = SessionFilter()
        self.query_one("#views", ContentSwitcher).current = "sessions"
        self.show_day_tab()
        self.redraw()
        rows = self.query_one("#sessions", RowList)
        rows.cursor = self.shown.index(session)
        self.jumps += 1  # and a reload that began while this one was on its way
        rows.focus()

    def action_add_speakers(self) -> None:
        """Add the selected session's speakers who are not on the people list (ambiguous ones are left alone)."""
        session = self.selected_session()
        if session is None or self.matcher is None:
            return
        new = [found.name for found in speakers_on_list(session, self.matcher) if found.person is None and not found.candidates]
        if not new:
            self.notify("Every speaker of this session is on your list already (or may be: see the detail).", markup=False)
            return
        store = self.store
        if not self.host.attempt(lambda: store.add_people(
            Person(name=name, notes=f"Speaks at: {session.title}", tags=[session.track] if session.track else [])
            for name in new
        )):
            return
        self.matcher = store.speaker_matcher()
        self.show_detail()
        self.notify("Added to your people: " + clean(", ".join(new), single_line=True), markup=False)

    def action_star_session(self) -> None:
        session = self.selected_session()
        if session is None:
            return
        store = self.store
        starred = session.id not in self.starred
        if not self.host.attempt(lambda: store.set_star(session.id, starred)):
            return
        self.starred = store.starred_ids()
        self.clashes = conflicts(self.index.sessions, self.starred)
        self.redraw()
        clash = self.clashes.get(session.id)
        if starred and clash:
            self.notify(f"Conflicts with {clean(clash[0].title, single_line=True)}", title="Starred", severity="warning", markup=False)
