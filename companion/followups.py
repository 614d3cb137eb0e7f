"""Follow-up rules: what a note turns into, when it is due, and how it ends.

The rules are data: :data:`RULES` is the whole table. A note's toggles (:class:`NoteActions`)
create follow-ups, each promise and introduction for its one person; a nudge is given at most once,
and a nudge that got no reply closes kindly.

An introduction is double opt-in: the note asks the other person (``intro-ask``), the note's person
(``intro-ask-person``) or both; asking moves an ask to waiting, and each answer is recorded
(:func:`record_answer`, consent ``yes`` or ``no``). Only when every one asked said yes is the
introduction itself planned, and it records whose yes it has, so that its draft thanks exactly those.
A "no", or an ask dropped for silence, ends the introduction and its other ask.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from companion.errors import CompanionError
from companion.models import FollowUp, Note, Person

TELL_LATER_DAYS = 28
"""Days from a note that says "I will tell them how it went" to telling them (four weeks)."""
HELLO_DAYS_BEFORE = 3
"""A virtual hello is due this many days before the conference starts (today when that has passed)."""
NUDGE_DAYS = 7
"""Days from "waiting for their reply" to the nudge, unless the note says otherwise."""
NUDGE_DAYS_RANGE = (7, 14)
"""A nudge comes one to two weeks after a message that got no reply: sooner is pushy, later is lost."""
CLOSING_LINE = "no reply, and that is fine"
"""What a nudge that got no reply closes with: people are busy, and it is not personal."""


@dataclass(frozen=True)
class FollowUpRule:
    kind: str
    made_by: str
    """What creates it: a :class:`NoteActions` field (a toggle makes one follow-up, a list one per
    entry), ``done:KIND`` or ``yes:KIND`` for a step another follow-up unlocks, or
    ``before:conference`` for the virtual hello (:func:`plan_hellos`, not a note)."""
    due_days: int
    """Days after the note (or the step that unlocked it); for ``before:conference``, days before it starts."""
    title: str
    """A template: ``{name}`` is the person, ``{detail}`` the promise, ``{other}`` the other person."""
    why: str
    fills: str = ""
    """For a list field: the FollowUp field each entry fills (``detail`` or ``other``)."""
    days_from: str = ""
    """A NoteActions field that, when set, replaces ``due_days``."""
    asks: str = ""
    """Introductions: the ask this rule makes (``other`` or ``person``), for entries asking it or both."""
    once: bool = False
    """At most one per contact. Marked done with no interaction since it was planned, or overdue by
    more than its interval, it closes as dropped with :data:`CLOSING_LINE`; it never repeats."""


def _by_kind(*rules: FollowUpRule) -> dict[str, FollowUpRule]:
    return {rule.kind: rule for rule in rules}


RULES: dict[str, FollowUpRule] = _by_kind(
    #            kind         made by           due  title
    FollowUpRule("thank",     "thank",            1, "Thank {name}",
                 "they helped you: say which part and how, while it is fresh"),
    FollowUpRule("promise",   "promises",         2, "Promised {name}: {detail}",
                 "you promised it; doing it fast is the best thank-you", fills="detail"),
    FollowUpRule("intro-ask", "intros",           2, "Ask {other} whether they would like an introduction to {name}",
                 "double opt-in: ask before you introduce, and wait for a yes", fills="other", asks="other"),
    FollowUpRule("intro-ask-person", "intros",    2, "Ask {name} whether they would like an introduction to {other}",
                 "double opt-in: ask before you introduce, and wait for a yes", fills="other", asks="person"),
    FollowUpRule("intro",     "yes:intro-ask",    1, "Introduce {name} and {other}",
                 "everyone you asked said yes: make the introduction, then step back"),
    FollowUpRule("nudge",     "waiting", NUDGE_DAYS, "Nudge {name} (no reply yet)",
                 "emails fall through the cracks; one kind reminder, then let it go",
                 days_from="nudge_days", once=True),
    FollowUpRule("tell-later", "tell_later",  TELL_LATER_DAYS, "Tell {name} how it went",
                 "close the loop: tell them what came of their help, and thank them"),
    FollowUpRule("hello",     "before:conference", HELLO_DAYS_BEFORE, "Say hello to {name} before their talk: {detail}",
                 "a virtual hello before the conference: which part of their work helped and how; ask for nothing",
                 fills="detail"),
)


class NudgeDaysError(CompanionError):
    """A nudge interval outside one to two weeks."""


def check_nudge_days(days: int) -> int:
    low, high = NUDGE_DAYS_RANGE
    if isinstance(days, bool) or not isinstance(days, int) or not low <= days <= high:
        raise NudgeDaysError(f"nudge after {low} to {high} days, not {days!r}")
    return days


INTRO_ASKS = ("other", "person", "both")
"""Whose yes an introduction asks for first: the other person (named in the note), the note's person, or both."""
ASK_KINDS = {"other": "intro-ask", "person": "intro-ask-person"}


