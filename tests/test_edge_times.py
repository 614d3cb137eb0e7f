"""Times at the edges of the calendar (year 1, year 9999, a session that ends before it starts, a
wall time inside a daylight-saving gap): every importer refuses or corrects such a session on its
own, with a line saying so, and the rest of the schedule imports; data stored by an older version
with such times never crashes a command or a screen. A conference can be removed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from companion.session_times import OUT_OF_RANGE
from support import CliResult, assert_one_line_error

ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//edge//EN
X-WR-CALNAME:Edge Con
X-WR-TIMEZONE:Europe/Berlin
BEGIN:VEVENT
UID:a@edge
DTSTART:00010101T000000Z
DTEND:00010101T010000Z
SUMMARY:Year one
END:VEVENT
BEGIN:VEVENT
UID:b@edge
DTSTART:99991231T230000Z
DTEND:99991231T235959Z
SUMMARY:Year 9999
END:VEVENT
BEGIN:VEVENT
UID:c@edge
DTSTART;TZID=Europe/Berlin:20260329T023000
DTEND;TZID=Europe/Berlin:20260329T043000
SUMMARY:In the gap
END:VEVENT
BEGIN:VEVENT
UID:d@edge
DTSTART:20260329T100000Z
DTEND:20260329T090000Z
SUMMARY:Ends before it starts
END:VEVENT
BEGIN:VEVENT
UID:e@edge
DTSTART:20260329T120000Z
DTEND:20260329T130000Z
SUMMARY:Normal talk
ATTENDEE;CN=Ada Lovelace:mailto:ada@example.org
END:VEVENT
END:VCALENDAR
"""

SCHEDULE_JSON = {"schedule": {"conference": {"title": "Edge JSON", "time_zone_name": "Europe/Berlin", "days": [
    {"date": "9999-12-31", "rooms": {"Hall": [
        {"guid": "g1", "title": "Year 9999", "date": "9999-12-31T23:30:00+01:00", "start": "23:30",
         "duration": "01:00"}]}},
    {"date": "0001-01-01", "rooms": {"Hall": [
        {"guid": "g2", "title": "Year one", "date": "0001-01-01T00:30:00+01:00", "start": "00:30",
         "duration": "01:00"}]}},
    {"date": "2026-03-29", "rooms": {"Hall": [
        {"guid": "g3", "title": "In the gap", "start": "02:30", "duration": "01:00"},
        {"guid": "g5", "title": "Forever", "start": "12:30", "duration": "99999999d 00:00"},
        {"guid": "g4", "title": "Normal talk", "start": "10:30", "duration": "01:00",
         "persons": [{"public_name": "Ada Lovelace"}]}]}},
]}}}

FRAB = """<?xml version="1.0" encoding="UTF-8"?>
<schedule><conference><title>Edge XML</title><time_zone_name>Europe/Berlin</time_zone_name></conference>
<day date="9999-12-31"><room name="Hall">
<event guid="x1"><date>9999-12-31T23:30:00+01:00</date><start>23:30</start><duration>01:00</duration><title>Year 9999</title></event>
</room></day>
<day date="0001-01-01"><room name="Hall">
<event guid="x2"><date>0001-01-01T00:10:00+01:00</date><start>00:10</start><duration>01:00</duration><title>Year one</title></event>
</room></day>
<day date="2026-03-29"><room name="Hall">
<event guid="x3"><start>02:30</start><duration>01:00</duration><title>In the gap</title></event>
<event guid="x4"><start>10:30</start><duration>01:00</duration><title>Normal talk</title>
<persons><person id="1">Ada Lovelace</person></persons></event>
</room></day></schedule>
"""

