"""How the rows of ``assistance.csv`` combine into the amounts the kit charts: the chart rule, as code.

Several rows can describe the same country, fiscal year and program group: a request and an
appropriation; a CRS table and a State fact sheet; a range statement ("$1.3 billion a year since
FY1987"); and, within one table, several distinct programs of the same group (Colombia's
"International Narcotics Control" and "Andean Counterdrug Initiative" lines are both ``INCLE``).
``data/README.md`` ("The chart rule") states the rule in words; this module is the only code that
applies it. Everything that charts or totals assistance (charts, explorer, leverage model, case
placeholders) goes through :func:`charted` and :func:`security_totals`.

For each country x fiscal year x ``program_group`` x ``row_type`` (a *cell*):

1. **Readings.** The rows of the cell are grouped into readings: the rows of one document, one
   basis and one year basis (``source_id``, ``basis``, ``year_basis``). A reading of program rows
   is the **sum of its distinct programs** (Colombia FY2000 INCLE = INC 666.25 + ACI 0); a reading of
   subtotal or total rows is one printed figure. Only ``full_year`` rows, ``range_statement`` rows
   (except in years the statement's own source excludes, :data:`RANGE_STATEMENT_EXCEPTIONS`),
   ``partial_year`` rows and ``partial`` rows form readings. ``component`` rows never do: their
   amount is inside another row (``part_of`` names it).
2. **Choice of reading**, best first:

   a. money provided, not a request or an authorization (:data:`NOT_PROVIDED`): a reading of basis
      ``request`` or ``authorization`` charts only when nothing else exists, and then marked as
      such, outside every total. An authorization (an NDAA figure, say) is a ceiling on what may be
      appropriated, not money provided; it ranks before a request when both are all there is. The
      only exception is an authorization row that is the kit's only statement of an enacted
      appropriation, listed with the reason in :data:`AUTHORIZATION_AS_ENACTED` (none so far);
   b. a positive amount, then a printed zero, then an empty cell (dash, "none provided"), then an
      ``inferred_none`` row, so **a zero or an empty row never hides a positive amount**;
   c. the whole year (``full_year``, ``range_statement``) before a year not over when the source was
      made (``partial_year``) before a tranche or running total (``partial``);
   d. year basis ``fiscal`` before ``calendar`` before ``unknown``;
   e. basis (:data:`BASIS_RANK`): enacted money first;
   f. primary sources before secondary ones (``tier`` in ``sources.csv``);
   g. a figure printed for the single year before a range statement;
   h. the newer document, then ``source_id``, then the row first in the file (deterministic).

3. **Supplementals are added** to the chosen reading: every ``supplemental`` row of the cell that
   is money provided (not a request or authorization) and has the reading's year basis. A
   supplemental that is already inside a full-year figure is not a supplemental row but a
   ``component`` (e.g. Lebanon FY2007 FMF, whose $224.8 million includes the $220 million
   supplemental). With no full-year reading the supplementals alone chart, marked ``partial`` (a floor).

All-account totals are different: their chart row is always the ForeignAssistance.gov obligation
(source ids starting ``FAE-``), so that series is one consistent measure across countries and years;
its latest fiscal year is ``partial_year`` and is shown as partial.

The ``chart`` column of ``assistance.csv`` is ``true`` exactly for the rows that make up a charted
amount (a test checks this; ``python -m casekit.chartrule --write`` recomputes it)::

    python -m casekit.chartrule          # report rows whose chart flag disagrees with the rule
    python -m casekit.chartrule --write  # rewrite only the chart column of data/assistance.csv

Security totals (:func:`security_totals`) add up a year's charted security program amounts, or use
a printed security subtotal when it is at least that sum (less :data:`SUBTOTAL_ROUNDING`): a printed
subtotal smaller than the sum of its own year's programs covers less than they do and must not
hide them. Requests and authorizations never count; fiscal
and non-fiscal figures are never added together.
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

#: Bases that are not money provided: a budget request, and an authorization (a ceiling set by an
#: authorization act such as a National Defense Authorization Act; an appropriation act provides the
#: money, often less). Such a reading charts only when a cell has nothing else, marked, never in a total.
NOT_PROVIDED = ("request", "authorization")

#: (country, program_group, fiscal_year) whose ``authorization`` reading is read as enacted money, with
#: the reason. Only for a row that is the kit's only statement of an enacted appropriation (its note
#: and source say the authorized amount was appropriated). None so far: the kit's authorization rows
#: (Iraq FY2019 Counter-ISIS Train and Equip Fund, 850 and its 290 Peshmerga component, from a report
#: on the FY2019 NDAA conference text before the final votes) are ceilings.
AUTHORIZATION_AS_ENACTED: dict = {}

#: Lower ranks win: a fiscal-year figure before a calendar-year one before one whose year is unstated.
YEAR_BASIS_RANK = {"fiscal": 0, "calendar": 1, "unknown": 2}

#: Lower ranks win: the whole year, then a year not yet over, then a tranche or running total.
SCOPE_RANK = {"full_year": 0, "range_statement": 0, "partial_year": 1, "partial": 2}

#: (country, program_group, fiscal_year) where a range statement does not compete, with the reason.
#: CRS RL33003 (Sharp, 2015) gives Egypt "$1.3 billion a year" in FMF since FY1987 but notes the
#: FY2008 rescission and the FY2013 sequestration; in those years a figure for the year itself charts.
RANGE_STATEMENT_EXCEPTIONS = {
    ("Egypt", "FMF", 2008): "FY2008 FMF was reduced by a rescission (CRS RL33003 caveat)",
    ("Egypt", "FMF", 2013): "FY2013 FMF was reduced by sequestration (CRS RL33003 caveat)",
}

#: A printed security subtotal is used for a year's total unless it falls short of the sum of that
#: year's charted programs by more than this ($ millions): subtotals printed in whole millions
#: (e.g. "$235 million" for 121 + 112 + 2.75 on the FY2017 Lebanon fact sheet) differ by rounding.
SUBTOTAL_ROUNDING = 1.0

#: Source ids of the ForeignAssistance.gov country files (``FAE-COUNTRY`` ...).
FOREIGNASSISTANCE_PREFIX = "FAE-"

GROUP_KEY = ["country", "fiscal_year", "program_group", "row_type"]
READING_KEY = ["source_id", "basis", "year_basis"]

#: How a charted amount may be used: ``full`` and ``partial``/``partial_year`` amounts enter totals
#: (partial ones make the total partial); ``request`` and ``authorization`` (a ceiling) never do;
#: ``none``/``inferred_none`` carry no amount (a sourced "none", or the kit's inference of one).
STATUSES = ("full", "partial", "partial_year", "request", "authorization", "none", "inferred_none")
IN_TOTALS = ("full", "partial", "partial_year")


def _prepare(assistance: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    src = sources.set_index("source_id")
    df = assistance.copy()
    if "year_basis" not in df.columns:
        df["year_basis"] = "fiscal"
    df["year_basis"] = df["year_basis"].fillna("unknown")
    if "value_status" not in df.columns:
        df["value_status"] = ["reported" if pd.notna(a) else "dash" for a in df["amount_usd_millions"]]
    df["amount_usd_millions"] = pd.to_numeric(df["amount_usd_millions"], errors="coerce")
    df["fiscal_year"] = df["fiscal_year"].astype(int)
    df["_line"] = range(len(df))
    # primary, primary-archive and primary-copy are all the issuing body's own document (tiers in sources.json)
    df["_tier"] = (~df["source_id"].map(src["tier"]).fillna("secondary").str.startswith("primary")).astype(int)
    df["_date"] = df["source_id"].map(src["date"]).fillna("").astype(str)
    excluded = [
        (c, g, y) in RANGE_STATEMENT_EXCEPTIONS
        for c, g, y in zip(df["country"], df["program_group"], df["fiscal_year"])
    ]
    scope = df["scope"]
    df["_reading_row"] = scope.isin(["full_year", "partial_year", "partial"]) | (
        scope.eq("range_statement") & ~pd.Series(excluded, index=df.index))
    return df


def _provided(basis: str, key: tuple) -> bool:
    """Whether a reading of ``basis`` in cell ``key`` (country, year, group, row type) is money provided."""
    if basis == "authorization":
        country, year, group = key[0], key[1], key[2]
        return (country, group, int(year)) in AUTHORIZATION_AS_ENACTED
    return basis not in NOT_PROVIDED


def _readings(cell: pd.DataFrame, cell_key: tuple) -> list[dict]:
    """The candidate readings of one cell, each a dict with its rows and rank key."""
    out = []
    rows = cell[cell["_reading_row"]]
    summable = rows["row_type"].iloc[0] == "program" if len(rows) else True
    for key, grp in rows.groupby(READING_KEY + ["scope"], sort=False, dropna=False):
        source_id, basis, year_basis, scope = key
        if summable:
            parts = [grp]
        else:  # a printed subtotal or total is one figure: each row is its own reading
            parts = [grp.loc[[i]] for i in grp.index]
        for part in parts:
            amounts = part["amount_usd_millions"].dropna()
            if len(amounts) and amounts.sum() > 0:
                presence = 0
            elif len(amounts):
                presence = 1
            elif (part["value_status"] == "inferred_none").all():
                presence = 3
            else:
                presence = 2
            out.append({
                "rows": part,
                "amount": float(amounts.sum()) if len(amounts) else float("nan"),
                "source_id": source_id, "basis": basis, "year_basis": year_basis, "scope": scope,
                "provided": _provided(basis, cell_key),
                "rank": (
                    int(not _provided(basis, cell_key)), presence, SCOPE_RANK.get(scope, 3),
                    YEAR_BASIS_RANK.get(year_basis, 3), BASIS_RANK.get(basis, len(BASIS_RANK)),
                    int(part["_tier"].min()), int(scope == "range_statement"),
                    _neg_date(part["_date"].iloc[0]), str(source_id), int(part["_line"].min()),
                ),
            })
    return out


def _neg_date(text: str) -> tuple:
    """Sort key that puts newer ``YYYY[-MM[-DD]]`` dates first (empty dates last)."""
    digits = [int(p) for p in str(text).split("-") if p.isdigit()]
    digits += [0] * (3 - len(digits))
    return (0 if text else 1, tuple(-d for d in digits))


def _status(reading: dict | None, value_status: pd.Series) -> str:
    if reading is None:
        return "partial"  # supplementals only
    if not reading["provided"]:
        return "request" if reading["basis"] == "request" else "authorization"
    if pd.isna(reading["amount"]):
        return "inferred_none" if (value_status == "inferred_none").all() else "none"
    if reading["scope"] in ("partial", "partial_year"):
        return reading["scope"]
    return "full"


def _charted_frame(assistance: pd.DataFrame, sources: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    df = _prepare(assistance, sources)
    flags = pd.Series(False, index=df.index)
    records = []
    for key, cell in df.groupby(GROUP_KEY, sort=True):
        country, year, group, row_type = key
        used = None
        if group == "all_accounts":
            fa = cell[cell["basis"].eq("obligation")
                      & cell["source_id"].astype(str).str.startswith(FOREIGNASSISTANCE_PREFIX)]
            if fa.empty:
                continue
            used = fa.iloc[[0]]
            row = used.iloc[0]
            status = "partial_year" if row["scope"] == "partial_year" else "full"
            amount, year_basis, basis = float(row["amount_usd_millions"]), row["year_basis"], row["basis"]
        else:
            readings = sorted(_readings(cell, key), key=lambda r: r["rank"])
            best = readings[0] if readings else None
            provided = [_provided(b, key) for b in cell["basis"]]
            supp = cell[cell["scope"].eq("supplemental") & pd.Series(provided, index=cell.index)
                        & cell["amount_usd_millions"].notna()]
            if best is not None:
                supp = supp[supp["year_basis"] == best["year_basis"]]
            if best is not None and not best["provided"]:
                supp = supp.iloc[0:0]  # a request or authorization reading is shown alone
            if best is None and supp.empty:
                continue
            if best is None:
                year_basis = supp["year_basis"].iloc[0]
                supp = supp[supp["year_basis"] == year_basis]
                used, amount, basis = supp, float(supp["amount_usd_millions"].sum()), supp["basis"].iloc[0]
                status = "partial"
            else:
                used = pd.concat([best["rows"], supp])
                amount = best["amount"]
                if len(supp):
                    amount = (0.0 if pd.isna(amount) else amount) + float(supp["amount_usd_millions"].sum())
                year_basis, basis = best["year_basis"], best["basis"]
                status = _status(best, best["rows"]["value_status"])
                if status in ("none", "inferred_none") and len(supp):
                    status = "full"
        flags[used.index] = True
        records.append({
            "country": country, "fiscal_year": int(year), "program_group": group, "row_type": row_type,
            "category": used["category"].iloc[0] if "category" in used else "",
            "amount": amount, "status": status, "year_basis": year_basis, "basis": basis,
            "source_ids": tuple(dict.fromkeys(used["source_id"])),
            "programs": tuple(used["program"]) if "program" in used else (),
            "rows": tuple(int(i) for i in used.index),
        })
    cols = ["country", "fiscal_year", "program_group", "row_type", "category", "amount", "status",
            "year_basis", "basis", "source_ids", "programs", "rows"]
    return pd.DataFrame.from_records(records, columns=cols), flags


def chart_flags(assistance: pd.DataFrame, sources: pd.DataFrame) -> pd.Series:
    """The ``chart`` flag the rule gives each row of ``assistance`` (a boolean Series, same index):
    ``True`` for every row that is part of a charted amount.

    ``assistance`` needs the columns of ``assistance.csv``; ``sources`` needs ``source_id``,
    ``tier`` and ``date``.
    """
    return _charted_frame(assistance, sources)[1]


def charted_from(assistance: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """One row per cell (country, fiscal year, program group, row type): the charted amount.

    Columns: ``amount`` ($ millions, NaN for a "none" or an empty request; a request's or authorization's
    amount is shown, never totalled), ``status`` (one of
    :data:`STATUSES`), ``year_basis``, ``basis`` of the chosen reading, ``source_ids``,
    ``programs`` and ``rows`` (index labels of the rows used).
    """
    return _charted_frame(assistance, sources)[0]


_CACHE: dict = {}


def charted(country=None, data_dir=None, local=True) -> pd.DataFrame:
    """:func:`charted_from` applied to the kit's tables (cached per file contents), optionally one country.

    Column ``added_locally`` is True for a cell filled from rows added with ``make update-data``
    (``data/local/``, see :func:`casekit.data.load_local`): with ``local`` (the default) such a cell is
    added only where the kit has no cell of its own or only a request or authorization, so it fills a gap and never
    replaces a cited amount or a sourced "none".
    """
    from . import data

    key = (None if data_dir is None else str(data_dir), data.fingerprint(data_dir), bool(local))
    if key not in _CACHE:
        if len(_CACHE) >= 4:
            _CACHE.clear()
        a = data.load("assistance", data_dir=data_dir)
        s = data.load("sources", data_dir=data_dir)
        cells = charted_from(a, s)
        cells["added_locally"] = False
        extra = data.load_local("assistance", data_dir=data_dir) if local else None
        if extra is not None and len(extra):
            extra.index = range(len(a), len(a) + len(extra))  # row labels never collide with the kit's
            local_src = data.load_local("sources", data_dir=data_dir).drop(columns=["local_file"])
            from .foreignassistance import charted_local  # the same rule, fast for imported rows

            lc, _ = charted_local(extra.drop(columns=["local_file"]), pd.concat([s, local_src], ignore_index=True))
            # a kit cell holding only a request or authorization (not money provided) gives way to a local amount
            keys = lambda df: [tuple(k) for k in df[GROUP_KEY].to_numpy().tolist()]  # noqa: E731
            known = {k for k, st in zip(keys(cells), cells["status"]) if st not in NOT_PROVIDED}
            lc = lc[[k not in known for k in keys(lc)]].assign(added_locally=True)
            filled = set(keys(lc))
            cells = cells[[k not in filled for k in keys(cells)]]
            cells = pd.concat([cells, lc], ignore_index=True).sort_values(GROUP_KEY, kind="stable", ignore_index=True)
        _CACHE[key] = cells
    out = _CACHE[key]
    if country is not None:
        out = out[out["country"] == country]
    return out.reset_index(drop=True)


def value(country: str, group: str, fiscal_year: int, row_type: str = "program", data_dir=None):
    """The charted cell for one country, group and year as a dict (``None`` if the kit has none)."""
    c = charted(country, data_dir, local=False)  # case texts cite the kit's own figures only
    c = c[(c["program_group"] == group) & (c["fiscal_year"] == int(fiscal_year)) & (c["row_type"] == row_type)]
    return None if c.empty else c.iloc[0].to_dict()


def security_totals_from(cells: pd.DataFrame, country: str, include_reimbursement: bool = False) -> pd.DataFrame:
    """A country's security assistance by fiscal year from charted cells (see :func:`security_totals`)."""
    cats = ["security"] + (["reimbursement"] if include_reimbursement else [])
    c = cells[(cells["country"] == country) & cells["status"].isin(IN_TOTALS) & cells["amount"].notna()]
    progs = c[(c["row_type"] == "program") & c["category"].isin(cats)]
    subs = c[(c["row_type"] == "subtotal") & (c["program_group"] == "security_total")]
    reimb = progs[progs["category"] == "reimbursement"]
    records = []
    for year in sorted(set(progs["fiscal_year"]) | set(subs["fiscal_year"])):
        p_all, s_all = progs[progs["fiscal_year"] == year], subs[subs["fiscal_year"] == year]
        fiscal = (p_all["year_basis"] == "fiscal").any() or (s_all["year_basis"] == "fiscal").any()
        if fiscal:
            p, s = p_all[p_all["year_basis"] == "fiscal"], s_all[s_all["year_basis"] == "fiscal"]
            basis = "fiscal"
        else:
            p, s = p_all, s_all
            basis = "calendar" if set(p["year_basis"]) | set(s["year_basis"]) == {"calendar"} else "unknown"
        left_out = pd.concat([p_all.drop(p.index), s_all.drop(s.index)])
        prog_sum = float(p["amount"].sum()) if len(p) else float("nan")
        sub = float(s["amount"].iloc[0]) if len(s) else float("nan")
        r = reimb[(reimb["fiscal_year"] == year) & reimb.index.isin(p.index)]
        if pd.notna(sub) and (pd.isna(prog_sum) or sub >= prog_sum - float(r["amount"].sum()) - SUBTOTAL_ROUNDING):
            amount = sub + float(r["amount"].sum())  # printed security subtotals exclude reimbursements
            method = "printed subtotal" + (" plus reimbursements" if len(r) else "")
            used = pd.concat([s, r])
        else:
            amount, method, used = prog_sum, "sum of programs", p
        records.append({
            "fiscal_year": int(year), "amount": amount, "method": method, "year_basis": basis,
            "status": "partial" if used["status"].isin(["partial", "partial_year"]).any() else "full",
            "groups": tuple(sorted(set(used["program_group"]))),
            "source_ids": tuple(dict.fromkeys(i for ids in used["source_ids"] for i in ids)),
            "left_out": tuple(f"{g} {a:g} ({yb} year)" for g, a, yb in
                              zip(left_out["program_group"], left_out["amount"], left_out["year_basis"])),
        })
    cols = ["fiscal_year", "amount", "method", "year_basis", "status", "groups", "source_ids", "left_out"]
    return pd.DataFrame.from_records(records, columns=cols)


