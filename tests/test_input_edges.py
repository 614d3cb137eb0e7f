"""Input at the edges: arguments and file names that are not UTF-8, names made only of invisible
characters, and errors that would echo a huge argument back."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from support import CliResult, assert_one_line_error

NOT_UTF8 = b"caf\xe9-\xff.ics"
AS_ARGV = NOT_UTF8.decode("utf-8", "surrogateescape")
"""What Python puts in sys.argv for those bytes on Linux: lone surrogates."""


@pytest.mark.parametrize("argv", [
    ("import", "schedule", AS_ARGV),
    ("import", "people", AS_ARGV),
    ("who", AS_ARGV),
    ("sessions", "--day", AS_ARGV),
    ("note", "add", AS_ARGV, "--person", "Ada"),
    ("--data-dir", AS_ARGV, "people"),
    ("export", "json", AS_ARGV),
    (AS_ARGV,),
])
def test_an_argument_that_is_not_utf8_is_one_line(argv: tuple[str, ...], cli: Callable[..., CliResult],
                                                  tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text("name\nAda\n")
    line = assert_one_line_error(cli(*argv))
    assert "not valid UTF-8" in line, line
    line.encode("utf-8")  # printable as it is: no lone surrogate reached the terminal


def test_a_file_name_that_is_not_utf8_is_one_line_from_a_real_process(tmp_path: Path) -> None:
    path = tmp_path.as_posix().encode() + b"/" + NOT_UTF8
    with open(path, "wb") as handle:
        handle.write(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    done = subprocess.run(
        [sys.executable, "-m", "companion", "--data-dir", str(tmp_path / "data"), "import", "schedule", path],
        capture_output=True, timeout=60,
    )
    assert done.returncode == 1, done
    assert done.stdout == b""
    lines = done.stderr.decode("utf-8").splitlines()  # strict: nothing but UTF-8 is printed
    assert len(lines) == 1 and lines[0].startswith("companion: error:") and "UTF-8" in lines[0], lines


@pytest.mark.parametrize("name", ["\u200b\u200c\u200d", "\u2060\ufeff", " \t ", "\u00ad\u180e", "\u3164"])
def test_a_name_made_only_of_invisible_characters_is_refused(name: str, tmp_path: Path,
                                                            cli: Callable[..., CliResult]) -> None:
    people = tmp_path / "people.csv"
    people.write_text(f"name,email\nAda Lovelace,ada@example.org\n\"{name}\",ghost@example.org\n", encoding="utf-8")
    result = cli("import", "people", people)
    assert result.code == 0, result.err
    assert "line 3" in result.out and "no name" in result.out, result.out
    listed = cli("people", "--json").json()
    assert [p["name"] for p in listed] == ["Ada Lovelace"]


def test_a_person_renamed_to_invisible_characters_is_refused() -> None:
    from companion.errors import CompanionError
    from companion.models import Person
    from companion.store import Store
    from companion.paths import resolve_data_dir

    store = Store(resolve_data_dir(None))
    store.add_people([Person("Ada Lovelace")])
    ada = store.people()[0]
    with pytest.raises(CompanionError, match="name"):
        store.save_person(ada.replace(name="\u200b\u2060 \u200d"))
    assert store.people()[0].name == "Ada Lovelace"


HUGE = "Q" * 5000


@pytest.mark.parametrize("argv", [
    ("who", HUGE),
    ("sessions", "--day", HUGE),
    ("import", "schedule", HUGE),
    ("import", "schedule", "https://" + HUGE + ".example/x.ics"),
    ("conferences", "remove", HUGE),
    ("note", "add", "text", "--person", HUGE),
    ("point", HUGE, "--work", "x"),
    ("import", "schedule", "x.ics", "--format", HUGE),
    (HUGE,),
    ("who", "Ada", HUGE),
])
def test_an_error_never_echoes_more_than_200_characters_of_input(argv: tuple[str, ...],
                                                                 cli: Callable[..., CliResult]) -> None:
    from companion.models import Person
    from companion.paths import resolve_data_dir
    from companion.store import Store

    Store(resolve_data_dir(None)).add_people([Person("Ada Lovelace")])
    line = assert_one_line_error(cli(*argv))
    assert "Q" * 201 not in line, line[:400]


def test_a_data_folder_named_in_bytes_that_are_not_utf8_is_one_line(
    monkeypatch: pytest.MonkeyPatch, cli: Callable[..., CliResult]
) -> None:
    monkeypatch.setenv("COMPANION_DATA_DIR", "/tmp/" + AS_ARGV)
    line = assert_one_line_error(cli("people"))
    assert "COMPANION_DATA_DIR" in line and "UTF-8" in line


async def test_the_app_never_echoes_more_than_200_characters_of_a_source(isolated_data_dir: Path) -> None:
    from companion.store import Store
    from screens.app import CompanionApp
    from screens.modals import ImportRequest

    app = CompanionApp(store=Store(isolated_data_dir))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        app.run_import(ImportRequest(kind="schedule", source="/nowhere/" + HUGE + ".ics"), False)
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = " ".join(str(notification.message) for notification in app._notifications)
        assert "cannot read" in shown, shown[:300]
        assert "Q" * 201 not in shown
