"""Snapshots of the talking-point, note and import forms at 80x24, 120x40 and 200x50, on the demo
data at a fixed clock (pytest-textual-snapshot; `pytest --snapshot-update` takes them again after
a change to how the forms look, which a person then checks in the diff of the .svg files)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from screens.app import CompanionApp
from screens.modals import ImportModal, ImportRequest
from support import CONFERENCE_MORNING

SIZES = [(80, 24), (120, 40), (200, 50)]


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CompanionApp:
    from companion.demo import build_demo_store

    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # the path field completes nothing of the machine's
    monkeypatch.setenv("TZ", "Europe/Berlin")
    store = build_demo_store(tmp_path / "demo", today=date(2026, 12, 3), now=CONFERENCE_MORNING)
    return CompanionApp(store=store, clock=lambda: CONFERENCE_MORNING)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_talking_point_form(snap_compare, app: CompanionApp, size: tuple[int, int]) -> None:  # noqa: ANN001
    """The first person's talking points, a weak first answer typed: the coach's advice under it
    (beside it at 200 columns) and its summary at the foot."""
    assert snap_compare(app, press=["3", "t", *"your talk"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_note_form(snap_compare, app: CompanionApp, size: tuple[int, int]) -> None:  # noqa: ANN001
    """A new note with its text typed and the thank-you box ticked ([x])."""

    async def typed(pilot) -> None:  # noqa: ANN001
        await pilot.press("n", *"She will review our docs")
        pilot.app.screen.query_one("#note-thank").value = True
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=typed)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_import_form_after_an_error(snap_compare, app: CompanionApp, size: tuple[int, int]) -> None:  # noqa: ANN001
    """The import form opened again after a failed import: the path kept, the error in the form."""

    async def failed(pilot) -> None:  # noqa: ANN001
        request = ImportRequest("auto", "~/Downloads/fosdem-2027.ics")
        await pilot.app.push_screen(ImportModal(request, "~/Downloads/fosdem-2027.ics: no such file"))
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=failed)
