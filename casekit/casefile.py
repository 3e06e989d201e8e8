"""Parse and render the kit's case files: the A case ``cases/<slug>/case.md`` and the B case
``cases/<slug>/epilogue.md`` (the template is ``cases/README.md``, version 2).

A case file is YAML front matter followed by a Markdown body. Two kinds of markup are special:

* **Citations** ``[@SOURCE-ID]``, ``[@ID1; @ID2]`` or ``[@ID, p. 17]``: keys of ``data/sources.csv``.
  They render as numbered endnotes, ``[3]``, ``[3, p. 17]``, ``[2; 5]``, numbered in order of first
  citation in the file; :func:`references` gives the numbered list. No link sits mid-sentence.
* **Placeholders** ``{{ aid("Egypt", "FMF", 2012) }}``: figures looked up by :mod:`casekit.facts`
  (parsed with :mod:`ast`, never evaluated); the sources of the rows used are cited automatically.

Every piece of Markdown this module returns has passed through :func:`casekit.textsafe.md_safe`,
so a dollar sign never typesets as maths. Nothing here reads outside the repository, touches the
network or depends on the current directory. The template checks live in :mod:`casekit.casecheck`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from . import data, facts, paths
from .facts import CaseError, FactError
from .textsafe import md_safe
from .vocabulary import CHALLENGE_NAMES

__all__ = [
    "Case",
    "CaseError",
    "FactError",
    "REQUIRED_SECTIONS",
    "EPILOGUE_SECTIONS",
    "CHALLENGES",
    "RECOMMENDATIONS",
    "BLOOM_VERBS",
    "load",
    "load_epilogue",
    "parse",
    "case_slugs",
    "sources_table",
    "citation_keys",
    "placeholders",
    "evaluate",
    "render",
    "render_section",
    "references",
    "show_section",
    "show_epilogue_section",
    "render_front_matter",
    "episode_text",
    "discussion_questions",
    "question_map",
    "episode_headings",
    "section_headings",
    "word_count",
]

# --------------------------------------------------------------------------------------------
# the template (cases/README.md, version 2; tests/test_cases.py reads the A-case list from there)

REQUIRED_SECTIONS = (
    "Summary",
    "The relationship and what the United States wants",
    "The mutual threat",
    "Assistance over time",
    "Leverage",
    "Conditionality episodes",
    "Lock-in",
    "The interagency",
    "Measuring outcomes",
    "The decision",
    "Discussion questions",
)

EPILOGUE_SECTIONS = (
    "What was decided",
    "What followed",
    "How the episodes score",
    "The report's claims in hindsight",
    "Debrief questions",
)

REQUIRED_FIELDS = (
    "title", "country", "slug", "version", "decision", "estimated_time", "learning_objectives",
    "pre_reading", "glossary", "episodes",
)

EPILOGUE_FIELDS = ("title", "country", "slug", "decision_date", "episodes")

COUNTRIES = data.COUNTRIES

#: Rand & Tankel (2015), Part IV: the eight challenges, tagged C1..C8 in questions (one list, in casekit.vocabulary).
CHALLENGES = CHALLENGE_NAMES

#: Rand & Tankel (2015), Part V: the ten recommendations, tagged R1..R10 (short titles).
RECOMMENDATIONS = {
    "R1": "Consolidate, rationalize and rebalance the authorities",
    "R2": "Undertake regional reviews of assistance and cooperation",
    "R3": "Use more regionally appropriated funds",
    "R4": "Improve interagency coordination and State's capacity",
    "R5": "Set implementation goals for PPD 23 linking military and civilian aims",
    "R6": "Revise IMET and focus on professionalizing institutions",
    "R7": "Invest in a consistent policy on partner accountability",
    "R8": "Invest early, and in 'headware' more than hardware",
    "R9": "Use positive conditionality proactively",
    "R10": "Track outcomes systematically across agencies",
}

#: Bloom's verbs a learning objective may start with (revised taxonomy, by level).
BLOOM_VERBS = {
    "remember": ("define", "identify", "list", "recall", "describe"),
    "understand": ("explain", "summarize", "classify", "compare", "interpret"),
    "apply": ("apply", "use", "demonstrate", "calculate"),
    "analyze": ("analyze", "differentiate", "distinguish", "examine", "attribute", "diagnose"),
    "evaluate": ("evaluate", "assess", "judge", "critique", "justify", "defend", "weigh"),
    "create": ("design", "propose", "construct", "formulate", "develop", "plan"),
}

# --------------------------------------------------------------------------------------------
# parsing

_FRONT_RE = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)
_H2_RE = re.compile(r"^##[ \t]+(.+?)[ \t]*$", re.M)
_ANCHOR_HEADING_RE = re.compile(r"^###[ \t]+(.+?)[ \t]*\{#([a-z0-9][a-z0-9-]*)\}[ \t]*$", re.M)
_CITE_RE = re.compile(r"\[(@[^\[\]]+?)\]")
_KEY_RE = re.compile(r"@([A-Z0-9][A-Za-z0-9.-]*[A-Za-z0-9])")
_PLACEHOLDER_RE = re.compile(r"\{\{(.*?)\}\}", re.S)
_QUESTION_RE = re.compile(r"^\s*(\d+)\.\s+\[([^\]]*)\]\s*(.*)$")
_TOKEN_RE = re.compile(r"\{\{(.*?)\}\}|\[(@[^\[\]]+?)\]", re.S)
_TAG_RE = re.compile(r"^(C[1-8]|R(?:10|[1-9]))$")


@dataclass
class Case:
    """One parsed case file: an A case (``kind="case"``) or an epilogue (``kind="epilogue"``)."""

    slug: str
    meta: dict
    body: str
    path: Path | None = None
    body_line: int = 1  # line number of the body's first line in the file
    sections: dict = field(default_factory=dict)  # heading -> text (without the heading line)
    kind: str = "case"

    @property
    def country(self) -> str:
        return self.meta.get("country", "")

    @property
    def title(self) -> str:
        return self.meta.get("title", "")

    @property
    def filename(self) -> str:
        return f"cases/{self.slug}/{'epilogue' if self.kind == 'epilogue' else 'case'}.md"

    @property
    def decision_date(self) -> str:
        """``"YYYY-MM"`` of the decision (A case: ``decision.date``; epilogue: ``decision_date``)."""
        if self.kind == "epilogue":
            return str(self.meta.get("decision_date", "") or "")
        dec = self.meta.get("decision") or {}
        return str(dec.get("date", "") or "") if isinstance(dec, dict) else ""

    def where(self, offset: int | None = None) -> str:
        if offset is None:
            return self.filename
        return f"{self.filename}, line {self.line_of(offset)}"

    def line_of(self, offset: int) -> int:
        """File line number of a character offset in the body."""
        return self.body_line + self.body.count("\n", 0, offset)


def parse(text: str, slug: str | None = None, path: Path | None = None, kind: str = "case") -> Case:
    """Parse the text of a case file (or epilogue, ``kind="epilogue"``) into a :class:`Case`."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    m = _FRONT_RE.match(text)
    label = f"cases/{slug}/{'epilogue' if kind == 'epilogue' else 'case'}.md" if slug else f"{kind} file"
    if not m:
        raise CaseError(f"{label}: no YAML front matter (the file must start with a line '---')")
    try:
        meta = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        raise CaseError(f"{label}: front matter is not valid YAML ({exc})") from None
    if not isinstance(meta, dict):
        raise CaseError(f"{label}: front matter must be a mapping of fields")
    body = text[m.end():]
    body_line = text.count("\n", 0, m.end()) + 1
    slug = slug or meta.get("slug") or "case"
    case = Case(slug=slug, meta=meta, body=body, path=path, body_line=body_line, kind=kind)
    case.sections = _split_sections(body)
    return case


