"""Message drafts for follow-ups (ARCHITECTURE.md, "Where to add things"): short, specific, and never a referral ask.

Each follow-up kind has a template (:data:`TEMPLATES`): a subject and paragraphs of sentences with
``{slots}`` filled from the person's talking point, the follow-up and the names. A sentence whose
slots are empty is left out, or its alternative is used, so a thin talking point gives a shorter
draft rather than a hollow one.

What goes into a message is checked first: a sentence of the talking point that the coach flags
in that answer (a referral or job ask, "pick your brain", a mentor ask, a generic question) is
left out, and the user is told why in :attr:`Draft.hints`. The note's text is private: it is
shown as a hint to write from, never copied into the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from companion import coach
from companion.errors import CompanionError
from companion.models import FollowUp, Note, Person, TalkingPoint
from companion.text import clean
from companion.wording import first_name, how_sentence, noun_phrase, promise_lines, thank_line, to_you

__all__ = ["TEMPLATES", "Draft", "Template", "asks_for_a_job", "draft_for", "first_name", "to_you", "usable_answers"]

Sentence = str | tuple[str, ...]
"""A sentence template, or alternatives: the first whose slots are all filled is used."""


@dataclass(frozen=True)
class Template:
    to: str
    """Who the message goes to: ``person``, ``other`` or ``both``."""
    subject: tuple[str, ...]
    """Alternatives, the first whose slots are filled and that fits :data:`SUBJECT_MAX` wins."""
    paragraphs: tuple[tuple[Sentence, ...], ...]


SUBJECT_MAX = 72
SIGN_OFF = "Best,"
YOUR_NAME_LINE = "I'm [your name], [what you do, in a few words]."
"""The app does not know the user's name: the hello says who they are in words they fill in."""
OUTCOME_LINE = "[How it went: what you did with their help, and what came of it.]"

TEMPLATES: dict[str, Template] = {
    "thank": Template(
        to="person",
        subject=("Thank you for {work_for}", "Thank you, {first}", "Thank you"),
        paragraphs=(
            (("Hi {first},", "Hi,"),),
            (("{thank_line}", "Thank you for taking the time to talk."), "{How}"),
            ("{common_line}",),
            ("In case it is useful to you: {offer}.",),
            (SIGN_OFF,),
        ),
    ),
    "promise": Template(
        to="person",
        subject=("{promised}", "What I promised"),
        paragraphs=(
            (("Hi {first},", "Hi,"),),
            (("{promise_line}", "Here is what I promised: [add it here]"), "{promise_placeholder}"),
            ("Thanks again for {work_for}.",),
            (SIGN_OFF,),
        ),
    ),
    "nudge": Template(
        to="person",
        subject=("Following up on {work}", "Following up"),  # a noun phrase only
        paragraphs=(
            (("Hi {first},", "Hi,"),),
            ("Bringing my last message back to the top of your inbox, in case it got buried.",
             "The one thing I wanted to ask: {question}"),
            ("If now is not a good time, no reply needed.",),
            (SIGN_OFF,),
        ),
    ),
    "intro-ask": Template(
        to="other",
        subject=("Would you like an introduction to {name}?", "Would you like an introduction?"),
        paragraphs=(
            (("Hi {other_first},", "Hi,"),),
            ("Would you like me to introduce you to {about}?",
             ("{first} is the person behind {work_the}, and I think you two would have a good conversation.",
              "I think you two would have a good conversation.")),
            ("Only if it is useful to you: \"no thanks\" is a perfectly good answer, "
             "and I will not pass anything on unless you say yes.",),
            (SIGN_OFF,),
        ),
    ),
    "intro-ask-person": Template(
        to="person",
        subject=("Would you like an introduction to {other_name}?", "Would you like an introduction?"),
        paragraphs=(
            (("Hi {first},", "Hi,"),),
            ("Would you like me to introduce you to {other_about}?",
             "I think you two would have a good conversation."),
            ("Only if it is useful to you: \"no thanks\" is a perfectly good answer, "
             "and I will not pass anything on unless you say yes.",),
            (SIGN_OFF,),
        ),
    ),
    "intro": Template(
        to="both",
        subject=("{first}, meet {other_first}", "An introduction"),
        paragraphs=(
            (("Hi {first} and {other_first},", "Hi both,"),),
            ("{intro_thanks}",),
            ("{other_first}, meet {about}.", "{first}, meet {other_about}."),
            (("I think you two would have a lot to talk about, starting with {work_theirs}.",
              "I think you two would have a lot to talk about."),),
            ("I will step back and let you take it from here.",),
            (SIGN_OFF,),
        ),
    ),
    "hello": Template(
        to="person",
        subject=("Looking forward to your talk, {talk}", "Looking forward to your talk"),
        paragraphs=(
            (("Hi {first},", "Hi,"),),
            (YOUR_NAME_LINE,),
            (("Thank you for {work}.", "Thank you for [which part of your work helped me]."),
             ("{How}", "[How it helped me.]")),
            (("I am looking forward to your talk, {talk}.", "I am looking forward to your talk."),),
            ("No need to reply: I just wanted to say thank you before the conference.",),
            (SIGN_OFF,),
        ),
    ),
    "tell-later": Template(
        to="person",
        subject=("How it went, and thank you",),
        paragraphs=(
            (("Hi {first},", "Hi,"),),
            ("When we talked, I said I would let you know how it went.",),
            (OUTCOME_LINE,),
            (("Thank you again for {work}: it made a real difference.",
              "Thank you again for your help: it made a real difference."),),
            (SIGN_OFF,),
        ),
    ),
}
"""The hello (issue 15, item 6) asks for nothing: no question, no offer, no ask slot."""


