"""``companion doctor``: a read-only health check of the data folder.

It reports the data folder, each data file (does it parse, its schema version, its size, how many
rows each table holds and whether every row loads), the backups, stray temp files, copies kept aside
after a recovery, and whether another process holds a data file's lock right now.

Nothing here writes: the folder is not created, no lock file is created, no temp file is removed,
no backup is restored. The lock is probed with ``flock`` on a read-only descriptor, which conflicts
with the lock filelock takes (``flock(LOCK_EX)``) without touching the file.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from companion.errors import StorageError
from companion.models import Conference, FollowUp, Note, Person, Session, TalkingPoint
from companion.storage import SCHEMA_VERSION, chunk_folder, load_tables, parse_document, read_document

DATA_FILES = ("user.json", "schedules.json")
"""The files a Store keeps in the data folder (see companion.store.Store)."""

BACKUPS_FOLDER = "backups"

ROW_LOADERS: dict[str, Callable[[dict[str, Any]], object]] = {
    "people": Person.from_dict,
    "points": TalkingPoint.from_dict,
    "notes": Note.from_dict,
    "followups": FollowUp.from_dict,
    "stars": lambda row: row["session_id"],
    "conferences": Conference.from_dict,
    "sessions": Session.from_dict,
}
"""How the store reads each table's rows: a row these fail on would stop the app or a command."""


@dataclass
class FileHealth:
    name: str
    exists: bool = False
    status: str = "not created yet"
    """``ok``, ``not created yet``, or what is wrong: ``does not parse``, ``newer schema``, ``unreadable``."""
    size: int = 0
    schema: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    backups: int = 0
    good_backups: int = 0
    newest_backup: str = ""
    newest_good_backup: str = ""
    lock: str = "free"
    """``free``, ``held`` (by another process, right now), or why it could not be checked."""
    kept_aside: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "exists": self.exists, "status": self.status, "size": self.size, "schema": self.schema,
            "counts": self.counts, "backups": self.backups, "good_backups": self.good_backups,
            "newest_backup": self.newest_backup, "newest_good_backup": self.newest_good_backup,
            "lock": self.lock, "kept_aside": self.kept_aside,
        }


@dataclass
class Checkup:
    data_dir: Path
    folder: str = ""
    """What the folder is: ``ok``, ``missing`` (nothing saved yet), or what is wrong with it."""
    files: list[FileHealth] = field(default_factory=list)
    temp_files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "data_dir": str(self.data_dir), "folder": self.folder, "schema_supported": SCHEMA_VERSION,
            "files": [f.to_dict() for f in self.files], "temp_files": self.temp_files,
            "problems": self.problems, "healthy": self.healthy,
        }

    def lines(self) -> list[str]:
        """The report as text lines, problems last (one line each)."""
        out = [f"data folder: {self.data_dir} ({self.folder})"]
        for health in self.files:
            if not health.exists:
                out.append(f"{health.name}: not created yet")
                continue
            detail = f"{health.name}: {health.status}, {_size(health.size)}"
            if health.schema is not None:
                detail += f", schema {health.schema}"
            if health.counts:
                detail += "; " + ", ".join(f"{table} {count}" for table, count in sorted(health.counts.items()))
            out.append(detail)
        for health in self.files:
            if health.backups:
                newest = health.newest_backup + ("" if health.newest_backup == health.newest_good_backup else " (does not parse)")
                out.append(f"backups of {health.name}: {health.backups} ({health.good_backups} good), newest {newest}")
            else:
                out.append(f"backups of {health.name}: none")
        for health in self.files:
            for kept in health.kept_aside:
                out.append(f"kept aside after a recovery: {kept}")
        out.append("temp files: " + (", ".join(self.temp_files) if self.temp_files else "none"))
        out.append("locks: " + ", ".join(f"{h.name} {h.lock}" for h in self.files))
        out += [f"problem: {problem}" for problem in self.problems]
        out.append("healthy" if self.healthy else f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''} found")
        return [_one_line(line) for line in out]  # table names and file names come from the disk: no escapes


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _one_line(text: object) -> str:
    from companion.text import clean

    return clean(text, single_line=True)


