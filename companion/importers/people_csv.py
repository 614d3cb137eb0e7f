"""People from a CSV file with a header; the column names are matched flexibly.

Also what every people importer shares: decoding the bytes, the priority spellings, the tags and
connections (links are in companion.links).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable

from companion.errors import SourceError
from companion.importers import ParsedPeople
from companion.identity import OTHER_MARK
from companion.links import add_link, host_and_path, link_kind
from companion.models import CONNECTION_KINDS, LINK_KINDS, PRIORITIES, Connection, Person
from companion.text import clean, has_visible

# Header spellings (normalised: lower case, letters and digits only) -> field.
COLUMN_ALIASES: dict[str, str] = {
    "name": "name", "fullname": "name", "displayname": "name", "contactname": "name", "person": "name",
    "firstname": "first", "givenname": "first", "first": "first", "forename": "first",
    "lastname": "last", "surname": "last", "familyname": "last", "last": "last",
    "company": "affiliation", "companyname": "affiliation", "affiliation": "affiliation",
    "organisation": "affiliation", "organization": "affiliation", "org": "affiliation",
    "employer": "affiliation", "institution": "affiliation", "currentcompany": "affiliation",
    "title": "role", "role": "role", "position": "role", "jobtitle": "role", "currentposition": "role",
    "occupation": "role",
    "email": "email", "emailaddress": "email", "mail": "email", "primaryemail": "email", "email1": "email",
    "website": "url", "url": "url", "homepage": "url", "web": "url", "site": "url", "link": "url",
    "profileurl": "url", "personalwebsite": "url",
    "blog": "blog", "blogurl": "blog",
    "github": "github", "githubusername": "github", "githubhandle": "github", "githuburl": "github",
    "mastodon": "mastodon", "mastodonhandle": "mastodon", "fediverse": "mastodon", "fedi": "mastodon",
    "bluesky": "bluesky", "bsky": "bluesky", "blueskyhandle": "bluesky",
    "twitter": "twitter", "x": "twitter", "twitterhandle": "twitter", "xhandle": "twitter",
    "xtwitter": "twitter", "twitterx": "twitter",
    "linkedin": "linkedin", "linkedinurl": "linkedin", "linkedinprofile": "linkedin",
    "notes": "notes", "note": "notes", "why": "notes", "comments": "notes", "comment": "notes",
    "tags": "tags", "tag": "tags", "topics": "tags", "interests": "tags", "labels": "tags",
    "categories": "tags", "groups": "tags",
    "priority": "priority", "prio": "priority", "importance": "priority",
    "connection": "connection", "connections": "connection", "howweknoweachother": "connection",
    "howweknow": "connection", "howwemet": "connection", "howweareconnected": "connection",
    "connectedvia": "connection", "commonground": "connection", "incommon": "connection",
    "school": "connection:school", "sharedschool": "connection:school", "alumni": "connection:school",
    "bootcamp": "connection:bootcamp",
    "background": "connection:background", "sharedbackground": "connection:background",
    "hobby": "connection:hobby", "hobbies": "connection:hobby",
    "place": "connection:place", "hometown": "connection:place",
    "mutual": "connection:acquaintance", "mutualfriend": "connection:acquaintance",
    "mutualacquaintance": "connection:acquaintance", "introducedby": "connection:acquaintance",
    "connectedon": "connected", "connectiondate": "connected", "dateconnected": "connected",
    "connectedsince": "connected",
    # Address books: Google Contacts (both layouts), Outlook, Apple Numbers sheets.
    "middlename": "middle", "additionalname": "middle", "secondname": "middle",
    "organizationname": "affiliation", "organisationname": "affiliation",
    "organizationtitle": "role", "organisationtitle": "role", "profession": "role",
    "groupmembership": "tags", "keywords": "tags",
    "webpage": "url", "personalwebpage": "url", "businesswebpage": "url", "homepageurl": "url",
    "referredby": "connection:acquaintance",
    # Other languages' exports (Outlook and Google write the column names in the user's language).
    "vorname": "first", "nachname": "last", "weiterevornamen": "middle", "firma": "affiliation",
    "unternehmen": "affiliation", "emailadresse": "email", "webseite": "url", "kategorien": "tags",
    "notizen": "notes", "berufsbezeichnung": "role",
    "prénom": "first", "prenom": "first", "nom": "last", "nomdefamille": "last", "société": "affiliation",
    "societe": "affiliation", "entreprise": "affiliation", "fonction": "role", "adressedemessagerie": "email",
    "adresseemail": "email", "courriel": "email", "pageweb": "url", "siteweb": "url", "catégories": "tags",
    "categories2": "tags", "remarques": "notes",
    "nombre": "first", "apellidos": "last", "apellido": "last", "organización": "affiliation",
    "compañía": "affiliation", "empresa": "affiliation", "puesto": "role", "cargo": "role",
    "correoelectrónico": "email", "direccióndecorreoelectrónico": "email", "páginaweb": "url",
    "categorías": "tags", "notas": "notes",
    "voornaam": "first", "achternaam": "last", "bedrijf": "affiliation", "functie": "role",
    "emailadres": "email", "categorieën": "tags", "notities": "notes",
}

# Numbered columns of Google's and Outlook's exports: "E-mail 2 - Value", "Website 1 - Value",
# "Organization 1 - Name", "E-mail 3 Address"; their "- Label"/"- Type" columns are read beside them.
_NUMBERED_COLUMNS = (
    (re.compile(r"^e?mail\d*(?:value|address|wert|adresse|valeur|valor|waarde|adres)?$"), "email"),
    (re.compile(r"^(?:website|webseite|siteweb|sitioweb)\d*(?:value|address|url|wert|valeur|valor|waarde)?$"), "url"),
    (re.compile(r"^organi[sz]ation\d*name$"), "affiliation"),
    (re.compile(r"^organi[sz]ation\d*title$"), "role"),
    (re.compile(r"^organi[sz]ation\d*jobdescription$"), None),
)
MULTI_VALUE = " ::: "
"""How Google Contacts writes several values in one cell (two emails, the labels)."""
SYSTEM_LABELS = frozenset({"mycontacts", "starred", "othercontacts", "imported", "chatbuddies"})
"""Google's own labels (``* myContacts``), which say nothing about a person, normalised."""
PRIORITY_ALIASES = {
    "must": "must-meet", "high": "must-meet", "top": "must-meet",
    "hope": "hope-to-meet", "normal": "hope-to-meet", "medium": "hope-to-meet", "low": "hope-to-meet",
    "maybe": "hope-to-meet",
    "done": "met", "already-met": "met", "met-already": "met",
}