@dataclass(frozen=True)
class Draft:
    subject: str
    body: str
    to: str = ""
    """Who it is for: names, with email addresses when known."""
    hints: tuple[str, ...] = ()
    """For the user, not the message: the note to write from, what was left out and why."""

    def text(self) -> str:
        """Subject and body, as copied to the clipboard."""
        return f"Subject: {self.subject}\n\n{self.body}"


def draft_for(
    followup: FollowUp,
    person: Person | None,
    point: TalkingPoint | None,
    note: Note | None,
    other_person: Person | None = None,
) -> Draft:
    """The message draft for ``followup``: to ``person``, or for introductions to the other person too.

    ``person`` None (removed from the list) gives a draft without their name."""
    template = TEMPLATES.get(followup.kind)
    if template is None:
        raise CompanionError(f"no message draft for a {followup.kind!r} follow-up")
    if person is None:
        person = Person(name="", id=followup.person_id)
    hints: list[tuple[str, str]] = []
    slots = _slots(followup, person, point, other_person, hints)
    slots.update(_kind_slots(followup))
    slots.update(intro_slots(followup, slots))
    used = {SLOT_ANSWERS.get(slot, slot) for slot in _template_slots(template)}
    notes = [hint for hint, field_name in hints if field_name in used]
    subject = next(
        (
            text for text in (_fill(choice, slots) for choice in template.subject)
            if text is not None and len(text) <= SUBJECT_MAX
        ),
        "",
    )
    paragraphs = []
    for paragraph in template.paragraphs:
        sentences = [text for text in (_choose(sentence, slots) for sentence in paragraph) if text]
        if sentences:
            paragraphs.append(" ".join(sentences))
    body = "\n\n".join(paragraphs)
    if _PLACEHOLDER.search(body):
        notes.append("fill in the [bracketed] part before sending")
    if note is not None and clean(note.text).strip():
        notes.insert(0, f"your note: {clean(note.text, single_line=True)}")
    return Draft(
        subject=clean(subject, single_line=True),
        body=clean(body),
        to=_recipients(template.to, person, followup, other_person),
        hints=tuple(dict.fromkeys(clean(hint, single_line=True) for hint in notes)),
    )


