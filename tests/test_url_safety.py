"""URL imports: a redirect from a public address into the user's network or machine is refused
(unless the first URL was already inside), an https-to-http downgrade is refused, and credentials
in a URL are used but never stored, cached or exported in the clear.

No network: httpx's MockTransport answers for made-up public hosts, the address check's resolver is
replaced, and the credential tests use a server on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import socket
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

import companion.fetch as fetch
from companion.errors import SourceError
from companion.fetch import fetch_url
from support import CliResult, assert_one_line_error
from test_fetch import ICS, Handler, Request, Server, calendar, respond

ADDRESSES = {
    "schedule.example": "93.184.216.34",
    "cdn.example": "151.101.1.1",
    "intranet.example": "10.1.2.3",
    "router.example": "192.168.1.1",
    "metadata.example": "169.254.169.254",
    "mapped.example": "::ffff:127.0.0.1",
}


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def serve() -> Iterator[Callable[..., Server]]:
    """Servers on 127.0.0.1 (test_fetch's), stopped after the test."""
    servers: list[Server] = []

    def start(handler: Handler, **options: bool) -> Server:
        servers.append(Server(handler, **options))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    """The made-up hosts resolve (for the address check) to the addresses above; nothing leaves."""
    real = getattr(fetch, "host_addresses", lambda host: [host])

    def addresses(host: str) -> list[str]:
        if host in ADDRESSES:
            return [ADDRESSES[host]]
        if host.endswith(".example"):
            raise OSError("no such host in this test")
        return real(host)

    monkeypatch.setattr(fetch, "host_addresses", addresses, raising=False)


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch, resolver: None) -> Iterator[dict[str, Callable[[httpx.Request], httpx.Response]]]:
    """Answers by URL prefix through httpx's MockTransport; every request is recorded."""
    routes: dict[str, Callable[[httpx.Request], httpx.Response]] = {}
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        for prefix, answer in routes.items():
            if str(request.url).startswith(prefix):
                return answer(request)
        raise httpx.ConnectError("unreachable in this test", request=request)

    real_client = httpx.Client

    def client(*args: object, **kwargs: object) -> httpx.Client:
        return real_client(*args, transport=httpx.MockTransport(handler), **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(httpx, "Client", client)
    routes["__seen__"] = seen  # type: ignore[assignment]
    yield routes


def redirect(to: str) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(302, headers={"Location": to})


def ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, stream=httpx.ByteStream(ICS), headers={"Content-Type": "text/calendar"})


@pytest.mark.parametrize("inside", [
    "http://127.0.0.1:8080/admin", "http://localhost/x", "http://intranet.example/x", "http://router.example/",
    "http://metadata.example/latest/meta-data/", "http://[::1]/x", "http://mapped.example/x", "http://0.0.0.0/x",
])
def test_a_redirect_from_a_public_address_into_the_network_is_refused(web, tmp_path: Path, inside: str) -> None:
    web["https://schedule.example/"] = redirect(inside)
    web["http://"] = ok
    with pytest.raises(SourceError) as raised:
        fetch_url("https://schedule.example/talks.ics", cache_dir=tmp_path)
    message = str(raised.value)
    assert "refused" in message and "schedule.example" in message, message
    assert [str(r.url) for r in web["__seen__"]] == ["https://schedule.example/talks.ics"]  # type: ignore[index]


def test_a_redirect_between_public_addresses_is_followed(web, tmp_path: Path) -> None:
    web["https://schedule.example/"] = redirect("https://cdn.example/talks.ics")
    web["https://cdn.example/"] = ok
    assert fetch_url("https://schedule.example/talks.ics", cache_dir=tmp_path).payload == ICS


def test_a_redirect_inside_the_network_is_followed_when_the_first_url_was_inside(web, tmp_path: Path) -> None:
    web["https://intranet.example/"] = redirect("https://router.example/talks.ics")
    web["https://router.example/"] = ok
    assert fetch_url("https://intranet.example/talks.ics", cache_dir=tmp_path).payload == ICS


