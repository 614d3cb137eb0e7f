"""Servers on 127.0.0.1 that answer as a blog, GitHub's REST API and a Mastodon instance do (their
answers shaped as the real ones, trimmed), for the research tests. Each route gives a status,
headers and a body; a route with an ETag answers a matching If-None-Match with a 304."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Route = Callable[["Site", BaseHTTPRequestHandler], None]


class Site:
    """A server on 127.0.0.1:<free port> with a route table (path with query -> answer)."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | tuple[int, dict[str, str], bytes]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.stopping = threading.Event()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802
                site.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = site.routes.get(self.path)
                if route is None:
                    self.answer(404, {"Content-Type": "application/json"}, b'{"error":"Not Found"}')
                elif callable(route):
                    route(site, self)
                else:
                    status, headers, body = route
                    etag, modified = headers.get("ETag"), headers.get("Last-Modified")
                    if (etag and self.headers.get("If-None-Match") == etag) or (
                            modified and self.headers.get("If-Modified-Since") == modified):
                        self.answer(304, {k: v for k, v in headers.items() if k in ("ETag", "Last-Modified")}, b"")
                    else:
                        self.answer(status, headers, body)

            def answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)
                self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.stopped = False

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add(self, path: str, body: bytes | str, content_type: str, *, status: int = 200, etag: str | None = None,
            headers: dict[str, str] | None = None) -> None:
        fields = {"Content-Type": content_type, **(headers or {})}
        if etag:
            fields["ETag"] = etag
        self.routes[path] = (status, fields, body.encode() if isinstance(body, str) else body)

    def add_json(self, path: str, value: Any, **options: Any) -> None:
        self.add(path, json.dumps(value), "application/json; charset=utf-8", **options)

    def paths(self) -> list[str]:
        return [path for path, _headers in self.requests]

    def stop(self) -> None:
        if not self.stopped:
            self.stopped = True
            self.stopping.set()
            self.server.shutdown()
            self.server.server_close()


# --- answers shaped as the real ones ------------------------------------------------------------


def blog_page(feed_path: str = "/feed.xml") -> str:
    return f"""<!DOCTYPE html>
<html><head><title>Ada's notes</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/atom+xml" title="Ada's notes" href="{feed_path}">
</head><body><h1>Ada's notes</h1><p>Posts about schedulers.</p></body></html>
"""


def atom_feed(base: str, titles: list[tuple[str, str]]) -> str:
    entries = "".join(
        f"""<entry><title type="html">{title}</title><link href="{base}/posts/{n}"/>
<id>{base}/posts/{n}</id><updated>{day}T09:00:00Z</updated><published>{day}T09:00:00Z</published>
<summary type="html">&lt;p&gt;What I learned about {n}.&lt;/p&gt;&lt;p&gt;Second paragraph.&lt;/p&gt;</summary></entry>"""
        for n, (title, day) in enumerate(titles, 1)
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Ada's notes</title><id>{base}/</id>
<updated>2026-11-20T09:00:00Z</updated>{entries}</feed>
"""


def github_repos(user: str) -> list[dict[str, Any]]:
    def repo(name: str, pushed: str, stars: int, language: str | None, description: str | None, fork: bool = False) -> dict[str, Any]:
        return {
            "id": abs(hash(name)) % 10**8, "node_id": "R_kgDO", "name": name, "full_name": f"{user}/{name}",
            "private": False, "owner": {"login": user, "id": 1, "type": "User"},
            "html_url": f"https://github.com/{user}/{name}", "description": description, "fork": fork,
            "url": f"https://api.github.com/repos/{user}/{name}", "created_at": "2020-01-01T00:00:00Z",
            "updated_at": pushed, "pushed_at": pushed, "stargazers_count": stars, "watchers_count": stars,
            "language": language, "forks_count": 1, "archived": False, "visibility": "public", "default_branch": "main",
        }

    return [
        repo("old-but-famous", "2019-05-01T10:00:00Z", 4200, "C", "A tiny allocator everyone uses"),
        repo("cron-lint", "2026-11-18T10:00:00Z", 12, "Python", "Finds overlapping cron jobs"),
        repo("dotfiles", "2026-11-19T10:00:00Z", 0, "Shell", None),
        repo("someone-elses", "2026-11-20T10:00:00Z", 90000, "Go", "a fork", fork=True),
    ]


def mastodon_account(user: str, account_id: str = "109876543210") -> dict[str, Any]:
    return {"id": account_id, "username": user, "acct": user, "display_name": "Ada", "locked": False,
            "bot": False, "url": f"https://example.social/@{user}", "followers_count": 10, "statuses_count": 3}


def mastodon_statuses(base: str, user: str) -> list[dict[str, Any]]:
    def status(n: int, content: str, **extra: Any) -> dict[str, Any]:
        return {"id": str(1000 + n), "created_at": f"2026-11-1{n}T08:00:00.000Z", "in_reply_to_id": None,
                "in_reply_to_account_id": None, "sensitive": False, "spoiler_text": "", "visibility": "public",
                "language": "en", "uri": f"{base}/users/{user}/statuses/{1000 + n}", "url": f"{base}/@{user}/{1000 + n}",
                "content": content, "reblog": None, "media_attachments": [], "mentions": [], "tags": [], **extra}

    return [
        status(1, "<p>New post: how we cut our deploy queue from 40 to 5 minutes</p>"),
        status(2, "<p>Slides from my talk on idempotent jobs are up</p><p>Link below</p>"),
    ]


def slow_route(site: Site, handler: BaseHTTPRequestHandler) -> None:
    """Headers, then one byte now and then until the test ends."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/atom+xml")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    try:
        while not site.stopping.wait(0.2):
            handler.wfile.write(b" ")
            handler.wfile.flush()
    except OSError:
        pass
    handler.close_connection = True


def huge_route(site: Site, handler: BaseHTTPRequestHandler) -> None:
    """A feed of 100 MB (chunked, no length given), written until the client hangs up."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    chunk = b"<item><title>x</title></item>" * 2000
    sent = 0
    try:
        head = b'<?xml version="1.0"?><rss version="2.0"><channel>'
        handler.wfile.write(b"%x\r\n%s\r\n" % (len(head), head))
        while sent < 100 * 1024 * 1024 and not site.stopping.is_set():
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
        handler.wfile.write(b"0\r\n\r\n")
    except OSError:
        pass
    handler.close_connection = True


def redirect_loop(site: Site, handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(302)
    handler.send_header("Location", "/loop-b" if handler.path == "/loop-a" else "/loop-a")
    handler.send_header("Content-Length", "0")
    handler.end_headers()
    handler.close_connection = True


def rate_limited(reset_at: int) -> Route:
    def route(site: Site, handler: BaseHTTPRequestHandler) -> None:
        body = b'{"message":"API rate limit exceeded for 127.0.0.1.","documentation_url":"https://docs.github.com/rest"}'
        handler.send_response(403)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("X-RateLimit-Limit", "60")
        handler.send_header("X-RateLimit-Remaining", "0")
        handler.send_header("X-RateLimit-Reset", str(reset_at))
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
        handler.close_connection = True

    return route


def now_epoch() -> int:
    return int(time.time())
