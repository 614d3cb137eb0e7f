"""Which person on the list is this speaker? Accents, case, middle names, "Last, First", typos.

A speaker name is matched in steps, and stops at the first that finds someone:

1. the normalised full name (no accents, case folded, "Last, First" turned around);
2. first and last name only, so "Priya K. Raman" is "Priya Raman";
3. fuzzy (rapidfuzz token_sort_ratio) at or above ``FUZZY_THRESHOLD``, among the people whose first
   or last name starts with the same two letters as one of the speaker's names (so a list of 10,000
   people is not compared in full for every speaker; a typo in the first two letters of both names
   is not forgiven).

When a step finds more than one person, or the fuzzy step finds two within ``AMBIGUOUS_GAP`` of each
other, the match is ambiguous: the candidates are shown to the user, never guessed (each of them is
shown the talk as maybe theirs, with the others it may be: :meth:`SpeakerMatcher.doubts_for`).
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
    """The two-letter starts of a normalised name's first and last word (its fuzzy blocks)."""
    words = normalised.split()
    return {word[:2] for word in (words[0], words[-1])} if words else set()


class SpeakerMatch(FrozenRecord):
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

    def others_than(self, person_id: int) -> tuple[int, ...] | None:
        """For a speaker who may be ``person_id``: the other people they may be instead (empty when
        surely that person); None when the speaker is not ``person_id`` at all."""
        if person_id not in self.person_ids:
            return None
        return tuple(i for i in self.person_ids if i != person_id)


