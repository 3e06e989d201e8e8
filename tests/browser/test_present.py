"""App mode for the seminar room (``make present``, casekit/present.py) in a real browser.

For the Egypt case and both labs (02, 03), ``python -m casekit.present`` (what ``make present`` runs)
serves the notebook from the kit's copy with Voila, and chromium opens it with the printed token:

* the server listens on 127.0.0.1 only and refuses a visit without the token;
* no code is shown (no editor, no input prompt, no line of the notebook's code in the page text);
* every widget chart loads, and a slider move of every chart with sliders gives a new picture;
* the page asks nothing of any host but 127.0.0.1 (the kit's Voila template drops Voila's CDN
  stylesheets).

One Voila server at a time, stopped after its notebook (its own process group). Opt-in with the rest
of the suite (CASEKIT_BROWSER_TESTS=1); CASEKIT_BROWSER_ONLY filters these notebooks too.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conftest import NOTEBOOKS, VENV_PYTHON, _free_port, _stop
from jlab_page import move_changes_chart, sliders

PRESENTED = [nb for nb in ("notebooks/10_egypt.ipynb", "notebooks/02_leverage_lab.ipynb",
                           "notebooks/03_conditionality_lab.ipynb") if nb in NOTEBOOKS]
READY_TIMEOUT = 180  # s: Voila runs the whole notebook before the page is complete
TOKEN = "casekit-present-test-token"


def _code_lines(path) -> list[str]:
    """Distinctive lines of the notebook's code cells (not comments), to look for in the page."""
    nb = json.loads(path.read_text())
    lines = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for line in "".join(cell["source"]).splitlines():
            line = line.strip()
            if len(line) >= 16 and not line.startswith("#") and ("(" in line or "=" in line or "import" in line):
                lines.append(line)
    return lines


@pytest.fixture(scope="module", params=PRESENTED)
def presented(request, scratch, kit_copy, browser):
    pytest.importorskip("voila", reason="voila is not installed: make test-browser installs the [present] extra")
    nb = request.param
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    env["PYTHONPATH"] = os.pathsep.join([str(kit_copy)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env["CASEKIT_NO_BROWSER"] = "1"
    for var, sub in (("JUPYTER_CONFIG_DIR", "present-config"), ("JUPYTER_DATA_DIR", "present-data"),
                     ("JUPYTER_RUNTIME_DIR", "present-runtime"), ("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "mpl")):
        env[var] = str(scratch / sub)
    python = str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable
    port = _free_port()
    log = scratch / f"present-{port}.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen([python, "-m", "casekit.present", nb, "--port", str(port), "--token", TOKEN,
                                 "--no-browser"], cwd=kit_copy, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if f"?token={TOKEN}" in log.read_text(errors="replace"):  # printed once the port is open
                break
            time.sleep(0.25)
        else:
            raise RuntimeError(f"make present did not start:\n{log.read_text(errors='replace')[-3000:]}")
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        outside = []
        page.on("request", lambda r: outside.append(r.url)
                if not r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) else None)
        started = time.monotonic()
        page.goto(f"http://127.0.0.1:{port}/?token={TOKEN}", timeout=READY_TIMEOUT * 1000)
        page.wait_for_function(
            "() => { const i = [...document.querySelectorAll('img.widget-image')];"
            " return i.length > 0 && i.every(x => x.complete && x.naturalWidth > 0); }",
            timeout=READY_TIMEOUT * 1000)
        ready = time.monotonic() - started
        yield {"name": nb, "port": port, "page": page, "outside": outside, "proc": proc, "ready": ready,
               "notebook": kit_copy / nb, "log": log}
        context.close()
    finally:
        _stop(proc)


def test_server_is_on_loopback_only_and_needs_the_token(presented):
    psutil = pytest.importorskip("psutil")
    port = presented["port"]
    listening = set()
    for p in [psutil.Process(presented["proc"].pid)] + psutil.Process(presented["proc"].pid).children(recursive=True):
        try:
            listening |= {c.laddr.ip for c in p.net_connections(kind="tcp")
                          if c.status == psutil.CONN_LISTEN and c.laddr.port == port}
        except psutil.Error:
            continue
    assert listening == {"127.0.0.1"}, f"Voila listens on {listening}"
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as refused:  # without the token: refused or sent to a login page
        opener.open(f"http://127.0.0.1:{port}/", timeout=30)
    code, location = refused.value.code, refused.value.headers.get("Location", "")
    assert code in (401, 403) or (code in (301, 302, 303, 307) and "login" in location), (code, location)
    assert f"Token: {TOKEN}" in presented["log"].read_text(errors="replace")


def test_no_code_is_shown(presented):
    page = presented["page"]
    for selector in (".jp-InputArea-editor", ".cm-editor", ".CodeMirror", ".jp-InputPrompt", ".jp-CodeCell .jp-InputArea"):
        assert page.locator(selector).count() == 0, f"{presented['name']}: {selector} shown in app mode"
    text = page.inner_text("body")
    shown = [line for line in _code_lines(presented["notebook"]) if line in text]
    assert not shown, f"{presented['name']}: code visible in app mode: {shown[:3]}"
    assert page.locator("img.widget-image").count() > 0


def test_widgets_respond(presented):
    page = presented["page"]
    roots = page.locator(".jp-OutputArea-output").filter(has=page.locator("img.widget-image"))
    assert roots.count() > 0
    moved, problems = 0, []
    for k in range(roots.count()):
        root = roots.nth(k)
        root.scroll_into_view_if_needed()
        if not sliders(root):
            continue
        result = move_changes_chart(page, root)
        moved += 1
        if not result["changed"]:
            problems.append(f"chart {k + 1}: no slider move changed the picture (tried {result['tried']})")
    assert moved, f"{presented['name']}: no chart with sliders in app mode"
    assert not problems, f"{presented['name']}:\n" + "\n".join(problems)
    errors = page.locator("[data-mime-type='application/vnd.jupyter.stderr'], .jp-RenderedText[data-mime-type*='error']")
    assert errors.count() == 0, f"{presented['name']}: error output in app mode: {errors.first.inner_text()[:300]}"


def test_page_stays_on_this_machine(presented):
    assert presented["outside"] == [], f"{presented['name']}: requests beyond 127.0.0.1: {presented['outside'][:5]}"
