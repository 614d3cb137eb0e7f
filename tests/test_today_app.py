"""Today, driven by Pilot: now first and fitting the terminal, the ended-session marker, a
conference that is over, and one clock for every time (``z``)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Static

from companion.clock import LAPTOP, SETTING
from companion.store import Store
from screens.app import CompanionApp
from screens.modals import NoteModal, NotesModal
from screens.rowlist import RowList
from today_support import AFTER, DURING, ROOMS, STARRED, build_big_day, session_id, title


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return build_big_day(tmp_path / "data")


@pytest.fixture
def laptop_in(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201 - a function setting the laptop's zone
    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


class Clock:
    """A clock the test moves."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def text(app: CompanionApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).visual)


def drawn(app: CompanionApp, selector: str) -> str:
    """What the terminal shows of a widget, line by line (cut, wrapped or scrolled as drawn)."""
    widget = app.screen.query_one(selector)
    return "\n".join(widget.render_line(y).text.rstrip() for y in range(widget.size.height))


def visible(app: CompanionApp, selector: str) -> bool:
    """The widget is on the first screen: shown, and not below the footer nor scrolled to."""
    widget = app.screen.query_one(selector)
    scroller = app.screen.query_one(VerticalScroll)
    return widget.display and scroller.scroll_y == 0 and widget.region.bottom <= app.size.height - 1


async def test_at_80x24_who_to_catch_and_follow_ups_stay_on_the_first_screen(store: Store, laptop_in) -> None:  # noqa: ANN001
    laptop_in("Europe/Berlin")
    app = CompanionApp(store=store, clock=lambda: DURING)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        scroller = app.screen.query_one(VerticalScroll)
        assert scroller.max_scroll_y == 0  # nothing to scroll to: everything fits
        assert visible(app, "#catch") and visible(app, "#due")
        catch, due = text(app, "#catch"), text(app, "#due")
        assert "Who to catch today" in catch and "Ada Quill" in catch
        assert "1 waiting for a reply" in due and "1 due today" in due
        now_lines = drawn(app, "#now-next").splitlines()
        assert all(len(line) <= 80 for line in now_lines) and any(line.endswith("…") for line in now_lines)
        rows = [line for line in now_lines if "Saal" in line]
        # Starred sessions first (their rooms come late in the list), then those of people on the list.
        assert [title(*key) in rows[index] for index, key in enumerate(STARRED)] == [True, True]
        assert "Bo Marsh" in rows[2] or "Cem Arslan" in rows[2] or "Ada Quill" in rows[2]
        more = [line for line in now_lines if "more now" in line]
        assert more and more[0].strip().startswith(f"+{len(ROOMS) - 3} more now")
        # The same with the marker of a session that just ended: still on one screen.
        app.just_ended = [store.session(session_id(0, 1))]
        app.data_changed()
        await pilot.pause()
        assert app.screen.query_one(VerticalScroll).max_scroll_y == 0
        assert visible(app, "#due") and visible(app, "#ended")


async def test_m_shows_every_session_and_enter_opens_the_schedule(store: Store) -> None:
    app = CompanionApp(store=store, clock=lambda: DURING)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert title(0, 23) not in text(app, "#now-next")
        await pilot.press("m")
        shown = text(app, "#now-next")
        assert all(title(0, room) in shown for room in range(len(ROOMS)))
        assert "more now" not in shown
        await pilot.press("m")
        assert title(0, 23) not in text(app, "#now-next")
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "schedule"


