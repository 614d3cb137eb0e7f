"""One clock: every time the command line and the report show is in the conference's zone, named
where the laptop's differs, or in the laptop's when the user chose so; and the CLI's consistency
fixes (session ids, a person's sessions in time order, a speaker not on the list)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from companion.cards import appearances
from companion.clock import CONFERENCE, LAPTOP, SETTING, Clock, clock_for, short_name
from companion.importers import ParsedSchedule
from companion.models import Conference, Person, Session, Speaker
from companion.schedules import save_parsed_schedule
from companion.store import Store
from support import CliResult, assert_one_line_error
from today_support import DURING, build_big_day, session_id, title

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
CONFERENCE_BERLIN = Conference(id="c", name="C", timezone="Europe/Berlin")


@pytest.fixture
def laptop_in(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def big(isolated_data_dir: Path) -> Store:
    return build_big_day(isolated_data_dir)


# The clock itself --------------------------------------------------------------------------------


def test_a_time_is_named_only_when_the_other_zone_differs_then() -> None:
    winter = datetime(2026, 12, 27, 9, 0, tzinfo=timezone.utc)
    assert clock_for(CONFERENCE_BERLIN, laptop=NEW_YORK).time(winter) == "10:00 CET"
    assert clock_for(CONFERENCE_BERLIN, laptop=ZoneInfo("Europe/Paris")).time(winter) == "10:00"
    assert clock_for(CONFERENCE_BERLIN, LAPTOP, laptop=NEW_YORK).time(winter) == "04:00 EST"
    summer = datetime(2026, 7, 1, 8, 0, tzinfo=timezone.utc)
    assert clock_for(CONFERENCE_BERLIN, laptop=NEW_YORK).span(summer, summer + timedelta(hours=1)) == "10:00-11:00 CEST"
    # London and Lisbon share a clock in winter and in summer: never named.
    lisbon = Conference(id="l", name="L", timezone="Europe/Lisbon")
    assert clock_for(lisbon, laptop=ZoneInfo("Europe/London")).time(summer) == "09:00"


def test_the_laptops_clock_without_a_conference_and_offset_only_zone_names() -> None:
    clock = clock_for(None, CONFERENCE, laptop=NEW_YORK)
    assert clock.laptop and clock.time(datetime(2026, 12, 27, 9, 0, tzinfo=timezone.utc)) == "04:00"
    sao_paulo = datetime(2026, 12, 27, 9, 0, tzinfo=timezone.utc).astimezone(ZoneInfo("America/Sao_Paulo"))
    assert short_name(sao_paulo) == "UTC-03"
    assert Clock(ZoneInfo("Asia/Kolkata"), timezone.utc).time(datetime(2026, 1, 1, tzinfo=timezone.utc)) == "05:30 IST"


def test_an_unknown_conference_zone_is_utc_not_a_crash() -> None:
    odd = Conference(id="x", name="X", timezone="Mars/Olympus_Mons")
    assert clock_for(odd, laptop=timezone.utc).time(datetime(2026, 1, 1, 12, tzinfo=timezone.utc)) == "12:00"


def test_the_laptops_zone_follows_tz(laptop_in) -> None:  # noqa: ANN001
    from companion.clock import laptop_zone

    laptop_in("Asia/Tokyo")
    assert getattr(laptop_zone(), "key", "") == "Asia/Tokyo"


# The command line ------------------------------------------------------------------------------------


def test_sessions_prints_each_id_and_star_takes_it(big: Store, cli: Callable[..., CliResult], laptop_in) -> None:  # noqa: ANN001
    laptop_in("Europe/Berlin")
    out = cli("sessions", "--day", "2026-12-27").out
    line = next(line for line in out.splitlines() if title(0, 7) in line)
    printed = line.rsplit("id: ", 1)[1]
    assert printed == session_id(0, 7)
    assert "10:00-11:00" in line and "CET" not in line  # the laptop is in Berlin too: no name needed
    starred = cli("star", printed)
    assert starred.code == 0 and session_id(0, 7) in big.starred_ids()
    assert line.startswith("  ") and cli("sessions", "--day", "2026-12-27").out.count("* Sun 27 Dec 10:00-11:00") == 3


def test_sessions_json_keeps_its_documented_shape(big: Store, cli: Callable[..., CliResult]) -> None:
    sessions = cli("sessions", "--day", "2026-12-27", "--json").json()
    assert len(sessions) == 96
    documented = {"id", "conference", "title", "start", "end", "local_start", "local_end", "room", "track",
                  "speakers", "status", "starred"}
    assert documented <= set(sessions[0])
    assert sessions[0]["local_start"] == "2026-12-27T10:00:00+01:00"


def test_sessions_name_the_zone_when_the_laptop_is_elsewhere(big: Store, cli: Callable[..., CliResult], laptop_in) -> None:  # noqa: ANN001
    laptop_in("America/New_York")
    out = cli("sessions", "--day", "2026-12-27").out
    assert "times in Europe/Berlin" in out.splitlines()[0]
    assert "Sun 27 Dec 10:00-11:00 CET" in out
    big.set_setting(SETTING, LAPTOP)
    out = cli("sessions", "--day", "2026-12-27").out
    assert "times in your laptop's zone, America/New_York" in out.splitlines()[0]
    assert "Sun 27 Dec 04:00-05:00 EST" in out


def test_notes_and_the_who_card_show_times_in_the_conferences_zone(big: Store, cli: Callable[..., CliResult], laptop_in) -> None:  # noqa: ANN001
    laptop_in("America/New_York")
    # The note was written at 10:20 in Berlin the day before the conference (today_support).
    assert "2026-12-26 10:20 CET  Met at the badge desk" in cli("notes").out
    card = cli("who", "Ada Quill").out
    assert "2026-12-26 10:20 CET  Met at the badge desk" in card
    assert "Sun 27 Dec 10:00-11:00 CET" in card and "catch them at 11:00 CET" in card
    big.set_setting(SETTING, LAPTOP)
    assert "2026-12-26 04:20 EST  Met at the badge desk" in cli("notes").out
    assert "catch them at 05:00 EST" in cli("who", "Ada Quill").out


def test_the_report_names_its_zone(big: Store, cli: Callable[..., CliResult], laptop_in) -> None:  # noqa: ANN001
    laptop_in("America/New_York")
    report = cli("report").out
    assert "Times are in Europe/Berlin (CET)" in report
    assert "2026-12-26 10:20: Met at the badge desk" in report
    assert "Times are in Europe/Berlin (CET)" in cli("report", "chaos-test-congress").out
    big.set_setting(SETTING, LAPTOP)
    report = cli("report").out
    assert "Times are in your laptop's zone, America/New\\_York (EST)" in report
    assert "2026-12-26 04:20: Met at the badge desk" in report


def test_who_lists_sessions_in_time_order_upcoming_first(isolated_data_dir: Path, cli: Callable[..., CliResult]) -> None:
    store = Store(isolated_data_dir)
    now = datetime.now(timezone.utc)
    starts = [datetime(2098, 6, 2, 9, tzinfo=BERLIN), datetime(2021, 6, 2, 9, tzinfo=BERLIN),
              datetime(2098, 6, 1, 9, tzinfo=BERLIN), datetime(2021, 6, 1, 9, tzinfo=BERLIN)]
    sessions = [Session(id=f"s{i}", conference="", title=f"Talk from {start:%Y-%m-%d}", start=start,
                        end=start + timedelta(hours=1), room="Hall", speakers=[Speaker("Rin Okabe")])
                for i, start in enumerate(starts)]
    save_parsed_schedule(store, ParsedSchedule("Long Con", "Europe/Berlin", "ical", sessions), "long.ics")
    store.add_people([Person(name="Rin Okabe")])
    out = cli("who", "Rin").out
    order = [line.split("Talk from ")[1][:10] for line in out.splitlines() if "Talk from" in line]
    assert order == ["2098-06-01", "2098-06-02", "2021-06-01", "2021-06-02"]
    assert [a.session.id for a in appearances(sessions, now)] == ["s2", "s0", "s3", "s1"]


def test_who_for_a_speaker_not_on_the_list_says_where_they_speak_and_how_to_add_them(
    big: Store, cli: Callable[..., CliResult], laptop_in  # noqa: ANN001
) -> None:
    laptop_in("Europe/Berlin")
    result = cli("who", "gus unlisted")
    error = assert_one_line_error(result)
    assert "nobody on your list matches 'gus unlisted'" in error
    assert f"Gus Unlisted speaks at '{title(3, 3)}' (Sun 27 Dec 16:00, Saal 4, Chaos Test Congress)" in error
    command = error.split(" with: ", 1)[1].split(" (or in the app", 1)[0]
    assert command == "printf '%s\\n' name 'Gus Unlisted' | companion import people /dev/stdin"
    # The command works as printed.
    bin_dir = str(Path(sys.executable).parent)
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")})
    assert done.returncode == 0, done.stderr
    assert cli("who", "gus unlisted").out.startswith("Gus Unlisted")
    # Somebody nobody knows: only the plain message, the same exit status.
    assert assert_one_line_error(cli("who", "zzyzx")).endswith("nobody on your list matches 'zzyzx'")
    assert cli("who", "gus unlisted", "--json").code == 0


def test_the_add_command_quotes_a_name_that_needs_it(isolated_data_dir: Path, cli: Callable[..., CliResult]) -> None:
    store = Store(isolated_data_dir)
    start = datetime(2098, 6, 1, 9, tzinfo=BERLIN)
    name = "O'Neil, \"Red\" Ann"
    save_parsed_schedule(store, ParsedSchedule("Quote Con", "Europe/Berlin", "ical", [
        Session(id="q", conference="", title="Quotes", start=start, end=start + timedelta(hours=1), speakers=[Speaker(name)])
    ]), "q.ics")
    error = assert_one_line_error(cli("--data-dir", str(isolated_data_dir), "who", name))
    command = error.split(" with: ", 1)[1].split(" (or in the app", 1)[0]
    assert "--data-dir" in command
    bin_dir = str(Path(sys.executable).parent)
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")})
    assert done.returncode == 0, done.stderr
    assert [p.name for p in store.people()] == [name]


def test_a_nudge_waits_for_a_reply_until_it_is_due(big: Store) -> None:
    nudge = next(f for f in big.followups() if f.kind == "nudge")
    assert big.due_counts(DURING.date())["waiting"] == 1
    assert big.due_counts(nudge.due) == {"overdue": 1, "today": 1, "upcoming": 0, "waiting": 0}


def test_a_session_id_is_printed_as_one_word_to_paste(isolated_data_dir: Path, cli: Callable[..., CliResult]) -> None:
    store = Store(isolated_data_dir)
    start = datetime(2098, 6, 1, 9, tzinfo=BERLIN)
    save_parsed_schedule(store, ParsedSchedule("Space Con", "Europe/Berlin", "ical", [
        Session(id="room 1 $(id) 09:00", conference="", title="Spaces", start=start, end=start + timedelta(hours=1)),
    ]), "s.ics")
    line = cli("sessions").out.splitlines()[1]
    assert line.endswith("id: 'room 1 $(id) 09:00'")
    done = subprocess.run(["bash", "-c", "printf '%s\\n' " + line.split("id: ", 1)[1]], capture_output=True, text=True)
    assert done.stdout == "room 1 $(id) 09:00\n"
