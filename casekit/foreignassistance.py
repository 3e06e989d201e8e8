"""Extend the aid series from the official ForeignAssistance.gov download (``make update-data FILE=...``).

ForeignAssistance.gov publishes a "complete" CSV with one row per activity and transaction, including
``country_name``, ``fiscal_year``, ``assistance_category_name`` (Economic or Military),
``funding_account_name``, ``transaction_type_name`` and ``current_amount`` (U.S. dollars). The kit never
downloads it (it never touches the network), but an instructor who has the file can add its figures for
the six case countries::

    make update-data FILE=~/Downloads/us_foreign_aid_complete.csv

What happens
------------
1. The file is streamed line by line (a 200 MB download takes seconds and little memory). Required
   columns are checked first; a missing one is named with the columns the file does have. Older
   exports with spaced title-case headers ("Country Name", "Current Dollar Amount") are accepted.
2. Every row is accounted for: imported, outside the six countries, or rejected with its line and
   column and the reason (a fiscal year outside the schema's range such as 0 or 99999; an amount that
   is not a finite number, such as ``NaN``, ``inf``, ``1e400`` or a badly grouped ``1,2,3``; an unknown
   category or transaction type; a row with the wrong number of cells). A file that is not UTF-8
   (a Latin-1 save), holds a NUL byte, is a folder, or has a cell over 128 KB is refused as a whole,
   with the line named.
3. Amounts are summed exactly (decimal arithmetic) by country, fiscal year, funding account, category
   and transaction type, and written in millions, as ``data/assistance.csv`` holds them (Coalition
   Support Funds under category ``reimbursement``, as the kit files them). Funding
   accounts the kit has no harmonised group for are kept as ``other_security``/``other_economic`` and
   listed in the report. An account whose net amount for a year is negative (de-obligations larger than
   obligations) cannot be an assistance figure; it is left out and listed.
4. The rows take the assistance schema (every column, ``year_basis`` = ``fiscal``), cite a source row
   that describes the file (name, size and SHA-256), and get their ``chart`` flags from the kit's own
   chart-row rule (:func:`casekit.chartrule.chart_flags`).
5. Before anything is written, the new files are validated with the same checks as the kit's tables
   (schema, finite numbers, foreign keys, table rules, no clash with the kit's keys or another local
   import). Then they are written atomically (temporary file + rename) to ``data/local/``
   (git-ignored): ``assistance_<file name>.csv`` and ``sources.csv``. A failed or interrupted import
   leaves the previous files as they were; an import with no rows for the six countries writes nothing.

The loader, the data explorer and the charts read ``data/local/``: a local chart row fills a country,
year and program group the kit has no chart row for, never replaces a cited figure, and is labelled
"added locally". Delete the file in ``data/local/`` to remove an import.
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from . import paths, tables
from .data import COUNTRIES, DataError

REQUIRED = (
    "country_name",
    "fiscal_year",
    "assistance_category_name",
    "funding_account_name",
    "transaction_type_name",
    "current_amount",
)

_ALIASES = {
    "current_dollar_amount": "current_amount",
    "constant_dollar_amount": "constant_amount",
    "transaction_type": "transaction_type_name",
    "funding_account": "funding_account_name",
}

# Funding-account name (lower case, fragment) -> kit program group. Order matters: first match wins.
ACCOUNT_GROUPS = (
    ("foreign military financing", "FMF"),
    ("international military education", "IMET"),
    ("economic support", "ESF"),
    ("international narcotics control", "INCLE"),
    ("nonproliferation, anti-terrorism", "NADR"),
    ("nonproliferation, antiterrorism", "NADR"),
    ("coalition support", "CSF"),
    ("iraq security forces fund", "ISFF"),
    ("iraq train and equip", "ITEF/CTEF"),
    ("counter-isis train and equip", "ITEF/CTEF"),
    ("counter-islamic state", "ITEF/CTEF"),
    ("pakistan counterinsurgency", "PCF/PCCF"),
)

CATEGORY = {"military": "security", "economic": "economic"}
#: Program groups that data/assistance.csv files under category "reimbursement" (paid for services
#: rendered, not assistance), whatever ForeignAssistance.gov's military/economic split says.
REIMBURSEMENT_GROUPS = {"CSF"}
BASIS = {
    "obligations": "obligation",
    "disbursements": "disbursement",
    "appropriated and planned": "allocation",
    "president's budget requests": "request",
}

#: A line longer than this is not a ForeignAssistance.gov row (the file is refused, memory stays flat).
MAX_LINE_BYTES = 1 << 20
#: How many rejected rows the report lists one by one (all are counted).
LISTED = 200
_AMOUNT = re.compile(r"^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?([eE][+-]?\d+)?$", re.ASCII)
_MILLION = Decimal(1_000_000)


@dataclass
class ImportReport:
    """What happened to every row of the imported file."""

    file: str
    rows_read: int = 0
    rows_imported: int = 0
    rows_other_countries: int = 0
    rows_rejected: int = 0
    rejected: list[str] = field(default_factory=list)  # the first LISTED reasons, with line and column
    unmapped_accounts: dict[str, int] = field(default_factory=dict)
    negative_totals: list[str] = field(default_factory=list)
    sha256: str = ""
    bytes: int = 0

    def reject(self, line: int, column: str | None, reason: str) -> None:
        self.rows_rejected += 1
        if len(self.rejected) < LISTED:
            where = f"line {line}" + (f", column '{column}'" if column else "")
            self.rejected.append(f"{where}: {reason}")

    def __str__(self) -> str:
        lines = [
            f"{self.file}: {self.rows_read} rows read; {self.rows_imported} for the six case countries; "
            f"{self.rows_other_countries} for other countries (skipped); {self.rows_rejected} rejected",
        ]
        lines += [f"  rejected: {r}" for r in self.rejected[:20]]
        if self.rows_rejected > 20:
            lines.append(f"  ... and {self.rows_rejected - 20} more rejected rows")
        if self.unmapped_accounts:
            lines.append("  funding accounts with no harmonised program group (kept as other_security/other_economic):")
            lines += [f"    {name} ({n} rows)" for name, n in sorted(self.unmapped_accounts.items())]
        if self.negative_totals:
            lines.append("  left out: net amount below zero (de-obligations larger than obligations):")
            lines += [f"    {t}" for t in self.negative_totals]
        return "\n".join(lines)


def _norm_header(name: str) -> str:
    key = re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")
    return _ALIASES.get(key, key)


def program_group(account: str, category: str) -> tuple[str, bool]:
    """Map a funding-account name to a kit program group; returns (group, mapped?)."""
    low = account.lower()
    for fragment, group in ACCOUNT_GROUPS:
        if fragment in low:
            return group, True
    return ("other_security" if category == "security" else "other_economic"), False


def _year_range() -> tuple[int, int]:
    """The fiscal years the assistance schema allows (one place: data/schemas/assistance.json)."""
    sch = tables.schema("assistance")
    c = next(f for f in sch["fields"] if f["name"] == "fiscal_year").get("constraints", {})
    return int(c.get("minimum", 1946)), int(c.get("maximum", 2100))


def _source_id(path: Path) -> str:
    stem = re.sub(r"[^A-Za-z0-9.-]+", "-", path.stem).strip("-.") or "file"
    return f"FAGOV-LOCAL-{stem}"


def _text_lines(path: Path, report: ImportReport):
    """Yield the file's lines as text, one at a time; refuse encodings and bytes the kit cannot read."""
    name = path.name
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        line_no = 0
        while True:
            raw = fh.readline(MAX_LINE_BYTES + 1)
            if not raw:
                break
            line_no += 1
            digest.update(raw)
            report.bytes += len(raw)
            if len(raw) > MAX_LINE_BYTES:
                raise DataError(f"{name}, line {line_no}: longer than {MAX_LINE_BYTES} bytes: not a ForeignAssistance.gov CSV row", name, line_no)
            if line_no == 1:
                if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
                    raise DataError(f"{name}: saved as UTF-16; save it as 'CSV UTF-8' instead", name, 1)
                if raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
            if b"\x00" in raw:
                raise DataError(f"{name}, line {line_no}: contains a NUL byte (a binary or corrupted file?)", name, line_no)
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise DataError(
                    f"{name}, line {line_no}: byte 0x{raw[exc.start:exc.start + 1].hex()} is not UTF-8 (the file was"
                    " probably saved as Latin-1 or Windows-1252; save it as 'CSV UTF-8')",
                    name,
                    line_no,
                ) from None
    report.sha256 = digest.hexdigest()


