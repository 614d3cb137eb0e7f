"""A fast list of rows for thousands of sessions or people: only the visible lines are drawn.

Textual's DataTable measures every cell of every row when rows are added, which takes hundreds
of milliseconds at a few thousand rows. RowList takes a row count and a function that
builds a row's cells as Rich ``Text`` (made by ``screens.safe.cell``, so nothing in them is read as
markup; a cell's own style is kept, spans are not). Rows are built and drawn only when they are
on screen, so replacing all rows costs about as much as drawing one screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input


def _fit(text: str, width: int) -> str:
    """``text`` cut (with an ellipsis) or padded to exactly ``width`` terminal cells."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…" if width > 1 else set_cell_size(text, width)


def _style_of(cell: Text) -> Style:
    style = cell.style
    return Style.parse(style) if isinstance(style, str) else style


@dataclass(frozen=True)
class Column:
    label: str
    width: int = 0
    """Cells are cut or padded to this width; 0 means: take the width that is left (a primary column)."""
    give_way: int = 0
    """When the primary columns get less than they want, the columns with a give_way shrink (to
    ``least``) and then drop, lowest give_way first; 0: the column always keeps its width."""
    least: int = 0
    """The narrowest a giving-way column shrinks to before it is dropped (0: dropped at once)."""
    wants: int = 0
    """For a primary column: the width it wants before secondary columns give way (0: none)."""


def column_widths(columns: Sequence[Column], total: int) -> list[int | None]:
    """Each column's width in ``total`` cells (one cell between columns), or None for a column
    dropped: the primary (flexible) columns take what is left, and while they get less than they
    want the giving-way columns shrink, then drop, in their order."""
    widths: list[int | None] = [column.width for column in columns]
    flexible = [index for index, column in enumerate(columns) if not column.width]
    wanted = max((columns[index].wants for index in flexible), default=0)
    yielding = sorted((index for index, column in enumerate(columns) if column.width and column.give_way),
                      key=lambda index: columns[index].give_way)

    def share() -> int:
        present = [index for index, width in enumerate(widths) if width is not None]
        fixed = sum(widths[index] or 0 for index in present if index not in flexible)
        return (total - fixed - (len(present) - 1)) // max(1, len(flexible))

    for index in yielding:
        deficit = wanted - share()
        if deficit <= 0:
            break
        width = widths[index]
        assert width is not None
        least = columns[index].least
        if least and width - deficit >= least:
            widths[index] = width - deficit
            break
        widths[index] = None
    flexible_width = max(1, share())
    return [flexible_width if index in flexible else width for index, width in enumerate(widths)]


