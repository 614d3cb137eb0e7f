"""Snoozing (issue 15, item 5): one reading of "until when" for the command line and the app, a
dialog that opens on a day that moves the follow-up on and says what it accepts before typing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual.widgets import Input, Static

from companion.demo import build_demo_store
from companion.followups import NoteActions, SnoozeDateError, parse_until, snooze_default
from companion.store import Store
from screens.app import CompanionApp
from screens.modals import DateModal
from screens.rowlist import RowList
from support import SAMPLE_DIR, CliResult, assert_one_line_error

SUNDAY = date(2026, 12, 6)
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 3, 10, 45, tzinfo=BERLIN)  # a Thursday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-01-04", date(2027, 1, 4)),
        ("+2", date(2026, 12, 8)),
        ("+0", SUNDAY),
        (" +14 ", date(2026, 12, 20)),
        ("today", SUNDAY),
        ("tomorrow", date(2026, 12, 7)),
        ("mon", date(2026, 12, 7)),
        ("Monday", date(2026, 12, 7)),
        ("FRI", date(2026, 12, 11)),
        ("thu", date(2026, 12, 10)),
        ("sun", date(2026, 12, 13)),  # the next Sunday, never today
        ("sunday", date(2026, 12, 13)),
    ],
)
def test_parse_until_reads_a_date_plus_days_and_weekdays(text: str, expected: date) -> None:
    assert parse_until(text, SUNDAY) == expected


@pytest.mark.parametrize("text", ["next week", "2026-13-45", "+", "+-2", "+2d", "m", "mo", "t", "", "+9999999"])
def test_parse_until_names_the_accepted_forms(text: str) -> None:
    with pytest.raises(SnoozeDateError) as error:
        parse_until(text, SUNDAY)
    assert "+N" in str(error.value) and "weekday" in str(error.value)


def test_parse_until_refuses_the_past_and_the_edges_of_the_calendar() -> None:
    with pytest.raises(SnoozeDateError, match="in the past"):
        parse_until("2026-12-05", SUNDAY)
    with pytest.raises(SnoozeDateError, match="9999-12-31"):
        parse_until("9999-12-31", SUNDAY)


def test_snooze_offers_tomorrow_or_the_day_after_a_later_due_date() -> None:
    assert snooze_default(SUNDAY - timedelta(days=3), SUNDAY) == SUNDAY + timedelta(days=1)  # overdue
    assert snooze_default(SUNDAY, SUNDAY) == SUNDAY + timedelta(days=1)
    assert snooze_default(SUNDAY + timedelta(days=5), SUNDAY) == SUNDAY + timedelta(days=6)  # never back


@pytest.fixture
def thank_id(cli, isolated_data_dir: Path) -> int:  # noqa: ANN001
    assert cli("import", "schedule", SAMPLE_DIR / "conference.ics").code == 0
    assert cli("import", "people", SAMPLE_DIR / "people.csv").code == 0
    assert cli("note", "add", "Good chat", "--person", "Priya", "--thank").code == 0
    return next(f.id for f in Store(isolated_data_dir).followups() if f.kind == "thank")


@pytest.mark.parametrize(
    ("until", "days"),
    [("+2", 2), ("+0", 0), ("tomorrow", 1)],
)
def test_cli_snooze_accepts_plus_days(cli, thank_id: int, isolated_data_dir: Path, until: str, days: int) -> None:  # noqa: ANN001
    result: CliResult = cli("followups", "snooze", thank_id, "--until", until)
    assert result.code == 0, result.err
    assert Store(isolated_data_dir).followup(thank_id).due == date.today() + timedelta(days=days)


def test_cli_snooze_accepts_weekday_names(cli, thank_id: int, isolated_data_dir: Path) -> None:  # noqa: ANN001
    assert cli("followups", "snooze", thank_id, "--until", "mon").code == 0
    due = Store(isolated_data_dir).followup(thank_id).due
    assert due.weekday() == 0 and 1 <= (due - date.today()).days <= 7
    assert cli("followups", "snooze", thank_id, "--until", "friday").code == 0
    due = Store(isolated_data_dir).followup(thank_id).due
    assert due.weekday() == 4 and 1 <= (due - date.today()).days <= 7


def test_cli_snooze_refusal_says_what_is_accepted(cli, thank_id: int) -> None:  # noqa: ANN001
    line = assert_one_line_error(cli("followups", "snooze", thank_id, "--until", "soonish"))
    assert "soonish" in line and "+N" in line and "weekday" in line


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return build_demo_store(tmp_path / "demo", today=date(2026, 12, 3), now=NOW)


async def _open_snooze(app: CompanionApp, pilot) -> DateModal:  # noqa: ANN001
    await pilot.press("4")
    await pilot.pause()
    await pilot.press("home", "z")
    await pilot.pause()
    assert isinstance(app.screen, DateModal)
    return app.screen


async def test_the_dialog_opens_on_tomorrow_and_shows_the_forms_before_typing(store: Store) -> None:
    app = CompanionApp(store=store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        first = app.screen.items[0][1]
        modal = await _open_snooze(app, pilot)
        expected = max(NOW.date(), first.due) + timedelta(days=1)
        assert modal.query_one("#date", Input).value == expected.isoformat()
        assert expected != first.due  # accepting it changes something
        forms = str(modal.query_one("#date-forms", Static).visual)
        assert "+N" in forms and "mon" in forms and "YYYY-MM-DD" in forms
        assert str(modal.query_one("#date-error", Static).visual) == ""
        await pilot.press("enter")
        await pilot.pause()
        assert store.followup(first.id).due == expected


async def test_the_dialog_opens_after_a_later_due_date(store: Store) -> None:
    person = store.people()[0]
    _note, (later,) = store.add_note("x", [person.id], actions=NoteActions(waiting=True, nudge_days=14), now=NOW)
    app = CompanionApp(store=store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        rows = app.screen.query_one("#followups", RowList)
        rows.cursor = next(i for i, (_, item) in enumerate(app.screen.items) if item.id == later.id)
        await pilot.press("z")
        await pilot.pause()
        assert isinstance(app.screen, DateModal)
        assert app.screen.query_one("#date", Input).value == (later.due + timedelta(days=1)).isoformat()


async def test_the_dialog_accepts_a_weekday_and_refuses_with_the_forms(store: Store) -> None:
    app = CompanionApp(store=store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        first = app.screen.items[0][1]
        modal = await _open_snooze(app, pilot)
        modal.query_one("#date", Input).value = "next week"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is modal
        assert "weekday" in str(modal.query_one("#date-error", Static).visual)
        modal.query_one("#date", Input).value = "mon"
        await pilot.press("enter")
        await pilot.pause()
        assert store.followup(first.id).due == date(2026, 12, 7)  # the Monday after Thursday the 3rd
