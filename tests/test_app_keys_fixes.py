"""Keys a tester found wrong: Down/Up from the People filter to the list, where the Follow-ups
cursor lands after each key that acts on an item, the snooze form's date line as typed, and the
import form's Tab completion, kept path and unknown files."""

from __future__ import annotations

from textual.widgets import Input

from companion.store import Store
from screens.app import CompanionApp
from screens.rowlist import RowList
from support import CONFERENCE_MORNING


def make_app(store: Store) -> CompanionApp:
    return CompanionApp(store=store, clock=lambda: CONFERENCE_MORNING)


# People: the filter's Down and Up ------------------------------------------------------------


async def test_down_and_up_leave_the_people_filter_for_the_list(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("3", "slash", "g", "r")
        await pilot.pause()
        field = app.screen.query_one("#people-filter", Input)
        rows = app.screen.query_one("#people", RowList)
        assert app.focused is field
        await pilot.press("down")
        assert app.focused is rows
        person = app.screen.selected_person()
        assert person is not None
        before = person.priority
        await pilot.press("p")
        await pilot.pause()
        assert field.value == "gr"  # p did not type into the filter
        assert demo_store.person(person.id).priority != before  # it changed the priority
        await pilot.press("slash")
        assert app.focused is field
        await pilot.press("up")
        assert app.focused is rows
        assert field.value == "gr"


# Follow-ups: the cursor after d, w, z, x, y and N ----------------------------------------------


def listed_titles(app: CompanionApp) -> list[str]:
    return [item.title for _, item in app.screen.items]


def selected_title(app: CompanionApp) -> str:
    item = app.screen.selected()
    assert item is not None
    return item.title


async def open_followups(app: CompanionApp, pilot, title: str) -> None:  # noqa: ANN001
    await pilot.press("4")
    await pilot.pause()
    titles = listed_titles(app)
    rows = app.screen.query_one("#followups", RowList)
    rows.cursor = titles.index(title)
    await pilot.pause()
    assert selected_title(app) == title


THANK = "Thank Tomasz Wierzbicki"
PROMISE = "Promised Tomasz Wierzbicki: our sampling benchmark results"
NUDGE = "Nudge Sofia Lindqvist (no reply yet)"
ASK = "Ask Liam O'Brien whether they would like an introduction to Sofia Lindqvist"


async def test_w_keeps_the_cursor_on_the_item_it_moved_and_x_then_drops_that_one(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_followups(app, pilot, THANK)
        await pilot.press("w")
        await pilot.pause()
        assert app.screen.items[listed_titles(app).index(THANK)][0] == "waiting"  # it moved to the waiting group
        assert selected_title(app) == THANK  # and the cursor went with it
        await pilot.press("x")
        await pilot.pause()
        titles = listed_titles(app)
        assert THANK not in titles and PROMISE in titles  # the thank-you was dropped, not the promise
        dropped = {f.title for f in demo_store.followups(statuses=("dropped",))}
        assert dropped == {THANK}


async def test_d_and_x_move_the_cursor_to_the_item_after_the_one_that_left(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_followups(app, pilot, THANK)
        after = listed_titles(app)[listed_titles(app).index(THANK) + 1]
        await pilot.press("d")
        await pilot.pause()
        assert THANK not in listed_titles(app)
        assert selected_title(app) == after
        await pilot.press("x")  # drops the one now selected: the one after, which took its place
        await pilot.pause()
        assert after not in listed_titles(app)
        assert {f.title for f in demo_store.followups(statuses=("dropped",))} == {after}
        # The last item leaving: the cursor goes to the one before it.
        rows = app.screen.query_one("#followups", RowList)
        rows.cursor = len(app.screen.items) - 1
        await pilot.pause()
        last, before = listed_titles(app)[-1], listed_titles(app)[-2]
        await pilot.press("d")
        await pilot.pause()
        assert last not in listed_titles(app) and selected_title(app) == before


async def test_z_keeps_the_cursor_on_the_snoozed_item_wherever_it_moves(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_followups(app, pilot, ASK)  # first in the list, due today
        await pilot.press("z")
        await pilot.pause()
        field = app.screen.query_one("#date", Input)
        field.value = "+5"
        await pilot.press("enter")
        await pilot.pause()
        assert listed_titles(app).index(ASK) != 0  # it moved down the list
        assert selected_title(app) == ASK


async def test_d_on_an_introduction_ask_keeps_it_selected_and_y_n_move_to_the_next(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_followups(app, pilot, ASK)
        await pilot.press("d")  # asked: it waits for the answer, still listed
        await pilot.pause()
        assert ASK in listed_titles(app) and selected_title(app) == ASK
        titles = listed_titles(app)
        after = titles[titles.index(ASK) + 1] if titles.index(ASK) + 1 < len(titles) else titles[titles.index(ASK) - 1]
        await pilot.press("N")
        await pilot.pause()
        assert ASK not in listed_titles(app)
        assert selected_title(app) == after
        await pilot.press("ctrl+z")  # undo: the ask is back, and selected
        await pilot.pause()
        assert selected_title(app) == ASK
        titles = listed_titles(app)
        after = titles[titles.index(ASK) + 1] if titles.index(ASK) + 1 < len(titles) else titles[titles.index(ASK) - 1]
        await pilot.press("y")
        await pilot.pause()
        assert ASK not in listed_titles(app)
        assert selected_title(app) == after


# The snooze form: the date line follows what is typed ------------------------------------------


def shown(modal, selector: str) -> str:  # noqa: ANN001
    from textual.widgets import Static

    return str(modal.query_one(selector, Static).visual)


async def test_the_snooze_preview_follows_what_is_typed_and_says_what_does_not_parse(demo_store: Store) -> None:
    from datetime import timedelta

    from screens.modals import DateModal

    app = make_app(demo_store)
    today = CONFERENCE_MORNING.date()
    async with app.run_test(size=(120, 30)) as pilot:
        await open_followups(app, pilot, THANK)
        await pilot.press("z")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, DateModal)
        default = modal.default
        assert f"{default:%A %d %B}" in shown(modal, "#date-preview")
        modal.query_one("#date", Input).value = ""
        await pilot.pause()
        assert f"{default:%A %d %B}" not in shown(modal, "#date-preview")  # empty: no date, stale or not
        assert shown(modal, "#date-error") != ""
        await pilot.press("plus", "3")
        await pilot.pause()
        three = today + timedelta(days=3)
        assert f"{three:%A %d %B}" in shown(modal, "#date-preview")
        assert shown(modal, "#date-error") == ""
        modal.query_one("#date", Input).value = ""
        await pilot.press("m", "o", "n")
        await pilot.pause()
        monday = today + timedelta(days=(0 - today.weekday() - 1) % 7 + 1)
        assert f"{monday:%A %d %B}" in shown(modal, "#date-preview")
        await pilot.press("x")  # "monx": not a day
        await pilot.pause()
        assert f"{monday:%A %d %B}" not in shown(modal, "#date-preview")
        assert "monx" in shown(modal, "#date-error") and "weekday" in shown(modal, "#date-error")
        modal.query_one("#date", Input).value = "2001-01-01"
        await pilot.pause()
        assert "past" in shown(modal, "#date-error") and "2001" not in shown(modal, "#date-preview")


# The import form: Tab, the kept path, a file companion does not read ----------------------------


def import_app(tmp_path) -> CompanionApp:  # noqa: ANN001
    return make_app(Store(tmp_path / "data"))


async def test_tab_completes_the_one_file_whole_and_imports_it(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    from pathlib import Path

    sample = Path(__file__).resolve().parent.parent / "sample_schedules" / "people.csv"
    (tmp_path / "outlook_contacts.csv").write_bytes(sample.read_bytes())
    (tmp_path / "notes.txt").write_text("x")
    app = import_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        field = app.screen.query_one("#source", Input)
        await pilot.press(*f"{tmp_path}/out")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("tab")
        await pilot.pause()
        assert field.value == f"{tmp_path}/outlook_contacts.csv"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.screen.is_modal
        assert len(app.store.people()) == 16


async def test_tab_with_several_files_completes_what_they_share_and_lists_them(tmp_path) -> None:  # noqa: ANN001
    from textual.widgets import Static

    for name in ("outlook_contacts.csv", "outlook_export.vcf", "other.txt"):
        (tmp_path / name).write_text("name\nAda\n")
    app = import_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        field = app.screen.query_one("#source", Input)
        choices = app.screen.query_one("#source-choices", Static)
        assert not choices.display
        await pilot.press(*f"{tmp_path}/out")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # The grey suggestion after the cursor is what tab puts in the field, never one file of several.
        assert field._suggestion in ("", f"{tmp_path}/outlook_")
        await pilot.press("tab")
        await pilot.pause()
        assert field.value == f"{tmp_path}/outlook_"
        assert app.focused is field
        assert choices.display
        listed = str(choices.visual)
        assert "outlook_contacts.csv" in listed and "outlook_export.vcf" in listed and "other.txt" not in listed
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert field._suggestion in ("", f"{tmp_path}/outlook_")  # no whole file offered of the two
        await pilot.press("c", "tab")  # one left: completed whole, the choices gone
        await pilot.pause()
        assert field.value == f"{tmp_path}/outlook_contacts.csv"
        assert not choices.display
        # Typed up to what they share: tab lists them and stays; tab again (listed) moves on, the path as it was.
        field.value = f"{tmp_path}/outlook_"
        field.cursor_position = len(field.value)
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is field and choices.display and field.value == f"{tmp_path}/outlook_"
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is not field and field.value == f"{tmp_path}/outlook_"


async def test_after_an_error_the_kept_path_is_not_selected_and_typing_goes_on_at_its_end(tmp_path) -> None:  # noqa: ANN001
    app = import_app(tmp_path)
    missing = f"{tmp_path}/fosdem-2027.ics"
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        await pilot.press(*missing, "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        from screens.modals import ImportModal

        assert isinstance(app.screen, ImportModal)
        field = app.screen.query_one("#source", Input)
        assert field.value == missing
        assert field.selection.start == field.selection.end == len(missing)
        await pilot.press("x")
        assert field.value == missing + "x"  # added at the end, the path not replaced


async def test_a_file_that_is_neither_a_schedule_nor_people_says_so(tmp_path) -> None:  # noqa: ANN001
    from textual.widgets import Static

    readme = tmp_path / "README.md"
    readme.write_text("# Companion, a conference tool\n\nIt keeps your schedule and people.\n\n## Install\n\npip install x\n")
    app = import_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        await pilot.press(*str(readme), "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        error = str(app.screen.query_one("#import-error", Static).render())
        assert "README.md" in error and "not a schedule or a people list companion reads" in error
        assert "no name column" not in error
        assert app.store.people() == [] and app.store.conferences() == []


def test_sniffing_tells_a_table_of_people_from_other_text() -> None:
    import pytest

    from companion.errors import SourceError
    from companion.importers.sources import sniff_import_kind

    assert sniff_import_kind(b"Name\nAda Lovelace\n") == "people"  # one column, a name
    assert sniff_import_kind(b"email;company\na@example.org;X\n") == "people"  # read columns, no name: its importer says so
    assert sniff_import_kind(b"colour,size\nred,3\nblue,4\n") == "people"  # a table: its importer names what is missing
    assert sniff_import_kind(b"\xff\xfen\x00a\x00") == "people"  # UTF-16: the people importer says to save as UTF-8
    for text in (b"# Notes, mostly\n\nSome prose here.\nMore prose, with a comma, or two.\n", b"just one line of words\n"):
        with pytest.raises(SourceError, match="notes.md: not a schedule or a people list companion reads"):
            sniff_import_kind(text, "notes.md")
