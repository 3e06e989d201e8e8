"""Parse, check and render the kit's case files (``cases/<slug>/case.md``).

A case file is YAML front matter followed by a Markdown body (the template is ``cases/README.md``).
Two kinds of markup are special:

* **Citations** ``[@SOURCE-ID]``, ``[@ID1; @ID2]`` or ``[@ID, p. 17]``: keys of ``data/sources.csv``.
  Rendered as short author-date links, "(Sharp 2015)", with a references list at the end.
* **Placeholders** ``{{ aid("Egypt", "FMF", 2012) }}``: the only way a case states an amount, a
  share or a count of money or arms. Each names a fact function from :data:`FACTS` and passes
  literal arguments. Placeholders are parsed with :mod:`ast` (a single call of a bare name, literal
  arguments only) and never evaluated, so a case file cannot run code. The function looks the fact
  up in the kit's data and returns its text plus the sources of the rows it used; the renderer
  cites those sources automatically.

Nothing here reads outside the repository, touches the network or depends on the current
directory.
"""

from __future__ import annotations

import ast
import csv
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd
import yaml

from . import paths

__all__ = [
    "Case",
    "CaseError",
    "FactError",
    "FactValue",
    "FACTS",
    "REQUIRED_SECTIONS",
    "CHALLENGES",
    "BLOOM_VERBS",
    "load",
    "parse",
    "case_slugs",
    "sources_table",
    "citation_keys",
    "placeholders",
    "parse_placeholder",
    "evaluate",
    "render",
    "render_section",
    "references",
    "show_section",
    "render_front_matter",
    "episode_text",
    "discussion_questions",
    "episode_headings",
    "word_count",
    "format_usd_millions",
    "format_percent",
]


class CaseError(ValueError):
    """A case file breaks the template. The message names the file and, where known, the line."""


class FactError(CaseError):
    """A placeholder is malformed, not whitelisted, or finds no data."""


# --------------------------------------------------------------------------------------------
# the template (kept in step with cases/README.md)

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
    "After the report",
    "Discussion questions",
)

REQUIRED_FIELDS = (
    "title",
    "country",
    "slug",
    "version",
    "estimated_time",
    "learning_objectives",
    "pre_reading",
    "glossary",
    "episodes",
)

COUNTRIES = ("Egypt", "Pakistan", "Iraq", "Bahrain", "Lebanon", "Colombia")

