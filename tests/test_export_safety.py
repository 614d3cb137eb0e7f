"""Files the user names for an export or a report (issue 14, items 4 and 6): never the data folder,
never a rename over a symlink or a special file, the mode of a file kept, no temporary file left by a
killed export, and `export json` one consistent version of the data."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

import companion
from companion.store import Store
from support import SAMPLE_DIR, CliResult, assert_one_line_error

CONFERENCE = SAMPLE_DIR / "conference.ics"
EXPORTS = [("export", "json"), ("export", "ics"), ("export", "agenda"), ("report", "--out")]


@pytest.fixture
def data_dir(cli: Callable[..., CliResult], isolated_data_dir: Path) -> Path:
    """A data folder with the sample schedule, a person, a star and a note with a follow-up."""
    from companion.followups import NoteActions
    from companion.models import Person

    assert cli("import", "schedule", CONFERENCE).code == 0
    store = Store(isolated_data_dir)
    store.add_people([Person(name="Ada Lovelace")])
    ada = store.people()[0]
    store.set_star(store.sessions()[0].id, True)
    store.add_note("a chat about engines", [ada.id], actions=NoteActions(thank=True))
    return isolated_data_dir


def folder_state(folder: Path) -> dict[str, tuple[bool, bytes]]:
    """Every entry under ``folder``: whether it is a symlink, and a file's bytes."""
    state = {}
    for path in sorted(folder.rglob("*")):
        state[str(path.relative_to(folder))] = (
            path.is_symlink(), path.read_bytes() if path.is_file() and not path.is_symlink() else b"")
    return state


def no_temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


# --- the data folder is never a target ----------------------------------------------------------


@pytest.mark.parametrize("command", EXPORTS)
@pytest.mark.parametrize("where", ["user.json", "schedules.json", "backups/user-x.json", "new-file.json",
                                   "user.d", "link-outside"])
def test_an_export_into_the_data_folder_is_refused_and_changes_nothing(
    cli: Callable[..., CliResult], data_dir: Path, tmp_path: Path, command: tuple[str, str], where: str
) -> None:
    if where == "link-outside":  # a link outside the folder that points at a data file
        target = tmp_path / "innocent.json"
        target.symlink_to(data_dir / "user.json")
    else:
        target = data_dir / where
    before = folder_state(data_dir)
    line = assert_one_line_error(cli(*command, target))
    assert "data folder" in line and str(target) in line
    assert folder_state(data_dir) == before
    if where == "link-outside":
        assert target.is_symlink()


def test_a_vdir_inside_the_data_folder_is_refused(cli: Callable[..., CliResult], data_dir: Path, tmp_path: Path) -> None:
    before = folder_state(data_dir)
    line = assert_one_line_error(cli("export", "ics", tmp_path / "f.ics", "--vdir", data_dir / "user.d"))
    assert "data folder" in line
    assert folder_state(data_dir) == before and not (tmp_path / "f.ics").exists()


# --- symlinks, modes, killed exports ------------------------------------------------------------