def lock_state(lock_path: Path) -> str:
    """``free`` or ``held`` (by another open file, right now), without creating or changing the file."""
    import fcntl

    try:
        descriptor = os.open(lock_path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return "free"  # filelock creates the file when it first locks; nobody has yet
    except OSError as error:
        return f"not checked ({error.strerror or error})"
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                return "held"
            return f"not checked ({error.strerror or error})"
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        return "free"
    finally:
        os.close(descriptor)


def _parses(path: Path, chunks: Path) -> bool:
    """Whether a backup could be restored: it parses, and the row files it names are there."""
    try:
        document = read_document(path.read_bytes(), path)
    except (StorageError, OSError):
        return False
    return all((chunks / name).is_file() for name in document.chunk_files())


def _check_rows(name: str, tables: dict[str, Any], problems: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table, rows in tables.items():
        if not isinstance(rows, dict):
            problems.append(f"{name}: table {table!r} is not an object of rows")
            continue
        counts[table] = len(rows)
        loader = ROW_LOADERS.get(table)
        if loader is None:
            continue
        bad: list[tuple[str, Exception]] = []
        for doc_id, row in rows.items():
            try:
                if not isinstance(row, dict):
                    raise TypeError("not an object")
                loader(row)
            except Exception as error:  # noqa: BLE001 - any failure is what the app would hit
                bad.append((doc_id, error))
        if bad:
            first_id, first_error = bad[0]
            more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
            problems.append(
                f"{name}: {table} row {first_id} does not load ({type(first_error).__name__}: {_one_line(first_error)}){more}"
            )
    return counts


def _check_file(data_dir: Path, name: str, problems: list[str]) -> FileHealth:
    path = data_dir / name
    health = FileHealth(name=name)
    backups_dir = data_dir / BACKUPS_FOLDER
    stem = Path(name).stem
    backups = sorted(backups_dir.glob(f"{stem}-*.json"), reverse=True) if backups_dir.is_dir() else []
    health.backups = len(backups)
    health.newest_backup = backups[0].name if backups else ""
    good = [backup for backup in backups if _parses(backup, chunk_folder(path))]
    health.good_backups = len(good)
    health.newest_good_backup = good[0].name if good else ""
    health.kept_aside = sorted(p.name for p in data_dir.glob(f"{name}.corrupt-*"))
    health.lock = lock_state(data_dir / f"{name}.lock")
    if health.lock == "held":
        problems.append(f"{name} is locked by another process right now (a companion command is saving, or one is stuck)")
    elif health.lock != "free":
        problems.append(f"{name}: the lock could not be checked: {health.lock}")

    if not path.exists() and not path.is_symlink():
        return health
    health.exists = True
    try:
        if path.is_dir():
            health.status = "unreadable"
            problems.append(f"{path} is a folder, not a data file")
            return health
        payload = path.read_bytes()
    except OSError as error:
        health.status = "unreadable"
        problems.append(f"cannot read {path}: {error.strerror or error}")
        return health
    health.size = len(payload)
    try:
        import orjson

        raw = orjson.loads(payload)
        if isinstance(raw, dict) and isinstance(raw.get("schema"), int):
            health.schema = raw["schema"]
    except Exception:  # noqa: BLE001 - parse_document below says what is wrong
        pass
    try:
        parse_document(payload, path)
    except StorageError as error:
        if health.schema is not None and health.schema > SCHEMA_VERSION:
            health.status = "newer schema"
            problems.append(_one_line(error))
        elif health.newest_good_backup:
            health.status = "does not parse"
            problems.append(
                f"{_one_line(error)}; companion will keep it aside and restore the backup "
                f"{health.newest_good_backup} when it next opens"
            )
        else:
            health.status = "does not parse"
            problems.append(f"{_one_line(error)}; there is no good backup to restore")
        return health
    # The manifest is whole: now the row files it names (a damaged one is not repaired on open).
    older = f"; a backup in {BACKUPS_FOLDER}/ may name an older copy of it" if health.good_backups else ""
    try:
        tables = load_tables(path)
    except FileNotFoundError as error:
        health.status = "a row file is missing"
        problems.append(f"{path.name} names {error.filename}, which is missing: its rows cannot be read{older}")
        return health
    except OSError as error:
        health.status = "unreadable"
        problems.append(f"cannot read a row file of {path}: {error.strerror or error}")
        return health
    except StorageError as error:
        health.status = "a row file does not parse"
        problems.append(f"{_one_line(error)}: its rows cannot be read{older}")
        return health
    before = len(problems)
    health.counts = _check_rows(name, tables, problems)
    health.status = "ok" if len(problems) == before else "rows that do not load"
    return health


def examine(data_dir: Path) -> Checkup:
    """Look at ``data_dir`` and everything companion keeps in it; change nothing."""
    checkup = Checkup(data_dir=data_dir)
    if not data_dir.exists():
        parent = next((p for p in data_dir.parents if p.exists()), None)
        if parent is not None and not parent.is_dir():
            checkup.folder = "cannot exist"
            checkup.problems.append(f"the data folder {data_dir} cannot be created: {parent} is a file, not a folder")
        else:
            checkup.folder = "missing: nothing saved yet"
        checkup.files = [FileHealth(name=name) for name in DATA_FILES]
        return checkup
    if not data_dir.is_dir():
        checkup.folder = "not a folder"
        checkup.problems.append(f"the data folder {data_dir} is not a folder")
        return checkup
    if not os.access(data_dir, os.R_OK | os.W_OK | os.X_OK):
        checkup.folder = "not writable"
        checkup.problems.append(f"the data folder {data_dir} is not writable: saving would fail")
    else:
        checkup.folder = "ok"
    checkup.files = [_check_file(data_dir, name, checkup.problems) for name in DATA_FILES]
    temps = sorted(data_dir.glob(".*.tmp"))
    backups_dir = data_dir / BACKUPS_FOLDER
    if backups_dir.is_dir():
        temps += sorted(backups_dir.glob(".*.tmp"))
    checkup.temp_files = [str(p.relative_to(data_dir)) for p in temps]
    held = [health.name for health in checkup.files if health.lock == "held"]
    for temp in checkup.temp_files:
        if any(Path(temp).name.startswith(f".{name}.") for name in held):
            continue  # the save that holds the lock is writing it right now
        checkup.problems.append(
            f"stray temp file {temp}: a save was interrupted (the saved file is whole; the next companion run removes it)"
        )
    return checkup