@dataclass(frozen=True)
class ForPerson:
    """A promise (``text``) or an introduction (``text`` is the other person's name) for one person."""

    text: str
    person_id: int = 0
    """The note's person it is for; 0 (older notes, or a note about one person) means every person of the note."""
    ask: str = "other"
    """Introductions: whose yes is asked (:data:`INTRO_ASKS`)."""

    def __post_init__(self) -> None:
        if self.ask not in INTRO_ASKS:
            raise CompanionError(f"ask {' or '.join(INTRO_ASKS)} first, not {self.ask!r}")

    def to_row(self, key: str) -> dict[str, object]:
        row: dict[str, object] = {"person_id": self.person_id, key: self.text}
        if key == "other":
            row["ask"] = self.ask
        return row


class UnaddressedError(CompanionError):
    """A promise or an introduction on a note about several people that does not say for whom."""


@dataclass
class NoteActions:
    """What a note asks for besides its text: the quick toggles of the note form."""

    thank: bool = False
    promises: tuple[str | ForPerson, ...] = ()
    """Plain text (for every person of the note) or :class:`ForPerson`."""
    intros: tuple[str | ForPerson, ...] = ()
    """The other person's name (asked first, for every person of the note) or :class:`ForPerson`."""
    waiting: bool = False
    nudge_days: int = field(default=NUDGE_DAYS)
    """When waiting for their reply: days until the nudge, 7 to 14."""
    tell_later: bool = False
    """I said I would tell them how it went: a follow-up in :data:`TELL_LATER_DAYS` days."""

    def __post_init__(self) -> None:
        check_nudge_days(self.nudge_days)
        self.promises = tuple(p if isinstance(p, ForPerson) else ForPerson(p) for p in self.promises)
        self.intros = tuple(i if isinstance(i, ForPerson) else ForPerson(i) for i in self.intros)

    def check_addressed(self, person_ids: list[int]) -> None:
        """On a note about several people, every promise and introduction says for whom (one line if
        not). One for a person removed from the list meanwhile is kept in the note, without a follow-up."""
        if len(set(person_ids)) < 2:
            return
        for what, entries in (("promise", self.promises), ("introduction", self.intros)):
            for entry in entries:
                if not isinstance(entry, ForPerson) or not entry.person_id:
                    text = entry.text if isinstance(entry, ForPerson) else entry
                    raise UnaddressedError(
                        f"the note is about several people: say whom the {what} {text!r} is for, as NAME: {text}")

    def note_fields(self) -> dict[str, list[dict[str, object]]]:
        """What the note records of its promises and introductions (Note.promises, Note.intros)."""
        return {
            "promises": [p.to_row("text") for p in self.promises if isinstance(p, ForPerson)],
            "intros": [i.to_row("other") for i in self.intros if isinstance(i, ForPerson)],
        }


def make_followup(
    kind: str,
    person: Person,
    note: Note,
    today: date,
    now: datetime,
    *,
    index: int = 0,
    detail: str = "",
    other: str = "",
    due_days: int | None = None,
) -> FollowUp:
    rule = RULES[kind]
    title = rule.title.format(name=person.name, detail=detail, other=other)
    return FollowUp(
        kind=kind,
        title=title,
        due=today + timedelta(days=rule.due_days if due_days is None else due_days),
        person_id=person.id,
        note_id=note.id,
        detail=detail,
        other=other,
        uid=f"companion-{kind}-n{note.id}-p{person.id}-{index}@companion",
        created=now,
        updated=now,
    )


