"""Real published schedules (``../shared/realdata``): every one imports with the right number of
sessions at the right instants, and every broken calendar either imports or fails with one line.

The files are read where they are and never copied into the project; the tests skip without them.
Each expected instant below was read from the raw file by hand.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from companion.errors import SourceError
from companion.importers import ParsedSchedule
from companion.importers.sources import load_schedule, parse_schedule

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
SCHEDULES = REALDATA / "schedules"
EDGE_DIR = REALDATA / "ics-edge"
SPEAKERS = "sessionize_droidcon_speakers.json"

needs_schedules = pytest.mark.skipif(not SCHEDULES.is_dir(), reason=f"{SCHEDULES} is absent")


@lru_cache(maxsize=None)
def imported(file_name: str, tz: str | None = None, speakers: bool = False) -> ParsedSchedule:
    return load_schedule(
        str(SCHEDULES / file_name), tz=tz, speakers=str(SCHEDULES / SPEAKERS) if speakers else None
    )


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


# file, tz, with the Speakers file, sessions, format, conference zone, conference name
FILES = [
    ("eventfahrplan_schedule-38c3-20251206.xml", None, False, 1007, "frab", "Europe/Berlin", "38C3"),
    ("giggity_fosdem_2021.xml", "Europe/Brussels", False, 773, "frab", "Europe/Brussels", "FOSDEM 2021"),
    ("giggity_debconf23.xml", None, False, 117, "frab", "Asia/Kolkata", "DebConf 23"),
    ("giggity_linux_conf_au_2020.ics", None, False, 262, "ical", "Australia/Brisbane", "linux.conf.au 2020"),
    ("giggity_kielux_2020.ics", None, False, 24, "ical", "UTC", "18. Kieler Open Source und Linux Tage"),
    ("voc_frab-camp2019.json", None, False, 79, "schedule-json", "Europe/Berlin", "Chaos Communication Camp 2019"),
    ("sessionize_droidcon_gridsmart_schedule.json", "Europe/London", True, 137, "sessionize", "Europe/London",
     "sessionize_droidcon_gridsmart_schedule"),
]


@needs_schedules
@pytest.mark.parametrize(
    ("file_name", "tz", "speakers", "count", "fmt", "zone", "name"), FILES, ids=[row[0] for row in FILES]
)
def test_each_real_schedule_imports_every_session(
    file_name: str, tz: str | None, speakers: bool, count: int, fmt: str, zone: str, name: str
) -> None:
    parsed = imported(file_name, tz, speakers)
    assert len(parsed.sessions) == count
    assert len({s.id for s in parsed.sessions}) == count
    assert (parsed.format, parsed.timezone, parsed.name) == (fmt, zone, name)
    assert not parsed.skipped
    assert parsed.warnings == []
    for session in parsed.sessions:
        assert session.title and session.title == session.title.strip()
        assert session.start.utcoffset() is not None and session.end.utcoffset() is not None
        assert session.end >= session.start
        assert "<p>" not in session.abstract and "&lt;" not in session.abstract
    if fmt != "ical":  # the frab family and GridSmart say which conference day each session is on
        assert all(s.day is not None for s in parsed.sessions)


# file, tz, speakers file, session id (or source id), UTC start, conference day, title
INSTANTS = [
    ("eventfahrplan_schedule-38c3-20251206.xml", None, False, "270fa44c-821a-577f-8ca3-33e8d4a8c2a7",
     "2024-12-27T09:30", "2024-12-27", "38C3: Opening Ceremony"),
    # <date>2024-12-28T01:10:00+01:00</date> listed under <day date="2024-12-27">: after midnight, same day.
    ("eventfahrplan_schedule-38c3-20251206.xml", None, False, "19b141f2-0f27-5d84-9e90-0d2474d37b7e",
     "2024-12-28T00:10", "2024-12-27", "Fnord-Nachrichtenrückblick 2024"),
    ("eventfahrplan_schedule-38c3-20251206.xml", None, False, "78910469-adfa-5c79-8529-1a9d66ef9e6a",
     "2024-12-27T18:15", "2024-12-27", "BioTerrorism Will Save Your Life with the 4 Thieves Vinegar Collective"),
    # FOSDEM: <day date> + floating <start>, placed by --tz Europe/Brussels (CET, UTC+1).
    ("giggity_fosdem_2021.xml", "Europe/Brussels", False, "11795",
     "2021-02-06T08:00", "2021-02-06", "Welcome to FOSDEM 2021"),
    ("giggity_fosdem_2021.xml", "Europe/Brussels", False, "11164",
     "2021-02-06T09:00", "2021-02-06", "Empowering the school of the future"),
    ("giggity_fosdem_2021.xml", "Europe/Brussels", False, "12237",
     "2021-02-07T17:00", "2021-02-07", "Closing FOSDEM 2021"),
    # DebConf23 (wafer): <date> is UTC, <start> is local IST; the <date> instant wins.
    ("giggity_debconf23.xml", None, False, "455d075f-48c0-2ec2-24b3-f5add30c383a",
     "2023-09-10T05:00", "2023-09-10", "Opening Ceremony"),
    ("giggity_debconf23.xml", None, False, "794a4f27-5ac4-6129-3c2c-459fdeed5ad7",
     "2023-09-10T05:30", "2023-09-10", "Continuous Key-Signing Party introduction"),
    # Breakfast at 07:00 IST on 13 September, listed under <day date="2023-09-12" start="...21:30Z">:
    # wafer writes the UTC date of the day's start; the conference day is the local one.
    ("giggity_debconf23.xml", None, False, "b39d648f-b66f-90e7-50fa-158b6f086dbd",
     "2023-09-13T01:30", "2023-09-13", "Breakfast"),
    # LCA: TZID=Australia/Brisbane without VTIMEZONE (UTC+10, no DST).
    ("giggity_linux_conf_au_2020.ics", None, False, "94@lca2020.linux.org.au",
     "2020-01-14T23:00", "2020-01-15", "Wednesday Welcome"),
    ("giggity_linux_conf_au_2020.ics", None, False, "201@lca2020.linux.org.au",
     "2020-01-13T21:00", "2020-01-14", "Main Conference: plenary"),
    ("giggity_linux_conf_au_2020.ics", None, False, "235@lca2020.linux.org.au",
     "2020-01-12T22:00", "2020-01-13", "Main Conference: plenary"),
    ("giggity_kielux_2020.ics", None, False, "460@KOLT20",
     "2020-09-18T11:00", "2020-09-18", "OpenCelium - Der generische OpenSoure API-Hub"),
    ("giggity_kielux_2020.ics", None, False, "467@KOLT20",
     "2020-09-18T12:00", "2020-09-18", "Xen - ist das nicht tot?"),
    ("voc_frab-camp2019.json", None, False, "a0a0fcfe-b7fb-46e3-84b6-97a5406016b4",
     "2019-08-21T09:00", "2019-08-21", "Opening Ceremony"),
    ("voc_frab-camp2019.json", None, False, "ed4b6c75-14f4-49fe-a11e-3762bd6b54e3",
     "2019-08-22T21:00", "2019-08-22", "Achtung, Datenpannen!"),
    ("voc_frab-camp2019.json", None, False, "d8db148c-39e4-4f1e-af23-a26a477c82ee",
     "2019-08-21T20:00", "2019-08-21", "20 Jahre Camp"),
    # Sessionize: floating local times, London is on GMT after 27 October.
    ("sessionize_droidcon_gridsmart_schedule.json", "Europe/London", True, "731273",
     "2024-10-31T09:10", "2024-10-31", "Project Sparkles: how Compose is changing Android Studio"),
    ("sessionize_droidcon_gridsmart_schedule.json", "Europe/London", True, "26c67130-cbaa-40e1-8270-4daea240daa2",
     "2024-10-31T07:45", "2024-10-31", "Registration & Check-In"),
    ("sessionize_droidcon_gridsmart_schedule.json", "Europe/London", True, "759067",
     "2024-11-01T09:20", "2024-11-01", "The Future of Android, Kotlin, and Everything"),
]


@needs_schedules
@pytest.mark.parametrize(
    ("file_name", "tz", "speakers", "key", "start", "day", "title"),
    INSTANTS,
    ids=[f"{row[0].split('_')[1][:12]}-{row[3][:12]}" for row in INSTANTS],
)
def test_sessions_start_at_the_instant_in_the_file(
    file_name: str, tz: str | None, speakers: bool, key: str, start: str, day: str, title: str
) -> None:
    parsed = imported(file_name, tz, speakers)
    matches = [s for s in parsed.sessions if key in (s.id, s.source_id)]
    assert len(matches) == 1, key
    session = matches[0]
    assert session.title == title
    assert session.start.astimezone(timezone.utc) == utc(start)
    assert session.conference_day(ZoneInfo(parsed.timezone)) == date.fromisoformat(day)


@needs_schedules
def test_38c3_speakers_rooms_and_ids() -> None:
    parsed = imported("eventfahrplan_schedule-38c3-20251206.xml")
    opening = next(s for s in parsed.sessions if s.id == "270fa44c-821a-577f-8ca3-33e8d4a8c2a7")
    assert [(p.name, p.source_id) for p in opening.speakers] == [
        ("Gabriela Bogk", "0c16ffaa-709d-599f-959f-9a38b911361a"),
        ("Senficon", "4cee1e72-681f-5c8b-8dcd-8e58c8f4a445"),
        ("Aline Blankertz", "721a267b-b09d-5422-8221-4f9a71cfc727"),
    ]
    assert (opening.room, opening.track, opening.type, opening.source_id) == ("Saal 1", "CCC", "Ceremony", "2")
    assert opening.url == "https://events.ccc.de/congress/2024/hub/de/event/38c3-opening-ceremony/"
    assert opening.abstract.startswith("Glad you could make it!")
    assert "This ceremony will prepare you" in opening.abstract  # the description follows the abstract
    assert sum(len(s.speakers) for s in parsed.sessions) == 1032  # every <person> reference
    # 47 events run past midnight; each stays on the conference day it is listed under.
    berlin = ZoneInfo("Europe/Berlin")
    past_midnight = [s for s in parsed.sessions if s.start.astimezone(berlin).date() != s.day]
    assert past_midnight and all(s.start.astimezone(berlin).hour < 6 for s in past_midnight)


@needs_schedules
def test_fosdem_html_abstracts_become_plain_text_and_ids_are_the_unique_event_ids() -> None:
    parsed = imported("giggity_fosdem_2021.xml", "Europe/Brussels")
    welcome = next(s for s in parsed.sessions if s.source_id == "11795")
    assert welcome.abstract == "FOSDEM welcome and opening talk.\n\nWelcome to FOSDEM 2021!"
    assert welcome.id == "event-11795"  # no guid, but the event id is unique in the file: a move keeps the id
    assert len({s.id for s in parsed.sessions}) == 773
    school = next(s for s in parsed.sessions if s.source_id == "11164")
    assert [(p.name, p.source_id) for p in school.speakers] == [("Marco Marinello", "7745"), ("Paolo Dongilli", "8052")]
    assert (school.track, school.type) == ("Community", "maintrack")
    assert welcome.speakers == []  # an empty <persons>


@needs_schedules
def test_fosdem_without_tz_is_read_as_utc_with_a_warning() -> None:
    parsed = imported("giggity_fosdem_2021.xml")
    assert len(parsed.sessions) == 773
    assert parsed.timezone == "UTC"
    assert any("--tz" in warning for warning in parsed.warnings)
    welcome = next(s for s in parsed.sessions if s.source_id == "11795")
    assert welcome.start == utc("2021-02-06T09:00")


@needs_schedules
def test_ical_speakers_from_description_lines_and_attendees() -> None:
    lca = imported("giggity_linux_conf_au_2020.ics")
    welcome = next(s for s in lca.sessions if s.id == "94@lca2020.linux.org.au")
    assert [p.name for p in welcome.speakers] == ["Joel Addison"]
    assert welcome.abstract == "Opening Remarks and Housekeeping"
    plenary = next(s for s in lca.sessions if s.id == "201@lca2020.linux.org.au")
    assert plenary.abstract.startswith("Women of Open Technology Breakfast, Presented by ThoughtWorks\n\n")
    assert "<" not in plenary.abstract
    kielux = imported("giggity_kielux_2020.ics")
    talk = next(s for s in kielux.sessions if s.id == "460@KOLT20")
    assert [p.name for p in talk.speakers] == ["Jakob Semere"]
    assert talk.room == "Ravensberg"


@needs_schedules
def test_schedule_json_persons() -> None:
    parsed = imported("voc_frab-camp2019.json")
    opening = next(s for s in parsed.sessions if s.id == "a0a0fcfe-b7fb-46e3-84b6-97a5406016b4")
    assert [(p.name, p.source_id) for p in opening.speakers] == [("jinxx", "7797"), ("smtw", "4827")]
    assert (opening.room, opening.track, opening.type, opening.source_id) == ("Curie", "CCC", "lecture", "10386")


@needs_schedules
def test_sessionize_service_sessions_categories_and_speakers() -> None:
    parsed = imported("sessionize_droidcon_gridsmart_schedule.json", "Europe/London", True)
    assert sum(1 for s in parsed.sessions if s.type == "service") == 30
    sparkles = next(s for s in parsed.sessions if s.id == "731273")
    assert [p.name for p in sparkles.speakers] == ["Sebastiano Poggi", "Chris Sinco"]
    assert sparkles.speakers[0].source_id == "e397fee8-078f-4694-8a1f-35b1d57f1fce"
    assert (sparkles.type, sparkles.track, sparkles.room) == (
        "Keynote", "Jetpack Compose, Android Studio, UI/UX", "Hangouts")
    assert "\r" not in sparkles.abstract and "\n\n" in sparkles.abstract


@needs_schedules
def test_sessionize_without_tz_warns() -> None:
    parsed = imported("sessionize_droidcon_gridsmart_schedule.json")
    assert len(parsed.sessions) == 137
    assert parsed.timezone == "UTC"
    assert any("--tz" in warning for warning in parsed.warnings)


@needs_schedules
def test_sessionize_speakers_file_alone_is_refused_with_one_line() -> None:
    with pytest.raises(SourceError, match=SPEAKERS) as caught:
        load_schedule(str(SCHEDULES / SPEAKERS))
    assert "\n" not in str(caught.value)


@needs_schedules
def test_real_files_are_sniffed_by_content_not_name(tmp_path: Path) -> None:
    for file_name, fmt in [("giggity_debconf23.xml", "frab"), ("voc_frab-camp2019.json", "schedule-json"),
                           ("giggity_kielux_2020.ics", "ical")]:
        renamed = tmp_path / "download.bin"
        renamed.write_bytes((SCHEDULES / file_name).read_bytes())
        assert load_schedule(str(renamed)).format == fmt


# --- broken calendars ------------------------------------------------------------------------------


def edge_files() -> list:
    if not EDGE_DIR.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{EDGE_DIR} is absent"), id="absent")]
    return [pytest.param(path, id=path.name) for path in sorted(EDGE_DIR.iterdir()) if path.is_file()]


@pytest.mark.parametrize("path", edge_files())
def test_edge_calendars_import_or_fail_with_one_line(path: Path) -> None:
    try:
        parsed = parse_schedule(path.read_bytes(), str(path))
    except SourceError as error:
        message = str(error)
        assert path.name in message
        assert "\n" not in message
        return
    assert parsed.format == "ical"
    ZoneInfo(parsed.timezone)
    assert len({s.id for s in parsed.sessions}) == len(parsed.sessions)
    for session in parsed.sessions:
        assert session.title
        assert session.start.utcoffset() is not None and session.end.utcoffset() is not None
        assert session.end >= session.start


@pytest.mark.skipif(not EDGE_DIR.is_dir(), reason=f"{EDGE_DIR} is absent")
def test_edge_calendars_that_bend_parsers_still_give_their_events() -> None:
    def parse(name: str, **kwargs: str) -> ParsedSchedule:
        return parse_schedule((EDGE_DIR / name).read_bytes(), name, **kwargs)

    # Two VCALENDARs, every property folded after a blank line (Mozilla).
    assert len(parse("icalendar__multiple_calendar_components.ics").sessions) == 3
    # A bare "X" line at calendar level: dropped, the event kept.
    broken = parse("icalendar__issue_104_broken_calendar.ics")
    assert [s.title for s in broken.sessions] == ["Broken Eevnt"] and broken.warnings
    # An Outlook display name with an accent maps to its IANA zone.
    assert parse("icalendar__issue_237_fail_to_parse_timezone_with_non_ascii_tzid.ics").timezone == "America/Sao_Paulo"
    # A custom "UTC+11" VTIMEZONE: the instant is kept and the zone is the fixed offset.
    custom = parse("icalendar__issue_218_bad_tzid.ics")
    assert custom.timezone == "Etc/GMT-11"
    assert custom.sessions[0].start == utc("2017-02-28T12:00")
    # X-WR-TIMEZONE places floating times.
    floating = parse("rie__issue_86_x_wr_timezone_without_time_zone_in_dt.ics")
    assert floating.sessions[0].start == utc("2021-09-16T19:00") and floating.warnings == []
    # A moved occurrence replaces the one it names: no second Karaoke on 31 December.
    moved = parse("rie__issue_62_moved_event.ics")
    assert [s.id for s in moved.sessions] == ["38m812jicsrer5gorh3mlp7qhc@google.com@20211231T203000Z"]
    assert moved.sessions[0].start == utc("2021-12-17T20:30")
    # "BYDAY=MO, TU, ..." with spaces is still read; weekdays inside the two-week window only.
    standup = parse("icalendar__issue_165_missing_event.ics")
    assert len(standup.sessions) == 10
    assert {s.start.astimezone(timezone.utc).hour for s in standup.sessions} == {8}
    assert {s.start.weekday() for s in standup.sessions} <= {0, 1, 2, 3, 4}
