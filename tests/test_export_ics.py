"""Follow-up reminders as iCalendar that real calendar software reads."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import icalendar
import pytest

from companion.exporters.ics import export_followups, todo_uid, vdir_name
from companion.followups import NoteActions
from companion.models import Person
from companion.store import Store

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=timezone.utc)


@pytest.fixture
def store_with_followups(tmp_path: Path) -> Store:
    store = Store(tmp_path / "data")
    store.add_people([Person(name="Ada Lovelace", affiliation="Engines", email="ada@example.org"),
                      Person(name="Grace \x1b]0;pwned\x07Hopper")])
    ada, grace = sorted(store.people(), key=lambda p: p.name)
    store.add_note("Talked about engines", [ada.id], actions=NoteActions(thank=True, promises=("the paper",)), now=NOW)
    store.add_note("Compilers!", [grace.id], actions=NoteActions(intros=("Ada Lovelace",)), now=NOW)
    return store


def export(store: Store, path: Path, **kwargs) -> icalendar.Calendar:
    people = {p.id: p for p in store.people()}
    outcome = export_followups(path, store.followups(), people, zone=timezone.utc, now=NOW, **kwargs)
    store.record_export(outcome.marks)  # as the command line does once the files are written
    return icalendar.Calendar.from_ical(path.read_bytes())


def test_one_event_per_followup_with_a_display_alarm(store_with_followups: Store, tmp_path: Path) -> None:
    calendar = export(store_with_followups, tmp_path / "f.ics")
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 3
    assert str(calendar["METHOD"]) == "PUBLISH"
    thank = next(e for e in events if str(e["SUMMARY"]) == "Thank Ada Lovelace")
    assert thank["DTSTART"].dt == datetime(2026, 12, 4, 9, 0, tzinfo=timezone.utc)
    alarms = [c for c in thank.walk("VALARM")]
    assert len(alarms) == 1 and str(alarms[0]["ACTION"]) == "DISPLAY"
    raw = (tmp_path / "f.ics").read_bytes()
    assert b"\x1b" not in raw and b"\x07" not in raw


def test_uids_stable_and_sequence_rises_on_change(store_with_followups: Store, tmp_path: Path) -> None:
    first = {str(e["UID"]): int(e["SEQUENCE"]) for e in export(store_with_followups, tmp_path / "a.ics").walk("VEVENT")}
    item = store_with_followups.followups()[0]
    store_with_followups.set_followup_status(item.id, "done", now=NOW)
    second_calendar = export(store_with_followups, tmp_path / "a.ics")  # the calendar that had it
    second = {str(e["UID"]): int(e["SEQUENCE"]) for e in second_calendar.walk("VEVENT")}
    assert set(first) <= set(second)
    assert second[item.uid] == first[item.uid] + 1
    done_event = next(e for e in second_calendar.walk("VEVENT") if str(e["UID"]) == item.uid)
    assert str(done_event["STATUS"]) == "CANCELLED"


def test_vdir_writes_one_file_per_item(store_with_followups: Store, tmp_path: Path) -> None:
    export(store_with_followups, tmp_path / "f.ics", vdir=tmp_path / "vdir")
    files = sorted((tmp_path / "vdir").glob("*.ics"))
    assert len(files) == 3
    for file in files:
        assert len(list(icalendar.Calendar.from_ical(file.read_bytes()).walk("VEVENT"))) == 1


def khal_command() -> list[str]:
    found = shutil.which("khal") or str(Path(sys.executable).with_name("khal"))
    if not Path(found).exists():
        pytest.skip("khal is not installed")
    return [found]


def test_khal_imports_and_lists_the_reminders(store_with_followups: Store, tmp_path: Path) -> None:
    khal = khal_command()
    calendar_dir = tmp_path / "khal-calendar"
    calendar_dir.mkdir()
    config = tmp_path / "khal.conf"
    config.write_text(
        "[calendars]\n[[followups]]\n"
        f"path = {calendar_dir}\ntype = calendar\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
        "local_timezone = UTC\ndefault_timezone = UTC\n"
        "[default]\ndefault_calendar = followups\n"
        f"[sqlite]\npath = {tmp_path / 'khal.db'}\n"
    )
    export(store_with_followups, tmp_path / "f.ics")
    base = [*khal, "-c", str(config)]
    imported = subprocess.run([*base, "import", "--batch", str(tmp_path / "f.ics")], capture_output=True, text=True, timeout=60)
    assert imported.returncode == 0, imported.stderr
    listed = subprocess.run([*base, "list", "2026-12-03", "5d"], capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    assert "Thank Ada Lovelace" in listed.stdout
    assert "Promised Ada Lovelace: the paper" in listed.stdout
    assert "Ask Ada Lovelace whether they would like an introduction to" in listed.stdout
    assert "09:00-09:15" in listed.stdout
    assert len(list(calendar_dir.glob("*.ics"))) == 3
    assert date(2026, 12, 4).isoformat() in listed.stdout


def test_todo_adds_one_task_per_followup_with_its_status(store_with_followups: Store, tmp_path: Path) -> None:
    items = store_with_followups.followups()
    export(store_with_followups, tmp_path / "f.ics", todo=True, vdir=tmp_path / "vdir")  # sent once, then closed
    store_with_followups.set_followup_status(items[0].id, "done", now=NOW)
    store_with_followups.set_followup_status(items[1].id, "dropped", now=NOW)
    calendar = export(store_with_followups, tmp_path / "f.ics", todo=True, vdir=tmp_path / "vdir")
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    todos = {str(t["UID"]): t for t in calendar.walk("VTODO")}
    assert len(events) == len(todos) == len(store_with_followups.followups())
    assert not set(events) & set(todos)  # distinct UIDs: a calendar may hold both
    for item in store_with_followups.followups():
        todo = todos[todo_uid(item.uid)]
        assert int(todo["SEQUENCE"]) == int(events[item.uid]["SEQUENCE"]) == item.sequence
        assert todo.decoded("DUE") == item.due
        assert str(todo["SUMMARY"]) == str(events[item.uid]["SUMMARY"])
        assert "DESCRIPTION" in todo
        expected = {"done": "COMPLETED", "dropped": "CANCELLED"}.get(item.status, "NEEDS-ACTION")
        assert str(todo["STATUS"]) == expected
        assert ("COMPLETED" in todo) == (item.status == "done")
    done = todos[todo_uid(items[0].uid)]
    assert done.decoded("COMPLETED") == NOW
    assert str(events[items[1].uid]["STATUS"]) == "CANCELLED"
    files = sorted(p.name for p in (tmp_path / "vdir").glob("*.ics"))
    assert files == sorted([vdir_name(f.uid) for f in items] + [vdir_name(todo_uid(f.uid)) for f in items])
    before = (tmp_path / "f.ics").read_bytes()
    again = export(store_with_followups, tmp_path / "f.ics", todo=True, vdir=tmp_path / "vdir")
    assert (tmp_path / "f.ics").read_bytes() == before  # deterministic: the same file again
    assert sorted(str(t["UID"]) for t in again.walk("VTODO")) == sorted(todos)


def test_todo_uid_keeps_the_domain() -> None:
    assert todo_uid("companion-thank-n1-p2-0@companion") == "companion-thank-n1-p2-0-todo@companion"
    assert todo_uid("plain") == "plain-todo"


def test_alarm_triggers_are_relative(store_with_followups: Store, tmp_path: Path) -> None:
    """ical.js rejects a whole file whose absolute trigger lacks VALUE=DATE-TIME."""
    export(store_with_followups, tmp_path / "f.ics", todo=True)
    raw = (tmp_path / "f.ics").read_bytes().decode()
    triggers = [line for line in raw.split("\r\n") if line.startswith("TRIGGER")]
    assert triggers and all(line.startswith("TRIGGER:-P") or "VALUE=DATE-TIME" in line for line in triggers)


def test_a_vdir_that_is_a_file_is_refused_before_anything_is_written(store_with_followups: Store, tmp_path: Path) -> None:
    blocker = tmp_path / "vdir"
    blocker.write_text("not a folder")
    with pytest.raises(NotADirectoryError):
        export(store_with_followups, tmp_path / "f.ics", vdir=blocker)
    assert not (tmp_path / "f.ics").exists()
