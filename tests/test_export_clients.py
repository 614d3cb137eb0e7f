"""The calendar export read by real clients, not only by the library that wrote it.

icalendar and vobject parse every file; khal reads the vdir; todoman lists the tasks; a Radicale
CalDAV server accepts each item (201, then 204 for the same UID with a higher SEQUENCE); ical.js
(the parser of Thunderbird and many web calendars) reads them when node is here. Clients that are
not installed are skipped, each with its reason. Every subprocess and request has a time limit.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time as clock
from collections.abc import Iterator
from datetime import datetime, time, timezone
from pathlib import Path

import icalendar
import pytest
import vobject
from xml.etree import ElementTree

from companion.cli import main
from companion.exporters.ics import local_zone, todo_uid, vdir_name
from companion.followups import NoteActions
from companion.models import FollowUp, Person
from companion.store import Store
from companion.text import clean

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=timezone.utc)
LONG_PROMISE = "the slides, the paper and the notebook about Bernoulli numbers (Zürich, 東京, São Paulo) " * 2
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """Two people, two notes, five follow-ups (one waiting), built the way the app does; the thank-you to
    Ada is marked done by :func:`export_after_done` once a first export has sent it."""
    store = Store(tmp_path / "data")
    store.add_people([
        Person(name="Ada Lovelace", affiliation="Analytical Engines", email="ada@example.org"),
        Person(name="Zoë O'Brien, Jr.; \\ \x1b[31m東京\x1b[0m", affiliation="Commas, Semicolons; Inc."),
    ])
    ada, zoe = sorted(store.people(), key=lambda p: p.name)
    store.add_note("Talked about engines", [ada.id], actions=NoteActions(thank=True, promises=("the paper", LONG_PROMISE)), now=NOW)
    store.add_note("Compilers!", [zoe.id], actions=NoteActions(thank=True, waiting=True), now=NOW)
    return store


def items_by_uid(store: Store) -> dict[str, FollowUp]:
    return {f.uid: f for f in store.followups()}


def export(store: Store, target: Path, vdir: Path | None = None, *, todo: bool = True) -> list[Path]:
    """Export through the command line, as a user would; returns the single file and the vdir files."""
    argv = ["--data-dir", str(store.data_dir), "export", "ics", str(target)]
    argv += ["--todo"] if todo else []
    argv += ["--vdir", str(vdir)] if vdir else []
    assert main(argv) == 0
    return [target, *(sorted(vdir.glob("*.ics")) if vdir else [])]


def export_after_done(store: Store, target: Path, vdir: Path | None = None, *, todo: bool = True) -> list[Path]:
    """Export, mark the thank-you to Ada done, export again to the same targets: the calendars that had
    it get it CANCELLED (a COMPLETED task) with a higher SEQUENCE (issue 15: no ghosts, but updates)."""
    export(store, target, vdir, todo=todo)
    thank_ada = next(f for f in store.followups() if f.kind == "thank" and f.title == "Thank Ada Lovelace")
    store.set_followup_status(thank_ada.id, "done", now=NOW)
    return export(store, target, vdir, todo=todo)


def run(command: list[str], timeout: float = 30, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)


# --- icalendar and vobject ---------------------------------------------------------------------


def test_icalendar_and_vobject_parse_every_file(store: Store, tmp_path: Path) -> None:
    files = export_after_done(store, tmp_path / "followups.ics", tmp_path / "vdir")
    items = items_by_uid(store)
    assert len(items) == 5
    assert len(files) == 1 + 2 * len(items)  # the single file, then one event and one task per follow-up

    single = icalendar.Calendar.from_ical(files[0].read_bytes())
    assert str(single["METHOD"]) == "PUBLISH"
    assert {str(e["UID"]) for e in single.walk("VEVENT")} == set(items)
    assert {str(t["UID"]) for t in single.walk("VTODO")} == {todo_uid(uid) for uid in items}

    for file in files:
        raw = file.read_bytes().decode("utf-8")
        assert not CONTROL.search(raw.replace("\r\n", "")), file  # no control characters, no escape sequences
        for line in raw.replace("\r\n ", "").split("\r\n"):
            name = line.split(":", 1)[0].split(";", 1)[0]
            if name in ("DTSTART", "DTEND", "DTSTAMP", "COMPLETED", "CREATED", "LAST-MODIFIED"):
                assert line.endswith("Z"), line  # UTC
            if name == "TRIGGER":
                assert line.split(":", 1)[1].startswith(("-P", "P")) or "VALUE=DATE-TIME" in line, line

        calendar = icalendar.Calendar.from_ical(file.read_bytes())
        parsed = vobject.readOne(raw, validate=True)
        components = [c for c in calendar.subcomponents if c.name in ("VEVENT", "VTODO")]
        by_vobject = [c for c in parsed.getChildren() if c.name in ("VEVENT", "VTODO")]
        assert [c.name for c in components] == [c.name for c in by_vobject]
        assert [str(c["UID"]) for c in components] == [c.uid.value for c in by_vobject]
        if file != files[0]:
            assert len(components) == 1, file  # one item per vdir file, named after its UID
            assert file.name == vdir_name(str(components[0]["UID"]))

        for component, vcomponent in zip(components, by_vobject):
            uid = str(component["UID"])
            item = items[uid] if component.name == "VEVENT" else next(i for u, i in items.items() if todo_uid(u) == uid)
            assert int(component["SEQUENCE"]) == item.sequence == int(vcomponent.sequence.value)
            assert str(component["SUMMARY"]) == vcomponent.summary.value
            assert "\x1b" not in vcomponent.summary.value and "[31m" not in vcomponent.summary.value
            if component.name == "VEVENT":
                expected = "CANCELLED" if item.status == "done" else "CONFIRMED"
                assert str(component["STATUS"]) == expected == vcomponent.status.value
                assert len(list(component.walk("VALARM"))) == (0 if item.status == "done" else 1)
            else:
                expected = {"done": "COMPLETED", "open": "NEEDS-ACTION", "waiting": "NEEDS-ACTION"}[item.status]
                assert str(component["STATUS"]) == expected == vcomponent.status.value
                assert component.decoded("DUE") == item.due == vcomponent.due.value
                assert ("COMPLETED" in component) == (item.status == "done")

    # The long promise folds across lines (mid-UTF-8 sequences included) and unfolds intact.
    promise = next(e for e in single.walk("VEVENT") if str(e["SUMMARY"]).endswith(LONG_PROMISE.strip()))
    assert str(promise["DESCRIPTION"]).startswith(LONG_PROMISE.strip())


def test_without_todo_there_are_only_events(store: Store, tmp_path: Path) -> None:
    files = export_after_done(store, tmp_path / "f.ics", tmp_path / "vdir", todo=False)
    assert len(files) == 1 + len(items_by_uid(store))
    for file in files:
        assert not list(icalendar.Calendar.from_ical(file.read_bytes()).walk("VTODO"))


# --- khal --------------------------------------------------------------------------------------


def test_khal_reads_the_vdir_with_tasks_in_it(store: Store, tmp_path: Path) -> None:
    khal = shutil.which("khal") or str(Path(sys.executable).with_name("khal"))
    if not Path(khal).exists():
        pytest.skip("khal is not installed")
    vdir = tmp_path / "vdir"
    export_after_done(store, tmp_path / "f.ics", vdir)
    config = tmp_path / "khal.conf"
    config.write_text(
        f"[calendars]\n[[followups]]\npath = {vdir}\ntype = calendar\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
        "local_timezone = UTC\ndefault_timezone = UTC\n"
        f"[default]\ndefault_calendar = followups\n[sqlite]\npath = {tmp_path / 'khal.db'}\n"
    )
    listed = run([khal, "-c", str(config), "list", "--format", "{status}{title}", "2026-11-25", "30d"], timeout=60)
    assert listed.returncode == 0, listed.stderr
    titles = [line for line in listed.stdout.splitlines() if "Ada" in line or "Zo" in line]
    assert len(titles) == 5, listed.stdout  # the events, not the tasks beside them
    assert "CANCELLED Thank Ada Lovelace" in listed.stdout


# --- todoman -----------------------------------------------------------------------------------


def test_todoman_lists_the_open_tasks_not_the_completed_one(store: Store, tmp_path: Path) -> None:
    if importlib.util.find_spec("todoman") is None:
        pytest.skip("todoman is not installed (pip install todoman)")
    vdir = tmp_path / "tasks" / "followups"
    export_after_done(store, tmp_path / "f.ics", vdir)
    config = tmp_path / "todoman_config.py"  # todoman's configuration is a Python file
    config.write_text(
        f"path = {str(vdir.parent / '*')!r}\ncache_path = {str(tmp_path / 'todoman.sqlite3')!r}\n"
        'date_format = "%Y-%m-%d"\ntime_format = "%H:%M"\ncolor = "never"\n'
    )
    todo = [sys.executable, "-m", "todoman", "--config", str(config), "--porcelain"]

    listed = run([*todo, "list"])
    assert listed.returncode == 0, listed.stderr
    tasks = json.loads(listed.stdout)
    open_items = [f for f in store.followups() if f.status in ("open", "waiting")]
    assert sorted(t["summary"] for t in tasks) == sorted(clean(f.title, single_line=True) for f in open_items)
    assert "Thank Ada Lovelace" not in {t["summary"] for t in tasks}
    assert all(not t["completed"] and t["due"] for t in tasks)

    done = run([*todo, "list", "--status", "COMPLETED"])
    assert done.returncode == 0, done.stderr
    assert [(t["summary"], t["completed"]) for t in json.loads(done.stdout)] == [("Thank Ada Lovelace", True)]


# --- Radicale (CalDAV) -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[str]:
    """A Radicale server on 127.0.0.1 with no auth and its storage in tmp_path; its base URL."""
    if importlib.util.find_spec("radicale") is None:
        pytest.skip("radicale is not installed (pip install radicale)")
    import httpx

    port = free_port()
    config = tmp_path / "radicale.conf"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n[auth]\ntype = none\n[rights]\ntype = owner_only\n"
        f"[storage]\nfilesystem_folder = {tmp_path / 'radicale'}\n[web]\ntype = none\n[logging]\nlevel = error\n"
    )
    log = (tmp_path / "radicale.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "radicale", "--config", str(config)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = clock.monotonic() + 15
        while True:
            if server.poll() is not None:
                pytest.fail(f"radicale exited: {(tmp_path / 'radicale.log').read_text()}")
            try:
                httpx.request("OPTIONS", url + "/", timeout=1)
                break
            except httpx.TransportError:
                if clock.monotonic() > deadline:
                    pytest.fail("radicale did not start within 15 s")
                clock.sleep(0.05)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
        log.close()


def test_radicale_accepts_each_item_then_updates_it(store: Store, tmp_path: Path, radicale: str) -> None:
    import httpx

    vdir = tmp_path / "vdir"
    files = export_after_done(store, tmp_path / "f.ics", vdir)[1:]
    collection = "/companion/followups/"
    headers = {"Content-Type": "text/calendar; charset=utf-8"}
    with httpx.Client(base_url=radicale, auth=("companion", "unused"), timeout=10) as client:
        made = client.request("MKCALENDAR", collection)
        assert made.status_code == 201, made.text
        for file in files:
            put = client.put(collection + file.name, content=file.read_bytes(), headers=headers)
            assert put.status_code == 201, (file.name, put.status_code, put.text)

        # The same UID under another name is refused: only the deterministic name updates.
        again = client.put(collection + "copy.ics", content=files[0].read_bytes(), headers=headers)
        assert again.status_code == 409

        # A change: the promise is kept. The store bumps SEQUENCE; the re-export replaces the items.
        promise = next(f for f in store.followups() if f.kind == "promise" and f.detail == "the paper")
        store.set_followup_status(promise.id, "done", now=NOW)
        refreshed = export(store, tmp_path / "f.ics", vdir)[1:]
        for file in refreshed:
            put = client.put(collection + file.name, content=file.read_bytes(), headers=headers)
            assert put.status_code == (204 if file in files else 201), (file.name, put.status_code, put.text)

        event = icalendar.Calendar.from_ical(client.get(collection + vdir_name(promise.uid)).content)
        (stored_event,) = event.walk("VEVENT")
        assert int(stored_event["SEQUENCE"]) == promise.sequence + 1
        assert str(stored_event["STATUS"]) == "CANCELLED"
        task = icalendar.Calendar.from_ical(client.get(collection + vdir_name(todo_uid(promise.uid))).content)
        (stored_task,) = task.walk("VTODO")
        assert str(stored_task["STATUS"]) == "COMPLETED" and int(stored_task["SEQUENCE"]) == promise.sequence + 1

        listing = client.request("PROPFIND", collection, headers={"Depth": "1"})
        assert listing.status_code == 207
        responses = ElementTree.fromstring(listing.content).findall("{DAV:}response")
        assert len(responses) - 1 == len(refreshed)  # the collection itself, then one resource per file: no duplicates


# --- ical.js -----------------------------------------------------------------------------------

ICALJS_CHECK = """
import ICAL from "ical.js";
import { readFileSync } from "node:fs";
const out = {};
for (const file of process.argv.slice(2)) {
  try {
    const root = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
    const events = root.getAllSubcomponents("vevent").map((c) => {
      const e = new ICAL.Event(c);
      return { uid: e.uid, sequence: e.sequence, summary: e.summary, start: e.startDate.toJSDate().toISOString(),
               status: c.getFirstPropertyValue("status"),
               alarms: c.getAllSubcomponents("valarm").map((a) => String(a.getFirstPropertyValue("trigger"))) };
    });
    const todos = root.getAllSubcomponents("vtodo").map((c) => ({
      uid: c.getFirstPropertyValue("uid"), sequence: c.getFirstPropertyValue("sequence"),
      status: c.getFirstPropertyValue("status"), due: String(c.getFirstPropertyValue("due")),
      completed: c.hasProperty("completed") ? c.getFirstPropertyValue("completed").toJSDate().toISOString() : null }));
    out[file] = { method: root.getFirstPropertyValue("method"), events, todos };
  } catch (error) {
    out[file] = { error: String(error) };
  }
}
console.log(JSON.stringify(out));
"""

# An absolute alarm trigger without VALUE=DATE-TIME: ical.js rejects it (proves the check can fail).
BAD_TRIGGER = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:bad@test\r\n"
    "DTSTAMP:20261203T150000Z\r\nDTSTART:20261204T090000Z\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\n"
    "DESCRIPTION:x\r\nTRIGGER:20261204T084500Z\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.fixture(scope="session")
def icaljs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder outside the repository with ical.js installed by npm and the check script; once per session."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("node or npm is not on PATH")
    folder = tmp_path_factory.mktemp("icaljs")
    env = {**os.environ, "npm_config_update_notifier": "false", "npm_config_fund": "false", "npm_config_audit": "false"}
    try:
        installed = run([npm, "install", "--no-package-lock", "--silent", "ical.js@2"], timeout=120, cwd=folder, env=env)
    except subprocess.TimeoutExpired:
        pytest.skip("npm install ical.js took over 120 s")
    if installed.returncode != 0 or not (folder / "node_modules" / "ical.js").is_dir():
        pytest.skip(f"npm install ical.js failed: {installed.stderr.strip()[:300]}")
    (folder / "check.mjs").write_text(ICALJS_CHECK)
    return folder


def test_icaljs_parses_every_file(store: Store, tmp_path: Path, icaljs: Path) -> None:
    files = export_after_done(store, tmp_path / "f.ics", tmp_path / "vdir")
    bad = tmp_path / "bad.ics"
    bad.write_text(BAD_TRIGGER)
    checked = run(["node", str(icaljs / "check.mjs"), *map(str, files), str(bad)], cwd=icaljs)
    assert checked.returncode == 0, checked.stderr
    results = json.loads(checked.stdout)
    assert "invalid duration" in results.pop(str(bad)).get("error", "")

    items = items_by_uid(store)
    single = results.pop(str(files[0]))
    assert "error" not in single, single
    assert single["method"] == "PUBLISH"
    assert len(single["events"]) == len(items) and len(single["todos"]) == len(items)
    for result in results.values():
        assert "error" not in result, result
        assert len(result["events"]) + len(result["todos"]) == 1
    for event in single["events"]:
        item = items[event["uid"]]
        assert event["sequence"] == item.sequence
        assert event["status"] == ("CANCELLED" if item.status == "done" else "CONFIRMED")
        assert event["alarms"] == ([] if item.status == "done" else ["-PT15M"])
        nine = datetime.combine(item.due, time(9), tzinfo=local_zone()).astimezone(timezone.utc)
        assert event["start"] == nine.strftime("%Y-%m-%dT%H:%M:%S.000Z")  # 09:00 where it was exported
    for task in single["todos"]:
        item = next(i for u, i in items.items() if todo_uid(u) == task["uid"])
        assert task["sequence"] == item.sequence
        assert task["due"] == item.due.isoformat()
        assert task["status"] == ("COMPLETED" if item.status == "done" else "NEEDS-ACTION")
        assert (task["completed"] is not None) == (item.status == "done")
