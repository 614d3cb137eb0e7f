"""Reading an import source and choosing its importer by content, not by file name."""

from __future__ import annotations

from pathlib import Path

from companion.errors import ImportError_
from companion.importers import MAX_FILE_BYTES, ParsedPeople, ParsedSchedule


def read_source(source: str) -> bytes:
    if "://" in source:
        raise ImportError_(f"{source}: importing from a URL is not supported yet; download the file and import it")
    path = Path(source).expanduser()
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ImportError_(f"{source}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        return path.read_bytes()
    except FileNotFoundError:
        raise ImportError_(f"{source}: no such file") from None
    except IsADirectoryError:
        raise ImportError_(f"{source}: is a folder, not a file") from None
    except OSError as error:
        raise ImportError_(f"{source}: cannot read: {error.strerror or error}") from None


def sniff_schedule_format(payload: bytes) -> str | None:
    head = payload[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").upper()
    if head.startswith(b"BEGIN:VCALENDAR") or b"BEGIN:VCALENDAR" in head:
        return "ical"
    return None


def load_schedule(source: str, *, tz: str | None = None, name: str | None = None, fmt: str | None = None) -> ParsedSchedule:
    payload = read_source(source)
    detected = fmt or sniff_schedule_format(payload)
    if detected == "ical":
        from companion.importers.ical import parse_ical

        return parse_ical(payload, source, tz=tz, name=name)
    if detected is None:
        raise ImportError_(f"{source}: not a schedule format companion reads (expected iCalendar)")
    raise ImportError_(f"{source}: format {detected!r} is not supported yet (supported: ical)")


def load_people(source: str, *, fmt: str | None = None) -> ParsedPeople:
    payload = read_source(source)
    chosen = fmt or "csv"
    if chosen == "csv":
        from companion.importers.people_csv import parse_people_csv

        return parse_people_csv(payload, source)
    raise ImportError_(f"{source}: people format {chosen!r} is not supported yet (supported: csv)")
