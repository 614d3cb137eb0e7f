"""Sync against a real Radicale on 127.0.0.1 with a password (htpasswd), through the counting proxy:
the issue's done-criteria."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sync_servers import behind_proxy, PASSWORD, FaultProxy, radicale
from sync_support import done_criteria, sync

from support import CliResult, assert_one_line_error


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, FaultProxy]]:
    """Radicale, and the proxy in front of it that companion talks to: (Radicale's URL, the proxy)."""
    monkeypatch.setenv("COMPANION_DAV_PASSWORD", PASSWORD)
    with behind_proxy(radicale, tmp_path / "radicale") as served:
        yield served


@pytest.mark.slow
def test_setup_then_sync_puts_everything_there_and_changes_made_there_come_back(
    cli: Callable[..., CliResult], demo_store, server: tuple[str, FaultProxy]  # noqa: ANN001
) -> None:
    url, proxy = server
    done_criteria(cli, demo_store, url, proxy)


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


def test_one_sync_at_a_time(cli: Callable[..., CliResult], demo_store, server: tuple[str, FaultProxy]) -> None:  # noqa: ANN001
    from filelock import FileLock

    from companion.sync.state import SYNC_FILE

    _url, proxy = server
    result = cli("--data-dir", demo_store.data_dir, "sync", "setup", proxy.url, "--user", "ana")
    assert result.code == 0, result.err
    proxy.reset()
    with FileLock(str(demo_store.data_dir / SYNC_FILE) + ".run.lock"):  # another process's run
        line = assert_one_line_error(cli("--data-dir", demo_store.data_dir, "sync"))
    assert "another companion is syncing now" in line
    assert proxy.count("PUT") == 0
    assert sync(cli, demo_store)["code"] == 0 and proxy.count("PUT") > 0


def test_an_asked_password_is_kept_in_the_keyring_never_in_the_data_folder(
    cli: Callable[..., CliResult], demo_store, server: tuple[str, FaultProxy], monkeypatch: pytest.MonkeyPatch  # noqa: ANN001
) -> None:
    import getpass

    import keyring
    from keyring.backend import KeyringBackend

    class InMemory(KeyringBackend):
        priority = 1  # type: ignore[assignment]
        kept: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.kept.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.kept[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.kept.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(InMemory())
    try:
        url, _proxy = server
        monkeypatch.delenv("COMPANION_DAV_PASSWORD")
        monkeypatch.setattr("sys.stdin.isatty", lambda: True)
        asked: list[str] = []
        monkeypatch.setattr(getpass, "getpass", lambda prompt: asked.append(prompt) or PASSWORD)
        result = cli("--data-dir", demo_store.data_dir, "sync", "setup", url, "--user", "ana")
        assert result.code == 0, result.err
        assert len(asked) == 1 and "kept in the system keyring" in result.out
        monkeypatch.setattr(getpass, "getpass", lambda prompt: pytest.fail("asked again"))
        assert sync(cli, demo_store)["code"] == 0  # the keyring's password, not asked again
        assert list(InMemory.kept.values()) == [PASSWORD]
        for path in demo_store.data_dir.rglob("*"):
            if path.is_file():
                assert PASSWORD.encode() not in path.read_bytes(), path
    finally:
        keyring.set_keyring(previous)
