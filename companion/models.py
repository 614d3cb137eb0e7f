"""The model: plain records, timezone-aware datetimes, stored as UTC ISO-8601 strings."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any, ClassVar, Self

PRIORITIES = ("must-meet", "hope-to-meet", "met")
FOLLOWUP_STATUSES = ("open", "waiting", "done", "dropped")
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


class Record:
    """A plain record: its fields, in order, are its constructor's parameters (``FIELDS``, derived
    when the class is made, so the two cannot drift); records of a class are equal when their
    fields are, and show as ``Name(field=value, ...)``, as dataclasses do. The one record idiom of
    the core: a class with ``__init__`` assigning each parameter to the attribute of its name.

    The model and the records on the way to a card are not dataclasses because ``@dataclass``
    writes and compiles their methods each time the program starts, about 0.7 ms a class, and
    ``companion who`` has 150 ms for everything (benchmarks/RESULTS.md)."""

    __slots__ = ()
    FIELDS: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is None:
            return
        code = init.__code__  # not inspect.signature: importing inspect costs a lookup milliseconds
        derived = code.co_varnames[1 : code.co_argcount + code.co_kwonlyargcount]
        declared = cls.__dict__.get("FIELDS")
        if declared is not None and tuple(declared) != derived:
            raise TypeError(f"{cls.__name__}.FIELDS {declared} differ from its constructor's parameters {derived}")
        cls.FIELDS = derived

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.FIELDS)

    __hash__ = None  # type: ignore[assignment]  # mutable and compared by value: not hashable

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{name}={getattr(self, name)!r}' for name in self.FIELDS)})"

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` (field name -> new value)."""
        unknown = set(changes) - set(self.FIELDS)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        return type(self)(**{name: changes.get(name, getattr(self, name)) for name in self.FIELDS})


class FrozenRecord(Record):
    """A record that stays as made: a field, once set by the constructor, cannot be set again, so
    it can be hashed by its fields (which must themselves be hashable: tuples, not lists)."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        if hasattr(self, name):
            raise AttributeError(f"{type(self).__name__} is frozen: {name} cannot change")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: {name} cannot be removed")

    def __hash__(self) -> int:  # type: ignore[override]  # Record's is None: a frozen one may hash
        return hash(tuple(getattr(self, name) for name in self.FIELDS))


class Conference(Record):
    def __init__(
        self,
        id: str,
        name: str,
        timezone: str,
        first_day: date | None = None,
        last_day: date | None = None,
        source: str = "",
        format: str = "",
        fetched_at: datetime | None = None,
        etag: str = "",
        last_modified: str = "",
        options: dict[str, str] | None = None,
        rooms: list[str] | None = None,
    ) -> None:
        self.id = id
        self.name = name
        self.timezone = timezone
        self.first_day = first_day
        self.last_day = last_day
        self.source = source
        self.format = format
        self.fetched_at = fetched_at
        self.etag = etag
        self.last_modified = last_modified
        self.options: dict[str, str] = {} if options is None else options
        """How it was imported (tz, format, name, speakers file), so a refresh repeats it."""
        self.rooms: list[str] = [] if rooms is None else rooms
        """The rooms in the schedule's own order (as its file first names them): main halls first."""

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
            "rooms": list(self.rooms),
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
            rooms=[room for room in data.get("rooms") or [] if isinstance(room, str)],
        )


class Speaker(Record):
    def __init__(self, name: str, source_id: str = "") -> None:
        self.name = name
        self.source_id = source_id


class Session(Record):
    def __init__(
        self,
        id: str,
        conference: str,
        title: str,
        start: datetime,
        end: datetime,
        room: str = "",
        track: str = "",
        type: str = "",
        abstract: str = "",
        url: str = "",
        speakers: list[Speaker] | None = None,
        status: str = "scheduled",
        day: date | None = None,
        source_id: str = "",
    ) -> None:
        self.id = id
        self.conference = conference
        self.title = title
        self.start = start
        self.end = end
        self.room = room
        self.track = track
        self.type = type
        self.abstract = abstract
        self.url = url
        self.speakers: list[Speaker] = [] if speakers is None else speakers
        self.status = status
        self.day = day
        """The conference day it belongs to, when the source says (a 01:00 session can belong to the day before)."""
        self.source_id = source_id
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


class Connection(Record):
    """How we are connected: a shared school, bootcamp, background, hobby or place, or a mutual acquaintance."""

    def __init__(self, kind: str, detail: str) -> None:
        self.kind = kind
        self.detail = detail


