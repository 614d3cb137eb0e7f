"""Reusable widgets. They receive models and render them; they never touch storage."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import tzinfo

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widgets import Static

from companion.cards import PersonCard
from companion.coach import PROMPTS, SHORT_NAMES
from companion.models import Session
from companion.text import ColumnFit, column_widths, cut_cells
from screens.rowlist import Column, RowList
from screens.safe import lines, markup, paragraph, plain


def span(session: Session, zone: tzinfo, *, with_date: bool = False) -> str:
    start = session.start.astimezone(zone)
    day = f"{start:%a} {start.day} {start:%b}" if with_date else f"{start:%a}"
    return f"{day} {start:%H:%M}-{session.end.astimezone(zone):%H:%M}"


@dataclass(frozen=True)
class ListColumn:
    """A column of a :class:`FittedList`: its header and how it is sized (``companion.text.ColumnFit``)."""

    label: str
    fit: ColumnFit


def _cut(cell: Text, width: int) -> Text:
    """A cell as its column shows it. Text beyond ASCII that does not fit is cut here, between
    characters as drawn (``text.cut_cells``): RowList's cut (Rich's) may split a flag in two, and
    half a flag is one cell wide in some terminals and two in others. Other cells are kept whole
    (RowList cuts them the same way when drawing, and ``row()`` still gives the full text)."""
    plain = cell.plain
    if plain.isascii() or cell_len(plain) <= width:  # shown text: Rich counts it as the terminal draws it
        return cell
    return Text(cut_cells(plain, width), style=cell.style, no_wrap=True)


class FittedList(RowList):
    """A RowList whose columns are sized by priority for the width it has (``text.column_widths``):
    the name or title keeps what it needs while the other columns shrink or are dropped, and with
    room to spare more columns are shown, wider. Cells are cut to their column counting cells as the
    terminal draws them (see :func:`_cut`).

    The row function gives a cell for every column; the list shows those of the columns that fit.
    """

    def __init__(self, columns: Sequence[ListColumn], *, id: str | None = None, classes: str | None = None) -> None:
        self.all_columns = list(columns)
        self.shown: list[tuple[int, int]] = [(index, column.fit.want) for index, column in enumerate(columns)]
        """(position among ``all_columns``, width) of each column shown, in order."""
        super().__init__([Column(column.label, column.fit.want) for column in columns], id=id, classes=classes)
        self._every_cell: Callable[[int], Sequence[Text]] = lambda index: ()
        self._laid_out_for = -1

    @property
    def shown_labels(self) -> list[str]:
        return [self.all_columns[index].label for index, _width in self.shown]

    @property
    def line_width(self) -> int:
        """The cells a row is laid out in: the width less the vertical scrollbar's (kept free whether
        or not it shows, so that rows do not move when a filter makes it come or go)."""
        return self.size.width - self.styles.scrollbar_size_vertical

    def set_rows(self, count: int, row_for: Callable[[int], Sequence[Text]], *, keep_cursor: bool = True) -> None:
        self._every_cell = row_for
        self._lay_out(self.line_width)
        super().set_rows(count, self._shown_cells, keep_cursor=keep_cursor)

    def _shown_cells(self, index: int) -> list[Text]:
        cells = self._every_cell(index)
        return [_cut(cells[position], width) for position, width in self.shown]

    def _lay_out(self, total: int) -> bool:
        """Size the columns for ``total`` cells; True when that changed what is shown."""
        if total <= 0 or total == self._laid_out_for:
            return False
        self._laid_out_for = total
        widths = column_widths(total, [column.fit for column in self.all_columns])
        shown = [(index, width) for index, width in enumerate(widths) if width]
        if shown == self.shown:
            return False
        self.shown = shown
        self.columns = [Column(self.all_columns[index].label, width) for index, width in shown]
        return True

    def on_resize(self, _event: events.Resize) -> None:
        if self._lay_out(self.line_width):
            super().set_rows(self.row_count, self._shown_cells)


class PersonCardView(Static):
    """A person's card: who they are, what to say, where to catch them, notes and follow-ups."""

    DEFAULT_CSS = """
    PersonCardView {
        height: auto;
    }
    """

    def show_card(self, card: PersonCard | None, zone: tzinfo) -> None:
        if card is None:
            self.update(plain("Nobody selected."))
            return
        person = card.person
        parts = [markup("[b]$name[/b]  [dim]$priority[/dim]", name=person.name, priority=person.priority)]
        role = ", ".join(x for x in (person.role, person.affiliation) if x)
        if role:
            parts.append(plain(role))
        if person.email:
            parts.append(plain(person.email))
        for kind, url in person.links.items():
            parts.append(markup("[dim]$kind[/dim] $url", kind=kind, url=url))
        if person.tags:
            parts.append(markup("[dim]tags[/dim] $tags", tags=", ".join(person.tags)))
        for connection in person.connections:
            parts.append(markup("[dim]connected by $kind[/dim] $detail", kind=connection.kind, detail=connection.detail))
        if person.notes:
            parts.append(markup("[dim]why[/dim] $why", why=person.notes))
        parts.append(section_title("Talking points"))
        if card.point is None:
            parts.append(plain("None yet."))
        else:
            for key, (prompt, _example) in PROMPTS.items():
                answer = getattr(card.point, key)
                if answer:
                    parts.append(markup("[dim]$prompt[/dim]", prompt=prompt))
                    parts.append(paragraph("  " + answer))
            for flag in card.flags:
                parts.append(markup("[$warning]coach on $answer:[/] $reason", reason=flag["reason"],
                                    answer=SHORT_NAMES[flag["field"]]))
            if card.missing:
                parts.append(markup("[dim]still to answer: $missing[/dim]", missing=", ".join(card.missing)))
        if card.appearances:
            parts.append(section_title("Where they will be"))
            for appearance in card.appearances[:4]:
                session = appearance.session
                when = span(session, zone)
                if appearance.upcoming:
                    parts.append(
                        markup(
                            "$when $room  $title  [dim]catch them at $catch[/dim]",
                            when=when,
                            room=session.room,
                            title=session.title,
                            catch=f"{appearance.catch_at.astimezone(zone):%H:%M}" + (
                                f" ({', '.join(x for x in (appearance.catch_break.title, appearance.catch_break.room) if x)})"
                                if appearance.catch_break else ""),
                        )
                    )
                else:
                    parts.append(markup("[dim]$when $room  $title (past)[/dim]", when=when, room=session.room, title=session.title))
        if card.notes:
            parts.append(section_title("Last notes"))
            for note in card.notes:
                parts.append(markup("[dim]$when[/dim] $text", when=f"{note.created.astimezone(zone):%a %H:%M}", text=note.text))
        if card.followups:
            parts.append(section_title("Open follow-ups"))
            for item in card.followups:
                parts.append(markup("$title [dim]due $due[/dim]", title=item.title, due=item.due.isoformat()))
        self.update(lines(parts))


def section_title(text: str):  # noqa: ANN201
    return markup("\n[b $accent]$text[/]", text=text)
