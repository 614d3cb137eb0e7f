"""Crash-safe TinyDB storage with cross-process locking, in immutable chunks under a small manifest.

One :class:`~companion.datafile.DataFile` is one data file: a small JSON *manifest* (``user.json``) that names, for each
TinyDB table, the chunk files holding its rows (``user.d/notes.39.<token>.json``, 256 document ids
each), with the next document id and, per chunk, the index keys its rows carry (the people a note
is about, the days of the sessions in it). The rules (applied per chunk; ARCHITECTURE.md, Storage, says the same in short):

* chunk files are never changed once written: a save writes each changed chunk to a new file and
  fsyncs it and the folder, then writes the new manifest to a temp file, fsyncs it, ``os.replace``\\ s
  it over the old one and fsyncs the folder. The manifest replace is the commit: before it the old
  version is whole, after it the new one is. Chunks no manifest or backup names are removed after;
* a reader keeps the manifest and the chunks it has read in memory and re-reads the manifest when
  its version (inode, size, mtime, and a random token each save writes at the head) changes,
  keeping every chunk whose file name is unchanged; it reads only the chunks it needs (one
  person's notes, one day's sessions), so a lookup at 20,000 notes reads a few kilobytes;
* every read-modify-write runs inside :meth:`~companion.datafile.DataFile.transaction`, which holds a file lock and
  re-reads the manifest; document ids come from the manifest's next id, read inside the lock, so
  two processes never hand out the same id; the transaction is written once, at its end;
* a manifest that does not parse is copied aside and never overwritten; the newest good backup is
  restored in its place, or, with no backup, every command stops with one clear line. A backup is a
  copy of the manifest; the chunks it names are kept as long as the backup is;
* the file carries a schema version; older versions are migrated (schema 1 held every row in the
  one file, and is split into chunks by the first save), newer ones are refused.
"""

from __future__ import annotations

import errno
import os
from bisect import bisect_left
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import orjson

from companion.errors import CorruptFileError, StorageError

SCHEMA_VERSION = 2
"""The version of the layout this code writes (1: every row inline in one file; 2: manifest + chunks)."""

MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: lambda tables: tables}
"""``MIGRATIONS[n]`` turns the rows of schema ``n`` into those of schema ``n + 1`` (1 -> 2 moved rows
into chunks and changed no row)."""

CHUNK_ROWS = 256
"""Document ids per chunk: ids ``n * CHUNK_ROWS`` to ``(n + 1) * CHUNK_ROWS - 1`` live in chunk ``n``."""

BACKUPS_KEPT = 10
LOCK_TIMEOUT_SECONDS = 15.0
READ_RETRIES = 5

Stamp = tuple[int, int, int]
Indexer = Callable[[dict[str, Any]], Iterable[Any]]
"""A table's index: the keys a row is found by (``rows_with(table, key)``)."""
Summariser = Callable[[dict[str, Any]], "list[str]"]
"""A table's summary: the few texts a search needs of each row (always as many), kept in small
files beside the chunks, a column of text per summary field (reading them is two string copies)."""
Columns = tuple[list[str], list[list[str]]]
"""Summaries as (doc ids, one list per field)."""
StoredColumns = tuple[list[str], "list[list[str] | str]"]
"""One chunk's summaries as kept in memory: a column read from a file stays one newline-separated
text until it is asked for (a search rarely needs every field of every row)."""


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


def atomic_write_bytes(path: Path, payload: bytes, replaced_hook: Callable[[], None] | None = None) -> None:
    """Write ``payload`` to ``path`` so that the file is either the old or the new version, whole
    (``replaced_hook`` is called the moment the new version is in place, before the folder sync)."""
    import tempfile

    descriptor, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
        if replaced_hook is not None:
            replaced_hook()
    except BaseException:
        try:
            os.unlink(temp_name)
        except FileNotFoundError:
            pass
        raise
    fsync_folder(path.parent)


