"""Importing from inside the app: the i key, a modal, a worker, a notification."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from companion.store import Store
from screens.app import CompanionApp
from screens.rowlist import RowList

SAMPLE = Path(__file__).resolve().parent.parent / "sample_schedules"
NOW = datetime(2026, 12, 3, 10, 5, tzinfo=ZoneInfo("Europe/Berlin"))


async def import_through_modal(pilot, source: str, *, people: bool = False) -> None:  # noqa: ANN001
    await pilot.press("i")
    await pilot.pause()
    await pilot.press(*source)
    if people:
        await pilot.click("#kind-people")
    await pilot.press("ctrl+s")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_import_a_schedule_and_people_from_the_app(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    app = CompanionApp(store=store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await import_through_modal(pilot, str(SAMPLE / "conference.ics"))
        assert len(store.sessions()) == 48
        assert any("48 sessions" in n.message for n in app._notifications)
        await import_through_modal(pilot, str(SAMPLE / "people.csv"), people=True)
        assert len(store.people()) == 16
        await pilot.press("2")
        await pilot.pause()
        assert app.screen.query_one("#sessions", RowList).row_count == 26
        assert "Northwind" in app.sub_title


async def test_a_bad_file_is_one_error_notification_and_changes_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    bad = tmp_path / "bad.ics"
    bad.write_text("BEGIN:VCALENDAR\nVERSION:2.0\n")
    app = CompanionApp(store=store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await import_through_modal(pilot, str(bad))
        errors = [n for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and "bad.ics" in errors[0].message
        assert "\n" not in errors[0].message
        assert store.conferences() == []
        assert app.is_running


async def test_escape_cancels_the_import(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    app = CompanionApp(store=store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        await pilot.press(*"whatever.ics", "escape", "y")  # a path typed: escape asks first
        await pilot.pause()
        assert store.conferences() == []
        assert not app.screen.is_modal