def plan_followups(
    note: Note,
    people: list[Person],
    actions: NoteActions,
    today: date,
    now: datetime,
    *,
    history: Iterable[FollowUp] = (),
) -> list[FollowUp]:
    """The follow-ups a saved note creates, one set per person it names, in the order of :data:`RULES`.

    ``history`` is the follow-ups already stored: a person whose one nudge closed without a reply,
    and who has not been in touch since, gets no second nudge.
    """
    closed = list(history)
    planned: list[FollowUp] = []
    for person in people:
        for rule in RULES.values():
            if ":" in rule.made_by:  # unlocked by a done step, or planned before a conference
                continue
            if rule.once and nudged_without_reply(person, closed):
                continue
            wanted = getattr(actions, rule.made_by)
            days = getattr(actions, rule.days_from) if rule.days_from else None
            if isinstance(wanted, bool):
                if wanted:
                    planned.append(make_followup(rule.kind, person, note, today, now, due_days=days))
                continue
            for index, entry in enumerate(wanted):
                if not isinstance(entry, ForPerson):
                    entry = ForPerson(entry)
                if entry.person_id not in (0, person.id):
                    continue  # for another person of the note
                if rule.asks and entry.ask not in (rule.asks, "both"):
                    continue
                fill = {rule.fills: entry.text} if rule.fills else {}
                planned.append(make_followup(rule.kind, person, note, today, now, index=index, due_days=days, **fill))
    return planned


def next_step(done: FollowUp, person: Person, note: Note, today: date, now: datetime) -> FollowUp | None:
    """The follow-up that completing ``done`` unlocks (a ``done:KIND`` rule; none today: an
    introduction waits for recorded yeses, see :func:`record_answer`)."""
    for rule in RULES.values():
        if rule.made_by == f"done:{done.kind}":
            step = make_followup(rule.kind, person, note, today, now, detail=done.detail, other=done.other)
            step.uid = f"companion-{rule.kind}-{thread_key(done)}"
            return step
    return None


# --- the double opt-in introduction ---------------------------------------------------------------

YES, NO = "yes", "no"
DECLINED_LINE = "declined, and that is fine"
"""What an ask answered "no" closes with; the introduction ends there."""
SILENT_LINE = "no answer, and that is fine"
"""What an ask dropped without an answer closes with; the introduction ends there."""
ENDED_LINE = "not needed: the introduction ended"
"""What the other ask of an ended introduction closes with."""


def is_intro_ask(item: FollowUp) -> bool:
    return item.kind in ASK_KINDS.values()


INTRO_SILENCE_DAYS = 14
"""An introduction ask answered by nobody this many days after it was asked ends kindly (no yes implied)."""


def when_due(status: str, kind: str, due: str, today: str) -> str:
    """Where an open or waiting follow-up stands, from its status, kind and due date (ISO texts, so
    the store can count from its small summaries): ``overdue``, ``today``, ``upcoming``, or
    ``waiting`` for a reply. A nudge not due yet is waiting too: the note said "waiting for their
    reply", and the nudge is what comes when no reply does."""
    if status == "waiting" or (kind == "nudge" and due > today):
        return "waiting"
    return "overdue" if due < today else "today" if due == today else "upcoming"


def silent_ask(item: FollowUp, today: date) -> bool:
    """An introduction ask that was asked (waiting) and got no answer for :data:`INTRO_SILENCE_DAYS`."""
    asked = item.updated or item.created
    return is_intro_ask(item) and item.status == "waiting" and asked is not None \
        and (today - asked.astimezone().date()).days > INTRO_SILENCE_DAYS


def thread_key(item: FollowUp) -> str:
    """What the follow-ups of one introduction share: their uid after the kind (note, person, index)."""
    return item.uid.removeprefix(f"companion-{item.kind}-")


def in_thread(item: FollowUp, others: Iterable[FollowUp]) -> list[FollowUp]:
    """Of ``others``, the follow-ups of the same introduction as ``item`` (``item`` itself left out)."""
    key = thread_key(item)
    return [f for f in others if f.id != item.id and f.note_id == item.note_id and f.person_id == item.person_id
            and f.kind in (*ASK_KINDS.values(), "intro") and thread_key(f) == key]


def asked_name(item: FollowUp, person_name: str) -> str:
    """Who an ask goes to: the other person (``intro-ask``) or the note's person."""
    return item.other if item.kind == "intro-ask" else person_name


