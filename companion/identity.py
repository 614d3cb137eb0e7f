"""Who is who on the list: when an imported person is someone already there, and how two records
of one person merge. A merge needs evidence (the same email; the same profile on a site where a URL
names one person; the same website and given name; the same full name with nothing against it);
what is only shared (a website, a company and family name, a name with a different email, a first
and last name with a middle initial in one of them) makes a
*possible duplicate*: both kept, listed for the user, who can merge them by hand
(:func:`combine_people`, nothing of either lost). Plain functions over records; the store calls
:func:`plan_people_merge` inside its transaction and writes what it returns."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import islice

from companion.links import UNIQUE_LINK_KINDS, profile_key
from companion.models import Person
from companion.text import normalise_name


PROGRESS_EVERY = 1000
"""How many incoming people between two calls of a plan's progress callback."""


class PeopleMerge:
    """What adding people to a list does: who is new, who changed, and why each merge happened."""

    __slots__ = ("new", "changed", "merges", "possible", "unchanged")

    def __init__(self) -> None:
        self.new: list[Person] = []
        """People to add; their ids are placeholders -1, -2, ... (position in this list) until stored."""
        self.changed: dict[int, Person] = {}
        """Stored people (by id) after incoming ones merged into them."""
        self.merges: list[tuple[int, str]] = []
        """(the id merged into, a stored id or a placeholder; why), one per incoming person merged."""
        self.unchanged: list[tuple[int, str]] = []
        """Of the merges, those into a stored person that added nothing (a re-import): (the id; why)."""
        self.possible: list[tuple[int, int, str]] = []
        """(a new person's placeholder; the stored id or placeholder they may be; why): pairs with
        something in common but not enough to be sure, both kept, for the user to merge by hand."""


def plan_people_merge(
    stored: Iterable[Person], incoming: Iterable[Person], progress: Callable[[int], None] | None = None
) -> PeopleMerge:
    """Merge each incoming person into someone stored who is the same person, else add them.

    Evidence that two records are one person (see :meth:`PeopleIndex.find`): the same email; the
    same profile on a site where a URL names one person (LinkedIn, GitHub, Mastodon, Bluesky,
    Twitter); the same website with the same given name; the same full name with nothing that
    contradicts it (a different email or profile). A shared website, company or surname alone never
    merges two people whose given names differ: the incoming one is added and the pair listed as
    possible duplicates. What is stored wins; empty fields are filled, tags, links and connections
    are unioned. An incoming person who repeats an earlier incoming one merges into it."""
    plan = PeopleMerge()
    index = PeopleIndex()
    for person in stored:
        index.add(person)
    for done, person in enumerate(incoming):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
        keys = index.keys(person)
        match = index.find(person, keys)
        if match is None:
            person.id = -(len(plan.new) + 1)
            plan.new.append(person)
            for other, why in index.suspects(person, keys):
                plan.possible.append((person.id, other, why))
            index.add(person, keys)
            continue
        found_id, reason = match
        current = index.people[found_id]
        kept = kept_fields(current, person)
        merged = merge_person(Person.from_dict(current.to_dict(), id=found_id), person)
        if found_id < 0:
            plan.new[-found_id - 1] = merged
            plan.merges.append((found_id, reason + " as a row earlier in this file"))
        elif merged.to_dict() == current.to_dict():
            plan.merges.append((found_id, reason))
            plan.unchanged.append((found_id, reason))
            continue
        else:
            plan.changed[found_id] = merged
            if kept:
                reason += f"; kept your {', '.join(kept)}"
            plan.merges.append((found_id, reason))
        index.add(merged)
    return plan


