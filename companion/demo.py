"""The demo: a throwaway data folder with the sample conference moved to start today."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import orjson

from companion.errors import CompanionError
from companion.followups import NoteActions
from companion.importers import ParsedSchedule
from companion.importers.sources import load_people, load_schedule
from companion.models import TalkingPoint
from companion.schedules import save_parsed_schedule
from companion.store import Store
from companion.text import normalise_name

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_schedules"


def shift_to_today(parsed: ParsedSchedule, today: date) -> ParsedSchedule:
    """Move a schedule by whole days so that its first day is ``today`` (used by the demo)."""
    if not parsed.sessions:
        return parsed
    zone = ZoneInfo(parsed.timezone) if parsed.timezone != "UTC" else timezone.utc
    first = min(s.start.astimezone(zone).date() for s in parsed.sessions)
    delta = timedelta(days=(today - first).days)
    for session in parsed.sessions:
        session.start = (session.start.astimezone(zone) + delta).astimezone(zone)
        session.end = (session.end.astimezone(zone) + delta).astimezone(zone)
    return parsed


def build_demo_store(
    workdir: Path, *, today: date | None = None, now: datetime | None = None, sample_dir: Path = SAMPLE_DIR
) -> Store:
    """Copy the sample files into ``workdir`` and build a store there, never touching the user's data."""
    if not (sample_dir / "conference.ics").is_file():
        raise CompanionError(f"the sample conference is missing from {sample_dir}")
    copy = workdir / "sample_schedules"
    shutil.copytree(sample_dir, copy)
    store = Store(workdir / "data")
    parsed = shift_to_today(load_schedule(str(copy / "conference.ics")), today or date.today())
    save_parsed_schedule(store, parsed, str(copy / "conference.ics"))
    store.add_people(load_people(str(copy / "people.csv")).people)
    seed = orjson.loads((copy / "demo.json").read_bytes())
    by_name = {normalise_name(p.name): p for p in store.people()}
    for entry in seed["talking_points"]:
        person = by_name[normalise_name(entry["person"])]
        store.save_talking_point(
            TalkingPoint(person.id, **{key: entry[key] for key in TalkingPoint.ANSWERS})
        )
    now = now or datetime.now(timezone.utc)
    for entry in seed["notes"]:
        actions = NoteActions(
            thank=entry.get("thank", False),
            promises=tuple(entry.get("promises", ())),
            intros=tuple(entry.get("intros", ())),
            waiting=entry.get("waiting", False),
        )
        people = [by_name[normalise_name(name)].id for name in entry["people"]]
        store.add_note(entry["text"], people, actions=actions, now=now - timedelta(days=entry["days_ago"]))
    return store
