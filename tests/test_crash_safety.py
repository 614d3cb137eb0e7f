"""Crash safety and concurrent writers (ARCHITECTURE.md, Storage), with real processes.

Children are forked (multiprocessing "fork" context) so they start in milliseconds with companion
already imported; each one opens its own Store, as a second companion process would.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import select
import signal
import sys
import time
from pathlib import Path

import pytest

from companion.followups import NoteActions
from companion.models import Person
from companion.store import Store

pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or "fork" not in multiprocessing.get_all_start_methods(),
    reason="needs fork and SIGKILL",
)

FORK = multiprocessing.get_context("fork") if sys.platform != "win32" else None

CRASH_ITERATIONS = 200
CRASH_SEED = 20240917
MAX_KILL_DELAY_SECONDS = 0.080
PROCESS_TIMEOUT_SECONDS = 30.0


# --- the crash test -----------------------------------------------------------------------------


def _crashing_writer(data_dir: str, tag: str, ready_fd: int, ack_fd: int) -> None:
    """Signal readiness, open the store, then save notes until killed; ack each after it returns."""
    os.write(ready_fd, b"r")
    # Backups on open are writes too: a kill may land in them as well.
    store = Store(Path(data_dir), backup_on_open=True)
    index = 0
    while True:
        text = f"note {tag}-{index}"
        store.add_note(text, [])
        os.write(ack_fd, (text + "\n").encode())  # one write < PIPE_BUF: atomic, whole lines only
        index += 1


def _wait_readable(fd: int, timeout: float) -> bool:
    readable, _, _ = select.select([fd], [], [], timeout)
    return bool(readable)


def _read_to_eof(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.slow
def test_acknowledged_notes_survive_sigkill_at_random_moments(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    Store(data_dir).add_note("before any crash", [])
    rng = random.Random(CRASH_SEED)
    acknowledged: list[str] = ["before any crash"]
    iterations_with_acks = 0

    for iteration in range(CRASH_ITERATIONS):
        ready_r, ready_w = os.pipe()
        ack_r, ack_w = os.pipe()
        child = FORK.Process(target=_crashing_writer, args=(str(data_dir), f"{iteration}", ready_w, ack_w))
        try:
            child.start()
            os.close(ready_w)
            os.close(ack_w)
            ready_w = ack_w = -1
            assert _wait_readable(ready_r, PROCESS_TIMEOUT_SECONDS), f"iteration {iteration}: child never started"
            assert os.read(ready_r, 1) == b"r", f"iteration {iteration}: child died before it was ready"
            time.sleep(rng.uniform(0.0, MAX_KILL_DELAY_SECONDS))
            child.kill()
            child.join(PROCESS_TIMEOUT_SECONDS)
            assert child.exitcode == -signal.SIGKILL, (
                f"iteration {iteration}: the writer stopped on its own (exit code {child.exitcode}) before the kill; "
                "see its traceback above"
            )
            # The child is dead, so its end of the pipe is closed: read every ack it sent.
            acks = _read_to_eof(ack_r).decode().split("\n")
            assert acks[-1] == "", f"iteration {iteration}: half an acknowledgement {acks[-1]!r}"
        finally:
            if child.is_alive():
                child.kill()
                child.join(PROCESS_TIMEOUT_SECONDS)
            for fd in (ready_r, ready_w, ack_r, ack_w):
                if fd >= 0:
                    os.close(fd)
        new_acks = acks[:-1]
        acknowledged.extend(new_acks)
        iterations_with_acks += bool(new_acks)

        store = Store(data_dir)  # raises if the kill left a file that does not parse
        assert store.warnings == [], f"iteration {iteration}: a backup had to be restored: {store.warnings}"
        present = {note.text for note in store.notes()}
        lost = [text for text in acknowledged if text not in present]
        assert not lost, f"iteration {iteration}: acknowledged notes lost after SIGKILL: {lost[:5]}"
        assert not list(data_dir.glob(".user.json.*.tmp")), "stray temp files survive a reopen"

    assert len(acknowledged) - 1 > 0, "no child ever acknowledged a note: nothing was tested"
    assert iterations_with_acks >= CRASH_ITERATIONS // 10, (  # loose: slow disks make fewer saves
        f"only {iterations_with_acks} of {CRASH_ITERATIONS} children saved anything before the kill"
    )
    final = Store(data_dir).notes()
    assert len({note.id for note in final}) == len(final)
    assert len({note.text for note in final}) == len(final), "a note was saved twice"


# --- two concurrent writers ---------------------------------------------------------------------

NOTES_PER_WRITER = 100
MAX_LEAD = 2
"""A writer may be at most this many notes ahead of the other, so the two really interleave."""


def _concurrent_writer(data_dir: str, me: int, person_id: int, start, done) -> None:  # noqa: ANN001
    """Save notes while the other writer does; ``done[k]`` counts writer k's acknowledged notes."""
    store = Store(Path(data_dir))
    if not start.wait(PROCESS_TIMEOUT_SECONDS):
        raise SystemExit("never started")
    other = 1 - me
    name = WRITER_NAMES[me]
    for index in range(NOTES_PER_WRITER):
        deadline = time.monotonic() + PROCESS_TIMEOUT_SECONDS
        while done[other] < min(index - MAX_LEAD, NOTES_PER_WRITER):
            if time.monotonic() > deadline:
                raise SystemExit(f"{name}: the other writer stopped making progress")
            time.sleep(0.0005)
        store.add_note(f"{name} note {index}", [person_id], actions=NoteActions(thank=True))
        done[me] += 1  # only this process writes done[me]


