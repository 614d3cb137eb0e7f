"""Handing a draft over: the system clipboard where there is one, else a file the user can open.

The system clipboard is reached through ``pyperclip`` (pbcopy on macOS, the Windows clipboard,
wl-copy, xclip or xsel on Linux), in a child process: the programs it starts write their errors
to standard error, which is the app's screen, and one may hang (xclip waiting for a display). A
copy can also fail without saying so (xclip with no display behind it), so it counts only when
reading the clipboard back gives the text: a message that says "copied" is then true.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

CLIPBOARD_SECONDS = 5.0
"""How long the clipboard may take to copy and give the text back before it is given up."""
COPIED = "copied"


def copy_to_system(text: str) -> str | None:
    """Copy ``text`` with the system clipboard (in a child process). None when the clipboard holds
    it afterwards, else why not, as a few words ("no system clipboard here")."""
    try:
        done = subprocess.run([sys.executable, "-m", "companion.clipboard"], input=text.encode("utf-8"),
                              capture_output=True, timeout=CLIPBOARD_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        return "the system clipboard did not answer"
    except OSError:
        return "the system clipboard could not be reached"
    said = done.stdout.decode("utf-8", "replace").strip()
    if done.returncode == 0 and said == COPIED:
        return None
    return said if done.returncode == 0 and said else "the system clipboard could not be reached"


def copy_here(text: str) -> str | None:
    """What the child process does: copy with pyperclip and read it back (None: the clipboard has it)."""
    try:
        import pyperclip
    except ImportError:  # a broken install: the caller falls back as for no clipboard
        return "no clipboard library installed"
    try:
        pyperclip.copy(text)
        held = pyperclip.paste()
    except pyperclip.PyperclipException:
        return "no system clipboard here"
    except (OSError, UnicodeError):
        return "the system clipboard could not be reached"
    if not isinstance(held, str) or _lines(held) != _lines(text):
        return "the system clipboard did not take it"
    return None


def _lines(text: str) -> str:
    """Text compared as a clipboard may give it back: Windows line endings, a newline added at the end."""
    return text.replace("\r\n", "\n").rstrip("\n")


def drafts_folder() -> Path:
    """A folder for drafts handed over as files: in the system's temporary folder, this user's own
    (mode 0700), never one another user made or a link."""
    folder = Path(tempfile.gettempdir()) / f"companion-drafts-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        status = folder.lstat()
        if folder.is_symlink() or not folder.is_dir() or (hasattr(os, "getuid") and status.st_uid != os.getuid()):
            raise PermissionError(f"{folder} is not this user's folder")
    except OSError:
        folder = Path(tempfile.mkdtemp(prefix="companion-drafts-"))
    return folder


def write_draft(name: str, text: str) -> Path:
    """Write ``text`` to ``name`` (a plain file name) in :func:`drafts_folder`, readable by this user
    only, and return its path. OSError when it cannot be written."""
    path = drafts_folder() / name
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text if text.endswith("\n") else text + "\n")
    return path


def _child() -> None:
    """The child process of copy_to_system: the text on standard input, the answer on standard
    output. The clipboard programs get the null device for output: xclip stays running to hold the
    selection, and were it holding the parent's pipes, the parent would wait for it."""
    text = sys.stdin.buffer.read().decode("utf-8")
    answer = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    problem = copy_here(text)
    os.write(answer, (problem or COPIED).encode("utf-8"))
    os.close(answer)


if __name__ == "__main__":
    _child()
