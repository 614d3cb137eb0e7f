"""Issue 15, items 1 and 3: each promise and introduction has its person, and an introduction is
double opt-in honestly (asked, each yes recorded, and only then the introduction, whose draft thanks
exactly those who said yes)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest

from companion.drafts import draft_for
from companion.errors import CompanionError
from companion.followups import ForPerson, NoteActions, intro_state, plan_followups
from companion.models import FollowUp, Note, Person
from companion.store import Store
from support import CliResult, assert_one_line_error

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)
TODAY = NOW.astimezone().date()
Cli = Callable[..., CliResult]


@pytest.fixture
def store(isolated_data_dir: Path) -> Store:
    store = Store(isolated_data_dir)
    store.add_people([Person(name="Priya Raman"), Person(name="Linus Berg"), Person(name="Ada Lovelace")])
    return store


def person(store: Store, name: str) -> Person:
    return next(p for p in store.people() if p.name == name)


def kinds_and_people(store: Store, items: list[FollowUp]) -> list[tuple[str, str, str]]:
    names = {p.id: p.name for p in store.people()}
    return sorted((f.kind, names[f.person_id], f.detail or f.other) for f in items)


# --- item 1: each promise and introduction has its person -----------------------------------------


def test_two_people_a_thank_you_each_and_one_promise_make_exactly_three_followups(store: Store) -> None:
    priya, linus = person(store, "Priya Raman"), person(store, "Linus Berg")
    actions = NoteActions(thank=True, promises=(ForPerson("send our audit checklist", linus.id),))
    note, items = store.add_note("Two speakers on supply chains", [priya.id, linus.id], actions=actions, now=NOW)
    assert kinds_and_people(store, items) == [
        ("promise", "Linus Berg", "send our audit checklist"),
        ("thank", "Linus Berg", ""),
        ("thank", "Priya Raman", ""),
    ]
    stored = store.note(note.id)
    assert stored.promises == [{"person_id": linus.id, "text": "send our audit checklist"}]


def test_an_introduction_is_planned_for_its_person_only(store: Store) -> None:
    priya, linus = person(store, "Priya Raman"), person(store, "Linus Berg")
    actions = NoteActions(intros=(ForPerson("Ada Lovelace", priya.id),))
    note, items = store.add_note("Priya should meet Ada", [priya.id, linus.id], actions=actions, now=NOW)
    assert kinds_and_people(store, items) == [("intro-ask", "Priya Raman", "Ada Lovelace")]
    assert store.note(note.id).intros == [{"person_id": priya.id, "other": "Ada Lovelace", "ask": "other"}]


def test_older_notes_and_plain_promises_still_load_and_go_to_every_person() -> None:
    old = Note.from_dict({"text": "old", "created": "2025-01-01T10:00:00Z", "person_ids": [1, 2]}, id=4)
    assert old.promises == [] and old.intros == []
    people = [Person(name="A", id=1), Person(name="B", id=2)]
    items = plan_followups(old, people, NoteActions(promises=("send slides",)), TODAY, NOW)
    assert [(f.kind, f.person_id) for f in items] == [("promise", 1), ("promise", 2)]  # as before
    assert Note.from_dict(old.to_dict(), id=4) == old
    stored = FollowUp.from_dict({"kind": "intro-ask", "title": "Ask", "due": "2025-01-03", "person_id": 1})
    assert stored.consent == "" and FollowUp.from_dict(stored.to_dict()) == stored


def test_the_core_refuses_an_unaddressed_promise_on_a_note_about_several_people() -> None:
    with pytest.raises(CompanionError, match="say whom the promise 'send slides' is for"):
        NoteActions(promises=("send slides",)).check_addressed([1, 2])
    NoteActions(promises=("send slides",)).check_addressed([1])  # the only person: fine


def test_the_store_saves_nothing_for_an_unaddressed_promise_on_a_note_about_several_people(store: Store) -> None:
    ids = [person(store, "Priya Raman").id, person(store, "Linus Berg").id]
    with pytest.raises(CompanionError, match="say whom"):
        store.add_note("Panel", ids, actions=NoteActions(thank=True, promises=("send slides",)), now=NOW)
    assert store.notes() == [] and store.followups() == []


def test_cli_done_when_two_speakers_thanks_a_promise_and_an_introduction(cli: Cli, store: Store) -> None:
    result = cli("note", "add", "Supply-chain panel", "--person", "Priya", "--person", "Linus", "--thank",
                 "--promise", "Linus: send Linus our audit checklist", "--intro", "Priya: Ada")
    assert result.code == 0, result.err
    items = store.followups()
    assert kinds_and_people(store, items) == [
        ("intro-ask", "Priya Raman", "Ada Lovelace"),
        ("promise", "Linus Berg", "send Linus our audit checklist"),
        ("thank", "Linus Berg", ""),
        ("thank", "Priya Raman", ""),
    ]
    assert "Promised Priya" not in result.out


def test_cli_a_promise_named_for_the_only_person_loses_the_name(cli: Cli, store: Store) -> None:
    assert cli("note", "add", "Chat", "--person", "Priya", "--promise", "Priya: send the link: https://x.example").code == 0
    (item,) = store.followups()
    assert item.detail == "send the link: https://x.example"
    assert cli("note", "add", "Chat", "--person", "Priya", "--promise", "note: the slides").code == 0
    assert store.followups()[-1].detail == "note: the slides"  # not a name: the words as typed


@pytest.mark.parametrize("flag, text, what", [
    ("--promise", "send slides", "promise"),
    ("--promise", "Omar: send slides", "promise"),  # not one of the note's people
    ("--intro", "Ada Lovelace", "introduction"),
])
def test_cli_an_unaddressed_promise_on_a_note_about_several_people_is_one_line_and_saves_nothing(
    cli: Cli, store: Store, flag: str, text: str, what: str
) -> None:
    error = assert_one_line_error(cli("note", "add", "Panel", "--person", "Priya", "--person", "Linus", flag, text))
    assert f"say whom the {what}" in error and "NAME: what" in error and "'Priya Raman'" in error
    assert store.notes() == [] and store.followups() == []


# --- item 3: double opt-in, honestly ---------------------------------------------------------------


def add_intro(store: Store, ask: str = "other") -> list[FollowUp]:
    priya = person(store, "Priya Raman")
    _, items = store.add_note("Priya should meet Ada", [priya.id],
                              actions=NoteActions(intros=(ForPerson("Ada Lovelace", priya.id, ask),)), now=NOW)
    return items


def draft_of(store: Store, item: FollowUp) -> str:
    from companion.cards import followup_draft

    draft = followup_draft(store, item)
    return draft.text()


def state(store: Store, item: FollowUp) -> str:
    item = store.followup(item.id)
    return intro_state(item, store.intro_thread(item), store.person(item.person_id).name)


def test_an_ask_marked_done_is_asked_and_waits_the_introduction_comes_only_after_the_yes(store: Store) -> None:
    (ask,) = add_intro(store)
    assert state(store, ask) == "ask Ada Lovelace"
    assert [f.status for f in store.set_followup_status(ask.id, "done", now=NOW)] == ["waiting"]
    assert "intro" not in {f.kind for f in store.followups()}
    assert state(store, ask) == "asked Ada Lovelace, waiting"
    changed = store.answer_followup(ask.id, "yes", now=NOW)
    assert [(f.kind, f.status, f.consent) for f in changed] == [("intro-ask", "done", "yes"), ("intro", "open", "other")]
    intro = changed[1]
    assert state(store, intro) == "Ada Lovelace said yes"
    text = draft_of(store, intro)
    assert "Ada, thank you for saying yes to this introduction." in text
    assert "both" not in text.lower().replace("hi both", "")
    assert store.answer_followup(ask.id, "yes", now=NOW)[1:] == []  # never a second introduction
    assert [f.kind for f in store.followups()].count("intro") == 1


def test_both_asked_the_introduction_waits_for_both_yeses_and_thanks_both(store: Store) -> None:
    asks = {f.kind: f for f in add_intro(store, "both")}
    assert set(asks) == {"intro-ask", "intro-ask-person"}
    assert "Ask Priya Raman whether they would like an introduction to Ada Lovelace" == asks["intro-ask-person"].title
    ask_priya = draft_of(store, asks["intro-ask-person"])
    assert ask_priya.startswith("Subject: Would you like an introduction to Ada Lovelace?")
    assert "Hi Priya," in ask_priya and "unless you say yes" in ask_priya
    store.set_followup_status(asks["intro-ask"].id, "done", now=NOW)
    assert store.answer_followup(asks["intro-ask-person"].id, "yes", now=NOW)[1:] == []  # Ada has not answered
    assert state(store, asks["intro-ask"]) == "asked Ada Lovelace, waiting; Priya Raman said yes"
    changed = store.answer_followup(asks["intro-ask"].id, "yes", now=NOW)
    intro = changed[-1]
    assert intro.kind == "intro" and intro.consent == "both"
    assert "Thank you both for saying yes to this introduction." in draft_of(store, intro)


def test_a_no_ends_the_introduction_kindly_and_nothing_implies_a_yes(store: Store) -> None:
    asks = {f.kind: f for f in add_intro(store, "both")}
    store.answer_followup(asks["intro-ask-person"].id, "yes", now=NOW)
    changed = store.answer_followup(asks["intro-ask"].id, "no", now=NOW)
    assert [(f.kind, f.status) for f in changed] == [("intro-ask", "dropped")]
    assert "intro" not in {f.kind for f in store.followups()}
    assert store.followups(statuses=("open", "waiting")) == []
    assert state(store, asks["intro-ask"]) == "Ada Lovelace declined; Priya Raman said yes"


def test_silence_dropping_an_ask_ends_the_other_ask_too(store: Store) -> None:
    asks = {f.kind: f for f in add_intro(store, "both")}
    changed = store.set_followup_status(asks["intro-ask"].id, "dropped", now=NOW)
    assert {(f.kind, f.status) for f in changed} == {("intro-ask", "dropped"), ("intro-ask-person", "dropped")}
    assert state(store, asks["intro-ask"]) == "no answer from Ada Lovelace; ended"
    assert store.followups(statuses=("open", "waiting")) == []


def test_an_introduction_planned_before_answers_were_recorded_thanks_nobody() -> None:
    intro = FollowUp(kind="intro", title="Introduce", due=TODAY, person_id=1, other="Ada Lovelace")
    body = draft_for(intro, Person(name="Priya Raman", id=1), None, None, Person(name="Ada Lovelace")).body
    assert "saying yes" not in body and "thank" not in body.lower()
    assert "Ada, meet Priya Raman." in body


def test_only_an_ask_records_an_answer(store: Store) -> None:
    priya = person(store, "Priya Raman")
    _, (thank,) = store.add_note("x", [priya.id], actions=NoteActions(thank=True), now=NOW)
    with pytest.raises(CompanionError, match="not an introduction ask"):
        store.answer_followup(thank.id, "yes", now=NOW)


def test_cli_yes_and_no_and_the_queue_shows_where_each_introduction_stands(cli: Cli, store: Store) -> None:
    assert cli("note", "add", "Priya and Ada", "--person", "Priya", "--intro", "Ada", "--ask", "both").code == 0
    asks = {f.kind: f for f in store.followups()}
    listed = cli("followups").out
    assert "[ask Ada Lovelace; ask Priya Raman]" in listed
    result = cli("followups", "done", asks["intro-ask"].id)
    assert result.code == 0 and "asked Ada Lovelace, waiting" in result.out
    assert f"companion followups yes {asks['intro-ask'].id}" in result.out
    assert "[asked Ada Lovelace, waiting; ask Priya Raman]" in cli("followups").out
    result = cli("followups", "yes", asks["intro-ask-person"].id)
    assert result.code == 0 and "Priya Raman said yes" in result.out and "next:" not in result.out
    result = cli("followups", "yes", asks["intro-ask"].id)
    assert result.code == 0 and "next: #" in result.out and "Introduce Priya Raman and Ada Lovelace" in result.out
    assert "[both said yes]" in cli("followups").out
    error = assert_one_line_error(cli("followups", "no", store.followups(statuses=("open",))[0].id))
    assert "not an introduction ask" in error


def test_cli_no_ends_it(cli: Cli, store: Store) -> None:
    assert cli("note", "add", "Priya and Ada", "--person", "Priya", "--intro", "Ada").code == 0
    (ask,) = store.followups()
    result = cli("followups", "no", ask.id)
    assert result.code == 0 and "Ada Lovelace declined" in result.out and "nothing is sent" in result.out
    assert "Nothing to follow up." in cli("followups").out


def test_silence_after_asking_ends_the_introduction_kindly_after_two_weeks(store: Store) -> None:
    from datetime import timedelta

    asks = {f.kind: f for f in add_intro(store, "both")}
    store.set_followup_status(asks["intro-ask"].id, "done", now=NOW)  # asked Ada
    store.answer_followup(asks["intro-ask-person"].id, "yes", now=NOW)  # Priya said yes
    assert store.close_stale_nudges(TODAY + timedelta(days=7), now=NOW + timedelta(days=7)) == []  # still waiting
    closed = store.close_stale_nudges(TODAY + timedelta(days=15), now=NOW + timedelta(days=15))
    assert [(f.kind, f.status) for f in closed] == [("intro-ask", "dropped")]
    assert state(store, asks["intro-ask"]) == "no answer from Ada Lovelace; Priya Raman said yes"
    assert "intro" not in {f.kind for f in store.followups()}  # no introduction implies a yes never given
    assert store.followups(statuses=("open", "waiting")) == []
