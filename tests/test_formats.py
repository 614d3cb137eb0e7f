"""Every schedule format on small samples written here: sniffing, --format, time zones, conference
days past midnight, repeating events, HTML, duplicate ids, cancellations and hostile files."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from companion.errors import SourceError
from companion.importers.ical import MAX_OCCURRENCES_PER_RULE
from companion.importers.helpers import html_to_text, resolve_zone
from companion.importers.sources import load_schedule, parse_schedule, sniff_schedule_format

BERLIN = ZoneInfo("Europe/Berlin")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def by_title(parsed, title):  # noqa: ANN001, ANN201
    found = [s for s in parsed.sessions if s.title == title]
    assert len(found) == 1, [s.title for s in parsed.sessions]
    return found[0]


# --- samples ---------------------------------------------------------------------------------------


def ics(*events: str, head: str = "") -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//tests//formats//EN"] + ([head] if head else [])
    return ("\r\n".join(lines) + "\r\n" + "".join(events) + "END:VCALENDAR\r\n").encode()


def vevent(*lines: str) -> str:
    return "BEGIN:VEVENT\r\n" + "".join(line + "\r\n" for line in lines) + "END:VEVENT\r\n"


def frab(days: str, *, conference: str = "<title>Sample Camp</title>", prolog: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}<schedule><version>1</version>'
            f"<conference>{conference}</conference>{days}</schedule>").encode()


def frab_event(event_id: str, title: str, *, start: str, date_: str = "", duration: str = "00:30",
               guid: str = "", extra: str = "") -> str:
    guid_attr = f' guid="{guid}"' if guid else ""
    date_element = f"<date>{date_}</date>" if date_ else ""
    return (f'<event id="{event_id}"{guid_attr}>{date_element}<start>{start}</start><duration>{duration}</duration>'
            f"<title>{title}</title>{extra}</event>")


def schedule_json(days: list, **conference: object) -> bytes:
    conference.setdefault("title", "JSON Con")
    return json.dumps({"$schema": "https://c3voc.de/schedule/schema.json",
                       "schedule": {"version": "1", "conference": {**conference, "days": days}}}).encode()


def sessionize_session(session_id: str, title: str, starts: str, ends: str, **more: object) -> dict:
    return {"id": session_id, "title": title, "description": more.pop("description", None), "startsAt": starts,
            "endsAt": ends, "isServiceSession": False, "isPlenumSession": False, "speakers": [],
            "categories": [], "roomId": 1, "room": "Main Hall", "status": "Accepted", **more}


FRAB_SAMPLE = frab('<day date="2026-07-01" index="1"><room name="Hall 1">'
                   + frab_event("1", "Opening", start="10:00", date_="2026-07-01T10:00:00+02:00", guid="g-1")
                   + "</room></day>", conference="<title>Sample Camp</title><time_zone_name>Europe/Berlin</time_zone_name>")
JSON_SAMPLE = schedule_json([{"index": 1, "date": "2026-07-01", "rooms": {"Hall 1": [
    {"guid": "j-1", "id": 1, "date": "2026-07-01T10:00:00+02:00", "start": "10:00", "duration": "00:45",
     "title": "JSON talk", "persons": [{"id": 7, "public_name": "Ada"}]}]}}], time_zone_name="Europe/Berlin")
GRIDSMART_SAMPLE = json.dumps([{"date": "2026-07-01T00:00:00", "isDefault": True, "rooms": [
    {"id": 1, "name": "Main Hall", "sessions": [
        sessionize_session("101", "Grid talk", "2026-07-01T10:00:00", "2026-07-01T10:45:00")]}],
    "timeSlots": [{"slotStart": "10:00:00", "rooms": [{"id": 1, "name": "Main Hall", "session":
        sessionize_session("101", "Grid talk", "2026-07-01T10:00:00", "2026-07-01T10:45:00"), "index": 0}]}]}]).encode()
SESSIONS_VIEW_SAMPLE = json.dumps([{"groupId": None, "groupName": "All", "isDefault": True, "sessions": [
    sessionize_session("201", "Grouped talk", "2026-07-01T11:00:00", "2026-07-01T11:30:00")]}]).encode()
ALL_VIEW_SAMPLE = json.dumps({
    "sessions": [{"id": "301", "title": "All view talk", "description": "<p>Hello &amp; welcome</p>",
                  "startsAt": "2026-07-01T12:00:00", "endsAt": "2026-07-01T12:40:00", "isServiceSession": False,
                  "isPlenumSession": False, "speakers": ["sp-1", "sp-2"], "categoryItems": [11, 21],
                  "questionAnswers": [], "roomId": 5, "status": "Accepted"},
                 {"id": "unscheduled", "title": "Not placed yet", "startsAt": None, "endsAt": None,
                  "speakers": [], "categoryItems": [], "roomId": None}],
    "speakers": [{"id": "sp-1", "firstName": "Grace", "lastName": "Hopper", "fullName": "Grace Hopper",
                  "sessions": [301]}],
    "categories": [{"id": 1, "title": "Session format", "items": [{"id": 11, "name": "Talk"}]},
                   {"id": 2, "title": "Track", "items": [{"id": 21, "name": "Compilers"}]}],
    "rooms": [{"id": 5, "name": "Room Five", "sort": 1}],
}).encode()
SPEAKERS_VIEW_SAMPLE = json.dumps([
    {"id": "sp-2", "firstName": "Alan", "lastName": "Turing", "fullName": "Alan Turing",
     "sessions": [{"id": 301, "name": "All view talk"}]},
    {"id": "sp-3", "firstName": "Katherine", "lastName": "Johnson", "fullName": "Katherine Johnson",
     "sessions": [{"id": 301, "name": "All view talk"}]},
]).encode()
ICS_SAMPLE = ics(vevent("UID:i-1", "SUMMARY:Calendar talk", "DTSTART:20260701T080000Z", "DTEND:20260701T090000Z"))


# --- sniffing and --format -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "fmt"),
    [
        (ICS_SAMPLE, "ical"),
        (b"\xef\xbb\xbf" + ICS_SAMPLE, "ical"),
        (FRAB_SAMPLE, "frab"),
        (JSON_SAMPLE, "schedule-json"),
        (GRIDSMART_SAMPLE, "sessionize"),
        (SESSIONS_VIEW_SAMPLE, "sessionize"),
        (ALL_VIEW_SAMPLE, "sessionize"),
        (SPEAKERS_VIEW_SAMPLE, "sessionize"),
    ],
    ids=["ical", "ical-bom", "frab", "schedule-json", "gridsmart", "sessions", "all", "speakers"],
)
def test_the_format_is_sniffed_from_the_content(payload: bytes, fmt: str) -> None:
    assert sniff_schedule_format(payload) == fmt


@pytest.mark.parametrize(
    "payload",
    [b"name,affiliation\nAda,Engines\n", b"<html><body>schedule</body></html>", b'{"hello": "world"}',
     b"<schedule><version>1</version></schedule>", b"", b"[]"],
    ids=["csv", "html", "other-json", "schedule-without-conference", "empty", "empty-list"],
)
def test_unknown_content_is_one_line_naming_the_file(payload: bytes) -> None:
    with pytest.raises(SourceError, match="mystery.dat") as caught:
        parse_schedule(payload, "mystery.dat")
    assert "\n" not in str(caught.value)


def test_each_sample_imports_by_sniffing_whatever_its_name() -> None:
    assert parse_schedule(FRAB_SAMPLE, "x.ics").sessions[0].title == "Opening"
    assert parse_schedule(JSON_SAMPLE, "x.xml").sessions[0].title == "JSON talk"
    assert parse_schedule(GRIDSMART_SAMPLE, "x.json", tz="Europe/Berlin").sessions[0].title == "Grid talk"
    assert parse_schedule(SESSIONS_VIEW_SAMPLE, "x", tz="UTC").sessions[0].title == "Grouped talk"
    assert parse_schedule(ICS_SAMPLE, "x.json").sessions[0].title == "Calendar talk"


def test_format_overrides_sniffing() -> None:
    # More than 64 KB of comment hides <conference> from the sniffer; --format frab still reads it.
    hidden = frab('<day date="2026-07-01"><room name="A">' + frab_event("1", "Late", start="09:00") + "</room></day>",
                  prolog="<!--" + "x" * 70000 + "-->\n")
    with pytest.raises(SourceError, match="hidden.xml"):
        parse_schedule(hidden, "hidden.xml")
    parsed = parse_schedule(hidden, "hidden.xml", fmt="frab", tz="Europe/Berlin")
    assert parsed.format == "frab" and [s.title for s in parsed.sessions] == ["Late"]
    assert parse_schedule(FRAB_SAMPLE, "s", fmt="xml").format == "frab"  # an alias
    assert parse_schedule(ICS_SAMPLE, "s", fmt="ICS").format == "ical"


def test_a_forced_format_that_does_not_fit_is_an_import_error() -> None:
    with pytest.raises(SourceError, match="frab.xml"):
        parse_schedule(FRAB_SAMPLE, "frab.xml", fmt="ical")
    with pytest.raises(SourceError, match="cal.ics"):
        parse_schedule(ICS_SAMPLE, "cal.ics", fmt="schedule-json")
    with pytest.raises(SourceError, match="cal.ics"):
        parse_schedule(ICS_SAMPLE, "cal.ics", fmt="frab")
    with pytest.raises(SourceError, match="sched.json"):
        parse_schedule(JSON_SAMPLE, "sched.json", fmt="sessionize")


def test_an_unknown_format_name_is_an_import_error() -> None:
    with pytest.raises(SourceError, match="excel"):
        parse_schedule(ICS_SAMPLE, "cal.ics", fmt="excel")


def test_an_unknown_tz_is_an_import_error_for_every_format() -> None:
    for payload in (ICS_SAMPLE, FRAB_SAMPLE, JSON_SAMPLE, GRIDSMART_SAMPLE):
        with pytest.raises(SourceError, match="Mars/Olympus"):
            parse_schedule(payload, "f", tz="Mars/Olympus")


# --- time zones ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "iana"),
    [
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("Eastern Standard Time", "America/New_York"),
        ("AUS Eastern Standard Time", "Australia/Sydney"),
        ("Pacific Standard Time", "America/Los_Angeles"),
        ("GMT Standard Time", "Europe/London"),
        ("Central Europe Standard Time", "Europe/Budapest"),
        ("Romance Standard Time", "Europe/Paris"),
        ("(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "Europe/Berlin"),
        ("(UTC-03:00) Brasília", "America/Sao_Paulo"),
        ("/mozilla.org/20050126_1/Europe/Berlin", "Europe/Berlin"),
        ("UTC+11", "Etc/GMT-11"),
        ("GMT-05:00", "Etc/GMT+5"),
        ("Z", "UTC"),
        ("Europe/Berlin", "Europe/Berlin"),
    ],
)
def test_zone_names_as_files_write_them(name: str, iana: str) -> None:
    resolved = resolve_zone(name)
    assert resolved is not None and resolved[0] == iana


def test_unknown_zone_names_resolve_to_nothing() -> None:
    assert resolve_zone("Mars/Olympus") is None
    assert resolve_zone("CUSTOM_tzid") is None
    assert resolve_zone("UTC+05:30") is None  # no whole-hour Etc zone for it
    assert resolve_zone("../../etc/passwd") is None


@pytest.mark.parametrize("tzid", ["W. Europe Standard Time", '"W. Europe Standard Time"'])
def test_a_windows_tzid_without_vtimezone(tzid: str) -> None:
    parsed = parse_schedule(ics(vevent("UID:w", "SUMMARY:Windows talk", f"DTSTART;TZID={tzid}:20260703T100000",
                                       f"DTEND;TZID={tzid}:20260703T110000")), "outlook.ics")
    assert parsed.sessions[0].start == utc("2026-07-03T08:00")  # CEST
    assert parsed.timezone == "Europe/Berlin"
    assert parsed.warnings == []


def test_an_outlook_display_tzid_without_vtimezone() -> None:
    tzid = '"(UTC-05:00) Eastern Time (US & Canada)"'
    parsed = parse_schedule(ics(vevent("UID:o", "SUMMARY:Outlook talk", f"DTSTART;TZID={tzid}:20260115T090000")),
                            "outlook.ics")
    assert parsed.sessions[0].start == utc("2026-01-15T14:00")
    assert parsed.timezone == "America/New_York"


def test_a_windows_x_wr_timezone_places_floating_times() -> None:
    parsed = parse_schedule(ics(vevent("UID:f", "SUMMARY:Sydney talk", "DTSTART:20260115T090000"),
                                head="X-WR-TIMEZONE:AUS Eastern Standard Time"), "sydney.ics")
    assert parsed.sessions[0].start == utc("2026-01-14T22:00")  # AEDT, UTC+11
    assert parsed.timezone == "Australia/Sydney"


def test_a_windows_time_zone_name_in_frab_xml() -> None:
    payload = frab('<day date="2026-07-01"><room name="A">' + frab_event("1", "Talk", start="10:00") + "</room></day>",
                   conference="<title>C</title><time_zone_name>Pacific Standard Time</time_zone_name>")
    parsed = parse_schedule(payload, "c.xml")
    assert parsed.timezone == "America/Los_Angeles"
    assert parsed.sessions[0].start == utc("2026-07-01T17:00")  # PDT


FLOATING_FRAB = frab('<day date="2026-02-07" index="1"><room name="Janson">'
                     + frab_event("9", "Floating keynote", start="09:30") + "</room></day>")


def test_floating_frab_times_with_tz() -> None:
    parsed = parse_schedule(FLOATING_FRAB, "fosdem.xml", tz="Europe/Brussels")
    assert parsed.sessions[0].start == utc("2026-02-07T08:30")
    assert parsed.timezone == "Europe/Brussels" and parsed.warnings == []


def test_floating_frab_times_without_tz_are_utc_with_a_warning() -> None:
    parsed = parse_schedule(FLOATING_FRAB, "fosdem.xml")
    assert parsed.sessions[0].start == utc("2026-02-07T09:30")
    assert parsed.timezone == "UTC"
    assert any("--tz" in warning for warning in parsed.warnings)


def test_tz_overrides_the_files_zone_for_floating_times_only() -> None:
    payload = frab('<day date="2026-07-01"><room name="A">'
                   + frab_event("1", "Floating", start="10:00")
                   + frab_event("2", "Exact", start="10:00", date_="2026-07-01T10:00:00+02:00") + "</room></day>",
                   conference="<title>C</title><time_zone_name>Europe/Berlin</time_zone_name>")
    parsed = parse_schedule(payload, "c.xml", tz="America/New_York")
    assert by_title(parsed, "Floating").start == utc("2026-07-01T14:00")
    assert by_title(parsed, "Exact").start == utc("2026-07-01T08:00")
    assert parsed.timezone == "America/New_York"


def test_floating_sessionize_times_with_and_without_tz() -> None:
    with_tz = parse_schedule(GRIDSMART_SAMPLE, "grid.json", tz="America/New_York")
    assert with_tz.sessions[0].start == utc("2026-07-01T14:00")  # EDT
    assert with_tz.sessions[0].end - with_tz.sessions[0].start == timedelta(minutes=45)
    assert with_tz.timezone == "America/New_York" and with_tz.warnings == []
    without = parse_schedule(GRIDSMART_SAMPLE, "grid.json")
    assert without.sessions[0].start == utc("2026-07-01T10:00")
    assert any("--tz" in warning for warning in without.warnings)


def test_floating_schedule_json_times_use_the_files_zone() -> None:
    payload = schedule_json([{"index": 1, "date": "2026-12-27", "rooms": {"Saal 1": [
        {"id": 5, "start": "11:00", "duration": "1:00", "title": "No date"}]}}], time_zone_name="Europe/Berlin")
    parsed = parse_schedule(payload, "s.json")
    assert parsed.sessions[0].start == utc("2026-12-27T10:00")
    assert parsed.sessions[0].end - parsed.sessions[0].start == timedelta(hours=1)


def test_a_utc_date_beside_a_local_start_trusts_the_date() -> None:
    # wafer: <date> in UTC, <start> in local IST, the day's date the UTC date of its start.
    payload = frab('<day date="2026-09-09" start="2026-09-09T21:30:00+00:00" end="2026-09-10T21:29:59+00:00" index="1">'
                   '<room name="Anamudi">'
                   + frab_event("35", "Opening Ceremony", start="10:30", date_="2026-09-10T05:00:00+00:00", guid="g-35")
                   + frab_event("13", "Breakfast", start="07:00", date_="2026-09-10T01:30:00+00:00", guid="g-13")
                   + "</room></day>",
                   conference="<title>DebConf</title><time_zone_name>Asia/Kolkata</time_zone_name>")
    parsed = parse_schedule(payload, "debconf.xml")
    opening = by_title(parsed, "Opening Ceremony")
    assert opening.start == utc("2026-09-10T05:00")
    assert opening.start.astimezone(ZoneInfo("Asia/Kolkata")).hour == 10
    assert opening.day == date(2026, 9, 10)  # the local day, not the UTC date on <day>
    assert by_title(parsed, "Breakfast").day == date(2026, 9, 10)
    assert parsed.timezone == "Asia/Kolkata"


def test_offset_dates_without_a_zone_name_give_a_fixed_zone_and_no_warning() -> None:
    payload = frab('<day date="2026-07-01"><room name="A">'
                   + frab_event("1", "Talk", start="10:00", date_="2026-07-01T10:00:00+02:00") + "</room></day>")
    parsed = parse_schedule(payload, "c.xml")
    assert parsed.sessions[0].start == utc("2026-07-01T08:00")
    assert parsed.timezone == "Etc/GMT-2" and parsed.warnings == []


# --- conference days past midnight ------------------------------------------------------------------


def test_a_session_after_midnight_belongs_to_the_day_it_is_listed_under() -> None:
    payload = frab('<day date="2026-12-27" start="2026-12-27T10:00:00+01:00" end="2026-12-28T06:00:00+01:00">'
                   '<room name="Saal 1">'
                   + frab_event("1", "Late night", start="01:10", date_="2026-12-28T01:10:00+01:00", guid="a")
                   + frab_event("2", "Evening", start="21:00", date_="2026-12-27T21:00:00+01:00", guid="b")
                   + "</room></day>", conference="<title>C</title><time_zone_name>Europe/Berlin</time_zone_name>")
    parsed = parse_schedule(payload, "c.xml")
    late = by_title(parsed, "Late night")
    assert late.start == utc("2026-12-28T00:10")
    assert late.day == date(2026, 12, 27)
    assert late.conference_day(BERLIN) == date(2026, 12, 27)


@pytest.mark.parametrize(
    ("day_attributes", "conference_extra"),
    [(' start="2026-12-27T10:00:00+01:00"', ""), ("", "<day_change>04:00</day_change>")],
    ids=["day-start", "day-change"],
)
def test_a_floating_start_after_midnight_rolls_into_the_next_date(day_attributes: str, conference_extra: str) -> None:
    payload = frab(f'<day date="2026-12-27"{day_attributes}><room name="Saal 1">'
                   + frab_event("1", "Late night", start="01:30") + frab_event("2", "Morning", start="11:00")
                   + "</room></day>",
                   conference=f"<title>C</title><time_zone_name>Europe/Berlin</time_zone_name>{conference_extra}")
    parsed = parse_schedule(payload, "c.xml")
    late = by_title(parsed, "Late night")
    assert late.start == datetime(2026, 12, 28, 1, 30, tzinfo=BERLIN)
    assert late.day == date(2026, 12, 27)
    assert by_title(parsed, "Morning").start == datetime(2026, 12, 27, 11, 0, tzinfo=BERLIN)


def test_schedule_json_days_past_midnight() -> None:
    payload = schedule_json([{"index": 1, "date": "2026-08-21", "day_start": "2026-08-21T09:00:00+02:00",
                              "day_end": "2026-08-22T04:00:00+02:00", "rooms": {"Curie": [
                                  {"guid": "x", "id": 1, "date": "2026-08-22T01:00:00+02:00", "start": "01:00",
                                   "duration": "00:30", "title": "After midnight"}]}}],
                            time_zone_name="Europe/Berlin")
    session = parse_schedule(payload, "camp.json").sessions[0]
    assert session.start == utc("2026-08-21T23:00")
    assert session.day == date(2026, 8, 21)


def test_gridsmart_days_come_from_the_day() -> None:
    assert parse_schedule(GRIDSMART_SAMPLE, "g", tz="UTC").sessions[0].day == date(2026, 7, 1)


# --- repeating events ------------------------------------------------------------------------------

TWO_DAYS = (vevent("UID:day1", "SUMMARY:Day one keynote", "DTSTART;TZID=Europe/Berlin:20261203T090000",
                   "DTEND;TZID=Europe/Berlin:20261203T100000")
            + vevent("UID:day2", "SUMMARY:Day two closing", "DTSTART;TZID=Europe/Berlin:20261204T170000",
                     "DTEND;TZID=Europe/Berlin:20261204T180000"))


def test_a_repeating_event_is_expanded_inside_the_conference_window_only() -> None:
    coffee = vevent("UID:coffee", "SUMMARY:Coffee", "DTSTART;TZID=Europe/Berlin:20261201T103000",
                    "DTEND;TZID=Europe/Berlin:20261201T110000", "RRULE:FREQ=DAILY")
    parsed = parse_schedule(ics(TWO_DAYS, coffee), "conf.ics")
    coffees = [s for s in parsed.sessions if s.title == "Coffee"]
    assert [s.start for s in coffees] == [datetime(2026, 12, 3, 10, 30, tzinfo=BERLIN),
                                          datetime(2026, 12, 4, 10, 30, tzinfo=BERLIN)]
    assert [s.id for s in coffees] == ["coffee@20261203T093000Z", "coffee@20261204T093000Z"]
    assert all(s.end - s.start == timedelta(minutes=30) for s in coffees)
    assert any("window" in warning for warning in parsed.warnings)


def test_a_repeating_event_keeps_local_time_across_a_dst_change() -> None:
    daily = vevent("UID:standup", "SUMMARY:Standup", "DTSTART;TZID=Europe/Berlin:20261023T090000",
                   "RRULE:FREQ=DAILY;COUNT=5")
    parsed = parse_schedule(ics(daily), "dst.ics")
    hours_utc = [s.start.astimezone(timezone.utc).hour for s in parsed.sessions]
    assert hours_utc == [7, 7, 8, 8, 8]  # 09:00 CEST, then 09:00 CET from 25 October
    assert {s.start.astimezone(BERLIN).hour for s in parsed.sessions} == {9}


def test_a_repeating_event_stops_at_the_cap() -> None:
    ticker = vevent("UID:tick", "SUMMARY:Ticker", "DTSTART:20261203T000000Z", "DURATION:PT1M", "RRULE:FREQ=MINUTELY")
    parsed = parse_schedule(ics(TWO_DAYS, ticker), "cap.ics")
    ticks = [s for s in parsed.sessions if s.title == "Ticker"]
    assert len(ticks) == MAX_OCCURRENCES_PER_RULE == 500
    assert len({s.id for s in ticks}) == 500
    assert any("500" in warning for warning in parsed.warnings)


def test_exdate_and_a_moved_occurrence() -> None:
    series = vevent("UID:lab", "SUMMARY:Lab", "DTSTART;TZID=Europe/Berlin:20261203T140000",
                    "DTEND;TZID=Europe/Berlin:20261203T150000", "RRULE:FREQ=DAILY;COUNT=4",
                    "EXDATE;TZID=Europe/Berlin:20261204T140000")
    moved = vevent("UID:lab", "SUMMARY:Lab (moved)", "RECURRENCE-ID;TZID=Europe/Berlin:20261205T140000",
                   "DTSTART;TZID=Europe/Berlin:20261205T160000", "DTEND;TZID=Europe/Berlin:20261205T170000")
    talks = vevent("UID:t", "SUMMARY:Talks", "DTSTART;TZID=Europe/Berlin:20261203T090000",
                   "DTEND;TZID=Europe/Berlin:20261206T180000")
    parsed = parse_schedule(ics(talks, series, moved), "lab.ics")
    labs = sorted((s for s in parsed.sessions if s.title.startswith("Lab")), key=lambda s: s.start)
    assert [(s.title, s.start.astimezone(BERLIN).strftime("%d %H:%M")) for s in labs] == [
        ("Lab", "03 14:00"), ("Lab (moved)", "05 16:00"), ("Lab", "06 14:00")]
    assert labs[1].id == "lab@20261205T130000Z"  # the moved one keeps the id of the occurrence it replaces


def test_an_all_day_repeating_event() -> None:
    sprint = vevent("UID:sprint", "SUMMARY:Sprint room open", "DTSTART;VALUE=DATE:20261203",
                    "DTEND;VALUE=DATE:20261204", "RRULE:FREQ=DAILY;UNTIL=20261204")
    parsed = parse_schedule(ics(TWO_DAYS, sprint), "allday.ics")
    sprints = [s for s in parsed.sessions if s.title == "Sprint room open"]
    assert [s.id for s in sprints] == ["sprint@20261203", "sprint@20261204"]
    assert sprints[0].start == datetime(2026, 12, 3, tzinfo=BERLIN)
    assert sprints[0].end - sprints[0].start == timedelta(days=1)


def test_when_every_event_repeats_the_window_is_two_weeks() -> None:
    weekly = vevent("UID:w", "SUMMARY:Weekly", "DTSTART:20261203T100000Z", "RRULE:FREQ=WEEKLY")
    parsed = parse_schedule(ics(weekly), "weekly.ics")
    assert [s.start for s in parsed.sessions] == [utc("2026-12-03T10:00"), utc("2026-12-10T10:00")]


def test_an_unreadable_rule_keeps_the_first_occurrence() -> None:
    odd = vevent("UID:o", "SUMMARY:Odd rule", "DTSTART:20261203T100000Z", "RRULE:FREQ=SOMETIMES")
    parsed = parse_schedule(ics(odd), "odd.ics")
    assert [s.start for s in parsed.sessions] == [utc("2026-12-03T10:00")]
    assert any("could not be read" in warning for warning in parsed.warnings)


# --- HTML, speakers, ids, status ------------------------------------------------------------------


def test_html_to_text() -> None:
    assert html_to_text("<p>One &amp; two</p>\n<p>Three<br>four</p><ul><li>a</li><li>b</li></ul>") == (
        "One & two\n\nThree\nfour\n\n- a\n- b")
    assert html_to_text("Use <branch> and a < b, <em>really</em>.\nNext line") == (
        "Use <branch> and a < b, really.\nNext line")
    assert html_to_text("<p>x</p><script>alert(1)</script><!-- note --><p>y</p>") == "x\n\ny"
    assert html_to_text("Plain text\n\nwith a paragraph &amp; an entity") == "Plain text\n\nwith a paragraph & an entity"
    assert html_to_text("<p>&#27;]0;pwned&#7;title</p>") == "]0;pwnedtitle"  # no control characters survive
    assert html_to_text("<" * 20000) == "<" * 20000  # no quadratic scan


def test_html_abstracts_in_every_format() -> None:
    xml = frab('<day date="2026-07-01"><room name="A">'
               + frab_event("1", "Talk", start="10:00",
                            extra="<abstract>&lt;p&gt;Short &amp;amp; sweet&lt;/p&gt;</abstract>"
                                  "<description>&lt;p&gt;Long&lt;/p&gt;&lt;p&gt;Longer&lt;/p&gt;</description>")
               + "</room></day>")
    assert parse_schedule(xml, "f.xml", tz="UTC").sessions[0].abstract == "Short & sweet\n\nLong\n\nLonger"
    payload = schedule_json([{"date": "2026-07-01", "rooms": {"A": [
        {"id": 1, "date": "2026-07-01T10:00:00+00:00", "duration": "00:30", "title": "T",
         "abstract": "<p>Hello <b>there</b></p>", "description": ""}]}}])
    assert parse_schedule(payload, "s.json").sessions[0].abstract == "Hello there"
    assert by_title(parse_schedule(ALL_VIEW_SAMPLE, "all.json", tz="UTC"), "All view talk").abstract == "Hello & welcome"
    calendar = ics(vevent("UID:h", "SUMMARY:T", "DTSTART:20260701T100000Z",
                          "DESCRIPTION:Speaker: Ada Lovelace\\n<p>About <em>engines</em></p><p>Part two</p>"))
    session = parse_schedule(calendar, "h.ics").sessions[0]
    assert session.abstract == "About engines\n\nPart two"
    assert [s.name for s in session.speakers] == ["Ada Lovelace"]


def test_frab_persons_and_fields() -> None:
    xml = frab('<day date="2026-07-01"><room name="Hall 1">'
               + frab_event("42", "Talk", start="10:00", duration="1:15", guid="guid-42",
                            extra="<room>Hall 1</room><track>Science</track><type>lecture</type>"
                                  "<url>https://example.org/42</url>"
                                  '<persons><person id="7">Ada Lovelace</person><person guid="p-8">Grace Hopper'
                                  "</person></persons>")
               + "</room></day>", conference="<title>C</title><time_zone_name>Europe/Berlin</time_zone_name>")
    session = parse_schedule(xml, "f.xml").sessions[0]
    assert (session.id, session.source_id) == ("guid-42", "42")
    assert [(p.name, p.source_id) for p in session.speakers] == [("Ada Lovelace", "7"), ("Grace Hopper", "p-8")]
    assert (session.room, session.track, session.type, session.url) == (
        "Hall 1", "Science", "lecture", "https://example.org/42")
    assert session.end - session.start == timedelta(hours=1, minutes=15)


def test_schedule_json_persons_from_pretalx_and_frab() -> None:
    payload = schedule_json([{"date": "2026-07-01", "rooms": {"A": [
        {"guid": "g", "code": "ABC123", "id": 1, "date": "2026-07-01T10:00:00+02:00", "duration": "00:30",
         "title": "T", "persons": [{"code": "XYZ", "name": "Ada Lovelace", "public_name": "Ada Lovelace"},
                                   {"id": 9, "public_name": "Grace Hopper"}]},
        {"code": "DEF456", "id": 2, "date": "2026-07-01T11:00:00+02:00", "duration": "00:30", "title": "Coded"}]}}],
        time_zone_name="Europe/Berlin")
    parsed = parse_schedule(payload, "p.json")
    first = by_title(parsed, "T")
    assert [(p.name, p.source_id) for p in first.speakers] == [("Ada Lovelace", "XYZ"), ("Grace Hopper", "9")]
    assert first.id == "g"  # the guid wins over the pretalx code
    assert by_title(parsed, "Coded").id == "DEF456"


def test_sessionize_all_view_resolves_speakers_rooms_and_categories() -> None:
    parsed = parse_schedule(ALL_VIEW_SAMPLE, "all.json", tz="Europe/Berlin")
    talk = by_title(parsed, "All view talk")
    assert [s.name for s in talk.speakers] == ["Grace Hopper"]  # sp-2 has no name in this file
    assert (talk.room, talk.type, talk.track) == ("Room Five", "Talk", "Compilers")
    assert parsed.skipped == {"no valid start": 1}
    assert any("speakers file" in warning for warning in parsed.warnings)


def test_sessionize_speakers_file_names_the_speakers(tmp_path: Path) -> None:
    parsed = parse_schedule(ALL_VIEW_SAMPLE, "all.json", tz="UTC", speakers_payload=SPEAKERS_VIEW_SAMPLE,
                            speakers_source="speakers.json")
    talk = by_title(parsed, "All view talk")
    assert [(s.name, s.source_id) for s in talk.speakers] == [
        ("Grace Hopper", "sp-1"), ("Alan Turing", "sp-2"), ("Katherine Johnson", "sp-3")]
    assert not any("speakers file" in warning for warning in parsed.warnings)
    schedule_file, speakers_file = tmp_path / "all.json", tmp_path / "speakers.json"
    schedule_file.write_bytes(ALL_VIEW_SAMPLE)
    speakers_file.write_bytes(SPEAKERS_VIEW_SAMPLE)
    loaded = load_schedule(str(schedule_file), tz="UTC", speakers=str(speakers_file))
    assert len(by_title(loaded, "All view talk").speakers) == 3
    speakers_file.write_bytes(b"{not json")
    with pytest.raises(SourceError, match="speakers.json"):
        load_schedule(str(schedule_file), tz="UTC", speakers=str(speakers_file))


def test_a_sessionize_speakers_list_alone_is_an_import_error() -> None:
    with pytest.raises(SourceError, match="speakers.json"):
        parse_schedule(SPEAKERS_VIEW_SAMPLE, "speakers.json")


def test_sessionize_service_sessions_are_kept_and_typed() -> None:
    payload = json.dumps([{"groupId": None, "groupName": "All", "sessions": [
        sessionize_session("b1", "Lunch", "2026-07-01T12:00:00", "2026-07-01T13:00:00",
                           isServiceSession=True, isPlenumSession=True, status=None),
        sessionize_session("t1", "Talk", "2026-07-01T13:00:00", "2026-07-01T13:30:00",
                           categories=[{"id": 1, "name": "Session format",
                                        "categoryItems": [{"id": 2, "name": "Lightning"}]}])]}]).encode()
    parsed = parse_schedule(payload, "s.json", tz="UTC")
    assert by_title(parsed, "Lunch").type == "service"
    assert by_title(parsed, "Talk").type == "Lightning"


def test_gridsmart_lists_each_session_once() -> None:
    parsed = parse_schedule(GRIDSMART_SAMPLE, "g.json", tz="UTC")
    assert [s.id for s in parsed.sessions] == ["101"]


def test_duplicate_ids_stay_distinct_sessions() -> None:
    xml = frab('<day date="2026-07-01"><room name="A">'
               + frab_event("1", "Workshop (morning)", start="09:00", guid="same")
               + frab_event("1", "Workshop (afternoon)", start="14:00", guid="same")
               + frab_event("1", "Workshop (evening)", start="19:00", guid="same") + "</room></day>")
    parsed = parse_schedule(xml, "dups.xml", tz="UTC")
    assert [s.id for s in parsed.sessions] == ["same", "same#2", "same#3"]
    assert [s.source_id for s in parsed.sessions] == ["1", "1", "1"]
    assert [s.id for s in parse_schedule(xml, "dups.xml", tz="UTC").sessions] == ["same", "same#2", "same#3"]
    payload = schedule_json([{"date": "2026-07-01", "rooms": {"A": [
        {"id": 3, "date": "2026-07-01T10:00:00+00:00", "duration": "00:30", "title": "One"},
        {"id": 3, "date": "2026-07-01T10:00:00+00:00", "duration": "00:30", "title": "Two"}]}}])
    ids = [s.id for s in parse_schedule(payload, "d.json").sessions]
    assert ids == ["3|20260701T100000Z|A", "3|20260701T100000Z|A#2"]


def test_cancelled_when_the_source_says_so() -> None:
    xml = frab('<day date="2026-07-01"><room name="A">'
               + frab_event("1", "[CANCELLED] Gone talk", start="09:00")
               + frab_event("2", "Abgesagt: Vortrag", start="10:00")
               + frab_event("3", "Cancellation policies explained", start="11:00") + "</room></day>")
    statuses = {s.title: s.status for s in parse_schedule(xml, "c.xml", tz="UTC").sessions}
    assert statuses == {"[CANCELLED] Gone talk": "cancelled", "Abgesagt: Vortrag": "cancelled",
                        "Cancellation policies explained": "scheduled"}
    payload = schedule_json([{"date": "2026-07-01", "rooms": {"A": [
        {"id": 1, "date": "2026-07-01T10:00:00+00:00", "duration": "00:30", "title": "T", "state": "canceled"}]}}])
    assert parse_schedule(payload, "s.json").sessions[0].status == "cancelled"
    calendar = ics(vevent("UID:c", "SUMMARY:Gone", "DTSTART:20260701T100000Z", "STATUS:CANCELLED"))
    assert parse_schedule(calendar, "c.ics").sessions[0].status == "cancelled"


def test_sessions_without_title_or_start_are_skipped_and_counted() -> None:
    xml = frab('<day date="2026-07-01"><room name="A">'
               + frab_event("1", "", start="09:00") + frab_event("2", "No start", start="soon")
               + frab_event("3", "Kept", start="10:00") + "</room></day>")
    parsed = parse_schedule(xml, "s.xml", tz="UTC")
    assert [s.title for s in parsed.sessions] == ["Kept"]
    assert parsed.skipped == {"no title": 1, "no valid start": 1}


@pytest.mark.parametrize(("duration", "minutes"), [("0:30", 30), ("00:30", 30), ("01:00:00", 60), ("PT1H30M", 90),
                                                   ("45", 45), ("1d 02:00", 1560), ("", 0), ("??", 0)])
def test_durations_as_producers_write_them(duration: str, minutes: int) -> None:
    xml = frab('<day date="2026-07-01"><room name="A">' + frab_event("1", "T", start="10:00", duration=duration)
               + "</room></day>")
    session = parse_schedule(xml, "d.xml", tz="UTC").sessions[0]
    assert session.end - session.start == timedelta(minutes=minutes)


def test_conference_names_from_the_file_unless_given() -> None:
    assert parse_schedule(FRAB_SAMPLE, "f.xml").name == "Sample Camp"
    assert parse_schedule(JSON_SAMPLE, "f.json").name == "JSON Con"
    assert parse_schedule(ics(head="X-WR-CALNAME:Cal Con"), "f.ics").name == "Cal Con"
    assert parse_schedule(GRIDSMART_SAMPLE, "/tmp/droidcon.json", tz="UTC").name == "droidcon"
    assert parse_schedule(FRAB_SAMPLE, "f.xml", name="My Name").name == "My Name"


def test_hostile_text_in_xml_and_json_is_cleaned() -> None:
    # XML 1.0 cannot carry ESC at all (expat refuses it), but it can carry C1 and bidi controls.
    xml = frab('<day date="2026-07-01"><room name="A\u009b31m">'
               + frab_event("1", "Evil\u202e talk\u009b2J", start="10:00") + "</room></day>")
    session = parse_schedule(xml, "e.xml", tz="UTC").sessions[0]
    assert (session.title, session.room) == ("Evil talk", "A")
    with pytest.raises(SourceError, match="esc.xml"):
        parse_schedule(xml.replace("\u009b".encode(), b"&#x1b;"), "esc.xml", tz="UTC")
    payload = json.dumps([{"groupName": "All", "sessions": [
        sessionize_session("1", "\x1b]0;pwned\x07Evil\x1b[31m talk", "2026-07-01T10:00:00", "2026-07-01T11:00:00",
                           room="Room\x9b31m 1")]}]).encode()
    session = parse_schedule(payload, "e.json", tz="UTC").sessions[0]
    assert (session.title, session.room) == ("Evil talk", "Room 1")


# --- hostile and broken files ----------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE schedule [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<schedule><conference><title>&lol9;</title></conference></schedule>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE schedule [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<schedule><conference><title>&secret;</title></conference></schedule>
"""


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_xml_entities_are_refused(payload: bytes) -> None:
    with pytest.raises(SourceError, match=r"^evil\.xml: refused: ") as caught:
        parse_schedule(payload, "evil.xml")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("payload", "name"),
    [
        (b"<schedule><conference><title>Cut</title></conference><day date='2026-07-01'>", "cut.xml"),
        (b"<schedule><conference></schedule>", "mismatched.xml"),
        (b'{"schedule": {"conference": {"days": [', "cut.json"),
        (b"[{\"date\": \"2026-07-01\", \"rooms\": [}]", "broken.json"),
        (b'{"schedule": {"conference": {"days": [{"date": 1}]}}, }', "trailing.json"),
    ],
)
def test_malformed_xml_and_json_are_one_line_naming_the_file(payload: bytes, name: str) -> None:
    with pytest.raises(SourceError, match=name.replace(".", r"\.")) as caught:
        parse_schedule(payload, name)
    assert "\n" not in str(caught.value)


