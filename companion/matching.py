"""Which person on the list is this speaker? Accents, case, middle names, "Last, First", typos.

A speaker name is matched in steps, and stops at the first that finds someone:

1. the normalised full name (no accents, case folded, "Last, First" turned around);
2. first and last name only, so "Priya K. Raman" is "Priya Raman";
3. fuzzy (rapidfuzz token_sort_ratio) at or above ``FUZZY_THRESHOLD``, among the people whose first
   or last name starts with the same two letters as one of the speaker's names (so a list of 10,000
   people is not compared in full for every speaker; a typo in the first two letters of both names
   is not forgiven).

When a step finds more than one person, or the fuzzy step finds two within ``AMBIGUOUS_GAP`` of each
other, the match is ambiguous: the candidates are shown to the user, never guessed.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from companion.models import FrozenRecord, Person
from companion.text import normalise_name

FUZZY_THRESHOLD = 88.0
AMBIGUOUS_GAP = 4.0


def short_key(normalised: str) -> str:
    """First and last word of a normalised name: middle names and initials left out."""
    words = normalised.split()
    return f"{words[0]} {words[-1]}" if len(words) > 2 else normalised


def _block_keys(normalised: str) -> set[str]:
    words = normalised.split()
    return {word[:2] for word in (words[0], words[-1])} if words else set()


class SpeakerMatch(FrozenRecord):
    FIELDS = ("person_ids", "how")

    def __init__(self, person_ids: tuple[int, ...] = (), how: str = "none") -> None:
        self.person_ids = person_ids
        self.how = how
        """``exact``, ``short`` (middle names left out), ``fuzzy``, or ``none``."""

    @property
    def person_id(self) -> int | None:
        """The one person this speaker is, or None when nobody or several people match."""
        return self.person_ids[0] if len(self.person_ids) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.person_ids) > 1


class SpeakerMatcher:
    """Matches speaker names against a people list; results are cached per name."""

    def __init__(self, people: list[Person]) -> None:
        self.people = people
        self.by_id: dict[int, Person] = {person.id: person for person in people}
        self._index([(person.id, normalise_name(person.name)) for person in people])

    @classmethod
    def from_keys(cls, keys: list[tuple[int, str]], by_id: Any = None) -> SpeakerMatcher:
        """A matcher from (person id, normalised name) pairs, without building Person objects
        (``by_id``, people by id, is what the caller gives: empty by default)."""
        matcher = cls.__new__(cls)
        matcher.people, matcher.by_id = [], by_id if by_id is not None else {}
        matcher._index(keys)
        return matcher

    def _index(self, keys: list[tuple[int, str]]) -> None:
        self._pairs = [(person_id, key) for person_id, key in keys if key]
        self._keys: list[str] = [key for _id, key in self._pairs]
        self._ids: list[int] = [person_id for person_id, _key in self._pairs]
        self._built: dict[str, dict[str, list[int]]] = {}
        self._cache: dict[str, SpeakerMatch] = {}

    def _lookup(self, kind: str) -> dict[str, list[int]]:
        """Normalised name (``exact``), first-and-last name (``short``), or two-letter prefix of a
        first or last name (``blocks``, to positions in _keys) -> people; built when first needed
        (the first two together)."""
        if kind not in self._built:
            if kind == "blocks":
                blocks: dict[str, list[int]] = defaultdict(list)
                for position, key in enumerate(self._keys):
                    words = key.split()
                    first, last = words[0][:2], words[-1][:2]
                    blocks[first].append(position)
                    if last != first:
                        blocks[last].append(position)
                self._built["blocks"] = blocks
            else:
                exact: dict[str, list[int]] = defaultdict(list)
                short: dict[str, list[int]] = defaultdict(list)
                for person_id, key in self._pairs:
                    exact[key].append(person_id)
                    words = key.split()
                    short[f"{words[0]} {words[-1]}" if len(words) > 2 else key].append(person_id)
                self._built["exact"], self._built["short"] = exact, short
        return self._built[kind]

    @property
    def _exact(self) -> dict[str, list[int]]:
        return self._lookup("exact")

    @property
    def _short(self) -> dict[str, list[int]]:
        return self._lookup("short")

    @property
    def _blocks(self) -> dict[str, list[int]]:
        return self._lookup("blocks")

    def match(self, speaker_name: str, *, fuzzy: bool = True) -> SpeakerMatch:
        """Who ``speaker_name`` is; ``fuzzy=False`` stops after the exact and middle-name steps
        (for whole-day overviews, where a typo'd name can wait for the session's own detail)."""
        if not fuzzy:
            key = normalise_name(speaker_name)
            if key in self._exact:
                return SpeakerMatch(tuple(self._exact[key]), "exact")
            short = short_key(key)
            return SpeakerMatch(tuple(self._short[short]), "short") if short in self._short else SpeakerMatch()
        cached = self._cache.get(speaker_name)
        if cached is None:
            cached = self._cache[speaker_name] = self._match(normalise_name(speaker_name))
        return cached

    def _match(self, key: str) -> SpeakerMatch:
        if not key:
            return SpeakerMatch()
        if key in self._exact:
            return SpeakerMatch(tuple(self._exact[key]), "exact")
        short = short_key(key)
        if short in self._short:
            return SpeakerMatch(tuple(self._short[short]), "short")
        if not self._keys:
            return SpeakerMatch()
        from rapidfuzz import fuzz, process

        positions = sorted({p for prefix in _block_keys(key) for p in self._blocks.get(prefix, ())})
        if not positions:
            return SpeakerMatch()
        candidates = [self._keys[p] for p in positions]
        found = process.extract(key, candidates, scorer=fuzz.token_sort_ratio, limit=3, score_cutoff=FUZZY_THRESHOLD)
        if not found:
            return SpeakerMatch()
        best = found[0][1]
        close = tuple(
            dict.fromkeys(self._ids[positions[index]] for _key, score, index in found if best - score <= AMBIGUOUS_GAP)
        )
        return SpeakerMatch(close, "fuzzy")

    def names_for(self, person: Person, candidates: list[str]) -> list[str]:
        """Of these speaker names, the ones that are ``person`` (fuzzy candidates checked first)."""
        likely = likely_names(normalise_name(person.name), candidates, [normalise_name(name) for name in candidates])
        return [name for name in likely if self.match(name).person_id == person.id]


def likely_names(key: str, candidates: list[str], normalised: list[str]) -> set[str]:
    """Of ``candidates`` (speaker names, normalised in ``normalised``), those that could be the
    person with the normalised name ``key`` (close, or the same first and last name); whether they
    are is for :meth:`SpeakerMatcher.match` to say."""
    from rapidfuzz import fuzz, process

    words = key.split()
    if not words:
        return set()
    likely = {
        candidates[index]
        for _name, _score, index in process.extract(
            key, normalised, scorer=fuzz.token_sort_ratio, limit=None, score_cutoff=FUZZY_THRESHOLD
        )
    }
    first, last, short = words[0], words[-1], short_key(key)
    likely |= {
        name for name, norm in zip(candidates, normalised)
        if norm.startswith(first) and norm.endswith(last) and short_key(norm) == short
    }
    return likely
