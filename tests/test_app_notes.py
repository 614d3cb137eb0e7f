"""Notes and the follow-up queue in the app: n anywhere, the toggles, editing with undo, d/z/w/x/c."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual.widgets import Input, Static, TextArea

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
        await pilot.press("2", "down", "n")  # the packaging talk by Priya Raman
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
        await pilot.press("n", *"never mind", "escape")
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
        await pilot.press("d")  # they agreed: the introduction itself is next
        await pilot.pause()
        titles = [f.title for f in store.followups(statuses=("open",))]
        assert any(t.startswith("Introduce Sofia Lindqvist and Liam O'Brien") for t in titles)
        await pilot.press("ctrl+z")
        await pilot.pause()
        ask = next(f for f in store.followups() if f.title.startswith("Ask Liam"))
        assert ask.status == "open"
        await pilot.press("home", "w")  # the reload keeps the selection by which follow-up it is: back to the ask
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