def test_malformed_files_forced_by_format_are_import_errors() -> None:
    for fmt in ("frab", "schedule-json", "sessionize", "ical"):
        with pytest.raises(SourceError, match="junk.bin"):
            parse_schedule(b"\x00\x01 definitely not a schedule", "junk.bin", fmt=fmt)


def test_odd_but_valid_json_shapes_do_not_crash() -> None:
    payload = schedule_json(["not a day", {"date": "2026-07-01", "rooms": {"A": ["not an event", None]}}])
    parsed = parse_schedule(payload, "odd.json")
    assert parsed.sessions == [] and parsed.skipped["not an event object"] == 2
    grid = json.dumps([{"date": "2026-07-01T00:00:00", "rooms": [{"name": "A", "sessions": [None, 3]}],
                        "timeSlots": "nope"}]).encode()
    assert parse_schedule(grid, "grid.json", tz="UTC").sessions == []


def test_a_namespaced_frab_schedule() -> None:
    payload = (b'<?xml version="1.0"?><s:schedule xmlns:s="urn:example:schedule"><s:conference><s:title>NS Con'
               b'</s:title></s:conference><s:day date="2026-07-01"><s:room name="A"><s:event id="1"><s:start>10:00'
               b"</s:start><s:duration>00:30</s:duration><s:title>Namespaced</s:title></s:event></s:room></s:day>"
               b"</s:schedule>")
    parsed = parse_schedule(payload, "ns.xml", tz="UTC")
    assert (parsed.name, [s.title for s in parsed.sessions]) == ("NS Con", ["Namespaced"])


