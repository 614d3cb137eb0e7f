"""One crash-safe data file: a :class:`~companion.storage.ChunkedStorage` with its cross-process
lock, transactions, backups and recovery from a damaged manifest (the rules are in
companion.storage's docstring). TinyDB (companion.tables) and filelock are imported only by
processes that write."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from companion.errors import CorruptFileError, StorageError
from companion.storage import (
    BACKUPS_KEPT,
    LOCK_TIMEOUT_SECONDS,
    ChunkedStorage,
    Columns,
    Indexer,
    Stamp,
    Summariser,
    atomic_write_bytes,
    chunk_folder,
    file_stamp,
    fsync_folder,
    read_document,
)

if TYPE_CHECKING:
    from tinydb.table import Table

    from companion.tables import CompanionDB

_BACKUP = re.compile(r"n([0-9]+)-([0-9]{8})-[A-Za-z0-9_-]*\.json")
"""A backup's name after ``<stem>-``: its counter, the day it was taken (local), why it was taken.
Names from before the counter (``20261206T101500123456Z-open.json``, by the UTC clock) sort first."""


def backup_order(stem: str, path: Path) -> tuple[int, int, str]:
    """Where a backup stands among those of its file, oldest first: by its counter, never by a clock."""
    rest = path.name[len(stem) + 1:]
    match = _BACKUP.fullmatch(rest)
    return (1, int(match.group(1)), "") if match else (0, 0, rest)


def backup_day(stem: str, path: Path) -> str:
    """The day (``YYYYMMDD``) a backup was taken, as its name says."""
    rest = path.name[len(stem) + 1:]
    match = _BACKUP.fullmatch(rest)
    return match.group(2) if match else rest[:8]


OWN_SAVES_KEPT = 32
"""How many of this process's saves a data file remembers (see DataFile.own_saves)."""


