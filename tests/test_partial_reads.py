"""The lookups that read only part of the data (one day's sessions, one person's sessions, the people
search over summaries) give the same answers as reading everything, and the command line around
them (only the command's parser built, a quick exit) behaves like any other."""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from companion import storage
from companion.lookup import search_people
from companion.models import Conference, Person, Session, Speaker
from companion.store import Store

BERLIN = ZoneInfo("Europe/Berlin")
NAMES = ["José Álvarez", "Priya Raman", "Grace Hopper", "Jon Smith", "John Smith", "Chloé Martin",
         "Anna Berg", "Anne Berg", "Alex Kim", "Alex Kim"]


def conference_store(tmp_path: Path, count: int = 3 * storage.CHUNK_ROWS) -> tuple[Store, Conference, list[Session]]:
    """A four-day conference in Berlin with sessions around the clock (some after midnight, some
    with a day of their own from the source), speakers from NAMES and a few typos of them."""
    rng = random.Random(7)
    conference = Conference(id="conf", name="Conf", timezone="Europe/Berlin", first_day=date(2026, 10, 24),
                            last_day=date(2026, 10, 27))  # the clocks go back on the 25th
    sessions = []
    for index in range(count):
        start = datetime(2026, 10, 24, 0, 0, tzinfo=BERLIN) + timedelta(minutes=rng.randrange(0, 4 * 24 * 60, 15))
        speaker = rng.choice([*NAMES, "Priya Ramen", "Chloe Martinn", "Nobody Known"])
        sessions.append(Session(
            id=f"s{index}", conference="conf", title=f"Talk {index}", start=start, end=start + timedelta(minutes=30),
            room=f"Room {index % 5}", speakers=[Speaker(speaker)],
            day=(start - timedelta(hours=9)).date() if index % 17 == 0 else None,
        ))
    store = Store(tmp_path)
    store.save_schedule(conference, sessions)
    store.add_people([Person(name=name, affiliation=f"Org {i}") for i, name in enumerate(NAMES)])
    return Store(tmp_path, read_only=True), conference, sessions


@pytest.mark.parametrize("day", [date(2026, 10, 23), date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 27)])
def test_one_days_sessions_read_from_their_chunks_are_the_days_sessions(tmp_path: Path, day: date) -> None:
    store, conference, _ = conference_store(tmp_path)
    everything = [s for s in store.sessions("conf") if s.conference_day(BERLIN) == day]
    found = store.sessions_on(conference, day, BERLIN)
    assert [s.id for s in found] == [s.id for s in everything]
    if day == date(2026, 10, 25):
        assert found and len(found) < len(store.sessions("conf")) / 2
    assert Store(tmp_path, read_only=True).sessions_on(conference, day, timezone.utc) == [
        s for s in store.sessions("conf") if s.conference_day(timezone.utc) == day
    ]


def test_a_persons_sessions_from_the_speaker_index_are_those_the_full_matcher_finds(tmp_path: Path) -> None:
    store, _, sessions = conference_store(tmp_path)
    matcher = store.speaker_matcher()
    for person in store.people():
        expected = sorted(s.id for s in store.sessions_for(person, store.sessions(), matcher))
        assert sorted(s.id for s in Store(tmp_path, read_only=True).speaking_sessions(person)) == expected, person.name
    priya = next(p for p in store.people() if p.name == "Priya Raman")
    spoken = {sp.name for s in store.speaking_sessions(priya) for sp in s.speakers}
    assert spoken == {"Priya Raman", "Priya Ramen"}  # the typo found too
    anna = next(p for p in store.people() if p.name == "Anna Berg")
    assert {sp.name for s in store.speaking_sessions(anna) for sp in s.speakers} == {"Anna Berg"}  # not Anne


@pytest.mark.parametrize("query", ["priya", "Smith", "alvarez", "org 3", "Grace Hoper", "anne", "zzz"])
def test_the_store_search_over_summaries_ranks_as_the_search_over_people(tmp_path: Path, query: str) -> None:
    store, _, _ = conference_store(tmp_path, count=10)
    people = store.people()
    assert [(p.id, s) for p, s in store.search_people(query, 6)] == [(p.id, s) for p, s in search_people(people, query, 6)]


