"""The app's sync key: S syncs in a worker, and the title says how many changes wait."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sync_servers import PASSWORD, radicale
from sync_support import cards, collection_path, set_up

from companion.store import Store
from screens.app import CompanionApp
from support import CONFERENCE_MORNING, CliResult


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("COMPANION_DAV_PASSWORD", PASSWORD)
    with radicale(tmp_path / "radicale") as url:
        yield url


async def test_s_syncs_and_the_title_counts_what_waits(cli: Callable[..., CliResult], demo_store: Store, server: str) -> None:
    set_up(cli, demo_store, server)
    app = CompanionApp(store=demo_store, clock=lambda: CONFERENCE_MORNING)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        waiting = len(demo_store.people()) + len(demo_store.followups())
        assert app.title == f"companion · {waiting} waiting to sync"
        await pilot.press("S")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.title == "companion"
        # A star saved in the app waits to be sent, and the title says so.
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        app.check_sync_waiting()  # what the app's two-second tick runs
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.title == "companion · 1 waiting to sync"
    assert len(cards(server, collection_path(demo_store, "people"))) == len(demo_store.people())


async def test_s_before_setup_says_how(demo_store: Store) -> None:
    app = CompanionApp(store=demo_store, clock=lambda: CONFERENCE_MORNING)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("S")
        await pilot.pause()
        assert any("companion sync setup" in str(n.message) for n in app._notifications)
        assert app.title == "companion"
