"""companion.fetch against real, misbehaving servers on 127.0.0.1 (never any other address).

Each server is a raw socket server on port 0 whose connections are handled by a small function in
a daemon thread; every handler waits on the server's stop event or a short timeout, so nothing
outlives its test.
"""

from __future__ import annotations

import gzip
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from companion.errors import SourceError
from companion.fetch import FetchResult, fetch_url, normalise_url

ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:a@test\r\n"
    b"DTSTART:20250301T100000Z\r\nDTEND:20250301T110000Z\r\nSUMMARY:Keynote\r\nEND:VEVENT\r\n"
    b"END:VCALENDAR\r\n"
)
WEB_PAGE = b"<!DOCTYPE html>\n<html><head><title>Hotel WiFi</title></head><body>Log in</body></html>\n"


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy from the environment would route 127.0.0.1 elsewhere."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


# --------------------------------------------------------------------------------------------
# A raw server


class Request:
    def __init__(self, raw: bytes) -> None:
        head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        lines = head.split("\r\n")
        parts = lines[0].split(" ")
        self.method = parts[0]
        self.path = parts[1] if len(parts) > 1 else ""
        self.headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()


Handler = Callable[["Server", socket.socket, Request], None]


class Server:
    """Accepts on 127.0.0.1:<free port>; reads each request and hands it to ``handler``."""

    def __init__(self, handler: Handler, *, read_request: bool = True) -> None:
        self.handler = handler
        self.read_request = read_request
        self.requests: list[Request] = []
        self.first_bytes: list[bytes] = []
        self.stopped = threading.Event()
        self.state: dict[str, object] = {}
        self._conns: list[socket.socket] = []
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)
        self._acceptor.start()

    def url(self, path: str = "/schedule.ics", scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def _accept_loop(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self._conns.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        try:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
                if not self.read_request:
                    break
            if not self.read_request:
                self.first_bytes.append(data)
                return
            request = Request(data)
            self.requests.append(request)
            self.handler(self, conn, request)
        except OSError:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def stop(self) -> None:
        # Let the accept loop leave accept() first: a listener closed while another thread polls it
        # keeps listening until that poll returns, and then resets whatever connected meanwhile.
        self.stopped.set()
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes accept() at once (Linux)
        except OSError:
            pass
        self._acceptor.join(timeout=2)
        self.listener.close()
        for conn in self._conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()


@pytest.fixture
def serve() -> Iterator[Callable[..., Server]]:
    servers: list[Server] = []

    def start(handler: Handler, **options: bool) -> Server:
        server = Server(handler, **options)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def respond(conn: socket.socket, status: str, body: bytes = b"", headers: dict[str, str] | None = None,
            *, content_length: bool = True) -> None:
    lines = [f"HTTP/1.1 {status}", "Connection: close"]
    fields = dict(headers or {})
    if content_length and "Content-Length" not in fields:
        fields["Content-Length"] = str(len(body))
    lines += [f"{name}: {value}" for name, value in fields.items()]
    conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)


def calendar(server: Server, conn: socket.socket, request: Request) -> None:
    respond(conn, "200 OK", ICS, {"Content-Type": "text/calendar; charset=utf-8"})


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def expect_error(call: Callable[[], FetchResult], *, within: float, mentions: str = "127.0.0.1") -> str:
    """The SourceError ``call`` raises: one line, naming the URL or host, within ``within`` s."""
    started = time.monotonic()
    with pytest.raises(SourceError) as caught:
        call()
    elapsed = time.monotonic() - started
    message = str(caught.value)
    assert elapsed < within, f"took {elapsed:.2f} s: {message}"
    assert "\n" not in message and "\r" not in message, message
    assert mentions in message, message
    return message


# --------------------------------------------------------------------------------------------
# The happy path, conditional GET, webcal


def test_200_with_etag_then_304_returns_the_cached_copy(serve, tmp_path: Path) -> None:
    def handler(server: Server, conn: socket.socket, request: Request) -> None:
        if request.headers.get("if-none-match") == '"v1"':
            respond(conn, "304 Not Modified", headers={"ETag": '"v1"'}, content_length=False)
        else:
            respond(conn, "200 OK", ICS, {
                "Content-Type": "text/calendar", "ETag": '"v1"',
                "Last-Modified": "Sat, 01 Mar 2025 09:00:00 GMT",
            })

    server = serve(handler)
    first = fetch_url(server.url(), cache_dir=tmp_path)
    assert first.payload == ICS
    assert (first.etag, first.last_modified) == ('"v1"', "Sat, 01 Mar 2025 09:00:00 GMT")
    assert not first.not_modified and not first.from_cache and first.warning == ""
    assert first.url == server.url()
    assert "if-none-match" not in server.requests[0].headers
    assert server.requests[0].headers["user-agent"].startswith("companion/0.1")
    assert server.requests[0].headers["accept-encoding"] == "gzip, deflate"

    second = fetch_url(server.url(), cache_dir=tmp_path, etag=first.etag, last_modified=first.last_modified)
    sent = server.requests[1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Sat, 01 Mar 2025 09:00:00 GMT"
    assert second.not_modified and not second.from_cache
    assert second.payload == ICS
    assert second.etag == '"v1"'


def test_validators_without_a_cached_copy_fetch_in_full(serve, tmp_path: Path) -> None:
    # A 304 would leave nothing to return, so no conditional headers are sent.
    server = serve(calendar)
    result = fetch_url(server.url(), cache_dir=tmp_path, etag='"old"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT")
    assert result.payload == ICS and not result.not_modified
    assert "if-none-match" not in server.requests[0].headers
    assert "if-modified-since" not in server.requests[0].headers


def test_webcal_urls_are_fetched_over_https(serve, tmp_path: Path) -> None:
    assert normalise_url("webcal://example.org/cal.ics") == "https://example.org/cal.ics"
    assert normalise_url("WEBCALS://example.org/cal.ics?x=1") == "https://example.org/cal.ics?x=1"
    assert normalise_url("  http://example.org/a  ") == "http://example.org/a"
    # End to end: the plain-TCP server sees a TLS ClientHello (a handshake record starts 0x16 0x03).
    server = serve(calendar, read_request=False)
    message = expect_error(lambda: fetch_url(server.url(scheme="webcal"), cache_dir=tmp_path), within=3)
    assert server.first_bytes and server.first_bytes[0][:2] == b"\x16\x03"
    assert "cannot reach 127.0.0.1" in message


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://127.0.0.1/schedule.ics", "javascript:alert(1)", "/tmp/schedule.ics",
     "schedule.ics", "C:\\talks\\schedule.ics", "", "http://", "http://127.0.0.1/a b", "http://127.0.0.1/\x1b[31m"],
)
def test_only_http_https_and_webcal(url: str, tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(SourceError) as caught:
        fetch_url(url, cache_dir=tmp_path)
    message = str(caught.value)
    assert time.monotonic() - started < 1
    assert "\n" not in message and "\x1b" not in message
    assert not list(tmp_path.iterdir())


# --------------------------------------------------------------------------------------------
# Deadlines


def test_slow_drip_hits_the_total_deadline(serve, tmp_path: Path) -> None:
    def drip(server: Server, conn: socket.socket, request: Request) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\nContent-Length: 1000\r\n\r\n")
        for _ in range(1000):
            if server.stopped.wait(0.3):
                return
            conn.sendall(b"x")

    server = serve(drip)
    message = expect_error(lambda: fetch_url(server.url(), cache_dir=tmp_path, total_timeout=1.5), within=2.5)
    assert "within 1.5 s" in message
    assert not list(tmp_path.iterdir())


def test_headers_dripped_byte_by_byte_hit_the_deadline(serve, tmp_path: Path) -> None:
    # httpx cannot be interrupted while it waits for the headers; the watchdog gives up on it.
    def drip_headers(server: Server, conn: socket.socket, request: Request) -> None:
        for byte in b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 1000:
            if server.stopped.wait(0.2):
                return
            conn.sendall(bytes([byte]))

    server = serve(drip_headers)
    expect_error(lambda: fetch_url(server.url(), cache_dir=tmp_path, total_timeout=1.0), within=2.0)


def test_silent_server_hits_the_deadline(serve, tmp_path: Path) -> None:
    def silence(server: Server, conn: socket.socket, request: Request) -> None:
        server.stopped.wait(10)

    server = serve(silence)
    message = expect_error(lambda: fetch_url(server.url(), cache_dir=tmp_path, total_timeout=1.0), within=2.0)
    assert "no complete answer" in message


# --------------------------------------------------------------------------------------------
# HTTP errors and redirects


@pytest.mark.parametrize("status", ["500 Internal Server Error", "404 Not Found"])
def test_http_errors(serve, tmp_path: Path, status: str) -> None:
    server = serve(lambda s, conn, r: respond(conn, status, b"oops", {"Content-Type": "text/plain"}))
    message = expect_error(lambda: fetch_url(server.url(), cache_dir=tmp_path), within=2)
    assert message == f"{server.url()}: HTTP {status}"
    assert not list(tmp_path.iterdir())


def test_redirects_are_followed(serve, tmp_path: Path) -> None:
    def handler(server: Server, conn: socket.socket, request: Request) -> None:
        if request.path == "/old":
            respond(conn, "301 Moved Permanently", headers={"Location": server.url("/middle")})
        elif request.path == "/middle":
            respond(conn, "302 Found", headers={"Location": "/new.ics"})  # relative
        else:
            calendar(server, conn, request)

    server = serve(handler)
    result = fetch_url(server.url("/old"), cache_dir=tmp_path)
    assert result.payload == ICS
    assert result.url == server.url("/new.ics")
    assert [r.path for r in server.requests] == ["/old", "/middle", "/new.ics"]


def test_redirect_loop_stops_after_max_redirects(serve, tmp_path: Path) -> None:
    server = serve(lambda s, conn, r: respond(conn, "302 Found", headers={"Location": "/loop"}))
    message = expect_error(lambda: fetch_url(server.url("/loop"), cache_dir=tmp_path, max_redirects=5), within=3)
    assert "too many redirects" in message
    assert len(server.requests) == 6  # the first request and five redirects


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://127.0.0.1/x", "javascript:alert(1)"])
def test_redirect_to_another_scheme_is_refused(serve, tmp_path: Path, location: str) -> None:
    server = serve(lambda s, conn, r: respond(conn, "302 Found", headers={"Location": location}))
    message = expect_error(lambda: fetch_url(server.url(), cache_dir=tmp_path), within=2)
    if location.startswith("javascript:"):
        # httpx itself cannot parse this Location; the message cannot quote it.
        assert "redirect that cannot be followed" in message
    else:
        assert "not an http(s) URL" in message and location in message
    assert len(server.requests) == 1


# --------------------------------------------------------------------------------------------
# Size caps


def test_content_length_over_the_cap_is_refused_early(serve, tmp_path: Path) -> None:
    def big(server: Server, conn: socket.socket, request: Request) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\nContent-Length: 5000000\r\n\r\n")
        server.stopped.wait(10)  # never sends the body: refusing must not wait for it

    server = serve(big)
    message = expect_error(lambda: fetch_url(server.url(), cache_dir=tmp_path, max_bytes=1000), within=2)
    assert "larger than 1000 bytes" in message


def test_streamed_body_over_the_cap_is_refused(serve, tmp_path: Path) -> None:
    def chunked(server: Server, conn: socket.socket, request: Request) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in range(50):
            conn.sendall(b"400\r\n" + b"x" * 0x400 + b"\r\n")
        conn.sendall(b"0\r\n\r\n")

    server = serve(chunked)
    message = expect_error(lambda: fetch_url(server.url(), cache_dir=tmp_path, max_bytes=10_000), within=2)
    assert message.endswith("larger than 9.77 KB; refused")
    assert not list(tmp_path.iterdir())


def test_gzip_bomb_is_stopped_on_decoded_bytes_with_bounded_memory(serve, tmp_path: Path) -> None:
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024), compresslevel=9)  # about 20 KB on the wire
    assert len(bomb) < 100_000

    def handler(server: Server, conn: socket.socket, request: Request) -> None:
        respond(conn, "200 OK", bomb, {"Content-Type": "text/calendar", "Content-Encoding": "gzip"})

    server = serve(handler)
    tracemalloc.start()
    try:
        message = expect_error(lambda: fetch_url(server.url(), cache_dir=tmp_path, max_bytes=100_000), within=3)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "once decoded" in message
    assert peak < 4 * 1024 * 1024, f"peak {peak} bytes while refusing a gzip bomb"
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "encoding, encode",
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),  # zlib-wrapped, as the RFC says
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send
    ],
)
def test_compressed_calendars_are_decoded(serve, tmp_path: Path, encoding: str, encode) -> None:
    body = encode(ICS)
    server = serve(lambda s, conn, r: respond(conn, "200 OK", body, {"Content-Encoding": encoding}))
    assert fetch_url(server.url(), cache_dir=tmp_path).payload == ICS


