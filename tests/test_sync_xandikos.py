"""The same done-criteria against Xandikos (no password: it takes Basic auth only over TLS)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sync_servers import behind_proxy, PASSWORD, FaultProxy, xandikos
from sync_support import cards, collection_path, done_criteria, prepare, set_up, sync

from support import CliResult


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, FaultProxy]]:
    monkeypatch.setenv("COMPANION_DAV_PASSWORD", PASSWORD)
    with behind_proxy(xandikos, tmp_path / "xandikos") as served:
        yield served


@pytest.mark.slow
def test_xandikos_setup_then_sync_and_changes_made_there_come_back(
    cli: Callable[..., CliResult], demo_store, server: tuple[str, FaultProxy]  # noqa: ANN001
) -> None:
    url, proxy = server
    done_criteria(cli, demo_store, url, proxy)


def test_xandikos_a_lost_token_still_brings_an_edit(cli: Callable[..., CliResult], demo_store, server) -> None:  # noqa: ANN001
    from sync_support import edit_card_email

    url, proxy = server
    prepare(demo_store)
    set_up(cli, demo_store, proxy.url)
    assert sync(cli, demo_store)["code"] == 0
    person = demo_store.people()[0]
    href, etag, card = next(v for v in cards(url, collection_path(demo_store, "people")).values() if v[2].fn.value == person.name)
    edit_card_email(url, href, etag, card, "x@example.org")
    proxy.fail(lambda seen: "403-token" if seen.method == "REPORT" and b"sync-collection" in seen.body else None, times=-1)
    result = sync(cli, demo_store)
    assert result["code"] == 0 and demo_store.person(person.id).email == "x@example.org"
