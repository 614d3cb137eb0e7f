"""Sync when things go wrong: the fault-injecting proxy in front of a real Radicale (stale ETags,
duplicate UIDs, a full server, a lost sync token, an answer cut half-way, a server too slow, a process
killed mid-sync), and the two sides changing the same things."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sync_servers import behind_proxy, PASSWORD, FaultProxy, Seen, radicale
from sync_support import calendar_items, cards, collection_path, edit_card_email, prepare, set_up, sync

from support import CliResult


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, FaultProxy]]:
    monkeypatch.setenv("COMPANION_DAV_PASSWORD", PASSWORD)
    with behind_proxy(radicale, tmp_path / "radicale") as served:
        yield served


@pytest.fixture
def synced(cli: Callable[..., CliResult], demo_store, server: tuple[str, FaultProxy]):  # noqa: ANN001, ANN201
    """The demo's data set up and synced once through the proxy."""
    url, proxy = server
    prepare(demo_store)
    set_up(cli, demo_store, proxy.url)
    first = sync(cli, demo_store)
    assert first["code"] == 0 and first["waiting"] == 0, first
    proxy.reset()
    return demo_store, url, proxy


def expected_on_server(store) -> int:  # noqa: ANN001
    open_followups = [f for f in store.followups() if f.status not in ("done", "dropped")]
    return len(open_followups) + len(store.people()) + len(store.starred_ids())


def everything_on_server(store, url: str) -> int:  # noqa: ANN001
    return (len(calendar_items(url, collection_path(store, "tasks"))) + len(calendar_items(url, collection_path(store, "agenda")))
            + len(cards(url, collection_path(store, "people"))))


def is_put(path_part: str = "") -> Callable[[Seen], bool]:
    return lambda seen: seen.method == "PUT" and path_part in seen.path


def test_a_stale_etag_is_merged_and_sent_again(cli: Callable[..., CliResult], synced) -> None:  # noqa: ANN001
    store, url, proxy = synced
    person = store.people()[1]
    store.edit_person(person, person.replace(affiliation="Lease Labs"))
    href, etag, card = next(v for v in cards(url, collection_path(store, "people")).values() if v[2].fn.value == person.name)

    edited = []

    def phone_edits_first(seen: Seen) -> str | None:
        if seen.method == "PUT" and seen.path.endswith(".vcf") and not edited:
            edit_card_email(url, href, etag, card, "phone@example.org")  # between our pull and our PUT
            edited.append(True)
        return None

    proxy.fail(phone_edits_first)
    result = sync(cli, store)
    assert result["code"] == 0, result
    assert proxy.count("PUT") == 2  # 412 on the stale ETag, then once more against the new one
    assert store.person(person.id).email == "phone@example.org"
    now = next(c for _, _, c in cards(url, collection_path(store, "people")).values() if c.fn.value == person.name)
    assert now.org.value == ["Lease Labs"] and now.email.value == "phone@example.org"


def test_both_sides_changed_the_email_keeps_ours_and_notes_theirs(cli: Callable[..., CliResult], synced) -> None:  # noqa: ANN001
    store, url, _proxy = synced
    person = store.people()[2]
    href, etag, card = next(v for v in cards(url, collection_path(store, "people")).values() if v[2].fn.value == person.name)
    edit_card_email(url, href, etag, card, "theirs@example.org")
    store.edit_person(person, person.replace(email="mine@example.org"))
    result = sync(cli, store)
    assert result["code"] == 0
    kept = store.person(person.id)
    assert kept.email == "mine@example.org"
    assert "theirs@example.org" in kept.notes
    assert any("email" in line for line in result["conflicts"])
    now = next(c for _, _, c in cards(url, collection_path(store, "people")).values() if c.fn.value == person.name)
    assert now.email.value == "mine@example.org"


def test_a_duplicate_uid_refused_waits_and_goes_next_time(cli: Callable[..., CliResult], demo_store, server) -> None:  # noqa: ANN001
    url, proxy = server
    prepare(demo_store)
    set_up(cli, demo_store, proxy.url)
    proxy.fail(lambda seen: "409" if seen.method == "PUT" and seen.path.endswith(".vcf") else None)
    first = sync(cli, demo_store)
    assert first["code"] == 0 and first["waiting"] == 1
    assert any("already elsewhere" in line for line in first["problems"])
    second = sync(cli, demo_store)
    assert second["code"] == 0 and second["waiting"] == 0
    assert everything_on_server(demo_store, url) == expected_on_server(demo_store)