class Person(Record):
    def __init__(
        self,
        name: str,
        id: int = 0,
        affiliation: str = "",
        role: str = "",
        email: str = "",
        links: dict[str, str] | None = None,
        tags: list[str] | None = None,
        priority: str = "hope-to-meet",
        connections: list[Connection] | None = None,
        notes: str = "",
        last_interaction: datetime | None = None,
    ) -> None:
        self.name = name
        self.id = id
        self.affiliation = affiliation
        self.role = role
        self.email = email
        self.links: dict[str, str] = {} if links is None else links
        self.tags: list[str] = [] if tags is None else tags
        self.priority = priority
        self.connections: list[Connection] = [] if connections is None else connections
        self.notes = notes
        self.last_interaction = last_interaction

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


class TalkingPoint(Record):
    """What to say to one person: the five prompts (coach.PROMPTS)."""

    ANSWERS = ("work", "how", "question", "offer", "common")

    def __init__(
        self,
        person_id: int,
        work: str = "",
        how: str = "",
        question: str = "",
        offer: str = "",
        common: str = "",
        updated: datetime | None = None,
        coach: dict[str, Any] | None = None,
    ) -> None:
        self.person_id = person_id
        self.work = work
        self.how = how
        self.question = question
        self.offer = offer
        self.common = common
        self.updated = updated
        self.coach = coach
        """The coach's flags as of the last save, with the checksum that tells whether they still
        hold (see companion.coach.remember)."""

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


class Note(Record):
    def __init__(
        self,
        text: str,
        created: datetime,
        id: int = 0,
        person_ids: list[int] | None = None,
        session_id: str = "",
        conference: str = "",
        promises: list[dict[str, Any]] | None = None,
        intros: list[dict[str, Any]] | None = None,
    ) -> None:
        self.text = text
        self.created = created
        self.id = id
        self.person_ids: list[int] = [] if person_ids is None else person_ids
        self.session_id = session_id
        self.conference = conference
        self.promises: list[dict[str, Any]] = [] if promises is None else promises
        """What was promised, each with its person: ``{"person_id": 3, "text": "..."}``; person 0 (older
        notes kept none of this) means every person of the note."""
        self.intros: list[dict[str, Any]] = [] if intros is None else intros
        """Introductions: ``{"person_id": 3, "other": "Omar Haddad", "ask": "other"}``, ``ask`` naming whose
        yes is asked first (``other``, ``person`` or ``both``)."""

    def to_dict(self) -> dict[str, Any]:
        row: dict[str, Any] = {
            "text": self.text,
            "created": to_utc_text(self.created),
            "person_ids": list(self.person_ids),
            "session_id": self.session_id,
            "conference": self.conference,
            "promises": [dict(entry) for entry in self.promises],
            "intros": [dict(entry) for entry in self.intros],
        }
        return row

    @classmethod
    def from_dict(cls, data: dict[str, Any], id: int = 0) -> Note:
        return cls(
            id=id,
            text=data["text"],
            created=from_utc_text(data["created"]),
            person_ids=list(data.get("person_ids", [])),
            session_id=data.get("session_id", ""),
            conference=data.get("conference", ""),
            promises=[dict(e) for e in data.get("promises", ()) if isinstance(e, dict)],
            intros=[dict(e) for e in data.get("intros", ()) if isinstance(e, dict)],
        )


class FollowUp(Record):
    def __init__(
        self,
        kind: str,
        title: str,
        due: date,
        person_id: int,
        id: int = 0,
        note_id: int = 0,
        detail: str = "",
        other: str = "",
        status: str = "open",
        uid: str = "",
        sequence: int = 0,
        created: datetime | None = None,
        updated: datetime | None = None,
        exported: dict[str, dict[str, Any]] | None = None,
        consent: str = "",
    ) -> None:
        self.kind = kind
        self.title = title
        self.due = due
        self.person_id = person_id
        self.id = id
        self.note_id = note_id
        self.detail = detail
        self.other = other
        """For introductions: the name of the other person."""
        self.status = status
        self.uid = uid
        self.sequence = sequence
        self.created = created
        self.updated = updated
        self.exported: dict[str, dict[str, Any]] = {} if exported is None else exported
        """What each calendar target was sent: ``{target: {"sequence": n, "status": s}}`` (see
        companion.exporters.ics); a target never sent it holds no ghost of it."""
        self.consent = consent
        """Introductions only (double opt-in): on an ask, the answer recorded (``yes`` or ``no``, empty
        before one); on the introduction itself, whose yes was recorded (``other``, ``person``, ``both``)."""

    def to_dict(self) -> dict[str, Any]:
        row: dict[str, Any] = {
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
            "consent": self.consent,
        }
        if self.exported:
            row["exported"] = {target: dict(sent) for target, sent in self.exported.items()}
        return row

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
            exported={str(k): dict(v) for k, v in (data.get("exported") or {}).items() if isinstance(v, dict)},
            consent=data.get("consent", ""),
        )
