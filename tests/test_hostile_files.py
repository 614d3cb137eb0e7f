"""Hostile files: every importer either parses what it is given or says
why in one line (companion.errors.SourceError), never another exception, never a hang, never a
partial import, never a control character in what it hands on.

Property-based with hypothesis: random bytes, and random mutations of small valid samples (byte
edits with tokens that break parsers, and for JSON, values of the wrong type at random places).
The examples are derandomized so `make test` is repeatable; set COMPANION_FUZZ_EXAMPLES=2000 for a
longer, random run.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.cli import main as cli_main
from companion.errors import SourceError
from companion.importers import MAX_FILE_BYTES, ParsedPeople, ParsedSchedule
from companion.importers.sources import parse_people, parse_schedule

REALDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata"

EXAMPLES = int(os.environ.get("COMPANION_FUZZ_EXAMPLES", "0")) or None
FUZZ = settings(
    max_examples=EXAMPLES or 40,
    deadline=2000,  # ms per example: a parse that takes longer is a failure (quadratic blowups)
    derandomize=EXAMPLES is None,
    database=None,
    report_multiple_bugs=False,  # one failure (or one known bug's xfail) per test, not a group
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
HANG_SECONDS = 10
"""A watchdog for a parse that never returns (hypothesis's deadline only judges examples that end)."""

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""What companion.text.clean removes: C0 but tab and newline, DEL, C1, bidi controls."""


# --- small valid samples ----------------------------------------------------------------------------

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//fuzz//EN\r\nX-WR-CALNAME:Fuzz Con\r\n"
    "X-WR-TIMEZONE:Europe/Berlin\r\n"
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
    "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n"
    "END:VTIMEZONE\r\n"
    "BEGIN:VEVENT\r\nUID:f-1@fuzz\r\nDTSTART;TZID=Europe/Berlin:20261203T100000\r\n"
    "DTEND;TZID=Europe/Berlin:20261203T104000\r\nSUMMARY:Parsers\\, in anger\r\nLOCATION:Hall A\r\n"
    "DESCRIPTION:Speaker: Ada Lovelace\\n<p>On parsing.</p>\r\nCATEGORIES:Talk\r\n"
    "RRULE:FREQ=DAILY;COUNT=2\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:f-2@fuzz\r\nDTSTART:20261203T120000Z\r\nDURATION:PT30M\r\nSUMMARY:Lunch talk\r\n"
    "ATTENDEE;CN=Grace Hopper;ROLE=CHAIR:mailto:grace@example.org\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
).encode()

FRAB = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<schedule><version>1</version><conference><title>Fuzz Camp</title>'
    "<time_zone_name>Europe/Berlin</time_zone_name><day_change>04:00</day_change></conference>"
    '<day date="2026-07-01" index="1" start="2026-07-01T04:00:00+02:00"><room name="Hall 1">'
    '<event id="1" guid="g-1"><date>2026-07-01T10:00:00+02:00</date><start>10:00</start><duration>00:30</duration>'
    "<title>Opening</title><track>Main</track><type>talk</type><abstract>&lt;b&gt;Hi&lt;/b&gt;</abstract>"
    '<persons><person id="7">Ada Lovelace</person></persons></event>'
    '<event id="2"><start>25:30</start><duration>01:00</duration><title>Late night</title></event>'
    "</room></day></schedule>"
).encode()

SCHEDULE_JSON = json.dumps({
    "$schema": "https://c3voc.de/schedule/schema.json",
    "schedule": {"version": "1", "conference": {
        "title": "JSON Con", "time_zone_name": "Europe/Berlin", "days": [
            {"index": 1, "date": "2026-07-01", "day_start": "2026-07-01T04:00:00+02:00", "rooms": {"Hall 1": [
                {"guid": "j-1", "id": 1, "date": "2026-07-01T10:00:00+02:00", "start": "10:00",
                 "duration": "00:45", "title": "JSON talk", "room": "Hall 1", "track": {"name": "Web"},
                 "abstract": "<p>About JSON</p>", "persons": [{"id": 7, "public_name": "Ada"}]}]}}]}},
}).encode()

SESSIONIZE_ALL = json.dumps({
    "sessions": [{"id": "301", "title": "All view talk", "description": "<p>Hello &amp; welcome</p>",
                  "startsAt": "2026-07-01T12:00:00", "endsAt": "2026-07-01T12:40:00", "isServiceSession": False,
                  "isPlenumSession": False, "speakers": ["sp-1"], "categoryItems": [11],
                  "questionAnswers": [], "roomId": 5, "status": "Accepted"}],
    "speakers": [{"id": "sp-1", "firstName": "Grace", "lastName": "Hopper", "fullName": "Grace Hopper",
                  "sessions": [301]}],
    "categories": [{"id": 1, "title": "Track", "items": [{"id": 11, "name": "Compilers"}]}],
    "rooms": [{"id": 5, "name": "Room Five", "sort": 1}],
}).encode()

SESSIONIZE_GRID = json.dumps([{"date": "2026-07-01T00:00:00", "isDefault": True, "rooms": [
    {"id": 1, "name": "Main Hall", "sessions": [
        {"id": "101", "title": "Grid talk", "description": None, "startsAt": "2026-07-01T10:00:00",
         "endsAt": "2026-07-01T10:45:00", "isServiceSession": False, "speakers": [{"id": "s", "name": "Ada"}],
         "categories": [{"id": 1, "name": "Track", "categoryItems": [{"id": 2, "name": "Web"}]}],
         "roomId": 1, "room": "Main Hall", "status": "Accepted"}]}], "timeSlots": []}]).encode()

PEOPLE_CSV = (
    "Name,Company,Role,Email,GitHub,Website,Tags,Priority,Connection,Notes\r\n"
    "Ada Lovelace,Analytical Engines,Countess,ada@example.org,ada,https://ada.example.org,"
    '"math; engines",must-meet,"school: Cambridge",Loved her notes\r\n'
    'Grace Hopper,US Navy,"Rear Admiral",,,https://github.com/grace,cobol,,"via Ada",\r\n'
).encode()

VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lovelace;Ada;;;\r\nFN:Ada Lovelace\r\nORG:Analytical Engines;Research\r\n"
    "TITLE:Countess\r\nEMAIL;TYPE=INTERNET,pref:ada@example.org\r\nURL:https://github.com/ada\r\n"
    "X-SOCIALPROFILE;TYPE=mastodon;X-USER=ada:https://hachyderm.example/@ada\r\n"
    "NOTE:Met at PyCon\\, ask about\\nthe engine\r\nCATEGORIES:python,math\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Grace Hopper\r\nEMAIL:grace@example.org\r\n"
    "IMPP;X-SERVICE-TYPE=Bluesky:bluesky:grace.bsky.social\r\nEND:VCARD\r\n"
).encode()

LINKEDIN = (
    "\ufeffNotes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing."\r\n'
    "\r\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    "Ada,Lovelace,https://www.linkedin.com/in/ada-lovelace,,Analytical Engines,Countess,12 Mar 2024\r\n"
    'Grace,Hopper,https://www.linkedin.com/in/ghopper,grace@example.org,"US Navy, COBOL",Rear Admiral,5 Sep 2019\r\n'
).encode("utf-8")

SCHEDULE_SAMPLES = {
    "ical": ICS, "frab": FRAB, "schedule-json": SCHEDULE_JSON, "sessionize": SESSIONIZE_ALL,
    "sessionize-grid": SESSIONIZE_GRID,
}
PEOPLE_SAMPLES = {"csv": PEOPLE_CSV, "vcard": VCARD, "linkedin": LINKEDIN}
JSON_SAMPLES = {"schedule-json": SCHEDULE_JSON, "sessionize": SESSIONIZE_ALL, "sessionize-grid": SESSIONIZE_GRID}
FORMAT_OF = {"sessionize-grid": "sessionize"}


# --- checking one input -------------------------------------------------------------------------


@contextlib.contextmanager
def watchdog(seconds: float = HANG_SECONDS) -> Iterator[None]:
    """Turn a parse that never returns into a failure (SIGPROF, in the main thread only). The time
    is this process's CPU time, not the wall clock: a hang spins and is caught all the same, and a
    machine busy with other work does not make a sound parse look like one."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"no answer after {seconds} s of CPU: a hang")

    previous = signal.signal(signal.SIGPROF, expired)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def parse(kind: str, payload: bytes, *, sniff: bool = False) -> ParsedSchedule | ParsedPeople:
    if kind in PEOPLE_SAMPLES:
        return parse_people(payload, "fuzz.in", fmt=None if sniff else kind)
    return parse_schedule(payload, "fuzz.in", fmt=None if sniff else FORMAT_OF.get(kind, kind))


def texts_of(parsed: ParsedSchedule | ParsedPeople) -> Iterator[tuple[str, str]]:
    """(where, text) for every string an importer hands on to be stored, shown or printed."""
    if isinstance(parsed, ParsedSchedule):
        yield "conference name", parsed.name
        yield from (("warning", w) for w in parsed.warnings)
        yield from (("skipped reason", r) for r in parsed.skipped)
        for s in parsed.sessions:
            for name in ("title", "room", "track", "type", "abstract", "url"):
                yield f"session {name}", getattr(s, name)
            yield from (("speaker", speaker.name) for speaker in s.speakers)
    else:
        yield from (("skipped line", line) for line in parsed.skipped)
        for p in parsed.people:
            for name in ("name", "affiliation", "role", "email", "notes"):
                yield f"person {name}", getattr(p, name)
            yield from ((f"link {kind}", url) for kind, url in p.links.items())
            yield from (("tag", tag) for tag in p.tags)
            yield from (("connection", c.detail) for c in p.connections)


KNOWN_BUGS: dict[tuple[str, str], str] = {}
"""Crashes found by this file and not fixed yet (exception type, file) -> reason: they xfail where fuzzing
meets them; any other crash fails. Empty: the Sessionize, schedule.json and frab encoding crashes this
file found are fixed, and pinned by the tests below."""


def known_bug(error: BaseException) -> str | None:
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if "companion" in Path(frame.filename).parts]
    where = Path(frames[-1].filename).name if frames else ""
    return KNOWN_BUGS.get((type(error).__name__, where))


