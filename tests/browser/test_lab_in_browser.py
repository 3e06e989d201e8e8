"""Opt-in smoke test: the widgets work in a real browser, in JupyterLab, as a learner uses them.

Runs only when asked for (``CASEKIT_BROWSER_TESTS=1``, which ``make test-browser`` sets) and only
where Playwright and Debian's chromium are installed. Otherwise the whole module is skipped at
collection time, before any server or browser starts, so the normal ``make test`` is unaffected.
Set-up and commands: tests/browser/README.md.

What it does: copies notebooks 01, 02 and 03 into a temporary folder (the shipped notebooks are
never touched), starts JupyterLab from the repo's .venv on 127.0.0.1 with a free port and no token,
opens each notebook in headless chromium, runs all cells, moves a control with the keyboard and
checks that the readout, the chart PNG and the chart's text alternative change. Every request the
browser makes is recorded and the tests fail if one leaves the machine. The server and its kernels
are stopped and the temporary folder removed at the end; nothing is written anywhere else.
"""

from __future__ import annotations

import json
import os
import re
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
from urllib.parse import urlsplit

import pytest

if os.environ.get("CASEKIT_BROWSER_TESTS") != "1":
    pytest.skip("browser smoke test is opt-in: run `make test-browser` (sets CASEKIT_BROWSER_TESTS=1)",
                allow_module_level=True)

CHROMIUM = Path(os.environ.get("CASEKIT_CHROMIUM", "/usr/bin/chromium"))
if not CHROMIUM.exists():
    pytest.skip(f"no chromium at {CHROMIUM} (apt-get install -y chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (see tests/browser/README.md)")
expect = sync_api.expect

ROOT = Path(__file__).resolve().parents[2]
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
NOTEBOOKS = ("01_data_explorer.ipynb", "02_leverage_lab.ipynb", "03_conditionality_lab.ipynb")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
SERVER_START_TIMEOUT = 60  # s
STEP_TIMEOUT = 30_000  # ms: the longest any single explicit wait in the browser may take
FOCUS_ATTEMPTS = 4  # keyboard focus on a slider handle occasionally times out: retry
PNG_SIGNATURE = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
# JupyterLab user settings for the temporary server: no news / update-check toast over the page.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                         "checkForUpdates": False},
}


# ---------------------------------------------------------------------------------------------
# JupyterLab on a free loopback port, everything it writes kept in a temporary folder
# ---------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_server(proc: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "api/status", timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"JupyterLab did not answer within {SERVER_START_TIMEOUT} s:\n{log.read_text()[-3000:]}")


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server and its kernels: they run in their own process group, started by this test."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # the server shuts its kernels down on SIGTERM
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    try:  # anything of the group still alive (a kernel of a server that died or hung)
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def scratch():
    """One temporary folder for everything the server, its kernels and the browser write; removed at the end."""
    tmp = Path(tempfile.mkdtemp(prefix="casekit-browser-"))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def lab_server(scratch):
    """Base URL of a JupyterLab serving temporary copies of the notebooks."""
    tmp = scratch
    proc = None
    try:
        work = tmp / "notebooks"
        work.mkdir()
        for name in NOTEBOOKS:
            shutil.copy2(ROOT / "notebooks" / name, work / name)
        env = dict(os.environ)  # keeps the suite's offline guard (tests/conftest.py) for server and kernels
        env.pop("MPLBACKEND", None)  # the kernel picks its own default, as for a learner
        # jupyter-lsp runs `npm prefix -g` at start-up: npm's log file goes to npm_config_cache
        for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                         ("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                         ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"), ("IPYTHONDIR", "ipython"),
                         ("npm_config_cache", "npm")):
            env[var] = str(tmp / sub)
        for rel, settings in LAB_SETTINGS.items():
            path = tmp / "settings" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(settings))
        python = str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable
        log = tmp / "jupyterlab.log"
        for _attempt in range(3):  # the free port can be taken between choosing and binding it
            port = _free_port()
            cmd = [python, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                   f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
                   "--IdentityProvider.token=", "--ServerApp.password=",
                   f"--ServerApp.root_dir={work}", "--LabApp.expose_app_in_browser=True"]
            if os.geteuid() == 0:
                cmd.append("--allow-root")
            with open(log, "wb") as fh:
                proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
            url = f"http://127.0.0.1:{port}/"
            try:
                _wait_for_server(proc, url, log)
                break
            except RuntimeError:
                _stop(proc)
                proc = None
                if "already in use" not in log.read_text():
                    raise
        else:
            raise RuntimeError("could not start JupyterLab on a free port")
        yield url
    finally:
        if proc is not None:
            _stop(proc)


