"""Notes and the follow-up queue in the app: n anywhere, the toggles, editing with undo, d/z/w/x/c."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual.widgets import Input, Select, Static, TextArea

from companion.demo import build_demo_store
from companion.store import Store
from screens.app import CompanionApp
from screens.modals import DateModal, NoteModal, NotesModal
from screens.rowlist import RowList

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 3, 10, 45, tzinfo=BERLIN)  # the 10:00-10:40 talks have just ended


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return build_demo_store(tmp_path / "demo", today=date(2026, 12, 3), now=NOW)


async def test_n_on_the_schedule_prefills_the_session_and_its_speakers(store: Store) -> None:
    app = CompanionApp(store=store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2", "home", "down", "n")  # the packaging talk by Priya Raman
        await pilot.pause()
        assert isinstance(app.screen, NoteModal)
        assert app.focused is app.screen.query_one("#note-text", TextArea)
        assert app.screen.query_one("#note-people", Input).value == "Priya Raman"
        await pilot.press(*"Great talk on lockfiles")
        await pilot.click("#note-thank")
        app.screen.query_one("#note-promises", Input).value = "our CI config; the benchmark"
        app.screen.query_one("#note-intros", Input).value = "Omar Haddad"
        await pilot.press("ctrl+s")
        await pilot.pause()
        note = store.notes()[-1]
        assert note.text == "Great talk on lockfiles" and note.session_id == "nwoss26-002@northwind.example"
        priya = next(p for p in store.people() if p.name == "Priya Raman")
        kinds = sorted(f.kind for f in store.followups() if f.note_id == note.id)
        assert kinds == ["intro-ask", "promise", "promise", "thank"]
        assert note.person_ids == [priya.id]
        assert "Great talk on lockfiles" in str(app.screen.query_one("#session-detail", Static).visual)


async def test_a_note_can_name_someone_new_and_several_people(store: Store) -> None:
    app = CompanionApp(store=store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "n")
        await pilot.pause()
        await pilot.press(*"Hallway chat about TUIs")
        app.screen.query_one("#note-people", Input).value = "Kenji, Dana Newperson"
        await pilot.click("#note-waiting")
        await pilot.press("ctrl+s")
        await pilot.pause()
        note = store.notes()[-1]
        names = sorted(store.person(i).name for i in note.person_ids)
        assert names == ["Dana Newperson", "Kenji Watanabe"]
        nudges = [f for f in store.followups() if f.note_id == note.id]
        assert [f.kind for f in nudges] == ["nudge", "nudge"]


async def test_escape_cancels_a_note_and_saves_nothing(store: Store) -> None:
    before = len(store.notes())
    app = CompanionApp(store=store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", *"never mind", "escape", "y")  # typed text: escape asks first
        await pilot.pause()
        assert len(store.notes()) == before
        assert not isinstance(app.screen, NoteModal)


async def test_a_starred_session_ending_offers_a_note(store: Store) -> None:
    store.set_star("nwoss26-002@northwind.example", True)
    clock = {"now": NOW - timedelta(minutes=10)}
    app = CompanionApp(store=store, clock=lambda: clock["now"])
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        clock["now"] = NOW
        app.check_ended_sessions()
        await pilot.pause()
        assert any("just ended" in n.message for n in app._notifications)
        await pilot.press("1", "n")
        await pilot.pause()
        assert "The State of Python Packaging" in str(app.screen.query_one(Static).visual)
        assert app.screen.query_one("#note-people", Input).value == "Priya Raman"


async def test_notes_are_edited_and_deleted_with_undo(store: Store) -> None:
    app = CompanionApp(store=store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        people = app.screen.query_one("#people", RowList)
        names = [str(people.row(i)[0]) for i in range(people.row_count)]
        for _ in range(names.index("Tomasz Wierzbicki")):
            await pilot.press("down")
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, NotesModal)
        tomasz = next(p for p in store.people() if p.name == "Tomasz Wierzbicki")
        note = store.notes(person_id=tomasz.id)[0]
        await pilot.press("e")
        await pilot.pause()
        area = app.screen.query_one("#edit-note", TextArea)
        area.text = "Sampling config: 10% head-based"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert store.note(note.id).text == "Sampling config: 10% head-based"
        await pilot.press("delete")
        await pilot.pause()
        assert all(n.id != note.id for n in store.notes())
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert store.note(note.id).text == "Sampling config: 10% head-based"


async def test_followup_keys_done_wait_drop_snooze_and_copy(store: Store) -> None:
    app = CompanionApp(store=store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("4")
        await pilot.pause()
        rows = app.screen.query_one("#followups", RowList)
        first_title = str(rows.row(0)[2])
        assert first_title.startswith("Ask Liam O'Brien")  # due today: first
        assert "Subject:" in str(app.screen.query_one("#draft", Static).visual)
        await pilot.press("c")
        assert app.clipboard.startswith("Subject:")
        await pilot.press("d")  # asked: the introduction waits for Liam's answer
        await pilot.pause()
        ask = next(f for f in store.followups() if f.title.startswith("Ask Liam"))
        assert ask.status == "waiting"
        assert not any(f.kind == "intro" for f in store.followups())
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert store.followup(ask.id).status == "open"
        await pilot.press("w")  # the undo selected the ask again
        assert next(f for f in store.followups() if f.id == ask.id).status == "waiting"
        await pilot.press("home", "z")
        await pilot.pause()
        assert isinstance(app.screen, DateModal)
        field = app.screen.query_one("#date", Input)
        field.value = "+5"
        await pilot.press("enter")
        await pilot.pause()
        snoozed = [f for f in store.followups() if f.due == NOW.date() + timedelta(days=5)]
        assert snoozed
        await pilot.press("x")
        assert sum(1 for f in store.followups() if f.status == "dropped") == 1


async def test_the_queue_shows_where_an_introduction_stands_and_records_each_yes(store: Store) -> None:
    app = CompanionApp(store=store, clock=lambda: NOW)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await pilot.press("4")
        await pilot.pause()
        rows = app.screen.query_one("#followups", RowList)
        assert str(rows.row(0)[2]).startswith("Ask Liam O'Brien")
        assert str(rows.row(0)[2]).endswith("· ask Liam O'Brien")
        await pilot.press("d")  # asked
        await pilot.pause()
        ask = next(f for f in store.followups() if f.title.startswith("Ask Liam"))
        index = next(i for i, (_, item) in enumerate(app.screen.items) if item.id == ask.id)
        assert str(rows.row(index)[2]).endswith("· asked Liam O'Brien, waiting")
        rows.cursor = index
        await pilot.pause()
        assert "asked Liam O'Brien, waiting" in str(app.screen.query_one("#draft", Static).visual)
        await pilot.press("y")  # Liam said yes: the introduction, thanking Liam only
        await pilot.pause()
        assert store.followup(ask.id).consent == "yes"
        intro = next(f for f in store.followups() if f.kind == "intro")
        assert intro.consent == "other"
        index = next(i for i, (_, item) in enumerate(app.screen.items) if item.id == intro.id)
        assert str(rows.row(index)[2]).endswith("· Liam O'Brien said yes")
        rows.cursor = index
        await pilot.pause()
        draft = str(app.screen.query_one("#draft", Static).visual)
        assert "Liam, thank you for saying yes to this introduction." in draft and "both" not in draft
        await pilot.press("ctrl+z")  # undo the yes: no introduction, the ask waits again
        await pilot.pause()
        assert store.followup(ask.id).status == "waiting" and store.followup(ask.id).consent == ""
        assert not any(f.kind == "intro" for f in store.followups())
        index = next(i for i, (_, item) in enumerate(app.screen.items) if item.id == ask.id)
        rows.cursor = index
        await pilot.press("N")  # Liam said no: it ends, nothing more
        await pilot.pause()
        assert store.followup(ask.id).status == "dropped" and store.followup(ask.id).consent == "no"
        assert not any(f.kind == "intro" for f in store.followups())
        assert all(item.id != ask.id for _, item in app.screen.items)


async def test_the_note_form_gives_each_promise_and_introduction_its_person(store: Store) -> None:
    app = CompanionApp(store=store, clock=lambda: NOW)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("1", "n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NoteModal)
        await pilot.press(*"Panel on CI")
        form.query_one("#note-people", Input).value = "Priya Raman, Kenji, Dana Newperson"
        await pilot.click("#note-thank")
        form.query_one("#note-promises", Input).value = "our CI config"
        await pilot.pause()
        assert "promise to ?: our CI config" in str(form.query_one("#note-for", Static).visual)
        await pilot.press("ctrl+s")  # for whom? the form says so and keeps everything
        await pilot.pause()
        assert app.screen is form
        error = str(form.query_one("#note-error", Static).visual)
        assert "Say whom the promise 'our CI config' is for: write NAME: our CI config" in error
        assert app.focused is form.query_one("#note-promises", Input)
        before = len(store.notes())
        form.query_one("#note-promises", Input).value = "Kenji: our CI config; Dana: the slides"
        form.query_one("#note-intros", Input).value = "Priya: Omar Haddad"
        await pilot.pause()
        shown = str(form.query_one("#note-for", Static).visual)
        assert "promise to Kenji Watanabe: our CI config" in shown and "promise to Dana Newperson: the slides" in shown
        assert "introduce Priya Raman to Omar Haddad" in shown
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, NoteModal)
        assert len(store.notes()) == before + 1
        note = store.notes()[-1]
        names = {i: store.person(i).name for i in note.person_ids}
        items = sorted((f.kind, names[f.person_id], f.detail or f.other) for f in store.followups() if f.note_id == note.id)
        assert items == [
            ("intro-ask", "Priya Raman", "Omar Haddad"),
            ("promise", "Dana Newperson", "the slides"),
            ("promise", "Kenji Watanabe", "our CI config"),
            ("thank", "Dana Newperson", ""),
            ("thank", "Kenji Watanabe", ""),
            ("thank", "Priya Raman", ""),
        ]
        dana = next(i for i, name in names.items() if name == "Dana Newperson")
        assert {"person_id": dana, "text": "the slides"} in note.promises


async def test_the_note_form_asks_both_when_chosen_and_one_person_needs_no_name(store: Store) -> None:
    app = CompanionApp(store=store, clock=lambda: NOW)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("1", "n")
        await pilot.pause()
        form = app.screen
        await pilot.press(*"Chat")
        form.query_one("#note-people", Input).value = "Priya Raman"
        form.query_one("#note-promises", Input).value = "the benchmark"
        form.query_one("#note-intros", Input).value = "Omar Haddad"
        form.query_one("#note-intro-ask", Select).value = "both"
        await pilot.press("ctrl+s")
        await pilot.pause()
        note = store.notes()[-1]
        kinds = sorted(f.kind for f in store.followups() if f.note_id == note.id)
        assert kinds == ["intro-ask", "intro-ask-person", "promise"]
        assert note.intros[0]["ask"] == "both"
