"""The ``companion sync`` commands' work, as lines to print (the command table is in companion.cli)."""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from typing import Any

from companion.errors import CompanionError
from companion.store import Store
from companion.sync import password as passwords
from companion.sync.engine import Report, run, waiting
from companion.sync.setup import choose_collections, discover
from companion.sync.state import SYNC_FILE, SyncState
from companion.text import clean


def _show(text: Any) -> str:  # noqa: ANN401
    return clean(str(text), single_line=True)


def setup(store: Store, url: str, user: str, password_command: str | None) -> list[str]:
    """Discover, pick or make the collections, keep the set-up; the lines that say what was found."""
    asked = False
    if os.environ.get(passwords.ENV):
        secret = os.environ[passwords.ENV]
    elif password_command:
        secret = passwords.from_command(password_command)
    else:
        if not sys.stdin.isatty():
            raise CompanionError(f"no password: set {passwords.ENV}, give --password-command, or run this in a terminal")
        import getpass

        secret = getpass.getpass(f"Password for {user} at {url}: ")
        asked = True
    found = discover(url, user, secret)
    config = choose_collections(found, user, secret)
    config.update({"url": url, "user": user, "password_command": password_command or "",
                   "set_up": datetime.now(timezone.utc).isoformat()})
    state = SyncState(store.data_dir)
    before = state.config()
    if before.get("collections") and before.get("collections") == config["collections"]:
        config["client_id"] = before.get("client_id", config["client_id"])
        config["tokens"] = before.get("tokens", {})
    elif before.get("collections"):
        state.forget_everything()
    state.save_config(config)
    lines = [
        f"CalDAV: {_show(found.caldav_url)} (principal {_show(found.principal)}, calendar home {_show(found.calendar_home)})",
        f"CardDAV: {_show(found.carddav_url)} (address book home {_show(found.addressbook_home or 'none')})",
        f"Found {len(found.calendars)} calendar(s) and {len(found.addressbooks)} address book(s):",
    ]
    for calendar in found.calendars:
        lines.append(f"  calendar      {_show(calendar['url'])}  {_show(calendar['name'])!r}  "
                     f"{', '.join(_show(c) for c in calendar['components'])}")
    for book in found.addressbooks:
        lines.append(f"  address book  {_show(book['url'])}  {_show(book['name'])!r}")
    made = set(config["made"])
    collections = config["collections"]
    tasks_how = "tasks (VTODO)" if config["tasks_mode"] == "tasks" else "events with an alarm (the server takes no tasks)"
    for label, key, how in (("Follow-ups", "tasks", tasks_how), ("Starred agenda", "agenda", "events"),
                            ("People", "people", f"vCard {config['vcard_version']}")):
        status = "made" if collections[key] in made else "picked"
        lines.append(f"{label} -> {_show(collections[key])} ({how}, {status})")
    if asked:
        if passwords.keep_in_keyring(config, secret):
            lines.append("The password is kept in the system keyring.")
        else:
            lines.append(f"warning: no system keyring to keep the password in; set {passwords.ENV} or set up again "
                         "with --password-command")
    lines.append("Run 'companion sync' to send your follow-ups, starred sessions and people.")
    return lines


def status(store: Store) -> tuple[list[str], dict[str, Any]]:
    state = SyncState(store.data_dir, read_only=True)
    config = state.config()
    if not config.get("collections"):
        return ["Sync is not set up: companion sync setup URL --user NAME"], {"set_up": False}
    count = waiting(store, state)
    kept = state.items()
    gone = sum(1 for row in kept.values() if row.get("gone"))
    info = {
        "set_up": True, "url": config.get("url", ""), "user": config.get("user", ""),
        "collections": config["collections"], "tasks_mode": config.get("tasks_mode"),
        "vcard_version": config.get("vcard_version"), "waiting": count,
        "on_server": sum(1 for row in kept.values() if row.get("href") and not row.get("gone")),
        "deleted_on_server": gone, "last_sync": config.get("last_sync", ""), "last_result": config.get("last_result", ""),
        "password": "environment" if os.environ.get(passwords.ENV) else (
            "command" if config.get("password_command") else "keyring"),
    }
    lines = [
        f"Server: {_show(info['url'])} as {_show(info['user'])} (password from the {info['password']})",
        f"Follow-ups: {_show(config['collections']['tasks'])} "
        f"({'tasks' if info['tasks_mode'] == 'tasks' else 'events with an alarm'})",
        f"Starred agenda: {_show(config['collections']['agenda'])}",
        f"People: {_show(config['collections']['people'])} (vCard {info['vcard_version']})",
        f"On the server: {info['on_server']} item(s); deleted there and no longer synced: {gone}",
        f"Waiting to sync: {count}",
        f"Last sync: {_show(info['last_sync']) or 'never'}{(' (' + _show(info['last_result']) + ')') if info['last_result'] else ''}",
    ]
    return lines, info


def sync(store: Store, deadline: float | None = None) -> Report:
    if not (store.data_dir / SYNC_FILE).exists():
        SyncState(store.data_dir, read_only=True).require_config()  # says how to set it up
    state = SyncState(store.data_dir)
    config = state.require_config()
    secret = passwords.password_for(config)
    report = run(store, secret, state=state, **({"deadline_seconds": deadline} if deadline else {}))
    state.set_config_fields(last_sync=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                            last_result=summary(report))
    return report


def summary(report: Report) -> str:
    text = (f"sent {report.created} new, {report.updated} changed, {report.deleted} deleted; "
            f"received {len(report.received)} change(s); {report.waiting} waiting")
    if report.conflicts:
        text += f"; {len(report.conflicts)} conflict(s)"
    if report.stopped:
        text += "; stopped early"
    return text


def report_lines(report: Report) -> list[str]:
    lines = ["Synced: " + summary(report)]
    lines += [f"  from the server: {_show(line)}" for line in report.received]
    lines += [f"  conflict: {_show(line)}" for line in report.conflicts]
    lines += [f"  problem: {_show(line)}" for line in report.problems]
    return lines
