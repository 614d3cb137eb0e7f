"""Reading an import source and choosing its importer by content (not by file name).

``parse_schedule`` works on bytes, so a URL fetcher can hand it what it downloaded;
``load_schedule`` reads files and calls it. The importers are named in the tables of
``companion.importers`` and loaded only when a source in their format comes: this module knows
them by name, and they import nothing from it (their shared helpers are in
``companion.importers.helpers``).
"""

from __future__ import annotations

import importlib
import os
import re
import select
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from companion.errors import SourceError
from companion.importers import (
    MAX_FILE_BYTES,
    PEOPLE_FORMAT_ALIASES,
    PEOPLE_FORMATS,
    PEOPLE_IMPORTERS,
    SCHEDULE_FORMAT_ALIASES,
    SCHEDULE_FORMATS,
    SCHEDULE_IMPORTERS,
    ParsedPeople,
    ParsedSchedule,
)
from companion.importers.helpers import clean_line, load_json, resolve_zone, strip_bom
from companion.session_times import OUT_OF_RANGE, vet_session_times

# --- reading --------------------------------------------------------------------------------------


READ_DEADLINE = 30.0
"""Seconds a pipe or FIFO has to send everything (the same total deadline as a URL fetch)."""
_POLL_SECONDS = 0.1
"""How often a waiting read looks whether it was cancelled."""
_CHUNK = 256 * 1024


