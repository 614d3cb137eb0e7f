"""The one place untrusted text is made safe: control characters and escapes removed.

Everything that comes from a schedule, a people file, a URL or the user passes through
:func:`clean` before it is stored, shown or exported. The app wraps the result in Textual
``Content`` (see ``screens/safe.py``) so markup in it is never interpreted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

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


# Cell widths ---------------------------------------------------------------------------------
#
# Terminals disagree on how wide some emoji are. One that joins "👩‍💻" (woman, zero-width joiner,
# laptop) into one glyph draws it in 2 cells, one that does not draws 4; "❤️" (a heart and the
# emoji variation selector) is 2 cells in one and 1 in another; "👍🏽" (a skin tone) is 2 or 4. Rich
# and Textual count the joined widths, so a row holding such text is drawn shifted in a terminal
# that does not join, and every later column moves. What is shown is therefore first made
# unambiguous (:func:`for_terminal`): the joiners, variation selectors, skin-tone modifiers and
# tag characters are left out (a joined emoji shows as its parts side by side, a symbol the
# selector turned into an emoji as the symbol), letters and their accents are composed, and a
# lone regional indicator (half a flag) is shown as its letter. What is left is drawn at the same
# width in a terminal that joins and one that does not: what :func:`cell_width` (the ``wcwidth``
# library) counts, and Rich's ``cell_len`` too (tests/test_text_widths.py holds the three equal).
# Not covered: an emoji newer than a terminal's own tables, which it may draw one cell wide.

_AMBIGUOUS_WIDTH = re.compile("[\ufe0e\ufe0f\u200d\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")
"""Variation selectors, the zero-width joiner, skin-tone modifiers and tag characters: whether they
change the width of what they follow depends on the terminal."""
_REGIONAL_INDICATORS = re.compile("[\U0001f1e6-\U0001f1ff]+")
_FIRST_INDICATOR = 0x1F1E6


def _pair_indicators(found: re.Match[str]) -> str:
    """Regional indicators two by two (a flag, 2 cells everywhere); an odd one out as its letter."""
    run = found.group()
    if len(run) % 2 == 0:
        return run
    return run[:-1] + chr(ord(run[-1]) - _FIRST_INDICATOR + ord("A"))


def for_terminal(text: str) -> str:
    """``text`` as it is shown: nothing in it whose width depends on the terminal (see above).
    For display only: what is stored keeps every character."""
    if text.isascii():
        return text
    value = _AMBIGUOUS_WIDTH.sub("", unicodedata.normalize("NFC", text))
    return _REGIONAL_INDICATORS.sub(_pair_indicators, value)


def cell_width(text: str) -> int:
    """The terminal cells ``text`` takes once shown (:func:`for_terminal`): 2 for an East Asian wide
    letter or an emoji, 0 for a combining mark, 1 for most others."""
    value = for_terminal(text)
    if value.isascii():
        return len(value)
    from wcwidth import width

    return width(value)


def cut_cells(text: str, width: int) -> str:
    """``text`` as shown (:func:`for_terminal`) in at most ``width`` cells: whole when it fits, else
    cut between two characters as drawn (never inside a flag or a letter with its accent) with an
    ellipsis marking the cut."""
    value = for_terminal(text)
    if width <= 0:
        return ""
    if value.isascii():
        return value if len(value) <= width else value[: width - 1] + "…"
    from wcwidth import iter_graphemes
    from wcwidth import width as cells

    if cells(value) <= width:
        return value
    kept: list[str] = []
    used = 0
    for grapheme in iter_graphemes(value):
        size = cells(grapheme)
        if used + size > width - 1:
            break
        kept.append(grapheme)
        used += size
    return "".join(kept) + "…"


class ColumnFit(NamedTuple):
    """How one column of a list is sized (see :func:`column_widths`)."""

    want: int
    """The cells it asks for."""
    least: int = 1
    """The fewest cells it is shown in; a secondary column that would get fewer is dropped."""
    drop: int = 0
    """0 for a primary column (a name, a title): never dropped, and narrower than it wants only when
    no secondary column is left. A secondary column's number says when it gives way: the highest
    shrinks first and is dropped first."""
    most: int = 0
    """With room to spare it grows up to this many cells (0: it stays at ``want``)."""


def column_widths(total: int, columns: Sequence[ColumnFit], gap: int = 1) -> list[int]:
    """The width of each column in a line of ``total`` cells, ``gap`` cells between shown columns;
    0 for a column dropped. While the columns do not fit, the secondary ones shrink toward their
    ``least`` (the highest ``drop`` first); when that is not enough, the one with the highest
    ``drop`` is dropped and the others get their width back. A primary column gets less than it
    wants only when no secondary column is left. Room to spare is shared by the columns that grow,
    each in proportion to how much it may grow (up to its ``most``); the rest goes to the first
    primary column."""
    count = len(columns)
    giving_way = sorted((index for index in range(count) if columns[index].drop), key=lambda i: (-columns[i].drop, -i))
    primaries = [index for index in range(count) if not columns[index].drop]
    dropped: set[int] = set()
    while True:
        widths = [0 if index in dropped else column.want for index, column in enumerate(columns)]
        excess = sum(widths) + gap * max(0, count - len(dropped) - 1) - total
        for index in giving_way:
            if excess <= 0:
                break
            take = min(excess, max(0, widths[index] - max(1, columns[index].least)))
            widths[index] -= take
            excess -= take
        shown = [index for index in giving_way if index not in dropped]
        if excess <= 0 or not shown:
            break
        dropped.add(shown[0])
    for index in reversed(primaries):  # only primary columns are left, and they still do not fit
        if excess <= 0:
            break
        take = min(excess, widths[index] - 1)
        widths[index] -= take
        excess -= take
    spare = -excess
    room = {index: columns[index].most - widths[index] for index in range(count) if widths[index] and columns[index].most > widths[index]}
    growing = sum(room.values())
    if growing and spare > 0:
        for index, more in room.items():  # each grows by its share of what is spare
            widths[index] += min(more, spare * more // growing)
        spare = total - (sum(widths) + gap * (sum(1 for width in widths if width) - 1))
        for index in primaries + sorted(room, key=lambda i: (columns[i].drop, i)):  # what rounding left, by importance
            grow = min(spare, max(0, columns[index].most - widths[index]))
            widths[index] += grow
            spare -= grow
    if primaries and spare > 0:
        widths[primaries[0]] += spare
    return widths
