"""Turning the user's notes-to-self into sentences said to the person (ARCHITECTURE.md, "Drafts").

The user writes about someone ("Her 38C3 talk on eBPF", "send Thorsten our audit checklist"); a
message speaks to them ("your 38C3 talk on eBPF", "Here is our audit checklist, as promised").
Everything here is rules over words, not substitution of strings:

- :func:`to_you` turns third person into second person: he, she, her, him, his, the person's name
  and "Name's" become you / your, with the verb after the subject agreeing ("she was" -> "you were",
  "he maintains" -> "you maintain") and reflexives ("herself" -> "yourself"). "They" and "their"
  are turned only when the text opens with them (further on they often mean someone else).
- :func:`safe_to_you` says whether that can be done without guessing: a he/she after another
  person's name may mean that person, and then the callers quote the user's words instead.
- :func:`thank_line` makes "Thank you for ..." from what their work was, :func:`promise_lines`
  makes a promise's subject and opening sentence, and each falls back to a sentence built around
  the user's own words in quotes when the words do not fit a rule. Nothing the user wrote is
  dropped or garbled: a word the rules do not know is kept as written.

The API other draft code may use: :func:`to_you`, :func:`safe_to_you`, :func:`thank_line`,
:func:`promise_lines` (with :class:`Promise`), :func:`as_sentence`, :func:`noun_phrase`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from companion import meaning
from companion.text import clean

_HONORIFICS = {"dr", "prof", "mr", "mrs", "ms", "mx", "sir", "dame"}


def first_name(name: str) -> str:
    """What to put after "Hi": the first name, "Raman, Priya" read as Priya; empty when unknown."""
    text = clean(name, single_line=True).strip()
    if text.count(",") == 1:
        last, given = (part.strip() for part in text.split(","))
        if last and given:
            text = given
    words = [word for word in text.split() if word.rstrip(".").casefold() not in _HONORIFICS]
    return words[0] if words else text

# --- words ---------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[\w]+(?:['’][\w]+)*|[^\w\s]")
"""Words (with apostrophes: "she's", "Maria's") and single punctuation marks."""

_SUBJECT = {"he": "you", "she": "you"}
_OBJECT = {"him": "you"}
_POSSESSIVE = {"his": "your", "hers": "yours"}
_REFLEXIVE = {"himself": "yourself", "herself": "yourself", "themselves": "yourself", "themself": "yourself"}
_CONTRACTED = {"he'd": "you'd", "she'd": "you'd", "he'll": "you'll", "she'll": "you'll"}
_THEY = {"they": "you", "them": "you", "their": "your", "theirs": "yours", "they're": "you're",
         "they've": "you've", "they'd": "you'd", "they'll": "you'll"}
_AGREEMENT = {
    "is": "are", "was": "were", "has": "have", "does": "do", "isn't": "aren't", "wasn't": "weren't",
    "hasn't": "haven't", "doesn't": "don't", "goes": "go", "'s": "'re",
}
_ADVERBS = {"also", "always", "never", "still", "often", "just", "even", "really", "actually", "already",
            "once", "then", "now", "sometimes", "kindly", "clearly", "only", "later", "recently"}
_AFTER_OBJECT_HER = {
    "about", "at", "to", "for", "with", "from", "in", "on", "by", "and", "or", "but", "that", "the", "a", "an",
    "my", "our", "some", "this", "these", "those", "how", "what", "why", "when", "if", "again", "too", "so",
    "today", "yesterday", "afterwards", "later", "first", "once", "whether", "over", "up", "out", "back",
    "know", "it", "all", "afterward", "during", "after", "before", "as", "last", "next", "more", "because",
}
_PARTICIPLES = {"been", "got", "gotten", "done", "had", "written", "given", "taken", "made", "shown", "built",
                "seen", "known", "run", "put", "sent", "shared", "published", "released"}


def _case(original: str, replacement: str) -> str:
    return replacement[:1].upper() + replacement[1:] if original[:1].isupper() else replacement


def _key(word: str) -> str:
    return word.casefold().replace("’", "'")


def _names(name: str) -> list[str]:
    """The ways the person may be named in a note: full name, first name, last name with or without
    the title ("Dr. Moreau"), "Raman, Priya" read as Priya Raman."""
    full = " ".join(clean(name, single_line=True).split())
    if full.count(",") == 1:
        last, given = (part.strip() for part in full.split(","))
        if last and given:
            full = f"{given} {last}"
    if not full:
        return []
    parts = full.split()
    found = {full, first_name(full)}
    plain = [p for p in parts if p.rstrip(".").casefold() not in _HONORIFICS]
    if len(plain) >= 2:
        found.add(" ".join(plain))
        found.add(plain[-1])
        if parts[0].rstrip(".").casefold() in _HONORIFICS:
            found.add(f"{parts[0]} {plain[-1]}")
    return sorted((n for n in found if n and n[:1].isalpha()), key=len, reverse=True)


def _name_pattern(who: str) -> str:
    """A name as written, or in lower case too when it is not also a common word ("maria", not "will")."""
    if meaning.zipf(who.casefold()) < 4.5 or " " in who:
        return "(?i:" + re.escape(who) + ")"
    return re.escape(who)


def _third_singular_to_plain(word: str) -> str | None:
    """"maintains" -> "maintain", "watches" -> "watch", "tries" -> "try"; None when not such a verb."""
    low = word.casefold()
    if low in _AGREEMENT:
        return _AGREEMENT[low]
    if len(low) < 3 or not low.endswith("s") or low.endswith(("ss", "us", "is", "'s")):
        return None
    candidates = []
    if low.endswith("ies"):
        candidates.append(low[:-3] + "y")
    if low.endswith(("ches", "shes", "xes", "sses", "zes", "oes")):
        candidates.append(low[:-2])
    candidates.append(low[:-1])
    for base in candidates:
        if meaning.zipf(base) >= 3.0 and meaning.zipf(base) >= meaning.zipf(low) - 1.5:
            return word[: len(base)] if word[: len(base)].casefold() == base else base
    return None


@dataclass(frozen=True)
class _Turned:
    text: str
    safe: bool


def _turn(text: str, name: str, keep_after_other: bool = False) -> _Turned:
    """The rules of :func:`to_you`. A he/she/his/her after another person's name may mean that
    person: it makes the result unsafe, or with ``keep_after_other`` it is left as written."""
    if not text:
        return _Turned(text, True)
    names = _names(name)
    # The person's name as a subject, an object or a possessive becomes a pronoun first, so the rules
    # below treat "Maria showed" like "she showed" and "Maria's post" like "her post".
    for who in names:
        text = re.sub(rf"(?<![\w.]){_name_pattern(who)}['’]s\b", "their_", text)
        text = re.sub(rf"(?<![\w'’.]){_name_pattern(who)}\b(?!['’])", "them_", text)
    tokens = list(_TOKEN.finditer(text))
    words = [t.group(0) for t in tokens]
    keys = [_key(w) for w in words]
    they_person = bool(keys) and (keys[0] in _THEY or keys[0] in {"them_", "their_"}
                                  or (keys[0] in _QUESTION_LEADS and len(keys) > 1 and keys[1] in _THEY))
    out = list(words)
    safe = True
    other_named = False
    subject_at: list[int] = []
    for i, (word, key) in enumerate(zip(words, keys)):
        new = None
        pronoun = False
        if key == "them_":
            nxt = keys[i + 1] if i + 1 < len(keys) else ""
            prev = keys[i - 1] if i else ""
            is_subject = i == 0 or prev in {",", "and", "but", "so", "because", "when", "that", "if", ".", ";"}
            new = "you"
            if is_subject or (nxt and _third_singular_to_plain(nxt) is not None and prev not in _VERBS_TAKING_OBJECT):
                subject_at.append(i)
        elif key == "their_":
            new = "your"
        elif key in _SUBJECT:
            new, pronoun = _SUBJECT[key], True
            if not (other_named and keep_after_other):
                subject_at.append(i)
        elif key in ("he's", "she's"):
            nxt = keys[i + 1] if i + 1 < len(keys) else ""
            new, pronoun = ("you've" if nxt in _PARTICIPLES else "you're"), True
        elif key in _CONTRACTED:
            new, pronoun = _CONTRACTED[key], True
        elif key in _OBJECT or key in _POSSESSIVE or key in _REFLEXIVE:
            new, pronoun = {**_OBJECT, **_POSSESSIVE, **_REFLEXIVE}[key], True
        elif key == "her":
            nxt_token = keys[i + 1] if i + 1 < len(keys) else ""
            possessive = bool(nxt_token) and nxt_token[:1].isalnum() and nxt_token not in _AFTER_OBJECT_HER \
                and (i == 0 or keys[i - 1] not in _CAUSATIVES or nxt_token in meaning.KINDS_OF_PIECE)
            new, pronoun = ("your" if possessive else "you"), True
        elif key in _THEY and (they_person or (key in {"their", "them", "theirs"} and not other_named)):
            new = _THEY[key]
            if key == "they":
                subject_at.append(i)
        elif key in {"themselves", "themself"} and they_person:
            new = "yourself"
        elif _capitalised(word) and _names_someone(keys, i):
            other_named = True  # someone else may be named: a he/she after this may be them
        if pronoun and other_named:
            if keep_after_other:
                new = None
            else:
                safe = False
        if new is not None:
            out[i] = _case(word, new) if not key.endswith("_") else (new.capitalize() if i == 0 else new)
    # The verb after a subject turned to "you" agrees with it: "you was" -> "you were"; so does one
    # before it in a question: "does she decide" -> "do you decide".
    for i in subject_at:
        if i > 0 and keys[i - 1] in _AGREEMENT and keys[i - 1] != "'s" and (i < 2 or keys[i - 2] not in {"i", "we"}):
            out[i - 1] = _case(words[i - 1], _AGREEMENT[keys[i - 1]])
        j = i + 1
        while j < len(keys) and (keys[j] in _ADVERBS or keys[j].endswith("ly")):
            j += 1
        if j < len(keys) and keys[j] not in {"and", "or", ",", "."}:
            plain = _third_singular_to_plain(words[j])
            if plain is not None and keys[j] != "'s":
                out[j] = _case(words[j], plain)
    result = []
    last = 0
    for token, new in zip(tokens, out):
        result.append(text[last:token.start()] + new)
        last = token.end()
    result.append(text[last:])
    return _Turned("".join(result), safe)


def _capitalised(word: str) -> bool:
    """"Ana", "Chloé", "Ana's": a capital and then lower-case letters (not "CI", not "PyCon")."""
    core = re.sub(r"['’]s$", "", word)
    return len(core) > 1 and core[0].isupper() and core[1:].isalpha() and core[1:].islower()


_QUESTION_LEADS = {"do", "did", "does", "are", "were", "was", "is", "have", "has", "had", "can", "could", "would",
                   "will", "should", "how", "why", "what", "when", "where", "which"}
_CAUSATIVES = {"made", "make", "makes", "let", "lets", "help", "helped", "helps", "watched", "watch", "saw", "see",
               "have", "had", "heard", "hear", "asked", "ask", "told", "tell", "want", "wanted", "got", "get"}
_PLACE_LEADS = {"in", "at", "on", "from", "of", "using", "about", "into", "like", "for", "via", "called", "named"}
_SAYING = {"said", "says", "told", "tells", "asked", "asks", "thinks", "thought", "mentioned", "and", "wrote",
           "suggested", "recommended", "'s", "is", "was", "has", "will", "would", "wants", "wanted", "knows"}


_PERSON_LEADS = {"with", "and", "asked", "ask", "told", "tell", "met", "meet", "by", "thanked", "thank", "cc",
                 "introduce", "introduced", "email", "emailed", "ping", "pinged", "&", "or", "send", "sent",
                 "forward", "forwarded", "give", "gave", "show", "showed", "like", "invite", "invited"}


def _names_someone(keys: list[str], i: int) -> bool:
    """Whether the capitalised word at ``i`` may be another person's name: "Ana's", "Ana said",
    "asked Ana", "with Ana" (not "in Berlin", "switched to Python", "learned Rust")."""
    if keys[i].endswith("'s") and keys[i][:-2] not in meaning.FUNCTION_WORDS:
        return True
    if i + 1 < len(keys) and keys[i + 1] in _SAYING and keys[i] not in meaning.FUNCTION_WORDS:
        return True
    return i > 0 and keys[i - 1] in _PERSON_LEADS


_VERBS_TAKING_OBJECT = {"told", "tell", "asked", "ask", "met", "meet", "thank", "thanked", "send", "sent",
                        "show", "showed", "give", "gave", "introduce", "introduced", "email", "emailed",
                        "to", "for", "with", "from", "about", "at", "by", "like", "saw", "see", "heard", "hear"}


def to_you(text: str, name: str = "") -> str:
    """``text``, written about the person named ``name``, said to them: "Her talk on X" becomes
    "Your talk on X", "Maria's post" "your post", "she was" "you were" (see the module's docstring)."""
    return _turn(text, name).text


def safe_to_you(text: str, name: str = "") -> str | None:
    """Like :func:`to_you`, or None when a he/she/his/her comes after another name and may mean
    that other person ("Ana said she would ..."): the caller then quotes the user's words."""
    turned = _turn(text, name)
    return turned.text if turned.safe else None


def to_you_as_far_as_safe(text: str, name: str = "") -> str:
    """Like :func:`to_you`, leaving a he/she/his/her after another person's name as written ("ask
    Ana if she can review it"): for promises, where the third person then reads right."""
    return _turn(text, name, keep_after_other=True).text


# --- sentences -----------------------------------------------------------------------------------

_DETERMINERS = {"the", "our", "my", "a", "an", "some", "those", "these", "that", "this", "your", "its",
                "one", "two", "three", "both", "all", "any", "each", "every", "few", "several", "their"}
_LOWER_FIRST = _DETERMINERS | {"you", "we", "it", "how", "what", "why", "when", "where", "which", "who", "in",
                               "on", "at", "for", "from", "with", "about", "showing", "explaining", "being",
                               "everything", "all", "everyone", "anything", "something"}


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0] if text else ""
    if first and _key(first) in _LOWER_FIRST and first[:1].isupper() and not first.isupper():
        return text[:1].lower() + text[1:]
    return text