def read_source(source: str, *, cancelled: threading.Event | None = None) -> bytes:
    """The bytes of a file, a pipe or a FIFO (``/dev/stdin``, ``<(curl ...)``), at most
    MAX_FILE_BYTES; a device or a socket is refused. A pipe that stays silent is given up at
    READ_DEADLINE, and a read stops when ``cancelled`` is set (the app's import worker)."""
    if "://" in source:
        raise SourceError(f"{source}: only a schedule is fetched from a URL (companion import schedule URL); download this file and give its path")
    path = Path(source).expanduser()
    try:
        # Non-blocking, so a FIFO with no writer does not block the open; no controlling terminal.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise SourceError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise SourceError(f"{source}: is a folder, not a file") from None
    except OSError as error:
        raise SourceError(f"{source}: cannot read: {error.strerror or error}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise SourceError(f"{source}: is a folder, not a file")
        if stat.S_ISREG(mode):
            if os.fstat(fd).st_size > MAX_FILE_BYTES:
                raise _too_large(source)
            os.set_blocking(fd, True)
            return _read_file(fd, source)
        if stat.S_ISFIFO(mode):
            return _read_pipe(fd, source, cancelled)
        raise SourceError(f"{source}: not a regular file (a device or a socket); give a file, or a pipe")
    except OSError as error:
        raise SourceError(f"{source}: cannot read: {error.strerror or error}") from None
    finally:
        os.close(fd)


def _too_large(source: str) -> SourceError:
    return SourceError(f"{source}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")


class _Capped:
    """The bytes read so far from a source, refused as soon as they pass the cap."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.parts: list[bytes] = []
        self.total = 0

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        if self.total > MAX_FILE_BYTES:
            raise _too_large(self.source)
        self.parts.append(chunk)

    def joined(self) -> bytes:
        return b"".join(self.parts)


def _read_file(fd: int, source: str) -> bytes:
    """A regular file, read to its end but never past the cap (a file may grow while it is read)."""
    read = _Capped(source)
    while True:
        chunk = os.read(fd, min(_CHUNK, MAX_FILE_BYTES + 1 - read.total) or 1)
        if not chunk:
            return read.joined()
        read.add(chunk)


def _read_pipe(fd: int, source: str, cancelled: threading.Event | None) -> bytes:
    """A pipe or FIFO, read as it comes: the cap, the deadline and ``cancelled`` checked between reads."""
    deadline = time.monotonic() + READ_DEADLINE
    read = _Capped(source)
    while True:
        if cancelled is not None and cancelled.is_set():
            raise SourceError(f"{source}: the import was cancelled")
        left = deadline - time.monotonic()
        if left <= 0:
            got = f"{read.total} bytes" if read.total else "nothing"
            raise SourceError(f"{source}: {got} came through the pipe within {READ_DEADLINE:g} s, "
                              "and it was not closed; gave up")
        readable, _, _ = select.select([fd], [], [], min(_POLL_SECONDS, left))
        if not readable:
            continue  # no writer yet, or a writer that is silent: wait on
        try:
            chunk = os.read(fd, _CHUNK)
        except BlockingIOError:
            continue
        if not chunk:
            return read.joined()
        read.add(chunk)


# --- sniffing and dispatch ------------------------------------------------------------------------

_XML_SCHEDULE = re.compile(rb"<(?:[\w.-]+:)?schedule[\s>/]")
_XML_CONFERENCE = re.compile(rb"<(?:[\w.-]+:)?conference[\s>/]")
_UNSNIFFED = object()


def json_schedule_format(data: Any) -> str | None:
    """Which schedule JSON this is, from its shape: c3voc schedule.json, or one of Sessionize's views."""
    if isinstance(data, dict):
        schedule = data.get("schedule")
        if isinstance(schedule, dict) and "conference" in schedule:
            return "schedule-json"
        if isinstance(data.get("sessions"), list) and any(k in data for k in ("speakers", "rooms", "categories")):
            return "sessionize"  # view/All
        return None
    if isinstance(data, list):
        first = next((item for item in data if isinstance(item, dict)), None)
        if first is None:
            return None
        if "timeSlots" in first or ("rooms" in first and "date" in first):
            return "sessionize"  # view/GridSmart
        if isinstance(first.get("sessions"), list) and ("groupId" in first or "groupName" in first):
            return "sessionize"  # view/Sessions
        if isinstance(first.get("sessions"), list) and ("fullName" in first or "firstName" in first):
            return "sessionize"  # view/Speakers
    return None


def _sniff(payload: bytes, source: str) -> tuple[str | None, Any]:
    """The format and, for JSON, the already decoded document (so it is parsed once)."""
    body = strip_bom(payload)
    head = body[:65536].lstrip(b" \t\r\n")
    if head[:1] in (b"{", b"["):
        data = load_json(body, source)
        return json_schedule_format(data), data
    if head[:1] == b"<":
        if _XML_SCHEDULE.search(head) and _XML_CONFERENCE.search(head):
            return "frab", _UNSNIFFED
        return None, _UNSNIFFED
    if b"BEGIN:VCALENDAR" in head[:4096].upper():
        return "ical", _UNSNIFFED
    return None, _UNSNIFFED


def sniff_schedule_format(payload: bytes) -> str | None:
    try:
        return _sniff(payload, "")[0]
    except SourceError:
        return None


def normalise_format(fmt: str | None, source: str) -> str | None:
    if fmt is None or not fmt.strip():
        return None
    chosen = SCHEDULE_FORMAT_ALIASES.get(fmt.strip().lower())
    if chosen is None:
        raise SourceError(f"{source}: unknown schedule format {fmt!r} (use one of: {', '.join(SCHEDULE_FORMATS)})")
    return chosen


def parse_schedule(
    payload: bytes,
    source: str,
    *,
    tz: str | None = None,
    name: str | None = None,
    fmt: str | None = None,
    speakers_payload: bytes | None = None,
    speakers_source: str | None = None,
) -> ParsedSchedule:
    """Choose the importer from the content (or ``fmt``) and parse ``payload``.

    ``speakers_payload`` is a Sessionize ``view/Speakers`` document that names the speakers of a
    Sessionize schedule; ``speakers_source`` names it in errors.
    """
    chosen = normalise_format(fmt, source)
    if tz is not None and resolve_zone(tz) is None:
        raise SourceError(f"--tz {tz}: not a known time zone (use an IANA name such as Europe/Berlin)")
    detected, data = _sniff(payload, source) if chosen is None else (chosen, _UNSNIFFED)
    if detected is None:
        raise SourceError(
            f"{source}: not a schedule format companion reads "
            "(expected iCalendar, frab/Pentabarf XML, schedule.json or Sessionize JSON)"
        )
    warnings: list[str] = []
    if speakers_payload is not None and detected != "sessionize":
        warnings.append("the speakers file is only used with Sessionize schedules and was ignored")
    try:
        parsed = _parse_detected(detected, data, payload, source, tz, name, speakers_payload, speakers_source)
    except SourceError:
        raise
    except (TypeError, ValueError, LookupError, AttributeError) as error:
        # A file whose values have the wrong shape (a number where a list belongs, an unknown
        # encoding) is the file's fault: one line, never a traceback.
        label = SCHEDULE_IMPORTERS[detected].label
        raise SourceError(
            f"{source}: not a valid {label} file ({type(error).__name__}: {clean_line(str(error))[:120]})"
        ) from None
    parsed.warnings[:0] = warnings
    # The one rule on session times, whatever the format (companion.session_times).
    if not parsed.times_checked:
        parsed.sessions, refused, notes = vet_session_times(parsed.sessions)
        if refused:
            parsed.skipped[OUT_OF_RANGE] += refused
        parsed.warnings.extend(notes)
        parsed.times_checked = True
    return parsed


def importer(entry: str) -> Callable[..., Any]:
    """The function an importer table names (``"module:function"``), its module loaded now."""
    module, function = entry.split(":")
    return getattr(importlib.import_module(module), function)


def _parse_detected(
    detected: str,
    data: Any,
    payload: bytes,
    source: str,
    tz: str | None,
    name: str | None,
    speakers_payload: bytes | None,
    speakers_source: str | None,
) -> ParsedSchedule:
    entry = SCHEDULE_IMPORTERS[detected]
    extra: dict[str, Any] = {}
    if detected == "sessionize":
        extra["speakers_source"] = speakers_source or "the speakers file"
        extra["speakers"] = load_json(speakers_payload, extra["speakers_source"]) if speakers_payload is not None else None
    if entry.reads == "json":
        document = load_json(payload, source) if data is _UNSNIFFED else data
        return importer(entry.function)(document, source, tz=tz, name=name, **extra)
    return importer(entry.function)(payload, source, tz=tz, name=name, **extra)


def load_schedule(
    source: str,
    *,
    tz: str | None = None,
    name: str | None = None,
    fmt: str | None = None,
    speakers: str | None = None,
    cancelled: threading.Event | None = None,
) -> ParsedSchedule:
    payload = read_source(source, cancelled=cancelled)
    speakers_payload = read_source(speakers) if speakers else None
    return parse_schedule(
        payload, source, tz=tz, name=name, fmt=fmt, speakers_payload=speakers_payload, speakers_source=speakers
    )


_VCARD_BEGIN = re.compile(rb"^[ \t]*BEGIN[ \t]*:[ \t]*VCARD[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)


def sniff_people_format(payload: bytes) -> str:
    """``vcard`` when a line reads BEGIN:VCARD, ``linkedin`` for a Connections.csv export (its
    "Notes:" preamble or its header), else ``csv``. Content decides, never the file name."""
    head = strip_bom(payload)[:16384]
    if _VCARD_BEGIN.search(head):
        return "vcard"
    if importer("companion.importers.linkedin:is_linkedin_export")(head.decode("utf-8", errors="replace")):
        return "linkedin"
    return "csv"


def parse_people(
    payload: bytes, source: str, *, fmt: str | None = None, max_rows: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> ParsedPeople:
    """People from ``payload``, in ``fmt`` (csv, vcard or linkedin) or the format its content shows."""
    if fmt is not None and fmt.strip():
        chosen = PEOPLE_FORMAT_ALIASES.get(fmt.strip().lower())
        if chosen is None:
            raise SourceError(f"{source}: unknown people format {fmt!r} (use one of: {', '.join(PEOPLE_FORMATS)})")
    else:
        chosen = sniff_people_format(payload)
    parsed: ParsedPeople = importer(PEOPLE_IMPORTERS[chosen])(payload, source, max_rows=max_rows, progress=progress)
    return parsed


def load_people(
    source: str, *, fmt: str | None = None, cancelled: threading.Event | None = None, max_rows: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> ParsedPeople:
    """People from a file or URL; ``max_rows`` (default 50,000) is the most one file may hold;
    ``progress`` is called now and then with how many people were read."""
    return parse_people(read_source(source, cancelled=cancelled), source, fmt=fmt, max_rows=max_rows,
                        progress=progress)


NEITHER = ("not a schedule or a people list companion reads (a schedule: iCalendar, frab XML, schedule.json "
           "or Sessionize; people: a CSV with a header, a vCard or LinkedIn's Connections.csv)")


def sniff_import_kind(payload: bytes, source: str = "") -> str:
    """``schedule`` or ``people``: what an import source holds, from its content (never its name),
    for an import that does not say. A schedule format companion reads is a schedule; a vCard, a
    LinkedIn export or text laid out as a table (a header of two cells or more, or a name column,
    and the next row as wide) is people; JSON or XML that is no schedule companion reads is
    called a schedule too, so that its importer names what is wrong with it. Text that is neither
    (a README, a log) is refused with one line naming ``source``; text that cannot be read as UTF-8
    goes to the people importer, which names the line and the fix."""
    if sniff_schedule_format(payload) is not None:
        return "schedule"
    head = strip_bom(payload)[:65536]
    if _VCARD_BEGIN.search(head):
        return "people"
    if head.lstrip(b" \t\r\n")[:1] in (b"{", b"[", b"<"):
        return "schedule"
    if sniff_people_format(payload) != "csv" or _looks_like_a_table(payload):
        return "people"
    raise SourceError(f"{source}: {NEITHER}" if source else NEITHER[0].upper() + NEITHER[1:])


def _looks_like_a_table(payload: bytes) -> bool:
    """Whether a file's first lines read as a CSV table: a header of two cells or more (or one name
    column) with the next row as wide. Text that is not UTF-8 (or empty, or binary)
    counts as one, so that the CSV importer says what is wrong with it."""
    import csv
    import io
    import itertools

    if payload.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    text = payload[:65536].decode("utf-8-sig", errors="replace")
    if len(payload) > 65536:
        text = text.rsplit("\n", 1)[0]  # not a line cut in two (nor a character)
    if not text.strip() or "\ufffd" in text or "\x00" in text:
        return True
    column_fields = importer("companion.importers.people_csv:column_fields")
    sniff_delimiter = importer("companion.importers.people_csv:sniff_delimiter")
    header_text = next(line for line in io.StringIO(text) if line.strip())
    try:
        rows = list(itertools.islice((row for row in csv.reader(io.StringIO(text, newline=""),
                                                                    delimiter=sniff_delimiter(header_text))
                                      if any(cell.strip() for cell in row)), 2))
    except csv.Error:
        return False
    header = rows[0]
    if len(rows) > 1 and len(rows[1]) != len(header):
        return False  # prose: lines of any number of commas
    return len(header) >= 2 or bool({"name", "first", "last"} & set(column_fields(header)))
