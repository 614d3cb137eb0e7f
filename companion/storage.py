"""Crash-safe TinyDB storage with cross-process locking.

One :class:`DataFile` is one JSON file holding TinyDB tables. The rules (DESIGN section 3):

* a save writes the whole document to a temp file in the same folder, fsyncs it, ``os.replace``\\ s
  it over the old file and fsyncs the folder, so the file on disk is always a complete version;
* the parsed document is kept in memory and re-read only when the file's version (inode, size,
  mtime, and a random token each save writes at the head of the file) changes, so reads are
  cheap and see other processes' writes;
* every read-modify-write runs inside :meth:`DataFile.transaction`, which holds a file lock,
  re-reads the file and resets TinyDB's cached next document id, so two processes never hand
  out the same id or overwrite each other's writes; the transaction is written once, at its end;
* a file that does not parse is copied aside and never overwritten; the newest good backup is
  restored in its place, or, with no backup, every command stops with one clear line;
* the file carries a schema version; older versions are migrated, newer ones are refused.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from companion.errors import CorruptFileError, StorageError

SCHEMA_VERSION = 1
"""The version of the document layout this code writes."""

MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}
"""``MIGRATIONS[n]`` turns the tables of schema ``n`` into those of schema ``n + 1``."""

BACKUPS_KEPT = 10
LOCK_TIMEOUT_SECONDS = 15.0

Stamp = tuple[int, int, int]


def file_stamp(path: Path) -> Stamp | None:
    """Inode, size and modification time: what changes whenever the file is replaced."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return None
    return (status.st_ino, status.st_size, status.st_mtime_ns)


class FolderSyncError(OSError):
    """The new file is in place, but the folder entry could not be flushed to disk."""


def fsync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError as error:
        if error.errno in (errno.EINVAL, errno.ENOTSUP):
            return  # the file system does not sync folders; the rename is as durable as it gets
        raise FolderSyncError(error.errno, error.strerror) from None


