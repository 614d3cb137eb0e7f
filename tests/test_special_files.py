"""Sources that are not regular files: a device is refused in one line; a pipe or a FIFO is read with
the same byte cap as a file and within a deadline; a read that is waiting can be cancelled, and the
app quits with `q` while an import from a FIFO that never sends is running.

FIFOs are made in tmp_path; nothing here writes to a device."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from companion.errors import SourceError
from support import SAMPLE_DIR, CliResult, assert_one_line_error
from test_hostile_files import watchdog

ICS = (SAMPLE_DIR / "conference.ics").read_bytes()


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "schedule.ics"
    os.mkfifo(path)
    return path


@pytest.fixture
def silent_writer(fifo: Path) -> Iterator[Path]:
    """The FIFO with a writer that holds it open and never sends a byte."""
    handle = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)  # O_RDWR: opens without a reader waiting
    try:
        yield fifo
    finally:
        os.close(handle)


def feed(path: Path, payload: bytes | Callable[[int], bytes], *, endless: bool = False) -> threading.Thread:
    """A writer thread: sends ``payload`` (or chunk after chunk of it, until the reader goes) and closes."""

    def write() -> None:
        try:
            with open(path, "wb") as handle:
                if endless:
                    while True:
                        handle.write(b"x" * 65536)
                else:
                    handle.write(payload if isinstance(payload, bytes) else payload(0))
        except (BrokenPipeError, OSError):
            pass

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("what", ["schedule", "people"])
def test_a_device_is_refused_in_one_line(what: str, cli: Callable[..., CliResult],
                                         isolated_data_dir: Path) -> None:
    with watchdog(10):
        result = cli("import", what, "/dev/zero")
    line = assert_one_line_error(result)
    assert "/dev/zero" in line and "not a regular file" in line, line
    assert not isolated_data_dir.exists() or not any(isolated_data_dir.iterdir())


def test_a_schedule_comes_through_a_fifo(fifo: Path, cli: Callable[..., CliResult]) -> None:
    feed(fifo, ICS)
    with watchdog(20):
        result = cli("import", "schedule", fifo)
    assert result.code == 0, result.err
    assert "Imported" in result.out
    assert [c["source"] for c in cli("conferences", "--json").json()] == [str(fifo)]  # the name given


def test_a_fifo_that_sends_forever_stops_at_the_byte_cap(fifo: Path, monkeypatch: pytest.MonkeyPatch,
                                                         cli: Callable[..., CliResult]) -> None:
    import companion.importers.sources as sources

    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 1024 * 1024)
    feed(fifo, b"", endless=True)
    with watchdog(20):
        line = assert_one_line_error(cli("import", "schedule", fifo))
    assert "larger than 1 MB" in line, line


def test_a_fifo_that_never_sends_gives_up_at_the_deadline(silent_writer: Path, monkeypatch: pytest.MonkeyPatch,
                                                          cli: Callable[..., CliResult]) -> None:
    import companion.importers.sources as sources

    monkeypatch.setattr(sources, "READ_DEADLINE", 0.5)
    with watchdog(20):
        line = assert_one_line_error(cli("import", "schedule", silent_writer))
    assert str(silent_writer) in line and "nothing" in line, line


def test_a_waiting_read_ends_when_cancelled(silent_writer: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import companion.importers.sources as sources

    monkeypatch.setattr(sources, "READ_DEADLINE", 600.0)
    cancelled = threading.Event()
    threading.Timer(0.2, cancelled.set).start()
    with watchdog(20), pytest.raises(SourceError, match="cancelled"):
        sources.read_source(str(silent_writer), cancelled=cancelled)


async def test_q_quits_the_app_during_an_import_from_a_silent_fifo(
    silent_writer: Path, monkeypatch: pytest.MonkeyPatch, isolated_data_dir: Path
) -> None:
    import companion.importers.sources as sources
    from companion.store import Store
    from screens.app import CompanionApp
    from screens.modals import ImportRequest

    monkeypatch.setattr(sources, "READ_DEADLINE", 600.0)
    app = CompanionApp(store=Store(isolated_data_dir))
    async with app.run_test(size=(100, 30)) as pilot:
        worker = app.run_import(ImportRequest(kind="schedule", source=str(silent_writer), tz=""), False)
        await pilot.pause(0.2)
        assert not worker.is_finished
        await pilot.press("q")
        for _ in range(400):  # a hang guard, not a timing: cancelled, the read ends at its next poll
            if worker.is_finished:
                break
            await asyncio.sleep(0.05)
        assert worker.is_finished, "the import worker kept waiting on the FIFO after q"
    assert app.return_code in (None, 0)


async def test_the_import_can_be_cancelled_from_the_palette(
    silent_writer: Path, monkeypatch: pytest.MonkeyPatch, isolated_data_dir: Path
) -> None:
    import companion.importers.sources as sources
    from companion.store import Store
    from screens.app import CompanionApp
    from screens.modals import ImportRequest

    monkeypatch.setattr(sources, "READ_DEADLINE", 600.0)
    app = CompanionApp(store=Store(isolated_data_dir))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        worker = app.run_import(ImportRequest(kind="schedule", source=str(silent_writer), tz=""), False)
        await pilot.pause(0.2)
        await pilot.press("ctrl+p")
        await pilot.press(*"cancel the import")
        await pilot.pause(0.3)
        await pilot.press("enter")
        for _ in range(400):
            if worker.is_finished:
                break
            await asyncio.sleep(0.05)
        assert worker.is_finished
        assert app.is_running


def test_a_schedule_piped_into_dev_stdin_is_imported_and_named_so(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    data = str(tmp_path / "data")
    done = subprocess.run([sys.executable, "-m", "companion", "--data-dir", data, "import", "schedule", "/dev/stdin"],
                          input=ICS, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    listed = subprocess.run([sys.executable, "-m", "companion", "--data-dir", data, "conferences", "--json"],
                            capture_output=True, timeout=60)
    assert [c["source"] for c in json.loads(listed.stdout)] == ["/dev/stdin"]
