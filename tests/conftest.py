"""Test-suite set-up shared by the unit tests and nbval.

Every notebook kernel started during the test run inherits CASEKIT_BLOCK_NETWORK=1 and the guard
folder on PYTHONPATH, so each nbval run is also an offline run (see tests/offline/).

Learners' predictions (casekit.predictions) are written under $CASEKIT_WORK_DIR: here a fresh temporary
folder per test session, and a sub-folder per notebook for nbval (set before the notebook's kernel
starts), so running the shipped notebooks never writes into the repository and no notebook sees
another's (or an earlier run's) predictions.
"""

import os
import sys
import tempfile
from pathlib import Path

OFFLINE_DIR = Path(__file__).resolve().parent / "offline"


def pytest_configure(config):
    os.environ["CASEKIT_BLOCK_NETWORK"] = "1"
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(OFFLINE_DIR)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    )
    os.environ.setdefault("PYTHONHASHSEED", "0")
    os.environ["MPLBACKEND"] = "Agg"
    work = Path(tempfile.mkdtemp(prefix="casekit-work-"))
    os.environ["CASEKIT_WORK_DIR"] = str(work)
    os.environ["CASEKIT_WORK_ROOT"] = str(work)
    os.environ["CASEKIT_LEARNER"] = "test-learner"
    if str(OFFLINE_DIR) not in sys.path:
        sys.path.insert(0, str(OFFLINE_DIR))
    import casekit_offline

    casekit_offline.install()


def pytest_runtest_setup(item):
    """Give each notebook (nbval) its own predictions folder before its kernel starts."""
    path = Path(str(getattr(item, "fspath", "")))
    if path.suffix == ".ipynb" and os.environ.get("CASEKIT_WORK_ROOT"):
        os.environ["CASEKIT_WORK_DIR"] = str(Path(os.environ["CASEKIT_WORK_ROOT"]) / path.parent.name / path.stem)


def pytest_unconfigure(config):
    import shutil

    root = os.environ.get("CASEKIT_WORK_ROOT")
    if root and Path(root).name.startswith("casekit-work-"):
        shutil.rmtree(root, ignore_errors=True)
