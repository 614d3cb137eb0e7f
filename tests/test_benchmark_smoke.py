"""The benchmark still runs (at small sizes, no timing asserted: figures come from `make bench`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"


def test_benchmark_smoke_run_prints_every_figure() -> None:
    result = subprocess.run([sys.executable, str(BENCHMARK), "--smoke"], capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "import 200-event .ics (parse)" in result.stdout
    assert "schedule screen: switch day at 300 sessions" in result.stdout
    assert "schedule screen: type a filter at 300 sessions" in result.stdout
