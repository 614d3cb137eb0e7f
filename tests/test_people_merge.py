"""Merging two records of one person by hand (`companion people merge A B`, Store.merge_people):
nothing of either is lost, what was about the other is re-pointed, and it can be undone."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from companion.followups import ForPerson, NoteActions
from companion.models import Conference, Person, Session, Speaker, TalkingPoint
from companion.store import Store

DATA = Path(__file__).parent / "data" / "people"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store")


def _two(store: Store) -> tuple[int, int]:
    changes = store.add_people([
        Person(name="Niklaus Lamport", email="niklaus@lamport.dev", links={"website": "https://lamport.dev",
               "github": "https://github.com/nik"}, affiliation="Lamport & Sons", tags=["family"], priority="hope-to-meet"),
        Person(name="Nik Lamport", email="nik@work.example", links={"website": "https://lamport.dev",
               "github": "https://github.com/nlamport", "mastodon": "@nik@ruby.social"}, affiliation="Cobalt Labs",
               role="CTO", tags=["Family", "ruby"], priority="must-meet", notes="Runs the Ruby meetup."),
    ])
    assert len(changes.added) == 2
    return changes.added[0].id, changes.added[1].id


def test_a_merge_loses_nothing_of_either(store: Store) -> None:
    kept, other = _two(store)
    store.merge_people(kept, other)
    [person] = store.people()
    assert person.id == kept and person.name == "Niklaus Lamport"
    assert (person.email, person.affiliation, person.role, person.priority) == (
        "niklaus@lamport.dev", "Lamport & Sons", "CTO", "must-meet")
    assert person.tags == ["family", "ruby"]
    assert person.links == {"website": "https://lamport.dev", "github": "https://github.com/nik",
                            "mastodon": "@nik@ruby.social"}
    assert person.notes.splitlines() == [
        "Runs the Ruby meetup.", "Also known as: Nik Lamport", "Also affiliation: Cobalt Labs",
        "Other email: nik@work.example", "Other github: https://github.com/nlamport",
    ]


def test_notes_followups_and_talking_points_follow_the_kept_person(store: Store) -> None:
    kept, other = _two(store)
    store.save_talking_point(TalkingPoint(person_id=kept, work="the TLA+ notes"))
    store.save_talking_point(TalkingPoint(person_id=other, work="the Ruby meetup", question="How big is it?"))
    note, followups = store.add_note("Promised him the slides", [other], actions=NoteActions(promises=(ForPerson("send the slides", person_id=other),)))
    both, _ = store.add_note("Dinner with both", [kept, other])
    assert followups
    store.merge_people(kept, other)
    point = store.talking_point(kept)
    assert point is not None
    assert (point.work, point.question) == ("the TLA+ notes\nthe Ruby meetup", "How big is it?")
    assert store.talking_point(other) is None
    assert [n.id for n in store.notes(person_id=kept)] == [note.id, both.id]
    assert store.note(both.id).person_ids == [kept]
    assert store.note(note.id).promises[0]["person_id"] == kept
    assert [f.person_id for f in store.followups() if f.id in {f.id for f in followups}] == [kept] * len(followups)


def test_undo_puts_everything_back_and_keeps_later_edits(store: Store) -> None:
    kept, other = _two(store)
    store.save_talking_point(TalkingPoint(person_id=other, work="the Ruby meetup"))
    note, followups = store.add_note("Promised him the slides", [other], actions=NoteActions(promises=(ForPerson("send the slides", person_id=other),)))
    before = {p.id: p.to_dict() for p in store.people()}
    store.merge_people(kept, other)
    person = store.person(kept)
    person.affiliation = "Lamport & Daughters"  # edited after the merge: stays
    store.save_person(person)
    store.undo_merge()
    after = {p.id: p.to_dict() for p in store.people()}
    assert after[other] == before[other]
    assert after[kept] == {**before[kept], "affiliation": "Lamport & Daughters"}
    assert store.talking_point(other).work == "the Ruby meetup"
    assert store.talking_point(kept) is None
    assert store.note(note.id).person_ids == [other]
    assert {f.person_id for f in store.followups()} == {other}
    assert store.merges() == []


def test_a_reimport_after_a_merge_finds_the_merged_person(store: Store) -> None:
    kept, other = _two(store)
    store.merge_people(kept, other)
    changes = store.add_people([Person(name="Nik Lamport", email="nik@work.example"),
                                Person(name="Nik Lamport")])
    assert changes.added == []
    assert [reason for _, reason in changes.merges] == ["same email nik@work.example", "same name ('Nik Lamport' in the file)"]
    assert len(store.people()) == 1


def test_talks_of_the_merged_name_are_the_kept_persons(store: Store) -> None:
    kept, other = _two(store)
    start = datetime(2026, 12, 3, 10, tzinfo=timezone.utc)
    store.save_schedule(Conference(id="conf", name="Conf", timezone="UTC"), [
        Session(id="s1", conference="conf", title="Ruby at scale", start=start, end=start.replace(hour=11),
                speakers=[Speaker(name="Nik Lamport")]),
    ])
    assert [s.id for s in store.speaking_sessions(store.person(other))] == ["s1"]
    store.merge_people(kept, other)
    assert [s.id for s in store.speaking_sessions(store.person(kept))] == ["s1"]
    assert [s.id for s in store.sessions_for(store.person(kept))] == ["s1"]
    assert store.speaker_matcher().match("Nik Lamport").person_id == kept


def test_merge_and_unmerge_on_the_command_line(cli) -> None:
    cli("import", "people", DATA / "google_contacts.csv")
    merged = cli("people", "merge", "2", "Yukihiro Lamport")
    assert merged.code == 0, merged.err
    assert merged.out == ("Merged Yukihiro Lamport (3) into Niklaus Lamport (2), nothing of either lost\n"
                          "  undo: companion people unmerge 1\n")
    names = [p["name"] for p in cli("people", "--json").json()]
    assert "Yukihiro Lamport" not in names and "Niklaus Lamport" in names
    again = cli("import", "people", DATA / "google_contacts.csv")
    assert "0 new" in again.out and "possible duplicate" not in again.out
    undone = cli("people", "unmerge")
    assert undone.code == 0, undone.err
    assert undone.out.startswith("Undid merge 1: Yukihiro Lamport (3) is back beside Niklaus Lamport (2)")
    assert {"Yukihiro Lamport", "Niklaus Lamport"} <= {p["name"] for p in cli("people", "--json").json()}
    assert cli("people", "unmerge").out == "No merge to undo.\n"


def test_merging_someone_with_themselves_is_refused(cli) -> None:
    cli("import", "people", DATA / "google_contacts.csv")
    result = cli("people", "merge", "2", "Niklaus")
    assert result.code == 1
    assert "same person (2)" in result.err and result.err.count("\n") == 1


def test_the_same_name_with_a_different_email_is_two_people_listed_as_possible_duplicates(store: Store) -> None:
    store.add_people([Person(name="David Smith", email="david@acme.example")])
    changes = store.add_people([Person(name="David Smith", email="dsmith@other.example"),
                                Person(name="Dave Smith", affiliation="Acme"),
                                Person(name="Anna Smith", affiliation="Acme")])
    assert [p.name for p in changes.added] == ["David Smith", "Dave Smith", "Anna Smith"]
    assert [(a.name, b.name, why) for a, b, why in changes.possible] == [
        ("David Smith", "David Smith", "same name, but a different email"),
        ("Anna Smith", "Dave Smith", "same family name and affiliation (Acme)"),
    ]
    again = store.add_people([Person(name="David Smith", email="dsmith@other.example")])
    assert (again.added, again.possible) == ([], [])  # the second David is found by his email now


def test_a_shared_website_with_the_same_given_name_or_its_initial_merges(store: Store) -> None:
    store.add_people([Person(name="Ada Lovelace", links={"website": "https://ada.example"})])
    changes = store.add_people([Person(name="A. Lovelace", links={"website": "http://www.ada.example/"}, role="Countess"),
                                Person(name="Ada King-Lovelace", links={"website": "ada.example"})])
    assert [reason for _, reason in changes.merges] == ["same website ada.example and name"]
    assert [(a.name, why) for a, _, why in changes.possible] == [("Ada King-Lovelace", "same website ada.example")]
    assert {p.name: p.role for p in store.people()}["Ada Lovelace"] == "Countess"


def test_a_second_email_in_the_file_finds_the_person_and_says_which(store: Store) -> None:
    store.add_people([Person(name="Priya Raman", email="priya@home.example")])
    changes = store.add_people([Person(name="P. Raman", email="priya@data.example",
                                       notes="Other email: priya@home.example")])
    assert [reason for _, reason in changes.merges] == ["same email priya@home.example"]
    assert store.people()[0].notes == "Other email: priya@data.example"  # the file's other email is not lost
    again = store.add_people([Person(name="P. Raman", email="priya@data.example")])
    assert [reason for _, reason in again.merges] == ["same email priya@data.example"]
    assert again.unchanged and len(store.people()) == 1