class DataFile:
    """One crash-safe data file (manifest and chunks) with its lock, backups and corruption handling."""

    def __init__(
        self,
        path: Path,
        backups_dir: Path,
        indexes: dict[str, Indexer] | None = None,
        summaries: dict[str, Summariser] | None = None,
    ) -> None:
        self.path = path
        self.backups_dir = backups_dir
        self._lock: Any = None
        self.storage = ChunkedStorage(str(path), indexes, summaries)
        self.storage.backups_dir = backups_dir
        self._db: CompanionDB | None = None
        self._thread_lock = self.storage.thread_lock
        self._depth = 0
        self.recovery_message: str | None = None
        """Set when the file did not parse on open and a backup was restored."""
        self.backup_warning: str | None = None
        """Set when the backup taken on open could not be written (the data itself is fine)."""
        self.own_saves: dict[Stamp | None, Stamp | None] = {}
        """This process's recent saves: the file's stamp just before each (taken inside the lock)
        -> its stamp just after, so that a watcher can tell its own saves from another process's."""
        self._backed_up_on: str | None = None
        """The day this process last made sure a backup of the day was taken before a change."""

    @property
    def db(self) -> CompanionDB:
        """The TinyDB database over this file (TinyDB is imported only by processes that write)."""
        if self._db is None:
            from companion.tables import CompanionDB

            self._db = CompanionDB(self.storage)
        return self._db

    def table(self, name: str) -> Table:
        return self.db.table(name)

    def rows(self, name: str) -> dict[str, Any]:
        """Every row of a table: doc id (text) -> row, read-only by convention."""
        return self.storage.rows(name)

    def row(self, name: str, doc_id: int) -> dict[str, Any] | None:
        return self.storage.row(name, doc_id)

    def rows_with(self, name: str, *keys: Any) -> dict[str, Any]:
        """At least the rows whose index (see ``indexes``) has one of ``keys``; filter them again."""
        return self.storage.rows_with(name, *keys)

    def summaries(self, name: str, fields: Iterable[int] | None = None) -> Columns:
        """(doc ids, one list per summary field, or per field in ``fields``) for every row of a
        table with a summariser."""
        return self.storage.summaries(name, fields)

    def summary_version(self, name: str) -> str | None:
        """The same text as long as the table's summaries are the same (``None``: cannot tell)."""
        return self.storage.summary_version(name)

    def summary_of(self, name: str, doc_id: Any) -> list[str] | None:
        """One row's summary fields, ``None`` if there is no such row."""
        return self.storage.summary_of(name, doc_id)

    def index_keys(self, name: str, prefix: str = "") -> set[Any]:
        return self.storage.index_keys(name, prefix)

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
        """Hold the lock, read the newest manifest, and write the changes once at the end."""
        with self._thread_lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.db
                finally:
                    self._depth -= 1
                return
            with self._locked():
                before = self._stamp()
                self.storage.begin()
                self._depth = 1
                try:
                    yield self.db
                except BaseException:
                    self.storage.rollback()
                    raise
                else:
                    if self.storage.has_changes():
                        self._backup_before_the_days_first_change()
                    self.storage.commit()
                    self._saved(before, self._stamp())
                finally:
                    self._depth = 0

    def _stamp(self) -> Stamp | None:
        try:
            return file_stamp(self.path)
        except OSError:
            return None

    def _saved(self, before: Stamp | None, after: Stamp | None) -> None:
        if before == after or after is None:
            return  # nothing written (or it cannot be seen: a watcher then reloads, which is safe)
        self.own_saves[before] = after
        if len(self.own_saves) > OWN_SAVES_KEPT:
            del self.own_saves[next(iter(self.own_saves))]

    def only_own_saves(self, seen: Stamp | None, now: Stamp | None) -> bool:
        """Whether the file went from stamp ``seen`` to ``now`` by this process's saves alone."""
        for _step in range(OWN_SAVES_KEPT + 1):
            if seen == now:
                return True
            after = self.own_saves.get(seen, self)  # one lookup: a worker's save may drop old entries meanwhile
            if after is self:
                return False
            seen = after  # type: ignore[assignment]
        return False

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every read inside sees one version of the file, the newest when it starts, also when
        another process saves meanwhile (a read then may raise ``storage.SnapshotMoved``: start
        again). No lock is taken, so a writer never waits for it; nothing may be written inside."""
        with self._thread_lock:
            self.storage.pin()
            try:
                yield
            finally:
                self.storage.unpin()

    def open(self, *, backup: bool, read_only: bool = False) -> None:
        """Clean stray temp files and unused chunks, check the manifest parses (restoring a backup if
        not), back it up.

        ``read_only`` opens without the lock when the manifest parses: a reader never waits for a
        writer (every save replaces the manifest whole and never changes a chunk), and the next
        writer cleans up.
        """
        if read_only and not backup:
            try:
                self.storage.reload()
                return
            except CorruptFileError:
                pass  # recovery needs the lock
        with self._locked():
            strays = [*self.path.parent.glob(f".{self.path.name}.*.tmp")]
            if self.backups_dir.is_dir():
                strays += self.backups_dir.glob(f".{self.path.stem}-*.json.*.tmp")
            for stray in strays:
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
            if self.path.exists():
                self.storage.remove_unused()  # chunks a save killed before its manifest was written
            else:
                self._keep_orphaned_folder()
            if backup:
                try:
                    self._backup_locked(reason="open", only_if_changed=True)
                except OSError as error:
                    self.backup_warning = (
                        f"could not back up {self.path.name} in {self.backups_dir}: {error.strerror or error}"
                    )

    def _keep_orphaned_folder(self) -> None:
        """Row files without a manifest (it was moved away, say to repair it by hand): nothing says
        what they are, so the folder is set aside whole, never cleaned, and the user is told."""
        folder = chunk_folder(self.path)
        try:
            if not folder.is_dir() or not any(folder.iterdir()):
                return
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            aside = folder.with_name(f"{folder.name}.kept-{stamp}")
            os.replace(folder, aside)
        except OSError:
            return
        self.recovery_message = (
            f"{self.path.name} is missing but {folder.name}/ held row files; they were kept in {aside.name}/ "
            f"(put {self.path.name} back beside a copy of them named {folder.name}/ to use them again)"
        )

    def _backup_before_the_days_first_change(self) -> None:
        """Inside a transaction about to write: back the file up if no backup was taken today (by
        any process; a command-line user gets one a day as the app's user does). A backup that
        cannot be written does not stop the change; ``backup_warning`` says so."""
        today = datetime.now().strftime("%Y%m%d")
        if self._backed_up_on == today:
            return
        self._backed_up_on = today
        newest = self.backups()[:1]
        if not self.path.exists() or (newest and backup_day(self.path.stem, newest[0]) == today):
            return
        try:
            self._backup_locked(reason="day", only_if_changed=True, reload=False)
        except OSError as error:
            self.backup_warning = f"could not back up {self.path.name} in {self.backups_dir}: {error.strerror or error}"

    def backup(self, reason: str) -> Path | None:
        """Back up the file (a copy of the manifest, which keeps its chunks) unless the newest
        backup holds it already; raises StorageError if that fails."""
        with self._locked():
            try:
                return self._backup_locked(reason=reason, only_if_changed=True)
            except OSError as error:
                raise StorageError(
                    f"cannot write a backup of {self.path.name} in {self.backups_dir}: {error.strerror or error}"
                ) from None

    def backups(self) -> list[Path]:
        """Backups of this file, newest first (by their counter: a clock set back changes nothing)."""
        if not self.backups_dir.is_dir():
            return []
        stem = self.path.stem
        return sorted(self.backups_dir.glob(f"{stem}-*.json"), key=lambda path: backup_order(stem, path), reverse=True)

    def _backup_locked(self, *, reason: str, only_if_changed: bool, reload: bool = True) -> Path | None:
        """Copy the manifest to ``<stem>-n<counter>-<day>-<reason>.json`` and drop the oldest beyond
        BACKUPS_KEPT. ``reload`` is False inside a transaction (the manifest read is the newest)."""
        if not self.path.exists():
            return None
        payload = self.path.read_bytes()
        existing = self.backups()
        if only_if_changed and existing and existing[0].read_bytes() == payload:
            return existing[0]
        self.backups_dir.mkdir(parents=True, exist_ok=True)
        stem = self.path.stem
        counter = max((backup_order(stem, path)[1] for path in existing), default=0) + 1
        day = datetime.now().strftime("%Y%m%d")
        target = self.backups_dir / f"{stem}-n{counter:08d}-{day}-{reason}.json"
        while target.exists():
            counter += 1
            target = self.backups_dir / f"{stem}-n{counter:08d}-{day}-{reason}.json"
        atomic_write_bytes(target, payload)
        dropped = self.backups()[BACKUPS_KEPT:]
        for old in dropped:
            old.unlink(missing_ok=True)
        if dropped:
            if reload:
                self.storage.reload()  # under the lock: the manifest on disk says what is in use
            self.storage.remove_unused()  # chunks only the dropped backups named
        return target

    def _corrupt_copy_name(self) -> Path:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        kept = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        counter = 2
        while kept.exists():
            kept = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{counter}")
            counter += 1
        return kept

    def _usable_backup(self, candidate: Path) -> bool:
        try:
            document = read_document(candidate.read_bytes(), candidate)
        except (StorageError, OSError):
            return False
        folder = chunk_folder(self.path)
        return all((folder / name).is_file() for name in document.chunk_files())

    def _keep_unnamed_chunks(self, kept: Path, restoring: Path) -> Path | None:
        """Move the row files neither the backup being restored nor another backup names (those of
        the saves since the backup, which the damaged manifest may name) into a folder beside the
        kept copy, where no clean-up removes them. Nothing is moved when a backup cannot be read."""
        folder = chunk_folder(self.path)
        backed_up = self.storage.backed_up()
        if backed_up is None:
            return None
        try:
            names = [entry.name for entry in os.scandir(folder)]
        except OSError:
            return None
        named = read_document(restoring.read_bytes(), restoring).chunk_files() | backed_up
        unnamed = [name for name in names if name not in named]
        if not unnamed:
            return None
        aside = kept.with_name(kept.name + ".d")
        aside.mkdir(exist_ok=True)
        for name in unnamed:
            os.replace(folder / name, aside / name)
        fsync_folder(aside)
        fsync_folder(folder)
        return aside

    def _recover(self, error: CorruptFileError) -> None:
        for candidate in self.backups():
            if not self._usable_backup(candidate):
                continue
            kept = self._corrupt_copy_name()
            import shutil

            shutil.copy2(self.path, kept)
            aside = self._keep_unnamed_chunks(kept, candidate)
            atomic_write_bytes(self.path, candidate.read_bytes())
            self.storage.reload()
            self.recovery_message = (
                f"{self.path.name} did not parse; it was kept as {kept.name}"
                + (f" (with the row files it may name, in {aside.name})" if aside else "")
                + f" and the backup {candidate.name} was restored"
            )
            return
        raise CorruptFileError(
            f"{error}; it is left untouched and there is no good backup to restore "
            f"(look in {self.backups_dir}, or move the file away to start afresh)"
        )
