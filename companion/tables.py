"""TinyDB tables over :class:`companion.storage.ChunkedStorage`: reads and writes touch only the
chunks they need. Imported only by processes that write (a lookup reads through the storage alone)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document, Table

from companion.storage import ChunkedStorage, chunk_of


class _WriteView(MutableMapping):
    """A table's rows by integer id, for TinyDB's update functions: chunks are read as ids are
    touched, and a chunk is marked changed when a row in it is set, removed or handed out."""

    def __init__(self, storage: ChunkedStorage, name: str) -> None:
        self.storage, self.name = storage, name
        self.state = storage.state_for_write(name)

    def _rows(self, doc_id: int) -> tuple[int, dict[str, Any]]:
        n = chunk_of(doc_id)
        return n, self.storage.chunk(self.name, self.state, n)

    def __getitem__(self, doc_id: int) -> dict[str, Any]:
        n, rows = self._rows(doc_id)
        row = rows[str(doc_id)]
        self.state.dirty.add(n)  # TinyDB updates rows in place
        return row

    def __setitem__(self, doc_id: int, row: dict[str, Any]) -> None:
        n, rows = self._rows(doc_id)
        rows[str(doc_id)] = row
        self.state.dirty.add(n)
        self.state.next_id = max(self.state.next_id, int(doc_id) + 1)

    def __delitem__(self, doc_id: int) -> None:
        n, rows = self._rows(doc_id)
        del rows[str(doc_id)]
        self.state.dirty.add(n)

    def __contains__(self, doc_id: object) -> bool:
        return str(doc_id) in self._rows(doc_id)[1]  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[int]:
        for n in self.state.chunk_numbers():
            yield from [int(doc_id) for doc_id in self.storage.chunk(self.name, self.state, n)]

    def __len__(self) -> int:
        return sum(len(self.storage.chunk(self.name, self.state, n)) for n in self.state.chunk_numbers())

    def clear(self) -> None:
        for n in self.state.chunk_numbers():
            self.state.loaded[n] = {}
            self.state.dirty.add(n)


class ChunkedTable(Table):
    """A TinyDB table over :class:`ChunkedStorage`: reads and writes touch only the chunks they need,
    ids come from the manifest, and there is no query cache (other processes' writes would make it stale)."""

    default_query_cache_capacity = 0
    _storage: ChunkedStorage  # type: ignore[assignment]  # TinyDB says Storage; ours is this one

    def _read_table(self) -> dict[str, Any]:
        return self._storage.rows(self.name)

    def __init__(self, storage: ChunkedStorage, name: str, cache_size: int = 0) -> None:
        # No query cache: TinyDB's default argument is fixed at 10 whatever the class attribute says.
        super().__init__(storage, name, cache_size=0)  # type: ignore[arg-type]

    def _update_table(self, updater: Callable[[dict[int, Any]], None]) -> None:
        try:
            updater(_WriteView(self._storage, self.name))  # type: ignore[arg-type]
        except BaseException:
            self._storage.change_failed()  # TinyDB writes nothing when an update raises: neither do we
            raise
        finally:
            self._storage.changed(self.name)
            self.clear_cache()

    def _get_next_id(self) -> int:
        return self._storage.take_id(self.name)

    def get(self, cond: Any = None, doc_id: Any = None, doc_ids: Any = None) -> Any:  # noqa: ANN401
        if doc_id is not None and cond is None and doc_ids is None:
            row = self._storage.row(self.name, doc_id)
            return None if row is None else Document(row, doc_id)
        return super().get(cond, doc_id, doc_ids)


class CompanionDB(TinyDB):
    """TinyDB over an open :class:`~companion.storage.ChunkedStorage` (TinyDB would make its own)."""

    table_class = ChunkedTable  # type: ignore[assignment]  # TinyDB's stubs say type[Table]

    def __init__(self, storage: ChunkedStorage) -> None:
        super().__init__(storage=lambda: storage)
