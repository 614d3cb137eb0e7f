"""The app, driven by Pilot: each screen shows the stored data and reacts to its keys."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

from textual.widgets import DataTable, Static

from companion.models import Person
from companion.store import Store
from screens.app import CompanionApp
from support import CONFERENCE_MORNING
from screens.grid import SessionGrid
from screens.rowlist import RowList
from screens.widgets import PersonCardView

BERLIN = ZoneInfo("Europe/Berlin")
# Day one of the sample conference, 10:05 in Berlin: two talks by people on the list are on.
NOW = CONFERENCE_MORNING


def make_app(store: Store) -> CompanionApp:
    return CompanionApp(store=store, clock=lambda: NOW)


def static_text(app: CompanionApp, selector: str) -> str:
    widget = app.screen.query_one(selector, Static)
    return str(widget.visual)


def row_texts(table: DataTable | RowList) -> list[str]:
    if isinstance(table, RowList):
        return [" | ".join(str(cell) for cell in table.row(index)) for index in range(table.row_count)]
    return [" | ".join(str(cell) for cell in table.get_row_at(index)) for index in range(table.row_count)]


async def test_today_shows_now_next_people_to_catch_and_counts(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        now_next = static_text(app, "#now-next")
        assert "The State of Python Packaging in 2026" in now_next
        assert "Building Terminal UIs with Textual" in now_next
        assert "Priya Raman: The State of Python Packaging" in now_next  # a speaker on your list, named first
        catch = static_text(app, "#catch")
        assert "Priya Raman" in catch and "Kenji Watanabe" in catch
        rows = re.findall(r"^  (\d\d:\d\d) .*\((must-meet|hope-to-meet|met)\)", catch, flags=re.MULTILINE)
        to_meet = [at for at, priority in rows if priority != "met"]
        assert len(to_meet) >= 3 and to_meet == sorted(to_meet)  # in the order you can catch them
        met = [priority == "met" for _at, priority in rows]
        assert any(met) and met == sorted(met)  # people already met after everyone else
        due = static_text(app, "#due")
        # The demo notes: a thank-you and a promise for Tomasz (written today, due in 1 and 2 days),
        # an intro ask (written two days ago, due today) and a nudge for Sofia (due in 5 days): her
        # note said "waiting for her reply", so until the nudge is due it counts as waiting.
        assert demo_store.due_counts(NOW.date()) == {"overdue": 0, "today": 1, "upcoming": 2, "waiting": 1}
        assert "0 overdue" in due and "1 due today" in due and "2 upcoming" in due and "1 waiting" in due


async def test_schedule_shows_one_day_at_a_time_and_stars_with_s(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        table = app.screen.query_one("#sessions", RowList)
        assert table.row_count == 26  # Thursday, the day the clock is on
        await pilot.press("right_square_bracket")
        assert table.row_count == 22
        await pilot.press("left_square_bracket")
        assert table.row_count == 26
        await pilot.press("home", "down")  # the list opens at now (row 1, the 10:00 talks): from the top
        await pilot.pause()
        second = row_texts(table)[1]
        assert "The State of Python Packaging in 2026" in second
        detail = static_text(app, "#session-detail")
        assert "Priya Raman" in detail and "on your list" in detail
        await pilot.press("s")
        await pilot.pause()
        assert len(demo_store.starred_ids()) == 1
        assert row_texts(table)[1].startswith("★")
        await pilot.press("s")
        assert demo_store.starred_ids() == set()
        assert not row_texts(table)[1].startswith("★")


async def test_schedule_marks_conflicts_between_starred_sessions(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        table = app.screen.query_one("#sessions", RowList)
        # Rows 1 and 2 are the 10:00 talks in Hall A and Room 101: they overlap.
        await pilot.press("home", "down", "s", "down", "s")
        await pilot.pause()
        rows = row_texts(table)
        assert rows[1].startswith("★ | !") and rows[2].startswith("★ | !")
        assert "conflicts with" in static_text(app, "#session-detail")
        assert "The State of Python Packaging in 2026" in static_text(app, "#session-detail")


async def test_schedule_filter_by_words_room_and_track(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2", "slash")
        await pilot.press(*"packaging")
        await pilot.pause()
        table = app.screen.query_one("#sessions", RowList)
        rows = row_texts(table)
        assert rows and all("ackaging" in row for row in rows)
        await pilot.press("escape")
        assert table.row_count == 26
        await pilot.press("slash", *"room:101", "enter")
        assert table.row_count == 8 and all("Room 101" in row for row in row_texts(table))


async def test_schedule_grid_has_a_column_per_room(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("2", "g")
        await pilot.pause()
        grid = app.screen.query_one("#grid", SessionGrid)
        assert set(grid.time_grid.rooms) == {"Hall A", "Room 101", "Workshop Room", "Foyer"}
        first = grid.time_grid.placements[0]
        assert first.session.start.astimezone(BERLIN).strftime("%H:%M") == "09:00" and "Keynote" in first.session.title
        # The cursor starts on what runs at 10:05, in the first room that has a talk then.
        assert "The State of Python Packaging in 2026" in static_text(app, "#session-detail")
        await pilot.press("up")
        await pilot.pause()
        assert "Keynote" in static_text(app, "#session-detail")


async def test_people_lists_everyone_and_shows_the_card(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        table = app.screen.query_one("#people", RowList)
        assert table.row_count == 16
        names = [row.split(" | ")[0] for row in row_texts(table)]
        target = names.index("Priya Raman")
        for _ in range(target):
            await pilot.press("down")
        await pilot.pause()
        card = str(app.screen.query_one(PersonCardView).visual)
        assert "Priya Raman" in card
        assert "lockfiles for applications" in card
        assert "catch them at 10:40" in card
        assert "ready" in row_texts(table)[target]


async def test_followups_screen_lists_open_items(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        table = app.screen.query_one("#followups", RowList)
        rows = row_texts(table)
        assert len(rows) == len(demo_store.followups(statuses=("open", "waiting"))) == 4
        assert any("Thank Tomasz Wierzbicki" in row for row in rows)
        assert any("Ask Liam O'Brien whether they would like an introduction" in row for row in rows)


async def test_quit_and_screen_keys(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        for key, mode in (("2", "schedule"), ("3", "people"), ("4", "followups"), ("1", "today")):
            await pilot.press(key)
            assert app.current_mode == mode
        await pilot.press("q")
    assert app.return_code == 0


async def test_hostile_text_is_shown_literally(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    hostile = "Eve [@click=app.quit]Quit[/] [link=file:///etc/passwd]x[/link] \x1b]0;pwned\x07\u202eevil"
    store.add_people([Person(name=hostile, affiliation="[b]Bold[/b] [/]")])
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        table = app.screen.query_one("#people", RowList)
        row = row_texts(table)[0]
        assert "[@click=app.quit]Quit[/]" in row
        assert "\x1b" not in row and "\u202e" not in row and "\x07" not in row
        card = str(app.screen.query_one(PersonCardView).visual)
        assert "[@click=app.quit]Quit[/]" in card and "[/]" in card
        await pilot.click("#card")
        await pilot.pause()
        assert app.is_running
