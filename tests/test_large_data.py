"""Large data inside the caps keeps the app responsive: a long people list is read from the stored
summaries and drawn a screen at a time, a priority change writes one person and reads nobody
else, and a field megabytes long is cut for one line and for search. What is asserted is what
is read and written (counted), never how long it took: benchmarks/run.py measures that."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import companion.storage
from companion.models import Conference, Person, Session
from companion.store import Store
from screens.app import CompanionApp
from screens.rowlist import RowList
from support import CONFERENCE_MORNING

NOW = CONFERENCE_MORNING
PEOPLE = 1500
"""About six chunks of people: enough that reading everyone shows in the counts."""


def many_people(store: Store, count: int = PEOPLE) -> list[int]:
    """``count`` people named ``Person 0000``... (name order is id order), every tenth a cartographer."""
    with store.user.transaction() as db:
        return db.table("people").insert_multiple(
            Person(name=f"Person {index:04d}", affiliation=f"Lab {index % 7}",
                   role="Cartographer" if index % 10 == 0 else "Engineer", priority="hope-to-meet").to_dict()
            for index in range(count)
        )


class Counting:
    """Counts the Person records built and the files read and written while it is on."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.built = 0
        self.read: list[str] = []
        self.written: list[str] = []
        self.on = False
        from_dict = Person.from_dict
        read_chunk = companion.storage._read_chunk
        write_new_file = companion.storage._write_new_file

        def counting_from_dict(cls: type[Person], data: dict[str, Any], id: int = 0) -> Person:
            self.built += self.on
            return from_dict(data, id=id)

        def counting_read(path: Path, manifest: Path) -> dict[str, Any]:
            if self.on:
                self.read.append(path.name)
            return read_chunk(path, manifest)

        def counting_write(path: Path, payload: bytes) -> None:
            if self.on:
                self.written.append(path.name)
            write_new_file(path, payload)

        monkeypatch.setattr(Person, "from_dict", classmethod(counting_from_dict))
        monkeypatch.setattr(companion.storage, "_read_chunk", counting_read)
        monkeypatch.setattr(companion.storage, "_write_new_file", counting_write)

    def start(self) -> None:
        self.built, self.read, self.written, self.on = 0, [], [], True


def shown_names(rows: RowList, count: int = 5) -> list[str]:
    return [rows.row(index)[0].plain for index in range(min(count, rows.row_count))]


