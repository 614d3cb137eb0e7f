"""The store: the one service that reads and writes companion's data.

Two data files (DESIGN section 3): ``user.json`` holds what the user wrote and cannot get back
(people, talking points, notes, follow-ups, stars); ``schedules.json`` holds imported
schedules, which can always be imported again. Both are :class:`~companion.storage.DataFile`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from tinydb import where

from companion.errors import CompanionError, NotFoundError
from companion.followups import NoteActions, next_step, plan_followups
from companion.models import (
    FOLLOWUP_STATUSES,
    Conference,
    FollowUp,
    Note,
    Person,
    Session,
    TalkingPoint,
)
from companion.paths import ensure_data_dir
from companion.storage import DataFile
from companion.text import normalise_name


@dataclass
class ScheduleChanges:
    """What an import did to a conference's sessions."""

    conference: Conference
    total: int = 0
    added: list[Session] = field(default_factory=list)
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    starred_moved: list[tuple[Session, Session]] = field(default_factory=list)
    """Starred sessions whose time or room changed: (before, after)."""
    starred_cancelled: list[Session] = field(default_factory=list)


@dataclass
class PeopleChanges:
    added: list[Person] = field(default_factory=list)
    merged: list[Person] = field(default_factory=list)


SHRINK_LIMIT = 0.5
"""An import with fewer than half the stored sessions needs the user's word before it replaces them."""


