"""Links to a person's profiles: which kind a URL is (by its host), and the key two spellings of one
profile share (:func:`profile_key`), which importers fill links with and identity merges on."""

from __future__ import annotations

import re
from urllib.parse import unquote

from companion.models import LINK_KINDS

UNIQUE_LINK_KINDS = ("linkedin", "github", "mastodon", "bluesky", "twitter")
"""Profiles that belong to one person: the same one means the same person. A website can be a company's."""

_BLOG_HOSTS = ("medium.com", "substack.com", "dev.to", "hashnode.dev", "wordpress.com", "blogspot.com", "ghost.io")


def host_and_path(url: str) -> tuple[str, str]:
    text = url.strip()
    if "://" in text:
        text = text.split("://", 1)[1]
    text = text.split("#", 1)[0].split("?", 1)[0]
    host, _, path = text.partition("/")
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].casefold()  # no user info, no port
    for prefix in ("www.", "mobile.", "m."):
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix):]
            break
    return host, "/" + unquote(path).strip("/") if path.strip("/") else ""


def link_kind(url: str) -> str:
    """Which kind of link a URL is, by its host: github, linkedin, twitter, bluesky, mastodon, blog or website."""
    host, path = host_and_path(url)
    if host == "github.com":
        return "github"
    if host == "linkedin.com" or host.endswith(".linkedin.com"):
        return "linkedin"
    if host in ("twitter.com", "x.com"):
        return "twitter"
    if host == "bsky.app" or host.endswith(".bsky.social"):
        return "bluesky"
    if any(host == blog or host.endswith("." + blog) for blog in _BLOG_HOSTS) or host.startswith("blog."):
        return "blog"
    if path.startswith("/@") and "/" not in path[2:]:
        return "mastodon"  # https://hachyderm.io/@name
    if path.startswith("/blog"):
        return "blog"
    return "website"


def looks_like_url(value: str) -> bool:
    text = value.strip().lower()
    return text.startswith(("http://", "https://", "www.")) or bool(re.match(r"^[a-z0-9-]+(\.[a-z0-9-]+)+/", text))


def profile_key(kind: str, value: str) -> str:
    """What two spellings of one profile have in common: no scheme, ``www.``, trailing slash,
    query or case; handles (``@ada``, ``@ada@hachyderm.io``, ``ada.bsky.social``) as the profile URL."""
    text = " ".join(value.split())
    if not text:
        return ""
    lower = text.casefold()
    if "://" not in lower and "/" not in lower:
        handle = lower.lstrip("@")
        if kind == "mastodon" and "@" in handle:
            user, _, host = handle.partition("@")
            return f"{host}/@{user}"
        if kind == "github" and "." not in handle:
            return f"github.com/{handle}"
        if kind == "twitter" and "." not in handle:
            return f"x.com/{handle}"
        if kind == "bluesky":
            return f"bsky.app/profile/{handle}"
        if kind == "linkedin" and "." not in handle:
            return f"linkedin.com/in/{handle}"
    elif "://" not in lower and kind == "linkedin" and lower.startswith(("in/", "pub/")):
        return f"linkedin.com/{lower.rstrip('/')}"
    host, path = host_and_path(lower)
    if host.endswith(".linkedin.com"):
        host = "linkedin.com"  # de.linkedin.com, uk.linkedin.com
    elif host == "twitter.com":
        host = "x.com"
    return host + path


def add_link(links: dict[str, str], kind: str, value: str) -> None:
    """Keep the first link of each kind; a second website goes to the blog slot if that is free."""
    if not value:
        return
    if kind not in LINK_KINDS:
        kind = "website"
    if kind in links and kind == "website" and "blog" not in links:
        kind = "blog"
    links.setdefault(kind, value)
