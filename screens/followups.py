"""Follow-ups: what is overdue, due today, upcoming, and waiting; act on each with one key."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, VerticalScroll
from textual.widgets import Footer, Header, Static

from companion.cards import followup_draft
from companion.errors import CompanionError, NotFoundError
from companion.followups import intro_state, is_intro_ask, snooze_default
from companion.models import FollowUp, Person
from companion.text import ColumnFit, clean
from screens.base import CompanionScreen
from screens.modals import DateModal
from screens.rowlist import RowList
from screens.safe import cell, lines, markup, paragraph, plain
from screens.widgets import FittedList, ListColumn, section_title

WHEN_STYLE = {"overdue": "bold red", "today": "bold", "upcoming": "", "waiting": "dim"}
WHEN_RANK = {"overdue": 0, "today": 1, "upcoming": 2, "waiting": 3}
COLUMNS = [
    ListColumn("When", ColumnFit(want=8, least=8, drop=3)),
    ListColumn("Due", ColumnFit(want=10, least=10, drop=2)),
    ListColumn("Follow-up", ColumnFit(want=36, most=90)),
    ListColumn("Person", ColumnFit(want=20, least=16, drop=1, most=28)),
    ListColumn("Kind", ColumnFit(want=12, least=10, drop=4, most=14)),
]
"""The title first; then, as the width allows, the person, the due date, how urgent and the kind
(``companion.text.column_widths``)."""
KIND_SHOWN = {"thank": "thank-you", "intro-ask": "intro: ask", "intro-ask-person": "intro: ask", "intro": "introduce",
              "tell-later": "tell later"}
NARROW_BELOW = 120
"""Narrower than this many cells, the draft goes under the list instead of beside it."""


def bucket(item: FollowUp, today: date) -> str:
    if item.status == "waiting" or (item.kind == "nudge" and item.due > today):  # a nudge not due yet waits for a reply (followups.when_due)
        return "waiting"
    if item.due < today:
        return "overdue"
    return "today" if item.due == today else "upcoming"


def counts_line(items: list[tuple[str, FollowUp]]):  # noqa: ANN201 - Content
    """What the list holds, counted from the list itself (so the two always agree): how many
    follow-ups, and how many are overdue, due today, upcoming and waiting for a reply."""
    counts = {name: sum(1 for when, _ in items if when == name) for name in WHEN_RANK}
    return markup(
        " [b]$total open[/b]  ·  [$error]$overdue overdue[/]  ·  [b]$today due today[/b]  ·  $upcoming upcoming  ·  "
        "$waiting waiting",
        total=str(len(items)), **{key: str(value) for key, value in counts.items()},
    )


class FollowUpsScreen(CompanionScreen):
    CSS_PATH = "followups.tcss"
    AUTO_FOCUS = "#followups"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW_BELOW, "-wide")]
    BINDINGS = [
        Binding("d", "set_status('done')", "Done", id="done"),
        Binding("z", "snooze", "Snooze", id="snooze"),
        Binding("w", "set_status('waiting')", "Waiting", id="waiting"),
        Binding("x", "set_status('dropped')", "Drop", id="drop"),
        Binding("c", "copy_draft", "Copy draft", id="copy-draft"),
        Binding("h", "hello", "Hello speakers", id="hello"),
        Binding("y", "answer('yes')", "They said yes", id="said-yes"),
        Binding("N", "answer('no')", "They said no", id="said-no"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[tuple[str, FollowUp]] = []
        self.people: dict[int, Person] = {}
        self.states: dict[int, str] = {}
        """Where each introduction listed stands ("asked Omar Haddad, waiting"), by follow-up id."""
        self.select_next: int | None = None
        """The follow-up to select at the next reload (the one an undo restored)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="followup-counts")
        with Container(id="followups-body"):
            yield FittedList(COLUMNS, id="followups")
            with VerticalScroll(classes="detail"):
                yield Static(id="draft")
        yield Footer()

    async def reload(self) -> None:
        people, items, states = await self.read_in_worker(self.read_followups)
        chosen_id, self.select_next = self.select_next, None
        # After an undo, the follow-up it restored; else the one selected now (kept by which it is:
        # one added elsewhere may land above it), or the one after it when it left the list.
        self.show_followups(people, items, states, prefer=self.places_for(chosen_id))

    def read_followups(self) -> tuple[dict[int, Person], list[tuple[str, FollowUp]], dict[int, str]]:
        """What the screen shows, read from the store (safe in a worker thread)."""
        store = self.store
        today = self.host.now().astimezone().date()
        items = sorted(((bucket(f, today), f) for f in store.followups(statuses=("open", "waiting"))),
                       key=lambda pair: (WHEN_RANK[pair[0]], pair[1].due, pair[1].id))
        people: dict[int, Person] = {}
        for person_id in {item.person_id for _, item in items}:  # only those listed: not all 200,000
            try:
                people[person_id] = store.person(person_id)
            except NotFoundError:
                continue  # removed since: the row says so
        states = {}
        for _, item in items:
            if item.kind == "intro" or is_intro_ask(item):
                person = people.get(item.person_id)
                states[item.id] = intro_state(item, store.intro_thread(item), person.name if person else "them")
        return people, items, states

    def places_for(self, item_id: int | None = None) -> list[int]:
        """Where the cursor goes once the list is read again, as follow-up ids to try in order: the
        follow-up ``item_id`` (the one selected when None) wherever it moved to in the list, else,
        when it left the list (done, dropped), the one after it that took its place, else the one
        before it. Never a row number: a different item never slides under the cursor unsaid."""
        ids = [item.id for _, item in self.items]
        if item_id is None:
            chosen = self.selected()
            if chosen is None:
                return []
            item_id = chosen.id
        if item_id not in ids:
            return [item_id]
        at = ids.index(item_id)
        return [item_id, *ids[at + 1:], *reversed(ids[:at])]

    def load_followups(self, prefer: list[int] | None = None) -> None:
        """Read and show at once (after a change made on this screen); the cursor goes to the
        first of ``prefer`` listed (by default: the selected follow-up, else the one after it)."""
        if prefer is None:
            prefer = self.places_for()
        self.show_followups(*self.read_followups(), prefer=prefer)

    def show_followups(self, people: dict[int, Person], items: list[tuple[str, FollowUp]], states: dict[int, str],
                       prefer: list[int] | None = None) -> None:
        self.people, self.items, self.states = people, items, states
        self.query_one("#followup-counts", Static).update(counts_line(self.items))
        rows = self.query_one("#followups", RowList)
        rows.set_rows(len(self.items), self.row)
        where = {item.id: index for index, (_, item) in enumerate(self.items)}
        found = next((where[item_id] for item_id in prefer or () if item_id in where), None)
        if found is not None:
            rows.cursor = found
        self.show_draft()

    def row(self, index: int) -> tuple[Text, ...]:
        when, item = self.items[index]
        person = self.people.get(item.person_id)
        state = self.states.get(item.id)
        title = f"{item.title} · {state}" if state else item.title
        return (cell(when, WHEN_STYLE[when]), cell(item.due.isoformat()), cell(title), cell(person.name if person else ""),
                cell(KIND_SHOWN.get(item.kind, item.kind), "dim"))

    def selected(self) -> FollowUp | None:
        cursor = self.query_one("#followups", RowList).cursor
        return self.items[cursor][1] if 0 <= cursor < len(self.items) else None

    @on(RowList.Highlighted, "#followups")
    def show_draft(self) -> None:
        pane = self.query_one("#draft", Static)
        item = self.selected()
        if item is None:
            pane.update(plain("Nothing to follow up. A note with a thank-you, a promise or an introduction adds items here."))
            return
        parts = [markup("[b]$title[/b]", title=item.title), markup("[dim]due $due · $status[/dim]",
                 due=f"{item.due:%A %d %B}", status=item.status)]
        if item.detail:
            parts.append(paragraph(item.detail))
        if self.states.get(item.id):
            parts.append(markup("[b]Stands:[/b] $state", state=self.states[item.id]))
        if is_intro_ask(item):
            parts.append(markup("[dim]d: asked, wait for the answer · y: they said yes · N: they said no · "
                                "x: no answer (the introduction ends)[/dim]"))
        try:
            draft = followup_draft(self.store, item)
        except CompanionError as error:
            parts += [section_title("Draft"), paragraph(f"No draft: {error}")]
            pane.update(lines(parts))
            return
        parts += [section_title("Draft (c copies it)")]
        if draft.to:
            parts.append(markup("[b]To:[/b] $to", to=draft.to))
        parts += [markup("[b]Subject:[/b] $subject", subject=draft.subject), paragraph(draft.body)]
        parts += [markup("[dim]$hint[/dim]", hint=hint) for hint in draft.hints]
        pane.update(lines(parts))

    def action_set_status(self, status: str) -> None:
        item = self.selected()
        if item is None:
            return
        store = self.store
        previous = (item.status, item.due)
        places = self.places_for(item.id)
        asks_before = [item, *(f for f in store.intro_thread(item) if is_intro_ask(f))] if is_intro_ask(item) else []
        changed: list[FollowUp] = []
        if not self.host.attempt(lambda: changed.extend(store.set_followup_status(item.id, status))):
            return
        unlocked = [] if asks_before else changed[1:]

        def undo() -> None:
            self.select_next = item.id
            if asks_before:  # an introduction ask (and the other ask it ended) as they were
                store.put_back_followups(asks_before)
                return
            store.set_followup_status(item.id, previous[0], until=previous[1])
            for step in unlocked:
                store.delete_followup(step.id)

        verb = {"done": "Done", "waiting": "Waiting for a reply", "dropped": "Dropped"}[status]
        if asks_before:
            verb = {"waiting": "Asked, waiting for the answer (y yes, N no)",
                    "dropped": "No answer: the introduction ends, nothing is sent"}.get(changed[0].status, verb)
        message = f"{verb}: {item.title}" + "".join(f"; next: {step.title}" for step in unlocked)
        self.host.remember_undo(undo, message)
        self.load_followups(prefer=places)

    def action_answer(self, answer: str) -> None:
        """Record an introduction ask's answer: a yes (the introduction comes once everyone asked
        said yes) or a no (it ends; nothing is sent)."""
        item = self.selected()
        if item is None:
            return
        if not is_intro_ask(item):
            self.notify("Only an introduction ask takes a yes or a no.", severity="warning", markup=False)
            return
        store = self.store
        before = [item, *(f for f in store.intro_thread(item) if is_intro_ask(f))]
        places = self.places_for(item.id)
        changed: list[FollowUp] = []
        if not self.host.attempt(lambda: changed.extend(store.answer_followup(item.id, answer))):
            return
        added = [f for f in changed if f.kind == "intro"]
        if answer == "yes":
            message = f"Yes recorded: {item.title}" + "".join(f"; next: {step.title}" for step in added)
            if not added:
                message += "; the introduction waits for the other yes"
        else:
            message = f"No recorded, and that is fine: the introduction ends ({item.title})"
        def undo() -> None:
            store.put_back_followups(before, added)
            self.select_next = item.id

        self.host.remember_undo(undo, message)
        self.load_followups(prefer=places)

    def action_snooze(self) -> None:
        item = self.selected()
        if item is None:
            return

        def chosen(until: date | None) -> None:
            store = self.store
            if until is not None and self.host.attempt(lambda: store.snooze_followup(item.id, until, today=today)):
                self.load_followups(prefer=places)
                self.notify(f"Snoozed until {until:%A %d %B}", markup=False)

        places = self.places_for(item.id)
        today = self.host.now().astimezone().date()
        self.app.push_screen(DateModal(f"Snooze '{item.title}' until", snooze_default(item.due, today), today=today),
                             chosen)

    def action_hello(self) -> None:
        """Plan a virtual hello to each person on the list who speaks at the current conference."""
        conference = self.host.conference
        if conference is None:
            self.notify("Import a schedule first: a hello is for the people who speak there.", markup=False)
            return
        today = self.host.now().astimezone().date()
        name = clean(conference.name, single_line=True)
        if conference.last_day is not None and conference.last_day < today:
            self.notify(f"{name} is over; a hello is for before the talk.", markup=False)
            return
        store = self.store
        planned: list[tuple[list[FollowUp], int]] = []
        if not self.host.attempt(lambda: planned.append(store.add_hellos(conference.id, today=today, now=self.host.now()))):
            return
        added, had = planned[0]
        if added:
            self.notify(f"Planned {len(added)} hello{'' if len(added) == 1 else 's'} before {name}, "
                        f"due {min(f.due for f in added):%A %d %B}.", markup=False)
        elif had:
            self.notify(f"Every listed speaker at {name} already has a hello.", markup=False)
        else:
            self.notify(f"Nobody on your list speaks at {name}.", markup=False)
        self.load_followups()

    def action_copy_draft(self) -> None:
        """Copy the selected follow-up's draft: to the terminal's clipboard (OSC 52, which not every
        terminal allows) and with the system clipboard where there is one (and it took the text),
        else into a file; the message says which happened."""
        item = self.selected()
        if item is None:
            return
        try:
            draft = followup_draft(self.store, item)
        except CompanionError as error:
            self.notify(clean(error, single_line=True), severity="error", markup=False)
            return
        text = clean(draft.text())  # a paste never carries an escape sequence from a name or a note
        # The terminal's clipboard (OSC 52) at once, whatever comes of the system's: over ssh, it is
        # the one on the user's own machine. Whether it arrived, no program can tell.
        self.app.copy_to_clipboard(text)
        self.run_worker(lambda: self._hand_over(item.id, text), thread=True, group="copy-draft", exit_on_error=False)

    def _hand_over(self, followup_id: int, text: str) -> None:
        """In a worker thread (a clipboard program may take a moment): copy, else write the file."""
        from companion.clipboard import copy_to_system, write_draft

        problem = copy_to_system(text)
        path = None
        if problem is not None:
            try:
                path = str(write_draft(f"followup-{followup_id}.txt", text))
            except OSError:
                path = None
        self.app.call_from_thread(self._handed_over, problem, path)

    def _handed_over(self, problem: str | None, path: str | None) -> None:
        if problem is None:
            self.notify("Copied the draft to the clipboard.", markup=False)
            return
        where = f"it is also in {path}" if path else "copy it from the draft shown here"
        self.notify(f"Not copied to a system clipboard ({problem}). Sent it to the terminal's clipboard instead, "
                    f"which works only if your terminal allows it; {where}.",
                    title="Draft", severity="warning", markup=False, timeout=20)

    def note_subject(self) -> tuple[None, list[str]]:
        item = self.selected()
        person = self.people.get(item.person_id) if item else None
        return None, [person.name] if person else []