def _write_new_file(path: Path, payload: bytes) -> None:
    """Write a file that did not exist and fsync it (a chunk: nothing names it until the manifest does)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        raise


class Document:
    """A parsed data file: ``inline`` tables (schema 1, and what tests and tools may write) hold the
    rows themselves; a manifest names chunk files instead."""

    __slots__ = ("tables", "token", "chunked")

    def __init__(self, tables: dict[str, Any], token: str, chunked: bool) -> None:
        self.tables, self.token, self.chunked = tables, token, chunked

    def chunk_files(self) -> set[str]:
        if not self.chunked:
            return set()
        return {name for table in self.tables.values() for name in _table_files(table)}


def read_document(payload: bytes, path: Path) -> Document:
    """The manifest or inline tables in a data file's bytes, migrated to the current schema."""
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
    token = document.get("token")
    token = token if isinstance(token, str) else ""
    tables: dict[str, Any] = document["tables"]
    if document.get("layout") == "chunks":
        for name, table in tables.items():
            chunks = table.get("chunks") if isinstance(table, dict) else None
            summary = table.get("summary", "x.0.0.json") if isinstance(table, dict) else ""
            if not isinstance(chunks, dict) or not isinstance(table.get("next_id"), int) or not all(
                isinstance(n, str) and n.isdigit() and n.isascii()
                and isinstance(meta, dict) and isinstance(meta.get("file"), str) and _SAFE_FILE.fullmatch(meta["file"])
                and isinstance(meta.get("rows", 0), int)
                and isinstance(meta.get("keys", []), list)  # what is in it is checked when it is used
                for n, meta in chunks.items()
            ) or not isinstance(summary, str) or not _SAFE_FILE.fullmatch(summary):
                raise CorruptFileError(f"{path}: table {name!r} is not a valid list of chunks")
        return Document(tables, token, chunked=True)
    for version in range(schema, SCHEMA_VERSION):
        tables = MIGRATIONS[version](tables)
    return Document(tables, token, chunked=False)


def parse_document(payload: bytes, path: Path) -> tuple[dict[str, Any], str]:
    """The tables of a data file's bytes (a manifest's chunk lists, or inline rows) and its token."""
    document = read_document(payload, path)
    return document.tables, document.token


def load_tables(path: Path, folder: Path | None = None) -> dict[str, dict[str, Any]]:
    """Every row of a data file, chunks read in from ``folder`` (by default the file's own; a
    backup's chunks are the data file's), for tools such as ``companion doctor``."""
    document = read_document(path.read_bytes(), path)
    if not document.chunked:
        return document.tables
    folder = folder or chunk_folder(path)
    tables: dict[str, dict[str, Any]] = {}
    for name, table in document.tables.items():
        rows: dict[str, Any] = {}
        for meta in table["chunks"].values():
            rows.update(_read_chunk(folder / meta["file"], path))
        if table.get("summary"):
            _read_chunk(folder / table["summary"], path)  # it is there and parses
        tables[name] = rows
    return tables


def chunk_folder(path: Path) -> Path:
    return path.with_name(f"{path.stem}.d")


_SAFE_FILE = re.compile(r"[A-Za-z0-9_-]{1,40}\.[0-9]+\.[0-9a-f]+(-[0-9]+)?(\.sum)?\.json")


def _table_files(table: dict[str, Any]) -> list[str]:
    """The files a manifest's table names: its chunks, and the summary of them if it has one."""
    files = [meta["file"] for meta in table["chunks"].values()]
    return [*files, table["summary"]] if table.get("summary") else files


def _read_chunk(path: Path, manifest: Path) -> dict[str, Any]:
    payload = path.read_bytes()  # FileNotFoundError is the caller's to handle
    try:
        rows = orjson.loads(payload)
    except orjson.JSONDecodeError as error:
        raise CorruptFileError(f"{path} (a part of {manifest.name}) does not parse: {error}") from None
    if not isinstance(rows, dict):
        raise CorruptFileError(f"{path} (a part of {manifest.name}) is not an object of rows")
    return rows


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


def chunk_of(doc_id: Any) -> int:
    try:
        return int(doc_id) // CHUNK_ROWS
    except (TypeError, ValueError):
        return 0  # a foreign id in an inline file; the row's loader reports it


def _columns(rows: dict[str, Any], summarise: Summariser) -> Columns:
    ids = list(rows)
    made = [summarise(row) for row in rows.values()]
    width = len(made[0]) if made else 0
    return ids, [[_one_line(values[i]) for values in made] for i in range(width)]


