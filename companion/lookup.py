"""Finding a person from a few typed letters: fuzzy on name, handle, affiliation and tags.

Every search for a person goes through this module. Its entry points:

- :func:`rank`: the one ranking (positions and scores 0-100) over normalised names and other keys,
  keeping only :func:`plausible` matches (each typed word inside or a typo away from a word of theirs);
- :func:`search_people`: people records matching a query, best first (the app's palette, names in
  drafts and introductions);
- ``Store.search_people``: the same ranking over the small search summaries kept beside the people
  (:func:`people_summary`), reading only the people it returns; the CLI's fast path. A property test
  (tests/test_fast_paths.py) holds it equal to :func:`search_people` over ``Store.people()``;
- :func:`choose` and :func:`resolve_person`: the one person a query clearly means, or an error
  naming the candidates; :func:`addressed`: the person of a note a ``NAME: what`` promise is for;
- :class:`PeopleIndex`: the People screen's filter as you type (every word contained).

Deciding whether two records are the same person (for merging imports) is identity, not search:
see companion.identity.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter

from companion.errors import NotFoundError
from companion.models import Person
from companion.text import clean, cut, normalise_name

NAME_CUTOFF = 60.0
OTHER_CUTOFF = 80.0
OTHER_WEIGHT = 0.9
SURE_SCORE = 90.0
SURE_GAP = 8.0


def typos_allowed(word: str) -> int:
    """How many letters a typed word may have wrong (added, missing, changed, or two swapped) and
    still mean a word of a name: one up to six letters, two up to ten, then three. Letters merely
    shared in another order ("Ingrid" and "Turing", "Mei" and "Mbeki", "Karin" and "Martin") are
    more edits than that."""
    return 1 if len(word) <= 6 else 2 if len(word) <= 10 else 3


SUMMARY_NAME_KEY, SUMMARY_OTHER_KEYS, SUMMARY_NAME, SUMMARY_AFFILIATION, SUMMARY_ROLE_KEY = range(5)
"""The fields of a person's search summary (:func:`people_summary`), by position."""

def people_summary(row: dict) -> list[str]:
    """What the store keeps beside each person for searching and listing: the keys compared (see
    :func:`search_keys`), the name and affiliation as shown (cleaned, one line, cut as a line shows
    them: ``text.cut``), and the normalised role (the People screen's filter reads it)."""
    values = [row.get(field) or "" for field in ("name", "affiliation")]
    shown = [clean(cut(value) if isinstance(value, str) else value, single_line=True) for value in values]
    role = row.get("role")
    return [*search_keys(row), *shown, normalise_name(role if isinstance(role, str) else "")]


def filter_text(name_key: str, other_keys: str, role_key: str) -> str:
    """What the People screen's filter looks for typed words in: the normalised name, the other
    search keys and the normalised role (name, affiliation, role, email, tags and handles)."""
    return " ".join((name_key, other_keys, role_key))


def search_keys(row: dict) -> list[str]:
    """What a search compares a person by, from their stored row: the normalised name, and their
    affiliation, email, tags and links normalised together (kept beside the people, see Store)."""
    parts = [row.get("affiliation", ""), row.get("email", ""), *row.get("tags", ()), *row.get("links", {}).values()]
    return [normalise_name(row.get("name", "")), normalise_name(" ".join(p for p in parts if isinstance(p, str) and p))]