def _strip_end(text: str) -> str:
    return " ".join(text.split()).strip().rstrip(" .;:,!")


def as_sentence(text: str) -> str:
    """A capital first letter and a closing full stop (unless it ends in ! or ?)."""
    text = " ".join(text.split()).strip().rstrip(" ;:,")
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def quote(text: str) -> str:
    """The user's own words, quoted as written (double quotes inside become single)."""
    return '"' + _strip_end(text).replace('"', "'") + '"'


_IRREGULAR_PAST_TO_ING = {
    "wrote": "writing", "gave": "giving", "made": "making", "took": "taking", "built": "building",
    "taught": "teaching", "told": "telling", "ran": "running", "spoke": "speaking", "led": "leading",
    "brought": "bringing", "found": "finding", "held": "holding", "kept": "keeping", "put": "putting",
    "sent": "sending", "spent": "spending", "thought": "thinking", "came": "coming", "went": "going",
    "got": "getting", "began": "beginning", "broke": "breaking", "chose": "choosing", "drew": "drawing",
    "fought": "fighting", "let": "letting", "lent": "lending", "meant": "meaning", "set": "setting",
    "shed": "shedding", "shot": "shooting", "stood": "standing", "struck": "striking", "swore": "swearing",
    "wove": "weaving", "won": "winning", "cut": "cutting", "hit": "hitting", "shut": "shutting",
    "quit": "quitting", "spread": "spreading", "understood": "understanding", "bought": "buying", "read": "reading", "said": "saying", "saw": "seeing",
    "showed": "showing", "helped": "helping", "pushed": "pushing", "did": "doing",
}
_NOT_PAST = {"need", "feed", "seed", "red", "bed", "shed", "bleed", "speed", "embed", "hundred", "sacred"}


