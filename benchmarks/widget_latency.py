"""Slider-to-image latency of the casekit labs, against the naive ``interact`` approach.

Run from the repository root::

    .venv/bin/python benchmarks/widget_latency.py          # table
    .venv/bin/python benchmarks/widget_latency.py --json   # one JSON object

What is timed (all in one process, plain Python: no kernel, no browser)
---------------------------------------------------------------------
* **Labs** (``LeverageLab("Egypt", 2013)``, ``ConditionalityLab("egypt-2013")``): the time from
  assigning a slider's ``.value`` to the moment the lab's ``widgets.Image`` holds the new PNG. Outside
  a kernel, observers run synchronously, so this covers the model update, the readout text, the
  in-place figure update and the PNG encoding.
* **Baseline**: ``ipywidgets.interactive`` (the machinery behind ``interact``) wrapping a function
  that, on every move, makes a new figure with pyplot, draws the same leverage chart (seven bars with
  outlines, a score gauge, labels), renders it to PNG the way the inline backend does
  (``IPython.core.pylabtools.print_figure`` with its default ``bbox_inches="tight"``) and closes it.

Each series is warmed up, then timed over ``--n`` moves (default 200) that alternate between values
so every move changes the chart. The browser round trip (about 50 ms in the tooling notes) is not
included for either approach.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import statistics
import sys
import time

import matplotlib

matplotlib.use("Agg")


def _percentile(values, q):
    data = sorted(values)
    if not data:
        return float("nan")
    pos = (len(data) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def _summary(times_s):
    ms = [t * 1000 for t in times_s]
    return {"p50_ms": round(_percentile(ms, 50), 2), "p95_ms": round(_percentile(ms, 95), 2),
            "mean_ms": round(statistics.fmean(ms), 2), "n": len(ms)}


def _values(n):
    # alternate across the slider's range so consecutive moves always differ
    return [0.05 + 0.9 * ((i * 37) % 100) / 99 for i in range(n)]


def _year_ranges(n):
    # alternate start years of the explorer's fiscal-year range slider (end fixed at 2020)
    return [(1995 + (i * 7) % 20, 2020) for i in range(n)]


def time_slider(slider, image, n, warmup=10, values=_values):
    for v in values(warmup):
        slider.value = v
    times = []
    for v in values(n):
        if slider.value == v:
            v = min(slider.max, v + slider.step) if not isinstance(v, tuple) else (v[0] + 1, v[1])
        before = image.value
        t0 = time.perf_counter()
        slider.value = v
        after = image.value
        times.append(time.perf_counter() - t0)
        if after is before:
            raise RuntimeError("the image did not change after a slider move")
    return times


def baseline(n, warmup=10):
    """ipywidgets.interactive + a new pyplot figure per move, rendered like the inline backend."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.core.pylabtools import print_figure

    from casekit import leverage as lev
    from casekit import style

    style.apply()
    base = lev.assess("Egypt", 2013)
    rendered = []
    labels = [lev.LABELS[f] for f in lev.FACTORS]
    weights = [lev.WEIGHTS[f] for f in lev.FACTORS]

    def draw(alignment=0.5):
        a = base.with_factors(alignment=alignment)
        fig = plt.figure(figsize=(6.6, 3.6))
        ax = fig.add_axes([0.38, 0.14, 0.58, 0.58])
        gauge = fig.add_axes([0.38, 0.80, 0.58, 0.07])
        rows = list(range(len(labels)))[::-1]
        ax.barh(rows, weights, color="none", edgecolor="#999999", height=0.7)
        pushes = [a.factors[f] if lev.DIRECTIONS[f] > 0 else 1 - a.factors[f] for f in lev.FACTORS]
        ax.barh(rows, [w * p for w, p in zip(weights, pushes)], height=0.7,
                color=[style.OKABE_ITO[0] if lev.DIRECTIONS[f] > 0 else style.OKABE_ITO[1] for f in lev.FACTORS])
        ax.set_yticks(rows, labels)
        ax.set_xlabel("points added to the score (outline = most possible)")
        gauge.barh([0], [1.0], color="none", edgecolor="#999999")
        gauge.barh([0], [a.score], color=style.OKABE_ITO[2])
        gauge.set_xlim(0, 1)
        gauge.set_yticks([])
        fig.suptitle(f"Egypt 2013: leverage {a.score:.2f}", x=0.02, ha="left")
        rendered.append(print_figure(fig, "png"))  # what the inline backend does on show
        plt.close(fig)
        a.explain()  # the readout text, which the labs also rebuild on every move

    times = []
    # outside a kernel, interactive's Output.clear_output() writes terminal escape codes: keep them
    # off the benchmark's own output
    with contextlib.redirect_stdout(io.StringIO()):
        ui = widgets.interactive(draw, alignment=widgets.FloatSlider(min=0, max=1, step=0.01, value=0.5))
        slider = ui.children[0]
        for v in _values(warmup):
            slider.value = v
        for v in _values(n):
            if slider.value == v:
                v = min(1.0, v + 0.01)
            count = len(rendered)
            t0 = time.perf_counter()
            slider.value = v
            times.append(time.perf_counter() - t0)
            if len(rendered) != count + 1:
                raise RuntimeError("interactive did not redraw on a slider move")
    return times


def run(n=200):
    from casekit.explorer import DataExplorer
    from casekit.widgets import ConditionalityLab, LeverageLab

    explorer = DataExplorer("Pakistan")
    lev_lab = LeverageLab("Egypt", 2013)
    cond_lab = ConditionalityLab("egypt-2013")
    results = {
        "widgets": {
            "LeverageLab": _summary(time_slider(lev_lab.sliders["alignment"], lev_lab.image, n)),
            "ConditionalityLab": _summary(time_slider(cond_lab.controls["monitoring"], cond_lab.image, n)),
            "DataExplorer": _summary(time_slider(explorer.years, explorer.image, n, values=_year_ranges)),
        },
        "baseline": _summary(baseline(n)),
    }
    base95 = results["baseline"]["p95_ms"]
    for name, r in results["widgets"].items():
        r["speedup_p95"] = round(base95 / r["p95_ms"], 1) if r["p95_ms"] else None
    results["targets"] = {"widget_p95_ms_max": 25, "speedup_p95_min": 3}
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--n", type=int, default=200, help="timed moves per series (>= 100)")
    args = parser.parse_args(argv)
    if args.n < 100:
        parser.error("--n must be at least 100")
    results = run(args.n)
    if args.json:
        out = {
            "widgets": {k: {"p50_ms": v["p50_ms"], "p95_ms": v["p95_ms"]} for k, v in results["widgets"].items()},
            "baseline": {"p50_ms": results["baseline"]["p50_ms"], "p95_ms": results["baseline"]["p95_ms"]},
        }
        print(json.dumps(out))
        return 0
    print(f"{'series':<22}{'p50 ms':>9}{'p95 ms':>9}{'mean ms':>9}{'n':>6}{'x faster (p95)':>16}")
    for name, r in results["widgets"].items():
        print(f"{name:<22}{r['p50_ms']:>9.2f}{r['p95_ms']:>9.2f}{r['mean_ms']:>9.2f}{r['n']:>6}{r['speedup_p95']:>16}")
    b = results["baseline"]
    print(f"{'baseline (interact)':<22}{b['p50_ms']:>9.2f}{b['p95_ms']:>9.2f}{b['mean_ms']:>9.2f}{b['n']:>6}{'':>16}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
