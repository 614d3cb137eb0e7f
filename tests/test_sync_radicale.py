"""Sync against a real Radicale on 127.0.0.1 with a password (htpasswd), through the counting proxy:
the issue's done-criteria."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sync_servers import PASSWORD, FaultProxy, radicale
from sync_support import POINT_QUESTION, calendar_items, cards, complete_task, edit_card_email, prepare, set_up, sync

from support import CliResult, assert_one_line_error


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, FaultProxy]]:
    """Radicale, and the proxy in front of it that companion talks to: (Radicale's URL, the proxy)."""
    monkeypatch.setenv("COMPANION_DAV_PASSWORD", PASSWORD)
    with radicale(tmp_path / "radicale") as url:
        proxy = FaultProxy(url)
        try:
            yield url, proxy
        finally:
            proxy.close()


def collection_path(store, key: str) -> str:  # noqa: ANN001
    from urllib.parse import urlsplit

    from companion.sync.state import SyncState

    return urlsplit(SyncState(store.data_dir).config()["collections"][key]).path


@pytest.mark.slow
def test_setup_then_sync_puts_everything_there_and_changes_made_there_come_back(
    cli: Callable[..., CliResult], demo_store, server: tuple[str, FaultProxy]  # noqa: ANN001
) -> None:
    from companion.exporters.ics import agenda_uid, todo_uid

    url, proxy = server
    store = demo_store
    prepare(store)
    setup = set_up(cli, store, proxy.url)
    assert "Follow-ups ->" in setup.out and "(tasks (VTODO), made)" in setup.out
    status = cli("--data-dir", store.data_dir, "sync", "status", "--json").json()
    followups, people = store.followups(), store.people()
    starred = [s for s in store.sessions() if s.id in store.starred_ids()]
    assert status["waiting"] == len([f for f in followups if f.status not in ("done", "dropped")]) + len(people) + 2

    first = sync(cli, store)
    assert first["code"] == 0, first
    assert first["sent"]["new"] == status["waiting"] and first["waiting"] == 0

    # An independent client sees every follow-up, starred session and person, the point in NOTE.
    tasks = calendar_items(url, collection_path(store, "tasks"))
    assert set(tasks) == {todo_uid(f.uid) for f in followups if f.status not in ("done", "dropped")}
    agenda = calendar_items(url, collection_path(store, "agenda"))
    assert set(agenda) == {agenda_uid(s) for s in starred}
    on_server = cards(url, collection_path(store, "people"))
    assert sorted(card.fn.value for _, _, card in on_server.values()) == sorted(p.name for p in people)
    with_point = [card for _, _, card in on_server.values() if card.fn.value == people[0].name][0]
    assert POINT_QUESTION in with_point.note.value

    # Nothing changed: the second sync sends nothing.
    proxy.reset()
    second = sync(cli, store)
    assert second["code"] == 0 and second["sent"] == {"new": 0, "changed": 0, "deleted": 0}
    assert proxy.count("PUT") == 0

    # On the phone: a task completed, a contact's email edited.
    task = next(f for f in followups if f.kind == "thank")
    complete_task(url, collection_path(store, "tasks"), todo_uid(task.uid))
    person = people[1]
    href, etag, card = next(v for v in on_server.values() if v[2].fn.value == person.name)
    edit_card_email(url, href, etag, card, "new.address@example.org")

    third = sync(cli, store)
    assert third["code"] == 0, third
    assert store.followup(task.id).status == "done"
    assert store.person(person.id).email == "new.address@example.org"
    assert any("done on the server" in line for line in third["received"])

    proxy.reset()
    fourth = sync(cli, store)
    assert fourth["code"] == 0 and proxy.count("PUT") == 0, fourth
    assert cli("--data-dir", store.data_dir, "sync", "status", "--json").json()["waiting"] == 0


def test_a_wrong_password_is_one_clear_line(
    cli: Callable[..., CliResult], demo_store, server: tuple[str, FaultProxy], monkeypatch: pytest.MonkeyPatch  # noqa: ANN001
) -> None:
    url, _proxy = server
    monkeypatch.setenv("COMPANION_DAV_PASSWORD", "not it")
    line = assert_one_line_error(cli("--data-dir", demo_store.data_dir, "sync", "setup", url, "--user", "ana"))
    assert "refused the user name or password" in line
    assert "not set up" in cli("--data-dir", demo_store.data_dir, "sync", "status").out


def test_sync_before_setup_says_what_to_do(cli: Callable[..., CliResult], demo_store) -> None:  # noqa: ANN001
    line = assert_one_line_error(cli("--data-dir", demo_store.data_dir, "sync"))
    assert "companion sync setup" in line


def test_the_password_command_is_kept_never_the_password(
    cli: Callable[..., CliResult], demo_store, server: tuple[str, FaultProxy], monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
    tmp_path: Path,
) -> None:
    url, _proxy = server
    monkeypatch.delenv("COMPANION_DAV_PASSWORD")
    secret_file = tmp_path / "secret"
    secret_file.write_text(PASSWORD + "\n")
    result = cli("--data-dir", demo_store.data_dir, "sync", "setup", url, "--user", "ana",
                 "--password-command", f"cat {secret_file}")
    assert result.code == 0, result.err
    assert sync(cli, demo_store)["code"] == 0
    for path in demo_store.data_dir.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path
