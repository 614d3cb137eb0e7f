"""One sync run: pull what changed on the server, then push what changed here.

Pull (per collection): ``sync-collection`` with the stored token (an empty one the first time); when
the server refuses or lost the token, a full listing of hrefs and ETags compared with what is kept.
Changed items are fetched in one multiget and merged field by field with the local record against the
base kept from the last agreement; a field both sides changed differently keeps the local value and the
server's goes into a note, reported. A server delete drops the follow-up, unlinks the person (their data
stays here) and forgets the session: none is sent again.

Push: every local item whose digest differs from the one sent (a new item with ``If-None-Match: *``, a
changed one with ``If-Match``), and deletes (``If-Match``) for items gone here. Hrefs are made from the
stable UIDs, so a run cut half-way is finished by the next without duplicates: a create that already
happened answers 412 and the server's copy is taken up. A stale ETag (412) fetches the server's copy,
merges and sends again once. A PUT answered without an ETag is fetched again for it.

The state is written every few items and whenever the run stops, so nothing done is done twice and
nothing undone is forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from functools import partial
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from companion.errors import CompanionError
from companion.exporters.ics import local_zone
from companion.merge import merge_map, merge_set
from companion.models import Conference, FollowUp, Person, Session
from companion.store import Store
from companion.sync.dav import (
    DAV,
    CaldavClient,
    Client,
    Deadline,
    HttpxClient,
    Offline,
    Refused,
    multiget_body,
    parse_multistatus,
    propfind_body,
    sync_collection_body,
    text_of,
)
from companion.sync.items import (
    PERSON_FIELDS,
    LocalItem,
    card_extra,
    followup_body,
    followup_item,
    person_body,
    person_item,
    read_calendar_item,
    read_card,
    session_body,
    session_item,
)
from companion.sync.state import SyncState
from companion.text import clean

DEADLINE_SECONDS = 300.0
FLUSH_EVERY = 50
MULTIGET_BATCH = 100
KINDS = {"task": "tasks", "event": "agenda", "card": "people"}
"""Item kind -> the collection it lives in."""


class Report:
    """What a run did, for the command line (text or --json) and the app."""

    def __init__(self) -> None:
        self.created = 0
        self.updated = 0
        self.deleted = 0
        self.received: list[str] = []
        self.conflicts: list[str] = []
        self.problems: list[str] = []
        self.stopped = ""
        """Why the run stopped early (offline, too slow, the server full); empty when it finished."""
        self.waiting = 0
        self.requests = 0

    def to_json(self) -> dict[str, Any]:
        return {"sent": {"new": self.created, "changed": self.updated, "deleted": self.deleted},
                "received": self.received, "conflicts": self.conflicts, "problems": self.problems,
                "stopped": self.stopped, "waiting": self.waiting, "requests": self.requests}


class Local:
    """The local items sync mirrors, each with a builder of its body (built only when sent)."""

    def __init__(self, store: Store, config: dict[str, Any]) -> None:
        self.items: dict[str, LocalItem] = {}
        self.bodies: dict[str, Callable[[list[str]], bytes]] = {}
        mode = config.get("tasks_mode", "tasks")
        version = config.get("vcard_version", "3.0")
        client_id = config["client_id"]
        zone = local_zone()
        people = {person.id: person for person in store.people()}
        points = store.talking_points()
        for followup in store.followups():
            person = people.get(followup.person_id)
            item = followup_item(followup, person, mode)
            self._add(item, partial(_followup_body, followup, person, mode, zone))
        starred = store.starred_ids()
        if starred:
            for conference in store.conferences():
                for session in store.sessions(conference.id):
                    if session.id in starred:
                        self._add(session_item(session, conference), partial(_session_body, session, conference))
        for person in people.values():
            point = points.get(person.id)
            item = person_item(person, point, client_id, version)
            self._add(item, partial(person_body, person, point, item.uid, version))

    def _add(self, item: LocalItem, body: Callable[[list[str]], bytes]) -> None:
        self.items[item.key] = item
        self.bodies[item.key] = body


def _followup_body(followup: FollowUp, person: Person | None, mode: str, zone: tzinfo, _extra: list[str]) -> bytes:
    return followup_body(followup, person, mode, zone)


def _session_body(session: Session, conference: Conference, _extra: list[str]) -> bytes:
    return session_body(session, conference)


def plan(local: Local, kept: dict[str, dict[str, Any]]) -> tuple[list[LocalItem], list[LocalItem], list[dict[str, Any]]]:
    """(items to create, items to update, kept rows to delete on the server): the queue."""
    create, update, delete = [], [], []
    for key, item in local.items.items():
        row = kept.get(key)
        if row is None or not row.get("href"):
            if not item.closed:
                create.append(item)
        elif row.get("gone"):
            continue
        elif row.get("digest") != item.digest:
            update.append(item)
    for key, row in kept.items():
        if key not in local.items and row.get("href") and not row.get("gone"):
            delete.append(row)
    return create, update, delete


def waiting(store: Store, state: SyncState | None = None) -> int:
    """How many changes wait to be sent (0 when sync is not set up)."""
    state = state or SyncState(store.data_dir, read_only=True)
    config = state.config()
    if not config.get("collections"):
        return 0
    create, update, delete = plan(Local(store, config), state.items())
    return len(create) + len(update) + len(delete)


def path_of(url: str) -> str:
    return unquote(urlsplit(url).path)


class Run:
    def __init__(self, store: Store, state: SyncState, config: dict[str, Any], password: str, deadline: Deadline) -> None:
        self.store, self.state, self.config = store, state, config
        self.report = Report()
        self.zone = local_zone()
        user = config.get("user", "")
        self.caldav = CaldavClient(config["caldav_url"], user, password, deadline)
        self.carddav = HttpxClient(config["carddav_url"], user, password, deadline)
        self.local = Local(store, config)
        self.recorded = 0
        self.clean_merges: set[str] = set()
        """Items the server changed and this side had not: after the merge both say the same, so
        they need no PUT when the merged record reads as the server's copy."""

    def client(self, kind: str) -> Client:
        return self.carddav if kind == "card" else self.caldav

    def collection(self, kind: str) -> str:
        return self.config["collections"][KINDS[kind]]

    def record(self, key: str, **fields: Any) -> None:
        self.state.record(key, **fields)
        self.recorded += 1
        if self.recorded % FLUSH_EVERY == 0:
            self.state.flush()

    # --- pull ------------------------------------------------------------------------------

    def pull(self, kind: str) -> None:
        client, url = self.client(kind), self.collection(kind)
        kept = {path_of(urljoin(url, row["href"])): row for row in self.state.items().values()
                if row.get("href") and row["key"].startswith(kind + ":")}
        changes = self._changes_since_token(kind, client, url, kept)
        if changes is None:
            changes = self._full_listing(client, url, kept)
        changed, deleted, token = changes
        for href in deleted:
            self.server_deleted(kept[href])
        fetch = [href for href, etag in changed.items() if kept.get(href, {}).get("etag") != etag]
        for start in range(0, len(fetch), MULTIGET_BATCH):
            for href, etag, body in self.multiget(kind, client, url, fetch[start:start + MULTIGET_BATCH]):
                self.server_changed(kind, href, etag, body, kept.get(href))
        self.state.flush()
        if token:
            self.state.set_token(KINDS[kind], token)

    def _changes_since_token(self, kind: str, client: Client, url: str, kept: dict[str, dict[str, Any]]):  # noqa: ANN202
        token = self.state.token(KINDS[kind])
        reply = client.request("REPORT", url, sync_collection_body(token),
                               {"Depth": "1", "Content-Type": "application/xml"})
        if reply.status == 507:
            raise Refused("the server's storage is full (HTTP 507)", 507)
        if reply.status != 207:
            if token:
                self.report.problems.append(f"{KINDS[kind]}: the server refused the sync token (HTTP {reply.status}); "
                                            "compared every item instead")
            return None
        responses, new_token = parse_multistatus(reply.body)
        changed, deleted = {}, []
        base = path_of(url).rstrip("/")
        for href, status, props in responses:
            path = path_of(urljoin(url, href))
            if path.rstrip("/") == base:
                continue
            if status == 404:
                if path in kept:
                    deleted.append(path)
            else:
                changed[path] = text_of(props, DAV, "getetag")
        return changed, deleted, new_token

    def _full_listing(self, client: Client, url: str, kept: dict[str, dict[str, Any]]):  # noqa: ANN202
        top = client.request("PROPFIND", url, propfind_body((DAV, "sync-token")), {"Depth": "0", "Content-Type": "application/xml"})
        token = ""
        if top.status == 207:
            for _href, _status, props in parse_multistatus(top.body)[0]:
                token = token or text_of(props, DAV, "sync-token")
        reply = client.request("PROPFIND", url, propfind_body((DAV, "getetag"), (DAV, "resourcetype")),
                               {"Depth": "1", "Content-Type": "application/xml"})
        if reply.status != 207:
            raise Refused(f"{url}: the server would not list the collection (HTTP {reply.status})", reply.status)
        base = path_of(url).rstrip("/")
        changed = {}
        for href, _status, props in parse_multistatus(reply.body)[0]:
            path = path_of(urljoin(url, href))
            if path.rstrip("/") != base:
                changed[path] = text_of(props, DAV, "getetag")
        deleted = [href for href in kept if href not in changed]
        return changed, deleted, token

    def multiget(self, kind: str, client: Client, url: str, hrefs: list[str]) -> list[tuple[str, str, bytes]]:
        reply = client.request("REPORT", url, multiget_body(kind, hrefs), {"Depth": "1", "Content-Type": "application/xml"})
        if reply.status != 207:
            return [got for href in hrefs if (got := self.get(client, url, href)) is not None]
        found = []
        data = ("urn:ietf:params:xml:ns:carddav", "address-data") if kind == "card" else (
            "urn:ietf:params:xml:ns:caldav", "calendar-data")
        for href, status, props in parse_multistatus(reply.body)[0]:
            element = props.get(f"{{{data[0]}}}{data[1]}")
            if status == 200 and element is not None and element.text:
                found.append((path_of(urljoin(url, href)), text_of(props, DAV, "getetag"), element.text.encode("utf-8")))
        return found

    def get(self, client: Client, url: str, href: str) -> tuple[str, str, bytes] | None:
        reply = client.request("GET", urljoin(url, href))
        if reply.status != 200:
            return None
        return path_of(urljoin(url, href)), reply.etag, reply.body

    def server_deleted(self, row: dict[str, Any]) -> None:
        key = row["key"]
        item = self.local.items.get(key)
        self.record(key, gone=True, etag="")
        if item is None:
            return
        if item.kind == "task":
            followup = self._followup(item.local)
            if followup is not None and followup.status not in ("done", "dropped"):
                self.store.set_followup_status(followup.id, "dropped")
                self.report.received.append(f"follow-up #{followup.id} {_one(followup.title)}: deleted on the server, dropped here")
        elif item.kind == "card":
            self.report.received.append(f"{_one(item.fields['name'])}: the card was deleted on the server; "
                                        "kept here, no longer synced")
        else:
            self.report.received.append("a starred session was deleted from the agenda on the server; not sent again")

    def server_changed(self, kind: str, href: str, etag: str, body: bytes, row: dict[str, Any] | None) -> None:
        if kind == "card":
            read = read_card(body, href)
        else:
            read = read_calendar_item(body, self.zone)
        if read is None:
            return
        uid, server = read
        key = f"{kind}:{uid}"
        item = self.local.items.get(key)
        if item is None:
            return  # not one of companion's (the user's own task or contact): left alone
        if row is None:
            row = self.state.items().get(key)
        extra = card_extra(body) if kind == "card" else []
        if row is None or not row.get("base"):
            # Ours, but never recorded (a run cut after the server took it): take it up as it is.
            same = self._same(kind, server, item.fields)
            self.record(key, kind=kind, href=href, etag=etag, base=server, extra=extra,
                        digest=item.digest if same else "")
            return
        base = row["base"]
        if item.digest == row.get("digest"):
            self.clean_merges.add(key)  # nothing else changed here: once merged, the server's copy is ours
        if kind == "task":
            self._merge_followup(item, base, server)
        elif kind == "card":
            self._merge_person(item, base, server)
        self.record(key, kind=kind, href=href, etag=etag, base=server, extra=extra, gone=False)

    def _same(self, kind: str, server: dict[str, Any], local: dict[str, Any]) -> bool:
        if kind == "event":
            return True
        names = [*PERSON_FIELDS, "note"] if kind == "card" else ["status", "due", "title"]
        return all(_norm(server.get(name)) == _norm(local.get(name)) for name in names)

    def _followup(self, followup_id: int) -> FollowUp | None:
        try:
            return self.store.followup(followup_id)
        except CompanionError:
            return None

    def _merge_followup(self, item: LocalItem, base: dict[str, Any], server: dict[str, Any]) -> None:
        followup = self._followup(item.local)
        if followup is None:
            return
        local = item.fields
        title = _one(followup.title)
        notes: list[str] = []
        for field in ("status", "due", "title"):
            theirs, was, mine = server.get(field), base.get(field), local.get(field)
            if theirs == was or theirs == mine or theirs is None:
                continue
            if mine != was:
                self.report.conflicts.append(f"follow-up #{followup.id} {title}: {field} changed here ({mine}) and on the "
                                             f"server ({theirs}); kept {mine}, the server's noted on it")
                notes.append(f"On the server, {field}: {theirs}")
                continue
            if field == "status":
                status = {"closed": "done"}.get(str(theirs), str(theirs))
                if status in ("done", "dropped", "open"):
                    self.store.set_followup_status(followup.id, status)
                    self.report.received.append(f"follow-up #{followup.id} {title}: {status} on the server")
            elif field == "due" and theirs:
                from datetime import date

                current = self.store.followup(followup.id)
                self.store.set_followup_status(followup.id, current.status, until=date.fromisoformat(str(theirs)))
                self.report.received.append(f"follow-up #{followup.id} {title}: due {theirs} (moved on the server)")
            elif field == "title":
                self._set_followup_fields(followup.id, title=str(theirs))
                self.report.received.append(f"follow-up #{followup.id}: renamed on the server to {_one(str(theirs))}")
        if notes:
            current = self.store.followup(followup.id)
            detail = "\n".join(part for part in (current.detail, *notes) if part and part not in current.detail)
            self._set_followup_fields(followup.id, detail=detail)

    def _set_followup_fields(self, followup_id: int, **fields: Any) -> None:
        """Change a few fields of one follow-up inside the lock (a new SEQUENCE: the calendar copy changes)."""
        from datetime import datetime, timezone

        with self.store.user.transaction() as db:
            table = db.table("followups")
            row = table.get(doc_id=followup_id)
            if row is None:
                return
            changes = {name: value for name, value in fields.items() if row.get(name) != value}
            if changes:
                changes["sequence"] = int(row.get("sequence", 0)) + 1
                changes["updated"] = datetime.now(timezone.utc).isoformat()
                table.update(changes, doc_ids=[followup_id])

    def _merge_person(self, item: LocalItem, base: dict[str, Any], server: dict[str, Any]) -> None:
        try:
            person = self.store.person(item.local)
        except CompanionError:
            return
        local = item.fields
        name = _one(person.name)
        edited = person.replace(links=dict(person.links), tags=list(person.tags))
        notes: list[str] = []
        received: list[str] = []
        for field in ("name", "affiliation", "role", "email"):
            theirs, was, mine = server.get(field, ""), base.get(field, ""), local.get(field, "")
            if _norm(theirs) in (_norm(was), _norm(mine)):
                continue
            if _norm(mine) != _norm(was):
                self.report.conflicts.append(f"{name}: {field} changed here ({_one(mine)}) and on the server "
                                             f"({_one(theirs)}); kept this one, the server's noted on them")
                notes.append(f"On the server, {field}: {theirs}")
                continue
            setattr(edited, field, theirs)
            received.append(field)
        if server.get("links", {}) != base.get("links", {}):
            links, clash = merge_map(base.get("links", {}), server.get("links", {}), local.get("links", {}))
            if clash:
                self.report.conflicts.append(f"{name}: a link changed here and on the server; both kept")
            edited.links = links
            received.append("links")
        if _fold_list(server.get("tags", [])) != _fold_list(base.get("tags", [])):
            edited.tags = merge_set(base.get("tags", []), server.get("tags", []), local.get("tags", []))
            received.append("tags")
        note, was_note = str(server.get("note", "") or ""), str(base.get("note", "") or "")
        if _norm(note) != _norm(was_note) and note.strip():
            added = note[len(was_note):].strip() if was_note and note.startswith(was_note) else note.strip()
            if added and added not in person.notes and added not in str(local.get("note", "")):
                notes.append(f"Added to the contact's note on the server: {added}" if note.startswith(was_note) and was_note
                             else f"The contact's note as edited on the server: {added}")
                self.report.conflicts.append(f"{name}: the card's note was edited on the server; kept as a note here")
        if notes:
            edited.notes = "\n".join(part for part in (person.notes, *notes) if part)
        if edited != person:
            self.store.edit_person(person, edited)
            if received:
                self.report.received.append(f"{name}: {', '.join(received)} changed on the server")

    # --- push ------------------------------------------------------------------------------

    def push(self) -> None:
        kept = self.state.items()
        create, update, delete = plan(self.local, kept)
        for item in create:
            self.put(item, kept.get(item.key), create=True)
        for item in update:
            row = kept[item.key]
            if item.key in self.clean_merges and self._same(item.kind, row.get("base") or {}, item.fields):
                self.record(item.key, digest=item.digest)
                continue
            self.put(item, row, create=False)
        for row in delete:
            self.delete(row)

    def put(self, item: LocalItem, row: dict[str, Any] | None, *, create: bool, again: bool = True) -> None:
        client, url = self.client(item.kind), self.collection(item.kind)
        href = row["href"] if row and row.get("href") else path_of(urljoin(url, item.name))
        extra = list(row.get("extra") or []) if row else []
        body = self.local.bodies[item.key](extra)
        content_type = "text/vcard; charset=utf-8" if item.kind == "card" else "text/calendar; charset=utf-8"
        headers = {"Content-Type": content_type}
        if create:
            headers["If-None-Match"] = "*"
        else:
            headers["If-Match"] = row["etag"] if row else ""
        reply = client.request("PUT", urljoin(url, href), body, headers)
        if reply.status in (200, 201, 204):
            etag = reply.etag
            if not etag:  # the server rewrote it (or will not say): its copy and ETag, fetched again
                got = self.get(client, url, href)
                etag = got[1] if got else ""
            self.record(item.key, kind=item.kind, href=href, etag=etag, digest=item.digest, base=item.fields,
                        extra=extra, gone=False)
            if create:
                self.report.created += 1
            else:
                self.report.updated += 1
            return
        if reply.status == 412 and again:
            # Created already (a run cut after the server took it) or changed there since: take the
            # server's copy, merge it, and send once more against its ETag.
            got = self.get(client, url, href)
            if got is None:
                self.report.problems.append(f"{self._what(item)}: the server refused it (HTTP 412) and has no copy")
                return
            self.server_changed(item.kind, got[0], got[1], got[2], row if not create else None)
            self.state.flush()
            self.local = Local(self.store, self.config)
            fresh = self.local.items.get(item.key)
            now = self.state.items().get(item.key)
            if fresh is not None and now is not None and now.get("digest") != fresh.digest and not now.get("gone"):
                self.put(fresh, now, create=False, again=False)
            return
        if reply.status == 409 and create and again:
            # The UID is on the server under another href (another device, an earlier set-up): take
            # that copy up and update it there instead of making a second one.
            if self._adopt_elsewhere(item):
                return
        if reply.status == 404 and not create:
            self.server_deleted(row or {"key": item.key})
            return
        if reply.status == 507:
            raise Refused("the server's storage is full (HTTP 507); what was not sent waits", 507)
        if reply.status in (401, 403):
            raise Refused(f"the server refused the user name or password (HTTP {reply.status})", reply.status)
        if reply.status >= 500:
            raise Refused(f"the server failed (HTTP {reply.status}); what was not sent waits", reply.status)
        why = "an item with this UID is already elsewhere on the server" if reply.status == 409 else f"HTTP {reply.status}"
        self.report.problems.append(f"{self._what(item)}: the server refused it ({why}); it waits for the next sync")

    def _adopt_elsewhere(self, item: LocalItem) -> bool:
        client, url = self.client(item.kind), self.collection(item.kind)
        listing = self._full_listing(client, url, {})[0]
        hrefs = list(listing)
        for start in range(0, len(hrefs), MULTIGET_BATCH):
            for href, etag, body in self.multiget(item.kind, client, url, hrefs[start:start + MULTIGET_BATCH]):
                read = read_card(body, href) if item.kind == "card" else read_calendar_item(body, self.zone)
                if read is None or read[0] != item.uid:
                    continue
                self.server_changed(item.kind, href, etag, body, None)
                self.state.flush()
                self.local = Local(self.store, self.config)
                fresh, now = self.local.items.get(item.key), self.state.items().get(item.key)
                if fresh is not None and now is not None and now.get("digest") != fresh.digest:
                    self.put(fresh, now, create=False, again=False)
                return True
        return False

    def delete(self, row: dict[str, Any]) -> None:
        kind = row["key"].split(":", 1)[0]
        client, url = self.client(kind), self.collection(kind)
        reply = client.request("DELETE", urljoin(url, row["href"]), headers={"If-Match": row.get("etag", "")})
        if reply.status in (200, 204, 404):
            self.state.forget(row["key"])
            self.report.deleted += 1
        elif reply.status == 412:
            self.state.forget(row["key"])
            self.report.conflicts.append(f"{row['key'].split(':', 1)[1]}: removed here but changed on the server since; "
                                         "left on the server")
        elif reply.status == 507 or reply.status >= 500:
            raise Refused(f"the server failed (HTTP {reply.status}); what was not sent waits", reply.status)
        else:
            self.report.problems.append(f"{row['key']}: the server would not delete it (HTTP {reply.status})")

    def _what(self, item: LocalItem) -> str:
        if item.kind == "task":
            return f"follow-up #{item.local} {_one(str(item.fields.get('title', '')))}"
        if item.kind == "card":
            return _one(str(item.fields.get("name", "")))
        return f"session {item.local}"