class SpeakerMatcher:
    """Matches speaker names against a people list; results are cached per name. Two ways of
    finding candidates give the same answers (``few`` or indexed: a property test holds them equal)."""

    def __init__(self, ids: list[int], keys: list[str], by_id: Any = None, *, few: bool = False) -> None:
        """A matcher over people's ids and normalised names (no Person needs building; ``by_id``,
        people by id, is what the caller gives for showing who matched: empty by default). With
        ``few`` (a lookup that asks about a handful of names) each name is looked for in the list
        instead of the list being indexed first, which costs more per name and far less for a few.
        Built for the people on the list by ``Store.speaker_matcher``."""
        self.by_id = by_id if by_id is not None else {}
        self._index(ids, keys)
        self._few = few

    def _index(self, ids: list[int], keys: list[str]) -> None:
        if "" in keys:
            ids, keys = [i for i, key in zip(ids, keys) if key], [key for key in keys if key]
        self._keys: list[str] = keys
        self._ids: list[int] = ids
        self._built: dict[str, dict[str, list[int]]] = {}
        self._cache: dict[str, SpeakerMatch] = {}
        self._few = False
        self._text: str | None = None

    # With ``few``, each step finds its candidates by searching all the names joined by newlines
    # (str.find, in C), then checks each candidate as the indexed steps would.

    def _lines_with(self, needle: str) -> list[int]:
        """Positions in _keys of the names in which ``needle`` occurs (``needle`` may begin or end
        with the newline around each name), in order."""
        if self._text is None:
            self._text = "\n" + "\n".join(self._keys) + "\n"
        text, newlines, counted = self._text, 0, 0
        positions: list[int] = []
        inside = 1 if needle.startswith("\n") else 0
        found = text.find(needle)
        while found != -1:
            newlines += text.count("\n", counted, found + inside)
            counted = found + inside
            if not positions or positions[-1] != newlines - 1:
                positions.append(newlines - 1)
            found = text.find(needle, found + 1)
        return positions

    def _exact_ids(self, key: str) -> list[int]:
        if self._few:
            return [self._ids[p] for p in self._lines_with(f"\n{key}\n")]
        return self._exact.get(key, [])

    def _short_ids(self, short: str) -> list[int]:
        if self._few:
            words = short.split()
            found = self._lines_with(f"\n{words[0]}\n" if len(words) == 1 else f"\n{words[0]} ")
            return [self._ids[p] for p in found if short_key(self._keys[p]) == short]
        return self._short.get(short, [])

    def _block_positions(self, prefixes: set[str]) -> list[int]:
        """Positions of the people whose first or last name begins with one of ``prefixes`` (two
        letters, or a one-letter name); with ``few``, of those with any word so beginning."""
        if not self._few:
            return sorted({p for prefix in prefixes for p in self._blocks.get(prefix, ())})
        return sorted({p for prefix in prefixes for start in ("\n", " ") for p in self._lines_with(start + prefix)})

    def _close(self, key: str) -> list[tuple[float, int]]:
        """The three people (score, position in _keys) closest to ``key`` among those whose first or
        last name begins with the same two letters as one of its own, at FUZZY_THRESHOLD or above."""
        from rapidfuzz import fuzz, process

        prefixes = _block_keys(key)
        positions = self._block_positions(prefixes)
        candidates = [self._keys[p] for p in positions]
        if not self._few:
            found = process.extract(key, candidates, scorer=fuzz.token_sort_ratio, limit=3, score_cutoff=FUZZY_THRESHOLD)
            return [(score, positions[index]) for _other, score, index in found]
        # The candidates found by searching may include names with the prefix in a middle word:
        # score them all, then keep the first three that are in a block of the key's.
        found = process.extract(key, candidates, scorer=fuzz.token_sort_ratio, limit=None, score_cutoff=FUZZY_THRESHOLD)
        return [(score, positions[index]) for other, score, index in found if _block_keys(other) & prefixes][:3]

    def _lookup(self, kind: str) -> dict[str, list[int]]:
        """Normalised name (``exact``), first-and-last name (``short``), or two-letter prefix of a
        first or last name (``blocks``, to positions in _keys) -> people; built when first needed
        (the first two together)."""
        if kind not in self._built:
            if kind == "blocks":
                blocks: dict[str, list[int]] = defaultdict(list)
                for position, key in enumerate(self._keys):
                    for prefix in _block_keys(key):
                        blocks[prefix].append(position)
                self._built["blocks"] = blocks
            else:
                exact: dict[str, list[int]] = defaultdict(list)
                short: dict[str, list[int]] = defaultdict(list)
                for person_id, key in zip(self._ids, self._keys):
                    exact[key].append(person_id)
                    short[short_key(key)].append(person_id)
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
            exact = self._exact_ids(key) if key else []
            if exact:
                return SpeakerMatch(tuple(exact), "exact")
            same = self._short_ids(short_key(key)) if key else []
            return SpeakerMatch(tuple(same), "short") if same else SpeakerMatch()
        cached = self._cache.get(speaker_name)
        if cached is None:
            cached = self._cache[speaker_name] = self._match(normalise_name(speaker_name))
        return cached

    def _match(self, key: str) -> SpeakerMatch:
        if not key:
            return SpeakerMatch()
        exact = self._exact_ids(key)
        if exact:
            return SpeakerMatch(tuple(exact), "exact")
        same = self._short_ids(short_key(key))
        if same:
            return SpeakerMatch(tuple(same), "short")
        if not self._keys:
            return SpeakerMatch()
        found = self._close(key)
        if not found:
            return SpeakerMatch()
        best = found[0][0]
        close = tuple(dict.fromkeys(self._ids[position] for score, position in found if best - score <= AMBIGUOUS_GAP))
        return SpeakerMatch(close, "fuzzy")

    def names_for(self, person: Person, candidates: list[str]) -> list[str]:
        """Of these speaker names, the ones that are surely ``person`` (fuzzy candidates checked first)."""
        return [name for name, others in self.doubts_for(person, candidates).items() if not others]

    def doubts_for(self, person: Person, candidates: list[str]) -> dict[str, tuple[int, ...]]:
        """Of these speaker names, the ones that are or may be ``person``, each with the other people
        it may be instead (empty when surely them): two records with the same name (or names as
        close) are each shown the talk, as uncertain, rather than neither."""
        likely = likely_names(normalise_name(person.name), candidates, [normalise_name(name) for name in candidates])
        found = {}
        for name in likely:
            others = self.match(name).others_than(person.id) if person.id is not None else None
            if others is not None:
                found[name] = others
        return found


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
