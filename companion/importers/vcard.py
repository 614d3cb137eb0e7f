"""People from vCard files (4.0, 3.0, and the 2.1 old phones write), read with vobject.

Each card is cut out of the file by its BEGIN:VCARD/END:VCARD lines and parsed on its own, so a
broken card is skipped and reported with its line number while the rest are imported; a file in
which no card can be read is an error naming the first broken card. Photos, logos, sounds and keys
are dropped before parsing: they are large, companion does not use them, and a bad one should not
cost the card.
"""

from __future__ import annotations

import re
from typing import Any

from companion.errors import SourceError
from companion.importers import ParsedPeople
from companion.identity import OTHER_MARK
from companion.importers.people_csv import (
    MAX_PEOPLE_ROWS,
    PROGRESS_ROWS,
    Progress,
    decode_people_text,
    links_in_text,
    split_tags,
)
from companion.links import add_link, link_kind, looks_like_url
from companion.models import LINK_KINDS, Person
from companion.text import clean, has_visible

_BEGIN = re.compile(r"^BEGIN[ \t]*:[ \t]*VCARD[ \t]*$", re.IGNORECASE)
_END = re.compile(r"^END[ \t]*:[ \t]*VCARD[ \t]*$", re.IGNORECASE)
_BLOB = re.compile(r"^(?:[\w-]+\.)?(?:PHOTO|LOGO|SOUND|KEY)[;:]", re.IGNORECASE)
_BASE64_LINE = re.compile(r"^[A-Za-z0-9+/=]+$")
_QUOTED_PRINTABLE = re.compile(r"[;=]QUOTED-PRINTABLE\b", re.IGNORECASE)
_VOBJECT_LINE = re.compile(r"^At line \d+:\s*")
_UNPARSED_LINE = re.compile(r"Failed to parse line:\s*(.*)$", re.DOTALL)

LABEL_KINDS = {
    **{kind: kind for kind in LINK_KINDS},
    "x": "twitter", "homepage": "website", "home page": "website", "_$!<homepage>!$_": "website",
    "home": "website", "work": "website", "personal": "website", "bsky": "bluesky", "fediverse": "mastodon",
}
"""A URL's TYPE or Apple X-ABLabel, lower case -> link kind."""

HANDLE_PROPERTIES = {
    "x-twitter": "twitter", "x-mastodon": "mastodon", "x-bluesky": "bluesky", "x-github": "github",
    "x-linkedin": "linkedin",
}


Card = tuple[int, list[str], list[int]]
"""A card cut out of the file: its first line number, its lines, and each line's number in the file."""


def _split_cards(text: str) -> tuple[list[Card], list[str], int | None]:
    """The cards; problems with the file's structure; and the first line of text outside any
    card, if there is one."""
    cards: list[Card] = []
    problems: list[str] = []
    stray: int | None = None
    current: list[str] | None = None
    numbers: list[int] = []
    start = 0
    in_blob = qp_open = False
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if current is None:
            if _BEGIN.match(line):
                current, numbers, start, in_blob, qp_open = [line], [number], number, False, False
            elif line.strip() and stray is None:
                stray = number
            continue
        if _BEGIN.match(line):
            problems.append(f"line {start}: the card has no END:VCARD before the next card on line {number}, skipped")
            current, numbers, start, in_blob, qp_open = [line], [number], number, False, False
            continue
        if in_blob:
            if line[:1] in (" ", "\t") or not line.strip() or _BASE64_LINE.match(line):
                continue  # a folded or 2.1-style continuation of the photo
            in_blob = False
        if _BLOB.match(line):
            in_blob = True
            continue
        if qp_open and not _END.match(line):  # vCard 2.1: a quoted-printable value ending in "=" goes on
            current[-1] = current[-1][:-1] + line
        else:
            current.append(line)
            numbers.append(number)
        qp_open = current[-1].endswith("=") and bool(_QUOTED_PRINTABLE.search(current[-1].split(":", 1)[0]))
        if _END.match(line):
            cards.append((start, current, numbers))
            current = None
    if current is not None:
        problems.append(f"line {start}: the card has no END:VCARD, skipped")
    return cards, problems, stray


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return " ".join(part for part in (_text(v) for v in value) if part)
    return clean(value if isinstance(value, str) else "" if value is None else str(value), single_line=True).strip()