def merge_person(current: Person, incoming: Person) -> Person:
    """Fill the gaps in ``current`` from ``incoming``; what the user already has wins.

    Empty text fields are filled, links are added for kinds ``current`` has none of, tags and
    connections are unioned (tags ignoring case), and a missing last interaction is taken over.
    An email ``current`` does not have is kept as an ``Other email:`` line of its notes (emails
    are how people are found again). Name and priority are never changed."""
    for name in ("affiliation", "role", "email"):
        if not getattr(current, name) and getattr(incoming, name):
            setattr(current, name, getattr(incoming, name))
    if not current.notes and incoming.notes:  # their other emails follow, less those already known
        current.notes = "\n".join(line for line in incoming.notes.split("\n") if not line.startswith(f"{OTHER_MARK}email:"))
    known = {current.email.strip().casefold()} | {v.casefold() for k, v in other_values(current.notes) if k == "email"}
    theirs = [incoming.email.strip()] + [v for k, v in other_values(incoming.notes) if k == "email"]
    for email in theirs:
        if email and email.casefold() not in known:
            current.notes = f"{current.notes}\n{OTHER_MARK}email: {email}" if current.notes else f"{OTHER_MARK}email: {email}"
            known.add(email.casefold())
    for kind, url in incoming.links.items():
        if url:
            current.links.setdefault(kind, url)
    seen_tags = {tag.casefold() for tag in current.tags}
    for tag in incoming.tags:
        if tag.casefold() not in seen_tags:
            current.tags.append(tag)
            seen_tags.add(tag.casefold())
    seen_connections = {(c.kind, c.detail.casefold()) for c in current.connections}
    for connection in incoming.connections:
        if (connection.kind, connection.detail.casefold()) not in seen_connections:
            current.connections.append(connection)
            seen_connections.add((connection.kind, connection.detail.casefold()))
    if current.last_interaction is None:
        current.last_interaction = incoming.last_interaction
    return current


IDENTITY_LINK_KINDS = ("linkedin", "github")
"""Profiles stable enough that two different ones mean two different people, whatever their names."""


def kept_fields(current: Person, incoming: Person) -> list[str]:
    """What ``incoming`` says differently from what is stored (and so is not taken over)."""
    kept = [
        name for name in ("affiliation", "role", "notes")
        if getattr(current, name) and getattr(incoming, name)
        and getattr(current, name).casefold() != getattr(incoming, name).casefold()
    ]
    kept += [
        f"{kind} link" for kind, url in incoming.links.items()
        if current.links.get(kind) and url and profile_key(kind, current.links[kind]) != profile_key(kind, url)
    ]
    if incoming.priority != current.priority and incoming.priority != "hope-to-meet":
        kept.append("priority")  # "hope-to-meet" is also what a file without priorities gives everyone
    return kept


def name_words(name: str) -> set[str]:
    return {word for word in normalise_name(name).split() if len(word) > 1}


@lru_cache(maxsize=65536)
def given_and_family(name: str) -> tuple[str, str]:
    """The first and the last word of a normalised name ("" for a one-word name's family name)."""
    words = normalise_name(name).split()
    if not words:
        return "", ""
    return words[0], words[-1] if len(words) > 1 else ""


def same_given_name(a: str, b: str) -> bool:
    """Whether two names can be one person's by their words: the same given name (or one the
    initial of the other) and, when both have one, the same family name."""
    given_a, family_a = given_and_family(a)
    given_b, family_b = given_and_family(b)
    if not given_a or not given_b:
        return False
    if given_a != given_b and not (
        (len(given_a) == 1 and given_b.startswith(given_a)) or (len(given_b) == 1 and given_a.startswith(given_b))
    ):
        return False
    return not (family_a and family_b and family_a != family_b)


OTHER_MARK = "Other "
"""How a manual merge keeps a second email or profile in the notes: ``Other email: b@example.org``;
the index reads these lines back, so a re-import of either record finds the merged person."""


def other_values(notes: str) -> list[tuple[str, str]]:
    """(``email`` or a link kind, value) for each ``Other ...:`` line of the notes."""
    found = []
    for line in notes.splitlines():
        if line.startswith(OTHER_MARK) and ":" in line:
            label, _, value = line[len(OTHER_MARK):].partition(":")
            label = label.strip().lower()
            if label == "email" or label in UNIQUE_LINK_KINDS or label in ("website", "blog"):
                if value.strip():
                    found.append((label, value.strip()))
    return found


SITE_CANDIDATES = 200
"""How many people sharing one website are compared by name (a company's site can have thousands)."""


ALSO_KNOWN_AS = "Also known as: "
"""The line a manual merge keeps the other record's name in (read back as a name of the person)."""


def also_known_as(notes: str) -> list[str]:
    if ALSO_KNOWN_AS not in notes:
        return []
    return [line[len(ALSO_KNOWN_AS):].strip() for line in notes.splitlines() if line.startswith(ALSO_KNOWN_AS)]


