"""The few WebDAV requests sync makes, over two clients: the ``caldav`` library's for CalDAV and httpx
for CardDAV (caldav knows no address books). Both answer a plain :class:`Reply` so the sync itself is
written once; both keep to one deadline for the whole run (httpx's and niquests' timeouts measure
inactivity, so the time left is passed to each request and checked between them).

Every failure to reach the server or to read its whole answer is a :class:`Offline` (the run stops,
what was not done waits for the next one); an answer the server gave, whatever its status, is a Reply.
"""

from __future__ import annotations

import time
from typing import Any, cast
from urllib.parse import urljoin, urlsplit

from companion.errors import CompanionError

DAV = "DAV:"
CALDAV = "urn:ietf:params:xml:ns:caldav"
CARDDAV = "urn:ietf:params:xml:ns:carddav"
REQUEST_TIMEOUT = 30.0
"""Seconds a single request may be silent before it is given up (within the run's deadline)."""


class Offline(CompanionError):
    """The server could not be reached, answered too late, or cut its answer: try again later."""


class Refused(CompanionError):
    """The server answered with an error that retrying now will not fix (it names the status)."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class Reply:
    """One HTTP answer: status, headers (names in lower case) and body."""

    __slots__ = ("status", "headers", "body", "url")

    def __init__(self, status: int, headers: dict[str, str], body: bytes, url: str) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")


class Deadline:
    """The moment a whole run must end by (``time.monotonic``)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        remaining = self.end - time.monotonic()
        if remaining <= 0:
            raise Offline(f"the server did not finish answering within {self.seconds:g} s; the rest waits for the next sync")
        return remaining


def same_origin(url: str, base: str) -> bool:
    one, two = urlsplit(url), urlsplit(base)
    return (one.scheme, one.netloc) == (two.scheme, two.netloc)


