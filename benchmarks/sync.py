"""Sync speed against a local Radicale (with a password), through the counting proxy of the tests:

- the first sync of 500 follow-ups and 200 people (with 100 talking points) into empty collections;
- a sync with nothing changed (should send no PUT);
- an incremental sync after one change (should send one PUT, not a full upload).

Run: ``.venv/bin/python benchmarks/sync.py`` (writes benchmarks/SYNC_RESULTS.md). Not part of `make bench`:
it starts a server and takes half a minute.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from sync_servers import PASSWORD, USER, FaultProxy, radicale  # noqa: E402
from workloads import populate_store  # noqa: E402

from companion.store import Store  # noqa: E402
from companion.sync import command  # noqa: E402

FOLLOWUPS = 500
PEOPLE = 200
RUNS = 3


def one_run(folder: Path) -> dict[str, tuple[float, int, int, float]]:
    """{figure: (milliseconds, requests, PUTs, companion's own CPU milliseconds)} for one fresh server and data folder."""
    figures: dict[str, tuple[float, int, int, float]] = {}
    with radicale(folder / "radicale") as url:
        proxy = FaultProxy(url)
        try:
            store = Store(folder / "data")
            populate_store(store, people=PEOPLE, notes=100, followups=FOLLOWUPS, sessions=0)
            command.setup(store, proxy.url, USER, None)
            for name, change in (
                ("first sync: 500 follow-ups + 200 people", None),
                ("second sync, nothing changed", None),
                ("incremental sync after one follow-up done", lambda: store.set_followup_status(store.followups()[0].id, "done")),
                ("incremental sync after one person edited", lambda: store.edit_person(
                    store.people()[0], store.people()[0].replace(role="Keynote speaker"))),
            ):
                if change is not None:
                    change()
                proxy.reset()
                start, cpu = time.perf_counter(), time.process_time()
                report = command.sync(store)
                took = (time.perf_counter() - start) * 1000
                cpu_ms = (time.process_time() - cpu) * 1000
                assert not report.stopped and report.waiting == 0, report.to_json()
                figures[name] = (took, len(proxy.seen), proxy.count("PUT"), cpu_ms)
        finally:
            proxy.close()
    return figures


def main() -> None:
    os.environ["COMPANION_DAV_PASSWORD"] = PASSWORD
    runs = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as folder:
            runs.append(one_run(Path(folder)))
    lines = [
        "# Sync benchmark",
        "",
        f"Written by `python benchmarks/sync.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
        f"Radicale {__import__('radicale').VERSION} on 127.0.0.1 with htpasswd auth, through the tests' counting proxy; "
        f"{RUNS} runs, each on a fresh server and data folder. Times in ms (median, min-max), for the whole sync "
        "(pull of three collections, then push), state written durably.",
        "",
        "| sync | median ms | min | max | companion's CPU ms (median) | requests | PUTs |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in runs[0]:
        times = [run[name][0] for run in runs]
        cpu = statistics.median(run[name][3] for run in runs)
        lines.append(f"| {name} | {statistics.median(times):.0f} | {min(times):.0f} | {max(times):.0f} | {cpu:.0f} | "
                     f"{runs[0][name][1]} | {runs[0][name][2]} |")
    lines += ["", "The wall time of a first sync is Radicale's: it answers each PUT in 70-130 ms here (it writes and "
              "fsyncs each item and its cache), while companion's own CPU time is the column beside it. Requests are "
              "counted by the proxy: the incremental syncs send one PUT for the one changed item, after one "
              "sync-collection REPORT per collection."]
    text = "\n".join(lines) + "\n"
    (HERE / "SYNC_RESULTS.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
