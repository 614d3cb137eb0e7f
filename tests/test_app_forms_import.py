"""The import form (i): what a file holds is read from its content (a people CSV or vCard is
imported as people without the user choosing), a failed import opens the form again with the path
kept and the error in it, and the path field completes paths (tab, and a suggestion as you type)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from companion.importers.sources import sniff_import_kind
from companion.store import Store
from screens.app import CompanionApp
from screens.modals import ImportModal, PathSuggester, complete_path
from support import CONFERENCE_MORNING

SAMPLE = Path(__file__).resolve().parent.parent / "sample_schedules"
VCARD = ("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lovelace;Ada;;;\r\nFN:Ada Lovelace\r\nORG:Analytical Engines\r\nEND:VCARD\r\n"
         "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Grace Hopper\r\nEMAIL:grace@example.org\r\nEND:VCARD\r\n")


def make_app(store: Store) -> CompanionApp:
    return CompanionApp(store=store, clock=lambda: CONFERENCE_MORNING)


async def import_typed(pilot, source: str) -> None:  # noqa: ANN001
    await pilot.press("i")
    await pilot.pause()
    await pilot.press(*source, "ctrl+s")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("name", ["contacts.csv", "contacts.txt", "schedule.ics"])
async def test_a_people_csv_is_imported_as_people_whatever_its_name(tmp_path: Path, name: str) -> None:
    store = Store(tmp_path / "data")
    source = tmp_path / name
    shutil.copy(SAMPLE / "people.csv", source)  # content decides, even under a schedule's name
    app = make_app(store)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await import_typed(pilot, str(source))
        assert len(store.people()) == 16
        assert store.conferences() == []
        assert not app.screen.is_modal
        assert any("16 new people" in n.message for n in app._notifications)


async def test_a_vcard_is_imported_as_people_and_a_calendar_as_a_schedule(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    cards = tmp_path / "exported.dat"
    cards.write_text(VCARD)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await import_typed(pilot, str(cards))
        assert sorted(p.name for p in store.people()) == ["Ada Lovelace", "Grace Hopper"]
        await import_typed(pilot, str(SAMPLE / "conference.ics"))
        assert len(store.sessions()) == 48
        assert len(store.people()) == 2


def test_sniff_import_kind_reads_the_content() -> None:
    assert sniff_import_kind((SAMPLE / "conference.ics").read_bytes()) == "schedule"
    assert sniff_import_kind((SAMPLE / "people.csv").read_bytes()) == "people"
    assert sniff_import_kind(b"\xef\xbb\xbf" + VCARD.encode()) == "people"
    assert sniff_import_kind(b"Notes:\r\n\"When exporting your connection data...\"\r\n\r\n"
                             b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n") == "people"
    assert sniff_import_kind(json.dumps({"schedule": {"conference": {"title": "x"}}}).encode()) == "schedule"
    assert sniff_import_kind(b"<?xml version='1.0'?><schedule><conference/></schedule>") == "schedule"
    # JSON or XML that is no schedule companion reads: the schedule importer says what is wrong.
    assert sniff_import_kind(b'{"people": []}') == "schedule"


async def test_a_failed_import_opens_the_form_again_with_the_path_and_the_error(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    bad = tmp_path / "broken.ics"
    bad.write_text("BEGIN:VCALENDAR\nVERSION:2.0\n")
    app = make_app(store)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await import_typed(pilot, str(bad))
        assert isinstance(app.screen, ImportModal)
        assert app.screen.query_one("#source", Input).value == str(bad)
        error = str(app.screen.query_one("#import-error", Static).render())
        assert "broken.ics" in error
        assert [n.severity for n in app._notifications].count("error") == 1
        # Fixed in place and tried again: the same form imports it.
        bad.write_bytes((SAMPLE / "conference.ics").read_bytes())
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.screen.is_modal
        assert len(store.sessions()) == 48


async def test_the_path_stays_for_the_next_import_after_a_cancel(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    missing = tmp_path / "no-such-file.xml"
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await import_typed(pilot, str(missing))
        assert isinstance(app.screen, ImportModal)
        await pilot.press("escape")  # untouched since it opened again: closes at once
        await pilot.pause()
        assert not app.screen.is_modal
        await pilot.press("i")
        await pilot.pause()
        assert app.screen.query_one("#source", Input).value == str(missing)
        assert str(app.screen.query_one("#import-error", Static).render()) == ""  # the old error is gone


async def test_tab_completes_the_path(tmp_path: Path) -> None:
    (tmp_path / "schedule-2026.xml").write_text("<schedule/>")
    (tmp_path / "talks").mkdir()
    (tmp_path / "talks" / "people.csv").write_text("name\nAda\n")
    store = Store(tmp_path / "data")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        field = app.screen.query_one("#source", Input)
        await pilot.press(*f"{tmp_path}/sch", "tab")
        await pilot.pause()
        assert field.value == f"{tmp_path}/schedule-2026.xml"
        assert app.focused is field  # it completed: focus stays to go on typing
        field.value = f"{tmp_path}/ta"
        field.cursor_position = len(field.value)
        await pilot.press("tab", "tab")  # the folder, then the one file in it
        await pilot.pause()
        assert field.value == f"{tmp_path}/talks/people.csv"
        await pilot.press("tab")  # nothing more to complete: on to the next field
        await pilot.pause()
        assert app.focused is not field


async def test_the_path_field_suggests_as_you_type(tmp_path: Path) -> None:
    (tmp_path / "fosdem.ics").write_text("")
    (tmp_path / "fosdem-2027.ics").write_text("")
    (tmp_path / ".hidden.ics").write_text("")
    suggester = PathSuggester()
    assert await suggester.get_suggestion(f"{tmp_path}/fos") == f"{tmp_path}/fosdem"  # what both share
    assert await suggester.get_suggestion(f"{tmp_path}/fosdem-") == f"{tmp_path}/fosdem-2027.ics"
    assert await suggester.get_suggestion(f"{tmp_path}/nothing") is None
    assert await suggester.get_suggestion("https://example.org/sch") is None
    assert complete_path(f"{tmp_path}/.hid") == f"{tmp_path}/.hidden.ics"
    assert complete_path(f"{tmp_path}/") in (f"{tmp_path}/fosdem", f"{tmp_path}/fosdem-2027.ics", f"{tmp_path}/fosdem.ics")
    store = Store(tmp_path / "data")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        await pilot.press(*f"{tmp_path}/fosdem-")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("right")  # takes the suggestion shown after the cursor
        await pilot.pause()
        assert app.screen.query_one("#source", Input).value == f"{tmp_path}/fosdem-2027.ics"


async def test_the_tilde_is_kept_as_typed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "Downloads").mkdir()
    assert complete_path("~/Down") == "~/Downloads/"


async def test_a_failed_import_never_jumps_over_a_form_being_typed(tmp_path: Path) -> None:
    from screens.modals import NoteModal

    store = Store(tmp_path / "data")
    missing = tmp_path / "slow-then-gone.ics"
    app = make_app(store)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("n", *"half a thought")
        await pilot.pause()
        from screens.modals import ImportRequest

        app.start_import(ImportRequest("auto", str(missing)))  # as when a URL import ends while typing
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, NoteModal)
        assert any("i opens the import form" in n.message for n in app._notifications)
        await pilot.press("escape", "y")
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        assert app.screen.query_one("#source", Input).value == str(missing)