def test_truncated_gzip_body_is_an_error(serve, tmp_path: Path) -> None:
    body = gzip.compress(ICS * 20)[:-30]  # a complete HTTP message whose gzip stream ends early
    server = serve(lambda s, conn, r: respond(conn, "200 OK", body, {"Content-Encoding": "gzip"}))
    message = expect_error(lambda: fetch_url(server.url(), cache_dir=tmp_path), within=2)
    assert "ends early" in message
    assert not list(tmp_path.iterdir())


# --------------------------------------------------------------------------------------------
# Web pages, empty answers, cut connections


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("text/html; charset=utf-8", b"<p>Please accept the terms of use</p>"),
        ("text/calendar", b"\n\n   <!doctype HTML><html><body>login</body></html>"),
        ("text/plain", b"\xef\xbb\xbf<html><body>portal</body></html>"),
        ("application/octet-stream", b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"/>'),
    ],
)
def test_a_web_page_is_not_a_schedule(serve, tmp_path: Path, content_type: str, body: bytes) -> None:
    server = serve(lambda s, conn, r: respond(conn, "200 OK", body, {"Content-Type": content_type}))
    message = expect_error(lambda: fetch_url(server.url(), cache_dir=tmp_path), within=2)
    assert "web page, not a schedule" in message and "captive portal" in message
    assert not list(tmp_path.iterdir())