def _amount(text: str) -> Decimal | None:
    """Dollars as an exact Decimal, or None if the text is not a plain finite number."""
    text = text.strip()
    if not _AMOUNT.match(text):
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    if not value.is_finite() or not math.isfinite(float(value)):
        return None
    return value


def import_foreignassistance(path, source_id: str | None = None) -> tuple[pd.DataFrame, ImportReport]:
    """Read the official complete CSV at ``path``; return (rows in the assistance schema, report).

    The rows are typed as :func:`casekit.data.load` types them and cite ``source_id`` (default
    ``FAGOV-LOCAL-<file name>``; see :func:`source_row`). Nothing is written here (see
    :func:`write_local`). Raises :class:`casekit.data.DataError` if the file cannot be read as a whole
    (missing, a folder, empty, not UTF-8, NUL bytes, a required column missing, broken CSV quoting).
    """
    records, report = _import(Path(path), source_id)
    fields = tables.field_names(tables.schema("assistance"))
    frame = pd.DataFrame.from_records(records, columns=fields)
    frame["fiscal_year"] = frame["fiscal_year"].astype("Int64")
    frame["amount_usd_millions"] = pd.to_numeric(frame["amount_usd_millions"]).astype("float64")
    frame["chart"] = frame["chart"].map({"true": True, "false": False}).astype("boolean")
    return frame, report


