"""The Schedule screen's keys, driven by Pilot on a fixed clock: it opens at now and `.` comes back
to it, the filter never traps the cursor, covers every day when asked, and a palette jump shows
its row."""

from __future__ import annotations

from datetime import datetime, timedelta

from textual.widgets import Input, Static, Tab, Tabs

from companion.store import Store
from screens.app import CompanionApp
from screens.rowlist import RowList
from support import BERLIN, CONFERENCE_MORNING


def make_app(store: Store, now: datetime = CONFERENCE_MORNING) -> CompanionApp:
    return CompanionApp(store=store, clock=lambda: now)


def detail(app: CompanionApp) -> str:
    return str(app.screen.query_one("#session-detail", Static).visual)


def cursor_row_in_view(rows: RowList) -> bool:
    """The cursor's row is among the lines the list shows (the header line is not a row)."""
    top = rows.scroll_offset.y
    return top <= rows.cursor < top + rows.size.height - 1


def titles(app: CompanionApp) -> list[str]:
    return [session.title for session in app.screen.shown]  # type: ignore[attr-defined]


async def test_the_list_opens_on_the_session_running_now(demo_store: Store) -> None:
    # 10:05 on day one: the 10:00 talks run; the cursor is on the first of them, not on the 09:00 keynote.
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        rows = app.screen.query_one("#sessions", RowList)
        shown = app.screen.shown  # type: ignore[attr-defined]
        assert shown[rows.cursor].title == "The State of Python Packaging in 2026"
        assert shown[rows.cursor].start.astimezone(BERLIN).strftime("%H:%M") == "10:00"
        assert "The State of Python Packaging in 2026" in detail(app)
        assert cursor_row_in_view(rows)


async def test_the_list_opens_on_what_began_last_or_on_what_comes_next(demo_store: Store) -> None:
    # 10:50: the 10:00 workshop still runs, but the coffee break began last (10:40): what just started.
    # 07:30, before the first talk: the keynote, next.
    for now, expected in ((CONFERENCE_MORNING.replace(hour=10, minute=50), "Morning Coffee Break"),
                          (CONFERENCE_MORNING.replace(hour=7, minute=30), "Keynote: Twenty Years")):
        app = make_app(demo_store, now)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("2")
            await pilot.pause()
            rows = app.screen.query_one("#sessions", RowList)
            assert app.screen.shown[rows.cursor].title.startswith(expected)  # type: ignore[attr-defined]


async def test_outside_the_conference_the_list_opens_on_the_first_day(demo_store: Store) -> None:
    app = make_app(demo_store, CONFERENCE_MORNING + timedelta(days=30))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        assert screen.day == min(screen.index.days)  # type: ignore[attr-defined]
        assert screen.query_one("#sessions", RowList).cursor == 0


