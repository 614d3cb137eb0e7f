"""Follow-up rules (DESIGN section 7): what a note turns into, and when it is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from companion.models import FollowUp, Note, Person


@dataclass(frozen=True)
class FollowUpRule:
    kind: str
    title: str
    """A template: ``{name}`` is the person, ``{detail}`` the promise, ``{other}`` the other person."""
    due_days: int
    why: str


RULES: dict[str, FollowUpRule] = {
    rule.kind: rule
    for rule in (
        FollowUpRule("thank", "Thank {name}", 1, "they helped you: say which part and how, while it is fresh"),
        FollowUpRule("promise", "Promised {name}: {detail}", 2, "you promised it; doing it fast is the best thank-you"),
        FollowUpRule(
            "intro-ask",
            "Ask {other} whether they would like an introduction to {name}",
            2,
            "double opt-in: ask before you introduce",
        ),
        FollowUpRule("intro", "Introduce {name} and {other}", 1, "both agreed to the introduction"),
        FollowUpRule("nudge", "Nudge {name} (no reply yet)", 7, "emails fall through the cracks; one kind reminder"),
    )
}

NUDGE_DAYS_RANGE = (7, 14)


@dataclass
class NoteActions:
    """What a note asks for besides its text: the quick toggles of the note form."""

    thank: bool = False
    promises: tuple[str, ...] = ()
    intros: tuple[str, ...] = ()
    waiting: bool = False


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
    note: Note, people: list[Person], actions: NoteActions, today: date, now: datetime
) -> list[FollowUp]:
    """The follow-ups a saved note creates, one set per person it names."""
    planned: list[FollowUp] = []
    for person in people:
        if actions.thank:
            planned.append(make_followup("thank", person, note, today, now))
        for index, promise in enumerate(actions.promises):
            planned.append(make_followup("promise", person, note, today, now, index=index, detail=promise))
        for index, other in enumerate(actions.intros):
            planned.append(make_followup("intro-ask", person, note, today, now, index=index, other=other))
        if actions.waiting:
            planned.append(make_followup("nudge", person, note, today, now))
    return planned


def next_step(done: FollowUp, person: Person, note: Note, today: date, now: datetime) -> FollowUp | None:
    """The follow-up that completing ``done`` unlocks: an agreed introduction is then made."""
    if done.kind != "intro-ask":
        return None
    step = make_followup("intro", person, note, today, now, other=done.other)
    step.uid = done.uid.replace("companion-intro-ask-", "companion-intro-", 1)
    return step