def test_an_https_to_http_downgrade_is_refused(web, tmp_path: Path) -> None:
    web["https://schedule.example/"] = redirect("http://schedule.example/talks.ics")
    web["http://schedule.example/"] = ok
    with pytest.raises(SourceError, match="https to http"):
        fetch_url("https://schedule.example/talks.ics", cache_dir=tmp_path)
    assert len(web["__seen__"]) == 1  # type: ignore[arg-type]


def test_an_http_to_https_upgrade_is_followed(web, tmp_path: Path) -> None:
    web["http://schedule.example/"] = redirect("https://schedule.example/talks.ics")
    web["https://schedule.example/"] = ok
    assert fetch_url("http://schedule.example/talks.ics", cache_dir=tmp_path).payload == ICS


# --- credentials ----------------------------------------------------------------------------------


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def guarded(user: str, password: str) -> Callable[[Server, socket.socket, Request], None]:
    def handler(server: Server, conn: socket.socket, request: Request) -> None:
        if request.headers.get("authorization") != basic(user, password):
            respond(conn, "401 Unauthorized", b"who are you", {"WWW-Authenticate": 'Basic realm="talks"'})
        else:
            calendar(server, conn, request)

    return handler


class MemoryKeyring:
    """A stand-in for the keyring package: secrets in a dict."""

    def __init__(self) -> None:
        self.secrets: dict[tuple[str, str], str] = {}
        self.module = types.ModuleType("keyring")
        self.module.set_password = lambda service, key, secret: self.secrets.__setitem__((service, key), secret)  # type: ignore[attr-defined]
        self.module.get_password = lambda service, key: self.secrets.get((service, key))  # type: ignore[attr-defined]


def everything_written(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in folder.rglob("*") if path.is_file())


@pytest.mark.parametrize("with_keyring", [True, False])
def test_credentials_in_a_url_are_never_stored_cached_or_exported(
    serve, tmp_path: Path, isolated_data_dir: Path, cli: Callable[..., CliResult],
    monkeypatch: pytest.MonkeyPatch, with_keyring: bool,
) -> None:
    keyring = MemoryKeyring()
    monkeypatch.setitem(sys.modules, "keyring", keyring.module if with_keyring else None)
    server = serve(guarded("ada", "s3cret-pa55"))
    url = f"http://ada:s3cret-pa55@127.0.0.1:{server.port}/talks.ics"
    result = cli("import", "schedule", url)
    assert result.code == 0, result.err
    assert "s3cret" not in result.out + result.err
    exported = tmp_path / "all.json"
    assert cli("export", "json", exported).code == 0
    listed = cli("conferences", "--json").json()
    for text in (exported.read_bytes(), json.dumps(listed).encode(), everything_written(isolated_data_dir)):
        assert b"s3cret-pa55" not in text
    assert listed[0]["source"] == f"http://127.0.0.1:{server.port}/talks.ics"

    refreshed = cli("refresh")
    if with_keyring:
        assert refreshed.code == 0, refreshed.err
        assert server.requests[-1].headers.get("authorization") == basic("ada", "s3cret-pa55")
        assert list(keyring.secrets.values()) == ["ada:s3cret-pa55"]
    else:
        line = assert_one_line_error(refreshed)
        assert "password" in line and "again" in line and "s3cret" not in line, line
        assert len(server.requests) == 1  # asked nothing of the server without the password


def test_credentials_are_not_sent_to_another_host_after_a_redirect(serve, tmp_path: Path) -> None:
    other = serve(calendar)
    first = serve(lambda s, conn, r: respond(conn, "302 Found", headers={"Location": other.url().replace("127.0.0.1", "localhost")}))
    result = fetch_url(f"http://ada:pw@127.0.0.1:{first.port}/talks.ics", cache_dir=tmp_path)
    assert result.payload == ICS
    assert first.requests[0].headers.get("authorization") == basic("ada", "pw")
    assert "authorization" not in other.requests[0].headers
    assert b"pw@" not in everything_written(tmp_path) and "pw@" not in result.url
