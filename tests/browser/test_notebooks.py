"""Every notebook in notebooks/ and exercises/, opened and run in JupyterLab in chromium.

For each notebook (found by glob, so new ones are included), with all cells run:

* no cell fails, none is left unrun, nothing is written to stderr, no widget view fails to render;
* no text is typeset as maths outside cells tagged ``maths`` (after forcing JupyterLab's
  typesetter over every rendered Markdown/HTML node) and no MathJax error node exists anywhere;
* every widget chart image is present and loaded, and a slider move gives a new picture;
* at 1280 and 1920 px: no label, button, drop-down or readout has its text cut, and no control
  sticks out of a box that clips it; screenshots of the whole notebook are saved;
* zero serious or critical axe-core violations inside the kit's own content (outputs, Markdown);
* the page never asks for anything beyond 127.0.0.1.
"""

from __future__ import annotations

import json
import os

import pytest

from jlab_page import ROOT, drag_latency, keyboard_latency, move_changes_chart, sliders, summary

WIDTHS = (1280, 1920)
# slider-to-chart latency: the explorer and the two labs (benchmarks/README.md); the case notebooks use the same labs
LATENCY_NOTEBOOKS = ("notebooks/01_data_explorer.ipynb", "notebooks/02_leverage_lab.ipynb",
                     "notebooks/03_conditionality_lab.ipynb")
LATENCY_SAMPLES = int(os.environ.get("CASEKIT_LATENCY_SAMPLES", "15"))
LATENCY_MAX_MEDIAN_MS = 500  # a learner notices a lag well before this
LATENCY_FILE = ROOT / "build" / "browser-latency.json"


@pytest.fixture(scope="session")
def axe():
    module = pytest.importorskip("axe_playwright_python.sync_playwright",
                                 reason="axe-playwright-python is not installed: make test-browser installs it")
    return module.Axe()


def test_all_cells_run_without_errors(notebook):
    report = notebook.outputs()
    problems = []
    for row in report["rows"]:
        where = f"cell {row['index']} ({row['first_line']!r})"
        if row["skipped"]:
            continue
        if not row["executed"]:
            problems.append(f"{where} never ran")
        if row["errors"] and not row["raises"]:
            problems.append(f"{where} raised {row['errors'][0][:300]}")
        for text in row["stderr"]:
            problems.append(f"{where} wrote to stderr: {text.strip()[:300]}")
    problems += [f"a widget view failed to render: {e}" for e in report["widgetErrors"]]
    assert not problems, f"{notebook.name}:\n" + "\n".join(problems)


def test_no_text_typeset_as_maths(notebook):
    found = notebook.maths()
    assert found["typesetter"], "JupyterLab has no LaTeX typesetter: the check would prove nothing"
    assert not found["errors"], f"{notebook.name}: MathJax error nodes: {found['errors'][:5]}"
    assert not found["prose"], (
        f"{notebook.name}: {len(found['prose'])} pieces of text typeset as maths outside cells tagged 'maths', e.g.\n"
        + "\n".join(f"cell {p['cell']}: {p['text']!r} in: {p['context']}" for p in found["prose"][:6])
    )


def test_widget_charts_render_and_follow_a_slider(notebook):
    images = notebook.images()
    if not images:
        pytest.skip("no widget chart in this notebook")
    broken = [i for i in images if not (i["complete"] and i["naturalWidth"] > 0 and i["shownWidth"] > 0)]
    assert not broken, f"{notebook.name}: chart images not drawn: {broken}"
    roots = notebook.chart_roots()
    problems = []
    for k in range(roots.count()):
        root = roots.nth(k)
        root.scroll_into_view_if_needed()
        if not sliders(root):
            continue  # a chart without a slider (only a drop-down or a button): drawn is enough
        result = move_changes_chart(notebook.page, root)
        if not result["changed"]:
            problems.append(f"chart {k + 1}: no slider move changed the picture (tried {result['tried']})")
    assert not problems, f"{notebook.name}:\n" + "\n".join(problems)


