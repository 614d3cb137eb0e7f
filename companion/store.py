"""The store: the one service that reads and writes companion's data.

Two data files (ARCHITECTURE.md, Storage): ``user.json`` holds what the user wrote and cannot get back
(people, talking points, notes, follow-ups, stars); ``schedules.json`` holds imported
schedules, which can always be imported again. Both are :class:`~companion.datafile.DataFile`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path

from companion.errors import CompanionError, NotFoundError
from companion.lookup import PeopleIndex, PeopleList, people_summary
from companion.matching import SpeakerMatcher, likely_names
from companion.models import (
    DAY_CUTOFF,
    FOLLOWUP_STATUSES,
    PRIORITIES,
    Conference,
    FollowUp,
    Note,
    Person,
    Record,
    Session,
    TalkingPoint,
    to_utc_text,
)
from companion.paths import ensure_data_dir
from companion.session_times import stored_times_in_range
from companion.datafile import DataFile
from companion.storage import Indexer, Stamp, Summariser, file_stamp
from companion.text import has_visible, normalise_name
from companion.work import KeptWork, kept_work

if TYPE_CHECKING:
    from companion.clock import Clock
    from companion.followups import NoteActions


class ScheduleChanges(Record):
    """What an import did to a conference's sessions."""

    def __init__(
        self,
        conference: Conference,
        total: int = 0,
        added: list[Session] | None = None,
        updated: int = 0,
        unchanged: int = 0,
        removed: int = 0,
        starred_moved: list[tuple[Session, Session]] | None = None,
        starred_cancelled: list[Session] | None = None,
    ) -> None:
        self.conference = conference
        self.total = total
        self.added: list[Session] = [] if added is None else added
        self.updated = updated
        self.unchanged = unchanged
        self.removed = removed
        self.starred_moved: list[tuple[Session, Session]] = [] if starred_moved is None else starred_moved
        """Starred sessions whose time or room changed: (before, after)."""
        self.starred_cancelled: list[Session] = [] if starred_cancelled is None else starred_cancelled


class PeopleChanges(Record):
    """What an import did to the people list."""

    def __init__(
        self,
        added: list[Person] | None = None,
        merges: list[tuple[Person, str]] | None = None,
        unchanged: list[tuple[Person, str]] | None = None,
        possible: list[tuple[Person, Person, str]] | None = None,
    ) -> None:
        self.added: list[Person] = [] if added is None else added
        self.merges: list[tuple[Person, str]] = [] if merges is None else merges
        """People merged into someone already on the list: (the person after the merge, why they
        matched and what of theirs was kept), e.g. "same email ada@example.org; kept your affiliation"."""
        self.unchanged: list[tuple[Person, str]] = [] if unchanged is None else unchanged
        """Of the merges, those that added nothing to the person on the list (a re-import)."""
        self.possible: list[tuple[Person, Person, str]] = [] if possible is None else possible
        """Possible duplicates: (a person just added, someone they may be, what they share); both kept."""

    @property
    def merged(self) -> list[Person]:
        return [person for person, _ in self.merges]


SHRINK_LIMIT = 0.5
"""An import with fewer than half the stored sessions needs the user's word before it replaces them."""


class ScheduleShrinkError(CompanionError):
    """A new import or refresh has far fewer sessions than are stored."""


def where(field_name: str):  # noqa: ANN201 - a TinyDB query (TinyDB is imported only to write)
    from tinydb import where as tinydb_where

    return tinydb_where(field_name)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


# Index keys: each kind of key is made by one builder below, which the indexers (writing) and the
# queries (reading) both call. A person id is its own key (follow-ups, points, notes by person).

SPEAKER_KEY_PREFIX = "n:"


def _named(person: Person) -> Person:
    """``person``, refused when their name shows nothing (only spaces, zero-width or format characters)."""
    if not has_visible(person.name):
        raise CompanionError(f"a person needs a name that shows (got {person.name!r:.40}); nothing saved")
    return person


def _times_in_range(row: dict[str, Any]) -> bool:
    """A stored session whose times every reader can handle; one stored by an older version in
    year 1 or 9999 is left out of every read (companion.session_times)."""
    return stored_times_in_range(row.get("start"), row.get("end"))


def hour_key(utc_text: str) -> str:
    """The hour a session starts, from a UTC ISO text (``2026-12-03T09:30:00+00:00`` -> ``h:2026-12-03T09``)."""
    return f"h:{utc_text[:13]}"


def day_key(day: str) -> str:
    """The conference day a source gives a session (ISO date)."""
    return f"d:{day}"


def speaker_key(normalised_name: str) -> str:
    """A speaker, by normalised name."""
    return SPEAKER_KEY_PREFIX + normalised_name


def session_key(session_id: str) -> str:
    """The session a note is about."""
    return f"s:{session_id}"


def _person_keys(row: dict[str, Any]) -> list[int]:
    return [row["person_id"]] if isinstance(row.get("person_id"), int) else []


def _note_keys(row: dict[str, Any]) -> list[object]:
    keys: list[object] = [i for i in row.get("person_ids", ()) if isinstance(i, int)]
    if row.get("session_id"):
        keys.append(session_key(row["session_id"]))
    return keys


def _session_keys(row: dict[str, Any]) -> list[str]:
    """A session is found by the hour it starts (UTC), the day its source gives, and its speakers."""
    start = row.get("start")
    keys = [hour_key(start)] if isinstance(start, str) else []
    if row.get("day"):
        keys.append(day_key(row["day"]))
    for speaker in row.get("speakers", ()):
        if isinstance(speaker, dict) and isinstance(speaker.get("name"), str):
            keys.append(speaker_key(normalise_name(speaker["name"])))
    return keys


def _followup_summary(row: dict[str, Any]) -> list[str]:
    fields = [row.get(key) for key in ("status", "due", "kind")]
    return [value if isinstance(value, str) else "" for value in fields]


USER_INDEXES: dict[str, Indexer] = {"notes": _note_keys, "followups": _person_keys, "points": _person_keys}
USER_SUMMARIES: dict[str, Summariser] = {"people": people_summary, "followups": _followup_summary}
SCHEDULE_INDEXES: dict[str, Indexer] = {"sessions": _session_keys, "work": _person_keys}


