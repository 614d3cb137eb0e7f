"""m on the People screen: pick the other record of the selected person, merge, ctrl+z undoes."""

from __future__ import annotations

from pathlib import Path

from companion.models import Person
from companion.store import Store
from screens.app import CompanionApp
from screens.merge import MergeModal
from screens.rowlist import RowList
from support import CONFERENCE_MORNING


def names(rows: RowList) -> list[str]:
    return [str(rows.row(index)[0]) for index in range(rows.row_count)]


async def test_m_merges_a_picked_record_and_ctrl_z_undoes(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    store.add_people([
        Person(name="Niklaus Lamport", email="niklaus@lamport.dev", links={"website": "https://lamport.dev"}),
        Person(name="Nik Lamport", email="nik@work.example", affiliation="Cobalt Labs"),
        Person(name="Yukihiro Lamport", links={"website": "https://lamport.dev"}),
    ])
    app = CompanionApp(store=store, clock=lambda: CONFERENCE_MORNING)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        rows = app.screen.query_one("#people", RowList)
        assert names(rows) == ["Nik Lamport", "Niklaus Lamport", "Yukihiro Lamport"]
        await pilot.press("down", "m")  # Niklaus selected
        await pilot.pause()
        assert isinstance(app.screen, MergeModal)
        await pilot.press(*"nik lamp")
        await pilot.pause()
        assert [name for _, name, _ in app.screen.found][0] == "Nik Lamport"
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, MergeModal)
        assert names(rows) == ["Niklaus Lamport", "Yukihiro Lamport"]
        niklaus = next(p for p in store.people() if p.name == "Niklaus Lamport")
        assert niklaus.affiliation == "Cobalt Labs" and "Other email: nik@work.example" in niklaus.notes
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert sorted(p.name for p in store.people()) == ["Nik Lamport", "Niklaus Lamport", "Yukihiro Lamport"]
        assert next(p for p in store.people() if p.name == "Niklaus Lamport").affiliation == ""
        assert names(rows) == ["Nik Lamport", "Niklaus Lamport", "Yukihiro Lamport"]


async def test_escape_in_the_picker_merges_nobody(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    store.add_people([Person(name="Ada Lovelace"), Person(name="Ada King")])
    app = CompanionApp(store=store, clock=lambda: CONFERENCE_MORNING)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3", "m")
        await pilot.pause()
        assert isinstance(app.screen, MergeModal)
        await pilot.press("escape")
        await pilot.pause()
        assert len(store.people()) == 2


async def test_an_import_in_the_app_lists_possible_duplicates_and_then_m_merges_them(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    app = CompanionApp(store=store, clock=lambda: CONFERENCE_MORNING)
    source = str(Path(__file__).parent / "data" / "people" / "google_contacts.csv")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("i")
        await pilot.pause()
        await pilot.press(*source)
        await pilot.click("#kind-people")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        [done] = [n.message for n in app._notifications if n.title == "Imported"]
        assert done.splitlines() == [
            "5 new people, 0 merged",
            "1 possible duplicate, both kept (m on People merges two):",
            "  Yukihiro Lamport / Niklaus Lamport: same website lamport.dev",
            "1 row skipped: line 9: no name (only a company: Acme Catering), row skipped",
        ]
        await pilot.press("3")
        await pilot.pause()
        rows = app.screen.query_one("#people", RowList)
        rows.cursor = names(rows).index("Niklaus Lamport")
        await pilot.press("m")
        await pilot.pause()
        assert [name for _, name, _ in app.screen.found][0] == "Yukihiro Lamport"  # offered before anything is typed
        await pilot.press("enter")
        await pilot.pause()
        assert "Yukihiro Lamport" not in names(rows)
