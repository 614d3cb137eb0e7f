"""Modal forms. Each returns a typed result with dismiss(); none touches storage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
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
            yield Input(placeholder="a file path, or an http(s) or webcal:// URL", id="source", restrict=NO_CONTROLS)
            with RadioSet(id="kind"):
                yield RadioButton("Schedule", value=True, id="kind-schedule")
                yield RadioButton("People", id="kind-people")
            yield Input(placeholder="time zone for floating times, e.g. Europe/Berlin (optional)", id="tz",
                        restrict=NO_CONTROLS)
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


def _and(names: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class TalkingPointModal(ModalScreen[TalkingPoint | None]):
    """The five questions of a talking point, each with an example, and the coach reading along:
    a weak answer is flagged under it, with why and what to write instead. When the person speaks
    at an imported conference, their talks are listed and ctrl+t puts one in the first answer."""

    DEFAULT_CSS = """
    TalkingPointModal {
        align: center middle;
    }
    TalkingPointModal > VerticalScroll {
        width: 96;
        max-width: 100%;
        height: auto;
        max-height: 95%;
        border: thick $primary;
        background: $surface;
        padding: 0 2;
    }
    TalkingPointModal Label {
        margin-top: 1;
    }
    TalkingPointModal .flag {
        height: auto;
        display: none;
    }
    TalkingPointModal .flag.-shown {
        display: block;
    }
    TalkingPointModal #talks {
        height: auto;
        margin-top: 1;
    }
    TalkingPointModal #coach {
        margin-top: 1;
        height: auto;
        min-height: 2;
    }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+t", "use_talk", "Use their talk", show=True),
        Binding("ctrl+o", "use_work", "Use this item", show=True),
    ]

    def __init__(self, person_name: str, point: TalkingPoint, talks: Sequence[TalkChoice] = (),
                 work: Sequence[WorkItem] = ()) -> None:
        super().__init__()
        self.work = list(work)
        """Their public work as research kept it, listed beside the first answer (screens/work.py)."""
        self.person_name = person_name
        self.point = point
        self.talks = list(talks)
        self.talk_index = -1
        self._verdicts: dict[tuple[str, str], CoachRule | None] = {}
        self._shown: dict[str, object] = {}
        """What each flag line and the summary show now: updated only when it changes."""

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(markup("[b]Talking points for $name[/b]  [dim]ctrl+s saves, escape cancels[/dim]",
                                name=self.person_name))
            if self.talks:
                rows = [markup("[b]Their talks[/b] [dim](ctrl+t puts one in the first answer)[/dim]")]
                rows += [markup("$n. [i]$title[/i]  [dim]$conference, $day[/dim]", n=str(n), title=talk.title,
                                conference=talk.conference, day=talk.day) for n, talk in enumerate(self.talks, 1)]
                yield Static(lines(rows), id="talks")
            for key, (prompt, example) in PROMPTS.items():
                yield Label(prompt)
                yield Input(value=clean(getattr(self.point, key), single_line=True), placeholder=f"e.g. {example}",
                            id=f"answer-{key}", restrict=NO_CONTROLS)
                yield Static(id=f"flag-{key}", classes="flag")
                if key == "work" and self.work:
                    yield WorkList(self.work, id="work-list")
            yield Static(id="coach")

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
                if rule is not None:
                    flag.update(markup("[$warning]coach:[/] $reason\n[dim]For example:[/dim] $better",
                                       reason=rule.reason, better=rule.better))
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
    PersonModal #connections {
        height: 5;
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

    def action_cancel(self) -> None:
        self.dismiss(None)


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


