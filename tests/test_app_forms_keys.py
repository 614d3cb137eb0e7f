"""Keys that never lose typing: escape on a form with something typed asks first (n keeps the form
and the text, y discards), escape on an untouched form closes at once; checkboxes and radio
buttons show their state as text, readable without colour."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox, Input, RadioButton, TextArea

from companion.store import Store
from screens.app import CompanionApp
from screens.modals import ConfirmModal, ImportModal, NoteModal, PersonModal, TalkingPointModal
from support import CONFERENCE_MORNING


def make_app(store: Store) -> CompanionApp:
    return CompanionApp(store=store, clock=lambda: CONFERENCE_MORNING)


async def test_escape_after_typing_a_talking_point_asks_and_no_keeps_the_text(demo_store: Store) -> None:
    points_before = demo_store.talking_points()
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "t")
        await pilot.pause()
        assert isinstance(app.screen, TalkingPointModal)
        await pilot.press(*"her talk on lockfiles", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "Discard what you typed?" in str(app.screen.query_one("Static").render())
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, TalkingPointModal)
        assert app.screen.query_one("#answer-work", Input).value.endswith("her talk on lockfiles")
        await pilot.press("escape", "escape")  # escape on the question is a no as well
        await pilot.pause()
        assert isinstance(app.screen, TalkingPointModal)
        await pilot.press("escape", "y")
        await pilot.pause()
        assert not app.screen.is_modal
    assert demo_store.talking_points() == points_before  # discarded: nothing saved


@pytest.mark.parametrize("keys, form", [(["n"], NoteModal), (["3", "t"], TalkingPointModal),
                                        (["3", "e"], PersonModal), (["i"], ImportModal)])
async def test_escape_on_an_untouched_form_closes_at_once(demo_store: Store, keys: list[str], form: type) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*keys)
        await pilot.pause()
        assert isinstance(app.screen, form)
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.is_modal


async def test_escape_after_typing_a_note_asks_and_no_keeps_the_note(demo_store: Store) -> None:
    notes_before = len(demo_store.notes())
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", *"She offered to review our docs", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteModal)
        assert app.screen.query_one("#note-text", TextArea).text == "She offered to review our docs"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert len(demo_store.notes()) == notes_before + 1  # kept, then saved


async def test_a_ticked_box_alone_counts_as_typing(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#note-waiting", Checkbox).value = True
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)


async def test_a_note_opened_again_after_a_failed_save_asks_before_it_goes(demo_store: Store) -> None:
    from screens.modals import NoteRequest

    draft = NoteRequest(text="typed before the disk filled up", person_ids=(), new_names=(), session_id="",
                        thank=False, promises=(), intros=(), waiting=False)
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(NoteModal([], draft=draft, problem="Disk full."))
        await pilot.pause()
        await pilot.press("escape")  # nothing changed since it opened, but it holds unsaved typing
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)


async def test_checkboxes_show_their_state_as_text(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        box = app.screen.query_one("#note-thank", Checkbox)
        assert str(box.render()).startswith("[ ]")
        assert "thank them tomorrow" in str(box.render())
        await pilot.click("#note-thank")
        await pilot.pause()
        assert box.value
        assert str(box.render()).startswith("[x]")
        unticked = app.screen.query_one("#note-waiting", Checkbox)
        assert str(unticked.render()).startswith("[ ]")


async def test_radio_buttons_show_their_state_as_shape(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        chosen = app.screen.query_one("#kind-auto", RadioButton)
        other = app.screen.query_one("#kind-people", RadioButton)
        assert str(chosen.render()).startswith("(•)") and str(other.render()).startswith("( )")
        await pilot.click("#kind-people")
        await pilot.pause()
        assert str(chosen.render()).startswith("( )") and str(other.render()).startswith("(•)")