def test_a_calendar_served_as_text_html_is_accepted(serve, tmp_path: Path) -> None:
    # Misconfigured servers do this; the content decides (sniff the content, not the labels).
    server = serve(lambda s, conn, r: respond(conn, "200 OK", ICS, {"Content-Type": "text/html"}))
    assert fetch_url(server.url(), cache_dir=tmp_path).payload == ICS


def test_empty_answer_is_an_error(serve, tmp_path: Path) -> None:
    server = serve(lambda s, conn, r: respond(conn, "200 OK", b"", {"Content-Type": "text/calendar"}))
    message = expect_error(lambda: fetch_url(server.url(), cache_dir=tmp_path), within=2)
    assert "empty answer" in message


def test_connection_cut_mid_body_keeps_the_cached_copy(serve, tmp_path: Path) -> None:
    def handler(server: Server, conn: socket.socket, request: Request) -> None:
        if not server.state.get("served"):
            server.state["served"] = True
            calendar(server, conn, request)
        else:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\nContent-Length: 1000\r\n\r\n")
            conn.sendall(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")  # then the connection closes

    server = serve(handler)
    assert fetch_url(server.url(), cache_dir=tmp_path).payload == ICS
    cached_files = {path.name: path.read_bytes() for path in tmp_path.iterdir()}

    message = expect_error(lambda: fetch_url(server.url(), cache_dir=tmp_path), within=2)
    assert "cut off" in message
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == cached_files

    server.stop()
    offline = fetch_url(server.url(), cache_dir=tmp_path)
    assert offline.from_cache and offline.payload == ICS


# --------------------------------------------------------------------------------------------
# Offline


def test_offline_with_a_cached_copy_returns_it_with_a_warning(serve, tmp_path: Path) -> None:
    server = serve(lambda s, conn, r: respond(conn, "200 OK", ICS, {"ETag": '"abc"'}))
    url = server.url()
    fetch_url(url, cache_dir=tmp_path)
    server.stop()

    started = time.monotonic()
    result = fetch_url(url, cache_dir=tmp_path, etag='"abc"')
    assert time.monotonic() - started < 2
    assert result.from_cache and not result.not_modified
    assert result.payload == ICS and result.etag == '"abc"' and result.url == url
    assert result.warning.startswith(f"offline (cannot reach 127.0.0.1:{server.port}")
    assert "using the copy from 20" in result.warning and " UTC" in result.warning
    assert "\n" not in result.warning


def test_a_server_gone_silent_counts_as_offline_when_there_is_a_copy(serve, tmp_path: Path) -> None:
    def handler(server: Server, conn: socket.socket, request: Request) -> None:
        if server.state.get("served"):
            server.stopped.wait(10)
        else:
            server.state["served"] = True
            calendar(server, conn, request)

    server = serve(handler)
    fetch_url(server.url(), cache_dir=tmp_path)
    started = time.monotonic()
    result = fetch_url(server.url(), cache_dir=tmp_path, total_timeout=1.0)
    assert time.monotonic() - started < 2.0
    assert result.from_cache and result.payload == ICS
    assert "no complete answer within 1 s" in result.warning


def test_offline_without_a_cached_copy_is_an_error(tmp_path: Path) -> None:
    port = closed_port()
    message = expect_error(
        lambda: fetch_url(f"http://127.0.0.1:{port}/schedule.ics", cache_dir=tmp_path), within=2
    )
    assert message.startswith(f"cannot reach 127.0.0.1:{port}: ")


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """getaddrinfo for names ending in .invalid: fail, or hang (no lookup ever leaves the machine)."""
    real = socket.getaddrinfo
    behaviour: dict[str, object] = {"mode": "fail", "release": threading.Event()}

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".invalid"):
            if behaviour["mode"] == "hang":
                behaviour["release"].wait(3)  # type: ignore[attr-defined]
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield behaviour
    behaviour["release"].set()  # type: ignore[attr-defined]


def test_dns_failure_is_offline(fake_dns, tmp_path: Path) -> None:
    message = expect_error(
        lambda: fetch_url("webcal://schedule.invalid/x.ics", cache_dir=tmp_path), within=2, mentions="schedule.invalid"
    )
    assert message == "cannot reach schedule.invalid: Name or service not known"


def test_a_hanging_dns_lookup_hits_the_deadline(fake_dns, tmp_path: Path) -> None:
    # httpx's connect timeout does not cover getaddrinfo; the watchdog does.
    fake_dns["mode"] = "hang"
    expect_error(
        lambda: fetch_url("https://schedule.invalid/x.ics", cache_dir=tmp_path, total_timeout=1.0),
        within=2.0, mentions="schedule.invalid",
    )


def test_an_unwritable_cache_folder_is_a_warning_not_a_failure(serve, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache folder should be")
    server = serve(calendar)
    result = fetch_url(server.url(), cache_dir=not_a_folder)
    assert result.payload == ICS
    assert result.warning.startswith("could not keep an offline copy in ")


def test_importing_the_module_does_not_import_httpx() -> None:
    code = "import sys, companion.fetch; print('httpx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True)
    assert out.stdout.strip() == "False"