class NoteModal(ModalScreen[NoteRequest | None]):
    """A quick note after a session or a chat; the toggles become follow-ups."""

    DEFAULT_CSS = """
    NoteModal {
        align: center middle;
    }
    NoteModal > VerticalScroll {
        width: 90;
        height: auto;
        max-height: 95%;
        border: thick $primary;
        background: $surface;
        padding: 0 2;
    }
    NoteModal TextArea {
        height: 6;
    }
    NoteModal Label {
        margin-top: 1;
    }
    NoteModal #note-error {
        color: $error;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

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

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            if self.session is not None:
                yield Static(markup("[b]New note about $title[/b]  [dim]ctrl+s saves, escape cancels[/dim]",
                                    title=self.session.title))
            else:
                yield Static(markup("[b]New note[/b]  [dim]ctrl+s saves, escape cancels[/dim]"))
            draft = self.draft
            yield CleanTextArea(clean(draft.text) if draft else "", id="note-text")
            yield Label("People (comma separated; a name not on your list is added)")
            yield Input(clean(", ".join(self.names), single_line=True), id="note-people", restrict=NO_CONTROLS)
            yield Checkbox("They helped me: thank them tomorrow", draft.thank if draft else False, id="note-thank")
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
            yield Checkbox("Waiting for their reply: nudge in a week", draft.waiting if draft else False,
                           id="note-waiting")
            yield Checkbox("I will tell them how it went: remind me in four weeks",
                           draft.tell_later if draft else False, id="note-tell-later")
            yield Static(plain(self.problem + " Your note is still here: ctrl+s tries again.") if self.problem else "",
                         id="note-error")

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
        self.query_one("#note-for", Static).update(plain(" · ".join(parts)))

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

    def action_cancel(self) -> None:
        self.dismiss(None)


class DateModal(ModalScreen[date | None]):
    """Ask for a day (snooze until...): the forms it accepts are shown before typing, and read by
    companion.followups.parse_until, as on the command line."""

    DEFAULT_CSS = """
    DateModal {
        align: center middle;
    }
    DateModal > Vertical {
        width: 60;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    DateModal #date-forms {
        color: $text-muted;
    }
    DateModal #date-error {
        color: $error;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, default: date, *, today: date | None = None) -> None:
        super().__init__()
        self.question = question
        self.default = default
        self.today = today or date.today()

    def compose(self) -> ComposeResult:
        from companion.followups import SNOOZE_FORMS

        with Vertical():
            yield Static(plain(self.question))
            yield Input(self.default.isoformat(), placeholder="YYYY-MM-DD, +N or a weekday", id="date",
                        restrict=NO_CONTROLS)
            yield Static(plain(f"{self.default:%A %d %B}. Type {SNOOZE_FORMS}."), id="date-forms")
            yield Static(id="date-error")

    def on_mount(self) -> None:
        self.query_one("#date", Input).focus()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        from companion.followups import SnoozeDateError, parse_until

        try:
            chosen = parse_until(event.value, self.today)
        except SnoozeDateError as error:
            self.query_one("#date-error", Static).update(plain(str(error)))
            return
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NotesModal(ModalScreen[None]):
    """A person's or a session's notes: e edits, delete removes (ctrl+z undoes), escape closes.
    The modal asks for changes with messages; the app does them and hands back the new list."""

    DEFAULT_CSS = """
    NotesModal {
        align: center middle;
    }
    NotesModal > Vertical {
        width: 100;
        height: 80%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
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


class EditNoteModal(ModalScreen[str | None]):
    """Edit a note's text; ctrl+s saves, escape cancels. Opened again with the edited text and
    ``problem`` when a save failed."""

    DEFAULT_CSS = """
    EditNoteModal {
        align: center middle;
    }
    EditNoteModal > Vertical {
        width: 90;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    EditNoteModal TextArea {
        height: 8;
    }
    EditNoteModal #edit-note-error {
        color: $error;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def __init__(self, text: str, problem: str = "") -> None:
        super().__init__()
        self.text = text
        self.problem = problem

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(markup("[b]Edit note[/b]  [dim]ctrl+s saves, escape cancels[/dim]"))
            yield CleanTextArea(clean(self.text), id="edit-note")
            if self.problem:
                yield Static(plain(self.problem + " Your edit is still here: ctrl+s tries again."), id="edit-note-error")

    def on_mount(self) -> None:
        area = self.query_one("#edit-note", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        text = clean(self.query_one("#edit-note", TextArea).text).strip()
        self.dismiss(text or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
