"""The command line. Imports nothing of the app until a command opens it."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from functools import partial
from datetime import date, datetime, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, NoReturn

from companion.errors import CompanionError, NotFoundError
from companion.importers import PEOPLE_FORMATS, SCHEDULE_FORMATS
from companion.paths import resolve_data_dir

if TYPE_CHECKING:
    import argparse



class UsageError(CompanionError):
    pass


def _parser_class() -> type[argparse.ArgumentParser]:
    import argparse

    class _Parser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:  # one line, exit status 1 as for every other error
            raise UsageError(f"{message} (see '{self.prog} --help')")

    return _Parser


# --- helpers -----------------------------------------------------------------------------------


def open_store(args: argparse.Namespace, *, backup: bool = False, read_only: bool = False):  # noqa: ANN201
    """The store; ``read_only`` for commands that only read (no lock taken, filelock not even imported)."""
    from companion.store import Store

    store = Store(resolve_data_dir(args.data_dir), backup_on_open=backup, read_only=read_only)
    for warning in store.warnings:
        print(f"companion: warning: {warning}", file=sys.stderr)
    return store


def emit_json(value: Any) -> None:
    import orjson

    sys.stdout.buffer.write(orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
    sys.stdout.flush()


def say(text: str = "") -> None:
    print(text)


def parse_day(text: str) -> date:
    from companion.session_times import EARLIEST, LATEST

    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{text!r} is not a date (use YYYY-MM-DD)") from None
    if not EARLIEST.date() <= day < LATEST.date():
        raise UsageError(f"{text}: a date from {EARLIEST.year} to {LATEST.year - 1}, please")
    return day


def _number(text: str) -> int | None:
    """A person's number as typed (``12``), else ``None``."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdecimal() else None


def find_person(store, query: str):  # noqa: ANN001, ANN201
    """The person ``query`` means: their number on the list (``companion people``), or a name that
    clearly means one person."""
    from companion.lookup import choose

    number = _number(query)
    if number is not None:
        return store.person(number)
    matches = store.search_people(query, limit=5)
    person = choose(matches, query)
    if person is None:
        close = [match.name for match, score in matches[:3] if score >= 60]
        hint = f"; did you mean {' or '.join(repr(name) for name in close)}?" if close else " (see 'companion people')"
        raise NotFoundError(f"nobody on your list matches {query!r}{hint}")
    return person


def fmt_time(moment: datetime, zone) -> str:  # noqa: ANN001
    return moment.astimezone(zone).strftime("%a %d %b %H:%M")


def fmt_span(start: datetime, end: datetime, zone) -> str:  # noqa: ANN001
    return f"{fmt_time(start, zone)}-{end.astimezone(zone).strftime('%H:%M')}"


# --- commands ----------------------------------------------------------------------------------


def app_status(app) -> int:  # noqa: ANN001 - a CompanionApp (Textual is imported only with it)
    """The exit status the app ended with: 0 only for a clean quit, never after a crash (Textual
    prints the traceback and sets a non-zero return code)."""
    code = app.return_code
    return 0 if code is None or code == 0 else int(code) if isinstance(code, int) else 1


def cmd_app(args: argparse.Namespace) -> int:
    store = open_store(args, backup=True)
    from screens.app import CompanionApp

    app = CompanionApp(store=store)
    app.run()
    return app_status(app)


def cmd_demo(args: argparse.Namespace) -> int:
    import shutil
    import tempfile

    from companion.demo import build_demo_store

    workdir = Path(tempfile.mkdtemp(prefix="companion-demo-"))
    try:
        store = build_demo_store(workdir)
        from screens.app import CompanionApp

        app = CompanionApp(store=store, demo=True)
        app.run()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return app_status(app)


def _with_shrink_confirmation(run: Callable[[bool], Any], force: bool) -> Any:
    """Run an import; when it would replace many sessions with few, ask (on a terminal) or refuse."""
    from companion.store import ScheduleShrinkError

    try:
        return run(force)
    except ScheduleShrinkError as error:
        if not sys.stdin.isatty():
            raise
        answer = input(f"{error}\nReplace the stored schedule anyway? [y/N] ").strip().lower()
        if answer not in ("y", "yes"):
            raise CompanionError("kept the stored schedule") from None
        return run(True)


def report_outcome(outcome) -> None:  # noqa: ANN001
    from companion.agenda import zone_of
    from companion.text import clean

    conference = outcome.conference
    name = clean(conference.name, single_line=True)
    for warning in outcome.warnings:
        say(f"  note: {clean(warning, single_line=True)}")
    changes = outcome.changes
    if changes is None:
        say(f"{name}: not changed since the last fetch")
        return
    say(f"Imported {changes.total} session{'' if changes.total == 1 else 's'} into {name!r} (id {conference.id}, times in {conference.timezone})")
    say(f"  {len(changes.added)} new, {changes.updated} changed, {changes.unchanged} unchanged, {changes.removed} gone")
    if outcome.parsed is not None:
        for reason, count in sorted(outcome.parsed.skipped.items()):
            say(f"  skipped {count}: {reason}")
    zone = zone_of(conference)
    for before, after in changes.starred_moved:
        say(f"  starred session moved: {clean(after.title, single_line=True)}: "
            f"{fmt_span(before.start, before.end, zone)} {clean(before.room, single_line=True)} -> "
            f"{fmt_span(after.start, after.end, zone)} {clean(after.room, single_line=True)}")
    for session in changes.starred_cancelled:
        say(f"  starred session cancelled: {clean(session.title, single_line=True)}")
    if changes.added and changes.total != len(changes.added):
        for session in changes.added[:10]:
            say(f"  new: {fmt_span(session.start, session.end, zone)} {clean(session.title, single_line=True)}")
        if len(changes.added) > 10:
            say(f"  ... and {len(changes.added) - 10} more new sessions")


def cmd_import_schedule(args: argparse.Namespace) -> int:
    from companion.schedules import import_schedule, is_url, parse_file

    options = {"tz": args.tz, "name": args.name, "fmt": args.format, "speakers": args.speakers}
    # A file is parsed before the data folder is opened, so a bad file leaves no trace there.
    parsed = None if is_url(args.source) else parse_file(args.source, **options)
    if parsed is not None and not parsed.sessions:
        skipped = "; ".join(f"{count} skipped: {reason}" for reason, count in sorted(parsed.skipped.items()))
        raise CompanionError(f"{args.source}: no sessions found{' (' + skipped + ')' if skipped else ''}; nothing imported")
    store = open_store(args)  # the import backs schedules.json up itself, before it changes it
    outcome = _with_shrink_confirmation(
        lambda force: import_schedule(store, args.source, **options, force=force, parsed=parsed), args.force
    )
    report_outcome(outcome)
    return 0


def _refresh_one(store, conference, force: bool):  # noqa: ANN001, ANN202
    from companion.schedules import refresh_conference

    return refresh_conference(store, conference, force=force)


def cmd_refresh(args: argparse.Namespace) -> int:

    store = open_store(args, backup=True)
    conferences = [store.conference(args.conference)] if args.conference else store.conferences()
    if not conferences:
        raise CompanionError("no schedule imported yet: companion import schedule SRC")
    failures = 0
    for conference in conferences:
        try:
            outcome = _with_shrink_confirmation(partial(_refresh_one, store, conference), args.force)
        except CompanionError as error:
            if args.conference:
                raise
            print(f"companion: error: {error}", file=sys.stderr)
            failures += 1
            continue
        report_outcome(outcome)
    return 1 if failures else 0


