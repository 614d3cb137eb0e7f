"""Helpers the importers share, knowing none of them: JSON and byte-order marks, time zone names,
HTML to plain text, cancelled sessions, conference names, stable unique session ids.

Every importer may import this module; this module imports no importer (see ARCHITECTURE.md).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from datetime import datetime, timedelta, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from companion.errors import SourceError
from companion.models import Session
from companion.text import clean

BOM = b"\xef\xbb\xbf"


def strip_bom(payload: bytes) -> bytes:
    return payload[len(BOM):] if payload.startswith(BOM) else payload


def load_json(payload: bytes, source: str) -> Any:
    import orjson

    body = strip_bom(payload)
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise SourceError(f"{source}: not valid JSON: {clean(error, single_line=True)}") from None


# --- time zones -----------------------------------------------------------------------------------

WINDOWS_ZONES: dict[str, str] = {
    "w. europe standard time": "Europe/Berlin",
    "central europe standard time": "Europe/Budapest",
    "central european standard time": "Europe/Warsaw",
    "romance standard time": "Europe/Paris",
    "gmt standard time": "Europe/London",
    "greenwich standard time": "Atlantic/Reykjavik",
    "e. europe standard time": "Europe/Chisinau",
    "fle standard time": "Europe/Kyiv",
    "gtb standard time": "Europe/Bucharest",
    "turkey standard time": "Europe/Istanbul",
    "russian standard time": "Europe/Moscow",
    "israel standard time": "Asia/Jerusalem",
    "egypt standard time": "Africa/Cairo",
    "south africa standard time": "Africa/Johannesburg",
    "w. central africa standard time": "Africa/Lagos",
    "arabian standard time": "Asia/Dubai",
    "india standard time": "Asia/Kolkata",
    "se asia standard time": "Asia/Bangkok",
    "singapore standard time": "Asia/Singapore",
    "china standard time": "Asia/Shanghai",
    "taipei standard time": "Asia/Taipei",
    "tokyo standard time": "Asia/Tokyo",
    "korea standard time": "Asia/Seoul",
    "aus eastern standard time": "Australia/Sydney",
    "e. australia standard time": "Australia/Brisbane",
    "cen. australia standard time": "Australia/Adelaide",
    "aus central standard time": "Australia/Darwin",
    "w. australia standard time": "Australia/Perth",
    "tasmania standard time": "Australia/Hobart",
    "new zealand standard time": "Pacific/Auckland",
    "eastern standard time": "America/New_York",
    "central standard time": "America/Chicago",
    "mountain standard time": "America/Denver",
    "us mountain standard time": "America/Phoenix",
    "pacific standard time": "America/Los_Angeles",
    "alaskan standard time": "America/Anchorage",
    "hawaiian standard time": "Pacific/Honolulu",
    "atlantic standard time": "America/Halifax",
    "newfoundland standard time": "America/St_Johns",
    "canada central standard time": "America/Regina",
    "central standard time (mexico)": "America/Mexico_City",
    "sa pacific standard time": "America/Bogota",
    "pacific sa standard time": "America/Santiago",
    "argentina standard time": "America/Argentina/Buenos_Aires",
    "e. south america standard time": "America/Sao_Paulo",
    "utc": "UTC",
    "coordinated universal time": "UTC",
}
"""Windows time zone ids (Outlook, Exchange) -> IANA, the common ones; keys in lower case."""

OUTLOOK_DISPLAY_ZONES: dict[str, str] = {
    "amsterdam, berlin, bern, rome, stockholm, vienna": "Europe/Berlin",
    "belgrade, bratislava, budapest, ljubljana, prague": "Europe/Budapest",
    "brussels, copenhagen, madrid, paris": "Europe/Paris",
    "sarajevo, skopje, warsaw, zagreb": "Europe/Warsaw",
    "dublin, edinburgh, lisbon, london": "Europe/London",
    "athens, bucharest": "Europe/Bucharest",
    "helsinki, kyiv, riga, sofia, tallinn, vilnius": "Europe/Helsinki",
    "eastern time (us & canada)": "America/New_York",
    "central time (us & canada)": "America/Chicago",
    "mountain time (us & canada)": "America/Denver",
    "pacific time (us & canada)": "America/Los_Angeles",
    "canberra, melbourne, sydney": "Australia/Sydney",
    "brisbane": "Australia/Brisbane",
    "osaka, sapporo, tokyo": "Asia/Tokyo",
    "chennai, kolkata, mumbai, new delhi": "Asia/Kolkata",
    "brasilia": "America/Sao_Paulo",
}
"""Outlook's display names, ``(UTC+01:00) Amsterdam, Berlin, ...``, by the text after the offset."""