def xfail_if_known(error: BaseException) -> None:
    reason = known_bug(error)
    if reason is not None:
        pytest.xfail(reason)


def check(kind: str, payload: bytes, *, sniff: bool = False) -> str:
    """Parse: it must succeed with clean text, or fail with one clean line. Returns the outcome."""
    try:
        with watchdog():
            parsed = parse(kind, payload, sniff=sniff)
    except SourceError as error:
        message = str(error)
        assert message.strip(), "an empty error message"
        assert "\n" not in message and "\r" not in message, f"more than one line: {message!r}"
        assert not UNSAFE.search(message), f"a control character in the error message: {message!r}"
        return "refused"
    except Exception as error:
        xfail_if_known(error)
        raise
    for where, text in texts_of(parsed):
        assert isinstance(text, str), (where, text)
        assert not UNSAFE.search(text), f"{kind}: a control character in the {where}: {text!r}"
    if isinstance(parsed, ParsedSchedule):
        for s in parsed.sessions:
            assert s.start.tzinfo is not None and s.end.tzinfo is not None
            assert s.title.strip(), "a session without a title"
            s.to_dict()  # what the store writes must serialise
    else:
        for p in parsed.people:
            assert p.name.strip(), "a person without a name"
            p.to_dict()
    return "parsed"