def _params(line: Any) -> list[str]:
    """The TYPE values of a property, lower case (``TYPE=work,pref`` and ``TYPE=work;TYPE=pref`` alike)."""
    values: list[str] = []
    for value in line.params.get("TYPE", []):
        values.extend(part.strip().lower() for part in str(value).split(",") if part.strip())
    return values


def _name(contents: dict[str, list[Any]]) -> str:
    for line in contents.get("fn", []):
        name = _text(line.value)
        if name:
            return name
    for line in contents.get("n", []):
        value = line.value
        if isinstance(value, str):  # a structure vobject did not split
            parts = value.split(";") + [""] * 5
            family, given, additional = parts[0], parts[1], parts[2]
        else:
            family, given, additional = value.family, value.given, value.additional
        name = " ".join(part for part in (_text(given), _text(additional), _text(family)) if part)
        if name:
            return name
    return ""


def _preferred_email(contents: dict[str, list[Any]]) -> str:
    emails = [line for line in contents.get("email", []) if _text(line.value)]
    if not emails:
        return ""

    def rank(line: Any) -> int:
        pref = line.params.get("PREF", [])
        if pref:
            try:
                return int(str(pref[0]))
            except ValueError:
                return 1
        return 1 if "pref" in _params(line) else 101

    best = min(emails, key=rank)
    value = _text(best.value)
    return value[len("mailto:"):] if value.lower().startswith("mailto:") else value


def _labels(contents: dict[str, list[Any]]) -> dict[str, str]:
    """Apple's ``itemN.X-ABLabel`` by group name, lower case."""
    return {line.group.lower(): _text(line.value).lower() for line in contents.get("x-ablabel", []) if line.group}


def _links(contents: dict[str, list[Any]]) -> dict[str, str]:
    links: dict[str, str] = {}
    labels = _labels(contents)
    for line in contents.get("url", []):
        url = _text(line.value)
        if not url:
            continue
        label = labels.get((line.group or "").lower(), "")
        named = [LABEL_KINDS[t] for t in (*_params(line), label) if t in LABEL_KINDS]
        by_host = link_kind(url)
        # The host wins over a generic label ("home" on a GitHub URL); a specific label wins over the host.
        kind = next((k for k in named if k not in ("website",)), by_host)
        add_link(links, kind, url)
    for line in contents.get("x-socialprofile", []):
        _add_social(links, _params(line), _text(line.value), line.params.get("X-USER", []))
    for line in contents.get("impp", []):
        value = _text(line.value)
        service = [str(s).lower() for s in line.params.get("X-SERVICE-TYPE", [])] + _params(line)
        scheme = value.split(":", 1)[0].lower() if ":" in value and not looks_like_url(value) else ""
        _add_social(links, [*service, scheme], value, [])
    for key, kind in HANDLE_PROPERTIES.items():
        for line in contents.get(key, []):
            value = _text(line.value)
            if value:
                links.setdefault(kind, value)
    return links


def _add_social(links: dict[str, str], types: list[str], value: str, users: list[Any]) -> None:
    kind = next((LABEL_KINDS[t] for t in types if t in LABEL_KINDS and LABEL_KINDS[t] != "website"), None)
    if looks_like_url(value):
        kind = kind or link_kind(value)
        if kind in ("website", "blog"):
            return  # a profile on a network companion does not track (Facebook, Instagram, ...)
        links.setdefault(kind, value)
        return
    if kind is None:
        return
    handle = _text(users[0]) if users else value
    if ":" in handle and not handle.startswith("@"):
        handle = handle.split(":", 1)[1]  # x-apple:ada, twitter:ada
    handle = handle.strip().lstrip("/")
    if handle:
        links.setdefault(kind, handle)


def _is_company(contents: dict[str, list[Any]]) -> bool:
    """Apple's card of a company (``X-ABShowAs:COMPANY``), or a 4.0 ``KIND:org``: nobody to meet."""
    shown = [_text(line.value).lower() for line in contents.get("x-abshowas", [])]
    kinds = [_text(line.value).lower() for line in contents.get("kind", [])]
    return "company" in shown or "org" in kinds or "organization" in kinds


def _other_emails(contents: dict[str, list[Any]], first: str) -> list[str]:
    found: list[str] = []
    for line in contents.get("email", []):
        value = _text(line.value)
        value = value[len("mailto:"):] if value.lower().startswith("mailto:") else value
        if value and value.casefold() != first.casefold() and value.casefold() not in (f.casefold() for f in found):
            found.append(value)
    return found