def _split_sections(body: str) -> dict:
    heads = list(_H2_RE.finditer(body))
    out = {}
    for i, h in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(body)
        out.setdefault(h.group(1).strip(), body[h.end():end].strip("\n"))
    return out


def case_slugs() -> list[str]:
    """The slugs of every case folder that has a case.md, sorted."""
    return sorted(p.parent.name for p in paths.CASES.glob("*/case.md"))


def load(slug: str) -> Case:
    """Read and parse the A case ``cases/<slug>/case.md``."""
    path = paths.CASES / str(slug) / "case.md"
    if not path.exists():
        from casekit import validate  # one line naming the cases and the closest match (no traceback)

        validate.choice("case", slug, case_slugs())
        raise CaseError(f"cases/{slug}/case.md: file not found (cases: {', '.join(case_slugs())})")
    return parse(path.read_text(encoding="utf-8"), slug=slug, path=path)


def load_epilogue(slug: str) -> Case:
    """Read and parse the B case ``cases/<slug>/epilogue.md`` (what was decided and what followed)."""
    path = paths.CASES / slug / "epilogue.md"
    if not path.exists():
        raise CaseError(f"cases/{slug}/epilogue.md: file not found (template v2 requires an epilogue)")
    return parse(path.read_text(encoding="utf-8"), slug=slug, path=path, kind="epilogue")