# --- strategies ---------------------------------------------------------------------------------

TOKENS = [
    b"\x00", b"\xff", b"\xc3", b"\xe2\x80\xae", b"\xc2\x9b31m", b"\x1b]0;pwned\x07", b"\x1b[2J", b"\r", b"\n",
    b"\r\n ", b"\t", b'"', b"'", b",", b";", b":", b"\\", b"<", b">", b"&", b"&amp;", b"&#0;", b"&#x1b;", b"]]>",
    b"<!--", b"{", b"}", b"[", b"]", b"null", b"true", b"-1", b"0", b"99999999999999999999", b"1e309", b"NaN",
    b"T", b"Z", b"+25:00", b"9999-99-99", b"0000-00-00T00:00:00", b"24:00", b"00:00", b"P99999D", b"PT-1H",
    b"BEGIN:VEVENT\r\n", b"END:VEVENT\r\n", b"BEGIN:VTIMEZONE\r\n", b"END:VCALENDAR\r\n", b"BEGIN:VCARD\r\n",
    b"END:VCARD\r\n", b"RRULE:FREQ=SECONDLY;INTERVAL=1\r\n", b"RRULE:FREQ=DAILY;UNTIL=99991231\r\n",
    b"TZID=Mars/Olympus", b";TZID=\"", b"DTSTART:", b"<event>", b"</event>", b"<day date=\"\">", b"<room>",
    b"First Name,Last Name", b"Connected On", b"=cmd|' /C calc'!A0", b"@SUM(1)", b"[@click=app.quit]", b"[/]",
]