def _import(path: Path, source_id: str | None) -> tuple[list[dict], ImportReport]:
    """The import as text records (amounts exactly as summed), ready to write."""
    name = path.name
    if path.is_dir():
        raise DataError(f"{path}: is a folder, not a CSV file", name)
    if not path.exists():
        raise DataError(f"{path}: file not found", name)
    source_id = source_id or _source_id(path)
    report = ImportReport(file=name)
    lo, hi = _year_range()
    csv.field_size_limit(tables.FIELD_LIMIT)
    reader = csv.reader(_text_lines(path, report), strict=True)
    sums: dict[tuple, list] = {}
    previous = 0
    try:
        header = next(reader, None)
        if not header or header == [""]:
            raise DataError(f"{name}: the file is empty", name)
        names = [_norm_header(h) for h in header]
        missing = [c for c in REQUIRED if c not in names]
        if missing:
            raise DataError(
                f"{name}, line 1: missing required column(s) {', '.join(missing)}; the file has: {', '.join(header)}",
                name,
                1,
            )
        col = {n: i for i, n in enumerate(names)}
        i_country, i_year, i_amount = col["country_name"], col["fiscal_year"], col["current_amount"]
        i_cat, i_type, i_account = col["assistance_category_name"], col["transaction_type_name"], col["funding_account_name"]
        width = len(header)
        countries = set(COUNTRIES)
        previous = reader.line_num
        for cells in reader:
            line_no, previous = previous + 1, reader.line_num
            if not cells:
                continue  # a blank line
            report.rows_read += 1
            if len(cells) != width:
                report.reject(line_no, None, f"{len(cells)} cells, the header has {width}")
                continue
            country = cells[i_country].strip()
            if country not in countries:
                report.rows_other_countries += 1
                continue
            year_text = cells[i_year].strip()
            if not (year_text.isascii() and year_text.isdigit()) or not lo <= int(year_text) <= hi:
                report.reject(line_no, "fiscal_year", f"{year_text!r} is not a fiscal year from {lo} to {hi}")
                continue
            amount = _amount(cells[i_amount])
            if amount is None:
                report.reject(line_no, "current_amount", f"{cells[i_amount].strip()!r} is not a finite number of dollars")
                continue
            cat_text = cells[i_cat].strip()
            category = CATEGORY.get(cat_text.lower())
            if category is None:
                report.reject(line_no, "assistance_category_name", f"{cat_text!r} is neither Economic nor Military")
                continue
            tt_text = cells[i_type].strip()
            basis = BASIS.get(tt_text.lower())
            if basis is None:
                report.reject(line_no, "transaction_type_name", f"unknown transaction type {tt_text!r}")
                continue
            account = cells[i_account].strip() or "(no account named)"
            group, mapped = program_group(account, category)
            if not mapped:
                report.unmapped_accounts[account] = report.unmapped_accounts.get(account, 0) + 1
            if group in REIMBURSEMENT_GROUPS:
                category = "reimbursement"  # the kit keeps reimbursements out of security assistance
            entry = sums.setdefault((country, int(year_text), account, group, category, basis), [Decimal(0), 0])
            entry[0] += amount
            entry[1] += 1
            report.rows_imported += 1
    except csv.Error as exc:
        line = previous + 1
        if "field larger than field limit" in str(exc):
            reason = f"a cell longer than {tables.FIELD_LIMIT} characters (a quote left open?)"
        elif "unexpected end of data" in str(exc):
            reason = "a quoted cell is never closed: the file is cut (truncated) or has a stray quote"
        else:
            reason = f"not valid CSV ({exc})"
        raise DataError(f"{name}, line {line}: {reason}", name, line) from None
    fields = tables.field_names(tables.schema("assistance"))
    records = []
    for (country, year, account, group, category, basis), (total, n) in sorted(sums.items()):
        if total < 0:
            report.negative_totals.append(f"{country} FY{year} {account} ({basis}): {total / _MILLION:f} million")
            continue
        millions = total / _MILLION
        row = dict.fromkeys(fields, "")
        row.update(
            country=country,
            fiscal_year=year,
            year_basis="fiscal",
            program=account,
            program_group=group,
            category=category,
            row_type="program",
            scope="full_year",
            amount_usd_millions=format(millions.normalize(), "f") if millions else "0",
            value_status="reported",
            basis=basis,
            source_id=source_id,
            chart="false",
            note=(
                f"added locally with make update-data from {name}: sum of {n} transaction row(s), current U.S. "
                "dollars / 1e6; ForeignAssistance.gov revises recent years, so a later download can differ"
            ),
        )
        records.append({k: row[k] for k in fields})
    if records:
        for row, flag in zip(records, _chart_flags(records, fields, source_id)):
            row["chart"] = flag
    return records, report