def _one_line(text: str) -> str:
    """Summary columns are stored newline-separated: a value never holds one."""
    return text.replace("\n", " ") if "\n" in text else text


def _read_columns(data: Any) -> StoredColumns:
    if not isinstance(data, dict) or not isinstance(data.get("ids"), (list, str)) or not isinstance(data.get("columns"), list):
        raise CorruptFileError("a summary file is not ids and columns")
    ids = data["ids"].split("\n") if isinstance(data["ids"], str) and data["ids"] else data["ids"] or []  # doc ids, as text
    columns: list[list[str] | str] = [column if ids else [] for column in data["columns"]]
    if any(not isinstance(column, str) or column.count("\n") != len(ids) - 1 for column in columns if ids):
        raise CorruptFileError("a summary file's columns do not match its ids")
    return ids, columns


def _column(sums: StoredColumns, field: int) -> list[str]:
    """One field of a chunk's summaries, split into lines the first time it is asked for."""
    column = sums[1][field]
    if isinstance(column, str):
        column = sums[1][field] = column.split("\n")
    return column


def _split(sums: StoredColumns) -> Columns:
    return sums[0], [_column(sums, field) for field in range(len(sums[1]))]


_UNUSABLE: set[Any] = set()
"""The key set of a chunk whose stored index is damaged: its rows are read and filtered instead."""


def _keyset(keys: list[Any]) -> set[Any]:
    try:
        return set(keys)
    except TypeError:
        return _UNUSABLE


class SnapshotMoved(Exception):
    """A chunk of the version pinned by :meth:`ChunkedStorage.pin` is gone (a writer replaced the
    file and removed it since): whoever pinned it reads everything again."""


class _Stale(Exception):
    """A chunk named by the manifest this process read is gone: a writer has replaced it since
    (or, when it stays gone after the manifest is read again, it is missing)."""


class TableState:
    """One table: its chunks as the manifest lists them, those read so far, those changed."""

    __slots__ = ("meta", "loaded", "dirty", "next_id", "merged", "keysets", "sums", "summary", "saved_sums")

    def __init__(self, meta: dict[int, dict[str, Any]] | None = None, next_id: int = 1) -> None:
        self.meta: dict[int, dict[str, Any]] = meta or {}
        self.loaded: dict[int, dict[str, Any]] = {}
        self.dirty: set[int] = set()
        self.next_id = next_id
        self.merged: dict[str, Any] | None = None
        self.keysets: dict[int, set[Any]] = {}
        self.sums: dict[int, StoredColumns] = {}
        self.summary: str | None = None
        """The file holding every chunk's summary (a table with a summariser)."""
        self.saved_sums: dict[int, StoredColumns] = {}
        """The summaries, as saved, of chunks changed in this transaction (to tell whether a
        summary changed without reading the summary file)."""

    def chunk_numbers(self) -> list[int]:
        return sorted(set(self.meta) | set(self.loaded))