class RowList(ScrollView, can_focus=True):
    """Rows of cells with a header line and a row cursor; posts Highlighted and Selected."""

    DEFAULT_CSS = """
    RowList {
        height: 1fr;
        overflow-x: hidden;
    }
    RowList > .row-list--header {
        text-style: bold;
        color: $text-accent;
    }
    RowList > .row-list--cursor {
        background: $block-cursor-blurred-background;
    }
    RowList:focus > .row-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    """
    COMPONENT_CLASSES = {"row-list--header", "row-list--cursor"}
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "select", "Open", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        def __init__(self, row_list: RowList, index: int) -> None:
            super().__init__()
            self.row_list = row_list
            self.index = index

        @property
        def control(self) -> RowList:
            return self.row_list

    class Selected(Highlighted):
        pass

    def __init__(self, columns: Sequence[Column], *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.columns = list(columns)
        self._count = 0
        self._row_for: Callable[[int], Sequence[Text]] = lambda index: ()
        self._built: dict[int, Sequence[Text]] = {}
        self._line_cache: dict[tuple[int, int, bool], Strip] = {}
        self._base_style: Style | None = None
        self._widths_cache: tuple[int, list[int | None]] | None = None

    # Data ----------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return self._count

    def row(self, index: int) -> Sequence[Text]:
        """The cells of row ``index``, built on first use."""
        built = self._built.get(index)
        if built is None:
            built = self._built[index] = self._row_for(index)
        return built

    def set_rows(self, count: int, row_for: Callable[[int], Sequence[Text]], *, keep_cursor: bool = True) -> None:
        """Replace every row: ``row_for(index)`` is called only for rows that are drawn or asked for."""
        self._count = count
        self._row_for = row_for
        self._built.clear()
        self._line_cache.clear()
        self.virtual_size = Size(self.size.width, count + 1)
        cursor = max(min(self.cursor, count - 1) if keep_cursor else 0, 0)
        # Set without the watcher: the caller redraws whatever depends on the cursor itself.
        self.set_reactive(RowList.cursor, cursor)
        self._scroll_to_cursor(cursor)
        self.refresh()

    def refresh_row(self, index: int) -> None:
        """Build row ``index`` again (its data changed) and redraw it."""
        self._built.pop(index, None)
        self._line_cache = {key: strip for key, strip in self._line_cache.items() if key[0] != index}
        self.refresh_line(index)

    def refresh_line(self, index: int) -> None:
        self.refresh(Region(0, index + 1 - self.scroll_offset.y, self.size.width, 1))

    # Drawing -------------------------------------------------------------------------------

    def _widths(self, total: int) -> list[int | None]:
        widths = self._widths_cache
        if widths is None or widths[0] != total:
            widths = self._widths_cache = (total, column_widths(self.columns, total))
        return widths[1]

    def set_columns(self, columns: Sequence[Column]) -> None:
        """Show other columns (the rows' cells must match them from the next draw on)."""
        self.columns = list(columns)
        self._widths_cache = None
        self._line_cache.clear()
        self.refresh()

    def _render_cells(self, cells: Sequence[Text], widths: list[int | None], style: Style) -> list[Segment]:
        segments: list[Segment] = []
        for cell, width in zip(cells, widths):
            if width is None:
                continue  # a secondary column with no room at this width
            if segments:
                segments.append(Segment(" ", style or None))
            segments.append(Segment(_fit(cell.plain, width), _style_of(cell) + style if style else _style_of(cell)))
        return segments

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width  # without the scrollbar
        base = self._base_style
        if base is None:
            base = self._base_style = self.rich_style
        if y == 0:
            header_style = self.get_component_rich_style("row-list--header")
            cells = [Text(column.label) for column in self.columns]
            return Strip(self._render_cells(cells, self._widths(width), header_style)).adjust_cell_length(width, base)
        index = y - 1 + self.scroll_offset.y
        if index >= self._count:
            return Strip.blank(width, base)
        selected = index == self.cursor
        key = (index, width, selected and self.has_focus)
        strip = self._line_cache.get(key)
        if strip is None:
            style = self.get_component_rich_style("row-list--cursor") if selected else Style()
            segments = self._render_cells(self.row(index), self._widths(width), style)
            strip = Strip(segments).adjust_cell_length(width, style or base)
            if len(self._line_cache) > 400:
                self._line_cache.clear()
            self._line_cache[key] = strip
        return strip

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base_style = None
        self._line_cache.clear()

    def on_resize(self) -> None:
        self._line_cache.clear()
        self.virtual_size = Size(self.size.width, self._count + 1)

    def on_focus(self) -> None:
        self._line_cache.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._line_cache.clear()
        self.refresh()

    # Cursor --------------------------------------------------------------------------------

    def _scroll_to_cursor(self, cursor: int, *, again: bool = True) -> None:
        visible_rows = max(1, self.size.height - 1)
        top = self.scroll_offset.y
        if cursor < top:
            self.scroll_to(y=cursor, animate=False, force=True)
        elif cursor >= top + visible_rows:
            self.scroll_to(y=cursor - visible_rows + 1, animate=False, force=True)
        if again:
            # Rows just replaced, or a list not laid out yet (shown a moment ago): the scroll above
            # was held to the old size; once laid out, bring the cursor into view again.
            self.call_after_refresh(self._scroll_to_cursor_now)

    def _scroll_to_cursor_now(self) -> None:
        self._scroll_to_cursor(self.cursor, again=False)

    def scroll_cursor_into_view(self) -> None:
        self._scroll_to_cursor(self.cursor)

    def scroll_cursor_to_top(self) -> None:
        """Scroll so that the cursor's row is near the top (a line of what comes before it above)."""

        def scroll() -> None:
            self.scroll_to(y=max(0, self.cursor - 1), animate=False, force=True)

        scroll()
        self.call_after_refresh(scroll)

    def watch_cursor(self, old: int, new: int) -> None:
        self._line_cache = {key: strip for key, strip in self._line_cache.items() if key[0] not in (old, new)}
        self._scroll_to_cursor(new)
        self.refresh()
        if self._count:
            self.post_message(self.Highlighted(self, new))

    def action_move(self, step: int) -> None:
        if self._count:
            self.cursor = max(0, min(self._count - 1, self.cursor + step))

    def action_page(self, step: int) -> None:
        self.action_move(step * max(1, self.size.height - 2))

    def action_jump(self, index: int) -> None:
        if self._count:
            self.cursor = index % self._count

    def action_select(self) -> None:
        if self._count:
            self.post_message(self.Selected(self, self.cursor))

    def on_click(self, event: events.Click) -> None:
        index = event.y - 1 + self.scroll_offset.y
        if event.y >= 1 and 0 <= index < self._count:
            self.cursor = index
            if event.chain > 1:
                self.action_select()


class ListFilter(Input):
    """The filter field over a list: Down or Up takes the focus to the list (where the list's keys
    act again, instead of typing into the filter); what was typed stays. ``to_list`` names the
    list's id, or is a function that focuses whatever shows the list (a grid or a list)."""

    BINDINGS = [
        Binding("down", "to_list", "To the list", show=False),
        Binding("up", "to_list", "To the list", show=False),
    ]

    def __init__(self, value: str | None = None, *, to_list: str | Callable[[], object], **kwargs: Any) -> None:
        super().__init__(value, **kwargs)
        self.to_list = to_list

    def action_to_list(self) -> None:
        if callable(self.to_list):
            self.to_list()
        else:
            self.screen.query_one(f"#{self.to_list}", Widget).focus()
