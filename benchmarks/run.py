"""The companion benchmark: each figure beside its budget (ARCHITECTURE.md, Fast paths) and a baseline, on generated workloads.

    python benchmarks/run.py            # the full run (S and L workloads); writes results.json and RESULTS.md
    python benchmarks/run.py --smoke    # a fast run at small sizes, to keep the benchmark working (writes nothing)

Workloads are generated deterministically (benchmarks/workloads.py, seeded): S = 300 sessions, 200 people,
500 notes; L = 5,000 sessions, 10,000 people, 20,000 notes and 20,000 follow-ups; P = 200,000 people with
the L schedule (the People screen at scale); plus the real 38C3 XML
from ../shared/realdata/ when present. Every figure is the median of several runs (min and max beside it),
all in one process run; whole-process figures start a fresh Python each run, with byte-code present.
Baselines run in the same process on the same data: plain TinyDB with its default JSONStorage, icalendar's
bare Calendar.from_ical, khal (import, then list one day) with a config in a temp folder, and a bare
Textual app. There are no timed assertions anywhere: a figure over its budget is printed as OVER.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

import workloads  # noqa: E402

REALDATA = REPO.parent / "shared" / "realdata" / "schedules"
XML_38C3 = REALDATA / "eventfahrplan_schedule-38c3-20251206.xml"
DAY = "2026-12-02"
"""The day listed by `companion sessions --day` and `khal list` (the generated conference runs 1-4 December 2026)."""
ZONE = "Europe/Berlin"
CLOCK = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)

SIZES = {
    "full": {
        "runs": 7, "slow_runs": 5,
        "S": {"sessions": 300, "people": 200, "notes": 500, "followups": 0},
        "L": {"sessions": 5000, "people": 10000, "notes": 20000, "followups": 20000},
        "P": {"sessions": 5000, "people": 200000, "notes": 2000, "followups": 2000},
        "I": {"people": 50000},
        "G": {"rooms": 100, "sessions": 1500},
    },
    "smoke": {
        "runs": 2, "slow_runs": 1,
        "S": {"sessions": 40, "people": 30, "notes": 50, "followups": 0},
        "L": {"sessions": 200, "people": 200, "notes": 300, "followups": 300},
        "P": {"sessions": 200, "people": 1000, "notes": 50, "followups": 50},
        "I": {"people": 500},
        "G": {"rooms": 20, "sessions": 200},
    },
}
"""P (people): a people list at the cap the app is built for (issue 14: 200,000 people), the L schedule.
G (grid): one day of 1,500 sessions in 100 rooms (workloads.grid_day), the room grid's worst case."""


@dataclass
class Figure:
    name: str
    median: float
    min: float
    max: float
    runs: int
    budget: float | None = None
    baseline_name: str = ""
    baseline: float | None = None
    note: str = ""
    unit: str = "ms"

    @property
    def verdict(self) -> str:
        if self.budget is None:
            return ""
        return "ok" if self.median <= self.budget else "OVER"

    def baseline_text(self) -> str:
        return f"{self.baseline:.1f} ({self.baseline_name})" if self.baseline is not None else "-"

    def budget_text(self) -> str:
        return f"{self.budget:.0f}" if self.budget is not None else "-"


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        print(f"{figure.name:<66} {figure.median:>9.1f} {figure.min:>9.1f} {figure.max:>9.1f} {figure.unit:<3} "
              f"{figure.budget_text():>7} {figure.verdict:>4}  {figure.baseline_text()}  {figure.note}", flush=True)
        return figure


def header() -> None:
    print(f"{'figure':<66} {'median':>9} {'min':>9} {'max':>9} {'':<3} {'budget':>7} {'':>4}  baseline  note")


def info(text: str) -> None:
    print(f"  ({text})", flush=True)


def timed(function: Callable[[], object], runs: int, *, warmup: int = 0) -> tuple[float, float, float]:
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), min(samples), max(samples)


def measure(report: Report, name: str, function: Callable[[], object], runs: int, *, warmup: int = 0,
            **extra) -> Figure:  # noqa: ANN003
    median, low, high = timed(function, runs, warmup=warmup)
    return report.add(Figure(name, median, low, high, runs, **extra))


def summary(report: Report, name: str, samples: list[float], **extra) -> Figure:  # noqa: ANN003
    return report.add(Figure(name, statistics.median(samples), min(samples), max(samples), len(samples), **extra))