def record_answer(
    item: FollowUp, answer: str, thread: list[FollowUp], person: Person, note: Note, today: date, now: datetime
) -> tuple[list[FollowUp], FollowUp | None]:
    """Record ``answer`` (``yes``, ``no``, or ``""``: dropped without one) to the ask ``item``.

    Returns the follow-ups changed (the ask first, then the other ask of the introduction when it
    ends) and the introduction to plan, only when everyone asked said yes and none is planned yet.
    """
    if not is_intro_ask(item):
        raise CompanionError(f"#{item.id} is not an introduction ask: only an ask records a yes or a no")
    if answer not in (YES, NO, ""):
        raise CompanionError(f"the answer is yes or no, not {answer!r}")
    item.consent = answer
    item.status = "done" if answer == YES else "dropped"
    if answer != YES:
        item.detail = DECLINED_LINE if answer == NO else SILENT_LINE
    item.sequence += 1
    item.updated = now
    changed = [item]
    asks = [item] + [f for f in thread if is_intro_ask(f)]
    if answer != YES:
        for other in asks[1:]:
            if other.status in ("open", "waiting"):
                other.status, other.detail = "dropped", ENDED_LINE
                other.sequence += 1
                other.updated = now
                changed.append(other)
        return changed, None
    if any(ask.consent != YES for ask in asks) or any(f.kind == "intro" for f in thread):
        return changed, None
    return changed, plan_introduction(asks, person, note, today, now)


def plan_introduction(asks: list[FollowUp], person: Person, note: Note, today: date, now: datetime) -> FollowUp:
    """The introduction itself, once every one of ``asks`` (one introduction's) said yes: it records
    whose yes it has (``consent``: ``other``, ``person`` or ``both``), which is all its draft thanks."""
    said_yes = {"other" if ask.kind == "intro-ask" else "person" for ask in asks}
    intro = make_followup("intro", person, note, today, now, other=asks[0].other)
    intro.uid = f"companion-intro-{thread_key(asks[0])}"
    intro.consent = "both" if len(said_yes) == 2 else said_yes.pop()
    return intro


def intro_state(item: FollowUp, thread: Iterable[FollowUp], person_name: str) -> str:
    """Where an introduction stands, for the queue: "asked Omar Haddad, waiting", "Priya said yes"..."""
    if item.kind == "intro":
        return {"both": "both said yes", "other": f"{item.other} said yes",
                "person": f"{person_name} said yes"}.get(item.consent, "")
    if not is_intro_ask(item):
        return ""
    asks = sorted([item, *(f for f in thread if is_intro_ask(f))], key=lambda f: f.kind)
    parts = []
    for ask in asks:
        who = asked_name(ask, person_name)
        if ask.consent == YES:
            parts.append(f"{who} said yes")
        elif ask.consent == NO:
            parts.append(f"{who} declined")
        elif ask.status == "waiting":
            parts.append(f"asked {who}, waiting")
        elif ask.status == "open":
            parts.append(f"ask {who}")
        elif ask.status == "dropped":
            parts.append(f"no answer from {who}" if ask.detail == SILENT_LINE else "ended")
        else:
            parts.append(f"asked {who}")
    return "; ".join(parts)


# --- the one kind nudge -------------------------------------------------------------------------


def nudge_interval(item: FollowUp) -> int:
    """The days between planning ``item`` and its due date, held to :data:`NUDGE_DAYS_RANGE`."""
    low, high = NUDGE_DAYS_RANGE
    if item.created is None:
        return NUDGE_DAYS
    return max(low, min(high, (item.due - item.created.astimezone().date()).days))


def heard_since(item: FollowUp, person: Person | None) -> bool:
    """Whether there has been an interaction with ``person`` (a note about them) since ``item`` was planned."""
    if person is None or person.last_interaction is None or item.created is None:
        return False
    return person.last_interaction > item.created


def closes_kindly_when_done(item: FollowUp, person: Person | None) -> bool:
    """A once-only follow-up marked done with no interaction since: nudged, still no reply."""
    rule = RULES.get(item.kind)
    return rule is not None and rule.once and not heard_since(item, person)


def is_stale(item: FollowUp, person: Person | None, today: date) -> bool:
    """A once-only follow-up still open or waiting, overdue by more than its interval, with no reply since."""
    rule = RULES.get(item.kind)
    if rule is None or not rule.once or item.status not in ("open", "waiting"):
        return False
    return today > item.due + timedelta(days=nudge_interval(item)) and not heard_since(item, person)