def cmd_conferences(args: argparse.Namespace) -> int:
    from companion.text import clean

    if getattr(args, "conference_action", None) == "remove":
        store = open_store(args)
        conference = store.conference(args.id)
        removed = store.remove_conference(conference.id)
        say(f"Removed {clean(conference.name, single_line=True)!r} (id {conference.id}) and its "
            f"{removed} session{'' if removed == 1 else 's'}; your stars and notes are kept")
        return 0
    store = open_store(args, read_only=True)
    conferences = store.conferences()
    current = store.current_conference()
    if args.json:
        emit_json([c.to_dict() for c in conferences])
        return 0
    for c in conferences:
        mark = "*" if current and c.id == current.id else " "
        days = f"{c.first_day} to {c.last_day}" if c.first_day else "no days"
        say(f"{mark} {c.id:<32} {days}  {clean(c.name, single_line=True)}  ({c.timezone})")
    if not conferences:
        say("No schedule imported yet: companion import schedule SRC")
    return 0


class Progress:
    """A progress line on stderr for a long import: rewritten in place on a terminal, else a line
    now and then; nothing at all for an import over in under ``delay`` seconds."""

    def __init__(self, what: str, *, delay: float = 2.0, every: float = 5.0) -> None:
        import time

        self.what, self.delay, self.every = what, delay, every
        self.clock = time.monotonic
        self.started = self.clock()
        self.last = 0.0
        self.tty = sys.stderr.isatty()
        self.shown = False

    def __call__(self, text: str) -> None:
        now = self.clock()
        if now - self.started < self.delay or now - self.last < (0.2 if self.tty else self.every):
            return
        self.last = now
        line = f"{self.what}: {text}"
        if self.tty:
            sys.stderr.write("\r\x1b[K" + line)
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown and self.tty:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


SHOWN_LINES = 50
"""How many people of each kind an import lists by name before "... and N more"."""


def _skipped_json(line: str) -> dict[str, Any]:
    where, _, why = line.partition(": ")
    number = _number(where.removeprefix("line "))
    return {"line": number, "why": why} if number is not None else {"line": None, "why": line}


def cmd_import_people(args: argparse.Namespace) -> int:
    from companion.importers.sources import load_people
    from companion.text import clean

    if args.max_rows is not None and args.max_rows < 1:
        raise UsageError(f"--max-rows must be 1 or more (got {args.max_rows})")
    progress = Progress(f"Importing {args.file}")
    parsed = load_people(args.file, fmt=args.format, max_rows=args.max_rows,
                         progress=lambda done: progress(f"read {done:,} people"))
    total = len(parsed.people)
    progress(f"read {total:,} people; comparing with your list")
    store = open_store(args, backup=True)
    changes = store.add_people(parsed.people, progress=lambda done: progress(f"compared {done:,} of {total:,} with your list"))
    progress.done()
    unchanged = {person.id for person, _ in changes.unchanged}
    if args.json:
        emit_json({
            "file": args.file, "format": parsed.format, "layout": parsed.layout, "rows": total,
            "new": [{"id": p.id, "name": p.name} for p in changes.added],
            "merged": [{"id": p.id, "name": p.name, "evidence": reason} for p, reason in changes.merges],
            "unchanged": [{"id": p.id, "name": p.name, "evidence": reason} for p, reason in changes.unchanged],
            "possible_duplicates": [
                {"id": new.id, "name": new.name, "other_id": other.id, "other_name": other.name, "why": why}
                for new, other, why in changes.possible
            ],
            "skipped": [_skipped_json(line) for line in parsed.skipped],
        })
        return 0
    what = f"{parsed.format}, {parsed.layout}" if parsed.layout else parsed.format
    counts = f"{len(changes.added)} new, {len(changes.merges)} merged"
    if changes.unchanged:
        counts += f" ({len(changes.unchanged)} of them already up to date)"
    if changes.possible:
        counts += f", {len(changes.possible)} possible duplicate{'' if len(changes.possible) == 1 else 's'}"
    if parsed.skipped:
        counts += f", {len(parsed.skipped)} skipped"
    say(f"Imported {total} {'person' if total == 1 else 'people'} from {args.file} ({what}): {counts}")

    def listed(lines: list[str]) -> None:
        for line in lines[:SHOWN_LINES]:
            say(f"  {clean(line, single_line=True)}")
        if len(lines) > SHOWN_LINES:
            say(f"  ... and {len(lines) - SHOWN_LINES:,} more (--json lists them all)")

    if changes.added and len(changes.added) <= SHOWN_LINES:
        say("  new: " + ", ".join(clean(p.name, single_line=True) for p in changes.added))
    listed([f"merged {person.name}: {reason}" + (" (nothing new)" if person.id in unchanged else "")
            for person, reason in changes.merges])
    listed([f"possible duplicate: {new.name} ({new.id}) and {other.name} ({other.id}), {why}; both kept "
            f"(companion people merge {other.id} {new.id} makes them one)" for new, other, why in changes.possible])
    listed(parsed.skipped)
    sessions = store.sessions()
    if sessions:
        # The same matching the app uses (accents, middle names, typos); a speaker who may be one of
        # several (the same name twice) counts for each, as each card shows the talk as maybe theirs.
        matcher = store.speaker_matcher()
        matches = [matcher.match(sp.name) for s in sessions for sp in s.speakers]
        speaking = {i for match in matches for i in match.person_ids}
        unsure = speaking - {match.person_id for match in matches}
        maybe = f" ({len(unsure)} of them maybe: a speaker's name fits two of your people)" if unsure else ""
        say(f"  {len(speaking)} of {len(store.people())} people speak at an imported session{maybe}")
    return 0


def cmd_people_merge(args: argparse.Namespace) -> int:
    from companion.text import clean

    store = open_store(args, backup=True)
    kept, other = find_person(store, args.keep), find_person(store, args.other)
    if kept.id == other.id:
        raise UsageError(f"{args.keep!r} and {args.other!r} are the same person ({kept.id}); name two people")
    record = store.merge_people(kept.id, other.id)
    moved = []
    if record["notes"]:
        moved.append(f"{len(record['notes'])} note{'' if len(record['notes']) == 1 else 's'}")
    if record["followups"]:
        moved.append(f"{len(record['followups'])} follow-up{'' if len(record['followups']) == 1 else 's'}")
    if record["points"][1] is not None:
        moved.append("the talking point")
    if args.json:
        emit_json({"kept": person_json(store.person(kept.id)), "removed": {"id": other.id, "name": other.name},
                   "merge": record["id"], "moved": moved, "undo": f"companion people unmerge {record['id']}"})
        return 0
    say(f"Merged {clean(other.name, single_line=True)} ({other.id}) into {clean(kept.name, single_line=True)} "
        f"({kept.id}), nothing of either lost" + (f"; moved {', '.join(moved)}" if moved else ""))
    say(f"  undo: companion people unmerge {record['id']}")
    return 0


def cmd_people_unmerge(args: argparse.Namespace) -> int:
    from companion.text import clean

    store = open_store(args, backup=True)
    if args.merge is None and not store.merges():
        say("No merge to undo.")
        return 0
    number = None if args.merge is None else _number(args.merge)
    if args.merge is not None and number is None:
        raise UsageError(f"{args.merge!r} is not a merge number (companion people merge prints it)")
    record = store.undo_merge(number)
    kept = clean(record["kept_before"]["name"], single_line=True)
    removed = clean(record["removed_row"]["name"], single_line=True)
    say(f"Undid merge {record['id']}: {removed} ({record['removed']}) is back beside {kept} ({record['kept']}), "
        "with their notes, follow-ups and talking point")
    return 0


def session_json(session, starred: set[str], zone) -> dict[str, Any]:  # noqa: ANN001
    data = session.to_dict()
    data["starred"] = session.id in starred
    data["local_start"] = session.start.astimezone(zone).isoformat()
    data["local_end"] = session.end.astimezone(zone).isoformat()
    return data


