"""Importing an unchanged schedule again writes nothing (issue 14, item 11): no new row files, no
new backup, and the disk use after ten re-imports is that of the first import."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from companion.store import Store
from support import SAMPLE_DIR, CliResult

CONFERENCE = SAMPLE_DIR / "conference.ics"


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def disk_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def test_ten_unchanged_reimports_write_nothing(
    cli: Callable[..., CliResult], isolated_data_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "summit.ics"
    source.write_bytes(CONFERENCE.read_bytes())
    assert cli("import", "schedule", source).code == 0
    first = files(isolated_data_dir)
    first_bytes = disk_bytes(isolated_data_dir)

    for _ in range(10):
        result = cli("import", "schedule", source)
        assert result.code == 0, result.err
        assert "0 new, 0 changed" in result.out and "0 gone" in result.out
        assert files(isolated_data_dir) == first  # not a row file, backup or manifest byte more
    assert disk_bytes(isolated_data_dir) <= first_bytes * 1.1

    # A changed schedule is still written, with a backup of what it replaces.
    source.write_bytes(CONFERENCE.read_bytes().replace(b"\nSUMMARY:", b"\nSUMMARY:New "))
    result = cli("import", "schedule", source)
    assert result.code == 0 and "48 changed" in result.out, result.out
    assert all(session.title.startswith("New ") for session in Store(isolated_data_dir).sessions())
    backups = sorted((isolated_data_dir / "backups").glob("schedules-*.json"))
    assert len(backups) == 1 and backups[0].read_bytes() == first["schedules.json"]
