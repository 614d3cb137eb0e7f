"""People from LinkedIn's ``Connections.csv`` export.

The file starts with a UTF-8 BOM and a "Notes:" preamble of a few lines (a quoted paragraph about
missing email addresses) before the real header, ``First Name,Last Name,URL,Email Address,Company,
Position,Connected On``; lines end in CRLF and dates read ``12 Mar 2024``. Older exports have no URL
column. The profile URL goes into ``links["linkedin"]`` and the date into the notes, as
"LinkedIn connection since 2024-03-12".
"""

from __future__ import annotations

import re

from companion.errors import SourceError
from companion.importers import ParsedPeople
from companion.importers.people_csv import Progress, decode_people_text, people_from_table

HEADER_SEARCH_LINES = 200
_CELL_SPLIT = re.compile(r"[,;\t]")


def _cell_keys(line: str) -> set[str]:
    return {"".join(ch for ch in cell.lower() if ch.isalnum()) for cell in _CELL_SPLIT.split(line)}


def _is_header(line: str) -> bool:
    return {"firstname", "lastname"} <= _cell_keys(line)


def is_linkedin_export(text: str) -> bool:
    """A "Notes:" preamble followed by a First Name/Last Name header, or a header with "Connected On"."""
    lines = text.lstrip("\ufeff").split("\n", 60)[:60]
    first = next((line.strip() for line in lines if line.strip()), "")
    if first.lower().startswith(("notes:", '"notes:')):
        return any(_is_header(line) for line in lines)
    return any(_is_header(line) and "connectedon" in _cell_keys(line) for line in lines)


def parse_linkedin(
    payload: bytes, source: str, *, max_rows: int | None = None, progress: Progress | None = None
) -> ParsedPeople:
    text = decode_people_text(payload, source)
    lines = text.split("\n")
    for index, line in enumerate(lines[:HEADER_SEARCH_LINES]):  # noqa: B007 - index is read after the loop
        if _is_header(line):
            break
    else:
        raise SourceError(
            f"{source}: no 'First Name,Last Name,...' header in the first {HEADER_SEARCH_LINES} lines "
            "(is this LinkedIn's Connections.csv?)"
        )
    rest = "\n".join(lines[index:])
    return people_from_table(rest, source, fmt="linkedin", first_line=index + 1, connected_label="LinkedIn connection",
                            max_rows=max_rows, progress=progress)