WRITER_NAMES = ("alpha", "beta")


@pytest.mark.slow
def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    store = Store(data_dir)
    ada = store.add_people([Person(name="Ada")]).added[0]

    start = FORK.Event()
    done = FORK.Array("i", [0, 0], lock=False)
    writers = [
        FORK.Process(target=_concurrent_writer, args=(str(data_dir), me, ada.id, start, done))
        for me in range(len(WRITER_NAMES))
    ]
    try:
        for writer in writers:
            writer.start()
        start.set()
        deadline = time.monotonic() + 2 * PROCESS_TIMEOUT_SECONDS
        while any(w.is_alive() for w in writers) and time.monotonic() < deadline:
            if any(w.exitcode not in (None, 0) for w in writers):
                break  # one writer failed: the other would only wait for it
            time.sleep(0.02)
        exit_codes = [w.exitcode for w in writers]
        assert exit_codes == [0, 0], (
            f"writers ended with exit codes {exit_codes} (None: still running at the deadline, a hang; "
            "anything else: it failed, see its traceback above)"
        )
    finally:
        for writer in writers:
            if writer.is_alive():
                writer.kill()
                writer.join(PROCESS_TIMEOUT_SECONDS)

    expected = {f"{name} note {index}" for name in WRITER_NAMES for index in range(NOTES_PER_WRITER)}
    for view in (store, Store(data_dir)):  # the parent's open store (stamp check) and a fresh one
        notes = view.notes()
        assert len(notes) == 2 * NOTES_PER_WRITER
        assert {note.text for note in notes} == expected
        assert len({note.id for note in notes}) == 2 * NOTES_PER_WRITER

        followups = view.followups()
        assert len(followups) == 2 * NOTES_PER_WRITER
        assert len({f.id for f in followups}) == 2 * NOTES_PER_WRITER
        assert len({f.uid for f in followups}) == 2 * NOTES_PER_WRITER
        assert all(f.kind == "thank" and f.person_id == ada.id for f in followups)
        # Each follow-up points at its own note, and every note got its thank-you.
        by_id = {note.id: note for note in notes}
        assert sorted(f.note_id for f in followups) == sorted(by_id)
        assert view.person(ada.id).last_interaction is not None
        assert [p.name for p in view.people()] == ["Ada"]

    # The writers really took turns (what makes a stale cached next id collide).
    writer_in_id_order = [note.text.split()[0] for note in sorted(store.notes(), key=lambda n: n.id)]
    switches = sum(a != b for a, b in zip(writer_in_id_order, writer_in_id_order[1:]))
    # With MAX_LEAD = 2 a writer can commit at most 6 notes in a row, so there are >= 33 switches.
    assert switches >= 25, f"the writers hardly interleaved ({switches} switches)"