def cmd_sessions(args: argparse.Namespace) -> int:
    from companion.agenda import sessions_now_and_next, zone_of

    store = open_store(args, read_only=True)
    conference = store.conference(args.conference) if args.conference else store.current_conference()
    if args.day and not args.conference:
        wanted_day = parse_day(args.day)
        holding = [c for c in store.conferences() if c.first_day and c.last_day and c.first_day <= wanted_day <= c.last_day]
        conference = holding[0] if holding else conference
    if conference is None:
        if args.json:
            emit_json([])
            return 0
        say("No schedule imported yet: companion import schedule SRC")
        return 0
    zone = zone_of(conference)
    if args.day:
        sessions = store.sessions_on(conference, parse_day(args.day), zone)
    else:
        sessions = store.sessions(conference.id)
    starred = store.starred_ids()
    if args.starred:
        sessions = [s for s in sessions if s.id in starred]
    if args.now:
        live, upcoming = sessions_now_and_next(sessions, datetime.now(timezone.utc))
        sessions = live + upcoming
    if args.json:
        emit_json([session_json(s, starred, zone) for s in sessions])
        return 0
    from companion.text import clean

    clock = store.clock(conference)
    out = [f"{clean(conference.name, single_line=True)} (times in {clean(clock.name, single_line=True)}; "
           "the last column is the session's id, for 'companion star ID')"]
    spans: dict[tuple[datetime, datetime], str] = {}  # parallel sessions share their slot
    for s in sessions:
        mark = "*" if s.id in starred else " "
        speakers = ", ".join(clean(sp.name, single_line=True) for sp in s.speakers)
        status = " [cancelled]" if s.status == "cancelled" else ""
        span = spans.get((s.start, s.end))
        if span is None:
            span = spans[(s.start, s.end)] = clock.span(s.start, s.end, "%a %d %b %H:%M")
        out.append(f"{mark} {span}  {clean(s.room, single_line=True)[:14]:<14}  "
                   f"{clean(s.title, single_line=True)}{status}" + (f"  ({speakers})" if speakers else "")
                   + f"  id: {shell_word(clean(s.id, single_line=True))}")
    if not sessions:
        out.append("  no sessions match")
    say("\n".join(out))
    return 0


def shell_word(text: str) -> str:
    """``text`` as one word to paste into a shell (quoted only when it needs to be)."""
    if text and all(c.isascii() and (c.isalnum() or c in "@%+=:,./-_") for c in text):
        return text
    import shlex

    return shlex.quote(text)


def person_json(person, readiness: str | None = None) -> dict[str, Any]:  # noqa: ANN001
    data = person.to_dict()
    data["id"] = person.id
    if readiness is not None:
        data["readiness"] = readiness
    return data


def cmd_people(args: argparse.Namespace) -> int:
    from companion.coach import readiness
    from companion.text import clean

    store = open_store(args, read_only=True)
    points = store.talking_points()
    people = store.people()
    if args.json:
        emit_json([person_json(p, readiness(points.get(p.id))) for p in people])
        return 0
    for p in people:
        affiliation = f" ({clean(p.affiliation, single_line=True)})" if p.affiliation else ""
        say(f"{p.id:>4}  {p.priority:<12}  {readiness(points.get(p.id)):<5}  {clean(p.name, single_line=True)}{affiliation}")
    if not people:
        say("No people yet: companion import people FILE.csv")
    return 0


def card_json(card) -> dict[str, Any]:  # noqa: ANN001
    return {
        "person": person_json(card.person),
        "talking_point": card.point.to_dict(verdict=False) if card.point else None,
        "flags": card.flags,
        "missing": card.missing,
        "sessions": [
            {"id": a.session.id, "title": a.session.title, "start": a.session.to_dict()["start"],
             "end": a.session.to_dict()["end"], "room": a.session.room, "upcoming": a.upcoming,
             "catch_at": a.catch_at.isoformat(),
             "catch_break": {"id": a.catch_break.id, "title": a.catch_break.title, "room": a.catch_break.room}
             if a.catch_break else None,
             "maybe_also": [person_json(other) for other in a.maybe]}
            for a in card.appearances
        ],
        "notes": [{"id": n.id, **n.to_dict()} for n in card.notes],
        "followups": [{"id": f.id, **f.to_dict()} for f in card.followups],
        "other_matches": [person_json(p) for p in card.other_matches],
        "work": [work_json(kept) for kept in card.work],
    }


def print_card(card, clock) -> None:  # noqa: ANN001 - a PersonCard, a companion.clock.Clock
    from companion.cards import told_apart
    from companion.coach import PROMPTS, SHORT_NAMES
    from companion.text import clean

    p = card.person
    line = lambda text: clean(text, single_line=True)  # noqa: E731
    heading = line(p.name)
    if p.affiliation or p.role:
        heading += " - " + ", ".join(line(x) for x in (p.role, p.affiliation) if x)
    say(f"{heading}   [{p.priority}]")
    contacts = [line(p.email)] if p.email else []
    contacts += [f"{kind}: {line(url)}" for kind, url in p.links.items()]
    if contacts:
        say("  " + " | ".join(contacts))
    if p.tags:
        say("  tags: " + ", ".join(line(t) for t in p.tags))
    if p.notes:
        say("  why: " + line(p.notes))
    for c in p.connections:
        say(f"  connected by {c.kind}: {line(c.detail)}")
    say("")
    if card.point:
        say("Talking points")
        for key, (prompt, _example) in PROMPTS.items():
            answer = getattr(card.point, key)
            if answer:
                say(f"  {prompt:<38} {line(answer)}")
    else:
        say("Talking points: none yet (companion point NAME --work .. --how .. --question ..)")
    for flag in card.flags:
        say(f"  coach on {SHORT_NAMES[flag['field']]} [{flag['rule']}]: {flag['reason']}")
    if card.point and card.missing:
        say("  still to answer: " + ", ".join(SHORT_NAMES.get(name, name) for name in card.missing))
    say("")
    if card.appearances:
        say("Where they will be")
        for a in card.appearances[:4]:
            s = a.session
            when = clock.span(s.start, s.end, "%a %d %b %H:%M")
            after = f"  -> catch them at {clock.time(a.catch_at)}" if a.upcoming else "  (past)"
            if a.catch_break:
                after += f" ({line(a.catch_break.title)}" + (f", {line(a.catch_break.room)})" if a.catch_break.room else ")")
            say(f"  {when}  {line(s.room)}  {line(s.title)}{after}")
            if a.maybe:
                say(f"      maybe theirs: the speaker may be {' or '.join(map(line, told_apart([p, *a.maybe])[1:]))} instead")
        say("")
    if any(kept.items for kept in card.work):
        say("Their work")
        for text in work_lines(card.work, datetime.now(timezone.utc)):
            say(text)  # made of cleaned fields (companion.work.one_line)
        say("")
    if card.notes:
        say("Last notes")
        for n in card.notes:
            say(f"  {clock.time(n.created, '%Y-%m-%d %H:%M')}  {line(n.text)}")
        say("")
    if card.followups:
        say("Open follow-ups")
        for f in card.followups:
            say(f"  #{f.id} {line(f.title)} (due {f.due.isoformat()}{', waiting' if f.status == 'waiting' else ''})")
        say("")
    if card.other_matches:
        say("Other matches: " + "; ".join(
            line(o.name) + (f" ({line(o.affiliation)})" if o.affiliation else "") for o in card.other_matches))


def work_lines(work, now: datetime, *, per_source: int = 3, indent: str = "  ") -> list[str]:  # noqa: ANN001
    """What is kept of their work, a few items per source, each source with how old it is."""
    from companion.work import age, one_line

    out = []
    for kept in work:
        if not kept.items:
            continue
        out.append(f"{indent}{kept.source} ({len(kept.items)}, fetched {age(kept.fetched_at, now)})")
        for item in kept.items[:per_source]:
            extra = "  ".join(x for x in (item.detail, item.link) if x)
            out.append(f"{indent}  {item.date or '          '}  {item.title}" + (f"  {extra}" if extra else ""))
            if item.summary:
                out.append(f"{indent}              {one_line(item.summary, 100)}")
    return out