def rank(
    names: list[str], others: list[str] | Callable[[], list[str]], query: str, limit: int = 8
) -> list[tuple[int, float]]:
    """Positions in ``names``/``others`` (see :func:`search_keys`) matching ``query``, best first,
    each with a score from 0 to 100. ``others`` may be a function giving them: it is called only
    when the names leave room for a match on the other fields, or a name alone does not hold what
    was typed. A match must be :func:`plausible`: every typed word close to a word of the person's
    name or other keys (a high fuzzy score from shared letters alone is no match)."""
    from rapidfuzz import fuzz

    wanted = normalise_name(query)
    if not wanted:
        return []
    if callable(others):
        others = _once(others)
    scores: dict[int, float] = {}
    spaced = f" {wanted}"
    for index in [index for index, name in enumerate(names) if wanted in name]:  # the loop in C, then the few
        name = names[index]
        if name == wanted:
            scores[index] = 100.0
        elif name.startswith(wanted) or spaced in name:
            scores[index] = 98.0
    if any(score == 100.0 for score in scores.values()) or sum(1 for score in scores.values() if score >= 98.0) >= limit:
        # Someone's very name was typed, or enough names contain it: the other close matches are
        # the names that share a word with it (a name sharing none scores 98 only in freak cases),
        # and the other fields, which score at most 90, cannot enter.
        words = {word for word in wanted.split() if len(word) > 1} or {wanted}
        pool = sorted({index for word in words for index in [i for i, name in enumerate(names) if word in name]})
        for _, score, position in _extract(
            wanted, [names[index] for index in pool], fuzz.WRatio, limit * 4, NAME_CUTOFF
        ):
            scores[pool[position]] = max(scores.get(pool[position], 0.0), float(score))
        # (The names close to it only: the other keys are not read on this fast path.)
        kept = {index: score for index, score in scores.items() if plausible(wanted.split(), names[index])}
        return sorted(kept.items(), key=lambda item: (-item[1], names[item[0]]))[:limit]
    for _, score, index in _extract(wanted, names, fuzz.WRatio, limit * 4, NAME_CUTOFF):
        scores[index] = max(scores.get(index, 0.0), float(score))
    # A match on the other fields scores at most OTHER_WEIGHT * 100: when ``limit`` names already
    # score above that, it can neither enter the list nor raise a score in it.
    if sum(1 for score in scores.values() if score > OTHER_WEIGHT * 100) < limit:
        for _, score, index in _extract(
            wanted, others() if callable(others) else others, fuzz.partial_ratio, limit * 4, OTHER_CUTOFF
        ):
            scores[index] = max(scores.get(index, 0.0), float(score) * OTHER_WEIGHT)
    ranked = sorted(_plausible_only(scores, names, others, wanted).items(), key=lambda item: (-item[1], names[item[0]]))
    return ranked[:limit]


def plausible(words: list[str], text: str) -> bool:
    """Whether the typed ``words`` (normalised) could mean a person whose normalised name (or name
    and other keys) is ``text``: every word of two letters or more is inside a word of ``text``,
    or within :func:`typos_allowed` edits of that word (the beginning of a word being typed must be
    typed right: "Marta" is not the beginning of "Martin" mistyped); initials alone must begin a
    word (with longer words typed, an initial is not checked: a middle initial the list lacks is no
    contradiction). A name that scores well against the query only because letters recur is not a
    match: the one rule that turns weak fuzzy scores away (``who``, the "did you mean" hints, the
    palette, the merge picker, the People filter's fallback)."""
    from rapidfuzz.distance import OSA

    tokens = text.split()
    longer = [word for word in words if len(word) > 1]
    for word in longer or words:
        if len(word) == 1:
            if not any(token.startswith(word) for token in tokens):
                return False
            continue
        allowed = typos_allowed(word)
        if not any(word in token
                   or OSA.distance(word, token, score_cutoff=allowed) <= allowed
                   for token in tokens):
            return False
    return True


def _plausible_only(
    scores: dict[int, float], names: list[str], others: list[str] | Callable[[], list[str]], wanted: str
) -> dict[int, float]:
    """``scores`` without the matches :func:`plausible` turns away; the other keys are read only
    when a name alone does not hold every typed word."""
    words = wanted.split()
    kept: dict[int, float] = {}
    other_keys: list[str] | None = None
    for index, score in scores.items():
        if not plausible(words, names[index]):
            if other_keys is None:
                other_keys = others() if callable(others) else others
            if not plausible(words, f"{names[index]} {other_keys[index]}"):
                continue
        kept[index] = score
    return kept


def _once(read: Callable[[], list[str]]) -> Callable[[], list[str]]:
    """``read``, called at most once: its answer kept for the next calls."""
    kept: list[list[str]] = []

    def once() -> list[str]:
        if not kept:
            kept.append(read())
        return kept[0]

    return once


