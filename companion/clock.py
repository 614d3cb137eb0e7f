"""One clock for every time shown: the app's screens, the command line and the report.

Times are shown in the conference's zone, or in the laptop's everywhere when the user chose so
(the ``times`` setting, :data:`SETTING`; ``z`` in the app). Where the other zone differs (the
laptop is not where the conference is) a time carries its zone's name, "14:00 CET", so a time is
never read in the wrong zone. Callers get a :class:`Clock` from :func:`clock_for` and format every
moment through it; conference days (which day a session belongs to) stay in the conference's zone.

Nothing here imports more than the standard library: ``companion who`` uses it on its fast path.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from companion.models import Conference

SETTING = "times"
"""The user's setting (Store.setting) that says in which zone times are shown."""
CONFERENCE, LAPTOP = "conference", "laptop"
"""Its two values: the conference's zone (the default), or the laptop's."""


def conference_zone(conference: Conference | None) -> tzinfo:
    """The zone a conference's times are in (UTC when it names none that exists)."""
    if conference is None:
        return timezone.utc
    try:
        return ZoneInfo(conference.timezone)
    except Exception:  # an unknown or malformed name from a file: UTC rather than a crash
        return timezone.utc


def laptop_zone() -> tzinfo:
    """The zone this machine's clock is in: ``$TZ`` when it names a zone, else the zone
    ``/etc/localtime`` links to, else the offset the C library gives now. (No tzlocal: it costs a
    lookup 20 ms of imports.)"""
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except Exception:
            pass
    try:
        target = os.path.realpath("/etc/localtime")
        _, found, key = target.partition("zoneinfo/")
        if found and key:
            return ZoneInfo(key)
    except (OSError, ValueError):
        pass
    except Exception:  # noqa: BLE001 - zoneinfo raises its own errors for a key it cannot read
        pass
    return datetime.now().astimezone().tzinfo or timezone.utc


def zone_name(zone: tzinfo) -> str:
    """A zone's IANA name where it has one ("Europe/Berlin"), else what it calls itself."""
    return getattr(zone, "key", None) or str(zone)


class Clock:
    """How times are shown: in which zone, and whether its name goes beside each time."""

    __slots__ = ("zone", "other", "laptop", "conference_zone")

    def __init__(self, zone: tzinfo, other: tzinfo | None = None, *, laptop: bool = False,
                 conference_zone: tzinfo | None = None) -> None:
        self.zone = zone
        """Times are shown in this zone."""
        self.other = other
        """The zone a reader could take them for (the laptop's when showing the conference's, and
        the other way round); ``None`` when there is no other."""
        self.laptop = laptop
        """True when the user chose the laptop's zone."""
        self.conference_zone = conference_zone or zone
        """The conference's zone: which day a session belongs to is always read in it."""

    def at(self, moment: datetime) -> datetime:
        """``moment`` in the zone times are shown in."""
        return moment.astimezone(self.zone)

    def ambiguous(self, moment: datetime) -> bool:
        """Whether a reader could take this time for the other zone's: the two differ then."""
        return self.other is not None and moment.astimezone(self.other).utcoffset() != moment.astimezone(self.zone).utcoffset()

    def label(self, moment: datetime) -> str:
        """The zone's short name at ``moment`` ("CET", "CEST", "UTC-03"), or "" where no name is needed."""
        if not self.ambiguous(moment):
            return ""
        return short_name(moment.astimezone(self.zone))

    def time(self, moment: datetime, pattern: str = "%H:%M") -> str:
        """``moment`` as ``pattern`` in the shown zone, its zone named when that could be ambiguous."""
        label = self.label(moment)
        return self.at(moment).strftime(pattern) + (f" {label}" if label else "")

    def span(self, start: datetime, end: datetime, pattern: str = "%H:%M") -> str:
        """"10:00-10:40" (``pattern`` for the start, the end as hours), the zone named once at the end."""
        label = self.label(start)
        return f"{self.at(start).strftime(pattern)}-{self.at(end):%H:%M}" + (f" {label}" if label else "")

    @property
    def name(self) -> str:
        """The shown zone's name, for a heading: "Europe/Berlin", or "your laptop's zone, Europe/Paris"."""
        return (f"your laptop's zone, {zone_name(self.zone)}" if self.laptop else zone_name(self.zone))

    def __repr__(self) -> str:
        return f"Clock({zone_name(self.zone)!r}, laptop={self.laptop})"


def short_name(local: datetime) -> str:
    """The short name of an aware datetime's zone: "CET"; "UTC-03" for zones that have only an offset."""
    name = local.tzname() or ""
    if not name or name[:1] in "+-":
        offset = local.utcoffset()
        if offset is None:
            return name
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        hours, rest = divmod(abs(minutes), 60)
        return f"UTC{sign}{hours:02d}" + (f":{rest:02d}" if rest else "")
    return name


def clock_for(conference: Conference | None, times: str = CONFERENCE, *, laptop: tzinfo | None = None) -> Clock:
    """The clock every time shown goes through: the conference's zone (``times`` ``"conference"``)
    or the laptop's (``"laptop"``), naming the zone where the other one differs. Without a
    conference, the laptop's zone and no name (there is no other zone to mistake it for).
    ``laptop`` stands in for the machine's zone (tests)."""
    here = laptop or laptop_zone()
    if conference is None:
        return Clock(here, laptop=True)
    there = conference_zone(conference)
    if times == LAPTOP:
        return Clock(here, there, laptop=True, conference_zone=there)
    return Clock(there, here, conference_zone=there)
