"""The Follow-ups list at 80x24, its counts, and `c`, which says truthfully where the draft went
(a fake system clipboard stands in for pyperclip's)."""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pyperclip
import pytest
from textual.widgets import Static

from companion.store import Store
from screens.app import CompanionApp
from screens.followups import FollowUpsScreen
from screens.widgets import FittedList
from support import CONFERENCE_MORNING


def make_app(store: Store) -> CompanionApp:
    return CompanionApp(store=store, clock=lambda: CONFERENCE_MORNING)


def drawn(rows: FittedList) -> list[str]:
    return [rows.render_line(y).text for y in range(rows.size.height)]


async def test_at_80x24_titles_are_readable_with_the_draft_under_them(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        rows = app.screen.query_one("#followups", FittedList)
        lines = drawn(rows)
        assert "Follow-up" in lines[0] and "Person" in lines[0]
        assert any("Thank Tomasz Wierzbicki" in line for line in lines)
        assert any("Ask Liam O'Brien whether they would" in line for line in lines)  # 35 letters of the title
        assert any("Sofia Lindqvist" in line for line in lines)
        draft = app.screen.query_one("#draft", Static)
        assert draft.region.y > rows.region.y and draft.region.height >= 5  # under the list, not beside it


async def test_at_200_columns_titles_are_whole_and_the_kind_shows(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        lines = drawn(app.screen.query_one("#followups", FittedList))
        assert "Kind" in lines[0] and "When" in lines[0]
        assert any("Promised Tomasz Wierzbicki: our sampling benchmark results" in line for line in lines)


def counts_shown(app: CompanionApp) -> dict[str, int]:
    line = str(app.screen.query_one("#followup-counts", Static).visual)
    found = dict((name, int(number)) for number, name in re.findall(r"(\d+) (open|overdue|due today|upcoming|waiting)", line))
    return {"open": found["open"], "overdue": found["overdue"], "today": found["due today"],
            "upcoming": found["upcoming"], "waiting": found["waiting"]}


async def test_the_counts_are_those_of_the_list_and_follow_a_change(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FollowUpsScreen)

        def listed() -> dict[str, int]:
            buckets = Counter(when for when, _item in screen.items)
            return {"open": len(screen.items), **{name: buckets[name] for name in ("overdue", "today", "upcoming", "waiting")}}

        assert counts_shown(app) == listed()
        assert counts_shown(app)["open"] == screen.query_one("#followups", FittedList).row_count == 4
        waiting_before = counts_shown(app)["waiting"]
        await pilot.press("down", "w")  # the thank-you: waiting for a reply now
        await pilot.pause()
        assert counts_shown(app) == listed()
        assert counts_shown(app)["waiting"] == waiting_before + 1


class FakeClipboard:
    """Stands in for the system clipboard pyperclip reaches."""

    def __init__(self, *, present: bool = True, keeps: bool = True) -> None:
        self.present, self.keeps = present, keeps
        self.held = ""

    def copy(self, text: str) -> None:
        if not self.present:
            raise pyperclip.PyperclipException("could not find a copy/paste mechanism")
        if self.keeps:
            self.held = text

    def paste(self) -> str:
        return self.held


@pytest.fixture
def drafts_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Drafts handed over as files go under the test's own temporary folder."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


async def copy_first_draft(store: Store, clipboard: FakeClipboard, monkeypatch: pytest.MonkeyPatch) -> tuple[CompanionApp, str]:
    from companion import clipboard as handing_over

    monkeypatch.setattr(handing_over, "copy_to_system", handing_over.copy_here)  # in this process, with the fake
    monkeypatch.setattr(pyperclip, "copy", clipboard.copy)
    monkeypatch.setattr(pyperclip, "paste", clipboard.paste)
    app = make_app(store)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = [notification.message for notification in app._notifications]
    return app, "\n".join(messages)


async def test_c_says_copied_when_the_system_clipboard_holds_the_draft(demo_store: Store, drafts_dir: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    clipboard = FakeClipboard()
    app, said = await copy_first_draft(demo_store, clipboard, monkeypatch)
    assert "Copied the draft to the clipboard." in said
    assert clipboard.held.startswith("Subject: Would you like an introduction to Sofia Lindqvist?")
    assert "Hi Liam," in clipboard.held
    assert app.clipboard == clipboard.held  # sent to the terminal too (over ssh, the user's own clipboard)
    assert not list(drafts_dir.glob("companion-drafts-*/*"))


@pytest.mark.parametrize("clipboard", [FakeClipboard(present=False), FakeClipboard(keeps=False)],
                         ids=["no system clipboard", "a clipboard that drops it"])
async def test_c_without_a_system_clipboard_says_where_the_draft_went_instead(
    demo_store: Store, drafts_dir: Path, monkeypatch: pytest.MonkeyPatch, clipboard: FakeClipboard
) -> None:
    app, said = await copy_first_draft(demo_store, clipboard, monkeypatch)
    assert "Copied" not in said and "copied to the clipboard" not in said.lower()
    assert "Not copied to a system clipboard" in said
    assert "terminal's clipboard" in said and "only if your terminal allows it" in said
    assert app.clipboard.startswith("Subject: Would you like an introduction")  # sent by OSC 52
    files = list(drafts_dir.glob("companion-drafts-*/followup-*.txt"))
    assert len(files) == 1 and str(files[0]) in said
    assert files[0].read_text(encoding="utf-8").strip() == app.clipboard.strip()
    assert files[0].stat().st_mode & 0o077 == 0  # readable by this user only



def test_a_clipboard_program_s_errors_never_reach_the_terminal(capfd: pytest.CaptureFixture[str], tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """xclip with a display that is gone: it says so on standard error (the app's screen), and its
    copy fails without saying so. The copy runs in a child process, and is read back."""
    from companion import clipboard

    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "xclip").write_text("#!/bin/sh\necho \"Error: Can't open display: :99\" >&2\nexit 1\n")
    (fake / "xclip").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert clipboard.copy_to_system("Subject: hello") == "the system clipboard did not take it"
    assert "open display" not in capfd.readouterr().err


def test_without_any_clipboard_the_child_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from companion import clipboard

    monkeypatch.setenv("PATH", str(tmp_path))  # no clipboard program to find
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert clipboard.copy_to_system("Subject: hello") == "no system clipboard here"
