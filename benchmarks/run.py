"""The companion benchmark: each figure beside its budget and a baseline, on generated workloads.

    python benchmarks/run.py            # the full run (S and L workloads)
    python benchmarks/run.py --smoke    # a fast run at small sizes, to keep the benchmark working

Prints a table and writes benchmarks/results.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

import workloads  # noqa: E402

REALDATA = REPO.parent / "shared" / "realdata" / "schedules"


@dataclass
class Figure:
    name: str
    median_ms: float
    min_ms: float
    max_ms: float
    runs: int
    budget_ms: float | None = None
    baseline_name: str = ""
    baseline_ms: float | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.budget_ms is None:
            return ""
        return "ok" if self.median_ms <= self.budget_ms else "OVER"


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        budget = f"{figure.budget_ms:.0f}" if figure.budget_ms is not None else "-"
        baseline = f"{figure.baseline_ms:.1f} ({figure.baseline_name})" if figure.baseline_ms is not None else "-"
        print(f"{figure.name:<52} {figure.median_ms:>9.1f} {figure.min_ms:>9.1f} {figure.max_ms:>9.1f} "
              f"{budget:>8} {figure.verdict:>4}  {baseline}  {figure.note}", flush=True)
        return figure


def timed(function: Callable[[], object], runs: int) -> tuple[float, float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), min(samples), max(samples)


def measure(report: Report, name: str, function: Callable[[], object], runs: int, **extra) -> Figure:  # noqa: ANN003
    median, low, high = timed(function, runs)
    return report.add(Figure(name, median, low, high, runs, **extra))


# --- schedules -------------------------------------------------------------------------------------


def bench_imports(report: Report, sizes: dict[str, int], runs: int) -> None:
    import icalendar

    from companion.importers.sources import parse_schedule

    ics = workloads.schedule_ics(sizes["ics_events"])
    baseline = timed(lambda: icalendar.Calendar.from_ical(ics), runs)[0]
    measure(report, f"import {sizes['ics_events']}-event .ics (parse)", lambda: parse_schedule(ics, "bench.ics"),
            runs, baseline_name="icalendar from_ical", baseline_ms=baseline, budget_ms=baseline * 1.1,
            note="budget: no slower than icalendar's own parse (+10% noise)")
    xml = REALDATA / "eventfahrplan_schedule-38c3-20251206.xml"
    if xml.exists():
        payload = xml.read_bytes()
        measure(report, "import 38C3 XML, 1,007 sessions (parse)", lambda: parse_schedule(payload, str(xml)), runs,
                budget_ms=1000)
    else:
        print("  (38C3 XML not found beside the repo: skipped)")


def bench_schedule_screen(report: Report, sizes: dict[str, int], runs: int) -> None:
    """Switching day and filter in the schedule screen at the L session count, to the updated table."""
    from datetime import datetime, timezone

    from companion.importers.sources import parse_schedule
    from companion.schedules import save_parsed_schedule
    from companion.store import Store
    from screens.app import CompanionApp
    from screens.schedule import ScheduleScreen
    from textual.widgets import Input

    from screens.rowlist import RowList

    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder))
        parsed = parse_schedule(workloads.schedule_ics(sizes["sessions"]), "bench.ics")
        save_parsed_schedule(store, parsed, "bench.ics")
        clock = lambda: datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)  # noqa: E731

        async def drive() -> None:
            app = CompanionApp(store=store, clock=clock)
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.press("2")
                await pilot.pause()
                screen = app.screen
                assert isinstance(screen, ScheduleScreen)
                rows = screen.query_one("#sessions", RowList)
                field = screen.query_one("#filter", Input)
                idle = []
                for _ in range(runs):
                    started = time.process_time()
                    await pilot.pause()
                    idle.append((time.process_time() - started) * 1000)

                async def day(run: int) -> None:
                    screen.action_day(1 if run % 2 == 0 else -1)

                async def typed(run: int) -> None:
                    field.value = "packaging" if run % 2 == 0 else "security"

                for name, action in (("switch day", day), ("type a filter", typed)):
                    update, to_idle = [], []
                    for run in range(runs):
                        cpu, wall = time.process_time(), time.perf_counter()
                        await action(run)
                        update.append((time.perf_counter() - wall) * 1000)
                        await pilot.pause()
                        to_idle.append((time.process_time() - cpu) * 1000)
                        assert rows.row_count > 0
                    label = f"schedule screen: {name} at {sizes['sessions']} sessions"
                    report.add(Figure(label + ", CPU to settled screen", statistics.median(to_idle), min(to_idle),
                                      max(to_idle), runs, budget_ms=50, baseline_name="idle frame CPU",
                                      baseline_ms=statistics.median(idle), note=f"{rows.row_count} rows"))
                    report.add(Figure(label + ", list update (sync)", statistics.median(update), min(update),
                                      max(update), runs))

        asyncio.run(drive())


def bench_people(report: Report, sizes: dict[str, int], runs: int) -> None:
    """`companion who` as a whole process, and a keystroke in the app's people filter."""
    import subprocess
    from datetime import datetime, timezone

    from companion.store import Store
    from screens.app import CompanionApp
    from screens.people import PeopleScreen
    from screens.rowlist import RowList
    from textual.widgets import Input

    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder))
        workloads.populate_store(store, people=sizes["people"], notes=sizes["notes"],
                                 followups=sizes["followups"], sessions=sizes["sessions"])
        name = store.people()[len(store.people()) // 2].name
        command = [sys.executable, "-m", "companion", "--data-dir", folder, "who", name]
        python_only = [sys.executable, "-c", "pass"]
        baseline = timed(lambda: subprocess.run(python_only, check=True), runs)[0]
        measure(report, f"companion who, whole process, {sizes['people']} people / {sizes['notes']} notes",
                lambda: subprocess.run(command, check=True, capture_output=True), runs, budget_ms=150,
                baseline_name="bare python start", baseline_ms=baseline)

        async def drive() -> None:
            app = CompanionApp(store=store, clock=lambda: datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc))
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.press("3")
                await pilot.pause()
                screen = app.screen
                assert isinstance(screen, PeopleScreen)
                field = screen.query_one("#people-filter", Input)
                rows = screen.query_one("#people", RowList)
                update, to_idle = [], []
                typed = ""
                for run in range(runs):
                    typed = (typed + "ab")[-3:] if run % 3 else "m"
                    cpu, wall = time.process_time(), time.perf_counter()
                    field.value = typed
                    screen.apply_filter()
                    update.append((time.perf_counter() - wall) * 1000)
                    await pilot.pause()
                    to_idle.append((time.process_time() - cpu) * 1000)
                label = f"people filter keystroke at {sizes['people']} people"
                report.add(Figure(label + ", list and card update (sync)", statistics.median(update), min(update),
                                  max(update), runs, budget_ms=16, note=f"{rows.row_count} rows"))
                report.add(Figure(label + ", CPU to settled screen", statistics.median(to_idle), min(to_idle),
                                  max(to_idle), runs))

        asyncio.run(drive())


SIZES = {
    "full": {"ics_events": 5000, "sessions": 5000, "people": 10000, "notes": 20000, "followups": 20000},
    "smoke": {"ics_events": 200, "sessions": 300, "people": 200, "notes": 500, "followups": 500},
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="small sizes and few runs, to check it still works")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    sizes = SIZES["smoke" if args.smoke else "full"]
    # Byte-code as a user's machine has it (this environment may set PYTHONDONTWRITEBYTECODE).
    import compileall

    for package in ("companion", "screens"):
        compileall.compile_dir(str(REPO / package), quiet=1)
    runs = 2 if args.smoke else 7
    report = Report()
    print(f"{'figure':<52} {'median':>9} {'min':>9} {'max':>9} {'budget':>8}       baseline (ms)")
    bench_imports(report, sizes, runs)
    bench_schedule_screen(report, sizes, runs)
    bench_people(report, sizes, runs)
    result = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "processor": platform.processor()},
        "mode": "smoke" if args.smoke else "full",
        "figures": [asdict(f) | {"verdict": f.verdict} for f in report.figures],
    }
    if not args.smoke:
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
