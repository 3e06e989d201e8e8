"""Nothing the kit shows in JupyterLab is typeset as maths by accident.

JupyterLab hides ``$...$`` spans from its Markdown parser and lets MathJax 3 typeset them, and
MathJax also typesets any two ``$`` left in one run of text of rendered HTML (Markdown output, HTML
output, widget descriptions). Money amounts therefore turn into italic maths ("195million...").
The kit's rule (``casekit.textsafe.md_safe``): a literal dollar sign is emitted as
``<span>&#36;</span>``, the one form that renders as a dollar sign in JupyterLab, nbconvert and Voila.

This module checks that rule on everything the kit renders: every case (and epilogue), every
notebook's Markdown cells and stored Markdown/HTML outputs, and the HTML the widgets build (labs,
explorer, exercise prompts). The checker below is written from how the renderers behave, as
measured in a real browser (see the README's "Checking the kit"; tests/browser checks the same thing
on the real DOM), not from md_safe's code.

Markdown cells that hold real equations carry the cell tag ``maths``; in those, maths is allowed
but a span that starts with a digit (an amount, not a formula) still fails.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest

from casekit import textsafe

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p for pattern in ("notebooks/*.ipynb", "exercises/*.ipynb") for p in ROOT.glob(pattern))
MATHS_TAG = "maths"

# ------------------------------------------------------------------------------------------------
# What MathJax would typeset (independent of casekit.textsafe)
# ------------------------------------------------------------------------------------------------
# a fenced block: the opening line (a backtick fence's info string has no backtick) up to a closing
# fence of the same character, at least as long, or the end of the text
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}(?=[^`\n]*\n)|~{3,})[^\n]*\n.*?(?:^ {0,3}\1[`~]*[ \t]*$|\Z)", re.S | re.M)
_INDENTED_CODE_RE = re.compile(r"(?:(?<=\n\n)|\A)(?:(?: {4}|\t)[^\n]*\n?)+")
_CODE_SPAN_RE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
# elements whose text MathJax never looks at, removed with their content
_SKIP_ELEMENTS_RE = re.compile(r"<(code|pre|script|style|textarea|kbd|samp)\b[^>]*>.*?</\1\s*>", re.S | re.I)
# tags that MathJax 3 treats as part of the surrounding text (HTMLDomStrings' includeHtmlTags)
_INLINE_TAG_RE = re.compile(r"<(?:br|wbr)\b[^>]*>|<!--.*?-->", re.S | re.I)
_TAG_RE = re.compile(r"<[A-Za-z/!][^>]*>")
_DOLLAR_FORMS_RE = re.compile(r"\\\$|&#0*36;|&#x0*24;|&dollar;", re.I)
_MATH_ENV_RE = re.compile(r"\\begin\{[A-Za-z]*\*?\}|\\\\\(|\\\\\[")


def _strip_markdown_code(text: str) -> str:
    text = _FENCE_RE.sub("\n", text)
    text = _INDENTED_CODE_RE.sub("\n", text)
    return _CODE_SPAN_RE.sub(" ", text)


def _paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def html_risks(text: str) -> list[str]:
    """Runs of rendered HTML text in which MathJax would find a ``$...$`` pair (or TeX delimiters).

    MathJax 3 searches each run of text between element boundaries (``<br>``, ``<wbr>`` and
    comments do not end a run); entities are decoded first, so ``&#36;`` pairs are maths too.
    """
    problems = []
    text = _INLINE_TAG_RE.sub(" ", _SKIP_ELEMENTS_RE.sub(" ", text))
    for run in _TAG_RE.split(text):
        plain = html.unescape(run)
        if plain.count("$") >= 2 or re.search(r"\\\(|\\\[|\\begin\{", plain):
            problems.append(plain.strip()[:160])
    return problems


def markdown_risks(text: str, allow_maths: bool = False) -> list[str]:
    """Paragraphs of Markdown that JupyterLab would hand to MathJax as maths.

    Two stages, as in JupyterLab: (1) before Markdown parsing, any two unescaped ``$`` in one
    paragraph (outside code) enclose maths, as do ``\\begin{...}`` and ``\\\\(``/``\\\\[``;
    (2) after parsing, ``\\$``, ``&#36;`` and ``&dollar;`` are plain dollar signs in the HTML and
    MathJax pairs them within a run of text (see :func:`html_risks`).
    With ``allow_maths`` (a cell tagged ``maths``), maths is expected, but a ``$`` span that starts
    with a digit is an amount, not a formula.
    """
    problems = []
    for para in _paragraphs(_strip_markdown_code(text)):
        if allow_maths:
            for span in re.findall(r"(?<!\\)\$\$?([^$]+?)\$", para):
                if re.match(r"\s*[\d.,]+\s*(?:million|billion|[a-z]|$)", span):
                    problems.append(f"amount typeset as maths: ${span}$"[:160])
            continue
        raw = re.sub(r"\\\$", "", para)
        if raw.count("$") >= 2 or _MATH_ENV_RE.search(para):
            problems.append(para.strip()[:160])
            continue
        problems += html_risks(_DOLLAR_FORMS_RE.sub("$", para))
    return problems


# ------------------------------------------------------------------------------------------------
# The checker itself, against forms whose rendering was observed in JupyterLab 4.6 / MathJax 3
# ------------------------------------------------------------------------------------------------
TWO_AMOUNTS = "Egypt received {d}1.3 billion in FMF and {d}250 million in ESF."


@pytest.mark.parametrize("dollar", ["$", "\\$", "&#36;", "&dollar;", "<span>$</span>"])
def test_checker_flags_forms_that_jupyterlab_typesets(dollar):
    assert markdown_risks(TWO_AMOUNTS.format(d=dollar))


def test_checker_passes_the_form_that_renders_everywhere():
    assert markdown_risks(TWO_AMOUNTS.format(d="<span>&#36;</span>")) == []
    assert html_risks("<p>" + TWO_AMOUNTS.format(d="<span>&#36;</span>") + "</p>") == []


def test_checker_ignores_code_and_single_dollars_in_separate_paragraphs():
    assert markdown_risks("Use `df['$']` or `$x$` here.\n\n```\nprice = '$1' + '$2'\n```\n") == []
    assert markdown_risks("One amount, $5.\n\nAnother paragraph, $6.") == []
    assert html_risks("<p>US$ millions</p><p>another $ here</p>") == []
    assert html_risks("<code>$a$</code> and <pre>$b$</pre>") == []


def test_checker_flags_html_runs_and_tex_delimiters():
    assert markdown_risks("```inline``` code, then $1\nand $2 on the next line")  # not a fence
    assert html_risks("<b>Aid: $1.3 billion and &#36;250 million</b>")
    assert html_risks("<p>from \\(x\\) on</p>")
    assert markdown_risks("a line with \\begin{align} x \\end{align}")


def test_maths_cells_may_hold_formulas_but_not_amounts():
    assert markdown_risks("$$\\text{score} = \\sum_i w_i g_i$$ where $R$ is the reward", allow_maths=True) == []
    assert markdown_risks("costs $1.3 billion and $250 million", allow_maths=True)


# ------------------------------------------------------------------------------------------------
# md_safe: the kit's one escaping function
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        TWO_AMOUNTS.format(d="$"),
        "In FY2016: $1.3 billion (FMF), $150 million (ESF); 25% of the $ total",
        "A [link about $5](https://example.org/$x) and $6 more",
        "$$ at the start and $ at the end $",
    ],
)
def test_md_safe_output_is_never_typeset(text):
    safe = textsafe.md_safe(text)
    assert markdown_risks(safe) == [], safe
    assert html_risks(f"<p>{safe}</p>") == [], safe
    # nothing is lost: the visible text still has every dollar sign
    assert html.unescape(re.sub(r"</?span>", "", safe)).count("$") == text.count("$")


def test_md_safe_leaves_code_alone():
    assert textsafe.md_safe("run `echo $HOME` then") == "run `echo $HOME` then"
    assert textsafe.md_safe("```\n$a and $b\n```") == "```\n$a and $b\n```"
    assert textsafe.md_safe("  ~~~text\n$a and $b\n  ~~~\n") == "  ~~~text\n$a and $b\n  ~~~\n"
    assert textsafe.md_safe("``a ` $b``") == "``a ` $b``"  # a span of two backticks may hold one


@pytest.mark.parametrize("text", ["Egypt`s aid: $1.3 billion and $250 million",  # a stray backtick
                                  "`` $1 ` and $2",  # runs of different lengths do not pair
                                  "```inline``` code, then $1 and $2"])
def test_md_safe_a_stray_backtick_does_not_shield_the_amounts_after_it(text):
    safe = textsafe.md_safe(text)
    assert markdown_risks(safe) == [], safe


# ------------------------------------------------------------------------------------------------
# Everything the kit renders
# ------------------------------------------------------------------------------------------------
def _case_slugs() -> list[str]:
    return sorted(p.parent.name for p in (ROOT / "cases").glob("*/case.md"))


def _epilogue_slugs() -> list[str]:
    return sorted(p.parent.name for p in (ROOT / "cases").glob("*/epilogue.md"))


@pytest.mark.parametrize("slug", _case_slugs())
def test_rendered_case_is_never_typeset_as_maths(slug):
    from casekit import cases

    case = cases.load(slug)
    rendered = cases.render(case)
    assert markdown_risks(rendered) == []
    for heading in cases.section_headings(case):
        assert markdown_risks(cases.render_section(case, heading)) == [], heading
    for episode_id in cases.episode_headings(case):  # {episode id: heading}
        for before in (True, False):
            text = cases.episode_text(case, episode_id, before_outcome=before)
            assert markdown_risks(text) == [], (episode_id, before)


@pytest.mark.parametrize("slug", _epilogue_slugs())
def test_rendered_epilogue_is_never_typeset_as_maths(slug):
    from casekit import cases

    if not hasattr(cases, "load_epilogue"):
        pytest.skip("casekit.cases has no load_epilogue() yet")
    epilogue = cases.load_epilogue(slug)
    assert markdown_risks(cases.render(epilogue)) == []
    for heading in cases.section_headings(epilogue):
        assert markdown_risks(cases.render_section(epilogue, heading)) == [], heading


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_markdown_and_outputs_are_never_typeset_as_maths(path):
    nb = nbformat.read(path, as_version=4)
    problems = []
    for index, cell in enumerate(nb.cells):
        where = f"{path.relative_to(ROOT)} cell {index}"
        if cell.cell_type == "markdown":
            problems += [f"{where} (markdown): {p}" for p in markdown_risks(cell.source, MATHS_TAG in _tags(cell))]
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data", {})
            if "text/markdown" in data:
                problems += [f"{where} (Markdown output): {p}" for p in markdown_risks(data["text/markdown"])]
            if "text/html" in data:
                problems += [f"{where} (HTML output): {p}" for p in html_risks(data["text/html"])]
    assert problems == [], "\n".join(problems)


# ------------------------------------------------------------------------------------------------
# HTML built by the widgets (not stored in notebooks: widget state is live kernel state)
# ------------------------------------------------------------------------------------------------
def _walk(widget, seen=None):
    seen = set() if seen is None else seen
    if id(widget) in seen:
        return
    seen.add(id(widget))
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from _walk(child, seen)


def _widget_text_risks(root, where: str) -> list[str]:
    """Descriptions are typeset by ipywidgets; HTML/Label values are checked as HTML too."""
    import ipywidgets as widgets

    problems = []
    for w in _walk(root):
        description = getattr(w, "description", "") or ""
        if isinstance(description, str) and description:
            problems += [f"{where} {type(w).__name__}.description: {p}" for p in html_risks(description)]
        if isinstance(w, (widgets.HTML, widgets.HTMLMath, widgets.Label)):
            problems += [f"{where} {type(w).__name__}.value: {p}" for p in html_risks(w.value or "")]
    return problems


def _ui(obj):
    return getattr(obj, "ui", None) or getattr(obj, "widget", None) or obj


def test_explorer_readouts_are_never_typeset_as_maths():
    from casekit import explorer

    problems = []
    for dollars in ("nominal", "constant"):
        ex = explorer.DataExplorer(country="Egypt", dollars=dollars)
        problems += _widget_text_risks(_ui(ex), f"DataExplorer({dollars})")
    assert problems == [], "\n".join(problems)


def test_lab_widgets_and_reveals_are_never_typeset_as_maths(tmp_path, monkeypatch):
    from casekit import conditionality, leverage, widgets as labs

    monkeypatch.setenv("CASEKIT_WORK_DIR", str(tmp_path))  # predictions recorded here stay here

    problems = []
    for country in leverage.COUNTRIES:
        lab = labs.LeverageLab(country)
        problems += _widget_text_risks(_ui(lab), f"LeverageLab({country})")
    for episode in conditionality.episodes():
        lab = labs.ConditionalityLab(episode)
        problems += _widget_text_risks(_ui(lab), f"ConditionalityLab({episode})")
        if hasattr(lab, "record_prediction") and hasattr(lab, "reveal"):
            lab.record_prediction("comply", 0.6)
            shown = lab.reveal()
            problems += _widget_text_risks(_ui(lab), f"ConditionalityLab({episode}) after reveal")
            if isinstance(shown, str):
                problems += [f"reveal({episode}): {p}" for p in html_risks(shown)]
    assert problems == [], "\n".join(problems)


def test_exercise_prompts_are_never_typeset_as_maths():
    from casekit import conditionality, exercises

    problems = []
    for episode in conditionality.episodes():
        problems += [f"briefing({episode}): {p}" for p in markdown_risks(exercises.briefing(episode))]
    assert problems == [], "\n".join(problems)
