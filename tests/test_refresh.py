"""Import from a URL, refresh, and what the user is told, against a server on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import icalendar
import pytest

from companion.cli import main
from companion.store import Store

SAMPLE_ICS = (Path(__file__).resolve().parent.parent / "sample_schedules" / "conference.ics").read_bytes()
PACKAGING_TALK = "nwoss26-002@northwind.example"  # Thu 10:00-10:40, Hall A


@dataclass
class Feed:
    body: bytes = SAMPLE_ICS
    etag: str = '"v1"'
    requests: list[dict[str, str]] = field(default_factory=list)
    stop: object = None


@pytest.fixture
def feed(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Feed, str]]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    state = Feed()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            state.requests.append(dict(self.headers))
            if self.headers.get("If-None-Match") == state.etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("ETag", state.etag)
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stopped = []

    def stop() -> None:
        if not stopped:
            stopped.append(True)
            server.shutdown()
            server.server_close()

    state.stop = stop
    yield state, f"http://127.0.0.1:{server.server_address[1]}/schedule.ics"
    stop()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def edited(body: bytes, uid: str, old: bytes, new: bytes) -> bytes:
    """The calendar with one line of one event replaced."""
    head, marker, rest = body.partition(f"UID:{uid}".encode())
    event, end, tail = rest.partition(b"END:VEVENT")
    assert old in event
    return head + marker + event.replace(old, new, 1) + end + tail


def test_import_from_url_then_refresh_with_a_conditional_get(
    capsys: pytest.CaptureFixture[str], feed: tuple[Feed, str], isolated_data_dir: Path
) -> None:
    state, url = feed
    code, out, _ = run(capsys, "import", "schedule", url)
    assert code == 0 and "Imported 48 sessions" in out
    code, out, _ = run(capsys, "refresh")
    assert code == 0 and "not changed since the last fetch" in out
    assert state.requests[-1].get("If-None-Match") == '"v1"'


def test_refresh_reports_starred_sessions_that_moved_or_were_cancelled_and_keeps_stars(
    capsys: pytest.CaptureFixture[str], feed: tuple[Feed, str], isolated_data_dir: Path
) -> None:
    state, url = feed
    run(capsys, "import", "schedule", url)
    store = Store(isolated_data_dir)
    store.set_star(PACKAGING_TALK, True)
    store.set_star("nwoss26-003@northwind.example", True)
    moved = edited(SAMPLE_ICS, PACKAGING_TALK, b"LOCATION:Hall A", b"LOCATION:Room 101")
    head, marker, rest = moved.partition(b"BEGIN:VEVENT\r\nUID:nwoss26-003@northwind.example")
    state.body = head + rest.partition(b"END:VEVENT\r\n")[2]  # the Textual talk is gone
    state.etag = '"v2"'
    code, out, _ = run(capsys, "refresh")
    assert code == 0
    assert "starred session moved: The State of Python Packaging in 2026" in out and "Room 101" in out
    assert "starred session cancelled: Building Terminal UIs with Textual" in out
    assert "47 sessions" in out
    assert store.starred_ids() == {PACKAGING_TALK, "nwoss26-003@northwind.example"}
    statuses = {s.id: s.status for s in store.sessions()}
    assert statuses[PACKAGING_TALK] == "changed"
    assert statuses["nwoss26-003@northwind.example"] == "cancelled"


def test_a_refresh_with_far_fewer_sessions_needs_force(
    capsys: pytest.CaptureFixture[str], feed: tuple[Feed, str], isolated_data_dir: Path
) -> None:
    state, url = feed
    run(capsys, "import", "schedule", url)
    calendar = icalendar.Calendar.from_ical(SAMPLE_ICS)
    events = list(calendar.walk("VEVENT"))
    small = icalendar.Calendar()
    for key, value in calendar.items():
        small.add(key, value)
    for event in events[:3]:
        small.add_component(event)
    state.body, state.etag = small.to_ical(), '"v3"'
    code, _, err = run(capsys, "refresh")
    assert code == 1 and "3 sessions now against 48 stored" in err and "--force" in err
    assert len(Store(isolated_data_dir).sessions()) == 48
    code, out, _ = run(capsys, "refresh", "--force")
    assert code == 0 and len(Store(isolated_data_dir).sessions()) == 3


def test_offline_refresh_uses_the_cached_copy(
    capsys: pytest.CaptureFixture[str], feed: tuple[Feed, str], isolated_data_dir: Path
) -> None:
    state, url = feed
    run(capsys, "import", "schedule", url)
    state.stop()  # the conference Wi-Fi is gone
    code, out, err = run(capsys, "refresh")
    assert code == 0, err
    assert "offline" in out and "using the copy from" in out
    assert len(Store(isolated_data_dir).sessions()) == 48


def test_offline_first_import_is_one_clear_error(
    capsys: pytest.CaptureFixture[str], feed: tuple[Feed, str], isolated_data_dir: Path
) -> None:
    state, url = feed
    state.stop()
    code, _out, err = run(capsys, "import", "schedule", url)
    assert code == 1
    assert err.startswith("companion: error:") and "cannot reach 127.0.0.1" in err and err.count("\n") == 1


def test_export_agenda_writes_the_starred_sessions(
    capsys: pytest.CaptureFixture[str], feed: tuple[Feed, str], isolated_data_dir: Path, tmp_path: Path
) -> None:
    _state, url = feed
    run(capsys, "import", "schedule", url)
    Store(isolated_data_dir).set_star(PACKAGING_TALK, True)
    target = tmp_path / "agenda.ics"
    code, out, _ = run(capsys, "export", "agenda", str(target))
    assert code == 0 and "Wrote 1 starred sessions" in out
    events = list(icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events] == ["The State of Python Packaging in 2026"]
    assert str(events[0]["LOCATION"]) == "Hall A"
    assert events[0].decoded("DTSTART").isoformat() == "2026-12-03T09:00:00+00:00"


def test_reimporting_a_file_repeats_the_options_it_was_first_imported_with(
    capsys: pytest.CaptureFixture[str], isolated_data_dir: Path, tmp_path: Path
) -> None:
    floating = tmp_path / "floating.ics"
    floating.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
        b"BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:Opening\r\nDTSTART:20261203T090000\r\nDTEND:20261203T093000\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:b\r\nSUMMARY:Closing\r\nDTSTART:20261203T170000\r\nDTEND:20261203T173000\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    run(capsys, "import", "schedule", str(floating), "--tz", "Asia/Tokyo")
    code, out, _ = run(capsys, "import", "schedule", str(floating))
    assert code == 0 and "0 new, 0 changed, 2 unchanged, 0 gone" in out and "Asia/Tokyo" in out
    opening = next(s for s in Store(isolated_data_dir).sessions() if s.title == "Opening")
    assert opening.start.isoformat() == "2026-12-03T00:00:00+00:00"


def test_the_same_schedule_from_another_path_merges_into_one_conference(
    capsys: pytest.CaptureFixture[str], isolated_data_dir: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "downloaded-again.ics"
    copy.write_bytes(SAMPLE_ICS)
    run(capsys, "import", "schedule", str(Path(__file__).resolve().parent.parent / "sample_schedules" / "conference.ics"))
    code, out, _ = run(capsys, "import", "schedule", str(copy))
    assert code == 0 and "0 new, 0 changed, 48 unchanged, 0 gone" in out
    assert len(Store(isolated_data_dir).conferences()) == 1


def test_data_dir_star_and_day_work_anywhere_on_the_line(
    capsys: pytest.CaptureFixture[str], isolated_data_dir: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    sample = str(Path(__file__).resolve().parent.parent / "sample_schedules" / "conference.ics")
    assert run(capsys, "import", "schedule", sample, "--data-dir", str(elsewhere))[0] == 0
    assert run(capsys, "star", PACKAGING_TALK, f"--data-dir={elsewhere}")[0] == 0
    code, out, _ = run(capsys, "sessions", "--starred", "--data-dir", str(elsewhere))
    assert code == 0 and "The State of Python Packaging in 2026" in out
    assert not isolated_data_dir.exists() or Store(isolated_data_dir).conferences() == []
    code, out, _ = run(capsys, "star", PACKAGING_TALK, "--off", "--data-dir", str(elsewhere))
    assert code == 0 and "Unstarred" in out


class HostileFeed(BaseHTTPRequestHandler):
    """Answers as the test says: a good calendar first, then one kind of failure."""

    mode = "good"

    def do_GET(self) -> None:  # noqa: N802
        mode = type(self).mode
        if mode == "good":
            self.send_response(200)
            self.send_header("Content-Length", str(len(SAMPLE_ICS)))
            self.end_headers()
            self.wfile.write(SAMPLE_ICS)
        elif mode in ("500", "404"):
            self.send_response(int(mode))
            self.end_headers()
        elif mode == "html":
            page = b"<!doctype html><html><body>Please log in to the Wi-Fi</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)
        elif mode == "cut":
            self.send_response(200)
            self.send_header("Content-Length", str(len(SAMPLE_ICS)))
            self.end_headers()
            self.wfile.write(SAMPLE_ICS[:500])
        elif mode == "file-redirect":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
        elif mode == "redirect-loop":
            self.send_response(302)
            self.send_header("Location", self.path)
            self.end_headers()
        elif mode == "garbage":
            body = b"BEGIN:VCALENDAR\r\nthis is not a calendar"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize("mode", ["500", "404", "html", "cut", "file-redirect", "redirect-loop", "garbage"])
def test_a_hostile_answer_on_refresh_leaves_the_stored_schedule_as_it_was(
    capsys: pytest.CaptureFixture[str], isolated_data_dir: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    handler = type("Feed", (HostileFeed,), {"mode": "good"})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/schedule.ics"
        assert run(capsys, "import", "schedule", url)[0] == 0
        Store(isolated_data_dir).set_star(PACKAGING_TALK, True)
        before = (isolated_data_dir / "schedules.json").read_bytes()
        handler.mode = mode
        code, _out, err = run(capsys, "refresh")
        assert code == 1
        assert err.startswith("companion: error:") and err.count("\n") == 1 and "Traceback" not in err
        assert (isolated_data_dir / "schedules.json").read_bytes() == before
        assert Store(isolated_data_dir).starred_ids() == {PACKAGING_TALK}
    finally:
        server.shutdown()
        server.server_close()