def _past_to_ing(word: str) -> str | None:
    """"explained" -> "explaining", "shared" -> "sharing", "wrote" -> "writing"; None when unsure."""
    low = word.casefold()
    if low in _IRREGULAR_PAST_TO_ING:
        return _IRREGULAR_PAST_TO_ING[low]
    if not low.endswith("ed") or low in _NOT_PAST or len(low) < 4:
        return None
    if low.endswith("ied"):
        options = [low[:-3] + "ying"]
    elif low.endswith("eed"):
        options = [low[:-1] + "ing"]
    else:
        options = [low[:-2] + "ing"]
        stem = low[:-2]
        if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
            options.append(stem[:-1] + "ing")  # "referred" -> "referring" is first; "stopped" -> "stopping"
    for option in options:
        if meaning.zipf(option) >= 2.5:
            return option
    return None


def _plain_to_ing(word: str) -> str | None:
    """"maintain" -> "maintaining", "write" -> "writing", "run" -> "running"; None for be, have, do
    and words that are not verbs in English's common list."""
    low = word.casefold()
    if low in {"are", "were", "have", "do", "did", "had", "can", "could", "will", "would", "should", "may",
               "might", "must", "shall", "'re", "'ve", "not", "too", "also"} or not low.isalpha() or len(low) < 2:
        return None
    options = []
    if low.endswith("ie"):
        options.append(low[:-2] + "ying")
    if low.endswith("e") and not low.endswith(("ee", "ye", "oe")):
        options.append(low[:-1] + "ing")
    if re.fullmatch(r"[^aeiou]*[aeiou][bdgmnprt]", low):
        options.append(low + low[-1] + "ing")
    options.append(low + "ing")
    for option in options:
        if meaning.zipf(option) >= 2.5:
            return option
    return None


