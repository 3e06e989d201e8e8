"""Block network access from any Python process that starts with this folder on PYTHONPATH.

The test suite puts this folder on PYTHONPATH and sets CASEKIT_BLOCK_NETWORK=1, so every notebook
kernel nbval starts runs with the network blocked: the kit must never need the internet at run
time. Loopback stays open (Jupyter talks to its kernels over 127.0.0.1). A blocked call raises
``casekit_offline.NetworkBlocked`` at once, naming the host it tried.
"""

import os

if os.environ.get("CASEKIT_BLOCK_NETWORK") == "1":
    import casekit_offline

    casekit_offline.install()
