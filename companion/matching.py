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
from dataclasses import dataclass, field

from companion.models import Person
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


@dataclass(frozen=True)
class SpeakerMatch:
    person_ids: tuple[int, ...] = ()
    how: str = "none"
    """``exact``, ``short`` (middle names left out), ``fuzzy``, or ``none``."""

    @property
    def person_id(self) -> int | None:
        """The one person this speaker is, or None when nobody or several people match."""
        return self.person_ids[0] if len(self.person_ids) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.person_ids) > 1


@dataclass
class SpeakerMatcher:
    """Matches speaker names against a people list; results are cached per name."""

    people: list[Person]
    _exact: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    _short: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    _keys: list[str] = field(default_factory=list)
    _ids: list[int] = field(default_factory=list)
    _blocks: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    """Two-letter prefix of a first or last name -> positions in _keys."""
    _cache: dict[str, SpeakerMatch] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id: dict[int, Person] = {person.id: person for person in self.people}
        for person in self.people:
            key = normalise_name(person.name)
            if not key:
                continue
            self._exact[key].append(person.id)
            self._short[short_key(key)].append(person.id)
            position = len(self._keys)
            self._keys.append(key)
            self._ids.append(person.id)
            for prefix in _block_keys(key):
                self._blocks[prefix].append(position)

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

    def speaks(self, person: Person, speaker_names: list[str]) -> bool:
        """Whether ``person`` is, unambiguously, one of these speakers."""
        return any(self.match(name).person_id == person.id for name in speaker_names)

    def names_for(self, person: Person, candidates: list[str]) -> list[str]:
        """Of these speaker names, the ones that are ``person`` (fuzzy candidates checked first)."""
        from rapidfuzz import fuzz, process

        key = normalise_name(person.name)
        normalised = [normalise_name(name) for name in candidates]
        likely = {
            candidates[index]
            for _name, _score, index in process.extract(
                key, normalised, scorer=fuzz.token_sort_ratio, limit=None, score_cutoff=FUZZY_THRESHOLD
            )
        }
        likely |= {name for name, norm in zip(candidates, normalised) if short_key(norm) == short_key(key)}
        return [name for name in likely if self.match(name).person_id == person.id]
