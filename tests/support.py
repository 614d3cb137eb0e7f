"""Helpers the tests share (fixtures are in conftest.py): the sample files, the conference clock, the
CLI's result and its one-line error check."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DIR = REPO / "sample_schedules"
REALDATA = REPO.parent / "shared" / "realdata"
BERLIN = ZoneInfo("Europe/Berlin")
CONFERENCE_MORNING = datetime(2026, 12, 3, 10, 5, tzinfo=BERLIN)
"""Day one of the sample conference, 10:05 in Berlin: two talks by people on the list are on."""
CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""What must never reach the terminal from untrusted text."""


@dataclass
class CliResult:
    """What a command printed and its exit status (see the ``cli`` fixture)."""

    code: int
    out: str
    err: str

    def json(self) -> Any:  # noqa: ANN401
        assert self.code == 0, self.err
        return json.loads(self.out)


def assert_one_line_error(result: CliResult) -> str:
    """The command failed as every error must: status 1, one line on stderr, nothing on stdout."""
    assert result.code == 1, (result.out, result.err)
    lines = result.err.strip("\n").splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("companion: error:"), result.err
    assert "Traceback" not in result.err + result.out
    assert result.out == ""
    return lines[0]
