"""Real DAV servers on 127.0.0.1 for the sync tests, and a small proxy that breaks things on purpose.

- :func:`radicale`: Radicale with htpasswd (plain) auth, its storage in a temporary folder;
- :func:`xandikos`: Xandikos (no auth: it only does Basic auth over TLS);
- :class:`FaultProxy`: forwards every request to a server and counts them; rules make chosen requests
  answer 412, 409 or 507, refuse a sync token, cut the answer half-way, or answer late.
"""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

USER = "ana"
PASSWORD = "s3cret horse"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(server: subprocess.Popen, url: str, log: Path) -> None:
    import httpx

    deadline = time.monotonic() + 20
    while True:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited: {log.read_text()[-2000:]}")
        try:
            httpx.request("OPTIONS", url + "/", timeout=1)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start within 20 s: {log.read_text()[-2000:]}") from None
            time.sleep(0.05)


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=5)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=5)


@contextmanager
def radicale(folder: Path) -> Iterator[str]:
    """Radicale with a user and password (htpasswd); its base URL."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    users = folder / "users"
    users.write_text(f"{USER}:{PASSWORD}\n")
    config = folder / "radicale.conf"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n"
        f"[auth]\ntype = htpasswd\nhtpasswd_filename = {users}\nhtpasswd_encryption = plain\ndelay = 0\n"
        "[rights]\ntype = owner_only\n"
        f"[storage]\nfilesystem_folder = {folder / 'collections'}\n[web]\ntype = none\n[logging]\nlevel = error\n"
    )
    log = folder / "radicale.log"
    with log.open("w") as out:
        server = subprocess.Popen([sys.executable, "-m", "radicale", "--config", str(config)], stdout=out,
                                  stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(server, url, log)
            yield url
        finally:
            _stop(server)


@contextmanager
def xandikos(folder: Path) -> Iterator[str]:
    """Xandikos serving ``folder`` with a principal at /ana/ made on first use; its base URL."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = folder / "xandikos.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "xandikos", "serve", "-d", str(folder / "data"), "--autocreate",
             "--current-user-principal", f"/{USER}/", "-l", "127.0.0.1", "-p", str(port),
             "--no-detect-systemd", "--state-dir", str(folder / "state")],
            stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(server, url, log)
            yield url
        finally:
            _stop(server)


Rule = Callable[["Seen"], "str | None"]
"""Given a request, an action (``"412"``, ``"409"``, ``"507"``, ``"403-token"``, ``"cut"``, ``"slow:2"``,
``"403-vtodo"``, ``"no-etag"``) or None to forward it as it is."""


class Seen:
    """A request the proxy saw."""

    def __init__(self, method: str, path: str, headers: dict[str, str], body: bytes) -> None:
        self.method, self.path, self.headers, self.body = method, path, headers, body


class FaultProxy:
    """A forwarding proxy on 127.0.0.1 that counts requests and applies fault rules."""

    def __init__(self, upstream: str) -> None:
        self.upstream = urlsplit(upstream)
        self.seen: list[Seen] = []
        self.rules: list[tuple[Rule, int]] = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

            def handle_any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen = Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                with proxy.lock:
                    proxy.seen.append(seen)
                    action = proxy._action(seen)
                if action and action.startswith("slow:"):
                    time.sleep(float(action.split(":", 1)[1]))
                    action = None
                if action in ("412", "409", "507"):
                    self._answer(int(action), b"", {})
                    return
                if action == "403-token":
                    self._answer(403, b'<?xml version="1.0"?><D:error xmlns:D="DAV:"><D:valid-sync-token/></D:error>',
                                 {"Content-Type": "application/xml"})
                    return
                if action == "403-vtodo":
                    self._answer(403, b'<?xml version="1.0"?><D:error xmlns:D="DAV:" '
                                 b'xmlns:C="urn:ietf:params:xml:ns:caldav"><C:supported-calendar-component/></D:error>',
                                 {"Content-Type": "application/xml"})
                    return
                status, headers, answer = proxy._forward(seen)
                if action == "no-etag":  # a server that rewrites what it is sent and will not say its ETag
                    headers = [(name, value) for name, value in headers if name.lower() != "etag"]
                if action == "cut":
                    self.send_response(status)
                    for name, value in headers:
                        if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer) + 100))
                    self.end_headers()
                    self.wfile.write(answer[: len(answer) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self._answer(status, answer, dict(headers))

            def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    if name.lower() in ("content-length", "transfer-encoding", "connection"):
                        continue
                    if name.lower() == "location":
                        value = value.replace(proxy.upstream.netloc, f"127.0.0.1:{proxy.port}")
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        for method in ("GET", "HEAD", "PUT", "DELETE", "POST", "OPTIONS", "PROPFIND", "PROPPATCH", "REPORT",
                       "MKCOL", "MKCALENDAR", "MOVE", "COPY"):
            setattr(Handler, f"do_{method}", Handler.handle_any)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _action(self, seen: Seen) -> str | None:
        for index, (rule, times) in enumerate(self.rules):
            if times == 0:
                continue
            action = rule(seen)
            if action:
                self.rules[index] = (rule, times - 1)
                return action
        return None

    def _forward(self, seen: Seen) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=30)
        try:
            headers = {k: v for k, v in seen.headers.items() if k not in ("host", "connection")}
            headers["host"] = self.upstream.netloc
            connection.request(seen.method, seen.path, body=seen.body or None, headers=headers)
            answer = connection.getresponse()
            return answer.status, answer.getheaders(), answer.read()
        finally:
            connection.close()

    def fail(self, rule: Rule, times: int = 1) -> None:
        """Apply ``rule`` to the next requests until it has acted ``times`` times (-1: always)."""
        with self.lock:
            self.rules.append((rule, times))

    def count(self, method: str) -> int:
        with self.lock:
            return sum(1 for seen in self.seen if seen.method == method)

    def reset(self) -> None:
        with self.lock:
            self.seen.clear()
            self.rules.clear()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def behind_proxy(start: Callable[[Path], Any], folder: Path) -> Iterator[tuple[str, FaultProxy]]:
    """A server started by ``start(folder)`` (:func:`radicale`, :func:`xandikos`) and the proxy in
    front of it that companion talks to: (the server's URL, the proxy)."""
    with start(folder) as url:
        proxy = FaultProxy(url)
        try:
            yield url, proxy
        finally:
            proxy.close()