def section_headings(case: Case) -> list[str]:
    """Level-2 headings in the order they appear."""
    return [m.group(1).strip() for m in _H2_RE.finditer(case.body)]


def anchored_headings(case: Case, section: str | None = None) -> dict:
    """``{anchor: heading title}`` for every ``### Title {#anchor}`` (optionally within one section)."""
    text = case.body if section is None else case.sections.get(section, "")
    return {m.group(2): m.group(1).strip() for m in _ANCHOR_HEADING_RE.finditer(text)}


def episode_headings(case: Case) -> dict:
    """``{episode_id: heading title}`` for the episode headings of the file.

    A case: the ``{#id}`` headings of *Conditionality episodes*. Epilogue: the ``{#id}`` headings of
    *What followed* (the later episodes; score headings ``{#id-score}`` are not episodes).
    """
    section = "Conditionality episodes" if case.kind == "case" else "What followed"
    return anchored_headings(case, section)


def _questions(text: str) -> list[dict]:
    questions = []
    for line in text.splitlines():
        m = _QUESTION_RE.match(line)
        if m:
            tags = [t.strip() for t in re.split(r"[,;]", m.group(2)) if t.strip()]
            questions.append({"number": int(m.group(1)), "tags": tags, "text": m.group(3).strip()})
        elif questions and line.strip() and not line.lstrip().startswith("#"):
            questions[-1]["text"] += " " + line.strip()
    return questions


def discussion_questions(case: Case) -> list[dict]:
    """The numbered questions (A case: *Discussion questions*; epilogue: *Debrief questions*).

    Returns ``[{"number", "tags", "text"}]``; a question may run over several lines.
    """
    heading = "Discussion questions" if case.kind == "case" else "Debrief questions"
    return _questions(case.sections.get(heading, ""))


# --------------------------------------------------------------------------------------------
# words

_MD_NOISE = re.compile(r"[#*_>`|]")


def prose(case: Case) -> str:
    """The body's prose: without the question list, headings, placeholders and citations."""
    skip = {"Discussion questions", "Debrief questions"}
    text = "\n\n".join(t for h, t in case.sections.items() if h not in skip)
    text = re.sub(r"^#{1,6}[ \t].*$", " ", text, flags=re.M)
    text = _PLACEHOLDER_RE.sub(" X ", text)
    text = _CITE_RE.sub(" ", text)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    return text


def word_count(case: Case) -> int:
    """Words of prose (headings, citations and the question list excluded).

    A placeholder counts as one word (it renders as an amount such as "$1.3 billion").
    """
    text = _MD_NOISE.sub(" ", prose(case))
    return len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'’.-]*", text))


# --------------------------------------------------------------------------------------------
# sources and citations


def sources_table() -> pd.DataFrame:
    """``data/sources.csv`` (validated by :func:`casekit.data.load`) as text, indexed by source_id."""
    return _sources_table(data.fingerprint())


@functools.lru_cache(maxsize=4)
def _sources_table(_stamp) -> pd.DataFrame:
    df = data.load("sources").astype(object).fillna("")
    df = df.astype(str)
    return df.drop_duplicates("source_id", keep="first").set_index("source_id", drop=False)


def citation_keys(text: str) -> list[str]:
    """Every source key cited in ``text`` (``[@A]``, ``[@A; @B]``, ``[@A, p. 3]``), first-seen order."""
    keys = []
    for m in _CITE_RE.finditer(text):
        for part in m.group(1).split(";"):
            k = _KEY_RE.match(part.strip())
            if k:
                keys.append(k.group(1))
    return list(dict.fromkeys(keys))