def work_json(kept) -> dict[str, Any]:  # noqa: ANN001
    return {
        "source": kept.source,
        "target": kept.target,
        "fetched_at": kept.fetched_at.isoformat() if kept.fetched_at else None,
        "items": [item.to_dict() for item in kept.items],
    }


def cmd_research(args: argparse.Namespace) -> int:
    from companion.research import people_with_links, research_people
    from companion.text import clean
    from companion.work import age, one_line

    if not args.timeout > 0:
        raise UsageError(f"--timeout {args.timeout:g}: give a number of seconds above 0")
    store = open_store(args)
    people = [find_person(store, query) for query in args.person] if args.person else people_with_links(store)
    people = list({person.id: person for person in people}.values())
    if not people:
        raise NotFoundError("nobody on your list has a blog, website, GitHub or Mastodon link to research "
                            "(add links: companion import people FILE, or e in the app)")
    total, seen = len(people), [0]

    def progress(found) -> None:  # noqa: ANN001
        seen[0] += 1
        name = clean(found.person.name, single_line=True)
        parts = []
        for outcome in found.outcomes:
            if outcome.status == "failed":
                parts.append(f"{outcome.source} failed")
            else:
                parts.append(f"{outcome.source} {len(outcome.items)}" + (" (not modified)" if outcome.status == "not-modified" else ""))
        if found.talks:
            parts.append(f"talks {len(found.talks)}")
        print(f"[{seen[0]}/{total}] {name}: {', '.join(parts) or 'no links'}", file=sys.stderr, flush=True)
        for outcome in found.outcomes:
            if outcome.status == "failed":
                print(f"[{seen[0]}/{total}] {name}, {outcome.source}: {outcome.message}", file=sys.stderr, flush=True)

    found = research_people(store, people, progress=progress, total_timeout=args.timeout)
    now = datetime.now(timezone.utc)
    order = {person.id: index for index, person in enumerate(people)}
    found.sort(key=lambda f: order[f.person.id])
    outcomes = [outcome for f in found for outcome in f.outcomes]
    gathered_anything = False  # an item fetched now or kept from before, or a talk, for anyone asked
    report = []
    for f in found:
        kept = {k.source: k for k in store.work(f.person.id)}
        gathered_anything = gathered_anything or bool(f.talks) or any(k.items for k in kept.values())
        report.append((f, kept))
    if args.json:
        emit_json([
            {
                "person": {"id": f.person.id, "name": f.person.name},
                "sources": [
                    {**(work_json(kept[o.source]) if o.source in kept else
                        {"source": o.source, "target": o.target, "fetched_at": None, "items": []}),
                     "status": o.status, "message": o.message}
                    for o in f.outcomes
                ],
                "talks": [item.to_dict() for item in f.talks],
            }
            for f, kept in report
        ])
    else:
        for f, kept in report:
            say(clean(f.person.name, single_line=True))  # what failed was said on stderr
            lines = work_lines([kept[o.source] for o in f.outcomes if o.source in kept], now)
            if lines:
                say("\n".join(lines))
            else:  # nothing of their work to show: say why, in one line with what else was found
                say(f"  {research_summary(f.outcomes)}; talks: {len(f.talks) or 'none'}")
            for talk in f.talks:
                say(f"  talk  {talk.date}  {talk.title}  ({talk.detail})")
                if talk.summary:
                    say(f"              {one_line(talk.summary, 100)}")
            say("")
        oldest = [k.fetched_at for _f, kept in report for k in kept.values() if k.fetched_at and k.items]
        if outcomes and all(o.status == "failed" for o in outcomes) and oldest:
            say(f"Nothing could be fetched; shown is what was kept, the oldest from {age(min(oldest), now)}.")
    # 1 only when nothing at all could be gathered and a fetch failed (else a failure is a line on stderr).
    return 1 if not gathered_anything and any(o.status == "failed" for o in outcomes) else 0


def research_summary(outcomes) -> str:  # noqa: ANN001
    """For a person ``research`` found none of whose work: what came of their links, in a few words."""
    if not outcomes:
        return "no links to fetch (blog, website, GitHub or Mastodon)"
    failed = [o.source for o in outcomes if o.status == "failed"]
    if len(failed) == len(outcomes):
        return f"nothing fetched ({', '.join(failed)} failed); kept: nothing"
    if failed:
        return f"nothing found at their links ({', '.join(failed)} failed); kept: nothing"
    return "nothing found at their links"


def cmd_who(args: argparse.Namespace) -> int:
    from companion.cards import person_card

    store = open_store(args, read_only=True)
    number = _number(args.query)
    if number is not None:  # a number from `companion people`
        matches = [(store.person(number), 100.0)]
    else:
        matches = store.search_people(args.query, limit=6, rows=None if args.json else 1)  # others: name and affiliation
    if not matches:
        raise NotFoundError(f"nobody on your list matches {args.query!r}" + speaker_hint(store, args))
    card = person_card(store, matches[0][0])
    # Listed below the card: close enough to be who was meant (a shared letter or two scores 60-72).
    card.other_matches = [person for person, score in matches[1:] if score >= 75]
    if args.json:
        emit_json(card_json(card))
        return 0
    print_card(card, store.clock())
    return 0


def speaker_hint(store, args: argparse.Namespace) -> str:  # noqa: ANN001
    """For ``who`` when nobody on the list matches: the speakers in the imported schedules who do,
    where they speak, and the command that adds the first to the list ("" when none does)."""
    import shlex

    from companion.cards import speakers_not_listed
    from companion.text import clean

    found = speakers_not_listed(store, args.query)
    if not found:
        return ""
    conferences = {c.id: c for c in store.conferences()}
    said = []
    for speaker in found:
        talks = []
        for session in speaker.sessions[:3]:
            conference = conferences.get(session.conference)
            clock = store.clock(conference)
            where = ", ".join(part for part in (clock.time(session.start, "%a %d %b %H:%M"),
                                                clean(session.room, single_line=True)) if part)
            talks.append(f"{clean(session.title, single_line=True)!r} ({where}"
                         + (f", {clean(conference.name, single_line=True)})" if conference else ")"))
        more = f" and {len(speaker.sessions) - 3} more" if len(speaker.sessions) > 3 else ""
        said.append(f"{clean(speaker.name, single_line=True)} speaks at {'; '.join(talks)}{more}")
    name = clean(found[0].name, single_line=True)
    row = '"' + name.replace('"', '""') + '"' if any(c in name for c in ',"') else name
    command = "printf '%s\\n' name " + shlex.quote(row) + " | companion "
    if args.data_dir:
        command += f"--data-dir {shlex.quote(str(args.data_dir))} "
    command += "import people /dev/stdin"
    return (f"; in the schedule: {'. '.join(said)}. Not on your list: add {name} with: {command}"
            " (or in the app: Schedule, select the session, a)")


def cmd_point(args: argparse.Namespace) -> int:
    from companion.coach import PROMPTS, SHORT_NAMES, review
    from companion.models import TalkingPoint
    from companion.text import clean

    store = open_store(args)
    person = find_person(store, args.person)
    point = store.talking_point(person.id) or TalkingPoint(person_id=person.id)
    given = {key: clean(getattr(args, key)).strip() for key in PROMPTS if getattr(args, key) is not None}
    if given:  # only the answers given change, merged inside the lock with the point as stored then
        point, _both = store.edit_talking_point(point, point.replace(**given))
    flags, missing = review(point)
    if args.json:
        emit_json({
            "person": person_json(person),
            "talking_point": point.to_dict(verdict=False),
            "flags": [{"rule": f.rule, "field": f.field, "reason": f.reason, "better": f.better} for f in flags],
            "missing": missing,
        })
        return 0
    say(f"{'Saved' if given else 'Talking points for'} {clean(person.name, single_line=True)}")
    for key, (prompt, example) in PROMPTS.items():
        answer = getattr(point, key)
        say(f"  {prompt:<38} {clean(answer, single_line=True) if answer else '(e.g. ' + example + ')'}")
    for flag in flags:
        say(f"  coach on {SHORT_NAMES[flag.field]} [{flag.rule}]: {flag.reason} For example: {flag.better}")
    if not flags:
        say("  coach: specific and ready" if "work" not in missing and "question" not in missing else "  coach: nothing weak so far")
    if missing:
        say("  still to answer: " + ", ".join(SHORT_NAMES[name] for name in missing))
    return 0


