"""Finding a person by a few typed letters: a weak fuzzy match is nobody (``who``, the "did you mean"
hints, the merge picker's search), while typos, handles, affiliations and partial names still find them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import icalendar
import pytest

from companion.lookup import plausible
from companion.store import Store
from companion.text import normalise_name
from support import REPO, SAMPLE_DIR, CliResult

CONFERENCE = SAMPLE_DIR / "conference.ics"
PEOPLE = SAMPLE_DIR / "people.csv"
OLD_CONTACTS = REPO / "tests" / "data" / "people" / "google_contacts_old.csv"  # has Alan Turing


@pytest.fixture
def loaded(cli: Callable[..., CliResult]) -> None:
    assert cli("import", "schedule", CONFERENCE).code == 0
    assert cli("import", "people", PEOPLE).code == 0
    assert cli("import", "people", OLD_CONTACTS).code == 0


def speakers_not_listed(isolated_data_dir: Path) -> list[str]:
    """The sample schedule's speakers who are on none of the imported people lists."""
    listed = {normalise_name(p.name) for p in Store(isolated_data_dir, read_only=True).people()}
    names = set()
    for event in icalendar.Calendar.from_ical(CONFERENCE.read_bytes()).walk("VEVENT"):
        attendees = event.get("ATTENDEE") or []
        for attendee in attendees if isinstance(attendees, list) else [attendees]:
            name = str(attendee.params.get("CN", ""))
            if name and normalise_name(name) not in listed:
                names.add(name)
    return sorted(names)


@pytest.mark.parametrize("query", ["Ingrid", "Mei", "Lena"])
def test_who_a_speaker_not_on_the_list_shows_no_card(cli: Callable[..., CliResult], loaded: None, query: str) -> None:
    result = cli("who", query)
    assert result.code == 1
    assert result.out == ""
    assert "nobody on your list matches" in result.err
    assert "in the schedule" in result.err  # where they speak, and how to add them


def test_no_unlisted_speakers_first_name_shows_someone_elses_card(
    cli: Callable[..., CliResult], loaded: None, isolated_data_dir: Path
) -> None:
    unlisted = speakers_not_listed(isolated_data_dir)
    assert len(unlisted) >= 5
    listed = {normalise_name(p.name) for p in Store(isolated_data_dir, read_only=True).people()}
    for name in unlisted:
        first = name.split()[0]
        if any(normalise_name(first) in word for other in listed for word in other.split()):
            continue  # a first name somebody on the list has, or the beginning of a listed name ("Tom")
        result = cli("who", first, "--json")
        assert result.code == 1, f"who {first} showed {result.out[:80]!r}"


@pytest.mark.parametrize(("query", "name"), [
    ("priya", "Priya Raman"),           # a first name on the list
    ("Priya Ramen", "Priya Raman"),     # a typo
    ("pryia", "Priya Raman"),
    ("raman priya", "Priya Raman"),     # the other way round
    ("praman", "Priya Raman"),          # a handle
    ("Fernwood", "Priya Raman"),        # an affiliation
    ("priya fernwood", "Priya Raman"),  # name and affiliation
    ("wierzbiki", "Tomasz Wierzbicki"),
    ("Watanab", "Kenji Watanabe"),      # a partial name
    ("Omar K. Haddad", "Omar Haddad"),  # a middle initial the list lacks
    ("Alan Turing", "Alan Turing"),
])
def test_who_still_forgives(cli: Callable[..., CliResult], loaded: None, query: str, name: str) -> None:
    result = cli("who", query, "--json")
    assert result.code == 0, result.err
    assert result.json()["person"]["name"] == name


def test_did_you_mean_offers_no_junk(cli: Callable[..., CliResult], loaded: None) -> None:
    result = cli("point", "Ingrid", "--work", "her keynote")
    assert result.code == 1
    assert "did you mean" not in result.err
    assert "Turing" not in result.err
    # Names that do hold what was typed are still offered to choose from.
    result = cli("point", "lind", "--work", "x")
    assert result.code == 1
    assert "Sofia Lindqvist" in result.err and "Greta Lindholm" in result.err


def test_search_lists_only_close_people(loaded: None, isolated_data_dir: Path) -> None:
    store = Store(isolated_data_dir, read_only=True)
    # The merge picker searches as you type: "jos" is José, never Amara Nwosu.
    names = [person.name for person, _score in store.search_people("jos", limit=12)]
    assert names and all(normalise_name(name).startswith("jose") for name in names), names
    assert store.search_people("Ingrid", limit=12) == []
    assert store.search_people("Mei", limit=12) == []


@pytest.mark.parametrize(("typed", "text", "expected"), [
    ("ingrid", "alan turing", False),
    ("mei", "diego ramirez", False),
    ("mei", "grace mbeki", False),
    ("lena", "liam o brien", False),
    ("jos", "amara nwosu", False),
    ("jos", "jose alvarez", True),
    ("priya ramen", "priya raman", True),
    ("omer", "omar haddad", True),
    ("j alvarez", "jose alvarez", True),
    ("x alvarez", "jose alvarez", True),  # an initial neither proves nor contradicts
    ("j", "jose alvarez", True),
    ("x", "jose alvarez", False),
])
def test_plausible(typed: str, text: str, expected: bool) -> None:
    assert plausible(typed.split(), text) is expected


async def test_the_merge_picker_lists_only_people_the_typed_letters_can_mean(tmp_path: Path) -> None:
    from companion.models import Person
    from screens.app import CompanionApp
    from screens.merge import MergeModal
    from support import CONFERENCE_MORNING

    store = Store(tmp_path / "data")
    store.add_people([Person(name="Amara Nwosu", affiliation="Open Access Collective"),
                      Person(name="José Álvarez", affiliation="Cobalt Labs", email="jose@cobalt.example"),
                      Person(name="Jose Alvarez", email="jose@elsewhere.example"),
                      Person(name="Diego Ramírez")])
    app = CompanionApp(store=store, clock=lambda: CONFERENCE_MORNING)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("down", "down", "m")  # the second José (Amara, Diego, then the two)
        await pilot.pause()
        assert isinstance(app.screen, MergeModal)
        await pilot.press(*"jos")
        await pilot.pause()
        found = [name for _, name, _ in app.screen.found]
        assert len(found) == 1 and normalise_name(found[0]) == "jose alvarez", found
        await pilot.press("escape")
