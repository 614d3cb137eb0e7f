"""Nothing lost under faults (ARCHITECTURE.md, Storage), each fault staged in a real child process.

- the disk fills up mid-write: ``RLIMIT_FSIZE`` in the child (SIGXFSZ ignored, so a write past the
  limit fails with EFBIG, as a full disk fails with ENOSPC);
- SIGKILL in the middle of an import: all of it or none of it;
- the app and three command-line writers saving at once;
- a data file that does not parse, opened by the app;
- a data folder that cannot be written: under a regular file, or on a read-only bind mount.

The SIGKILL-while-saving-notes test lives in test_crash_safety.py.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from datetime import datetime
from itertools import cycle
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import companion
from companion import storage
from companion.models import Person
from companion.store import Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX resource limits and signals")

ROOT = Path(companion.__file__).resolve().parent.parent
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 3, 10, 5, tzinfo=BERLIN)
TIMEOUT = 60


def child_env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("COMPANION_DATA_DIR", None)
    return env


def limit_file_size(limit: int):  # noqa: ANN201
    """A preexec_fn: files this child writes may not grow past ``limit`` bytes."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of death
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def run_cli(*args: str, file_limit: int | None = None, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, sys.executable, "-m", "companion", *args],
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
        preexec_fn=limit_file_size(file_limit) if file_limit is not None else None,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` and its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def data_files(folder: Path) -> dict[str, bytes]:
    """The data files themselves (backups and lock files aside)."""
    return {name: (folder / name).read_bytes() for name in ("user.json", "schedules.json") if (folder / name).exists()}


def assert_one_error_line(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("companion: error:")]
    assert len(errors) == 1, result.stderr
    assert all(line.startswith("companion: ") for line in result.stderr.splitlines()), result.stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]
    return errors[0]


def people_csv(path: Path, count: int, prefix: str = "Person") -> Path:
    lines = ["name,affiliation,email"] + [f"{prefix} {i},Org {i % 7},p{i}@example.org" for i in range(count)]
    path.write_text("\n".join(lines) + "\n")
    return path


# --- the disk fills up ------------------------------------------------------------------------


def test_full_disk_on_note_add_keeps_the_last_good_state_and_says_so_in_one_line(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    store = Store(data_dir)
    ada = store.add_people([Person(name="Ada Lovelace")]).added[0]
    store.add_note("the last good note", [ada.id])
    before = snapshot(data_dir)
    size = (data_dir / "user.json").stat().st_size

    result = run_cli("--data-dir", str(data_dir), "note", "add", "lost to a full disk", "--person", "Ada",
                     "--thank", file_limit=size + 16)

    assert_one_error_line(result, "user.json", "File too large", "last saved version is kept")
    after = snapshot(data_dir)
    backups = {name: after.pop(name) for name in list(after) if name.startswith("backups/")}
    assert after == before  # no temp file, no half-written file
    assert set(backups.values()) <= {before["user.json"]}  # the day's backup, taken before the change, is whole
    listed = run_cli("--data-dir", str(data_dir), "notes", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [n["text"] for n in json.loads(listed.stdout)] == ["the last good note"]
    # Room again: the same command works.
    again = run_cli("--data-dir", str(data_dir), "note", "add", "saved once there is room", "--person", "Ada")
    assert again.returncode == 0, again.stderr
    assert [n.text for n in Store(data_dir).notes()] == ["the last good note", "saved once there is room"]


@pytest.mark.parametrize("room", ["for the backup only", "for nothing"])
def test_full_disk_on_import_people_imports_nobody(tmp_path: Path, room: str) -> None:
    data_dir = tmp_path / "data"
    store = Store(data_dir)
    store.add_people([Person(name="Ada Lovelace")])
    store.add_note("precious", [])
    before = data_files(data_dir)
    source = people_csv(tmp_path / "people.csv", 300)
    limit = (data_dir / "user.json").stat().st_size if room == "for the backup only" else 0

    result = run_cli("--data-dir", str(data_dir), "import", "people", str(source), file_limit=limit)

    assert_one_error_line(result, "user.json")
    assert data_files(data_dir) == before
    assert list(data_dir.glob(".*.tmp")) == [] and list((data_dir / "backups").glob(".*.tmp")) == []
    reopened = Store(data_dir)
    assert [p.name for p in reopened.people()] == ["Ada Lovelace"]
    assert [n.text for n in reopened.notes()] == ["precious"]


def test_full_disk_on_import_schedule_keeps_the_stored_schedule(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    sample = ROOT / "sample_schedules" / "conference.ics"
    first = run_cli("--data-dir", str(data_dir), "import", "schedule", str(sample))
    assert first.returncode == 0, first.stderr
    Store(data_dir).set_star(Store(data_dir).sessions()[0].id, True)
    before = data_files(data_dir)
    changed = tmp_path / "conference.ics"
    changed.write_bytes(sample.read_bytes().replace(b"SUMMARY:", b"SUMMARY:Renamed "))

    result = run_cli("--data-dir", str(data_dir), "import", "schedule", str(changed), file_limit=0)

    assert_one_error_line(result)
    assert data_files(data_dir) == before
    assert not any(s.title.startswith("Renamed") for s in Store(data_dir).sessions())


APP_UNDER_FULL_DISK = textwrap.dedent(
    """
    import asyncio, json, resource, signal, sys
    from datetime import date, datetime
    from pathlib import Path
    from zoneinfo import ZoneInfo

    from companion.demo import build_demo_store
    from companion.store import Store
    from screens.app import CompanionApp

    NOW = datetime(2026, 12, 3, 10, 5, tzinfo=ZoneInfo("Europe/Berlin"))
    SCENARIOS = {
        "note": ("n", *"full disk", "ctrl+s"),
        "star": ("2", "down", "s"),
        "talking point": ("3", "t", *"parsers", "ctrl+s"),
        "follow-up done": ("4", "d"),
    }
    work = Path(sys.argv[1])
    build_demo_store(work, today=date(2026, 12, 3), now=NOW)
    user = work / "data" / "user.json"
    before = user.read_bytes()
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    # No file can grow past 64 bytes: every chunk and manifest a save writes is refused.
    resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))

    async def scenario(keys):
        app = CompanionApp(store=Store(work / "data"), clock=lambda: NOW)
        outcome = {"crashed": None}
        try:
            async with app.run_test(size=(120, 40), notifications=True) as pilot:
                await pilot.press(*keys)
                await pilot.pause()
                outcome["running"] = app.is_running
                outcome["errors"] = [n.message for n in app._notifications if n.severity == "error"]
        except Exception as error:
            outcome["crashed"] = f"{type(error).__name__}: {error}"
        outcome["unchanged"] = user.read_bytes() == before
        return outcome

    results = {name: asyncio.run(scenario(keys)) for name, keys in SCENARIOS.items()}
    print(json.dumps(results))
    """
)


@pytest.fixture(scope="module")
def app_on_full_disk(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Each scenario's outcome when the app saves to a full disk (one child process runs them all)."""
    work = tmp_path_factory.mktemp("full-disk-app")
    result = subprocess.run(
        [sys.executable, "-c", APP_UNDER_FULL_DISK, str(work)],
        capture_output=True, text=True, env=child_env(), timeout=TIMEOUT, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _check_app_survives_full_disk(outcome: dict) -> None:
    assert outcome["crashed"] is None, f"the app crashed: {outcome['crashed']}"
    assert outcome["running"]
    assert outcome["unchanged"]
    assert any("user.json" in message and "File too large" in message for message in outcome["errors"]), outcome


def test_full_disk_when_the_app_saves_a_note_is_one_error_notification(app_on_full_disk: dict) -> None:
    _check_app_survives_full_disk(app_on_full_disk["note"])


def test_full_disk_when_the_app_stars_a_session_is_one_error_notification(app_on_full_disk: dict) -> None:
    _check_app_survives_full_disk(app_on_full_disk["star"])


def test_full_disk_when_the_app_saves_a_talking_point_is_one_error_notification(app_on_full_disk: dict) -> None:
    _check_app_survives_full_disk(app_on_full_disk["talking point"])


def test_full_disk_when_the_app_marks_a_follow_up_done_is_one_error_notification(app_on_full_disk: dict) -> None:
    _check_app_survives_full_disk(app_on_full_disk["follow-up done"])


# --- SIGKILL in the middle of an import: all of it or none of it ---------------------------------

IMPORT_KILLS = 30
IMPORT_PEOPLE = 1500
FORK = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None


def _importer(data_dir: str, source: str, ready_fd: int) -> None:
    from companion.cli import main

    os.write(ready_fd, b"r")
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    main(["--data-dir", data_dir, "import", "people", source])
    os._exit(0)


@pytest.mark.skipif(FORK is None, reason="needs fork")
def test_sigkill_during_a_people_import_leaves_all_or_none_of_it(tmp_path: Path) -> None:
    template = tmp_path / "template"
    Store(template).add_note("before the import", [])
    source = people_csv(tmp_path / "people.csv", IMPORT_PEOPLE)
    rng = random.Random(7)
    outcomes = []
    for iteration in range(IMPORT_KILLS):
        data_dir = tmp_path / f"data-{iteration}"
        shutil.copytree(template, data_dir)
        ready_r, ready_w = os.pipe()
        child = FORK.Process(target=_importer, args=(str(data_dir), str(source), ready_w))
        child.start()
        os.close(ready_w)
        try:
            assert os.read(ready_r, 1) == b"r"
            time.sleep(rng.uniform(0.0, 0.2))  # an import takes about 0.1 s
            child.kill()
            child.join(TIMEOUT)
        finally:
            os.close(ready_r)
            if child.is_alive():
                child.kill()
                child.join(TIMEOUT)
        store = Store(data_dir)
        assert store.warnings == [], f"iteration {iteration}: {store.warnings}"
        count = len(store.people())
        outcomes.append(count)
        assert count in (0, IMPORT_PEOPLE), f"iteration {iteration}: a partial import of {count} people"
        assert [n.text for n in store.notes()] == ["before the import"]
        assert list(data_dir.glob(".*.tmp")) == []  # the reopen cleaned up
    assert outcomes.count(0) >= 1, "no kill landed before the import was saved: nothing was tested"


# --- the app and three command-line writers at once ---------------------------------------------

APP_NOTES = 250
WRITERS = 3
WRITER_NOTES = 250  # 250 from the app + 3 x 250 from the writers = 1,000 notes
CLI_EVERY = 5
"""Every fifth note of a writer goes through the command line (``companion note add``, run in the
writer's process: a process per note would take minutes, as each waits on the lock in 50 ms polls)."""

WRITER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from companion.cli import main
    from companion.store import Store

    data_dir, tag, count, every, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    store = Store(Path(data_dir))
    ada = store.people()[0].id
    sys.stdout = open(os.devnull, "w")
    print("ready", file=sys.stderr, flush=True)
    deadline = time.monotonic() + 30
    while not os.path.exists(go):
        if time.monotonic() > deadline:
            sys.exit("never told to start")
        time.sleep(0.002)
    for index in range(count):
        text = f"{tag} note {index}"
        if index % every == 0:
            status = main(["--data-dir", data_dir, "note", "add", text, "--person", "Ada"])
            if status != 0:
                sys.exit(f"{tag}: companion note add failed with exit status {status}")
        else:
            store.add_note(text, [ada])
    """
)


@pytest.mark.slow
async def test_the_app_and_three_command_line_writers_lose_no_note(tmp_path: Path) -> None:
    from textual.worker import WorkerState

    from screens.app import CompanionApp

    data_dir = tmp_path / "data"
    ada = Store(data_dir).add_people([Person(name="Ada Lovelace")]).added[0]
    go = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(data_dir), f"writer{k}", str(WRITER_NOTES), str(CLI_EVERY), str(go)],
            env=child_env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        for k in range(WRITERS)
    ]
    try:
        for writer in writers:
            assert writer.stderr.readline().strip() == "ready"
        app = CompanionApp(store=Store(data_dir, backup_on_open=True), clock=lambda: NOW)
        async with app.run_test(size=(120, 40)) as pilot:

            def write_from_the_app() -> None:
                for index in range(APP_NOTES):
                    app.store.add_note(f"app note {index}", [ada.id])

            go.touch()
            worker = app.run_worker(write_from_the_app, thread=True, exit_on_error=False)
            deadline = time.monotonic() + 2 * TIMEOUT
            for key in cycle("2341"):  # the screens read while everyone writes
                if worker.is_finished or time.monotonic() > deadline:
                    break
                await pilot.press(key)
                await pilot.pause(0.05)
            await worker.wait()
            assert worker.state == WorkerState.SUCCESS, worker.error
            for writer in writers:
                assert writer.wait(TIMEOUT) == 0, writer.stderr.read()
            assert app.is_running
            in_app = app.store.notes()
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()
                writer.wait()
            writer.stderr.close()

    expected = {f"app note {i}" for i in range(APP_NOTES)}
    expected |= {f"writer{k} note {i}" for k in range(WRITERS) for i in range(WRITER_NOTES)}
    assert len(expected) == 1000
    for notes in (in_app, Store(data_dir).notes()):
        texts = [note.text for note in notes]
        assert len(texts) == len(set(texts)) == 1000, "a note was lost or saved twice"
        assert set(texts) == expected
        assert len({note.id for note in notes}) == 1000
        assert all(note.person_ids == [ada.id] for note in notes)
    assert list(data_dir.glob(".*.tmp")) == []


# --- a data file that does not parse, opened by the app -----------------------------------------


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
async def test_the_app_on_a_damaged_file_restores_the_backup_and_shows_a_warning(tmp_path: Path, damage: str) -> None:
    from screens.app import CompanionApp
    from screens.widgets import PersonCardView

    data_dir = tmp_path / "data"
    store = Store(data_dir)
    ada = store.add_people([Person(name="Ada Lovelace")]).added[0]
    store.add_note("precious note about Ada", [ada.id])
    Store(data_dir, backup_on_open=True)  # what the app does on every start: a backup
    good = (data_dir / "user.json").read_bytes()
    bad = good[: len(good) // 2] if damage == "truncated" else b"\x00\x9b31m not JSON \xff"
    (data_dir / "user.json").write_bytes(bad)

    app = CompanionApp(store=Store(data_dir, backup_on_open=True), clock=lambda: NOW)  # as `companion` opens it
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        warnings = [n for n in app._notifications if n.severity == "warning"]
        assert len(warnings) == 1
        kept = list(data_dir.glob("user.json.corrupt-*"))
        assert len(kept) == 1 and kept[0].read_bytes() == bad
        assert "user.json" in warnings[0].message and kept[0].name in warnings[0].message
        assert "\n" not in warnings[0].message
        await pilot.press("3")
        await pilot.pause()
        assert "precious note about Ada" in str(app.screen.query_one(PersonCardView).visual)
        assert app.is_running
    assert (data_dir / "user.json").read_bytes() == good


async def test_the_app_with_a_damaged_row_file_says_so_and_goes_on(tmp_path: Path) -> None:
    """A row file is never rewritten once saved, so damage there means the disk or a hand: the screens
    that need it say they could not read it, the others work, nothing is written over it."""
    from screens.app import CompanionApp

    data_dir = tmp_path / "data"
    store = Store(data_dir)
    store.add_people([Person(name="Ada Lovelace")])
    people = next(p for p in (data_dir / "user.d").iterdir() if p.name.startswith("people.") and ".sum." not in p.name)
    people.write_bytes(b'{"1": {"name": ')

    app = CompanionApp(store=Store(data_dir, backup_on_open=True), clock=lambda: NOW)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert errors and all(people.name in error and "\n" not in error for error in errors)
        await pilot.press("2")
        await pilot.pause()
        assert app.is_running
    assert people.read_bytes() == b'{"1": {"name": '


@pytest.mark.parametrize("damage", ["future schema", "garbage, no backup"])
def test_companion_on_a_damaged_file_it_cannot_restore_says_one_line_and_touches_nothing(
    tmp_path: Path, damage: str
) -> None:
    data_dir = tmp_path / "data"
    Store(data_dir).add_note("precious", [])
    if damage == "future schema":
        Store(data_dir, backup_on_open=True)  # a good backup must not be restored over a newer file
        payload = json.dumps({"schema": 99, "token": "", "tables": {"notes": {}}}).encode()
    else:
        payload = b"\x00\xff garbage"
    (data_dir / "user.json").write_bytes(payload)
    before = snapshot(data_dir)

    for command in ([], ["people"], ["note", "add", "x"]):  # [] opens the app
        result = run_cli("--data-dir", str(data_dir), *command)
        assert_one_error_line(result, "user.json")
        if damage == "future schema":
            assert "newer companion" in result.stderr
        assert snapshot(data_dir) == before
    assert list(data_dir.glob("user.json.corrupt-*")) == []


# --- a data folder that cannot be written -------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [[], ["people"], ["notes", "--json"], ["note", "add", "a note"], ["import", "people", "PEOPLE"],
     ["export", "json", "OUT"]],
    ids=["app", "people", "notes", "note-add", "import-people", "export-json"],
)
def test_a_data_folder_under_a_regular_file_is_one_clear_error(tmp_path: Path, command: list[str]) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    source = people_csv(tmp_path / "people.csv", 3)
    command = [str(source) if word == "PEOPLE" else str(tmp_path / "out.json") if word == "OUT" else word
               for word in command]

    result = run_cli("--data-dir", str(blocker / "data"), *command)

    assert_one_error_line(result, str(blocker / "data"))
    assert blocker.read_text() == "x"
    assert not (tmp_path / "out.json").exists()


def _read_only_bind_prefix(folder: Path) -> tuple[str, ...] | None:
    """A command prefix that runs the child with ``folder`` bind-mounted read-only (a private mount
    namespace, gone when the child exits), or None where that is not allowed."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    script = 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" && exec "$@"'
    prefix = (unshare, "-rm", "sh", "-c", script, str(folder))
    probe = subprocess.run([*prefix, "sh", "-c", f'! touch "{folder}/.probe" 2>/dev/null'], capture_output=True, timeout=TIMEOUT)
    (folder / ".probe").unlink(missing_ok=True)
    return prefix if probe.returncode == 0 else None


def test_a_read_only_data_folder_is_one_clear_error_and_doctor_says_so(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    Store(data_dir).add_note("kept", [])
    prefix = _read_only_bind_prefix(data_dir)
    if prefix is None:
        pytest.skip("cannot make a read-only bind mount here (needs unshare -rm)")
    before = snapshot(data_dir)

    for command in ([], ["note", "add", "a note"], ["people"]):
        result = run_cli("--data-dir", str(data_dir), *command, prefix=prefix)
        assert_one_error_line(result, str(data_dir), "not writable")
    doctor = run_cli("--data-dir", str(data_dir), "doctor", prefix=prefix)
    assert doctor.returncode == 1, doctor.stdout + doctor.stderr
    assert "Traceback" not in doctor.stderr
    assert [line for line in doctor.stdout.splitlines() if line.startswith("problem:")] == [
        f"problem: the data folder {data_dir} is not writable: saving would fail"
    ]
    assert snapshot(data_dir) == before


# --- companion doctor -------------------------------------------------------------------------------


def tree_state(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every entry under ``folder`` (the folder too): (mode, mtime, bytes); a change to any shows."""
    state = {".": (folder.stat().st_mode, folder.stat().st_mtime_ns, b"")}
    for path in sorted(folder.rglob("*")):
        status = path.lstat()
        state[str(path.relative_to(folder))] = (
            status.st_mode, status.st_mtime_ns, path.read_bytes() if path.is_file() else b"")
    return state


def doctor(data_dir: Path, *extra: str) -> tuple[int, list[str]]:
    """``companion doctor`` in this process: (exit status, lines printed)."""
    import contextlib
    import io

    from companion.cli import main

    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()  # --json writes to .buffer
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["--data-dir", str(data_dir), "doctor", *extra])
    assert err.getvalue() == ""
    out.flush()
    return status, out.buffer.getvalue().decode().splitlines()


def problems(lines: list[str]) -> list[str]:
    return [line.removeprefix("problem: ") for line in lines if line.startswith("problem: ")]


@pytest.fixture
def healthy_dir(tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    store = Store(data_dir)
    ada = store.add_people([Person(name="Ada Lovelace"), Person(name="Grace Hopper")]).added[0]
    store.add_note("first", [ada.id])
    Store(data_dir, backup_on_open=True)
    store.add_note("second", [ada.id])
    return data_dir


def test_doctor_on_a_healthy_folder_reports_everything_and_changes_nothing(healthy_dir: Path) -> None:
    for lock in healthy_dir.glob("*.lock"):
        lock.unlink()  # doctor must not create them either
    before = tree_state(healthy_dir)

    status, lines = doctor(healthy_dir)

    assert status == 0, lines
    assert lines[0] == f"data folder: {healthy_dir} (ok)"
    user = next(line for line in lines if line.startswith("user.json:"))
    assert user.startswith("user.json: ok, ") and f"schema {storage.SCHEMA_VERSION}" in user and "notes 2" in user and "people 2" in user
    assert "schedules.json: not created yet" in lines
    backup_line = next(line for line in lines if line.startswith("backups of user.json:"))
    newest = max(p.name for p in (healthy_dir / "backups").glob("user-*.json"))
    assert backup_line == f"backups of user.json: 1 (1 good), newest {newest}"
    assert "temp files: none" in lines
    assert "locks: user.json free, schedules.json free" in lines
    assert problems(lines) == [] and lines[-1] == "healthy"
    assert tree_state(healthy_dir) == before

    status, lines = doctor(healthy_dir, "--json")
    report = json.loads("\n".join(lines))
    assert status == 0 and report["healthy"] is True and report["problems"] == []
    assert report["files"][0]["counts"]["notes"] == 2
    assert tree_state(healthy_dir) == before


@pytest.mark.parametrize("damage", ["missing", "garbage"])
def test_doctor_finds_a_damaged_row_file_and_leaves_it_alone(healthy_dir: Path, damage: str) -> None:
    named = storage.read_document((healthy_dir / "user.json").read_bytes(), healthy_dir / "user.json").chunk_files()
    notes = healthy_dir / "user.d" / next(name for name in named if name.startswith("notes."))
    if damage == "missing":
        notes.unlink()
    else:
        notes.write_bytes(b'{"1": {"text": ')
    before = tree_state(healthy_dir)

    status, lines = doctor(healthy_dir)

    assert status == 1
    found = problems(lines)
    assert len(found) == 1 and notes.name in found[0], found
    assert ("missing" if damage == "missing" else "does not parse") in found[0]
    assert tree_state(healthy_dir) == before


def test_doctor_on_a_missing_folder_creates_nothing(tmp_path: Path) -> None:
    status, lines = doctor(tmp_path / "never-used")
    assert status == 0 and lines[-1] == "healthy", lines
    assert not (tmp_path / "never-used").exists()


@pytest.mark.parametrize("damage", ["truncated", "garbage", "future schema", "folder", "bad row"])
def test_doctor_finds_a_damaged_data_file_and_leaves_it_alone(healthy_dir: Path, damage: str) -> None:
    user = healthy_dir / "user.json"
    if damage == "folder":
        user.unlink()
        user.mkdir()
    else:
        good = user.read_bytes()
        user.write_bytes({
            "truncated": good[: len(good) // 2],
            "garbage": b"\x00\xff not json",
            "future schema": b'{"schema": 99, "token": "", "tables": {}}',
            "bad row": b'{"schema": 1, "token": "", "tables": {"notes": {"1": {"text": "no date"}}}}',
        }[damage])
    before = tree_state(healthy_dir)

    status, lines = doctor(healthy_dir)

    assert status == 1, lines
    found = problems(lines)
    assert len(found) == 1, found
    assert "user.json" in found[0]
    expected = {"truncated": "does not parse", "garbage": "does not parse", "future schema": "newer companion",
                "folder": "is a folder", "bad row": "notes row 1 does not load"}[damage]
    assert expected in found[0]
    if damage in ("truncated", "garbage"):
        newest = max(p.name for p in (healthy_dir / "backups").glob("user-*.json"))
        assert f"restore the backup {newest}" in found[0]
    assert lines[-1] == "1 problem found"
    assert tree_state(healthy_dir) == before
    assert list(healthy_dir.glob("user.json.corrupt-*")) == []


def test_doctor_finds_stray_temp_files_and_leaves_them(healthy_dir: Path) -> None:
    stray = healthy_dir / ".user.json.k3j4h5.tmp"
    stray.write_bytes(b'{"schema": 1, "tab')
    (healthy_dir / "backups" / ".user-x.json.abc.tmp").write_bytes(b"")
    before = tree_state(healthy_dir)

    status, lines = doctor(healthy_dir)

    assert status == 1
    found = problems(lines)
    assert len(found) == 2 and all(problem.startswith("stray temp file ") for problem in found), found
    assert ".user.json.k3j4h5.tmp" in found[0] + found[1]
    assert tree_state(healthy_dir) == before


HOLD_LOCK = textwrap.dedent(
    """
    import sys, time
    from filelock import FileLock

    lock = FileLock(sys.argv[1] + ".lock")
    lock.acquire()
    print("held", flush=True)
    sys.stdin.readline()  # hold it until told
    lock.release()
    """
)


def test_doctor_sees_a_lock_held_by_another_process(healthy_dir: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(healthy_dir / "user.json")], env=child_env(),
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        before = tree_state(healthy_dir)
        result = run_cli("--data-dir", str(healthy_dir), "doctor")  # the real command, in its own process
        assert result.returncode == 1, result.stdout + result.stderr
        lines = result.stdout.splitlines()
        assert "locks: user.json held, schedules.json free" in lines
        assert problems(lines) == [
            "user.json is locked by another process right now (a companion command is saving, or one is stuck)"
        ]
        assert tree_state(healthy_dir) == before
    finally:
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(TIMEOUT)
        holder.stdout.close()
    status, lines = doctor(healthy_dir)
    assert status == 0 and "locks: user.json free, schedules.json free" in lines, lines


def test_doctor_on_a_data_folder_under_a_regular_file_is_one_problem(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    status, lines = doctor(blocker / "data")
    assert status == 1
    assert problems(lines) == [f"the data folder {blocker / 'data'} cannot be created: {blocker} is a file, not a folder"]


def test_doctor_prints_no_escape_from_the_files_it_reads(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "user.json").write_text(json.dumps(
        {"schema": 1, "token": "", "tables": {"notes\x1b]2;pwned\x07": {"1\x9b31m": {}}, "notes": {"\x1b]0;x\x07": 5}}}))
    status, lines = doctor(data_dir)
    assert status == 1  # the bad note row
    assert not any(ch in "\n".join(lines) for ch in "\x1b\x07\x9b"), lines
