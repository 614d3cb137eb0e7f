"""Fetch a schedule from an http(s) or webcal URL, with hard limits and an offline copy.

The rules:

* only ``http``, ``https`` and ``webcal``/``webcals`` (fetched as ``https``); redirects are
  followed here, one hop at a time, at most ``max_redirects``, and every hop must stay http(s);
* a connect timeout and a TOTAL deadline for the whole exchange. httpx's timeouts measure
  inactivity, so a server dripping one byte a second never trips them (encode/httpx#1450); the
  deadline is checked between body chunks, and a watchdog gives up on the exchange when it is
  still running at the deadline (a server dripping its *headers*, or a DNS lookup that hangs,
  both block inside httpx where no check can run);
* a cap on the DECODED size. The body is read raw and decompressed here with a bounded
  ``zlib`` output, because httpx's own decoder inflates each network chunk in one go (a 64 KiB
  chunk of a gzip bomb becomes some 64 MB before any caller-side check can look at it);
* a web page (a captive portal, a login page) is refused with a hint instead of being parsed;
* conditional GET (If-None-Match / If-Modified-Since) when a cached copy matches the caller's
  validators; a 304 returns that copy;
* the last good body for each URL is kept in ``cache_dir`` and returned, with a warning, when the
  network cannot be reached; it is written only after a full body arrived and passed the checks;
* what is expected (``expect``): a schedule (the default; a web page is refused), a web page (a
  blog's home page, read for its feed's address), a feed (a web page is refused) or JSON (a public
  API: anything else is refused); a 403 or 429 that says a rate limit was reached is a
  :class:`RateLimited` naming when to try again (``Retry-After`` or ``X-RateLimit-Reset``); for
  anything but a schedule no cookie is kept, even from one hop of a redirect to the next.

Every failure is a :class:`~companion.errors.SourceError` with one line naming the URL or host.
httpx is imported inside :func:`fetch_url`, so importing this module costs nothing.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import re
import socket
import threading
import time
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from companion.errors import SourceError
from companion.storage import atomic_write_bytes
from companion.text import clean

if TYPE_CHECKING:  # pragma: no cover
    import httpx

USER_AGENT = "companion/0.1 (conference companion)"
ACCEPT = "text/calendar, application/json, application/xml, text/xml, text/plain;q=0.9, */*;q=0.5"
# Only what zlib decodes, so the size cap holds on the decoded bytes (no brotli, no zstd).
ACCEPT_ENCODING = "gzip, deflate"
READ_TIMEOUT_CEILING = 10.0
"""No single network read waits longer than this (or than the time left)."""
WATCHDOG_GRACE = 0.3
"""How long past the deadline the watchdog waits for the exchange to report its own timeout."""
RAW_CHUNK = 16 * 1024
CANCEL_POLL_SECONDS = 0.1
"""How often a waiting fetch looks whether it was cancelled."""

_SCHEMES = {"http": "http", "https": "https", "webcal": "https", "webcals": "https"}
_REDIRECT_STATUSES = {301, 302, 303, 307, 308}
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
EXPECTS = ("schedule", "page", "feed", "json")
"""What a fetch may expect: see the module docstring."""
ACCEPTS = {
    "schedule": ACCEPT,
    "page": "text/html, application/xhtml+xml, application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.5",
    "feed": "application/atom+xml, application/rss+xml, application/feed+json, application/xml, text/xml;q=0.9, */*;q=0.5",
    "json": "application/json",
}


class RateLimited(SourceError):
    """The server said too many requests (a 429, or a 403 with a rate limit header at zero)."""

    def __init__(self, message: str, retry_at: datetime | None) -> None:
        super().__init__(message)
        self.retry_at = retry_at
        """When the server says to try again (UTC), when it said."""


def _retry_at(headers: Any, now: datetime | None = None) -> datetime | None:
    """When a rate-limited server says to try again: ``Retry-After`` (seconds or an HTTP date) or
    ``X-RateLimit-Reset`` (seconds since the epoch, as GitHub sends it)."""
    from email.utils import parsedate_to_datetime

    now = now or datetime.now(timezone.utc)
    after = (headers.get("retry-after") or "").strip()
    if after.isdigit() and len(after) < 10:
        return now + timedelta(seconds=int(after))
    if after:
        try:
            moment = parsedate_to_datetime(after)
        except (TypeError, ValueError, IndexError):
            moment = None
        if moment is not None:
            return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    reset = (headers.get("x-ratelimit-reset") or "").strip()
    if reset.isdigit() and len(reset) < 12:
        try:
            return datetime.fromtimestamp(int(reset), timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    return None


def _rate_limited(status: int, headers: Any) -> bool:
    if status == 429:
        return True
    return status == 403 and (
        (headers.get("x-ratelimit-remaining") or "").strip() == "0" or bool(headers.get("retry-after"))
    )


@dataclass(frozen=True)
class FetchResult:
    payload: bytes
    url: str
    """The final URL, after redirects (for a copy from the cache: the one it was fetched from)."""
    etag: str
    last_modified: str
    not_modified: bool
    """The server answered 304: ``payload`` is the cached copy, and it is current."""
    from_cache: bool
    """The network could not be reached: ``payload`` is the last good copy; see ``warning``."""
    warning: str = ""


class _Unreachable(Exception):
    """The network or the server could not be reached in time: the cached copy may stand in."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.message = message
        """The whole error line, used when there is no cached copy."""
        self.reason = reason
        """A short reason for the offline warning."""


