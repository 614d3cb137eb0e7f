"""Their public work, gathered from the links kept with each person (DESIGN section 12):

* a blog or website: its RSS/Atom feed, found by the page's ``<link rel="alternate">`` when the
  link is a page, read by feedparser: the latest posts with title, date, link and a line of summary;
* GitHub (a profile link or a handle): public repositories through the REST API without a token,
  the most recently pushed and the most starred, with description and language;
  ``COMPANION_GITHUB_API`` points it elsewhere (default https://api.github.com);
* Mastodon (``@user@instance`` or a profile URL): recent public posts through the instance's API
  (account lookup, then statuses, boosts and replies left out); an instance written with an
  explicit ``http://`` is asked over http only when it is this machine (loopback), else https;
* their talks in every imported schedule (read from the store, nothing fetched).

Every request goes through :func:`companion.fetch.fetch_url` (deadline, size cap, redirects
checked, a web page refused where JSON or a feed was expected, a conditional GET with the kept
ETag/Last-Modified) and carries no cookie and no header about the user beyond a plain User-Agent.
Fetches run in parallel, a few at a time. What a source gives is kept in the schedules file with
the time the server gave it; a failure (any kind: a slow server, a rate limit, a feed that is not
one) is one line for that person and source, and keeps what was kept before.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urljoin, urlsplit

from companion.errors import CompanionError, SourceError
from companion.models import Conference, Person, Record, Session
from companion.work import SOURCES, SUMMARY_CHARACTERS, TITLE_CHARACTERS, KeptWork, WorkItem, age, one_line, web_link

if TYPE_CHECKING:
    from companion.fetch import FetchResult
    from companion.store import Store

GITHUB_API_DEFAULT = "https://api.github.com"
PARALLEL = 4
"""At most this many requests at once (to different people and sources)."""
TOTAL_TIMEOUT = 20.0
CONNECT_TIMEOUT = 8.0
MAX_FEED_BYTES = 5 * 1024 * 1024
MAX_JSON_BYTES = 2 * 1024 * 1024
POSTS_KEPT = 10
REPOSITORIES_RECENT = 6
REPOSITORIES_STARRED = 4
_GITHUB_USER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")
_MASTODON_USER = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml")


class Outcome(Record):
    """What one source of one person gave this run."""

    def __init__(
        self,
        person_id: int,
        source: str,
        target: str,
        status: str,
        items: list[WorkItem],
        message: str = "",
        row: dict[str, Any] | None = None,
    ) -> None:
        self.person_id = person_id
        self.source = source
        self.target = target
        self.status = status
        """"new" (the server sent it), "not-modified" (a 304: what was kept is current) or "failed"."""
        self.items = items
        """What is kept after this run: the new items, or the ones kept before when it failed."""
        self.message = message
        """One line: why it failed (and what was kept), or ""."""
        self.row = row
        """The row to keep (None when nothing changes)."""


class PersonResearch(Record):
    """Everything found for one person this run: one outcome per source, and their talks."""

    def __init__(self, person: Person, outcomes: list[Outcome], talks: list[WorkItem]) -> None:
        self.person = person
        self.outcomes = outcomes
        self.talks = talks


# --- which links to ask ---------------------------------------------------------------------


def github_user(value: str) -> str | None:
    """The GitHub user a link or handle names (``ada``, ``@ada``, ``github.com/ada``, a repository
    link gives its owner); None when it names none."""
    text = value.strip()
    if not text:
        return None
    if "/" not in text and "." not in text:
        name = text.lstrip("@")
    else:
        parts = urlsplit(text if "://" in text else "https://" + text)
        host = (parts.hostname or "").lower()
        if host not in ("github.com", "www.github.com"):
            return None
        segments = [segment for segment in parts.path.split("/") if segment]
        if not segments:
            return None
        name = segments[0]
    return name if _GITHUB_USER.fullmatch(name) and not name.endswith("-") else None


def is_loopback(host: str) -> bool:
    import ipaddress

    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def mastodon_account(value: str) -> tuple[str, str] | None:
    """(instance base URL, user) from ``@user@instance``, ``user@instance`` or a profile URL
    (``https://instance/@user``); None when it names no account. http is kept only for loopback."""
    text = value.strip()
    if "://" not in text and "/" not in text:
        handle = text.lstrip("@")
        user, at, host = handle.partition("@")
        base = f"https://{host}" if at and host else ""
    else:
        try:
            parts = urlsplit(text if "://" in text else "https://" + text)
            host = parts.hostname or ""
            port = parts.port
        except ValueError:
            return None
        segments = [segment for segment in parts.path.split("/") if segment]
        if len(segments) == 1 and segments[0].startswith("@"):
            user = segments[0][1:]
        elif len(segments) == 2 and segments[0] in ("users", "web") :
            user = segments[1].lstrip("@")
        else:
            return None
        user = user.partition("@")[0]
        scheme = "http" if parts.scheme.lower() == "http" and is_loopback(host) else "https"
        shown_host = f"[{host}]" if ":" in host else host
        base = f"{scheme}://{shown_host}" + (f":{port}" if port else "")
    if not base or not host or not _MASTODON_USER.fullmatch(user or ""):
        return None
    return base, user


def targets(person: Person) -> list[tuple[str, str]]:
    """(source, link) for each source this person has a link for, in the order of SOURCES."""
    found: list[tuple[str, str]] = []
    for source in SOURCES:
        link = (person.links.get(source) or "").strip()
        if link and all(link != other for _source, other in found):  # a website that is also the blog: once
            found.append((source, link))
    return found


def github_api() -> str:
    from companion.fetch import normalise_url

    base = os.environ.get("COMPANION_GITHUB_API", "").strip() or GITHUB_API_DEFAULT
    try:
        return normalise_url(base).rstrip("/")
    except SourceError as error:
        raise CompanionError(f"COMPANION_GITHUB_API: {error}") from None


# --- reading what came back -----------------------------------------------------------------


class _FeedLinks(HTMLParser):
    """The feeds a page names in its head: ``<link rel="alternate" type="application/rss+xml" href=...>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.feeds: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.lower() != "link" or len(self.feeds) >= 20:
            return
        values = {name.lower(): (value or "") for name, value in attrs}
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in _FEED_TYPES and values.get("href", "").strip():
            self.feeds.append((kind, values["href"].strip()))


def discover_feed(page: bytes, page_url: str) -> str | None:
    """The address of the feed a web page names (RSS or Atom first), absolute; None when it names none."""
    finder = _FeedLinks()
    try:
        finder.feed(page[:1024 * 1024].decode("utf-8", errors="replace"))
        finder.close()
    except (AssertionError, ValueError):  # HTMLParser on very broken markup
        pass
    ordered = sorted(finder.feeds, key=lambda found: found[0] == "application/feed+json")
    for _kind, href in ordered:
        link = urljoin(page_url, href)
        if urlsplit(link).scheme.lower() in ("http", "https"):
            return link
    return None


def _is_feed(payload: bytes) -> bool:
    head = payload[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml"):
        return True
    return head.startswith((b"<rss", b"<feed", b"<rdf"))


def _date_of(parsed: Any) -> str:
    try:
        return f"{parsed.tm_year:04d}-{parsed.tm_mon:02d}-{parsed.tm_mday:02d}" if parsed else ""
    except AttributeError:
        return ""


def _text(value: object) -> str:
    from companion.importers.helpers import html_to_text

    return html_to_text(value if isinstance(value, str) else "")


def _first_line(text: str, limit: int) -> str:
    for line in text.split("\n"):
        if line.strip():
            return one_line(line, limit)
    return ""


def parse_feed(payload: bytes, source: str, shown: str) -> list[WorkItem]:
    """The latest posts of an RSS or Atom feed, newest first. Raises SourceError when it is not a feed."""
    import io

    import feedparser

    # A stream, never bytes: feedparser opens bytes as a file name when such a file exists (an
    # answer that is a path on this machine would be read from the disk).
    parsed = feedparser.parse(io.BytesIO(payload), sanitize_html=True, resolve_relative_uris=False)
    entries = parsed.get("entries") or []
    if not parsed.get("version") and not entries:
        raise SourceError(f"{shown}: not a feed (RSS or Atom)")
    items = []
    for entry in entries[:200]:
        title = _first_line(_text(entry.get("title")), TITLE_CHARACTERS)
        summary = _first_line(_text(entry.get("summary")), SUMMARY_CHARACTERS)
        if not title:
            title, summary = summary, ""
        if not title:
            continue
        date = _date_of(entry.get("published_parsed") or entry.get("updated_parsed"))
        items.append(WorkItem(source, title, web_link(entry.get("link")), date, summary))
    items.sort(key=lambda item: item.date, reverse=True)
    return items[:POSTS_KEPT]


def _json(payload: bytes, shown: str) -> Any:
    import orjson

    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError:
        raise SourceError(f"{shown}: the answer is not valid JSON") from None


def parse_repositories(payload: bytes, shown: str) -> list[WorkItem]:
    """Public repositories (not forks) from GitHub's ``/users/NAME/repos``: the most recently pushed
    and the most starred, most recently pushed first."""
    data = _json(payload, shown)
    if not isinstance(data, list):
        raise SourceError(f"{shown}: not a list of repositories")
    repositories = [repo for repo in data if isinstance(repo, dict) and isinstance(repo.get("name"), str)]
    own = [repo for repo in repositories if not repo.get("fork")] or repositories

    def stars(repo: dict[str, Any]) -> int:
        count = repo.get("stargazers_count")
        return count if isinstance(count, int) else 0

    def pushed(repo: dict[str, Any]) -> str:
        return one_line(repo.get("pushed_at") or repo.get("updated_at"), 40)

    recent = sorted(own, key=pushed, reverse=True)[:REPOSITORIES_RECENT]
    starred = [repo for repo in sorted(own, key=stars, reverse=True) if stars(repo) > 0][:REPOSITORIES_STARRED]
    chosen = {id(repo): repo for repo in recent + starred}.values()
    items = []
    for repo in sorted(chosen, key=pushed, reverse=True):
        title = one_line(repo.get("name"), TITLE_CHARACTERS)
        if not title:
            continue
        facts = [one_line(repo.get("language"), 30)] if repo.get("language") else []
        facts.append(f"★ {stars(repo)}")
        date = pushed(repo)[:10]
        items.append(WorkItem(
            "github", title, web_link(repo.get("html_url")), date if len(date) == 10 else "",
            one_line(repo.get("description"), SUMMARY_CHARACTERS), ", ".join(facts),
        ))
    return items


def parse_statuses(payload: bytes, shown: str) -> list[WorkItem]:
    """Public posts from a Mastodon ``/api/v1/accounts/ID/statuses`` answer; boosts and replies left out."""
    data = _json(payload, shown)
    if not isinstance(data, list):
        raise SourceError(f"{shown}: not a list of posts")
    items = []
    for status in data:
        if not isinstance(status, dict) or status.get("reblog") or status.get("in_reply_to_id"):
            continue
        text = _text(status.get("content"))
        warning = one_line(status.get("spoiler_text"), TITLE_CHARACTERS)
        title = warning or _first_line(text, TITLE_CHARACTERS)
        if not title:
            continue
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        summary = one_line(" ".join(lines if warning else lines[1:]), SUMMARY_CHARACTERS)
        date = one_line(status.get("created_at"), 40)[:10]
        items.append(WorkItem("mastodon", title, web_link(status.get("url") or status.get("uri")),
                              date if len(date) == 10 else "", summary))
    items.sort(key=lambda item: item.date, reverse=True)
    return items[:POSTS_KEPT]


def talks(sessions: Iterable[Session], conferences: dict[str, Conference]) -> list[WorkItem]:
    """Their talks in the imported schedules: title, conference and day, the abstract's first line."""
    from companion.agenda import zone_of

    found = []
    for session in sorted(sessions, key=lambda s: s.start):
        if session.status == "cancelled":
            continue
        title = one_line(session.title, TITLE_CHARACTERS)
        if not title:
            continue
        conference = conferences.get(session.conference)
        day = session.conference_day(zone_of(conference))
        name = one_line(conference.name if conference else session.conference, 80)
        found.append(WorkItem("talk", title, web_link(session.url), day.isoformat(),
                              _first_line(_text(session.abstract), SUMMARY_CHARACTERS), name))
    return found


# --- one source of one person ---------------------------------------------------------------


class Offline(SourceError):
    """The server could not be reached; only the fetch layer's offline copy answered."""


class Fetcher:
    """The requests of one run: the fetch layer with the run's limits, and the validators kept."""

    def __init__(self, cache_dir: Path, *, github: str, total_timeout: float = TOTAL_TIMEOUT,
                 connect_timeout: float = CONNECT_TIMEOUT, max_bytes: int | None = None,
                 cancelled: threading.Event | None = None) -> None:
        self.cache_dir = cache_dir
        self.github = github
        self.total_timeout = total_timeout
        self.connect_timeout = connect_timeout
        self.max_bytes = max_bytes
        self.cancelled = cancelled

    def get(self, url: str, expect: str, validators: dict[str, Any], seen: dict[str, list[str]]) -> FetchResult:
        """Fetch ``url`` with the validators kept for it (a conditional GET); note the new ones in ``seen``."""
        from companion.fetch import fetch_url

        kept = validators.get(url)
        etag, modified = (kept[0], kept[1]) if isinstance(kept, list) and len(kept) == 2 else ("", "")
        cap = self.max_bytes or (MAX_JSON_BYTES if expect == "json" else MAX_FEED_BYTES)
        result = fetch_url(
            url, cache_dir=self.cache_dir, etag=str(etag), last_modified=str(modified),
            connect_timeout=min(self.connect_timeout, self.total_timeout), total_timeout=self.total_timeout,
            max_bytes=cap, cancelled=self.cancelled, expect=expect,
        )
        if result.from_cache:
            raise Offline(result.warning.split(";", 1)[0])
        seen[url] = [result.etag, result.last_modified]
        return result

    def research(self, source: str, link: str, validators: dict[str, Any]) -> tuple[list[WorkItem], bool, dict[str, list[str]]]:
        """(items, whether every answer was a 304, the validators to keep). Raises SourceError."""
        seen: dict[str, list[str]] = {}
        if source in ("blog", "website"):
            results, items = self._feed(source, link, validators, seen)
        elif source == "github":
            user = github_user(link)
            if user is None:
                raise SourceError(f"{one_line(link, 80)!r} is not a GitHub profile or user name")
            url = f"{self.github}/users/{quote(user)}/repos?sort=pushed&direction=desc&per_page=100&type=owner"
            result = self.get(url, "json", validators, seen)
            results, items = [result], parse_repositories(result.payload, f"GitHub user {user}")
        elif source == "mastodon":
            account = mastodon_account(link)
            if account is None:
                raise SourceError(f"{one_line(link, 80)!r} is not a Mastodon account (@user@instance or https://instance/@user)")
            base, user = account
            lookup = self.get(f"{base}/api/v1/accounts/lookup?acct={quote(user)}", "json", validators, seen)
            found = _json(lookup.payload, f"{base} account lookup")
            account_id = found.get("id") if isinstance(found, dict) else None
            if not isinstance(account_id, (str, int)) or not re.fullmatch(r"[0-9A-Za-z_-]{1,40}", str(account_id)):
                raise SourceError(f"{base}: no account @{user} (the lookup gave no id)")
            statuses = self.get(
                f"{base}/api/v1/accounts/{account_id}/statuses?exclude_reblogs=true&exclude_replies=true&limit=20",
                "json", validators, seen,
            )
            results, items = [lookup, statuses], parse_statuses(statuses.payload, f"@{user}@{urlsplit(base).netloc}")
        else:
            raise SourceError(f"unknown source {source!r}")
        return items, all(result.not_modified for result in results), seen

    def _feed(self, source: str, link: str, validators: dict[str, Any],
              seen: dict[str, list[str]]) -> tuple[list[FetchResult], list[WorkItem]]:
        from companion.fetch import normalise_url

        url = normalise_url(link if "://" in link else "https://" + link)
        page = self.get(url, "page", validators, seen)
        if _is_feed(page.payload):
            return [page], parse_feed(page.payload, source, url)
        feed_url = discover_feed(page.payload, page.url)
        if feed_url is None:
            raise SourceError(f"{one_line(url, 120)}: not a feed, and the page names no feed (<link rel=\"alternate\">)")
        feed = self.get(feed_url, "feed", validators, seen)
        return [page, feed], parse_feed(feed.payload, source, one_line(feed_url, 120))


def research_source(fetcher: Fetcher, person: Person, source: str, link: str,
                    kept: dict[str, Any] | None, now: datetime) -> Outcome:
    """One source of one person: fetch, read, and say what to keep. Never raises a CompanionError:
    a failure is the outcome's one line, with what was kept before."""
    before = KeptWork.from_row(kept) if kept else None
    validators = kept.get("validators") if kept and kept.get("target") == link else None
    try:
        items, not_modified, seen = fetcher.research(source, link, validators if isinstance(validators, dict) else {})
    except Exception as error:  # noqa: BLE001 - whatever a hostile server sent, the other sources go on
        message = one_line(str(error), 300) if isinstance(error, CompanionError) else (
            f"{one_line(link, 120)}: could not read the answer ({type(error).__name__}: {one_line(str(error), 120)})")
        if before is not None and before.items:
            message += f"; showing {len(before.items)} kept from {age(before.fetched_at, now)}"
        return Outcome(person.id, source, link, "failed", before.items if before else [], message)
    if not_modified and before is not None:
        items = before.items  # a 304: what is kept is current
    row = {
        "source": source,
        "target": link,
        "items": [item.to_dict() for item in items],
        "fetched_at": now.isoformat(timespec="seconds"),
        "validators": seen,
    }
    return Outcome(person.id, source, link, "not-modified" if not_modified else "new", items, row=row)


# --- a whole run ----------------------------------------------------------------------------


def research_people(
    store: Store,
    people: Sequence[Person],
    *,
    progress: Callable[[PersonResearch], None] | None = None,
    parallel: int = PARALLEL,
    total_timeout: float = TOTAL_TIMEOUT,
    max_bytes: int | None = None,
    cancelled: threading.Event | None = None,
    now: Callable[[], datetime] | None = None,
) -> list[PersonResearch]:
    """Research each person's sources, ``parallel`` requests at a time; keep each person's results
    as soon as their sources are done and call ``progress`` with them (from this thread)."""
    clock = now or (lambda: datetime.now(timezone.utc))
    fetcher = Fetcher(store.data_dir / "cache" / "research", github=github_api(), total_timeout=total_timeout,
                      max_bytes=max_bytes, cancelled=cancelled)
    conferences = {conference.id: conference for conference in store.conferences()}
    sessions = store.sessions() if people else []
    matcher = store.speaker_matcher() if people else None
    done: list[PersonResearch] = []
    jobs: dict[int, list[tuple[str, str]]] = {person.id: targets(person) for person in people}
    results: dict[int, list[Outcome]] = {person.id: [] for person in people}
    by_id = {person.id: person for person in people}

    def finish(person: Person) -> None:
        outcomes = sorted(results[person.id], key=lambda outcome: SOURCES.index(outcome.source))
        rows = [outcome.row for outcome in outcomes if outcome.row is not None]
        try:
            store.save_work(person.id, rows)
        except CompanionError as error:
            for outcome in outcomes:
                if outcome.row is not None:
                    outcome.status, outcome.message = "failed", f"not kept: {one_line(str(error), 200)}"
        their_talks = talks(store.sessions_for(person, sessions, matcher), conferences) if matcher else []
        found = PersonResearch(person, outcomes, their_talks)
        done.append(found)
        if progress is not None:
            progress(found)

    for person in people:
        if not jobs[person.id]:
            finish(person)
    kept_rows = {person.id: store.work_rows(person.id) for person in people if jobs[person.id]}
    with ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix="companion-research") as pool:
        futures = {
            pool.submit(research_source, fetcher, person, source, link, kept_rows[person.id].get(source), clock()): person.id
            for person in people for source, link in jobs[person.id]
        }
        for future in as_completed(futures):
            person_id = futures[future]
            results[person_id].append(future.result())
            if len(results[person_id]) == len(jobs[person_id]):
                finish(by_id[person_id])
    return done


def people_with_links(store: Store) -> list[Person]:
    """Everyone with a link research can use."""
    return [person for person in store.people() if targets(person)]
