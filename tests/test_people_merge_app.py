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