_IMPLIED_I = {"loved", "enjoyed", "liked", "read", "watched", "saw", "used", "attended", "heard", "learned",
              "learnt", "found", "appreciated", "admired", "bookmarked", "starred", "followed", "tried",
              "really", "love", "like", "enjoy", "use", "adore"}


def _is_noun_phrase_start(key: str) -> bool:
    return key in _DETERMINERS or key in {"your", "yours"}


def thank_line(work: str, name: str = "") -> tuple[str, str]:
    """(what to thank for, as a noun phrase for a subject line or "", the sentence that thanks).

    "Her 38C3 talk on eBPF" -> ("your 38C3 talk on eBPF", "Thank you for your 38C3 talk on eBPF.");
    "She showed me how to profile" -> ("showing me how to profile", "Thank you for showing me how to
    profile."); "loved her post" -> ("", "Thank you! I loved your post."); words the rules cannot
    turn are quoted."""
    work = _strip_end(work)
    if not work:
        return "", ""
    turned = safe_to_you(work, name)
    if turned is None:
        return "", f"Thank you! I wrote this down after we met: {quote(work)}."
    words = turned.split()
    keys = [_key(w) for w in words]
    first = keys[0]
    # "She gave a talk on X", "wrote a post about Y": what they made, "your talk on X".
    made = _made_a_piece(words, keys)
    if made is not None:
        return made, f"Thank you for {made}."
    # "wrote the docs for X" with no one named: the person did it.
    bare_past = words[0][:1].islower() and (_past_to_ing(first) or first in _IRREGULAR_PAST_TO_ING)
    if bare_past and first not in _IMPLIED_I and {"you", "your"} & set(keys[1:]) and first not in _MAKING:
        return "", f"Thank you! {as_sentence('I ' + turned)}"  # "talked with her": the writer did
    if bare_past and first not in _IMPLIED_I:
        words, keys, first = ["you", *words], ["you", *keys], "you"
        turned = "you " + turned
    # "You showed me how to ...", "You wrote the foo library": a gerund after "Thank you for".
    if first == "you" and len(words) > 1:
        j = 1
        while j < len(keys) and (keys[j] in _ADVERBS or (keys[j].endswith("ly") and keys[j] != "only")):
            j += 1
        if j < len(keys):
            ing = _past_to_ing(words[j]) or _plain_to_ing(words[j])
            if ing is not None and j == 1:
                gerund = " ".join([ing, *words[j + 1:]])
                return gerund, f"Thank you for {gerund}."
        return "", f"Thank you! {as_sentence(turned)}"
    if first in {"i", "we", "i've", "we've", "i'm", "we're", "you've", "you're", "you'd", "you'll", "i'd", "we'd"}:
        return "", f"Thank you! {as_sentence(turned)}"
    if first in _IMPLIED_I:
        return "", f"Thank you! {as_sentence('I ' + turned[:1].lower() + turned[1:])}"
    phrase = _noun_phrase_of(turned)
    if phrase is None:
        return "", f"Thank you! I wrote this down after we met: {quote(work)}."
    if _is_whole_sentence(phrase):
        return "", f"Thank you! {as_sentence(phrase)}"
    phrase = _by_you(phrase)
    return phrase, f"Thank you for {phrase}."


