"""Getting a schedule into the store: from a file or a URL, first import or refresh."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from companion.errors import SourceError
from companion.importers import ParsedSchedule
from companion.agenda import room_order
from companion.models import Conference
from companion.store import ScheduleChanges, Store
from companion.text import normalise_name, slugify


def is_url(source: str) -> bool:
    return "://" in source


KEYRING_SERVICE = "companion"
"""Where a schedule URL's user name and password are kept in the system keyring, keyed by the URL."""


def _without_credentials(source: str) -> tuple[str, tuple[str, str] | None]:
    """A URL without the ``user:password@`` it carries (never stored or shown), and that pair."""
    if not is_url(source):
        return source, None
    from companion.fetch import split_credentials

    return split_credentials(source.strip())


def _keyring():  # noqa: ANN202 - the keyring module, or None when it is not installed
    import importlib

    try:
        return importlib.import_module("keyring")  # optional: installed with the system's keyring
    except ImportError:
        return None


def keep_credentials(url: str, credentials: tuple[str, str]) -> bool:
    """Keep a URL's user name and password in the system keyring; False when there is none."""
    keyring = _keyring()
    if keyring is None:
        return False
    try:
        keyring.set_password(KEYRING_SERVICE, url, f"{credentials[0]}:{credentials[1]}")
    except Exception:  # noqa: BLE001 - no backend, a locked keyring, a refused D-Bus call
        return False
    return True


def kept_credentials(url: str) -> tuple[str, str] | None:
    """The user name and password kept for ``url``, or None."""
    keyring = _keyring()
    if keyring is None:
        return None
    try:
        secret = keyring.get_password(KEYRING_SERVICE, url)
    except Exception:  # noqa: BLE001
        return None
    if not secret:
        return None
    user, _, password = str(secret).partition(":")
    return user, password


@dataclass
class ImportOutcome:
    """What an import or refresh did, for the CLI and the app to report."""

    conference: Conference
    parsed: ParsedSchedule | None
    changes: ScheduleChanges | None
    """None when the source had not changed since the last fetch."""
    warnings: list[str] = field(default_factory=list)


def normalise_source(source: str) -> str:
    """The source as stored: a URL as given, a file by its real path, a pipe or FIFO by the name
    given (``/dev/stdin`` resolves to a ``pipe:[...]`` that names nothing)."""
    if is_url(source):
        return source
    path = Path(source).expanduser()
    try:
        regular = path.is_file()
    except OSError:  # a name too long, a folder that cannot be read: reading it will say so
        regular = False
    return str(path.resolve()) if regular else str(path.absolute())


def import_schedule(
    store: Store,
    source: str,
    *,
    tz: str | None = None,
    name: str | None = None,
    fmt: str | None = None,
    speakers: str | None = None,
    force: bool = False,
    conference: Conference | None = None,
    parsed: ParsedSchedule | None = None,
    cancelled: threading.Event | None = None,
) -> ImportOutcome:
    """Fetch or read ``source``, parse it, and merge it into the store by stable session id.

    ``parsed`` is a file already parsed by :func:`parse_file` (so a bad file fails before the
    data folder is touched). Setting ``cancelled`` ends a fetch or a read that is waiting.
    """
    source, credentials = _without_credentials(source)
    key = normalise_source(source)
    previous = conference or next((c for c in store.conferences() if c.source == key), None)
    if previous is not None:
        # Importing the same source again repeats the options it was first imported with.
        given = (tz, name, fmt, speakers)
        tz = tz or previous.options.get("tz")
        name = name or previous.options.get("name")
        fmt = fmt or previous.options.get("format")
        speakers = speakers or previous.options.get("speakers")
        if (tz, name, fmt, speakers) != given:
            parsed = None  # parsed without the stored options: parse again with them
    warnings: list[str] = []
    etag = last_modified = ""
    if parsed is not None:
        pass
    elif is_url(source):
        from companion.fetch import fetch_url

        auth = credentials
        if auth is None and previous is not None and previous.options.get("auth"):
            auth = kept_credentials(key)
            if auth is None:
                from companion.fetch import shown_url

                raise SourceError(
                    f"{shown_url(key)}: it needs the user name and password it was imported with, which were not "
                    "kept (no system keyring); import it again with them in the URL (https://USER:PASSWORD@host/...)"
                )
        result = fetch_url(
            source,
            cache_dir=store.data_dir / "cache",
            etag=previous.etag if previous else "",
            last_modified=previous.last_modified if previous else "",
            cancelled=cancelled,
            auth=auth,
        )
        if credentials is not None and not keep_credentials(key, credentials):
            warnings.append("the user name and password in the URL were used but not kept (no system keyring); "
                            "give them in the URL again to refresh it")
        if result.warning:
            warnings.append(result.warning)
        if result.not_modified and previous is not None:
            return ImportOutcome(previous, None, None, warnings)
        parsed = _parse(result.payload, source, tz=tz, name=name, fmt=fmt, speakers=speakers)
        etag, last_modified = result.etag, result.last_modified
    else:
        parsed = parse_file(source, tz=tz, name=name, fmt=fmt, speakers=speakers, cancelled=cancelled)
    warnings.extend(parsed.warnings)
    options = {key_: value for key_, value in (("tz", tz), ("name", name), ("format", fmt), ("speakers", speakers)) if value}
    if credentials is not None or (previous is not None and previous.options.get("auth")):
        options["auth"] = "basic"  # the secret itself is in the keyring, or asked for again
    changes = save_parsed_schedule(
        store, parsed, key, etag=etag, last_modified=last_modified, options=options, force=force, existing=previous
    )
    return ImportOutcome(changes.conference, parsed, changes, warnings)


