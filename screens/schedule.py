"""The schedule: day tabs, a list or a room-by-time grid, a filter, stars, conflicts and details."""

from __future__ import annotations

import asyncio
from datetime import date, timezone, tzinfo

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, VerticalScroll
from textual.widgets import ContentSwitcher, Footer, Header, Input, Label, Static, Tab, Tabs

from rich.text import Text

from companion.cards import speakers_on_list, told_apart
from companion.agenda import SessionFilter, SessionIndex, TimeGrid, conflicts, now_position, zone_of
from companion.matching import SpeakerMatcher
from companion.models import Conference, Person, Session
from companion.text import clean
from screens.base import CompanionScreen
from screens.grid import SessionGrid
from screens.modals import NO_CONTROLS
from screens.rowlist import Column, RowList
from screens.safe import cell, lines, markup, paragraph, plain
from screens.widgets import section_title

STAR = "★"
TITLE_WANTS = 40
"""The title's width before the room and track give way to it (then it shrinks)."""


def session_columns(all_days: bool) -> list[Column]:
    """The list's columns: the title first; the track, then the room, shrink and drop before it does."""
    return [
        Column(STAR, 1),
        Column("!", 1),
        Column("When" if all_days else "Time", 18 if all_days else 11),
        Column("Title", wants=TITLE_WANTS),
        Column("Room", 14, give_way=2, least=8),
        Column("Track", 14, give_way=1, least=8),
    ]


