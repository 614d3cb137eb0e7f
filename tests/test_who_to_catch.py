"""Who to catch (companion.agenda.who_to_catch) on a fixed clock: by when you can catch them,
must-meet before hope-to-meet at the same moment, people already met last, rooms in the
schedule's order (by number, not as text, for rooms it does not name), and a catch kept for
CATCH_GRACE after its talk ends."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from companion.agenda import CATCH_GRACE, first_things_first, room_rank, who_to_catch
from companion.models import Person, Session, Speaker

BERLIN = ZoneInfo("Europe/Berlin")
TEN = datetime(2026, 12, 27, 10, 0, tzinfo=BERLIN)


def talk(room: str, speaker: str, start: datetime = TEN, minutes: int = 60, status: str = "") -> Session:
    return Session(id=f"{room}-{start:%H%M}", conference="c", title=f"Talk in {room}", start=start,
                   end=start + timedelta(minutes=minutes), room=room, speakers=[Speaker(speaker)], status=status)


PEOPLE = {name: Person(name=name, priority=priority) for name, priority in [
    ("Met Early", "met"), ("Hope Twelve", "hope-to-meet"), ("Must Fifteen", "must-meet"),
    ("Must Two", "must-meet"), ("Hope Soon", "hope-to-meet"), ("Must Later", "must-meet"),
    ("Hope Main", "hope-to-meet"), ("Must Main", "must-meet"),
]}


def people_of(session: Session) -> list[Person]:
    return [PEOPLE[sp.name] for sp in session.speakers if sp.name in PEOPLE]


def names(sessions: list[Session], now: datetime, rooms: list[str] | None = None) -> list[str]:
    _day, catches = who_to_catch(sessions, now, BERLIN, people_of, rooms or [])
    return [c.person.name for c in catches]


def test_at_the_same_moment_must_meet_come_first_then_hope_to_meet_and_people_already_met_last() -> None:
    sessions = [talk("Room 0", "Met Early"), talk("Room 12", "Hope Twelve"), talk("Room 15", "Must Fifteen"),
                talk("Room 2", "Must Two"), talk("Room 3", "Hope Soon", minutes=30),
                talk("Room 1", "Must Later", start=TEN + timedelta(hours=2))]
    # Hope Soon is free at 10:30, before everyone else: soonest first. The 11:00 ones: must-meet
    # (Room 2 before Room 12 and 15, by number), then hope-to-meet; the met one after even the
    # 12:00 must-meet.
    assert names(sessions, TEN + timedelta(minutes=5)) == [
        "Hope Soon", "Must Two", "Must Fifteen", "Hope Twelve", "Must Later", "Met Early"]


def test_rooms_follow_the_schedules_order_and_rooms_it_does_not_name_come_after_by_number() -> None:
    sessions = [talk("Room 12", "Must Fifteen"), talk("Main Hall", "Must Main"), talk("Room 2", "Must Two")]
    assert names(sessions, TEN, rooms=["Main Hall", "Room 12"]) == ["Must Main", "Must Fifteen", "Must Two"]
    assert names(sessions, TEN) == ["Must Main", "Must Two", "Must Fifteen"]  # no order kept: by name, numbers as numbers
    rank = room_rank([])
    assert sorted(["Saal 10", "Saal 2", "saal 1", "Saal 2a"], key=rank) == ["saal 1", "Saal 2", "Saal 2a", "Saal 10"]


def test_a_catch_stays_for_the_grace_period_after_its_talk_ends_marked_just_ended() -> None:
    sessions = [talk("Room 2", "Must Two"), talk("Room 3", "Hope Soon", start=TEN + timedelta(hours=3))]
    end = TEN + timedelta(hours=1)
    _day, before = who_to_catch(sessions, end - timedelta(minutes=1), BERLIN, people_of)
    assert [(c.person.name, c.just_ended) for c in before] == [("Must Two", False), ("Hope Soon", False)]
    for moment in (end, end + timedelta(minutes=1), end + CATCH_GRACE):
        _day, catches = who_to_catch(sessions, moment, BERLIN, people_of)
        assert [(c.person.name, c.just_ended) for c in catches] == [("Must Two", True), ("Hope Soon", False)]
        assert catches[0].at == end
    _day, after = who_to_catch(sessions, end + CATCH_GRACE + timedelta(minutes=1), BERLIN, people_of)
    assert [c.person.name for c in after] == ["Hope Soon"]
    assert CATCH_GRACE >= timedelta(minutes=10)  # long enough to walk over when the talk ends


def test_a_cancelled_talk_has_nobody_to_catch_and_the_day_is_the_first_with_a_talk_not_over() -> None:
    tomorrow = TEN + timedelta(days=1)
    sessions = [talk("Room 2", "Must Two", status="cancelled"), talk("Room 3", "Hope Soon", start=tomorrow)]
    day, catches = who_to_catch(sessions, TEN, BERLIN, people_of)
    assert day == tomorrow.date()
    assert [c.person.name for c in catches] == ["Hope Soon"]
    assert who_to_catch([], TEN, BERLIN, people_of) == (None, [])


def test_now_and_next_put_starred_then_listed_sessions_first_then_the_schedules_room_order() -> None:
    sessions = [talk(room, f"Speaker {room}") for room in ("Room 10", "Room 2", "Room 1", "Main Hall", "Room 3")]
    by_room = {s.room: s for s in sessions}
    order = first_things_first(sessions, {by_room["Room 10"].id}, lambda s: s.room == "Room 3",
                               ["Main Hall", "Room 1", "Room 2", "Room 3", "Room 10"])
    assert [s.room for s in order] == ["Room 10", "Room 3", "Main Hall", "Room 1", "Room 2"]
    unnamed = first_things_first(sessions, set(), lambda s: False)
    assert [s.room for s in unnamed] == ["Main Hall", "Room 1", "Room 2", "Room 3", "Room 10"]