#: Rand & Tankel (2015), Part IV: the eight challenges, tagged C1..C8 in discussion questions.
CHALLENGES = {
    "C1": "Prioritize objectives",
    "C2": "Scope the mutual threat",
    "C3": "Balance short- and long-term objectives",
    "C4": "Assess leverage",
    "C5": "Understand the impact and effects of conditionality",
    "C6": "Manage and avoid the lock-in problem",
    "C7": "Ensure better interagency balance",
    "C8": "Measure outcomes",
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
_EPISODE_RE = re.compile(r"^###[ \t]+(.+?)[ \t]*\{#([a-z0-9][a-z0-9-]*)\}[ \t]*$", re.M)
_CITE_RE = re.compile(r"\[(@[^\[\]]+?)\]")
_KEY_RE = re.compile(r"@([A-Z0-9][A-Za-z0-9.-]*[A-Za-z0-9])")
_PLACEHOLDER_RE = re.compile(r"\{\{(.*?)\}\}", re.S)
_QUESTION_RE = re.compile(r"^\s*(\d+)\.\s+\[([^\]]*)\]\s*(.*)$")


@dataclass
class Case:
    """One parsed case file."""

    slug: str
    meta: dict
    body: str
    path: Path | None = None
    body_line: int = 1  # line number of the body's first line in the file
    sections: dict = field(default_factory=dict)  # heading -> text (without the heading line)

    @property
    def country(self) -> str:
        return self.meta.get("country", "")

    @property
    def title(self) -> str:
        return self.meta.get("title", "")

    def where(self, offset: int | None = None) -> str:
        name = f"cases/{self.slug}/case.md"
        if offset is None:
            return name
        return f"{name}, line {self.body_line + self.body.count(chr(10), 0, offset)}"


def parse(text: str, slug: str | None = None, path: Path | None = None) -> Case:
    """Parse the text of a case file into a :class:`Case` (no data lookups)."""
    text = text.replace("\r\n", "\n")
    m = _FRONT_RE.match(text)
    label = f"cases/{slug}/case.md" if slug else "case file"
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
    case = Case(slug=slug, meta=meta, body=body, path=path, body_line=body_line)
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
    """Read and parse ``cases/<slug>/case.md``."""
    path = paths.CASES / slug / "case.md"
    if not path.exists():
        raise CaseError(f"cases/{slug}/case.md: file not found (cases: {', '.join(case_slugs())})")
    return parse(path.read_text(encoding="utf-8"), slug=slug, path=path)


def section_headings(case: Case) -> list[str]:
    """Level-2 headings in the order they appear."""
    return [m.group(1).strip() for m in _H2_RE.finditer(case.body)]


def episode_headings(case: Case) -> dict:
    """``{episode_id: heading title}`` for every ``### Title {#id}`` heading in the body."""
    return {m.group(2): m.group(1).strip() for m in _EPISODE_RE.finditer(case.body)}


def discussion_questions(case: Case) -> list[dict]:
    """The numbered discussion questions: ``[{"number", "tags", "text"}]``.

    A question may run over several lines; continuation lines are joined to it.
    """
    text = case.sections.get("Discussion questions", "")
    questions = []
    for line in text.splitlines():
        m = _QUESTION_RE.match(line)
        if m:
            tags = [t.strip() for t in m.group(2).split(",") if t.strip()]
            questions.append({"number": int(m.group(1)), "tags": tags, "text": m.group(3).strip()})
        elif questions and line.strip():
            questions[-1]["text"] += " " + line.strip()
    return questions


# --------------------------------------------------------------------------------------------
# words

_MD_NOISE = re.compile(r"[#*_>`|]")


def prose(case: Case) -> str:
    """The body's prose: without the discussion questions, headings, placeholders and citations."""
    parts = []
    for heading, text in case.sections.items():
        if heading == "Discussion questions":
            continue
        parts.append(text)
    text = "\n\n".join(parts)
    text = re.sub(r"^#{1,6}[ \t].*$", " ", text, flags=re.M)
    text = _PLACEHOLDER_RE.sub(" X ", text)
    text = _CITE_RE.sub(" ", text)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    return text


def word_count(case: Case) -> int:
    """Words of prose (headings, citations and the discussion questions excluded).

    A placeholder counts as one word (it renders as an amount such as "$1.3 billion").
    """
    text = _MD_NOISE.sub(" ", prose(case))
    return len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'’.-]*", text))


# --------------------------------------------------------------------------------------------
# data access


def _table(name: str) -> pd.DataFrame:
    """A kit table, validated through :func:`casekit.data.load`.

    While the lead has not yet written a table's schema (early in the build), the CSV is read
    directly with pandas; once the schema exists, validation errors are raised, never hidden.
    """
    return _cached_table(name, _mtime(paths.DATA / f"{name}.csv"))


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return -1


@functools.lru_cache(maxsize=32)
def _cached_table(name: str, _stamp) -> pd.DataFrame:
    schema = paths.DATA / "schemas" / f"{name}.json"
    if schema.exists():
        from . import data

        return data.load(name)
    path = paths.DATA / f"{name}.csv"
    if not path.exists():
        raise FactError(f"data/{name}.csv does not exist yet")
    df = pd.read_csv(path, keep_default_na=False, na_values=[""])
    if "chart" in df.columns:
        df["chart"] = df["chart"].astype(str).str.lower().map({"true": True, "false": False})
    return df


def sources_table() -> pd.DataFrame:
    """``data/sources.csv`` as text, indexed by source_id (read raw so a typo in a case still renders)."""
    main = paths.DATA / "sources.csv"
    if not main.exists():
        return pd.DataFrame(columns=["source_id", "title", "author", "publisher", "date", "url"])
    with main.open(encoding="utf-8", newline="") as fh:
        df = pd.DataFrame(list(csv.DictReader(fh))).fillna("")
    df = df[df["source_id"].astype(str).str.len() > 0]
    return df.drop_duplicates("source_id", keep="first").set_index("source_id", drop=False)


# --------------------------------------------------------------------------------------------
# citations


def citation_keys(text: str) -> list[str]:
    """Every source key cited in ``text`` (``[@A]``, ``[@A; @B]``, ``[@A, p. 3]``), first-seen order."""
    keys = []
    for m in _CITE_RE.finditer(text):
        for part in m.group(1).split(";"):
            k = _KEY_RE.match(part.strip())
            if k:
                keys.append(k.group(1))
    return list(dict.fromkeys(keys))


def _cite_parts(inner: str) -> list[tuple[str, str]]:
    out = []
    for part in inner.split(";"):
        part = part.strip()
        k = _KEY_RE.match(part)
        if not k:
            raise CaseError(f"malformed citation [{inner}]: each item must be @SOURCE-ID")
        locator = part[k.end():].lstrip(", ").strip()
        out.append((k.group(1), locator))
    return out


_ORG_WORDS = re.compile(
    r"\b(Office|Institute|Department|Project|Council|News|Magazine|Editors|Press|Endowment|Center|"
    r"Centre|Chamber|Congress|Association|Agency|Service|Committee|Foundation|Watch|International|"
    r"Reuters|Bloomberg|Times|Post|Monitor|Observer|Staff|Government|Library|Report|Review|Radio|"
    r"AP|AFP|CQ|GAO|CRS|POMED|TIMEP|SIPRI|World|Bank|Nations|Forum|Program|Programme|Daily|Weekly|"
    r"Tribune|Journal|Herald|Network|Media|Line|i24NEWS|Insight|Initiative)\b"
)


def _is_person(name: str) -> bool:
    tokens = name.split()
    return 2 <= len(tokens) <= 5 and not _ORG_WORDS.search(name) and all(t[:1].isupper() for t in tokens)


def _short_author(row) -> str:
    author = re.sub(r"\([^)]*\)", "", str(row.get("author", ""))).strip()
    publisher = re.sub(r"\([^)]*\)", "", str(row.get("publisher", ""))).strip()
    people = [p.strip() for p in re.split(r";| and ", author) if p.strip()]
    if people and all(_is_person(p) for p in people):
        surnames = [p.split()[-1] for p in people]
        if len(surnames) == 1:
            return surnames[0]
        if len(surnames) == 2:
            return f"{surnames[0]} and {surnames[1]}"
        return f"{surnames[0]} et al."
    org = author or publisher or "Anon."
    if re.fullmatch(r"[A-Z]{2,6}", publisher or "") and (len(org) > 30 or org.startswith("The Editors")):
        org = publisher  # an acronym such as GAO reads better than the full name
    return org


def _year(row) -> str:
    m = re.search(r"\d{4}", str(row.get("date", "")))
    return m.group(0) if m else "n.d."


def citation_labels(keys, sources: pd.DataFrame | None = None) -> dict:
    """``{key: "Sharp 2013a"}``: author-date labels, with a/b suffixes where two differ only by key."""
    sources = sources_table() if sources is None else sources
    base = {}
    for k in keys:
        if k not in sources.index:
            raise CaseError(f"citation key @{k} is not in data/sources.csv")
        row = sources.loc[k]
        base[k] = (f"{_short_author(row)} {_year(row)}", str(row.get("date", "")))
    groups: dict = {}
    for k, (label, date) in base.items():
        groups.setdefault(label, []).append((date, k))
    labels = {}
    for label, members in groups.items():
        if len(members) == 1:
            labels[members[0][1]] = label
        else:
            for i, (_, k) in enumerate(sorted(members)):
                labels[k] = f"{label}{chr(ord('a') + i)}"
    return labels


# --------------------------------------------------------------------------------------------
# placeholders and fact functions


@dataclass(frozen=True)
class FactValue:
    """What a fact function returns: the text to print and the source ids behind it."""

    text: str
    sources: tuple = ()
    value: float | None = None


#: name -> function. Only these may appear in a placeholder.
FACTS: dict = {}


def fact_function(fn):
    """Register ``fn`` as a placeholder fact function."""
    FACTS[fn.__name__] = fn
    return fn


@dataclass(frozen=True)
class Placeholder:
    name: str
    args: tuple
    kwargs: dict
    source: str  # the text between the braces
    start: int
    end: int


_ALLOWED_KWARGS = {"cite"}


def parse_placeholder(expr: str) -> tuple[str, tuple, dict]:
    """Parse ``aid("Egypt", "FMF", 2012)`` into ``("aid", ("Egypt", "FMF", 2012), {})``.

    Only one call of a whitelisted bare name with literal positional arguments (str, int, float,
    bool) and the keyword ``cite`` is accepted; anything else raises :class:`FactError`. Nothing is
    evaluated.
    """
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError as exc:
        raise FactError(f"placeholder {{{{ {expr.strip()} }}}} is not a call ({exc.msg})") from None
    call = tree.body
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        raise FactError(f"placeholder {{{{ {expr.strip()} }}}} must be a single call like aid(...)")
    name = call.func.id
    if name not in FACTS:
        raise FactError(f"placeholder {{{{ {expr.strip()} }}}}: {name!r} is not a fact function "
                        f"(allowed: {', '.join(sorted(FACTS))})")

    def literal(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float, bool)):
            return node.value
        raise FactError(f"placeholder {{{{ {expr.strip()} }}}}: arguments must be literals")

    args = tuple(literal(a) for a in call.args)
    kwargs = {}
    for kw in call.keywords:
        if kw.arg not in _ALLOWED_KWARGS:
            raise FactError(f"placeholder {{{{ {expr.strip()} }}}}: keyword {kw.arg!r} not allowed")
        kwargs[kw.arg] = literal(kw.value)
    return name, args, kwargs


