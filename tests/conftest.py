"""Test-suite set-up shared by the unit tests and nbval.

Every notebook kernel started during the test run inherits CASEKIT_BLOCK_NETWORK=1 and the guard
folder on PYTHONPATH, so each nbval run is also an offline run (see tests/offline/).
"""

import os
import sys
from pathlib import Path

OFFLINE_DIR = Path(__file__).resolve().parent / "offline"


def pytest_configure(config):
    os.environ["CASEKIT_BLOCK_NETWORK"] = "1"
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(OFFLINE_DIR)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    )
    os.environ.setdefault("PYTHONHASHSEED", "0")
    os.environ["MPLBACKEND"] = "Agg"
    if str(OFFLINE_DIR) not in sys.path:
        sys.path.insert(0, str(OFFLINE_DIR))
    import casekit_offline

    casekit_offline.install()