_MAKING = {"gave", "give", "wrote", "write", "published", "publish", "did", "ran", "run", "held", "hold",
           "recorded", "record", "taught", "teach", "led", "lead", "hosted", "host", "presented", "present"}


def _made_a_piece(words: list[str], keys: list[str]) -> str | None:
    """"you gave a talk on X" / "gave a great talk on X" -> "your talk on X" / "your great talk on X"."""
    start = 1 if keys[0] == "you" else 0
    if start == 0 and words[0][:1].isupper():
        return None
    if len(keys) < start + 3 or keys[start] not in _MAKING or keys[start + 1] not in {"a", "an"}:
        return None
    for k in range(start + 2, min(start + 5, len(keys))):
        if keys[k].strip(",;:") in meaning.KINDS_OF_PIECE:
            return " ".join(["your", *words[start + 2:]])
    return None


def _by_you(phrase: str) -> str:
    """"the talk by you on eBPF" -> "your talk on eBPF"."""
    if " by you" not in phrase:
        return phrase
    rest = re.sub(r" by you\b", "", phrase, count=1)
    first = rest.split(" ", 1)
    if first[0] in {"the", "a", "an"} and len(first) > 1:
        return "your " + first[1]
    if first[0] == "your":
        return rest
    return phrase


_COPULAS = {"is", "are", "was", "were", "has", "have", "had", "made", "changed", "helped", "saved", "showed",
            "taught", "got", "gave", "opened", "inspired", "convinced", "blew", "fixed", "cut", "explained",
            "solved", "clarified", "became", "really", "totally", "completely", "just"}


