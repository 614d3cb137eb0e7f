"""Before and long after (issue 15, item 6): a virtual hello before the conference to the people on
the list who speak there, and closing the loop four weeks after a note that says "I will tell
them how it went"."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, TextArea

from companion.cards import followup_draft
from companion.demo import build_demo_store
from companion.followups import TELL_LATER_DAYS, NoteActions
from companion.models import TalkingPoint
from companion.store import Store
from screens.app import CompanionApp
from screens.modals import NoteModal
from support import BERLIN, SAMPLE_DIR, CliResult, assert_one_line_error

CONFERENCE_ID = "northwind-open-source-summit-2026"
FIRST_DAY = date(2026, 12, 3)
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
IN_THE_APP = datetime(2026, 12, 3, 10, 45, tzinfo=BERLIN)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return build_demo_store(tmp_path / "demo", today=FIRST_DAY, now=IN_THE_APP)


def speakers(store: Store) -> dict[int, str]:
    """The people on the list who speak at the sample conference, with the title of their first talk."""
    matcher = store.speaker_matcher()
    found: dict[int, str] = {}
    for session in store.sessions(CONFERENCE_ID):
        for speaker in session.speakers:
            person_id = matcher.match(speaker.name).person_id
            if person_id is not None and session.status != "cancelled":
                found.setdefault(person_id, session.title)
    return found


def test_one_hello_per_listed_speaker_three_days_before_and_never_twice(store: Store) -> None:
    expected = speakers(store)
    assert len(expected) >= 5
    added, had = store.add_hellos(CONFERENCE_ID, today=NOW.date(), now=NOW)
    assert had == 0
    assert {f.person_id: f.detail for f in added} == expected  # their talk, named
    assert all(f.kind == "hello" and f.due == FIRST_DAY - timedelta(days=3) for f in added)
    assert all(expected[f.person_id] in f.title for f in added)
    again, had = store.add_hellos(CONFERENCE_ID, today=NOW.date(), now=NOW)
    assert again == [] and had == len(expected)
    store.set_followup_status(added[0].id, "done")
    again, had = store.add_hellos(CONFERENCE_ID, today=NOW.date(), now=NOW)
    assert again == [] and had == len(expected)  # done is done: no second hello
    assert sum(1 for f in store.followups() if f.kind == "hello") == len(expected)


def test_a_hello_planned_late_is_due_today(store: Store) -> None:
    late = FIRST_DAY - timedelta(days=1)
    added, _ = store.add_hellos(CONFERENCE_ID, today=late, now=NOW)
    assert added and all(f.due == late for f in added)


def test_the_hello_draft_says_who_what_helped_and_the_talk_and_asks_for_nothing(store: Store) -> None:
    added, _ = store.add_hellos(CONFERENCE_ID, today=NOW.date(), now=NOW)
    hello = added[0]
    person = store.person(hello.person_id)
    store.save_talking_point(TalkingPoint(
        person_id=person.id, work="the blog post on lockfiles", how="It fixed our CI in an afternoon.",
        question="How do you test the resolver?", offer="our benchmark data",
    ))
    draft = followup_draft(store, hello)
    assert person.name in draft.to
    body = draft.body
    assert "[your name]" in body  # the app does not know the user's name: clearly marked to fill in
    assert any("bracketed" in hint for hint in draft.hints)
    assert "Thank you for the blog post on lockfiles." in body
    assert "It fixed our CI in an afternoon." in body
    assert f"your talk, “{hello.detail}”" in body
    assert "resolver" not in body and "benchmark" not in body  # no question, no offer: it asks for nothing
    assert "No need to reply" in body
    assert body.startswith(f"Hi {person.name.split()[0]},")


def test_a_hello_without_a_talking_point_leaves_marked_gaps(store: Store) -> None:
    added, _ = store.add_hellos(CONFERENCE_ID, today=NOW.date(), now=NOW)
    hello = next(f for f in added if store.talking_point(f.person_id) is None or not store.talking_point(f.person_id).work)
    body = followup_draft(store, hello).body
    assert "[which part of your work helped me]" in body and hello.detail in body


# --- the command line ---------------------------------------------------------------------------


def future_schedule(tmp_path: Path) -> Path:
    """Two talks three weeks from today, by two people on the sample list and one who is not."""
    first = date.today() + timedelta(days=21)
    day = first.strftime("%Y%m%d")
    events = [
        ("t1", "090000", "Lockfiles Without Tears", "Priya Raman"),
        ("t2", "110000", "Bindings That Last", "José Álvarez"),
        ("t3", "140000", "Nobody You Know", "Zebulon Quirke"),
    ]
    text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nX-WR-CALNAME:Future Conf\r\n"
    for uid, hour, title, speaker in events:
        text += (f"BEGIN:VEVENT\r\nUID:{uid}@future.example\r\nDTSTAMP:20261101T090000Z\r\n"
                 f"DTSTART:{day}T{hour}Z\r\nDTEND:{day}T{hour[:2]}5000Z\r\nSUMMARY:{title}\r\n"
                 f"DESCRIPTION:Speakers: {speaker}\r\nATTENDEE;CN={speaker}:mailto:{uid}@future.example\r\n"
                 "END:VEVENT\r\n")
    path = tmp_path / "future.ics"
    path.write_text(text + "END:VCALENDAR\r\n", encoding="utf-8")
    return path


def test_followups_hello_drafts_a_hello_naming_the_talk_for_each_listed_speaker(
    cli, tmp_path: Path, isolated_data_dir: Path  # noqa: ANN001
) -> None:
    assert cli("import", "schedule", future_schedule(tmp_path)).code == 0
    assert cli("import", "people", SAMPLE_DIR / "people.csv").code == 0
    result: CliResult = cli("followups", "hello")
    assert result.code == 0, result.err
    assert "Planned 2 hellos" in result.out
    hellos = [f for f in Store(isolated_data_dir).followups() if f.kind == "hello"]
    assert {f.detail for f in hellos} == {"Lockfiles Without Tears", "Bindings That Last"}
    assert all(f.due == date.today() + timedelta(days=18) for f in hellos)
    for hello in hellos:
        draft = cli("followups", "draft", hello.id)
        assert draft.code == 0, draft.err
        assert f"your talk, “{hello.detail}”" in draft.out
    again = cli("followups", "hello")
    assert again.code == 0 and "already have a hello" in again.out
    assert sum(1 for f in Store(isolated_data_dir).followups() if f.kind == "hello") == 2


def test_followups_hello_after_the_conference_is_one_line(cli) -> None:  # noqa: ANN001
    assert cli("import", "schedule", SAMPLE_DIR / "conference.ics").code == 0  # 3-4 December 2026
    if date.today() <= date(2026, 12, 4):
        pytest.skip("the sample conference has not ended yet")
    line = assert_one_line_error(cli("followups", "hello"))
    assert "ended" in line


def test_followups_hello_names_an_unknown_conference(cli) -> None:  # noqa: ANN001
    line = assert_one_line_error(cli("followups", "hello", "--conference", "nope"))
    assert "nope" in line


def test_tell_later_adds_the_four_week_follow_up(cli, isolated_data_dir: Path) -> None:  # noqa: ANN001
    assert cli("import", "people", SAMPLE_DIR / "people.csv").code == 0
    result = cli("note", "add", "She suggested trying uv for our monorepo", "--person", "Priya", "--tell-later")
    assert result.code == 0, result.err
    assert "Tell Priya Raman how it went" in result.out
    (item,) = [f for f in Store(isolated_data_dir).followups() if f.kind == "tell-later"]
    assert item.due == date.today() + timedelta(days=28) and TELL_LATER_DAYS == 28
    draft = cli("followups", "draft", item.id)
    assert draft.code == 0, draft.err
    assert "I would let you know how it went" in draft.out
    assert "[How it went:" in draft.out and "Thank you again" in draft.out
    assert "your note: She suggested trying uv" in draft.err  # the note to write from, never in the message
    without = cli("note", "add", "Nothing to report", "--person", "Priya")
    assert without.code == 0 and "how it went" not in without.out


def test_tell_later_on_a_note_about_two_people_is_one_each(store: Store) -> None:
    people = store.people()[:2]
    _note, followups = store.add_note("Both helped", [p.id for p in people], actions=NoteActions(tell_later=True),
                                      now=NOW)
    assert sorted((f.kind, f.person_id) for f in followups) == sorted(("tell-later", p.id) for p in people)
    assert all(f.due == NOW.date() + timedelta(days=28) for f in followups)


# --- the app ------------------------------------------------------------------------------------


async def test_the_note_form_has_a_tell_later_toggle(store: Store) -> None:
    app = CompanionApp(store=store, clock=lambda: IN_THE_APP)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("1", "n")
        await pilot.pause()
        assert isinstance(app.screen, NoteModal)
        app.screen.query_one("#note-text", TextArea).text = "Tried her idea"
        app.screen.query_one("#note-people", Input).value = "Priya Raman"
        app.screen.query_one("#note-tell-later", Checkbox).value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        note = store.notes()[-1]
        items = [f for f in store.followups() if f.note_id == note.id]
        assert [(f.kind, f.due) for f in items] == [("tell-later", IN_THE_APP.date() + timedelta(days=28))]


async def test_h_on_the_follow_ups_screen_plans_the_hellos_once(store: Store) -> None:
    app = CompanionApp(store=store, clock=lambda: IN_THE_APP)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        hellos = [f for f in store.followups() if f.kind == "hello"]
        assert {f.person_id for f in hellos} == set(speakers(store))
        assert all(f.due == IN_THE_APP.date() for f in hellos)  # three days before has passed: today
        assert any(item.kind == "hello" for _, item in app.screen.items)
        await pilot.press("h")
        await pilot.pause()
        assert sum(1 for f in store.followups() if f.kind == "hello") == len(hellos)