def placeholders(text: str) -> list[Placeholder]:
    """Every ``{{ ... }}`` in ``text``, parsed (raises :class:`FactError` on the first bad one)."""
    out = []
    for m in _PLACEHOLDER_RE.finditer(text):
        name, args, kwargs = parse_placeholder(m.group(1))
        out.append(Placeholder(name, args, kwargs, m.group(1).strip(), m.start(), m.end()))
    return out


def evaluate(expr: str) -> FactValue:
    """Parse and look up one placeholder expression (without braces)."""
    name, args, _ = parse_placeholder(expr)
    try:
        return FACTS[name](*args)
    except FactError:
        raise
    except TypeError as exc:
        raise FactError(f"placeholder {{{{ {expr.strip()} }}}}: {exc}") from None


# number formatting: show the figure exactly as the data hold it, never rounded


def _plain(d: Decimal) -> str:
    s = format(d.normalize(), "f")
    if "." in s:
        whole, frac = s.split(".")
    else:
        whole, frac = s, ""
    whole = f"{int(whole):,}"
    return f"{whole}.{frac}" if frac else whole


def format_usd_millions(amount) -> str:
    """``1300`` -> "$1.3 billion", ``575`` -> "$575 million", ``1289.47`` -> "$1,289.47 million".

    Billions are used only when the figure converts exactly with at most three decimals, so nothing
    is ever rounded for display.
    """
    d = Decimal(str(float(amount)))
    if d >= 1000:
        b = (d / 1000).normalize()
        if -b.as_tuple().exponent <= 3:
            return f"${_plain(b)} billion"
    return f"${_plain(d)} million"