def _parse(
    payload: bytes, source: str, *, tz: str | None, name: str | None, fmt: str | None, speakers: str | None
) -> ParsedSchedule:
    from companion.importers.sources import parse_schedule, read_source

    speakers_payload = read_source(speakers) if speakers else None
    return parse_schedule(
        payload, source, tz=tz, name=name, fmt=fmt, speakers_payload=speakers_payload, speakers_source=speakers
    )


def parse_file(
    source: str, *, tz: str | None = None, name: str | None = None, fmt: str | None = None, speakers: str | None = None,
    cancelled: threading.Event | None = None,
) -> ParsedSchedule:
    """Read and parse a schedule file (not a URL), raising SourceError with one line if it is bad."""
    from companion.importers.sources import read_source

    return _parse(read_source(source, cancelled=cancelled), source, tz=tz, name=name, fmt=fmt, speakers=speakers)


def refresh_conference(store: Store, conference: Conference, *, force: bool = False) -> ImportOutcome:
    """Import a conference again from where it came from, with the same options."""
    options = conference.options
    return import_schedule(
        store,
        conference.source,
        tz=options.get("tz"),
        name=options.get("name"),
        fmt=options.get("format"),
        speakers=options.get("speakers"),
        force=force,
        conference=conference,
    )


def save_parsed_schedule(
    store: Store,
    parsed: ParsedSchedule,
    source: str,
    *,
    etag: str = "",
    last_modified: str = "",
    options: dict[str, str] | None = None,
    force: bool = False,
    existing: Conference | None = None,
) -> ScheduleChanges:
    """Store a parsed schedule as a conference, reusing the id of one imported from the same source."""
    zone = ZoneInfo(parsed.timezone) if parsed.timezone != "UTC" else timezone.utc
    days = sorted({s.conference_day(zone) for s in parsed.sessions})
    existing = existing or next((c for c in store.conferences() if c.source == source), None)
    existing = existing or same_conference(store, parsed.name, days)
    conference_id = existing.id if existing else _free_id(store, slugify(parsed.name))
    conference = Conference(
        id=conference_id,
        name=parsed.name,
        timezone=parsed.timezone,
        first_day=days[0] if days else None,
        last_day=days[-1] if days else None,
        source=source,
        format=parsed.format,
        fetched_at=datetime.now(timezone.utc),
        etag=etag,
        last_modified=last_modified,
        options=dict(options or {}),
        rooms=room_order(parsed.sessions),
    )
    for session in parsed.sessions:
        session.conference = conference_id
    return store.save_schedule(conference, parsed.sessions, allow_shrink=force)


def same_conference(store: Store, name: str, days: list) -> Conference | None:  # noqa: ANN001
    """A stored conference with the same name on overlapping days: the same schedule from another
    file or URL (a fresh download, the feed instead of the file), merged instead of duplicated."""
    if not days:
        return None
    for conference in store.conferences():
        if normalise_name(conference.name) != normalise_name(name) or not conference.first_day or not conference.last_day:
            continue
        if conference.first_day <= days[-1] and days[0] <= conference.last_day:
            return conference
    return None


def _free_id(store: Store, wanted: str) -> str:
    taken = {c.id for c in store.conferences()}
    candidate, counter = wanted, 2
    while candidate in taken:
        candidate, counter = f"{wanted}-{counter}", counter + 1
    return candidate
