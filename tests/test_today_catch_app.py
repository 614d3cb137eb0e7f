"""Today's "Who to catch" with 26 talks at once, driven by Pilot at 80x24 on a clock the test
moves: must-meet people first in the schedule's room order (Room 2 before Room 12), people
already met last, the "+N more" line saying how many hidden are must-meet, and a catch kept,
marked "just now", for a while after its talk ends."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual.widgets import Static

from companion.agenda import CATCH_GRACE
from companion.importers import ParsedSchedule
from companion.models import Person, Session, Speaker
from companion.schedules import save_parsed_schedule
from companion.store import Store
from screens.app import CompanionApp
from screens.today import TodayScreen

BERLIN = ZoneInfo("Europe/Berlin")
TEN = datetime(2026, 12, 27, 10, 0, tzinfo=BERLIN)
ROOMS = ["Room 20", *(f"Room {n}" for n in range(26) if n != 20)]
"""The schedule's own order: its main hall, Room 20, first, then by number."""
MUST = {2: "Mia Two", 12: "Max Twelve", 15: "Mo Fifteen", 20: "Meg Main", 21: "Mel TwentyOne", 22: "Mat TwentyTwo"}
HOPE = {5: "Hal Five", 7: "Hugo Seven"}
MET = {0: "Ed Zero", 1: "Eva One"}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "data")
    speakers = {**MUST, **HOPE, **MET}
    sessions = [Session(id=f"t-{room.split()[1]}", conference="", title=f"Talk in {room}", start=TEN,
                        end=TEN + timedelta(hours=1), room=room,
                        speakers=[Speaker(speakers.get(int(room.split()[1]), f"Speaker {room}"))]) for room in ROOMS]
    sessions.append(Session(id="late", conference="", title="The afternoon talk", start=TEN + timedelta(hours=4),
                            end=TEN + timedelta(hours=5), room="Room 3", speakers=[Speaker("Lou Later")]))
    save_parsed_schedule(store, ParsedSchedule("Room Congress", "Europe/Berlin", "ical", sessions), "rc.ics")
    store.add_people([Person(name=n, priority="must-meet") for n in MUST.values()]
                     + [Person(name=n, priority="hope-to-meet") for n in [*HOPE.values(), "Lou Later"]]
                     + [Person(name=n, priority="met") for n in MET.values()])
    return store


def catch_rows(app: CompanionApp) -> list[str]:
    """The Who to catch block as drawn, its title first."""
    widget = app.screen.query_one("#catch", Static)
    drawn = [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]
    return [line for line in drawn if line]


async def test_must_meet_people_come_first_in_room_order_and_the_more_line_counts_hidden_ones(store: Store) -> None:
    app = CompanionApp(store=store, clock=lambda: TEN + timedelta(minutes=20))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        rows = catch_rows(app)
        people = [line for line in rows if "(" in line and "more" not in line]
        assert len(people) >= 2 and all("(must-meet)" in line for line in people)
        # The schedule's main hall first, then by number: Room 2 before Room 12 before Room 15.
        order = ["Meg Main", "Mia Two", "Max Twelve", "Mo Fifteen", "Mel TwentyOne", "Mat TwentyTwo"]
        assert [next(name for name in order if name in line) for line in people] == order[:len(people)]
        more = next(line for line in rows if "more" in line)
        hidden = 6 + 2 + 2 + 1 - len(people)
        assert more.strip().startswith(f"+{hidden} more, {6 - len(people)} must-meet")
        # m shows them all: the met people last, after the afternoon's hope-to-meet.
        await pilot.press("m")
        await pilot.pause()
        every = [line for line in catch_rows(app) if "(" in line]
        names = [line.split("  ")[3].split(" (")[0] for line in every]
        assert names == [*order, "Hal Five", "Hugo Seven", "Lou Later", "Ed Zero", "Eva One"]


async def test_now_lists_the_listed_peoples_talks_in_the_schedules_room_order(store: Store) -> None:
    app = CompanionApp(store=store, clock=lambda: TEN + timedelta(minutes=20))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        now = str(app.screen.query_one("#now-next", Static).visual).split("Next")[0]
        rooms = [line.split("  ")[2] for line in now.splitlines() if "Room" in line]
        listed = [20, 0, 1, 2, 5, 7, 12, 15, 21, 22]
        assert rooms == [f"Room {n}" for n in listed] + [r for r in ROOMS if int(r.split()[1]) not in listed]


async def test_a_catch_stays_just_after_its_talk_ends_then_goes(store: Store) -> None:
    clock = Clock(TEN + timedelta(minutes=59))
    app = CompanionApp(store=store, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TodayScreen)
        assert "Meg Main" in catch_rows(app)[1] and "just now" not in catch_rows(app)[1]
        clock.now = TEN + timedelta(hours=1, minutes=5)  # the talks have just ended: go and catch them
        await screen.follow_the_clock()
        await pilot.pause()
        first = catch_rows(app)[1]
        assert "Meg Main" in first and "just now" in first.split("Room")[0] and "11:00" in first
        clock.now = TEN + timedelta(hours=1) + CATCH_GRACE + timedelta(minutes=1)
        await screen.follow_the_clock()
        await pilot.pause()
        rows = catch_rows(app)
        assert "Lou Later" in rows[1] and not any("Meg Main" in line or "more" in line for line in rows)