class PeopleIndex:
    """The people on the list by email, profile, website and normalised name, for merging imports."""

    def __init__(self) -> None:
        self.people: dict[int, Person] = {}
        self.by_email: dict[str, int] = {}
        self.by_profile: dict[str, int] = {}
        self.by_site: dict[str, dict[int, None]] = {}
        self.by_name: dict[str, list[int]] = {}
        self.by_family_affiliation: dict[tuple[str, str], dict[int, None]] = {}
        self.by_first_last: dict[str, dict[int, None]] = {}
        """First and last word of the normalised names (a middle name or initial left out)."""

    def keys(self, person: Person, *, others: bool = False) -> list[tuple[str, str]]:
        """(kind, key) for each link; a profile key without a path ("github.com") identifies nobody.
        With ``others``, only the profiles a manual merge kept in the notes."""
        pairs = list(person.links.items())
        if others:
            pairs = [(kind, value) for kind, value in other_values(person.notes) if kind != "email"]
        keys = []
        for kind, url in pairs:
            key = profile_key(kind, url) if url else ""
            if key and (kind not in UNIQUE_LINK_KINDS or "/" in key):
                keys.append((kind, key))
        return keys

    def _emails(self, person: Person) -> list[str]:
        emails = [person.email.strip().casefold()] if person.email.strip() else []
        if OTHER_MARK in person.notes:
            emails += [value.casefold() for kind, value in other_values(person.notes) if kind == "email"]
        return emails

    def add(self, person: Person, keys: list[tuple[str, str]] | None = None) -> None:
        self.people[person.id] = person
        for email in self._emails(person):
            self.by_email.setdefault(email, person.id)
        every = self.keys(person) if keys is None else keys
        if OTHER_MARK in person.notes:
            every = every + self.keys(person, others=True)
        for kind, key in every:
            if kind in UNIQUE_LINK_KINDS:
                self.by_profile.setdefault(key, person.id)
            else:
                self.by_site.setdefault(key, {})[person.id] = None
        for name in (person.name, *also_known_as(person.notes)):
            ids = self.by_name.setdefault(normalise_name(name), [])
            if person.id not in ids:
                ids.append(person.id)
        given, family = given_and_family(person.name)
        if family:
            self.by_first_last.setdefault(f"{given} {family}", {})[person.id] = None
        if family and person.affiliation.strip():
            self.by_family_affiliation.setdefault((family, person.affiliation.strip().casefold()), {})[person.id] = None

    def _conflict(self, stored: Person, incoming: Person) -> str:
        """What says two people with one name are two: a different email or profile ("" if nothing)."""
        theirs_email = incoming.email.strip().casefold()
        if theirs_email and stored.email.strip() and theirs_email not in self._emails(stored):
            return "email"
        for kind in UNIQUE_LINK_KINDS:
            mine, theirs = stored.links.get(kind), incoming.links.get(kind)
            if mine and theirs and profile_key(kind, mine) != profile_key(kind, theirs):
                return f"{kind} profile"
        return ""

    def find(self, person: Person, keys: list[tuple[str, str]] | None = None) -> tuple[int, str] | None:
        """The id of the stored person ``person`` is, and the evidence; None for someone new.
        ``keys``: :meth:`keys` of ``person``, when already made."""
        for email in self._emails(person):
            if email in self.by_email:
                shown = person.email.strip() if person.email.strip().casefold() == email else email
                return self.by_email[email], f"same email {shown}"
        keys = self.keys(person) if keys is None else keys
        for kind, key in keys:
            if kind in UNIQUE_LINK_KINDS and key in self.by_profile:
                return self.by_profile[key], f"same {kind} profile {key}"
        for kind, key in keys:
            if kind in UNIQUE_LINK_KINDS:
                continue
            for found in islice(self.by_site.get(key, ()), SITE_CANDIDATES):
                stored = self.people[found]
                if same_given_name(person.name, stored.name) and not self._conflict(stored, person):
                    return found, f"same {kind} {key} and name"
        candidates = [
            found for found in self.by_name.get(normalise_name(person.name), [])
            if not self._conflict(self.people[found], person)
        ]
        if not candidates:
            return None
        reason = "same name"
        if person.name != self.people[candidates[0]].name:
            reason += f" ({person.name!r} in the file)"
        if len(candidates) > 1:
            reason += f"; {len(candidates)} people have it, merged into the first"
        return candidates[0], reason

    def suspects(self, person: Person, keys: list[tuple[str, str]] | None = None) -> list[tuple[int, str]]:
        """People ``person`` (someone :meth:`find` found nobody for) may be, each with what they
        share: the same name but a different email or profile; the same first and last name with a
        middle name or initial in one only (or two different); the same website; the same family
        name and affiliation. Never merged on this: listed for the user to decide."""
        found: dict[int, str] = {}
        for other in self.by_name.get(normalise_name(person.name), ()):
            found.setdefault(other, f"same name, but a different {self._conflict(self.people[other], person)}")
        for kind, key in self.keys(person) if keys is None else keys:
            if kind not in UNIQUE_LINK_KINDS:
                for other in islice(self.by_site.get(key, ()), SITE_CANDIDATES):
                    found.setdefault(other, f"same {kind} {key}")
        given, family = given_and_family(person.name)
        if family:  # "Omar K. Haddad" and "Omar Haddad": a middle initial is no contradiction, nor proof
            for other in islice(self.by_first_last.get(f"{given} {family}", ()), SITE_CANDIDATES):
                found.setdefault(other, "same first and last name (a middle name or initial differs)")
        if family and person.affiliation.strip():
            for other in self.by_family_affiliation.get((family, person.affiliation.strip().casefold()), ()):
                found.setdefault(other, f"same family name and affiliation ({person.affiliation.strip()})")
        found.pop(person.id, None)
        return list(found.items())[:5]


