"""Importers on the sample conference, on small hand-written files, and on real broken files."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from companion.errors import SourceError
from companion.importers.ical import parse_ical
from companion.importers.people_csv import parse_people_csv

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DIR = REPO / "sample_schedules"
REALDATA = REPO.parent / "shared" / "realdata"
EDGE_DIR = REALDATA / "ics-edge"
BERLIN = ZoneInfo("Europe/Berlin")


# --- helpers ------------------------------------------------------------------------------------


def calendar(*events: str, head: str = "") -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//tests//companion//EN"]
    if head:
        lines.append(head)
    text = "\r\n".join(lines) + "\r\n" + "".join(events) + "END:VCALENDAR\r\n"
    return text.encode("utf-8")


def event(*lines: str) -> str:
    return "BEGIN:VEVENT\r\n" + "".join(line + "\r\n" for line in lines) + "END:VEVENT\r\n"


def only(parsed):  # noqa: ANN001, ANN201
    assert len(parsed.sessions) == 1, parsed.sessions
    return parsed.sessions[0]


# --- the sample conference ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():  # noqa: ANN201
    return parse_ical((SAMPLE_DIR / "conference.ics").read_bytes(), "conference.ics")


def test_sample_has_48_sessions_with_aware_times(sample) -> None:  # noqa: ANN001
    assert len(sample.sessions) == 48
    assert len({s.id for s in sample.sessions}) == 48
    for session in sample.sessions:
        assert session.start.tzinfo is not None and session.start.utcoffset() is not None
        assert session.end.tzinfo is not None and session.end.utcoffset() is not None
        assert session.end >= session.start
        assert session.title
    assert sample.name == "Northwind Open Source Summit 2026"
    assert sample.timezone == "Europe/Berlin"
    assert not sample.skipped
    assert not any("floating" in w or "--tz" in w for w in sample.warnings)


def test_sample_times_are_the_local_times_in_the_file(sample) -> None:  # noqa: ANN001
    keynote = next(s for s in sample.sessions if s.id == "nwoss26-001@northwind.example")
    assert keynote.start == datetime(2026, 12, 3, 9, 0, tzinfo=BERLIN)
    assert keynote.end == datetime(2026, 12, 3, 9, 50, tzinfo=BERLIN)
    assert keynote.start.astimezone(timezone.utc) == datetime(2026, 12, 3, 8, 0, tzinfo=timezone.utc)
    days = {s.start.astimezone(BERLIN).date().isoformat() for s in sample.sessions}
    assert days == {"2026-12-03", "2026-12-04"}


def test_sample_speakers_come_from_attendee(sample) -> None:  # noqa: ANN001
    by_id = {s.id: s for s in sample.sessions}
    packaging = by_id["nwoss26-002@northwind.example"]
    assert [sp.name for sp in packaging.speakers] == ["Priya Raman"]
    assert packaging.speakers[0].source_id == "mailto:priya.raman@example.com"
    workshop = next(s for s in sample.sessions if s.title.startswith("Workshop: Packaging Your First"))
    assert [sp.name for sp in workshop.speakers] == ["Jonas Becker", "Mei Lin"]
    lunch = next(s for s in sample.sessions if s.title == "Lunch")
    assert lunch.speakers == []
    priya = [s.title for s in sample.sessions if any(sp.name == "Priya Raman" for sp in s.speakers)]
    assert len(priya) == 2
    # The "Speakers: ..." line is data, not part of the abstract.
    assert not any(s.abstract.lower().startswith("speaker") for s in sample.sessions)
    assert packaging.abstract.startswith("Packaging has changed")


def test_sample_rooms_tracks_and_urls(sample) -> None:  # noqa: ANN001
    assert {s.room for s in sample.sessions} == {"Hall A", "Room 101", "Workshop Room", "Foyer"}
    by_id = {s.id: s for s in sample.sessions}
    assert by_id["nwoss26-001@northwind.example"].track == "Keynote"
    assert by_id["nwoss26-002@northwind.example"].track == "Python"
    assert by_id["nwoss26-001@northwind.example"].url.startswith("https://nwoss.example/talks/twenty-years")
    assert {"Keynote", "Python", "Break"} <= {s.track for s in sample.sessions}
    assert all(s.status == "scheduled" for s in sample.sessions)


# --- small calendars: time zones ------------------------------------------------------------------

FLOATING = event("UID:float-1", "SUMMARY:Floating talk", "DTSTART:20261203T100000", "DTEND:20261203T110000")


def test_floating_times_without_a_zone_are_read_as_utc_with_a_warning() -> None:
    parsed = parse_ical(calendar(FLOATING), "floating.ics")
    session = only(parsed)
    assert session.start == datetime(2026, 12, 3, 10, 0, tzinfo=timezone.utc)
    assert session.start.utcoffset() == timedelta(0)
    assert parsed.timezone == "UTC"
    assert any("--tz" in warning for warning in parsed.warnings), parsed.warnings


def test_floating_times_with_tz_use_that_zone_without_a_warning() -> None:
    parsed = parse_ical(calendar(FLOATING), "floating.ics", tz="America/New_York")
    session = only(parsed)
    assert session.start == datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("America/New_York"))
    assert session.start.astimezone(timezone.utc).hour == 15
    assert session.end - session.start == timedelta(hours=1)
    assert parsed.timezone == "America/New_York"
    assert parsed.warnings == []


def test_an_unknown_tz_is_an_import_error_naming_it() -> None:
    with pytest.raises(SourceError, match="Mars/Olympus"):
        parse_ical(calendar(FLOATING), "floating.ics", tz="Mars/Olympus")


def test_x_wr_timezone_places_floating_times() -> None:
    parsed = parse_ical(calendar(FLOATING, head="X-WR-TIMEZONE:Asia/Tokyo"), "tokyo.ics")
    session = only(parsed)
    assert session.start == datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert session.start.utcoffset() == timedelta(hours=9)
    assert parsed.timezone == "Asia/Tokyo"
    assert not any("--tz" in w for w in parsed.warnings)


def test_tzid_without_vtimezone_still_gives_that_zone() -> None:
    parsed = parse_ical(calendar(event(
        "UID:t-1", "SUMMARY:Summer talk",
        "DTSTART;TZID=Europe/Berlin:20260703T100000", "DTEND;TZID=Europe/Berlin:20260703T103000",
    )), "tzid.ics")
    session = only(parsed)
    assert session.start.utcoffset() == timedelta(hours=2)  # CEST in July
    assert session.start.astimezone(timezone.utc).hour == 8
    assert parsed.timezone == "Europe/Berlin"


def test_utc_times_need_no_tz_and_give_no_warning() -> None:
    parsed = parse_ical(calendar(event("UID:u", "SUMMARY:UTC talk", "DTSTART:20261203T100000Z",
                                       "DTEND:20261203T104500Z")), "utc.ics")
    session = only(parsed)
    assert session.start == datetime(2026, 12, 3, 10, 0, tzinfo=timezone.utc)
    assert parsed.warnings == []


def test_a_broken_vtimezone_does_not_lose_the_events() -> None:
    bad_zone = ("BEGIN:VTIMEZONE\r\nTZID:Custom/Zone\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:garbage\r\n"
                "TZOFFSETTO:+0100\r\nDTSTART:19701025T030000\r\nEND:STANDARD\r\nEND:VTIMEZONE")
    parsed = parse_ical(calendar(event("UID:v", "SUMMARY:Still here", "DTSTART:20261203T100000Z"),
                                 head=bad_zone), "badzone.ics")
    assert only(parsed).title == "Still here"


# --- small calendars: shapes of events ------------------------------------------------------------


def test_an_all_day_event_spans_its_day_in_the_zone() -> None:
    parsed = parse_ical(calendar(event("UID:d", "SUMMARY:Sprint day", "DTSTART;VALUE=DATE:20261205")),
                        "allday.ics", tz="Europe/Berlin")
    session = only(parsed)
    assert session.start == datetime(2026, 12, 5, 0, 0, tzinfo=BERLIN)
    assert session.end == datetime(2026, 12, 6, 0, 0, tzinfo=BERLIN)


def test_a_two_day_all_day_event_keeps_its_end() -> None:
    parsed = parse_ical(calendar(event("UID:d2", "SUMMARY:Sprints", "DTSTART;VALUE=DATE:20261205",
                                       "DTEND;VALUE=DATE:20261207")), "allday.ics", tz="Europe/Berlin")
    session = only(parsed)
    assert session.end - session.start == timedelta(days=2)


def test_a_missing_dtend_keeps_the_session() -> None:
    parsed = parse_ical(calendar(event("UID:e", "SUMMARY:Lightning talks",
                                       "DTSTART;TZID=Europe/Berlin:20261203T170000")), "noend.ics")
    session = only(parsed)
    assert session.start == datetime(2026, 12, 3, 17, 0, tzinfo=BERLIN)
    assert session.end >= session.start
    assert not parsed.skipped


def test_duration_gives_the_end() -> None:
    parsed = parse_ical(calendar(event("UID:f", "SUMMARY:Short", "DTSTART:20261203T100000Z", "DURATION:PT25M")),
                        "duration.ics")
    session = only(parsed)
    assert session.end - session.start == timedelta(minutes=25)


def test_an_event_without_summary_is_skipped_and_counted() -> None:
    parsed = parse_ical(calendar(
        event("UID:no-title", "DTSTART:20261203T100000Z"),
        event("UID:no-title-2", "SUMMARY:", "DTSTART:20261203T110000Z"),
        event("UID:ok", "SUMMARY:Kept", "DTSTART:20261203T120000Z"),
    ), "notitle.ics")
    assert [s.title for s in parsed.sessions] == ["Kept"]
    assert sum(parsed.skipped.values()) == 2
    assert parsed.skipped == {"no title": 2}


def test_an_event_without_a_start_is_skipped_with_a_reason() -> None:
    parsed = parse_ical(calendar(
        event("UID:no-start", "SUMMARY:When?"),
        event("UID:ok", "SUMMARY:Kept", "DTSTART:20261203T120000Z"),
    ), "nostart.ics")
    assert [s.title for s in parsed.sessions] == ["Kept"]
    assert sum(parsed.skipped.values()) == 1
    assert "start" in next(iter(parsed.skipped))


def test_duplicate_uids_stay_distinct_sessions() -> None:
    parsed = parse_ical(calendar(
        event("UID:dup@conf", "SUMMARY:Workshop (morning run)", "DTSTART:20261203T090000Z"),
        event("UID:dup@conf", "SUMMARY:Workshop (afternoon run)", "DTSTART:20261203T140000Z"),
    ), "dups.ics")
    assert len(parsed.sessions) == 2
    assert len({s.id for s in parsed.sessions}) == 2
    assert {s.title for s in parsed.sessions} == {"Workshop (morning run)", "Workshop (afternoon run)"}
    # Stable: importing the same file again gives the same ids.
    again = parse_ical(calendar(
        event("UID:dup@conf", "SUMMARY:Workshop (morning run)", "DTSTART:20261203T090000Z"),
        event("UID:dup@conf", "SUMMARY:Workshop (afternoon run)", "DTSTART:20261203T140000Z"),
    ), "dups.ics")
    assert [s.id for s in again.sessions] == [s.id for s in parsed.sessions]


def test_events_without_uid_get_stable_distinct_ids() -> None:
    payload = calendar(
        event("SUMMARY:Talk A", "DTSTART:20261203T090000Z", "LOCATION:Hall A"),
        event("SUMMARY:Talk B", "DTSTART:20261203T090000Z", "LOCATION:Hall B"),
    )
    first = [s.id for s in parse_ical(payload, "nouid.ics").sessions]
    assert len(set(first)) == 2 and all(first)
    assert [s.id for s in parse_ical(payload, "nouid.ics").sessions] == first


@pytest.mark.parametrize(
    "payload",
    [
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nSUMMARY:Cut\r\nDTSTART:20261203T100000Z\r\n",
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nSUMMARY:Cut\r\nDTSTART:20261203T100000Z\r\n"
        b"END:VEVENT\r\n",
    ],
    ids=["mid-event", "after-event"],
)
def test_a_truncated_file_is_an_import_error_naming_the_file(payload: bytes) -> None:
    with pytest.raises(SourceError, match="truncated-download.ics"):
        parse_ical(payload, "truncated-download.ics")


def test_a_file_that_is_not_a_calendar_is_an_import_error() -> None:
    with pytest.raises(SourceError, match="notes.txt"):
        parse_ical(b"name,affiliation\nPriya,Fernwood\n", "notes.txt")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Speaker: Ada Lovelace, Grace Hopper", ["Ada Lovelace", "Grace Hopper"]),
        ("Speakers: Ada Lovelace and Grace Hopper", ["Ada Lovelace", "Grace Hopper"]),
        ("speaker: Ada Lovelace", ["Ada Lovelace"]),
    ],
)
def test_a_speaker_line_in_the_description_gives_speakers(line: str, expected: list[str]) -> None:
    description = line + "\\n\\nA talk about engines."
    parsed = parse_ical(calendar(event("UID:s", "SUMMARY:Engines", "DTSTART:20261203T100000Z",
                                       f"DESCRIPTION:{description}")), "speakers.ics")
    session = only(parsed)
    assert [sp.name for sp in session.speakers] == expected
    assert session.abstract == "A talk about engines."


def test_attendee_speakers_win_over_the_description_line() -> None:
    parsed = parse_ical(calendar(event(
        "UID:s", "SUMMARY:Engines", "DTSTART:20261203T100000Z",
        "DESCRIPTION:Speaker: Somebody Else\\n\\nAbstract",
        'ATTENDEE;CN="Ada Lovelace";ROLE=CHAIR:mailto:ada@example.org',
    )), "attendee.ics")
    assert [sp.name for sp in only(parsed).speakers] == ["Ada Lovelace"]


def test_a_cancelled_event_is_kept_as_cancelled() -> None:
    parsed = parse_ical(calendar(event("UID:c", "SUMMARY:Gone", "DTSTART:20261203T100000Z", "STATUS:CANCELLED")),
                        "cancelled.ics")
    assert only(parsed).status == "cancelled"


def test_a_fold_splitting_a_utf8_character_is_joined_before_decoding() -> None:
    e_acute = "é".encode()
    payload = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:u\r\nDTSTART:20261203T100000Z\r\n"
               b"SUMMARY:Caf" + e_acute[:1] + b"\r\n " + e_acute[1:] + b" culture\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    assert only(parse_ical(payload, "fold.ics")).title == "Café culture"


def test_hostile_text_in_a_calendar_is_cleaned() -> None:
    parsed = parse_ical(calendar(event(
        "UID:h", "SUMMARY:\x1b]0;pwned\x07Evil\x1b[2J talk\u202e", "DTSTART:20261203T100000Z",
        "LOCATION:Room\x9b31m 1",
    )), "hostile.ics")
    session = only(parsed)
    assert session.title == "Evil talk"
    assert session.room == "Room 1"


def test_an_invalid_start_on_the_first_event_skips_only_that_event() -> None:
    parsed = parse_ical(calendar(
        event("UID:bad", "SUMMARY:Bad start", "DTSTART:tomorrow"),
        event("UID:ok", "SUMMARY:Good talk", "DTSTART:20261203T100000Z"),
    ), "badstart.ics")
    assert [s.title for s in parsed.sessions] == ["Good talk"]
    assert sum(parsed.skipped.values()) == 1


def test_an_invalid_start_on_a_later_event_skips_only_that_event() -> None:
    parsed = parse_ical(calendar(
        event("UID:ok", "SUMMARY:Good talk", "DTSTART:20261203T100000Z"),
        event("UID:bad", "SUMMARY:Bad start", "DTSTART:tomorrow"),
    ), "badstart.ics")
    assert [s.title for s in parsed.sessions] == ["Good talk"]
    assert sum(parsed.skipped.values()) == 1


def test_an_invalid_recurrence_id_does_not_crash_the_import() -> None:
    payload = calendar(event("UID:r", "SUMMARY:Moved talk", "DTSTART:20261203T100000Z", "RECURRENCE-ID:garbage"),
                       event("UID:ok", "SUMMARY:Good talk", "DTSTART:20261203T110000Z"))
    parsed = parse_ical(payload, "badrecurrence.ics")
    assert sorted(s.title for s in parsed.sessions) == ["Good talk", "Moved talk"]
    assert len({s.id for s in parsed.sessions}) == 2


# --- real broken calendars ----------------------------------------------------------------------

def edge_files() -> list:
    if not EDGE_DIR.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{EDGE_DIR} is absent"), id="absent")]
    return [
        pytest.param(path, id=path.name) for path in sorted(EDGE_DIR.glob("*.ics"))
    ]


@pytest.mark.parametrize("path", edge_files())
def test_real_edge_files_parse_or_raise_import_error(path: Path) -> None:
    try:
        parsed = parse_ical(path.read_bytes(), str(path))
    except SourceError as error:
        message = str(error)
        assert path.name in message  # names the file
        assert "\n" not in message
        return
    for session in parsed.sessions:
        assert session.title
        assert session.start.utcoffset() is not None and session.end.utcoffset() is not None
        assert session.end >= session.start


# --- people CSV ---------------------------------------------------------------------------------


def test_sample_people_csv() -> None:
    parsed = parse_people_csv((SAMPLE_DIR / "people.csv").read_bytes(), "people.csv")
    assert len(parsed.people) == 16
    assert parsed.skipped == []
    priya = next(p for p in parsed.people if p.name == "Priya Raman")
    assert priya.affiliation == "Fernwood Analytics"
    assert priya.priority == "must-meet"
    assert priya.tags == ["python", "packaging", "observability"]
    assert priya.links["github"] == "praman"
    assert priya.email == "priya.raman@example.com"
    chloe = next(p for p in parsed.people if p.name == "Chloé Martin")
    assert chloe.affiliation == "Institut Lumière, Data Lab"  # a quoted comma


def test_flexible_headers_full_name_and_company() -> None:
    parsed = parse_people_csv(
        b"Full Name,Company,Job Title,E-mail Address,GitHub\r\nAda Lovelace,Analytical Engines,Countess,"
        b"ada@example.org,ada\r\n",
        "contacts.csv",
    )
    ada = parsed.people[0]
    assert (ada.name, ada.affiliation, ada.role, ada.email, ada.links) == (
        "Ada Lovelace", "Analytical Engines", "Countess", "ada@example.org", {"github": "ada"})


def test_first_and_last_name_columns_with_a_bom() -> None:
    text = "\ufeffFirst Name,Last Name,Organization\r\nGrace,Hopper,US Navy\r\nAlan,,\r\n"
    parsed = parse_people_csv(text.encode("utf-8"), "bom.csv")
    assert [p.name for p in parsed.people] == ["Grace Hopper", "Alan"]
    assert parsed.people[0].affiliation == "US Navy"


def test_bom_before_a_plain_name_header() -> None:
    parsed = parse_people_csv("\ufeffname,priority\nJosé Álvarez,must\n".encode(), "bom.csv")
    assert [(p.name, p.priority) for p in parsed.people] == [("José Álvarez", "must-meet")]


def test_priority_spellings() -> None:
    parsed = parse_people_csv(b"name,priority\nA,Must meet\nB,hope_to_meet\nC,met\nD,\n", "p.csv")
    assert [p.priority for p in parsed.people] == ["must-meet", "hope-to-meet", "met", "hope-to-meet"]


def test_a_bad_priority_is_an_import_error_naming_the_line() -> None:
    with pytest.raises(SourceError) as caught:
        parse_people_csv(b"name,priority\nAda,must-meet\nBob,urgent\n", "prio.csv")
    message = str(caught.value)
    assert "prio.csv" in message and "line 3" in message and "urgent" in message


def test_rows_without_a_name_are_skipped_and_reported() -> None:
    parsed = parse_people_csv(b"name,company\nAda,AE\n,Nameless Inc\n\nBob,BB\n", "skip.csv")
    assert [p.name for p in parsed.people] == ["Ada", "Bob"]
    assert len(parsed.skipped) == 1
    assert "line 3" in parsed.skipped[0]


def test_no_name_column_is_an_import_error_on_line_1() -> None:
    with pytest.raises(SourceError) as caught:
        parse_people_csv(b"company,email\nAcme,a@example.org\n", "noname.csv")
    assert "noname.csv" in str(caught.value) and "line 1" in str(caught.value)


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [(b"", "empty"), (b"name\n", "no people"), (b"name\n,\n", "no people"), (b"\xff\xfename\n", "UTF-8")],
)
def test_files_with_nobody_in_them_are_import_errors(payload: bytes, fragment: str) -> None:
    with pytest.raises(SourceError, match=fragment):
        parse_people_csv(payload, "nobody.csv")


def test_hostile_cells_are_cleaned() -> None:
    text = 'name,company\n"Eve [@click=app.quit] \x1b]0;pwned\x07",Evil \x1b[31mCorp\u202e\n'
    eve = parse_people_csv(text.encode(), "eve.csv").people[0]
    assert eve.name == "Eve [@click=app.quit]"
    assert eve.affiliation == "Evil Corp"