SESSIONIZE = [{"date": "2026-03-29T00:00:00", "rooms": [{"id": 1, "name": "Hall", "sessions": [
    {"id": "s1", "title": "Year 9999", "startsAt": "9999-12-31T23:30:00", "endsAt": "9999-12-31T23:59:00"},
    {"id": "s2", "title": "Year one", "startsAt": "0001-01-01T00:10:00", "endsAt": "0001-01-01T01:00:00"},
    {"id": "s3", "title": "In the gap", "startsAt": "2026-03-29T02:30:00", "endsAt": "2026-03-29T03:30:00"},
    {"id": "s4", "title": "Ends before it starts", "startsAt": "2026-03-29T11:00:00",
     "endsAt": "2026-03-29T10:00:00"},
    {"id": "s5", "title": "Normal talk", "startsAt": "2026-03-29T10:30:00", "endsAt": "2026-03-29T11:30:00",
     "speakers": [{"id": "p1", "name": "Ada Lovelace"}]},
]}]}]


def _write(tmp_path: Path, kind: str) -> Path:
    if kind == "ical":
        path = tmp_path / "edge.ics"
        path.write_text(ICS.replace("\n", "\r\n"))
    elif kind == "schedule-json":
        path = tmp_path / "edge.json"
        path.write_text(json.dumps(SCHEDULE_JSON))
    elif kind == "frab":
        path = tmp_path / "edge.xml"
        path.write_text(FRAB)
    else:
        path = tmp_path / "grid.json"
        path.write_text(json.dumps(SESSIONIZE))
    return path