def test_a_uid_already_on_the_server_under_another_name_is_updated_there(
    cli: Callable[..., CliResult], synced, tmp_path: Path  # noqa: ANN001
) -> None:
    from companion.sync.state import SyncState

    store, url, proxy = synced
    # Forget where the server keeps the cards (as a second device or a lost sync file would).
    state = SyncState(store.data_dir)
    for key in [k for k in state.items() if k.startswith("card:")]:
        state.forget(key)
    state.flush()
    state.set_token("people", "")
    import httpx

    person = store.people()[0]
    href, etag, card = next(v for v in cards(url, collection_path(store, "people")).values() if v[2].fn.value == person.name)
    with httpx.Client(base_url=url, auth=("ana", PASSWORD)) as client:  # the same card under another name
        assert client.request("MOVE", href, headers={"Destination": url + href.replace(".vcf", "-moved.vcf")}).status_code in (201, 204)
    result = sync(cli, store)
    assert result["code"] == 0, result
    assert len(cards(url, collection_path(store, "people"))) == len(store.people())


def test_a_full_server_stops_the_run_and_nothing_is_lost(cli: Callable[..., CliResult], demo_store, server) -> None:  # noqa: ANN001
    url, proxy = server
    prepare(demo_store)
    set_up(cli, demo_store, proxy.url)
    puts = 0

    def full_after_three(seen: Seen) -> str | None:
        nonlocal puts
        if seen.method == "PUT":
            puts += 1
            return "507" if puts > 3 else None
        return None

    proxy.fail(full_after_three, times=-1)
    first = sync(cli, demo_store)
    assert first["code"] == 1 and "storage is full" in first["err"]
    assert first["sent"]["new"] == 3 and first["waiting"] == expected_on_server(demo_store) - 3
    proxy.reset()
    second = sync(cli, demo_store)
    assert second["code"] == 0 and second["waiting"] == 0
    assert everything_on_server(demo_store, url) == expected_on_server(demo_store)


def test_a_lost_sync_token_falls_back_to_comparing_every_item(cli: Callable[..., CliResult], synced) -> None:  # noqa: ANN001
    store, url, proxy = synced
    person = store.people()[3]
    href, etag, card = next(v for v in cards(url, collection_path(store, "people")).values() if v[2].fn.value == person.name)
    edit_card_email(url, href, etag, card, "after.token@example.org")
    proxy.fail(lambda seen: "403-token" if seen.method == "REPORT" and b"sync-collection" in seen.body else None, times=-1)
    result = sync(cli, store)
    assert result["code"] == 0, result
    assert store.person(person.id).email == "after.token@example.org"
    assert any("sync token" in line for line in result["problems"])
    assert proxy.count("PUT") == 0  # the full listing found nothing of ours to send again


def test_an_answer_cut_half_way_is_finished_by_the_next_run_without_duplicates(
    cli: Callable[..., CliResult], demo_store, server  # noqa: ANN001
) -> None:
    url, proxy = server
    prepare(demo_store)
    set_up(cli, demo_store, proxy.url)
    puts = 0

    def cut_the_fifth(seen: Seen) -> str | None:
        nonlocal puts
        if seen.method == "PUT":
            puts += 1
            return "cut" if puts == 5 else None
        return None

    proxy.fail(cut_the_fifth, times=-1)
    first = sync(cli, demo_store)
    assert first["code"] == 1 and first["waiting"] > 0
    proxy.reset()
    second = sync(cli, demo_store)
    assert second["code"] == 0 and second["waiting"] == 0, second
    assert everything_on_server(demo_store, url) == expected_on_server(demo_store)


@pytest.mark.slow
def test_a_server_slower_than_the_deadline_stops_the_run_kindly(cli: Callable[..., CliResult], demo_store, server) -> None:  # noqa: ANN001
    url, proxy = server
    prepare(demo_store)
    set_up(cli, demo_store, proxy.url)
    proxy.fail(lambda seen: "slow:3" if seen.method == "PUT" else None, times=1)
    first = sync(cli, demo_store, "--deadline", "1.5")
    assert first["code"] == 1 and ("within 1.5 s" in first["err"] or "Timeout" in first["err"]), first
    assert first["waiting"] > 0
    proxy.reset()
    second = sync(cli, demo_store)
    assert second["code"] == 0 and second["waiting"] == 0
    assert everything_on_server(demo_store, url) == expected_on_server(demo_store)


def test_tasks_refused_send_follow_ups_as_events_with_an_alarm(cli: Callable[..., CliResult], demo_store, server) -> None:  # noqa: ANN001
    url, proxy = server
    prepare(demo_store)
    proxy.fail(lambda seen: "403-vtodo" if seen.method == "MKCALENDAR" and b"VTODO" in seen.body else None, times=-1)
    setup = set_up(cli, demo_store, proxy.url)
    assert "events with an alarm (the server takes no tasks)" in setup.out
    assert sync(cli, demo_store)["code"] == 0
    events = calendar_items(url, collection_path(demo_store, "tasks"))
    open_items = [f for f in demo_store.followups() if f.status not in ("done", "dropped")]
    assert set(events) == {f.uid for f in open_items}
    assert all(event.name == "VEVENT" and event.walk("VALARM") for event in events.values())