def format_percent(fraction: float) -> str:
    """A computed share (0-1) as a whole percent: 0.2764 -> "28%". Shares under 0.5% print "<1%"."""
    pct = float(fraction) * 100
    if 0 < pct < 0.5:
        return "<1%"
    return f"{Decimal(str(pct)).quantize(Decimal('1'), rounding='ROUND_HALF_UP')}%"


_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]


def _chart_rows(country: str, group: str, start: int, end: int, row_type: str = "program") -> pd.DataFrame:
    df = _table("assistance")
    sel = df[(df["country"] == country) & (df["program_group"] == group) & (df["row_type"] == row_type)
             & df["fiscal_year"].between(start, end)]
    sel = sel[sel["chart"].fillna(False).astype(bool) & sel["amount_usd_millions"].notna()]
    return sel


@fact_function
def aid(country: str, group: str, fiscal_year: int) -> FactValue:
    """The chart row of ``assistance.csv`` for one program group and fiscal year, as "$1.3 billion"."""
    sel = _chart_rows(country, group, fiscal_year, fiscal_year)
    if sel.empty:
        raise FactError(f"aid({country!r}, {group!r}, {fiscal_year}): assistance.csv has no chart row "
                        "with an amount for that country, program group and fiscal year")
    row = sel.iloc[0]
    amount = float(row["amount_usd_millions"])
    return FactValue(format_usd_millions(amount), (row["source_id"],), amount)


