"""Sessionize API v2 JSON: the ``All``, ``Sessions`` and ``GridSmart`` views, with the ``Speakers``
view as an optional second file that names the speakers.

Sessionize times are floating local times with no zone anywhere in the payload: ``tz`` places them,
else they are read as UTC with a warning. Service sessions (registration, breaks, lunch) are sessions
with a title and a start, so they are kept, typed "service" unless a category says otherwise; a plenum
session (one shown across every room) is listed once by Sessionize and kept once. The same session
listed twice (GridSmart lists each under its room and again under its time slot) is one session.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from companion.errors import SourceError
from companion.importers import ParsedSchedule
from companion.importers.helpers import (
    FLOATING_WARNING,
    clean_line,
    composite_id,
    default_name,
    html_to_text,
    is_cancelled,
    load_json,
    make_ids_unique,
    resolve_zone,
)
from companion.models import Session, Speaker
from companion.session_times import OUT_OF_RANGE, moment_in_range

UTC = ZoneInfo("UTC")
TYPE_GROUPS = ("session format", "format", "session type", "type", "talk format", "talk type")
TRACK_GROUPS = ("track", "tracks", "topic", "topics", "theme", "themes", "stream")
TAG_GROUPS = ("tags", "tag")


def parse_sessionize(
    payload: bytes,
    source: str,
    *,
    tz: str | None = None,
    name: str | None = None,
    speakers_payload: bytes | None = None,
    speakers_source: str | None = None,
) -> ParsedSchedule:
    speakers_name = speakers_source or "the speakers file"
    speakers = load_json(speakers_payload, speakers_name) if speakers_payload is not None else None
    return sessionize_from_json(
        load_json(payload, source), source, tz=tz, name=name, speakers=speakers, speakers_source=speakers_name
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _view(data: Any) -> str | None:
    if isinstance(data, dict) and isinstance(data.get("sessions"), list):
        return "all"
    if isinstance(data, list):
        first = next((item for item in data if isinstance(item, dict)), None)
        if first is None:
            return "empty"
        if "timeSlots" in first or ("rooms" in first and "date" in first):
            return "gridsmart"
        if isinstance(first.get("sessions"), list) and ("fullName" in first or "firstName" in first):
            return "speakers"
        if isinstance(first.get("sessions"), list):
            return "sessions"
    return None


def _speaker_name(speaker: dict[str, Any]) -> str:
    full = speaker.get("fullName") or speaker.get("name")
    if not full:
        full = f"{_text(speaker.get('firstName'))} {_text(speaker.get('lastName'))}"
    return clean_line(full)


class _Directory:
    """Speaker names by id, and speaker ids by session id, from the payload and the Speakers file."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.by_session: dict[str, list[str]] = {}

    def add(self, speakers: Any) -> None:
        for speaker in speakers if isinstance(speakers, list) else []:
            if not isinstance(speaker, dict) or speaker.get("id") is None:
                continue
            speaker_id = _text(speaker["id"])
            named = _speaker_name(speaker)
            if named:
                self.names.setdefault(speaker_id, named)
            for session in speaker.get("sessions") or []:
                session_id = _text(session.get("id") if isinstance(session, dict) else session)
                if session_id:
                    listed = self.by_session.setdefault(session_id, [])
                    if speaker_id not in listed:
                        listed.append(speaker_id)


def sessionize_from_json(
    data: Any,
    source: str,
    *,
    tz: str | None = None,
    name: str | None = None,
    speakers: Any = None,
    speakers_source: str = "the speakers file",
) -> ParsedSchedule:
    view = _view(data)
    if view is None:
        raise SourceError(f"{source}: not a Sessionize schedule (expected the All, Sessions or GridSmart view)")
    if view == "speakers":
        raise SourceError(
            f"{source}: a Sessionize speakers list has no session times; import the schedule "
            "(All, Sessions or GridSmart view) and give this file as its speakers file"
        )
    forced = resolve_zone(tz) if tz else None
    if tz and forced is None:
        raise SourceError(f"--tz {tz}: not a known time zone (use an IANA name such as Europe/Berlin)")
    if speakers is not None and _view(speakers) not in ("speakers", "all", "empty"):
        raise SourceError(f"{speakers_source}: not a Sessionize speakers list (the Speakers view)")

    directory = _Directory()
    rooms: dict[str, str] = {}
    category_items: dict[str, tuple[str, str]] = {}
    listed: list[tuple[dict[str, Any], str, date | None]] = []
    if view == "all":
        directory.add(data.get("speakers"))
        for room in data.get("rooms") or []:
            if isinstance(room, dict):
                rooms[_text(room.get("id"))] = _text(room.get("name"))
        for group in data.get("categories") or []:
            if isinstance(group, dict):
                title = _text(group.get("title") or group.get("name"))
                for item in group.get("items") or group.get("categoryItems") or []:
                    if isinstance(item, dict):
                        category_items[_text(item.get("id"))] = (title, _text(item.get("name")))
        listed = [(s, "", None) for s in data["sessions"]]
    elif view == "gridsmart":
        for day_data in data:
            if not isinstance(day_data, dict):
                continue
            day = _day(day_data.get("date"))
            for room in day_data.get("rooms") or []:
                if isinstance(room, dict):
                    listed.extend((s, _text(room.get("name")), day) for s in room.get("sessions") or [])
            for slot in day_data.get("timeSlots") or []:
                for room in (slot.get("rooms") or []) if isinstance(slot, dict) else []:
                    if isinstance(room, dict) and room.get("session") is not None:
                        listed.append((room["session"], _text(room.get("name")), day))
    elif view == "sessions":
        for group in data:
            if isinstance(group, dict):
                listed.extend((s, "", None) for s in group.get("sessions") or [])
    if speakers is not None:
        directory.add(speakers.get("speakers") if isinstance(speakers, dict) else speakers)

    warnings: list[str] = []
    skipped: Counter[str] = Counter()
    zone: tzinfo = forced[1] if forced else UTC
    state = {"floating": False, "unnamed": 0}
    sessions: list[Session] = []
    seen: set[tuple[str, str, str]] = set()
    for raw, room_name, day in listed:
        if not isinstance(raw, dict):
            skipped["not a session object"] += 1
            continue
        key = (_text(raw.get("id")), _text(raw.get("startsAt")), _text(raw.get("roomId") or raw.get("room")))
        if key[0] and key in seen:
            continue  # the same session listed again (GridSmart: under its room and its time slot)
        seen.add(key)
        session = _session(raw, room_name, day, rooms, category_items, directory, zone, state, skipped)
        if session is not None:
            sessions.append(session)
    make_ids_unique(sessions)
    if state["unnamed"]:
        warnings.append(
            f"{state['unnamed']} speaker id(s) have no name in the file; "
            "give the Sessionize Speakers view as the speakers file to name them"
        )
    if state["floating"] and forced is None:
        warnings.append(FLOATING_WARNING)
    return ParsedSchedule(
        name=name or default_name(source),
        timezone=forced[0] if forced else "UTC",
        format="sessionize",
        sessions=sessions,
        skipped=skipped,
        warnings=warnings,
    )


