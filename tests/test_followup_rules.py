"""The follow-up rules as a table, with a fixed clock: due dates, the two steps of a
double opt-in introduction, the nudge interval, and the one kind nudge that then lets go."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from companion.cli import main
from companion.errors import CompanionError
from companion.followups import (
    CLOSING_LINE,
    NUDGE_DAYS,
    NUDGE_DAYS_RANGE,
    RULES,
    NoteActions,
    NudgeDaysError,
    is_stale,
    nudge_interval,
    nudged_without_reply,
    plan_followups,
)
from companion.models import FollowUp, Note, Person
from companion.store import Store

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)
TODAY = NOW.astimezone().date()
"""The day the store plans from: the local date of NOW."""
PRIYA = Person(name="Priya Raman", id=3)


def a_note() -> Note:
    return Note(text="Chat about lockfiles", created=NOW, id=7, person_ids=[PRIYA.id])


def plan(**actions: object) -> list[FollowUp]:
    return plan_followups(a_note(), [PRIYA], NoteActions(**actions), TODAY, NOW)  # type: ignore[arg-type]


@pytest.fixture
def store(isolated_data_dir: Path) -> Store:
    store = Store(isolated_data_dir)
    store.add_people([Person(name="Priya Raman"), Person(name="Omar Haddad")])
    return store


def priya(store: Store) -> Person:
    return next(p for p in store.people() if p.name == "Priya Raman")


def add_waiting(store: Store, *, at: datetime = NOW, nudge_days: int = NUDGE_DAYS) -> FollowUp:
    _, items = store.add_note("Wrote to Priya about lockfiles", [priya(store).id],
                              actions=NoteActions(waiting=True, nudge_days=nudge_days), now=at)
    assert [f.kind for f in items] == ["nudge"]
    return items[0]


# --- the table ----------------------------------------------------------------------------------


def test_the_rules_are_a_readable_table() -> None:
    assert list(RULES) == ["thank", "promise", "intro-ask", "intro-ask-person", "intro", "nudge", "tell-later", "hello"]
    fields = set(NoteActions.__dataclass_fields__)
    for kind, rule in RULES.items():
        assert rule.kind == kind and rule.title and rule.why and rule.due_days >= 1
        if rule.made_by == "before:conference":
            assert kind == "hello"  # the virtual hello: planned before a conference, not by a note
        elif ":" in rule.made_by:
            assert rule.made_by.split(":")[1] in RULES  # a step unlocked by another rule
        else:
            assert rule.made_by in fields  # a toggle or list of the note form
        assert not rule.days_from or rule.days_from in fields
    assert [kind for kind, rule in RULES.items() if rule.once] == ["nudge"]
    assert RULES["intro"].made_by == "yes:intro-ask"  # recorded yeses, not an ask marked done
    assert {rule.asks for rule in RULES.values() if rule.asks} == {"other", "person"}


def test_thank_you_next_day_each_promise_in_two_days() -> None:
    items = plan(thank=True, promises=("send slides", "share the benchmark"))
    assert [(f.kind, f.detail, f.due) for f in items] == [
        ("thank", "", TODAY + timedelta(days=1)),
        ("promise", "send slides", TODAY + timedelta(days=2)),
        ("promise", "share the benchmark", TODAY + timedelta(days=2)),
    ]


# --- the double opt-in introduction -------------------------------------------------------------


def test_introduction_is_two_steps_and_the_second_waits_for_a_yes(store: Store) -> None:
    _, items = store.add_note("Priya should meet Omar", [priya(store).id],
                              actions=NoteActions(thank=True, intros=("Omar Haddad",)), now=NOW)
    by_kind = {f.kind: f for f in items}
    assert set(by_kind) == {"thank", "intro-ask"}  # nobody is introduced before they agree
    ask = by_kind["intro-ask"]
    assert ask.other == "Omar Haddad" and ask.due == TODAY + timedelta(days=2)

    assert store.set_followup_status(by_kind["thank"].id, "done", now=NOW) == [
        store.followup(by_kind["thank"].id)
    ]  # a thank-you unlocks nothing
    store.set_followup_status(ask.id, "done", now=NOW)  # asked: waiting for Omar's answer
    assert store.followup(ask.id).status == "waiting"
    assert "intro" not in {f.kind for f in store.followups()}

    later = NOW + timedelta(days=3)
    changed = store.answer_followup(ask.id, "yes", now=later)  # Omar said yes
    assert [f.kind for f in changed] == ["intro-ask", "intro"]
    intro = changed[1]
    assert intro.other == "Omar Haddad" and intro.person_id == ask.person_id
    assert intro.due == later.astimezone().date() + timedelta(days=1)
    assert "Priya Raman" in intro.title and "Omar Haddad" in intro.title
    assert store.answer_followup(ask.id, "yes", now=later)[1:] == []  # never a second introduction
    assert [f.kind for f in store.followups()].count("intro") == 1


# --- the nudge interval -------------------------------------------------------------------------


@pytest.mark.parametrize("days", [7, 10, 14])
def test_nudge_interval_is_one_to_two_weeks(days: int) -> None:
    (nudge,) = plan(waiting=True, nudge_days=days)
    assert nudge.kind == "nudge" and nudge.due == TODAY + timedelta(days=days)
    assert nudge_interval(nudge) == days


def test_nudge_defaults_to_a_week() -> None:
    assert NUDGE_DAYS == 7 and NUDGE_DAYS_RANGE == (7, 14)
    assert plan(waiting=True)[0].due == TODAY + timedelta(days=7)


@pytest.mark.parametrize("days", [5, 15, 0, -7, True])
def test_a_nudge_interval_outside_one_to_two_weeks_is_refused(days: int) -> None:
    with pytest.raises(NudgeDaysError, match="7 to 14"):
        NoteActions(waiting=True, nudge_days=days)
    assert issubclass(NudgeDaysError, CompanionError)  # one line on the command line


def test_cli_nudge_days(capsys: pytest.CaptureFixture[str], store: Store) -> None:
    assert main(["note", "add", "Wrote to Priya", "--person", "Priya", "--nudge-days", "14"]) == 0
    (nudge,) = store.followups()
    assert nudge.kind == "nudge" and nudge.due == date.today() + timedelta(days=14)  # implies --waiting
    capsys.readouterr()
    assert main(["note", "add", "Wrote to Omar", "--person", "Omar", "--waiting", "--nudge-days", "5"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("companion: error:") and "7 to 14" in err[0]
    assert len(store.notes()) == 1  # nothing saved


# --- one nudge, then let it go ------------------------------------------------------------------


def test_a_nudge_marked_done_without_a_reply_closes_kindly(store: Store) -> None:
    nudge = add_waiting(store)
    when = NOW + timedelta(days=7)
    changed = store.set_followup_status(nudge.id, "done", now=when)
    assert len(changed) == 1  # no second nudge
    closed = changed[0]
    assert (closed.id, closed.status, closed.detail) == (nudge.id, "dropped", CLOSING_LINE)
    assert closed.sequence == nudge.sequence + 1 and closed.updated == when
    assert store.followup(nudge.id) == closed
    assert [f.kind for f in store.followups()] == ["nudge"]
    assert store.followups(statuses=("open", "waiting")) == []


def test_a_nudge_done_after_they_replied_is_just_done(store: Store) -> None:
    nudge = add_waiting(store)
    store.add_note("Priya replied, we are meeting on Friday", [priya(store).id], now=NOW + timedelta(days=3))
    changed = store.set_followup_status(nudge.id, "done", now=NOW + timedelta(days=7))
    assert [(f.id, f.status, f.detail) for f in changed] == [(nudge.id, "done", "")]


def test_no_second_nudge_for_someone_whose_nudge_closed_unanswered(store: Store) -> None:
    nudge = add_waiting(store)
    store.set_followup_status(nudge.id, "done", now=NOW + timedelta(days=7))
    history = store.followups()
    person = priya(store)
    assert nudged_without_reply(person, history)
    note = Note(text="Wrote again", created=NOW + timedelta(days=8), id=99, person_ids=[person.id])
    later = TODAY + timedelta(days=8)
    again = plan_followups(note, [person], NoteActions(waiting=True, thank=True), later, note.created, history=history)
    assert [f.kind for f in again] == ["thank"]
    # Once they have been in touch since, a new message may get its own nudge.
    person.last_interaction = NOW + timedelta(days=20)
    assert not nudged_without_reply(person, history)
    fresh = plan_followups(note, [person], NoteActions(waiting=True), later, note.created, history=history)
    assert [f.kind for f in fresh] == ["nudge"]


@pytest.mark.parametrize("days", [7, 14])
def test_a_nudge_overdue_by_more_than_its_interval_closes_kindly(store: Store, days: int) -> None:
    nudge = add_waiting(store, nudge_days=days)
    assert nudge.due == TODAY + timedelta(days=days)
    assert store.close_stale_nudges(nudge.due + timedelta(days=days), now=NOW) == []  # not more than yet
    assert store.followup(nudge.id).status == "open"
    stamp = NOW + timedelta(days=2 * days + 1)
    closed = store.close_stale_nudges(nudge.due + timedelta(days=days + 1), now=stamp)
    assert [(f.id, f.status, f.detail, f.updated) for f in closed] == [(nudge.id, "dropped", CLOSING_LINE, stamp)]
    assert store.followup(nudge.id).status == "dropped"
    assert store.close_stale_nudges(nudge.due + timedelta(days=60), now=stamp) == []  # closed once


def test_a_waiting_nudge_also_closes_but_not_one_that_got_a_reply(store: Store) -> None:
    nudge = add_waiting(store)
    store.set_followup_status(nudge.id, "waiting", now=NOW + timedelta(days=7))  # nudged, waiting
    late = nudge.due + timedelta(days=8)
    assert [f.id for f in store.close_stale_nudges(late, now=NOW)] == [nudge.id]

    omar = next(p for p in store.people() if p.name == "Omar Haddad")
    _, (answered,) = store.add_note("Wrote to Omar", [omar.id], actions=NoteActions(waiting=True), now=NOW)
    store.add_note("Omar called back", [omar.id], now=NOW + timedelta(days=2))
    assert not is_stale(answered, store.person(omar.id), late)
    assert store.close_stale_nudges(late, now=NOW) == []
    assert store.followup(answered.id).status == "open"  # theirs to close


def test_other_kinds_never_close_by_themselves(store: Store) -> None:
    _, items = store.add_note("Thanks", [priya(store).id], actions=NoteActions(thank=True, promises=("x",)), now=NOW)
    assert store.close_stale_nudges(TODAY + timedelta(days=365), now=NOW) == []
    assert all(store.followup(f.id).status == "open" for f in items)


# --- the waiting bucket and snoozing ------------------------------------------------------------


def test_a_waiting_followup_is_in_the_waiting_bucket(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    _, (thank,) = store.add_note("Thanks", [priya(store).id], actions=NoteActions(thank=True),
                                 now=datetime.now(timezone.utc) - timedelta(days=5))
    assert store.due_counts()["overdue"] == 1
    store.set_followup_status(thank.id, "waiting")
    assert store.due_counts() == {"overdue": 0, "today": 0, "upcoming": 0, "waiting": 1}
    capsys.readouterr()
    assert main(["followups", "--due"]) == 0
    assert "Nothing due." in capsys.readouterr().out  # waiting is not due
    assert main(["followups"]) == 0
    assert "(waiting)" in capsys.readouterr().out


def test_snoozing_into_the_past_is_refused_by_the_store(store: Store) -> None:
    _, (thank,) = store.add_note("Thanks", [priya(store).id], actions=NoteActions(thank=True), now=NOW)
    with pytest.raises(CompanionError, match="in the past"):
        store.snooze_followup(thank.id, TODAY - timedelta(days=1), today=TODAY)
    assert store.followup(thank.id).due == TODAY + timedelta(days=1)
    moved = store.snooze_followup(thank.id, TODAY, today=TODAY)  # today is fine
    assert (moved.due, moved.status, moved.sequence) == (TODAY, "open", 1)


# --- the command line ---------------------------------------------------------------------------


def test_cli_done_on_a_nudge_closes_kindly(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    nudge = add_waiting(store, at=datetime.now(timezone.utc))
    capsys.readouterr()
    assert main(["followups", "done", str(nudge.id)]) == 0
    out = capsys.readouterr().out
    assert CLOSING_LINE in out and "dropped" not in out
    assert store.followup(nudge.id).status == "dropped"
    assert len(store.followups()) == 1


def test_cli_listing_closes_stale_nudges(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    stale = add_waiting(store, at=datetime.now(timezone.utc) - timedelta(days=20))  # due 13 days ago
    omar = next(p for p in store.people() if p.name == "Omar Haddad")
    store.add_note("Thanks", [omar.id], actions=NoteActions(thank=True))
    capsys.readouterr()
    assert main(["followups"]) == 0
    out = capsys.readouterr().out
    assert f"Closed #{stale.id}" in out and CLOSING_LINE in out
    assert "Thank Omar Haddad" in out
    assert store.followup(stale.id).status == "dropped"
    assert main(["followups", "--json"]) == 0
    assert "Nudge" not in capsys.readouterr().out