@fact_function
def aid_sum(country: str, group: str, start: int, end: int) -> FactValue:
    """Sum of chart rows over fiscal years start..end; fails if any year in the range is missing."""
    sel = _chart_rows(country, group, start, end)
    missing = sorted(set(range(start, end + 1)) - set(int(y) for y in sel["fiscal_year"]))
    if missing:
        raise FactError(f"aid_sum({country!r}, {group!r}, {start}, {end}): no chart row for FY "
                        + ", ".join(map(str, missing)))
    total = sum(Decimal(str(float(v))) for v in sel["amount_usd_millions"])
    return FactValue(format_usd_millions(total), tuple(dict.fromkeys(sel["source_id"])), float(total))


@fact_function
def aid_years(country: str, group: str, start: int, end: int) -> FactValue:
    """How many fiscal years in start..end have a chart row with an amount (digits)."""
    sel = _chart_rows(country, group, start, end)
    n = sel["fiscal_year"].nunique()
    return FactValue(str(n), tuple(dict.fromkeys(sel["source_id"])), float(n))


def _tiv(country: str, start: int, end: int) -> pd.DataFrame:
    arms = _table("arms_imports")
    sel = arms[(arms["recipient"] == country) & pd.to_numeric(arms["year"], errors="coerce").between(start, end)]
    if sel.empty:
        raise FactError(f"arms_imports.csv has no rows for {country} in {start}-{end}")
    return sel


def _supplier_totals(country: str, start: int, end: int):
    sel = _tiv(country, start, end)
    totals = sel.groupby("supplier")["tiv_millions"].sum().sort_values(ascending=False, kind="mergesort")
    return sel, totals


@fact_function
def tiv_share(country: str, supplier: str, start: int, end: int) -> FactValue:
    """``supplier``'s share of ``country``'s arms imports (SIPRI TIV) over start..end, e.g. "28%"."""
    sel, totals = _supplier_totals(country, start, end)
    if supplier not in totals.index:
        raise FactError(f"tiv_share: no deliveries from {supplier!r} to {country} in {start}-{end}")
    share = float(totals[supplier] / totals.sum())
    return FactValue(format_percent(share), tuple(dict.fromkeys(sel["source_id"])), share)


@fact_function
def tiv_rank(country: str, supplier: str, start: int, end: int) -> FactValue:
    """``supplier``'s rank among ``country``'s suppliers by TIV over start..end ("first", "second" ...)."""
    sel, totals = _supplier_totals(country, start, end)
    if supplier not in totals.index:
        raise FactError(f"tiv_rank: no deliveries from {supplier!r} to {country} in {start}-{end}")
    rank = list(totals.index).index(supplier)
    text = _ORDINALS[rank] if rank < len(_ORDINALS) else f"{rank + 1}th"
    return FactValue(text, tuple(dict.fromkeys(sel["source_id"])), float(rank + 1))


@fact_function
def milex_share(country: str, year: int) -> FactValue:
    """U.S. security assistance as a share of the country's military spending in ``year``, e.g. "21%"."""
    from . import data

    try:
        share = data.security_share_of_milex(country)
    except Exception as exc:  # a table not yet built or not yet valid
        raise FactError(f"milex_share({country!r}, {year}): {exc}") from None
    if year not in share.index or pd.isna(share.loc[year]):
        raise FactError(f"milex_share({country!r}, {year}): no year with both security assistance "
                        "and military expenditure")
    aid_rows = data.assistance(country, year, year)
    aid_rows = aid_rows[aid_rows["category"] == "security"]
    ctx = _table("context")
    ctx = ctx[(ctx["country"] == country) & (ctx["indicator"] == "milex_current_usd") & (ctx["year"] == year)]
    srcs = tuple(dict.fromkeys(list(aid_rows["source_id"]) + list(ctx["source_id"])))
    value = float(share.loc[year])
    return FactValue(format_percent(value), srcs, value)