def _extract(wanted: str, choices: list[str], scorer: Callable[..., float], limit: int, cutoff: float) -> list[tuple[str, float, int]]:
    """rapidfuzz's best ``limit`` matches, and every match tied with the last of them: which of several
    equal scores is kept must not depend on the order the people are stored in (the name decides)."""
    from rapidfuzz import process

    found = process.extract(wanted, choices, scorer=scorer, limit=limit, score_cutoff=cutoff)
    if len(found) == limit:
        found = process.extract(wanted, choices, scorer=scorer, limit=None, score_cutoff=found[-1][1])
    return found


def search_people(people: list[Person], query: str, limit: int = 8) -> list[tuple[Person, float]]:
    """People matching ``query``, best first, each with a score from 0 to 100."""
    keys = [search_keys(person.to_dict()) for person in people]
    found = typed_first(rank([k[0] for k in keys], [k[1] for k in keys], query, limit),
                        lambda index: people[index].name, query)
    return [(people[index], score) for index, score in found]


def typed_first(found: list[tuple[int, float]], name_of: Callable[[int], str], query: str) -> list[tuple[int, float]]:
    """``found`` (from :func:`rank`) with, among several exact matches (names the same but for
    accents or case), the one written as typed first; ``name_of`` gives a position's name as shown."""
    if sum(1 for _index, score in found if score == 100.0) <= 1:
        return found
    typed = {index for index, score in found if score == 100.0 and written_as_typed(name_of(index), query)}
    return sorted(found, key=lambda item: (-item[1], item[0] not in typed))


def resolve_person(people: list[Person], query: str) -> Person | None:
    """The one person ``query`` clearly means, ``None`` if nobody matches; raises if it is ambiguous."""
    return choose(search_people(people, query, limit=5), query)


def addressed(text: str, people: list[Person]) -> tuple[Person | None, str]:
    """A promise or an introduction written ``NAME: what``: the one of ``people`` (a note's) that NAME
    clearly means, matched as ``who`` matches, and what follows; ``(None, text)`` when the words
    before the first colon name none of them (or there is no colon). Raises when NAME could mean
    several of them."""
    name, colon, rest = text.partition(":")
    if not colon or not name.strip() or not rest.strip() or not people:
        return None, text
    try:
        person = resolve_person(people, name.strip())
    except NotFoundError:
        if len(people) > 1:
            raise  # the name could mean several of the note's people: the error names them
        person = None  # one person, not clearly meant: the words before the colon are not a name
    return (person, rest.strip()) if person is not None else (None, text)


def written_as_typed(name: str, query: str) -> bool:
    """Whether ``query`` is ``name`` as written, accents and all (case and spacing aside)."""
    return " ".join(name.split()).casefold() == " ".join(query.split()).casefold()


def choose(matches: list[tuple[Person, float]], query: str) -> Person | None:
    """Of the best five matches for ``query``, the one it clearly means (see resolve_person)."""
    if not matches or matches[0][1] < SURE_SCORE - 10:
        return None
    best, best_score = matches[0]
    runner_up = matches[1][1] if len(matches) > 1 else 0.0
    if best_score == 100.0 and runner_up < 100.0:
        return best
    if best_score >= SURE_SCORE and best_score - runner_up >= SURE_GAP:
        return best
    # Names the same but for accents or case ("José Álvarez", "Jose Alvarez"): the one typed as it is.
    typed = [person for person, score in matches if score == 100.0 and written_as_typed(person.name, query)]
    if len(typed) == 1:
        return typed[0]
    names = ", ".join(clean(f"{person.name} (#{person.id})" if person.id else person.name, single_line=True)
                      for person, score in matches if score >= best_score - SURE_GAP)
    raise NotFoundError(f"{query!r} matches several people ({names}); be more specific, or give the number")


