"""The one way untrusted text reaches the screen.

Textual reads plain ``str`` as markup in Static, Label, DataTable cells, notifications and the
command palette, so ``[@click=app.quit]`` would run an action and ``[/]`` would crash. Every
value goes through :func:`companion.text.clean` (no control characters or escape sequences) and
is then wrapped so it is never parsed: :func:`plain` for widgets, :func:`cell` for DataTable
cells, and :func:`markup` to mix our own styling with untrusted values as template variables.
Each is also shown as :func:`companion.text.for_terminal` makes it: without the characters whose
width depends on the terminal (emoji joiners, variation selectors, skin tones), so that the width
Textual counts is the width the terminal draws and the columns after it stay in place.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from companion.text import clean, cut, for_terminal


def one_line(value: object) -> str:
    """Untrusted text as one clean line, cut to ``ONE_LINE_CHARACTERS`` (cut first: cleaning and
    wrapping a megabyte title would hold the app up)."""
    return for_terminal(clean(cut(value) if isinstance(value, str) else value, single_line=True))


def plain(value: object, *, single_line: bool = True) -> Content:
    """Untrusted text as Content, shown literally (one line cut as :func:`one_line` does)."""
    return Content(one_line(value) if single_line else for_terminal(clean(value)))


def markup(template: str, **values: object) -> Content:
    """Our markup ``template`` with untrusted ``$values`` substituted literally (each as :func:`one_line`)."""
    return Content.from_markup(template, **{key: one_line(value) for key, value in values.items()})


def paragraph(value: object) -> Content:
    """Untrusted multi-line text (an abstract, a note) as Content, shown literally."""
    return Content(for_terminal(clean(value)))


def cell(value: object, style: str = "") -> Text:
    """Untrusted text for a DataTable cell (DataTable renders Rich objects, not Content)."""
    return Text(one_line(value), style=style, no_wrap=True, overflow="ellipsis")


def lines(parts: list[Content]) -> Content:
    return Content("\n").join(parts)


def highlighted(matcher: object, value: object) -> Content:
    """Untrusted text with a command palette query's matches in bold, never parsed as markup
    (Textual's Matcher.highlight reads its argument as markup)."""
    text = one_line(value)
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)  # type: ignore[attr-defined]
    if not score:
        return content
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize("bold", offset, offset + 1)
    return content