@fact_function
def context(country: str, indicator: str, year: int) -> FactValue:
    """One value from ``context.csv`` with its unit, printed as the data hold it."""
    ctx = _table("context")
    sel = ctx[(ctx["country"] == country) & (ctx["indicator"] == indicator) & (ctx["year"] == year)]
    if sel.empty:
        raise FactError(f"context({country!r}, {indicator!r}, {year}): no such row in context.csv")
    row = sel.iloc[0]
    value = float(row["value"])
    unit = str(row.get("unit", "") or "")
    num = _plain(Decimal(str(value)))
    if "percent" in unit.lower() or unit.strip() == "%":
        text = f"{num}%"
    elif "usd" in unit.lower() or "dollar" in unit.lower():
        if "million" in unit.lower():
            text = format_usd_millions(value)
        else:
            text = format_usd_millions(Decimal(str(value)) / Decimal(1_000_000))
    else:
        text = f"{num} {unit}".strip()
    return FactValue(text, (row["source_id"],), value)


@fact_function
def fact(fact_id: str) -> FactValue:
    """A row of ``data/case_facts.csv``: an amount tied to one event that no other table holds."""
    rows = _table("case_facts")
    sel = rows[rows["fact_id"] == fact_id]
    if sel.empty:
        raise FactError(f"fact({fact_id!r}): no row with that fact_id in data/case_facts.csv")
    row = sel.iloc[0]
    d = Decimal(str(row["value"]))
    unit = row["unit"]
    if unit == "usd_millions":
        text = format_usd_millions(d)
    elif unit == "percent":
        text = f"{_plain(d)}%"
    elif unit == "count":
        text = _plain(d)
    else:
        raise FactError(f"fact({fact_id!r}): unit {unit!r} is not usd_millions, percent or count")
    return FactValue(text, (row["source_id"],), float(d))


# --------------------------------------------------------------------------------------------
# rendering


def _render_text(text: str, labels: dict, sources: pd.DataFrame, cited: list, case: Case) -> str:
    def sub_placeholder(m):
        expr = m.group(1)
        name, args, kwargs = parse_placeholder(expr)
        try:
            value = FACTS[name](*args)
        except FactError as exc:
            raise FactError(f"{case.where(m.start())}: {exc}") from None
        if not kwargs.get("cite", True) or not value.sources:
            for s in value.sources:
                cited.append(s)
            return value.text
        return f"{value.text} [{'; '.join('@' + s for s in value.sources)}]"

    def sub_cite(m):
        parts = _cite_parts(m.group(1))
        items = []
        for key, loc in parts:
            if key not in labels:
                labels.update(citation_labels([key], sources))
            cited.append(key)
            label = labels[key]
            url = str(sources.loc[key].get("url", "") or "")
            text = f"{label}, {loc}" if loc else label
            items.append(f"[{text}]({url})" if url.startswith("http") else text)
        return "(" + "; ".join(items) + ")"

    text = _PLACEHOLDER_RE.sub(sub_placeholder, text)
    text = _CITE_RE.sub(sub_cite, text)
    text = re.sub(r"[ \t]*\{#[a-z0-9-]+\}[ \t]*$", "", text, flags=re.M)
    return text


def _all_labels(case: Case, sources: pd.DataFrame) -> dict:
    keys = citation_keys(case.body)
    for p in placeholders(case.body):
        try:
            keys.extend(FACTS[p.name](*p.args).sources)
        except FactError:
            pass
    for item in case.meta.get("pre_reading", []) or []:
        keys.append(item.get("source"))
    for item in case.meta.get("glossary", []) or []:
        keys.append(item.get("source"))
    keys = [k for k in dict.fromkeys(keys) if k]
    return citation_labels(keys, sources)


def render_section(case: Case, heading: str, level: int = 2) -> str:
    """One body section as Markdown with numbers and citations rendered (heading included)."""
    if heading not in case.sections:
        raise CaseError(f"{case.where()}: no section '## {heading}'")
    sources = sources_table()
    labels = _all_labels(case, sources)
    cited: list = []
    text = _render_text(case.sections[heading], labels, sources, cited, case)
    return f"{'#' * level} {heading}\n\n{text}\n"


def _reference_line(row, label: str) -> str:
    bits = [f"**{label}.** {row.get('author', '') or row.get('publisher', '')}"]
    bits.append(f"*{row.get('title', '')}*")
    pub = str(row.get("publisher", "") or "")
    if pub:
        bits.append(pub)
    if row.get("report_number"):
        bits.append(str(row["report_number"]))
    if row.get("date"):
        bits.append(str(row["date"]))
    line = ". ".join(b.rstrip(".") for b in bits if b) + "."
    url = str(row.get("url", "") or "")
    if url.startswith("http"):
        line += f" <{url}>"
    return "- " + line


