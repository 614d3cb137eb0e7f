"""Run by benchmarks/run.py in a fresh process: the app's first screen on a data folder, and its peak RSS.

    python benchmarks/first_screen.py SPAWNED MODE FOLDER

SPAWNED is ``time.monotonic()`` in the parent just before it started this process (CLOCK_MONOTONIC is
system-wide on Linux, so the figure includes interpreter start-up and every import). MODE is ``app``
(the companion app on the Store in FOLDER, as ``companion`` opens it) or ``empty`` (a bare Textual app
with a header, one line and a footer: the floor the framework sets). Prints one JSON line.
"""

import time

STARTED = time.monotonic()

import asyncio  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

# The conference in the generated workload runs 1-4 December 2026: open the app on its first morning
# (the clock benchmarks/run.py gives the in-process app runs).
CLOCK = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def peak_rss_mb() -> float:
    """This process's peak resident set: VmHWM, the high-water mark of its own memory map.

    ``getrusage(RUSAGE_SELF).ru_maxrss`` is not used on Linux: the kernel carries it across exec, so a
    child started (forked or vforked) from the large benchmark process reports the parent's RSS.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def build(mode: str, folder: str):  # noqa: ANN201
    if mode == "app":
        from companion.store import Store
        from screens.app import CompanionApp

        store = Store(Path(folder), backup_on_open=True)  # as `companion` with no command opens it
        return CompanionApp(store=store, clock=lambda: CLOCK)
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Static

    class Empty(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Static("hello", id="today-heading")
            yield Footer()

    return Empty()


async def drive(spawned: float, mode: str, folder: str) -> dict:
    from textual.widgets import Static

    app = build(mode, folder)
    result: dict = {"mode": mode}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()  # the first screen mounted and its resume handler (which loads the data) run
        heading = app.screen.query_one("#today-heading", Static)
        now = time.monotonic()
        result["first_screen_ms"] = (now - spawned) * 1000
        result["in_script_ms"] = (now - STARTED) * 1000
        result["heading"] = str(heading.content)[:80]
        if not result["heading"].strip():
            raise SystemExit("the first screen's heading is empty: the screen did not load")
        result["rss_mb"] = {"first screen": peak_rss_mb()}
        if mode == "app":
            for key, name in (("2", "schedule"), ("3", "people"), ("4", "followups"), ("1", "today")):
                await pilot.press(key)
                await pilot.pause()
                result["rss_mb"][name] = peak_rss_mb()
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def main() -> None:
    spawned, mode, folder = float(sys.argv[1]), sys.argv[2], sys.argv[3]
    print(json.dumps(asyncio.run(drive(spawned, mode, folder))), flush=True)


if __name__ == "__main__":
    main()
