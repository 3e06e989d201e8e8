"""Re-execute notebooks in place, deterministically (``make notebooks``).

Each notebook runs top to bottom in a fresh kernel whose working directory is the notebook's own
folder, with a fixed hash seed and the non-interactive Agg backend. Timing metadata is not
recorded, and two kinds of run-to-run noise are normalised before writing (see :func:`normalise`),
so a re-run changes a notebook's file only where an output really changed.
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from pathlib import Path

import nbformat
from nbclient import NotebookClient


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def normalise(nb, name: str) -> None:
    """Remove run-to-run noise from executed outputs, in place.

    * Consecutive ``stream`` outputs of the same stream are merged: the kernel may flush one
      ``print`` in one chunk or two depending on timing, which changes the file but not the text.
    * Widget view outputs get a model id derived from the notebook name and the output's position
      instead of a random one. The widget state itself is not saved (it is live-kernel state), so
      the id only has to be stable.
    """
    for c_index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        merged = []
        for out in cell.get("outputs", []):
            prev = merged[-1] if merged else None
            if (
                prev is not None
                and out.get("output_type") == "stream"
                and prev.get("output_type") == "stream"
                and prev.get("name") == out.get("name")
            ):
                prev["text"] = prev["text"] + out["text"]
                continue
            merged.append(out)
        for o_index, out in enumerate(merged):
            view = out.get("data", {}).get(WIDGET_VIEW)
            if view and "model_id" in view:
                view["model_id"] = uuid.uuid5(uuid.NAMESPACE_URL, f"casekit:{name}:{c_index}:{o_index}").hex
        cell["outputs"] = merged


def execute(path: Path, timeout: int = 600) -> None:
    """Execute one notebook in place."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    os.environ["MPLBACKEND"] = "Agg"
    # learners' predictions (casekit.predictions) go to a fresh folder, never into my-work/ or the repo,
    # so a shipped notebook's outputs never depend on predictions saved earlier
    work = tempfile.mkdtemp(prefix="casekit-execute-")
    os.environ["CASEKIT_WORK_DIR"] = work
    os.environ["CASEKIT_LEARNER"] = "kit"
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    try:
        client.execute()
    finally:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    nb.metadata.pop("widgets", None)  # widget state is per-run noise
    normalise(nb, path.name)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, path)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    for name in argv:
        print(f"executing {name}", flush=True)
        execute(Path(name))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
