"""Snapshots of the Schedule screen, its list and its room grid, at 80x24, 120x40 and 200x50, on
the sample conference at a fixed moment (day one, 10:05 in Berlin): readable titles, every day's
tab, the cursor at now. Update them with `pytest tests/test_snapshots_schedule.py --snapshot-update`
after looking at the new pictures (tests/__snapshots__/)."""

from __future__ import annotations

import pytest

from companion.store import Store
from screens.app import CompanionApp
from support import CONFERENCE_MORNING

SIZES = [(80, 24), (120, 40), (200, 50)]


def quiet_app(store: Store) -> CompanionApp:
    """The app on a fixed clock, without the housekeeping that may notify at start."""
    app = CompanionApp(store=store, clock=lambda: CONFERENCE_MORNING)
    app.close_stale_nudges = lambda: None  # type: ignore[method-assign]
    app.refresh_coach_verdicts = lambda: None  # type: ignore[method-assign]
    return app


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_schedule_list(snap_compare, demo_store: Store, size: tuple[int, int]) -> None:  # noqa: ANN001
    demo_store.set_star(demo_store.sessions()[1].id, True)  # a starred session stands out
    assert snap_compare(quiet_app(demo_store), press=["2", "_"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_schedule_grid(snap_compare, demo_store: Store, size: tuple[int, int]) -> None:  # noqa: ANN001
    demo_store.set_star(demo_store.sessions()[1].id, True)
    assert snap_compare(quiet_app(demo_store), press=["2", "g", "_"], terminal_size=size)


def test_schedule_filter_with_other_days(snap_compare, demo_store: Store) -> None:  # noqa: ANN001
    assert snap_compare(quiet_app(demo_store), press=["2", "slash", *"python", "down", "_"], terminal_size=(80, 24))
