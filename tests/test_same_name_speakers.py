"""Two records with one name (an import from two address books): the speaker of that name may be
either, so each record's card shows the talk as maybe theirs, naming the other apart, rather than
neither; the import counts them among the people who speak and lists such pairs as possible
duplicates (a middle initial is no contradiction, nor proof)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from companion.cards import speakers_on_list, told_apart
from companion.identity import plan_people_merge
from companion.matching import SpeakerMatcher
from companion.models import Person
from companion.store import Store
from companion.text import normalise_name
from support import REPO, SAMPLE_DIR, CliResult

CONFERENCE = SAMPLE_DIR / "conference.ics"
PEOPLE = SAMPLE_DIR / "people.csv"
OUTLOOK = REPO / "tests" / "data" / "people" / "outlook_contacts.csv"  # a second José Álvarez (Cobalt Labs)
TALK = "Rust Extensions for Python Without the Tears"


def speak_count(output: str) -> int:
    found = re.search(r"(\d+) of \d+ people speak", output)
    assert found, output
    return int(found.group(1))


def joses(isolated_data_dir: Path) -> list[Person]:
    people = Store(isolated_data_dir, read_only=True).people()
    return sorted((p for p in people if normalise_name(p.name) == "jose alvarez"), key=lambda p: p.id or 0)


def test_each_record_of_the_name_shows_the_talk_as_maybe_theirs(
    cli: Callable[..., CliResult], isolated_data_dir: Path
) -> None:
    assert cli("import", "schedule", CONFERENCE).code == 0
    first = cli("import", "people", PEOPLE)
    second = cli("import", "people", OUTLOOK)
    assert second.code == 0, second.err
    assert speak_count(second.out) >= speak_count(first.out) + 1  # both Josés speak, or may
    one, two = joses(isolated_data_dir)
    for person, other in ((one, two), (two, one)):
        card = cli("who", str(person.id), "--json").json()
        talks = {s["title"]: s for s in card["sessions"]}
        assert TALK in talks, card["sessions"]
        assert [p["id"] for p in talks[TALK]["maybe_also"]] == [other.id]
        text = cli("who", str(person.id)).out
        assert TALK in text
        assert "maybe theirs: the speaker may be José Álvarez (" in text and f"#{other.id})" in text
        # ctrl+t in the talking-point form lists their talks from the same store call
        assert TALK in [s.title for s in Store(isolated_data_dir, read_only=True).speaking_sessions(person)]
    # Someone surely the speaker: no doubt shown.
    priya = cli("who", "Priya Raman", "--json").json()
    assert priya["sessions"] and all(s["maybe_also"] == [] for s in priya["sessions"])


def test_the_schedule_names_the_possible_matches_apart(cli: Callable[..., CliResult], isolated_data_dir: Path) -> None:
    assert cli("import", "schedule", CONFERENCE).code == 0
    assert cli("import", "people", PEOPLE).code == 0
    assert cli("import", "people", OUTLOOK).code == 0
    store = Store(isolated_data_dir, read_only=True)
    session = next(s for s in store.sessions() if s.title == TALK)
    found = [f for f in speakers_on_list(session, store.speaker_matcher()) if f.candidates]
    assert len(found) == 1 and len(found[0].candidates) == 2
    labels = told_apart(found[0].candidates)
    assert len(set(labels)) == 2, labels  # not "José Álvarez or José Álvarez"
    for person, label in zip(found[0].candidates, labels):
        assert f"#{person.id}" in label


def test_told_apart_names_only_the_shared_names_apart() -> None:
    people = [Person(name="Ana Lima", affiliation="Acme", id=1), Person(name="Ana Lima", affiliation="Blue", id=2),
              Person(name="Bo Chen", id=3)]
    assert told_apart(people) == ["Ana Lima (Acme, #1)", "Ana Lima (Blue, #2)", "Bo Chen"]
    same_place = [Person(name="Ana Lima", affiliation="Acme", email="a@x.example", id=1),
                  Person(name="Ana Lima", affiliation="Acme", email="ana@y.example", id=2)]
    assert told_apart(same_place) == ["Ana Lima (a@x.example, #1)", "Ana Lima (ana@y.example, #2)"]


def test_the_matcher_gives_each_record_of_the_name_the_speaker_with_the_other() -> None:
    matcher = SpeakerMatcher([1, 2, 3], ["jose alvarez", "jose alvarez", "priya raman"])
    names = ["José Álvarez", "Priya Raman"]
    assert matcher.doubts_for(Person(name="José Álvarez", id=1), names) == {"José Álvarez": (2,)}
    assert matcher.doubts_for(Person(name="Jose Alvarez", id=2), names) == {"José Álvarez": (1,)}
    assert matcher.doubts_for(Person(name="Priya Raman", id=3), names) == {"Priya Raman": ()}
    assert matcher.names_for(Person(name="José Álvarez", id=1), names) == []  # never surely theirs


def test_a_middle_initial_is_listed_as_a_possible_duplicate_both_ways() -> None:
    omar = Person(name="Omar Haddad", affiliation="Saltmarsh Logistics", email="omar.haddad@example.com", id=12)
    initial = Person(name="Omar K. Haddad", affiliation="Cobalt Labs", email="omar@cobalt.example")
    plan = plan_people_merge([omar], [initial])
    assert len(plan.new) == 1 and not plan.merges
    assert [(other, "middle" in why) for _new, other, why in plan.possible] == [(12, True)]
    plan = plan_people_merge([Person.from_dict(initial.to_dict(), id=5)], [Person(name="Omar Haddad")])
    assert [other for _new, other, _why in plan.possible] == [5]
    # With evidence (the same email) they are one person.
    plan = plan_people_merge([omar], [Person(name="Omar K. Haddad", email="omar.haddad@example.com")])
    assert not plan.new and plan.merges
    # Another given name is nobody's duplicate.
    assert plan_people_merge([omar], [Person(name="Omar Haddadi")]).possible == []


def test_the_import_lists_the_middle_initial_pair(cli: Callable[..., CliResult]) -> None:
    assert cli("import", "people", PEOPLE).code == 0
    result = cli("import", "people", REPO / "tests" / "data" / "people" / "google_contacts.csv")
    assert result.code == 0, result.err
    assert re.search(r"possible duplicate: Omar K\. Haddad \(\d+\) and Omar Haddad \(\d+\), same first and last name",
                     result.out), result.out
