"""The DAV password: from ``COMPANION_DAV_PASSWORD``, else the output of the user's password command
(``pass show dav``), else the system keyring, where set-up keeps what it asked for. Never in the data
folder: the sync file keeps the command, never its output."""

from __future__ import annotations

import os
import shlex
import subprocess
from typing import Any

from companion.errors import CompanionError

ENV = "COMPANION_DAV_PASSWORD"
KEYRING_SERVICE = "companion-dav"
COMMAND_TIMEOUT = 60


def keyring_user(config: dict[str, Any]) -> str:
    return f"{config.get('user', '')}@{config.get('url', '')}"


def from_command(command: str) -> str:
    """The first line the command prints (a password manager's way), or an error naming the command."""
    try:
        argv = shlex.split(command)
    except ValueError as error:
        raise CompanionError(f"--password-command: cannot read {command!r}: {error}") from None
    if not argv:
        raise CompanionError("--password-command is empty")
    try:
        done = subprocess.run(argv, capture_output=True, timeout=COMMAND_TIMEOUT, check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise CompanionError(f"--password-command {argv[0]}: {error}") from None
    if done.returncode != 0:
        raise CompanionError(f"--password-command {argv[0]} failed (exit status {done.returncode})")
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    if not lines or not lines[0]:
        raise CompanionError(f"--password-command {argv[0]} printed no password")
    return lines[0]


def from_keyring(config: dict[str, Any]) -> str:
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, keyring_user(config)) or ""
    except Exception:  # noqa: BLE001 - no keyring on this system: as if nothing were kept
        return ""


def keep_in_keyring(config: dict[str, Any], password: str) -> bool:
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, keyring_user(config), password)
    except Exception:  # noqa: BLE001
        return False
    return True


def password_for(config: dict[str, Any]) -> str:
    """The password for a sync run (no prompt: a run may be in the app's worker)."""
    if os.environ.get(ENV):
        return os.environ[ENV]
    if config.get("password_command"):
        return from_command(str(config["password_command"]))
    kept = from_keyring(config)
    if kept:
        return kept
    raise CompanionError(
        f"no password for {config.get('user', '')} at {config.get('url', '')}: set {ENV}, or run "
        "'companion sync setup' again (with --password-command, or to keep it in the system keyring)"
    )