class PeopleIndex:
    """People prepared once for filtering as you type: every word must appear in the name,
    affiliation, role, tags, handles or email (:func:`filter_text`); when nothing contains the words,
    the closest names (fuzzy) are offered instead. Works on positions in the lists it is given."""

    def __init__(self, texts: list[str] | Callable[[], list[str]], names: list[str]) -> None:
        """``texts``: each person's :func:`filter_text` (or a function giving them, called when the
        first words are typed); ``names``: their normalised names, in the same order."""
        self._texts = texts
        self._names = names
        self._last: tuple[list[str], list[int]] = ([], list(range(len(names))))

    @classmethod
    def of_people(cls, people: list[Person]) -> PeopleIndex:
        """An index of these records (positions are positions in ``people``)."""
        summaries = [people_summary(person.to_dict()) for person in people]
        return cls([filter_text(s[SUMMARY_NAME_KEY], s[SUMMARY_OTHER_KEYS], s[SUMMARY_ROLE_KEY]) for s in summaries],
                   [s[SUMMARY_NAME_KEY] for s in summaries])

    def __len__(self) -> int:
        return len(self._names)

    @property
    def ready(self) -> bool:
        """Whether the texts are read (else the first filter reads them)."""
        return not callable(self._texts)

    @property
    def texts(self) -> list[str]:
        if callable(self._texts):
            self._texts = self._texts()
        return self._texts

    def filter(self, text: str) -> list[int]:
        """The positions of the people matching ``text``, in order (every position when it is empty)."""
        words = normalise_name(text).split()
        if not words:
            return list(range(len(self._names)))
        last_words, last_hits = self._last
        # Typing on narrows: when every word typed before is inside the word now in its place,
        # whatever matches now matched before, so only the last matches need looking at.
        narrowing = last_words and len(words) >= len(last_words) and all(
            old in new for old, new in zip(last_words, words)
        )
        haystacks = self.texts
        hits = last_hits if narrowing else None
        for word in words:
            if hits is None:
                hits = [index for index, haystack in enumerate(haystacks) if word in haystack]
            else:
                hits = [index for index in hits if word in haystacks[index]]
        assert hits is not None
        self._last = (words, hits)
        if hits:
            return hits
        from rapidfuzz import fuzz, process

        # Nothing contains the words: the names closest to them (partial_ratio, so a few letters,
        # typos and all, are compared with the part of a name that fits them best).
        close = process.extract(" ".join(words), self._names, scorer=fuzz.partial_ratio, limit=20, score_cutoff=70)
        return [index for _name, _score, index in close if plausible(words, self._names[index])]


class PeopleList:
    """The people as a list shows them, from the stored summaries (no person record is built): their
    ids in the order of their normalised names, and a filter over them whose texts are read when the
    first words are typed. Built by ``Store.people_list``."""

    def __init__(self, ids: list[int], index: PeopleIndex) -> None:
        self.ids = ids
        self.index = index

    @classmethod
    def from_summaries(
        cls, ids: list[str], name_keys: list[str], read_texts: Callable[[], tuple[list[str], list[str]]]
    ) -> PeopleList:
        """From the people's ids and normalised names (their summaries, in the store's order);
        ``read_texts`` gives ids and :func:`filter_text` for the filter, read later (the ids as then)."""
        order = sorted(range(len(ids)), key=name_keys.__getitem__)

        def ordered(values: list[str]) -> list[str]:  # itemgetter picks them in C: 5x a list comprehension
            return list(itemgetter(*order)(values)) if len(order) > 1 else [values[i] for i in order]

        listed_ids = ordered(ids)

        def texts() -> list[str]:
            now_ids, made = read_texts()
            if now_ids == ids:
                return ordered(made)
            by_id = dict(zip(now_ids, made))  # the people changed since the list was read
            return [by_id.get(person_id, "") for person_id in listed_ids]

        return cls(list(map(int, listed_ids)), PeopleIndex(texts, ordered(name_keys)))

    def __len__(self) -> int:
        return len(self.ids)

    def position(self, person_id: int) -> int | None:
        """Where ``person_id`` is in the list, if there."""
        try:
            return self.ids.index(person_id)
        except ValueError:
            return None
