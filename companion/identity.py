"""Who is who on the list: when an imported person is someone already there (same email, same
profile, same name), and how two records of one person merge. Plain functions over records; the
store calls :func:`plan_people_merge` inside its transaction and writes what it returns."""

from __future__ import annotations

from collections.abc import Iterable

from companion.links import UNIQUE_LINK_KINDS, profile_key
from companion.models import Person
from companion.text import normalise_name


class PeopleMerge:
    """What adding people to a list does: who is new, who changed, and why each merge happened."""

    __slots__ = ("new", "changed", "merges")

    def __init__(self) -> None:
        self.new: list[Person] = []
        """People to add; their ids are placeholders -1, -2, ... (position in this list) until stored."""
        self.changed: dict[int, Person] = {}
        """Stored people (by id) after incoming ones merged into them."""
        self.merges: list[tuple[int, str]] = []
        """(the id merged into, a stored id or a placeholder; why), one per incoming person merged."""


def plan_people_merge(stored: Iterable[Person], incoming: Iterable[Person]) -> PeopleMerge:
    """Merge each incoming person into someone stored with the same email, the same profile
    (LinkedIn, GitHub, Mastodon, Bluesky, Twitter; a website when a name word is shared too) or the
    same normalised name, else add them. What is stored wins; empty fields are filled, tags, links
    and connections are unioned. Two people with different LinkedIn or GitHub profiles are never
    merged by name alone. An incoming person who repeats an earlier incoming one merges into it."""
    plan = PeopleMerge()
    index = PeopleIndex()
    for person in stored:
        index.add(person)
    for person in incoming:
        match = index.find(person)
        if match is None:
            person.id = -(len(plan.new) + 1)
            plan.new.append(person)
            index.add(person)
            continue
        found_id, reason = match
        current = index.people[found_id]
        kept = kept_fields(current, person)
        merged = merge_person(Person.from_dict(current.to_dict(), id=found_id), person)
        if found_id < 0:
            plan.new[-found_id - 1] = merged
            reason += " as a row earlier in this file"
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
    Name and priority are never changed."""
    for name in ("affiliation", "role", "email", "notes"):
        if not getattr(current, name) and getattr(incoming, name):
            setattr(current, name, getattr(incoming, name))
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
        name for name in ("affiliation", "role", "email", "notes")
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


class PeopleIndex:
    """The people on the list by email, profile, website and normalised name, for merging imports."""

    def __init__(self) -> None:
        self.people: dict[int, Person] = {}
        self.by_email: dict[str, int] = {}
        self.by_profile: dict[str, int] = {}
        self.by_site: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = {}

    def _keys(self, person: Person) -> list[tuple[str, str]]:
        """(kind, key) for each link; a profile key without a path ("github.com") identifies nobody."""
        keys = []
        for kind, url in person.links.items():
            key = profile_key(kind, url) if url else ""
            if key and (kind not in UNIQUE_LINK_KINDS or "/" in key):
                keys.append((kind, key))
        return keys

    def add(self, person: Person) -> None:
        self.people[person.id] = person
        if person.email.strip():
            self.by_email.setdefault(person.email.strip().casefold(), person.id)
        for kind, key in self._keys(person):
            (self.by_profile if kind in UNIQUE_LINK_KINDS else self.by_site).setdefault(key, person.id)
        ids = self.by_name.setdefault(normalise_name(person.name), [])
        if person.id not in ids:
            ids.append(person.id)

    def _conflict(self, stored: Person, incoming: Person) -> bool:
        for kind in IDENTITY_LINK_KINDS:
            mine, theirs = stored.links.get(kind), incoming.links.get(kind)
            if mine and theirs and profile_key(kind, mine) != profile_key(kind, theirs):
                return True
        return False

    def find(self, person: Person) -> tuple[int, str] | None:
        """The id of the stored person ``person`` is, and why; None for someone new."""
        email = person.email.strip().casefold()
        if email and email in self.by_email:
            return self.by_email[email], f"same email {person.email.strip()}"
        keys = self._keys(person)
        for kind, key in keys:
            if kind in UNIQUE_LINK_KINDS and key in self.by_profile:
                return self.by_profile[key], f"same {kind} profile {key}"
        words = name_words(person.name)
        for kind, key in keys:
            found = self.by_site.get(key) if kind not in UNIQUE_LINK_KINDS else None
            if found is not None and words & name_words(self.people[found].name):
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