def _day(value: Any) -> date | None:
    text = _text(value)
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 else None
    except ValueError:
        return None


def _moment(value: Any, zone: tzinfo, state: dict[str, Any]) -> datetime | None:
    text = _text(value).strip()
    if len(text) < 16:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        state["floating"] = True
        moment = moment.replace(tzinfo=zone)
    try:
        moment = moment.astimezone(zone)
    except (OverflowError, ValueError):  # at the edge of the calendar: refused by the caller
        return moment
    return moment


def _session(
    raw: dict[str, Any],
    room_name: str,
    day: date | None,
    rooms: dict[str, str],
    category_items: dict[str, tuple[str, str]],
    directory: _Directory,
    zone: tzinfo,
    state: dict[str, Any],
    skipped: Counter[str],
) -> Session | None:
    title = clean_line(raw.get("title"))
    if not title:
        skipped["no title"] += 1
        return None
    start = _moment(raw.get("startsAt"), zone, state)
    if start is None:
        skipped["no valid start"] += 1
        return None
    end = _moment(raw.get("endsAt"), zone, state)
    if end is None:
        end = start
    if not (moment_in_range(start) and moment_in_range(end)):
        skipped[OUT_OF_RANGE] += 1
        return None
    session_id = clean_line(raw.get("id"))

    speakers: list[Speaker] = []
    for entry in raw.get("speakers") or []:
        speaker_id = _text(entry.get("id") if isinstance(entry, dict) else entry)
        named = clean_line(entry.get("name")) if isinstance(entry, dict) else ""
        named = named or directory.names.get(speaker_id, "")
        if named:
            speakers.append(Speaker(named, clean_line(speaker_id)))
        elif speaker_id:
            state["unnamed"] += 1
    known = {s.source_id for s in speakers}
    for speaker_id in directory.by_session.get(session_id, []):
        if speaker_id not in known and directory.names.get(speaker_id):
            speakers.append(Speaker(directory.names[speaker_id], clean_line(speaker_id)))

    groups = _categories(raw, category_items)
    session_type = _first_group(groups, TYPE_GROUPS)
    if not session_type and raw.get("isServiceSession"):
        session_type = "service"
    room = clean_line(raw.get("room") or rooms.get(_text(raw.get("roomId"))) or room_name)
    return Session(
        id=session_id or composite_id("", title, start, room),
        conference="",
        title=title,
        start=start,
        end=end,
        room=room,
        track=_first_group(groups, TRACK_GROUPS) or _first_group(groups, TAG_GROUPS),
        type=session_type,
        abstract=html_to_text(raw.get("description")),
        url=clean_line(raw.get("url") or ""),
        speakers=speakers,
        status="cancelled" if is_cancelled(raw.get("status"), title) else "scheduled",
        day=day,
        source_id=session_id,
    )


def _categories(raw: dict[str, Any], category_items: dict[str, tuple[str, str]]) -> dict[str, list[str]]:
    """Category group name (lower case) -> the item names chosen for this session."""
    groups: dict[str, list[str]] = {}
    for group in raw.get("categories") or []:
        if isinstance(group, dict):
            items = [_text(i.get("name")) for i in group.get("categoryItems") or [] if isinstance(i, dict)]
            groups.setdefault(_text(group.get("name")).strip().lower(), []).extend(items)
    for item_id in raw.get("categoryItems") or []:
        group_name, item_name = category_items.get(_text(item_id), ("", ""))
        if item_name:
            groups.setdefault(group_name.strip().lower(), []).append(item_name)
    return groups


def _first_group(groups: dict[str, list[str]], names: tuple[str, ...]) -> str:
    for group_name in names:
        items = [item for item in groups.get(group_name, []) if item]
        if items:
            return clean_line(", ".join(items))
    return ""
