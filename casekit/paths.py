"""Where the kit's folders are.

The kit is installed in editable mode (``pip install -e .``), so the package sits inside the
repository and every folder is found relative to it. Nothing here depends on the current working
directory, which is why notebooks can be run from ``notebooks/``, ``exercises/`` or ``my-work/``.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
CASES = ROOT / "cases"
NOTEBOOKS = ROOT / "notebooks"
MY_WORK = ROOT / "my-work"
#: Validation results keyed by content hash (git-ignored; safe to delete at any time).
CACHE = ROOT / ".casekit-cache"
