"""Speakers matched to people on the list: spellings, middle names, typos; ambiguity shown, not guessed."""

from __future__ import annotations

import pytest

from companion.matching import SpeakerMatcher
from companion.models import Person
from companion.text import normalise_name

PEOPLE = [
    Person(name="José Álvarez", id=1),
    Person(name="Priya Raman", id=2),
    Person(name="Grace Hopper", id=3),
    Person(name="Jon Smith", id=4),
    Person(name="John Smith", id=5),
    Person(name="Chloé Martin", id=6),
    Person(name="Anna Berg", id=7),
    Person(name="Anne Berg", id=8),
    Person(name="Alex Kim", id=9, affiliation="Acme"),
    Person(name="Alex Kim", id=10, affiliation="Initech"),
]


def matcher_for(people: list[Person]) -> SpeakerMatcher:
    return SpeakerMatcher([p.id for p in people], [normalise_name(p.name) for p in people], {p.id: p for p in people})


@pytest.mark.parametrize(
    ("speaker", "person_id", "how"),
    [
        ("José Álvarez", 1, "exact"),
        ("Jose Alvarez", 1, "exact"),
        ("ÁLVAREZ, JOSÉ", 1, "exact"),
        ("Priya K. Raman", 2, "short"),
        ("Grace Brewster Murray Hopper", 3, "short"),
        ("Priya Ramen", 2, "fuzzy"),
        ("Chloe Martinn", 6, "fuzzy"),
    ],
)
def test_a_speaker_is_the_one_person_meant(speaker: str, person_id: int, how: str) -> None:
    match = matcher_for(PEOPLE).match(speaker)
    assert (match.person_id, match.how) == (person_id, how)


@pytest.mark.parametrize(("speaker", "candidates"), [("Ann Berg", {7, 8}), ("Alex Kim", {9, 10})])
def test_two_close_people_make_an_ambiguous_match_not_a_guess(speaker: str, candidates: set[int]) -> None:
    match = matcher_for(PEOPLE).match(speaker)
    assert match.person_id is None and match.ambiguous
    assert set(match.person_ids) == candidates


def test_a_clear_winner_among_similar_names_is_taken() -> None:
    assert matcher_for(PEOPLE).match("Jonh Smith").person_id == 4  # 95 against 90 for John


@pytest.mark.parametrize("speaker", ["Ada Lovelace", "Priya", "Smith", ""])
def test_strangers_and_half_names_match_nobody(speaker: str) -> None:
    match = matcher_for(PEOPLE).match(speaker)
    assert match.person_id is None and not match.ambiguous


def test_names_for_finds_a_persons_spellings_among_speakers() -> None:
    matcher = matcher_for(PEOPLE)
    speakers = ["Priya K. Raman", "Priya Ramen", "Ada Lovelace", "José Álvarez"]
    assert sorted(matcher.names_for(PEOPLE[1], speakers)) == ["Priya K. Raman", "Priya Ramen"]


def test_a_matcher_for_a_few_names_answers_as_the_indexed_one() -> None:
    import random

    from companion.text import normalise_name

    rng = random.Random(5)
    first = ["Ana", "Anna", "Jon", "John", "José", "Priya", "Li", "J", "Grace", "Mary Ann"]
    last = ["Smith", "Smyth", "Raman", "Álvarez", "Alvarez", "Hopper", "Lee", "Li", "van der Berg"]
    people = [Person(name=f"{rng.choice(first)} {rng.choice(['', 'Q. ', 'de '])}{rng.choice(last)}", id=i + 1)
              for i in range(300)]
    ids, keys = [p.id for p in people], [normalise_name(p.name) for p in people]
    indexed, few = SpeakerMatcher(ids, keys), SpeakerMatcher(ids, keys, few=True)
    typo = ["Priya Ramen", "Jon Smit", "Grace Hoper", "Ana Alvarez", "J Lee", "Li Li", "Mary Ann Smyth",
            "Smith, John", "Nobody Here", "Joe Alvares", "anna van der berg", ""]
    for name in typo + [p.name for p in people[:60]]:
        assert few.match(name) == indexed.match(name), name
        assert few.match(name, fuzzy=False) == indexed.match(name, fuzzy=False), name
    assert {indexed.match(name).how for name in typo} >= {"fuzzy", "short", "none"}
    assert any(indexed.match(name).ambiguous for name in typo)