def _person(contents: dict[str, list[Any]]) -> Person | None:
    name = _name(contents)
    if not name or not has_visible(name):
        return None
    affiliation = ""
    for line in contents.get("org", []):
        value = line.value if isinstance(line.value, (list, tuple)) else str(line.value).split(";")
        affiliation = ", ".join(part for part in (_text(v) for v in value) if part)
        if affiliation:
            break
    role = next((t for t in (_text(line.value) for line in contents.get("title", [])) if t), "")
    role = role or next((t for t in (_text(line.value) for line in contents.get("role", [])) if t), "")
    notes = "\n".join(
        note for note in (clean(str(line.value)).strip() for line in contents.get("note", [])) if note
    )
    tags: list[str] = []
    for line in contents.get("categories", []):
        values = line.value if isinstance(line.value, (list, tuple)) else [line.value]
        for tag in split_tags(";".join(_text(v) for v in values)):
            if tag.casefold() not in (t.casefold() for t in tags):
                tags.append(tag)
    email = _preferred_email(contents)
    links = _links(contents)
    links_in_text(notes, links)
    others = [f"{OTHER_MARK}email: {other}" for other in _other_emails(contents, email)]
    notes = "\n".join([*([notes] if notes else []), *others])
    return Person(name=name, affiliation=affiliation, role=role, email=email, links=links, tags=tags, notes=notes)


def _problem(error: Exception, card: Card) -> str:
    """One line about a card vobject could not read, naming the line at fault when it can be found
    (vobject's own line numbers count from the card and are not reliable)."""
    start, lines, numbers = card
    message = _VOBJECT_LINE.sub("", clean(str(error), single_line=True)) or type(error).__name__
    unparsed = _UNPARSED_LINE.search(message)
    if unparsed:
        bad = unparsed.group(1).strip()
        for number, line in zip(numbers, lines):
            if bad and clean(line, single_line=True).strip() == bad:
                return f"line {number}: cannot read the card starting on line {start}, skipped: {message[:120]}"
    return f"line {start}: cannot read the card, skipped: {message[:120]}"


def parse_vcard(
    payload: bytes, source: str, *, max_rows: int | None = None, progress: Progress | None = None
) -> ParsedPeople:
    import vobject

    text = decode_people_text(payload, source)
    cards, problems, stray = _split_cards(text)
    if not cards and not problems:
        where = f"line {stray}: " if stray else ""
        raise SourceError(f"{source}: {where}not a vCard file (no BEGIN:VCARD)")
    limit = MAX_PEOPLE_ROWS if max_rows is None else max_rows
    if len(cards) > limit:
        raise SourceError(
            f"{source}: line {cards[limit][0]}: more than {limit:,} cards in one file; import it in parts, "
            f"or raise the limit with --max-rows"
        )
    people: list[Person] = []
    skipped = list(problems)
    for number, card in enumerate(cards, start=1):
        if progress is not None and number % PROGRESS_ROWS == 0:
            progress(number)
        start, lines, _ = card
        # A broken card of a third-party format can fail in many ways inside vobject (ParseError,
        # a bad base64 or quoted-printable value, ...): each costs that card only.
        try:
            card = vobject.readOne("\r\n".join(lines) + "\r\n")
        except Exception as error:  # noqa: BLE001
            skipped.append(_problem(error, card))
            continue
        if _is_company(card.contents):
            skipped.append(f"line {start}: a company's card, not a person, skipped")
            continue
        person = _person(card.contents)
        if person is None:
            skipped.append(f"line {start}: the card has no name (FN or N), skipped")
            continue
        people.append(person)
    if not people:
        if skipped:
            raise SourceError(f"{source}: {skipped[0]}")
        raise SourceError(f"{source}: no people found")
    if stray is not None:
        skipped.append(f"line {stray}: text outside a card ignored")
    skipped.sort(key=lambda line: int(line.split(":", 1)[0].removeprefix("line ")))
    apple = "Apple" if any(line.lower().startswith("prodid:") and "apple" in line.lower()
                           for _, lines, _ in cards[:20] for line in lines[:40]) else ""
    return ParsedPeople(people=people, format="vcard", skipped=skipped, layout=apple)