def cmd_note_add(args: argparse.Namespace) -> int:
    from companion.followups import NUDGE_DAYS, ForPerson, NoteActions
    from companion.text import clean

    store = open_store(args)
    people = list({p.id: p for p in (find_person(store, name) for name in args.person)}.values())
    if args.session:
        store.session(args.session)
    text = clean(args.text).strip()
    if not text:
        raise UsageError("the note is empty")
    promises = [for_whom(clean(p, single_line=True).strip(), people, "promise") for p in args.promise]
    intros = [for_whom(clean(i, single_line=True).strip(), people, "introduction") for i in args.intro]
    actions = NoteActions(
        thank=args.thank,
        promises=tuple(ForPerson(what, person_id) for person_id, what in promises if what),
        intros=tuple(ForPerson(intro_name(store, who), person_id, args.ask) for person_id, who in intros if who),
        waiting=args.waiting or args.nudge_days is not None,
        nudge_days=NUDGE_DAYS if args.nudge_days is None else args.nudge_days,
        tell_later=args.tell_later,
    )
    note, followups = store.add_note(text, [p.id for p in people], session_id=args.session or "", actions=actions)
    names = ", ".join(clean(p.name, single_line=True) for p in people)
    say(f"Saved note #{note.id}" + (f" about {names}" if names else ""))
    for f in followups:
        say(f"  follow-up #{f.id}: {clean(f.title, single_line=True)} (due {f.due.isoformat()})")
    return 0


def for_whom(text: str, people: list, what: str) -> tuple[int, str]:  # noqa: ANN001
    """A promise or an introduction as typed, ``NAME: what`` on a note about several people: the
    id of the note's person it is for (0 when the note is about nobody) and what. One line and exit 1
    when a note about several people does not say for whom."""
    from companion.lookup import addressed
    from companion.text import clean

    person, rest = addressed(text, people)
    if person is not None:
        return person.id, rest
    if len(people) > 1:
        names = " or ".join(repr(clean(p.name, single_line=True)) for p in people)
        example = f"{first_word(people[0].name)}: {text}"
        raise UsageError(f"the note is about several people: say whom the {what} {text!r} is for, "
                         f"as NAME: what (NAME one of {names}), e.g. {example!r}; nothing was saved")
    return (people[0].id if people else 0), text


def first_word(name: str) -> str:
    from companion.text import clean

    words = clean(name, single_line=True).split()
    return words[0] if words else name


def intro_name(store, name: str) -> str:  # noqa: ANN001
    """The full name of the person on the list an introduction names, else the name as typed."""
    from companion.lookup import choose

    try:
        person = choose(store.search_people(name, limit=5), name)
    except NotFoundError:
        return name
    return person.name if person else name


def cmd_star(args: argparse.Namespace) -> int:
    from companion.text import clean

    store = open_store(args)
    session = store.session(args.id)
    store.set_star(session.id, not args.off)
    say(f"{'Unstarred' if args.off else 'Starred'}: {clean(session.title, single_line=True)}")
    return 0


def cmd_notes(args: argparse.Namespace) -> int:
    from companion.text import clean

    store = open_store(args, read_only=True)
    person = find_person(store, args.person) if args.person else None
    notes = store.notes(person_id=person.id if person else None)
    if args.json:
        emit_json([{"id": n.id, **n.to_dict()} for n in notes])
        return 0
    names = {p.id: p.name for p in store.people()}
    conferences = {c.id: c for c in store.conferences()}
    clocks = {"": store.clock()}  # a note's time in its conference's zone, else the current one's
    for n in notes:
        who = ", ".join(clean(names.get(i, "?"), single_line=True) for i in n.person_ids)
        key = n.conference if n.conference in conferences else ""
        clock = clocks[key] if key in clocks else clocks.setdefault(key, store.clock(conferences[key]))
        say(f"#{n.id:<4} {clock.time(n.created, '%Y-%m-%d %H:%M')}  {clean(n.text, single_line=True)}"
            + (f"  [{who}]" if who else ""))
    if not notes:
        say("No notes yet: companion note add TEXT --person NAME")
    return 0


def cmd_followups(args: argparse.Namespace) -> int:
    from companion.followups import CLOSING_LINE, intro_state, is_intro_ask
    from companion.text import clean

    store = open_store(args)
    action = getattr(args, "followup_action", None)
    if action == "draft":
        return show_draft(store, args.id, as_json=args.json)
    if action == "hello":
        return plan_hellos(store, args.conference)
    if action:
        if action == "done":
            changed = store.set_followup_status(args.id, "done")
        elif action == "drop":
            changed = store.set_followup_status(args.id, "dropped")
        elif action == "wait":
            changed = store.set_followup_status(args.id, "waiting")
        elif action in ("yes", "no"):
            changed = store.answer_followup(args.id, action)
        else:
            from companion.followups import parse_until

            today = date.today()
            changed = [store.snooze_followup(args.id, parse_until(args.until, today), today=today)]
        first = changed[0]
        title = clean(first.title, single_line=True)
        if action == "done" and first.status == "dropped":
            say(f"#{first.id} {title}: closed, {CLOSING_LINE}. One nudge is enough; none more is planned.")
        elif is_intro_ask(first) and action != "snooze":
            state = clean(intro_state(first, store.intro_thread(first), person_name(store, first.person_id)),
                          single_line=True)
            say(f"#{first.id} {title}: {state}")
            if first.status == "waiting":
                say(f"  when they answer: companion followups yes {first.id}, or no {first.id}")
            elif first.status == "dropped":
                say("  the introduction ends here; nothing is sent to anyone")
        else:
            say(f"#{first.id} {title}: {first.status}, due {first.due.isoformat()}")
        for step in changed[1:]:
            if step.kind == "intro":
                say(f"  next: #{step.id} {clean(step.title, single_line=True)} (due {step.due.isoformat()})")
        return 0
    today = date.today()
    closed = store.close_stale_nudges(today)
    items = store.followups(statuses=("open", "waiting"))
    if args.due:
        items = [f for f in items if f.due <= today and f.status == "open"]
    if args.json:
        emit_json([{"id": f.id, **f.to_dict()} for f in items])
        return 0
    for f in closed:
        say(f"Closed #{f.id} {clean(f.title, single_line=True)}: {CLOSING_LINE}.")
    for f in items:
        status = " (waiting)" if f.status == "waiting" else ""
        if f.kind == "intro" or is_intro_ask(f):
            state = intro_state(f, store.intro_thread(f), person_name(store, f.person_id))
            status = f"  [{clean(state, single_line=True)}]" if state else status
        say(f"#{f.id:<4} due {f.due.isoformat()}  {clean(f.title, single_line=True)}{status}")
    if not items:
        say("Nothing to follow up." if not args.due else "Nothing due.")
    return 0


def plan_hellos(store, conference_id: str | None) -> int:  # noqa: ANN001
    """A virtual hello before the conference to each person on the list who speaks there."""
    from companion.text import clean

    today = date.today()
    conference = store.conference(conference_id) if conference_id else store.current_conference(today)
    if conference is None:
        raise UsageError("no conference imported yet: companion import schedule FILE")
    name = clean(conference.name, single_line=True)
    if conference.last_day is not None and conference.last_day < today:
        raise UsageError(f"{name} ended on {conference.last_day.isoformat()}; a hello is for before the talk")
    added, had = store.add_hellos(conference.id, today=today)
    for f in added:
        say(f"#{f.id:<4} due {f.due.isoformat()}  {clean(f.title, single_line=True)}")
    if added:
        say(f"Planned {len(added)} hello{'' if len(added) == 1 else 's'} before {name}"
            + (f" ({had} already planned)" if had else "") + ": companion followups draft ID shows each")
    elif had:
        say(f"Nothing new: the {had} people on your list who speak at {name} already have a hello.")
    else:
        say(f"Nobody on your list speaks at {name}: companion import people FILE, then try again.")
    return 0