def _cite_parts(inner: str, where: str = "") -> list[tuple[str, str]]:
    out = []
    for part in inner.split(";"):
        part = part.strip()
        k = _KEY_RE.match(part)
        if not k:
            raise CaseError(f"{where + ': ' if where else ''}malformed citation [{inner}]: each item must be @SOURCE-ID")
        out.append((k.group(1), part[k.end():].lstrip(", ").strip()))
    return out


# --------------------------------------------------------------------------------------------
# placeholders (figures come from casekit.facts)


@dataclass(frozen=True)
class Placeholder:
    name: str
    args: tuple
    kwargs: dict
    source: str  # the text between the braces
    start: int
    end: int


def placeholders(text: str) -> list[Placeholder]:
    """Every ``{{ ... }}`` in ``text``, parsed (raises :class:`FactError` on the first bad one)."""
    out = []
    for m in _PLACEHOLDER_RE.finditer(text):
        name, args, kwargs = facts.parse_placeholder(m.group(1))
        out.append(Placeholder(name, args, kwargs, m.group(1).strip(), m.start(), m.end()))
    return out


def evaluate(expr: str) -> facts.FactValue:
    """Parse and look up one placeholder expression (without braces); cached until the data change."""
    return _evaluate(expr.strip(), data.fingerprint())


@functools.lru_cache(maxsize=1024)
def _evaluate(expr: str, _stamp) -> facts.FactValue:
    return facts.evaluate(expr)


# --------------------------------------------------------------------------------------------
# endnote numbering


def note_numbers(case: Case) -> dict:
    """``{source_id: n}``: endnote numbers in order of first citation (front matter first, then body).

    Sources that placeholders cite automatically are numbered where the placeholder stands.
    A placeholder that finds no data is skipped here (rendering it raises the error).
    """
    keys = []
    for item in case.meta.get("pre_reading", []) or []:
        keys.append(item.get("source"))
    for item in case.meta.get("glossary", []) or []:
        keys.append(item.get("source"))
    tokens = sorted([(m.start(), "p", m.group(1)) for m in _PLACEHOLDER_RE.finditer(case.body)]
                    + [(m.start(), "c", m.group(1)) for m in _CITE_RE.finditer(case.body)])
    for _, kind, inner in tokens:
        if kind == "c":
            keys.extend(k for k, _ in _cite_parts(inner, case.filename))
        else:
            try:
                keys.extend(evaluate(inner).sources)
            except FactError:
                continue
    keys = [k for k in dict.fromkeys(keys) if k]
    return {k: i for i, k in enumerate(keys, 1)}


def _render_text(text: str, numbers: dict, sources: pd.DataFrame, case: Case, offset: int = 0) -> str:
    """Placeholders -> figures with endnote numbers; citations -> ``[n, locator]``; anchors removed."""

    def number(key: str, at: int) -> int:
        if key not in sources.index:
            raise CaseError(f"{case.where(offset + at)}: citation key @{key} is not in data/sources.csv")
        if key not in numbers:  # cited only in text rendered on its own (e.g. a test sample)
            numbers[key] = max(numbers.values(), default=0) + 1
        return numbers[key]

    def sub(m):
        if m.group(1) is not None:  # a placeholder
            expr = m.group(1)
            try:
                _, _, kwargs = facts.parse_placeholder(expr)
                value = evaluate(expr)
            except FactError as exc:
                raise FactError(f"{case.where(offset + m.start())}: {exc}") from None
            nums = [number(s, m.start()) for s in value.sources]
            if kwargs.get("cite", True) is False or not nums:
                return value.text
            return f"{value.text} [{'; '.join(str(n) for n in dict.fromkeys(nums))}]"
        items = []
        for key, loc in _cite_parts(m.group(2), case.where(offset + m.start())):
            n = number(key, m.start())
            items.append(f"{n}, {loc}" if loc else str(n))
        return "[" + "; ".join(items) + "]"

    text = _TOKEN_RE.sub(sub, text)
    text = re.sub(r"[ \t]*\{#[a-z0-9-]+\}[ \t]*$", "", text, flags=re.M)
    return text


