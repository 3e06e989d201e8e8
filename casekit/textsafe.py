"""Make text safe for JupyterLab's Markdown renderer (one place for the whole kit).

JupyterLab strips ``$...$`` spans before it parses Markdown and then lets MathJax typeset whatever
pairs of dollar signs remain, so "USD amounts such as $1.3 billion and $250 million" turn into maths.
Escaping with a backslash or ``&#36;`` alone fails as soon as two amounts share a run of text; the
form that renders as a plain dollar sign in JupyterLab, nbconvert HTML and Voila alike is a span
around the HTML entity. Every piece of Markdown the kit generates goes through :func:`md_safe`.
"""

from __future__ import annotations

DOLLAR = "<span>&#36;</span>"

__all__ = ["DOLLAR", "md_safe"]


def md_safe(text: str) -> str:
    """Return ``text`` with every literal dollar sign replaced by :data:`DOLLAR`.

    Code spans and fenced code blocks are left alone (a dollar sign there is shown verbatim by the
    renderer and never typeset).
    """
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("```", i):
            end = text.find("```", i + 3)
            end = n if end < 0 else end + 3
            out.append(text[i:end])
            i = end
        elif text[i] == "`":
            end = text.find("`", i + 1)
            end = n if end < 0 else end + 1
            out.append(text[i:end])
            i = end
        elif text[i] == "$":
            out.append(DOLLAR)
            i += 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)