def test_screenshots_are_saved(notebook):
    for width in WIDTHS:
        paths = notebook.screenshots(width)
        assert paths and all(p.stat().st_size > 5_000 for p in paths), paths


@pytest.mark.parametrize("width", WIDTHS)
def test_labels_and_buttons_are_not_cut(notebook, width):
    notebook.set_width(width)
    found = notebook.truncation()
    problems = [f"text cut ({c['kind']}): {c['text']!r} needs {c['need']} px, has {c['box']} px" for c in found["cut"]]
    problems += [f"control sticks out of its box: {c}" for c in found["clipped"]]
    assert not problems, f"{notebook.name} at {width} px ({found['checked']} texts checked):\n" + "\n".join(problems)


def _is_slider_handle_name(violation: dict) -> bool:
    return violation["rule"] == "aria-input-field-name" and all("noUi-handle" in e for e in violation["all_targets"])


@pytest.fixture(scope="module")
def axe_found(notebook, axe):
    return notebook.axe(axe)


def test_no_serious_accessibility_violations(axe_found, notebook):
    """Every serious or critical axe violation except unnamed ipywidgets slider handles (next test)."""
    found = [v for v in axe_found if not _is_slider_handle_name(v)]
    assert not found, f"{notebook.name}: serious/critical axe violations in the kit's content:\n" + "\n".join(
        f"{v['impact']} {v['rule']} x{v['count']}: {v['help']} e.g. {v['examples'][0]}" for v in found)


def test_slider_handles_have_accessible_names(axe_found, notebook):
    """axe `aria-input-field-name` (serious) on ipywidgets slider handles, kept apart from the other
    rules: ipywidgets 8.1.9 creates its noUiSlider handles without a name and has no trait for one,
    so the fix is a kit-side workaround or an upstream change, and the two outcomes are easier to
    tell apart in a separate test."""
    found = [v for v in axe_found if _is_slider_handle_name(v)]
    assert not found, (f"{notebook.name}: {found[0]['count']} slider handle(s) without an accessible name "
                       f"(axe aria-input-field-name, serious), e.g. {found[0]['examples'][0]}" if found else "")


def test_page_stays_on_this_machine(notebook):
    assert notebook.outside == [], f"{notebook.name}: requests beyond 127.0.0.1: {notebook.outside[:5]}"


def test_slider_to_chart_latency(notebook):
    """ms from the input event (keydown; pointerup ending a mouse drag) to the new chart loaded.

    Written to build/browser-latency.json (all samples, median, p95). Fails only if no sample can
    be taken or a median reaches LATENCY_MAX_MEDIAN_MS.
    """
    if notebook.name not in LATENCY_NOTEBOOKS:
        pytest.skip("latency is measured in the tool notebooks only")
    page = notebook.page
    roots = notebook.chart_roots()
    assert roots.count(), f"{notebook.name}: no widget chart"
    root = roots.first
    root.scroll_into_view_if_needed()
    found = move_changes_chart(page, root)
    assert found["changed"], f"{notebook.name}: no slider changes the chart: {found}"
    handle = sliders(root)[found["index"]]
    keyboard = keyboard_latency(page, root, handle, LATENCY_SAMPLES)
    drag = drag_latency(page, root, handle, LATENCY_SAMPLES)
    result = {"slider": found["slider"], "keyboard": summary(keyboard), "drag": summary(drag),
              "keyboard_ms": [round(t, 1) for t in keyboard], "drag_ms": [round(t, 1) for t in drag]}
    LATENCY_FILE.parent.mkdir(exist_ok=True)
    saved = json.loads(LATENCY_FILE.read_text()) if LATENCY_FILE.exists() else {}
    saved[notebook.name] = result
    LATENCY_FILE.write_text(json.dumps(saved, indent=2) + "\n")
    print(f"\n{notebook.name}: slider {found['slider']!r}: keyboard {result['keyboard']}, drag {result['drag']}")
    assert keyboard and drag, result
    assert result["keyboard"]["median_ms"] < LATENCY_MAX_MEDIAN_MS, result["keyboard"]
    assert result["drag"]["median_ms"] < LATENCY_MAX_MEDIAN_MS, result["drag"]
