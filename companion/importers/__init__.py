"""Importers: turn a schedule or people file into model objects, leniently, with a report.

Each importer raises :class:`companion.errors.SourceError` with one line naming the file and
the place at fault, and otherwise returns what it parsed plus what it skipped and why.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from companion.models import FrozenRecord, Person, Session

MAX_FILE_BYTES = 50 * 1024 * 1024


class ScheduleImporter(FrozenRecord):
    """Where a schedule format's importer lives and what it reads."""

    def __init__(self, function: str, reads: str, label: str) -> None:
        self.function = function
        """``"module:function"``, loaded only when a source in this format comes (see sources.importer)."""
        self.reads = reads
        """``"bytes"``: the file as it came; ``"json"``: the decoded JSON document."""
        self.label = label
        """The format's name in errors."""


SCHEDULE_IMPORTERS: dict[str, ScheduleImporter] = {
    "ical": ScheduleImporter("companion.importers.ical:parse_ical", "bytes", "iCalendar"),
    "frab": ScheduleImporter("companion.importers.frab_xml:parse_frab_xml", "bytes", "frab XML"),
    "schedule-json": ScheduleImporter("companion.importers.schedule_json:schedule_from_json", "json", "schedule.json"),
    "sessionize": ScheduleImporter("companion.importers.sessionize:sessionize_from_json", "json", "Sessionize JSON"),
}
"""Schedule format -> its importer. To add a format: write the importer module, name it here, and
teach ``sources._sniff`` to recognise it (see ARCHITECTURE.md)."""

SCHEDULE_FORMATS = tuple(SCHEDULE_IMPORTERS)
SCHEDULE_FORMAT_ALIASES = {
    "ics": "ical", "ical": "ical", "icalendar": "ical",
    "frab": "frab", "xml": "frab", "pentabarf": "frab", "wafer": "frab", "schedule-xml": "frab",
    "schedule-json": "schedule-json", "schedule.json": "schedule-json",
    "c3voc": "schedule-json", "pretalx": "schedule-json",
    "sessionize": "sessionize",
}
"""What ``--format`` accepts -> the format."""

PEOPLE_IMPORTERS: dict[str, str] = {
    "csv": "companion.importers.people_csv:parse_people_csv",
    "vcard": "companion.importers.vcard:parse_vcard",
    "linkedin": "companion.importers.linkedin:parse_linkedin",
}
"""People format -> ``"module:function"`` taking (payload bytes, source name)."""

PEOPLE_FORMATS = tuple(PEOPLE_IMPORTERS)
PEOPLE_FORMAT_ALIASES = {
    "csv": "csv", "vcard": "vcard", "vcf": "vcard", "vcards": "vcard", "linkedin": "linkedin",
}


@dataclass
class ParsedSchedule:
    name: str
    timezone: str
    format: str
    sessions: list[Session]
    skipped: Counter[str] = field(default_factory=Counter)
    """Reason -> how many items were skipped for it."""
    warnings: list[str] = field(default_factory=list)
    times_checked: bool = False
    """The importer ran companion.session_times.vet_session_times itself (before moving times
    between zones); otherwise sources.parse_schedule runs it."""


@dataclass
class ParsedPeople:
    people: list[Person]
    format: str
    skipped: list[str] = field(default_factory=list)
    """One line per skipped row: where and why."""
    layout: str = ""
    """Which address book wrote the file when the importer can tell ("Google Contacts", "Outlook", "Apple")."""
