"""Modal forms. Each returns a typed result with dismiss(); none touches storage.

Every form is a :class:`Form`: sized to the terminal (a share of its width with a cap, a body that
scrolls inside the frame, so that each field down to the last is reachable at 80x24 and the space of
a wide terminal is used), and escape never loses typing: a form whose fields changed asks first."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.style import Style
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Select, Static, TextArea

from companion.cards import TalkChoice
from companion.coach import PROMPTS, SHORT_NAMES, CoachRule, first_rule, warm_up
from companion.models import CONNECTION_KINDS, LINK_KINDS, PRIORITIES, Connection, Note, Person, Session, TalkingPoint
from companion.text import clean, has_visible
from companion.work import WorkItem
from screens.rowlist import Column, RowList
from screens.safe import cell, lines, markup, paragraph, plain
from screens.work import WorkList


NO_CONTROLS = r"[^\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]*"
"""Inputs refuse control characters and bidi controls, typed or pasted (they are drawn raw otherwise)."""


class CleanTextArea(TextArea):
    """A TextArea that drops control characters and escape sequences from pasted text before it is
    drawn (Textual draws a TextArea's text as it is)."""

    async def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # TextArea's own handler would insert the raw text as well
        if self.read_only:
            return
        if result := self._replace_via_keyboard(clean(event.text), *self.selection):
            self.move_cursor(result.end_location)
            self.focus()


class TickBox(Checkbox):
    """A checkbox whose state reads as text, ``[x]`` or ``[ ]``, not only as a colour (a monochrome
    terminal, a colour-blind reader)."""

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        mark = Style(foreground=style.foreground, bold=True)
        return Content.assemble("[", ("x" if self.value else " ", mark), "]")


class Choice(RadioButton):
    """A radio button whose state reads as shape, ``(•)`` or ``( )``, not only as a colour."""

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        mark = Style(foreground=style.foreground, bold=True)
        return Content.assemble("(", ("•" if self.value else " ", mark), ")")


FORM_WIDTHS = [(0, "-narrow"), (100, "-normal"), (160, "-wide")]
"""The terminal widths at which a form changes shape: a narrow terminal gives a form all its width,
a wide one lays some forms out side by side (the coach beside the answer)."""
FORM_HEIGHTS = [(0, "-short"), (36, "-tall")]

ResultT = TypeVar("ResultT")


class Form(ModalScreen[ResultT]):
    """A modal form: its frame (the widget with class ``form``) takes a share of the terminal with a
    cap and scrolls inside when the terminal is short; escape closes it at once when nothing was
    changed, and asks before discarding what was typed otherwise."""

    HORIZONTAL_BREAKPOINTS = FORM_WIDTHS
    VERTICAL_BREAKPOINTS = FORM_HEIGHTS
    DEFAULT_CSS = """
    Form {
        align: center middle;
    }
    Form > .form {
        width: 90%;
        max-width: 120;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        background: $surface;
        padding: 0 2;
    }
    Form.-narrow > .form {
        width: 100%;
        padding: 0 1;
    }
    Form .form-title {
        dock: top;
        height: auto;
        background: $surface;
    }
    Form .form-foot {
        dock: bottom;
        height: auto;
        background: $surface;
        border-top: solid $primary-background;
    }
    Form Label {
        width: 100%;
        margin-top: 1;
    }
    Form .form-error {
        color: $error;
        height: auto;
    }
    Form .buttons {
        height: auto;
        align-horizontal: right;
        margin-top: 1;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    unsaved = False
    """True when the form was opened again with what a failed save held: escape asks even untouched."""
    FIELDS: ClassVar[str] = "Input, TextArea, Checkbox, RadioButton, Select"

    def typed(self) -> tuple[tuple[str | None, object], ...]:
        """Every field's value now (what escape compares with the values the form opened with)."""
        return tuple((field.id, field.text if isinstance(field, TextArea) else getattr(field, "value", None))
                     for field in self.query(self.FIELDS))

    def on_mount(self) -> None:
        self._typed_at_open = self.typed()

    def changed(self) -> bool:
        return self.unsaved or self.typed() != getattr(self, "_typed_at_open", None)

    def action_cancel(self) -> None:
        """Close; when something was typed, only after a yes (no, or escape, goes back to the form)."""
        if not self.changed():
            self.dismiss(None)  # type: ignore[arg-type]
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)  # type: ignore[arg-type]

        self.app.push_screen(ConfirmModal("Discard what you typed?", yes="Discard", no="Keep typing"), answered)

    def scroll_into_view(self, widget: Widget) -> None:
        """Scroll the form's body so that ``widget`` (a field with its label and advice) shows."""
        self.call_after_refresh(widget.scroll_visible, animate=False)


