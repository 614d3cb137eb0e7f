"""The People list at 80x24 and at 200 columns, driven by Pilot: names readable first, more columns
as the width allows, and columns that stay in place whatever the names hold (emoji, wide letters)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from companion.models import Person
from companion.store import Store
from companion.text import cell_width
from screens.app import CompanionApp
from screens.widgets import FittedList, PersonCardView
from support import CONFERENCE_MORNING

LONG_NAME = "Maximiliane Oberhauser"  # 22 letters
TRICKY_NAMES = ["Ana ❤️ Lima", "☺️ Sunny Day", "👩‍💻 Dev Lee", "👨‍👩‍👧 Family Name", "🇩🇪 Klaus Berg", "李小龍",
                "ｶﾀｶﾅ Tanaka", "Jose\u0301 Pe\u0301rez", "👍🏽 Thumbs", "🏳️‍🌈 Rainbow Flag", "Zoë Ødegård"]


def drawn(rows: FittedList) -> list[str]:
    """The list's lines as drawn: the header, then one line per row shown."""
    return [rows.render_line(y).text for y in range(rows.size.height)]


def people_app(tmp_path: Path, people: list[Person]) -> CompanionApp:
    store = Store(tmp_path / "data")
    store.add_people(people)
    return CompanionApp(store=store, clock=lambda: CONFERENCE_MORNING)


async def test_at_80x24_a_long_name_is_shown_whole_above_the_card(tmp_path: Path) -> None:
    people = [Person(name=LONG_NAME, affiliation="Institute for Very Long Affiliation Names", role="Speaker",
                     tags=["packaging", "security"]),
              Person(name="Ana Li", affiliation="Tiny Co")]
    app = people_app(tmp_path, people)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        rows = app.screen.query_one("#people", FittedList)
        lines = drawn(rows)
        assert rows.size.width >= 76  # the card went under the list: the list keeps the width
        assert any(LONG_NAME in line for line in lines), lines
        assert lines[0].split()[:2] == ["Name", "Affiliation"]
        assert "Tags" not in lines[0]  # a secondary column gave way, not the name
        assert "Ana Li" in str(app.screen.query_one(PersonCardView).visual)  # the first's card is on screen too
        assert app.screen.query_one(PersonCardView).region.height >= 5


async def test_at_200_columns_the_list_shows_more_columns_and_more_of_each(tmp_path: Path) -> None:
    people = [Person(name=LONG_NAME, affiliation="Open Source Security Fund", role="Speaker",
                     tags=["packaging", "security"])]
    app = people_app(tmp_path, people)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        rows = app.screen.query_one("#people", FittedList)
        header, row = drawn(rows)[:2]
        for label in ("Name", "Affiliation", "Role", "Tags", "Priority", "Points"):
            assert label in header
        assert "Open Source Security Fund" in row  # cut at 80 columns
        assert "packaging, security" in row
        assert rows.region.width >= 120  # the card beside it does not take half the screen


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_each_column_starts_at_the_same_cell_whatever_the_names_hold(tmp_path: Path, size: tuple[int, int]) -> None:
    people = [Person(name=name, affiliation=f"ORG{index:02}", role="ROLE") for index, name in enumerate(TRICKY_NAMES)]
    app = people_app(tmp_path, people)
    async with app.run_test(size=size) as pilot:
        await pilot.press("3")
        await pilot.pause()
        rows = app.screen.query_one("#people", FittedList)
        lines = drawn(rows)
        header, body = lines[0], [line for line in lines[1:] if "ORG" in line]
        assert len(body) == len(TRICKY_NAMES)
        for marker, label in (("ORG", "Affiliation"), ("hope-to-meet", "Priority")):
            starts = {cell_width(line[: line.index(marker)]) for line in body}
            rich_starts = {cell_len(line[: line.index(marker)]) for line in body}
            assert starts == rich_starts == {cell_width(header[: header.index(label)])}, (marker, body)
        widths = {cell_width(line) for line in body} | {cell_len(line) for line in body}
        assert len(widths) == 1 and widths.pop() <= rows.size.width  # nothing pushed past the list's edge