# --- introductions (double opt-in) ---------------------------------------------------------------


def intro_slots(followup: FollowUp, slots: dict[str, str]) -> dict[str, str]:
    """An introduction's thanks for exactly the yeses recorded (``FollowUp.consent``): both, one of
    them by name, or none at all (an introduction planned before answers were recorded)."""
    if followup.kind != "intro":
        return {}
    first, other_first = slots.get("first", ""), slots.get("other_first", "")
    if followup.consent == "both":
        thanks = "Thank you both for saying yes to this introduction."
    elif followup.consent in ("other", "person"):
        who = other_first if followup.consent == "other" else first
        thanks = f"{who}, thank you for saying yes to this introduction." if who else ""
    else:
        thanks = ""
    return {"intro_thanks": thanks}


# --- filling the slots --------------------------------------------------------------------------

_SLOT = re.compile(r"\{(\w+)\}")
_PLACEHOLDER = re.compile(
    r"\[(?:add it here|link or attachment|what you found or did|your name|what you do, in a few words"
    r"|which part of your work helped me|How it helped me\.|How it went: [^\]]*)\]"
)
"""The bracketed parts the templates leave for the user to fill in."""


def _fill(template: str, slots: dict[str, str]) -> str | None:
    """``template`` with its slots filled, or None when one of them is empty."""
    names = _SLOT.findall(template)
    if any(not slots.get(name) for name in names):
        return None
    return _SLOT.sub(lambda match: slots[match.group(1)], template)


def _choose(sentence: Sentence, slots: dict[str, str]) -> str | None:
    for choice in (sentence,) if isinstance(sentence, str) else sentence:
        text = _fill(choice, slots)
        if text is not None:
            return text
    return None


SLOT_ANSWERS = {
    "work": "work", "work_the": "work", "work_theirs": "work", "work_for": "work", "thank_line": "work",
    "How": "how", "question": "question", "offer": "offer", "common_line": "common", "promised": "promise",
    "promise_line": "promise", "promise_placeholder": "promise",
}
"""The talking-point answer (or the promise) each slot is made from."""


def _template_slots(template: Template) -> set[str]:
    texts = list(template.subject)
    for paragraph in template.paragraphs:
        for sentence in paragraph:
            texts.extend((sentence,) if isinstance(sentence, str) else sentence)
    return {name for text in texts for name in _SLOT.findall(text)}


def _slots(
    followup: FollowUp,
    person: Person,
    point: TalkingPoint | None,
    other_person: Person | None,
    hints: list[tuple[str, str]],
) -> dict[str, str]:
    name = clean(person.name, single_line=True).strip()
    first = first_name(name)
    other_name = clean(other_person.name if other_person else followup.other, single_line=True).strip()
    answers = usable_answers(point, hints)
    work = answers.get("work", "")
    thanked_for, thanked = thank_line(work, name)
    if '"' in thanked and '"' not in work:
        hints.append(("your words on their work are quoted as you wrote them: reword them for them before sending",
                      "work"))
    how = how_sentence(answers.get("how", ""), name)
    if how.startswith("From my notes:"):
        hints.append(("how it helped is quoted as you wrote it: reword it for them before sending", "how"))
    slots = {
        "name": name,
        "first": first,  # empty when the name is unknown: the sentences that need it are left out
        "about": _about(person),
        "other_name": other_name,
        "other_first": first_name(other_name) if other_name else "",
        "other_about": _about(other_person) if other_person else other_name,
        "work": noun_phrase(work, name),
        "work_for": thanked_for,
        "thank_line": thanked,
        "work_the": _fragment(_strip_possessive(work, name, "the")),
        "work_theirs": _fragment(_strip_possessive(work, name, f"{first}'s" if first else "the")),
        "How": how,
        "question": _question(to_you(answers.get("question", ""), name)),
        "offer": _fragment(to_you(answers.get("offer", ""), name)),
        "common_line": _common_line(to_you(answers.get("common", ""), name)),
    }
    detail = _drop_asks(clean(followup.detail, single_line=True), "promise", hints)
    promise = promise_lines(detail, name)
    if promise.quoted:
        hints.append(("the promise is quoted as you wrote it: reword it for them before sending", "promise"))
    if len(promise.subject) > SUBJECT_MAX and promise.subject.startswith("Following up on my promise"):
        slots["promised"] = "Following up on my promise"
    else:
        slots["promised"] = promise.subject
    slots["promise_line"], slots["promise_placeholder"] = promise.line, promise.placeholder
    return slots