def run(command: list[str], **options) -> subprocess.CompletedProcess:  # noqa: ANN003
    """Run a process; a failure stops the benchmark with its stderr (a figure of a failing command is no figure)."""
    result = subprocess.run(command, capture_output=True, text=True, **options)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result


def companion(folder: Path, *words: str) -> list[str]:
    return [sys.executable, "-m", "companion", "--data-dir", str(folder), *words]


def size_label(size: dict[str, int]) -> str:
    return f"{size['sessions']:,} sessions / {size['people']:,} people / {size['notes']:,} notes"


# --- data ------------------------------------------------------------------------------------------


@dataclass
class Workload:
    name: str
    size: dict[str, int]
    folder: Path
    plain: Path
    """A plain TinyDB file (default JSONStorage) holding the same tables as the folder's user.json."""
    probe: str
    """A person's full name to look up (the middle one by name)."""
    speaker: str = ""
    """A person who speaks at sessions (their card reads those sessions and the breaks after them)."""


def data_size(folder: Path, stem: str) -> str:
    """The size of a data file: its manifest, and the chunk files beside it."""
    manifest = (folder / f"{stem}.json").stat().st_size
    chunks = list((folder / f"{stem}.d").glob("*.json"))
    total = manifest + sum(p.stat().st_size for p in chunks)
    return f"{total / 1e6:.1f} MB (manifest {manifest / 1e3:.0f} kB, {len(chunks)} chunk files)"


def build_workload(name: str, size: dict[str, int], root: Path, schedule: bytes | None = None) -> Workload:
    from tinydb import TinyDB

    from companion.store import Store

    started = time.perf_counter()
    folder = root / name
    store = Store(folder)
    workloads.populate_store(store, **size, schedule=schedule)
    people = store.people()
    plain = root / f"{name}-plain-tinydb.json"
    from companion.storage import load_tables

    tables = load_tables(folder / "user.json")
    database = TinyDB(str(plain))  # TinyDB's own default JSONStorage writes the file
    database.storage.write(tables)
    database.close()
    info(f"workload {name}: {size_label(size)}, {size['followups']:,} follow-ups; user data "
         f"{data_size(folder, 'user')}, schedules {data_size(folder, 'schedules')}; "
         f"built in {time.perf_counter() - started:.1f} s")
    middle = len(people) // 2
    speaker = next((p.name for p in people[middle:] + people[:middle] if store.speaking_sessions(p)), "")
    return Workload(name, size, folder, plain, people[middle].name, speaker)


class Khal:
    """khal with a config, calendar folder and database in a temp folder (the tool a terminal user would pick)."""

    def __init__(self, root: Path) -> None:
        found = shutil.which("khal") or str(Path(sys.executable).with_name("khal"))
        self.command = [found] if Path(found).exists() else None
        self.root = root
        if self.command is None:
            return
        calendar = root / "khal-calendar"
        calendar.mkdir()
        self.config = root / "khal.conf"
        self.config.write_text(
            "[calendars]\n[[bench]]\n"
            f"path = {calendar}\ntype = calendar\n"
            "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
            "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
            f"local_timezone = {ZONE}\ndefault_timezone = {ZONE}\n"
            "[default]\ndefault_calendar = bench\n"
            f"[sqlite]\npath = {root / 'khal.db'}\n"
        )

    def __bool__(self) -> bool:
        return self.command is not None

    def base(self) -> list[str]:
        assert self.command is not None
        return [*self.command, "-c", str(self.config)]


# --- schedules -------------------------------------------------------------------------------------