def person_name(store, person_id: int) -> str:  # noqa: ANN001
    try:
        return store.person(person_id).name
    except NotFoundError:
        return "them"


def show_draft(store, followup_id: int, *, as_json: bool = False) -> int:  # noqa: ANN001
    """Print the message draft for a follow-up: who it is for, the subject and the body."""
    from companion.cards import followup_draft

    item = store.followup(followup_id)
    draft = followup_draft(store, item)
    if as_json:
        emit_json({"id": item.id, "kind": item.kind, "to": draft.to, "subject": draft.subject,
                   "body": draft.body, "hints": list(draft.hints)})
        return 0
    if draft.to:
        say(f"To: {draft.to}")
    say(draft.text())
    for hint in draft.hints:
        print(f"companion: hint: {hint}", file=sys.stderr)
    return 0


def _cannot_write(target: object, error: OSError) -> CompanionError:
    """One clear line for an export that could not be written (missing folder, no permission, ...)."""
    where = str(target)
    if isinstance(error.filename, str) and error.filename:
        where = error.filename
        name = Path(where).name
        if name.startswith(".") and name.endswith(".tmp"):  # atomic_write_bytes's temporary file: name the real one
            where = str(Path(where).with_name(name[1:].rsplit(".", 2)[0]))
    return CompanionError(f"{where}: cannot write: {error.strerror or error}")


def _tell(text: str, *, beside_output: bool) -> None:
    """Say what an export did: on stderr when the export itself went to standard output."""
    print(text, file=sys.stderr if beside_output else sys.stdout)


def cmd_export_ics(args: argparse.Namespace) -> int:
    from companion.exporters.ics import export_followups
    from companion.exporters.output import check_target, goes_to_stdout

    data_dir = resolve_data_dir(args.data_dir)
    check_target(args.file, data_dir)
    if args.vdir:
        check_target(args.vdir, data_dir)
    store = open_store(args)
    items = store.followups()
    people = {p.id: p for p in store.people()}
    to_stdout = goes_to_stdout(args.file)
    try:
        outcome = export_followups(
            args.file, items, people, vdir=Path(args.vdir) if args.vdir else None, todo=args.todo,
            data_dir=store.data_dir,
        )
    except OSError as error:
        raise _cannot_write(args.file, error) from None
    store.record_export(outcome.marks)
    open_count = sum(1 for f in items if f.status in ("open", "waiting"))
    kinds = "events and tasks" if args.todo else "events"
    left_out = (f"; {outcome.left_out} done or dropped before they were ever exported left out"
                if outcome.left_out else "")
    _tell(f"Wrote {outcome.written} follow-ups ({open_count} open) as {kinds} to {args.file}"
          + (f" and one file each into {args.vdir}" if args.vdir else "") + left_out, beside_output=to_stdout)
    return 0


def cmd_export_agenda(args: argparse.Namespace) -> int:
    from companion.exporters.ics import agenda_calendar
    from companion.exporters.output import check_target, goes_to_stdout, write_output

    check_target(args.file, resolve_data_dir(args.data_dir))
    store = open_store(args, read_only=True)
    conference = store.conference(args.conference) if args.conference else store.current_conference()
    if conference is None:
        raise CompanionError("no schedule imported yet: companion import schedule SRC")
    starred = store.starred_ids()
    sessions = [s for s in store.sessions(conference.id) if s.id in starred]
    to_stdout = goes_to_stdout(args.file)
    write_output(args.file, agenda_calendar(sessions, conference), data_dir=store.data_dir)
    _tell(f"Wrote {len(sessions)} starred sessions of {conference.id} to {args.file}", beside_output=to_stdout)
    return 0


def cmd_export_json(args: argparse.Namespace) -> int:
    from companion.exporters.json_export import export_json
    from companion.exporters.output import check_target, goes_to_stdout

    check_target(args.file, resolve_data_dir(args.data_dir))
    store = open_store(args, read_only=True)
    to_stdout = goes_to_stdout(args.file)
    counts = export_json(args.file, store)
    summary = ", ".join(f"{section.replace('_', ' ')}: {count}" for section, count in counts.items())
    _tell(f"Wrote everything to {args.file} ({summary})", beside_output=to_stdout)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from companion.exporters.output import check_target, goes_to_stdout
    from companion.exporters.report import build_report, write_report

    if args.out:
        check_target(args.out, resolve_data_dir(args.data_dir))
    store = open_store(args, read_only=True)
    conference = store.conference(args.conference) if args.conference else None
    report = build_report(store, conference, clock=store.clock(conference))
    if not args.out:
        say(report.text.rstrip("\n"))
        return 0
    to_stdout = goes_to_stdout(args.out)
    write_report(args.out, report, data_dir=store.data_dir)
    overdue = f", {report.overdue} overdue" if report.overdue else ""
    _tell(f"Wrote the report to {args.out} (people met: {report.people}, notes: {report.notes}, "
          f"pending follow-ups: {report.pending}{overdue})", beside_output=to_stdout)
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    """Check the data folder without changing anything; exit 1 when a problem is found."""
    from companion.doctor import examine

    checkup = examine(resolve_data_dir(args.data_dir))
    if args.json:
        emit_json(checkup.to_dict())
    else:
        for line in checkup.lines():
            say(line)
    return 0 if checkup.healthy else 1


def cmd_sync(args: argparse.Namespace) -> int:
    """Sync with the user's CalDAV/CardDAV server (companion.sync); ``setup`` and ``status`` below it."""
    from companion.sync import command

    action = getattr(args, "sync_action", None)
    store = open_store(args, read_only=action == "status")
    if action == "setup":
        for line in command.setup(store, args.url, args.user, args.password_command):
            say(line)
        return 0
    if action == "status":
        lines, info = command.status(store)
        if args.json:
            emit_json(info)
        else:
            for line in lines:
                say(line)
        return 0
    report = command.sync(store, args.deadline)
    if args.json:
        emit_json(report.to_json())
    else:
        for line in command.report_lines(report):
            say(line)
    if report.stopped:
        from companion.text import clean

        print(f"companion: error: {clean(report.stopped, single_line=True)}", file=sys.stderr)
        return 1
    return 0


# --- the command table ---------------------------------------------------------------------------
#
# Every command, its options and its help are written once, here. argparse's parser is built from
# this table (build_parser), and so is the quick reader of the commands with a time budget
# (quick_args, for the entries marked ``quick``), which must not wait for argparse to load.


class Arg:
    """One option or positional of a command: its names and argparse's keyword arguments."""

    __slots__ = ("names", "options")

    def __init__(self, *names: str, **options: Any) -> None:
        self.names, self.options = names, options

    @property
    def dest(self) -> str:
        """The attribute the value lands in, as argparse names it."""
        return self.options.get("dest") or self.names[0].lstrip("-").replace("-", "_")

    @property
    def positional(self) -> bool:
        return not self.names[0].startswith("-")


class Command:
    """A command (or a sub-command) of the table."""

    __slots__ = ("name", "help", "handler", "args", "subcommands", "sub_title", "sub_dest", "sub_required", "quick")

    def __init__(
        self,
        name: str,
        help: str,  # noqa: A002 - argparse's word for it
        handler: Callable[[Any], int] | None = None,
        args: Sequence[Arg] = (),
        subcommands: Sequence[Command] = (),
        *,
        sub_title: str = "",
        sub_dest: str | None = None,
        sub_required: bool = False,
        quick: bool = False,
    ) -> None:
        self.name, self.help, self.handler, self.args = name, help, handler, tuple(args)
        self.subcommands, self.sub_title, self.sub_dest, self.sub_required = tuple(subcommands), sub_title, sub_dest, sub_required
        self.quick = quick
        """Read by quick_args without argparse (only flags, plain options and positionals allowed)."""