@st.composite
def mutated(draw: st.DrawFn, sample: bytes) -> bytes:
    """``sample`` with a few random edits: bytes changed, tokens inserted, ranges cut, copied or dropped."""
    data = bytearray(sample)
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            data.extend(draw(st.sampled_from(TOKENS)))
            continue
        at = draw(st.integers(0, len(data) - 1))
        operation = draw(st.sampled_from(["byte", "token", "cut", "copy", "truncate"]))
        if operation == "byte":
            data[at] = draw(st.integers(0, 255))
        elif operation == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif operation == "cut":
            del data[at : at + draw(st.integers(1, 64))]
        elif operation == "copy":
            end = min(len(data), at + draw(st.integers(1, 200)))
            data[at:at] = data[at:end] * draw(st.integers(1, 4))
        else:
            del data[at:]
    return bytes(data)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30) | st.sampled_from(["", "2026-07-01T10:00:00", "2026-13-45T99:99", "Europe/Berlin", "00:30",
                                              "\x1b]0;pwned\x07", "\u202e", "[@click=app.quit]"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=8,
)


def _paths(value: Any, prefix: tuple = ()) -> Iterator[tuple]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


@st.composite
def json_mutated(draw: st.DrawFn, sample: bytes) -> bytes:
    """``sample`` (JSON) with values of the wrong type or shape at random places, or keys removed."""
    document = json.loads(sample)
    for _ in range(draw(st.integers(1, 4))):
        paths = list(_paths(document))
        path = draw(st.sampled_from(paths))
        if not path:
            document = draw(JSON_VALUES)
            continue
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        if isinstance(parent, dict) and draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(JSON_VALUES)
    return json.dumps(document).encode()


SCHEDULE_KINDS = sorted(SCHEDULE_SAMPLES)
PEOPLE_KINDS = sorted(PEOPLE_SAMPLES)
ALL_KINDS = SCHEDULE_KINDS + PEOPLE_KINDS


# --- the samples are valid ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_each_sample_parses_as_itself_and_sniffed(kind: str) -> None:
    sample = {**SCHEDULE_SAMPLES, **PEOPLE_SAMPLES}[kind]
    assert check(kind, sample) == "parsed"
    assert check(kind, sample, sniff=True) == "parsed"


# --- fuzzing --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_KINDS)
@FUZZ
@given(payload=st.binary(max_size=2048))
def test_random_bytes_parse_or_fail_in_one_line(kind: str, payload: bytes) -> None:
    check(kind, payload)


@pytest.mark.parametrize("kind", ALL_KINDS)
@FUZZ
@given(data=st.data())
def test_mutated_samples_parse_or_fail_in_one_line(kind: str, data: st.DataObject) -> None:
    sample = {**SCHEDULE_SAMPLES, **PEOPLE_SAMPLES}[kind]
    payload = data.draw(mutated(sample))
    check(kind, payload)
    check(kind, payload, sniff=True)


@pytest.mark.parametrize("kind", sorted(JSON_SAMPLES))
@FUZZ
@given(data=st.data())
def test_json_samples_with_values_of_the_wrong_type_parse_or_fail_in_one_line(kind: str, data: st.DataObject) -> None:
    check(kind, data.draw(json_mutated(JSON_SAMPLES[kind])))


# --- the crashes fuzzing found, one minimal file each ------------------------------------------

WRONG_TYPES = {
    "sessionize all: rooms": ("sessionize", {"sessions": [], "speakers": [], "rooms": 5}),
    "sessionize all: categories": ("sessionize", {"sessions": [], "speakers": [], "categories": 2.5}),
    "sessionize all: category items": ("sessionize", {"sessions": [], "speakers": [],
                                                      "categories": [{"title": "Track", "items": 1}]}),
    "sessionize all: speaker sessions": ("sessionize", {"sessions": [], "speakers": [{"id": "s", "sessions": True}]}),
    "sessionize session: speakers": ("sessionize", {"sessions": [{"id": "1", "title": "T", "startsAt":
                                                                  "2026-07-01T10:00:00", "speakers": True}],
                                                    "speakers": []}),
    "sessionize session: categoryItems": ("sessionize", {"sessions": [{"id": "1", "title": "T", "startsAt":
                                                                       "2026-07-01T10:00:00", "categoryItems": 1}],
                                                         "speakers": []}),
    "sessionize grid: rooms": ("sessionize", [{"date": "2026-07-01T00:00:00", "rooms": 5, "timeSlots": []}]),
    "sessionize grid: timeSlots": ("sessionize", [{"date": "2026-07-01T00:00:00", "rooms": [], "timeSlots": 2}]),
    "schedule.json: persons": ("schedule-json", {"schedule": {"conference": {"title": "C", "days": [
        {"date": "2026-07-01", "rooms": {"A": [{"title": "T", "date": "2026-07-01T10:00:00+02:00",
                                                "start": "10:00", "duration": "00:30", "persons": 5}]}}]}}}),
}


def _refused_in_one_line(kind: str, payload: bytes) -> None:
    """Refused, with one clean line naming the problem (check() holds the line to that)."""
    assert check(kind, payload, sniff=True) == "refused"


@pytest.mark.parametrize("case", sorted(c for c in WRONG_TYPES if c.startswith("sessionize")))
def test_sessionize_fields_of_the_wrong_type_are_one_error_line(case: str) -> None:
    kind, document = WRONG_TYPES[case]
    _refused_in_one_line(kind, json.dumps(document).encode())


def test_schedule_json_persons_not_a_list_is_one_error_line() -> None:
    kind, document = WRONG_TYPES["schedule.json: persons"]
    _refused_in_one_line(kind, json.dumps(document).encode())


def test_frab_xml_with_an_unknown_encoding_is_one_error_line() -> None:
    _refused_in_one_line("frab", b'<?xml version="1.0" encoding="UT-8"?>\n<schedule><conference><title>C</title></conference></schedule>')


def test_the_command_line_prints_one_line_for_them(tmp_path: Path) -> None:
    source = tmp_path / "rooms.json"
    source.write_text(json.dumps({"sessions": [], "speakers": [], "rooms": 5}))
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    result = subprocess.run([sys.executable, "-m", "companion", "--data-dir", str(tmp_path / "data"), "import",
                             "schedule", str(source)], capture_output=True, text=True, env=env, timeout=60)
    assert not (tmp_path / "data").exists()  # nothing half-written, at least
    assert result.returncode == 1 and result.stderr.startswith("companion: error:"), result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr


async def test_the_app_reports_such_an_import_as_failed(tmp_path: Path) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from companion.store import Store
    from screens.app import CompanionApp

    source = tmp_path / "rooms.json"
    source.write_text(json.dumps({"sessions": [], "speakers": [], "rooms": 5}))
    app = CompanionApp(store=Store(tmp_path / "data"), clock=lambda: datetime(2026, 12, 3, tzinfo=ZoneInfo("UTC")))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("i")
        app.screen.query_one("#source").value = str(source)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        errors = [n.message for n in app._notifications if n.severity == "error"]
    assert len(errors) == 1 and "rooms.json" in errors[0], errors


# --- a failed import changes nothing --------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def stocked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding a schedule, people and a note, to import into."""
    from companion.store import Store

    folder = tmp_path_factory.mktemp("stocked") / "data"
    source = folder.parent / "first.ics"
    source.write_bytes(ICS)
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli_main(["--data-dir", str(folder), "import", "schedule", str(source)]) == 0
    people = folder.parent / "first.csv"
    people.write_bytes(PEOPLE_CSV)
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli_main(["--data-dir", str(folder), "import", "people", str(people)]) == 0
    Store(folder).add_note("precious", [])
    return folder


def run_import(folder: Path, what: str, path: Path) -> tuple[int, str, str]:
    """``companion import WHAT PATH`` in this process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), watchdog():
            status = cli_main(["--data-dir", str(folder), "import", what, str(path)])
    except Exception as error:  # the real command would print a traceback
        xfail_if_known(error)
        raise
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("kind", ALL_KINDS)
@settings(FUZZ, max_examples=(EXAMPLES or 15))
@given(data=st.data())
def test_a_failed_import_leaves_the_data_folder_byte_identical(
    kind: str, data: st.DataObject, stocked: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    sample = {**SCHEDULE_SAMPLES, **PEOPLE_SAMPLES}[kind]
    payload = data.draw(mutated(sample) | st.binary(max_size=512))
    folder = tmp_path_factory.mktemp("import")
    shutil.copytree(stocked, folder / "data")
    before = snapshot(folder / "data")
    source = folder / "incoming"
    source.write_bytes(payload)
    status, out, err = run_import(folder / "data", "people" if kind in PEOPLE_SAMPLES else "schedule", source)
    assert "Traceback" not in err
    assert not UNSAFE.search(out + err.replace("\n", "")), f"a control character reached the terminal: {out + err!r}"
    if status != 0:
        assert status == 1
        assert len(err.splitlines()) == 1 and err.startswith("companion: error:"), err
        assert snapshot(folder / "data") == before, "a failed import changed the data folder"


def test_a_bad_row_at_the_end_of_a_people_file_imports_nobody(stocked: Path, tmp_path: Path) -> None:
    shutil.copytree(stocked, tmp_path / "data")
    before = snapshot(tmp_path / "data")
    rows = "".join(f"Person {i},p{i}@example.org,\r\n" for i in range(500))
    source = tmp_path / "people.csv"
    source.write_text(f"name,email,priority\r\n{rows}The Last One,last@example.org,urgent!!\r\n")
    status, _out, err = run_import(tmp_path / "data", "people", source)
    assert status == 1 and "line 502" in err and "priority" in err, err
    assert snapshot(tmp_path / "data") == before


# --- XML bombs ------------------------------------------------------------------------------------


def frab_with(prolog: str, title: str = "Bomb") -> bytes:
    return (f'<?xml version="1.0"?>\n{prolog}<schedule><conference><title>{title}</title></conference>'
            '<day date="2026-07-01"><room name="A"><event id="1"><start>10:00</start><duration>00:30</duration>'
            "<title>Talk</title></event></room></day></schedule>").encode()


def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol "lol">'] + [f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                                          for i in range(1, 10)]
    return frab_with(f"<!DOCTYPE schedule [{''.join(entities)}]>", "&lol9;")


def quadratic_blowup() -> bytes:
    return frab_with(f'<!DOCTYPE schedule [<!ENTITY a "{"x" * 100_000}">]>', "&a;" * 20_000)


def external_entity(secret: Path) -> bytes:
    return frab_with(f'<!DOCTYPE schedule [<!ENTITY xxe SYSTEM "file://{secret}">]>', "&xxe;")


def parameter_entity(secret: Path) -> bytes:
    return frab_with(f'<!DOCTYPE schedule [<!ENTITY % p SYSTEM "file://{secret}"> %p;]>')


@pytest.mark.parametrize("bomb", ["billion laughs", "quadratic blowup", "external entity", "parameter entity"])
def test_xml_bombs_are_refused_quickly_in_one_line(bomb: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    payload = {
        "billion laughs": billion_laughs,
        "quadratic blowup": quadratic_blowup,
        "external entity": lambda: external_entity(secret),
        "parameter entity": lambda: parameter_entity(secret),
    }[bomb]()
    for fmt in (None, "frab"):  # sniffed, and straight to the XML parser
        started = time.process_time()
        with pytest.raises(SourceError) as raised, watchdog(5):
            parse_schedule(payload, "bomb.xml", fmt=fmt)
        assert time.process_time() - started < 2
        message = str(raised.value)
        assert "\n" not in message and "TOP-SECRET" not in message, message
        if fmt == "frab":
            assert "refused" in message, message


def test_an_external_dtd_is_never_fetched(tmp_path: Path) -> None:
    """A DOCTYPE naming an external DTD is not read: here it is a FIFO that would block whoever opens it."""
    fifo = tmp_path / "blocking.dtd"
    os.mkfifo(fifo)
    payload = frab_with(f'<!DOCTYPE schedule SYSTEM "file://{fifo}">')
    with watchdog(5):  # opening the FIFO would block until the watchdog fires
        assert check("frab", payload) in ("parsed", "refused")


# --- huge inputs ----------------------------------------------------------------------------------


def sparse_file(path: Path, size: int, head: bytes) -> Path:
    with open(path, "wb") as handle:
        handle.write(head)
        handle.truncate(size)  # a hole: no disk space used
    return path


@pytest.mark.parametrize("what,head", [("schedule", b"BEGIN:VCALENDAR\r\n"), ("people", b"name,email\r\n")])
def test_a_file_over_the_size_cap_is_refused_in_one_line(what: str, head: bytes, tmp_path: Path) -> None:
    source = sparse_file(tmp_path / "huge", MAX_FILE_BYTES + 1, head)
    folder = tmp_path / "data"
    started = time.monotonic()
    status, _out, err = run_import(folder, what, source)
    assert time.monotonic() - started < 5
    assert status == 1 and len(err.splitlines()) == 1 and "larger than" in err and str(source) in err, err
    assert not (folder / "user.json").exists() and not (folder / "schedules.json").exists()


def test_a_csv_with_a_10_mb_cell_is_handled_or_refused_within_seconds(tmp_path: Path) -> None:
    payload = b"name,notes\r\nAda,\"" + b"x" * (10 * 1024 * 1024) + b"\"\r\nGrace,short\r\n"
    started = time.process_time()
    outcome = check("csv", payload)
    assert time.process_time() - started < 5, outcome


@pytest.mark.slow
def test_200k_csv_rows_are_handled_or_refused_within_seconds(tmp_path: Path) -> None:
    payload = ("name,email,tags\r\n" + "".join(f"P{i},p{i}@example.org,a;b\r\n" for i in range(200_000))).encode()
    started = time.process_time()
    outcome = check("csv", payload)
    assert time.process_time() - started < 15, outcome


@pytest.mark.parametrize("kind,payload", [
    ("schedule-json", b"[" * 100_000 + b"]" * 100_000),
    ("frab", b"<schedule><conference>" + b"<a>" * 50_000 + b"</a>" * 50_000 + b"</conference></schedule>"),
    ("ical", b"BEGIN:VCALENDAR\r\n" + b"BEGIN:X\r\n" * 20_000 + b"END:X\r\n" * 20_000 + b"END:VCALENDAR\r\n"),
    ("ical", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:" + b"y" * (2 * 1024 * 1024)
     + b"\r\nDTSTART:20260701T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"),
    ("vcard", b"BEGIN:VCARD\r\nFN:" + b"z" * (2 * 1024 * 1024) + b"\r\nEND:VCARD\r\n"),
], ids=["deep-json", "deep-xml", "deep-ical", "long-ical-line", "long-vcard-line"])
def test_deep_or_long_inputs_are_handled_or_refused_within_seconds(kind: str, payload: bytes) -> None:
    started = time.process_time()
    check(kind, payload)
    assert time.process_time() - started < 5


# --- real edge-case calendars ---------------------------------------------------------------------

ICS_EDGE = sorted((REALDATA / "ics-edge").glob("*.ics")) if (REALDATA / "ics-edge").is_dir() else []


@pytest.mark.skipif(not ICS_EDGE, reason="../shared/realdata/ics-edge is absent")
@pytest.mark.parametrize("path", ICS_EDGE, ids=[p.name for p in ICS_EDGE])
def test_real_edge_case_calendars_parse_or_fail_in_one_line(path: Path) -> None:
    payload = path.read_bytes()
    check("ical", payload)
    check("ical", payload, sniff=True)
