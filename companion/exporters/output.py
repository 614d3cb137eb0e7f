"""Writing a file the user named (an export, a report), as a user expects and never over the data.

* ``-`` is standard output; so is a path that is standard output's own file (``/dev/stdout``).
* A file inside the data folder, or one of the data files reached through a link, is refused with
  one line: an export must never replace what it exports.
* A regular file is written whole or not at all: a temporary file beside it, fsynced, then renamed
  over it. A symlink is followed, so the file it points at gets the export and the link stays; the
  mode of a file that was there is kept (a new one is private, 0600).
* A special file is written through, never renamed over: a FIFO is written to when a program reads
  it (refused at once when none does, instead of waiting); a character device such as a terminal is
  written to; a folder, a socket or a disk is refused.
* A temporary file carries the writer's process id in its name. A writer that was killed leaves it
  behind; the next export into the same folder removes those of processes that are gone.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
from pathlib import Path

from companion.errors import CompanionError
from companion.storage import FolderSyncError, fsync_folder

STDOUT = "-"
TEMP_MARK = "companion-"


class OutputError(CompanionError):
    """The named file cannot or may not be written; the message is one line naming it."""


def is_inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or inside it (both resolved, links followed)."""
    real, home = Path(os.path.realpath(path)), Path(os.path.realpath(folder))
    return real == home or home in real.parents


def check_target(name: str | os.PathLike[str], data_dir: Path | None) -> None:
    """Refuse a target inside the data folder before anything is built or written."""
    if data_dir is not None and str(name) != STDOUT and is_inside(Path(name), data_dir):
        raise OutputError(
            f"{name} is inside the data folder ({data_dir}); write exports and reports somewhere else"
        )


def goes_to_stdout(name: str | os.PathLike[str]) -> bool:
    """Whether writing ``name`` writes standard output (``-``, ``/dev/stdout``, the file it is redirected to)."""
    if str(name) == STDOUT:
        return True
    try:
        return _is_stdout(os.stat(name))
    except OSError:
        return False


def _is_stdout(status: os.stat_result) -> bool:
    try:
        out = os.fstat(1)
    except OSError:
        return False
    return (out.st_dev, out.st_ino) == (status.st_dev, status.st_ino)


def write_output(name: str | os.PathLike[str], payload: bytes, *, data_dir: Path | None) -> bool:
    """Write ``payload`` where the user asked (see the module docstring); returns True when it
    went to standard output. Raises :class:`OutputError` with one line."""
    check_target(name, data_dir)
    if str(name) == STDOUT:
        _to_stdout(payload)
        return True
    path = Path(name)
    try:
        status: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        status = None  # a new file (or a link to one not there yet)
    except OSError as error:
        raise _cannot(name, error) from None
    try:
        if status is not None and _is_stdout(status):
            _to_stdout(payload)
            return True
        if status is not None and stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        if status is not None and not stat.S_ISREG(status.st_mode):
            _write_through(path, status, payload)
        else:
            _replace(Path(os.path.realpath(path)), payload, None if status is None else stat.S_IMODE(status.st_mode))
    except OSError as error:
        raise _cannot(name, error) from None
    return False


def _cannot(name: object, error: OSError) -> OutputError:
    return OutputError(f"{name}: cannot write: {error.strerror or error}")


def _to_stdout(payload: bytes) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(payload)
    sys.stdout.buffer.flush()


def _write_through(path: Path, status: os.stat_result, payload: bytes) -> None:
    """A special file: written to as it is (what ``cat > FILE`` would do), never replaced."""
    mode = status.st_mode
    if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        kind = "a disk" if stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "not a regular file"
        raise OSError(errno.EINVAL, f"it is {kind}; choose a regular file")
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as error:
        if error.errno == errno.ENXIO:  # a FIFO no program reads: waiting would hang
            raise OSError(errno.ENXIO, "it is a pipe no program is reading") from None
        raise
    try:
        os.set_blocking(descriptor, True)
        view = memoryview(payload)
        while view:
            view = view[os.write(descriptor, view):]
    finally:
        os.close(descriptor)


_TEMP = re.compile(r"\..+\." + re.escape(TEMP_MARK) + r"([0-9]+)-[0-9a-f]+\.tmp")
_SWEPT: set[str] = set()
"""Folders whose abandoned temporary files this process has removed (once each: a vdir gets many files)."""


def _temp_prefix(target: Path) -> str:
    return f".{target.name}.{TEMP_MARK}"


def _remove_abandoned(folder: Path) -> None:
    """Remove the temporary files that exports killed before they finished left in ``folder``
    (named by the process id of a writer no longer running)."""
    if str(folder) in _SWEPT:
        return
    _SWEPT.add(str(folder))
    try:
        names = [entry.name for entry in os.scandir(folder) if entry.name.endswith(".tmp")]
    except OSError:
        return
    for name in names:
        match = _TEMP.fullmatch(name)
        if match is None:
            continue
        pid = int(match.group(1))
        if pid == os.getpid() or _alive(pid):
            continue  # an export still writing (this process's own are removed where they are made)
        try:
            os.unlink(folder / name)
        except OSError:
            pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, owned by someone else
    return True


def _replace(target: Path, payload: bytes, mode: int | None) -> None:
    """Write ``target`` (links already resolved) whole: a temporary file beside it, then a rename."""
    _remove_abandoned(target.parent)
    temp = target.with_name(f"{_temp_prefix(target)}{os.getpid()}-{os.urandom(4).hex()}.tmp")
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(descriptor, view):]
            if mode is not None:
                os.fchmod(descriptor, mode)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    try:
        fsync_folder(target.parent)
    except FolderSyncError:
        pass  # the export is in place; only its durability across a power cut is in doubt


def prepare_folder(name: str | os.PathLike[str], data_dir: Path | None) -> Path:
    """A folder to write one file per item into (``export ics --vdir``), made if missing."""
    check_target(name, data_dir)
    folder = Path(name)
    try:
        if folder.exists() and not folder.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _cannot(name, error) from None
    return folder
