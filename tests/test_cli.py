"""The command line end to end: what a user types and what they see."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import icalendar
import pytest

from companion.cli import main
from companion.followups import NoteActions
from companion.store import Store
from support import BERLIN, CONTROL_CHARS, REPO, SAMPLE_DIR, CliResult, assert_one_line_error

CONFERENCE = SAMPLE_DIR / "conference.ics"
PEOPLE = SAMPLE_DIR / "people.csv"


Result = CliResult


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> Result:
    """As the ``cli`` fixture, for the tests here that also read capsys themselves."""
    capsys.readouterr()
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def sample_events() -> list[icalendar.Event]:
    """The sample's events read with icalendar alone, to check companion against."""
    return list(icalendar.Calendar.from_ical(CONFERENCE.read_bytes()).walk("VEVENT"))


def speaker_names(ev: icalendar.Event) -> list[str]:
    attendees = ev.get("ATTENDEE") or []
    attendees = attendees if isinstance(attendees, list) else [attendees]
    return [str(a.params.get("CN", "")) for a in attendees]


def snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def loaded(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "import", "schedule", CONFERENCE).code == 0
    assert run(capsys, "import", "people", PEOPLE).code == 0


# --- importing ----------------------------------------------------------------------------------


def test_import_schedule_reports_what_it_did(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "import", "schedule", CONFERENCE)
    assert result.code == 0, result.err
    assert result.err == ""
    assert "Imported 48 sessions" in result.out
    assert "Northwind Open Source Summit 2026" in result.out
    assert "Europe/Berlin" in result.out
    assert "48 new" in result.out
    assert len(run(capsys, "sessions", "--json").json()) == 48


def test_reimporting_the_same_file_changes_nothing_and_keeps_stars(
    capsys: pytest.CaptureFixture[str], isolated_data_dir: Path
) -> None:
    run(capsys, "import", "schedule", CONFERENCE)
    before = run(capsys, "sessions", "--json").json()
    Store(isolated_data_dir).set_star("nwoss26-002@northwind.example", True)

    result = run(capsys, "import", "schedule", CONFERENCE)
    assert result.code == 0, result.err
    assert "Imported 48 sessions" in result.out
    assert not re.search(r"\b[1-9]\d* (new|changed|gone)\b", result.out), result.out
    counts = re.search(r"(\d+) new, (\d+) changed, (\d+) unchanged, (\d+) gone", result.out)
    assert counts is not None and counts.groups() == ("0", "0", "48", "0"), result.out
    assert "moved" not in result.out and "cancelled" not in result.out

    after = run(capsys, "sessions", "--json").json()
    assert len(after) == 48
    assert [s["id"] for s in after] == [s["id"] for s in before]
    assert [s["id"] for s in after if s["starred"]] == ["nwoss26-002@northwind.example"]
    starred = run(capsys, "sessions", "--starred", "--json").json()
    assert [s["title"] for s in starred] == ["The State of Python Packaging in 2026"]


def moved_and_cut(path: Path) -> None:
    """Edit a copy of the sample: session 002 moves to 14:00, session 003 disappears."""
    text = path.read_bytes().decode("utf-8")
    text, moved = re.subn(
        r"(UID:nwoss26-002@northwind\.example\r?\n(?:.*\r?\n)*?DTSTART;TZID=Europe/Berlin:)20261203T100000"
        r"(\r?\nDTEND;TZID=Europe/Berlin:)20261203T104000",
        r"\g<1>20261203T140000\g<2>20261203T144000",
        text,
    )
    text, cut = re.subn(r"BEGIN:VEVENT\r?\nUID:nwoss26-003@.*?END:VEVENT\r?\n", "", text, flags=re.DOTALL)
    assert moved == 1 and cut == 1
    path.write_bytes(text.encode("utf-8"))


