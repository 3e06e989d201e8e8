"""The kit never needs the network: every notebook runs under nbval with the network blocked.

conftest.py switches the guard on for the pytest process and for every kernel it starts. These
tests prove the guard really blocks (so a notebook that reached the internet would fail), and
that it is on in a kernel started the way nbval starts one.
"""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_guard_blocks_outside_addresses_in_this_process():
    with pytest.raises(OSError, match="offline guard"):
        socket.create_connection(("198.51.100.7", 80), timeout=2)
    with pytest.raises(OSError, match="offline guard"):
        socket.getaddrinfo("pypi.org", 443)


def test_guard_leaves_loopback_open():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=2)
    client.close()
    server.close()


def test_guard_is_on_in_a_fresh_kernel():
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3", env=dict(os.environ))
    try:
        code = (
            "import socket\n"
            "try:\n    socket.create_connection(('198.51.100.7', 80), timeout=2); print('REACHED')\n"
            "except OSError as e:\n    print('BLOCKED', e)\n"
        )
        out = []
        kc.execute_interactive(code, output_hook=lambda m: out.append(m["content"].get("text", "")), timeout=60)
        assert "BLOCKED" in "".join(out), out
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_no_notebook_or_module_names_a_web_address_to_fetch():
    """Nothing in the package or notebooks downloads: no urllib/requests/http client calls."""
    offenders = []
    for path in list((ROOT / "casekit").glob("*.py")):
        text = path.read_text()
        for needle in ("urlopen(", "requests.get(", "http.client", "urlretrieve(", "pd.read_csv(\"http", "read_csv('http"):
            if needle in text:
                offenders.append(f"{path.name}: {needle}")
    assert offenders == []