def security_totals(country: str, include_reimbursement: bool = False, data_dir=None) -> pd.DataFrame:
    """U.S. security assistance to ``country`` by fiscal year: one row per year with any charted figure.

    ``amount`` is a printed security subtotal when it is at least the sum of the year's charted
    security programs (less :data:`SUBTOTAL_ROUNDING`), otherwise that sum, so a subtotal that
    covers less never hides a program. Requests and authorizations never
    count. Fiscal-year figures are never added to calendar or unknown-year ones: a year with any
    fiscal figure uses only those (the others are listed in ``left_out``); a year with only
    non-fiscal figures gets ``year_basis`` ``unknown`` or ``calendar`` and must be drawn marked.
    Coalition Support Funds (category ``reimbursement``) are added only with ``include_reimbursement``.
    ``status`` is ``partial`` when any part is a partial figure. Where program coverage is
    incomplete a sum of programs is a floor: see the coverage tables in data/README.md.
    """
    return security_totals_from(charted(country, data_dir), country, include_reimbursement)


# ---------------------------------------------------------------------------------------------
# the chart column of assistance.csv


def disagreements(data_dir: Path | None = None) -> pd.DataFrame:
    """Rows of ``assistance.csv`` whose ``chart`` flag differs from the rule (empty when they agree)."""
    from . import data

    a = data.load("assistance", data_dir=data_dir)
    s = data.load("sources", data_dir=data_dir)
    rule = chart_flags(a, s)
    stored = a["chart"].fillna(False).astype(bool)
    out = a.loc[rule != stored, GROUP_KEY + ["program", "scope", "basis", "source_id", "chart"]].copy()
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
    # same order as rows; schema and keys checked, but not the chart rule this function repairs
    a = data.load("assistance", data_dir=data_dir, rules=False)
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