def _chart_flags(records: list[dict], fields: list[str], source_id: str) -> list[str]:
    """The kit's chart-row rule applied to the imported rows alone."""
    from . import data

    typed = pd.DataFrame.from_records(records, columns=fields).replace("", pd.NA)
    typed["amount_usd_millions"] = pd.to_numeric(typed["amount_usd_millions"])
    typed["fiscal_year"] = typed["fiscal_year"].astype(int)
    sources = pd.concat(
        [data.load("sources"), pd.DataFrame([{"source_id": source_id, "tier": "primary", "date": ""}])],
        ignore_index=True,
    )
    _, flags = charted_local(typed, sources)
    return ["true" if f else "false" for f in flags]


_CELL = ["country", "fiscal_year", "program_group", "row_type"]


def _simple_cells(rows: pd.DataFrame) -> pd.Series:
    """Which rows sit in a cell that :func:`charted_local` can chart by its shortcut.

    A cell is simple when, like every cell this importer writes, all its rows are whole-fiscal-year
    program rows (``scope`` full_year, ``year_basis`` fiscal) with an amount, from one source, not an
    all-account total and not an authorization.
    """
    ok = (
        rows["row_type"].eq("program")
        & rows["scope"].eq("full_year")
        & rows["year_basis"].eq("fiscal")
        & rows["amount_usd_millions"].notna()
        & rows["program_group"].ne("all_accounts")
        & rows["basis"].ne("authorization")  # ranked by its own rule (chartrule); never in an import
    )
    per_cell = rows.assign(_ok=ok).groupby(_CELL, sort=False)
    simple = per_cell["_ok"].transform("all") & per_cell["source_id"].transform("nunique").eq(1)
    return simple.astype(bool)