FORCE_HELP = "replace the stored schedule even if far fewer sessions came"

GLOBAL_ARGS = (
    Arg("--data-dir", help="where companion keeps its data (default: the platform's user data folder, or $COMPANION_DATA_DIR)"),
    Arg("--version", action="version", version="companion 0.1.0"),
)

COMMANDS: tuple[Command, ...] = (
    Command("demo", "open the app on a throwaway copy of the sample conference", cmd_demo),
    Command("import", "import a schedule or a people list", sub_title="what", sub_required=True, subcommands=(
        Command("schedule", "a conference schedule (iCalendar)", cmd_import_schedule, (
            Arg("source", metavar="SRC", help="a file, or an http(s) or webcal URL"),
            Arg("--tz", help="time zone for floating times, e.g. Europe/Berlin"),
            Arg("--name", help="the conference's name"),
            Arg("--format", choices=SCHEDULE_FORMATS, help="skip format sniffing"),
            Arg("--speakers", metavar="FILE", help="a Sessionize Speakers JSON file to name the speakers"),
            Arg("--force", action="store_true", help=FORCE_HELP),
        )),
        Command("people", "people to meet (CSV incl. Google Contacts and Outlook, vCard, LinkedIn Connections.csv)",
                cmd_import_people, (
            Arg("file", metavar="FILE"),
            Arg("--format", choices=PEOPLE_FORMATS, help="default: sniffed from the content"),
            Arg("--max-rows", type=int, metavar="N", help="the most people one file may hold (default 50,000)"),
            Arg("--json", action="store_true", help="what the import did, row by row, as JSON"),
        )),
    )),
    Command("refresh", "fetch schedules again; report what changed in starred sessions", cmd_refresh, (
        Arg("conference", metavar="CONFERENCE", nargs="?", help="a conference id (default: all)"),
        Arg("--force", action="store_true", help=FORCE_HELP),
    )),
    Command("conferences", "list imported conferences (* the current one)", cmd_conferences, (
        Arg("--json", action="store_true"),
    ), sub_title="action", sub_dest="conference_action", subcommands=(
        Command("remove", "remove an imported conference and its sessions (stars and notes stay)",
                args=(Arg("id", metavar="ID", help="a conference id (see 'companion conferences')"),)),
    )),
    Command("sessions", "list sessions", cmd_sessions, (
        Arg("--day", help="only this day (YYYY-MM-DD, in the conference's zone)"),
        Arg("--starred", action="store_true", help="only starred sessions"),
        Arg("--now", action="store_true", help="what is on now and next"),
        Arg("--conference", help="a conference id (default: the current or next one)"),
        Arg("--json", action="store_true"),
    ), quick=True),
    Command("people", "list the people you want to meet", cmd_people, (
        Arg("--json", action="store_true"),
    ), sub_title="action", sub_dest="people_action", subcommands=(
        Command("merge", "make two records of one person one (nothing of either is lost; undoable)", cmd_people_merge, (
            Arg("keep", metavar="KEEP", help="the person to keep: a number from 'companion people' or a name"),
            Arg("other", metavar="OTHER", help="the person merged into KEEP and removed"),
            Arg("--json", action="store_true"),
        )),
        Command("unmerge", "undo a merge by hand (the last one, or the number 'people merge' printed)",
                cmd_people_unmerge, (
            Arg("merge", metavar="N", nargs="?", help="the merge's number (default: the last)"),
        )),
    )),
    Command("who", "a person's card: talking points, where they will be, notes", cmd_who, (
        Arg("query", metavar="QUERY"),
        Arg("--json", action="store_true"),
    ), quick=True),
    Command("research", "gather their public work (blog feed, GitHub, Mastodon, talks) for the talking points",
            cmd_research, (
        Arg("person", metavar="PERSON", nargs="*", help="a name or number (default: everyone with a link)"),
        Arg("--timeout", type=float, default=20.0, metavar="SECONDS", help="the most one request may take (default 20)"),
        Arg("--json", action="store_true"),
    )),
    Command("point", "set or show talking points for a person", cmd_point, (
        Arg("person", metavar="PERSON"),
        Arg("--work", help="which part of their work helped you"),
        Arg("--how", help="how it helped"),
        Arg("--question", help="one specific question"),
        Arg("--offer", help="what you could offer"),
        Arg("--common", help="what you have in common"),
        Arg("--json", action="store_true"),
    )),
    Command("note", "notes after a session or a chat", sub_title="action", sub_required=True, subcommands=(
        Command("add", "save a note; toggles create follow-ups", cmd_note_add, (
            Arg("text", metavar="TEXT"),
            Arg("--person", action="append", default=[], help="who the note is about (repeatable)"),
            Arg("--session", help="the session id the note is about"),
            Arg("--thank", action="store_true", help="they helped me: a thank-you is due tomorrow"),
            Arg("--promise", action="append", default=[],
                help="something I promised (repeatable); with several --person, NAME: what"),
            Arg("--intro", action="append", default=[],
                help="someone to introduce them to (double opt-in; repeatable); with several --person, NAME: OTHER"),
            Arg("--ask", choices=("other", "person", "both"), default="other",
                help="for --intro, whose yes to ask first: other (the one named, default), person (the note's), or both"),
            Arg("--waiting", action="store_true", help="waiting for their reply: nudge in a week"),
            Arg("--nudge-days", type=int, metavar="N",
                help="waiting for their reply: nudge after N days, 7 to 14 (implies --waiting)"),
            Arg("--tell-later", action="store_true",
                help="I will tell them how it went: a follow-up in four weeks to tell them and thank them"),
        )),
    )),
    Command("star", "star a session (its id from 'sessions': the end of each line)", cmd_star, (
        Arg("id", metavar="SESSION_ID"),
        Arg("--off", action="store_true", help="unstar it"),
    )),
    Command("notes", "list notes", cmd_notes, (
        Arg("--person"),
        Arg("--json", action="store_true"),
    )),
    Command("followups", "the follow-up queue", cmd_followups, (
        Arg("--due", action="store_true", help="only what is due today or overdue"),
        Arg("--json", action="store_true"),
    ), sub_title="action", sub_dest="followup_action", subcommands=(
        Command("done", "mark done (an introduction ask: asked, now waiting for the answer; a nudge with no "
                "reply since closes kindly: one nudge is enough)",
                args=(Arg("id", type=int, metavar="ID"),)),
        Command("drop", "drop it", args=(Arg("id", type=int, metavar="ID"),)),
        Command("wait", "waiting for their reply", args=(Arg("id", type=int, metavar="ID"),)),
        Command("yes", "an introduction ask: they said yes (the introduction comes once everyone asked did)",
                args=(Arg("id", type=int, metavar="ID"),)),
        Command("no", "an introduction ask: they said no (the introduction ends, kindly)",
                args=(Arg("id", type=int, metavar="ID"),)),
        Command("snooze", "move it to a later date", args=(
            Arg("id", type=int, metavar="ID"),
            Arg("--until", required=True, metavar="WHEN",
                help="YYYY-MM-DD, +N (days from today) or a weekday (mon, monday: the next one)"),
        )),
        Command("draft", "print a message draft for it (hints go to stderr)", args=(
            Arg("id", type=int, metavar="ID"),
            Arg("--json", action="store_true"),
        )),
        Command("hello", "plan a virtual hello, due three days before the conference, to each person on your "
                "list who speaks there", args=(
            Arg("--conference", help="a conference id (default: the current or next one)"),
        )),
    )),
    Command("export", "export follow-up reminders, the starred agenda, or everything as JSON",
            sub_title="what", sub_required=True, subcommands=(
        Command("ics", "follow-up reminders as iCalendar", cmd_export_ics, (
            Arg("file", metavar="FILE"),
            Arg("--todo", action="store_true", help="also a VTODO per follow-up, for task apps"),
            Arg("--vdir", help="also write one <uid>.ics per event (and task) into this folder"),
        )),
        Command("agenda", "starred sessions as iCalendar", cmd_export_agenda, (
            Arg("file", metavar="FILE"),
            Arg("--conference", help="a conference id (default: the current or next one)"),
        )),
        Command("json", "everything (conferences, sessions, stars, people, notes, follow-ups) as JSON", cmd_export_json, (
            Arg("file", metavar="FILE"),
        )),
    )),
    Command("report", "a Markdown report: who you met, what you learned, what is pending", cmd_report, (
        Arg("conference", metavar="CONFERENCE", nargs="?", help="a conference id (default: everything)"),
        Arg("--out", metavar="FILE.md", help="write it here (default: print it)"),
    )),
    Command("sync", "sync follow-ups, the starred agenda and people with your CalDAV/CardDAV server", cmd_sync, (
        Arg("--json", action="store_true"),
        Arg("--deadline", type=float, metavar="SECONDS", help="give up (the rest waits) after this long (default 300)"),
    ), sub_title="action", sub_dest="sync_action", subcommands=(
        Command("setup", "find your server's calendars and address books and pick or make companion's three", args=(
            Arg("url", metavar="URL", help="your server (https://dav.example.com/); its well-known paths are followed"),
            Arg("--user", required=True, metavar="NAME"),
            Arg("--password-command", metavar="CMD",
                help="a command that prints the password (pass show dav); else $COMPANION_DAV_PASSWORD, else asked "
                     "and kept in the system keyring"),
        )),
        Command("status", "what is set up and what waits to be sent", args=(Arg("--json", action="store_true"),)),
    )),
    Command("doctor", "check the data folder, its files, backups and locks (changes nothing)", cmd_doctor, (
        Arg("--json", action="store_true"),
    )),
)