@pytest.mark.parametrize("query", ["", "priya", "smith", "alvarez", "org 3", "grace hoper", "anne", "zzz", "python"])
def test_the_people_list_from_summaries_lists_and_filters_as_the_people_records_do(tmp_path: Path, query: str) -> None:
    from companion.lookup import PeopleIndex

    store, _, _ = conference_store(tmp_path, count=10)
    people = store.people()
    listed = Store(tmp_path, read_only=True).people_list()
    assert listed.ids == [p.id for p in people]  # the same order: by normalised name
    assert [listed.ids[i] for i in listed.index.filter(query)] == [
        people[i].id for i in PeopleIndex.of_people(people).filter(query)]


def test_a_person_edited_is_found_by_the_new_name_and_not_the_old(tmp_path: Path) -> None:
    store, _, _ = conference_store(tmp_path, count=10)
    writer = Store(tmp_path)
    grace = next(p for p in writer.people() if p.name == "Grace Hopper")
    grace.name = "Grace Brewster Hopper"
    writer.save_person(grace)
    assert store.search_people("Grace Brewster", 1)[0][0].name == "Grace Brewster Hopper"
    assert store.search_people("Grace Hopper", 1)[0][1] < 100


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "companion", *args], capture_output=True, text=True, timeout=60)


def test_an_unknown_command_is_refused_with_every_command_listed(tmp_path: Path) -> None:
    result = cli("--data-dir", str(tmp_path), "whom", "Ada")
    assert result.returncode in (1, 2)
    assert "invalid choice: 'whom'" in result.stderr and "'who'" in result.stderr and "'doctor'" in result.stderr


def test_a_commands_help_and_its_output_through_a_pipe_are_whole(tmp_path: Path) -> None:
    assert "usage: companion who [-h] [--json] QUERY" in cli("who", "--help").stdout
    store, _, _ = conference_store(tmp_path)
    result = cli("--data-dir", str(tmp_path), "sessions", "--day", "2026-10-25")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 + len(store.sessions_on(store.conference("conf"), date(2026, 10, 25), BERLIN))
    missing = cli("--data-dir", str(tmp_path), "who", "Nobody Here Qqq")
    assert missing.returncode == 1 and missing.stderr.startswith("companion: error: nobody on your list matches")


def test_the_people_filter_typed_letter_by_letter_matches_a_fresh_filter_at_every_step() -> None:
    from companion.lookup import PeopleIndex

    rng = random.Random(3)
    people = [Person(name=f"{rng.choice(NAMES)} {i}", id=i, affiliation=rng.choice(["Acme", "Initech", "Umbrella"]),
                     tags=[rng.choice(["rust", "python", "ops"])]) for i in range(1, 400)]
    typing = PeopleIndex.of_people(people)
    for text in ["a", "al", "ale", "alex", "alex k", "alex ki", "alex k", "alex", "ac", "acm", "acme py",
                 "acme pyt", "x", "zq", "zqv", "", "smi", "smith", "jo smith", "john smith", "johnsmith", "ume ops"]:
        fresh = PeopleIndex.of_people(people).filter(text)
        assert typing.filter(text) == fresh, text
    close = [people[i].name for i in PeopleIndex.of_people(people).filter("Grce")]
    assert close[:1] and all("grace" in name.lower() for name in close[:3])


@pytest.mark.parametrize("words", [
    ["who", "Ada"], ["--data-dir", "/d", "who", "Ada Lovelace", "--json"], ["--data-dir=/d", "who", "--json", "ada"],
    ["sessions"], ["sessions", "--day", "2026-12-02"], ["--data-dir", "/d", "sessions", "--starred", "--now", "--json"],
    ["sessions", "--conference", "c1", "--day", "2026-12-03", "--starred"],
])
def test_the_quick_reading_of_who_and_sessions_is_what_argparse_reads(words: list[str]) -> None:
    from companion.cli import build_parser, quick_args

    quick = quick_args(words)
    assert quick is not None
    assert vars(quick) == vars(build_parser().parse_args(words))


@pytest.mark.parametrize("words", [
    ["who"], ["who", "a", "b"], ["who", "-h"], ["who", "--jsn", "a"], ["sessions", "--day"], ["sessions", "--day", "-1"],
    ["sessions", "x"], ["sessions", "--day=2026-12-02"], ["people"], ["--data-dir"], [],
    ["--data-dir", "--json", "sessions"],
])
def test_anything_else_is_left_to_argparse(words: list[str]) -> None:
    from companion.cli import quick_args

    assert quick_args(words) is None


