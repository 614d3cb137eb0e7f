"""The talking-point coach (ARCHITECTURE.md, "The coach"): a table of rules, each a check of what an answer
means (companion.meaning), the answers it reads, a reason and what to write instead.

A flag is a problem found in an answer; a missing answer is listed apart, because an
unanswered question is not a mistake.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

from companion import meaning
from companion.models import FrozenRecord, TalkingPoint

SHORT_NAMES = {"work": "the work", "how": "how it helped", "question": "the question", "offer": "the offer",
               "common": "common ground"}
"""How the form and the card name each answer in a sentence ("strengthen the work and how it helped")."""

PROMPTS: dict[str, tuple[str, str]] = {
    "work": (
        "Which part of their work helped you?",
        "Your blog post on pinning dependencies with lockfiles",
    ),
    "how": (
        "How did it help?",
        "We switched our CI to lockfiles and flaky builds stopped",
    ),
    "question": (
        "One specific question for them",
        "How do you handle lockfiles for libraries, as opposed to apps?",
    ),
    "offer": (
        "What could you offer them?",
        "Our migration notes, as a case study for their docs",
    ),
    "common": (
        "What do you have in common?",
        "We both came to Python from physics",
    ),
}
"""Each answer's prompt and a short example of a good answer."""


class CoachRule(FrozenRecord):
    """One row of the coach's table: what it checks, in which answers, why, and what to write instead."""

    FIELDS = ("id", "fields", "check", "reason", "better")

    def __init__(self, id: str, fields: tuple[str, ...], check: Callable[[str], bool], reason: str, better: str) -> None:
        self.id = id
        self.fields = fields
        """The answers the rule reads (``PROMPTS`` keys)."""
        self.check = check
        """Whether one answer trips the rule (see companion.meaning: it reads meaning, not phrases)."""
        self.reason = reason
        """Why it matters, in one line."""
        self.better = better
        """What to write instead: an example of the same answer done well."""

    def fires(self, field_name: str, text: str) -> bool:
        return field_name in self.fields and bool(text) and self.check(text)


def _not(check: Callable[[str], bool]) -> Callable[[str], bool]:
    def negated(text: str) -> bool:
        return not check(text)

    negated.__name__ = f"not_{check.__name__}"
    return negated


_ANY = tuple(PROMPTS)

RULES: tuple[CoachRule, ...] = (
    # The asks first: an answer that asks for a job is flagged for that, whatever else it does.
    CoachRule(
        "referral-ask", _ANY, meaning.asks_for_a_job,
        "Asking a stranger for a job, an interview or a referral makes you a taker: ask about their work and let them offer.",
        "How did your team decide to drop the take-home test?",
    ),
    CoachRule(
        "mentor-ask", _ANY, meaning.asks_for_mentoring,
        "Mentors pick people whose work they know, so asking a stranger rarely works: ask about one decision they made.",
        "Why did you pick property-based tests for the parser?",
    ),
    CoachRule(
        "go-between", _ANY, meaning.asks_for_an_introduction,
        "Talking to someone to reach someone else uses them: ask about their own part of the work.",
        "What was your part in the 3.0 migration?",
    ),
    CoachRule(
        "no-agenda", _ANY, meaning.asks_for_a_meeting,
        "A chat with no agenda asks them to do the work: name the one thing you want to ask.",
        "Could I ask how you decided what goes into the standard library?",
    ),
    CoachRule(
        "answered-in-public", ("question",), meaning.answered_in_public,
        "Their bio, their public work or a search already answers this: ask a follow-up to what they wrote.",
        "In your post you split the pool by tenant; would that hold at 500 tenants?",
    ),
    CoachRule(
        "broad-question", ("question",), meaning.broad_question,
        "Too big for a hallway minute, or not about their work: ask about one piece of it or a decision they made.",
        "Why did you choose transaction pooling over session pooling for pgbouncer?",
    ),
    CoachRule(
        "vague-work", ("work",), _not(meaning.picks_out_a_piece),
        "Say which piece of their work: its title, topic, venue or year, so they know what you mean.",
        "Your PyCon 2024 talk on lockfiles for libraries",
    ),
    CoachRule(
        "no-effect", ("how",), _not(meaning.states_an_effect),
        "Say what changed for you or what you did because of it, not how good it was.",
        "Our team adopted the release checklist and hotfixes halved.",
    ),
)
"""The coach's table. An answer gets at most one flag: the first rule here that
fires on it. Unanswered questions are not flags: ``review`` lists them as missing."""


class Flag(FrozenRecord):
    FIELDS = ("rule", "field", "reason", "better")

    def __init__(self, rule: str, field: str, reason: str, better: str) -> None:
        self.rule = rule
        self.field = field
        self.reason = reason
        self.better = better