def bench_imports(report: Report, ics: bytes, ics_path: Path, root: Path, runs: int, slow_runs: int,
                  khal: Khal) -> dict[str, float]:
    """Parsing, and importing as a whole `companion import schedule` process into an empty data folder."""
    import icalendar

    from companion.importers.sources import parse_schedule

    events = ics.count(b"BEGIN:VEVENT")
    baseline = timed(lambda: icalendar.Calendar.from_ical(ics), runs)[0]
    budget = baseline * 1.1
    measure(report, f"import {events}-event .ics (parse)", lambda: parse_schedule(ics, "bench.ics"),
            runs, baseline_name="icalendar from_ical", baseline=baseline, budget=budget,
            note="budget: no slower than icalendar's own parse (+10% noise)")

    khal_import: float | None = None
    if khal:
        started = time.perf_counter()
        run([*khal.base(), "import", "--batch", str(ics_path)], timeout=1800)
        khal_import = (time.perf_counter() - started) * 1000

    counter = iter(range(10**6))

    def import_whole() -> None:
        folder = root / f"import-{next(counter)}"
        run(companion(folder, "import", "schedule", str(ics_path)))
        shutil.rmtree(folder)

    measure(report, f"companion import schedule {events}-event .ics, whole process", import_whole, slow_runs,
            budget=budget, baseline_name="khal import --batch, once", baseline=khal_import,
            note=f"budget: icalendar from_ical {baseline:.0f} ms +10%; into an empty data folder, durable")
    if khal_import is None:
        info("khal not found: its import and list baselines skipped")

    if XML_38C3.exists():
        payload = XML_38C3.read_bytes()
        measure(report, "import 38C3 XML, 1,007 sessions (parse)", lambda: parse_schedule(payload, str(XML_38C3)),
                runs, budget=1000)

        def import_xml() -> None:
            folder = root / f"import-{next(counter)}"
            run(companion(folder, "import", "schedule", str(XML_38C3)))
            shutil.rmtree(folder)

        measure(report, "companion import schedule 38C3 XML, whole process", import_xml, runs, budget=1000,
                note="into an empty data folder, durable")
    else:
        info("38C3 XML not found beside the repo: skipped")
    return {"icalendar_parse": baseline}


def bench_schedule_screen(report: Report, store, sessions: int, runs: int) -> None:  # noqa: ANN001
    """Switching day and filter in the schedule screen on the L store, to the updated table."""
    from screens.app import CompanionApp
    from screens.rowlist import RowList
    from screens.schedule import ScheduleScreen
    from textual.widgets import Input

    async def drive() -> None:
        app = CompanionApp(store=store, clock=lambda: CLOCK)
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
                for run_index in range(runs):
                    cpu, wall = time.process_time(), time.perf_counter()
                    await action(run_index)
                    update.append((time.perf_counter() - wall) * 1000)
                    await pilot.pause()
                    to_idle.append((time.process_time() - cpu) * 1000)
                    assert rows.row_count > 0
                label = f"schedule screen: {name} at {sessions} sessions"
                summary(report, label + ", CPU to settled screen", to_idle, budget=50,
                        baseline_name="idle frame CPU", baseline=statistics.median(idle), note=f"{rows.row_count} rows")
                summary(report, label + ", list update (sync)", update)

    asyncio.run(drive())


