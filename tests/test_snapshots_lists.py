"""Snapshots of the People and Follow-ups screens at 80x24, 120x40 and 200x50 (the demo's data on
its first morning, a fixed clock). Update after a deliberate change of the look with
``pytest tests/test_snapshots_lists.py --snapshot-update`` and look at the report first."""

from __future__ import annotations

import pytest

from companion.store import Store
from screens.app import CompanionApp
from support import CONFERENCE_MORNING

SIZES = [(80, 24), (120, 40), (200, 50)]


def demo_app(store: Store) -> CompanionApp:
    return CompanionApp(store=store, clock=lambda: CONFERENCE_MORNING)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_people(snap_compare, demo_store: Store, size: tuple[int, int]) -> None:  # noqa: ANN001
    assert snap_compare(demo_app(demo_store), press=["3"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_followups(snap_compare, demo_store: Store, size: tuple[int, int]) -> None:  # noqa: ANN001
    assert snap_compare(demo_app(demo_store), press=["4"], terminal_size=size)
