"""Calendars without ghosts (issue 15, item 4): a follow-up done or dropped before a calendar target
ever had it is left out of that target; one the target had comes back CANCELLED with a higher
SEQUENCE, so a re-import updates it. What each target was sent is kept with the follow-up."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import icalendar
import pytest

from companion.cli import main
from companion.exporters.ics import plan_export, target_key, todo_uid, vdir_key, vdir_name
from companion.followups import NoteActions
from companion.models import FollowUp, Person
from companion.store import Store

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "data")
    store.add_people([Person(name="Ada Lovelace"), Person(name="Grace Hopper")])
    ada, grace = sorted(store.people(), key=lambda p: p.name)
    store.add_note("Engines", [ada.id], actions=NoteActions(thank=True, promises=("the paper",)), now=NOW)
    store.add_note("Compilers", [grace.id], actions=NoteActions(thank=True), now=NOW)
    return store


def export(store: Store, target: Path, vdir: Path | None = None, *, todo: bool = False) -> None:
    argv = ["--data-dir", str(store.data_dir), "export", "ics", str(target)]
    argv += ["--todo"] if todo else []
    argv += ["--vdir", str(vdir)] if vdir else []
    assert main(argv) == 0


def components(path: Path, name: str = "VEVENT") -> dict[str, icalendar.cal.Component]:
    return {str(c["UID"]): c for c in icalendar.Calendar.from_ical(path.read_bytes()).walk(name)}


def by_title(store: Store, title: str) -> FollowUp:
    return next(f for f in store.followups() if f.title == title)


def test_a_first_export_holds_no_cancelled_item(store: Store, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    done = by_title(store, "Thank Ada Lovelace")
    dropped = by_title(store, "Thank Grace Hopper")
    store.set_followup_status(done.id, "done", now=NOW)
    store.set_followup_status(dropped.id, "dropped", now=NOW)
    capsys.readouterr()
    export(store, tmp_path / "f.ics", tmp_path / "vdir", todo=True)
    assert "2 done or dropped before they were ever exported left out" in capsys.readouterr().out
    events = components(tmp_path / "f.ics")
    tasks = components(tmp_path / "f.ics", "VTODO")
    assert set(events) == {by_title(store, "Promised Ada Lovelace: the paper").uid}
    assert all(str(e["STATUS"]) == "CONFIRMED" for e in events.values())
    assert set(tasks) == {todo_uid(uid) for uid in events}
    assert b"CANCELLED" not in (tmp_path / "f.ics").read_bytes()
    files = sorted(p.name for p in (tmp_path / "vdir").glob("*.ics"))
    assert files == sorted(vdir_name(uid) for uid in [*events, *tasks])
    assert store.followup(done.id).exported == {}  # never sent anywhere


def test_an_exported_item_comes_back_cancelled_with_a_higher_sequence(store: Store, tmp_path: Path) -> None:
    item = by_title(store, "Thank Ada Lovelace")
    export(store, tmp_path / "f.ics", tmp_path / "vdir", todo=True)
    sent = int(components(tmp_path / "f.ics")[item.uid]["SEQUENCE"])
    recorded = store.followup(item.id).exported
    assert recorded[target_key(tmp_path / "f.ics")] == {"sequence": sent, "status": "open"}
    assert recorded[vdir_key(tmp_path / "vdir", tasks=True)] == {"sequence": sent, "status": "open"}

    store.set_followup_status(item.id, "done", now=NOW)
    export(store, tmp_path / "f.ics", tmp_path / "vdir", todo=True)
    event = components(tmp_path / "f.ics")[item.uid]
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) > sent
    task = components(tmp_path / "f.ics", "VTODO")[todo_uid(item.uid)]
    assert str(task["STATUS"]) == "COMPLETED" and int(task["SEQUENCE"]) > sent
    (in_vdir,) = components(tmp_path / "vdir" / vdir_name(item.uid)).values()
    assert str(in_vdir["STATUS"]) == "CANCELLED" and int(in_vdir["SEQUENCE"]) > sent
    assert store.followup(item.id).exported[target_key(tmp_path / "f.ics")]["status"] == "done"

    # A later export keeps the cancellation where it was sent, with the same SEQUENCE: no churn.
    before = (tmp_path / "f.ics").read_bytes()
    export(store, tmp_path / "f.ics", tmp_path / "vdir", todo=True)
    assert (tmp_path / "f.ics").read_bytes() == before


def test_each_target_is_kept_apart(store: Store, tmp_path: Path) -> None:
    item = by_title(store, "Thank Ada Lovelace")
    export(store, tmp_path / "work.ics")  # events only, this file only
    store.set_followup_status(item.id, "done", now=NOW)
    export(store, tmp_path / "home.ics", tmp_path / "vdir", todo=True)  # never had it: no ghost there
    assert item.uid not in components(tmp_path / "home.ics")
    assert not (tmp_path / "vdir" / vdir_name(item.uid)).exists()
    export(store, tmp_path / "work.ics", todo=True)  # had the event, never the task
    assert str(components(tmp_path / "work.ics")[item.uid]["STATUS"]) == "CANCELLED"
    assert todo_uid(item.uid) not in components(tmp_path / "work.ics", "VTODO")


def test_an_export_that_changes_nothing_writes_nothing(store: Store, tmp_path: Path) -> None:
    export(store, tmp_path / "f.ics")
    manifest = (store.data_dir / "user.json").read_bytes()
    export(store, tmp_path / "f.ics")
    assert (store.data_dir / "user.json").read_bytes() == manifest


def test_the_sequence_sent_for_a_new_state_is_above_the_one_sent_before() -> None:
    key = "/tmp/x.ics"
    item = FollowUp(kind="thank", title="t", due=NOW.date(), person_id=1, id=7, status="done", sequence=2,
                    exported={key: {"sequence": 5, "status": "open"}})
    assert plan_export([item], key) == [(item, 6)]
    item.exported[key] = {"sequence": 6, "status": "done"}
    assert plan_export([item], key) == [(item, 6)]  # the same state again: the same SEQUENCE
    assert plan_export([item], "/tmp/other.ics") == []  # never sent there: left out
    item.status, item.sequence = "open", 3  # reopened (undo)
    assert plan_export([item], key) == [(item, 7)]


def test_the_exported_marks_survive_a_status_change_and_a_round_trip(store: Store, tmp_path: Path) -> None:
    item = by_title(store, "Thank Grace Hopper")
    export(store, tmp_path / "f.ics")
    store.set_followup_status(item.id, "waiting", now=NOW)
    stored = store.followup(item.id)
    assert target_key(tmp_path / "f.ics") in stored.exported
    assert FollowUp.from_dict(stored.to_dict(), id=stored.id) == stored