def test_a_speakers_file_beside_a_non_sessionize_schedule_is_ignored_with_a_warning() -> None:
    parsed = parse_schedule(ICS_SAMPLE, "cal.ics", speakers_payload=SPEAKERS_VIEW_SAMPLE)
    assert len(parsed.sessions) == 1
    assert any("speakers file" in warning for warning in parsed.warnings)


def test_calendar_line_ends_and_encodings() -> None:
    crcrlf = ICS_SAMPLE.replace(b"\r\n", b"\r\r\n")
    assert parse_schedule(crcrlf, "crcrlf.ics").sessions[0].title == "Calendar talk"
    latin = ics(vevent("UID:l", "SUMMARY:Café über Straße à Zürich", "LOCATION:Grüner Saal",
                       "DESCRIPTION:Ärger, Öl, Übung", "DTSTART:20260701T100000Z")).decode().encode("cp1252")
    parsed = parse_schedule(latin, "latin.ics")
    assert parsed.sessions[0].title == "Café über Straße à Zürich"
    assert parsed.sessions[0].room == "Grüner Saal"
    assert any("Windows-1252" in warning for warning in parsed.warnings)


def test_frab_event_that_moves_keeps_its_id_so_the_move_is_seen() -> None:
    from companion.importers.sources import parse_schedule

    def schedule(start: str, room: str) -> bytes:
        return (
            '<schedule><conference><title>Moves</title><time_zone_name>Europe/Brussels</time_zone_name></conference>'
            f'<day index="1" date="2021-02-06"><room name="{room}">'
            f'<event id="42"><start>{start}</start><duration>00:30</duration><title>Talk</title></event>'
            '</room></day></schedule>'
        ).encode()

    before = parse_schedule(schedule("10:00", "K.1"), "moves.xml").sessions[0]
    after = parse_schedule(schedule("11:00", "H.2"), "moves.xml").sessions[0]
    assert before.id == after.id == "event-42"
    assert after.start - before.start == timedelta(hours=1)


def test_plain_text_abstracts_lose_the_files_indentation_but_keep_paragraphs() -> None:
    from companion.importers.helpers import html_to_text

    text = "First paragraph.\n\n                    Second paragraph,\n                    same paragraph."
    assert html_to_text(text) == "First paragraph.\n\nSecond paragraph,\nsame paragraph."