def close_kindly(item: FollowUp, now: datetime) -> FollowUp:
    """Close ``item`` as dropped with :data:`CLOSING_LINE`; no further follow-up is planned."""
    item.status = "dropped"
    item.detail = CLOSING_LINE
    item.sequence += 1
    item.updated = now
    return item


def nudged_without_reply(person: Person, items: Iterable[FollowUp]) -> bool:
    """Whether ``person``'s one nudge closed without a reply and nobody has been in touch since."""
    for item in items:
        rule = RULES.get(item.kind)
        if rule is None or not rule.once or item.person_id != person.id:
            continue
        if item.status == "dropped" and item.detail == CLOSING_LINE:
            closed_at = item.updated or item.created
            if closed_at is None or person.last_interaction is None or person.last_interaction <= closed_at:
                return True
    return False


# --- snoozing: one way to say "until when", for the command line and the app -----------------------

SNOOZE_FORMS = "a date (YYYY-MM-DD), +N for N days from today, or a weekday (mon or monday: the next one)"
"""What :func:`parse_until` accepts, in words, shown before typing and with every refusal."""

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class SnoozeDateError(CompanionError):
    """An until-date that is not one of :data:`SNOOZE_FORMS`, or is in the past."""


def parse_until(text: str, today: date) -> date:
    """The day ``text`` means, counted from ``today``: ``2027-05-04``, ``+2`` (two days on), ``today``,
    ``tomorrow``, or a weekday (``mon``, ``Monday``: the next one, never today). A day before
    ``today`` or outside 1900-2199 is refused with one line naming the accepted forms."""
    from companion.session_times import EARLIEST, LATEST

    value = " ".join(text.split()).casefold()
    day: date | None = None
    if value.startswith("+") and value[1:].isascii() and value[1:].isdecimal() and len(value) <= 7:
        day = today + timedelta(days=int(value[1:]))
    elif value in ("today", "tomorrow"):
        day = today + timedelta(days=1 if value == "tomorrow" else 0)
    elif len(value) >= 3 and value.isalpha():
        matches = [index for index, name in enumerate(WEEKDAYS) if name.startswith(value)]
        if len(matches) == 1:
            ahead = (matches[0] - today.weekday() - 1) % 7 + 1
            day = today + timedelta(days=ahead)
    else:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            day = None
    if day is None:
        raise SnoozeDateError(f"{text!r} is not a day: use {SNOOZE_FORMS}")
    if not EARLIEST.date() <= day < LATEST.date():
        raise SnoozeDateError(f"{text}: a date from {EARLIEST.year} to {LATEST.year - 1}, please")
    if day < today:
        raise SnoozeDateError(f"{day.isoformat()} is in the past; snooze to today or later")
    return day


def snooze_default(due: date, today: date) -> date:
    """The day a snooze offers first: tomorrow, or the day after the due date when that is later
    (snoozing moves a follow-up on, never back)."""
    return max(today, due) + timedelta(days=1)


# --- the virtual hello before a conference ---------------------------------------------------------


def hello_uid(conference_id: str, person_id: int) -> str:
    """One hello per person and conference: the same UID however often it is planned."""
    import hashlib

    digest = hashlib.sha1(conference_id.encode()).hexdigest()[:12]
    return f"companion-hello-c{digest}-p{person_id}@companion"


def hello_due(first_day: date | None, today: date) -> date:
    """:data:`HELLO_DAYS_BEFORE` days before the conference starts, or today when that has passed."""
    if first_day is None:
        return today
    return max(today, first_day - timedelta(days=RULES["hello"].due_days))


def plan_hello(conference_id: str, first_day: date | None, person: Person, talk: str,
               today: date, now: datetime) -> FollowUp:
    """The hello to ``person``, who speaks at the conference: ``talk`` (its title) is the detail."""
    rule = RULES["hello"]
    return FollowUp(
        kind="hello",
        title=rule.title.format(name=person.name, detail=talk, other=""),
        due=hello_due(first_day, today),
        person_id=person.id,
        detail=talk,
        uid=hello_uid(conference_id, person.id),
        created=now,
        updated=now,
    )