def path_matches(typed: str, *, limit: int = 5000) -> list[str]:
    """The entries of its folder that the last part of ``typed`` starts with, sorted, a folder with
    ``/``. Hidden entries only when the part typed starts with a dot; URLs are not paths."""
    if not typed or "://" in typed or "\n" in typed:
        return []
    folder, part = os.path.split(typed)
    where = Path(os.path.expanduser(folder or "."))
    names: list[str] = []
    try:
        with os.scandir(where) as entries:
            for entry in entries:
                if entry.name.startswith(part) and (part.startswith(".") or not entry.name.startswith(".")):
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    names.append(entry.name + ("/" if is_dir else ""))
                    if len(names) >= limit:
                        break
    except OSError:
        return []
    return sorted(names)


def complete_path(typed: str, *, limit: int = 5000) -> str | None:
    """The path ``typed`` completes to, as a shell would: the one entry its last part starts with,
    whole (a folder with ``/``), else the part all those entries share when it is longer than what
    was typed; never one entry of several. The text typed is kept as typed (``~`` stays ``~``);
    None when nothing completes it."""
    names = path_matches(typed, limit=limit)
    if not names:
        return None
    part = os.path.split(typed)[1]
    stem = typed[: len(typed) - len(part)]
    if len(names) == 1:
        return stem + names[0]
    shared = os.path.commonprefix([name.rstrip("/") for name in names])
    return stem + shared if len(shared) > len(part) else None


CHOICES_SHOWN = 12
"""At most this many of the entries a path could complete to are listed under the field."""


class PathSuggester(Suggester):
    """Suggests what tab would complete a typed path to (shown greyed after the cursor; right arrow
    or tab takes it): the one file or folder, or what several share, never one of several."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        found = complete_path(value)
        return found if found is not None and found != value else None


class PathInput(Input):
    """An input for a file path: tab completes it (the one entry whole, else what the entries share,
    and posts :class:`PathInput.Choices` with them when several); tab moves on when there is
    nothing to complete and no choice to show."""

    BINDINGS = [Binding("tab", "complete", "Complete the path", show=False)]

    class Choices(Message):
        """The entries the path ``value`` could still complete to (empty: none to show)."""

        def __init__(self, path_input: PathInput, value: str, names: list[str]) -> None:
            super().__init__()
            self.path_input = path_input
            self.value = value
            self.names = names

        @property
        def control(self) -> PathInput:
            return self.path_input

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices_for: str | None = None
        """The value whose choices were last listed (a second tab on it moves on)."""

    def action_complete(self) -> None:
        if not self.cursor_at_end:
            self.screen.focus_next()
            return
        found = complete_path(self.value)
        value = found if found is not None else self.value
        names = path_matches(value)
        several = len(names) > 1
        if found is not None and found != self.value:
            self.value = found
            self.cursor_position = len(found)
        elif not several or self.choices_for == value:
            self.screen.focus_next()
            return
        self.choices_for = value if several else None
        self.post_message(self.Choices(self, value, names if several else []))


@dataclass(frozen=True)
class ImportRequest:
    kind: str
    """``auto`` (what the file's content shows), ``schedule`` or ``people``."""
    source: str
    tz: str = ""


IMPORT_KINDS = ("auto", "schedule", "people")


class ImportModal(Form[ImportRequest | None]):
    """Ask for a file or URL to import (tab completes a path), what it holds (the file's content
    tells, unless the user says), and for schedules an optional time zone. Opened again with the
    request and ``problem`` when an import failed, so the path is kept and the error shown here."""

    DEFAULT_CSS = """
    ImportModal > .form {
        max-width: 110;
    }
    ImportModal RadioSet {
        layout: horizontal;
        width: 100%;
        margin-top: 1;
    }
    ImportModal RadioSet > RadioButton {
        width: auto;
        margin-right: 2;
    }
    ImportModal #kind-hint {
        color: $text-muted;
    }
    ImportModal #source-choices {
        color: $text-muted;
        display: none;
    }
    """
    BINDINGS = [Binding("ctrl+s", "submit", "Import")]

    def __init__(self, draft: ImportRequest | None = None, problem: str = "") -> None:
        super().__init__()
        self.draft = draft
        self.problem = problem

    def compose(self) -> ComposeResult:
        draft = self.draft or ImportRequest("auto", "")
        with VerticalScroll(classes="form"):
            yield Static(markup("[b]Import[/b]  [dim]ctrl+s imports, escape cancels[/dim]"), classes="form-title")
            yield Label("A file (tab completes its path) or an http(s) or webcal:// URL")
            # Not selected when focused: opened again after an error, the next key goes on from the path's end.
            yield PathInput(clean(draft.source, single_line=True), placeholder="e.g. ~/Downloads/schedule.xml",
                            id="source", restrict=NO_CONTROLS, suggester=PathSuggester(), select_on_focus=False)
            yield Static(id="source-choices")
            with RadioSet(id="kind") as kinds:
                kinds.border_title = "What it holds"
                yield Choice("What its content shows", value=draft.kind not in ("schedule", "people"), id="kind-auto")
                yield Choice("A schedule", value=draft.kind == "schedule", id="kind-schedule")
                yield Choice("People", value=draft.kind == "people", id="kind-people")
            yield Static(plain("A schedule: iCalendar, frab XML, schedule.json or Sessionize. "
                               "People: CSV with a header, vCard or LinkedIn's Connections.csv."), id="kind-hint")
            yield Label("Time zone for floating times (schedules; optional)")
            yield Input(clean(draft.tz, single_line=True), placeholder="e.g. Europe/Berlin", id="tz", restrict=NO_CONTROLS)
            yield Static(plain(self.problem + " Fix it and press ctrl+s again.") if self.problem else "",
                         id="import-error", classes="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Import", variant="primary", id="import")

    def on_mount(self) -> None:
        field = self.query_one("#source", Input)
        field.focus()
        field.cursor_position = len(field.value)

    @on(PathInput.Choices, "#source")
    def show_choices(self, event: PathInput.Choices) -> None:
        """Under the path: the entries it could still complete to, when several (tab listed them)."""
        line = self.query_one("#source-choices", Static)
        self._choices_for = event.value
        names = event.names[:CHOICES_SHOWN]
        more = len(event.names) - len(names)
        line.update(plain("Could be: " + "  ".join(names) + (f"  (+{more:,} more)" if more else "")))
        line.display = bool(event.names)

    @on(Input.Changed, "#source")
    def source_changed(self, event: Input.Changed) -> None:
        if event.value != getattr(self, "_choices_for", None):
            self.query_one("#source-choices", Static).display = False

    @on(Input.Submitted)
    @on(Button.Pressed, "#import")
    def action_submit(self) -> None:
        source = self.query_one("#source", Input).value.strip()
        if not source:
            self.query_one("#import-error", Static).update(plain("Type a file path or a URL first."))
            self.query_one("#source", Input).focus()
            return
        kind = next((kind for kind in IMPORT_KINDS if self.query_one(f"#kind-{kind}", RadioButton).value), "auto")
        self.dismiss(ImportRequest(kind, source, self.query_one("#tz", Input).value.strip()))

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self) -> None:
        self.action_cancel()