@pytest.mark.parametrize("kind", ["ical", "schedule-json", "frab", "sessionize"])
def test_edge_times_are_refused_or_corrected_per_session(
    kind: str, tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    source = _write(tmp_path, kind)
    people = tmp_path / "people.csv"
    people.write_text("name,email\nAda Lovelace,ada@example.org\n")
    result = cli("import", "schedule", source, "--tz", "Europe/Berlin")
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    refused = 3 if kind == "schedule-json" else 2  # "Forever" ends past the range
    assert f"skipped {refused}: {OUT_OF_RANGE}" in result.out, result.out
    assert "does not exist" in result.out and "In the gap" in result.out, result.out
    if kind in ("ical", "sessionize"):
        assert "before it starts" in result.out, result.out

    sessions = cli("sessions", "--json").json()
    titles = {s["title"] for s in sessions}
    assert "Normal talk" in titles and "In the gap" in titles
    assert not titles & {"Year one", "Year 9999", "Forever"}
    gap = next(s for s in sessions if s["title"] == "In the gap")
    assert gap["local_start"].startswith("2026-03-29T03:30:00+02:00"), gap  # the instant 01:30 UTC, as it shows
    for session in sessions:
        assert session["end"] >= session["start"]

    assert cli("import", "people", people).code == 0
    assert cli("who", "Ada").code == 0
    assert cli("sessions").code == 0
    assert cli("sessions", "--day", "2026-03-29").code == 0


def _stored_with_edge_times(data_dir: Path) -> None:
    """A store as an older version could leave it: sessions in year 1 and year 9999 beside a good one."""
    from companion.models import Conference, Person
    from companion.store import Store

    store = Store(data_dir)
    conference = Conference(id="edge", name="Edge", timezone="Europe/Berlin", source="edge.ics")
    rows = [
        {"id": "a", "conference": "edge", "title": "Year one", "start": "0001-01-01T00:30:00+00:00",
         "end": "0001-01-01T01:30:00+00:00", "speakers": [{"name": "Ada Lovelace", "source_id": ""}]},
        {"id": "b", "conference": "edge", "title": "Year 9999", "start": "9999-12-31T23:00:00+00:00",
         "end": "9999-12-31T23:59:00+00:00", "speakers": [{"name": "Ada Lovelace", "source_id": ""}]},
        {"id": "c", "conference": "edge", "title": "Normal talk", "start": "2026-12-03T09:00:00+00:00",
         "end": "2026-12-03T10:00:00+00:00", "speakers": [{"name": "Ada Lovelace", "source_id": ""}]},
    ]
    with store.schedules.transaction() as db:
        db.table("conferences").insert(conference.to_dict())
        for row in rows:
            db.table("sessions").insert(row)
    store.add_people([Person("Ada Lovelace")])
    store.set_star("b", True)


def test_stored_sessions_with_edge_times_never_crash_a_command(
    isolated_data_dir: Path, cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    _stored_with_edge_times(isolated_data_dir)
    for argv in (("sessions",), ("sessions", "--json"), ("sessions", "--now"), ("sessions", "--starred"),
                 ("who", "Ada"), ("who", "Ada", "--json"), ("conferences",), ("report",),
                 ("export", "agenda", tmp_path / "agenda.ics"), ("export", "json", tmp_path / "all.json")):
        result = cli(*argv)
        assert result.code == 0, (argv, result.err)
    listed = cli("sessions", "--json").json()
    assert [s["title"] for s in listed] == ["Normal talk"]


async def test_screens_with_stored_edge_times_do_not_crash(isolated_data_dir: Path) -> None:
    from datetime import datetime, timezone

    from companion.store import Store
    from screens.app import CompanionApp

    _stored_with_edge_times(isolated_data_dir)
    store = Store(isolated_data_dir)
    app = CompanionApp(store=store, clock=lambda: datetime(2026, 12, 3, 9, 30, tzinfo=timezone.utc))
    async with app.run_test(size=(120, 40)) as pilot:
        for key in ("1", "2", "3", "4", "1"):
            await pilot.press(key)
            await pilot.pause()
            await app.workers.wait_for_complete()
        assert app.return_code in (None, 0)
        assert app.is_running


def test_a_conference_can_be_removed(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    source = _write(tmp_path, "ical")
    assert cli("import", "schedule", source).code == 0
    conferences = cli("conferences", "--json").json()
    assert [c["id"] for c in conferences] == ["edge-con"]
    result = cli("conferences", "remove", "edge-con")
    assert result.code == 0, result.err
    assert "edge-con" in result.out and "3 sessions" in result.out, result.out
    assert cli("conferences", "--json").json() == []
    assert cli("sessions", "--json").json() == []
    line = assert_one_line_error(cli("conferences", "remove", "edge-con"))
    assert "edge-con" in line


def test_an_app_that_crashes_does_not_exit_with_status_0(
    monkeypatch: pytest.MonkeyPatch, isolated_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`companion` (the app) ends with a non-zero status when the app ended on an error."""
    import textual.constants

    import screens.today
    from companion import cli

    def broken(self: object) -> None:
        raise RuntimeError("a bug in a screen")

    monkeypatch.setattr(textual.constants, "DRIVER", "textual.drivers.headless_driver:HeadlessDriver")
    monkeypatch.setattr(screens.today.TodayScreen, "reload", broken)
    assert cli.main([]) == 1
    assert "a bug in a screen" in capsys.readouterr().err


async def test_a_conference_can_be_removed_from_the_palette_after_a_yes(demo_store) -> None:  # noqa: ANN001
    from screens.app import CompanionApp
    from support import CONFERENCE_MORNING

    [conference] = demo_store.conferences()
    app = CompanionApp(store=demo_store, clock=lambda: CONFERENCE_MORNING)
    async with app.run_test(size=(120, 40)) as pilot:
        for answer in ("escape", "y"):
            await pilot.press("ctrl+p")
            await pilot.press(*"remove conference")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause(0.2)
            await pilot.press(answer)
            await pilot.pause(0.2)
            if answer == "escape":
                assert [c.id for c in demo_store.conferences()] == [conference.id]  # no: nothing removed
        assert demo_store.conferences() == []
        assert demo_store.sessions() == []
        assert app.is_running


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_day_at_the_edge_of_the_calendar_is_one_line(day: str, tmp_path: Path,
                                                      cli: Callable[..., CliResult]) -> None:
    assert cli("import", "schedule", _write(tmp_path, "ical")).code == 0
    line = assert_one_line_error(cli("sessions", "--day", day))
    assert day in line
    line = assert_one_line_error(cli("followups", "snooze", "1", "--until", day))
    assert day in line
