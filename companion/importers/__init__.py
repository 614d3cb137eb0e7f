"""Importers: turn a schedule or people file into model objects, leniently, with a report.

Each importer raises :class:`companion.errors.SourceError` with one line naming the file and
the place at fault, and otherwise returns what it parsed plus what it skipped and why.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from companion.models import Person, Session

MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass
class ParsedSchedule:
    name: str
    timezone: str
    format: str
    sessions: list[Session]
    skipped: Counter[str] = field(default_factory=Counter)
    """Reason -> how many items were skipped for it."""
    warnings: list[str] = field(default_factory=list)


@dataclass
class ParsedPeople:
    people: list[Person]
    format: str
    skipped: list[str] = field(default_factory=list)
    """One line per skipped row: where and why."""
