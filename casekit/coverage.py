"""Coverage of the assistance table: which country, program group and fiscal year has a figure.

``coverage_matrix()`` is used both by the tests and by the generator of the "Coverage" section
of ``data/README.md``, so the README always describes the data as it is.

Cell codes (one character per fiscal year):

``A``  an enacted, allocated, obligated or otherwise reported amount (not a request)
``R``  only a budget request, a bill-stage figure or an authorization
``N``  a source says none was provided, or prints a dash ('—') for the cell
``I``  no source prints the cell; the kit infers that none was given (``inferred_none``)
``·``  no row for that year (a gap)
"""

from __future__ import annotations

import pandas as pd

from casekit.data import COUNTRIES, load

NON_ACTUAL = {"request", "authorization"}
NONE_STATUSES = {"none_provided", "dash"}
GAP = "·"


def _read(assistance: pd.DataFrame | None) -> pd.DataFrame:
    """The given rows, or the kit's validated assistance table (local additions are not coverage)."""
    if assistance is not None:
        return assistance
    return load("assistance")


def _cell(rows: pd.DataFrame) -> str:
    reported = rows[rows["amount_usd_millions"].notna()]
    if (~reported["basis"].isin(NON_ACTUAL)).any():
        return "A"
    if not reported.empty:
        return "R"
    if rows["value_status"].isin(NONE_STATUSES).any():
        return "N"
    if rows["value_status"].eq("inferred_none").any():
        return "I"
    return GAP


def coverage_matrix(
    assistance: pd.DataFrame | None = None,
    start: int = 2000,
    end: int = 2020,
    program_level: bool = True,
) -> pd.DataFrame:
    """Return a country x program_group by fiscal-year matrix of cell codes (see module doc).

    Rows come from the whole table (every row_type and scope), so a year with only a component
    or supplemental figure still counts as covered. With ``program_level=True`` (the default)
    the all-account and multi-account totals are left out, leaving the program groups and the
    printed security/economic subtotals.
    """
    a = _read(assistance)
    a = a[(a["fiscal_year"] >= start) & (a["fiscal_year"] <= end)]
    if program_level:
        a = a[~a["program_group"].isin(["all_accounts", "multi_account"])]
    years = list(range(start, end + 1))
    out = {}
    for (country, group), rows in a.groupby(["country", "program_group"], sort=False):
        by_year = {fy: _cell(r) for fy, r in rows.groupby("fiscal_year")}
        out[(country, group)] = [by_year.get(fy, GAP) for fy in years]
    m = pd.DataFrame.from_dict(out, orient="index", columns=years)
    if m.empty:
        return m
    m.index = pd.MultiIndex.from_tuples(m.index, names=["country", "program_group"])
    order = {c: i for i, c in enumerate(COUNTRIES)}
    return m.sort_index(key=lambda idx: idx.map(lambda v: order.get(v, len(order)) if v in order else v))


def security_years(assistance: pd.DataFrame | None = None, start: int = 2000, end: int = 2020) -> pd.Series:
    """Number of distinct fiscal years per country with a security-program row carrying an amount."""
    a = _read(assistance)
    a = a[(a["fiscal_year"] >= start) & (a["fiscal_year"] <= end)]
    a = a[(a["category"] == "security") & (a["row_type"] == "program") & a["amount_usd_millions"].notna()]
    return a.groupby("country")["fiscal_year"].nunique().reindex(list(COUNTRIES), fill_value=0)


def coverage_markdown(assistance: pd.DataFrame | None = None, start: int = 2000, end: int = 2020) -> str:
    """Markdown tables (one per country) of ``coverage_matrix()``, for data/README.md."""
    m = coverage_matrix(assistance, start, end)
    yrs = [str(y)[2:] for y in range(start, end + 1)]
    sec = security_years(assistance, start, end)
    lines = []
    for country in COUNTRIES:
        if country not in m.index.get_level_values(0):
            continue
        sub = m.loc[country]
        lines.append(f"#### {country}")
        lines.append("")
        lines.append(f"Fiscal years {start}–{end} with a security-program amount (any basis, requests included): {int(sec[country])}.")
        lines.append("")
        lines.append("| program_group | " + " | ".join(yrs) + " |")
        lines.append("|---|" + "---|" * len(yrs))
        for group, row in sub.iterrows():
            lines.append(f"| {group} | " + " | ".join(row.tolist()) + " |")
        lines.append("")
    return "\n".join(lines)