class ChunkedStorage:
    """TinyDB storage (see companion.tables) over a manifest and chunk files; see the module docstring.

    Reading needs no TinyDB: a lookup imports only this module."""

    def __init__(
        self, path: str, indexes: dict[str, Indexer] | None = None, summaries: dict[str, Summariser] | None = None
    ) -> None:
        self.path = Path(path)
        self.folder = chunk_folder(self.path)
        self.indexes = indexes or {}
        self.summarisers = summaries or {}
        self.backups_dir: Path | None = None
        self.backup_stem = self.path.stem
        self._tables: dict[str, TableState] | None = None
        self._version: Version | None = None
        self._inline = False
        """The file read holds rows inline (schema 1): the next save writes every chunk."""
        self._in_transaction = False
        self._dirty = False
        self._broken = False
        self._protected: tuple[tuple[str, ...], set[str]] | None = None
        self._summary_cache: tuple[str, dict[str, Any]] | None = None
        self._widths: dict[str, int] = {}
        self.thread_lock = threading.RLock()
        """Held by a transaction and by every read: one thread at a time sees the tables."""
        self._pinned = 0
        """While above zero, reads keep to the version of the file read when it was pinned."""

    # Reading -------------------------------------------------------------------------------

    def read(self) -> dict[str, TableState] | None:
        return self._state()

    def _state(self) -> dict[str, TableState]:
        if self._tables is None or (
            not self._in_transaction and not self._pinned and file_version(self.path) != self._version
        ):
            self.reload()
        assert self._tables is not None
        return self._tables

    def pin(self) -> None:
        """Keep every read to the newest version now on disk until :meth:`unpin`: several reads
        then give one consistent picture (a read that finds a chunk of it gone raises SnapshotMoved)."""
        with self.thread_lock:
            self._state()
            self._pinned += 1

    def unpin(self) -> None:
        with self.thread_lock:
            self._pinned -= 1

    def reload(self) -> None:
        """Read the manifest from disk (an absent file is empty), keeping chunks read before that it still names."""
        try:
            with open(self.path, "rb") as handle:
                status = os.fstat(handle.fileno())
                payload = handle.read()
        except FileNotFoundError:
            self._tables, self._version, self._inline = {}, None, False
            return
        except OSError as error:
            raise StorageError(f"cannot read {self.path}: {error.strerror or error}") from None
        document = read_document(payload, self.path)
        old = self._tables or {}
        tables: dict[str, TableState] = {}
        if document.chunked:
            for name, raw in document.tables.items():
                state = TableState({int(n): meta for n, meta in raw["chunks"].items()}, raw["next_id"])
                state.summary = raw.get("summary")
                before = old.get(name)
                if before is not None and not before.dirty:
                    for n, meta in state.meta.items():
                        if before.meta.get(n, {}).get("file") == meta["file"]:
                            if n in before.loaded:
                                state.loaded[n] = before.loaded[n]
                            if n in before.sums:
                                state.sums[n] = before.sums[n]
                tables[name] = state
        else:
            for name, rows in document.tables.items():
                state = TableState()
                if isinstance(rows, dict):
                    for doc_id, row in rows.items():
                        state.loaded.setdefault(chunk_of(doc_id), {})[doc_id] = row
                    ids = [int(i) for i in rows if isinstance(i, str) and i.isdigit()]
                    state.next_id = max(ids, default=0) + 1
                tables[name] = state
        self._tables, self._inline = tables, not document.chunked
        self._version = ((status.st_ino, status.st_size, status.st_mtime_ns), document.token)

    def chunk(self, name: str, state: TableState, n: int) -> dict[str, Any]:
        rows = state.loaded.get(n)
        if rows is None:
            meta = state.meta.get(n)
            if meta is None:
                rows = {}
            else:
                path = self.folder / meta["file"]
                try:
                    rows = _read_chunk(path, self.path)
                except FileNotFoundError:
                    if self._in_transaction:
                        raise CorruptFileError(
                            f"{path} is missing: {self.path.name} names it (look in the backups folder)"
                        ) from None
                    raise _Stale(path) from None
                except OSError as error:
                    raise StorageError(f"cannot read {path}: {error.strerror or error}") from None
            state.loaded[n] = rows
        return rows

    def _reading(self, read: Callable[[dict[str, TableState]], Any]) -> Any:
        # A thread reads when no other thread is inside a transaction (the app saves from workers).
        with self.thread_lock:
            missing = None
            for _attempt in range(READ_RETRIES):
                try:
                    return read(self._state())
                except _Stale as stale:
                    if self._pinned:
                        if file_version(self.path) == self._version:  # not replaced: the chunk is missing
                            raise CorruptFileError(
                                f"{stale.args[0]} is missing: {self.path.name} names it (companion doctor says more)"
                            ) from None
                        raise SnapshotMoved(str(stale.args[0]) if stale.args else "") from None
                    self._version = None  # another process saved since the manifest was read: read it again
                    missing = stale.args[0] if stale.args else None
        if missing is not None and file_version(self.path) is not None:
            raise CorruptFileError(f"{missing} is missing: {self.path.name} names it (companion doctor says more)")
        raise StorageError(f"{self.path} keeps changing while it is read; try again")

    def rows(self, name: str) -> dict[str, Any]:
        """Every row of a table (doc id as text -> row); callers do not change what they get."""
        def read(tables: dict[str, TableState]) -> dict[str, Any]:
            state = tables.get(name)
            if state is None:
                return {}
            if state.merged is None:
                merged: dict[str, Any] = {}
                for n in state.chunk_numbers():
                    merged.update(self.chunk(name, state, n))
                state.merged = merged
            return state.merged
        return self._reading(read)

    def row(self, name: str, doc_id: int) -> dict[str, Any] | None:
        def read(tables: dict[str, TableState]) -> dict[str, Any] | None:
            state = tables.get(name)
            return None if state is None else self.chunk(name, state, chunk_of(doc_id)).get(str(doc_id))
        return self._reading(read)

    def summaries(self, name: str, fields: Iterable[int] | None = None) -> Columns:
        """Every row's summary as (doc ids, a list per summary field, or per field in ``fields``),
        read from the small summary files rather than the rows where those are not read already."""
        def read(tables: dict[str, TableState]) -> Columns:
            state = tables.get(name)
            ids: list[str] = []
            columns: list[list[str]] = []
            if state is None:
                return ids, columns
            chosen = None if fields is None else list(fields)
            for n in state.chunk_numbers():
                sums = self._sums(name, state, n)
                if not sums[0]:
                    continue
                wanted = range(len(sums[1])) if chosen is None else chosen
                if not columns:
                    columns = [[] for _ in wanted]
                ids += sums[0]
                for column, field in zip(columns, wanted):
                    column += _column(sums, field)
            return ids, columns
        return self._reading(read)

    def summary_of(self, name: str, doc_id: Any) -> list[str] | None:
        """One row's summary fields (``None`` if there is no such row), reading only its chunk's."""
        def read(tables: dict[str, TableState]) -> list[str] | None:
            state = tables.get(name)
            n = chunk_of(doc_id)
            if state is None or n not in state.chunk_numbers():
                return None
            sums = self._sums(name, state, n)
            try:
                position = sums[0].index(str(doc_id))
            except ValueError:
                return None
            return [_column(sums, field)[position] for field in range(len(sums[1]))]
        return self._reading(read)

    def _sums(self, name: str, state: TableState, n: int) -> StoredColumns:
        """Chunk ``n``'s summaries: from memory, else the summary file, else its rows."""
        sums = state.sums.get(n)
        if sums is None:
            self._load_summaries(name, state)
            sums = state.sums.get(n)
        if sums is None:
            ids, columns = _columns(self.chunk(name, state, n), self.summarisers[name])
            sums = state.sums[n] = (ids, list(columns))
        return sums

    def _load_summaries(self, name: str, state: TableState) -> None:
        """Read the table's summary file for the saved chunks whose summaries are not in memory (a
        chunk's summary written with another number of fields, by an older version, is made again
        from its rows)."""
        wanted = [n for n in state.meta if n not in state.sums and n not in state.loaded]
        if not wanted or not state.summary:
            return
        stored = self._stored_summaries(state)
        for n in wanted:
            if str(n) in stored:
                sums = _read_columns(stored[str(n)])
                if len(sums[1]) != self._summary_width(name):
                    ids, columns = _columns(self.chunk(name, state, n), self.summarisers[name])
                    sums = (ids, list(columns))
                state.sums[n] = sums

    def _summary_width(self, name: str) -> int:
        """How many fields the table's summariser gives (the same for every row)."""
        width = self._widths.get(name)
        if width is None:
            width = self._widths[name] = len(self.summarisers[name]({}))
        return width

    def summary_version(self, name: str) -> str | None:
        """A name for the table's summaries as saved: the same name, the same summaries (a save that
        changes a summary writes a new summary file). ``None`` when the saved file holds no summary file."""
        def read(tables: dict[str, TableState]) -> str | None:
            state = tables.get(name)
            return None if state is None or self._inline or state.dirty else state.summary
        return self._reading(read)

    def _read_part(self, path: Path) -> dict[str, Any]:
        try:
            return _read_chunk(path, self.path)
        except FileNotFoundError:
            if self._in_transaction:
                raise CorruptFileError(f"{path} is missing: {self.path.name} names it") from None
            raise _Stale(path) from None
        except OSError as error:
            raise StorageError(f"cannot read {path}: {error.strerror or error}") from None

    def rows_with(self, name: str, *wanted: Any) -> dict[str, Any]:
        """The rows of the chunks whose index has any of the keys ``wanted`` (a superset of the rows that have them)."""
        def read(tables: dict[str, TableState]) -> dict[str, Any]:
            state = tables.get(name)
            if state is None:
                return {}
            found: dict[str, Any] = {}
            for n in state.chunk_numbers():
                meta = state.meta.get(n)
                if meta is None or "keys" not in meta or n in state.dirty:
                    found.update(self.chunk(name, state, n))  # not indexed, or changed since it was
                    continue
                keys = state.keysets.get(n)
                if keys is None:
                    keys = state.keysets[n] = _keyset(meta["keys"])
                if keys is _UNUSABLE or not keys.isdisjoint(wanted):
                    found.update(self.chunk(name, state, n))
            return found
        return self._reading(read)

    def index_keys(self, name: str, prefix: str = "") -> set[Any]:
        """Every index key of a table (those that are text starting with ``prefix``)."""
        def read(tables: dict[str, TableState]) -> set[Any]:
            state = tables.get(name)
            keys: set[Any] = set()
            indexer = self.indexes.get(name)
            if state is None or indexer is None:
                return keys
            end = prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else ""
            for n in state.chunk_numbers():
                meta = state.meta.get(n)
                if n in state.loaded or meta is None or "keys" not in meta:
                    found = {key for row in self.chunk(name, state, n).values() for key in indexer(row)}
                    keys.update(k for k in found if isinstance(k, str) and k.startswith(prefix)) if prefix else keys.update(found)
                    continue
                stored = meta["keys"]
                try:
                    if prefix and stored and all(isinstance(k, str) for k in (stored[0], stored[-1])):
                        # Stored sorted (numbers first): the keys with the prefix are one slice.
                        keys.update(stored[bisect_left(stored, prefix):bisect_left(stored, end)])
                    elif prefix:
                        keys.update(k for k in stored if isinstance(k, str) and k.startswith(prefix))
                    else:
                        keys.update(stored)
                except TypeError:  # a damaged index: the rows themselves say
                    found = {key for row in self.chunk(name, state, n).values() for key in indexer(row)}
                    keys.update(k for k in found if isinstance(k, str) and k.startswith(prefix)) if prefix else keys.update(found)
            return keys
        return self._reading(read)

    # Writing (inside DataFile.transaction) ----------------------------------------------------

    def state_for_write(self, name: str) -> TableState:
        if not self._in_transaction:
            raise RuntimeError("a write outside DataFile.transaction() would bypass the lock")
        tables = self._state()
        state = tables.get(name)
        if state is None:
            state = tables[name] = TableState()
        return state

    def changed(self, name: str) -> None:
        state = self.state_for_write(name)
        state.merged = None
        for n in state.dirty:
            sums = state.sums.pop(n, None)
            if sums is not None and n in state.meta and n not in state.saved_sums:
                state.saved_sums[n] = sums
        self._dirty = True

    def take_id(self, name: str) -> int:
        state = self.state_for_write(name)
        doc_id = state.next_id
        state.next_id += 1
        return doc_id

    def write(self, data: Any) -> None:
        # TinyDB calls this only to drop tables; companion never does.
        raise RuntimeError("companion's tables are written through their Table objects")

    def begin(self) -> None:
        if self._tables is None or file_version(self.path) != self._version:
            self.reload()
        self._in_transaction = True
        self._dirty = False
        self._broken = False

    def commit(self) -> None:
        if self._broken:
            self.rollback()
            raise StorageError(f"a change to {self.path} failed halfway; nothing of it was saved")
        try:
            if self._dirty and self._tables is not None:
                self._save()
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
        except BaseException:
            self.rollback()
            raise
        self._in_transaction = False
        self._dirty = False

    def has_changes(self) -> bool:
        """Whether the transaction under way will write when it commits."""
        return self._dirty and not self._broken and self._tables is not None

    def change_failed(self) -> None:
        """A change raised halfway (TinyDB writes nothing then): the transaction will save nothing."""
        self._broken = True

    def rollback(self) -> None:
        """Forget in-memory changes; the next read comes from the files."""
        self._tables = None
        self._version = None
        self._in_transaction = False
        self._dirty = False
        self._broken = False

    def _save(self) -> None:
        assert self._tables is not None
        token = os.urandom(8).hex()
        written: list[Path] = []
        replaced: list[str] = []
        staged: dict[str, dict[int, dict[str, Any]]] = {}
        summaries: dict[str, tuple[str | None, dict[int, Columns]]] = {}
        committed: list[bool] = []
        try:
            for name, state in self._tables.items():
                numbers = set(state.loaded) if self._inline else state.dirty
                meta = dict(state.meta)
                for n in sorted(numbers):
                    rows = state.loaded.get(n) or {}
                    if n in meta:
                        replaced.append(meta.pop(n)["file"])
                    if not rows:
                        continue
                    if not written:
                        self.folder.mkdir(exist_ok=True)
                    path = self._new_chunk_path(name, n, token)
                    _write_new_file(path, orjson.dumps(rows))
                    written.append(path)
                    entry: dict[str, Any] = {"file": path.name, "rows": len(rows)}
                    indexer = self.indexes.get(name)
                    if indexer is not None:
                        entry["keys"] = sorted({key for row in rows.values() for key in indexer(row)}, key=_key_order)
                    meta[n] = entry
                staged[name] = meta
                summary = self._stage_summary(name, state, numbers, meta, token, written)
                if summary is not None:
                    summaries[name] = summary
            if written:
                try:
                    fsync_folder(self.folder)
                except FolderSyncError as error:  # nothing is saved yet: an ordinary failure
                    raise OSError(error.errno, error.strerror) from None
            tables: dict[str, Any] = {}
            for name, meta in staged.items():
                if not meta and self._tables[name].next_id <= 1:
                    continue
                tables[name] = {"next_id": self._tables[name].next_id,
                                "chunks": {str(n): entry for n, entry in sorted(meta.items())}}
                summary_file = summaries[name][0] if name in summaries else self._tables[name].summary
                if summary_file and meta:
                    tables[name]["summary"] = summary_file
            manifest = {"schema": SCHEMA_VERSION, "token": token, "layout": "chunks", "tables": tables}
            atomic_write_bytes(self.path, orjson.dumps(manifest), replaced_hook=lambda: committed.append(True))
        except BaseException:
            if committed or self._on_disk_token() == token:
                # The manifest is in place (the folder sync failed, or an interrupt came after the rename): saved.
                self._after_save(staged, summaries, replaced)
                raise
            for path in written:
                try:
                    path.unlink()
                except OSError:
                    pass
            raise
        self._after_save(staged, summaries, replaced)

    def _on_disk_token(self) -> str | None:
        try:
            version = file_version(self.path)
        except OSError:
            return None
        return version[1] if version else None

    def _stage_summary(
        self, name: str, state: TableState, numbers: set[int], meta: dict[int, dict[str, Any]], token: str,
        written: list[Path],
    ) -> tuple[str | None, dict[int, Columns]] | None:
        """The table's summary file after this save: the old one when no summary changed (a note
        changes a person's last meeting, not what they are found by), else a new one, written."""
        summarise = self.summarisers.get(name)
        if summarise is None or not numbers:
            return None
        if not meta:
            return None, {}  # the table is empty now: no summary at all
        new = {n: _columns(state.loaded[n], summarise) for n in numbers if n in meta}
        saved = state.saved_sums
        if state.summary and not self._inline and all(n in saved for n in numbers) and all(
            new.get(n) == _split(saved[n]) for n in numbers
        ):
            return state.summary, new  # told by the summaries in memory: the file is not read
        stored = self._stored_summaries(state)
        if state.summary and not self._inline and all(
            new.get(n) == (_split(_read_columns(stored[str(n)])) if str(n) in stored else None) for n in numbers
        ):
            return state.summary, new
        payload: dict[str, Any] = {}
        width = self._summary_width(name)
        for n in sorted(meta):
            kept = stored.get(str(n))
            if n not in new and isinstance(kept, dict) and len(kept.get("columns") or ()) == width:
                payload[str(n)] = kept  # unchanged: the stored text as it is
                continue
            ids, columns = new[n] if n in new else _columns(self.chunk(name, state, n), summarise)
            payload[str(n)] = {"ids": "\n".join(ids), "columns": ["\n".join(column) for column in columns]}
        stem = re.sub(r"[^A-Za-z0-9_-]", "_", name)[:40] or "_"
        path = self.folder / f"{stem}.0.{token}.sum.json"
        self.folder.mkdir(exist_ok=True)
        _write_new_file(path, orjson.dumps(payload))
        written.append(path)
        return path.name, new

    def _stored_summaries(self, state: TableState) -> dict[str, Any]:
        """The table's summary file, parsed (kept by name: a file is never changed once written)."""
        if not state.summary:
            return {}
        if self._summary_cache is None or self._summary_cache[0] != state.summary:
            stored = self._read_part(self.folder / state.summary)
            self._summary_cache = (state.summary, stored)
        return self._summary_cache[1]

    def _after_save(
        self,
        staged: dict[str, dict[int, dict[str, Any]]],
        summaries: dict[str, tuple[str | None, dict[int, Columns]]],
        replaced: list[str],
    ) -> None:
        assert self._tables is not None
        for name, meta in staged.items():
            state = self._tables[name]
            state.meta = meta
            if name in summaries:
                old, (state.summary, sums) = state.summary, summaries[name]
                for n, (ids, columns) in sums.items():
                    stored: list[list[str] | str] = list(columns)  # a fresh chunk's columns are split already
                    state.sums[n] = (ids, stored)
                if old and old != state.summary:
                    replaced.append(old)
            if not meta:
                state.summary = None  # an empty table names no summary (the manifest leaves it out)
            state.dirty.clear()
            state.saved_sums.clear()
            state.keysets.clear()
            for n in [n for n in state.sums if n not in meta]:
                del state.sums[n]
            state.loaded = {n: rows for n, rows in state.loaded.items() if rows}
        self._inline = False
        try:
            self._version = file_version(self.path)
            self.remove_unused(replaced)
        except OSError:
            self._version = None  # saved; the next read looks at the file again, the next open cleans up

    def _new_chunk_path(self, name: str, n: int, token: str) -> Path:
        stem = re.sub(r"[^A-Za-z0-9_-]", "_", name)[:40] or "_"
        path = self.folder / f"{stem}.{n}.{token}.json"
        counter = 2
        while path.exists():
            path = self.folder / f"{stem}.{n}.{token}-{counter}.json"
            counter += 1
        return path

    # Chunks nobody needs any more (under the lock) ---------------------------------------------

    def backed_up(self) -> set[str] | None:
        """The files the backups name (None when a backup cannot be read: then nothing is removed)."""
        if self.backups_dir is None or not self.backups_dir.is_dir():
            return set()
        listing = tuple(sorted(p.name for p in self.backups_dir.glob(f"{self.backup_stem}-*.json")))
        if self._protected is None or self._protected[0] != listing:
            files: set[str] = set()
            for name in listing:
                try:
                    files |= read_document((self.backups_dir / name).read_bytes(), self.backups_dir / name).chunk_files()
                except CorruptFileError:
                    continue  # names nothing that can be restored
                except (StorageError, OSError):
                    return None  # cannot tell what it names: keep everything this time
            self._protected = (listing, files)
        return self._protected[1]

    def remove_unused(self, candidates: Iterable[str] | None = None) -> None:
        """Remove ``candidates`` (every file in the chunk folder if None) that nothing names."""
        if candidates is None:
            try:
                candidates = [entry.name for entry in os.scandir(self.folder)]
            except OSError:
                return
        current = {meta["file"] for state in (self._tables or {}).values() for meta in state.meta.values()}
        current |= {state.summary for state in (self._tables or {}).values() if state.summary}
        leftovers = [name for name in candidates if name not in current]
        if not leftovers:
            return
        backed_up = self.backed_up()
        if backed_up is None:
            return
        for name in leftovers:
            if name not in backed_up:
                try:
                    (self.folder / name).unlink()
                except OSError:
                    pass

    def close(self) -> None:
        pass


def _key_order(key: Any) -> tuple[str, str]:
    return (type(key).__name__, str(key))