def _merge_schedule(
    conference: Conference,
    sessions: list[Session],
    starred: set[str],
    conference_rows: Sequence[dict[str, Any]],
    session_rows: Sequence[dict[str, Any]],
) -> tuple[ScheduleChanges, list[Session]]:
    """What an import of ``sessions`` does to the stored rows of its conference: the changes to
    report, and the sessions to store in time order (so that a day's sessions share a few chunks,
    see companion.storage), or none when that is what is stored already (the fetch time aside)."""
    changes = ScheduleChanges(conference=conference, total=len(sessions))
    before = {row["id"]: Session.from_dict(row) for row in session_rows}
    incoming = {session.id for session in sessions}
    merged: list[Session] = []
    for session in sessions:
        old = before.get(session.id)
        if old is None:
            changes.added.append(session)
            merged.append(session)
            continue
        moved = old.start != session.start or old.end != session.end or old.room != session.room
        status = session.status
        if moved and status != "cancelled":
            status = "changed"
        elif old.status == "changed" and status == "scheduled":
            status = "changed"  # still moved relative to when it was first seen
        if status != session.status:
            session = session.replace(status=status)
        merged.append(session)
        if old.to_dict() == session.to_dict():
            changes.unchanged += 1
            continue
        changes.updated += 1
        if session.id in starred and moved:
            changes.starred_moved.append((old, session))
        if session.id in starred and session.status == "cancelled" and old.status != "cancelled":
            changes.starred_cancelled.append(session)
    for session_id, old in before.items():
        if session_id in incoming:
            continue
        if session_id in starred:
            cancelled = old.replace(status="cancelled")
            if old.status != "cancelled":  # kept from an earlier import: already reported
                changes.removed += 1
                changes.starred_cancelled.append(cancelled)
            merged.append(cancelled)
        else:
            changes.removed += 1
    kept = sorted(merged, key=lambda s: (s.start, s.room, s.title))

    def without_fetch_time(row: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in row.items() if key != "fetched_at"}

    if (
        len(conference_rows) == 1
        and without_fetch_time(dict(conference_rows[0])) == without_fetch_time(conference.to_dict())
        and len(session_rows) == len(kept)
        and {row["id"]: dict(row) for row in session_rows} == {session.id: session.to_dict() for session in kept}
    ):
        changes.conference = Conference.from_dict(dict(conference_rows[0]))
        return changes, []
    return changes, kept


def _answers(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row.get(key) for key in TalkingPoint.ANSWERS)


def _combined_point(keep_id: int, kept: TalkingPoint | None, other: TalkingPoint | None) -> TalkingPoint | None:
    """One talking point of two: each answer the kept one's, with the other's added on a new line
    when it says something else."""
    if other is None:
        return kept
    point = TalkingPoint(person_id=keep_id) if kept is None else TalkingPoint.from_dict(kept.to_dict())
    point.person_id = keep_id
    for key in TalkingPoint.ANSWERS:
        mine, theirs = getattr(point, key).strip(), getattr(other, key).strip()
        if theirs and theirs not in mine:
            setattr(point, key, f"{mine}\n{theirs}" if mine else theirs)
    point.updated = _utcnow()
    return point


def _repointed_note(row: dict[str, Any], old: int, new: int) -> dict[str, Any]:
    """A note's people, promises and introductions with person ``old`` as ``new``."""
    ids: list[int] = []
    for person_id in row.get("person_ids", ()):
        person_id = new if person_id == old else person_id
        if person_id not in ids:
            ids.append(person_id)

    def moved(entries: Any) -> list[Any]:
        return [
            {**entry, "person_id": new} if isinstance(entry, dict) and entry.get("person_id") == old else entry
            for entry in entries or ()
        ]

    return {"person_ids": ids, "promises": moved(row.get("promises")), "intros": moved(row.get("intros"))}


