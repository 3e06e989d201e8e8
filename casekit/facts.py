"""Placeholder fact functions: the only way a case states an amount, a share or a count.

A case writes ``{{ aid("Egypt", "FMF", 2012) }}``; :func:`parse_placeholder` reads that with
:mod:`ast` (one call of a whitelisted bare name, literal arguments only, never evaluated) and the
named function in :data:`FACTS` looks the figure up through the :mod:`casekit.data` queries, which
validate every table against its schema. Each function returns a :class:`FactValue`: the text to
print, exactly as the data hold it (never rounded for display), and the source ids of the rows it
used, which the renderer cites automatically.

This module knows nothing about case files; :mod:`casekit.casefile` parses and renders them.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from . import data

__all__ = [
    "CaseError",
    "FactError",
    "FactValue",
    "FACTS",
    "YEAR_ARGS",
    "parse_placeholder",
    "evaluate",
    "placeholder_years",
    "format_usd_millions",
    "format_percent",
    "aid",
    "aid_sum",
    "aid_years",
    "tiv_share",
    "tiv_rank",
    "milex_share",
    "context",
    "fact",
]


class CaseError(ValueError):
    """A case file breaks the template. The message names the file and, where known, the line."""


class FactError(CaseError):
    """A placeholder is malformed, not whitelisted, or finds no data."""


@dataclass(frozen=True)
class FactValue:
    """What a fact function returns: the text to print and the source ids behind it."""

    text: str
    sources: tuple = ()
    value: float | None = None


#: name -> function. Only these may appear in a placeholder.
FACTS: dict = {}

#: name -> indexes of the positional arguments that are years (used by the hindsight check).
YEAR_ARGS: dict = {}


def _fact_function(*year_args: int):
    def register(fn):
        FACTS[fn.__name__] = fn
        YEAR_ARGS[fn.__name__] = tuple(year_args)
        return fn

    return register


# --------------------------------------------------------------------------------------------
# parsing placeholders (never evaluating them)

_ALLOWED_KWARGS = {"cite"}


def parse_placeholder(expr: str) -> tuple[str, tuple, dict]:
    """Parse ``aid("Egypt", "FMF", 2012)`` into ``("aid", ("Egypt", "FMF", 2012), {})``.

    Only one call of a whitelisted bare name with literal positional arguments (str, int, float,
    bool) and the keyword ``cite`` is accepted; anything else raises :class:`FactError`. Nothing is
    evaluated.
    """
    shown = f"{{{{ {expr.strip()} }}}}"
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError as exc:
        raise FactError(f"placeholder {shown} is not a call ({exc.msg})") from None
    call = tree.body
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        raise FactError(f"placeholder {shown} must be a single call like aid(...)")
    name = call.func.id
    if name not in FACTS:
        raise FactError(f"placeholder {shown}: {name!r} is not a fact function (allowed: {', '.join(sorted(FACTS))})")

    def literal(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float, bool)):
            return node.value
        raise FactError(f"placeholder {shown}: arguments must be literals")

    args = tuple(literal(a) for a in call.args)
    kwargs = {}
    for kw in call.keywords:
        if kw.arg not in _ALLOWED_KWARGS:
            raise FactError(f"placeholder {shown}: keyword {kw.arg!r} not allowed (allowed: cite)")
        kwargs[kw.arg] = literal(kw.value)
    return name, args, kwargs


def evaluate(expr: str) -> FactValue:
    """Parse and look up one placeholder expression (without braces)."""
    name, args, _ = parse_placeholder(expr)
    try:
        return FACTS[name](*args)
    except FactError:
        raise
    except TypeError as exc:
        raise FactError(f"placeholder {{{{ {expr.strip()} }}}}: {exc}") from None
    except (data.DataError, ValueError) as exc:
        raise FactError(f"placeholder {{{{ {expr.strip()} }}}}: {exc}") from None


def placeholder_years(name: str, args: tuple) -> list[int]:
    """The year arguments of a parsed placeholder (``fact`` ids ending in a year are not counted)."""
    return [int(args[i]) for i in YEAR_ARGS.get(name, ()) if i < len(args) and isinstance(args[i], int)]


# --------------------------------------------------------------------------------------------
# number formatting: show the figure exactly as the data hold it, never rounded


def _plain(d: Decimal) -> str:
    s = format(d.normalize(), "f")
    whole, _, frac = s.partition(".")
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


def _sources(series) -> tuple:
    return tuple(dict.fromkeys(str(s) for s in series if isinstance(s, str) and s))


# --------------------------------------------------------------------------------------------
# the fact functions


def _cell(country: str, group: str, fiscal_year: int, caller: str) -> dict:
    """The charted cell (:func:`casekit.chartrule.value`) for one group and year, or a FactError."""
    from . import chartrule

    cell = chartrule.value(country, group, int(fiscal_year))
    if cell is None or pd.isna(cell.get("amount")):
        raise FactError(f"{caller}: assistance.csv has no chart row with an amount for {country}, {group}, "
                        f"FY{fiscal_year}")
    if cell.get("status") not in chartrule.IN_TOTALS:
        raise FactError(f"{caller}: the charted {group} figure for FY{fiscal_year} is a {cell.get('status')}, "
                        "not an amount a case may state as given")
    return cell


@_fact_function(2)
def aid(country: str, group: str, fiscal_year: int) -> FactValue:
    """The charted amount of one program group in one fiscal year, as "$1.3 billion".

    Read through :func:`casekit.chartrule.value`, the same cell the charts plot: where one year has
    several chart rows (a full-year act and a supplemental) they are already added there.
    """
    cell = _cell(country, group, fiscal_year, f"aid({country!r}, {group!r}, {fiscal_year})")
    amount = Decimal(str(float(cell["amount"])))
    return FactValue(format_usd_millions(amount), tuple(cell["source_ids"]), float(amount))


@_fact_function(2, 3)
def aid_sum(country: str, group: str, start: int, end: int) -> FactValue:
    """Sum of the charted amounts over fiscal years start..end; fails if any year in the range is missing."""
    caller = f"aid_sum({country!r}, {group!r}, {start}, {end})"
    total, sources, missing = Decimal(0), [], []
    for year in range(int(start), int(end) + 1):
        try:
            cell = _cell(country, group, year, caller)
        except FactError:
            missing.append(year)
            continue
        total += Decimal(str(float(cell["amount"])))
        sources.extend(cell["source_ids"])
    if missing:
        raise FactError(f"{caller}: no chart row for FY " + ", ".join(map(str, missing)))
    return FactValue(format_usd_millions(total), tuple(dict.fromkeys(sources)), float(total))


@_fact_function(2, 3)
def aid_years(country: str, group: str, start: int, end: int) -> FactValue:
    """How many fiscal years in start..end have a charted amount (digits)."""
    n, sources = 0, []
    for year in range(int(start), int(end) + 1):
        try:
            cell = _cell(country, group, year, "aid_years")
        except FactError:
            continue
        n += 1
        sources.extend(cell["source_ids"])
    return FactValue(str(n), tuple(dict.fromkeys(sources)), float(n))


def _supplier_totals(country: str, start: int, end: int):
    arms = data.load("arms_imports")
    sel = arms[(arms["recipient"] == country) & arms["year"].between(start, end)]
    if sel.empty:
        raise FactError(f"arms_imports.csv has no rows for {country} in {start}-{end}")
    shares = data.supplier_shares(country, start, end)
    return sel, shares


@_fact_function(2, 3)
def tiv_share(country: str, supplier: str, start: int, end: int) -> FactValue:
    """``supplier``'s share of ``country``'s arms imports (SIPRI TIV) over start..end, e.g. "28%"."""
    sel, shares = _supplier_totals(country, start, end)
    if supplier not in shares.index:
        raise FactError(f"tiv_share: no deliveries from {supplier!r} to {country} in {start}-{end}")
    share = float(shares[supplier])
    return FactValue(format_percent(share), _sources(sel["source_id"]), share)


@_fact_function(2, 3)
def tiv_rank(country: str, supplier: str, start: int, end: int) -> FactValue:
    """``supplier``'s rank among ``country``'s suppliers by TIV over start..end ("first", "second" ...)."""
    sel, shares = _supplier_totals(country, start, end)
    if supplier not in shares.index:
        raise FactError(f"tiv_rank: no deliveries from {supplier!r} to {country} in {start}-{end}")
    ordered = shares.sort_values(ascending=False, kind="mergesort")
    rank = list(ordered.index).index(supplier)
    text = _ORDINALS[rank] if rank < len(_ORDINALS) else f"{rank + 1}th"
    return FactValue(text, _sources(sel["source_id"]), float(rank + 1))


@_fact_function(1)
def milex_share(country: str, year: int) -> FactValue:
    """U.S. security assistance as a share of the country's military spending in ``year``, e.g. "21%"."""
    share = data.security_share_of_milex(country)
    if year not in share.index or pd.isna(share.loc[year]):
        raise FactError(f"milex_share({country!r}, {year}): no year with both security assistance "
                        "and military expenditure")
    aid_rows = data.assistance(country, year, year)
    aid_rows = aid_rows[aid_rows["category"] == "security"]
    ctx = data.load("context")
    ctx = ctx[(ctx["country"] == country) & (ctx["indicator"] == "milex_current_usd") & (ctx["year"] == year)]
    value = float(share.loc[year])
    return FactValue(format_percent(value), _sources(list(aid_rows["source_id"]) + list(ctx["source_id"])), value)


_PAREN_RE = re.compile(r"\s*\([^)]*\)")


@_fact_function(2)
def context(country: str, indicator: str, year: int) -> FactValue:
    """One value from ``context.csv`` with its unit, printed as the data hold it."""
    ctx = data.load("context")
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
        scale = Decimal(1) if "million" in unit.lower() else Decimal(1_000_000)
        text = format_usd_millions(Decimal(str(value)) / scale)
    elif unit.lower().startswith("index"):
        # "index, 0 (least) to 1 (most democratic)": the scale is stated once, briefly
        scale = re.search(r"(\d+)\s*\([^)]*\)\s*to\s*(\d+)", unit)
        text = f"{num} (on a {scale.group(1)}-{scale.group(2)} scale)" if scale else num
    else:
        # "deaths (count)" -> "315 deaths": the parenthesis only restates that the number is a count
        text = f"{num} {_PAREN_RE.sub('', unit)}".strip()
    return FactValue(text, (row["source_id"],), value)


@_fact_function()
def fact(fact_id: str) -> FactValue:
    """A row of ``data/case_facts.csv``: an amount tied to one event that no other table holds."""
    rows = data.load("case_facts")
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
