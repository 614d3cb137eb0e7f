"""The app and the command line share the data without losing a word (issue 14, lost writes).

A save changes only the fields the user changed, read and written inside the lock; a field changed
on both sides keeps both. A note whose save fails stays in its form. The app notices changes made
outside it and every screen shows them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from filelock import FileLock
from textual.widgets import Checkbox, Input, Static, TextArea

from companion.cli import main
from companion.models import Person, TalkingPoint
from companion.store import Store
from screens.app import CompanionApp
from screens.modals import EditNoteModal, NoteModal, PersonModal, TalkingPointModal
from screens.rowlist import RowList
from support import CONFERENCE_MORNING

NOW = CONFERENCE_MORNING


def companion(store: Store, *argv: str) -> None:
    """The command line, as a shell beside the app runs it (another Store on the same folder)."""
    assert main([*argv, "--data-dir", str(store.data_dir)]) == 0


def add_tag_and_link(store: Store, tmp_path: Path, name: str) -> None:
    """`companion import people` with a row for someone on the list: their tag and link are added."""
    csv = tmp_path / "more.csv"
    csv.write_text(f"name,tags,linkedin\n{name},met-at-dinner,https://www.linkedin.com/in/example-person\n")
    companion(store, "import", "people", str(csv))


def selected_name(app: CompanionApp) -> str:
    rows = app.screen.query_one("#people", RowList)
    return str(rows.row(rows.cursor)[0])


# Merging one record ---------------------------------------------------------------------------


def test_a_merge_takes_each_field_from_the_side_that_changed_it() -> None:
    from companion.merge import TEXT, merge_rows

    rules = {"role": TEXT, "tags": "set", "priority": "mine", "links": "map", "last_interaction": "latest"}
    base = {"role": "", "tags": ["a"], "priority": "hope-to-meet", "links": {}, "last_interaction": None}
    mine = {**base, "priority": "met"}
    theirs = {**base, "tags": ["a", "b"], "links": {"github": "x"}, "last_interaction": "2026-12-03T09:00:00+00:00"}
    merged = merge_rows(base, mine, theirs, rules)
    assert merged.row == {"role": "", "tags": ["a", "b"], "priority": "met", "links": {"github": "x"},
                          "last_interaction": "2026-12-03T09:00:00+00:00"}
    assert merged.conflicts == []


def test_a_field_changed_on_both_sides_keeps_both() -> None:
    from companion.merge import TEXT, merge_rows

    rules = {"question": TEXT, "tags": "set", "last_interaction": "latest"}
    base = {"question": "old", "tags": ["a", "b"], "last_interaction": "2026-12-01T09:00:00+00:00"}
    mine = {"question": "mine", "tags": ["b", "c"], "last_interaction": "2026-12-03T09:00:00+00:00"}
    theirs = {"question": "theirs", "tags": ["a", "b", "d"], "last_interaction": "2026-12-02T09:00:00+00:00"}
    merged = merge_rows(base, mine, theirs, rules)
    assert "mine" in merged.row["question"] and "theirs" in merged.row["question"]
    assert merged.row["tags"] == ["b", "d", "c"]  # my removal of a and addition of c, their d
    assert merged.row["last_interaction"] == "2026-12-03T09:00:00+00:00"
    assert merged.conflicts == ["question"]


def test_a_stale_person_saved_from_a_second_store_keeps_what_the_first_added(tmp_path: Path) -> None:
    app_store = Store(tmp_path / "data")
    ada = app_store.save_person(Person(name="Ada Lovelace", tags=["math"]))
    shown = app_store.person(ada.id)  # what a screen loaded
    cli_store = Store(tmp_path / "data")
    cli_store.add_people([Person(name="Ada Lovelace", tags=["engines"], links={"github": "ada"})])
    edited = shown.replace(role="Analyst")
    app_store.save_person(edited, base=shown)
    stored = Store(tmp_path / "data").person(ada.id)
    assert stored.role == "Analyst" and stored.tags == ["math", "engines"] and stored.links == {"github": "ada"}


# Item 1: stale saves from the People screen and the talking-point form -------------------------


async def test_priority_in_the_app_keeps_a_tag_link_and_note_added_from_the_command_line(
    demo_store: Store, tmp_path: Path
) -> None:
    app = CompanionApp(store=demo_store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        assert selected_name(app) == "Amara Nwosu"
        amara = next(p for p in demo_store.people() if p.name == "Amara Nwosu")
        add_tag_and_link(demo_store, tmp_path, "Amara Nwosu")
        companion(demo_store, "note", "add", "Met her at the speaker dinner", "--person", "Amara Nwosu")
        await pilot.press("p")
        await pilot.pause()
        stored = Store(demo_store.data_dir).person(amara.id)
        assert stored.priority != amara.priority  # the priority changed
        assert "met-at-dinner" in stored.tags
        assert stored.links.get("linkedin") == "https://www.linkedin.com/in/example-person"
        assert stored.last_interaction is not None


async def test_editing_a_person_keeps_what_the_command_line_added_while_the_form_was_open(
    demo_store: Store, tmp_path: Path
) -> None:
    app = CompanionApp(store=demo_store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3", "e")
        await pilot.pause()
        assert isinstance(app.screen, PersonModal)
        amara = next(p for p in demo_store.people() if p.name == "Amara Nwosu")
        add_tag_and_link(demo_store, tmp_path, "Amara Nwosu")
        companion(demo_store, "note", "add", "Met her at the speaker dinner", "--person", "Amara Nwosu")
        app.screen.query_one("#role", Input).value = "Staff engineer"
        await pilot.press("ctrl+s")
        await pilot.pause()
        stored = Store(demo_store.data_dir).person(amara.id)
        assert stored.role == "Staff engineer"
        assert "met-at-dinner" in stored.tags and set(amara.tags) <= set(stored.tags)
        assert stored.links.get("linkedin") == "https://www.linkedin.com/in/example-person"
        assert stored.last_interaction is not None


async def test_the_talking_point_form_keeps_answers_given_on_the_command_line_while_it_was_open(
    demo_store: Store,
) -> None:
    app = CompanionApp(store=demo_store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("3", "t")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, TalkingPointModal)
        amara = next(p for p in demo_store.people() if p.name == "Amara Nwosu")
        companion(demo_store, "point", "Amara Nwosu", "--offer", "Our screen reader test matrix",
                  "--question", "Do you test with NVDA or JAWS first?")
        form.query_one("#answer-work", Input).value = "Her talk on screen readers in web apps"
        form.query_one("#answer-question", Input).value = "Which screen reader do you test with first?"
        await pilot.press("ctrl+s")
        await pilot.pause()
        point = Store(demo_store.data_dir).talking_point(amara.id)
        assert point is not None
        assert point.work == "Her talk on screen readers in web apps"
        assert point.offer == "Our screen reader test matrix"  # only the command line changed it
        assert "Which screen reader do you test with first?" in point.question  # both changed it: both kept
        assert "Do you test with NVDA or JAWS first?" in point.question
        assert any("question" in str(n.message) for n in app._notifications)  # and the user is told


def test_the_command_line_point_changes_only_the_answers_it_is_given(demo_store: Store) -> None:
    amara = next(p for p in demo_store.people() if p.name == "Amara Nwosu")
    demo_store.save_talking_point(TalkingPoint(amara.id, work="Her accessibility audit post", common="Both in Lagos"))
    base = demo_store.talking_point(amara.id)
    assert base is not None
    companion(demo_store, "point", "Amara Nwosu", "--offer", "Our test matrix")
    demo_store.save_talking_point(base.replace(common="Both in Lagos once"), base=base)  # a stale form saves
    point = Store(demo_store.data_dir).talking_point(amara.id)
    assert point is not None and point.offer == "Our test matrix" and point.common == "Both in Lagos once"


# Item 2: a note is never thrown away ------------------------------------------------------------


async def test_a_note_whose_save_times_out_stays_in_its_form_and_saves_once_the_lock_is_free(
    demo_store: Store,
) -> None:
    before = len(demo_store.notes())
    demo_store.user.lock.timeout = 0.05  # an import suspended with ctrl+z holds the lock
    held = FileLock(str(demo_store.user.path) + ".lock")
    app = CompanionApp(store=demo_store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("1", "n")
        await pilot.pause()
        await pilot.press(*"Ask Kenji about his TUI tests")
        app.screen.query_one("#note-people", Input).value = "Kenji"
        app.screen.query_one("#note-promises", Input).value = "our snapshot harness"
        await pilot.click("#note-thank")
        with held:
            await pilot.press("ctrl+s")
            await pilot.pause()
        assert isinstance(app.screen, NoteModal)  # still open, with everything typed
        assert app.screen.query_one("#note-text", TextArea).text == "Ask Kenji about his TUI tests"
        assert app.screen.query_one("#note-people", Input).value == "Kenji"
        assert app.screen.query_one("#note-promises", Input).value == "our snapshot harness"
        assert app.screen.query_one("#note-thank", Checkbox).value
        assert not app.screen.query_one("#note-waiting", Checkbox).value
        assert "locked" in str(app.screen.query_one("#note-error", Static).visual)
        assert len(demo_store.notes()) == before
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, NoteModal)
        note = max(demo_store.notes(), key=lambda n: n.id)
        assert note.text == "Ask Kenji about his TUI tests"
        kenji = next(p for p in demo_store.people() if p.name == "Kenji Watanabe")
        assert note.person_ids == [kenji.id]
        assert sorted(f.kind for f in demo_store.followups() if f.note_id == note.id) == ["promise", "thank"]


async def test_a_note_about_a_session_removed_by_a_reimport_is_saved_without_it(demo_store: Store) -> None:
    app = CompanionApp(store=demo_store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("2", "down", "n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NoteModal) and form.session is not None
        gone = form.session
        await pilot.press(*"Lockfile talk: try uv export")
        other = Store(demo_store.data_dir)  # a re-import on the command line drops the session
        conference = other.conference(gone.conference)
        other.save_schedule(conference, [s for s in other.sessions(conference.id) if s.id != gone.id])
        await pilot.press("ctrl+s")
        await pilot.pause()
        note = max(demo_store.notes(), key=lambda n: n.id)
        assert note.text == "Lockfile talk: try uv export" and note.session_id == ""
        assert any("without the session" in str(n.message) for n in app._notifications)


async def test_an_edited_note_whose_save_fails_stays_in_its_form(demo_store: Store) -> None:
    demo_store.user.lock.timeout = 0.05
    held = FileLock(str(demo_store.user.path) + ".lock")
    app = CompanionApp(store=demo_store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        rows = app.screen.query_one("#people", RowList)
        while str(rows.row(rows.cursor)[0]) != "Tomasz Wierzbicki":
            await pilot.press("down")
        await pilot.press("o", "e")
        await pilot.pause()
        app.screen.query_one("#edit-note", TextArea).text = "Sampling config: 10% head-based"
        with held:
            await pilot.press("ctrl+s")
            await pilot.pause()
        assert isinstance(app.screen, EditNoteModal)
        assert app.screen.query_one("#edit-note", TextArea).text == "Sampling config: 10% head-based"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any(n.text == "Sampling config: 10% head-based" for n in demo_store.notes())


# Item 3: the app sees changes made outside it ---------------------------------------------------


async def test_the_schedule_shows_a_starred_talk_moved_by_a_command_line_import(demo_store: Store) -> None:
    session_id = "nwoss26-002@northwind.example"
    demo_store.set_star(session_id, True)
    app = CompanionApp(store=demo_store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        talk = demo_store.session(session_id)
        moved = talk.replace(start=talk.start + timedelta(hours=3), end=talk.end + timedelta(hours=3))
        other = Store(demo_store.data_dir)
        conference = other.conference(talk.conference)
        other.save_schedule(conference, [moved if s.id == session_id else s for s in other.sessions(conference.id)])
        app.check_data_files()  # what the app's one-second timer runs
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        rows = screen.query_one("#sessions", RowList)
        listed = {str(rows.row(i)[3]): str(rows.row(i)[2]) for i in range(rows.row_count)}  # title: time
        zone = screen.zone  # type: ignore[attr-defined]
        assert listed[talk.title].startswith(f"{moved.start.astimezone(zone):%H:%M}")


def test_the_data_stamp_changes_with_an_outside_save_and_not_with_a_read(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    stamp = store.data_stamp()
    store.people()
    assert store.data_stamp() == stamp
    Store(tmp_path / "data").save_person(Person(name="Ada Lovelace"))
    assert store.data_stamp() != stamp


def test_the_store_tells_its_own_saves_from_another_process(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    seen = store.data_stamp()
    store.save_person(Person(name="Ada Lovelace"))
    store.set_star("some-session", True)
    seen, elsewhere = store.changed_elsewhere(seen)
    assert not elsewhere  # the app's own saves: its screens reloaded already
    Store(tmp_path / "data").save_person(Person(name="Grace Hopper"))
    store.save_person(Person(name="Alan Turing"))  # an own save after theirs does not hide theirs
    _, elsewhere = store.changed_elsewhere(seen)
    assert elsewhere


async def test_editing_a_person_removed_meanwhile_keeps_the_form_and_can_add_them_again(demo_store: Store) -> None:
    app = CompanionApp(store=demo_store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("3", "e")
        await pilot.pause()
        amara = next(p for p in demo_store.people() if p.name == "Amara Nwosu")
        Store(demo_store.data_dir).remove_person(amara.id)  # the command line, or another app
        app.screen.query_one("#role", Input).value = "Staff engineer"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PersonModal)  # what was typed is still there
        assert app.screen.query_one("#role", Input).value == "Staff engineer"
        assert any("removed elsewhere" in str(n.message) for n in app._notifications)
        await pilot.press("ctrl+s")
        await pilot.pause()
        again = [p for p in Store(demo_store.data_dir).people() if p.name == "Amara Nwosu"]
        assert [p.role for p in again] == ["Staff engineer"]


async def test_the_people_list_keeps_the_selected_person_when_someone_is_added_elsewhere(demo_store: Store) -> None:
    app = CompanionApp(store=demo_store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3", "down", "down", "down")
        await pilot.pause()
        screen = app.screen
        chosen = screen.selected_person()  # type: ignore[attr-defined]
        assert chosen is not None
        Store(demo_store.data_dir).save_person(Person(name="Aaron Aalto"))  # sorts first: every row moves down
        app.check_data_files()  # what the app's one-second timer runs
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Aaron Aalto" in [p.name for p in demo_store.people()]
        selected = screen.selected_person()  # type: ignore[attr-defined]
        assert selected is not None and selected.id == chosen.id, (chosen.name, selected and selected.name)


async def test_the_schedule_keeps_the_selected_session_when_an_import_elsewhere_moves_it(demo_store: Store) -> None:
    app = CompanionApp(store=demo_store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2", "down", "down")
        await pilot.pause()
        screen = app.screen
        chosen = screen.selected_session()  # type: ignore[attr-defined]
        assert chosen is not None
        other = Store(demo_store.data_dir)
        later = chosen.replace(start=chosen.start + timedelta(hours=4), end=chosen.end + timedelta(hours=4))
        other.save_schedule(other.conference(chosen.conference),
                            [later if s.id == chosen.id else s for s in other.sessions(chosen.conference)])
        app.check_data_files()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        selected = screen.selected_session()  # type: ignore[attr-defined]
        assert selected is not None and selected.id == chosen.id and selected.start == later.start


async def test_the_followups_keep_the_selected_one_when_one_is_added_elsewhere(demo_store: Store) -> None:
    app = CompanionApp(store=demo_store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4", "down", "down", "down")  # the last: a nudge due in five days
        await pilot.pause()
        screen = app.screen
        chosen = screen.selected()  # type: ignore[attr-defined]
        assert chosen is not None and chosen.kind == "nudge"
        person = next(p for p in demo_store.people() if p.name == "Amara Nwosu")
        main(["--data-dir", str(demo_store.data_dir), "note", "add", "--person", str(person.id), "--thank", "Met at lunch"])
        app.check_data_files()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        selected = screen.selected()  # type: ignore[attr-defined]
        assert len(screen.items) > 1 and selected is not None and selected.id == chosen.id  # type: ignore[attr-defined]
