"""The room grid on a big conference (100 rooms, 1,500 sessions, generated): it opens at now,
keeps its time column and room header while scrolling, gives a long session more rows than a
short one, and shows the rooms in the schedule's own order."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from companion.agenda import TimeGrid, now_position
from companion.importers import ParsedSchedule
from companion.models import Session
from companion.schedules import save_parsed_schedule
from companion.store import Store
from screens.app import CompanionApp
from screens.grid import COLUMN_WIDTH, TIME_WIDTH, SessionGrid
from textual.widgets import Tab, Tabs
from support import BERLIN, REALDATA

ROOMS = 100
SESSIONS = 1500
DAYS = 4
FIRST_DAY = datetime(2026, 12, 27, 10, 0, tzinfo=BERLIN)
LENGTHS = (20, 30, 45, 60, 120)
"""Minutes: a 2-hour session among short talks."""


def room_name(number: int) -> str:
    """Rooms named so that no sort by name gives the file's order back."""
    return f"{'ZYXWVUTSRQ'[number % 10]} Saal {number}"


def big_schedule(rooms: int = ROOMS, sessions: int = SESSIONS, days: int = DAYS) -> ParsedSchedule:
    """Sessions written day by day, room by room (as frab files are): each room's talks follow one
    another from 10:00, of the lengths in LENGTHS in turn."""
    per_room_day = max(1, sessions // (rooms * days))
    made: list[Session] = []
    for day in range(days):
        for room in range(rooms):
            start = FIRST_DAY + timedelta(days=day, minutes=5 * (room % 3))
            for number in range(per_room_day):
                length = LENGTHS[(room + number) % len(LENGTHS)]
                end = start + timedelta(minutes=length)
                made.append(Session(f"s{day}-{room}-{number}", "", f"Talk {number} in {room_name(room)} on day {day}",
                                    start, end, room=room_name(room), track="Track"))
                start = end + timedelta(minutes=10)
    return ParsedSchedule(name="Big Congress", timezone="Europe/Berlin", format="test", sessions=made)


@pytest.fixture
def big_store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "big")
    save_parsed_schedule(store, big_schedule(), "big.xml")
    return store


def app_at(store: Store, now: datetime) -> CompanionApp:
    return CompanionApp(store=store, clock=lambda: now)


async def open_grid(pilot) -> SessionGrid:  # noqa: ANN001
    await pilot.press("2", "g")
    await pilot.pause()
    return pilot.app.screen.query_one("#grid", SessionGrid)


def line(grid: SessionGrid, y: int) -> str:
    return grid.render_line(y).text


def in_view(grid: SessionGrid) -> bool:
    """The cursor's session is on screen: its whole column, and some of its rows."""
    placement = grid.cursor
    assert placement is not None
    x, y = grid.scroll_offset
    left = placement.column * COLUMN_WIDTH
    rows_shown = grid.scrollable_content_region.height - 1
    return (x <= left and left + COLUMN_WIDTH <= x + grid.area_width
            and placement.row < y + rows_shown and y < placement.row + placement.rows)


async def test_the_grid_opens_at_now_on_a_big_schedule(big_store: Store) -> None:
    now = FIRST_DAY + timedelta(days=1, hours=4, minutes=7)  # day two, 14:07
    async with app_at(big_store, now).run_test(size=(120, 40)) as pilot:
        grid = await open_grid(pilot)
        session = grid.session
        assert session is not None
        assert session.start <= now < session.end  # running now
        assert grid.time_grid.column_count >= ROOMS
        assert in_view(grid)
        # Its time row is on screen, with now marked in the time column.
        assert any(line(grid, y).startswith("14:07") for y in range(1, grid.scrollable_content_region.height))


async def test_the_grid_opens_on_what_comes_next_between_talks(big_store: Store) -> None:
    now = FIRST_DAY + timedelta(days=2, hours=-1)  # day three, 09:00: nothing runs yet
    async with app_at(big_store, now).run_test(size=(120, 40)) as pilot:
        grid = await open_grid(pilot)
        session = grid.session
        assert session is not None and session.start > now
        assert session.start == min(s.start for s in big_store.sessions() if s.start > now)
        assert in_view(grid)


async def test_the_time_column_and_room_header_stay_when_scrolled(big_store: Store) -> None:
    now = FIRST_DAY + timedelta(hours=1)
    async with app_at(big_store, now).run_test(size=(120, 40)) as pilot:
        grid = await open_grid(pilot)
        await pilot.press("home")  # the first room
        await pilot.pause()
        first_rooms = line(grid, 0)
        assert first_rooms.startswith("Time") and room_name(0) in first_rooms
        await pilot.press(*["right"] * 30)
        grid.scroll_to(y=grid.max_scroll_y, animate=False)  # as the mouse wheel does
        await pilot.pause()
        x, y = grid.scroll_offset
        assert x > 10 * COLUMN_WIDTH and y > 0  # scrolled right and down
        header = line(grid, 0)
        assert header.startswith("Time") and room_name(0) not in header
        assert room_name(grid.time_grid.column_room[grid.cursor.column]) in header  # type: ignore[union-attr]
        times = [line(grid, y)[:TIME_WIDTH] for y in range(1, grid.size.height)]
        labelled = [text for text in times if re.fullmatch(r"\d\d:\d\d ", text)]
        assert len(labelled) >= 5, times  # the time column is still there, every 15 minutes
        await pilot.press("end")
        await pilot.pause()
        header = line(grid, 0)
        assert header.startswith("Time") and room_name(ROOMS - 1) in header


