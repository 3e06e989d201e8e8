"""The browser checks can fail: a planted notebook with known faults is caught by each of them.

The notebook is written into the served copy of the kit only (never into the repository). It holds
a Markdown cell with two dollar amounts (typeset as maths by JupyterLab), the same amounts in the
form the kit emits (not typeset), a cell tagged ``maths`` with a real formula (allowed), a
Markdown *output* with two amounts, and a button too narrow for its label.
"""

from __future__ import annotations

import json

import pytest

PLANTED = "planted/faults.ipynb"


def _cell(kind, source, tags=()):
    cell = {"cell_type": kind, "metadata": {"tags": list(tags)} if tags else {}, "source": source}
    if kind == "code":
        cell.update(outputs=[], execution_count=None)
    return cell


@pytest.fixture(scope="module")
def planted(kit_copy, runner):
    nb = {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "cells": [
            _cell("markdown", "Aid was $1.3 billion in FMF and $250 million in ESF."),  # 0: typeset
            _cell("markdown", "Aid was <span>&#36;</span>1.3 billion and <span>&#36;</span>250 million."),  # 1: safe
            _cell("markdown", "$$\\text{score} = \\sum_i w_i g_i$$", tags=["maths"]),  # 2: allowed
            _cell("code", "from IPython.display import Markdown\nMarkdown('costs $5 and $6 in all')"),  # 3: typeset
            _cell("code", "import ipywidgets as w\n"
                          "w.Button(description='A label far too long for this button', layout=w.Layout(width='90px'))"),
        ],
    }
    path = kit_copy / PLANTED
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(nb))
    page = runner.get(PLANTED)
    try:
        yield page
    finally:
        runner.release(PLANTED)


def test_maths_check_flags_exactly_the_planted_money(planted):
    found = planted.maths()
    flagged_cells = sorted({p["cell"] for p in found["prose"]})
    assert flagged_cells == [0, 3], found["prose"]
    assert found["allowed"] >= 1  # the tagged formula was typeset and not counted


def test_truncation_check_flags_the_narrow_button(planted):
    found = planted.truncation()
    assert any("far too long" in c["text"] for c in found["cut"]), found