async def test_the_people_screen_lists_many_people_building_only_the_rows_it_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    many_people(Store(tmp_path))
    counting = Counting(monkeypatch)
    store = Store(tmp_path)
    app = CompanionApp(store=store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        counting.start()
        await pilot.press("3")
        await app.workers.wait_for_complete()
        await pilot.pause()
        rows = app.screen.query_one("#people", RowList)
        assert rows.row_count == PEOPLE
        assert shown_names(rows, 3) == ["Person 0000", "Person 0001", "Person 0002"]
        # A screenful of rows and a card, not everyone (the list came from the summaries).
        assert counting.built < 100, counting.built
        assert len([name for name in counting.read if name.startswith("people.") and ".sum." not in name]) <= 2
        await pilot.press("down", "down")
        await pilot.pause()
        selected = app.screen.selected_person()  # type: ignore[attr-defined]
        assert selected is not None and selected.name == "Person 0002"
        await pilot.press("end")
        await pilot.pause()
        assert app.screen.selected_person().name == f"Person {PEOPLE - 1:04d}"  # type: ignore[attr-defined]
        await pilot.press("slash", *"cartog")  # the role is searched too
        await pilot.pause()
        assert rows.row_count == PEOPLE // 10
        assert shown_names(rows, 2) == ["Person 0000", "Person 0010"]
        await pilot.press(*" 0120")
        await pilot.pause()
        assert shown_names(rows) == ["Person 0120"]
        await pilot.press("escape")
        await pilot.pause()
        assert rows.row_count == PEOPLE


async def test_a_priority_change_writes_one_person_and_reads_nobody_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = many_people(Store(tmp_path))
    counting = Counting(monkeypatch)
    store = Store(tmp_path)
    app = CompanionApp(store=store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("down")
        await pilot.pause()
        counting.start()
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        counting.on = False
        rows = app.screen.query_one("#people", RowList)
        assert rows.row(1)[2].plain.strip() == "met"
    assert Store(tmp_path).person(ids[1]).priority == "met"
    assert all(person.priority == "hope-to-meet" for person in Store(tmp_path).people() if person.id != ids[1])
    # One chunk of people written (the one holding this person), and no new search summary: a
    # priority is not what anyone is found by.
    assert [name.split(".")[0] for name in counting.written] == ["people"], counting.written
    assert not any(".sum." in name for name in counting.written + counting.read), (counting.written, counting.read)
    assert counting.built < 100, counting.built


def test_the_people_list_is_kept_while_no_summary_changes(tmp_path: Path) -> None:
    ids = many_people(Store(tmp_path), 300)
    store = Store(tmp_path)
    listed = store.people_list()
    person = store.person(ids[5])
    person.priority = "met"
    store.save_person(person)
    assert store.people_list() is listed  # a priority: the same list
    person.name = "Aaron First"
    store.save_person(person)
    renamed = store.people_list()
    assert renamed is not listed and renamed.ids[0] == ids[5]
    Store(tmp_path).remove_person(ids[0])  # another process: the list follows the file
    assert ids[0] not in store.people_list().ids


def test_summaries_saved_with_fewer_fields_are_made_again_from_the_rows(tmp_path: Path) -> None:
    """A summary file written before the role was summarised (four fields) is read from the rows
    instead, and the next save that changes a summary writes every chunk's with all the fields."""
    ids = many_people(Store(tmp_path), 600)
    manifest = json.loads((tmp_path / "user.json").read_bytes())
    summary = tmp_path / "user.d" / manifest["tables"]["people"]["summary"]
    stored = json.loads(summary.read_bytes())
    for chunk in stored.values():
        chunk["columns"] = chunk["columns"][:4]
    summary.write_text(json.dumps(stored))
    store = Store(tmp_path)
    listed = store.people_list()
    assert len(listed) == 600
    assert len(listed.index.filter("cartographer")) == 60
    person = store.person(ids[1])
    person.name = "Renamed Person"
    store.save_person(person)
    manifest = json.loads((tmp_path / "user.json").read_bytes())
    rewritten = json.loads((tmp_path / "user.d" / manifest["tables"]["people"]["summary"]).read_bytes())
    assert {len(chunk["columns"]) for chunk in rewritten.values()} == {5}
    assert len(Store(tmp_path).people_list().index.filter("cartographer")) == 60


HUGE_TITLE = "Hugely long opening " + "word " * 40_000  # 200 kB: a pasted file in the title


async def test_a_huge_title_is_cut_in_the_schedule_and_still_found(tmp_path: Path) -> None:
    store = Store(tmp_path)
    day = date(2026, 12, 1)
    start = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
    conference = Conference(id="big", name="Big", timezone="Europe/Berlin", first_day=day, last_day=day)
    store.save_schedule(conference, [
        Session(id=f"s{index}", conference="big", title=HUGE_TITLE if index == 1 else f"Talk {index}",
                start=start + timedelta(minutes=30 * index), end=start + timedelta(minutes=30 * index + 25))
        for index in range(4)
    ])
    app = CompanionApp(store=store, clock=lambda: start)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        rows = app.screen.query_one("#sessions", RowList)
        titles = [max((cell.plain for cell in rows.row(index)), key=len) for index in range(rows.row_count)]
        assert any(title.startswith("Hugely long opening") for title in titles)
        assert max(len(title) for title in titles) <= 500  # text.ONE_LINE_CHARACTERS
        await pilot.press("slash", *"hugely")
        await pilot.pause()
        assert rows.row_count == 1
        await pilot.press("enter", "down", "up")
        await pilot.pause()
        assert app.is_running


async def test_the_follow_ups_screen_reads_only_the_people_it_lists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = many_people(Store(tmp_path))
    store = Store(tmp_path)
    store.add_note("Promised the slides", [ids[7]], now=datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc))
    from companion.models import FollowUp

    with store.user.transaction() as db:
        db.table("followups").insert(FollowUp(kind="thank", title="Thank Person 0007", due=date(2026, 12, 2),
                                              person_id=ids[7], uid="t7@companion").to_dict())
    counting = Counting(monkeypatch)
    app = CompanionApp(store=Store(tmp_path), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        counting.start()
        await pilot.press("4")
        await app.workers.wait_for_complete()
        await pilot.pause()
        rows = app.screen.query_one("#followups", RowList)
        assert rows.row_count == 1 and any("Person 0007" in cell.plain for cell in rows.row(0))
    assert counting.built < 20, counting.built
