"""The benchmark still runs (at small sizes, no timing asserted: figures come from `make bench`)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
BENCHMARK = BENCHMARKS / "run.py"

EVERY_FIGURE = [
    "import 200-event .ics (parse)",
    "companion import schedule 200-event .ics, whole process",
    "companion who, whole process, S:",
    "companion who, whole process, L:",
    "lookup reading the file, in process, L:",
    "companion sessions --day, whole process, 200 sessions",
    "app start to first screen, from process start, L",
    "app peak RSS (VmHWM) after visiting the four screens, L",
    "schedule screen: switch day at 200 sessions",
    "schedule screen: type a filter at 200 sessions",
    "grid shown on a day of 200 sessions in 20 rooms",
    "grid cursor move on a day of 200 sessions in 20 rooms, the screen's lines drawn again (sync)",
    "grid scroll to the far corner on a day of 200 sessions in 20 rooms",
    "people filter keystroke at 200 people",
    "people screen open at 1,000 people, to its first rows",
    "priority change at 1,000 people, to settled screen",
    "export 300 follow-ups as .ics",
    "save one note, durable, L:",
]


@pytest.mark.slow
def test_benchmark_smoke_run_prints_every_figure(tmp_path: Path) -> None:
    written = [BENCHMARKS / "results.json", BENCHMARKS / "RESULTS.md"]
    before = {path: path.read_bytes() if path.exists() else None for path in written}
    result = subprocess.run([sys.executable, str(BENCHMARK), "--smoke"], capture_output=True, text=True, timeout=300)  # generous: a loaded machine (a parallel test run) triples it
    assert result.returncode == 0, result.stderr[-2000:]
    for label in EVERY_FIGURE:
        assert label in result.stdout, label
    if shutil.which("khal") or Path(sys.executable).with_name("khal").exists():
        assert "khal import --batch, once" in result.stdout
        assert "khal list 2026-12-02 1d" in result.stdout
    if (BENCHMARKS.parent.parent / "shared" / "realdata" / "schedules" / "eventfahrplan_schedule-38c3-20251206.xml").exists():
        assert "companion import schedule 38C3 XML, whole process" in result.stdout
    assert "over budget:" in result.stdout
    # A smoke run writes no results: they hold the last full run.
    assert {path: path.read_bytes() if path.exists() else None for path in written} == before