def test_reimport_lists_starred_sessions_that_moved_or_went(
    capsys: pytest.CaptureFixture[str], isolated_data_dir: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "conference.ics"
    shutil.copy(CONFERENCE, copy)
    run(capsys, "import", "schedule", copy)
    store = Store(isolated_data_dir)
    store.set_star("nwoss26-002@northwind.example", True)
    store.set_star("nwoss26-003@northwind.example", True)
    moved_and_cut(copy)

    result = run(capsys, "import", "schedule", copy)
    assert result.code == 0, result.err
    assert "0 new, 1 changed, 46 unchanged, 1 gone" in result.out
    moved = [line for line in result.out.splitlines() if "moved" in line]
    assert len(moved) == 1 and "The State of Python Packaging in 2026" in moved[0]
    assert "10:00" in moved[0] and "14:00" in moved[0]
    cancelled = [line for line in result.out.splitlines() if "cancelled" in line]
    assert len(cancelled) == 1 and "Building Terminal UIs with Textual" in cancelled[0]

    # The starred session that went is kept, marked cancelled, still starred.
    starred = {s["id"]: s for s in run(capsys, "sessions", "--starred", "--json").json()}
    assert starred["nwoss26-003@northwind.example"]["status"] == "cancelled"
    assert starred["nwoss26-002@northwind.example"]["local_start"] == "2026-12-03T14:00:00+01:00"
    assert "[cancelled]" in run(capsys, "sessions", "--starred").out


def test_a_cancellation_is_reported_once_not_on_every_reimport(
    capsys: pytest.CaptureFixture[str], isolated_data_dir: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "conference.ics"
    shutil.copy(CONFERENCE, copy)
    run(capsys, "import", "schedule", copy)
    Store(isolated_data_dir).set_star("nwoss26-003@northwind.example", True)
    moved_and_cut(copy)
    assert "starred session cancelled" in run(capsys, "import", "schedule", copy).out

    again = run(capsys, "import", "schedule", copy)
    assert again.code == 0
    assert "cancelled" not in again.out, again.out
    assert not re.search(r"\b[1-9]\d* gone\b", again.out), again.out


def test_import_people_then_again_merges_without_duplicates(capsys: pytest.CaptureFixture[str]) -> None:
    first = run(capsys, "import", "people", PEOPLE)
    assert first.code == 0, first.err
    assert "Imported 16 people" in first.out and "16 new" in first.out
    second = run(capsys, "import", "people", PEOPLE)
    assert second.code == 0, second.err
    assert "0 new" in second.out and "16 merged" in second.out
    people = run(capsys, "people", "--json").json()
    assert len(people) == 16
    assert len({p["name"] for p in people}) == 16
    assert len({p["id"] for p in people}) == 16


def test_people_without_email_merge_by_name_and_fill_gaps(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    first.write_text("name,priority\nAda Lovelace,must-meet\nGrace Hopper,\n")
    second = tmp_path / "second.csv"
    second.write_text("Full Name,Company\n\"Lovelace, Ada\",Analytical Engines\nGRACE HOPPER,US Navy\n")
    assert run(capsys, "import", "people", first).code == 0
    result = run(capsys, "import", "people", second)
    assert result.code == 0, result.err
    assert "0 new, 2 merged" in result.out
    people = {p["name"]: p for p in run(capsys, "people", "--json").json()}
    assert set(people) == {"Ada Lovelace", "Grace Hopper"}  # what the user had wins
    assert people["Ada Lovelace"]["affiliation"] == "Analytical Engines"  # gaps are filled
    assert people["Ada Lovelace"]["priority"] == "must-meet"


# --- listing ------------------------------------------------------------------------------------


def test_sessions_json_fields_and_local_times(capsys: pytest.CaptureFixture[str], loaded: None) -> None:
    sessions = run(capsys, "sessions", "--json").json()
    assert len(sessions) == 48
    wanted = {"id", "title", "start", "end", "local_start", "local_end", "room", "track", "speakers",
              "starred", "status", "abstract", "url", "conference"}
    for session in sessions:
        assert wanted <= set(session), wanted - set(session)
        local = datetime.fromisoformat(session["local_start"])
        assert local.utcoffset() == timedelta(hours=1)  # Berlin in December
        assert local == datetime.fromisoformat(session["start"])
        assert datetime.fromisoformat(session["local_end"]) == datetime.fromisoformat(session["end"])
    keynote = next(s for s in sessions if s["id"] == "nwoss26-001@northwind.example")
    assert keynote["local_start"] == "2026-12-03T09:00:00+01:00"
    assert keynote["local_end"] == "2026-12-03T09:50:00+01:00"
    assert keynote["room"] == "Hall A" and keynote["track"] == "Keynote"
    assert keynote["speakers"][0]["name"] == "Ingrid Halvorsen"
    assert keynote["starred"] is False
    starts = [s["start"] for s in sessions]
    assert starts == sorted(starts)


@pytest.mark.parametrize("day", ["2026-12-03", "2026-12-04", "2026-12-05"])
def test_sessions_for_a_day(capsys: pytest.CaptureFixture[str], loaded: None, day: str) -> None:
    expected = sorted(
        str(ev["UID"]) for ev in sample_events() if ev.decoded("DTSTART").astimezone(BERLIN).date().isoformat() == day
    )
    sessions = run(capsys, "sessions", "--day", day, "--json").json()
    assert sorted(s["id"] for s in sessions) == expected
    assert all(s["local_start"].startswith(day) for s in sessions)
    text = run(capsys, "sessions", "--day", day)
    assert text.code == 0
    titles = {str(ev["SUMMARY"]) for ev in sample_events() if str(ev["UID"]) in expected}
    for title in titles:
        assert title in text.out
    if not expected:
        assert "no sessions match" in text.out


def test_a_day_is_the_conference_day_not_the_utc_or_calendar_day(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    late = tmp_path / "late.ics"
    late.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nX-WR-TIMEZONE:Europe/Berlin\r\n"
        b"BEGIN:VEVENT\r\nUID:party\r\nSUMMARY:Late party\r\nDTSTART:20261203T233000Z\r\n"
        b"DTEND:20261204T010000Z\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:talk\r\nSUMMARY:Evening talk\r\nDTSTART:20261203T190000Z\r\n"
        b"DTEND:20261203T200000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert run(capsys, "import", "schedule", late).code == 0
    day3 = run(capsys, "sessions", "--day", "2026-12-03", "--json").json()
    day4 = run(capsys, "sessions", "--day", "2026-12-04", "--json").json()
    # 00:30 in Berlin (23:30 UTC) is still the evening of the 3rd for a conference-goer.
    assert [s["title"] for s in day3] == ["Evening talk", "Late party"]
    assert day4 == []
    assert day3[1]["local_start"] == "2026-12-04T00:30:00+01:00"
    assert "00:30" in run(capsys, "sessions", "--day", "2026-12-03").out


def test_sessions_starred(capsys: pytest.CaptureFixture[str], loaded: None, isolated_data_dir: Path) -> None:
    assert run(capsys, "sessions", "--starred", "--json").json() == []
    store = Store(isolated_data_dir)
    store.set_star("nwoss26-001@northwind.example", True)
    store.set_star("nwoss26-002@northwind.example", True)
    starred = run(capsys, "sessions", "--starred", "--json").json()
    assert [s["id"] for s in starred] == ["nwoss26-001@northwind.example", "nwoss26-002@northwind.example"]
    assert all(s["starred"] for s in starred)
    text = run(capsys, "sessions", "--starred").out
    assert sum(line.startswith("*") for line in text.splitlines()) == 2


def test_people_json(capsys: pytest.CaptureFixture[str], loaded: None) -> None:
    people = run(capsys, "people", "--json").json()
    priya = next(p for p in people if p["name"] == "Priya Raman")
    assert priya["affiliation"] == "Fernwood Analytics"
    assert priya["priority"] == "must-meet"
    assert priya["email"] == "priya.raman@example.com"
    assert priya["tags"] == ["python", "packaging", "observability"]
    assert isinstance(priya["id"], int)
    assert priya["readiness"] == "none"
    assert "Priya Raman" in run(capsys, "people").out


# --- a person's card ----------------------------------------------------------------------------


def test_who_shows_the_card(capsys: pytest.CaptureFixture[str], loaded: None) -> None:
    her_sessions = [str(ev["SUMMARY"]) for ev in sample_events() if "Priya Raman" in speaker_names(ev)]
    assert len(her_sessions) == 2
    result = run(capsys, "who", "priya")
    assert result.code == 0, result.err
    assert result.out.splitlines()[0].startswith("Priya Raman")
    assert "Fernwood Analytics" in result.out
    for title in her_sessions:
        assert title in result.out
    assert "Hall A" in result.out


def test_who_json_keys(capsys: pytest.CaptureFixture[str], loaded: None) -> None:
    card = run(capsys, "who", "priya", "--json").json()
    assert {"talking_point", "flags", "missing", "sessions", "notes", "followups"} <= set(card)
    assert card["person"]["name"] == "Priya Raman"
    assert card["talking_point"] is None
    assert card["flags"] == []
    assert card["missing"] == ["work", "how", "question", "offer", "common"]
    assert len(card["sessions"]) == 2
    assert {s["title"] for s in card["sessions"]} == {
        str(ev["SUMMARY"]) for ev in sample_events() if "Priya Raman" in speaker_names(ev)
    }
    assert card["notes"] == [] and card["followups"] == []


def test_the_card_names_the_break_after_each_upcoming_talk(capsys: pytest.CaptureFixture[str], loaded: None,
                                                           isolated_data_dir: Path) -> None:
    from companion.cards import CardContext, person_card

    store = Store(isolated_data_dir, read_only=True)
    priya = store.search_people("Priya Raman", 1)[0][0]
    before = min(s.start for s in store.sessions()) - timedelta(days=1)
    card = person_card(store, priya, now=before)
    packaging = next(a for a in card.appearances if "Packaging" in a.session.title)
    # In the sample the packaging talk ends at 10:40 and the morning coffee break starts then, in the Foyer.
    assert packaging.catch_at == packaging.session.end
    assert packaging.catch_break is not None and packaging.catch_break.title == "Morning Coffee Break"
    assert packaging.catch_break.room == "Foyer"
    # The same from every session (as the app has them) and from the hours after the talk (as `who` reads).
    everything = person_card(store, priya, now=before, context=CardContext.build(store))
    assert [(a.session.id, a.catch_break and a.catch_break.id) for a in everything.appearances] == [
        (a.session.id, a.catch_break and a.catch_break.id) for a in card.appearances]
    # A talk that is over has no moment to catch them.
    after = max(s.end for s in store.sessions()) + timedelta(days=1)
    assert all(a.catch_break is None for a in person_card(store, priya, now=after).appearances)


def test_other_matches_are_close_names_not_shared_letters(capsys: pytest.CaptureFixture[str], loaded: None) -> None:
    assert run(capsys, "who", "raman", "--json").json()["other_matches"] == []  # José Álvarez scored 72 on letters
    others = [p["name"] for p in run(capsys, "who", "lind", "--json").json()["other_matches"]]
    assert "Sofia Lindqvist" in others  # as much a Lind as Greta Lindholm, listed first


@pytest.mark.parametrize("query", ["pryia", "Priya Ramen", "raman", "PRIYA"])
def test_who_forgives_typos(capsys: pytest.CaptureFixture[str], loaded: None, query: str) -> None:
    card = run(capsys, "who", query, "--json").json()
    assert card["person"]["name"] == "Priya Raman"
    assert run(capsys, "who", query).out.startswith("Priya Raman")


# --- talking points and the coach ---------------------------------------------------------------


def test_point_flags_a_vague_talking_point(capsys: pytest.CaptureFixture[str], loaded: None) -> None:
    result = run(capsys, "point", "Kenji Watanabe", "--work", "I love your work",
                 "--question", "can I pick your brain", "--json")
    verdict = result.json()
    assert {flag["rule"] for flag in verdict["flags"]} == {"vague-work", "no-agenda"}
    assert all(flag["reason"] for flag in verdict["flags"])
    assert verdict["missing"] == ["how", "offer", "common"]
    assert verdict["person"]["name"] == "Kenji Watanabe"
    # Saved: the card and the list show it.
    card = run(capsys, "who", "kenji", "--json").json()
    assert card["talking_point"]["work"] == "I love your work"
    assert "coach" not in card["talking_point"]  # the kept verdict is storage, not output
    assert {flag["rule"] for flag in card["flags"]} == {"vague-work", "no-agenda"}
    people = {p["name"]: p for p in run(capsys, "people", "--json").json()}
    assert people["Kenji Watanabe"]["readiness"] == "weak"
    text = run(capsys, "point", "Kenji Watanabe")
    assert "vague-work" in text.out and "still to answer" in text.out


def test_point_specific_gets_no_flags(capsys: pytest.CaptureFixture[str], loaded: None) -> None:
    verdict = run(
        capsys, "point", "Priya",
        "--work", "Your blog post on lockfiles for Python projects",
        "--how", "We switched our CI to lockfiles and the flaky builds stopped",
        "--question", "How do you handle lockfiles for libraries, as opposed to apps?",
        "--offer", "Our migration notes, as a case study for your docs",
        "--common", "We both came to Python from physics",
        "--json",
    ).json()
    assert verdict["flags"] == []
    assert verdict["missing"] == []
    people = {p["name"]: p for p in run(capsys, "people", "--json").json()}
    assert people["Priya Raman"]["readiness"] == "ready"
    card = run(capsys, "who", "priya")
    assert "Your blog post on lockfiles" in card.out and "coach [" not in card.out


def test_point_answers_add_up_across_calls(capsys: pytest.CaptureFixture[str], loaded: None) -> None:
    run(capsys, "point", "Omar", "--work", "Your talk on Postgres as a job queue")
    verdict = run(capsys, "point", "Omar", "--question", "How do you vacuum a queue table under load?",
                  "--json").json()
    assert verdict["talking_point"]["work"] == "Your talk on Postgres as a job queue"
    assert verdict["missing"] == ["how", "offer", "common"]


def test_names_the_same_but_for_accents_are_told_apart_by_what_was_typed_or_by_number(
    capsys: pytest.CaptureFixture[str], isolated_data_dir: Path
) -> None:
    from companion.models import Person

    store = Store(isolated_data_dir)
    accented = store.save_person(Person("José Álvarez", affiliation="Cobalt"))
    plain = store.save_person(Person("Jose Alvarez", affiliation="Other Co"))
    assert run(capsys, "point", "José Álvarez", "--work", "Your post on tracing").code == 0
    assert run(capsys, "point", "Jose Alvarez", "--work", "Your talk on queues").code == 0
    assert store.talking_point(accented.id).work == "Your post on tracing"
    assert store.talking_point(plain.id).work == "Your talk on queues"
    assert run(capsys, "who", "José Álvarez").out.startswith("José Álvarez - Cobalt")
    assert run(capsys, "who", "Jose Alvarez").out.startswith("Jose Alvarez - Other Co")
    assert run(capsys, "who", str(plain.id)).out.startswith("Jose Alvarez - Other Co")
    assert run(capsys, "point", str(accented.id), "--question", "How?").code == 0
    assert store.talking_point(accented.id).question == "How?"
    # Neither written as typed: ambiguous, and the error gives the numbers to use.
    error = assert_one_line_error(run(capsys, "point", "JOSÉ ALVAREZ", "--work", "x"))
    assert f"José Álvarez (#{accented.id})" in error and f"Jose Alvarez (#{plain.id})" in error
    assert "no person with id 99" in assert_one_line_error(run(capsys, "who", "99"))


def test_odd_numbers_and_stored_escapes_give_a_clean_one_line_error(
    capsys: pytest.CaptureFixture[str], isolated_data_dir: Path
) -> None:
    from companion.models import Person

    store = Store(isolated_data_dir)
    store.save_person(Person("Eve\x1b[2J Evil"))  # as an older or tampered file could hold it
    store.save_person(Person("Eve\x1b[3J Evil"))
    assert "nobody on your list matches '²'" in assert_one_line_error(run(capsys, "who", "²"))
    error = assert_one_line_error(run(capsys, "point", "Eve Evil", "--work", "x"))
    assert "matches several people" in error and not CONTROL_CHARS.search(error)


# --- notes and follow-ups -----------------------------------------------------------------------


def open_followups(capsys: pytest.CaptureFixture[str]) -> dict[str, dict]:
    return {f["kind"]: f for f in run(capsys, "followups", "--json").json()}


@pytest.fixture
def noted(capsys: pytest.CaptureFixture[str], loaded: None) -> dict[str, dict]:
    result = run(capsys, "note", "add", "Great chat about lockfiles after her talk", "--person", "Priya",
                 "--thank", "--promise", "send slides", "--intro", "Omar Haddad")
    assert result.code == 0, result.err
    assert "Saved note" in result.out and "Priya Raman" in result.out
    return open_followups(capsys)


def test_note_add_creates_followups(capsys: pytest.CaptureFixture[str], noted: dict[str, dict]) -> None:
    today = date.today()
    assert set(noted) == {"thank", "promise", "intro-ask"}
    assert noted["thank"]["due"] == (today + timedelta(days=1)).isoformat()
    assert noted["promise"]["due"] == (today + timedelta(days=2)).isoformat()
    assert noted["promise"]["detail"] == "send slides"
    assert "send slides" in noted["promise"]["title"]
    assert noted["intro-ask"]["other"] == "Omar Haddad"
    assert "Omar Haddad" in noted["intro-ask"]["title"]
    assert all(f["status"] == "open" for f in noted.values())
    assert len({f["uid"] for f in noted.values()}) == 3
    card = run(capsys, "who", "priya", "--json").json()
    assert [n["text"] for n in card["notes"]] == ["Great chat about lockfiles after her talk"]
    assert {f["kind"] for f in card["followups"]} == {"thank", "promise", "intro-ask"}
    text = run(capsys, "followups").out
    assert "Thank Priya Raman" in text and "send slides" in text


def test_yes_to_an_intro_ask_creates_the_introduction(
    capsys: pytest.CaptureFixture[str], noted: dict[str, dict]
) -> None:
    ask = noted["intro-ask"]
    result = run(capsys, "followups", "done", ask["id"])  # asked: not yet a yes
    assert result.code == 0, result.err
    assert "Introduce" not in result.out and "waiting" in result.out
    assert open_followups(capsys)["intro-ask"]["status"] == "waiting"
    result = run(capsys, "followups", "yes", ask["id"])
    assert result.code == 0, result.err
    assert "Introduce" in result.out
    after = open_followups(capsys)
    assert "intro-ask" not in after  # answered items leave the queue
    intro = after["intro"]
    assert intro["other"] == "Omar Haddad" and intro["person_id"] == ask["person_id"]
    assert "Priya Raman" in intro["title"] and "Omar Haddad" in intro["title"]
    assert intro["status"] == "open"
    assert intro["due"] >= date.today().isoformat()
    # A second yes does not make a second introduction.
    run(capsys, "followups", "yes", ask["id"])
    kinds = [f["kind"] for f in run(capsys, "followups", "--json").json()]
    assert kinds.count("intro") == 1


def test_snooze_and_drop(capsys: pytest.CaptureFixture[str], noted: dict[str, dict]) -> None:
    later = (date.today() + timedelta(days=20)).isoformat()
    result = run(capsys, "followups", "snooze", noted["promise"]["id"], "--until", later)
    assert result.code == 0, result.err
    after = open_followups(capsys)
    assert after["promise"]["due"] == later
    assert after["promise"]["status"] == "open"
    assert after["promise"]["sequence"] == noted["promise"]["sequence"] + 1

    assert run(capsys, "followups", "drop", noted["thank"]["id"]).code == 0
    after = open_followups(capsys)
    assert "thank" not in after
    assert set(after) == {"promise", "intro-ask"}


def test_followups_due_lists_only_what_is_due(
    capsys: pytest.CaptureFixture[str], noted: dict[str, dict], isolated_data_dir: Path
) -> None:
    assert run(capsys, "followups", "--due", "--json").json() == []  # nothing is due before tomorrow
    store = Store(isolated_data_dir)
    two_days_ago = datetime.now(timezone.utc) - timedelta(days=2)
    kenji = next(p for p in store.people() if p.name == "Kenji Watanabe")
    store.add_note("Met two days ago", [kenji.id], actions=NoteActions(thank=True), now=two_days_ago)  # due yesterday
    due = run(capsys, "followups", "--due", "--json").json()
    assert [(f["kind"], f["title"]) for f in due] == [("thank", "Thank Kenji Watanabe")]


def test_snoozing_into_the_past_is_refused(capsys: pytest.CaptureFixture[str], noted: dict[str, dict]) -> None:
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    result = run(capsys, "followups", "snooze", noted["thank"]["id"], "--until", yesterday)
    assert result.code == 1 and "in the past" in result.err


def test_notes_for_a_person(capsys: pytest.CaptureFixture[str], noted: dict[str, dict]) -> None:
    run(capsys, "note", "add", "Kenji showed me snapshot testing", "--person", "Kenji")
    priya = run(capsys, "notes", "--person", "Priya")
    assert priya.code == 0
    assert "Great chat about lockfiles" in priya.out and "snapshot testing" not in priya.out
    assert "Priya Raman" in priya.out
    as_json = run(capsys, "notes", "--person", "Kenji", "--json").json()
    assert [n["text"] for n in as_json] == ["Kenji showed me snapshot testing"]
    assert len(run(capsys, "notes", "--json").json()) == 2


def test_a_note_about_two_people(capsys: pytest.CaptureFixture[str], loaded: None) -> None:
    result = run(capsys, "note", "add", "Lunch together", "--person", "Priya", "--person", "Kenji", "--thank")
    assert result.code == 0, result.err
    thanks = [f for f in run(capsys, "followups", "--json").json() if f["kind"] == "thank"]
    assert len(thanks) == 2
    assert {f["title"] for f in thanks} == {"Thank Priya Raman", "Thank Kenji Watanabe"}


# --- calendar export ----------------------------------------------------------------------------


def read_calendar(path: Path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(path.read_bytes())


def test_export_ics(capsys: pytest.CaptureFixture[str], noted: dict[str, dict], tmp_path: Path) -> None:
    first = tmp_path / "followups.ics"
    result = run(capsys, "export", "ics", first)
    assert result.code == 0, result.err
    cal = read_calendar(first)
    assert str(cal["METHOD"]) == "PUBLISH"
    events = list(cal.walk("VEVENT"))
    assert len(events) == 3  # one VEVENT per follow-up
    assert not list(cal.walk("VTODO"))
    uids = [str(ev["UID"]) for ev in events]
    assert len(set(uids)) == 3
    by_uid = {f["uid"]: f for f in noted.values()}
    assert set(uids) == set(by_uid)
    for ev in events:
        item = by_uid[str(ev["UID"])]
        assert str(ev["SUMMARY"]) == item["title"]
        assert ev.decoded("DTSTART").astimezone().date().isoformat() == item["due"]  # on the due day
        alarms = list(ev.walk("VALARM"))
        assert len(alarms) == 1
        assert str(alarms[0]["ACTION"]) == "DISPLAY"
        assert alarms[0]["TRIGGER"].dt < timedelta(0)  # a relative trigger before the event
        assert int(ev["SEQUENCE"]) == 0

    second = tmp_path / "again.ics"
    run(capsys, "export", "ics", second)
    assert {str(ev["UID"]): int(ev["SEQUENCE"]) for ev in read_calendar(second).walk("VEVENT")} == {
        uid: 0 for uid in uids
    }

    later = (date.today() + timedelta(days=9)).isoformat()
    run(capsys, "followups", "snooze", noted["promise"]["id"], "--until", later)
    run(capsys, "followups", "drop", noted["thank"]["id"])
    run(capsys, "export", "ics", first)  # overwrite the same file, as a calendar subscription would
    third = {str(ev["UID"]): ev for ev in read_calendar(first).walk("VEVENT")}
    assert set(third) == set(uids)  # the same UIDs: calendars update instead of duplicating
    promise = third[noted["promise"]["uid"]]
    assert int(promise["SEQUENCE"]) > 0
    assert promise.decoded("DTSTART").astimezone().date().isoformat() == later
    thank = third[noted["thank"]["uid"]]
    assert int(thank["SEQUENCE"]) > 0
    assert str(thank.get("STATUS")) == "CANCELLED" and not list(thank.walk("VALARM"))
    assert int(third[noted["intro-ask"]["uid"]]["SEQUENCE"]) == 0  # untouched items keep theirs


def test_export_ics_into_a_missing_folder_is_a_clean_error(
    capsys: pytest.CaptureFixture[str], noted: dict[str, dict], tmp_path: Path
) -> None:
    target = tmp_path / "no" / "such" / "folder" / "f.ics"
    line = assert_one_line_error(run(capsys, "export", "ics", target))
    assert "f.ics" in line
    assert not target.exists()


def test_export_ics_strips_control_characters(
    capsys: pytest.CaptureFixture[str], loaded: None, tmp_path: Path
) -> None:
    run(capsys, "note", "add", "x", "--person", "Priya", "--promise", "send \x1b]52;c;aGk=\x07slides\x1b[2J")
    target = tmp_path / "f.ics"
    assert run(capsys, "export", "ics", target).code == 0
    data = target.read_bytes().decode("utf-8")
    assert "\x1b" not in data and "\x07" not in data
    assert "send slides" in data


@pytest.fixture
def berlin_clock(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """Run as a user whose computer is set to Europe/Berlin."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_reminders_are_at_nine_local_time_in_summer_and_winter(
    capsys: pytest.CaptureFixture[str], loaded: None, tmp_path: Path, berlin_clock: None
) -> None:
    run(capsys, "note", "add", "x", "--person", "Priya", "--thank", "--promise", "slides")
    items = open_followups(capsys)
    run(capsys, "followups", "snooze", items["thank"]["id"], "--until", "2027-07-01")  # CEST, UTC+2
    run(capsys, "followups", "snooze", items["promise"]["id"], "--until", "2027-01-11")  # CET, UTC+1
    target = tmp_path / "f.ics"
    assert run(capsys, "export", "ics", target).code == 0
    events = read_calendar(target).walk("VEVENT")
    local = {str(ev["SUMMARY"]): ev.decoded("DTSTART").astimezone(BERLIN) for ev in events}
    assert {title: (moment.date().isoformat(), moment.hour) for title, moment in local.items()} == {
        "Thank Priya Raman": ("2027-07-01", 9),
        "Promised Priya Raman: slides": ("2027-01-11", 9),
    }


# --- errors -------------------------------------------------------------------------------------

NOT_A_CALENDAR = PEOPLE


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["import", "schedule", "{tmp}/missing.ics"], "missing.ics"),
        (["import", "people", "{tmp}/missing.csv"], "missing.csv"),
        (["import", "schedule", str(NOT_A_CALENDAR)], "people.csv"),
        (["import", "schedule", "{tmp}/noname.csv"], "noname.csv"),
        (["import", "people", "{tmp}/noname.csv"], "line 1"),
        (["import", "schedule", "{tmp}/truncated.ics"], "truncated.ics"),
        (["import", "schedule", str(CONFERENCE), "--tz", "Mars/Olympus"], "Mars/Olympus"),
        (["import", "schedule", "{tmp}"], "folder"),
    ],
    ids=["missing-schedule", "missing-people", "not-a-calendar", "csv-as-schedule", "no-name-column",
         "truncated", "bad-tz", "a-folder"],
)
def test_failed_imports_are_one_line_and_write_nothing(
    capsys: pytest.CaptureFixture[str], isolated_data_dir: Path, tmp_path: Path, argv: list[str], fragment: str
) -> None:
    files = tmp_path / "files"
    files.mkdir()
    (files / "noname.csv").write_text("company,email\nAcme,a@example.org\n")
    (files / "truncated.ics").write_bytes(CONFERENCE.read_bytes()[:5000])
    line = assert_one_line_error(run(capsys, *(a.replace("{tmp}", str(files)) for a in argv)))
    assert fragment in line
    assert not isolated_data_dir.exists() or snapshot(isolated_data_dir) == {}


def test_failed_imports_leave_existing_data_untouched(
    capsys: pytest.CaptureFixture[str], loaded: None, isolated_data_dir: Path, tmp_path: Path
) -> None:
    before = snapshot(isolated_data_dir)
    assert before
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("name,priority\nAda,whenever\n")
    for argv in (["import", "schedule", tmp_path / "missing.ics"], ["import", "schedule", PEOPLE],
                 ["import", "people", bad_csv]):
        assert_one_line_error(run(capsys, *argv))
    assert snapshot(isolated_data_dir) == before
    assert len(run(capsys, "sessions", "--json").json()) == 48
    assert len(run(capsys, "people", "--json").json()) == 16


def test_an_empty_calendar_keeps_the_stored_schedule(
    capsys: pytest.CaptureFixture[str], loaded: None, tmp_path: Path
) -> None:
    empty = tmp_path / "conference.ics"
    empty.write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n")
    assert_one_line_error(run(capsys, "import", "schedule", empty))
    assert len(run(capsys, "sessions", "--json").json()) == 48


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["point", "Zebulon Quirke", "--work", "x"], "Zebulon Quirke"),
        (["note", "add", "hello", "--person", "Zebulon Quirke"], "Zebulon Quirke"),
        (["point", "Lind", "--work", "x"], "Lindholm"),  # Greta Lindholm or Sofia Lindqvist?
        (["followups", "snooze", "1", "--until", "2026-13-45"], "2026-13-45"),
        (["followups", "snooze", "1", "--until", "next week"], "next week"),
        (["sessions", "--day", "Thursday"], "Thursday"),
        (["followups", "done", "999"], "999"),
        (["who", "Zebulon Quirke"], "Zebulon Quirke"),
        (["frobnicate"], "frobnicate"),
        (["sessions", "--bogus"], "--bogus"),
        (["import", "calendar", str(CONFERENCE)], "calendar"),
        (["followups", "done", "first"], "first"),
        (["note", "add", "   ", "--person", "Priya"], "empty"),
        (["note", "add", "hello", "--person", "Priya", "--session", "no-such-session"], "no-such-session"),
    ],
    ids=["unknown-person", "unknown-note-person", "ambiguous", "bad-date", "words-as-date", "bad-day",
         "unknown-followup", "who-nobody", "unknown-command", "unknown-flag", "unknown-import-kind",
         "non-numeric-id", "empty-note", "unknown-session"],
)
def test_usage_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], loaded: None, isolated_data_dir: Path, argv: list[str], fragment: str
) -> None:
    before = (isolated_data_dir / "user.json").read_bytes()
    line = assert_one_line_error(run(capsys, *argv))
    assert fragment in line
    assert (isolated_data_dir / "user.json").read_bytes() == before


def test_ambiguous_person_names_the_candidates(capsys: pytest.CaptureFixture[str], loaded: None) -> None:
    line = assert_one_line_error(run(capsys, "note", "add", "hi", "--person", "Lind"))
    assert "Greta Lindholm" in line and "Sofia Lindqvist" in line
    assert run(capsys, "notes", "--json").json() == []


# --- hostile text -------------------------------------------------------------------------------


def test_hostile_people_file_cannot_reach_the_terminal(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.csv"
    hostile.write_text(
        "name,affiliation,notes,tags\n"
        '"Eve [@click=app.quit] \x1b]0;pwned\x07",Evil \x1b[31mCorp\x1b[0m\u202e,'
        '"copy \x1b]52;c;ZWNobyBwd25lZA==\x07this\x9b2J",a\x1b[5mb\n',
        encoding="utf-8",
    )
    outputs = [run(capsys, "import", "people", hostile)]
    outputs += [run(capsys, "people"), run(capsys, "who", "eve"), run(capsys, "who", "eve", "--json"),
                run(capsys, "people", "--json"), run(capsys, "point", "Eve", "--work", "x\x1b[2Jy")]
    for result in outputs:
        assert result.code == 0, result.err
        text = result.out + result.err
        assert "\x1b" not in text and "\x07" not in text
        assert not CONTROL_CHARS.search(text.replace("\n", "").replace("\t", "")), repr(text)
    card = run(capsys, "who", "eve")
    assert card.out.startswith("Eve [@click=app.quit]")
    assert "Evil Corp" in card.out


def test_hostile_schedule_cannot_reach_the_terminal(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.ics"
    hostile.write_bytes(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nX-WR-CALNAME:Evil\x1b]0;pwned\x07Con\r\n"
        "BEGIN:VEVENT\r\nUID:h1\r\nDTSTART:20261203T100000Z\r\nSUMMARY:Talk\x1b[2J\x9b31m\u202eevil\r\n"
        "LOCATION:Hall\x1b]52;c;aGk=\x07 A\r\nDESCRIPTION:Speaker: Mallory\x1b[5m\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n".encode()
    )
    outputs = [run(capsys, "import", "schedule", hostile), run(capsys, "sessions"), run(capsys, "sessions", "--json")]
    for result in outputs:
        assert result.code == 0, result.err
        assert not CONTROL_CHARS.search((result.out + result.err).replace("\n", "")), repr(result.out)
    assert "Talkevil" in outputs[1].out and "Hall A" in outputs[1].out


# --- through a real process ---------------------------------------------------------------------


def companion(*argv: object, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COMPANION_DATA_DIR": str(data_dir), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "companion", *map(str, argv)],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=60,
    )


def test_real_process_import_and_list_a_day(isolated_data_dir: Path) -> None:
    imported = companion("import", "schedule", CONFERENCE, data_dir=isolated_data_dir)
    assert imported.returncode == 0, imported.stderr
    assert "Imported 48 sessions" in imported.stdout
    day = companion("sessions", "--day", "2026-12-04", "--json", data_dir=isolated_data_dir)
    assert day.returncode == 0, day.stderr
    expected = sum(1 for ev in sample_events() if ev.decoded("DTSTART").astimezone(BERLIN).date() == date(2026, 12, 4))
    assert len(json.loads(day.stdout)) == expected > 0


def test_real_process_error_is_one_line_with_status_1(isolated_data_dir: Path) -> None:
    result = companion("import", "schedule", PEOPLE, data_dir=isolated_data_dir)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("companion: error:")
    assert "Traceback" not in result.stderr
    assert not isolated_data_dir.exists() or snapshot(isolated_data_dir) == {}
    unknown = companion("--no-such-flag", data_dir=isolated_data_dir)
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("companion: error:") and unknown.stderr.count("\n") == 1


def test_real_process_invalid_first_start_is_not_a_traceback(isolated_data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad-start.ics"
    bad.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
        b"BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:Bad start\r\nDTSTART:tomorrow\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:2\r\nSUMMARY:Good talk\r\nDTSTART:20261203T100000Z\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    result = companion("import", "schedule", bad, data_dir=isolated_data_dir)
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr
    assert "Imported 1 session into" in result.stdout
    assert re.search(r"skipped 1: .*start", result.stdout), result.stdout  # says what was left out and why
