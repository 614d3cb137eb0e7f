"""The picker of the person to merge into the selected one (m on the People screen).

A modal: it never touches storage. The screen gives it a ``find`` function (typed text -> people as
(id, name, affiliation)); an empty text gives the screen's suggestions (similar names)."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from screens.modals import NO_CONTROLS
from screens.safe import markup, plain

Found = tuple[int, str, str]
"""A person the picker offers: id, name, affiliation."""


class MergeModal(ModalScreen[int | None]):
    """Pick the other record of the selected person: its id, or None (escape)."""

    DEFAULT_CSS = """
    MergeModal {
        align: center middle;
    }
    MergeModal > Vertical {
        width: 76;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    MergeModal OptionList {
        height: auto;
        max-height: 14;
        margin-top: 1;
    }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
    ]

    def __init__(self, person_name: str, find: Callable[[str], list[Found]]) -> None:
        super().__init__()
        self.person_name = person_name
        self.find = find
        self.found: list[Found] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(markup("[b]Merge into $name[/b]: the person picked is removed, nothing of theirs is lost "
                                "(notes, follow-ups and talking points move here). [dim]enter merges, ctrl+z "
                                "undoes, escape cancels[/dim]", name=self.person_name))
            yield Input(placeholder="Type a name to find the other record", id="merge-filter", restrict=NO_CONTROLS)
            yield OptionList(id="merge-people")
            yield Static("", id="merge-empty")

    def on_mount(self) -> None:
        self.show("")
        self.query_one("#merge-filter", Input).focus()

    def show(self, text: str) -> None:
        self.found = self.find(text)
        options = self.query_one("#merge-people", OptionList)
        options.clear_options()
        options.add_options([
            Option(markup("$name  [dim]$affiliation[/dim]", name=name, affiliation=affiliation) if affiliation
                   else plain(name), id=str(person_id))
            for person_id, name, affiliation in self.found
        ])
        options.display = bool(self.found)
        if self.found:
            options.highlighted = 0
        self.query_one("#merge-empty", Static).update("" if self.found else plain("Nobody found; type another name."))

    @on(Input.Changed, "#merge-filter")
    def typed(self, event: Input.Changed) -> None:
        self.show(event.value)

    @on(Input.Submitted, "#merge-filter")
    def submitted(self) -> None:
        options = self.query_one("#merge-people", OptionList)
        if options.highlighted is not None and 0 <= options.highlighted < len(self.found):
            self.dismiss(self.found[options.highlighted][0])

    @on(OptionList.OptionSelected, "#merge-people")
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0) or None)

    def action_move(self, step: int) -> None:
        options = self.query_one("#merge-people", OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