def _is_whole_sentence(phrase: str) -> bool:
    """"your talk on X was great": a subject and a verb, not a noun phrase to thank for."""
    keys = [_key(w) for w in phrase.split()]
    if keys[0] not in {"your", "the", "this", "that"}:
        return False
    for key in keys[1:]:
        if key in {"you", "i", "we", "they", "he", "she", "who", "which", "that"}:
            return False  # "the way you explained it": a clause inside the noun phrase
        if key in _COPULAS:
            return True
    return False


def _noun_phrase_of(text: str) -> str | None:
    """``text`` (already said to the person) as a noun phrase to follow "for" or "As promised:":
    a determiner kept, a bare piece of work given "your"; None when it does not start like one."""
    text = _lower_first(text)
    words = text.split()
    if not words:
        return None
    first = _key(words[0])
    if _is_noun_phrase_start(first):
        return text if len(words) > 1 else None
    if first.endswith("'s") and len(words) > 1:
        return text  # "Chloé's paper": someone else's, as written
    if first in {"everything", "all", "what", "how", "why", "everyone", "anything", "something"} and len(words) > 1 \
            and {"you", "your"} & {_key(w) for w in words}:
        return text  # "everything you said about X", "how you explained Y"
    if first.strip("'’") in meaning.FUNCTION_WORDS:
        return None
    if first == "the":
        return text
    core = first.strip("'’")
    if words[0][:1].isupper() and not words[0].isupper() and meaning.zipf(core) >= 3.0:
        text = text[:1].lower() + text[1:]  # "Talk on Nix" inside a sentence
    if core in meaning.KINDS_OF_PIECE or core in meaning.BODIES_OF_WORK or core.rstrip("s") in meaning.KINDS_OF_PIECE:
        return "your " + text
    # "38C3 talk on eBPF", "eBPF talk", "pandas library": a name or a number before a kind of work.
    for word in words[1:4]:
        key = _key(word).strip(",;:")
        if key in meaning.KINDS_OF_PIECE or key in meaning.BODIES_OF_WORK:
            before = words[: words.index(word)]
            if all(_key(w) not in _VERBISH and _key(w) not in _GIVE_VERBS and _key(w) not in _ACTION_VERBS
                   for w in before):
                return "your " + text
            break
    return None


_VERBISH = {"is", "are", "was", "were", "loved", "liked", "read", "watched", "saw", "used", "gave", "wrote"} \
    | _IMPLIED_I


def noun_phrase(text: str, name: str = "") -> str:
    """What the user wrote, said to the person, as a noun phrase ("" when it is not one)."""
    turned = safe_to_you(_strip_end(text), name)
    if turned is None:
        return ""
    return _noun_phrase_of(turned) or ""


_PAST_LEAD_SUBJECT = {"us": "It", "me": "It"}


def how_sentence(how: str, name: str = "") -> str:
    """How their work helped, as a sentence to them: "switched our CI after her talk" -> "We switched
    our CI after your talk."; quoted when a he/she may mean someone else."""
    how = _strip_end(how)
    if not how:
        return ""
    turned = safe_to_you(how, name)
    if turned is None:
        return f"From my notes: {quote(how)}."
    words = turned.split()
    keys = [_key(w) for w in words]
    if words[0][:1].islower() and (_past_to_ing(keys[0]) is not None or keys[0] in _IRREGULAR_PAST_TO_ING):
        nxt = keys[1] if len(keys) > 1 else ""
        if nxt in _PAST_LEAD_SUBJECT:
            subject = _PAST_LEAD_SUBJECT[nxt]
        else:
            subject = "We" if {"our", "us", "we"} & set(keys) else "I"
        return as_sentence(f"{subject} {turned}")
    return as_sentence(turned)


# --- promises ------------------------------------------------------------------------------------

_GIVE_VERBS = {
    "send", "share", "forward", "email", "e-mail", "mail", "give", "post", "upload", "pass", "get", "dig", "find",
    "drop", "bring", "lend", "dm", "attach",
}
_GIVE_ING = {"sending": "send", "sharing": "share", "forwarding": "forward", "emailing": "email",
             "mailing": "mail", "giving": "give", "posting": "post", "uploading": "upload", "passing": "pass",
             "getting": "get", "digging": "dig", "finding": "find", "dropping": "drop", "bringing": "bring"}
