"""Kernel-start cost of the kit's data: ``import casekit.data; validate_all()`` beyond ``import pandas``.

Run from the repository root::

    .venv/bin/python benchmarks/load_time.py            # table
    .venv/bin/python benchmarks/load_time.py --json     # one JSON object
    .venv/bin/python benchmarks/load_time.py --n 9      # more runs per variant

Every measurement is a fresh Python process (what a new notebook kernel is), timed inside the process
with ``time.perf_counter`` from just before the first import to just after the last call, so the
interpreter's own start-up is left out of every variant alike. The variants run interleaved
(pandas, naive, cached, pandas, ...) so that machine load affects them equally.

* **pandas**: ``import pandas`` (every notebook pays this anyway; it is the floor).
* **naive**: ``import casekit.data; casekit.data.validate_all()`` with the validation cache switched
  off (``CASEKIT_CACHE_DIR=""``): every kernel validates every table against its schema with
  Frictionless, which also imports Frictionless and jsonschema (the approach before the cache).
* **cached**: the same two lines with a warm cache in a temporary folder: the data are unchanged
  since the last validation, so the kernel only reads and hashes the files.

The goal (issue 12) is that ``cached`` costs at most 0.5 s more than ``pandas``. Nothing here is
asserted in a test: timing on a shared machine is noisy, so this script reports, and the numbers
are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_S = 0.5

CODE = {
    "pandas": "import pandas",
    "naive": "import casekit.data as d; d.validate_all()",
    "cached": "import casekit.data as d; d.validate_all()",
}


def _run(code: str, env: dict) -> float:
    timed = (
        "import time; _t = time.perf_counter()\n"
        f"{code}\n"
        "print(repr(time.perf_counter() - _t))"
    )
    out = subprocess.run([sys.executable, "-c", timed], env=env, cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"benchmark run failed:\n{out.stderr}")
    return float(out.stdout.strip().splitlines()[-1])


def measure(n: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="casekit-cache-") as cache:
        base = dict(os.environ)
        envs = {
            "pandas": base,
            "naive": dict(base, CASEKIT_CACHE_DIR=""),
            "cached": dict(base, CASEKIT_CACHE_DIR=cache),
        }
        _run(CODE["cached"], envs["cached"])  # prime the cache once (and the OS file cache for all)
        _run(CODE["pandas"], envs["pandas"])
        times = {k: [] for k in CODE}
        for _ in range(n):
            for k in CODE:
                times[k].append(_run(CODE[k], envs[k]))
    med = {k: statistics.median(v) for k, v in times.items()}
    return {
        "runs": n,
        "median_s": med,
        "min_s": {k: min(v) for k, v in times.items()},
        "overhead_over_pandas_s": {k: med[k] - med["pandas"] for k in ("naive", "cached")},
        "goal_s": GOAL_S,
        "meets_goal": med["cached"] - med["pandas"] <= GOAL_S,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=7, help="runs per variant (default 7)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    res = measure(args.n)
    if args.json:
        print(json.dumps(res, indent=2))
        return 0
    print(f"fresh processes, {res['runs']} runs each, median (min) in seconds")
    for k in CODE:
        print(f"  {k:7s} {res['median_s'][k]:6.3f} ({res['min_s'][k]:.3f})")
    for k in ("naive", "cached"):
        print(f"  {k} minus pandas: {res['overhead_over_pandas_s'][k]:.3f} s")
    verdict = "meets" if res["meets_goal"] else "MISSES"
    print(f"goal: cached minus pandas <= {GOAL_S} s: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
