"""Their public work in the app: the "Their work" lines of a card, and the list the talking-point
form shows beside "which part of their work helped you" (ctrl+o there puts the chosen item's title
and link in that answer). They receive what `companion research` kept; they never touch storage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from textual.content import Content
from textual.widgets import Static

from companion.work import KeptWork, WorkItem, age
from screens.safe import lines, markup

CARD_ITEMS_PER_SOURCE = 3


def work_section(work: Sequence[KeptWork], now: datetime) -> list[Content]:
    """The card's "Their work" lines: a few items of each source and how old what is kept is
    (empty when nothing is kept)."""
    parts: list[Content] = []
    for kept in work:
        if not kept.items:
            continue
        parts.append(markup("[dim]$source, fetched $age[/dim]", source=kept.source, age=age(kept.fetched_at, now)))
        for item in kept.items[:CARD_ITEMS_PER_SOURCE]:
            parts.append(markup("$date [i]$title[/i]  [dim]$detail[/dim]", date=item.date or "", title=item.title,
                                detail=" ".join(x for x in (item.detail, item.link) if x)))
    return parts


class WorkList(Static):
    """Their work, numbered, the chosen item marked; :meth:`choose_next` moves the mark on."""

    DEFAULT_CSS = """
    WorkList {
        height: auto;
        max-height: 12;
        margin-top: 1;
        color: $text-muted;
    }
    """

    def __init__(self, items: Sequence[WorkItem], *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.items = list(items)
        self.chosen = -1
        """The item last put in the answer (-1: none yet)."""

    def on_mount(self) -> None:
        self.show()

    def choose_next(self) -> WorkItem | None:
        """The next item (the first at the first call, round again after the last); None when there are none."""
        if not self.items:
            return None
        self.chosen = (self.chosen + 1) % len(self.items)
        self.show()
        return self.items[self.chosen]

    def show(self) -> None:
        if not self.items:
            self.update(markup("[dim]No work of theirs kept yet: r on People gathers it (companion research).[/dim]"))
            return
        rows = [markup("[b]Their work[/b] [dim](ctrl+o puts the next one in this answer)[/dim]")]
        for n, item in enumerate(self.items, 1):
            mark = "[b]▸[/b] " if n - 1 == self.chosen else "  "
            rows.append(markup(mark + "$n. [i]$title[/i]  [dim]$what $date[/dim]", n=str(n), title=item.title,
                               what=item.source, date=item.date))
        self.update(lines(rows))
