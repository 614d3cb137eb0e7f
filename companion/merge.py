"""A three-way merge of one stored row, field by field: what a save does when the record changed on
disk since it was read for editing (another companion process, or the app's own other screen).

- *base*: the row as the screen or command read it before the edit;
- *mine*: the row as edited;
- *theirs*: the row as it is on disk now, read inside the lock.

A field the edit left alone takes theirs; a field only the edit changed takes mine; a field both
sides changed the same way takes that. When both changed one field differently, nothing is dropped,
by the field's rule:

- ``TEXT``: both texts, mine first, theirs after a clear mark (a conflict the user is told about);
  when one side emptied it, the other side's text;
- ``SET``: a list without order that matters (tags, connections): my additions and removals
  applied to theirs;
- ``MAP``: merged key by key (links), each value as a ``TEXT``;
- ``LATEST``: the later of two ISO times (the last interaction);
- ``MINE``: the edit's value, the user's last word (a priority); a conflict the user is told about.

Rows are compared as stored (``to_dict``), so this works on plain JSON values and knows no record.
"""

from __future__ import annotations

from typing import Any

TEXT = "text"
SET = "set"
MAP = "map"
LATEST = "latest"
MINE = "mine"

BOTH_MARK = " [also, saved elsewhere meanwhile: {theirs}]"
"""How a text both sides changed keeps the other side's words, after the user's own."""

PERSON_RULES: dict[str, str] = {
    "name": TEXT,
    "affiliation": TEXT,
    "role": TEXT,
    "email": TEXT,
    "links": MAP,
    "tags": SET,
    "priority": MINE,
    "connections": SET,
    "notes": TEXT,
    "last_interaction": LATEST,
}
"""How each stored field of a person merges (companion.models.Person.to_dict)."""

POINT_RULES: dict[str, str] = {key: TEXT for key in ("work", "how", "question", "offer", "common")}
"""The answers of a talking point; its time and the coach's verdict are made again by the save."""

NOTE_RULES: dict[str, str] = {"text": TEXT}


class Merged:
    """The merged row, and the fields both sides changed differently (the user is told)."""

    __slots__ = ("row", "conflicts")

    def __init__(self, row: dict[str, Any], conflicts: list[str]) -> None:
        self.row = row
        self.conflicts = conflicts


def merge_rows(
    base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any], rules: dict[str, str]
) -> Merged:
    """``theirs`` with the fields in ``rules`` that the edit (``base`` -> ``mine``) changed; fields
    not in ``rules`` are theirs."""
    row = dict(theirs)
    conflicts: list[str] = []
    for field, rule in rules.items():
        was, edited, now = base.get(field), mine.get(field), theirs.get(field)
        if edited == was or edited == now:
            continue  # the edit left it alone, or both made the same change: theirs
        if now == was:
            row[field] = edited  # only the edit changed it
            continue
        value, conflict = merge_field(rule, was, edited, now)
        row[field] = value
        if conflict:
            conflicts.append(field)
    return Merged(row, conflicts)


def merge_field(rule: str, base: Any, mine: Any, theirs: Any) -> tuple[Any, bool]:  # noqa: ANN401 - JSON values
    """One field both sides changed differently: (the merged value, whether the user should be told)."""
    if rule == SET:
        return merge_set(base or [], mine or [], theirs or []), False
    if rule == MAP:
        return merge_map(base or {}, mine or {}, theirs or {})
    if rule == LATEST:
        return max((v for v in (mine, theirs) if v), default=None, key=str), False
    if rule == TEXT:
        return merge_text(mine, theirs)
    return mine, True


def merge_text(mine: Any, theirs: Any) -> tuple[Any, bool]:  # noqa: ANN401
    """Both texts, unless one side emptied it (then the other's) or one already holds the other."""
    if _empty(mine):
        return theirs, False
    if _empty(theirs):
        return mine, False
    if not isinstance(mine, str) or not isinstance(theirs, str):
        return mine, True
    if theirs in mine:
        return mine, False
    if mine in theirs:
        return theirs, False
    return mine + BOTH_MARK.format(theirs=theirs), True


def _empty(value: Any) -> bool:  # noqa: ANN401
    return value is None or (isinstance(value, str) and not value.strip())


def merge_set(base: list[Any], mine: list[Any], theirs: list[Any]) -> list[Any]:
    """Theirs, less what the edit removed, plus what it added (text compared ignoring case)."""
    removed = [item for item in base if not _holds(mine, item)]
    added = [item for item in mine if not _holds(base, item)]
    merged = [item for item in theirs if not _holds(removed, item)]
    merged += [item for item in added if not _holds(merged, item)]
    return merged


def merge_map(base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    merged = merge_rows(base, mine, theirs, {key: TEXT for key in {*base, *mine, *theirs}})
    row = {key: value for key, value in merged.row.items() if value}
    return row, bool(merged.conflicts)


def _holds(items: list[Any], item: Any) -> bool:  # noqa: ANN401
    key = _fold(item)
    return any(_fold(other) == key for other in items)


def _fold(item: Any) -> Any:  # noqa: ANN401
    if isinstance(item, str):
        return item.casefold()
    if isinstance(item, dict):
        return tuple(sorted((k, _fold(v)) for k, v in item.items()))
    return item
