"""People from a CSV file with a header; the column names are matched flexibly."""

from __future__ import annotations

import csv
import io

from companion.errors import ImportError_
from companion.importers import ParsedPeople
from companion.models import PRIORITIES, Person
from companion.text import clean

# Header spellings (normalised: lower case, no spaces, dashes or underscores) -> field.
COLUMN_ALIASES: dict[str, str] = {
    "name": "name", "fullname": "name", "displayname": "name",
    "firstname": "first", "givenname": "first", "first": "first",
    "lastname": "last", "surname": "last", "familyname": "last", "last": "last",
    "company": "affiliation", "affiliation": "affiliation", "organisation": "affiliation",
    "organization": "affiliation", "employer": "affiliation",
    "title": "role", "role": "role", "position": "role", "jobtitle": "role",
    "email": "email", "emailaddress": "email", "mail": "email",
    "website": "website", "url": "website", "homepage": "website", "web": "website",
    "blog": "blog",
    "github": "github", "mastodon": "mastodon", "bluesky": "bluesky", "twitter": "twitter", "x": "twitter",
    "linkedin": "linkedin",
    "notes": "notes", "note": "notes", "why": "notes",
    "tags": "tags", "tag": "tags", "priority": "priority",
}
LINK_FIELDS = ("website", "blog", "github", "mastodon", "bluesky", "twitter", "linkedin")


def _column_key(header: str) -> str:
    return "".join(ch for ch in header.lower() if ch.isalnum())


def _priority(value: str, where: str) -> str:
    key = value.strip().lower().replace(" ", "-").replace("_", "-")
    if not key:
        return "hope-to-meet"
    if key in PRIORITIES:
        return key
    aliases = {"must": "must-meet", "high": "must-meet", "hope": "hope-to-meet", "normal": "hope-to-meet",
               "low": "hope-to-meet", "done": "met"}
    if key in aliases:
        return aliases[key]
    raise ImportError_(f"{where}: priority {value!r} is not one of {', '.join(PRIORITIES)}")


def parse_people_csv(payload: bytes, source: str) -> ParsedPeople:
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportError_(f"{source}: not UTF-8 text (byte {error.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise ImportError_(f"{source}: the file is empty")
        columns = [COLUMN_ALIASES.get(_column_key(cell)) for cell in header]
        if "name" not in columns and not ("first" in columns or "last" in columns):
            raise ImportError_(
                f"{source}: line 1: no name column (expected 'name', 'full name', or 'first name' and 'last name')"
            )
        people: list[Person] = []
        skipped: list[str] = []
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            values: dict[str, str] = {}
            for column, cell in zip(columns, row):
                if column and cell.strip() and column not in values:
                    values[column] = clean(cell.strip(), single_line=column != "notes")
            name = values.get("name") or " ".join(p for p in (values.get("first"), values.get("last")) if p)
            if not name:
                skipped.append(f"line {line}: no name")
                continue
            people.append(
                Person(
                    name=name,
                    affiliation=values.get("affiliation", ""),
                    role=values.get("role", ""),
                    email=values.get("email", ""),
                    links={kind: values[kind] for kind in LINK_FIELDS if values.get(kind)},
                    tags=[t.strip() for t in values.get("tags", "").replace(",", ";").split(";") if t.strip()],
                    priority=_priority(values.get("priority", ""), f"{source}: line {line}"),
                    notes=values.get("notes", ""),
                )
            )
    except csv.Error as error:
        raise ImportError_(f"{source}: line {reader.line_num}: {error}") from None
    if not people:
        raise ImportError_(f"{source}: no people found")
    return ParsedPeople(people=people, format="csv", skipped=skipped)