_OUTLOOK_DISPLAY = re.compile(r"^\(\s*(?:UTC|GMT)\s*(?:[+-]\s*\d{1,2}(?::?\d\d)?)?\s*\)\s*(.+)$", re.IGNORECASE)
_UTC_OFFSET_NAME = re.compile(r"^(?:UTC|GMT)\s*([+-])\s*(\d{1,2})(?::?(\d\d))?$", re.IGNORECASE)
_UTC_NAMES = {"utc", "gmt", "z", "zulu", "universal", "etc/utc", "etc/gmt", "etc/universal", "utc+0", "gmt+0"}


def _zone_info(key: str) -> ZoneInfo | None:
    if not key or key.startswith("/") or ".." in key:
        return None
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


@lru_cache(maxsize=512)
def resolve_zone(name: str | None) -> tuple[str, ZoneInfo] | None:
    """The IANA name and zone for a TZID or zone name as files write them, or None.

    Accepts IANA names, Windows ids ("W. Europe Standard Time"), Outlook display names
    ("(UTC+01:00) Amsterdam, Berlin, ..."), "UTC+11" style fixed offsets, and prefixed ids
    such as "/mozilla.org/20050126_1/Europe/Berlin".
    """
    if not name:
        return None
    text = name.strip().strip('"').strip()
    if not text:
        return None
    if text.casefold() in _UTC_NAMES:
        return "UTC", ZoneInfo("UTC")
    zone = _zone_info(text)
    if zone is not None:
        return text, zone
    windows = WINDOWS_ZONES.get(" ".join(text.casefold().split()))
    if windows:
        return windows, ZoneInfo(windows)
    display = _OUTLOOK_DISPLAY.match(text)
    if display:
        key = _strip_accents(" ".join(display.group(1).casefold().split()))
        if key in OUTLOOK_DISPLAY_ZONES:
            return OUTLOOK_DISPLAY_ZONES[key], ZoneInfo(OUTLOOK_DISPLAY_ZONES[key])
    offset = _UTC_OFFSET_NAME.match(text)
    if offset and not (offset.group(3) or "00").strip("0"):
        hours = int(offset.group(2))
        if hours == 0:
            return "UTC", ZoneInfo("UTC")
        # Etc/GMT signs are inverted: UTC+11 is Etc/GMT-11.
        key = f"Etc/GMT{'-' if offset.group(1) == '+' else '+'}{hours}"
        zone = _zone_info(key)
        if zone is not None:
            return key, zone
    if "/" in text:
        parts = [part for part in text.split("/") if part]
        for size in (3, 2, 1):
            if len(parts) > size:
                key = "/".join(parts[-size:])
                zone = _zone_info(key)
                if zone is not None:
                    return key, zone
    return None


def zone_name_for(zone: tzinfo | None, sample: datetime | None = None) -> str | None:
    """An IANA name for a tzinfo: its key, or a fixed Etc/GMT zone for its offset at ``sample``."""
    if zone is None:
        return None
    for attribute in ("key", "zone"):
        key = getattr(zone, attribute, None)
        if isinstance(key, str) and resolve_zone(key):
            return resolve_zone(key)[0]  # type: ignore[index]
    moment = sample if sample is not None else datetime(2000, 1, 1)
    try:
        offset = moment.replace(tzinfo=zone).utcoffset()
    except Exception:  # a custom tzinfo may fail on odd dates
        return None
    return fixed_offset_zone_name(offset)


def fixed_offset_zone_name(offset: timedelta | None) -> str | None:
    if offset is None:
        return None
    if offset == timedelta(0):
        return "UTC"
    seconds = int(offset.total_seconds())
    if seconds % 3600 or abs(seconds) > 14 * 3600:
        return None
    hours = seconds // 3600
    return f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}"


FLOATING_WARNING = "the file gives no time zone, so its times were read as UTC (pass --tz ZONE to fix)"


# --- text -----------------------------------------------------------------------------------------

