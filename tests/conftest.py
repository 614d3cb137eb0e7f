"""Shared fixtures (helpers are in support.py). Every test runs with its own data folder: the real
one is never touched."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from support import CONFERENCE_MORNING, CliResult


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data_dir = tmp_path / "data"
    monkeypatch.setenv("COMPANION_DATA_DIR", str(data_dir))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    return data_dir


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``companion ARGS...`` in this process and capture what it prints."""
    from companion.cli import main

    def run(*argv: object) -> CliResult:
        capsys.readouterr()
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def demo_store(tmp_path: Path):  # noqa: ANN201 - a Store (imported lazily, as the app does)
    """The sample conference and people, as the demo builds them, on its first morning."""
    from companion.demo import build_demo_store

    return build_demo_store(tmp_path / "demo", today=date(2026, 12, 3), now=CONFERENCE_MORNING)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print what tests recorded for the reader (the coach's precision and recall on its corpus),
    also when they ran in other processes (pytest-xdist passes recorded properties back)."""
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            for name, value in getattr(report, "user_properties", []):
                if name == "coach_table" and getattr(report, "when", "call") == "call":
                    terminalreporter.write_sep("-", "the coach on its labelled corpus")
                    terminalreporter.write_line(str(value))
