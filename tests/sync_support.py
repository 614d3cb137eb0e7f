"""What the sync tests share: a store with follow-ups, stars, people and a talking point; reading the
server back with independent clients (the ``caldav`` library, httpx and vobject)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sync_servers import PASSWORD, USER

from support import CliResult

POINT_QUESTION = "Why did you pick a lease over a lock for the scheduler?"


def prepare(store: Any) -> None:  # noqa: ANN401 - a Store
    """Two starred sessions and a talking point for the first person, on the demo's data."""
    from companion.models import TalkingPoint

    sessions = store.sessions()
    for session in sessions[:2]:
        store.set_star(session.id, True)
    person = store.people()[0]
    store.save_talking_point(TalkingPoint(person.id, work="your talk 'Leases all the way down' at FOSDEM 2025",
                                          how="we replaced our cron locks with leases", question=POINT_QUESTION))


def set_up(cli: Callable[..., CliResult], store: Any, url: str) -> CliResult:  # noqa: ANN401
    result = cli("--data-dir", store.data_dir, "sync", "setup", url, "--user", USER)
    assert result.code == 0, result.err
    return result


def sync(cli: Callable[..., CliResult], store: Any, *more: object) -> dict[str, Any]:  # noqa: ANN401
    result = cli("--data-dir", store.data_dir, "sync", "--json", *more)
    return {"code": result.code, "err": result.err, **(__import__("json").loads(result.out) if result.out else {})}


def calendar_items(url: str, path: str) -> dict[str, Any]:
    """UID -> the icalendar component, for every item in a calendar, read with the caldav library."""
    import caldav
    import icalendar

    with caldav.DAVClient(url=url, username=USER, password=PASSWORD) as client:
        calendar = client.calendar(url=url.rstrip("/") + path)
        found = {}
        for item in calendar.objects(load_objects=True):
            if not item.data:
                continue
            parsed = icalendar.Calendar.from_ical(item.data)
            for component in parsed.walk():
                if component.name in ("VTODO", "VEVENT"):
                    found[str(component["uid"])] = component
        return found


def cards(url: str, path: str) -> dict[str, tuple[str, str, Any]]:
    """UID -> (href, etag, the vobject card) for every card in an address book."""
    import httpx
    import vobject
    from defusedxml.ElementTree import fromstring

    body = ('<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>')
    with httpx.Client(base_url=url, auth=(USER, PASSWORD), timeout=10) as client:
        listing = client.request("PROPFIND", path, content=body, headers={"Depth": "1", "Content-Type": "application/xml"})
        assert listing.status_code == 207, listing.text
        found = {}
        for response in fromstring(listing.content).findall("{DAV:}response"):
            href = response.findtext("{DAV:}href")
            if not href or not href.endswith(".vcf"):
                continue
            got = client.get(href)
            card = vobject.readOne(got.text)
            found[card.uid.value] = (href, got.headers.get("etag", ""), card)
        return found


def edit_card_email(url: str, href: str, etag: str, card: Any, email: str) -> None:  # noqa: ANN401
    """What a phone does: change the card's email and PUT it back against its ETag."""
    import httpx

    if "email" in card.contents:
        card.email.value = email
    else:
        card.add("email").value = email
    with httpx.Client(base_url=url, auth=(USER, PASSWORD), timeout=10) as client:
        put = client.put(href, content=card.serialize().encode(), headers={"If-Match": etag, "Content-Type": "text/vcard"})
        assert put.status_code in (200, 201, 204), put.text


def complete_task(url: str, path: str, uid: str) -> None:
    """What a phone's task app does: mark the task completed, with the caldav library."""
    import caldav

    with caldav.DAVClient(url=url, username=USER, password=PASSWORD) as client:
        calendar = client.calendar(url=url.rstrip("/") + path)
        todo = calendar.todo_by_uid(uid)
        todo.complete()


def done_criteria(cli: Callable[..., CliResult], store: Any, url: str, proxy: Any) -> None:  # noqa: ANN401
    """The issue's done-criteria against the server at ``url`` (companion talks to it through ``proxy``):
    set-up then sync puts every follow-up, starred session and person there, an independent client sees
    them (the talking point in the card's NOTE); a second sync sends no PUT; a task completed and an
    email edited on the server reach companion."""
    from companion.exporters.ics import agenda_uid, todo_uid
    prepare(store)
    setup = set_up(cli, store, proxy.url)
    assert "Follow-ups ->" in setup.out and "(tasks (VTODO), made)" in setup.out
    status = cli("--data-dir", store.data_dir, "sync", "status", "--json").json()
    followups, people = store.followups(), store.people()
    starred = [s for s in store.sessions() if s.id in store.starred_ids()]
    assert status["waiting"] == len([f for f in followups if f.status not in ("done", "dropped")]) + len(people) + 2

    first = sync(cli, store)
    assert first["code"] == 0, first
    assert first["sent"]["new"] == status["waiting"] and first["waiting"] == 0

    # An independent client sees every follow-up, starred session and person, the point in NOTE.
    tasks = calendar_items(url, collection_path(store, "tasks"))
    assert set(tasks) == {todo_uid(f.uid) for f in followups if f.status not in ("done", "dropped")}
    agenda = calendar_items(url, collection_path(store, "agenda"))
    assert set(agenda) == {agenda_uid(s) for s in starred}
    on_server = cards(url, collection_path(store, "people"))
    assert sorted(card.fn.value for _, _, card in on_server.values()) == sorted(p.name for p in people)
    with_point = [card for _, _, card in on_server.values() if card.fn.value == people[0].name][0]
    assert POINT_QUESTION in with_point.note.value

    # Nothing changed: the second sync sends nothing.
    proxy.reset()
    second = sync(cli, store)
    assert second["code"] == 0 and second["sent"] == {"new": 0, "changed": 0, "deleted": 0}
    assert proxy.count("PUT") == 0

    # On the phone: a task completed, a contact's email edited.
    task = next(f for f in followups if f.kind == "thank")
    complete_task(url, collection_path(store, "tasks"), todo_uid(task.uid))
    person = people[1]
    href, etag, card = next(v for v in on_server.values() if v[2].fn.value == person.name)
    edit_card_email(url, href, etag, card, "new.address@example.org")

    third = sync(cli, store)
    assert third["code"] == 0, third
    assert store.followup(task.id).status == "done"
    assert store.person(person.id).email == "new.address@example.org"
    assert any("done on the server" in line for line in third["received"])

    proxy.reset()
    fourth = sync(cli, store)
    assert fourth["code"] == 0 and proxy.count("PUT") == 0, fourth
    assert cli("--data-dir", store.data_dir, "sync", "status", "--json").json()["waiting"] == 0


def collection_path(store: Any, key: str) -> str:  # noqa: ANN401
    from urllib.parse import urlsplit

    from companion.sync.state import SyncState

    return urlsplit(SyncState(store.data_dir).config()["collections"][key]).path
