"""The one place untrusted text is made safe: control characters and escapes removed.

Everything that comes from a schedule, a people file, a URL or the user passes through
:func:`clean` before it is stored, shown or exported. The app wraps the result in Textual
``Content`` (see ``screens/safe.py``) so markup in it is never interpreted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# ESC-introduced sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), DCS/SOS/PM/APC
# (ESC P/X/^/_ ... ST), and two-byte escapes. Their C1 equivalents are handled too.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]                     # CSI
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)  # OSC, DCS, SOS, PM, APC
    | \x1b[@-Z\\-_]                                       # other two-byte escapes
    """,
    re.VERBOSE | re.DOTALL,
)

# C0 controls except tab and newline, DEL, C1 controls, and the bidirectional controls that
# can reorder what a reader sees (LRE..RLO, LRI..PDI, LRM/RLM/ALM).
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


ONE_LINE_CHARACTERS = 500
"""The most of one field that a line shows or a list searches (a title, a name, a cell): a field may be
megabytes long (a pasted file), and wrapping or matching all of it would hold up the app for minutes."""


def cut(text: str, limit: int = ONE_LINE_CHARACTERS) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clean(text: object, *, single_line: bool = False) -> str:
    """Return ``text`` as a plain string with escape sequences and control characters removed.

    ``single_line`` also folds newlines and tabs into spaces, for titles, names and cells.
    """
    if text is None:
        return ""
    value = str(text)
    if value.isprintable() and (not single_line or ("  " not in value and value == value.strip())):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _ESCAPE_SEQUENCE.sub("", value)
    value = _CONTROL.sub("", value)
    if single_line:
        value = " ".join(value.split())
    return value


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """A key for matching person names: no accents, case folded, "Last, First" turned around."""
    value = clean(name, single_line=True)
    if value.count(",") == 1:
        last, first = (part.strip() for part in value.split(","))
        if last and first:
            value = f"{first} {last}"
    if not value.isascii():
        decomposed = unicodedata.normalize("NFKD", value)
        value = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(value.casefold().replace(".", " ").split())


def slugify(text: str) -> str:
    """A short lowercase identifier made of ASCII letters, digits and dashes."""
    decomposed = unicodedata.normalize("NFKD", clean(text, single_line=True))
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:60] or "conference"


_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me"})
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")
"""Letters and symbols that print as nothing (Hangul fillers, the blank braille pattern)."""


def has_visible(text: str) -> bool:
    """True when ``text`` shows at least one character: not only spaces, zero-width and format
    characters, controls, lone combining marks or blank fillers."""
    if text.isascii():
        return not text.isspace() and any(ch.isprintable() and not ch.isspace() for ch in text)
    return any(
        ch not in _BLANK_LETTERS and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES for ch in text
    )


ECHO_LIMIT = 200
"""The most characters of the user's input an error message repeats."""


def echo(text: object, limit: int = ECHO_LIMIT) -> str:
    """The user's input, cleaned to one line and cut to ``limit`` characters, for an error message."""
    value = clean(text, single_line=True)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def limit_echoes(message: str, inputs: Iterable[str]) -> str:
    """``message`` with every long piece of the user's ``inputs`` (strings) it repeats, as typed,
    quoted or cleaned, cut to ECHO_LIMIT characters."""
    words = {word for word in inputs if len(word) > ECHO_LIMIT}
    for word in sorted(words, key=len, reverse=True):
        for form in {word, repr(word)[1:-1], clean(word, single_line=True)}:
            if len(form) > ECHO_LIMIT and form in message:
                message = message.replace(form, echo(form))
    return message