@dataclass
class _Answer:
    status: int
    url: str
    etag: str
    last_modified: str
    content_type: str
    body: bytes


@dataclass
class _Cached:
    payload: bytes
    url: str
    etag: str
    last_modified: str
    fetched_at: str


# --------------------------------------------------------------------------------------------
# URLs and messages


def shown_url(url: str) -> str:
    """The URL fit for a one-line message: control characters gone, password hidden, bounded."""
    text = clean(url, single_line=True)
    try:
        parts = urlsplit(text)
        if parts.password is not None:
            netloc = parts.netloc.rsplit("@", 1)[1]
            user = parts.username or ""
            text = urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))
    except ValueError:
        pass
    return text if len(text) <= 200 else text[:199] + "…"


def normalise_url(url: str) -> str:
    """The URL to fetch: webcal(s) mapped to https; anything but http(s)/webcal is refused."""
    text = url.strip()
    shown = shown_url(text) or "(empty)"
    if clean(text, single_line=True) != text or any(ch.isspace() for ch in text):
        raise SourceError(f"{shown} is not a valid URL (it contains spaces or control characters)")
    try:
        parts = urlsplit(text)
    except ValueError as error:
        raise SourceError(f"{shown} is not a valid URL ({clean(error, single_line=True)})") from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise SourceError(f"{shown} is not an http, https or webcal URL")
    try:
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as error:
        raise SourceError(f"{shown} is not a valid URL ({clean(error, single_line=True)})") from None
    if not host:
        raise SourceError(f"{shown} has no host name")
    if not _valid_host(host):
        raise SourceError(f"{shown} is not a valid URL (its host name is not valid)")
    return _SCHEMES[scheme] + text[len(parts.scheme):]


def _valid_host(host: str) -> bool:
    """A host name the resolver accepts: labels of 1 to 63 characters, 253 in all (or an address)."""
    if host.startswith("[") or ":" in host:
        return True  # an IPv6 literal; httpx judges it
    try:
        encoded = host.encode("idna")
    except UnicodeError:
        return False
    return len(encoded) <= 253 and all(0 < len(label) <= 63 for label in encoded.rstrip(b".").split(b"."))


