"""Their public work as kept: the posts, repositories and toots `companion research` found for a
person (DESIGN section 12), how old what is kept is, and the answer an item gives to "which part
of their work helped you". The fetching is in :mod:`companion.research`; the rows live in the
schedules file (they can be fetched again), one per person and source."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from companion.models import FrozenRecord, Record
from companion.text import clean, cut

SOURCES = ("blog", "website", "github", "mastodon")
"""Where their work is fetched from, in the order shown; the link kind of the same name gives each."""
KINDS = {"blog": "post", "website": "post", "github": "repository", "mastodon": "post", "talk": "talk"}
"""What one item of a source is called in an answer ("Your post ...")."""
TITLE_CHARACTERS = 160
SUMMARY_CHARACTERS = 200
LINK_CHARACTERS = 400


def one_line(value: object, limit: int) -> str:
    """Untrusted text (a feed title, a description) as one clean line of at most ``limit`` characters."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    return cut(clean(cut(text, limit * 4), single_line=True), limit)


def web_link(value: object) -> str:
    """An http(s) link from a feed or an API, clean and bounded; "" for anything else (javascript:, data:)."""
    text = one_line(value, LINK_CHARACTERS)
    if not text.lower().startswith(("http://", "https://")) or any(ch.isspace() for ch in text) or text.endswith("…"):
        return ""
    return text


class WorkItem(FrozenRecord):
    """One piece of their work: a post, a repository, a toot or a talk."""

    def __init__(self, source: str, title: str, link: str = "", date: str = "", summary: str = "", detail: str = "") -> None:
        self.source = source
        self.title = title
        self.link = link
        self.date = date
        """When it was published or last changed, ``YYYY-MM-DD`` (or "")."""
        self.summary = summary
        """One line of what it is about."""
        self.detail = detail
        """A short fact beside it: a repository's language and stars, a talk's conference and day."""

    def to_dict(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.FIELDS}

    @classmethod
    def from_dict(cls, row: Any, source: str) -> WorkItem | None:
        """An item from a stored row (cleaned again: the file may have been edited); None when unusable."""
        if not isinstance(row, dict):
            return None
        title = one_line(row.get("title"), TITLE_CHARACTERS)
        if not title:
            return None
        date = one_line(row.get("date"), 10)
        return cls(
            source=source,
            title=title,
            link=web_link(row.get("link")),
            date=date if len(date) == 10 and date[4] == "-" else "",
            summary=one_line(row.get("summary"), SUMMARY_CHARACTERS),
            detail=one_line(row.get("detail"), 80),
        )

    def answer(self) -> str:
        """The answer it gives to "which part of their work helped you": its kind, its title in
        quotes and its link, as 'Your post "Title" (https://...)'."""
        title = self.title.replace('"', "'").replace("\u201c", "'").replace("\u201d", "'")
        text = f'Your {KINDS.get(self.source, "work")} "{title}"'
        return f"{text} ({self.link})" if self.link else text


class KeptWork(Record):
    """What is kept for one person and source: the items, and when the server last confirmed them."""

    def __init__(self, person_id: int, source: str, target: str, items: list[WorkItem], fetched_at: datetime | None) -> None:
        self.person_id = person_id
        self.source = source
        self.target = target
        """The link or handle it was fetched from."""
        self.items = items
        self.fetched_at = fetched_at
        """When the server last answered with these items (a 200, or a 304 confirming them)."""

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> KeptWork | None:
        source = row.get("source")
        person_id = row.get("person_id")
        if source not in SOURCES or not isinstance(person_id, int):
            return None
        raw = row.get("items")
        items = [item for item in (WorkItem.from_dict(r, source) for r in (raw if isinstance(raw, list) else [])) if item]
        return cls(person_id, source, one_line(row.get("target"), LINK_CHARACTERS), items, _moment(row.get("fetched_at")))


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def kept_work(rows: Iterable[dict[str, Any]]) -> list[KeptWork]:
    """The kept rows of one person as records, in the order of SOURCES."""
    found = [kept for kept in (KeptWork.from_row(row) for row in rows) if kept is not None]
    return sorted(found, key=lambda kept: SOURCES.index(kept.source))


def age(moment: datetime | None, now: datetime | None = None) -> str:
    """How long ago, in words: "just now", "5 minutes ago", "3 hours ago", "2 days ago"."""
    if moment is None:
        return "at an unknown time"
    seconds = ((now or datetime.now(timezone.utc)) - moment).total_seconds()
    if seconds < 60:
        return "just now"
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"  # pragma: no cover


def recent_items(work: Iterable[KeptWork], limit: int = 5) -> list[WorkItem]:
    """The few most recent items of every source, newest first (undated ones after, in source order)."""
    items = [item for kept in work for item in kept.items]
    dated = sorted((item for item in items if item.date), key=lambda item: item.date, reverse=True)
    return (dated + [item for item in items if not item.date])[:limit]
