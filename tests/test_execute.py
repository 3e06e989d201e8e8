"""make notebooks: re-executed notebooks carry no run-to-run noise."""

import nbformat

from casekit.execute import WIDGET_VIEW, normalise


def _nb():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print('a'); print('b')")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="a"),
        nbformat.v4.new_output("stream", name="stdout", text="\nb\n"),
        nbformat.v4.new_output("stream", name="stderr", text="warn\n"),
        nbformat.v4.new_output("display_data", data={WIDGET_VIEW: {"model_id": "random-1", "version_major": 2}}),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("x"), cell]
    return nb


def test_split_prints_are_merged_but_streams_are_kept_apart():
    nb = _nb()
    normalise(nb, "n.ipynb")
    outs = nb.cells[1].outputs
    assert [(o.output_type, o.get("name"), o.get("text")) for o in outs[:2]] == [
        ("stream", "stdout", "a\nb\n"),
        ("stream", "stderr", "warn\n"),
    ]
    assert len(outs) == 3


def test_widget_ids_are_stable_per_notebook_and_position():
    a, b, c = _nb(), _nb(), _nb()
    b.cells[1].outputs[3]["data"][WIDGET_VIEW]["model_id"] = "random-2"
    normalise(a, "n.ipynb")
    normalise(b, "n.ipynb")
    normalise(c, "other.ipynb")
    ids = [nb.cells[1].outputs[-1]["data"][WIDGET_VIEW]["model_id"] for nb in (a, b, c)]
    assert ids[0] == ids[1] != ids[2]
    assert ids[0] != "random-1"
