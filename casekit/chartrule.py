"""Which row of ``assistance.csv`` the kit's charts use: the documented chart-row rule, as code.

Several rows can describe the same country, fiscal year and program (a request and an
appropriation; a CRS table and a State fact sheet; a range statement such as "$1.3 billion a year
since FY1987"). The charts need exactly one. ``data/README.md`` ("The chart-row rule") states the
rule in words; this module is that rule, so the ``chart`` column can be checked (a test compares it
with the file) and recomputed after rows are added::

    python -m casekit.chartrule          # report rows whose chart flag disagrees with the rule
    python -m casekit.chartrule --write  # rewrite only the chart column of data/assistance.csv

For each country x fiscal year x ``program_group`` x ``row_type`` the candidates are ranked by:

1. scope: only ``full_year`` rows and ``range_statement`` rows compete, except a range statement
   in a year its own source's caveats exclude (:data:`RANGE_STATEMENT_EXCEPTIONS`);
2. a row with an amount before an empty one (so "none provided" charts only when nothing else
   exists, and a chart can say "none" instead of leaving a silent gap);
3. basis (:data:`BASIS_RANK`): enacted money first, a budget request last;
4. primary sources before secondary ones (``tier`` in ``sources.csv``);
5. a figure printed for the single year before a range statement;
6. the newer document, then ``source_id`` alphabetically, then the row that comes first in the
   file, so the choice is deterministic.

All-account totals are different: their chart row is always the ForeignAssistance.gov obligation
(source ids starting ``FAE-``), so that series is one consistent measure across countries and years.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pandas as pd

from . import paths

#: Lower ranks win. Reimbursements (Coalition Support Funds) are paid amounts, ranked with enacted money.
BASIS_RANK = {
    "appropriation": 0,
    "reimbursement": 0,
    "allocation": 1,
    "obligation": 2,
    "estimate": 3,
    "unspecified": 3,
    "authorization": 4,
    "disbursement": 5,
    "request": 6,
}

#: (country, program_group, fiscal_year) where a range statement does not compete, with the reason.
#: CRS RL33003 (Sharp, 2015) gives Egypt "$1.3 billion a year" in FMF since FY1987 but notes the
#: FY2008 rescission and the FY2013 sequestration; in those years a figure for the year itself charts.
RANGE_STATEMENT_EXCEPTIONS = {
    ("Egypt", "FMF", 2008): "FY2008 FMF was reduced by a rescission (CRS RL33003 caveat)",
    ("Egypt", "FMF", 2013): "FY2013 FMF was reduced by sequestration (CRS RL33003 caveat)",
}

#: Source ids of the ForeignAssistance.gov country files (``FAE-COUNTRY`` ...).
FOREIGNASSISTANCE_PREFIX = "FAE-"

GROUP_KEY = ["country", "fiscal_year", "program_group", "row_type"]


def chart_flags(assistance: pd.DataFrame, sources: pd.DataFrame) -> pd.Series:
    """The ``chart`` flag the rule gives each row of ``assistance`` (a boolean Series, same index).

    ``assistance`` needs the columns of ``assistance.csv``; ``sources`` needs ``source_id``,
    ``tier`` and ``date``.
    """
    src = sources.set_index("source_id")
    df = assistance.copy()
    df["_tier"] = (df["source_id"].map(src["tier"]).fillna("secondary") != "primary").astype(int)
    df["_date"] = df["source_id"].map(src["date"]).fillna("").astype(str)
    df["_noamt"] = df["amount_usd_millions"].isna().astype(int)
    df["_basis"] = df["basis"].map(BASIS_RANK).fillna(len(BASIS_RANK))
    df["_range"] = (df["scope"] == "range_statement").astype(int)
    excluded = [
        (c, g, int(y)) in RANGE_STATEMENT_EXCEPTIONS
        for c, g, y in zip(df["country"], df["program_group"], df["fiscal_year"])
    ]
    df["_competes"] = df["scope"].eq("full_year") | (df["scope"].eq("range_statement") & ~pd.Series(excluded, index=df.index))

    flags = pd.Series(False, index=df.index)
    totals = df["program_group"].eq("all_accounts")
    fa = df[totals & df["basis"].eq("obligation") & df["source_id"].astype(str).str.startswith(FOREIGNASSISTANCE_PREFIX)]
    flags[fa.drop_duplicates(GROUP_KEY).index] = True

    cand = df[~totals & df["_competes"]]
    # newest document first: sort dates descending, everything else ascending
    cand = cand.sort_values("source_id", kind="stable").sort_values("_date", ascending=False, kind="stable")
    cand = cand.sort_values(["_noamt", "_basis", "_tier", "_range"], kind="stable")
    flags[cand.drop_duplicates(GROUP_KEY).index] = True
    return flags


def disagreements(data_dir: Path | None = None) -> pd.DataFrame:
    """Rows of ``assistance.csv`` whose ``chart`` flag differs from the rule (empty when they agree)."""
    from . import data

    a = data.load("assistance", data_dir=data_dir)
    s = data.load("sources", data_dir=data_dir)
    rule = chart_flags(a, s)
    stored = a["chart"].fillna(False).astype(bool)
    out = a.loc[rule != stored, GROUP_KEY + ["scope", "basis", "source_id", "chart"]].copy()
    out["rule"] = rule[rule != stored]
    return out


def write(data_dir: Path | None = None) -> int:
    """Rewrite only the ``chart`` column of ``assistance.csv`` to follow the rule; returns rows changed.

    Every other cell is copied through as text, so amounts keep exactly the digits the source printed.
    """
    from . import data

    data_dir = Path(data_dir) if data_dir else paths.DATA
    path = data_dir / "assistance.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames
        rows = list(reader)
    a = pd.read_csv(path, keep_default_na=False, na_values=[""])  # same order as rows
    s = data.load("sources", data_dir=data_dir)
    rule = chart_flags(a, s)
    changed = 0
    for row, flag in zip(rows, rule):
        text = "true" if flag else "false"
        changed += row["chart"] != text
        row["chart"] = text
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return changed


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--write" in argv:
        print(f"chart column rewritten: {write()} row(s) changed")
        return 0
    diff = disagreements()
    if diff.empty:
        print("chart column follows the rule")
        return 0
    print(diff.to_string())
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
