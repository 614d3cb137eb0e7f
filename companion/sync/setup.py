"""Finding the user's collections: RFC 6764 discovery, then the three collections sync uses.

CalDAV: ``/.well-known/caldav`` (redirects followed) names the context path; from there the ``caldav``
library asks for the principal, its calendar home set and the calendars. CardDAV: the same with
``/.well-known/carddav``, the principal's ``addressbook-home-set`` and the address books in it (httpx).
Either falls back to the URL given when the server has no well-known path.

Three collections are picked by their path or display name, or made: a task list for follow-ups
(VTODO), a calendar for the starred agenda, an address book for people. A server that refuses a task
list (or has one that takes events only) gets follow-ups as VEVENTs with an alarm, as the export.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urljoin, urlsplit

from companion.errors import CompanionError
from companion.sync.dav import (
    CALDAV,
    CARDDAV,
    DAV,
    CaldavClient,
    Deadline,
    HttpxClient,
    Offline,
    Refused,
    href_in,
    parse_multistatus,
    propfind_body,
    text_of,
)

COLLECTIONS = {
    "tasks": ("companion-followups", "companion follow-ups"),
    "agenda": ("companion-agenda", "companion agenda"),
    "people": ("companion-people", "companion people"),
}
SETUP_DEADLINE = 120.0


class Found:
    """What discovery found: the context paths, the principals, home sets and collections."""

    def __init__(self) -> None:
        self.caldav_url = ""
        self.carddav_url = ""
        self.principal = ""
        self.calendar_home = ""
        self.addressbook_home = ""
        self.calendars: list[dict[str, Any]] = []
        """Each: url, name, components (VTODO, VEVENT...)."""
        self.addressbooks: list[dict[str, Any]] = []
        """Each: url, name, versions (vCard versions it takes)."""


def _well_known(http: HttpxClient, base: str, service: str) -> str:
    """The context path ``/.well-known/<service>`` leads to, or ``base`` when it leads nowhere."""
    probe = urljoin(base, f"/.well-known/{service}")
    try:
        reply = http.request("PROPFIND", probe, propfind_body((DAV, "current-user-principal")),
                             {"Depth": "0", "Content-Type": "application/xml"}, follow=True)
    except Refused:
        return base
    if reply.status in (207, 200) and reply.url.rstrip("/") != probe.rstrip("/"):
        return reply.url
    return base


def _principal(http: HttpxClient, context: str) -> str:
    reply = http.request("PROPFIND", context, propfind_body((DAV, "current-user-principal")),
                         {"Depth": "0", "Content-Type": "application/xml"})
    _check_auth(reply.status, context)
    if reply.status != 207:
        return ""
    for _href, _status, props in parse_multistatus(reply.body)[0]:
        found = href_in(props, DAV, "current-user-principal")
        if found:
            return urljoin(context, found)
    return ""


def _check_auth(status: int, url: str) -> None:
    if status in (401, 403):
        raise CompanionError(f"{url}: the server refused the user name or password (HTTP {status})")


def discover(url: str, user: str, password: str, deadline: Deadline | None = None) -> Found:
    """Find the principal, home sets and collections at ``url`` (any URL of the server)."""
    deadline = deadline or Deadline(SETUP_DEADLINE)
    if urlsplit(url).scheme not in ("http", "https"):
        raise CompanionError(f"{url}: a DAV server's address starts with https:// (or http://)")
    found = Found()
    http = HttpxClient(url, user, password, deadline)
    try:
        found.caldav_url = _well_known(http, url, "caldav")
        found.carddav_url = _well_known(http, url, "carddav")
        _discover_caldav(found, user, password, deadline)
        _discover_carddav(found, http)
    finally:
        http.close()
    return found


def _discover_caldav(found: Found, user: str, password: str, deadline: Deadline) -> None:
    from caldav.lib import error as caldav_error

    client = CaldavClient(found.caldav_url, user, password, deadline)
    try:
        principal = client.dav.principal()
        found.principal = str(principal.url)
        home = principal.calendar_home_set
        found.calendar_home = str(home.url)
        for calendar in principal.calendars():
            try:
                components = [str(c) for c in calendar.get_supported_components()]
            except Exception:  # noqa: BLE001 - a server that does not say takes events and tasks
                components = ["VEVENT", "VTODO"]
            found.calendars.append({"url": str(calendar.url), "name": calendar.get_display_name() or "",
                                    "components": components})
    except caldav_error.AuthorizationError:
        raise CompanionError(f"{found.caldav_url}: the server refused the user name or password") from None
    except caldav_error.DAVError as error:
        raise CompanionError(f"{found.caldav_url}: not a CalDAV server, or no calendars for this user ({error})") from None
    except CompanionError:
        raise
    except Exception as error:  # niquests' connection errors
        raise Offline(f"{found.caldav_url}: {type(error).__name__}: {error}") from None
    finally:
        client.close()


def _discover_carddav(found: Found, http: HttpxClient) -> None:
    principal = _principal(http, found.carddav_url) or found.principal
    if not principal:
        return
    reply = http.request("PROPFIND", principal, propfind_body((CARDDAV, "addressbook-home-set")),
                         {"Depth": "0", "Content-Type": "application/xml"})
    _check_auth(reply.status, principal)
    if reply.status == 207:
        for _href, _status, props in parse_multistatus(reply.body)[0]:
            home = href_in(props, CARDDAV, "addressbook-home-set")
            if home:
                found.addressbook_home = urljoin(principal, home)
    if not found.addressbook_home:
        return
    found.addressbooks = addressbooks(http, found.addressbook_home)


def addressbooks(http: HttpxClient, home: str) -> list[dict[str, Any]]:
    """The address books in ``home``: url, display name, and the vCard versions each says it takes."""
    reply = http.request("PROPFIND", home, propfind_body((DAV, "resourcetype"), (DAV, "displayname"),
                                                         (CARDDAV, "supported-address-data")),
                         {"Depth": "1", "Content-Type": "application/xml"})
    books: list[dict[str, Any]] = []
    if reply.status != 207:
        return books
    for href, _status, props in parse_multistatus(reply.body)[0]:
        kind = props.get(f"{{{DAV}}}resourcetype")
        if kind is None or kind.find(f"{{{CARDDAV}}}addressbook") is None:
            continue
        versions = []
        data = props.get(f"{{{CARDDAV}}}supported-address-data")
        if data is not None:
            versions = [el.get("version", "") for el in data if el.get("version")]
        books.append({"url": urljoin(home, href), "name": text_of(props, DAV, "displayname"), "versions": versions})
    return books


def _pick(collections: list[dict[str, Any]], slug: str, name: str) -> dict[str, Any] | None:
    for collection in collections:
        if collection["url"].rstrip("/").rsplit("/", 1)[-1] == slug or collection["name"] == name:
            return collection
    return None


def choose_collections(found: Found, user: str, password: str, deadline: Deadline | None = None) -> dict[str, Any]:
    """Pick or make the three collections; the set-up to keep (no password in it)."""
    deadline = deadline or Deadline(SETUP_DEADLINE)
    if not found.calendar_home:
        raise CompanionError(f"{found.caldav_url}: the server names no calendar home for {user}")
    made: list[str] = []
    tasks_mode = "tasks"
    client = CaldavClient(found.caldav_url, user, password, deadline)
    try:
        principal = client.dav.principal()
        slug, name = COLLECTIONS["tasks"]
        tasks = _pick(found.calendars, slug, name)
        if tasks is None:
            tasks, tasks_mode = _make_task_list(principal, slug, name), "tasks"
            if tasks is None:
                tasks, tasks_mode = _make_calendar(principal, slug, name, ["VEVENT"]), "events"
            made.append(tasks["url"])
        elif "VTODO" not in tasks["components"]:
            tasks_mode = "events"
        slug, name = COLLECTIONS["agenda"]
        agenda = _pick(found.calendars, slug, name)
        if agenda is None:
            agenda = _make_calendar(principal, slug, name, ["VEVENT"])
            made.append(agenda["url"])
    finally:
        client.close()
    if not found.addressbook_home:
        raise CompanionError(f"{found.carddav_url}: the server names no address book home for {user}")
    slug, name = COLLECTIONS["people"]
    book = _pick(found.addressbooks, slug, name)
    http = HttpxClient(found.carddav_url, user, password, deadline)
    try:
        if book is None:
            url = urljoin(found.addressbook_home, slug + "/")
            _make_addressbook(http, url, name)
            made.append(url)
            book = next((b for b in addressbooks(http, found.addressbook_home) if b["url"] == url),
                        {"url": url, "name": name, "versions": []})
    finally:
        http.close()
    version = "4.0" if "4.0" in book.get("versions", []) else "3.0"
    return {
        "caldav_url": found.caldav_url,
        "carddav_url": found.carddav_url,
        "collections": {"tasks": tasks["url"], "agenda": agenda["url"], "people": book["url"]},
        "tasks_mode": tasks_mode,
        "vcard_version": version,
        "made": made,
        "client_id": secrets.token_hex(6),
        "tokens": {},
    }


def _make_calendar(principal: Any, slug: str, name: str, components: list[str]) -> dict[str, Any]:  # noqa: ANN401
    from caldav.lib import error as caldav_error

    try:
        calendar = principal.make_calendar(name=name, cal_id=slug, supported_calendar_component_set=components)
    except caldav_error.DAVError as error:
        raise CompanionError(f"the server would not make the calendar {name!r}: {error}") from None
    return {"url": str(calendar.url), "name": name, "components": components}


def _make_task_list(principal: Any, slug: str, name: str) -> dict[str, Any] | None:  # noqa: ANN401
    from caldav.lib import error as caldav_error

    try:
        calendar = principal.make_calendar(name=name, cal_id=slug, supported_calendar_component_set=["VTODO"])
    except caldav_error.DAVError:
        return None  # tasks refused (Google, iCloud): follow-ups go to a calendar as events
    return {"url": str(calendar.url), "name": name, "components": ["VTODO"]}


def _make_addressbook(http: HttpxClient, url: str, name: str) -> None:
    body = (
        f'<?xml version="1.0" encoding="utf-8"?><d:mkcol xmlns:d="{DAV}" xmlns:c="{CARDDAV}"><d:set><d:prop>'
        f"<d:resourcetype><d:collection/><c:addressbook/></d:resourcetype><d:displayname>{name}</d:displayname>"
        "</d:prop></d:set></d:mkcol>"
    ).encode()
    reply = http.request("MKCOL", url, body, {"Content-Type": "application/xml"})
    if reply.status not in (200, 201):
        raise CompanionError(f"{url}: the server would not make the address book (HTTP {reply.status})")


__all__ = ["CALDAV", "COLLECTIONS", "Found", "choose_collections", "discover"]