MAX_PEOPLE_ROWS = 50_000
"""The most people one file may hold unless the user raises it (``--max-rows``): past it the file is
refused before anything is saved, so a wrong file (a log, a whole CRM) cannot flood the list."""


PROGRESS_ROWS = 1000
"""How many people between two calls of an importer's ``progress`` (with how many were read)."""
Progress = Callable[[int], None]


# --- decoding -------------------------------------------------------------------------------------


def decode_people_text(payload: bytes, source: str) -> str:
    """The file as text: UTF-8 with or without a BOM, else one line naming the place it fails."""
    if payload.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(f"{source}: UTF-16 text; save it as UTF-8 and import it again")
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = payload.count(b"\n", 0, error.start) + 1
        raise SourceError(f"{source}: line {line}: not UTF-8 text (byte {error.start}); save it as UTF-8") from None
    if not text.strip():
        raise SourceError(f"{source}: the file is empty")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise SourceError(f"{source}: line {line}: a NUL byte; this is not a text file")
    return text


def sniff_delimiter(line: str) -> str:
    """Comma, semicolon (Excel in many locales) or tab: whichever the header line has most of,
    outside quotes. A one-column header has none of them and gets the comma."""
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


# --- field values ---------------------------------------------------------------------------------


def parse_priority(value: str, where: str) -> str:
    key = "-".join(value.strip().lower().replace("_", " ").replace("-", " ").split())
    if not key:
        return "hope-to-meet"
    if key in PRIORITIES:
        return key
    if key in PRIORITY_ALIASES:
        return PRIORITY_ALIASES[key]
    raise SourceError(f"{where}: priority {value!r} is not one of {', '.join(PRIORITIES)}")



def split_tags(value: str) -> list[str]:
    tags: list[str] = []
    for tag in re.split(r"[;,|]", value):
        tag = tag.strip()
        if tag and tag.casefold() not in (seen.casefold() for seen in tags):
            tags.append(tag)
    return tags


