"""Screens receive: they reload on DataChanged (a change made elsewhere shows up), and showing a
screen writes nothing; stale nudges are closed by the app's clock, not by a visit."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo


from companion.followups import NoteActions
from companion.models import Person
from companion.store import Store
from screens.app import CompanionApp
from support import CONFERENCE_MORNING
from screens.rowlist import RowList

BERLIN = ZoneInfo("Europe/Berlin")
NOW = CONFERENCE_MORNING


def names_listed(app: CompanionApp) -> list[str]:
    rows = app.screen.query_one("#people", RowList)
    return [str(rows.row(index)[0]) for index in range(rows.row_count)]


async def test_a_change_made_outside_the_screen_shows_once_data_changed_is_posted(demo_store: Store) -> None:
    app = CompanionApp(store=demo_store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        assert "Zora Outsider" not in names_listed(app)
        Store(demo_store.data_dir).add_people([Person(name="Zora Outsider")])  # another process
        app.data_changed()
        await pilot.pause()
        assert "Zora Outsider" in names_listed(app)


async def test_showing_every_screen_writes_nothing(demo_store: Store) -> None:
    stale_day = NOW - timedelta(days=40)
    demo_store.add_note("Wrote to Priya", [demo_store.search_people("Priya Raman")[0][0].id],
                   actions=NoteActions(waiting=True), now=stale_day)
    app = CompanionApp(store=demo_store, clock=lambda: NOW)
    app.close_stale_nudges = lambda: None  # type: ignore[method-assign]  # the clock's work, tested below
    manifest = demo_store.data_dir / "user.json"
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        before = manifest.read_bytes()
        for key in ("2", "3", "4", "1", "4"):
            await pilot.press(key)
            await pilot.pause()
        assert manifest.read_bytes() == before


async def test_the_app_closes_stale_nudges_when_it_starts_and_says_so(demo_store: Store) -> None:
    _, items = demo_store.add_note("Wrote to Priya", [demo_store.search_people("Priya Raman")[0][0].id],
                              actions=NoteActions(waiting=True), now=NOW - timedelta(days=40))
    app = CompanionApp(store=demo_store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert demo_store.followup(items[0].id).status == "dropped"
        assert any("no reply, and that is fine" in str(n.message) for n in app._notifications)
