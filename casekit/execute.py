"""Re-execute notebooks in place, deterministically (``make notebooks``).

Each notebook runs top to bottom in a fresh kernel whose working directory is the notebook's own
folder, with a fixed hash seed and the non-interactive Agg backend. Timing metadata is not
recorded, so a re-run changes a notebook's file only where an output really changed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path: Path, timeout: int = 600) -> None:
    """Execute one notebook in place."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    os.environ["MPLBACKEND"] = "Agg"
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    client.execute()
    nb.metadata.pop("widgets", None)  # widget state is per-run noise
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
