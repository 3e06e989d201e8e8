"""Time and peak memory of ``make update-data`` on large generated ForeignAssistance.gov files.

Run from the repository root::

    .venv/bin/python benchmarks/import_stream.py              # 50 MB and 200 MB files
    .venv/bin/python benchmarks/import_stream.py --mb 20 200  # other sizes
    .venv/bin/python benchmarks/import_stream.py --json

Each file is generated in a temporary folder (deleted afterwards; never commit one) in the layout of
the official "complete" download: 20 columns including a free-text activity description, all
countries, about one row in eight for the six case countries, obligations and disbursements.
Each import runs in a fresh process with :func:`casekit.foreignassistance.write_local` into a scratch
copy of ``data/`` (stream, sum, validate the new rows, write them atomically). Reported: wall time and
the process's peak resident memory (``ru_maxrss``). "Flat memory" means the peak does not grow with
the file size; for comparison, the same process just reading the 200 MB file into a pandas DataFrame
(the naive approach) is measured too.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = [
    "activity_id", "activity_name", "activity_description", "country_code", "country_name", "region_name",
    "income_group_name", "managing_agency_name", "managing_sub_agency_name", "implementing_partner_name",
    "us_sector_name", "assistance_category_name", "funding_account_name", "funding_agency_name",
    "transaction_type_name", "fiscal_year", "current_amount", "constant_amount", "activity_start_date",
    "activity_end_date",
]
CASE = ["Egypt", "Pakistan", "Iraq", "Bahrain", "Lebanon", "Colombia"]
OTHER = ["France", "Kenya", "Peru", "Jordan", "Ukraine", "Nepal", "Ghana", "Haiti", "Mali", "Chile", "Laos"]
ACCOUNTS = [
    ("Military", "Foreign Military Financing Program"),
    ("Military", "International Military Education and Training"),
    ("Economic", "Economic Support Fund"),
    ("Economic", "Global Health Programs"),
    ("Military", "International Narcotics Control and Law Enforcement"),
    ("Economic", "Development Assistance"),
]


def generate(path: Path, megabytes: int, seed: int = 1) -> int:
    rnd = random.Random(seed)
    target = megabytes * 1_000_000
    words = "training equipment support program security cooperation health education water governance".split()
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(HEADER) + "\n")
        size = 0
        while size < target:
            country = rnd.choice(CASE) if rnd.random() < 0.125 else rnd.choice(OTHER)
            cat, account = rnd.choice(ACCOUNTS)
            desc = " ".join(rnd.choice(words) for _ in range(22))
            amount = rnd.randint(1, 50_000_000)
            row = [
                f"A-{n}", f"Activity {n}", f'"{desc}, phase {n % 7}"', country[:3].upper(), country, "Region",
                "Lower middle income", "Department of State", "Bureau", "Partner Inc.", "Security",
                cat, account, "Department of State", rnd.choice(["Obligations", "Disbursements"]),
                str(rnd.randint(2001, 2024)), str(amount), str(amount + 1), "2015-01-01", "2016-12-31",
            ]
            line = ",".join(row) + "\n"
            fh.write(line)
            size += len(line)
            n += 1
    return n


CHILD = """
import json, resource, sys, time
from pathlib import Path
mode, file, ddir = sys.argv[1], sys.argv[2], sys.argv[3]
t = time.perf_counter()
if mode == "import":
    from casekit import foreignassistance
    target, n, report = foreignassistance.write_local(file, ddir)
    out = {"rows_read": report.rows_read, "rows_written": n}
else:
    import pandas as pd
    df = pd.read_csv(file)
    out = {"rows_read": len(df)}
out["seconds"] = time.perf_counter() - t
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def _child(mode: str, file: Path, ddir: Path) -> dict:
    res = subprocess.run([sys.executable, "-c", CHILD, mode, str(file), str(ddir)], cwd=ROOT,
                         capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(res.stderr)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, nargs="+", default=[50, 200])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--no-naive", action="store_true", help="skip the pandas read of the largest file")
    args = ap.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory(prefix="casekit-import-bench-") as tmp:
        tmp = Path(tmp)
        for mb in args.mb:
            file = tmp / f"complete_{mb}mb.csv"
            t = time.perf_counter()
            n = generate(file, mb)
            gen = time.perf_counter() - t
            ddir = tmp / f"data_{mb}"
            shutil.copytree(ROOT / "data", ddir, ignore=shutil.ignore_patterns("local"))
            r = _child("import", file, ddir)
            r.update(file_mb=round(file.stat().st_size / 1e6, 1), generated_rows=n, generate_seconds=round(gen, 1))
            results[f"import_{mb}mb"] = r
            if mb == max(args.mb) and not args.no_naive:
                results[f"naive_pandas_read_{mb}mb"] = _child("pandas", file, ddir)
            file.unlink()
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for k, r in results.items():
            print(f"{k:28s} {r['seconds']:6.1f} s   peak RSS {r['peak_rss_mb']:7.0f} MB   rows read {r['rows_read']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