def build_parser() -> argparse.ArgumentParser:
    """argparse's parser for the whole command line, built from COMMANDS."""
    parser_class = _parser_class()
    parser = parser_class(prog="companion", description="A terminal conference companion.")
    for option in GLOBAL_ARGS:
        parser.add_argument(*option.names, **option.options)
    parser.set_defaults(handler=cmd_app)
    _add_commands(parser, COMMANDS, parser_class, title="commands", metavar="COMMAND", dest=None, required=False)
    return parser


def _add_commands(
    parser: argparse.ArgumentParser, commands: Sequence[Command], parser_class: type[argparse.ArgumentParser],
    *, title: str, metavar: str, dest: str | None, required: bool,
) -> None:
    named = {"dest": dest} if dest else {}
    subparsers = parser.add_subparsers(title=title, metavar=metavar, parser_class=parser_class, required=required, **named)
    for command in commands:
        sub = subparsers.add_parser(command.name, help=command.help)
        for option in command.args:
            sub.add_argument(*option.names, **option.options)
        if command.handler is not None:
            sub.set_defaults(handler=command.handler)
        if command.subcommands:
            _add_commands(sub, command.subcommands, parser_class, title=command.sub_title,
                          metavar=command.sub_title.upper(), dest=command.sub_dest, required=command.sub_required)


def hoist_data_dir(argv: Sequence[str]) -> list[str]:
    """Let ``--data-dir DIR`` stand anywhere on the line (argparse takes it only before the command)."""
    words = list(argv)
    end = words.index("--") if "--" in words else len(words)
    for index, word in enumerate(words[:end]):
        if word == "--data-dir" and index + 1 < end:
            return [word, words[index + 1], *words[:index], *words[index + 2 :]]
        if word.startswith("--data-dir="):
            return [word, *words[:index], *words[index + 1 :]]
    return words


_quick_exit = False
"""Set once a command other than the app has run: the process may end without tearing down."""


def run() -> None:
    """The ``companion`` command. A command-line command ends the process as soon as its output is
    flushed and the exit handlers have run: tearing down the interpreter (every module and object
    freed one by one) would take longer than a lookup at 10,000 people (about 30 ms here).

    The cyclic garbage collector is off while a plain ``who`` or ``sessions`` runs (see quick_args):
    they end in a moment, and its passes over the tens of thousands of strings a lookup at 10,000
    people reads cost about 14 ms. Every other command turns it back on at once."""
    import gc

    gc.disable()
    code = main()
    if not _quick_exit:
        raise SystemExit(code)
    import atexit

    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe: nothing more can be said
        code = code or 1
    atexit._run_exitfuncs()
    os._exit(code)


def quick_commands() -> dict[str, Command]:
    return {command.name: command for command in COMMANDS if command.quick}


def quick_args(words: Sequence[str]) -> SimpleNamespace | None:
    """The arguments of a plain ``who`` or ``sessions`` command line (the ``quick`` entries of
    COMMANDS), read without argparse, whose import and set-up cost a lookup 15 ms; None for anything
    else, help or a mistake included, which argparse then reads and answers. A property test holds
    its answers equal to argparse's."""
    words = list(words)
    data_dir = None
    if words[:1] == ["--data-dir"] and len(words) > 1 and not words[1].startswith("-"):
        data_dir, words = words[1], words[2:]
    elif words and words[0].startswith("--data-dir="):
        data_dir, words = words[0].split("=", 1)[1], words[1:]
    elif words[:1] == ["--data-dir"]:
        return None
    command = quick_commands().get(words[0]) if words else None
    if command is None:
        return None
    flags = {option.names[0]: option for option in command.args if option.options.get("action") == "store_true"}
    options = {option.names[0]: option for option in command.args if not option.positional and option.names[0] not in flags}
    positionals = [option for option in command.args if option.positional]
    found: dict[str, Any] = {"data_dir": data_dir, "handler": command.handler}
    found.update({option.dest: False for option in flags.values()})
    found.update({option.dest: None for option in options.values()})
    given: list[str] = []
    rest = iter(words[1:])
    for word in rest:
        if word in flags:
            found[flags[word].dest] = True
        elif word in options:
            value = next(rest, None)
            if value is None or value.startswith("-"):
                return None
            found[options[word].dest] = value
        elif word.startswith("-"):
            return None
        else:
            given.append(word)
    if len(given) != len(positionals):
        return None
    found.update(zip((option.dest for option in positionals), given))
    return SimpleNamespace(**found)


def _not_utf8(words: Sequence[str]) -> str | None:
    """An error line for the first argument holding bytes that are not UTF-8 (Python hands them
    over as lone surrogates), else None."""
    for position, word in enumerate(words, 1):
        try:
            word.encode("utf-8")
        except UnicodeEncodeError:
            shown = word.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            from companion.text import echo

            return (f"argument {position} is not valid UTF-8: '{echo(shown)}' "
                    "(rename the file, or pass the text in UTF-8)")
    return None


def main(argv: Sequence[str] | None = None) -> int:
    global _quick_exit
    given = sys.argv[1:] if argv is None else list(argv)
    problem = _not_utf8(given)
    if problem is None and _not_utf8([os.environ.get("COMPANION_DATA_DIR", "")]):
        problem = "$COMPANION_DATA_DIR is not valid UTF-8 (name the data folder in UTF-8)"
    if problem is not None:
        print(f"companion: error: {problem}", file=sys.stderr)
        return 1
    words = hoist_data_dir(given)
    try:
        args: SimpleNamespace | argparse.Namespace | None = quick_args(words)
        if args is None:
            import gc

            gc.enable()
            args = build_parser().parse_args(words)
        _quick_exit = args.handler not in (cmd_app, cmd_demo)
        return args.handler(args)
    except CompanionError as error:
        from companion.text import clean

        from companion.text import limit_echoes

        message = limit_echoes(clean(str(error), single_line=True), words)  # names, paths: untrusted
        print(f"companion: error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("companion: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
