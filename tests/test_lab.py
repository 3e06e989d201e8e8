"""`make lab` serves the whole kit, says so when its port is busy, and .venv repairs itself.

The server test starts the real launcher (casekit/lab.py, what `make lab` runs) on a free port with
every Jupyter folder in a temporary directory, reads the link it prints and asks the server for the
folders a learner needs. It stops the server's process group at the end.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from casekit import bootstrap, lab

ROOT = Path(__file__).resolve().parent.parent


def _listening_socket():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    return s


# ------------------------------------------------------------------------------------------------
# Busy port
# ------------------------------------------------------------------------------------------------
def test_busy_port_is_detected_and_the_message_says_how_to_choose_another():
    with _listening_socket() as s:
        port = s.getsockname()[1]
        assert lab.port_in_use(port)
        message = lab.busy_port_message(port)
    assert f"Port {port} on 127.0.0.1 is already in use" in message
    suggested = int(re.search(r"make lab PORT=(\d+)", message).group(1))
    assert suggested != port and not lab.port_in_use(suggested)


def test_make_lab_on_a_busy_port_stops_before_starting_anything():
    with _listening_socket() as s:
        port = s.getsockname()[1]
        t0 = time.monotonic()
        result = subprocess.run(["make", "--no-print-directory", "lab", f"PORT={port}", "NO_BROWSER=1"],
                                cwd=ROOT, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode != 0
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "make lab PORT=" in result.stderr
    assert "JupyterLab serves" not in result.stdout  # nothing was started
    assert time.monotonic() - t0 < 30


def test_browser_is_opened_only_where_a_graphical_one_can_be():
    assert lab.can_open_browser({}, "darwin")
    assert lab.can_open_browser({}, "win32")
    assert not lab.can_open_browser({}, "linux")  # a server or container: print the link instead
    assert lab.can_open_browser({"DISPLAY": ":0"}, "linux")
    assert lab.can_open_browser({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not lab.can_open_browser({"DISPLAY": ":0", "CASEKIT_NO_BROWSER": "1"}, "linux")


def test_the_command_serves_the_repository_root_and_lands_on_the_start_notebook():
    cmd = lab.command(8888, ROOT, open_browser=False, python="python")
    assert f"--ServerApp.root_dir={ROOT}" in cmd
    assert "--ServerApp.default_url=/lab/tree/notebooks/00_start_here.ipynb?file-browser-path=/" in cmd
    assert "--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb?file-browser-path=/" in cmd
    assert (ROOT / lab.START).exists()
    assert lab.lab_url(8899, "abc") == ("http://127.0.0.1:8899/lab/tree/notebooks/00_start_here.ipynb"
                                        "?file-browser-path=/&token=abc")


# ------------------------------------------------------------------------------------------------
# The real server, as `make lab` starts it
# ------------------------------------------------------------------------------------------------
def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0  # not listening yet


def test_lab_serves_the_whole_kit(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, CASEKIT_NO_BROWSER="1")
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR",
                "JUPYTERLAB_WORKSPACES_DIR", "IPYTHONDIR", "npm_config_cache"):
        env[var] = str(tmp_path / var.lower())
    log = tmp_path / "lab.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "casekit.lab", "--port", str(port)], cwd=tmp_path, env=env,
                                stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        url = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            m = re.search(r"(http://127\.0\.0\.1:\d+/lab/tree/\S+[?&]token=(\w+))", log.read_text())
            if m and _get(f"http://127.0.0.1:{port}/api/status?token={m.group(2)}") == 200:
                url, token = m.group(1), m.group(2)
                break
            time.sleep(0.3)
        assert url, f"no server answered on the printed link:\n{log.read_text()[-3000:]}"
        assert url == (f"http://127.0.0.1:{port}/lab/tree/notebooks/00_start_here.ipynb"
                       f"?file-browser-path=/&token={token}")
        api = f"http://127.0.0.1:{port}/api/contents"
        for folder in ("exercises", "notebooks", "my-work", "notebooks/00_start_here.ipynb"):
            assert _get(f"{api}/{folder}?content=0&token={token}") == 200, folder
        assert _get(f"{api}/exercises?content=0") == 403  # and nothing without the token
        assert _get(url) == 200
        # the server's root (and the page Jupyter itself opens) lands on the start notebook, not the Launcher
        class _NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        try:
            urllib.request.build_opener(_NoRedirect).open(f"http://127.0.0.1:{port}/?token={token}", timeout=5)
            raise AssertionError("/ did not redirect")
        except urllib.error.HTTPError as exc:
            assert exc.code == 302
            assert "/lab/tree/notebooks/00_start_here.ipynb?file-browser-path=/" in exc.headers["Location"]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


# ------------------------------------------------------------------------------------------------
# A half-made .venv
# ------------------------------------------------------------------------------------------------
def test_a_half_made_venv_is_detected_and_rebuilt(tmp_path):
    venv = tmp_path / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    assert "no pip" in bootstrap.health(venv)
    messages = []
    py = bootstrap.ensure(tmp_path, venv, install=False, log=messages.append)
    assert "half-made" in messages[0]
    assert bootstrap.health(venv) is None
    assert subprocess.run([str(py), "-m", "pip", "--version"], capture_output=True).returncode == 0


def test_a_venv_whose_python_does_not_run_is_reported(tmp_path):
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    fake = venv / "bin" / "python"
    fake.write_text("#!/bin/sh\nexit 3\n")
    fake.chmod(0o755)
    assert "does not run" in bootstrap.health(venv)


def test_without_ensurepip_the_message_names_the_package_and_no_venv_is_left(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ensurepip", None)  # as on Debian without python3-venv
    venv = tmp_path / ".venv"
    with pytest.raises(bootstrap.BootstrapError) as err:
        bootstrap.ensure(tmp_path, venv, install=False, log=lambda _m: None)
    assert "apt-get install python3-venv" in str(err.value)
    assert f"python{sys.version_info.major}.{sys.version_info.minor}-venv" in str(err.value)
    assert not venv.exists()
