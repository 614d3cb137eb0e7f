"""Cell widths as the terminal draws them, and list columns sized by priority (companion/text.py)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len, set_cell_size

from companion.text import ColumnFit, cell_width, column_widths, cut_cells, for_terminal

# What a name, a title or a tag may hold, with the width every terminal draws once shown.
SAMPLES = {
    "Ana ❤️": 5,  # a heart with the emoji variation selector: 1 cell in some terminals, 2 in others
    "☺️ hi": 4,
    "👩‍💻 dev": 8,  # a woman and a laptop joined (ZWJ): 2 cells where joined, 4 where not
    "👨‍👩‍👧": 6,
    "🇩🇪 Berlin": 9,  # a flag: two regional indicators
    "李小龍": 6,  # East Asian wide
    "ｶﾀｶﾅ": 4,  # halfwidth katakana
    "Jose\u0301": 4,  # a combining accent
    "👍🏽 ok": 5,  # a skin tone: 2 cells where it merges, 4 where not
    "1️⃣ first": 7,  # a keycap
    "🏳️‍🌈 pride": 9,
    "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f": 2,  # a tag sequence (England)
    "🇩": 1,  # half a flag
    "⌚︎ time": 7,  # a wide emoji with the text variation selector
    "Zoë Ødegård": 11,
}


def separate_cells(text: str) -> int:
    """The width in a terminal that measures each code point on its own and joins nothing (glibc's
    wcwidth, as xterm, VTE and tmux use it): wide letters and emoji 2, marks and joiners 0, a
    regional indicator 1."""
    from wcwidth import wcwidth

    total = 0
    for character in text:
        if 0x1F1E6 <= ord(character) <= 0x1F1FF:
            total += 1
        elif character in "\u200d\ufe0e\ufe0f" or unicodedata.combining(character):
            continue
        else:
            total += max(0, wcwidth(character))
    return total


@pytest.mark.parametrize("text", list(SAMPLES))
def test_shown_text_is_as_wide_in_every_terminal(text: str) -> None:
    shown = for_terminal(text)
    assert cell_width(text) == SAMPLES[text]
    assert cell_len(shown) == SAMPLES[text]  # what Rich and Textual count
    assert separate_cells(shown) == SAMPLES[text]  # a terminal that joins nothing


def test_what_is_left_out_is_only_what_terminals_disagree_on() -> None:
    assert for_terminal("👩‍💻") == "👩💻"
    assert for_terminal("Ana ❤️") == "Ana ❤"
    assert for_terminal("👍🏽") == "👍"
    assert for_terminal("🇩🇪🇫") == "🇩🇪F"  # a flag kept, an odd indicator shown as its letter
    assert for_terminal("Jose\u0301") == "José"
    for kept in ("李小龍", "ｶﾀｶﾅ", "Zoë Ødegård", "plain ASCII", "🇩🇪", "⭐", "😀"):
        assert for_terminal(kept) == kept


@pytest.mark.parametrize("text", list(SAMPLES))
def test_text_cut_to_a_width_takes_at_most_those_cells_in_every_terminal(text: str) -> None:
    for width in range(1, 14):
        cut = cut_cells(text, width)
        assert cell_width(cut) == cell_len(cut) == separate_cells(cut) <= width, (text, width, cut)
        if SAMPLES[text] > width:
            assert cut.endswith("…") and cell_width(cut) >= width - 1  # a wide letter may leave one cell
        else:
            assert cut == for_terminal(text)
        padded = set_cell_size(cut, width)  # as RowList pads it
        assert cell_len(padded) == separate_cells(padded) == cell_width(padded) == width


def test_a_flag_is_never_cut_in_two() -> None:
    assert cut_cells("🇩🇪🇫🇷 Berlin", 2) == "…"  # Rich's set_cell_size gives half a flag here
    assert cut_cells("🇩🇪🇫🇷 Berlin", 4) == "🇩🇪…"
    assert cut_cells("José Álvarez", 4) == "José"[:3] + "…"


EMOJI_AND_FRIENDS = st.text(
    alphabet=st.sampled_from([*"aZé李ｶ ", "\u0301", "\u200d", "\ufe0f", "\ufe0e", "❤", "☺", "👩", "💻", "🏽",
                              "\U0001f1e9", "\U0001f1ea", "\U000e0067", "⭐", "1", "\u20e3"]),
    max_size=12,
)


@given(EMOJI_AND_FRIENDS)
def test_any_mix_is_counted_alike_by_us_rich_and_a_terminal_that_joins_nothing(text: str) -> None:
    shown = for_terminal(text)
    assert cell_width(text) == cell_len(shown) == separate_cells(shown)


# Column sizing -------------------------------------------------------------------------------

PEOPLE = [ColumnFit(24, most=40), ColumnFit(22, 16, drop=2, most=40), ColumnFit(20, 14, drop=4),
          ColumnFit(12, 12, drop=3), ColumnFit(6, 6, drop=1)]


def line(widths: list[int]) -> int:
    shown = [width for width in widths if width]
    return sum(shown) + len(shown) - 1


def test_the_name_keeps_its_width_while_the_other_columns_give_way() -> None:
    roomy = column_widths(200, PEOPLE)
    assert all(roomy) and line(roomy) == 200 and roomy[0] == 40 + 200 - line([40, 40, 20, 12, 6])
    at_78 = column_widths(78, PEOPLE)
    assert at_78 == [24, 18, 14, 12, 6]  # every column, the secondary ones narrower
    at_70 = column_widths(70, PEOPLE)
    assert at_70[0] >= 24 and line(at_70) == 70
    assert at_70[2] == 0 and at_70[1] >= 22 and at_70[4]  # the role (least important) went first
    at_40 = column_widths(40, PEOPLE)
    assert at_40[0] >= 24 and line(at_40) <= 40
    assert column_widths(20, PEOPLE) == [20, 0, 0, 0, 0]  # only the name, and now it shrinks


def test_a_secondary_column_shrinks_before_it_is_dropped() -> None:
    widths = column_widths(line([24, 22, 20, 12, 6]) - 3, PEOPLE)
    assert widths == [24, 22, 17, 12, 6]


@given(st.lists(st.tuples(st.integers(1, 40), st.integers(1, 40), st.integers(0, 5), st.integers(0, 80)),
                min_size=1, max_size=7),
       st.integers(1, 300))
def test_column_widths_hold_their_promises(specs: list[tuple[int, int, int, int]], total: int) -> None:
    columns = [ColumnFit(want, min(least, want), drop, most) for want, least, drop, most in specs]
    widths = column_widths(total, columns)
    primaries = [index for index, column in enumerate(columns) if not column.drop]
    if total >= sum(1 for _ in primaries) * 2:
        assert line(widths) <= total
    if primaries:
        assert line(widths) == total or total < len(primaries) * 2  # the width is used
    for index, column in enumerate(columns):
        if column.drop:
            assert widths[index] == 0 or widths[index] >= column.least
        else:
            assert widths[index] >= 1  # a primary column is never dropped
            wanted = sum(c.want for c in columns if not c.drop) + len(primaries) - 1
            if total >= wanted:
                assert widths[index] >= column.want  # and narrower than it wants only when it must
    for index, column in enumerate(columns):  # no column is dropped while a less important one shows
        if column.drop and widths[index] == 0:
            assert all(widths[other] == 0 for other, c in enumerate(columns) if c.drop > column.drop)