_GIVE_PARTICLES = {"over", "on", "along", "up", "out", "across", "through"}
_TRAILING_PARTICLES = {"over", "along", "across", "through"}
_CONDITIONS = {"once", "when", "after", "if", "before", "as", "whenever", "until", "unless"}
_TO_THEM = {"you", "her", "him", "them", "them_", "u"}
_ACTION_VERBS = set("""
check ask follow try review read think introduce connect call book schedule invite let test fix open file
add update reply answer put make set help show tell keep see confirm draft organise organize run benchmark
port reach look write find figure investigate dig research compare measure profile write-up summarise
summarize recommend suggest ping loop cc contact meet visit join sign register present talk speak demo
record translate document explain walk go do start finish build prototype merge release publish
reproduce debug patch report raise mention nominate vote sponsor donate buy pay host give pair mentor
email message text ring chat grab catch sync arrange plan set-up setup collect gather prepare clean
""".split())
_LEADS = re.compile(
    r"^(?:(?:i|we)\s*(?:'ll|’ll|\s+will|\s+shall|\s+promised\s+to|\s+said\s+(?:i|we)\s*(?:'d|’d|\s+would)|"
    r"\s+am\s+going\s+to|\s+are\s+going\s+to|\s+need\s+to|\s+have\s+to|\s+should|\s+must|\s+offered\s+to)\s+"
    r"|(?:promised\s+to|will|to|going\s+to|gonna|must|need\s+to|should|todo:?|to\s+do:?|offered\s+to)\s+)+",
    re.IGNORECASE,
)
_HEAD_END = {"on", "of", "to", "for", "from", "about", "with", "in", "at", "by", "that", "which", "we", "i",
             "you", "as", "she", "he", "they", "comparing", "showing", "covering", "explaining", "where", "when",
             "after", "before", "like", "so", "if", "via"}
_SINGULAR_ENDING_S = {"news", "series", "analysis", "basis", "thesis", "status", "kubernetes", "jenkins", "chaos",
                      "physics", "maths", "mathematics", "statistics", "economics", "ethics", "logistics", "lens",
                      "bus", "gas", "canvas", "atlas", "bias", "corpus", "process", "class", "address", "access",
                      "progress", "success", "this", "its", "us", "yes"}


@dataclass(frozen=True)
class Promise:
    subject: str
    """The subject line: "As promised: our audit checklist"."""
    line: str
    """The opening sentence: "Here is our audit checklist, as promised."."""
    placeholder: str
    """What the user adds before sending: "[link or attachment]", "[what you found or did]"."""
    quoted: bool = False
    """True when the user's words are quoted because no rule fitted them."""


def _plural(phrase: str) -> bool:
    words = [_key(w).strip(",;:()") for w in phrase.split()]
    head: list[str] = []
    for word in words:
        if word in _HEAD_END:
            break
        if word in {"and", "+", "&"} and head:
            return True
        head.append(word)
    if not head:
        return False
    if head[0] in {"these", "those", "some", "both", "two", "three", "four", "five", "several", "few", "many"}:
        return True
    if head[:2] in (["a", "few"], ["a", "couple"]):
        return True
    if head[0] in {"a", "an", "this", "that", "one", "each", "every"}:
        return False
    last = head[-1]
    if last in _SINGULAR_ENDING_S or not last.endswith("s") or last.endswith(("ss", "us", "is", "'s")):
        return False
    return True


