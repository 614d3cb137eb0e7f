"""Deterministic workloads for the benchmark (seeded): schedules, people, notes, follow-ups."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

FIRST_NAMES = ["Ada", "Grace", "Alan", "Barbara", "Edsger", "Frances", "Guido", "Hedy", "Ivan", "Joan", "Ken",
               "Linus", "Margaret", "Niklaus", "Olga", "Radia", "Sophie", "Tim", "Ursula", "Vint", "Wendy", "Yukihiro",
               "Zeynep", "José", "Chloé", "Søren", "Priya", "Kenji", "Amara", "Tomasz"]
LAST_NAMES = ["Lovelace", "Hopper", "Turing", "Liskov", "Dijkstra", "Allen", "van Rossum", "Lamarr", "Sutherland",
              "Clarke", "Thompson", "Torvalds", "Hamilton", "Wirth", "Ladyzhenskaya", "Perlman", "Wilson",
              "Berners-Lee", "Franklin", "Cerf", "Hall", "Matsumoto", "Tufekci", "Álvarez", "Martin", "Kierkegaard",
              "Raman", "Watanabe", "Nwosu", "Wierzbicki"]
TOPICS = ["Packaging", "Observability", "Rust", "Accessibility", "Databases", "Testing", "Security", "Data",
          "Terminal UIs", "Community", "Performance", "Typing", "Async", "Compilers", "Web"]
ZONE = ZoneInfo("Europe/Berlin")


def person_name(rng: random.Random, index: int) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {index}"


def schedule_ics(count: int, seed: int = 1, days: int = 4, rooms: int = 12) -> bytes:
    """An iCalendar file of ``count`` talks over ``days`` days in ``rooms`` rooms, with a VTIMEZONE."""
    rng = random.Random(seed)
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//companion benchmark//EN", "X-WR-CALNAME:Benchmark Conference",
        "X-WR-TIMEZONE:Europe/Berlin",
        "BEGIN:VTIMEZONE", "TZID:Europe/Berlin",
        "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST", "DTSTART:19700329T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
        "BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET", "DTSTART:19701025T030000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD",
        "END:VTIMEZONE",
    ]
    first = datetime(2026, 12, 1, 8, 0)
    for index in range(count):
        day = index % days
        slot = (index // days) // rooms
        start = first + timedelta(days=day, minutes=15 * (slot % 56))
        end = start + timedelta(minutes=rng.choice((25, 40, 55)))
        topic = rng.choice(TOPICS)
        speaker = person_name(rng, rng.randrange(20000))
        lines += [
            "BEGIN:VEVENT",
            f"UID:bench-{index}@companion.example",
            "DTSTAMP:20261101T090000Z",
            f"DTSTART;TZID=Europe/Berlin:{start:%Y%m%dT%H%M%S}",
            f"DTEND;TZID=Europe/Berlin:{end:%Y%m%dT%H%M%S}",
            f"SUMMARY:{topic} in practice, part {index}",
            f"LOCATION:Room {(index // days) % rooms + 1}",
            f"CATEGORIES:{topic}",
            f"ATTENDEE;CN=\"{speaker}\";ROLE=CHAIR:mailto:s{index}@example.org",
            f"DESCRIPTION:Speakers: {speaker}\\n\\nA talk about {topic.lower()} with examples from real projects.",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def populate_store(store, *, people: int, notes: int, followups: int, sessions: int, seed: int = 2,  # noqa: ANN001
                   schedule: bytes | None = None) -> None:
    """Fill a Store with a schedule of ``sessions`` talks (``schedule``, an .ics, if given), generated
    people, talking points, notes and follow-ups."""
    from companion.coach import remember
    from companion.importers.sources import parse_schedule
    from companion.models import FollowUp, Note, Person, TalkingPoint
    from companion.schedules import save_parsed_schedule

    rng = random.Random(seed)
    if schedule is None and sessions:
        schedule = schedule_ics(sessions, seed=seed)
    if schedule is not None:
        save_parsed_schedule(store, parse_schedule(schedule, "bench.ics"), "bench.ics")
    now = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)
    with store.user.transaction() as db:
        people_table = db.table("people")
        person_ids = people_table.insert_multiple(
            Person(
                name=person_name(rng, index),
                affiliation=f"{rng.choice(LAST_NAMES)} {rng.choice(['Labs', 'GmbH', 'Foundation', 'University'])}",
                role=rng.choice(["Engineer", "Maintainer", "Researcher", "Speaker", ""]),
                email=f"person{index}@example.org",
                links={"github": f"user{index}"},
                tags=rng.sample(TOPICS, 2),
                priority=rng.choice(["must-meet", "hope-to-meet", "met"]),
                notes=f"Their work on {rng.choice(TOPICS).lower()} helped us.",
            ).to_dict()
            for index in range(people)
        )
        answers = {"work": "Their post on lockfiles", "how": "Fixed our CI", "question": "How do you pin for libraries?"}
        verdict = remember(TalkingPoint(0, **answers)).coach  # the same answers: the same verdict
        db.table("points").insert_multiple(  # with the coach's verdict, as Store.save_talking_point keeps it
            TalkingPoint(person_id, coach=verdict, **answers).to_dict()
            for person_id in person_ids[: people // 2]
        )
        note_ids = db.table("notes").insert_multiple(
            Note(text=f"Talked about {rng.choice(TOPICS).lower()} after the session.",
                 created=now - timedelta(minutes=index), person_ids=[rng.choice(person_ids)]).to_dict()
            for index in range(notes)
        )
        db.table("followups").insert_multiple(
            FollowUp(kind="thank", title=f"Thank person {index}", due=(now + timedelta(days=index % 30)).date(),
                     person_id=rng.choice(person_ids), note_id=rng.choice(note_ids),
                     uid=f"companion-thank-n{index}-p0-0@companion", created=now, updated=now).to_dict()
            for index in range(followups)
        )


GOOGLE_CONTACTS_HEADER = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,Name Prefix,"
    "Name Suffix,Nickname,File As,Organization Name,Organization Title,Organization Department,Birthday,Notes,Photo,"
    "Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,"
    "Website 1 - Label,Website 1 - Value"
)


def google_contacts_csv(count: int, seed: int = 3) -> bytes:
    """A Google Contacts export (current layout, CRLF) of ``count`` people: labels with Google's own,
    two emails in one cell for some, a GitHub profile for a third and a shared company site for the rest."""
    import csv
    import io

    rng = random.Random(seed)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    header = GOOGLE_CONTACTS_HEADER.split(",")
    writer.writerow(header)
    for index in range(count):
        row = dict.fromkeys(header, "")
        emails = f"p{index}@example.org" + (f" ::: p{index}@home.example" if index % 7 == 0 else "")
        row.update({
            "First Name": rng.choice(FIRST_NAMES), "Last Name": f"{rng.choice(LAST_NAMES)} {index}",
            "Organization Name": f"{rng.choice(LAST_NAMES)} Labs", "Organization Title": "Engineer",
            "Notes": "Met at a conference." if index % 5 == 0 else "", "Photo": "https://lh3.googleusercontent.com/x",
            "Labels": f"* myContacts ::: {rng.choice(TOPICS)}", "E-mail 1 - Label": "* Work", "E-mail 1 - Value": emails,
            "Website 1 - Value": f"https://github.com/user{index}" if index % 3 == 0
            else f"https://company{rng.randrange(2000)}.example",
        })
        writer.writerow([row[name] for name in header])
    return out.getvalue().encode("utf-8")


GRID_LENGTHS = (20, 25, 30, 40, 45, 60, 90, 120)
"""Session lengths in the grid workload, in minutes: short talks beside two-hour workshops."""


def grid_day(rooms: int, sessions: int, seed: int = 3):  # noqa: ANN201 - a ParsedSchedule
    """One conference day of ``sessions`` sessions in ``rooms`` rooms (the grid's worst case: the
    whole conference on one day), written room by room as frab files are, starts on 5 minutes."""
    from companion.importers import ParsedSchedule
    from companion.models import Session

    rng = random.Random(seed)
    made = []
    per_room = max(1, sessions // rooms)
    for room in range(rooms):
        start = datetime(2026, 12, 2, 9, 0, tzinfo=ZONE) + timedelta(minutes=5 * rng.randrange(6))
        for number in range(per_room):
            end = start + timedelta(minutes=rng.choice(GRID_LENGTHS))
            made.append(Session(f"grid-{room}-{number}", "", f"{rng.choice(TOPICS)} in practice, part {room}.{number}",
                                start, end, room=f"Room {rooms - room}", track=rng.choice(TOPICS)))
            start = end + timedelta(minutes=5 * rng.randrange(4))
    return ParsedSchedule(name="Grid Conference", timezone="Europe/Berlin", format="generated", sessions=made)