def _kind_slots(followup: FollowUp) -> dict[str, str]:
    """Slots a kind adds of its own: the hello's talk, named as the schedule names it, in quotes."""
    if followup.kind != "hello":
        return {}
    talk = " ".join(clean(followup.detail, single_line=True).split()).strip(" \"'“”")
    return {"talk": f"“{talk}”" if talk and not asks_for_a_job(talk) else ""}


def _recipients(to: str, person: Person, followup: FollowUp, other_person: Person | None) -> str:
    def address(who: Person | None, fallback: str = "") -> str:
        if who is None:
            return clean(fallback, single_line=True)
        text = clean(who.name, single_line=True)
        email = clean(who.email, single_line=True).strip()
        return f"{text} <{email}>" if email else text

    theirs = address(person)
    other = address(other_person, followup.other)
    return {"person": theirs, "other": other, "both": ", ".join(p for p in (theirs, other) if p)}[to]


def _about(person: Person) -> str:
    """``Priya Raman (maintainer at Fernwood Analytics)``: who they are, in one line."""
    name = clean(person.name, single_line=True).strip()
    role = clean(person.role, single_line=True).strip()
    affiliation = clean(person.affiliation, single_line=True).strip()
    where = " at ".join(part for part in (role, affiliation) if part)
    return f"{name} ({where})" if where else name


# --- what may go into a message -----------------------------------------------------------------

_REFERRAL_RULE = next(rule for rule in coach.RULES if rule.id == "referral-ask")
_JOB_ASK = re.compile(
    r"\b(?:are|is) (?:you|your (?:team|company|group)|\w+) (?:still |currently )?hiring\b"
    r"|\b(?:jobs?|openings?|vacanc(?:y|ies)|internships?|positions?|roles?) (?:for me|on your team|at your|in your)\b"
    r"|\b(?:any|a|an) (?:jobs?|openings?|vacanc(?:y|ies)|internships?|positions?|roles?) (?:available|open|going)\b"
    r"|\bis there (?:a|an|any) (?:job|opening|vacancy|internship|position|role)\b"
    r"|\b(?:interview|hire|hiring|recommend|refer(?:ring)?) me\b|\b(?:me|get|getting) hired\b"
    r"|\b(?:my|a) (?:r[eé]sum[eé]|cv)\b|\bpass (?:on |along )?my\b|\bkeep me in mind\b|\bput in a (?:good )?word\b"
    r"|\blooking for (?:a |an |my )?(?:new |next |first )?(?:job|role|position|internship)\b"
    r"|\bjob[- ](?:hunt|search|seek)\w*|\bany openings\b|\breferral\b(?![- ](?:traffic|links?|sources?|codes?|programs?))",
    re.IGNORECASE,
)
"""Asking for a job in plain words, also when nothing else in the sentence asks (a message must
never carry one, even where the coach, which reads intent, would let it through)."""


def asks_for_a_job(text: str) -> bool:
    """A referral or job ask: the coach's referral check, or one of :data:`_JOB_ASK`."""
    return bool(_REFERRAL_RULE.check(text) or _JOB_ASK.search(text))


def _sentences(text: str) -> list[str]:
    return [part for part in re.split(r"(?<=[.!?])\s+", text.strip()) if part.strip()]