def review(point: TalkingPoint) -> tuple[list[Flag], list[str]]:
    """The coach's verdict: problems found (flags) and answers still missing.

    A point saved by the store carries the verdict it had then (see :func:`remember`); it is used
    when it is still true, that is when neither the answers nor these rules have changed since, so
    showing a saved point compiles no pattern."""
    answers = _answers(point)
    flags = _remembered(point.coach, answers)
    if flags is None:
        flags = _flags(answers)
    return flags, [name for name, text in answers.items() if not text]


def verdict_holds(point: TalkingPoint) -> bool:
    """Whether the verdict kept with ``point`` is the one today's coach would give (same answers,
    same rules): a point saved by an older coach, or edited since, is not."""
    stored = point.coach
    return isinstance(stored, dict) and stored.get("key") == _key(_answers(point))


def remember(point: TalkingPoint) -> TalkingPoint:
    """Keep the coach's flags with ``point`` (stored with it), keyed by its answers and the rules."""
    answers = _answers(point)
    point.coach = {"key": _key(answers), "flags": [[flag.rule, flag.field] for flag in _flags(answers)]}
    return point


def _answers(point: TalkingPoint) -> dict[str, str]:
    """The answers as the coach reads them: runs of spaces and line breaks as one space (the app's
    form shows them so, and "pick your  brain" is still the same ask); an answer with no letter or
    digit ("?", an emoji) is no answer."""
    answers = {name: " ".join(getattr(point, name).split()) for name in PROMPTS}
    return {name: text if any(char.isalnum() for char in text) else "" for name, text in answers.items()}


def _flags(answers: dict[str, str]) -> list[Flag]:
    """At most one flag an answer (the first rule that fires), in the order of the answers."""
    flags: list[Flag] = []
    for field_name, text in answers.items():
        rule = first_rule(field_name, text)
        if rule is not None:
            flags.append(Flag(rule.id, field_name, rule.reason, rule.better))
    return flags


READ_AT_MOST = 2000


def first_rule(field_name: str, text: str) -> CoachRule | None:
    """The rule ``text``, given as the answer ``field_name``, trips first, if any. Only the first
    :data:`READ_AT_MOST` characters are read: an answer is a sentence or two, and a pasted page
    must not slow the form down (reading costs about 16 microseconds a word)."""
    text = " ".join(text[:READ_AT_MOST].split())
    if not any(char.isalnum() for char in text):
        return None  # "?", an emoji: nothing to read (and listed as missing by review)
    return next((rule for rule in RULES if rule.fires(field_name, text)), None)


def warm_up() -> None:
    """Read one answer of each kind, so the patterns and the word list the coach uses are ready
    before the first keystroke in the form (about 30 ms, once a process)."""
    for name, (_prompt, example) in PROMPTS.items():
        first_rule(name, example)
        first_rule(name, "your posts on databases, could we grab a coffee and chat?")


def _remembered(stored: Any, answers: dict[str, str]) -> list[Flag] | None:
    """The flags kept with a point, or ``None`` when there are none or they may be out of date."""
    if not isinstance(stored, dict) or stored.get("key") != _key(answers):
        return None
    by_id = {rule.id: rule for rule in RULES}
    try:
        return [Flag(rule, field, by_id[rule].reason, by_id[rule].better) for rule, field in stored["flags"]]
    except (KeyError, TypeError, ValueError):
        return None


COACH_VERSION = 4
"""Part of every kept verdict's key: raise it whenever the checks (here or in companion.meaning)
change, so verdicts kept under the old ones are read again. The rules' ids, fields, reasons and
examples are in the key already. 1: phrase patterns; 2: the checks of companion.meaning; 3: the checks after review (scare quotes,
talk as a noun, technical jobs, passive and negated effects)."""
_RULES_KEY: list[int] = []


def _key(answers: dict[str, str]) -> str:
    """A checksum of the answers and of the rules (their patterns, fields, reasons and examples)."""
    if not _RULES_KEY:
        text = f"{COACH_VERSION}\x1e" + "\x1e".join(
            "\x1f".join((r.id, *r.fields, r.check.__name__, r.reason, r.better)) for r in RULES)
        _RULES_KEY.append(zlib.crc32(text.encode()))
    answered = zlib.crc32("\x1f".join(answers.values()).encode())
    return f"{_RULES_KEY[0]:08x}{answered:08x}"


def readiness(point: TalkingPoint | None) -> str:
    """A one-word mark for lists: ``ready``, ``weak`` (flags), ``draft`` (missing work or question) or ``none``."""
    if point is None or not any(getattr(point, name).strip() for name in PROMPTS):
        return "none"
    flags, missing = review(point)
    if flags:
        return "weak"
    if "work" in missing or "question" in missing:
        return "draft"
    return "ready"