class Store:
    """Everything companion keeps, behind one object built once and handed to the CLI or the app."""

    def __init__(self, data_dir: Path, *, backup_on_open: bool = False, read_only: bool = False) -> None:
        self.data_dir = ensure_data_dir(data_dir)
        backups = self.data_dir / "backups"
        self.user = DataFile(self.data_dir / "user.json", backups, USER_INDEXES, USER_SUMMARIES)
        self.schedules = DataFile(self.data_dir / "schedules.json", backups, SCHEDULE_INDEXES)
        self.warnings: list[str] = []
        """One-line messages for the user (a backup restored on open)."""
        self._people_list: tuple[str, PeopleList] | None = None
        for data_file in (self.user, self.schedules):
            data_file.open(backup=backup_on_open, read_only=read_only)
            for message in (data_file.recovery_message, data_file.backup_warning):
                if message:
                    self.warnings.append(message)

    def data_stamp(self) -> tuple[Stamp | None, Stamp | None]:
        """What changes whenever a data file is saved, by this process or another: a stat of each
        (inode, size, modification time), no read."""
        return file_stamp(self.user.path), file_stamp(self.schedules.path)

    def changed_elsewhere(self, seen: tuple[Stamp | None, Stamp | None]) -> tuple[tuple[Stamp | None, Stamp | None], bool]:
        """The data files' stamp now, and whether something other than this store's own saves
        changed them since ``seen`` (another process: the command line, a second app). Two stats;
        the app asks once a second and reloads its screens when the answer is yes."""
        now = self.data_stamp()
        files = (self.user, self.schedules)
        return now, not all(data_file.only_own_saves(old, new) for data_file, old, new in zip(files, seen, now))

    # Conferences and sessions -------------------------------------------------------------

    def conferences(self) -> list[Conference]:
        rows = self.schedules.rows("conferences")
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
        rows = self.schedules.rows("sessions").values()
        sessions = [
            Session.from_dict(row) for row in rows
            if (conference_id is None or row["conference"] == conference_id) and _times_in_range(row)
        ]
        sessions.sort(key=lambda s: (s.start, s.room, s.title))
        return sessions

    def sessions_on(self, conference: Conference, day: date, zone: tzinfo) -> list[Session]:
        """The sessions of one conference day (see Session.conference_day), reading only the chunks
        that hold that day's hours."""
        begin = datetime.combine(day, time(), zone) + DAY_CUTOFF
        end = datetime.combine(day + timedelta(days=1), time(), zone) + DAY_CUTOFF
        wanted = day.isoformat()
        # The hours from 05:00 to 05:00 are the day's (Session.conference_day) unless the source says otherwise.
        return self._sessions_by_hours(conference.id, begin, end, extra_key=day_key(wanted), day=wanted)

    def sessions_after(self, session: Session) -> list[Session]:
        """The sessions of ``session``'s conference starting within the hour after it ends (reading
        only those hours)."""
        return self._sessions_by_hours(session.conference, session.end - timedelta(minutes=5), session.end + timedelta(hours=1))

    def sessions_around(self, conference: Conference, now: datetime, zone: tzinfo) -> list[Session]:
        """What a view of now and next needs: the sessions from half a day before ``now`` to the end
        of its conference day, reading only those hours; all of them when nothing more happens in
        that window (what is next is another day)."""
        day = (now.astimezone(zone) - DAY_CUTOFF).date()
        day_end = datetime.combine(day + timedelta(days=1), time(), zone) + DAY_CUTOFF
        window = self._sessions_by_hours(conference.id, now - timedelta(hours=12), day_end)
        if any(s.start > now and s.status != "cancelled" for s in window):
            return window
        return self.sessions(conference.id)

    def _sessions_by_hours(
        self, conference_id: str, begin: datetime, end: datetime, *, extra_key: str = "", day: str = ""
    ) -> list[Session]:
        first = begin.astimezone(timezone.utc)
        last = end.astimezone(timezone.utc)
        keys = {hour_key((first + timedelta(hours=h)).isoformat())
                for h in range(int((last - first).total_seconds() // 3600) + 2)}
        if extra_key:
            keys.add(extra_key)
        rows = self.schedules.rows_with("sessions", *keys).values()
        # Stored starts are UTC ISO text, which compares in time order: build only the sessions wanted.
        low, high = first.isoformat(), last.isoformat()
        sessions = [
            Session.from_dict(row) for row in rows
            if row["conference"] == conference_id
            and ((day and row.get("day") == day) or (not (day and row.get("day")) and low <= row["start"] < high))
            and _times_in_range(row)
        ]
        sessions.sort(key=lambda s: (s.start, s.room, s.title))
        return sessions

    def session(self, session_id: str) -> Session:
        for row in self.schedules.rows("sessions").values():
            if row["id"] == session_id and _times_in_range(row):
                return Session.from_dict(row)
        raise NotFoundError(f"no session with id {session_id!r}")

    def save_schedule(
        self, conference: Conference, sessions: list[Session], *, allow_shrink: bool = False
    ) -> ScheduleChanges:
        """Store an imported schedule, merging with what was there by stable session id.

        Sessions whose time or room changed are marked ``changed``; starred sessions that
        disappeared are kept as ``cancelled`` so the user sees it. An import that yields far
        fewer sessions than are stored is refused unless ``allow_shrink``. An import that would
        store what is stored already (the fetch time aside) writes nothing, not even a backup.
        """
        if not sessions:
            raise CompanionError(f"{conference.source or conference.name}: no sessions found; the stored schedule is kept")
        starred = self.starred_ids()
        rows = [row for row in self.schedules.rows("sessions").values() if row["conference"] == conference.id]
        stored = sum(1 for row in rows if row.get("status") != "cancelled")
        if not allow_shrink and stored and len(sessions) < stored * SHRINK_LIMIT:
            raise ScheduleShrinkError(
                f"{conference.source or conference.name}: {len(sessions)} sessions now against {stored} stored; "
                f"the stored schedule is kept (replace it anyway with --force)"
            )
        conference_rows = [row for row in self.schedules.rows("conferences").values() if row.get("id") == conference.id]
        changes, kept = _merge_schedule(conference, sessions, starred, conference_rows, rows)
        if not kept:
            return changes  # the same as stored: nothing to write
        self.schedules.backup("import")
        with self.schedules.transaction() as db:
            conferences = db.table("conferences")
            table = db.table("sessions")
            changes, kept = _merge_schedule(
                conference, sessions, starred, conferences.search(where("id") == conference.id),
                table.search(where("conference") == conference.id),
            )
            if not kept:
                return changes  # another process stored the same meanwhile
            conferences.remove(where("id") == conference.id)
            conferences.insert(conference.to_dict())
            table.remove(where("conference") == conference.id)
            table.insert_multiple(session.to_dict() for session in kept)
        return changes

    def remove_conference(self, conference_id: str) -> int:
        """Forget a conference's schedule (stars and notes stay in the user file)."""
        self.conference(conference_id)
        self.schedules.backup("remove")
        with self.schedules.transaction() as db:
            db.table("conferences").remove(where("id") == conference_id)
            return len(db.table("sessions").remove(where("conference") == conference_id))

    # Their public work (kept with the schedules: it can be fetched again) ------------------

    def work_rows(self, person_id: int) -> dict[str, dict[str, Any]]:
        """What `companion research` kept for a person, as stored: source -> row (items, validators)."""
        rows = self.schedules.rows_with("work", person_id).values()
        return {row["source"]: row for row in rows if row.get("person_id") == person_id and isinstance(row.get("source"), str)}

    def work(self, person_id: int) -> list[KeptWork]:
        """What `companion research` kept for a person, as records (one per source), in source order."""
        return kept_work(self.work_rows(person_id).values())

    def save_work(self, person_id: int, rows: Sequence[dict[str, Any]]) -> None:
        """Keep a person's research: each row replaces the kept row of its source (the others stay)."""
        if not rows:
            return
        with self.schedules.transaction() as db:
            table = db.table("work")
            for row in rows:
                table.remove((where("person_id") == person_id) & (where("source") == row["source"]))
                table.insert({**row, "person_id": person_id})

    # Stars (user data keyed by session id, so they survive re-imports) -------------------

    def starred_ids(self) -> set[str]:
        return {row["session_id"] for row in self.user.rows("stars").values()}

    def set_star(self, session_id: str, starred: bool) -> None:
        with self.user.transaction() as db:
            stars = db.table("stars")
            stars.remove(where("session_id") == session_id)
            if starred:
                stars.insert({"session_id": session_id})

    # Settings: the user's choices that every screen and command follows (user data) ---------------

    def setting(self, name: str, default: str = "") -> str:
        """A setting's value (``default`` when never set), e.g. ``times`` (companion.clock)."""
        for row in self.user.rows("settings").values():
            if row.get("name") == name and isinstance(row.get("value"), str):
                return row["value"]
        return default

    def set_setting(self, name: str, value: str) -> None:
        with self.user.transaction() as db:
            settings = db.table("settings")
            settings.remove(where("name") == name)
            settings.insert({"name": name, "value": value})

    def clock(self, conference: Conference | None = None) -> Clock:
        """How times are shown for ``conference`` (default: the current one): companion.clock."""
        from companion.clock import CONFERENCE, SETTING, clock_for

        return clock_for(conference if conference is not None else self.current_conference(),
                         self.setting(SETTING, CONFERENCE))

    # People ------------------------------------------------------------------------------

    def people(self) -> list[Person]:
        rows = self.user.rows("people")
        people = [Person.from_dict(row, id=int(doc_id)) for doc_id, row in rows.items()]
        people.sort(key=lambda p: normalise_name(p.name))
        return people

    def people_list(self) -> PeopleList:
        """Every person as a list shows them (ids in name order, and the filter), from the small
        search summaries kept beside the people: no person is read, and the filter's texts only when
        the first words are typed. Kept while the summaries are unchanged, so a save that changes
        no name (a priority, a note) costs no new list."""
        from companion.lookup import SUMMARY_NAME_KEY, SUMMARY_OTHER_KEYS, SUMMARY_ROLE_KEY, filter_text

        def read_texts() -> tuple[list[str], list[str]]:
            ids, columns = self.user.summaries("people", (SUMMARY_NAME_KEY, SUMMARY_OTHER_KEYS, SUMMARY_ROLE_KEY))
            return ids, list(map(filter_text, *columns)) if columns else []

        listed = PeopleList([], PeopleIndex([], []))
        for _attempt in range(READ_ATTEMPTS):
            version = self.user.summary_version("people")
            cached = self._people_list
            if version is not None and cached is not None and cached[0] == version:
                return cached[1]
            ids, columns = self.user.summaries("people", (SUMMARY_NAME_KEY,))
            listed = PeopleList.from_summaries(ids, columns[0] if columns else [], read_texts)
            if version is None or self.user.summary_version("people") == version:
                self._people_list = (version, listed) if version is not None else None
                return listed
        return listed

    def person_as_listed(self, person_id: int) -> tuple[str, str, str] | None:
        """A person's name and affiliation as a list shows them (cleaned, one line, cut: from the
        summaries) and their priority; ``None`` when there is no such person."""
        from companion.lookup import SUMMARY_AFFILIATION, SUMMARY_NAME

        row = self.user.row("people", person_id)
        shown = self.user.summary_of("people", person_id)
        if row is None or shown is None or len(shown) <= SUMMARY_AFFILIATION:
            return None
        priority = row.get("priority")
        return shown[SUMMARY_NAME], shown[SUMMARY_AFFILIATION], priority if isinstance(priority, str) else ""

    def person(self, person_id: int) -> Person:
        row = self.user.row("people", person_id)
        if row is None:
            raise NotFoundError(f"no person with id {person_id}")
        return Person.from_dict(row, id=person_id)

    def add_people(self, people: Iterable[Person], progress: Callable[[int], None] | None = None) -> PeopleChanges:
        """Add people, merging each into someone already on the list who is the same person (the
        rules are companion.identity's: same email, profile, or name with nothing against it; what
        is stored wins). ``progress`` is called now and then with how many were compared."""
        from tinydb.table import Document

        from companion.identity import plan_people_merge

        changes = PeopleChanges()
        people = [_named(person) for person in people]
        with self.user.transaction() as db:
            table = db.table("people")
            stored = {document.doc_id: Person.from_dict(document, id=document.doc_id) for document in table.all()}
            plan = plan_people_merge(stored.values(), people, progress)
            new, changed, merges = plan.new, plan.changed, plan.merges
            # One pass over the table for all the changes: TinyDB copies the whole table on every
            # insert or update, so one call per person would make a large import quadratic.
            if changed:
                table.remove(doc_ids=list(changed))
                table.insert_multiple(Document(person.to_dict(), doc_id=doc_id) for doc_id, person in changed.items())
            final = dict(changed)
            new_ids = table.insert_multiple(p.to_dict() for p in new) if new else []  # nothing to write: no write
            for placeholder, (person, doc_id) in enumerate(zip(new, new_ids)):
                person.id = doc_id
                final[-placeholder - 1] = person
        changes.added = new
        changes.merges = [(final.get(found_id) or stored[found_id], reason) for found_id, reason in merges]
        changes.unchanged = [(stored[found_id], reason) for found_id, reason in plan.unchanged]
        changes.possible = [
            (final[placeholder], final.get(other) or stored[other], why) for placeholder, other, why in plan.possible
        ]
        return changes

    def save_person(self, person: Person, *, base: Person | None = None) -> Person:
        """Add a person (id 0), or save one. With ``base``, the person as read before the edit, only
        the fields the edit changed are written (:meth:`edit_person`); without it, the whole record."""
        _named(person)
        if base is not None and person.id:
            return self.edit_person(base, person)[0]
        with self.user.transaction() as db:
            table = db.table("people")
            if person.id:
                table.update(person.to_dict(), doc_ids=[person.id])
            else:
                person.id = table.insert(person.to_dict())
        return person

    def edit_person(self, base: Person, edited: Person) -> tuple[Person, list[str]]:
        """Save the fields ``edited`` changed from ``base`` (the person as a screen or command read
        them), merged inside the lock with the person as stored now: tags, links or a last
        interaction added meanwhile elsewhere stay (companion.merge). Returns the person as saved
        and the fields both sides changed differently (both kept, or the edit's choice)."""
        from companion.merge import PERSON_RULES, merge_rows

        _named(edited)
        with self.user.transaction() as db:
            current = self._edited_row("people", edited.id, edited.name)
            merged = merge_rows(base.to_dict(), edited.to_dict(), current, PERSON_RULES)
            changed = {name: value for name, value in merged.row.items() if current.get(name) != value}
            if changed:
                db.table("people").update(changed, doc_ids=[edited.id])
        return Person.from_dict(merged.row, id=edited.id), merged.conflicts

    def set_priority(self, person_id: int, priority: str) -> Person:
        """Change one person's priority: one field of one row, read and written inside the lock."""
        if priority not in PRIORITIES:
            raise CompanionError(f"unknown priority {priority!r} (one of {', '.join(PRIORITIES)})")
        with self.user.transaction() as db:
            person = self.person(person_id)
            if person.priority != priority:
                person.priority = priority
                db.table("people").update({"priority": priority}, doc_ids=[person_id])
        return person

    def _edited_row(self, table: str, doc_id: int, what: str) -> dict[str, Any]:
        row = self.user.row(table, doc_id)
        if row is None:
            raise NotFoundError(f"{what} was removed elsewhere meanwhile; nothing was saved")
        return dict(row)

    def search_people(self, query: str, limit: int = 8, *, rows: int | None = None) -> list[tuple[Person, float]]:
        """People matching ``query`` (fuzzy on name, handle, affiliation, tags), best first, with a
        score from 0 to 100; compares the small search summaries kept beside the people, and reads
        the rows of the people it returns only. With ``rows``, only the first ``rows`` matches are
        read in full; the others carry just their id, name and affiliation (enough to list them)."""
        for _attempt in range(READ_ATTEMPTS - 1):
            try:
                return self._search_people(query, limit, rows)
            except _PeopleChanged:
                continue  # another process saved between two reads: search again
        return self._search_people(query, limit, rows, last=True)

    def _search_people(self, query: str, limit: int, rows: int | None, last: bool = False) -> list[tuple[Person, float]]:
        from companion.lookup import SUMMARY_AFFILIATION, SUMMARY_NAME, SUMMARY_OTHER_KEYS, rank, typed_first

        ids, names = self._people_names()

        def others() -> list[str]:
            other_ids, values = self._people_names(field=SUMMARY_OTHER_KEYS)
            if other_ids != ids and not last:
                raise _PeopleChanged
            return values if other_ids == ids else [""] * len(ids)

        def shown_name(index: int) -> str:
            summary = self.user.summary_of("people", ids[index]) or []
            return summary[SUMMARY_NAME] if len(summary) > SUMMARY_NAME else ""

        found = typed_first(rank(names, others, query, limit), shown_name, query)
        matches = []
        for position, (index, score) in enumerate(found):
            shown = None if rows is None or position < rows else self.user.summary_of("people", ids[index])
            try:
                person = (self.person(int(ids[index])) if shown is None or len(shown) <= SUMMARY_AFFILIATION
                          else Person(name=shown[SUMMARY_NAME], affiliation=shown[SUMMARY_AFFILIATION], id=int(ids[index])))
            except NotFoundError:
                if last:
                    continue  # removed since the search read the names
                raise _PeopleChanged from None
            matches.append((person, score))
        return matches

    def _people_names(self, field: int = 0) -> tuple[list[str], list[str]]:
        """The people's ids and normalised names (or another field of their search summaries:
        see lookup.people_summary)."""
        ids, columns = self.user.summaries("people", (field,))
        return ids, columns[0] if columns else []

    def _point_ids(self, person_id: int) -> list[int]:
        rows = self.user.rows_with("points", person_id)
        return [int(doc_id) for doc_id, row in rows.items() if row.get("person_id") == person_id]

    def remove_person(self, person_id: int) -> tuple[Person, TalkingPoint | None]:
        """Remove a person and their talking points; notes and follow-ups about them are kept.
        Returns what was removed, for :meth:`restore_person`."""
        with self.user.transaction() as db:
            person = self.person(person_id)
            point = self.talking_point(person_id)
            db.table("people").remove(doc_ids=[person_id])
            db.table("points").remove(doc_ids=self._point_ids(person_id))
        return person, point

    def restore_person(self, person: Person, point: TalkingPoint | None = None) -> Person:
        """Put a removed person back under their old id, with their talking point (undo)."""
        from tinydb.table import Document

        with self.user.transaction() as db:
            db.table("people").insert(Document(person.to_dict(), doc_id=person.id))
            if point is not None:
                db.table("points").insert(point.to_dict())
        return person

    def merge_people(self, keep_id: int, other_id: int) -> dict[str, Any]:
        """Merge the person ``other_id`` into ``keep_id`` by hand (companion.identity.combine_people:
        nothing of either is lost): their talking points are combined, and the notes, promises,
        introductions and follow-ups about ``other_id`` are re-pointed to ``keep_id``; then
        ``other_id`` is removed. Returns the merge as kept in the ``merges`` table, which
        :meth:`undo_merge` reads to put everything back."""
        from companion.coach import remember
        from companion.identity import combine_people

        if keep_id == other_id:
            raise CompanionError("a person cannot be merged with themselves; name two different people")
        with self.user.transaction() as db:
            kept, other = self.person(keep_id), self.person(other_id)
            merged = combine_people(kept, other)
            kept_point, other_point = self.talking_point(keep_id), self.talking_point(other_id)
            point = _combined_point(keep_id, kept_point, other_point)
            if point is not None and point != kept_point:
                remember(point)  # the coach's verdict on the combined answers
            people = db.table("people")
            people.update(merged.to_dict(), doc_ids=[keep_id])
            people.remove(doc_ids=[other_id])
            points = db.table("points")
            points.remove(doc_ids=self._point_ids(keep_id) + self._point_ids(other_id))
            if point is not None:
                points.insert(point.to_dict())
            note_rows: dict[str, Any] = {}
            notes = db.table("notes")
            for doc_id, row in self.user.rows_with("notes", other_id).items():
                if other_id not in row.get("person_ids", ()):
                    continue
                note_rows[doc_id] = {key: row.get(key) for key in ("person_ids", "promises", "intros")}
                notes.update(_repointed_note(row, other_id, keep_id), doc_ids=[int(doc_id)])
            followup_ids = [int(doc_id) for doc_id, row in self.user.rows_with("followups", other_id).items()
                            if row.get("person_id") == other_id]
            if followup_ids:
                db.table("followups").update({"person_id": keep_id}, doc_ids=followup_ids)
            record = {
                "kept": keep_id, "removed": other_id, "when": to_utc_text(_utcnow()),
                "kept_before": kept.to_dict(), "kept_after": merged.to_dict(), "removed_row": other.to_dict(),
                "points": [p.to_dict() if p is not None else None for p in (kept_point, other_point, point)],
                "notes": note_rows, "followups": followup_ids,
            }
            record["id"] = db.table("merges").insert(record)
        return record

    def merges(self) -> list[dict[str, Any]]:
        """The merges by hand that can be undone, newest last (each with its ``id``)."""
        rows = self.user.rows("merges")
        return [{**row, "id": int(doc_id)} for doc_id, row in sorted(rows.items(), key=lambda item: int(item[0]))]

    def undo_merge(self, merge_id: int | None = None) -> dict[str, Any]:
        """Undo a merge by hand (the newest when ``merge_id`` is None): the removed person is back
        under their old id with their talking point, notes and follow-ups; the kept person loses
        what the merge gave them, keeping what was changed since (companion.merge)."""
        from tinydb.table import Document

        from companion.merge import PERSON_RULES, merge_rows

        with self.user.transaction() as db:
            records = self.merges()
            if not records:
                raise NotFoundError("no merge to undo")
            chosen = [r for r in records if merge_id is None or r["id"] == merge_id]
            if not chosen:
                raise NotFoundError(f"no merge with number {merge_id} (merges to undo: {', '.join(str(r['id']) for r in records)})")
            record = chosen[-1]
            keep_id, other_id = record["kept"], record["removed"]
            people = db.table("people")
            if self.user.row("people", other_id) is not None:
                raise CompanionError(f"person {other_id} is on the list again; the merge cannot be undone")
            current = self.user.row("people", keep_id)
            if current is not None:
                row = merge_rows(record["kept_after"], record["kept_before"], dict(current), PERSON_RULES).row
                people.update(row, doc_ids=[keep_id])
            people.insert(Document(record["removed_row"], doc_id=other_id))
            kept_point, other_point, after_point = record["points"]
            points = db.table("points")
            now_point = self.talking_point(keep_id)
            if after_point is not None and now_point is not None and _answers(now_point.to_dict()) == _answers(after_point):
                points.remove(doc_ids=self._point_ids(keep_id))
                if kept_point is not None:
                    points.insert(kept_point)
            if other_point is not None:
                points.insert(other_point)
            notes = db.table("notes")
            for doc_id, fields in record["notes"].items():
                if self.user.row("notes", int(doc_id)) is not None:
                    notes.update(fields, doc_ids=[int(doc_id)])
            followups = [i for i in record["followups"] if (self.user.row("followups", i) or {}).get("person_id") == keep_id]
            if followups:
                db.table("followups").update({"person_id": other_id}, doc_ids=followups)
            db.table("merges").remove(doc_ids=[record["id"]])
        return record

    def speaking_sessions(self, person: Person) -> list[Session]:
        """The sessions where ``person`` speaks or may speak (as :meth:`sessions_for`), reading only
        the speaker names the schedule's index keeps and the chunks that hold theirs."""
        return [session for session, _others in self.speaking_talks(person)]

    def speaking_talks(self, person: Person) -> list[tuple[Session, tuple[int, ...]]]:
        """:meth:`speaking_sessions`, each with the other people its speaker may be instead (empty
        when surely ``person``; see :meth:`SpeakerMatcher.doubts_for`)."""
        speakers = [key[len(SPEAKER_KEY_PREFIX):] for key in self.schedules.index_keys("sessions", SPEAKER_KEY_PREFIX)]
        likely: set[str] = set()
        for key in (normalise_name(person.name), *self._merged_names().get(person.id, ())):
            likely |= likely_names(key, speakers, speakers)
        if not likely:
            return []
        matcher = self.speaker_matcher(few=True)  # a few speaker names: look each up
        theirs: dict[str, tuple[int, ...]] = {}
        for name in likely:
            others = matcher.match(name).others_than(person.id) if person.id is not None else None
            if others is not None:
                theirs[name] = others
        if not theirs:
            return []
        rows = self.schedules.rows_with("sessions", *(speaker_key(key) for key in theirs)).values()
        found = []
        for row in rows:
            names = [normalise_name(speaker["name"]) for speaker in row.get("speakers", ())]
            if any(name in theirs for name in names) and _times_in_range(row):
                found.append((Session.from_dict(row), _doubt([theirs[name] for name in names if name in theirs])))
        return found

    def speaker_matcher(self, *, few: bool = False) -> SpeakerMatcher:
        """The one way to a matcher from speaker names to the people on the list (see
        companion.matching): built from the people's search summaries, so no Person is built until a
        speaker is found to be one (its ``by_id`` reads people as they are asked for); ``few`` for a
        handful of names."""
        ids, names = self._people_names()
        people_ids = list(map(int, ids))
        merged = self._merged_names()
        if merged:  # a record merged away by hand still names its person (their talks stay theirs)
            there = set(people_ids)
            pairs = [(kept, name) for kept, names in merged.items() if kept in there for name in names]
            people_ids, names = people_ids + [kept for kept, _ in pairs], [*names, *(name for _, name in pairs)]
        return SpeakerMatcher(people_ids, names, by_id=_PeopleById(self), few=few)

    def _merged_names(self) -> dict[int, list[str]]:
        """The normalised names of the records merged by hand into each kept person (``merges``)."""
        found: dict[int, list[str]] = {}
        for row in self.user.rows("merges").values():
            name = normalise_name(str(row.get("removed_row", {}).get("name", "")))
            if name and isinstance(row.get("kept"), int):
                found.setdefault(row["kept"], []).append(name)
        return found

    def sessions_for(
        self, person: Person, sessions: list[Session] | None = None, matcher: SpeakerMatcher | None = None
    ) -> list[Session]:
        """The sessions where ``person`` speaks: accents, middle names and small typos allowed, never a
        guess (a speaker who may be them or another, two records of the same name, counts: see
        :meth:`talks_in` for which)."""
        return [session for session, _others in self.talks_in(person, sessions, matcher)]

    def talks_in(
        self, person: Person, sessions: list[Session] | None = None, matcher: SpeakerMatcher | None = None
    ) -> list[tuple[Session, tuple[int, ...]]]:
        """:meth:`sessions_for`, each with the other people its speaker may be instead (empty when
        surely ``person``)."""
        candidates = self.sessions() if sessions is None else sessions
        names = list({speaker.name for session in candidates for speaker in session.speakers})
        matcher = matcher or self.speaker_matcher()
        theirs = dict(matcher.doubts_for(person, names))
        for other in self._merged_names().get(person.id, ()):
            for name, others in matcher.doubts_for(Person(name=other, id=person.id), names).items():
                theirs[name] = others if name not in theirs else _doubt([theirs[name], others])
        return [(s, _doubt([theirs[sp.name] for sp in s.speakers if sp.name in theirs]))
                for s in candidates if any(speaker.name in theirs for speaker in s.speakers)]

    # Talking points ------------------------------------------------------------------------

    def talking_point(self, person_id: int) -> TalkingPoint | None:
        for row in self.user.rows_with("points", person_id).values():
            if row["person_id"] == person_id:
                return TalkingPoint.from_dict(row)
        return None

    def talking_points(self) -> dict[int, TalkingPoint]:
        rows = self.user.rows("points").values()
        return {row["person_id"]: TalkingPoint.from_dict(row) for row in rows}

    def save_talking_point(self, point: TalkingPoint, *, base: TalkingPoint | None = None) -> TalkingPoint:
        """Save a person's talking point. With ``base``, the point as read before the edit, only the
        answers the edit changed are written (:meth:`edit_talking_point`); without it, the whole point."""
        if base is not None:
            return self.edit_talking_point(base, point)[0]
        from companion.coach import remember

        point.updated = _utcnow()
        remember(point)
        with self.user.transaction() as db:
            self.person(point.person_id)
            table = db.table("points")
            table.remove(doc_ids=self._point_ids(point.person_id))
            table.insert(point.to_dict())
        return point

    def edit_talking_point(self, base: TalkingPoint, edited: TalkingPoint) -> tuple[TalkingPoint, list[str]]:
        """Save the answers ``edited`` changed from ``base`` (the point as the form or command read
        it; an empty point when there was none), merged inside the lock with the point as stored
        now: an answer given meanwhile elsewhere stays, and an answer changed on both sides keeps
        both texts (companion.merge). Returns the point as saved and the answers changed on both sides."""
        from companion.coach import remember
        from companion.merge import POINT_RULES, merge_rows

        remember(edited)  # the coach is the slow part: judged outside the lock, again only if merged
        with self.user.transaction() as db:
            self.person(edited.person_id)
            current = self.talking_point(edited.person_id) or TalkingPoint(person_id=edited.person_id)
            merged = merge_rows(base.to_dict(), edited.to_dict(), current.to_dict(), POINT_RULES)
            point = TalkingPoint.from_dict({**merged.row, "coach": edited.coach})
            if any(getattr(point, key) != getattr(edited, key) for key in TalkingPoint.ANSWERS):
                remember(point)
            point.updated = _utcnow()
            table = db.table("points")
            table.remove(doc_ids=self._point_ids(point.person_id))
            table.insert(point.to_dict())
        return point, merged.conflicts

    def refresh_coach_verdicts(self) -> int:
        """Keep today's coach's verdict with every talking point whose kept verdict is out of date
        (saved by an older coach): ``who`` then shows a card without running the coach. The answers
        are not touched; a point edited meanwhile is left for its own save. Returns how many."""
        from companion.coach import remember, verdict_holds

        stale = [TalkingPoint.from_dict(row) for row in self.user.rows("points").values()]
        stale = [point for point in stale if not verdict_holds(point)]
        if not stale:
            return 0
        judged = {point.person_id: remember(point).coach for point in stale}  # the slow part, outside the lock
        refreshed = 0
        with self.user.transaction() as db:
            table = db.table("points")
            for doc in table.all():
                verdict = judged.get(int(doc.get("person_id", -1)))
                if verdict is None:
                    continue
                current = TalkingPoint.from_dict(doc)
                current.coach = verdict
                if verdict_holds(current):  # the same answers as judged: nobody edited it meanwhile
                    table.update({"coach": verdict}, doc_ids=[doc.doc_id])
                    refreshed += 1
        return refreshed

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
        """Save a note and the follow-ups it asks for, in one durable write.

        On a note about several people each promise and introduction names its person
        (:class:`companion.followups.ForPerson`), else nothing is saved. The words are never refused for what they are about: a session gone from the schedule (a
        re-import removed it) or a person removed from the list since the note was begun is left
        out, and the note saved without it; compare the note's ``session_id`` and ``person_ids``
        with what was asked to tell the user."""
        now = now or _utcnow()
        from companion.followups import NoteActions, plan_followups

        actions = actions or NoteActions()
        actions.check_addressed(person_ids)  # a promise on a note about several people says for whom
        conference = ""
        if session_id:
            try:
                conference = self.session(session_id).conference
            except NotFoundError:
                session_id = ""
        with self.user.transaction() as db:
            people = [person for person in map(self._person_or_none, person_ids) if person is not None]
            person_ids = [person.id for person in people]
            said = actions.note_fields()
            note = Note(text=text, created=now, person_ids=person_ids, session_id=session_id, conference=conference,
                        promises=said["promises"], intros=said["intros"])
            note.id = db.table("notes").insert(note.to_dict())
            history = [item for person_id in person_ids for item in self.followups(person_id=person_id)
                       ] if actions.waiting else []
            followups = plan_followups(note, people, actions, now.astimezone().date(), now, history=history)
            table = db.table("followups")
            for followup in followups:
                followup.id = table.insert(followup.to_dict())
            people_table = db.table("people")
            for person in people:
                person.last_interaction = now
                people_table.update({"last_interaction": person.to_dict()["last_interaction"]}, doc_ids=[person.id])
        return note, followups

    def note(self, note_id: int) -> Note:
        row = self.user.row("notes", note_id)
        if row is None:
            raise NotFoundError(f"no note with id {note_id}")
        return Note.from_dict(row, id=note_id)

    def update_note(self, note_id: int, text: str, *, base: str | None = None) -> Note:
        """Change a note's text. With ``base``, the text as read before the edit: when the note was
        changed elsewhere meanwhile, both texts are kept (companion.merge)."""
        from companion.merge import NOTE_RULES, merge_rows

        with self.user.transaction() as db:
            note = self.note(note_id)
            if base is not None:
                text = merge_rows({"text": base}, {"text": text}, {"text": note.text}, NOTE_RULES).row["text"]
            note.text = text
            db.table("notes").update({"text": text}, doc_ids=[note_id])
        return note

    def delete_note(self, note_id: int) -> Note:
        """Delete a note (its follow-ups stay: they are tasks of their own); returns it for undo."""
        with self.user.transaction() as db:
            note = self.note(note_id)
            db.table("notes").remove(doc_ids=[note_id])
        return note

    def restore_note(self, note: Note) -> Note:
        """Put a deleted note back under its old id (undo)."""
        from tinydb.table import Document

        with self.user.transaction() as db:
            db.table("notes").insert(Document(note.to_dict(), doc_id=note.id))
        return note

    def notes(self, person_id: int | None = None, session_id: str | None = None) -> list[Note]:
        if person_id is not None:
            rows = self.user.rows_with("notes", person_id)
        elif session_id is not None:
            rows = self.user.rows_with("notes", session_key(session_id))
        else:
            rows = self.user.rows("notes")
        notes = [
            Note.from_dict(row, id=int(doc_id))
            for doc_id, row in rows.items()
            if (person_id is None or person_id in row.get("person_ids", ()))
            and (session_id is None or row.get("session_id") == session_id)
        ]
        notes.sort(key=lambda n: (n.created, n.id))
        return notes

    def followups(self, *, statuses: Iterable[str] | None = None, person_id: int | None = None) -> list[FollowUp]:
        wanted = set(statuses) if statuses is not None else None
        rows = self.user.rows_with("followups", person_id) if person_id is not None else self.user.rows("followups")
        items = [
            FollowUp.from_dict(row, id=int(doc_id))
            for doc_id, row in rows.items()
            if (wanted is None or row.get("status") in wanted) and (person_id is None or row["person_id"] == person_id)
        ]
        items.sort(key=lambda f: (f.due, f.id))
        return items

    def followup(self, followup_id: int) -> FollowUp:
        row = self.user.row("followups", followup_id)
        if row is None:
            raise NotFoundError(f"no follow-up with id {followup_id}")
        return FollowUp.from_dict(row, id=followup_id)

    def set_followup_status(
        self, followup_id: int, status: str, *, until: date | None = None, now: datetime | None = None
    ) -> list[FollowUp]:
        """Mark a follow-up done, waiting, dropped or open (snoozed ``until`` a date).

        Returns the changed follow-up and any follow-up its completion unlocked. An introduction
        ask marked done means asked: it waits for the answer (:meth:`answer_followup`); dropped, it
        ends the introduction without a yes (silence). A nudge marked done with no interaction since it was planned (nudged, still
        no reply) closes kindly instead: status ``dropped``, detail "no reply, and that is fine",
        and never a second nudge (see companion.followups).
        """
        from companion.followups import close_kindly, closes_kindly_when_done, is_intro_ask, next_step

        if status not in FOLLOWUP_STATUSES:
            raise CompanionError(f"unknown follow-up status {status!r}")
        now = now or _utcnow()
        changed: list[FollowUp] = []
        with self.user.transaction() as db:
            table = db.table("followups")
            item = self.followup(followup_id)
            if is_intro_ask(item) and item.status in ("open", "waiting"):
                if status == "done":
                    status = "waiting"  # asked: the introduction waits for their answer
                elif status == "dropped":
                    return self.answer_followup(followup_id, "", now=now)
            person = self._person_or_none(item.person_id)
            if status == "done" and item.status in ("open", "waiting") and closes_kindly_when_done(item, person):
                close_kindly(item, now)
                table.update(item.to_dict(), doc_ids=[item.id])
                return [item]
            item.status = status
            if until is not None:
                item.due = until
            item.sequence += 1
            item.updated = now
            table.update(item.to_dict(), doc_ids=[item.id])
            changed.append(item)
            if status == "done" and person is not None:
                note_row = db.table("notes").get(doc_id=item.note_id)
                if note_row is not None:
                    note = Note.from_dict(note_row, id=item.note_id)
                    step = next_step(item, person, note, now.astimezone().date(), now)
                    if step is not None and not table.search(where("uid") == step.uid):
                        step.id = table.insert(step.to_dict())
                        changed.append(step)
        return changed

    def add_hellos(
        self, conference_id: str, *, today: date | None = None, now: datetime | None = None
    ) -> tuple[list[FollowUp], int]:
        """Plan a virtual hello (companion.followups.plan_hello) to each person on the list who speaks
        at the conference, about their first talk there (cancelled talks left out), in one write.
        A person who has one for this conference already (any status) gets none again. Returns the
        hellos added and how many speakers already had one."""
        from companion.followups import hello_uid, plan_hello

        now = now or _utcnow()
        today = today or now.astimezone().date()
        conference = self.conference(conference_id)
        matcher = self.speaker_matcher()
        talks: dict[int, Session] = {}
        for session in self.sessions(conference.id):
            if session.status == "cancelled":
                continue
            for speaker in session.speakers:
                person_id = matcher.match(speaker.name).person_id
                if person_id is not None:
                    talks.setdefault(person_id, session)
        added: list[FollowUp] = []
        had = 0
        if not talks:
            return added, had
        with self.user.transaction() as db:
            table = db.table("followups")
            for person_id, session in talks.items():
                person = self._person_or_none(person_id)
                if person is None:
                    continue
                if table.search(where("uid") == hello_uid(conference.id, person_id)):
                    had += 1
                    continue
                hello = plan_hello(conference.id, conference.first_day, person, session.title, today, now)
                hello.id = table.insert(hello.to_dict())
                added.append(hello)
        added.sort(key=lambda f: (f.due, f.title))
        return added, had

    def record_export(self, marks: dict[int, dict[str, dict[str, Any]]]) -> int:
        """Remember what calendar targets were sent (``FollowUp.exported``; see companion.exporters.ics),
        merged inside the lock into the follow-ups as they are now: only the targets named change, and
        a follow-up removed meanwhile is skipped. Nothing to record writes nothing. Returns how many
        follow-ups changed."""
        if not marks:
            return 0
        changed = 0
        with self.user.transaction() as db:
            table = db.table("followups")
            for followup_id, entries in marks.items():
                row = table.get(doc_id=followup_id)
                if row is None:
                    continue
                exported = dict(row.get("exported") or {})
                exported.update({target: dict(sent) for target, sent in entries.items()})
                table.update({"exported": exported}, doc_ids=[followup_id])
                changed += 1
        return changed

    def intro_thread(self, item: FollowUp) -> list[FollowUp]:
        """The other follow-ups of ``item``'s introduction (its other ask, the introduction itself)."""
        from companion.followups import in_thread

        return in_thread(item, self.followups(person_id=item.person_id))

    def answer_followup(self, followup_id: int, answer: str, *, now: datetime | None = None) -> list[FollowUp]:
        """Record the answer to an introduction ask: ``yes``, ``no``, or ``""`` (dropped: no answer).

        Returns the follow-ups changed (the ask first; the other ask when a no or silence ends the
        introduction) and, when everyone asked has said yes, the introduction planned (last)."""
        from companion.followups import in_thread, record_answer

        now = now or _utcnow()
        with self.user.transaction() as db:
            table = db.table("followups")
            item = self.followup(followup_id)
            thread = in_thread(item, self.followups(person_id=item.person_id))
            person = self._person_or_none(item.person_id) or Person(name="", id=item.person_id)
            note_row = db.table("notes").get(doc_id=item.note_id) if item.note_id else None
            note = Note.from_dict(note_row, id=item.note_id) if note_row is not None else Note(
                text="", created=now, id=item.note_id)
            changed, intro = record_answer(item, answer, thread, person, note, now.astimezone().date(), now)
            for followup in changed:
                table.update(followup.to_dict(), doc_ids=[followup.id])
            if intro is not None and not table.search(where("uid") == intro.uid):
                intro.id = table.insert(intro.to_dict())
                changed.append(intro)
        return changed

    def put_back_followups(self, before: list[FollowUp], added: Iterable[FollowUp] = ()) -> None:
        """Undo an answer: the follow-ups it changed as they were, and the ones it added removed."""
        from tinydb.table import Document

        with self.user.transaction() as db:
            table = db.table("followups")
            for item in before:
                if table.get(doc_id=item.id) is not None:
                    table.remove(doc_ids=[item.id])
                    table.insert(Document(item.to_dict(), doc_id=item.id))
            table.remove(doc_ids=[item.id for item in added if table.get(doc_id=item.id) is not None])

    def delete_followup(self, followup_id: int) -> None:
        """Remove a follow-up entirely (undoing the step a completion created)."""
        with self.user.transaction() as db:
            self.followup(followup_id)
            db.table("followups").remove(doc_ids=[followup_id])

    def snooze_followup(self, followup_id: int, until: date, *, today: date | None = None) -> FollowUp:
        """Reopen a follow-up due ``until`` a later date; a date before ``today`` is refused."""
        today = today or date.today()
        if until < today:
            raise CompanionError(f"{until.isoformat()} is in the past; snooze to today or later")
        return self.set_followup_status(followup_id, "open", until=until)[0]

    def close_stale_nudges(self, today: date | None = None, *, now: datetime | None = None) -> list[FollowUp]:
        """Close kindly the nudges overdue by more than their interval with no reply since, and end
        the introductions asked and unanswered for two weeks (as silence: no yes implied).

        A cold contact gets one nudge; when it has sat unanswered that long it is dropped with
        "no reply, and that is fine" rather than left to nag. Returns the nudges closed.
        """
        from companion.followups import close_kindly, is_stale, silent_ask

        today = today or date.today()
        # An introduction asked and never answered ends as silence does (the other ask with it).
        ended = [item for item in self.followups(statuses=("waiting",)) if silent_ask(item, today)]
        silenced = [changed for item in ended for changed in self.answer_followup(item.id, "", now=now)[:1]]
        # Stale with nobody heard from is the widest the test can be: only those need their person read.
        if not any(is_stale(item, None, today) and is_stale(item, self._person_or_none(item.person_id), today)
                   for item in self.followups(statuses=("open", "waiting"))):
            return silenced  # nothing more to close: no lock, no write
        now = now or _utcnow()
        closed: list[FollowUp] = silenced
        with self.user.transaction() as db:
            table = db.table("followups")
            for item in self.followups(statuses=("open", "waiting")):
                if is_stale(item, None, today) and is_stale(item, self._person_or_none(item.person_id), today):
                    close_kindly(item, now)
                    table.update(item.to_dict(), doc_ids=[item.id])
                    closed.append(item)
        return closed

    def _person_or_none(self, person_id: int) -> Person | None:
        try:
            return self.person(person_id)
        except NotFoundError:
            return None

    def due_counts(self, today: date | None = None) -> dict[str, int]:
        """Open follow-ups by urgency: overdue, today, upcoming, and waiting for a reply (a nudge
        not due yet waits too: followups.when_due), from the follow-ups' summaries, not the
        follow-ups themselves."""
        from companion.followups import when_due

        today_text = (today or date.today()).isoformat()
        counts = {"overdue": 0, "today": 0, "upcoming": 0, "waiting": 0}
        _ids, columns = self.user.summaries("followups", (0, 1, 2))
        statuses, dues, kinds = columns or ([], [], [])
        for status, due, kind in zip(statuses, dues, kinds):
            if status in ("open", "waiting"):  # ISO dates compare as text
                counts[when_due(status, kind, due, today_text)] += 1
        return counts


READ_ATTEMPTS = 3
"""How many times a search that found the people changed between its reads starts again."""


class _PeopleChanged(Exception):
    """The people changed between two reads of one search."""


class _PeopleById:
    """People by id, read from the store as they are asked for (see Store.speaker_matcher)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.found: dict[int, Person | None] = {}

    def get(self, person_id: int, default: Person | None = None) -> Person | None:
        if person_id not in self.found:
            self.found[person_id] = self.store._person_or_none(person_id)
        return self.found[person_id] or default

    def __contains__(self, person_id: object) -> bool:
        return isinstance(person_id, int) and self.get(person_id) is not None

    def __getitem__(self, person_id: int) -> Person:
        person = self.get(person_id)
        if person is None:
            raise KeyError(person_id)
        return person


def _doubt(others: list[tuple[int, ...]]) -> tuple[int, ...]:
    """Of a session's speakers who are or may be one person, the other people they may be: none
    when one of them is surely that person."""
    if not others or any(not each for each in others):
        return ()
    return tuple(dict.fromkeys(i for each in others for i in each))
