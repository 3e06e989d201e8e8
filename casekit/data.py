"""Load, validate and query the kit's cited tables in ``data/``.

Every table in ``data/`` is described by a Frictionless Table Schema in ``data/schemas/`` and listed
in ``data/datapackage.json``. :func:`load` reads a table through :mod:`casekit.tables` (the kit's one
table-reading layer), which checks it against its schema, its foreign keys and the table rules below,
then returns a typed ``pandas.DataFrame``. Nothing is silently coerced or dropped: any problem raises
:class:`DataError`, whose message names the file, the line, the column and the rule broken. A table
whose bytes, schema and rules are unchanged since it last passed is not checked again
(:mod:`casekit.tables`, "Fast start").

Table rules (added to the schema checks by :func:`table_rules`)
----------------------------------------------------------------
1. Partial dates (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) in a ``date`` column must be real calendar
   dates, and a ``date_precision`` column must agree with the date's form.
2. ``assistance.csv``: the chart rows of one country, fiscal year, program group and row type come
   from one document and basis (plus added supplementals; :mod:`casekit.chartrule`); a row with an
   amount must say the value was reported, and a ``reported`` row must have an amount; ``part_of``
   names the ``program`` of a row of the same country and fiscal year.

Rows added locally
------------------
``make update-data`` (:mod:`casekit.foreignassistance`) writes validated assistance rows to
``data/local/`` with their source rows. :func:`load` returns the kit's tables only; :func:`load_local`
returns the local rows (checked like the kit's, plus: no key of the kit's table again, no two local
files charting the same cell). :func:`casekit.chartrule.charted` (behind the explorer, the charts and
:func:`security_assistance_series`) fills with them the cells the kit has no figure for, marked
``added_locally``; :func:`sources_for` finds their source rows. Case texts (``chartrule.value``,
:func:`assistance` by default) use the kit's own rows only.

Query helpers
-------------
:func:`assistance`, :func:`security_assistance_series`, :func:`security_share_of_milex`,
:func:`supplier_shares`, :func:`events` and :func:`to_constant` are the small, documented
queries the notebooks and models use. They never treat a missing year as zero: a gap stays NaN.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
from pathlib import Path

import pandas as pd

from . import paths, tables
from .tables import DataError, Problem

__all__ = [
    "DataError",
    "TABLES",
    "COUNTRIES",
    "PROGRAM_GROUPS",
    "load",
    "load_local",
    "local_source_ids",
    "validate",
    "validate_all",
    "fingerprint",
    "table_rules",
    "assistance",
    "security_assistance_series",
    "security_share_of_milex",
    "supplier_shares",
    "events",
    "to_constant",
    "sources_for",
]

TABLES = (
    "sources",
    "assistance",
    "events",
    "arms_imports",
    "context",
    "authorities",
    "deflator",
    "case_facts",
)

#: The six case countries, in the kit's display order (read from the schemas' enums).
COUNTRIES = tables.vocabulary("countries")
#: The harmonised program groups of assistance.csv (read from its schema).
PROGRAM_GROUPS = tables.vocabulary("program_groups")


def _data_dir(data_dir) -> Path:
    return Path(data_dir) if data_dir is not None else paths.DATA


# --------------------------------------------------------------------------------------------
# table rules


_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_PRECISION = {1: "year", 2: "month", 3: "day"}


def parse_partial_date(text: str) -> tuple[_dt.date, str]:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; return (first day of the period, precision).

    Raises ``ValueError`` for anything that is not a real calendar date (e.g. ``2013-02-30``).
    """
    m = _DATE_RE.match(text or "")
    if not m:
        raise ValueError(f"{text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = m.groups()
    parts = [p for p in (year, month, day) if p is not None]
    date = _dt.date(int(year), int(month or 1), int(day or 1))  # raises ValueError if impossible
    return date, _PRECISION[len(parts)]


def _date_rules(table: tables.Table) -> list[Problem]:
    problems = []
    has_precision = "date_precision" in table.header
    for line, row in table.records():
        text = row.get("date") or ""
        if not text:
            continue
        try:
            _, precision = parse_partial_date(text)
        except ValueError as exc:
            problems.append(Problem(table.name, line, "date", f"impossible or malformed date: {exc}"))
            continue
        declared = row.get("date_precision")
        if has_precision and declared and declared != precision:
            problems.append(
                Problem(table.name, line, "date_precision", f"says {declared!r} but date {text!r} has {precision} precision")
            )
    return problems


def _assistance_rules(table: tables.Table) -> list[Problem]:
    problems = []
    seen: dict[tuple, tuple] = {}
    programs = {(r["country"], r["fiscal_year"], r["program"]) for _, r in table.records()}
    for line, row in table.records():
        amount, status = row.get("amount_usd_millions", ""), row.get("value_status", "")
        if amount != "" and status != "reported":
            problems.append(Problem(table.name, line, "value_status", "a row with an amount must have value_status 'reported'"))
        if amount == "" and status == "reported":
            problems.append(
                Problem(table.name, line, "amount_usd_millions", "value_status 'reported' but no amount (say why it is missing)")
            )
        part_of = row.get("part_of", "")
        if part_of and (row["country"], row["fiscal_year"], part_of) not in programs:
            problems.append(
                Problem(table.name, line, "part_of", f"no row of {row['country']} FY{row['fiscal_year']} has program {part_of!r}")
            )
        if row.get("chart", "").lower() == "true" and row.get("scope") != "supplemental":
            # chart rows of one cell are one reading (document, basis) plus added supplementals;
            # casekit.chartrule decides which (tests check the column against it)
            key = (row["country"], row["fiscal_year"], row["program_group"], row["row_type"])
            reading = (row.get("source_id"), row.get("basis"))
            if key in seen and seen[key][1] != reading:
                problems.append(
                    Problem(table.name, line, "chart", f"chart rows for {key} from two documents or bases "
                            f"(first at line {seen[key][0]}); run python -m casekit.chartrule --write")
                )
            else:
                seen.setdefault(key, (line, reading))
    return problems


def table_rules(name: str, table: tables.Table) -> list[Problem]:
    """The kit's rules beyond the schemas (see the module docstring) for table ``name``."""
    problems = []
    if "date" in table.header:
        problems += _date_rules(table)
    if name == "assistance":
        problems += _assistance_rules(table)
    return problems


# --------------------------------------------------------------------------------------------
# loading


def validate(name: str, data_dir=None, *, cache: bool = True, rules: bool = True) -> tables.Checked:
    """Check table ``name`` (see :func:`casekit.tables.validate`); raise :class:`DataError` if it fails.

    ``rules=False`` skips :func:`table_rules` for this table (schema and keys are still checked):
    only for tools that repair what those rules check, such as ``python -m casekit.chartrule --write``.
    """
    return tables.validate(name, _data_dir(data_dir), rules=table_rules if rules else None, cache=cache)


_PANDAS_TYPES = {"integer": "Int64", "number": "float64", "boolean": "string", "year": "Int64"}
_FRAMES: dict[str, pd.DataFrame] = {}
_FRAMES_MAX = 64


def _frame(raw: bytes, key: str, schema: dict) -> pd.DataFrame:
    """The typed DataFrame of validated bytes, memoised by their content key."""
    df = _FRAMES.get(key)
    if df is None:
        fields = schema["fields"]
        dtypes = {f["name"]: _PANDAS_TYPES.get(f.get("type", "string"), "string") for f in fields}
        df = pd.read_csv(
            io.BytesIO(raw), dtype=dtypes, keep_default_na=False, na_values=[""], encoding="utf-8-sig"
        )
        df = df[[f["name"] for f in fields]]  # schema order, whatever the file's column order
        for f in fields:
            if f.get("type") == "boolean":
                true = [str(v).lower() for v in f.get("trueValues", ["true", "True", "TRUE", "1"])]
                false = [str(v).lower() for v in f.get("falseValues", ["false", "False", "FALSE", "0"])]
                mapping = {**{t: True for t in true}, **{v: False for v in false}}
                df[f["name"]] = df[f["name"]].str.lower().map(mapping).astype("boolean")
        if "date" in df.columns:
            df["date_start"] = pd.to_datetime(
                [parse_partial_date(d)[0] if isinstance(d, str) else pd.NaT for d in df["date"]]
            )
        while len(_FRAMES) >= _FRAMES_MAX:
            _FRAMES.pop(next(iter(_FRAMES)))
        _FRAMES[key] = df
    return df.copy()


def load(name: str, data_dir=None, *, cache: bool = True, rules: bool = True) -> pd.DataFrame:
    """Return table ``name`` (see :data:`TABLES`) as a typed DataFrame, validated first.

    ``data_dir`` defaults to the kit's ``data/`` folder; tests pass a copy. ``cache=False`` forces a
    full check even if these exact bytes passed before; ``rules=False``: see :func:`validate`.
    Raises :class:`DataError` naming file, line, column and rule on any problem. Rows added locally
    are not included (see :func:`load_local`).
    """
    checked = validate(name, data_dir, cache=cache, rules=rules)
    return _frame(checked.raw, checked.key, checked.schema)


def validate_all(data_dir=None, *, cache: bool = True) -> dict[str, int]:
    """Validate every table in the package and the rows added locally; return {table: row count}."""
    ddir = _data_dir(data_dir)
    counts = {res["name"]: validate(res["name"], ddir, cache=cache).rows for res in tables.package(ddir)["resources"]}
    for name in counts:
        _validate_local(name, ddir, cache=cache)
    return counts


def fingerprint(data_dir=None) -> str:
    """Content hash of every table, schema and local file: the key query caches use.

    The kit's one cache rule (see :mod:`casekit.tables`): a cached result is keyed by the content
    hash of its inputs, so an edited table is never served stale.
    """
    ddir = _data_dir(data_dir)
    files = [ddir / "datapackage.json"] + sorted(ddir.glob("*.csv")) + sorted((ddir / "schemas").glob("*.json"))
    local = ddir / tables.LOCAL
    if local.is_dir():
        files += sorted(local.glob("*.csv"))
    return tables.content_key("fingerprint", [(p.name, tables.file_digest(p)) for p in files])


# --------------------------------------------------------------------------------------------
# rows added locally (make update-data)


def _validate_local(name: str, data_dir: Path, *, cache: bool = True) -> list[tables.Checked]:
    """Check every local file of table ``name`` against the table's schema and rules."""
    files = tables.local_files(name, data_dir)
    if not files:
        return []
    pkg = tables.package(data_dir)
    res = tables.resource(name, data_dir, pkg)
    sch = tables.schema(name, data_dir, res)
    deps: dict[str, tables.Checked] = {}
    local_deps: dict[str, list[tables.Checked]] = {}
    for fk in sch.get("foreignKeys", []):
        target = fk.get("reference", {}).get("resource", "")
        if target and target not in deps:
            deps[target] = validate(target, data_dir, cache=cache)
            local_deps[target] = _validate_local(target, data_dir, cache=cache)

    def lookup(target: str, fields: list[str]):
        known = set()
        for dep in [deps[target], *local_deps[target]]:
            table = tables.parse(tables.decode(dep.raw, tables.label(dep.path)), tables.label(dep.path))
            known |= {tuple(r[table.header.index(f)] for f in fields) for r in table.rows}
        where = " or ".join(f"{tables.label(d.path)}" for d in [deps[target], *local_deps[target]])
        return known, where

    dep_keys = [d.key for t in sorted(deps) for d in [deps[t], *local_deps[t]]]
    out = []
    for path in files:
        raw, key, rows = tables.validate_file(
            path, sch, name=name, lookup=lookup, dependencies=dep_keys, rules=table_rules, cache=cache
        )
        out.append(tables.Checked(name, path, raw, key, rows, sch))
    _check_local_against_kit(name, data_dir, out, cache=cache)
    return out


def _check_local_against_kit(name: str, data_dir: Path, local: list[tables.Checked], *, cache: bool) -> None:
    """Local rows may add to a table, never redefine it: no primary key of the kit's table again,
    and no two local files charting the same country, year, program group and row type."""
    sch = local[0].schema
    keys = sch.get("primaryKey", [])
    keys = [keys] if isinstance(keys, str) else list(keys)
    kit = validate(name, data_dir, cache=cache)
    kit_table = tables.parse(tables.decode(kit.raw, tables.label(kit.path)), tables.label(kit.path))
    seen = {tuple(r[kit_table.header.index(k)] for k in keys): kit_table.name for r in kit_table.rows} if keys else {}
    charted: dict[tuple, str] = {}
    problems = []
    for checked in local:
        table = tables.parse(tables.decode(checked.raw, tables.label(checked.path)), tables.label(checked.path))
        for line, row in table.records():
            if keys:
                pk = tuple(row[k] for k in keys)
                if pk in seen:
                    problems.append(Problem(table.name, line, ", ".join(keys), f"the same key as a row of {seen[pk]}"))
                seen[pk] = f"{table.name} line {line}"
            if name == "assistance" and row.get("chart", "").lower() == "true":
                ck = (row["country"], row["fiscal_year"], row["program_group"], row["row_type"])
                if ck in charted and not charted[ck].startswith(table.name + " "):
                    problems.append(
                        Problem(table.name, line, "chart", f"{charted[ck]} already gives a local chart row for {ck};"
                                " keep one of the two files")
                    )
                charted.setdefault(ck, f"{table.name} line {line}")
    tables.fail(problems)


def local_source_ids(data_dir=None) -> frozenset:
    """Ids of the sources added locally (``data/local/sources.csv``): what "added locally" labels key on."""
    if not tables.local_files("sources", _data_dir(data_dir)):
        return frozenset()
    return frozenset(load_local("sources", data_dir)["source_id"])


def load_local(name: str, data_dir=None, *, cache: bool = True) -> pd.DataFrame:
    """Rows of table ``name`` added locally (``data/local/``), validated, with ``local_file`` set.

    Empty (with the table's columns) when there are none.
    """
    ddir = _data_dir(data_dir)
    checked = _validate_local(name, ddir, cache=cache)
    if not checked:
        sch = tables.schema(name, ddir)
        return pd.DataFrame(columns=tables.field_names(sch) + ["local_file"])
    frames = []
    for c in checked:
        df = _frame(c.raw, c.key, c.schema)
        df["local_file"] = f"{tables.LOCAL}/{c.path.name}"
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------------------------
# query helpers


def _check_country(country: str) -> None:
    from casekit import validate  # one error style for learner inputs (closest match named)

    validate.choice("country", country, COUNTRIES)


def assistance(
    country, start=None, end=None, group=None, dollars="nominal", chart_only=True, data_dir=None, local=False
):
    """Assistance rows for one country, as the kit's charts use them.

    Parameters
    ----------
    country : one of the six case countries
    start, end : inclusive fiscal-year bounds (None = open)
    group : a ``program_group`` or list of them (None = all)
    dollars : ``"nominal"`` (as printed) or ``"constant"`` (adds ``amount_constant`` in dollars of the
        deflator's base year; see :func:`to_constant`)
    chart_only : keep only rows flagged ``chart`` (the rows :mod:`casekit.chartrule` picks for each
        country/year/program group/row type)
    local : also return rows added locally with ``make update-data`` (column ``added_locally``; off by
        default, so case texts cite the kit's own rows). With ``chart_only`` a local chart row is kept
        only where the kit has no chart row for its country, year, program group and row type.
    """
    _check_country(country)
    from casekit import validate

    validate.choice("dollars", dollars, ("nominal", "constant"))
    df = load("assistance", data_dir)
    df = df[df["country"] == country]
    df["added_locally"] = False
    if local:
        extra = load_local("assistance", data_dir)
        extra = extra[extra["country"] == country].drop(columns=["local_file"])
        if not extra.empty:
            extra["added_locally"] = True
            if chart_only:
                key = ["fiscal_year", "program_group", "row_type"]
                kit_cells = set(map(tuple, df.loc[df["chart"].fillna(False).astype(bool), key].to_numpy().tolist()))
                extra = extra[[tuple(k) not in kit_cells for k in extra[key].to_numpy().tolist()]]
            df = pd.concat([df, extra.astype(df.dtypes.to_dict())], ignore_index=True)
    if start is not None:
        df = df[df["fiscal_year"] >= start]
    if end is not None:
        df = df[df["fiscal_year"] <= end]
    if group is not None:
        groups = [group] if isinstance(group, str) else list(group)
        df = df[df["program_group"].isin(groups)]
    if chart_only:
        df = df[df["chart"].fillna(False).astype(bool)]
    df = df.sort_values(["fiscal_year", "program_group"], kind="stable").reset_index(drop=True)
    if dollars == "constant":
        df["amount_constant"] = to_constant(df["amount_usd_millions"], df["fiscal_year"], data_dir=data_dir)
    return df


def security_assistance_series(country, include_reimbursement=False, data_dir=None) -> pd.Series:
    """U.S. security assistance to ``country`` by fiscal year, $ millions nominal.

    The amounts of :func:`casekit.chartrule.security_totals` (the chart rule in data/README.md): per
    fiscal year a printed security subtotal, or the sum of the year's charted security programs
    when that is larger; requests never count; ``reimbursement`` (Coalition Support Funds) only with
    ``include_reimbursement``. Only fiscal-year figures: a year whose only figures are calendar-year
    or of unstated year basis is left out (see ``chartrule.security_totals`` for those). Years with
    no figure are absent (never zero). Where program coverage is partial the sum is a floor.
    """
    from . import chartrule

    _check_country(country)
    t = chartrule.security_totals(country, include_reimbursement, data_dir=data_dir)
    t = t[t["year_basis"] == "fiscal"]
    series = pd.Series(t["amount"].to_numpy(dtype=float), index=t["fiscal_year"].astype(int).to_numpy())
    series = series.sort_index()
    series.name = f"{country} U.S. security assistance ($M)"
    return series


def milex_usd_millions(country, data_dir=None) -> pd.Series:
    """Partner military expenditure by calendar year in US$ millions (SIPRI, current dollars)."""
    ctx = load("context", data_dir)
    rows = ctx[(ctx["country"] == country) & (ctx["indicator"] == "milex_current_usd")]
    if rows.empty:
        return pd.Series(dtype=float)
    unit = str(rows["unit"].iloc[0]).lower()
    scale = 1.0 if "million" in unit else 1e-6
    s = rows.set_index("year")["value"].astype(float).sort_index() * scale
    s.index = s.index.astype(int)
    return s


def security_share_of_milex(country, include_reimbursement=False, data_dir=None) -> pd.Series:
    """U.S. security assistance as a fraction of the partner's military spending, by year.

    Numerator: :func:`security_assistance_series` (U.S. fiscal year). Denominator: SIPRI military
    expenditure in current US$ (calendar year). Pairing FY with CY is an approximation stated in the
    notebooks. Only years where both exist are returned.
    """
    _check_country(country)
    aid = security_assistance_series(country, include_reimbursement, data_dir)
    milex = milex_usd_millions(country, data_dir)
    both = aid.index.intersection(milex.index)
    share = (aid.loc[both] / milex.loc[both]).sort_index()
    share.name = f"{country} U.S. security assistance / military expenditure"
    return share


def supplier_shares(country, start, end, data_dir=None) -> pd.Series:
    """Each supplier's share of ``country``'s arms imports (SIPRI TIV) over start..end inclusive."""
    _check_country(country)
    arms = load("arms_imports", data_dir)
    sel = arms[(arms["recipient"] == country) & arms["year"].between(start, end)]
    total = sel["tiv_millions"].sum()
    if total == 0:
        return pd.Series(dtype=float, name="share")
    shares = sel.groupby("supplier")["tiv_millions"].sum() / total
    shares = shares.sort_values(ascending=False)
    shares.name = "share"
    return shares


def events(country=None, episode=None, data_dir=None) -> pd.DataFrame:
    """The dated event timeline, optionally for one country and/or one conditionality episode."""
    ev = load("events", data_dir)
    if country is not None:
        _check_country(country)
        ev = ev[ev["country"] == country]
    if episode is not None:
        ev = ev[ev["episode"] == episode]
    return ev.sort_values(["date_start", "event_id"]).reset_index(drop=True)


def deflator(data_dir=None) -> pd.Series:
    """The U.S. price index by year (see data/README.md for series and base year)."""
    df = load("deflator", data_dir)
    s = df.set_index("year")["index_value"].astype(float)
    s.index = s.index.astype(int)
    return s


def constant_base_year(data_dir=None) -> int:
    """The year whose dollars constant-dollar views use: the latest year of the price index."""
    return int(deflator(data_dir).index.max())


def to_constant(amounts, years, base=None, data_dir=None):
    """Convert nominal amounts to constant dollars of year ``base`` (default: latest index year).

    ``constant = nominal * index[base] / index[year]``. The index is a calendar-year series applied
    to U.S. fiscal years (an approximation the notebooks state). A year outside the index gives NaN,
    never a guessed value.
    """
    idx = deflator(data_dir)
    base = constant_base_year(data_dir) if base is None else int(base)
    if base not in idx.index:
        raise ValueError(f"no price-index value for base year {base}")
    factors = [idx[base] / idx[int(y)] if int(y) in idx.index else float("nan") for y in years]
    values = pd.Series(amounts, dtype=float)
    return pd.Series(values.to_numpy() * factors, index=values.index)


def sources_for(source_ids, data_dir=None) -> pd.DataFrame:
    """The rows of sources.csv (or of a local sources file) for the given ids, first-seen order."""
    src = load("sources", data_dir)
    extra = load_local("sources", data_dir)
    if not extra.empty:
        src = pd.concat([src, extra.drop(columns=["local_file"]).astype(src.dtypes.to_dict())], ignore_index=True)
    src = src.set_index("source_id")
    ids = list(dict.fromkeys(i for i in source_ids if isinstance(i, str)))
    missing = [i for i in ids if i not in src.index]
    if missing:
        raise DataError(f"sources.csv has no row for: {', '.join(missing)}")
    return src.loc[ids].reset_index()


def import_foreignassistance(path, source_id: str | None = None):
    """Import an official ForeignAssistance.gov complete CSV; see :mod:`casekit.foreignassistance`."""
    from .foreignassistance import import_foreignassistance as _import

    return _import(path, source_id=source_id)
