"""Everything companion keeps, as one JSON document (``companion export json FILE``).

The document is an object with these keys, in this order:

``format``
    Always ``"companion-export"``.
``version``
    The layout of this document, ``1``. A reader refuses versions it does not know.
``exported_at``
    When it was written, UTC ISO-8601.
``conferences``
    Imported conferences: ``id``, ``name``, ``timezone`` (IANA name), ``first_day`` and
    ``last_day`` (``YYYY-MM-DD`` or null), ``source`` (file or URL), ``format``, ``fetched_at``,
    ``etag``, ``last_modified``, ``options`` (how it was imported).
``sessions``
    Every session of those conferences: ``id`` (stable), ``conference`` (a conference ``id``),
    ``title``, ``start`` and ``end`` (UTC ISO-8601), ``room``, ``track``, ``type``, ``abstract``,
    ``url``, ``speakers`` (``[{"name", "source_id"}]``), ``status`` (scheduled, changed,
    cancelled), ``day`` (the conference day, or null), ``source_id``.
``stars``
    The starred session ids, sorted (a star may name a session no longer in the schedule).
``people``
    The people list: ``id``, ``name``, ``affiliation``, ``role``, ``email``, ``links``
    (``{kind: url}``), ``tags``, ``priority`` (must-meet, hope-to-meet, met), ``connections``
    (``[{"kind", "detail"}]``), ``notes``, ``last_interaction``.
``talking_points``
    One per person who has them: ``person_id`` (a person ``id``), ``work``, ``how``,
    ``question``, ``offer``, ``common``, ``updated``.
``notes``
    ``id``, ``text``, ``created``, ``person_ids``, ``session_id`` (or ""), ``conference`` (or ""),
    ``promises`` (``[{"person_id", "text"}]``: whom each promise is for; person 0 in older notes: every
    person of the note), ``intros`` (``[{"person_id", "other", "ask"}]``, ``ask``: other, person or both).
``followups``
    ``id``, ``kind`` (thank, promise, intro-ask, intro-ask-person, intro, nudge), ``title``, ``due``
    (``YYYY-MM-DD``), ``person_id``, ``note_id``, ``detail``, ``other``, ``status`` (open,
    waiting, done, dropped), ``uid`` (the calendar UID), ``sequence``, ``created``, ``updated``,
    ``consent`` (introductions: an ask's answer, yes or no; on an introduction, whose yes it has:
    other, person or both; else "").

Times are UTC ISO-8601 strings. Every string is stripped of control characters and escape
sequences (tab and newline are kept), so the file is safe to ``cat``.
Each data file is read at one version, so an import landing meanwhile gives the old schedule or the
new one, never half of each. The file is written atomically: it is the old version or the new one,
whole (companion.exporters.output says how links, special files and ``-`` are written).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from companion.errors import StorageError
from companion.exporters.output import check_target, write_output
from companion.models import to_utc_text
from companion.storage import READ_RETRIES, SnapshotMoved
from companion.text import clean

FORMAT = "companion-export"
VERSION = 1
SECTIONS = ("conferences", "sessions", "stars", "people", "talking_points", "notes", "followups")


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(key): _cleaned(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_cleaned(item) for item in value]
    return value


def export_document(store, *, now: datetime | None = None) -> dict[str, Any]:  # noqa: ANN001
    """The whole store as a plain dict in the documented layout: one version of each data file,
    also when an import or a save lands while it is read (it is then read again)."""
    now = now or datetime.now(timezone.utc)
    for _attempt in range(READ_RETRIES):
        try:
            with store.schedules.snapshot(), store.user.snapshot():
                return _document(store, now)
        except SnapshotMoved:
            continue
    raise StorageError(f"the data in {store.data_dir} kept changing while it was exported; try again")


def _document(store, now: datetime) -> dict[str, Any]:  # noqa: ANN001
    points = store.talking_points()
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": to_utc_text(now),
        "conferences": [c.to_dict() for c in store.conferences()],
        "sessions": [s.to_dict() for s in store.sessions()],
        "stars": sorted(store.starred_ids()),
        "people": [{"id": p.id, **p.to_dict()} for p in store.people()],
        "talking_points": [points[person_id].to_dict(verdict=False) for person_id in sorted(points)],
        "notes": [{"id": n.id, **n.to_dict()} for n in store.notes()],
        "followups": [{"id": f.id, **f.to_dict()} for f in sorted(store.followups(), key=lambda f: f.id)],
    }
    return _cleaned(document)


def export_json(path: Path | str, store, *, now: datetime | None = None) -> dict[str, int]:  # noqa: ANN001
    """Write the export to ``path`` (``-``: standard output), never into the store's data folder
    (see companion.exporters.output); returns how many of each section were written."""
    import orjson

    check_target(path, store.data_dir)
    document = export_document(store, now=now)
    write_output(path, orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n", data_dir=store.data_dir)
    return {section: len(document[section]) for section in SECTIONS}