def test_server_deletes_are_not_recreated(cli: Callable[..., CliResult], synced) -> None:  # noqa: ANN001
    import httpx

    from companion.exporters.ics import todo_uid

    store, url, proxy = synced
    task = next(f for f in store.followups() if f.kind == "promise")
    person = store.people()[4]
    href, _etag, _card = next(v for v in cards(url, collection_path(store, "people")).values() if v[2].fn.value == person.name)
    tasks_path = collection_path(store, "tasks")
    import caldav

    with caldav.DAVClient(url=url, username="ana", password=PASSWORD) as client:
        client.calendar(url=url + tasks_path).todo_by_uid(todo_uid(task.uid)).delete()
    with httpx.Client(base_url=url, auth=("ana", PASSWORD)) as client:
        assert client.delete(href).status_code in (200, 204)
    result = sync(cli, store)
    assert result["code"] == 0
    assert store.followup(task.id).status == "dropped"
    assert store.person(person.id).name == person.name  # kept here
    assert todo_uid(task.uid) not in calendar_items(url, tasks_path)
    assert person.name not in [c.fn.value for _, _, c in cards(url, collection_path(store, "people")).values()]
    store.edit_person(store.person(person.id), store.person(person.id).replace(role="CTO"))
    proxy.reset()
    again = sync(cli, store)
    assert again["code"] == 0 and proxy.count("PUT") == 0 and again["waiting"] == 0
    status = cli("--data-dir", store.data_dir, "sync", "status", "--json").json()
    assert status["deleted_on_server"] == 2


@pytest.mark.slow
def test_killed_mid_sync_then_synced_again_no_duplicates_nothing_lost(
    cli: Callable[..., CliResult], demo_store, server  # noqa: ANN001
) -> None:
    from companion.models import Person

    url, proxy = server
    prepare(demo_store)
    demo_store.add_people(Person(name=f"Attendee Number{i:03d}", email=f"a{i}@example.org") for i in range(80))
    before = (demo_store.people(), demo_store.followups(), demo_store.talking_points())
    set_up(cli, demo_store, proxy.url)
    proxy.fail(lambda seen: "slow:0.05" if seen.method == "PUT" else None, times=-1)
    env = {**os.environ, "COMPANION_DAV_PASSWORD": PASSWORD}
    process = subprocess.Popen([sys.executable, "-m", "companion", "--data-dir", str(demo_store.data_dir), "sync"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while proxy.count("PUT") < 30 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert 0 < proxy.count("PUT") < expected_on_server(demo_store)
    proxy.reset()
    again = sync(cli, demo_store)
    assert again["code"] == 0 and again["waiting"] == 0, again
    from companion.store import Store

    store = Store(demo_store.data_dir)
    assert (store.people(), store.followups(), store.talking_points()) == before
    uids = list(cards(url, collection_path(store, "people")))
    assert len(uids) == len(set(uids)) == len(store.people())
    assert everything_on_server(store, url) == expected_on_server(store)


def test_a_put_answered_without_an_etag_is_fetched_again_for_it(cli: Callable[..., CliResult], demo_store, server) -> None:  # noqa: ANN001
    url, proxy = server
    prepare(demo_store)
    set_up(cli, demo_store, proxy.url)
    proxy.reset()
    proxy.fail(lambda seen: "no-etag" if seen.method == "PUT" else None, times=-1)
    first = sync(cli, demo_store)
    assert first["code"] == 0 and first["waiting"] == 0
    puts = proxy.count("PUT")
    assert puts == expected_on_server(demo_store) and proxy.count("GET") == puts
    proxy.reset()
    second = sync(cli, demo_store)  # the ETags fetched are the server's: nothing to fetch or send again
    assert second["code"] == 0 and proxy.count("PUT") == 0 and proxy.count("GET") == 0
    assert not [seen for seen in proxy.seen if b"multiget" in seen.body]


def test_a_task_moved_and_renamed_on_the_phone_moves_and_renames_the_follow_up(cli: Callable[..., CliResult], synced) -> None:  # noqa: ANN001
    from datetime import date, timedelta

    import caldav

    from companion.exporters.ics import todo_uid

    store, url, proxy = synced
    task = next(f for f in store.followups() if f.kind == "promise")
    later = task.due + timedelta(days=5)
    with caldav.DAVClient(url=url, username="ana", password=PASSWORD) as client:
        todo = client.calendar(url=url + collection_path(store, "tasks")).todo_by_uid(todo_uid(task.uid))
        component = todo.icalendar_component
        component.pop("due")
        component.add("due", later)
        component.pop("summary")
        component.add("summary", "Send the benchmark results, with the graphs")
        todo.save()
    result = sync(cli, store)
    assert result["code"] == 0, result
    moved = store.followup(task.id)
    assert moved.due == later and isinstance(moved.due, date)
    assert moved.title == "Send the benchmark results, with the graphs"
    assert moved.status == "open"
    proxy.reset()
    assert sync(cli, store)["code"] == 0 and proxy.count("PUT") == 0