class ConfirmModal(ModalScreen[bool]):
    """A yes/no question: y says yes, n or escape no."""

    DEFAULT_CSS = """
    ConfirmModal {
        align: center middle;
    }
    ConfirmModal > Vertical {
        width: 70;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $warning;
        background: $surface;
        padding: 1 2;
    }
    ConfirmModal .buttons {
        height: auto;
        align-horizontal: right;
        margin-top: 1;
    }
    ConfirmModal Button {
        margin-left: 1;
    }
    """
    BINDINGS = [
        Binding("escape", "answer(False)", "No"),
        Binding("n", "answer(False)", "No"),
        Binding("y", "answer(True)", "Yes"),
    ]

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.question, single_line=False))
            yield Static(markup("[dim]y: $yes · n or escape: $no[/dim]", yes=self.yes.lower(), no=self.no.lower()),
                         id="confirm-keys")
            with Horizontal(classes="buttons"):
                yield Button(f"{self.no} (n)", id="no")
                yield Button(f"{self.yes} (y)", variant="warning", id="yes")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


def _and(names: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class TalkingPointModal(Form[TalkingPoint | None]):
    """The five questions of a talking point, each with an example, and the coach reading along:
    a weak answer is flagged under it (beside it on a wide terminal), with why and what to write
    instead, as it is typed; the coach's summary stays at the foot of the form. When the person
    speaks at an imported conference, their talks are listed and ctrl+t puts one in the first answer."""

    DEFAULT_CSS = """
    TalkingPointModal > .form {
        max-width: 130;
    }
    TalkingPointModal.-wide > .form {
        max-width: 180;
    }
    TalkingPointModal .field {
        height: auto;
    }
    TalkingPointModal .answer {
        height: auto;
    }
    TalkingPointModal .flag {
        height: auto;
        display: none;
    }
    TalkingPointModal .flag.-shown {
        display: block;
    }
    TalkingPointModal.-wide .answer {
        layout: horizontal;
    }
    TalkingPointModal.-wide .answer Input {
        width: 1fr;
    }
    TalkingPointModal.-wide .flag {
        display: block;
        width: 1fr;
        padding-left: 2;
    }
    TalkingPointModal #talks {
        height: auto;
        margin-top: 1;
    }
    TalkingPointModal #coach {
        min-height: 2;
    }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+t", "use_talk", "Use their talk", show=True),
        Binding("ctrl+o", "use_work", "Use this item", show=True),
        Binding("ctrl+r", "research", "Gather their work", show=True),
    ]

    def __init__(self, person_name: str, point: TalkingPoint, talks: Sequence[TalkChoice] = (),
                 work: Sequence[WorkItem] = (), *, unsaved: bool = False,
                 research: Callable[[], bool] | None = None) -> None:
        super().__init__()
        self.work = list(work)
        """Their public work as research kept it, listed beside the first answer (screens/work.py)."""
        self.research = research
        """Starts gathering their work (the screen below runs it in a worker and calls :meth:`show_work`
        with what was kept); answers whether it started. None: the form cannot start it."""
        self.person_name = person_name
        self.point = point
        self.talks = list(talks)
        self.talk_index = -1
        self.unsaved = unsaved
        self._verdicts: dict[tuple[str, str], CoachRule | None] = {}
        self._shown: dict[str, object] = {}
        """What each flag line and the summary show now: updated only when it changes."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form"):
            yield Static(markup("[b]Talking points for $name[/b]  [dim]ctrl+s saves, escape cancels[/dim]",
                                name=self.person_name), classes="form-title")
            if self.talks:
                rows = [markup("[b]Their talks[/b] [dim](ctrl+t puts one in the first answer)[/dim]")]
                rows += [markup("$n. [i]$title[/i]  [dim]$conference, $day[/dim]", n=str(n), title=talk.title,
                                conference=talk.conference, day=talk.day) for n, talk in enumerate(self.talks, 1)]
                yield Static(lines(rows), id="talks")
            for key, (prompt, example) in PROMPTS.items():
                with Vertical(classes="field", id=f"field-{key}"):
                    yield Label(prompt)
                    with Vertical(classes="answer"):
                        yield Input(value=clean(getattr(self.point, key), single_line=True),
                                    placeholder=f"e.g. {example}", id=f"answer-{key}", restrict=NO_CONTROLS)
                        yield Static(id=f"flag-{key}", classes="flag")
                if key == "work" and self.work:
                    yield WorkList(self.work, id="work-list")
            yield Static(id="coach", classes="form-foot")

    def on_mount(self) -> None:
        self.query_one("#answer-work", Input).focus()
        self.show_coach()
        self.run_worker(warm_up, thread=True, exclusive=True, group="coach-warm-up")  # the first keystroke stays quick

    def current(self) -> TalkingPoint:
        answers = {key: clean(self.query_one(f"#answer-{key}", Input).value).strip() for key in PROMPTS}
        return TalkingPoint(person_id=self.point.person_id, **answers)

    def verdict(self, key: str, text: str) -> CoachRule | None:
        """The coach's rule for one answer; answers already read are not read again while typing."""
        found = self._verdicts.get((key, text), self)
        if found is self:
            found = self._verdicts[(key, text)] = first_rule(key, text)
        return found  # type: ignore[return-value]

    @on(Input.Changed)
    def show_coach(self) -> None:
        point = self.current()
        weak, missing = [], []
        for key in PROMPTS:
            text = getattr(point, key)
            rule = self.verdict(key, text) if text else None
            if rule is not None:
                weak.append(SHORT_NAMES[key])
            if self._shown.get(key, self) != rule:
                self._shown[key] = rule
                flag = self.query_one(f"#flag-{key}", Static)
                flag.set_class(rule is not None, "-shown")
                flag.update(markup("[$warning]coach:[/] $reason\n[dim]For example:[/dim] $better",
                                   reason=rule.reason, better=rule.better) if rule is not None else "")
                if self.focused is not None and self.focused.id == f"answer-{key}":
                    self.scroll_into_view(self.query_one(f"#field-{key}"))
            if not any(char.isalnum() for char in text):
                missing.append(SHORT_NAMES[key])
        parts = []
        if weak:
            parts.append(markup("[$warning]coach: strengthen $answers[/]", answers=_and(weak)))
        elif SHORT_NAMES["work"] not in missing and SHORT_NAMES["question"] not in missing:
            parts.append(markup("[$success]coach: specific and ready[/]"))  # as the people list's mark says
        else:
            parts.append(markup("[$success]coach: nothing weak so far[/]"))
        if missing:
            parts.append(markup("[dim]still to answer: $missing[/dim]", missing=", ".join(missing)))
        summary = (tuple(weak), tuple(missing))
        if self._shown.get("summary") != summary:
            self._shown["summary"] = summary
            self.query_one("#coach", Static).update(lines(parts))

    @on(Input.Submitted)
    def next_field(self) -> None:
        self.focus_next()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The field focused shows whole: its question, the answer and the coach's advice on it."""
        for field in event.widget.ancestors:
            if isinstance(field, Widget) and field.has_class("field"):
                self.scroll_into_view(field)
                break

    def action_use_talk(self) -> None:
        """Put their next talk in the first answer (each press, the next one)."""
        if not self.talks:
            self.notify("No talks of theirs in your imported schedules.", markup=False)
            return
        self.talk_index = (self.talk_index + 1) % len(self.talks)
        field = self.query_one("#answer-work", Input)
        field.value = self.talks[self.talk_index].answer
        field.cursor_position = len(field.value)
        field.focus()

    def action_use_work(self) -> None:
        """Put their next kept work item (its title and link) in the first answer."""
        found = self.query(WorkList)
        item = found.first().choose_next() if found else None
        if item is None:
            self.notify("None of their work is kept yet: r on People gathers it.", markup=False)
            return
        field = self.query_one("#answer-work", Input)
        field.value = item.answer()
        field.cursor_position = len(field.value)
        field.focus()

    def action_research(self) -> None:
        """Gather their public work now, while the form stays open and typing goes on."""
        if self.research is None:
            self.notify("Research runs from People (r) or companion research.", markup=False)
            return
        self.research()

    def show_work(self, work: Sequence[WorkItem]) -> None:
        """What research kept, listed under the first answer (mounted there when it was not yet)."""
        self.work = list(work)
        found = self.query(WorkList)
        if found:
            listed = found.first()
            listed.items, listed.chosen = list(work), -1
            listed.show()
        elif work:
            field = self.query_one("#field-work")
            if field.parent is not None:
                field.parent.mount(WorkList(self.work, id="work-list"), after=field)

    def action_save(self) -> None:
        self.dismiss(self.current())