def _section_offset(case: Case, heading: str) -> int:
    m = re.search(rf"^##[ \t]+{re.escape(heading)}[ \t]*$\n?", case.body, re.M)
    return m.end() if m else 0


def render_section(case: Case, heading: str, level: int = 2) -> str:
    """One body section as Markdown with figures and endnote numbers rendered (heading included)."""
    if heading not in case.sections:
        raise CaseError(f"{case.where()}: no section '## {heading}' (sections: {', '.join(case.sections)})")
    text = _render_text(case.sections[heading], note_numbers(case), sources_table(), case,
                        _section_offset(case, heading))
    return md_safe(f"{'#' * level} {heading}\n\n{text}\n")


def _reference_line(row, n: int) -> str:
    author = str(row.get("author", "") or "").strip()
    publisher = str(row.get("publisher", "") or "").strip()
    bits = [author or publisher, f"*{str(row.get('title', '')).strip()}*"]
    if publisher and publisher != author:
        bits.append(publisher)
    if row.get("report_number") and not str(row["report_number"]).startswith("("):
        bits.append(str(row["report_number"]))
    if row.get("date"):
        bits.append(str(row["date"]))
    line = ". ".join(b.rstrip(". ") for b in bits if b) + "."
    url = str(row.get("url", "") or "")
    if url.startswith("http"):
        line += f" <{url}>"
    return f"- [{n}] {line}"


def references(case: Case, keys=None, heading: str = "References") -> str:
    """The numbered reference list (Markdown) of every source the file cites, in endnote order."""
    sources = sources_table()
    numbers = note_numbers(case)
    wanted = list(numbers) if keys is None else [k for k in numbers if k in set(keys)]
    missing = [k for k in wanted if k not in sources.index]
    if missing:
        raise CaseError(f"{case.where()}: citation keys not in data/sources.csv: {', '.join(missing)}")
    lines = [_reference_line(sources.loc[k], numbers[k]) for k in wanted]
    title = f"## {heading}" + (" (epilogue)" if case.kind == "epilogue" and heading == "References" else "")
    return md_safe(title + "\n\n" + "\n".join(lines) + "\n")


def _front_matter_md(case: Case, sources: pd.DataFrame, numbers: dict) -> str:
    m = case.meta
    out = [f"# {m.get('title', '')}", ""]
    if case.kind == "epilogue":  # an epilogue's own glossary: terms that first appear after the decision
        out += _glossary_md(case, sources, numbers, "Glossary of terms that first appear after the decision.")
        return "\n".join(out)
    dec = m.get("decision") or {}
    if isinstance(dec, dict) and dec.get("protagonist"):
        out += [f"**The decision.** {dec.get('protagonist')}, {_month_label(str(dec.get('date', '')))}: "
                f"{dec.get('question', '')}", ""]
    t = m.get("estimated_time", {}) or {}
    if t:
        seminar = t.get("seminar")
        seminar = " or ".join(str(s) for s in seminar) if isinstance(seminar, list) else seminar
        out += [f"*Reading about {t.get('reading')} minutes; notebook about {t.get('notebook')} minutes; "
                f"seminar {seminar} minutes.*", ""]
    out += ["**Learning objectives.** By the end of this case you should be able to:", ""]
    out += [f"{i}. {o}" for i, o in enumerate(m.get("learning_objectives", []) or [], 1)]
    out.append("")
    if m.get("pre_reading"):
        out += ["**Pre-reading.**", ""]
        for item in m["pre_reading"]:
            src = item["source"]
            if src not in sources.index:
                raise CaseError(f"{case.where()}: pre_reading source {src} is not in data/sources.csv")
            out.append(f"- {sources.loc[src].get('title', '')} [{numbers[src]}], {item.get('pages', '')}: "
                       f"{item.get('why', '')}")
        out.append("")
    out += _glossary_md(case, sources, numbers, "Glossary of programs, offices and terms.")
    return "\n".join(out)


