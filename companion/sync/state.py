"""What companion knows about the user's DAV server, kept in ``sync.json`` in the data folder.

It is a :class:`~companion.datafile.DataFile` like ``user.json`` (chunks, atomic manifest, lock,
backups): the set-up (server, user, the three collections, the vCard version, the password
*command*: never a password), the sync token per collection, and one row per item the server has:
its key (kind and UID), the local record it mirrors, the server's href and ETag, a digest of what was
sent (an item whose digest differs from the local record's now is *waiting*: the queue of changes
is derived, so it survives a crash by construction), the fields as last agreed with the server (the
base of a three-way merge), and ``gone`` when the server deleted it (never silently re-created).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from companion.datafile import DataFile
from companion.errors import CompanionError

SYNC_FILE = "sync.json"
CONFIG_ID = 1


class NotSetUp(CompanionError):
    pass


class SyncState:
    """The sync file: set-up, tokens and the items the server has."""

    def __init__(self, data_dir: Path, *, read_only: bool = False) -> None:
        self.data_file = DataFile(data_dir / SYNC_FILE, data_dir / "backups")
        self.data_file.open(backup=False, read_only=read_only)
        self._pending: dict[str, dict[str, Any]] = {}

    # Set-up and tokens -----------------------------------------------------------------------

    def config(self) -> dict[str, Any]:
        return dict(self.data_file.row("config", CONFIG_ID) or {})

    def require_config(self) -> dict[str, Any]:
        config = self.config()
        if not config.get("collections"):
            raise NotSetUp("sync is not set up: run 'companion sync setup URL --user NAME' first")
        return config

    def save_config(self, config: dict[str, Any]) -> None:
        from tinydb.table import Document

        with self.data_file.transaction() as db:
            table = db.table("config")
            table.remove(doc_ids=[CONFIG_ID]) if table.get(doc_id=CONFIG_ID) is not None else None
            table.insert(Document(config, doc_id=CONFIG_ID))

    def set_config_fields(self, **fields: Any) -> None:
        with self.data_file.transaction() as db:
            table = db.table("config")
            if table.get(doc_id=CONFIG_ID) is None:
                raise NotSetUp("sync is not set up")
            table.update(fields, doc_ids=[CONFIG_ID])

    def token(self, collection: str) -> str:
        return str(self.config().get("tokens", {}).get(collection, ""))

    def set_token(self, collection: str, token: str) -> None:
        with self.data_file.transaction() as db:
            table = db.table("config")
            row = table.get(doc_id=CONFIG_ID)
            if row is None:
                return
            tokens = dict(row.get("tokens") or {})
            tokens[collection] = token
            table.update({"tokens": tokens}, doc_ids=[CONFIG_ID])

    # Items -----------------------------------------------------------------------------------

    def items(self) -> dict[str, dict[str, Any]]:
        """key -> row (with ``_id``, its document id), including rows recorded but not yet flushed."""
        rows = {}
        for doc_id, row in self.data_file.rows("items").items():
            rows[row["key"]] = {**row, "_id": int(doc_id)}
        for key, row in self._pending.items():
            rows[key] = {**rows.get(key, {}), **row}
        return rows

    def record(self, key: str, **fields: Any) -> None:
        """Remember what the server has for ``key`` (written at the next :meth:`flush`)."""
        self._pending.setdefault(key, {"key": key}).update(fields)

    def forget(self, key: str) -> None:
        self._pending[key] = {"key": key, "_forget": True}

    def flush(self) -> None:
        """Write what was recorded, in one transaction (the sync calls it every few items and at the end)."""
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        with self.data_file.transaction() as db:
            table = db.table("items")
            by_key = {row["key"]: int(doc_id) for doc_id, row in self.data_file.rows("items").items()}
            new = []
            for key, fields in pending.items():
                doc_id = by_key.get(key)
                if fields.get("_forget"):
                    if doc_id is not None:
                        table.remove(doc_ids=[doc_id])
                    continue
                if doc_id is None:
                    new.append(fields)
                else:
                    table.update(fields, doc_ids=[doc_id])
            if new:
                table.insert_multiple(new)

    def forget_everything(self) -> None:
        """Drop the items and tokens (a new set-up, pointing at other collections)."""
        self._pending = {}
        with self.data_file.transaction() as db:
            db.table("items").truncate()
