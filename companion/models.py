"""The model: plain dataclasses, timezone-aware datetimes, stored as UTC ISO-8601 strings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any

PRIORITIES = ("must-meet", "hope-to-meet", "met")
FOLLOWUP_STATUSES = ("open", "waiting", "done", "dropped")
SESSION_STATUSES = ("scheduled", "changed", "cancelled")
LINK_KINDS = ("website", "blog", "github", "mastodon", "bluesky", "twitter", "linkedin")
CONNECTION_KINDS = ("school", "bootcamp", "background", "hobby", "place", "acquaintance")
DAY_CUTOFF = timedelta(hours=5)
"""Sessions starting before 05:00 local time belong to the previous conference day."""


def to_utc_text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat()


def from_utc_text(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _optional_moment(text: str | None) -> datetime | None:
    return from_utc_text(text) if text else None


def _optional_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@dataclass
class Conference:
    id: str
    name: str
    timezone: str
    first_day: date | None = None
    last_day: date | None = None
    source: str = ""
    format: str = ""
    fetched_at: datetime | None = None
    etag: str = ""
    last_modified: str = ""
    options: dict[str, str] = field(default_factory=dict)
    """How it was imported (tz, format, name, speakers file), so a refresh repeats it."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "timezone": self.timezone,
            "first_day": self.first_day.isoformat() if self.first_day else None,
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "source": self.source,
            "format": self.format,
            "fetched_at": to_utc_text(self.fetched_at) if self.fetched_at else None,
            "etag": self.etag,
            "last_modified": self.last_modified,
            "options": dict(self.options),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Conference:
        return cls(
            id=data["id"],
            name=data["name"],
            timezone=data["timezone"],
            first_day=_optional_date(data.get("first_day")),
            last_day=_optional_date(data.get("last_day")),
            source=data.get("source", ""),
            format=data.get("format", ""),
            fetched_at=_optional_moment(data.get("fetched_at")),
            etag=data.get("etag", ""),
            last_modified=data.get("last_modified", ""),
            options=dict(data.get("options", {})),
        )


@dataclass
class Speaker:
    name: str
    source_id: str = ""


@dataclass
class Session:
    id: str
    conference: str
    title: str
    start: datetime
    end: datetime
    room: str = ""
    track: str = ""
    type: str = ""
    abstract: str = ""
    url: str = ""
    speakers: list[Speaker] = field(default_factory=list)
    status: str = "scheduled"
    day: date | None = None
    """The conference day it belongs to, when the source says (a 01:00 session can belong to the day before)."""
    source_id: str = ""
    """The id the source gave it, when the stable id is composite."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "conference": self.conference,
            "title": self.title,
            "start": to_utc_text(self.start),
            "end": to_utc_text(self.end),
            "room": self.room,
            "track": self.track,
            "type": self.type,
            "abstract": self.abstract,
            "url": self.url,
            "speakers": [{"name": s.name, "source_id": s.source_id} for s in self.speakers],
            "status": self.status,
            "day": self.day.isoformat() if self.day else None,
            "source_id": self.source_id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Session:
        return cls(
            id=data["id"],
            conference=data["conference"],
            title=data["title"],
            start=from_utc_text(data["start"]),
            end=from_utc_text(data["end"]),
            room=data.get("room", ""),
            track=data.get("track", ""),
            type=data.get("type", ""),
            abstract=data.get("abstract", ""),
            url=data.get("url", ""),
            speakers=[Speaker(s["name"], s.get("source_id", "")) for s in data.get("speakers", [])],
            status=data.get("status", "scheduled"),
            day=_optional_date(data.get("day")),
            source_id=data.get("source_id", ""),
        )

    def conference_day(self, zone: tzinfo) -> date:
        """The day this session belongs to: the source's day, else its local date with a 05:00 cut-off."""
        if self.day is not None:
            return self.day
        return (self.start.astimezone(zone) - DAY_CUTOFF).date()


@dataclass
class Connection:
    """How we are connected: a shared school, bootcamp, background, hobby or place, or a mutual acquaintance."""

    kind: str
    detail: str