def bench_schedule_grid(report: Report, root: Path, size: dict[str, int], runs: int) -> None:
    """The room grid on a day of ``size["sessions"]`` sessions in ``size["rooms"]`` rooms: building
    its layout, opening it (g) and a cursor move or a scroll, each to the settled screen."""
    from companion.agenda import SessionIndex, TimeGrid, zone_of
    from companion.schedules import save_parsed_schedule
    from companion.store import Store
    from screens.app import CompanionApp
    from screens.grid import SessionGrid

    folder = root / "grid"
    store = Store(folder)
    save_parsed_schedule(store, workloads.grid_day(size["rooms"], size["sessions"]), "grid.xml")
    conference = store.conferences()[0]
    index = SessionIndex(store.sessions(conference.id), zone_of(conference), conference.rooms)
    day = index.select(index.days[0])
    rooms = index.rooms(day)
    label = f"{size['sessions']:,} sessions in {size['rooms']} rooms"
    layout = TimeGrid(day, rooms, index.zone)
    measure(report, f"grid layout (TimeGrid) of a day of {label}", lambda: TimeGrid(day, rooms, index.zone), runs,
            warmup=1, note=f"{layout.row_count} rows of {int(layout.slot.total_seconds() // 60)} minutes, "
                           f"{layout.column_count} columns")
    now = day[len(day) // 2].start + (day[len(day) // 2].end - day[len(day) // 2].start) / 2

    def draw(grid: SessionGrid) -> None:
        """Every line on screen, as a repaint asks for them (a line unchanged since is taken from the cache)."""
        for y in range(grid.size.height):
            grid.render_line(y)

    async def drive() -> None:
        app = CompanionApp(store=store, clock=lambda: now)
        async with app.run_test(size=(200, 50)) as pilot:
            await pilot.press("2")
            await pilot.pause()
            list_moves = []
            for key in ("down", "up") * runs:
                cpu = time.process_time()
                await pilot.press(key)
                await pilot.pause()
                list_moves.append((time.process_time() - cpu) * 1000)
            opened, moves, shown, moved, scrolled = [], [], [], [], []
            for _ in range(runs):
                cpu = time.process_time()
                await pilot.press("g")  # to the grid (and back, untimed, below)
                await pilot.pause()
                opened.append((time.process_time() - cpu) * 1000)
                grid = app.screen.query_one("#grid", SessionGrid)
                assert grid.session is not None
                wall = time.perf_counter()
                grid.show(TimeGrid(day, rooms, index.zone), starred=set(), clashes=set(), now=now, zone=index.zone)
                grid._lines.clear()
                draw(grid)
                shown.append((time.perf_counter() - wall) * 1000)
                for key in ("right", "down", "left", "up"):
                    wall = time.perf_counter()
                    grid.action_move(*{"right": (1, 0), "down": (0, 1), "left": (-1, 0), "up": (0, -1)}[key])
                    draw(grid)
                    moved.append((time.perf_counter() - wall) * 1000)
                    await pilot.pause()
                    cpu = time.process_time()
                    await pilot.press(key)
                    await pilot.pause()
                    moves.append((time.process_time() - cpu) * 1000)
                for x, y in ((grid.max_scroll_x, grid.max_scroll_y), (0, 0)):
                    wall = time.perf_counter()
                    grid.scroll_to(x=x, y=y, animate=False, immediate=True)
                    draw(grid)
                    scrolled.append((time.perf_counter() - wall) * 1000)
                    await pilot.pause()
                await pilot.press("g")
                await pilot.pause()
            summary(report, f"grid shown on a day of {label}: layout, cursor at now, the screen's lines drawn (sync)",
                    shown, budget=50, note="200x50")
            summary(report, f"grid cursor move on a day of {label}, the screen's lines drawn again (sync)", moved,
                    budget=16, note="right, down, left, up; a move that scrolls draws every line")
            summary(report, f"grid scroll to the far corner on a day of {label}, the screen's lines drawn (sync)",
                    scrolled, budget=16, note="bottom right and back to the top left, as the mouse wheel or scrollbar does")
            summary(report, f"grid open (g) on a day of {label}, CPU to settled screen", opened,
                    note="with the detail pane, the footer's keys and the layout that change with it")
            summary(report, f"grid cursor move on a day of {label}, CPU to settled screen", moves,
                    baseline_name="a cursor move in the list", baseline=statistics.median(list_moves),
                    note="with the detail pane shown again")

    asyncio.run(drive())


# --- the command line --------------------------------------------------------------------------------


def bench_who(report: Report, workload: Workload, runs: int, bare_python: float) -> None:
    """`companion who NAME` as a whole process, beside a plain TinyDB lookup of the same name as a whole process."""
    lookup = ("import sys\nfrom tinydb import TinyDB, where\n"
              "found = TinyDB(sys.argv[1]).table('people').search(where('name') == sys.argv[2])\n"
              "print(found[0]['name'], found[0]['affiliation'])\n")
    plain = [sys.executable, "-c", lookup, str(workload.plain), workload.probe]
    result = run(plain)
    assert workload.probe in result.stdout
    baseline = timed(lambda: run(plain), runs, warmup=1)[0]
    command = companion(workload.folder, "who", workload.probe)
    assert workload.probe in run(command).stdout
    measure(report, f"companion who, whole process, {workload.name}: {size_label(workload.size)}",
            lambda: run(command), runs, warmup=1, budget=150,
            baseline_name="plain TinyDB lookup, whole process", baseline=baseline,
            note=f"bare python start {bare_python:.0f} ms")
    if workload.speaker:
        from companion.store import Store

        store = Store(workload.folder, read_only=True)
        person = store.search_people(workload.speaker, limit=1)[0][0]
        talks = len(store.speaking_sessions(person))
        command = companion(workload.folder, "who", workload.speaker)
        assert workload.speaker in run(command).stdout
        measure(report, f"companion who, whole process, {workload.name}, a speaker ({talks} session{'' if talks == 1 else 's'})",
                lambda: run(command), runs, warmup=1, budget=150,
                note="reads the sessions they speak at and the hours after each (for the break)")


def bench_lookup_in_process(report: Report, workload: Workload, runs: int) -> None:
    """A lookup that reads the file, in process: open the store and search people, against plain TinyDB."""
    from tinydb import TinyDB, where

    from companion.store import Store

    def plain() -> None:
        found = TinyDB(str(workload.plain)).table("people").search(where("name") == workload.probe)
        assert found

    def ours() -> None:
        store = Store(workload.folder, read_only=True)
        assert store.search_people(workload.probe, limit=6)[0][0].name == workload.probe

    import rapidfuzz.process  # noqa: F401 - imported once, as in any process; the figure is the reading and searching

    baseline = timed(plain, runs, warmup=1)[0]
    measure(report, f"lookup reading the file, in process, {workload.name}: {workload.size['people']:,} people",
            ours, runs, warmup=1, baseline_name="plain TinyDB open + search by name", baseline=baseline,
            note="Store open read-only + fuzzy search over the people's search summaries + the matches' rows, "
                 "as `who` does; no budget of its own (who is budgeted whole)")


def bench_sessions_day(report: Report, workload: Workload, runs: int, khal: Khal) -> None:
    """`companion sessions --day DAY` at L as a whole process, against `khal list DAY 1d` on the same .ics."""
    command = companion(workload.folder, "sessions", "--day", DAY)
    ours = len(run(command).stdout.splitlines()) - 1  # a heading line, then one line per session
    baseline = None
    note = f"{ours} sessions listed"
    if khal:
        listing = [*khal.base(), "list", DAY, "1d"]
        theirs = sum(1 for line in run(listing).stdout.splitlines() if line[:2].isdigit() and line[5:6] == "-")
        baseline = timed(lambda: run(listing), runs, warmup=1)[0]
        note += f"; khal lists {theirs} events"
    measure(report, f"companion sessions --day, whole process, {workload.size['sessions']:,} sessions",
            lambda: run(command), runs, warmup=1, budget=130, baseline_name=f"khal list {DAY} 1d",
            baseline=baseline, note=note)


# --- the app ---------------------------------------------------------------------------------------


def bench_first_screen(report: Report, workload: Workload, runs: int) -> None:
    """The app's first screen from process start (imports included), and its peak RSS across the four screens."""
    script = HERE / "first_screen.py"

    def once(mode: str) -> dict:
        spawned = time.monotonic()
        result = run([sys.executable, str(script), str(spawned), mode, str(workload.folder)], cwd=REPO)
        return json.loads(result.stdout.strip().splitlines()[-1])

    empty = [once("empty") for _ in range(runs)]
    ours = [once("app") for _ in range(runs)]
    empty_ms = statistics.median(r["first_screen_ms"] for r in empty)
    summary(report, f"app start to first screen, from process start, {workload.name}",
            [r["first_screen_ms"] for r in ours], budget=1000,
            baseline_name="bare Textual app, from process start", baseline=empty_ms,
            note=f"Store opened with a backup, as `companion` does; in-script (after interpreter start) "
                 f"{statistics.median(r['in_script_ms'] for r in ours):.0f} ms")
    last = ours[-1]["rss_mb"]
    per_screen = ", ".join(f"{name} {value:.0f}" for name, value in last.items())
    summary(report, f"app peak RSS (VmHWM) after visiting the four screens, {workload.name}",
            [r["peak_rss_mb"] for r in ours], unit="MB",
            baseline_name="bare Textual app", baseline=statistics.median(r["peak_rss_mb"] for r in empty),
            note=f"no budget; peak after each screen (MB): {per_screen}; VmHWM, not ru_maxrss "
                 "(Linux carries ru_maxrss over from the parent across exec)")


def bench_people_keystroke(report: Report, store, people: int, runs: int) -> None:  # noqa: ANN001
    """A keystroke in the app's people filter: the filtered list (the card follows once typing pauses), and the CPU until the screen settles."""
    from screens.app import CompanionApp
    from screens.people import PeopleScreen
    from screens.rowlist import RowList
    from textual.widgets import Input

    async def drive() -> None:
        app = CompanionApp(store=store, clock=lambda: CLOCK)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("3")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, PeopleScreen)
            field = screen.query_one("#people-filter", Input)
            rows = screen.query_one("#people", RowList)
            update, to_idle = [], []
            typed = ""
            for run_index in range(runs):
                typed = (typed + "ab")[-3:] if run_index % 3 else "m"
                cpu, wall = time.process_time(), time.perf_counter()
                field.value = typed
                screen.apply_filter(card_later=True)
                update.append((time.perf_counter() - wall) * 1000)
                await pilot.pause()
                to_idle.append((time.process_time() - cpu) * 1000)
            label = f"people filter keystroke at {people} people"
            summary(report, label + ", filtered list update (sync)", update, budget=16,
                    note=f"{rows.row_count} rows; the card follows 120 ms after typing pauses")
            summary(report, label + ", CPU to settled screen", to_idle)

    asyncio.run(drive())


