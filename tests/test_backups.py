"""Backups a user can count on (issue 14, item 5): taken before the first change of a day also by
someone who only uses the command line, and ordered by a counter, so a clock that jumps back
neither prunes the newest backups nor has an old one restored over newer data."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from companion import datafile, storage
from companion.models import Person
from companion.store import Store
from support import CliResult


class Clock:
    """The wall clock the data file reads, set by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)
        clock = self

        class Patched(datetime):
            @classmethod
            def now(cls, tz=None):  # noqa: ANN001, ANN206
                return clock.now.astimezone(tz) if tz is not None else clock.now.astimezone().replace(tzinfo=None)

        monkeypatch.setattr(datafile, "datetime", Patched)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    yield Clock(monkeypatch)


def user_backups(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "backups").glob("user-*.json")) if (data_dir / "backups").is_dir() else []


def notes_in(backup: Path, data_dir: Path) -> list[str]:
    return sorted(row["text"] for row in storage.load_tables(backup, data_dir / "user.d").get("notes", {}).values())


def test_a_command_line_user_gets_a_backup_before_the_first_change_of_a_day(
    cli: Callable[..., CliResult], isolated_data_dir: Path, clock: Clock
) -> None:
    Store(isolated_data_dir).add_people([Person(name="Ada Lovelace")])
    assert user_backups(isolated_data_dir) == []

    assert cli("note", "add", "first of the day", "--person", "Ada").code == 0
    (backup,) = user_backups(isolated_data_dir)
    assert notes_in(backup, isolated_data_dir) == []  # the data as it was before the day's first change

    assert cli("note", "add", "second of the day", "--person", "Ada").code == 0
    assert user_backups(isolated_data_dir) == [backup]  # one a day is enough

    clock.now = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)
    assert cli("note", "add", "next morning", "--person", "Ada").code == 0
    backups = user_backups(isolated_data_dir)
    assert len(backups) == 2
    newest = Store(isolated_data_dir).user.backups()[0]
    assert notes_in(newest, isolated_data_dir) == ["first of the day", "second of the day"]


def test_a_clock_jumping_back_neither_prunes_new_backups_nor_restores_an_old_one(
    isolated_data_dir: Path, clock: Clock
) -> None:
    data_dir = isolated_data_dir
    Store(data_dir).add_note("the first note", [])
    for index in range(storage.BACKUPS_KEPT + 2):
        Store(data_dir, backup_on_open=True).add_note(f"before the jump {index}", [])
        clock.now = clock.now.replace(minute=index + 1)

    clock.now = datetime(2026, 1, 1, 8, 0, tzinfo=timezone.utc)  # the clock is set back eleven months
    Store(data_dir, backup_on_open=True).add_note("after the jump", [])
    Store(data_dir, backup_on_open=True)  # backs up the state with "after the jump"

    backups = user_backups(data_dir)
    assert len(backups) == storage.BACKUPS_KEPT
    assert any("after the jump" in notes_in(backup, data_dir) for backup in backups), "the newest backup was pruned"

    (data_dir / "user.json").write_bytes(b"\x00 damaged")
    store = Store(data_dir)
    assert any("restored" in warning for warning in store.warnings)
    assert "after the jump" in [note.text for note in store.notes()], "an older backup was restored over newer data"


def test_backups_are_named_in_order_of_a_counter(isolated_data_dir: Path, clock: Clock) -> None:
    """Sorting the backups folder by name (as a user and `companion doctor` do) is their order,
    whatever the clock said; backups named by time before this change sort before them."""
    data_dir = isolated_data_dir
    Store(data_dir).add_note("one", [])
    backups_dir = data_dir / "backups"
    backups_dir.mkdir()
    legacy = backups_dir / "user-20261206T120000000000Z-open.json"
    legacy.write_bytes((data_dir / "user.json").read_bytes())
    made = []
    for index, year in enumerate((2027, 2025, 2026)):
        clock.now = clock.now.replace(year=year)
        Store(data_dir).add_note(f"note {index}", [])
        made.append(Store(data_dir, backup_on_open=True).user.backups()[0])
    assert sorted(p.name for p in backups_dir.glob("user-*.json")) == [legacy.name, *(p.name for p in made)]
    assert Store(data_dir).user.backups() == [*reversed(made), legacy]