CONNECTION_ALIASES = {
    "school": "school", "uni": "school", "university": "school", "college": "school", "alumni": "school",
    "bootcamp": "bootcamp", "course": "bootcamp", "cohort": "bootcamp",
    "background": "background", "work": "background", "career": "background", "field": "background",
    "hobby": "hobby", "interest": "hobby", "sport": "hobby",
    "place": "place", "city": "place", "town": "place", "hometown": "place", "country": "place",
    "acquaintance": "acquaintance", "mutual": "acquaintance", "friend": "acquaintance", "via": "acquaintance",
    "intro": "acquaintance", "introduced by": "acquaintance", "mutual friend": "acquaintance",
}
_CONNECTION_GUESSES = (
    ("school", re.compile(r"\b(school|universit|college|alma mater|alumn|class of|studied)", re.IGNORECASE)),
    ("bootcamp", re.compile(r"\b(boot ?camp|cohort)", re.IGNORECASE)),
    ("acquaintance", re.compile(r"\b(via|introduced|mutual|friend of|knows|through)\b", re.IGNORECASE)),
    ("place", re.compile(r"\b(both from|grew up|hometown|lived in|live in|neighbou?r)", re.IGNORECASE)),
    ("hobby", re.compile(r"\b(hobby|hobbies|both play|both like|climb|chess|choir|run club)", re.IGNORECASE)),
)


def parse_connections(value: str, kind: str | None = None) -> list[Connection]:
    """``"school: TU Delft; via Priya"`` -> two connections. A part without a known ``kind:`` prefix
    gets the column's kind, else a kind guessed from its words, else "background"."""
    connections: list[Connection] = []
    for part in value.split(";"):
        part = part.strip()
        if not part:
            continue
        part_kind = kind
        prefix, colon, rest = part.partition(":")
        named = CONNECTION_ALIASES.get(" ".join(prefix.lower().split())) if colon else None
        if named and rest.strip():
            part_kind, part = named, rest.strip()
        if part_kind is None:
            part_kind = next((k for k, pattern in _CONNECTION_GUESSES if pattern.search(part)), "background")
        if part_kind in CONNECTION_KINDS:
            connections.append(Connection(part_kind, part))
    return connections


# --- the CSV --------------------------------------------------------------------------------------


def _column_key(header: str) -> str:
    return "".join(ch for ch in header.lower() if ch.isalnum())


def column_fields(header: list[str]) -> list[str | None]:
    """The field each header cell feeds (None: a column companion does not read). A "Title" next
    to a "Job Title" is Outlook's name prefix ("Dr."), not a role; photos are never read."""
    keys = [_column_key(clean(cell)) for cell in header]
    fields: list[str | None] = []
    for key in keys:
        field = COLUMN_ALIASES.get(key)
        if field is None:
            field = next((f for pattern, f in _NUMBERED_COLUMNS if pattern.match(key)), None)
        if key == "title" and "jobtitle" in keys:
            field = None
        if field == "tags" and key in ("labels", "groupmembership") and layout_of(header).startswith("Google"):
            field = "labels"  # Google's: separated by " ::: " only (a label may hold a comma)
        fields.append(field)
    return fields


def layout_of(header: list[str]) -> str:
    """Which address book wrote a header, for the import's report ("" when none in particular)."""
    keys = {_column_key(clean(cell)) for cell in header}
    if "labels" in keys and ("email1value" in keys or "organizationname" in keys):
        return "Google Contacts"
    if "groupmembership" in keys or {"givenname", "email1value"} <= keys:
        return "Google Contacts, older layout"
    if "emailaddress" in keys and "jobtitle" in keys and ({"categories", "webpage", "email2address"} & keys):
        return "Outlook"
    return ""