def test_matches_after_the_first_can_be_listed_from_the_summaries_alone(tmp_path: Path) -> None:
    store, _, _ = conference_store(tmp_path, count=10)
    full = store.search_people("a", 6)
    listed = Store(tmp_path, read_only=True).search_people("a", 6, rows=1)
    assert [(p.id, p.name, p.affiliation, s) for p, s in listed] == [(p.id, p.name, p.affiliation, s) for p, s in full]
    assert listed[0][0] == full[0][0]  # the first one whole


def test_only_the_quick_commands_run_without_the_garbage_collector(tmp_path: Path) -> None:
    import gc

    from companion.cli import main

    conference_store(tmp_path, count=10)
    try:
        gc.disable()  # as run() starts every command
        assert main(["--data-dir", str(tmp_path), "who", "Priya"]) == 0
        assert not gc.isenabled()
        assert main(["--data-dir", str(tmp_path), "people"]) == 0
        assert gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("hours", [-30, 0, 9.5, 26, 47.75, 70, 100])
def test_now_and_next_from_the_window_are_those_from_every_session(tmp_path: Path, hours: float) -> None:
    from companion.agenda import sessions_now_and_next

    store, conference, _ = conference_store(tmp_path)
    now = datetime(2026, 10, 24, 6, 0, tzinfo=BERLIN) + timedelta(hours=hours)
    assert sessions_now_and_next(store.sessions_around(conference, now, BERLIN), now) == sessions_now_and_next(
        store.sessions("conf"), now)


def test_a_search_over_several_chunks_of_people_lists_the_same_people_as_the_full_search(tmp_path: Path) -> None:
    rng = random.Random(3)
    first = ["Ada", "Grace", "Linus", "Priya", "José", "Chloé", "Omar"]
    last = ["Lovelace", "Hopper", "Álvarez", "Raman", "Martin", "Haddad"]
    people = [Person(name=f"{rng.choice(first)} {rng.choice(last)} {i}", affiliation=f"{rng.choice(last)} Labs",
                     tags=[rng.choice(["rust", "python", "web"])]) for i in range(3 * storage.CHUNK_ROWS)]
    Store(tmp_path).add_people(people)
    store = Store(tmp_path, read_only=True)
    everyone = store.people()
    for query in ["Grace Hopper 5", "linus", "alvarez labs", "rust", "Priya Ramen", "chloe martin 700"]:
        full = search_people(everyone, query, 6)
        listed = Store(tmp_path, read_only=True).search_people(query, 6, rows=1)
        assert [s for _, s in listed] == [s for _, s in full], query
        # Among many equal scores at the end of the list, which ones make it depends on the order
        # people are compared in; above them the lists are the same.
        cut = full[-1][1] if full else 0
        assert [(p.id, p.name, p.affiliation) for p, s in listed if s > cut] == [
            (p.id, p.name, p.affiliation) for p, s in full if s > cut], query
        by_id = {p.id: p for p in everyone}
        assert all((p.name, p.affiliation) == (by_id[p.id].name, by_id[p.id].affiliation) for p, _ in listed)


def test_a_summary_file_whose_columns_do_not_fit_its_ids_is_reported(tmp_path: Path) -> None:
    import json

    from companion.errors import CorruptFileError

    Store(tmp_path).add_people([Person(name=name) for name in NAMES])
    manifest = json.loads((tmp_path / "user.json").read_bytes())
    summary = tmp_path / "user.d" / manifest["tables"]["people"]["summary"]
    data = json.loads(summary.read_bytes())
    data["0"]["columns"][2] = data["0"]["columns"][2].rsplit("\n", 1)[0]  # one shown name short
    summary.write_text(json.dumps(data))
    with pytest.raises(CorruptFileError, match="summary"):
        Store(tmp_path, read_only=True).search_people("priya", 6)


def test_a_person_removed_between_a_searchs_reads_does_not_shift_its_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = Store(tmp_path)
    ann, _bob, cy = writer.add_people([Person(name="Ann Archer", affiliation="Acme"),
                                       Person(name="Bob Baker", affiliation="Acme Labs"),
                                       Person(name="Cy Cole", affiliation="Nimbus Systems")]).added
    reader = Store(tmp_path, read_only=True)
    real = Store._people_names
    removed: list[int] = []

    def racing(self: Store, field: int = 0) -> tuple[list[str], list[str]]:
        result = real(self, field)
        if field == 0 and not removed:  # another process removes Ann after the names are read
            removed.append(ann.id)
            writer.remove_person(ann.id)
        return result

    monkeypatch.setattr(Store, "_people_names", racing)
    found = reader.search_people("nimbus systems", 6)
    assert [(p.id, p.name) for p, _ in found] == [(cy.id, "Cy Cole")]
