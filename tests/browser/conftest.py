"""Fixtures of the real-browser suite: one JupyterLab served as `make lab` serves it, one chromium.

The suite is opt-in (``CASEKIT_BROWSER_TESTS=1``, set by ``make test-browser``); without it nothing
here is collected, no server or browser starts and Playwright is not imported, so ``make test`` is
unchanged. See tests/browser/README.md.

* The kit is copied (working tree, without .git/.venv/build/my-work) to a temporary folder that is
  served with ``python -m casekit.lab`` (the code behind ``make lab``) and put first on the kernels'
  ``PYTHONPATH``: running every cell never touches the repository, and anything a notebook writes
  (predictions in my-work/, autosaves) lands in the copy.
* Every Jupyter/IPython/chromium folder lives in that temporary folder; the server and its kernels
  keep the suite's offline guard (tests/conftest.py).
* Notebooks are opened one after another in their own browser context; while one is being checked
  the next one is already running (at most two kernels busy at once on a 2-core machine).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENABLED = os.environ.get("CASEKIT_BROWSER_TESTS") == "1"
if not ENABLED:
    collect_ignore_glob = ["test_*.py"]

CHROMIUM = Path(os.environ.get("CASEKIT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
]
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
SERVER_START_TIMEOUT = 90  # s
COPY_SKIP = {".git", ".venv", "build", "my-work", "__pycache__", ".hypothesis", ".pytest_cache",
             ".ipynb_checkpoints", ".dev", "casekit.egg-info", ".venv.lock"}
LAB_SETTINGS = {
    # no news / update-check toast over the page
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    # every cell in the DOM (no virtual scrolling), so every output can be checked and photographed
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # the copy is never saved over while cells run
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


def discover_notebooks() -> list[str]:
    """Every notebook a learner can open: notebooks/*.ipynb and exercises/*.ipynb (by glob, so new
    cases are picked up without editing the suite)."""
    found = [p for pattern in ("notebooks/*.ipynb", "exercises/*.ipynb") for p in sorted(ROOT.glob(pattern))]
    return [str(p.relative_to(ROOT)) for p in found if ".ipynb_checkpoints" not in p.parts]


NOTEBOOKS = discover_notebooks()
if os.environ.get("CASEKIT_BROWSER_ONLY"):  # e.g. CASEKIT_BROWSER_ONLY=10_egypt,exercises/ for a quick look
    NOTEBOOKS = [n for n in NOTEBOOKS if any(part and part in n for part in os.environ["CASEKIT_BROWSER_ONLY"].split(","))]


# ---------------------------------------------------------------------------------------------
# The kit's copy and the server
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def scratch():
    tmp = Path(tempfile.mkdtemp(prefix="casekit-browser-"))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def kit_copy(scratch) -> Path:
    kit = scratch / "kit"
    shutil.copytree(ROOT, kit, ignore=lambda _d, names: [n for n in names if n in COPY_SKIP])
    return kit


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server and its kernels (their own process group, started here)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def lab_server(scratch, kit_copy):
    """Base URL of JupyterLab started by casekit.lab (what `make lab` runs) on the kit's copy."""
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # kernels choose their backend as for a learner
    env["PYTHONPATH"] = os.pathsep.join([str(kit_copy)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env["CASEKIT_NO_BROWSER"] = "1"
    for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                     ("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                     ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"), ("IPYTHONDIR", "ipython"),
                     ("npm_config_cache", "npm"), ("MPLCONFIGDIR", "mpl")):
        env[var] = str(scratch / sub)
    for rel, settings in LAB_SETTINGS.items():
        path = scratch / "settings" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))
    python = str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable
    log = scratch / "jupyterlab.log"
    proc = None
    try:
        for _attempt in range(3):  # the free port can be taken between choosing and binding it
            port = _free_port()
            cmd = [python, "-m", "casekit.lab", "--root", str(kit_copy), "--port", str(port), "--no-browser",
                   "--token", "", "--LabApp.expose_app_in_browser=True", "--ServerApp.password="]
            with open(log, "wb") as fh:
                proc = subprocess.Popen(cmd, cwd=kit_copy, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
            url = f"http://127.0.0.1:{port}/"
            deadline = time.monotonic() + SERVER_START_TIMEOUT
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    with urllib.request.urlopen(url + "api/contents/exercises?content=0", timeout=2) as r:
                        if r.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    time.sleep(0.25)
            else:
                text = log.read_text(errors="replace")
                _stop(proc)
                proc = None
                if "already in use" in text:
                    continue
                raise RuntimeError(f"JupyterLab did not start:\n{text[-3000:]}")
            break
        else:
            raise RuntimeError("could not start JupyterLab on a free port")
        yield url
    finally:
        if proc is not None:
            _stop(proc)


# ---------------------------------------------------------------------------------------------
# Browser
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def sync_api():
    if not CHROMIUM.exists():
        pytest.skip(f"no chromium at {CHROMIUM}: apt-get install -y chromium, or set CASEKIT_CHROMIUM")
    return pytest.importorskip("playwright.sync_api", reason="playwright is not installed: make test-browser installs it")


@pytest.fixture(scope="session")
def browser(scratch, sync_api):
    home = scratch / "browser-home"  # chromium's settings and caches go here, not in ~
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_CACHE_HOME=str(home / ".cache"), XDG_DATA_HOME=str(home / ".local" / "share"))
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, env=env)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def runner(browser, lab_server):
    from jlab_page import Runner

    r = Runner(browser, lab_server, NOTEBOOKS)
    try:
        yield r
    finally:
        r.close_all()


@pytest.fixture(scope="module", params=NOTEBOOKS)
def notebook(request, runner):
    """One notebook opened in JupyterLab with all cells run (shared by that notebook's tests)."""
    nb = runner.get(request.param)
    try:
        yield nb
    finally:
        runner.release(request.param)
