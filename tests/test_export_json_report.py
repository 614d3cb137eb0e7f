"""`companion export json` (everything, documented keys, atomic) and `companion report` (Markdown that
untrusted text cannot inject into)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from collections.abc import Callable
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from companion.exporters.json_export import FORMAT, SECTIONS, VERSION
from companion.exporters.report import build_report, md, md_block
from companion.followups import NoteActions
from companion.models import Conference, FollowUp, Note, Person, Session, TalkingPoint
from companion.store import Store
from support import CliResult, assert_one_line_error

REPO = Path(__file__).resolve().parent.parent
CONFERENCE = REPO / "sample_schedules" / "conference.ics"
CONFERENCE_ID = "northwind-open-source-summit-2026"
DURING = datetime(2026, 12, 3, 15, 0, tzinfo=timezone.utc)  # the summit runs 3-4 December 2026, Berlin
BEFORE = datetime(2026, 11, 2, 12, 0, tzinfo=timezone.utc)
EVIL = "*bold* [x](javascript:alert(1)) <img src=x onerror=alert(1)> `code` _em_ # \x1b[2J\x1b]0;pwned\x07\u202e"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def store(cli: Callable[..., CliResult], isolated_data_dir: Path) -> Store:
    """The sample schedule, four people (one with a hostile name), stars, a talking point, notes and follow-ups."""
    assert cli("import", "schedule", CONFERENCE).code == 0
    store = Store(isolated_data_dir)
    store.add_people([
        Person(name="Ada Lovelace", affiliation="Analytical Engines", role="Speaker", email="ada@example.org"),
        Person(name=EVIL, affiliation="[Evil](http://evil.example)"),
        Person(name="Grace Hopper", priority="met"),
        Person(name="Linus Unmet", priority="must-meet"),
    ])
    people = {p.name: p for p in store.people()}
    ada, evil = people["Ada Lovelace"], people[EVIL]
    session = store.sessions(CONFERENCE_ID)[1]
    store.set_star(session.id, True)
    store.set_star(store.sessions(CONFERENCE_ID)[2].id, True)
    store.save_talking_point(TalkingPoint(person_id=ada.id, work="the notes on the engine", question="what next?"))
    store.add_note("Her talk: *engines* can compose music", [ada.id], session_id=session.id, now=DURING)
    store.add_note("Great chat\n# not a heading\n- not a list\n1. not a list either\n[link](javascript:x)", [ada.id],
                   actions=NoteActions(thank=True, promises=("the paper",)), now=DURING)
    store.add_note(f"Met {EVIL}", [evil.id], actions=NoteActions(waiting=True), now=DURING)
    store.add_note("Before the summit: planning", [], now=BEFORE)
    thank = next(f for f in store.followups() if f.kind == "thank")
    store.set_followup_status(thank.id, "done", now=DURING)
    return store


# --- export json -------------------------------------------------------------------------------


def test_export_json_has_everything_with_a_header(cli: Callable[..., CliResult], store: Store, tmp_path: Path) -> None:
    target = tmp_path / "companion.json"
    result = cli("export", "json", target)
    assert result.code == 0, result.err
    assert "notes: 4" in result.out and str(target) in result.out
    data = json.loads(target.read_bytes())  # valid JSON
    assert list(data)[:3] == ["format", "version", "exported_at"]
    assert data["format"] == FORMAT == "companion-export" and data["version"] == VERSION == 1
    assert set(data) == {"format", "version", "exported_at", *SECTIONS}

    # The counts round-trip.
    assert len(data["conferences"]) == len(store.conferences()) == 1
    assert len(data["sessions"]) == len(store.sessions()) == 48
    assert sorted(data["stars"]) == sorted(store.starred_ids()) and len(data["stars"]) == 2
    assert len(data["people"]) == len(store.people()) == 4
    assert len(data["talking_points"]) == len(store.talking_points()) == 1
    assert len(data["notes"]) == len(store.notes()) == 4
    assert len(data["followups"]) == len(store.followups()) == 3

    # The documented keys, and records that load back into the model.
    conference = data["conferences"][0]
    assert Conference.from_dict(conference).id == CONFERENCE_ID
    assert {Session.from_dict(s).id for s in data["sessions"]} == {s.id for s in store.sessions()}
    assert all(s["conference"] == CONFERENCE_ID for s in data["sessions"])
    for person in data["people"]:
        assert set(person) == {"id", *Person(name="x").to_dict()}
        assert Person.from_dict(person, id=person["id"]).id == person["id"]
    assert {p["id"] for p in data["people"]} == {p.id for p in store.people()}
    assert set(data["talking_points"][0]) == set(TalkingPoint(person_id=0).to_dict(verdict=False))
    for note in data["notes"]:
        assert set(note) == {"id", *Note(text="", created=DURING).to_dict()}
    for item in data["followups"]:
        assert set(item) == {"id", *FollowUp(kind="thank", title="", due=date.today(), person_id=0).to_dict()}
    assert {f["uid"]: f["status"] for f in data["followups"]} == {f.uid: f.status for f in store.followups()}


def test_export_json_strips_control_characters_and_keeps_newlines(
    cli: Callable[..., CliResult], store: Store, tmp_path: Path
) -> None:
    target = tmp_path / "e.json"
    assert cli("export", "json", target).code == 0
    raw = target.read_bytes().decode("utf-8")
    data = json.loads(raw)
    assert not CONTROL.search(raw) and not any(CONTROL.search(p["name"]) for p in data["people"])
    assert any(p["name"].startswith("*bold* [x](javascript:alert(1))") for p in data["people"])  # JSON keeps text as it is
    assert any("\n# not a heading" in n["text"] for n in data["notes"])


def test_export_json_is_written_atomically(cli: Callable[..., CliResult], store: Store, tmp_path: Path) -> None:
    target = tmp_path / "e.json"
    target.write_text("old")
    assert cli("export", "json", target).code == 0
    assert json.loads(target.read_text())["format"] == FORMAT
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "e.json"]  # no temporary file left behind


@pytest.mark.parametrize("command", [("export", "json"), ("export", "ics"), ("export", "agenda"), ("report", "--out")])
def test_an_unwritable_target_is_one_error_line(
    cli: Callable[..., CliResult], store: Store, tmp_path: Path, command: tuple[str, str]
) -> None:
    for target in (tmp_path / "missing" / "folder" / "out.file", tmp_path):  # no such folder; a folder
        line = assert_one_line_error(cli(*command, target))
        assert "cannot write" in line and str(target) in line
    assert not (tmp_path / "missing").exists()


def test_export_ics_vdir_that_is_a_file_is_one_error_line(cli: Callable[..., CliResult], store: Store, tmp_path: Path) -> None:
    blocker = tmp_path / "vdir"
    blocker.write_text("x")
    line = assert_one_line_error(cli("export", "ics", tmp_path / "f.ics", "--todo", "--vdir", blocker))
    assert str(blocker) in line and not (tmp_path / "f.ics").exists()


# --- report ------------------------------------------------------------------------------------


def sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def test_report_has_who_what_and_pending(store: Store) -> None:
    nudge = next(f for f in store.followups() if f.kind == "nudge")
    store.set_followup_status(nudge.id, "waiting", now=DURING)
    promise = next(f for f in store.followups() if f.kind == "promise")
    report = build_report(store, today=promise.due + timedelta(days=1), zone=timezone.utc, now=DURING)
    parts = sections(report.text)
    assert list(parts) == ["Who you met", "What you learned", "What is pending"]

    met = parts["Who you met"]
    assert "**Ada Lovelace** (Speaker, Analytical Engines), ada@example.org: 2 notes" in met
    assert "**Grace Hopper**" in met  # marked met, no notes
    assert "Linus" not in met  # still to meet
    assert "\\*bold\\*" in met and report.people == 3

    learned = parts["What you learned"]
    session = store.sessions(CONFERENCE_ID)[1]
    assert f"### Session: {md(session.title)}" in learned
    session_part = learned.split("### Session:")[1].split("###")[0]
    assert "\\*engines\\* can compose music" in session_part and "(with Ada Lovelace)" in session_part
    assert "### Ada Lovelace\n" in learned and "Great chat" in learned.split("### Ada Lovelace\n")[1]
    assert "### Other notes" in learned and "Before the summit" in learned
    assert report.notes == 4

    pending = parts["What is pending"].strip().splitlines()
    open_items = sorted(store.followups(statuses=("open", "waiting")), key=lambda f: (f.due, f.id))
    assert len(pending) == len(open_items) == report.pending == 2
    assert [line.split(": ", 1)[0] for line in pending] == [f"- {f.due.isoformat()}" for f in open_items]
    assert "Thank Ada" not in parts["What is pending"]  # done
    assert "Promised Ada Lovelace: the paper (overdue)" in parts["What is pending"]
    assert "(waiting for their reply)" in parts["What is pending"]


def test_report_for_a_conference_leaves_out_notes_from_elsewhere(store: Store) -> None:
    conference = store.conference(CONFERENCE_ID)
    report = build_report(store, conference, today=date(2026, 12, 5), now=DURING)
    assert "Northwind Open Source Summit 2026" in report.text.splitlines()[0]
    assert "2026-12-03 to 2026-12-04" in report.text
    assert "Before the summit" not in report.text and "### Other notes" not in report.text
    assert report.notes == 3 and report.pending == 2
    assert "16:00" in report.text  # note times in the conference's zone (15:00 UTC is 16:00 in Berlin)


def test_report_escapes_untrusted_text_so_nothing_is_injected(store: Store) -> None:
    text = build_report(store, today=date(2026, 12, 5), zone=timezone.utc, now=DURING).text
    assert not CONTROL.search(text)
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert "<a " not in html and "<img" not in html and "<code>" not in html and "<em>" not in html
    assert html.count("<h1>") == 1 and html.count("<h2>") == 3
    assert "javascript:" not in re.sub(r"<[^>]+>", "", html).replace("javascript:alert(1)", "").replace("javascript:x", "")
    assert "[x](javascript:alert(1))" in html  # shown as written, as text
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "[Evil](http://evil.example)" in html
    assert "# not a heading" in html and "- not a list" in html and "1. not a list either" in html
    assert html.count("<strong>") == 3  # only the names companion itself makes bold


def test_md_escapes_the_special_characters() -> None:
    assert md("*a* _b_ `c` [d](e) <f> #g |h| !i ~j \\k") == (
        "\\*a\\* \\_b\\_ \\`c\\` \\[d\\]\\(e\\) \\<f\\> \\#g \\|h\\| \\!i \\~j \\\\k"
    )
    assert md("tab\there\nnew line \x1b[31mred\x1b[0m") == "tab here new line red"
    assert md_block("one\n- two\n3. three\n\n+ four") == "one  \n  \\- two  \n  3\\. three  \n  \\+ four"


def test_report_command_writes_the_file_or_prints(cli: Callable[..., CliResult], store: Store, tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    result = cli("report", CONFERENCE_ID, "--out", target)
    assert result.code == 0, result.err
    assert str(target) in result.out and "notes: 3" in result.out
    written = target.read_text()
    assert written.startswith("# Conference report: Northwind Open Source Summit 2026")
    printed = cli("report")
    assert printed.code == 0 and "## What is pending" in printed.out and "Before the summit" in printed.out
    assert not CONTROL.search(printed.out)
    line = assert_one_line_error(cli("report", "no-such-conference"))
    assert "no-such-conference" in line
