"""A big conference day for the Today tests: 24 sessions at once (38C3 runs that many), people on
the list speaking in some, two starred sessions in rooms late in the list, and follow-ups, on a
fixed clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from companion.followups import NoteActions
from companion.importers import ParsedSchedule
from companion.models import Person, Session, Speaker
from companion.schedules import save_parsed_schedule
from companion.store import Store

BERLIN = ZoneInfo("Europe/Berlin")
ROOMS = [f"Saal {n}" for n in range(1, 25)]
SLOTS = [(10, 0), (11, 30), (14, 0), (16, 0)]
DURING = datetime(2026, 12, 27, 10, 20, tzinfo=BERLIN)
"""Day one, 10:20 in Berlin: 24 sessions are on."""
AFTER = datetime(2027, 1, 3, 12, 0, tzinfo=BERLIN)
"""A week after the conference ended."""
SPEAKERS = {  # (slot, room) -> a person on the list who speaks there
    (0, 5): "Ada Quill", (0, 9): "Bo Marsh", (0, 14): "Cem Arslan",
    (1, 2): "Dana Okoro", (1, 20): "Eli Brandt", (2, 7): "Fay Liang",
}
STARRED = [(0, 17), (0, 20)]
UNLISTED = "Gus Unlisted"


def session_id(slot: int, room: int) -> str:
    return f"ctc-{slot}-{room:02d}"


def title(slot: int, room: int) -> str:
    return f"Talk {slot}.{room:02d} on a topic with a rather long title to cut"


def build_big_day(folder: Path) -> Store:
    store = Store(folder)
    sessions = []
    for day in range(2):
        for slot, (hour, minute) in enumerate(SLOTS):
            for room, name in enumerate(ROOMS):
                start = datetime(2026, 12, 27 + day, hour, minute, tzinfo=BERLIN)
                key = slot + 4 * day
                speaker = SPEAKERS.get((key, room), UNLISTED if (key, room) == (3, 3) else f"Speaker {key}-{room}")
                sessions.append(Session(id=session_id(key, room), conference="", title=title(key, room), start=start,
                                        end=start + timedelta(hours=1), room=name, speakers=[Speaker(speaker)]))
    save_parsed_schedule(store, ParsedSchedule("Chaos Test Congress", "Europe/Berlin", "ical", sessions), "ctc.ics")
    store.add_people([Person(name=name, priority="must-meet" if index % 2 == 0 else "hope-to-meet")
                      for index, name in enumerate(SPEAKERS.values())])
    for slot, room in STARRED:
        store.set_star(session_id(slot, room), True)
    people = {p.name: p.id for p in store.people()}
    before = DURING - timedelta(days=1)
    store.add_note("Met at the badge desk; she will send her slides.", [people["Ada Quill"]],
                   actions=NoteActions(thank=True, waiting=True), now=before)
    return store