_PRIORITY_RANK = {"met": 0, "must-meet": 1, "hope-to-meet": 2}


def combine_people(kept: Person, other: Person) -> Person:
    """Two records of one person as one (a merge by hand): ``kept``'s id, name and fields, with
    nothing of ``other`` lost. Its empty fields are filled from ``other``; a different affiliation,
    role, email or profile of ``other`` is kept as an ``Also ...``/``Other ...:`` line of the notes
    (the ``Other`` lines are read back by :class:`PeopleIndex`, so a re-import of either record finds
    this one); tags, links and connections are unioned, the notes joined, the priority the nearer
    to met, the last interaction the later."""
    merged = Person.from_dict(kept.to_dict(), id=kept.id)
    extra: list[str] = []
    if normalise_name(other.name) != normalise_name(kept.name):
        extra.append(f"{ALSO_KNOWN_AS}{other.name}")
    for field in ("affiliation", "role"):
        mine, theirs = getattr(merged, field), getattr(other, field)
        if not mine:
            setattr(merged, field, theirs)
        elif theirs and theirs.casefold() != mine.casefold():
            extra.append(f"Also {field}: {theirs}")
    if not merged.email:
        merged.email = other.email
    elif other.email and other.email.strip().casefold() != merged.email.strip().casefold():
        extra.append(f"{OTHER_MARK}email: {other.email.strip()}")
    for kind, url in other.links.items():
        if not url:
            continue
        if kind not in merged.links:
            merged.links[kind] = url
        elif profile_key(kind, merged.links[kind]) != profile_key(kind, url):
            extra.append(f"{OTHER_MARK}{kind}: {url}")
    folded = {tag.casefold() for tag in merged.tags}
    merged.tags += [tag for tag in other.tags if tag.casefold() not in folded]
    seen = {(c.kind, c.detail.casefold()) for c in merged.connections}
    merged.connections += [c for c in other.connections if (c.kind, c.detail.casefold()) not in seen]
    if _PRIORITY_RANK.get(other.priority, 9) < _PRIORITY_RANK.get(merged.priority, 9):
        merged.priority = other.priority
    if other.last_interaction and (merged.last_interaction is None or other.last_interaction > merged.last_interaction):
        merged.last_interaction = other.last_interaction
    parts = [merged.notes] if merged.notes.strip() else []
    if other.notes.strip() and other.notes.strip() not in merged.notes:
        parts.append(other.notes.strip())
    lines_there = "\n".join(parts)
    parts += [line for line in extra if line not in lines_there]
    merged.notes = "\n".join(parts)
    return merged
