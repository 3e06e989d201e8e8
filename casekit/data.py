"""Load, validate and query the kit's cited tables in ``data/``.

Every table in ``data/`` is described by a Frictionless Table Schema in ``data/schemas/`` and listed
in ``data/datapackage.json``. :func:`load` checks a table against its schema *every time it is
read* (the check is remembered only for byte-identical file contents), then returns a typed
``pandas.DataFrame``. Nothing is silently coerced or dropped: any problem raises
:class:`DataError`, whose message names the file, the line, the column and the rule broken.

Checks made on load
-------------------
1. The Frictionless schema: types, required fields, enums, minimum/maximum, patterns, unique and
   primary keys, and the row shape (a truncated file shows up as missing cells).
2. Foreign keys: every ``source_id`` must exist in ``data/sources.csv``.
3. Partial dates (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) must be real calendar dates, and a
   ``date_precision`` column must agree with the date's form.
4. ``assistance.csv``: the chart rows of one country, fiscal year, program group and row type come
   from one document and basis (plus added supplementals; :mod:`casekit.chartrule`), and a row
   with an amount must say the value was reported.

Query helpers
-------------
:func:`assistance`, :func:`security_assistance_series`, :func:`security_share_of_milex`,
:func:`supplier_shares`, :func:`events` and :func:`to_constant` are the small, documented
queries the notebooks and models use. They never treat a missing year as zero: a gap stays NaN.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import json
import re
from pathlib import Path

import pandas as pd

from . import paths

__all__ = [
    "DataError",
    "TABLES",
    "load",
    "validate_all",
    "assistance",
    "security_assistance_series",
    "security_share_of_milex",
    "supplier_shares",
    "events",
    "to_constant",
    "sources_for",
]

COUNTRIES = ("Egypt", "Pakistan", "Iraq", "Bahrain", "Lebanon", "Colombia")


class DataError(ValueError):
    """A data table broke its schema. The message names file, line, column and rule."""


# --------------------------------------------------------------------------------------------
# package description


def _data_dir(data_dir) -> Path:
    return Path(data_dir) if data_dir is not None else paths.DATA


def _package(data_dir: Path) -> dict:
    pkg_path = data_dir / "datapackage.json"
    try:
        return json.loads(pkg_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{pkg_path}: file not found (the kit's data package description)") from None
    except json.JSONDecodeError as exc:
        raise DataError(f"{pkg_path}: line {exc.lineno}: not valid JSON ({exc.msg})") from None


def _resource(name: str, data_dir: Path) -> dict:
    pkg = _package(data_dir)
    for res in pkg.get("resources", []):
        if res.get("name") == name:
            return res
    known = ", ".join(r.get("name", "?") for r in pkg.get("resources", []))
    raise DataError(f"no table named {name!r} in data/datapackage.json (tables: {known})")


def _schema(res: dict, data_dir: Path) -> dict:
    schema = res.get("schema")
    if isinstance(schema, str):
        schema_path = data_dir / schema
        try:
            return json.loads(schema_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DataError(f"{schema_path}: schema file not found") from None
        except json.JSONDecodeError as exc:
            raise DataError(f"{schema_path}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    return schema


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


# --------------------------------------------------------------------------------------------
# validation


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


def _where(file: Path, line, column, rule) -> str:
    loc = f"{file.name}"
    if line is not None:
        loc += f", line {line}"
    if column:
        loc += f", column '{column}'"
    return f"{loc}: {rule}"


def _frictionless_errors(path: Path, schema: dict) -> list[str]:
    from frictionless import Resource, Schema  # imported lazily: it is slow to import

    descriptor = {k: v for k, v in schema.items() if k != "foreignKeys"}
    resource = Resource(
        path=path.name,
        basepath=str(path.parent),
        schema=Schema.from_descriptor(descriptor),
        format="csv",
        encoding="utf-8",
    )
    report = resource.validate()
    messages = []
    for task in report.tasks:
        for err in task.errors:
            line = getattr(err, "row_number", None)  # header = row 1, as in a text editor
            column = getattr(err, "field_name", None)
            cell = getattr(err, "cell", None)
            rule = f"{err.title.lower()}: {err.note}"
            if err.type == "primary-key":
                keys = schema.get("primaryKey", [])
                keys = [keys] if isinstance(keys, str) else keys
                column = ", ".join(keys)
                earlier = re.search(r"position (\d+)", err.note or "")
                where = f" as line {earlier.group(1)}" if earlier else " as an earlier row"
                rule = f"duplicate primary key: the same ({column}){where}"
            if cell not in (None, ""):
                rule += f" (value {cell!r})"
            messages.append(_where(path, line, column, rule))
    for err in report.errors:
        messages.append(_where(path, None, None, f"{err.title.lower()}: {err.note}"))
    return messages


def _read_raw(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _extra_checks(name: str, path: Path, schema: dict, data_dir: Path) -> list[str]:
    rows = _read_raw(path)
    problems = []
    fields = [f["name"] for f in schema.get("fields", [])]
    # foreign keys to sources (checked here so a table can be loaded on its own)
    for fk in schema.get("foreignKeys", []):
        ref = fk["reference"]
        if ref.get("resource") != "sources":
            continue
        local = fk["fields"] if isinstance(fk["fields"], str) else fk["fields"][0]
        known = {r["source_id"] for r in _read_raw(data_dir / "sources.csv")} if name != "sources" else set()
        for i, row in enumerate(rows, start=2):
            value = (row.get(local) or "").strip()
            if value and value not in known:
                problems.append(_where(path, i, local, f"source_id {value!r} is not in sources.csv"))
    # partial dates
    if "date" in fields:
        for i, row in enumerate(rows, start=2):
            text = row.get("date") or ""
            if not text:
                continue
            try:
                _, precision = parse_partial_date(text)
            except ValueError as exc:
                problems.append(_where(path, i, "date", f"impossible or malformed date: {exc}"))
                continue
            declared = row.get("date_precision")
            if "date_precision" in fields and declared and declared != precision:
                problems.append(
                    _where(path, i, "date_precision", f"says {declared!r} but date {text!r} has {precision} precision")
                )
    if name == "assistance":
        seen = {}
        for i, row in enumerate(rows, start=2):
            if (row.get("amount_usd_millions") or "") != "" and row.get("value_status") not in (None, "", "reported"):
                problems.append(
                    _where(path, i, "value_status", "a row with an amount must have value_status 'reported'")
                )
            if (row.get("amount_usd_millions") or "") == "" and row.get("value_status") == "reported":
                problems.append(
                    _where(path, i, "amount_usd_millions", "value_status 'reported' but no amount (say why it is missing)")
                )
            if str(row.get("chart", "")).lower() == "true" and row.get("scope") != "supplemental":
                # chart rows of one cell are one reading (document, basis) plus added supplementals;
                # casekit.chartrule decides which (tests check the column against it)
                key = (row["country"], row["fiscal_year"], row["program_group"], row["row_type"])
                reading = (row.get("source_id"), row.get("basis"))
                if key in seen and seen[key][1] != reading:
                    problems.append(
                        _where(path, i, "chart", f"chart rows for {key} from two documents or bases "
                               f"(first at line {seen[key][0]}); run python -m casekit.chartrule --write")
                    )
                else:
                    seen.setdefault(key, (i, reading))
    return problems


def _truncation(path: Path, text: str, schema: dict) -> str:
    """Describe a file whose last line has no line end: which column the cut row stops at."""
    lines = text.split("\n")
    last_no = len(lines)
    cells = next(csv.reader([lines[-1]]), [])
    names = [f["name"] for f in schema.get("fields", [])]
    if len(cells) < len(names):
        column = names[len(cells)]
        rule = f"the row stops after {len(cells)} of {len(names)} columns and has no line end: file truncated?"
    else:
        column = names[-1] if names else None
        rule = "the last line has no line end: file truncated?"
    return _where(path, last_no, column, rule)


_VALIDATED: dict[tuple[str, str], str] = {}


def _validate(name: str, path: Path, schema: dict, data_dir: Path, raw: bytes) -> None:
    digest = hashlib.sha256(raw + json.dumps(schema, sort_keys=True).encode()).hexdigest()
    if name != "sources":
        sources_path = data_dir / "sources.csv"
        if sources_path.exists():
            digest += hashlib.sha256(sources_path.read_bytes()).hexdigest()
    key = (str(path), digest)
    if key in _VALIDATED:
        return
    if not raw.strip():
        raise DataError(_where(path, None, None, "the file is empty"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(_where(path, line, None, "not valid UTF-8")) from None
    problems = []
    if not raw.endswith(b"\n"):
        problems.append(_truncation(path, text, schema))
    problems += _frictionless_errors(path, schema)
    problems += _extra_checks(name, path, schema, data_dir)
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise DataError(f"{path.name} failed validation ({len(problems)} problem(s)):\n  {shown}{more}")
    _VALIDATED[key] = digest


_PANDAS_TYPES = {"integer": "Int64", "number": "float64", "boolean": "boolean", "year": "Int64"}


def load(name: str, data_dir=None) -> pd.DataFrame:
    """Return table ``name`` (see :data:`TABLES`) as a typed DataFrame, validated first.

    ``data_dir`` defaults to the kit's ``data/`` folder; tests pass a copy.
    Raises :class:`DataError` naming file, line, column and rule on any problem.
    """
    ddir = _data_dir(data_dir)
    res = _resource(name, ddir)
    path = ddir / res["path"]
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path.name}: file not found in {ddir.name}/") from None
    schema = _schema(res, ddir)
    _validate(name, path, schema, ddir, raw)
    dtypes = {}
    for field in schema["fields"]:
        ftype = field.get("type", "string")
        dtypes[field["name"]] = _PANDAS_TYPES.get(ftype, "string")
    bool_cols = [c for c, t in dtypes.items() if t == "boolean"]
    read_types = {c: ("string" if t == "boolean" else t) for c, t in dtypes.items()}
    df = pd.read_csv(io.BytesIO(raw), dtype=read_types, keep_default_na=False, na_values=[""])
    for col in bool_cols:
        df[col] = df[col].str.lower().map({"true": True, "false": False, "1": True, "0": False}).astype("boolean")
    if "date" in df.columns:
        df["date_start"] = pd.to_datetime(
            [parse_partial_date(d)[0] if isinstance(d, str) else pd.NaT for d in df["date"]]
        )
    return df


def fingerprint(data_dir=None) -> tuple:
    """A cheap key that changes whenever any table file changes (size and modification time).

    Query caches (e.g. the data explorer's) include it, so an edited table is never served stale.
    """
    ddir = _data_dir(data_dir)
    key = []
    for path in sorted(ddir.glob("*.csv")) + sorted((ddir / "schemas").glob("*.json")):
        st = path.stat()
        key.append((path.name, st.st_size, st.st_mtime_ns))
    return tuple(key)


def validate_all(data_dir=None) -> dict[str, int]:
    """Validate every table in the package; return {table: row count}. Raises DataError."""
    ddir = _data_dir(data_dir)
    counts = {}
    for res in _package(ddir).get("resources", []):
        counts[res["name"]] = len(load(res["name"], ddir))
    return counts


# --------------------------------------------------------------------------------------------
# query helpers


def _check_country(country: str) -> None:
    if country not in COUNTRIES:
        raise ValueError(f"unknown country {country!r}; the kit's cases are: {', '.join(COUNTRIES)}")


def assistance(country, start=None, end=None, group=None, dollars="nominal", chart_only=True, data_dir=None):
    """Assistance rows for one country, as the kit's charts use them.

    Parameters
    ----------
    country : one of the six case countries
    start, end : inclusive fiscal-year bounds (None = open)
    group : a ``program_group`` or list of them (None = all)
    dollars : ``"nominal"`` (as printed) or ``"constant"`` (adds ``amount_constant`` in dollars of the
        deflator's base year; see :func:`to_constant`)
    chart_only : keep only rows flagged ``chart`` (one per country/year/program group/row type)
    """
    _check_country(country)
    df = load("assistance", data_dir)
    df = df[df["country"] == country]
    if start is not None:
        df = df[df["fiscal_year"] >= start]
    if end is not None:
        df = df[df["fiscal_year"] <= end]
    if group is not None:
        groups = [group] if isinstance(group, str) else list(group)
        df = df[df["program_group"].isin(groups)]
    if chart_only:
        df = df[df["chart"].fillna(False).astype(bool)]
    if dollars not in ("nominal", "constant"):
        raise ValueError("dollars must be 'nominal' or 'constant'")
    df = df.sort_values(["fiscal_year", "program_group"]).reset_index(drop=True)
    if dollars == "constant":
        df["amount_constant"] = to_constant(df["amount_usd_millions"], df["fiscal_year"], data_dir=data_dir)
    return df


def security_assistance_series(country, include_reimbursement=False, data_dir=None) -> pd.Series:
    """U.S. security assistance to ``country`` by fiscal year, $ millions nominal.

    For each fiscal year: a printed security subtotal flagged for charts if the data have one;
    otherwise the sum of the chart rows of security programs (category ``security``, plus
    ``reimbursement`` such as Coalition Support Funds when ``include_reimbursement``). Years with no
    reported security row are absent (never zero). Where program coverage is partial the sum is a
    floor, not a total: see the coverage matrix in data/README.md.
    """
    df = assistance(country, data_dir=data_dir)
    cats = ["security"] + (["reimbursement"] if include_reimbursement else [])
    df = df[df["category"].isin(cats) & df["amount_usd_millions"].notna()]
    sub = df[df["row_type"] == "subtotal"].groupby("fiscal_year")["amount_usd_millions"].sum()
    prog = df[df["row_type"] == "program"].groupby("fiscal_year")["amount_usd_millions"].sum()
    if include_reimbursement:
        # printed security subtotals exclude reimbursements: add them back
        reimb = df[(df["category"] == "reimbursement") & (df["row_type"] == "program")]
        reimb = reimb.groupby("fiscal_year")["amount_usd_millions"].sum()
        sub = sub.add(reimb.reindex(sub.index), fill_value=0) if len(sub) else sub
    series = prog.copy()
    for year, value in sub.items():
        series.loc[year] = value
    series = series.sort_index()
    series.index = series.index.astype(int)
    series.name = f"{country} U.S. security assistance ($M)"
    return series


def _context_series(country, indicator, data_dir=None) -> pd.Series:
    ctx = load("context", data_dir)
    ctx = ctx[(ctx["country"] == country) & (ctx["indicator"] == indicator)]
    s = ctx.set_index("year")["value"].astype(float).sort_index()
    s.index = s.index.astype(int)
    return s


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
    """The rows of sources.csv for the given ids (in first-seen order, no duplicates)."""
    src = load("sources", data_dir).set_index("source_id")
    ids = list(dict.fromkeys(i for i in source_ids if isinstance(i, str)))
    missing = [i for i in ids if i not in src.index]
    if missing:
        raise DataError(f"sources.csv has no row for: {', '.join(missing)}")
    return src.loc[ids].reset_index()


def import_foreignassistance(path, source_id: str = "FAGOV-COMPLETE-IMPORT"):
    """Import an official ForeignAssistance.gov complete CSV; see :mod:`casekit.foreignassistance`."""
    from .foreignassistance import import_foreignassistance as _import

    return _import(path, source_id=source_id)