async def test_full_stop_jumps_back_to_now_from_another_day(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        rows = app.screen.query_one("#sessions", RowList)
        await pilot.press("right_square_bracket", "end")
        await pilot.pause()
        assert "The State of Python Packaging in 2026" not in detail(app)
        await pilot.press("full_stop")
        await pilot.pause()
        assert app.screen.day == CONFERENCE_MORNING.date()  # type: ignore[attr-defined]
        assert "The State of Python Packaging in 2026" in detail(app)
        assert cursor_row_in_view(rows)
        # And from the grid.
        await pilot.press("g", "right_square_bracket", "full_stop")
        await pilot.pause()
        assert "The State of Python Packaging in 2026" in detail(app)


async def test_down_leaves_the_filter_for_the_list_where_s_stars(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "slash", *"packaging")
        await pilot.pause()
        field = app.screen.query_one("#filter", Input)
        rows = app.screen.query_one("#sessions", RowList)
        assert app.focused is field
        # The cursor stayed on the session it was on (now's), which the filter keeps.
        assert "The State of Python Packaging in 2026" in detail(app)
        await pilot.press("down")
        assert app.focused is rows
        await pilot.press("s")
        await pilot.pause()
        assert field.value == "packaging"  # s did not type into the filter
        assert len(demo_store.starred_ids()) == 1
        await pilot.press("slash")
        assert app.focused is field
        await pilot.press("up")
        assert app.focused is rows


async def test_the_filter_says_what_it_finds_on_other_days_and_shows_them(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "slash", *"python")
        await pilot.pause()
        screen = app.screen
        one_day = titles(app)
        others = screen.index.other_days_matching(screen.day, screen.session_filter)  # type: ignore[attr-defined]
        assert one_day and others > 0
        hint = str(screen.query_one("#filter-hint").visual)
        assert f"{others} more on other days" in hint and "ctrl+o" in hint
        await pilot.press("ctrl+o")  # from inside the filter
        await pilot.pause()
        every_day = titles(app)
        assert len(every_day) == len(one_day) + others
        assert len({session.start.date() for session in screen.shown}) > 1  # type: ignore[attr-defined]
        assert app.screen.query_one("#filter", Input).value == "python"
        await pilot.press("down", "ctrl+o")  # and back to one day, from the list
        await pilot.pause()
        assert titles(app) == one_day


async def test_a_palette_jump_with_a_filter_shows_the_chosen_row(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "slash", *"room:hall", "enter")
        await pilot.pause()
        rows = app.screen.query_one("#sessions", RowList)
        assert all("Hall" in session.room for session in app.screen.shown)  # type: ignore[attr-defined]
        # A session the filter hides, late on the second day: far below the first screen.
        wanted = max((s for s in demo_store.sessions() if "Hall" not in s.room), key=lambda s: s.start)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*wanted.title[:30])
        await pilot.pause(0.5)
        await pilot.press("down", "enter")
        await pilot.pause(0.3)
        screen = app.screen
        chosen = screen.shown[rows.cursor]  # type: ignore[attr-defined]
        assert chosen.id == wanted.id
        assert cursor_row_in_view(rows)
        assert wanted.title in detail(app)
        tabs = screen.query_one("#days", Tabs)
        assert tabs.active == f"day-{wanted.conference_day(BERLIN).isoformat()}"


async def test_a_palette_jump_keeps_a_filter_that_shows_the_row(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "slash", *"python", "enter")
        await pilot.pause()
        screen = app.screen
        # The last session of the last day that the filter keeps: another day, far down its list.
        wanted = screen.index.select(max(screen.index.days), screen.session_filter)[-1]  # type: ignore[attr-defined]
        await app.open_session(wanted.id)
        await pilot.pause()
        rows = app.screen.query_one("#sessions", RowList)
        assert app.screen.query_one("#filter", Input).value == "python"
        assert app.screen.shown[rows.cursor].id == wanted.id  # type: ignore[attr-defined]
        assert cursor_row_in_view(rows)


async def test_a_palette_jump_to_a_person_with_a_filter_shows_their_row(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "slash", *"zz-nobody")
        await pilot.pause()
        person = max(demo_store.people(), key=lambda p: p.name)  # the last in name order
        await app.open_person(person.id)
        await pilot.pause(0.3)
        rows = app.screen.query_one("#people", RowList)
        assert rows.row_count > 1
        assert cursor_row_in_view(rows)
        assert app.screen.selected_person().id == person.id  # type: ignore[attr-defined]


async def test_every_day_has_a_tab_at_80_columns(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        tabs = list(app.screen.query_one("#days", Tabs).query(Tab))
        assert len(tabs) == len(app.screen.index.days) >= 2  # type: ignore[attr-defined]
        for tab in tabs:
            region = tab.region
            assert region.width > 0 and region.right <= 80, (str(tab.label), region)


async def test_titles_keep_their_width_at_80_columns(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        rows = app.screen.query_one("#sessions", RowList)
        line = rows.render_line(1 + rows.cursor - rows.scroll_offset.y).text
        assert "The State of Python Packaging in 2026" in line  # 37 characters, whole
