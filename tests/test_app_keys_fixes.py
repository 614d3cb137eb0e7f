"""Keys a tester found wrong: Down/Up from the People filter to the list, where the Follow-ups
cursor lands after each key that acts on an item, the snooze form's date line as typed, and the
import form's Tab completion, kept path and unknown files."""

from __future__ import annotations

from textual.widgets import Input

from companion.store import Store
from screens.app import CompanionApp
from screens.rowlist import RowList
from support import CONFERENCE_MORNING


def make_app(store: Store) -> CompanionApp:
    return CompanionApp(store=store, clock=lambda: CONFERENCE_MORNING)


# People: the filter's Down and Up ------------------------------------------------------------


async def test_down_and_up_leave_the_people_filter_for_the_list(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("3", "slash", "g", "r")
        await pilot.pause()
        field = app.screen.query_one("#people-filter", Input)
        rows = app.screen.query_one("#people", RowList)
        assert app.focused is field
        await pilot.press("down")
        assert app.focused is rows
        person = app.screen.selected_person()
        assert person is not None
        before = person.priority
        await pilot.press("p")
        await pilot.pause()
        assert field.value == "gr"  # p did not type into the filter
        assert demo_store.person(person.id).priority != before  # it changed the priority
        await pilot.press("slash")
        assert app.focused is field
        await pilot.press("up")
        assert app.focused is rows
        assert field.value == "gr"