def people_from_table(
    text: str, source: str, *, fmt: str, first_line: int = 1, delimiter: str | None = None,
    connected_label: str = "Connected", max_rows: int | None = None, progress: Progress | None = None,
) -> ParsedPeople:
    """People from CSV text whose first non-blank row is the header; ``first_line`` is the file's
    line number of the text's first line, so errors and skips name lines of the file."""
    max_rows = MAX_PEOPLE_ROWS if max_rows is None else max_rows
    offset = first_line - 1
    header_text = next((line for line in io.StringIO(text) if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter or sniff_delimiter(header_text))
    header: list[str] | None = None
    header_line = 0
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                header, header_line = row, reader.line_num + offset
                break
        if header is None:
            raise SourceError(f"{source}: the file is empty")
        columns = column_fields(header)
        if "name" not in columns and not ("first" in columns or "last" in columns):
            shown = ", ".join(repr(clean(cell.strip(), single_line=True)[:40]) for cell in header[:6] if cell.strip())
            raise SourceError(
                f"{source}: line {header_line}: no name column (expected 'name', 'full name', or 'first name' "
                f"and 'last name'; found {shown or 'nothing'})"
            )
        people: list[Person] = []
        skipped: list[str] = []
        previous_end = reader.line_num
        last_row: list[str] = []
        last_start = 0
        for row in reader:
            line = previous_end + 1 + offset
            last_start, previous_end, last_row = previous_end + 1, reader.line_num, row
            if not any(cell.strip() for cell in row):
                continue
            extra = [cell for cell in row[len(columns):] if cell.strip()]
            if extra:
                skipped.append(f"line {line}: {len(extra)} cell(s) past the header's {len(columns)} columns ignored (the row is imported)")
            person = _person_from_row(columns, row, f"{source}: line {line}", connected_label)
            if person is None:
                company = next((clean(cell.strip(), single_line=True) for column, cell in zip(columns, row)
                                if column == "affiliation" and cell.strip()), "")
                shown = f" (only a company: {company[:60]})" if company else ""
                skipped.append(f"line {line}: no name{shown}, row skipped")
                continue
            people.append(person)
            if progress is not None and len(people) % PROGRESS_ROWS == 0:
                progress(len(people))
            if len(people) > max_rows:
                raise SourceError(
                    f"{source}: line {line}: more than {max_rows:,} people in one file; import it in parts, "
                    f"or raise the limit with --max-rows"
                )
    except csv.Error as error:
        raise SourceError(f"{source}: line {reader.line_num + offset}: {error}") from None
    if any("\n" in cell or "\r" in cell for cell in last_row):
        # The last row spans lines: fine if a quoted cell holds line breaks, wrong if a quote was
        # never closed and the csv module read the rest of the file into it.
        record = "".join(io.StringIO(text, newline="").readlines()[last_start - 1:])
        unclosed = _unclosed_quote(record, reader.dialect.delimiter)
        if unclosed is not None:
            raise SourceError(f"{source}: line {last_start + unclosed + offset}: a quoted cell is never closed, "
                               f"so every line after it would be read into it (add the closing \")")
    if not people:
        raise SourceError(f"{source}: no people found (no row after the header on line {header_line} has a name)")
    return ParsedPeople(people=people, format=fmt, skipped=skipped, layout=layout_of(header))


def _unclosed_quote(record: str, delimiter: str) -> int | None:
    """Where (lines after the record's first) a quoted cell opens in ``record`` that is still open
    at its end, read as the csv module reads (a quote opens a cell only at its start, ``""``
    inside is a quote); ``None`` when every quoted cell is closed."""
    inside = False
    cell_start = True
    lines = opened_at = 0
    index, length = 0, len(record)
    while index < length:
        char = record[index]
        if char == "\n" or (char == "\r" and record[index + 1:index + 2] != "\n"):
            lines += 1
        if inside:
            if char == '"':
                if record[index + 1:index + 2] == '"':
                    index += 1  # an escaped quote
                else:
                    inside = False
        else:
            if char == '"' and cell_start:
                inside, opened_at = True, lines
            cell_start = char in (delimiter, "\n", "\r")
        index += 1
    return opened_at if inside else None


def _person_from_row(columns: list[str | None], row: list[str], where: str, connected_label: str) -> Person | None:
    values: dict[str, list[str]] = {}
    connections: list[Connection] = []
    for column, cell in zip(columns, row):
        if not column or not cell.strip():
            continue
        value = clean(cell.strip(), single_line=column != "notes")
        if column.startswith("connection"):
            _, _, kind = column.partition(":")
            connections.extend(parse_connections(value, kind or None))
        else:
            values.setdefault(column, []).append(value)

    def first(field: str) -> str:
        return values[field][0] if field in values else ""

    name = first("name") or " ".join(p for p in (first("first"), first("middle"), first("last")) if p)
    if not name or not has_visible(name):
        return None
    links: dict[str, str] = {}
    for kind in LINK_KINDS:
        for value in _each(values.get(kind, ())):
            add_link(links, kind, value)
    # Generic web columns: each URL filed by its host (a GitHub or LinkedIn URL as such).
    for value in _each(values.get("url", ())):
        add_link(links, link_kind(value), value)
    emails: list[str] = []
    for value in _each(values.get("email", ())):
        email = value[len("mailto:"):] if value.lower().startswith("mailto:") else value
        if email and email.casefold() not in (e.casefold() for e in emails):
            emails.append(email)
    notes = "\n".join(values.get("notes", ()))
    links_in_text(notes, links)
    if values.get("connected"):
        since = f"{connected_label} since {connected_date(first('connected'))}"
        notes = f"{notes}\n{since}" if notes else since
    if len(emails) > 1:  # the first is the person's email; the others kept where a re-import finds them
        notes = "\n".join([*([notes] if notes else []), *(f"{OTHER_MARK}email: {e}" for e in emails[1:])])
    tags: list[str] = []
    labels = [(value, False) for value in values.get("tags", ())] + [(value, True) for value in values.get("labels", ())]
    for value, google in labels:
        for tag in split_labels(value, google=google):
            if tag.casefold() not in (t.casefold() for t in tags):
                tags.append(tag)
    return Person(
        name=name,
        affiliation=first("affiliation"),
        role=first("role"),
        email=emails[0] if emails else "",
        links=links,
        tags=tags,
        priority=parse_priority(first("priority"), where),
        connections=connections,
        notes=notes,
    )


def _each(cells: Iterable[str]) -> list[str]:
    """The values of cells, a Google cell holding several (``a ::: b``) split."""
    return [part.strip() for cell in cells for part in cell.split(MULTI_VALUE.strip()) if part.strip()]


def split_labels(value: str, *, google: bool = False) -> list[str]:
    """Tags from a labels or categories cell: Google's ``* myContacts ::: PyData`` (its own labels
    dropped, the ``* `` of the others too; with ``google``, a "Labels" or "Group Membership"
    column, a label may hold a comma), else :func:`split_tags` (``;``, ``,`` or ``|``)."""
    if not google and MULTI_VALUE.strip() not in value and not value.startswith("* "):
        return split_tags(value)
    tags: list[str] = []
    for part in value.split(MULTI_VALUE.strip()):
        part = part.strip()
        if part.startswith("*"):
            part = part[1:].strip()
            if _column_key(part) in SYSTEM_LABELS:
                continue
        if part and part.casefold() not in (t.casefold() for t in tags):
            tags.append(part)
    return tags


_URL_IN_TEXT = re.compile(r"(?:https?://|www\.)[^\s<>\"'()\[\]]+", re.IGNORECASE)
_HANDLE_IN_TEXT = re.compile(r"(?<![\w@/])@([A-Za-z0-9_.]{1,64})@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)\b")


def _is_profile(kind: str, path: str) -> bool:
    """Whether a URL's path names a person on its site, not a page of theirs (a repository, a post)."""
    parts = [part for part in path.split("/") if part]
    if kind in ("website", "blog"):
        return not parts
    if kind == "linkedin":
        return len(parts) == 2 and parts[0] in ("in", "pub")
    if kind == "bluesky":
        return len(parts) == 2 and parts[0] == "profile"
    return len(parts) == 1  # github.com/NAME, x.com/NAME, host/@NAME


def links_in_text(text: str, links: dict[str, str]) -> None:
    """Profiles named in free text (notes): URLs filed by host into the kinds not yet filled, and
    fediverse handles ``@name@host.social``. A URL to a page of someone's (a repository, a talk, an
    article) names no profile and is left in the text only."""
    if "://" not in text and "www." not in text and "@" not in text:
        return
    for match in _URL_IN_TEXT.finditer(text):
        url = match.group(0).rstrip(".,;:!?")
        kind = link_kind(url)
        if kind not in links and _is_profile(kind, host_and_path(url)[1]):
            links[kind] = url
    for match in _HANDLE_IN_TEXT.finditer(text):
        links.setdefault("mastodon", f"@{match.group(1)}@{match.group(2)}")


_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[ -]([A-Za-z]{3})[A-Za-z]*\.?[ ,-]+(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def connected_date(value: str) -> str:
    """``12 Mar 2024`` (LinkedIn) or ``2024-03-12`` as ISO text; anything else as it was written
    (``03/12/2024`` could be either day first or month first)."""
    text = value.strip()
    match = _DAY_MONTH_YEAR.match(text)
    if match and match.group(2).lower() in _MONTHS:
        day, month, year = int(match.group(1)), _MONTHS[match.group(2).lower()], int(match.group(3))
        if 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
    match = _ISO_DATE.match(text)
    if match:
        return match.group(0)
    return text


def parse_people_csv(
    payload: bytes, source: str, *, max_rows: int | None = None, progress: Progress | None = None
) -> ParsedPeople:
    return people_from_table(decode_people_text(payload, source), source, fmt="csv", max_rows=max_rows,
                             progress=progress)