def _drop_asks(text: str, field_name: str, hints: list[tuple[str, str]]) -> str:
    kept = []
    for sentence in _sentences(text):
        if asks_for_a_job(sentence):
            hints.append((f"left out of the draft ({field_name}): {_REFERRAL_RULE.reason}", field_name))
        else:
            kept.append(sentence)
    return " ".join(kept)


def usable_answers(point: TalkingPoint | None, hints: list[tuple[str, str]] | None = None) -> dict[str, str]:
    """The talking point's answers, cleaned, without the sentences the coach flags in them
    (each left out is added to ``hints`` as (why, answer name))."""
    if point is None:
        return {}
    hints = [] if hints is None else hints
    answers = {name: " ".join(clean(getattr(point, name), single_line=True).split()) for name in TalkingPoint.ANSWERS}
    usable: dict[str, str] = {}
    for field_name, text in answers.items():
        kept = []
        for sentence in _sentences(text):
            flagged = coach.first_rule(field_name, sentence)
            if flagged is not None:
                hints.append((f"left out of the draft ({field_name}): {flagged.reason}", field_name))
            elif asks_for_a_job(sentence):
                hints.append((f"left out of the draft ({field_name}): {_REFERRAL_RULE.reason}", field_name))
            else:
                kept.append(sentence)
        usable[field_name] = " ".join(kept)
    return usable


# --- turning notes-to-self into a message -------------------------------------------------------

_POSSESSIVE_START = re.compile(r"^\s*(?:their|her|his|your|my)\s+", re.IGNORECASE)
_LOWER_STARTS = {
    "your", "the", "a", "an", "our", "my", "we", "you", "this", "that", "those", "these", "it", "how", "what",
    "why", "when", "where", "which", "who", "do", "does", "did", "is", "are", "can", "could", "would", "should",
    "have", "has", "in", "on", "at", "for", "from", "with", "about", "one", "some", "both", "all",
    "was", "were", "will", "had", "am", "may", "might", "shall",
}


def _strip_possessive(text: str, name: str, replacement: str) -> str:
    """"Her blog post" as said to someone else: "the blog post", or "Priya's blog post"."""
    if not text:
        return text
    for who in {name, first_name(name)} - {""}:
        pattern = re.compile(rf"^\s*{re.escape(who)}['’]s\s+")
        if pattern.match(text):
            return pattern.sub(replacement + " ", text, count=1)
    return _POSSESSIVE_START.sub(replacement + " ", text, count=1)


def _fragment(text: str, *, keep_end: bool = False) -> str:
    """An answer to put inside a sentence: no closing full stop, a common first word in lower case."""
    text = text.strip()
    if not keep_end:
        text = text.rstrip(" .;:,!")
    first = text.split(" ", 1)[0] if text else ""
    if first and first.casefold() in _LOWER_STARTS and first[:1].isupper() and not first.isupper():
        text = text[:1].lower() + text[1:]
    return text


_QUESTION_WORDS = {
    "how", "what", "why", "when", "where", "which", "who", "do", "does", "did", "is", "are", "can", "could",
    "would", "should", "have", "has", "will",
}


def _question(text: str) -> str:
    """The question, ready to follow "The one thing I wanted to ask:"."""
    text = _fragment(text, keep_end=True)
    if text and text[-1] not in ".!?":
        text += "?" if text.split(" ", 1)[0].casefold() in _QUESTION_WORDS else "."
    return text


def _sentence(text: str) -> str:
    """An answer as a sentence of its own: capital first letter, closing punctuation."""
    text = text.strip().rstrip(" ;:,")
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _common_line(common: str) -> str:
    common = _fragment(common)
    if not common:
        return ""
    if common.split(" ", 1)[0].casefold() in {"we", "both", "you", "our"}:
        return f"It was good to find out {common}."
    return f"Something we have in common: {common}."