def build_people_workload(size: dict[str, int], root: Path, schedule: bytes) -> Path:
    """The P data folder (no plain TinyDB copy: nothing here compares with one)."""
    from companion.store import Store

    started = time.perf_counter()
    folder = root / "P"
    workloads.populate_store(Store(folder), **size, schedule=schedule)
    info(f"workload P: {size['people']:,} people, {size['sessions']:,} sessions; user data "
         f"{data_size(folder, 'user')}; built in {time.perf_counter() - started:.1f} s")
    return folder


def bench_imported_people(report: Report, root: Path, people: int, runs: int, slow_runs: int) -> None:
    """A Google Contacts export of ``people`` (the most one file may hold without --max-rows) imported
    by `companion import people` as a whole process, then `who` on that list (budgeted as everywhere)."""
    csv_path = root / "google-contacts.csv"
    csv_path.write_bytes(workloads.google_contacts_csv(people))
    folders = iter(range(1000))

    def import_whole() -> None:
        run(companion(root / f"I-{next(folders)}", "import", "people", str(csv_path)))

    measure(report, f"companion import people, Google Contacts CSV, {people:,} people, whole process", import_whole,
            slow_runs, note="into an empty data folder, durable; no budget: a progress line on stderr after 2 s")
    folder = root / "I-0"
    again = companion(folder, "import", "people", str(csv_path))
    measure(report, f"companion import people again (nothing new), {people:,} people, whole process",
            lambda: run(again), slow_runs, note="compares every row with the list; writes nothing")
    from companion.store import Store

    probe = Store(folder, read_only=True).people()[people // 2].name
    command = companion(folder, "who", probe)
    assert probe in run(command).stdout
    measure(report, f"companion who, whole process, {people:,} imported people", lambda: run(command), runs,
            warmup=1, budget=150, note="the largest people file accepted without --max-rows")


def bench_people_screen_at_scale(report: Report, folder: Path, people: int, runs: int) -> None:
    """The People screen at P (200,000 people): from switching to it (the app started on Today, its
    housekeeping done) to the list drawn with its first rows, on a Store opened fresh for each run;
    then a priority change (``p``) on the selected person until the screen settles."""
    from companion.store import Store
    from screens.app import CompanionApp
    from screens.rowlist import RowList

    async def once(opened: list[float], changed: list[float]) -> None:
        app = CompanionApp(store=Store(folder), clock=lambda: CLOCK)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            wall = time.perf_counter()
            await app.run_action("switch_mode('people')")
            while True:  # until the list has rows and its first rows are built (drawn)
                await asyncio.sleep(0.005)
                found = app.screen.query("#people")
                rows = found.first(RowList) if found else None
                if rows is not None and rows.row_count and rows.row(0):
                    break
            opened.append((time.perf_counter() - wall) * 1000)
            assert rows.row_count == people, rows.row_count
            await app.workers.wait_for_complete()
            await pilot.pause()
            priority = [column.label for column in rows.columns].index("Priority")  # the columns shown
            for _ in range(runs):
                before = rows.row(rows.cursor)[priority].plain.strip()
                wall = time.perf_counter()
                await app.run_action("screen.cycle_priority")
                await app.workers.wait_for_complete()
                await pilot.pause()
                changed.append((time.perf_counter() - wall) * 1000)
                assert rows.row(rows.cursor)[priority].plain.strip() != before

    opened: list[float] = []
    changed: list[float] = []
    for _ in range(runs):
        asyncio.run(once(opened, changed))
    summary(report, f"people screen open at {people:,} people, to its first rows", opened, budget=2000,
            note="a fresh Store each run; from switching to the screen (app started, on Today)")
    summary(report, f"priority change at {people:,} people, to settled screen", changed,
            note="p on the selected person: the save (durable) and the list redrawn; no budget of its own")


def bench_coach_keystroke(report: Report, store, runs: int) -> None:  # noqa: ANN001
    """A keystroke in the talking-point form: the coach reads the answer being typed and the flags
    under the answers are updated (the first keystroke loads the word list the coach uses)."""
    from screens.app import CompanionApp
    from screens.modals import TalkingPointModal
    from textual.widgets import Input

    answers = {
        "work": "Your talk at PyCon 2024 on lockfiles for libraries, the part about resolvers",
        "how": "It was super helpful: we moved our CI to lockfiles and the flaky builds stopped",
        "question": "Could I pick your brain sometime, or how do you pin dependencies for libraries?",
        "offer": "Happy to send my CV, or our migration notes as a case study for your docs",
        "common": "We both came to Python from physics and we should grab a coffee sometime",
    }

    async def drive() -> None:
        app = CompanionApp(store=store, clock=lambda: CLOCK)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("3")
            await pilot.pause()
            await pilot.press("t")
            await pilot.pause()
            form = app.screen
            assert isinstance(form, TalkingPointModal)
            update, to_idle = [], []
            keys = [(key, text[:n]) for key, text in answers.items() for n in range(1, len(text) + 1)]
            for run_index in range(runs * 5):
                key, typed = keys[run_index * 7 % len(keys)]
                field = form.query_one(f"#answer-{key}", Input)
                cpu, wall = time.process_time(), time.perf_counter()
                with field.prevent(Input.Changed):
                    field.value = typed
                form.show_coach()
                update.append((time.perf_counter() - wall) * 1000)
                await pilot.pause()
                to_idle.append((time.process_time() - cpu) * 1000)
            summary(report, "talking-point form keystroke, coach flags updated (sync)", update, budget=16,
                    note="five answers, weak and strong; the form warms the coach up as it opens")
            summary(report, "talking-point form keystroke, CPU to settled screen", to_idle)

    asyncio.run(drive())


# --- writes and exports ------------------------------------------------------------------------------


def bench_note_save(report: Report, workload: Workload, runs: int) -> None:
    """Saving one note durably at L (Store.add_note), against plain TinyDB inserting one note document."""
    from tinydb import TinyDB

    from companion.models import Note
    from companion.store import Store

    store = Store(workload.folder)
    person = store.people()[0]
    counter = iter(range(10**6))
    plain = TinyDB(str(workload.plain))
    notes = plain.table("notes")

    def insert_plain() -> None:
        notes.insert(Note(text=f"Baseline note {next(counter)}", created=CLOCK, person_ids=[person.id]).to_dict())

    baseline = timed(insert_plain, runs)[0]
    plain.close()
    measure(report, f"save one note, durable, {workload.name}: {workload.size['notes']:,} notes",
            lambda: store.add_note(f"Benchmark note {next(counter)}", [person.id], now=CLOCK), runs, budget=30,
            baseline_name="plain TinyDB insert", baseline=baseline,
            note=f"user data {data_size(workload.folder, 'user')}; "
                 "the TinyDB baseline does not fsync (not durable)")


def bench_export(report: Report, workload: Workload, root: Path, runs: int) -> None:
    """Exporting every follow-up at L as .ics (companion.exporters.ics.export_followups)."""
    from zoneinfo import ZoneInfo

    from companion.exporters.ics import export_followups
    from companion.store import Store

    store = Store(workload.folder, read_only=True)
    items = store.followups()
    people = {person.id: person for person in store.people()}
    target = root / "followups.ics"
    zone = ZoneInfo(ZONE)
    figure = measure(report, f"export {len(items):,} follow-ups as .ics", lambda: export_followups(
        target, items, people, zone=zone, now=CLOCK), runs, note="no budget; follow-ups and people "
        "loaded before timing")
    figure.note += f"; {target.stat().st_size / 1e6:.1f} MB written"


# --- the report ------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    def first(path: str, key: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return ""

    memory = first("/proc/meminfo", "MemTotal")
    memory_gb = f"{int(memory.split()[0]) / 1024 / 1024:.1f} GB" if memory else "?"
    import textual

    def git(*words: str) -> subprocess.CompletedProcess:  # read-only: never touches the index
        return subprocess.run(["git", "-C", str(REPO), *words], capture_output=True, text=True)

    commit = git("rev-parse", "--short", "HEAD").stdout.strip() or "?"
    dirty = git("diff", "--quiet", "HEAD", "--", "companion", "screens").returncode == 1
    return {
        "code": f"commit {commit}" + (" with uncommitted changes in companion/ or screens/" if dirty else ""),
        "cpu": first("/proc/cpuinfo", "model name") or platform.processor() or "?",
        "cores": f"{os.cpu_count()} ({len(os.sched_getaffinity(0))} usable)",
        "memory": memory_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "textual": textual.__version__,
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "byte-code": "present (compiled before the run)",
    }


def markdown_table(report: Report) -> str:
    lines = ["| figure | median | min | max | budget | verdict | baseline | runs | note |",
             "| --- | ---: | ---: | ---: | ---: | --- | --- | ---: | --- |"]
    for f in report.figures:
        unit = f" {f.unit}" if f.unit != "ms" else ""
        lines.append(f"| {f.name} | {f.median:.1f}{unit} | {f.min:.1f} | {f.max:.1f} | {f.budget_text()} | "
                     f"{f.verdict or '-'} | {f.baseline_text()} | {f.runs} | {f.note} |")
    return "\n".join(lines)


def write_results_md(path: Path, report: Report, about: dict[str, str]) -> None:
    """The latest table and machine; a hand-written '## Reading' section already in the file is kept."""
    reading = ""
    if path.exists():
        text = path.read_text()
        if "\n## Reading" in text:
            reading = text[text.index("\n## Reading") + 1:]
    over = [f.name for f in report.figures if f.verdict == "OVER"]
    parts = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python benchmarks/run.py`). Times in milliseconds unless marked; each figure "
        "is the median of `runs` runs with min and max; budgets from ARCHITECTURE.md. Figures are with byte-code "
        "present (`companion` and `screens` are compiled at the start of the run; site-packages already are).",
        "",
        "## Machine",
        "",
        *[f"- {key}: {value}" for key, value in about.items()],
        "",
        "## Figures",
        "",
        markdown_table(report),
        "",
        "Over budget in this run: " + ("; ".join(over) if over else "none") + ".",
        "",
    ]
    path.write_text("\n".join(parts) + ("\n" + reading if reading else ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="small sizes and few runs, to check it still works")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--markdown", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    mode = "smoke" if args.smoke else "full"
    sizes = SIZES[mode]
    runs, slow_runs = sizes["runs"], sizes["slow_runs"]
    # Byte-code as a user's machine has it (this environment may set PYTHONDONTWRITEBYTECODE).
    import compileall

    for package in ("companion", "screens"):
        compileall.compile_dir(str(REPO / package), quiet=1)
    report = Report()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="companion-bench-") as temp:
        root = Path(temp)
        ics = workloads.schedule_ics(sizes["L"]["sessions"])
        ics_path = root / "bench.ics"
        ics_path.write_bytes(ics)
        khal = Khal(root)
        header()
        bench_imports(report, ics, ics_path, root, runs, slow_runs, khal)

        small = build_workload("S", sizes["S"], root)
        large = build_workload("L", sizes["L"], root, schedule=ics)
        bare_python = timed(lambda: run([sys.executable, "-c", "pass"]), runs, warmup=1)[0]
        bench_who(report, small, runs, bare_python)
        bench_who(report, large, runs, bare_python)
        bench_lookup_in_process(report, large, runs)
        bench_sessions_day(report, large, runs, khal)

        bench_first_screen(report, large, runs)
        from companion.store import Store

        store = Store(large.folder)
        bench_schedule_screen(report, store, sizes["L"]["sessions"], runs)
        bench_people_keystroke(report, store, sizes["L"]["people"], runs)
        bench_coach_keystroke(report, store, runs)
        bench_schedule_grid(report, root, sizes["G"], runs)
        people = build_people_workload(sizes["P"], root, ics)
        bench_people_screen_at_scale(report, people, sizes["P"]["people"], slow_runs)
        bench_imported_people(report, root, sizes["I"]["people"], runs, slow_runs)
        bench_export(report, large, root, slow_runs)
        bench_note_save(report, large, runs)  # last: it adds notes to the L store
    info(f"benchmark took {time.perf_counter() - started:.0f} s")
    over = [f.name for f in report.figures if f.verdict == "OVER"]
    print("over budget: " + ("; ".join(over) if over else "none"))
    if not args.smoke:
        about = machine()
        result = {
            "machine": about,
            "mode": mode,
            "figures": [asdict(f) | {"verdict": f.verdict} for f in report.figures],
        }
        args.out.write_text(json.dumps(result, indent=2) + "\n")
        write_results_md(args.markdown, report, about)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