def split_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """``url`` without the ``user:password@`` it may carry, and that pair (None when it has none).
    The URL is what may be stored, cached, shown and exported; the pair only goes on the wire."""
    try:
        parts = urlsplit(url)
        user, password = parts.username, parts.password
    except ValueError:
        return url, None
    if user is None and password is None:
        return url, None
    bare = urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
    return bare, (unquote(user or ""), unquote(password or ""))


def host_addresses(host: str) -> list[str]:
    """The addresses ``host`` stands for: itself when it is an address, else what the resolver
    says (raises OSError when it says nothing)."""
    literal = host.strip("[]")
    try:
        return [str(ipaddress.ip_address(literal))]
    except ValueError:
        pass
    return [str(info[4][0]).split("%", 1)[0] for info in socket.getaddrinfo(literal, None, proto=socket.IPPROTO_TCP)]


def _is_internal_address(text: str) -> bool:
    """Loopback, private, link-local, shared, reserved or unspecified: not an address on the internet."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def is_internal_host(host: str) -> bool:
    """True when ``host`` is, or resolves to, an address inside this machine or its network. A
    name that does not resolve counts as outside (fetching it fails anyway)."""
    try:
        return any(_is_internal_address(address) for address in host_addresses(host))
    except (OSError, UnicodeError, ValueError):
        return False


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or {"http": 80, "https": 443}.get(scheme)


def _host(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = parts.hostname or "?"
        port = parts.port
    except ValueError:
        return "?"
    host = f"[{host}]" if ":" in host else host
    return clean(f"{host}:{port}" if port else host, single_line=True)


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.3g} MB"
    if count >= 1024:
        return f"{count / 1024:.3g} KB"
    return f"{count} bytes"


def _reason(error: BaseException) -> str:
    """A short, clean reason from a network exception ("[Errno 111] Connection refused" -> ...)."""
    text = clean(str(error), single_line=True)
    text = re.sub(r"^\[Errno -?\d+\]\s*", "", text)
    text = re.sub(r"^\[SSL: [A-Z_]+\]\s*", "", text)
    return (text or type(error).__name__)[:200]


def _header_safe(value: str) -> bool:
    return bool(value) and value.isascii() and value.isprintable()


# --------------------------------------------------------------------------------------------
# The cache: <sha256 of the URL>.body and a JSON sidecar with the validators


class _Cache:
    def __init__(self, cache_dir: Path, url: str) -> None:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:40]
        self.dir = Path(cache_dir)
        self.body = self.dir / f"{key}.body"
        self.meta = self.dir / f"{key}.json"
        self.url = url

    def load(self) -> _Cached | None:
        """The cached copy, or None when there is none or its two files do not belong together."""
        try:
            payload = self.body.read_bytes()
            meta = json.loads(self.meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("sha256") != hashlib.sha256(payload).hexdigest():
            return None  # a crash between the two writes, or a hand-edited file
        if meta.get("url") != self.url or not payload:
            return None
        return _Cached(
            payload=payload,
            url=str(meta.get("final_url") or self.url),
            etag=str(meta.get("etag") or ""),
            last_modified=str(meta.get("last_modified") or ""),
            fetched_at=str(meta.get("fetched_at") or ""),
        )

    def save(self, payload: bytes | None, *, final_url: str, etag: str, last_modified: str,
             digest: str) -> str:
        """Write the body (unless None: a 304 only refreshes the sidecar); return a warning or ""."""
        meta = {
            "url": self.url,
            "final_url": final_url,
            "etag": etag,
            "last_modified": last_modified,
            "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "sha256": digest,
        }
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            if payload is not None:
                atomic_write_bytes(self.body, payload)
            atomic_write_bytes(self.meta, json.dumps(meta, indent=1).encode("utf-8"))
        except OSError as error:
            return f"could not keep an offline copy in {self.dir}: {_reason(error)}"
        return ""


def _copy_date(fetched_at: str) -> str:
    try:
        moment = datetime.fromisoformat(fetched_at)
    except ValueError:
        return "an earlier fetch"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


# --------------------------------------------------------------------------------------------
# Decoding the body with a bound on the decoded size


class _TooLarge(Exception):
    pass


class _BadEncoding(Exception):
    pass


class _BoundedDecoder:
    """Decode identity, gzip or deflate content, never producing more than ``limit + 1`` bytes."""

    def __init__(self, content_encoding: str, limit: int) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise _BadEncoding(f"unsupported content encoding {clean(content_encoding, single_line=True)!r}")
        self.coding = codings[0] if codings else ""
        self.limit = limit
        self.total = 0
        self.parts: list[bytes] = []
        self._started = False
        if self.coding in ("gzip", "x-gzip"):
            self._zlib: Any = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif self.coding == "deflate":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS)
        else:
            self._zlib = None

    def feed(self, data: bytes) -> None:
        if not data:
            return
        if self._zlib is None:
            self._add(data)
            return
        if self._zlib.eof:
            return  # bytes after the end of the compressed stream are ignored, as browsers do
        room = self.limit - self.total + 1
        try:
            out = self._zlib.decompress(data, room)
        except zlib.error as error:
            if self.coding == "deflate" and not self._started:
                # "deflate" is often sent raw, without the zlib header; httpx accepts both too.
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                self._started = True
                self.feed(data)
                return
            raise _BadEncoding(f"the {self.coding} content does not decode ({error})") from None
        self._started = True
        self._add(out)
        # Output stopped at ``room`` bytes means the cap is passed; _add has raised by then.

    def _add(self, data: bytes) -> None:
        self.total += len(data)
        if self.total > self.limit:
            raise _TooLarge()
        self.parts.append(data)

    def finish(self) -> bytes:
        if self._zlib is not None and self._started and not self._zlib.eof:
            raise _BadEncoding(f"the {self.coding} content ends early (the download was cut off)")
        return b"".join(self.parts)


# --------------------------------------------------------------------------------------------
# Sniffing


def _head(payload: bytes) -> bytes:
    head = payload[:2048].lstrip()
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:].lstrip()
    return head.lower()


def looks_like_web_page(payload: bytes) -> bool:
    head = _head(payload)
    if head.startswith(b"<?xml"):
        end = head.find(b"?>")
        head = head[end + 2:].lstrip() if end >= 0 else b""
    return head.startswith((b"<!doctype html", b"<html"))


def _looks_like_schedule(payload: bytes) -> bool:
    head = _head(payload)
    return head.startswith((b"begin:vcalendar", b"begin:vevent", b"<?xml", b"<schedule", b"{", b"["))


# --------------------------------------------------------------------------------------------
# The exchange (runs in a worker thread; see fetch_url)


def _timeout(httpx_module: Any, deadline: float, connect_timeout: float, total_timeout: float) -> Any:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _DeadlinePassed()
    read = min(total_timeout, READ_TIMEOUT_CEILING, left)
    return httpx_module.Timeout(connect=min(connect_timeout, left), read=read, write=read, pool=read)


class _DeadlinePassed(Exception):
    pass


def _exchange(
    client: httpx.Client,
    httpx_module: Any,
    url: str,
    headers: dict[str, str],
    *,
    deadline: float,
    connect_timeout: float,
    total_timeout: float,
    max_bytes: int,
    max_redirects: int,
    auth: tuple[str, str] | None = None,
) -> _Answer:
    """GET ``url`` following redirects by hand; return the answer or raise. ``auth`` (user,
    password) is sent only to the first URL's own origin."""
    shown = shown_url(url)
    current = url
    hops = 0
    first_origin = _origin(url)
    first_inside: bool | None = None  # looked up at the first redirect that leaves the first host
    while True:
        timeout = _timeout(httpx_module, deadline, connect_timeout, total_timeout)
        hop_headers = dict(headers)
        if auth is not None and _origin(current) == first_origin:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
            hop_headers["Authorization"] = f"Basic {token}"
        try:
            request = client.build_request("GET", current, headers=hop_headers, timeout=timeout)
        except (httpx_module.InvalidURL, ValueError) as error:
            raise SourceError(f"{shown}: cannot fetch {shown_url(current)} ({_reason(error)})") from None
        try:
            response = client.send(request, stream=True)
        except httpx_module.InvalidURL as error:
            # httpx builds the next request of a redirect even with follow_redirects=False, and
            # a Location it cannot parse (javascript:alert(1)) raises here, not as an HTTPError.
            raise SourceError(
                f"{shown}: the server sent a redirect that cannot be followed ({_reason(error)}); refused"
            ) from None
        try:
            status = response.status_code
            location = response.headers.get("location")
            if status in _REDIRECT_STATUSES and location:
                if hops >= max_redirects:
                    raise SourceError(f"{shown}: too many redirects (more than {max_redirects})")
                target = urljoin(str(response.url), location.strip())
                scheme = urlsplit(target).scheme.lower()
                if scheme not in ("http", "https"):
                    raise SourceError(
                        f"{shown}: the server redirected to {shown_url(location)}, "
                        f"which is not an http(s) URL; refused"
                    )
                if scheme == "http" and urlsplit(current).scheme.lower() == "https":
                    raise SourceError(
                        f"{shown}: the server redirected from https to http ({shown_url(target)}), "
                        "which would send the rest unencrypted; refused"
                    )
                target_host = urlsplit(target).hostname or ""
                if target_host.lower() != first_origin[1]:
                    if first_inside is None:
                        first_inside = is_internal_host(first_origin[1])
                    if not first_inside and is_internal_host(target_host):
                        raise SourceError(
                            f"{shown}: the server redirected to {_host(target)}, an address inside this "
                            "machine or its network; refused"
                        )
                hops += 1
                current = target
                continue
            final = str(response.url)
            etag = response.headers.get("etag", "")
            last_modified = response.headers.get("last-modified", "")
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if status == 304:
                return _Answer(status, final, etag, last_modified, content_type, b"")
            if not 200 <= status < 300 and _rate_limited(status, response.headers):
                retry_at = _retry_at(response.headers)
                when = f"try again after {retry_at:%Y-%m-%d %H:%M} UTC" if retry_at else "try again later"
                raise RateLimited(f"{shown}: rate limited by {_host(current)} (HTTP {status}); {when}", retry_at)
            if not 200 <= status < 300:
                phrase = httpx_module.codes.get_reason_phrase(status) or clean(
                    response.reason_phrase, single_line=True
                )[:80]
                hint = ""
                if status == 401:
                    hint = (" (wrong user name or password)" if auth is not None else
                            " (it needs a user name and password: give them in the URL, https://USER:PASSWORD@host/...)")
                raise SourceError(f"{shown}: HTTP {status} {phrase}".rstrip() + hint)
            encoding = response.headers.get("content-encoding", "")
            try:
                decoder = _BoundedDecoder(encoding, max_bytes)
            except _BadEncoding as error:
                raise SourceError(f"{shown}: {error}") from None
            length = response.headers.get("content-length", "")
            if not decoder.coding and length.isdigit() and int(length) > max_bytes:
                raise SourceError(f"{shown}: larger than {_size(max_bytes)} ({_size(int(length))}); refused")
            try:
                wire = 0
                for chunk in response.iter_raw(RAW_CHUNK):
                    wire += len(chunk)
                    if wire > max_bytes:
                        # Also bounds compressed streams that never produce output (empty blocks)
                        # or go on after their end: they would otherwise run to the deadline.
                        raise _TooLarge()
                    decoder.feed(chunk)
                    if time.monotonic() > deadline:
                        raise _DeadlinePassed()
                body = decoder.finish()
            except _TooLarge:
                decoded = " once decoded" if decoder.coding else ""
                raise SourceError(f"{shown}: larger than {_size(max_bytes)}{decoded}; refused") from None
            except _BadEncoding as error:
                raise SourceError(f"{shown}: {error}") from None
            except httpx_module.TimeoutException:
                raise
            except httpx_module.HTTPError as error:
                raise SourceError(f"{shown}: the download was cut off ({_reason(error)})") from None
            return _Answer(status, final, etag, last_modified, content_type, body)
        finally:
            response.close()