def promise_lines(detail: str, name: str = "") -> Promise:
    """A promise the user wrote as a note-to-self, as a subject and an opening sentence to the person.

    "send Thorsten our audit checklist" (to Thorsten) -> "As promised: our audit checklist" /
    "Here is our audit checklist, as promised."; "share the slides" -> "Here are the slides, as
    promised."; "introduce her to Ana" -> "Following up on my promise to introduce you to Ana.";
    words no rule fits are quoted: 'Following up on what I promised: “...”.'"""
    original = _strip_end(detail)
    if not original:
        return Promise("", "", "")
    text = _LEADS.sub("", original).strip() or original
    text = re.sub(r"^(?:(?:i|we)\s+)?promised\s+(?!to\b)", "give ", text, flags=re.IGNORECASE)
    turned = to_you_as_far_as_safe(text, name)
    if re.search(r"\byou,? (?:and|or) you\b", turned, re.IGNORECASE):
        return _quoted(original)  # the person and a "her" that is someone else: not ours to guess
    words = turned.split()
    keys = [_key(w) for w in words]
    verb = _GIVE_ING.get(keys[0], keys[0])
    if verb == "follow" and len(keys) > 2 and keys[1] == "up" and keys[2] in {"on", "about", "with", "re"}:
        about = " ".join(words[2:])
        return Promise(f"Following up {about}", f"Following up {about}, as promised.", "[what you found or did]")
    if len(keys) > 1 and (verb, keys[1]) in {("find", "out"), ("get", "back"), ("get", "in"), ("pass", "it")}:
        return _action(turned[:1].lower() + turned[1:])
    if verb in _GIVE_VERBS and len(words) > 1:
        rest, rest_keys = words[1:], keys[1:]
        if verb in {"dig", "find", "look"} and rest_keys and rest_keys[0] in {"up", "out"}:
            rest, rest_keys = rest[1:], rest_keys[1:]
        # Whom it goes to: "send you", "send her", "send Thorsten" (the name is "you" by now) ...
        while rest_keys and (rest_keys[0] in _TO_THEM or rest_keys[0] in _GIVE_PARTICLES):
            rest, rest_keys = rest[1:], rest_keys[1:]
        # ... or at the end: "send the slides to her", "share the notes with you", "send the deck over".
        while len(rest_keys) >= 2 and rest_keys[-2] in {"to", "with"} and rest_keys[-1] in _TO_THEM:
            rest, rest_keys = rest[:-2], rest_keys[:-2]
        while rest_keys and rest_keys[-1] in _TRAILING_PARTICLES:
            rest, rest_keys = rest[:-1], rest_keys[:-1]
        named = bool(rest) and _capitalised(rest[0]) and len(rest) > 1 \
            and _key(rest[1]) in _DETERMINERS | {"your"}
        onward = named or any(
            (k in {"to", "with", "cc", "and"} and m + 1 < len(rest) and _capitalised(rest[m + 1]))
            or (k == "with" and m + 1 < len(rest) and rest_keys[m + 1] not in {"you", "your"})
            or k in _CONDITIONS  # "once it's up": said as a promise, not as a thing
            for m, k in enumerate(rest_keys))
        if rest_keys and not onward and rest_keys[0] not in {"it", "them", "that", "this"}:
            return _here_is(" ".join(rest))
    if keys[0] in _DETERMINERS or keys[0] == "your":
        return _here_is(turned)
    if keys[0] in {"intro", "introduction"} and len(keys) > 2 and keys[1] == "to":
        phrase = "introduce you to " + " ".join(words[2:])
        return _action(phrase)
    if verb in _ACTION_VERBS or verb in _GIVE_VERBS:
        return _action(turned[:1].lower() + turned[1:] if not words[0].isupper() else turned)
    core = keys[0].rstrip("s")
    if keys[0] in meaning.KINDS_OF_PIECE or core in meaning.KINDS_OF_PIECE or keys[0] in meaning.BODIES_OF_WORK \
            or core in _SHAREABLE or keys[0] in _SHAREABLE:
        return _here_is(turned)
    return _quoted(original)


_SHAREABLE = {"link", "links", "url", "pointer", "pointers", "reference", "references", "paper", "papers",
              "notes", "note", "recording", "recordings", "code", "data", "numbers", "results", "result",
              "benchmark", "benchmarks", "checklist", "template", "templates", "doc", "docs", "draft", "drafts",
              "contact", "contacts", "details", "list", "reading", "book", "books", "photo", "photos", "pics",
              "screenshot", "screenshots", "sample", "samples", "config", "configs", "dashboard", "invite",
              "invitation", "recipe", "script", "scripts", "example", "examples", "repo", "blog", "write-up"}


def _here_is(obj: str) -> Promise:
    obj = _lower_first(obj.strip())
    first = _key(obj.split(" ", 1)[0])
    if first not in _DETERMINERS and first != "your" and not first.endswith("'s"):
        obj = "the " + obj
    verb = "are" if _plural(obj) else "is"
    return Promise(f"As promised: {obj}", f"Here {verb} {obj}, as promised.", "[link or attachment]")


def _action(phrase: str) -> Promise:
    return Promise(f"Following up on my promise to {phrase}", f"Following up on my promise to {phrase}.",
                   "[what you found or did]")


def _quoted(original: str) -> Promise:
    return Promise("What I promised", f"Following up on what I promised: {quote(original)}.",
                   "[what you found or did]", quoted=True)
