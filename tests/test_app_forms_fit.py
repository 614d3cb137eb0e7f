"""Forms that fit: at 80x24 every field of the talking-point and note forms is reachable by tab and
drawn on screen when focused (not under the form's title or foot, not cut on the right), the coach's
advice shows under the answer being typed from the first field on, and a wide terminal gets a
wide form, not a narrow column."""

from __future__ import annotations

from textual.app import App
from textual.widget import Widget

from companion.store import Store
from screens.app import CompanionApp
from screens.modals import (
    ConfirmModal,
    DateModal,
    EditNoteModal,
    ImportModal,
    NoteModal,
    NotesModal,
    PersonModal,
    TalkingPointModal,
)
from support import CONFERENCE_MORNING

TALKING_POINT_FIELDS = ["answer-work", "answer-how", "answer-question", "answer-offer", "answer-common"]
NOTE_FIELDS = ["note-text", "note-people", "note-thank", "note-promises", "note-intros", "note-intro-ask",
               "note-waiting", "note-tell-later"]


def drawn(app: App, widget: Widget) -> bool:
    """True when ``widget`` is what the screen shows at its top-left and bottom-right cells, all
    inside the terminal: nothing covers it (a docked title or foot) and nothing of it is cut."""
    region = widget.region
    width, height = app.size
    if region.width == 0 or region.height == 0 or region.right > width or region.bottom > height:
        return False
    for x, y in ((region.x, region.y), (region.right - 1, region.bottom - 1)):
        shown, _ = app.screen.get_widget_at(x, y)
        if shown is not widget and widget not in shown.ancestors:
            return False
    return True


async def tab_through(pilot, app: App, ids: list[str]) -> list[str]:  # noqa: ANN001
    """Press tab until each of ``ids`` has had focus; the ids that were not drawn when focused."""
    hidden, seen = [], set()
    for _ in range(3 * len(ids) + 5):
        focused = app.focused
        if focused is not None and focused.id in ids and focused.id not in seen:
            seen.add(focused.id)
            if not drawn(app, focused):
                hidden.append(focused.id)
        if seen == set(ids):
            break
        await pilot.press("tab")
        await pilot.pause()
    assert seen == set(ids), f"never reached by tab: {sorted(set(ids) - seen)}"
    return hidden


def make_app(store: Store) -> CompanionApp:
    return CompanionApp(store=store, clock=lambda: CONFERENCE_MORNING)


async def test_every_talking_point_field_is_reachable_and_shown_at_80x24(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "t")
        await pilot.pause()
        assert isinstance(app.screen, TalkingPointModal)
        assert await tab_through(pilot, app, TALKING_POINT_FIELDS) == []


async def test_every_note_field_is_reachable_and_shown_at_80x24(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteModal)
        assert await tab_through(pilot, app, NOTE_FIELDS) == []


async def test_the_coach_shows_under_the_first_answer_while_it_is_typed(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "t")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "answer-work"
        await pilot.press(*"your talk")  # no title, topic or year: the coach flags it
        await pilot.pause()
        flag = app.screen.query_one("#flag-work")
        assert "Say which piece of their work" in str(flag.render())
        assert drawn(app, flag)
        assert drawn(app, app.focused)
        assert flag.region.y > app.focused.region.y  # under the answer being typed
        coach = app.screen.query_one("#coach")  # the coach's summary, from the first field on
        assert "strengthen the work" in str(coach.render()) and drawn(app, coach)


async def test_the_coach_shows_beside_the_answer_on_a_wide_terminal(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.press("3", "t")
        await pilot.pause()
        await pilot.press(*"your talk")
        await pilot.pause()
        flag, answer = app.screen.query_one("#flag-work"), app.focused
        assert answer is not None and drawn(app, flag) and drawn(app, answer)
        assert flag.region.x >= answer.region.right and flag.region.y == answer.region.y


async def test_the_last_field_keeps_its_advice_on_screen_at_80x24(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "t")
        await pilot.pause()
        await tab_through(pilot, app, ["answer-question"])
        await pilot.press(*"can we grab a coffee sometime")  # a meeting with no agenda: flagged
        await pilot.pause()
        flag = app.screen.query_one("#flag-question")
        assert str(flag.render()).startswith("coach:")
        assert drawn(app, flag)


async def test_forms_use_the_width_of_a_wide_terminal_and_fit_a_small_one(demo_store: Store) -> None:
    for size in ((80, 24), (200, 50)):
        app = make_app(demo_store)
        async with app.run_test(size=size) as pilot:
            widths = {}
            for keys, kind in ((["3", "t"], TalkingPointModal), (["n"], NoteModal), (["i"], ImportModal),
                               (["3", "e"], PersonModal)):
                await pilot.press(*keys)
                await pilot.pause()
                assert isinstance(app.screen, kind)
                frame = app.screen.query_one(".form")
                assert frame.region.right <= size[0] and frame.region.bottom <= size[1], (kind, frame.region)
                widths[kind.__name__] = frame.region.width
                await pilot.press("escape")
                await pilot.pause()
            if size == (80, 24):
                assert all(width >= 76 for width in widths.values()), widths  # all of a small terminal
            else:
                assert all(width >= 110 for width in widths.values()), widths  # not a narrow column


async def test_the_other_modals_fit_80x24(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        for modal in (ConfirmModal("Remove someone? " * 8), DateModal("Snooze until", CONFERENCE_MORNING.date()),
                      EditNoteModal("a note\n" * 30), NotesModal("Notes about someone", demo_store.notes())):
            await app.push_screen(modal)
            await pilot.pause()
            frame = modal.query_one(".form") if not isinstance(modal, (ConfirmModal, NotesModal)) else modal.children[0]
            assert frame.region.right <= 80 and frame.region.bottom <= 24, (type(modal).__name__, frame.region)
            for field in modal.query("Input, TextArea, Button, RowList"):
                assert field.region.right <= 80, (type(modal).__name__, field)
            modal.dismiss(None)
            await pilot.pause()