@dataclass
class Person:
    name: str
    id: int = 0
    affiliation: str = ""
    role: str = ""
    email: str = ""
    links: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    priority: str = "hope-to-meet"
    connections: list[Connection] = field(default_factory=list)
    notes: str = ""
    last_interaction: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "affiliation": self.affiliation,
            "role": self.role,
            "email": self.email,
            "links": dict(self.links),
            "tags": list(self.tags),
            "priority": self.priority,
            "connections": [{"kind": c.kind, "detail": c.detail} for c in self.connections],
            "notes": self.notes,
            "last_interaction": to_utc_text(self.last_interaction) if self.last_interaction else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], id: int = 0) -> Person:
        return cls(
            id=id,
            name=data["name"],
            affiliation=data.get("affiliation", ""),
            role=data.get("role", ""),
            email=data.get("email", ""),
            links=dict(data.get("links", {})),
            tags=list(data.get("tags", [])),
            priority=data.get("priority", "hope-to-meet"),
            connections=[Connection(c["kind"], c["detail"]) for c in data.get("connections", [])],
            notes=data.get("notes", ""),
            last_interaction=_optional_moment(data.get("last_interaction")),
        )


@dataclass
class TalkingPoint:
    """What to say to one person: the five prompts of DESIGN section 6."""

    person_id: int
    work: str = ""
    how: str = ""
    question: str = ""
    offer: str = ""
    common: str = ""
    updated: datetime | None = None
    coach: dict[str, Any] | None = None
    """The coach's flags as of the last save, with the checksum that tells whether they still hold
    (see companion.coach.remember)."""

    ANSWERS = ("work", "how", "question", "offer", "common")

    def to_dict(self, *, verdict: bool = True) -> dict[str, Any]:
        """As stored; ``verdict=False`` leaves out the coach's kept verdict (for exports)."""
        data = {
            "person_id": self.person_id,
            "work": self.work,
            "how": self.how,
            "question": self.question,
            "offer": self.offer,
            "common": self.common,
            "updated": to_utc_text(self.updated) if self.updated else None,
        }
        if verdict:
            data["coach"] = self.coach
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TalkingPoint:
        return cls(
            person_id=data["person_id"],
            work=data.get("work", ""),
            how=data.get("how", ""),
            question=data.get("question", ""),
            offer=data.get("offer", ""),
            common=data.get("common", ""),
            updated=_optional_moment(data.get("updated")),
            coach=data.get("coach") if isinstance(data.get("coach"), dict) else None,
        )


@dataclass
class Note:
    text: str
    created: datetime
    id: int = 0
    person_ids: list[int] = field(default_factory=list)
    session_id: str = ""
    conference: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "created": to_utc_text(self.created),
            "person_ids": list(self.person_ids),
            "session_id": self.session_id,
            "conference": self.conference,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], id: int = 0) -> Note:
        return cls(
            id=id,
            text=data["text"],
            created=from_utc_text(data["created"]),
            person_ids=list(data.get("person_ids", [])),
            session_id=data.get("session_id", ""),
            conference=data.get("conference", ""),
        )


@dataclass
class FollowUp:
    kind: str
    title: str
    due: date
    person_id: int
    id: int = 0
    note_id: int = 0
    detail: str = ""
    other: str = ""
    """For introductions: the name of the other person."""
    status: str = "open"
    uid: str = ""
    sequence: int = 0
    created: datetime | None = None
    updated: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "due": self.due.isoformat(),
            "person_id": self.person_id,
            "note_id": self.note_id,
            "detail": self.detail,
            "other": self.other,
            "status": self.status,
            "uid": self.uid,
            "sequence": self.sequence,
            "created": to_utc_text(self.created) if self.created else None,
            "updated": to_utc_text(self.updated) if self.updated else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], id: int = 0) -> FollowUp:
        return cls(
            id=id,
            kind=data["kind"],
            title=data["title"],
            due=date.fromisoformat(data["due"]),
            person_id=data["person_id"],
            note_id=data.get("note_id", 0),
            detail=data.get("detail", ""),
            other=data.get("other", ""),
            status=data.get("status", "open"),
            uid=data.get("uid", ""),
            sequence=data.get("sequence", 0),
            created=_optional_moment(data.get("created")),
            updated=_optional_moment(data.get("updated")),
        )