class PersonModal(Form[Person | None]):
    """Add or edit a person: who they are, how to reach them, why and how we are connected."""

    DEFAULT_CSS = """
    PersonModal #connections {
        height: 5;
    }
    PersonModal.-tall #connections {
        height: 8;
    }
    """
    BINDINGS = [Binding("ctrl+s", "save", "Save")]

    def __init__(self, person: Person | None = None, *, unsaved: bool = False) -> None:
        super().__init__()
        self.person = person or Person(name="")
        self.unsaved = unsaved

    def compose(self) -> ComposeResult:
        person = self.person
        title = "Edit person" if person.id else "Add a person"
        with VerticalScroll(classes="form"):
            yield Static(markup("[b]$title[/b]  [dim]ctrl+s saves, escape cancels[/dim]", title=title), classes="form-title")
            yield Label("Name")
            yield Input(clean(person.name, single_line=True), id="name", restrict=NO_CONTROLS)
            yield Label("Affiliation")
            yield Input(clean(person.affiliation, single_line=True), id="affiliation", restrict=NO_CONTROLS)
            yield Label("Role")
            yield Input(clean(person.role, single_line=True), id="role", restrict=NO_CONTROLS)
            yield Label("Priority")
            yield Select([(p, p) for p in PRIORITIES], value=person.priority, allow_blank=False, id="priority")
            yield Label("Email")
            yield Input(clean(person.email, single_line=True), id="email", restrict=NO_CONTROLS)
            for kind in LINK_KINDS:
                yield Label(kind.capitalize())
                yield Input(clean(person.links.get(kind, ""), single_line=True), id=f"link-{kind}", restrict=NO_CONTROLS)
            yield Label("Tags (comma separated)")
            yield Input(clean(", ".join(person.tags), single_line=True), id="tags", restrict=NO_CONTROLS)
            yield Label("How we are connected: one per line, as kind: detail")
            yield Static(markup("[dim]kinds: $kinds[/dim]", kinds=", ".join(CONNECTION_KINDS)))
            yield CleanTextArea(clean("\n".join(f"{c.kind}: {c.detail}" for c in person.connections)), id="connections")
            yield Label("Why I want to meet them")
            yield Input(clean(person.notes, single_line=True), id="notes", restrict=NO_CONTROLS)
            yield Static(id="person-error", classes="form-error")

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
        person = self.person.replace(
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


@dataclass(frozen=True)
class NoteRequest:
    """A note as typed: the text, who it is about (people on the list and new names), the toggles."""

    text: str
    person_ids: tuple[int, ...]
    new_names: tuple[str, ...]
    session_id: str
    thank: bool
    promises: tuple[str, ...]
    intros: tuple[str, ...]
    waiting: bool
    people_typed: str = ""
    """The people field as typed (the form shows it again if the save fails)."""
    promise_for: tuple[int, ...] = ()
    """Whom each promise is for, in order: a person id, ``-n`` for the n-th of ``new_names``, 0 for
    nobody named (the note is about no one)."""
    intro_for: tuple[int, ...] = ()
    """Whom each introduction is for, as ``promise_for``."""
    intro_ask: str = "other"
    """Whose yes the introductions ask first: ``other`` (the one named), ``person`` (theirs) or ``both``."""
    promises_typed: str = ""
    intros_typed: str = ""
    """The promise and introduction fields as typed (shown again if the save fails)."""
    tell_later: bool = False
    """I will tell them how it went: a follow-up in four weeks."""


INTRO_ASK_CHOICES = [
    ("Introductions: ask the one I name first", "other"),
    ("Introductions: ask the note's person first", "person"),
    ("Introductions: ask both first", "both"),
]
"""Whose yes an introduction asks for before it is made (double opt-in)."""


class NoteModal(Form[NoteRequest | None]):
    """A quick note after a session or a chat; the toggles become follow-ups."""

    DEFAULT_CSS = """
    NoteModal.-wide > .form {
        max-width: 160;
    }
    NoteModal TextArea {
        height: 6;
        margin-top: 1;
    }
    NoteModal.-tall TextArea {
        height: 8;
    }
    NoteModal #note-for {
        height: auto;
        color: $text-muted;
    }
    NoteModal Checkbox {
        margin-top: 1;
    }
    """
    BINDINGS = [Binding("ctrl+s", "save", "Save")]

    def __init__(
        self,
        people: list[Person],
        *,
        session: Session | None = None,
        names: list[str] | None = None,
        draft: NoteRequest | None = None,
        problem: str = "",
    ) -> None:
        super().__init__()
        self.people = people
        self.session = session
        self.names = names or []
        self.draft = draft
        """A note typed before whose save failed: the form opens with it, and ``problem`` says why."""
        self.problem = problem
        self.unsaved = draft is not None  # what a failed save held: escape asks before it goes

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form"):
            if self.session is not None:
                yield Static(markup("[b]New note about $title[/b]  [dim]ctrl+s saves, escape cancels[/dim]",
                                    title=self.session.title), classes="form-title")
            else:
                yield Static(markup("[b]New note[/b]  [dim]ctrl+s saves, escape cancels[/dim]"), classes="form-title")
            draft = self.draft
            yield CleanTextArea(clean(draft.text) if draft else "", id="note-text")
            yield Label("People (comma separated; a name not on your list is added)")
            yield Input(clean(", ".join(self.names), single_line=True), id="note-people", restrict=NO_CONTROLS)
            yield TickBox("They helped me: thank them tomorrow", draft.thank if draft else False, id="note-thank",
                          compact=True)
            yield Label("I promised... (separate several with ;  with several people, NAME: what)")
            yield Input(clean(draft.promises_typed or "; ".join(draft.promises), single_line=True) if draft else "",
                        placeholder="e.g. our benchmark results; the link to the talk", id="note-promises",
                        restrict=NO_CONTROLS)
            yield Label("Introduce them to... (names, comma separated; with several people, NAME: OTHER)")
            yield Input(clean(draft.intros_typed or ", ".join(draft.intros), single_line=True) if draft else "",
                        id="note-intros", restrict=NO_CONTROLS)
            yield Select(INTRO_ASK_CHOICES, value=draft.intro_ask if draft else "other", allow_blank=False,
                         id="note-intro-ask")
            yield Static(id="note-for")
            yield TickBox("Waiting for their reply: nudge in a week", draft.waiting if draft else False,
                          id="note-waiting", compact=True)
            yield TickBox("I will tell them how it went: remind me in four weeks",
                          draft.tell_later if draft else False, id="note-tell-later", compact=True)
            yield Static(plain(self.problem + " Your note is still here: ctrl+s tries again.") if self.problem else "",
                         id="note-error", classes="form-error")

    def on_mount(self) -> None:
        area = self.query_one("#note-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        self.show_for_whom()

    def note_people(self) -> list[Person]:
        """The people typed: those on the list, and each new name as a person with id ``-n``."""
        from companion.errors import NotFoundError
        from companion.lookup import resolve_person

        found: dict[int, Person] = {}
        for name in self.query_one("#note-people", Input).value.split(","):
            name = clean(name, single_line=True).strip()
            if not has_visible(name):
                continue
            try:
                person = resolve_person(self.people, name)
            except NotFoundError:
                continue  # several match: saving says so
            if person is None:
                person = Person(name=name, id=-(sum(1 for key in found if key < 0) + 1))
            found.setdefault(person.id, person)
        return list(found.values())

    def for_whom(self, field: str, separator: str, people: list[Person]) -> list[tuple[Person | None, str]]:
        """Each promise (or introduction) typed and the one of ``people`` it is for: ``NAME: what``,
        else the only person; None when the note is about several and it does not say (or nobody)."""
        from companion.lookup import addressed

        entries = []
        for text in self.query_one(field, Input).value.split(separator):
            text = clean(text, single_line=True).strip()
            if not text:
                continue
            person, what = addressed(text, people)  # raises when NAME means several of them
            if person is None and len(people) == 1:
                person = people[0]
            entries.append((person, what))
        return entries

    @on(Input.Changed)
    @on(Select.Changed)
    def show_for_whom(self) -> None:
        """Under the fields, whom each promise and introduction is for, as they are typed."""
        from companion.errors import NotFoundError

        people = self.note_people()
        parts = []
        try:
            for field, separator, verb in (("#note-promises", ";", "promise to"), ("#note-intros", ",", "introduce")):
                for person, what in self.for_whom(field, separator, people):
                    if verb == "introduce":
                        who = person.name if person else "?"
                        parts.append(f"introduce {who} to {what}")
                    else:
                        parts.append(f"promise to {person.name if person else '?'}: {what}")
        except NotFoundError as problem:
            parts = [str(problem)]
        if any(part.startswith(("promise to ?", "introduce ?")) for part in parts) and len(people) > 1:
            parts.append("(?: say whom, as NAME: what)")
        shown = self.query_one("#note-for", Static)
        shown.update(plain(" · ".join(parts)))
        shown.display = bool(parts)

    def action_save(self) -> None:
        from companion.errors import NotFoundError
        from companion.lookup import resolve_person

        error = self.query_one("#note-error", Static)
        text = clean(self.query_one("#note-text", TextArea).text).strip()
        if not text:
            error.update(plain("Write the note first."))
            self.query_one("#note-text", TextArea).focus()
            return
        person_ids: list[int] = []
        new_names: list[str] = []
        for name in self.query_one("#note-people", Input).value.split(","):
            name = clean(name, single_line=True).strip()
            if not has_visible(name):  # empty, or only zero-width characters: no one is named
                continue
            try:
                person = resolve_person(self.people, name)
            except NotFoundError as problem:
                error.update(plain(str(problem)))
                self.query_one("#note-people", Input).focus()
                return
            if person is None:
                new_names.append(name)
            elif person.id not in person_ids:
                person_ids.append(person.id)
        people = self.note_people()
        addressed: dict[str, list[tuple[Person | None, str]]] = {}
        for field, separator, what in (("#note-promises", ";", "promise"), ("#note-intros", ",", "introduction")):
            try:
                addressed[field] = entries = self.for_whom(field, separator, people)
            except NotFoundError as problem:
                error.update(plain(str(problem)))
                self.query_one(field, Input).focus()
                return
            unaddressed = [text for person, text in entries if person is None]
            if unaddressed and len(people) > 1:
                names = " or ".join(p.name for p in people)
                error.update(plain(f"Say whom the {what} {unaddressed[0]!r} is for: write NAME: {unaddressed[0]} "
                                   f"(NAME one of {names})."))
                self.query_one(field, Input).focus()
                return
        promises, intros = addressed["#note-promises"], addressed["#note-intros"]
        ask = self.query_one("#note-intro-ask", Select).value
        self.dismiss(
            NoteRequest(
                text=text,
                person_ids=tuple(person_ids),
                new_names=tuple(new_names),
                session_id=self.session.id if self.session else "",
                thank=self.query_one("#note-thank", Checkbox).value,
                promises=tuple(what for _person, what in promises),
                intros=tuple(what for _person, what in intros),
                waiting=self.query_one("#note-waiting", Checkbox).value,
                people_typed=self.query_one("#note-people", Input).value,
                tell_later=self.query_one("#note-tell-later", Checkbox).value,
                promise_for=tuple(person.id if person else 0 for person, _what in promises),
                intro_for=tuple(person.id if person else 0 for person, _what in intros),
                intro_ask=ask if isinstance(ask, str) else "other",
                promises_typed=self.query_one("#note-promises", Input).value,
                intros_typed=self.query_one("#note-intros", Input).value,
            )
        )


class DateModal(Form[date | None]):
    """Ask for a day (snooze until...): the forms it accepts are shown before typing, and read by
    companion.followups.parse_until, as on the command line. The line under the field says the day
    what is typed means, read again at each change, or why it is not a day (never an older day)."""

    DEFAULT_CSS = """
    DateModal > .form {
        width: 64;
        max-width: 100%;
        padding: 1 2;
    }
    DateModal #date-preview {
        text-style: bold;
    }
    DateModal #date-forms {
        color: $text-muted;
    }
    """

    def __init__(self, question: str, default: date, *, today: date | None = None) -> None:
        super().__init__()
        self.question = question
        self.default = default
        self.today = today or date.today()

    def compose(self) -> ComposeResult:
        from companion.followups import SNOOZE_FORMS

        with VerticalScroll(classes="form"):
            yield Static(plain(self.question))
            yield Input(self.default.isoformat(), placeholder="YYYY-MM-DD, +N or a weekday", id="date",
                        restrict=NO_CONTROLS)
            yield Static(plain(self.described(self.default)), id="date-preview")
            yield Static(plain(f"Type {SNOOZE_FORMS}."), id="date-forms")
            yield Static(id="date-error", classes="form-error")

    def on_mount(self) -> None:
        self.query_one("#date", Input).focus()

    def described(self, day: date) -> str:
        ahead = (day - self.today).days
        when = {0: "today", 1: "tomorrow"}.get(ahead, f"in {ahead} days")
        return f"{day:%A %d %B %Y} ({when})"

    def read(self, text: str) -> date | None:
        """The day ``text`` means, shown under the field; else None, and the error line says why."""
        from companion.followups import SNOOZE_FORMS, SnoozeDateError, parse_until

        preview = self.query_one("#date-preview", Static)
        error = self.query_one("#date-error", Static)
        try:
            if not text.strip():
                raise SnoozeDateError(f"Type a day: {SNOOZE_FORMS}")
            chosen = parse_until(text, self.today)
        except SnoozeDateError as refused:
            preview.update(plain("No day yet"))
            error.update(plain(str(refused)))
            return None
        preview.update(plain(self.described(chosen)))
        error.update("")
        return chosen

    @on(Input.Changed, "#date")
    def typed_changed(self, event: Input.Changed) -> None:
        self.read(event.value)

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        chosen = self.read(event.value)
        if chosen is not None:
            self.dismiss(chosen)


class NotesModal(ModalScreen[None]):
    """A person's or a session's notes: e edits, delete removes (ctrl+z undoes), escape closes.
    The modal asks for changes with messages; the app does them and hands back the new list."""

    HORIZONTAL_BREAKPOINTS = FORM_WIDTHS
    VERTICAL_BREAKPOINTS = FORM_HEIGHTS
    DEFAULT_CSS = """
    NotesModal {
        align: center middle;
    }
    NotesModal > Vertical {
        width: 90%;
        max-width: 160;
        height: 80%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    NotesModal.-narrow > Vertical {
        width: 100%;
    }
    NotesModal.-short > Vertical {
        height: 100%;
    }
    NotesModal #notes-detail {
        height: auto;
        max-height: 10;
        border-top: solid $primary-background;
    }
    """
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("e", "edit", "Edit"),
        Binding("delete", "delete", "Delete"),
        Binding("ctrl+z", "app.undo", "Undo"),
    ]

    class EditRequested(Message):
        def __init__(self, modal: NotesModal, note: Note) -> None:
            super().__init__()
            self.modal = modal
            self.note = note

    class DeleteRequested(EditRequested):
        pass

    def __init__(self, title: str, notes: list[Note]) -> None:
        super().__init__()
        self.title_text = title
        self.notes = notes

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(markup("[b]$title[/b]  [dim]e edit · delete removes · escape closes[/dim]", title=self.title_text))
            yield RowList([Column("When", 20), Column("Note")], id="notes-list")
            yield Static(id="notes-detail")

    def on_mount(self) -> None:
        self.show_notes(self.notes)
        self.query_one("#notes-list", RowList).focus()

    def show_notes(self, notes: list[Note]) -> None:
        self.notes = notes
        rows = self.query_one("#notes-list", RowList)
        rows.set_rows(len(notes), lambda i: (cell(self.app.times().time(notes[i].created, "%a %d %b %H:%M")), cell(notes[i].text)))
        self.show_detail()

    @on(RowList.Highlighted)
    def show_detail(self) -> None:
        note = self.selected()
        self.query_one("#notes-detail", Static).update(paragraph(note.text) if note else plain("No notes yet: n writes one."))

    def selected(self) -> Note | None:
        cursor = self.query_one("#notes-list", RowList).cursor
        return self.notes[cursor] if 0 <= cursor < len(self.notes) else None

    def action_edit(self) -> None:
        note = self.selected()
        if note is not None:
            self.post_message(self.EditRequested(self, note))

    def action_delete(self) -> None:
        note = self.selected()
        if note is not None:
            self.post_message(self.DeleteRequested(self, note))

    def action_close(self) -> None:
        self.dismiss(None)


class EditNoteModal(Form[str | None]):
    """Edit a note's text; ctrl+s saves, escape cancels. Opened again with the edited text and
    ``problem`` when a save failed."""

    DEFAULT_CSS = """
    EditNoteModal TextArea {
        height: 8;
    }
    EditNoteModal.-tall TextArea {
        height: 16;
    }
    """
    BINDINGS = [Binding("ctrl+s", "save", "Save")]

    def __init__(self, text: str, problem: str = "") -> None:
        super().__init__()
        self.text = text
        self.problem = problem
        self.unsaved = bool(problem)  # an edit whose save failed: escape asks before it goes

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form"):
            yield Static(markup("[b]Edit note[/b]  [dim]ctrl+s saves, escape cancels[/dim]"), classes="form-title")
            yield CleanTextArea(clean(self.text), id="edit-note")
            if self.problem:
                yield Static(plain(self.problem + " Your edit is still here: ctrl+s tries again."), id="edit-note-error", classes="form-error")

    def on_mount(self) -> None:
        area = self.query_one("#edit-note", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        text = clean(self.query_one("#edit-note", TextArea).text).strip()
        self.dismiss(text or None)