def _norm(value: Any) -> Any:  # noqa: ANN401
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    return value


def _fold_list(items: list[Any]) -> list[Any]:
    return sorted(str(item).casefold() for item in items)


def _one(text: str) -> str:
    return clean(text, single_line=True)[:80]


def run(store: Store, password: str, *, deadline_seconds: float = DEADLINE_SECONDS,
        state: SyncState | None = None) -> Report:
    """Pull, then push, within ``deadline_seconds``; the report says what happened and what waits."""
    from filelock import FileLock, Timeout

    state = state or SyncState(store.data_dir)
    config = state.require_config()
    one_at_a_time = FileLock(str(state.data_file.path) + ".run.lock", timeout=0)
    try:
        one_at_a_time.acquire()
    except Timeout:
        raise CompanionError("another companion is syncing now; what waits goes with it or with the next sync") from None
    try:
        deadline = Deadline(deadline_seconds)
        sync = Run(store, state, config, password, deadline)
        try:
            for kind in ("task", "event", "card"):
                sync.pull(kind)
            sync.local = Local(store, config)
            sync.push()
        except (Offline, Refused) as error:
            sync.report.stopped = str(error)
        finally:
            state.flush()
            sync.report.requests = sync.caldav.requests + sync.carddav.requests
            sync.caldav.close()
            sync.carddav.close()
        sync.report.waiting = waiting(store, state)
    finally:
        one_at_a_time.release()
    return sync.report


