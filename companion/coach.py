"""The talking-point coach (DESIGN section 6): a table of rules, each a pattern and a reason.

A flag is a problem found in an answer; a missing answer is listed apart, because an
unanswered question is not a mistake.
"""

from __future__ import annotations

import re
import zlib
from typing import Any

from companion.models import FrozenRecord, TalkingPoint

PROMPTS: dict[str, tuple[str, str]] = {
    "work": (
        "Which part of their work helped you?",
        "Their blog post on pinning dependencies with lockfiles",
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
    FIELDS = ("id", "fields", "source", "reason", "better", "unless_source")

    def __init__(
        self, id: str, fields: tuple[str, ...], source: str, reason: str, better: str, unless_source: str = ""
    ) -> None:
        self.id = id
        self.fields = fields
        self.source = source
        """The pattern, matched without regard to case; compiled when first used (see ``pattern``)."""
        self.reason = reason
        self.better = better
        self.unless_source = unless_source
        """The rule does not fire when its answers also match this (e.g. name real work)."""

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.source, re.IGNORECASE)  # re keeps compiled patterns: compiled once

    @property
    def unless(self) -> re.Pattern[str] | None:
        return re.compile(self.unless_source, re.IGNORECASE) if self.unless_source else None

    def excused(self, answers: dict[str, str]) -> bool:
        """Whether the answers this rule reads also match ``unless`` (praise that names the work)."""
        unless = self.unless
        return unless is not None and bool(unless.search(" ".join(answers.get(name, "") for name in self.fields)))


def _words(*phrases: str) -> str:
    return r"\b(?:" + "|".join(phrases) + r")\b"


_NAMED_WORK = (
    r"\b(?:post|article|blog|talk|paper|library|package|tool|book|course|video|thread|tweet|"
    r"repo|project|chapter|episode|keynote|slides|pr|pull request|issue|release)\b|https?://|\"|“"
)

RULES: tuple[CoachRule, ...] = (
    CoachRule(
        "generic-praise",
        ("work", "how"),
        _words(r"lov(?:e|ed|ing) (?:your|all your|all of your) work", r"(?:big|huge|massive|long-?time) fan",
               r"(?:great|awesome|amazing|incredible|fantastic) work", r"everything you do",
               r"your work is (?:great|awesome|amazing|incredible|inspiring)", r"lov(?:e|ed) what you do"),
        "Generic praise gives them nothing to answer: name the piece of work and what it changed for you.",
        "Your post on lockfiles fixed our flaky CI.",
        unless_source=_NAMED_WORK,
    ),
    CoachRule(
        "no-agenda",
        ("question", "offer", "work", "how", "common"),
        _words(r"pick your brains?", r"quick chat", r"grab (?:a )?coffee", r"hop on a call", r"chat sometime"),
        "A chat with no agenda asks them to do the work: bring one question you want answered.",
        "Could I ask how you decide what goes into the standard library?",
    ),
    CoachRule(
        "referral-ask",
        ("question", "offer", "common", "work", "how"),
        _words(r"refer(?:ral)? me", r"referral", r"any openings", r"are you hiring", r"job (?:opening|offer)s?",
               r"open (?:positions|roles)", r"get me (?:a job|hired|an interview)"),
        "Asking for a referral or a job in a first contact makes you a taker; build the relationship first.",
        "Ask about their work; if you mention you are looking, they may offer.",
    ),
    CoachRule(
        "mentor-ask",
        ("question", "offer", "how", "common"),
        _words(r"mentor me", r"be my mentor", r"(?:would|will|could) you mentor"),
        "Asking a stranger to mentor you rarely works; mentors pick people whose work they know.",
        "Ask one question about a decision they made, and share what you did with their answer.",
    ),
    CoachRule(
        "go-between",
        ("question", "offer", "common", "how"),
        _words(r"introduce me to", r"connect me (?:with|to)", r"put me in touch", r"your (?:boss|manager|ceo|cto)"),
        "Talking to someone only to reach someone else uses them; talk to them about their own work.",
        "Ask about their part of the project, not who else works on it.",
    ),
    CoachRule(
        "answered-in-public",
        ("question",),
        # The generic question alone, or followed by nothing more specific than who is asking.
        r"^\W*(?:what do you think (?:of|about) )?(?:the )?job market\b"
        r"|^\W*what do you think (?:of|about) (?:ai|the industry|the future)\W*$"
        r"|^\W*how (?:do|did) (?:i|you) (?:get|got) (?:started|into \w+(?: \w+)?)\W*$"
        r"|^\W*(?:do you have )?any (?:advice|tips)(?: for (?:me|a (?:junior|new|young|beginner) \w+|beginners))?\W*$"
        r"|^\W*what should i (?:learn|study)(?: next| first)?\W*$",
        "Their public work likely answers this in general terms: ask a follow-up to what they wrote.",
        "In your post you said X; how would that change for a team of two?",
    ),
)


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


def remember(point: TalkingPoint) -> TalkingPoint:
    """Keep the coach's flags with ``point`` (stored with it), keyed by its answers and the rules."""
    answers = _answers(point)
    point.coach = {"key": _key(answers), "flags": [[flag.rule, flag.field] for flag in _flags(answers)]}
    return point


def _answers(point: TalkingPoint) -> dict[str, str]:
    """The answers as the coach reads them: runs of spaces and line breaks as one space (the app's
    form shows them so, and "pick your  brain" is still the same ask)."""
    return {name: " ".join(getattr(point, name).split()) for name in PROMPTS}


def _flags(answers: dict[str, str]) -> list[Flag]:
    flags: list[Flag] = []
    for rule in RULES:
        if rule.excused(answers):
            continue
        pattern = rule.pattern
        for field_name in rule.fields:
            if answers[field_name] and pattern.search(answers[field_name]):
                flags.append(Flag(rule.id, field_name, rule.reason, rule.better))
                break
    return flags


def _remembered(stored: Any, answers: dict[str, str]) -> list[Flag] | None:
    """The flags kept with a point, or ``None`` when there are none or they may be out of date."""
    if not isinstance(stored, dict) or stored.get("key") != _key(answers):
        return None
    by_id = {rule.id: rule for rule in RULES}
    try:
        return [Flag(rule, field, by_id[rule].reason, by_id[rule].better) for rule, field in stored["flags"]]
    except (KeyError, TypeError, ValueError):
        return None


COACH_VERSION = 1
"""Part of every kept verdict's key: raise it when how the coach reads answers changes (the rules
themselves are in the key already)."""
_RULES_KEY: list[int] = []


def _key(answers: dict[str, str]) -> str:
    """A checksum of the answers and of the rules (their patterns, fields, reasons and examples)."""
    if not _RULES_KEY:
        text = f"{COACH_VERSION}\x1e" + "\x1e".join(
            "\x1f".join((r.id, *r.fields, r.source, r.reason, r.better, r.unless_source)) for r in RULES)
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