# ---------------------------------------------------------------------------------------------
# Browser, and one page per notebook (opened and run once, shared by that notebook's tests)
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser(scratch):
    home = scratch / "browser-home"  # chromium's crash-report settings and dconf cache go here, not in ~
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_CACHE_HOME=str(home / ".cache"), XDG_DATA_HOME=str(home / ".local" / "share"))
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, env=env)
        try:
            yield b
        finally:
            b.close()


class Notebook:
    """A notebook open in JupyterLab, all cells run, with what the browser did on the way."""

    def __init__(self, browser, base_url: str, name: str):
        self.name = name
        self.outside: list[str] = []  # every URL the page asked for that is not on this machine
        self.errors: list[str] = []  # console errors and uncaught page errors
        self.context = browser.new_context(viewport={"width": 1600, "height": 1000}, service_workers="block")
        self.context.on("request", lambda req: self._note(req.url))
        self.page = self.context.new_page()
        self.page.on("websocket", lambda ws: self._note(ws.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.set_default_timeout(STEP_TIMEOUT)
        self._open_and_run_all(base_url)

    def _note(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
            self.outside.append(url)

    def _open_and_run_all(self, base_url: str) -> None:
        workspace = re.sub(r"\W", "", self.name)
        self.page.goto(f"{base_url}lab/workspaces/{workspace}/tree/{self.name}?reset", wait_until="domcontentloaded")
        self.page.wait_for_function(
            """(name) => {
                const app = window.jupyterapp;
                const w = app && app.shell && app.shell.currentWidget;
                return !!(w && w.context && w.context.path === name && w.sessionContext);
            }""",
            arg=self.name,
        )
        self.page.evaluate(
            """async (timeout) => {
                const panel = window.jupyterapp.shell.currentWidget;
                await panel.context.ready;
                await panel.sessionContext.ready;
                const deadline = Date.now() + timeout;
                const idle = () => panel.sessionContext.session && panel.sessionContext.session.kernel &&
                                   panel.sessionContext.session.kernel.status === 'idle';
                while (!idle()) {
                    if (Date.now() > deadline) throw new Error('the kernel never became idle');
                    await new Promise(r => setTimeout(r, 100));
                }
                await window.jupyterapp.commands.execute('notebook:run-all-cells');
            }""",
            STEP_TIMEOUT,
        )

    def widget_root(self, has):
        """The outermost widget box of an output that contains ``has`` (a locator)."""
        root = self.page.locator(".jp-OutputArea-output > .widget-vbox").filter(has=has).first
        root.wait_for(state="attached")
        root.scroll_into_view_if_needed()
        return root

    def close(self) -> None:
        self.context.close()


def _open(browser, base_url, name):
    nb = Notebook(browser, base_url, name)
    try:
        yield nb
    finally:
        nb.close()


@pytest.fixture(scope="module")
def explorer_nb(browser, lab_server):
    yield from _open(browser, lab_server, "01_data_explorer.ipynb")


@pytest.fixture(scope="module")
def leverage_nb(browser, lab_server):
    yield from _open(browser, lab_server, "02_leverage_lab.ipynb")


@pytest.fixture(scope="module")
def conditionality_nb(browser, lab_server):
    yield from _open(browser, lab_server, "03_conditionality_lab.ipynb")


# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------
def _slider(page, root, label: str):
    return root.locator(".widget-slider").filter(has=page.locator(".widget-label", has_text=label)).first


def _press_on_slider(page, slider, key: str = "ArrowRight") -> None:
    """Focus the slider's (first) handle and press a key, retrying when focus does not take."""
    handle = slider.locator(".noUi-handle").first
    last = None
    for attempt in range(FOCUS_ATTEMPTS):
        try:
            handle.scroll_into_view_if_needed(timeout=5_000)
            handle.focus(timeout=5_000)
            page.wait_for_function("(h) => document.activeElement === h",
                                   arg=handle.element_handle(timeout=5_000), timeout=5_000)
            page.keyboard.press(key)
            return
        except sync_api.TimeoutError as exc:
            last = exc
            page.wait_for_timeout(250 * (attempt + 1))
    raise AssertionError(f"could not focus the slider handle in {FOCUS_ATTEMPTS} attempts: {last}")


def _no_widget_errors(nb: Notebook, root) -> None:
    """ipywidgets replaces a view it cannot render with an error box; there must be none."""
    boxes = root.locator(".jupyter-widgets-error-widget")
    if boxes.count():
        boxes.first.click()  # the box shows the JavaScript error once clicked
        detail = boxes.first.inner_text()
        raise AssertionError(
            f"{nb.name}: {boxes.count()} widget view(s) failed to render in JupyterLab:\n{detail[:1500]}\n"
            f"console errors: {nb.errors[:5]}"
        )


def _chart(root) -> dict:
    """src, PNG signature and SHA-256, title, alt and size of the chart image inside ``root``."""
    img = root.locator("img.widget-image").first
    img.wait_for(state="visible")
    return img.evaluate(
        """async (img) => {
            if (!img.complete) await new Promise(r => img.addEventListener('load', r, {once: true}));
            const bytes = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
            const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
            return {src: img.src, size: bytes.length, signature: Array.from(bytes.slice(0, 8)),
                    sha256: Array.from(digest).map(b => b.toString(16).padStart(2, '0')).join(''),
                    title: img.getAttribute('title'), alt: img.getAttribute('alt'),
                    width: img.naturalWidth, shown: img.getBoundingClientRect().width};
        }"""
    )


def _chart_changes_with(nb: Notebook, root, move, alt_prefix: str) -> None:
    """The chart renders as a PNG with a text alternative, and ``move()`` gives it new pixels and text."""
    _no_widget_errors(nb, root)
    before = _chart(root)
    assert before["signature"] == PNG_SIGNATURE, before
    assert before["width"] > 0 and before["shown"] > 0, before
    # ipywidgets' Image has no alt trait; casekit gives the chart its text alternative as the widget's
    # tooltip, which becomes <img title> and so the image's accessible name. Whatever of alt/title is
    # set must be a real description (the labs also show it as text under the chart, checked above).
    named = before["alt"] is not None or before["title"] is not None
    for attr in ("alt", "title"):
        if before[attr] is not None:
            assert before[attr].startswith(alt_prefix), f"the chart's {attr} is {before[attr]!r}"
    if named:
        expect(root.locator("img.widget-image").first).to_have_accessible_name(
            re.compile("^" + re.escape(alt_prefix)))
    move()
    nb.page.wait_for_function(
        "([root, src]) => { const i = root.querySelector('img.widget-image'); return !!i && i.src !== src; }",
        arg=[root.element_handle(), before["src"]],
    )
    after = _chart(root)
    assert after["signature"] == PNG_SIGNATURE, after
    assert after["sha256"] != before["sha256"], "the chart's src changed but its PNG is the same"
    for attr in ("alt", "title"):
        if before[attr] is not None:
            assert after[attr] and after[attr] != before[attr], f"the chart's {attr} did not follow the change"
    _no_widget_errors(nb, root)


def _controls_fit(nb: Notebook, root) -> None:
    """Every visible slider, drop-down and checkbox lies wholly inside the column that holds it.

    A control pushed outside its column is clipped (the column scrolls sideways, behind the chart):
    keyboard focus still reaches it, so only this geometry check catches what a learner cannot see.
    """
    rows = root.locator(".widget-slider, .widget-dropdown, .widget-checkbox").evaluate_all(
        """els => els.filter(e => e.offsetParent !== null).map(e => {
            const r = e.getBoundingClientRect(), c = e.parentElement.getBoundingClientRect();
            return {control: e.textContent.trim().slice(0, 40), left: r.left, right: r.right,
                    visible_from: c.left, visible_to: c.right,
                    fits: r.left >= c.left - 1 && r.right <= c.right + 1};
        })"""
    )
    assert rows, "no controls found"
    clipped = [{k: (round(v) if isinstance(v, float) else v) for k, v in r.items() if k != "fits"}
               for r in rows if not r["fits"]]
    assert not clipped, (
        f"{nb.name}: {len(clipped)} of {len(rows)} controls stick out of their column and are cut off "
        f"(viewport {nb.page.viewport_size['width']} px wide): {clipped}"
    )


def _readout_changes_with(page, readout, move) -> None:
    expect(readout).to_contain_text(re.compile(r"\w{3}"))
    before = readout.inner_text()
    move()
    expect(readout).not_to_have_text(before)


def _stayed_local(nb: Notebook) -> None:
    assert nb.outside == [], f"{nb.name}: the browser made requests beyond 127.0.0.1: {nb.outside}"


# ---------------------------------------------------------------------------------------------
# Leverage lab (notebook 02)
# ---------------------------------------------------------------------------------------------
def _leverage_root(nb):
    return nb.widget_root(nb.page.locator(":scope > .widget-html h3", has_text="Leverage lab: Egypt, 2013"))


def test_leverage_lab_slider_moves_readout_and_description(leverage_nb):
    nb, page = leverage_nb, leverage_nb.page
    root = _leverage_root(nb)
    slider = _slider(page, root, "dependence on U.S. aid")
    value = slider.locator(".widget-readout")
    old_value = value.inner_text()
    description = root.locator(".widget-html", has_text="Chart description:").first
    old_description = description.inner_text()
    assert "Horizontal bar chart" in old_description
    # the lab's readout is its second HTML child (the first is the heading)
    _readout_changes_with(page, root.locator(":scope > .widget-html").nth(1), lambda: _press_on_slider(page, slider))
    expect(value).not_to_have_text(old_value)
    expect(description).not_to_have_text(old_description)
    _stayed_local(nb)


def test_leverage_lab_chart_renders_and_follows_slider(leverage_nb):
    nb, page = leverage_nb, leverage_nb.page
    root = _leverage_root(nb)
    slider = _slider(page, root, "alignment with the U.S. ask")
    _chart_changes_with(nb, root, lambda: _press_on_slider(page, slider), "Horizontal bar chart")
    _stayed_local(nb)


def test_leverage_lab_controls_are_not_cut_off(leverage_nb):
    _controls_fit(leverage_nb, _leverage_root(leverage_nb))


# ---------------------------------------------------------------------------------------------
# Conditionality lab (notebook 03)
# ---------------------------------------------------------------------------------------------
def _conditionality_root(nb):
    return nb.widget_root(nb.page.locator(":scope > .widget-html h3", has_text="Conditionality lab:"))


def test_conditionality_lab_slider_and_toggle_move_readout(conditionality_nb):
    nb, page = conditionality_nb, conditionality_nb.page
    root = _conditionality_root(nb)
    readout = root.locator(":scope > .widget-html").nth(1)
    slider = _slider(page, root, "share of the year")
    old_value = slider.locator(".widget-readout").inner_text()
    _readout_changes_with(page, readout, lambda: _press_on_slider(page, slider))
    expect(slider.locator(".widget-readout")).not_to_have_text(old_value)
    toggle = root.locator(".widget-checkbox", has_text="public demand").locator("input[type=checkbox]")
    was = toggle.is_checked()
    _readout_changes_with(page, readout, lambda: toggle.focus() or page.keyboard.press("Space"))
    expect(toggle).to_be_checked(checked=not was)
    _stayed_local(nb)


def test_conditionality_lab_chart_renders_and_follows_slider(conditionality_nb):
    nb, page = conditionality_nb, conditionality_nb.page
    root = _conditionality_root(nb)
    # a one-step slider move here can shift the bars by less than a pixel (same PNG, so no update
    # is even sent); the "public demand" toggle moves the net-cost bar by 0.10, clearly visible
    toggle = root.locator(".widget-checkbox", has_text="public demand").locator("input[type=checkbox]")
    _chart_changes_with(nb, root, lambda: toggle.focus() or page.keyboard.press("Space"), "Horizontal bar chart")
    _stayed_local(nb)


def test_conditionality_lab_controls_are_not_cut_off(conditionality_nb):
    _controls_fit(conditionality_nb, _conditionality_root(conditionality_nb))


# ---------------------------------------------------------------------------------------------
# Data explorer (notebook 01)
# ---------------------------------------------------------------------------------------------
def test_data_explorer_chart_renders_and_follows_year_slider(explorer_nb):
    nb, page = explorer_nb, explorer_nb.page
    root = nb.widget_root(page.locator(".widget-dropdown", has_text="Country"))
    readout = root.locator(":scope > .widget-html").first
    slider = _slider(page, root, "Fiscal years")
    _readout_changes_with(page, readout, lambda: _press_on_slider(page, slider))
    _chart_changes_with(nb, root, lambda: _press_on_slider(page, slider), "Egypt")
    _controls_fit(nb, root)
    _stayed_local(nb)