class Client:
    """The interface both clients offer: a request with the run's deadline."""

    def __init__(self, base_url: str, user: str, password: str, deadline: Deadline) -> None:
        self.base_url = base_url
        self.user = user
        self.password = password
        self.deadline = deadline
        self.requests = 0

    def url(self, href: str) -> str:
        return urljoin(self.base_url, href)

    def request(self, method: str, url: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Reply:
        raise NotImplementedError

    def close(self) -> None:
        pass


class HttpxClient(Client):
    """CardDAV (and the RFC 6764 well-known probe): httpx, Basic auth, Digest when the server asks for it."""

    def __init__(self, base_url: str, user: str, password: str, deadline: Deadline) -> None:
        super().__init__(base_url, user, password, deadline)
        import httpx

        self._httpx = httpx
        self._client = httpx.Client(auth=httpx.BasicAuth(user, password), follow_redirects=False, trust_env=False)
        self._digest = False

    def request(self, method: str, url: str, body: bytes = b"", headers: dict[str, str] | None = None,
                *, follow: bool = False) -> Reply:
        httpx = self._httpx
        url = self.url(url)
        for _hop in range(6):
            left = self.deadline.left()
            timeout = httpx.Timeout(min(REQUEST_TIMEOUT, left), connect=min(10.0, left))
            self.requests += 1
            try:
                answer = self._client.request(method, url, content=body, headers=headers or {}, timeout=timeout)
            except (httpx.TimeoutException, httpx.TransportError) as error:
                raise Offline(f"{urlsplit(url).netloc}: {type(error).__name__}: {error}") from None
            if answer.status_code == 401 and not self._digest and "digest" in answer.headers.get("www-authenticate", "").lower():
                self._digest = True
                self._client.auth = httpx.DigestAuth(self.user, self.password)
                continue
            if follow and answer.status_code in (301, 302, 303, 307, 308) and "location" in answer.headers:
                url = urljoin(url, answer.headers["location"])
                if method == "GET" or answer.status_code == 303:
                    method = "GET" if answer.status_code == 303 else method
                continue
            return Reply(answer.status_code, {k.lower(): v for k, v in answer.headers.items()}, answer.content, str(answer.url))
        raise Refused(f"{url}: too many redirects")

    def close(self) -> None:
        self._client.close()


class CaldavClient(Client):
    """CalDAV through the ``caldav`` library's client (its principal and calendar discovery, its
    authentication), with our conditional headers on each write."""

    def __init__(self, base_url: str, user: str, password: str, deadline: Deadline) -> None:
        super().__init__(base_url, user, password, deadline)
        from caldav.davclient import DAVClient

        self.dav = DAVClient(url=base_url, username=user, password=password, timeout=int(REQUEST_TIMEOUT),
                                    enable_rfc6764=False)

    def request(self, method: str, url: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Reply:
        from caldav.lib import error as caldav_error

        url = self.url(url)
        self.dav.timeout = cast(int, min(REQUEST_TIMEOUT, self.deadline.left()))  # niquests takes seconds as a float
        self.requests += 1
        try:
            answer = self.dav.request(url, method, body.decode("utf-8") if body else "", headers or {})
        except caldav_error.AuthorizationError as error:
            status = 403 if "403" in str(getattr(error, "reason", "") or error) else 401
            return Reply(status, {}, str(getattr(error, "reason", "") or "").encode(), url)
        except caldav_error.DAVError as error:
            raise Offline(f"{urlsplit(url).netloc}: {error}") from None
        except Exception as error:  # niquests' connection, timeout and protocol errors share no base we can name
            if type(error).__module__.split(".")[0] in ("niquests", "urllib3", "urllib3_future", "requests", "socket", "ssl") \
                    or isinstance(error, OSError | TimeoutError):
                raise Offline(f"{urlsplit(url).netloc}: {type(error).__name__}: {error}") from None
            raise
        raw = answer._raw if isinstance(answer._raw, bytes) else str(answer._raw or "").encode()
        headers_out = {str(k).lower(): str(v) for k, v in answer.headers.items()}
        return Reply(int(answer.status), headers_out, raw, url)

    def close(self) -> None:
        self.dav.close()


# --- XML ----------------------------------------------------------------------------------------


def propfind_body(*props: tuple[str, str]) -> bytes:
    names = "".join(f'<x:{name} xmlns:x="{ns}"/>' for ns, name in props)
    return f'<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop>{names}</d:prop></d:propfind>'.encode()


def parse_multistatus(body: bytes) -> tuple[list[tuple[str, int, dict[str, Any]]], str]:
    """(href, status, {"{ns}name": element}) per response, and the sync token if any. A body that is
    not a multistatus raises Refused."""
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(body)
    except Exception:
        raise Refused("the server's answer is not the XML it should be") from None
    responses = []
    for response in root.findall(f"{{{DAV}}}response"):
        href_el = response.find(f"{{{DAV}}}href")
        if href_el is None or not (href_el.text or "").strip():
            continue
        href = (href_el.text or "").strip()
        props: dict[str, Any] = {}
        status = _status(response.find(f"{{{DAV}}}status"))
        for propstat in response.findall(f"{{{DAV}}}propstat"):
            code = _status(propstat.find(f"{{{DAV}}}status"))
            if code and not 200 <= code < 300:
                continue
            prop = propstat.find(f"{{{DAV}}}prop")
            if prop is not None:
                for child in prop:
                    props[child.tag] = child
            status = status or code
        responses.append((href, status or 200, props))
    token_el = root.find(f"{{{DAV}}}sync-token")
    return responses, (token_el.text or "").strip() if token_el is not None else ""


def _status(element: Any) -> int:
    if element is None or not element.text:
        return 0
    parts = element.text.split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def text_of(props: dict[str, Any], ns: str, name: str) -> str:
    element = props.get(f"{{{ns}}}{name}")
    return (element.text or "").strip() if element is not None and element.text else ""


def href_in(props: dict[str, Any], ns: str, name: str) -> str:
    element = props.get(f"{{{ns}}}{name}")
    if element is None:
        return ""
    href = element.find(f"{{{DAV}}}href")
    return (href.text or "").strip() if href is not None and href.text else ""


def sync_collection_body(token: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="DAV:">'
        f"<d:sync-token>{_xml_escape(token)}</d:sync-token><d:sync-level>1</d:sync-level>"
        "<d:prop><d:getetag/></d:prop></d:sync-collection>"
    ).encode()


def multiget_body(kind: str, hrefs: list[str]) -> bytes:
    """A calendar-multiget or addressbook-multiget for ``hrefs`` (their ETag and data)."""
    if kind == "card":
        ns, root, data = CARDDAV, "addressbook-multiget", "address-data"
    else:
        ns, root, data = CALDAV, "calendar-multiget", "calendar-data"
    items = "".join(f"<d:href>{_xml_escape(href)}</d:href>" for href in hrefs)
    return (
        f'<?xml version="1.0" encoding="utf-8"?><c:{root} xmlns:d="DAV:" xmlns:c="{ns}">'
        f"<d:prop><d:getetag/><c:{data}/></d:prop>{items}</c:{root}>"
    ).encode()


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