class ScheduleShrinkError(CompanionError):
    """A new import or refresh has far fewer sessions than are stored."""


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Store:
    """Everything companion keeps, behind one object built once and handed to the CLI or the app."""

    def __init__(self, data_dir: Path, *, backup_on_open: bool = False) -> None:
        self.data_dir = ensure_data_dir(data_dir)
        backups = self.data_dir / "backups"
        self.user = DataFile(self.data_dir / "user.json", backups)
        self.schedules = DataFile(self.data_dir / "schedules.json", backups)
        self.warnings: list[str] = []
        """One-line messages for the user (a backup restored on open)."""
        for data_file in (self.user, self.schedules):
            data_file.open(backup=backup_on_open)
            for message in (data_file.recovery_message, data_file.backup_warning):
                if message:
                    self.warnings.append(message)

    # Conferences and sessions -------------------------------------------------------------

    def conferences(self) -> list[Conference]:
        rows = self.schedules.tables().get("conferences", {})
        return sorted((Conference.from_dict(row) for row in rows.values()), key=lambda c: (c.first_day or date.min, c.id))

    def conference(self, conference_id: str) -> Conference:
        for conference in self.conferences():
            if conference.id == conference_id:
                return conference
        raise NotFoundError(f"no conference with id {conference_id!r}")

    def current_conference(self, today: date | None = None) -> Conference | None:
        """The conference under way, else the next one, else the most recent one."""
        conferences = self.conferences()
        if not conferences:
            return None
        today = today or date.today()
        running = [c for c in conferences if c.first_day and c.last_day and c.first_day <= today <= c.last_day]
        if running:
            return running[0]
        upcoming = [c for c in conferences if c.first_day and c.first_day > today]
        if upcoming:
            return min(upcoming, key=lambda c: c.first_day or date.max)
        return conferences[-1]

    def sessions(self, conference_id: str | None = None) -> list[Session]:
        rows = self.schedules.tables().get("sessions", {}).values()
        sessions = [
            Session.from_dict(row) for row in rows if conference_id is None or row["conference"] == conference_id
        ]
        sessions.sort(key=lambda s: (s.start, s.room, s.title))
        return sessions

    def session(self, session_id: str) -> Session:
        for row in self.schedules.tables().get("sessions", {}).values():
            if row["id"] == session_id:
                return Session.from_dict(row)
        raise NotFoundError(f"no session with id {session_id!r}")

    def save_schedule(
        self, conference: Conference, sessions: list[Session], *, allow_shrink: bool = False
    ) -> ScheduleChanges:
        """Store an imported schedule, merging with what was there by stable session id.

        Sessions whose time or room changed are marked ``changed``; starred sessions that
        disappeared are kept as ``cancelled`` so the user sees it. An import that yields far
        fewer sessions than are stored is refused unless ``allow_shrink``.
        """
        if not sessions:
            raise CompanionError(f"{conference.source or conference.name}: no sessions found; the stored schedule is kept")
        starred = self.starred_ids()
        changes = ScheduleChanges(conference=conference, total=len(sessions))
        rows = self.schedules.tables().get("sessions", {}).values()
        stored = sum(1 for row in rows if row["conference"] == conference.id and row.get("status") != "cancelled")
        if not allow_shrink and stored and len(sessions) < stored * SHRINK_LIMIT:
            raise ScheduleShrinkError(
                f"{conference.source or conference.name}: {len(sessions)} sessions now against {stored} stored; "
                f"the stored schedule is kept (replace it anyway with --force)"
            )
        self.schedules.backup("import")
        with self.schedules.transaction() as db:
            conferences = db.table("conferences")
            conferences.remove(where("id") == conference.id)
            conferences.insert(conference.to_dict())
            table = db.table("sessions")
            before = {row["id"]: Session.from_dict(row) for row in table.search(where("conference") == conference.id)}
            incoming = {session.id for session in sessions}
            for session in sessions:
                old = before.get(session.id)
                if old is None:
                    changes.added.append(session)
                    continue
                moved = old.start != session.start or old.end != session.end or old.room != session.room
                if moved and session.status != "cancelled":
                    session.status = "changed"
                elif old.status == "changed" and session.status == "scheduled":
                    session.status = "changed"  # still moved relative to when it was first seen
                if old.to_dict() == session.to_dict():
                    changes.unchanged += 1
                    continue
                changes.updated += 1
                if session.id in starred and moved:
                    changes.starred_moved.append((old, session))
                if session.id in starred and session.status == "cancelled" and old.status != "cancelled":
                    changes.starred_cancelled.append(session)
            kept_cancelled: list[Session] = []
            for session_id, old in before.items():
                if session_id in incoming:
                    continue
                if session_id in starred:
                    if old.status != "cancelled":  # kept from an earlier import: already reported
                        changes.removed += 1
                        changes.starred_cancelled.append(old)
                    old.status = "cancelled"
                    kept_cancelled.append(old)
                else:
                    changes.removed += 1
            table.remove(where("conference") == conference.id)
            table.insert_multiple(session.to_dict() for session in [*sessions, *kept_cancelled])
        return changes

    def remove_conference(self, conference_id: str) -> int:
        """Forget a conference's schedule (stars and notes stay in the user file)."""
        self.conference(conference_id)
        self.schedules.backup("remove")
        with self.schedules.transaction() as db:
            db.table("conferences").remove(where("id") == conference_id)
            return len(db.table("sessions").remove(where("conference") == conference_id))

    # Stars (user data keyed by session id, so they survive re-imports) -------------------

    def starred_ids(self) -> set[str]:
        return {row["session_id"] for row in self.user.tables().get("stars", {}).values()}

    def set_star(self, session_id: str, starred: bool) -> None:
        with self.user.transaction() as db:
            stars = db.table("stars")
            stars.remove(where("session_id") == session_id)
            if starred:
                stars.insert({"session_id": session_id})

    # People ------------------------------------------------------------------------------

    def people(self) -> list[Person]:
        rows = self.user.tables().get("people", {})
        people = [Person.from_dict(row, id=int(doc_id)) for doc_id, row in rows.items()]
        people.sort(key=lambda p: normalise_name(p.name))
        return people

    def person(self, person_id: int) -> Person:
        row = self.user.tables().get("people", {}).get(str(person_id))
        if row is None:
            raise NotFoundError(f"no person with id {person_id}")
        return Person.from_dict(row, id=person_id)

    def add_people(self, people: Iterable[Person]) -> PeopleChanges:
        """Add people, merging into an existing person with the same email or name."""
        changes = PeopleChanges()
        with self.user.transaction() as db:
            table = db.table("people")
            by_email: dict[str, int] = {}
            by_name: dict[str, int] = {}
            for document in table.all():
                if document.get("email"):
                    by_email[document["email"].casefold()] = document.doc_id
                by_name[normalise_name(document["name"])] = document.doc_id
            for person in people:
                existing_id = (by_email.get(person.email.casefold()) if person.email else None) or by_name.get(
                    normalise_name(person.name)
                )
                if existing_id is None:
                    person.id = table.insert(person.to_dict())
                    changes.added.append(person)
                else:
                    current = Person.from_dict(table.get(doc_id=existing_id), id=existing_id)  # type: ignore[arg-type]
                    merged = _merge_person(current, person)
                    table.update(merged.to_dict(), doc_ids=[existing_id])
                    changes.merged.append(merged)
                    person = merged
                if person.email:
                    by_email[person.email.casefold()] = person.id
                by_name[normalise_name(person.name)] = person.id
        return changes

    def save_person(self, person: Person) -> Person:
        with self.user.transaction() as db:
            table = db.table("people")
            if person.id:
                table.update(person.to_dict(), doc_ids=[person.id])
            else:
                person.id = table.insert(person.to_dict())
        return person

    def sessions_for(self, person: Person, sessions: list[Session] | None = None) -> list[Session]:
        """The sessions where ``person`` speaks, matched by normalised name."""
        key = normalise_name(person.name)
        candidates = self.sessions() if sessions is None else sessions
        return [s for s in candidates if any(normalise_name(sp.name) == key for sp in s.speakers)]

    def speakers_on_list(self) -> dict[str, int]:
        """Normalised name -> person id, for marking speakers who are on the people list."""
        return {normalise_name(p.name): p.id for p in self.people()}

    # Talking points ------------------------------------------------------------------------

    def talking_point(self, person_id: int) -> TalkingPoint | None:
        for row in self.user.tables().get("points", {}).values():
            if row["person_id"] == person_id:
                return TalkingPoint.from_dict(row)
        return None

    def talking_points(self) -> dict[int, TalkingPoint]:
        rows = self.user.tables().get("points", {}).values()
        return {row["person_id"]: TalkingPoint.from_dict(row) for row in rows}

    def save_talking_point(self, point: TalkingPoint) -> TalkingPoint:
        point.updated = _utcnow()
        with self.user.transaction() as db:
            self.person(point.person_id)
            table = db.table("points")
            table.remove(where("person_id") == point.person_id)
            table.insert(point.to_dict())
        return point

    # Notes and follow-ups ------------------------------------------------------------------

    def add_note(
        self,
        text: str,
        person_ids: list[int],
        *,
        session_id: str = "",
        actions: NoteActions | None = None,
        now: datetime | None = None,
    ) -> tuple[Note, list[FollowUp]]:
        """Save a note and the follow-ups it asks for, in one durable write."""
        now = now or _utcnow()
        actions = actions or NoteActions()
        conference = ""
        if session_id:
            conference = self.session(session_id).conference
        with self.user.transaction() as db:
            people = [self.person(person_id) for person_id in person_ids]
            note = Note(text=text, created=now, person_ids=person_ids, session_id=session_id, conference=conference)
            note.id = db.table("notes").insert(note.to_dict())
            followups = plan_followups(note, people, actions, now.astimezone().date(), now)
            table = db.table("followups")
            for followup in followups:
                followup.id = table.insert(followup.to_dict())
            people_table = db.table("people")
            for person in people:
                person.last_interaction = now
                people_table.update({"last_interaction": person.to_dict()["last_interaction"]}, doc_ids=[person.id])
        return note, followups

    def notes(self, person_id: int | None = None) -> list[Note]:
        rows = self.user.tables().get("notes", {})
        notes = [
            Note.from_dict(row, id=int(doc_id))
            for doc_id, row in rows.items()
            if person_id is None or person_id in row.get("person_ids", ())
        ]
        notes.sort(key=lambda n: (n.created, n.id))
        return notes

    def followups(self, *, statuses: Iterable[str] | None = None) -> list[FollowUp]:
        wanted = set(statuses) if statuses is not None else None
        rows = self.user.tables().get("followups", {})
        items = [
            FollowUp.from_dict(row, id=int(doc_id))
            for doc_id, row in rows.items()
            if wanted is None or row.get("status") in wanted
        ]
        items.sort(key=lambda f: (f.due, f.id))
        return items

    def followup(self, followup_id: int) -> FollowUp:
        row = self.user.tables().get("followups", {}).get(str(followup_id))
        if row is None:
            raise NotFoundError(f"no follow-up with id {followup_id}")
        return FollowUp.from_dict(row, id=followup_id)

    def set_followup_status(
        self, followup_id: int, status: str, *, until: date | None = None, now: datetime | None = None
    ) -> list[FollowUp]:
        """Mark a follow-up done, waiting, dropped or open (snoozed ``until`` a date).

        Returns the changed follow-up and any follow-up its completion unlocked.
        """
        if status not in FOLLOWUP_STATUSES:
            raise CompanionError(f"unknown follow-up status {status!r}")
        now = now or _utcnow()
        changed: list[FollowUp] = []
        with self.user.transaction() as db:
            table = db.table("followups")
            item = self.followup(followup_id)
            item.status = status
            if until is not None:
                item.due = until
            item.sequence += 1
            item.updated = now
            table.update(item.to_dict(), doc_ids=[item.id])
            changed.append(item)
            if status == "done":
                note_row = db.table("notes").get(doc_id=item.note_id)
                if note_row is not None:
                    note = Note.from_dict(note_row, id=item.note_id)  # type: ignore[arg-type]
                    step = next_step(item, self.person(item.person_id), note, now.astimezone().date(), now)
                    if step is not None and not table.search(where("uid") == step.uid):
                        step.id = table.insert(step.to_dict())
                        changed.append(step)
        return changed

    def snooze_followup(self, followup_id: int, until: date) -> FollowUp:
        return self.set_followup_status(followup_id, "open", until=until)[0]

    def due_counts(self, today: date | None = None) -> dict[str, int]:
        """Open follow-ups by urgency: overdue, today, upcoming, and waiting."""
        today = today or date.today()
        counts = {"overdue": 0, "today": 0, "upcoming": 0, "waiting": 0}
        for item in self.followups(statuses=("open", "waiting")):
            if item.status == "waiting":
                counts["waiting"] += 1
            elif item.due < today:
                counts["overdue"] += 1
            elif item.due == today:
                counts["today"] += 1
            else:
                counts["upcoming"] += 1
        return counts


def _merge_person(current: Person, incoming: Person) -> Person:
    """Fill the gaps in ``current`` from ``incoming``; what the user already has wins."""
    for name in ("affiliation", "role", "email", "notes"):
        if not getattr(current, name) and getattr(incoming, name):
            setattr(current, name, getattr(incoming, name))
    for kind, url in incoming.links.items():
        current.links.setdefault(kind, url)
    current.tags = [*current.tags, *(tag for tag in incoming.tags if tag not in current.tags)]
    return current
