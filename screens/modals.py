"""Modal forms. Each returns a typed result with dismiss(); none touches storage."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from screens.safe import plain


@dataclass(frozen=True)
class ImportRequest:
    kind: str
    """``schedule`` or ``people``."""
    source: str
    tz: str = ""


class ImportModal(ModalScreen[ImportRequest | None]):
    """Ask for a file or URL to import, and for schedules an optional time zone."""

    DEFAULT_CSS = """
    ImportModal {
        align: center middle;
    }
    ImportModal > Vertical {
        width: 76;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    ImportModal Input {
        margin-bottom: 1;
    }
    ImportModal RadioSet {
        layout: horizontal;
        margin-bottom: 1;
    }
    ImportModal .buttons {
        height: auto;
        align-horizontal: right;
    }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Import"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Import", classes="section-title")
            yield Input(placeholder="a file path, or an http(s) or webcal:// URL", id="source")
            with RadioSet(id="kind"):
                yield RadioButton("Schedule", value=True, id="kind-schedule")
                yield RadioButton("People", id="kind-people")
            yield Input(placeholder="time zone for floating times, e.g. Europe/Berlin (optional)", id="tz")
            yield Static(id="import-error")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Import", variant="primary", id="import")

    def on_mount(self) -> None:
        self.query_one("#source", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#import")
    def action_submit(self) -> None:
        source = self.query_one("#source", Input).value.strip()
        if not source:
            self.query_one("#import-error", Static).update(plain("Type a file path or a URL first."))
            self.query_one("#source", Input).focus()
            return
        kind = "people" if self.query_one("#kind-people", RadioButton).value else "schedule"
        self.dismiss(ImportRequest(kind, source, self.query_one("#tz", Input).value.strip()))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmModal(ModalScreen[bool]):
    """A yes/no question; escape means no."""

    DEFAULT_CSS = """
    ConfirmModal {
        align: center middle;
    }
    ConfirmModal > Vertical {
        width: 70;
        height: auto;
        border: thick $warning;
        background: $surface;
        padding: 1 2;
    }
    ConfirmModal .buttons {
        height: auto;
        align-horizontal: right;
        margin-top: 1;
    }
    """
    BINDINGS = [Binding("escape", "answer(False)", "No"), Binding("y", "answer(True)", "Yes")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.question, single_line=False))
            with Horizontal(classes="buttons"):
                yield Button("No", id="no")
                yield Button("Yes", variant="warning", id="yes")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