def _no_cookies() -> Any:
    """A cookie jar that keeps nothing."""
    from http.cookiejar import CookieJar, DefaultCookiePolicy

    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


def _run_exchange(httpx_module: Any, url: str, headers: dict[str, str], *, deadline: float,
                  connect_timeout: float, total_timeout: float, max_bytes: int,
                  max_redirects: int, cancelled: threading.Event | None = None,
                  auth: tuple[str, str] | None = None, keep_cookies: bool = True) -> _Answer:
    """Run :func:`_exchange` in a daemon thread and give up on it at the deadline. Without
    ``keep_cookies`` a cookie set by one hop of a redirect is not sent to the next."""
    shown, host = shown_url(url), _host(url)
    too_slow = _Unreachable(
        f"{shown}: no complete answer from {host} within {total_timeout:g} s",
        f"{host} gave no complete answer within {total_timeout:g} s",
    )
    client = httpx_module.Client(
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
        timeout=httpx_module.Timeout(min(connect_timeout, total_timeout)),
        **({} if keep_cookies else {"cookies": _no_cookies()}),
    )
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            outcome["answer"] = _exchange(
                client, httpx_module, url, headers, deadline=deadline, connect_timeout=connect_timeout,
                total_timeout=total_timeout, max_bytes=max_bytes, max_redirects=max_redirects, auth=auth,
            )
        except BaseException as error:  # handed to the calling thread
            outcome["error"] = error
        finally:
            done.set()

    worker = threading.Thread(target=work, name="companion-fetch", daemon=True)
    finished = False
    try:
        worker.start()
        while True:
            left = deadline - time.monotonic() + WATCHDOG_GRACE
            finished = done.wait(max(0.0, min(left, CANCEL_POLL_SECONDS)))
            if finished or left <= 0:
                break
            if cancelled is not None and cancelled.is_set():
                raise SourceError(f"{shown}: the import was cancelled")
    finally:
        # Closing the pool closes the sockets, so a worker stuck in a read ends soon after; one
        # stuck in a DNS lookup is a daemon thread and holds nothing but its own socket.
        try:
            client.close()
        except Exception:  # noqa: BLE001 - closing from another thread is best effort
            pass
    if not finished:
        raise too_slow
    error = outcome.get("error")
    if error is None:
        return outcome["answer"]
    if isinstance(error, (_DeadlinePassed, httpx_module.TimeoutException)):
        raise too_slow from None
    if isinstance(error, httpx_module.NetworkError):
        # Connect errors (refused, DNS, TLS) and resets before any answer; a cut in the body was
        # already turned into an SourceError by _exchange.
        reason = f"cannot reach {host}: {_reason(error)}"
        raise _Unreachable(reason, reason)
    if isinstance(error, httpx_module.HTTPError):
        raise SourceError(f"{shown}: {_reason(error)}") from None
    if isinstance(error, UnicodeError):  # a host name the resolver cannot encode (in a redirect)
        raise SourceError(f"{shown}: cannot fetch it: {_reason(error)}") from None
    raise error