_KNOWN_TAGS = frozenset(
    "a abbr article aside b big blockquote br caption center cite code dd del details div dl dt em figcaption "
    "figure font footer h1 h2 h3 h4 h5 h6 header hr i iframe img ins kbd label li main mark nav ol p pre q s samp "
    "script section small span strike strong style sub summary sup table tbody td tfoot th thead tr tt u ul var wbr"
    .split()
)
_PARAGRAPH_TAGS = frozenset(
    "p div ul ol h1 h2 h3 h4 h5 h6 blockquote pre table tr hr dl section article header footer "
    "aside nav main figure details".split()
)
_LINE_TAGS = frozenset({"br", "dt", "dd", "caption", "summary", "figcaption"})
# Attribute text is bounded and may not hold "<" or ">", so a stray "<" never makes a scan quadratic.
_TAG = re.compile(r"<!--.*?-->|<(/?)([A-Za-z][A-Za-z0-9]*)(?:\s[^<>]{0,4000})?/?>", re.DOTALL)
_HTML_TAG = re.compile(
    rf"</?(?:{'|'.join(sorted(_KNOWN_TAGS, key=len, reverse=True))})(?:\s[^<>]{{0,4000}})?/?>|<!--", re.IGNORECASE
)
_BLOCK_TAG = re.compile(
    r"</?(?:p|br|div|li|ul|ol|h[1-6]|blockquote|pre|table|tr|hr|dl|dt|dd|section|article)(?:\s[^<>]{0,4000})?/?>",
    re.IGNORECASE,
)
_SKIPPED_BLOCK = re.compile(r"<(script|style)\b[^<>]{0,4000}>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_PRE_BLOCK = re.compile(r"(<pre\b[^<>]{0,4000}>.*?</pre\s*>)", re.IGNORECASE | re.DOTALL)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _tag_text(match: re.Match[str]) -> str:
    name = (match.group(2) or "").lower()
    if not name:
        return ""  # a comment
    if name not in _KNOWN_TAGS:
        return match.group(0)  # "<branch>" in a plain-text description is text, not markup
    if name == "li":
        return "" if match.group(1) else "\n- "
    if name in _PARAGRAPH_TAGS:
        return "\n\n"
    if name in _LINE_TAGS:
        return "\n"
    return ""


def clean_line(value: object) -> str:
    """``clean(value, single_line=True)``, skipping its regular expressions for text that is already
    printable (no control, escape or bidi character can be in it); same result either way."""
    if value is None:
        return ""
    text = str(value)
    if text.isprintable():
        return " ".join(text.split()) if "  " in text or text[:1] == " " or text[-1:] == " " else text
    return clean(text, single_line=True)


def clean_text(value: str) -> str:
    """:func:`clean` for multi-line text, skipping its work when there is nothing to remove."""
    if value.replace("\n", "").replace("\t", "").isprintable():
        return value
    return clean(value)


def html_to_text(text: object) -> str:
    """Plain text from an abstract that may be HTML: tags stripped, entities unescaped,
    paragraph and line breaks kept. Text without HTML keeps its own line breaks."""
    if text is None:
        return ""
    value = str(text)
    if "<" not in value or not _HTML_TAG.search(value):
        if "&" in value:
            value = _ENTITY.sub(lambda match: html.unescape(match.group()), value)
        if "\n " in value or "\n\t" in value:  # indentation from the file's layout, not the author's
            value = "\n".join(line.strip() for line in value.split("\n"))
        return clean_text(value).strip()
    value = _SKIPPED_BLOCK.sub("", value)
    if _BLOCK_TAG.search(value):  # real HTML: its line breaks are only layout
        pieces = _PRE_BLOCK.split(value)
        value = "".join(piece if index % 2 else " ".join(piece.split()) for index, piece in enumerate(pieces))
    value = html.unescape(_TAG.sub(_tag_text, value))
    value = "\n".join(line.strip() for line in value.split("\n"))
    while "\n\n\n" in value:
        value = value.replace("\n\n\n", "\n\n")
    return clean_text(value).strip()


def join_paragraphs(*texts: str) -> str:
    """Abstract and description as one text, without repeating a description that merely repeats the abstract."""
    kept: list[str] = []
    for text in texts:
        if not text or any(text in seen for seen in kept):
            continue
        kept = [seen for seen in kept if seen not in text]
        kept.append(text)
    return "\n\n".join(kept)


_CANCELLED_STATUS = re.compile(r"cancel|declin|withdrawn|abgesagt|annul", re.IGNORECASE)
_CANCELLED_TITLE = re.compile(
    r"^\W{0,3}(?:cancel+ed|abgesagt|entf[äa]llt|withdrawn)\b|[\[(]\s*(?:cancel+ed|abgesagt|entf[äa]llt)\s*[\])]",
    re.IGNORECASE,
)


def is_cancelled(status: object, title: str) -> bool:
    """Cancelled when the source says so: a status field, or a title marked "[CANCELLED]"/"Abgesagt:"."""
    if status and _CANCELLED_STATUS.search(str(status)):
        return True
    return bool(_CANCELLED_TITLE.search(title))


def default_name(source: str) -> str:
    """A conference name from the file or URL when the schedule carries none."""
    if "://" in source:
        parsed = urlparse(source)
        stem = Path(parsed.path).stem
        return clean(f"{parsed.hostname or ''} {stem}".strip(), single_line=True) or "conference"
    return clean(Path(source).stem, single_line=True) or "conference"


# --- ids ------------------------------------------------------------------------------------------


def composite_id(source_id: str, title: str, start: datetime, room: str) -> str:
    """The last resort of the stable id: source id (else title) + start instant + room."""
    instant = start.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")
    return f"{source_id or title}|{instant}|{room}"


def make_ids_unique(sessions: list[Session]) -> None:
    """Duplicate ids stay distinct sessions: the second and later get "#2", "#3" in file order."""
    taken = {session.id for session in sessions}
    seen: Counter[str] = Counter()
    for session in sessions:
        seen[session.id] += 1
        if seen[session.id] == 1:
            continue
        number = seen[session.id]
        candidate = f"{session.id}#{number}"
        while candidate in taken:
            number += 1
            candidate = f"{session.id}#{number}"
        taken.add(candidate)
        session.id = candidate