def charted_local(rows: pd.DataFrame, sources: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """:func:`casekit.chartrule.charted_from` and ``chart_flags`` for imported rows, fast.

    The chart rule ranks the readings of a cell (one per source, basis, year basis and scope) and
    charts the first. In a simple cell (see :func:`_simple_cells`) only the basis differs between
    readings, so the rank reduces to: not a request, then a positive sum before a zero one, then
    ``chartrule.BASIS_RANK``, then file order; the amount is the reading's sum. That is computed here
    for all simple cells at once (an import of the whole download has thousands of cells, which the
    general rule takes seconds each hundred to rank); other cells go through
    :func:`casekit.chartrule.charted_from`. ``tests/test_foreignassistance.py`` checks both give the
    same cells and flags. Returns (cells, flags) like ``charted_from`` and ``chart_flags``.
    """
    from . import chartrule

    simple = _simple_cells(rows)
    df = rows[simple]
    flags = pd.Series(False, index=rows.index)
    parts = []
    if len(df):
        r = df.assign(_line=range(len(df)))
        read = r.groupby(_CELL + ["basis"], sort=False).agg(
            amount=("amount_usd_millions", "sum"), _line=("_line", "min")
        ).reset_index()
        read["_rank"] = list(zip(
            read["basis"].eq("request").astype(int),
            (read["amount"] <= 0).astype(int),
            read["basis"].map(chartrule.BASIS_RANK).fillna(len(chartrule.BASIS_RANK)).astype(int),
            read["_line"],
        ))
        best = read.sort_values("_rank", kind="stable").drop_duplicates(_CELL)
        used = r.merge(best[_CELL + ["basis"]], on=_CELL + ["basis"], how="inner")
        used.index = r.index[used["_line"].to_numpy()]
        flags[used.index] = True
        records = []
        for key, grp in used.groupby(_CELL, sort=True):
            basis = grp["basis"].iloc[0]
            records.append({
                "country": key[0], "fiscal_year": int(key[1]), "program_group": key[2], "row_type": key[3],
                "category": grp["category"].iloc[0],
                "amount": float(grp["amount_usd_millions"].sum()),
                "status": "request" if basis == "request" else "full",
                "year_basis": "fiscal", "basis": basis,
                "source_ids": tuple(dict.fromkeys(grp["source_id"])),
                "programs": tuple(grp["program"]), "rows": tuple(int(i) for i in grp.index),
            })
        parts.append(pd.DataFrame.from_records(records))
    if (~simple).any():
        gflags = chartrule.chart_flags(rows[~simple], sources)
        flags[gflags[gflags].index] = True
        parts.append(chartrule.charted_from(rows[~simple], sources))
    cols = list(chartrule.charted_from(rows.iloc[0:0], sources).columns)
    cells = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else None
    if cells is None:
        return pd.DataFrame(columns=cols), flags
    cells = cells[cols].sort_values(_CELL, kind="stable", ignore_index=True)
    return cells, flags


def source_row(path: Path, report: ImportReport, source_id: str) -> dict:
    """The row of ``data/local/sources.csv`` that the imported rows cite: the file itself."""
    return {
        "source_id": source_id,
        "title": "ForeignAssistance.gov complete dataset: U.S. foreign assistance by activity and transaction (imported locally)",
        "author": "USAID and U.S. Department of State",
        "publisher": "ForeignAssistance.gov (USAID and U.S. Department of State)",
        "date": "",
        "report_number": "",
        "url": "https://foreignassistance.gov/data",
        "table_or_page": f"file {path.name}: rows for the six case countries, summed by fiscal year, funding account and transaction type",
        "tier": "primary",
        "note": (
            f"added locally with make update-data; file {path.name}, {report.bytes} bytes, SHA-256 {report.sha256}; "
            "download date not recorded by the kit; not checked by the kit's authors"
        ),
    }


def _csv_bytes(fields: list[str], rows: list[dict]) -> bytes:
    import io

    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue().encode("utf-8")


def write_local(path, data_dir=None, source_id: str | None = None) -> tuple[Path, int, ImportReport]:
    """Import ``path`` and write its rows to ``<data>/local/`` after validating them; see the module doc.

    Returns (file written, rows written, report). Raises DataError (nothing written) if no row for the
    six countries was imported or the new files fail any check.
    """
    from . import data

    path = Path(path)
    ddir = Path(data_dir) if data_dir is not None else paths.DATA
    source_id = source_id or _source_id(path)
    rows, report = _import(path, source_id)
    if not rows:
        raise DataError(f"{path.name}: no rows for the six case countries were imported; nothing written\n{report}", path.name)
    local = ddir / tables.LOCAL
    target = local / f"assistance_{re.sub(r'[^A-Za-z0-9._-]+', '_', path.stem)}.csv"
    # local sources: the ones already there, with this file's row added or replaced
    src_fields = tables.field_names(tables.schema("sources", ddir))
    old_sources = []
    if (local / "sources.csv").is_file():
        old = data.load_local("sources", ddir)
        old_sources = [
            {k: ("" if pd.isna(v) else str(v)) for k, v in r.items() if k in src_fields}
            for r in old.to_dict("records")
            if r["source_id"] != source_id
        ]
    sources_bytes = _csv_bytes(src_fields, old_sources + [source_row(path, report, source_id)])
    rows_bytes = _csv_bytes(tables.field_names(tables.schema("assistance", ddir)), rows)
    # validate exactly what will be written, in a scratch copy of the data folder, with the kit's checks
    with tempfile.TemporaryDirectory(prefix="casekit-import-") as scratch:
        sdir = Path(scratch) / "data"
        shutil.copytree(ddir, sdir, ignore=shutil.ignore_patterns(tables.LOCAL))
        (sdir / tables.LOCAL).mkdir()
        for p in tables.local_files("assistance", ddir):
            if p.name != target.name:
                shutil.copy(p, sdir / tables.LOCAL / p.name)
        (sdir / tables.LOCAL / "sources.csv").write_bytes(sources_bytes)
        (sdir / tables.LOCAL / target.name).write_bytes(rows_bytes)
        try:
            data.validate_all(sdir)
        except DataError as exc:
            raise DataError(f"the imported rows fail the kit's checks; nothing written:\n{exc}", path.name) from None
    local.mkdir(exist_ok=True)
    tables.atomic_write(local / "sources.csv", sources_bytes)  # first: rows never cite a missing source
    tables.atomic_write(target, rows_bytes)
    return target, len(rows), report


def main(argv=None) -> int:
    """``python -m casekit.foreignassistance FILE [--data-dir DIR]`` (what ``make update-data`` runs)."""
    import argparse

    ap = argparse.ArgumentParser(description="Add ForeignAssistance.gov figures for the six case countries to data/local/.")
    ap.add_argument("file", help="the complete CSV downloaded from foreignassistance.gov/data")
    ap.add_argument("--data-dir", default=None, help="data folder (default: the kit's data/)")
    args = ap.parse_args(argv)
    try:
        target, n, report = write_local(args.file, args.data_dir)
    except DataError as exc:
        print(f"error: {exc}")
        return 1
    print(report)
    try:
        shown = target.relative_to(paths.ROOT)
    except ValueError:
        shown = target
    print(
        f"wrote {n} rows to {shown} and their source to {shown.parent / 'sources.csv'} (the shipped tables are "
        "unchanged; data/local/ is git-ignored). The data explorer and charts now show them as 'added locally' "
        "where the kit has no figure of its own. Delete the file to undo."
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
