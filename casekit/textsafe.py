"""Make text safe for JupyterLab's Markdown renderer (one place for the whole kit).

JupyterLab strips ``$...$`` spans before it parses Markdown and then lets MathJax typeset whatever
pairs of dollar signs remain, so "USD amounts such as $1.3 billion and $250 million" turn into maths.
Escaping with a backslash or ``&#36;`` alone fails as soon as two amounts share a run of text; the
form that renders as a plain dollar sign in JupyterLab, nbconvert HTML and Voila alike is a span
around the HTML entity. Every piece of Markdown the kit generates goes through :func:`md_safe`.
"""

from __future__ import annotations

import re

DOLLAR = "<span>&#36;</span>"

__all__ = ["DOLLAR", "md_safe"]


def md_safe(text: str) -> str:
    """Return ``text`` with every literal dollar sign replaced by :data:`DOLLAR`.

    Code is left alone, as Markdown shows it verbatim and never typesets it: fenced blocks (a line
    starting with up to three spaces and three or more backticks or tildes, up to a closing fence of
    the same kind and at least the same length, or the end of the text) and code spans (a run of
    backticks up to the next run of exactly the same length). A backtick run with no partner is
    plain text (as in CommonMark), so a stray backtick never shields the dollar signs after it.
    """
    out, i, n = [], 0, len(text)
    at_line_start = True
    while i < n:
        if at_line_start:
            fence = _FENCE_OPEN.match(text, i)
            if fence:
                marker = fence.group(1) or fence.group(2)
                closing = re.compile(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$", re.M)
                close = closing.search(text, fence.end())
                end = n if close is None else close.end()
                out.append(text[i:end])
                i = end
                at_line_start = False
                continue
        ch = text[i]
        if ch == "`":
            run = _backtick_run(text, i)
            partner = _find_run(text, i + run, run)
            if partner >= 0:
                out.append(text[i:partner + run])
                i = partner + run
            else:
                out.append("`" * run)
                i += run
            at_line_start = False
            continue
        out.append(DOLLAR if ch == "$" else ch)
        at_line_start = ch == "\n"
        i += 1
    return "".join(out)


# a backtick fence's info string holds no backtick (CommonMark), so "```x``` text" is a code span
_FENCE_OPEN = re.compile(r" {0,3}(?:(`{3,})[^`\n]*|(~{3,})[^\n]*)(?:\n|$)")


def _backtick_run(text: str, i: int) -> int:
    j = i
    while j < len(text) and text[j] == "`":
        j += 1
    return j - i


def _find_run(text: str, start: int, length: int) -> int:
    """Index of the next run of exactly ``length`` backticks at or after ``start`` (-1 if none)."""
    j = start
    while True:
        j = text.find("`" * length, j)
        if j < 0:
            return -1
        run = _backtick_run(text, j)
        if run == length and (j == 0 or text[j - 1] != "`"):
            return j
        j += run
