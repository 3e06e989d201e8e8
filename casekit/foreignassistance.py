"""Import the official ForeignAssistance.gov complete dataset (``make update-data FILE=...``).

ForeignAssistance.gov publishes a "complete" CSV with one row per activity and transaction, including
``country_name``, ``fiscal_year``, ``assistance_category_name`` (Economic or Military),
``funding_account_name``, ``transaction_type_name``, ``current_amount`` and ``constant_amount``.
The kit cannot download it (it never touches the network), but an instructor who has the file can
turn it into rows shaped like ``data/assistance.csv``: summed by country, fiscal year, funding account,
category and transaction type, for the six case countries, with the official military/economic split.

What the importer promises
--------------------------
* Required columns are checked first; a missing one is named, with the columns the file does have.
  Older exports that use spaced title-case headers ("Country Name", "Current Dollar Amount") are
  accepted too.
* Every row is accounted for: imported, outside the six countries, or rejected with its line number
  and the reason (e.g. an amount that is not a number). Nothing is silently dropped.
* Funding accounts the kit has no harmonised group for are kept, grouped as ``other_security`` or
  ``other_economic`` by the file's own category, and listed in the report as "not mapped".
* Imported rows are never chart rows (``chart`` is false): they sit beside the curated rows, and the
  data explorer can show them. They are written to ``data/local/`` (git-ignored), never over the
  shipped tables.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import paths
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
BASIS = {
    "obligations": "obligation",
    "disbursements": "disbursement",
    "appropriated and planned": "allocation",
    "president's budget requests": "request",
}


@dataclass
class ImportReport:
    """What happened to every row of the imported file."""

    file: str
    rows_read: int = 0
    rows_imported: int = 0
    rows_other_countries: int = 0
    rejected: list[str] = field(default_factory=list)
    unmapped_accounts: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        lines = [
            f"{self.file}: {self.rows_read} rows read; {self.rows_imported} for the six case countries; "
            f"{self.rows_other_countries} for other countries (skipped); {len(self.rejected)} rejected",
        ]
        lines += [f"  rejected: {r}" for r in self.rejected[:20]]
        if len(self.rejected) > 20:
            lines.append(f"  ... and {len(self.rejected) - 20} more rejected rows")
        if self.unmapped_accounts:
            lines.append("  funding accounts with no harmonised program group (kept as other_security/other_economic):")
            lines += [f"    {name} ({n} rows)" for name, n in sorted(self.unmapped_accounts.items())]
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


def import_foreignassistance(path, source_id: str = "FAGOV-COMPLETE-IMPORT") -> tuple[pd.DataFrame, ImportReport]:
    """Read the official complete CSV at ``path``; return (assistance-shaped rows, report).

    Raises :class:`casekit.data.DataError` if the file is missing or lacks a required column.
    """
    path = Path(path)
    report = ImportReport(file=path.name)
    try:
        fh = path.open(newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    with fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise DataError(f"{path.name}: the file is empty") from None
        names = [_norm_header(h) for h in header]
        missing = [c for c in REQUIRED if c not in names]
        if missing:
            raise DataError(
                f"{path.name}, line 1: missing required column(s) {', '.join(missing)}; "
                f"the file has: {', '.join(header)}"
            )
        col = {n: i for i, n in enumerate(names)}
        sums: dict[tuple, list] = {}
        for line_no, cells in enumerate(reader, start=2):
            report.rows_read += 1
            if len(cells) != len(header):
                report.rejected.append(f"line {line_no}: {len(cells)} cells, header has {len(header)}")
                continue
            country = cells[col["country_name"]].strip()
            if country not in COUNTRIES:
                report.rows_other_countries += 1
                continue
            year_text = cells[col["fiscal_year"]].strip()
            if not year_text.isdigit():
                report.rejected.append(f"line {line_no}, column 'fiscal_year': {year_text!r} is not a fiscal year")
                continue
            amount_text = cells[col["current_amount"]].strip().replace(",", "")
            try:
                amount = float(amount_text)
            except ValueError:
                report.rejected.append(f"line {line_no}, column 'current_amount': {amount_text!r} is not a number")
                continue
            cat_text = cells[col["assistance_category_name"]].strip()
            category = CATEGORY.get(cat_text.lower())
            if category is None:
                report.rejected.append(
                    f"line {line_no}, column 'assistance_category_name': {cat_text!r} is neither Economic nor Military"
                )
                continue
            tt_text = cells[col["transaction_type_name"]].strip()
            basis = BASIS.get(tt_text.lower())
            if basis is None:
                report.rejected.append(f"line {line_no}, column 'transaction_type_name': unknown type {tt_text!r}")
                continue
            account = cells[col["funding_account_name"]].strip() or "(no account named)"
            group, mapped = program_group(account, category)
            if not mapped:
                report.unmapped_accounts[account] = report.unmapped_accounts.get(account, 0) + 1
            key = (country, int(year_text), account, group, category, basis)
            entry = sums.setdefault(key, [0.0, 0])
            entry[0] += amount
            entry[1] += 1
            report.rows_imported += 1
    records = []
    for (country, year, account, group, category, basis), (total, n) in sorted(sums.items()):
        records.append(
            {
                "country": country,
                "fiscal_year": year,
                "program": account,
                "program_group": group,
                "category": category,
                "row_type": "program",
                "amount_usd_millions": total / 1e6,
                "value_status": "reported",
                "basis": basis,
                "source_id": source_id,
                "chart": False,
                "note": f"imported from {path.name}: sum of {n} transaction rows (current dollars / 1e6)",
            }
        )
    return pd.DataFrame.from_records(records), report


def main(argv=None) -> int:  # pragma: no cover - thin CLI used by `make update-data`
    import sys

    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m casekit.foreignassistance path/to/us_foreign_aid_complete.csv")
        return 2
    try:
        rows, report = import_foreignassistance(argv[0])
    except DataError as exc:
        print(f"error: {exc}")
        return 1
    out_dir = paths.DATA / "local"
    out_dir.mkdir(exist_ok=True)
    out = out_dir / f"assistance_import_{Path(argv[0]).stem}.csv"
    rows.to_csv(out, index=False, lineterminator="\n")
    print(report)
    print(f"wrote {len(rows)} rows to {out.relative_to(paths.ROOT)} (git-ignored; the shipped tables are unchanged)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