def references(case: Case, keys=None) -> str:
    """The references list (Markdown) for every source the case cites, sorted by label."""
    sources = sources_table()
    labels = _all_labels(case, sources)
    keys = list(labels) if keys is None else list(dict.fromkeys(keys))
    lines = [_reference_line(sources.loc[k], labels[k]) for k in sorted(keys, key=lambda k: labels[k].lower())]
    return "## References\n\n" + "\n".join(lines) + "\n"


def _front_matter_md(case: Case, sources: pd.DataFrame, labels: dict, cited: list) -> str:
    m = case.meta
    out = [f"# {m.get('title', '')}", ""]
    t = m.get("estimated_time", {}) or {}
    if t:
        seminar = t.get("seminar")
        seminar = " or ".join(str(s) for s in seminar) if isinstance(seminar, list) else seminar
        out.append(f"*Reading about {t.get('reading')} minutes; notebook about {t.get('notebook')} minutes; "
                   f"seminar {seminar} minutes.*")
        out.append("")
    out.append("**Learning objectives.** By the end of this case you should be able to:")
    out.append("")
    out += [f"{i}. {o}" for i, o in enumerate(m.get("learning_objectives", []) or [], 1)]
    out.append("")
    if m.get("pre_reading"):
        out.append("**Pre-reading.**")
        out.append("")
        for item in m["pre_reading"]:
            src = item["source"]
            cited.append(src)
            row = sources.loc[src]
            out.append(f"- {row.get('title', '')} ({labels[src]}), {item.get('pages', '')}: {item.get('why', '')}")
        out.append("")
    if m.get("glossary"):
        out.append("**Glossary of programs and terms.**")
        out.append("")
        for g in m["glossary"]:
            cited.append(g["source"])
            out.append(f"- **{g['term']}** ({g.get('name', g['term'])}): {g.get('definition', '')} ({labels[g['source']]})")
        out.append("")
    return "\n".join(out)


def render(case: Case, with_front_matter: bool = True, with_references: bool = True) -> str:
    """The whole case as Markdown: front matter summary, body with numbers and citations, references."""
    sources = sources_table()
    labels = _all_labels(case, sources)
    cited: list = []
    parts = []
    if with_front_matter:
        parts.append(_front_matter_md(case, sources, labels, cited))
    parts.append(_render_text(case.body, labels, sources, cited, case))
    if with_references:
        parts.append(references(case, cited))
    return "\n\n".join(parts)


def render_front_matter(case: Case) -> str:
    """Title, timings, learning objectives, pre-reading and glossary as Markdown."""
    sources = sources_table()
    labels = _all_labels(case, sources)
    return _front_matter_md(case, sources, labels, [])


_STOP_RE = re.compile(r"^\*(Response|Outcome)\.\*", re.M)


def episode_text(case: Case, episode_id: str, before_outcome: bool = False) -> str:
    """One episode's ``###`` subsection, rendered; ``before_outcome`` stops at *Response.*/*Outcome.*.

    Notebooks use ``before_outcome=True`` so that learners predict from the trigger and the demand
    before reading what happened.
    """
    text = case.sections.get("Conditionality episodes", "")
    m = re.search(rf"^###[ \t]+(.+?)[ \t]*\{{#{re.escape(episode_id)}\}}[ \t]*$", text, re.M)
    if not m:
        raise CaseError(f"{case.where()}: no episode heading {{#{episode_id}}}")
    nxt = re.search(r"^###?[ \t]", text[m.end():], re.M)
    chunk = text[m.end(): m.end() + nxt.start()] if nxt else text[m.end():]
    if before_outcome:
        stop = _STOP_RE.search(chunk)
        if stop:
            chunk = chunk[: stop.start()]
    sources = sources_table()
    labels = _all_labels(case, sources)
    body = _render_text(chunk.strip("\n"), labels, sources, [], case)
    return f"### {m.group(1).strip()}\n\n{body}\n"


def show_section(case: Case, heading: str):
    """Display one rendered section in a notebook (returns an IPython Markdown object)."""
    from IPython.display import Markdown

    return Markdown(render_section(case, heading))