SESSION_COLUMNS = session_columns(False)
STACKED_BELOW = 110
"""Narrower than this, the detail goes under the list instead of beside it."""
TAB_FORMATS = ("%a %d %b", "%a %d", "%d")
"""Day tab labels, longest first: the longest that fits every day's tab in the width."""
ZONE_LABEL_ROOM = 34


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
        Binding("full_stop", "now", "Now", id="now"),
        Binding("ctrl+o", "toggle_all_days", "All days", id="all-days"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("down", "leave_filter", "To the list", show=False),
        Binding("up", "leave_filter", "To the list", show=False),
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
        """The sessions in the list: the chosen day's (every day's with all_days) that the filter keeps."""
        self._list_shown: list[Session] = []
        self.all_days = False
        """The list shows every day's sessions the filter keeps (ctrl+o), not only the chosen day's."""
        self.list_at_now: int | None = None
        """The list's row that now put the cursor on (the grid opens at now while the cursor stays there)."""
        self._loading = asyncio.Lock()
        self.jumps = 0
        """How many times a session was chosen from outside (the palette): a reload keeps the latest."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="schedule-bar"):
            yield DayTabs(id="days")
            yield Label(id="zone-label")
        yield Input(placeholder="Filter: words, room:NAME, track:NAME (down: to the list, escape clears)", id="filter",
                    restrict=NO_CONTROLS)
        yield Label(id="filter-hint")
        with Container(id="body"):
            with ContentSwitcher(initial="sessions", id="views"):
                yield RowList(SESSION_COLUMNS, id="sessions")
                yield SessionGrid(id="grid")
            with VerticalScroll(classes="detail"):
                yield Static(id="session-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self.query_one("#filter-hint", Label).display = False

    def on_resize(self, event: events.Resize) -> None:
        self.fit_to_width(event.size.width)

    def fit_to_width(self, width: int) -> None:
        """Stack the detail under the list when the terminal is narrow (or the grid is shown), and
        shorten the day tabs until every day's tab fits."""
        grid = self.query_one("#views", ContentSwitcher).current == "grid"
        self.query_one("#body").set_class(grid or width < STACKED_BELOW, "stacked")
        tabs = list(self.query_one("#days", Tabs).query(Tab))
        room = width - ZONE_LABEL_ROOM
        for fmt in TAB_FORMATS:
            labels = [f"{date.fromisoformat((tab.id or '').removeprefix('day-')):{fmt}}" for tab in tabs]
            if sum(len(label) + 2 for label in labels) <= room or fmt == TAB_FORMATS[-1]:
                break
        for tab, label in zip(tabs, labels if tabs else []):
            if str(tab.label) != label:
                tab.label = label

    async def reload(self) -> None:
        rows = self.query_one("#sessions", RowList)
        chosen, jumps, cursor = self.selected_session(), self.jumps, rows.cursor
        first = await self.load_conference()
        if first:
            self.action_now()  # a conference shown for the first time opens at now
            return
        # Only when nothing moved the cursor meanwhile (a key, a palette jump): theirs is the newer choice.
        if chosen is not None and jumps == self.jumps and rows.cursor == cursor and not self.grid_shown:
            # Kept by which session it is: a re-import elsewhere may move it, or add one above it.
            found = next((index for index, session in enumerate(self.shown) if session.id == chosen.id), None)
            if found is not None:
                rows.cursor = found
                self.show_detail()

    # Loading and drawing -------------------------------------------------------------------

    @property
    def zone(self) -> tzinfo:
        return self.host.times().zone

    @property
    def grid_shown(self) -> bool:
        return self.query_one("#views", ContentSwitcher).current == "grid"

    async def load_conference(self) -> bool:
        """Read the current conference from the store; keep the day and filter the user chose.
        True when the conference is shown for the first time (it then opens at now)."""
        async with self._loading:  # a resume and a palette jump can both ask at once
            return await self._load_conference()

    async def _load_conference(self) -> bool:
        store = self.store
        conference = self.host.conference
        if conference is None:
            self.conference = None
            self.index = SessionIndex([], timezone.utc)
            self.query_one("#session-detail", Static).update(plain("No schedule yet: press i to import one (a file or a URL)."))
            self.redraw()
            return False
        changed_conference = self.conference is None or self.conference.id != conference.id

        def read() -> tuple[SessionIndex, set[str], SpeakerMatcher]:  # store reads only: in a worker
            index = SessionIndex(store.sessions(conference.id), zone_of(conference), conference.rooms)
            return index, store.starred_ids(), store.speaker_matcher()

        self.index, self.starred, self.matcher = await self.read_in_worker(read)
        self.conference = conference
        self.clashes = conflicts(self.index.sessions, self.starred)
        if changed_conference or self.day not in self.index.days:
            self.day = self.today()
        await self.rebuild_tabs()
        self.redraw()
        return changed_conference

    def today(self) -> date | None:
        """The conference day it is now (with the 05:00 cut-off: 01:00 is still the night before), else the first day."""
        now = self.host.now()
        day = Session("", "", "", now, now).conference_day(self.index.zone)
        return day if day in self.index.days else (self.index.days[0] if self.index.days else None)

    async def rebuild_tabs(self) -> None:
        tabs = self.query_one("#days", Tabs)
        wanted = [f"day-{day.isoformat()}" for day in self.index.days]
        if [tab.id for tab in tabs.query(Tab)] != wanted:
            await tabs.clear()
            for day in self.index.days:
                await tabs.add_tab(Tab(f"{day:%a %d %b}", id=f"day-{day.isoformat()}"))
            self.fit_to_width(self.size.width or self.app.size.width)
        self.show_day_tab()

    def show_day_tab(self) -> None:
        """Underline the chosen day's tab (when the tabs have been built: they are rebuilt on load)."""
        tabs = self.query_one("#days", Tabs)
        wanted = f"day-{self.day.isoformat()}" if self.day else ""
        if wanted and any(tab.id == wanted for tab in tabs.query(Tab)):
            tabs.active = wanted

    def redraw(self, keep: str | None = None) -> None:
        """Draw the chosen day with the filter applied, in the list or the grid (the grid's cursor on
        session ``keep``, else on the session it is on, else on what runs now or next)."""
        keep = keep or self.grid_session_id()
        day_sessions = self.index.select(self.day, self.session_filter)
        self.shown = self.index.select(None, self.session_filter) if self.all_days else day_sessions
        zone_name = getattr(self.zone, "key", None) or str(self.zone)
        self.query_one("#zone-label", Label).update(
            plain(f"{'laptop ' if self.host.times().laptop else ''}{zone_name} · {len(self.shown)} shown"),
        )
        self.show_filter_hint()
        if self.grid_shown:
            self.draw_grid(day_sessions, keep)
        else:
            self.draw_list()
        self.show_detail()

    def show_filter_hint(self) -> None:
        """Under an active filter: how many sessions it keeps on other days, and the key that shows them."""
        hint = self.query_one("#filter-hint", Label)
        if not self.session_filter:
            hint.display = False
            return
        if self.all_days:
            text = "every day's sessions that match · ctrl+o: only this day's"
        else:
            others = self.index.other_days_matching(self.day, self.session_filter)
            text = (f"{others} more on other days · ctrl+o shows them" if others
                    else "none on other days")
        if self.grid_shown and self.all_days:
            text = "the grid shows one day · " + text
        hint.update(plain(text))
        hint.display = True

    def session_row(self, session: Session) -> tuple[Text, ...]:
        zone = self.zone
        start = session.start.astimezone(zone)
        starred = session.id in self.starred
        style = "strike dim" if session.status == "cancelled" else ("italic" if session.status == "changed" else "")
        if starred:
            style = f"{style} bold".strip()
        when = f"{start:%a %d %H:%M}-{session.end.astimezone(zone):%H:%M}" if self.all_days \
            else f"{start:%H:%M}-{session.end.astimezone(zone):%H:%M}"
        return (
            cell(STAR if starred else "", "bold yellow"),
            cell("!" if session.id in self.clashes else "", "bold red"),
            cell(when, "bold" if starred else ""),
            cell(session.title, style),
            cell(session.room),
            cell(session.track, "dim"),
        )

    def draw_list(self) -> None:
        shown = self.shown
        rows = self.query_one("#sessions", RowList)
        before = self._list_shown[rows.cursor] if rows.cursor < len(self._list_shown) else None
        self._list_shown = shown
        columns = session_columns(self.all_days)
        if rows.columns != columns:
            rows.set_columns(columns)
        rows.set_rows(len(shown), lambda index: self.session_row(shown[index]))
        if before is not None and (rows.cursor >= len(shown) or shown[rows.cursor] is not before):
            # The cursor stays on its session when it is still listed (a filter typed, a star).
            found = next((index for index, session in enumerate(shown) if session is before), None)
            if found is not None:
                rows.set_reactive(RowList.cursor, found)
                rows.scroll_cursor_into_view()

    def draw_grid(self, sessions: list[Session], keep: str | None = None) -> None:
        layout = TimeGrid(sessions, self.index.rooms(sessions), self.zone)
        self.query_one("#grid", SessionGrid).show(
            layout, starred=self.starred, clashes=set(self.clashes), now=self.host.now(), zone=self.zone, keep=keep)

    def grid_session_id(self) -> str | None:
        """The session under the grid's cursor, when the grid is shown (a redraw keeps it there)."""
        if not self.grid_shown:
            return None
        session = self.query_one("#grid", SessionGrid).session
        return session.id if session is not None else None

    def selected_session(self) -> Session | None:
        if self.grid_shown:
            return self.query_one("#grid", SessionGrid).session
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
                                        who=" or ".join(told_apart(found.candidates))))
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
    @on(SessionGrid.Highlighted, "#grid")
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
            if self.all_days:
                self.list_cursor_to(next((i for i, s in enumerate(self.shown) if s.conference_day(self.index.zone) == chosen), 0))

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.session_filter = SessionFilter.parse(event.value)
        self.redraw()

    @on(Input.Submitted, "#filter")
    def filter_submitted(self) -> None:
        self.focus_view()

    def focus_view(self) -> None:
        self.query_one(f"#{self.query_one('#views', ContentSwitcher).current}").focus()

    def action_leave_filter(self) -> None:
        """Down or up in the filter (or on the day tabs): to the list, where s stars again."""
        self.focus_view()

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

    def action_toggle_all_days(self) -> None:
        """The list: every day's sessions the filter keeps, or the chosen day's only (the cursor stays on its session)."""
        chosen = self.selected_session()
        self.all_days = not self.all_days
        if self.grid_shown:
            self.redraw(keep=chosen.id if chosen else None)
            if self.all_days:
                self.notify("The grid shows one day: g for the list of every day.", markup=False, timeout=4)
            return
        if chosen is not None and not self.all_days:
            self.day = chosen.conference_day(self.index.zone)
            self.show_day_tab()
        self.redraw()
        if chosen is not None and chosen in self.shown:
            self.list_cursor_to(self.shown.index(chosen))

    def list_cursor_to(self, index: int, *, top: bool = False) -> None:
        rows = self.query_one("#sessions", RowList)
        if not rows.row_count:
            return
        rows.cursor = max(0, min(rows.row_count - 1, index))
        if top:
            rows.scroll_cursor_to_top()

    def action_now(self) -> None:
        """To now: today's conference day (else the first day), on the session running now or next."""
        today = self.today()
        if today is not None and today != self.day:
            self.day = today
            self.show_day_tab()
            self.redraw()
        now = self.host.now()
        if self.grid_shown:
            self.query_one("#grid", SessionGrid).jump_to_now()
            return
        is_today = today is not None and Session("", "", "", now, now).conference_day(self.index.zone) == today
        if self.all_days or is_today:
            position = now_position(self.shown, now)
            index = len(self.shown) - 1 if position is None else position
        else:
            index = 0
        self.list_cursor_to(index, top=True)
        self.list_at_now = index
        self.show_detail()

    def action_day(self, step: int) -> None:
        if not self.index.days or self.day is None:
            return
        position = self.index.days.index(self.day) if self.day in self.index.days else 0
        self.day = self.index.days[max(0, min(len(self.index.days) - 1, position + step))]
        self.show_day_tab()
        self.redraw()

    def action_toggle_grid(self) -> None:
        chosen = self.selected_session()
        if not self.grid_shown and self.query_one("#sessions", RowList).cursor == self.list_at_now:
            chosen = None  # the list is where now put it: the grid opens at now in its own way (the first room)
        switcher = self.query_one("#views", ContentSwitcher)
        switcher.current = "grid" if switcher.current == "sessions" else "sessions"
        self.fit_to_width(self.size.width)
        if switcher.current == "grid" and chosen is not None:
            self.day = chosen.conference_day(self.index.zone)
            self.show_day_tab()
        self.redraw(keep=chosen.id if chosen else None)
        if switcher.current == "sessions" and chosen is not None and chosen in self.shown:
            self.list_cursor_to(self.shown.index(chosen))
        self.focus_view()

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
        """Show this session (the palette's jump): its day, in the view shown, the cursor on it and
        in view. The filter stays when it keeps the session, else it is cleared."""
        self.jumps += 1  # a reload under way keeps this choice, not the session selected before it
        await self.load_conference()
        session = self.index.by_id.get(session_id)
        if session is None:
            return
        self.day = session.conference_day(self.index.zone)
        if self.session_filter and session not in self.index.select(None, self.session_filter):
            field = self.query_one("#filter", Input)
            with field.prevent(Input.Changed):
                field.value = ""
            field.display = False
            self.session_filter = SessionFilter()
        self.show_day_tab()
        self.redraw(keep=session.id)
        if not self.grid_shown:
            self.list_cursor_to(self.shown.index(session))
        self.jumps += 1  # and a reload that began while this one was on its way
        self.focus_view()

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