@pytest.mark.parametrize("command", EXPORTS)
@pytest.mark.parametrize("existing", [True, False])
def test_an_export_onto_a_symlink_writes_its_target_and_keeps_the_link(
    cli: Callable[..., CliResult], data_dir: Path, tmp_path: Path, command: tuple[str, str], existing: bool
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    real = elsewhere / "real.out"
    if existing:
        real.write_text("old")
    link = tmp_path / "link.out"
    link.symlink_to(real)
    result = cli(*command, link)
    assert result.code == 0, result.err
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.is_file() and real.read_bytes() not in (b"", b"old")
    assert no_temporaries(tmp_path) == []


@pytest.mark.parametrize("command", EXPORTS)
@pytest.mark.parametrize("mode", [0o644, 0o600, 0o640])
def test_an_existing_files_mode_is_kept(
    cli: Callable[..., CliResult], data_dir: Path, tmp_path: Path, command: tuple[str, str], mode: int
) -> None:
    target = tmp_path / "out.file"
    target.write_text("old")
    target.chmod(mode)
    assert cli(*command, target).code == 0
    assert stat.S_IMODE(target.stat().st_mode) == mode and target.read_text() != "old"


def test_a_new_export_is_private(cli: Callable[..., CliResult], data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "new.json"
    assert cli("export", "json", target).code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def run_killed_export(data_dir: Path, target: Path) -> subprocess.CompletedProcess[str]:
    """`companion export json TARGET` in a process killed (SIGKILL) the moment it would put the
    finished file in place: what a kill, a power cut or an OOM leaves."""
    root = Path(companion.__file__).resolve().parent.parent
    code = (
        "import os, signal, sys\n"
        "os.replace = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)\n"
        "from companion.cli import main\n"
        f"sys.exit(main(['--data-dir', {str(data_dir)!r}, 'export', 'json', {str(target)!r}]))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)


def test_a_killed_export_leaves_no_temporary_file_after_the_next(
    cli: Callable[..., CliResult], data_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "export.json"
    target.write_text("the previous export")
    killed = run_killed_export(data_dir, target)
    assert killed.returncode == -9, killed.stderr
    assert target.read_text() == "the previous export"  # the old file is whole
    assert no_temporaries(out), "the kill came before the temporary file was written"

    assert cli("report", "--out", out / "report.md").code == 0  # the next export into that folder
    assert no_temporaries(out) == []
    assert target.read_text() == "the previous export"
    assert sorted(p.name for p in out.iterdir()) == ["export.json", "report.md"]


# --- standard output and special files ----------------------------------------------------------


@pytest.mark.parametrize("command", [("export", "json"), ("export", "ics"), ("export", "agenda"), ("report", "--out")])
def test_a_dash_means_standard_output(
    cli: Callable[..., CliResult], data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, str],
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli(*command, "-")
    assert result.code == 0, result.err
    assert not (tmp_path / "-").exists()
    if command == ("export", "json"):
        assert json.loads(result.out)["format"] == "companion-export"
    elif command[0] == "export":
        assert result.out.startswith("BEGIN:VCALENDAR")
    else:
        assert result.out.startswith("# ")
    assert "Wrote" not in result.out  # what it wrote is said on stderr, away from the data


class FifoReader:
    """Reads everything written into a FIFO until every writer has closed it (the test keeps one
    writer of its own open until it is done, so the reader never sees an early end)."""

    def __init__(self, fifo: Path) -> None:
        self.read_end = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        self.keep_open = os.open(fifo, os.O_WRONLY)
        os.set_blocking(self.read_end, True)
        self.data = bytearray()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while chunk := os.read(self.read_end, 65536):
            self.data += chunk

    def finish(self) -> bytes:
        os.close(self.keep_open)
        self.thread.join(60)
        os.close(self.read_end)
        return bytes(self.data)


def test_an_export_onto_a_fifo_is_written_through_not_renamed_over(
    cli: Callable[..., CliResult], data_dir: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = FifoReader(fifo)
    result = cli("export", "json", fifo)
    received = reader.finish()
    assert result.code == 0, result.err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced by a file"
    assert json.loads(received)["format"] == "companion-export"
    assert no_temporaries(tmp_path) == []


def test_an_export_onto_a_fifo_nobody_reads_is_refused_without_waiting(
    cli: Callable[..., CliResult], data_dir: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    line = assert_one_line_error(cli("export", "json", fifo))
    assert str(fifo) in line and "cannot write" in line
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert no_temporaries(tmp_path) == []


def test_dev_stdout_is_written_through(cli: Callable[..., CliResult], data_dir: Path, tmp_path: Path) -> None:
    # The guard first: special files are written through here; only then the real /dev/stdout
    # (an export that renamed over it would replace the machine's /dev/stdout link).
    fifo = tmp_path / "guard"
    os.mkfifo(fifo)
    reader = FifoReader(fifo)
    assert cli("export", "json", fifo).code == 0
    reader.finish()
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)

    root = Path(companion.__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    for args in (["export", "json", "/dev/stdout"], ["report", "--out", "/dev/stdout"]):
        done = subprocess.run([sys.executable, "-m", "companion", "--data-dir", str(data_dir), *args],
                              capture_output=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        if args[0] == "export":
            assert json.loads(done.stdout)["format"] == "companion-export"
        else:
            assert done.stdout.startswith(b"# ") and b"Wrote" not in done.stdout
    assert os.path.islink("/dev/stdout")


# --- one consistent snapshot --------------------------------------------------------------------


def test_export_json_is_one_version_of_the_data_while_an_import_runs(
    cli: Callable[..., CliResult], tmp_path: Path, isolated_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import that lands while the export reads gives either the old schedule or the new one,
    never the old conference with the new sessions."""
    from companion import storage
    from companion.schedules import import_schedule

    source = tmp_path / "summit.ics"
    original = CONFERENCE.read_bytes()
    source.write_bytes(original)
    assert cli("import", "schedule", source, "--name", "Summit one").code == 0
    sessions = len(Store(isolated_data_dir).sessions())

    real_read_chunk = storage._read_chunk
    landed: list[bool] = []

    def read_chunk_then_import(path: Path, manifest: Path):  # noqa: ANN202
        rows = real_read_chunk(path, manifest)
        if manifest.name == "schedules.json" and not landed:
            landed.append(True)  # another process imports the new version now
            source.write_bytes(original.replace(b"\nSUMMARY:", b"\nSUMMARY:Two "))
            import_schedule(Store(isolated_data_dir), str(source), name="Summit two")
        return rows

    monkeypatch.setattr(storage, "_read_chunk", read_chunk_then_import)
    target = tmp_path / "export.json"
    assert cli("export", "json", target).code == 0
    assert landed
    data = json.loads(target.read_bytes())
    (conference,) = data["conferences"]
    titles = [s["title"] for s in data["sessions"]]
    assert len(titles) == sessions
    if conference["name"] == "Summit one":
        assert not any(title.startswith("Two ") for title in titles), "old conference, new sessions"
    else:
        assert conference["name"] == "Summit two"
        assert all(title.startswith("Two ") for title in titles), "new conference, old sessions"


def test_export_json_with_a_row_file_missing_says_so_in_one_line(
    cli: Callable[..., CliResult], data_dir: Path, tmp_path: Path
) -> None:
    from companion import storage

    named = storage.read_document((data_dir / "user.json").read_bytes(), data_dir / "user.json").chunk_files()
    notes = data_dir / "user.d" / next(name for name in named if name.startswith("notes."))
    notes.unlink()
    line = assert_one_line_error(cli("export", "json", tmp_path / "export.json"))
    assert "is missing" in line and notes.name in line
    assert not (tmp_path / "export.json").exists()