def _glossary_md(case: Case, sources: pd.DataFrame, numbers: dict, heading: str) -> list[str]:
    """The front matter's ``glossary`` as Markdown lines (none when the file has no glossary)."""
    items = case.meta.get("glossary") or []
    if not items:
        return []
    out = [f"**{heading}**", ""]
    for g in items:
        src = g["source"]
        if src not in sources.index:
            raise CaseError(f"{case.where()}: glossary source {src} is not in data/sources.csv")
        out.append(f"- **{g['term']}** ({g.get('name', g['term'])}): {g.get('definition', '')} [{numbers[src]}]")
    out.append("")
    return out


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def _month_label(ym: str) -> str:
    """"2015-03" -> "March 2015"; "2015-03-25" -> "25 March 2015"."""
    m = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", ym)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return ym
    label = f"{_MONTHS[int(m.group(2)) - 1]} {m.group(1)}"
    return f"{int(m.group(3))} {label}" if m.group(3) else label


def render(case: Case, with_front_matter: bool = True, with_references: bool = True) -> str:
    """The whole file as Markdown: front matter summary, body with figures and endnotes, references."""
    sources = sources_table()
    numbers = note_numbers(case)
    parts = []
    if with_front_matter:
        parts.append(_front_matter_md(case, sources, numbers))
    parts.append(_render_text(case.body, numbers, sources, case))
    if with_references:
        parts.append(references(case))
    return md_safe("\n\n".join(parts))


def render_front_matter(case: Case) -> str:
    """Title, decision, timings, learning objectives, pre-reading and glossary as Markdown."""
    return md_safe(_front_matter_md(case, sources_table(), note_numbers(case)))


_STOP_RE = re.compile(r"^\*(Response|Outcome)\b", re.M)


def episode_text(case: Case, episode_id: str, before_outcome: bool = False) -> str:
    """One episode's ``### ... {#id}`` subsection, rendered.

    ``before_outcome=True`` stops at the first *Response.* or *Outcome.* marker, so that learners
    predict from the trigger and the demand before reading what happened. Works on an A case and on
    an epilogue (later episodes).
    """
    m = re.search(rf"^###[ \t]+(.+?)[ \t]*\{{#{re.escape(episode_id)}\}}[ \t]*$", case.body, re.M)
    if not m:
        raise CaseError(f"{case.where()}: no episode heading {{#{episode_id}}} "
                        f"(episodes here: {', '.join(episode_headings(case)) or 'none'})")
    nxt = re.search(r"^###?[ \t]", case.body[m.end():], re.M)
    chunk = case.body[m.end(): m.end() + nxt.start()] if nxt else case.body[m.end():]
    if before_outcome:
        stop = _STOP_RE.search(chunk)
        if stop:
            chunk = chunk[: stop.start()]
    body = _render_text(chunk.strip("\n"), note_numbers(case), sources_table(), case, m.end())
    return md_safe(f"### {m.group(1).strip()}\n\n{body}\n")


def question_map(case: Case, epilogue: Case | None = None) -> str:
    """A Markdown table: each challenge (C1-C8) and recommendation (R1-R10) with the questions tagged.

    Discussion questions are ``Q1``..; debrief questions of the epilogue are ``D1``...
    """
    tagged: dict = {}
    for prefix, doc in (("Q", case), ("D", epilogue)):
        if doc is None:
            continue
        for q in discussion_questions(doc):
            for t in q["tags"]:
                tagged.setdefault(t, []).append(f"{prefix}{q['number']}")
    rows = ["| code | challenge or recommendation (Rand and Tankel 2015) | questions |", "|---|---|---|"]
    for code, name in list(CHALLENGES.items()) + list(RECOMMENDATIONS.items()):
        rows.append(f"| {code} | {name} | {', '.join(tagged.get(code, [])) or '(none)'} |")
    return md_safe("\n".join(rows) + "\n")


def show_section(case: Case, heading: str):
    """Display one rendered section in a notebook (returns an IPython Markdown object)."""
    from IPython.display import Markdown

    return Markdown(render_section(case, heading))


def show_epilogue_section(epilogue: Case | str, heading: str):
    """Display one rendered epilogue section (pass the loaded epilogue or the case slug)."""
    from IPython.display import Markdown

    if isinstance(epilogue, str):
        epilogue = load_epilogue(epilogue)
    if epilogue.kind != "epilogue":
        raise CaseError(f"{epilogue.where()}: show_epilogue_section needs the epilogue (cases.load_epilogue)")
    return Markdown(render_section(epilogue, heading))