def _check_kind(body: bytes, content_type: str, expect: str, shown: str) -> None:
    """Refuse a body that is not what ``expect`` asked for (a web page where a schedule, a feed or
    JSON was expected: often a captive portal)."""
    if expect == "page":
        return
    page = looks_like_web_page(body) or (content_type in _HTML_TYPES and not _looks_like_schedule(body))
    if expect == "json":
        if page or not _head(body).startswith((b"{", b"[")):
            what = "a web page" if page else "something else"
            raise SourceError(f"{shown}: the server sent {what}, not JSON"
                              + (" (maybe a captive portal: log in to the network and try again)" if page else ""))
        return
    if page:
        raise SourceError(
            f"{shown}: the server sent a web page, not a {expect} "
            f"(maybe a captive portal: log in to the network and try again)"
        )


# --------------------------------------------------------------------------------------------


def fetch_url(
    url: str,
    *,
    cache_dir: Path,
    etag: str = "",
    last_modified: str = "",
    connect_timeout: float = 10.0,
    total_timeout: float = 30.0,
    max_bytes: int = 10 * 1024 * 1024,
    max_redirects: int = 5,
    cancelled: threading.Event | None = None,
    auth: tuple[str, str] | None = None,
    expect: str = "schedule",
) -> FetchResult:
    """Fetch a schedule (or, by ``expect``, a web page, a feed or JSON); see the module docstring
    for the rules. Raises SourceError (one line).

    ``etag``/``last_modified`` are the validators of the copy the caller already has; they are
    sent (a conditional GET) only when the cached body here is that same copy, so a 304 always
    means "the cached payload is current".
    """
    import httpx  # here, not at the top: the quick CLI path never pays for it

    start = time.monotonic()
    deadline = start + total_timeout
    target, in_url = split_credentials(normalise_url(url))
    auth = auth or in_url  # sent on the wire, never kept: the cache and the result hold ``target``
    shown = shown_url(target)
    cache = _Cache(Path(cache_dir), target)
    cached = cache.load()

    if expect not in ACCEPTS:
        raise ValueError(f"expect must be one of {EXPECTS}, not {expect!r}")
    headers = {"Accept": ACCEPTS[expect], "Accept-Encoding": ACCEPT_ENCODING}
    conditional = (
        cached is not None
        and bool(etag or last_modified)
        and (not etag or etag == cached.etag)
        and (not last_modified or last_modified == cached.last_modified)
    )
    if conditional:
        if _header_safe(etag):
            headers["If-None-Match"] = etag
        if _header_safe(last_modified):
            headers["If-Modified-Since"] = last_modified

    try:
        answer = _run_exchange(
            httpx, target, headers, deadline=deadline, connect_timeout=connect_timeout,
            total_timeout=total_timeout, max_bytes=max_bytes, max_redirects=max_redirects, cancelled=cancelled,
            auth=auth, keep_cookies=expect == "schedule",
        )
    except _Unreachable as offline:
        if cached is None:
            raise SourceError(offline.message) from None
        return FetchResult(
            payload=cached.payload,
            url=cached.url,
            etag=cached.etag,
            last_modified=cached.last_modified,
            not_modified=False,
            from_cache=True,
            warning=f"offline ({offline.reason}); using the copy from {_copy_date(cached.fetched_at)}",
        )

    if answer.status == 304:
        if cached is None or not conditional:
            raise SourceError(f"{shown}: HTTP 304 Not Modified, but there is no cached copy to use")
        new_etag = answer.etag or cached.etag
        new_modified = answer.last_modified or cached.last_modified
        warning = cache.save(
            None, final_url=answer.url, etag=new_etag, last_modified=new_modified,
            digest=hashlib.sha256(cached.payload).hexdigest(),
        )
        return FetchResult(
            payload=cached.payload,
            url=answer.url,
            etag=new_etag,
            last_modified=new_modified,
            not_modified=True,
            from_cache=False,
            warning=warning,
        )

    body = answer.body
    if not body.strip():
        raise SourceError(f"{shown}: the server sent an empty answer")
    _check_kind(body, answer.content_type, expect, shown)
    warning = cache.save(
        body, final_url=answer.url, etag=answer.etag, last_modified=answer.last_modified,
        digest=hashlib.sha256(body).hexdigest(),
    )
    return FetchResult(
        payload=body,
        url=answer.url,
        etag=answer.etag,
        last_modified=answer.last_modified,
        not_modified=False,
        from_cache=False,
        warning=warning,
    )
