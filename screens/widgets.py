"""Reusable widgets. They receive models and render them; they never touch storage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from companion.cards import PersonCard, told_apart
from companion.coach import PROMPTS, SHORT_NAMES
from companion.models import Session
from companion.text import ColumnFit, column_widths, cut_cells
from screens.rowlist import Column, RowList
from screens.safe import lines, markup, paragraph, plain
from screens.work import work_section


def span(session: Session, zone: tzinfo, *, with_date: bool = False) -> str:
    start = session.start.astimezone(zone)
    day = f"{start:%a} {start.day} {start:%b}" if with_date else f"{start:%a}"
    return f"{day} {start:%H:%M}-{session.end.astimezone(zone):%H:%M}"


@dataclass(frozen=True)
class ListColumn:
    """A column of a :class:`FittedList`: its header and how it is sized (``companion.text.ColumnFit``)."""

    label: str
    fit: ColumnFit


def _fitted(cell: Text, width: int, style: Style) -> Segment:
    """A cell cut (with an ellipsis) and padded to exactly ``width`` cells. Text beyond ASCII is cut
    between characters as drawn (``text.cut_cells``): Rich's own cut may split a flag in two, and
    half a flag is one cell wide in some terminals and two in others."""
    plain = cell.plain
    if not plain.isascii() and cell_len(plain) > width:
        plain = cut_cells(plain, width)
    elif cell_len(plain) > width:
        plain = plain[: width - 1] + "…"
    own = Style.parse(cell.style) if isinstance(cell.style, str) else cell.style
    return Segment(set_cell_size(plain, width), own + style if style else own)


class FittedList(RowList):
    """A RowList whose columns are sized by priority for the width it has (``text.column_widths``):
    the name or title keeps what it needs while the other columns shrink or are dropped, and with
    room to spare more columns are shown, wider. A row still has a cell for every column (``row(i)[k]``
    is column ``k``'s whatever the width); only the columns that fit are drawn, each cell cut as
    the terminal draws it (:func:`_fitted`)."""

    def __init__(self, columns: Sequence[ListColumn], *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__([Column(column.label, column.fit.want) for column in columns], id=id, classes=classes)
        self.fits = [column.fit for column in columns]
        self._laid_out: tuple[int, list[int | None]] = (-1, [])

    def _widths(self, total: int) -> list[int | None]:  # type: ignore[override]
        # The vertical scrollbar's cells are kept free whether or not it shows, so that the
        # columns do not move when a filter makes it come or go.
        line = min(total, self.size.width - self.styles.scrollbar_size_vertical)
        if self._laid_out[0] != line:
            self._laid_out = (line, [width or None for width in column_widths(max(1, line), self.fits)])
        return self._laid_out[1]

    def _render_cells(self, cells: Sequence[Text], widths: Sequence[int | None], style: Style) -> list[Segment]:  # type: ignore[override]
        segments: list[Segment] = []
        for cell, width in zip(cells, widths):
            if width is None:
                continue  # a secondary column with no room at this width
            if segments:
                segments.append(Segment(" ", style or None))
            segments.append(_fitted(cell, width, style))
        return segments


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
                if appearance.maybe:
                    parts.append(markup("  [$warning]maybe theirs:[/] the speaker may be $who instead",
                                        who=" or ".join(told_apart([card.person, *appearance.maybe])[1:])))
        if any(kept.items for kept in card.work):
            parts.append(section_title("Their work"))
            parts.extend(work_section(card.work, datetime.now(timezone.utc)))
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
