"""Snapshots of Today at 80x24, 120x40 and 200x50 on a fixed clock and fixed data: a big conference
day (24 sessions at once, two starred, people on the list speaking), with a session that just ended.
Update them with ``pytest tests/test_snapshots_today.py --snapshot-update`` after a deliberate change,
and look at the new SVGs before committing them."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from screens.app import CompanionApp
from today_support import DURING, build_big_day, session_id

SIZES = [(80, 24), (120, 40), (200, 50)]


@pytest.fixture(autouse=True)
def laptop_in_berlin(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201 - the same zone on every machine
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def today_app(folder: Path, *, ended: bool = False) -> CompanionApp:
    store = build_big_day(folder)
    app = CompanionApp(store=store, clock=lambda: DURING)
    if ended:
        app.just_ended = [store.session(session_id(0, 1))]
    return app


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_today(size: tuple[int, int], snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    app = today_app(tmp_path / "data")
    app.cursor_blink = False  # type: ignore[attr-defined]
    assert snap_compare(app, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_today_with_a_session_that_just_ended(size: tuple[int, int], snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    app = today_app(tmp_path / "data", ended=True)
    assert snap_compare(app, terminal_size=size)