async def test_a_two_hour_session_is_taller_than_a_twenty_minute_one(big_store: Store) -> None:
    async with app_at(big_store, FIRST_DAY).run_test(size=(120, 40)) as pilot:
        grid = await open_grid(pilot)
        layout = grid.time_grid
        rows = {round((p.session.end - p.session.start).total_seconds() / 60): p.rows for p in layout.placements}
        assert rows[120] == 120 // int(layout.slot.total_seconds() // 60)
        assert rows[120] == 6 * rows[20]


async def test_rooms_in_the_schedule_s_own_order(big_store: Store) -> None:
    conference = big_store.conferences()[0]
    assert conference.rooms == [room_name(number) for number in range(ROOMS)]
    async with app_at(big_store, FIRST_DAY).run_test(size=(200, 50)) as pilot:
        grid = await open_grid(pilot)
        assert grid.time_grid.rooms == [room_name(number) for number in range(ROOMS)]
        await pilot.press("home")
        await pilot.pause()
        header = line(grid, 0)
        assert header.index(room_name(0)) < header.index(room_name(1)) < header.index(room_name(2))


async def test_every_day_tab_shows_at_80_columns_on_a_long_conference(tmp_path: Path) -> None:
    store = Store(tmp_path / "long")
    save_parsed_schedule(store, big_schedule(rooms=3, sessions=72, days=8), "long.xml")
    async with app_at(store, FIRST_DAY).run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        tabs = list(pilot.app.screen.query_one("#days", Tabs).query(Tab))
        assert len(tabs) == 8
        for tab in tabs:
            assert tab.region.width >= len(str(tab.label)) and tab.region.right <= 80, (str(tab.label), tab.region)


def test_overlapping_sessions_in_one_room_get_lanes_side_by_side() -> None:
    start = FIRST_DAY
    sessions = [
        Session("a", "c", "Long workshop", start, start + timedelta(hours=2), room="Hall"),
        Session("b", "c", "Talk over it", start + timedelta(minutes=30), start + timedelta(minutes=60), room="Hall"),
        Session("c", "c", "After", start + timedelta(hours=2), start + timedelta(hours=3), room="Hall"),
        Session("d", "c", "Next door", start, start + timedelta(minutes=20), room="Annex"),
    ]
    layout = TimeGrid(sessions, ["Hall", "Annex"], BERLIN)
    assert layout.lanes == [2, 1] and layout.column_count == 3
    columns = {p.session.id: p.column for p in layout.placements}
    assert columns["a"] != columns["b"] and columns["c"] == columns["a"] and columns["d"] == 2
    assert layout.slot == timedelta(minutes=10)  # every start and end falls on ten minutes, not on fifteen


def test_now_position_prefers_what_began_last_then_what_comes_next() -> None:
    start = FIRST_DAY
    sessions = [
        Session("w", "c", "Workshop", start, start + timedelta(hours=3), room="A"),
        Session("t", "c", "Talk", start + timedelta(hours=1), start + timedelta(hours=2), room="B"),
        Session("n", "c", "Next", start + timedelta(hours=4), start + timedelta(hours=5), room="A"),
    ]
    assert now_position(sessions, start + timedelta(minutes=70)) == 1
    assert now_position(sessions, start + timedelta(minutes=20)) == 0
    assert now_position(sessions, start + timedelta(minutes=200)) == 2
    assert now_position(sessions, start + timedelta(hours=6)) is None


@pytest.mark.skipif(not (REALDATA / "schedules").is_dir(), reason="../shared/realdata is not here")
async def test_38c3_grid_keeps_the_file_s_room_order_and_opens_at_now(tmp_path: Path) -> None:
    from companion.schedules import import_schedule

    store = Store(tmp_path / "38c3")
    import_schedule(store, str(REALDATA / "schedules" / "eventfahrplan_schedule-38c3-20251206.xml"))
    rooms = store.conferences()[0].rooms
    assert rooms[:3] == ["Saal 1", "Saal GLITCH", "Saal ZIGZAG"]  # as the file lists them, main halls first
    now = datetime(2024, 12, 28, 14, 7, tzinfo=BERLIN)
    async with app_at(store, now).run_test(size=(80, 24)) as pilot:
        grid = await open_grid(pilot)
        assert grid.session is not None and grid.session.start <= now < grid.session.end
        assert grid.session.room == "Saal 1"  # the first room with a talk on now
        await pilot.press(*["right"] * 12)
        await pilot.pause()
        assert grid.scroll_offset.x > 0
        assert all(re.fullmatch(r"(\d\d:\d\d)? *", line(grid, y)[:TIME_WIDTH]) for y in range(1, grid.size.height))
        assert line(grid, 0).startswith("Time")


async def test_a_palette_jump_in_the_grid_puts_the_cursor_on_the_session(big_store: Store) -> None:
    now = FIRST_DAY + timedelta(hours=1)
    wanted = max(big_store.sessions(), key=lambda s: (s.start, s.room))  # the last day, a room far right
    async with app_at(big_store, now).run_test(size=(80, 24)) as pilot:
        grid = await open_grid(pilot)
        await pilot.app.open_session(wanted.id)
        await pilot.pause()
        assert grid.session is not None and grid.session.id == wanted.id
        assert in_view(grid)