def atomic_write_bytes(path: Path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` so that the file is either the old or the new version, whole."""
    descriptor, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        try:
            os.unlink(temp_name)
        except FileNotFoundError:
            pass
        raise
    fsync_folder(path.parent)


def parse_document(payload: bytes, path: Path) -> tuple[dict[str, Any], str]:
    """The tables in a data file's bytes, migrated to the current schema, and the file's write token."""
    try:
        document = orjson.loads(payload)
    except orjson.JSONDecodeError as error:
        raise CorruptFileError(f"{path} does not parse: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("tables"), dict):
        raise CorruptFileError(f"{path} is not a companion data file (no 'tables' object)")
    schema = document.get("schema")
    if not isinstance(schema, int) or schema < 1:
        raise CorruptFileError(f"{path} has no valid schema version")
    if schema > SCHEMA_VERSION:
        raise StorageError(
            f"{path} was written by a newer companion (schema {schema}, this one reads up to "
            f"{SCHEMA_VERSION}); upgrade companion to open it"
        )
    tables: dict[str, Any] = document["tables"]
    for version in range(schema, SCHEMA_VERSION):
        tables = MIGRATIONS[version](tables)
    token = document.get("token")
    return tables, token if isinstance(token, str) else ""


def serialise_document(tables: dict[str, Any], token: str) -> bytes:
    # The token comes before the tables so that a few bytes at the head of the file identify the write.
    return orjson.dumps({"schema": SCHEMA_VERSION, "token": token, "tables": tables})


_HEAD_TOKEN = re.compile(rb'"token":"([0-9a-f]*)"')
Version = tuple[Stamp, str]


def file_version(path: Path) -> Version | None:
    """The file's stamp and the token of the write that made it.

    The stamp alone is not enough: a replaced file can reuse the old inode, with the same size,
    within one tick of a coarse mtime clock. Every save writes a new random token.
    """
    try:
        with open(path, "rb") as handle:
            status = os.fstat(handle.fileno())
            head = handle.read(96)
    except FileNotFoundError:
        return None
    match = _HEAD_TOKEN.search(head)
    return (status.st_ino, status.st_size, status.st_mtime_ns), match.group(1).decode() if match else ""


class SafeJSONStorage(Storage):
    """TinyDB storage: in-memory reads checked against the file's version, writes batched and atomic."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self._tables: dict[str, Any] | None = None
        self._version: Version | None = None
        self._in_transaction = False
        self._dirty = False

    def read(self) -> dict[str, Any] | None:
        if self._tables is not None and (self._in_transaction or file_version(self.path) == self._version):
            return self._tables
        self.reload()
        return self._tables

    def reload(self) -> None:
        """Read the file from disk (an absent file is an empty document)."""
        try:
            with open(self.path, "rb") as handle:
                status = os.fstat(handle.fileno())
                payload = handle.read()
        except FileNotFoundError:
            self._tables, self._version = {}, None
            return
        except OSError as error:
            raise StorageError(f"cannot read {self.path}: {error.strerror or error}") from None
        self._tables, token = parse_document(payload, self.path)
        self._version = ((status.st_ino, status.st_size, status.st_mtime_ns), token)

    def write(self, data: dict[str, Any]) -> None:
        if not self._in_transaction:
            raise RuntimeError("a write outside DataFile.transaction() would bypass the lock")
        self._tables = data
        self._dirty = True

    def begin(self) -> None:
        if self._tables is None or file_version(self.path) != self._version:
            self.reload()
        self._in_transaction = True
        self._dirty = False

    def commit(self) -> None:
        try:
            if self._dirty and self._tables is not None:
                token = secrets.token_hex(8)
                atomic_write_bytes(self.path, serialise_document(self._tables, token))
                self._version = file_version(self.path)
        except FolderSyncError as error:
            self._version = file_version(self.path)
            self._in_transaction = False
            self._dirty = False
            raise StorageError(
                f"saved {self.path}, but the folder could not be synced to disk ({error.strerror}); "
                f"a power cut now could undo the save"
            ) from None
        except OSError as error:
            self.rollback()
            raise StorageError(
                f"could not save {self.path}: {error.strerror or error}; the last saved version is kept"
            ) from None
        self._in_transaction = False
        self._dirty = False

    def rollback(self) -> None:
        """Forget in-memory changes; the next read comes from the file."""
        self._tables = None
        self._version = None
        self._in_transaction = False
        self._dirty = False

    def close(self) -> None:
        pass


class UncachedTable(Table):
    """A TinyDB table without the query cache, which other processes' writes would make stale."""

    default_query_cache_capacity = 0


class CompanionDB(TinyDB):
    table_class = UncachedTable


class DataFile:
    """One crash-safe JSON data file with its lock, backups and corruption handling."""

    def __init__(self, path: Path, backups_dir: Path) -> None:
        self.path = path
        self.backups_dir = backups_dir
        self._lock: Any = None
        self.db = CompanionDB(str(path), storage=SafeJSONStorage)
        self.storage: SafeJSONStorage = self.db.storage  # type: ignore[assignment]
        self._thread_lock = threading.RLock()
        self._depth = 0
        self.recovery_message: str | None = None
        """Set when the file did not parse on open and a backup was restored."""
        self.backup_warning: str | None = None
        """Set when the backup taken on open could not be written (the data itself is fine)."""

    def table(self, name: str) -> Table:
        return self.db.table(name)

    def tables(self) -> dict[str, Any]:
        """The raw document (table name -> {doc id -> document}), read-only by convention."""
        return self.storage.read() or {}

    @property
    def lock(self) -> Any:
        """The cross-process lock (filelock is imported only by processes that write)."""
        if self._lock is None:
            from filelock import FileLock

            self._lock = FileLock(str(self.path) + ".lock", timeout=LOCK_TIMEOUT_SECONDS)
        return self._lock

    @contextmanager
    def _locked(self) -> Iterator[None]:
        from filelock import Timeout

        try:
            self.lock.acquire()
        except Timeout:
            raise StorageError(
                f"{self.path} is locked by another companion process (lock file {self.lock.lock_file})"
            ) from None
        except OSError as error:
            raise StorageError(f"cannot lock {self.path}: {error.strerror or error}") from None
        try:
            yield
        finally:
            self.lock.release()

    @contextmanager
    def transaction(self) -> Iterator[CompanionDB]:
        """Hold the lock, read the newest file, and write the changes once at the end."""
        with self._thread_lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.db
                finally:
                    self._depth -= 1
                return
            with self._locked():
                self.storage.begin()
                for table in self.db._tables.values():
                    table._next_id = None  # re-derive ids from the file read inside the lock
                self._depth = 1
                try:
                    yield self.db
                except BaseException:
                    self.storage.rollback()
                    raise
                else:
                    self.storage.commit()
                finally:
                    self._depth = 0

    def open(self, *, backup: bool, read_only: bool = False) -> None:
        """Clean stray temp files, check the file parses (restoring a backup if not), back it up.

        ``read_only`` opens without the lock when the file parses: a reader never waits for a
        writer (every save replaces the file whole), and the next writer cleans up.
        """
        if read_only and not backup:
            try:
                self.storage.reload()
                return
            except CorruptFileError:
                pass  # recovery needs the lock
        with self._locked():
            for stray in self.path.parent.glob(f".{self.path.name}.*.tmp"):
                try:
                    stray.unlink()
                except OSError:
                    pass
            try:
                self.storage.reload()
            except CorruptFileError as error:
                try:
                    self._recover(error)
                except OSError as failure:
                    raise StorageError(
                        f"{error}; restoring a backup failed ({failure.strerror or failure}); the file is left as it was"
                    ) from None
            if backup:
                try:
                    self._backup_locked(reason="open", only_if_changed=True)
                except OSError as error:
                    self.backup_warning = (
                        f"could not back up {self.path.name} in {self.backups_dir}: {error.strerror or error}"
                    )

    def backup(self, reason: str) -> Path | None:
        """Copy the file into the backups folder; raises StorageError if that fails."""
        with self._locked():
            try:
                return self._backup_locked(reason=reason, only_if_changed=False)
            except OSError as error:
                raise StorageError(
                    f"cannot write a backup of {self.path.name} in {self.backups_dir}: {error.strerror or error}"
                ) from None

    def backups(self) -> list[Path]:
        """Backups of this file, newest first."""
        if not self.backups_dir.is_dir():
            return []
        return sorted(self.backups_dir.glob(f"{self.path.stem}-*.json"), reverse=True)

    def _backup_locked(self, *, reason: str, only_if_changed: bool) -> Path | None:
        if not self.path.exists():
            return None
        payload = self.path.read_bytes()
        existing = self.backups()
        if only_if_changed and existing and existing[0].read_bytes() == payload:
            return existing[0]
        self.backups_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.backups_dir / f"{self.path.stem}-{stamp}-{reason}.json"
        atomic_write_bytes(target, payload)
        for old in self.backups()[BACKUPS_KEPT:]:
            old.unlink(missing_ok=True)
        return target

    def _corrupt_copy_name(self) -> Path:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        kept = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        counter = 2
        while kept.exists():
            kept = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{counter}")
            counter += 1
        return kept

    def _recover(self, error: CorruptFileError) -> None:
        for candidate in self.backups():
            try:
                parse_document(candidate.read_bytes(), candidate)
            except (StorageError, OSError):
                continue
            kept = self._corrupt_copy_name()
            shutil.copy2(self.path, kept)
            atomic_write_bytes(self.path, candidate.read_bytes())
            self.storage.reload()
            self.recovery_message = (
                f"{self.path.name} did not parse; it was kept as {kept.name} and the backup "
                f"{candidate.name} was restored"
            )
            return
        raise CorruptFileError(
            f"{error}; it is left untouched and there is no good backup to restore "
            f"(look in {self.backups_dir}, or move the file away to start afresh)"
        )
