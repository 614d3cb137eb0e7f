"""The room-by-time grid: rooms across, time slots down, a session spanning its slots.

Drawn with Textual's Line API: only the lines and columns on screen are built, so a day of 100
rooms and 1,500 sessions costs what one screen of it costs. The time column and the room header
stay where they are while the rest scrolls. The layout itself (slots, lanes, which session fills
which cell) is ``companion.agenda.TimeGrid``; this widget draws it and moves a cursor over it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from companion.agenda import GridPlacement, TimeGrid
from screens.safe import one_line

TIME_WIDTH = 6
"""The time column: HH:MM and a space."""
COLUMN_WIDTH = 22
"""A room's column (a lane of it), its separator included."""
STAR = "★"


def _fit(text: str, width: int) -> str:
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…" if width > 1 else set_cell_size(text, width)


def wrap_cells(text: str, width: int, most: int) -> list[str]:
    """``text`` in at most ``most`` lines of ``width`` terminal cells, word by word (a word longer
    than a line is cut); the last line ends with an ellipsis when text was left over."""
    if most <= 0 or width <= 0:
        return []
    lines: list[str] = []
    line = ""
    words = text.split()
    for position, word in enumerate(words):
        candidate = f"{line} {word}" if line else word
        if cell_len(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        if len(lines) == most:
            line = " ".join([lines.pop(), *words[position:]])
            break
    if line:
        lines.append(line)
    if len(lines) > most:
        lines[most - 1] = " ".join(lines[most - 1:])
        del lines[most:]
    if lines and cell_len(lines[-1]) > width:
        lines[-1] = _fit(lines[-1], width)
    return lines


class SessionGrid(ScrollView, can_focus=True):
    """A TimeGrid on screen with a session cursor; posts Highlighted when the cursor moves."""

    DEFAULT_CSS = """
    SessionGrid {
        height: 1fr;
    }
    SessionGrid > .session-grid--header {
        text-style: bold;
        color: $text-accent;
        background: $panel;
    }
    SessionGrid > .session-grid--time {
        color: $text-muted;
    }
    SessionGrid > .session-grid--now {
        color: $text-warning;
        text-style: bold reverse;
    }
    SessionGrid > .session-grid--session {
        background: $boost;
    }
    SessionGrid > .session-grid--starred {
        color: $text-warning;
        background: $warning 15%;
        text-style: bold;
    }
    SessionGrid > .session-grid--clash {
        color: $text-error;
        text-style: bold;
    }
    SessionGrid > .session-grid--cursor {
        background: $block-cursor-blurred-background;
    }
    SessionGrid:focus > .session-grid--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    """
    COMPONENT_CLASSES = {
        "session-grid--header", "session-grid--time", "session-grid--now", "session-grid--session",
        "session-grid--starred", "session-grid--clash", "session-grid--cursor",
    }
    BINDINGS = [
        Binding("up", "move(0, -1)", "Up", show=False),
        Binding("down", "move(0, 1)", "Down", show=False),
        Binding("left", "move(-1, 0)", "Left", show=False),
        Binding("right", "move(1, 0)", "Right", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "edge(-1)", "First room", show=False),
        Binding("end", "edge(1)", "Last room", show=False),
    ]

    class Highlighted(Message):
        """The cursor moved to another session (or there is none: ``placement`` is None)."""

        def __init__(self, grid: SessionGrid, placement: GridPlacement | None) -> None:
            super().__init__()
            self.grid = grid
            self.placement = placement

        @property
        def control(self) -> SessionGrid:
            return self.grid

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.time_grid = TimeGrid([], [], timezone.utc)
        self.cursor: GridPlacement | None = None
        self.anchor_row = 0
        """The time row left and right moves keep to (the cursor's start when it last moved up or down)."""
        self.starred: set[str] = set()
        self.clashes: set[str] = set()
        self.now: datetime | None = None
        self.zone: tzinfo = self.time_grid.zone
        self._texts: dict[str, list[str]] = {}
        self._styles: dict[str, Style] = {}
        self._cell_styles: dict[tuple[bool, ...], Style] = {}
        self._lines: dict[tuple[int, int, int], Strip] = {}
        """Drawn lines by (row, horizontal scroll, width): a cursor move draws only its two sessions' rows again."""

    # Data ----------------------------------------------------------------------------------

    @property
    def session(self):  # noqa: ANN201 - the Session under the cursor, or None
        return self.cursor.session if self.cursor is not None else None

    def show(self, layout: TimeGrid, *, starred: set[str], clashes: set[str], now: datetime, zone: tzinfo,
             keep: str | None = None) -> None:
        """Draw ``layout``; the cursor on session ``keep`` if it is there, else on what runs now or next."""
        self.time_grid = layout
        self.starred, self.clashes, self.now, self.zone = starred, clashes, now, zone
        self._texts.clear()
        self._lines.clear()
        self.virtual_size = Size(TIME_WIDTH + layout.column_count * COLUMN_WIDTH, layout.row_count + 1)
        placement = layout.placement_of(keep) if keep else None
        if placement is None:
            placement = layout.now_placement(now) or (layout.placements[0] if layout.placements else None)
        self.move_to(placement, top=keep is None)
        self.refresh()

    def move_to(self, placement: GridPlacement | None, *, top: bool = False) -> None:
        """Put the cursor on ``placement`` and scroll it into view (``top``: near the top of the view)."""
        before, self.cursor = self.cursor, placement
        if placement is not None:
            self.anchor_row = placement.row
        for moved in (before, placement):
            if moved is not None:  # their lines change: drawn again, and only them unless it scrolls
                rows = range(moved.row, moved.row + moved.rows)
                self._lines = {key: strip for key, strip in self._lines.items() if key[0] not in rows}
                self.refresh(Region(0, moved.row + 1 - self.scroll_offset.y, self.size.width, moved.rows))
        self.scroll_to_cursor(top=top)
        self.call_after_refresh(self.scroll_to_cursor, top=top)  # once laid out, if it was not yet
        self.post_message(self.Highlighted(self, placement))

    def jump_to_now(self) -> None:
        self.move_to(self.time_grid.now_placement(self.now) if self.now else None, top=True)

    # Drawing -------------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self.rich_style if name == "base" else self.get_component_rich_style(f"session-grid--{name}")
            self._styles[name] = style
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._cell_styles.clear()
        self._lines.clear()

    @property
    def area_width(self) -> int:
        """The width left for the rooms, beside the time column."""
        return max(0, self.scrollable_content_region.width - TIME_WIDTH)

    def _lines_of(self, placement: GridPlacement) -> list[str]:
        """What a session's cells say, line by line: its title, then its times."""
        session = placement.session
        texts = self._texts.get(session.id)
        if texts is None:
            width = COLUMN_WIDTH - 2
            title = one_line(session.title)
            if session.status == "cancelled":
                title = "cancelled: " + title
            times = f"{session.start.astimezone(self.zone):%H:%M}-{session.end.astimezone(self.zone):%H:%M}"
            title_lines = wrap_cells(title, width, max(1, placement.rows - 1))
            texts = self._texts[session.id] = title_lines + ([times] if placement.rows > len(title_lines) else [])
        return texts

    def _session_cell(self, placement: GridPlacement, row: int, base: Style) -> Segment:
        session = placement.session
        offset = row - placement.row
        texts = self._lines_of(placement)
        text = texts[offset] if offset < len(texts) else ""
        starred = session.id in self.starred
        mark = (STAR if starred else "▎") if offset == 0 else "▏"
        kind = (starred, session.id in self.clashes, session.status == "cancelled", offset == 0, placement is self.cursor)
        style = self._cell_styles.get(kind)
        if style is None:
            style = base + self._style("session")
            if starred:
                style += self._style("starred")
            if kind[1]:
                style += self._style("clash")
            if kind[2]:
                style += Style(strike=True, dim=True)
            if kind[3] and not starred:
                style += Style(bold=True)
            if kind[4]:
                style += self._style("cursor")
            self._cell_styles[kind] = style
        return Segment(mark + _fit(text, COLUMN_WIDTH - 2), style)

    def _time_cell(self, row: int, base: Style) -> Segment:
        layout = self.time_grid
        start = layout.row_start(row)
        if self.now is not None and start <= self.now < start + layout.slot:
            return Segment(f"{self.now.astimezone(self.zone):%H:%M}", base + self._style("now"))
        local = start.astimezone(self.zone)
        every = max(1, int(timedelta(minutes=15) / layout.slot))
        label = f"{local:%H:%M}" if row % every == 0 or (self.cursor and row == self.cursor.row) else ""
        return Segment(_fit(label, TIME_WIDTH - 1), base + self._style("time"))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width  # without the scrollbar
        scroll_x, scroll_y = self.scroll_offset
        key = (y - 1 + scroll_y if y else -1, scroll_x, width)
        strip = self._lines.get(key)
        if strip is None:
            if len(self._lines) > 4000:
                self._lines.clear()
            strip = self._lines[key] = self._render_line(y, width, scroll_x, scroll_y)
        return strip

    def _render_line(self, y: int, width: int, scroll_x: int, scroll_y: int) -> Strip:
        base = self._style("base")
        layout = self.time_grid
        area = self.area_width
        first_column = scroll_x // COLUMN_WIDTH
        last_column = min(layout.column_count, (scroll_x + area) // COLUMN_WIDTH + 1)
        if y == 0:
            header = base + self._style("header")
            cells: list[Segment] = []
            first_room = layout.column_room[first_column] if first_column < layout.column_count else len(layout.rooms)
            left = layout.first_column[first_room] * COLUMN_WIDTH if first_room < len(layout.rooms) else scroll_x
            x = left
            for room in range(first_room, len(layout.rooms)):
                if x >= scroll_x + area:
                    break
                span = layout.lanes[room] * COLUMN_WIDTH
                cells.append(Segment(" " + _fit(one_line(layout.rooms[room]), span - 2) + " ", header))
                x += span
            return self._line([Segment(_fit("Time", TIME_WIDTH), header)], cells, scroll_x - left, area, width, header)
        row = y - 1 + scroll_y
        if row >= layout.row_count:
            return Strip.blank(width, base)
        cells = []
        blank = " " * (COLUMN_WIDTH - 1)
        for column in range(first_column, last_column):
            index = layout.cells[column][row]
            if index < 0:
                cells.append(Segment(blank, base))
            else:
                cells.append(self._session_cell(layout.placements[index], row, base))
            cells.append(Segment(" ", base))
        fixed = [self._time_cell(row, base), Segment(" ", base)]
        return self._line(fixed, cells, scroll_x - first_column * COLUMN_WIDTH, area, width, base)

    @staticmethod
    def _line(fixed: list[Segment], cells: list[Segment], skip: int, area: int, width: int, style: Style) -> Strip:
        """The fixed time cell, then ``cells`` from ``skip`` cells in for ``area`` cells: one line of ``width``."""
        if skip or sum(segment.cell_length for segment in cells) > area:
            cells = list(Segment.divide(cells, [skip, skip + area]))[1]
        segments = [*fixed, *cells]
        drawn = sum(segment.cell_length for segment in segments)
        if drawn < width:
            segments.append(Segment(" " * (width - drawn), style))
        return Strip(segments, width)

    def on_resize(self) -> None:
        self.virtual_size = Size(TIME_WIDTH + self.time_grid.column_count * COLUMN_WIDTH, self.time_grid.row_count + 1)

    def on_focus(self) -> None:
        self._cell_styles.clear()
        self._lines.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._cell_styles.clear()
        self._lines.clear()
        self.refresh()

    # Cursor --------------------------------------------------------------------------------

    def scroll_to_cursor(self, *, top: bool = False) -> None:
        placement = self.cursor
        if placement is None:
            return
        visible_rows = max(1, self.scrollable_content_region.height - 1)
        x, y = self.scroll_offset
        # Whole columns: the first one shown starts at the time column's edge.
        left = placement.column * COLUMN_WIDTH
        whole_columns = max(1, self.area_width // COLUMN_WIDTH)
        if left < x:
            x = left
        elif left + COLUMN_WIDTH > x + self.area_width:
            x = (placement.column - whole_columns + 1) * COLUMN_WIDTH
        if top:
            y = max(0, placement.row - 1)  # a line of what came before
            if self.now is not None and placement.session.start <= self.now:
                # A session that began a while ago: down to where now is, its line kept on screen.
                y = max(y, self.time_grid.row_of(self.now) - visible_rows + 2)
        elif placement.row < y:
            y = placement.row
        elif placement.row + min(placement.rows, visible_rows) > y + visible_rows:
            y = placement.row + min(placement.rows, visible_rows) - visible_rows
        self.scroll_to(x=x, y=y, animate=False, force=True)

    def _nearest(self, column: int, row: int) -> GridPlacement | None:
        """The session in ``column`` at ``row``, else the nearest one above or below it."""
        cells = self.time_grid.cells[column]
        for distance in range(self.time_grid.row_count):
            for candidate in (row - distance, row + distance):
                if 0 <= candidate < len(cells) and cells[candidate] >= 0:
                    return self.time_grid.placements[cells[candidate]]
        return None

    def action_move(self, columns: int, rows: int) -> None:
        layout, cursor = self.time_grid, self.cursor
        if not layout.placements:
            return
        if cursor is None:
            self.move_to(layout.placements[0])
            return
        if rows:
            cells = layout.cells[cursor.column]
            scan = range(cursor.row + cursor.rows, layout.row_count) if rows > 0 else range(cursor.row - 1, -1, -1)
            for row in scan:
                index = cells[row]
                if index >= 0 and layout.placements[index] is not cursor:
                    self.move_to(layout.placements[index])
                    return
            return
        column = cursor.column + columns
        if 0 <= column < layout.column_count:
            anchor = self.anchor_row
            found = self._nearest(column, anchor)
            if found is not None:
                self.move_to(found)
                self.anchor_row = anchor

    def action_page(self, step: int) -> None:
        cursor = self.cursor
        if cursor is None:
            return
        row = max(0, min(self.time_grid.row_count - 1, cursor.row + step * max(1, self.size.height - 2)))
        found = self._nearest(cursor.column, row)
        if found is not None:
            self.move_to(found)

    def action_edge(self, step: int) -> None:
        if not self.time_grid.column_count:
            return
        column = 0 if step < 0 else self.time_grid.column_count - 1
        anchor = self.anchor_row
        found = self._nearest(column, anchor)
        if found is not None:
            self.move_to(found)
            self.anchor_row = anchor

    def on_click(self, event: events.Click) -> None:
        if event.y < 1 or event.x < TIME_WIDTH:
            return
        column = (event.x - TIME_WIDTH + self.scroll_offset.x) // COLUMN_WIDTH
        row = event.y - 1 + self.scroll_offset.y
        found = self.time_grid.at(column, row)
        if found is not None:
            self.move_to(found)