async def test_a_session_that_just_ended_stays_on_today_until_a_note_is_taken(store: Store) -> None:
    clock = Clock(DURING)
    app = CompanionApp(store=store, clock=clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        assert not app.screen.query_one("#ended").display
        clock.now = DURING.replace(hour=11, minute=1)  # the starred sessions ended at 11:00
        app.check_ended_sessions()
        await pilot.pause()
        marker = text(app, "#ended")
        assert app.screen.query_one("#ended").display
        assert f"Just ended (n: note it, x: dismiss) {title(*STARRED[0])}" in marker
        assert f"Just ended (n: note it, x: dismiss) {title(*STARRED[1])}" in marker
        clock.now += timedelta(hours=2)  # long after the notification has gone, the marker stays
        app.check_ended_sessions()
        app.data_changed()
        await pilot.pause()
        assert title(*STARRED[1]) in text(app, "#ended")
        # x dismisses the latest; n takes a note on the other, which ends its prompt.
        await pilot.press("x")
        await pilot.pause()
        assert title(*STARRED[1]) not in text(app, "#ended") and title(*STARRED[0]) in text(app, "#ended")
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteModal)
        await pilot.press(*"Good talk")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [n.session_id for n in store.notes(session_id=session_id(*STARRED[0]))] == [session_id(*STARRED[0])]
        assert not app.screen.query_one("#ended").display
        assert app.ended_waiting() == []


async def test_an_ended_conference_says_so_with_its_dates_and_offers_the_report(store: Store) -> None:
    app = CompanionApp(store=store, clock=lambda: AFTER)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        heading = drawn(app, "#today-heading")
        assert "Chaos Test Congress ended on Monday 28 December" in heading
        assert "(27 December to 28 December 2026)" in " ".join(heading.split())
        assert "  companion report chaos-test-congress --out report.md" in heading.splitlines()
        assert not app.screen.query_one("#now-next").display and not app.screen.query_one("#catch").display
        assert visible(app, "#due")


async def test_z_shows_every_time_in_the_laptops_zone_and_is_kept(store: Store, laptop_in) -> None:  # noqa: ANN001
    laptop_in("America/New_York")
    app = CompanionApp(store=store, clock=lambda: DURING)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # The laptop is elsewhere: each time is named with its zone.
        assert "10:00-11:00 CET" in text(app, "#now-next")
        assert "Europe/Berlin" in text(app, "#today-heading")
        await pilot.press("z")
        await pilot.pause()
        assert "04:00-05:00 EST" in text(app, "#now-next")
        assert "your laptop's zone, America/New_York" in text(app, "#today-heading")
        assert "05:00 EST" in text(app, "#catch")
        assert store.setting(SETTING) == LAPTOP
        # Every screen follows: the Schedule's times and the notes modal.
        await pilot.press("2")
        await pilot.pause()
        assert "laptop America/New_York" in str(app.screen.query_one("#zone-label").render())
        await pilot.press("3")
        await pilot.pause()
        ada = next(p for p in store.people() if p.name == "Ada Quill")
        app.show_notes("Notes", store.notes(person_id=ada.id), lambda: store.notes(person_id=ada.id))
        await pilot.pause()
        assert isinstance(app.screen, NotesModal)
        when = str(app.screen.query_one("#notes-list", RowList).row(0)[0])
        assert when == "Sat 26 Dec 04:20 EST"  # written at 10:20 in Berlin the day before
    # The next start keeps the choice; z again goes back to the conference's zone.
    again = CompanionApp(store=store, clock=lambda: DURING)
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "04:00-05:00 EST" in text(again, "#now-next")
        await pilot.press("z")
        await pilot.pause()
        assert "10:00-11:00 CET" in text(again, "#now-next")


async def test_no_zone_is_named_when_the_laptop_is_where_the_conference_is(store: Store, laptop_in) -> None:  # noqa: ANN001
    laptop_in("Europe/Paris")  # another name, the same clock as Berlin
    app = CompanionApp(store=store, clock=lambda: DURING)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = text(app, "#now-next")
        assert "10:00-11:00  " in shown and "CET" not in shown


async def test_a_note_waiting_for_a_reply_is_counted_as_waiting_on_today_and_follow_ups(store: Store) -> None:
    # The note about Ada said "waiting for her reply": its nudge is not due yet, so it waits.
    app = CompanionApp(store=store, clock=lambda: DURING)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "1 waiting for a reply" in text(app, "#due")
        await pilot.press("4")
        await pilot.pause()
        assert "1 waiting" in text(app, "#followup-counts") and "0 upcoming" in text(app, "#followup-counts")
