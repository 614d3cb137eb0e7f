"""Modal forms. Each returns a typed result with dismiss(); none touches storage."""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Select, Static, TextArea

from companion.coach import PROMPTS, review
from companion.models import CONNECTION_KINDS, LINK_KINDS, PRIORITIES, Connection, Person, TalkingPoint
from companion.text import clean
from screens.safe import lines, markup, plain


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


class TalkingPointModal(ModalScreen[TalkingPoint | None]):
    """The five questions of a talking point, each with an example, and the coach reading along."""

    DEFAULT_CSS = """
    TalkingPointModal {
        align: center middle;
    }
    TalkingPointModal > VerticalScroll {
        width: 96;
        height: auto;
        max-height: 95%;
        border: thick $primary;
        background: $surface;
        padding: 0 2;
    }
    TalkingPointModal Label {
        margin-top: 1;
    }
    TalkingPointModal #coach {
        margin-top: 1;
        height: auto;
        min-height: 2;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def __init__(self, person_name: str, point: TalkingPoint) -> None:
        super().__init__()
        self.person_name = person_name
        self.point = point

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(markup("[b]Talking points for $name[/b]  [dim]ctrl+s saves, escape cancels[/dim]",
                                name=self.person_name))
            for key, (prompt, example) in PROMPTS.items():
                yield Label(prompt)
                yield Input(value=getattr(self.point, key), placeholder=f"e.g. {example}", id=f"answer-{key}")
            yield Static(id="coach")

    def on_mount(self) -> None:
        self.query_one("#answer-work", Input).focus()
        self.show_coach()

    def current(self) -> TalkingPoint:
        answers = {key: clean(self.query_one(f"#answer-{key}", Input).value).strip() for key in PROMPTS}
        return TalkingPoint(person_id=self.point.person_id, **answers)

    @on(Input.Changed)
    def show_coach(self) -> None:
        flags, missing = review(self.current())
        parts = [markup("[$warning]coach:[/] $reason [dim]Better: $better[/dim]", reason=f.reason, better=f.better)
                 for f in flags]
        if missing:
            parts.append(markup("[dim]still to answer: $missing[/dim]",
                                missing=", ".join(PROMPTS[m][0].rstrip("?").lower() for m in missing)))
        if not flags and not missing:
            parts.append(markup("[$success]coach: specific and ready[/]"))
        elif not flags:
            parts.append(markup("[$success]coach: nothing weak so far[/]"))
        self.query_one("#coach", Static).update(lines(parts))

    @on(Input.Submitted)
    def next_field(self) -> None:
        self.focus_next()

    def action_save(self) -> None:
        self.dismiss(self.current())

    def action_cancel(self) -> None:
        self.dismiss(None)


class PersonModal(ModalScreen[Person | None]):
    """Add or edit a person: who they are, how to reach them, why and how we are connected."""

    DEFAULT_CSS = """
    PersonModal {
        align: center middle;
    }
    PersonModal > VerticalScroll {
        width: 90;
        height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 2;
    }
    PersonModal Label {
        margin-top: 1;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def __init__(self, person: Person | None = None) -> None:
        super().__init__()
        self.person = person or Person(name="")

    def compose(self) -> ComposeResult:
        person = self.person
        title = "Edit person" if person.id else "Add a person"
        with VerticalScroll():
            yield Static(markup("[b]$title[/b]  [dim]ctrl+s saves, escape cancels[/dim]", title=title))
            yield Label("Name")
            yield Input(person.name, id="name")
            yield Label("Affiliation")
            yield Input(person.affiliation, id="affiliation")
            yield Label("Role")
            yield Input(person.role, id="role")
            yield Label("Priority")
            yield Select([(p, p) for p in PRIORITIES], value=person.priority, allow_blank=False, id="priority")
            yield Label("Email")
            yield Input(person.email, id="email")
            for kind in LINK_KINDS:
                yield Label(kind.capitalize())
                yield Input(person.links.get(kind, ""), id=f"link-{kind}")
            yield Label("Tags (comma separated)")
            yield Input(", ".join(person.tags), id="tags")
            yield Label(f"How we are connected: one per line as kind: detail ({', '.join(CONNECTION_KINDS)})")
            yield TextArea("\n".join(f"{c.kind}: {c.detail}" for c in person.connections), id="connections")
            yield Label("Why I want to meet them")
            yield Input(person.notes, id="notes")
            yield Static(id="person-error")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def value(self, field_id: str) -> str:
        return clean(self.query_one(f"#{field_id}", Input).value, single_line=True).strip()

    def action_save(self) -> None:
        name = self.value("name")
        if not name:
            self.query_one("#person-error", Static).update(plain("A person needs a name."))
            self.query_one("#name", Input).focus()
            return
        connections = []
        for line in self.query_one("#connections", TextArea).text.splitlines():
            kind, _, detail = line.partition(":")
            kind = kind.strip().lower()
            if not detail.strip():
                kind, detail = "background", line
            connections.append(Connection(kind if kind in CONNECTION_KINDS else "background", clean(detail, single_line=True).strip()))
        person = replace(
            self.person,
            name=name,
            affiliation=self.value("affiliation"),
            role=self.value("role"),
            priority=str(self.query_one("#priority", Select).value),
            email=self.value("email"),
            links={kind: self.value(f"link-{kind}") for kind in LINK_KINDS if self.value(f"link-{kind}")},
            tags=[tag.strip() for tag in self.value("tags").split(",") if tag.strip()],
            connections=[c for c in connections if c.detail],
            notes=self.value("notes"),
        )
        self.dismiss(person)

    def action_cancel(self) -> None:
        self.dismiss(None)
