"""A notebook open in JupyterLab in chromium, and what the browser suite measures on it.

Every measurement runs in the page (JavaScript) and returns plain data; the tests in this folder
decide what passes. JupyterLab is started with ``expose_app_in_browser`` so ``window.jupyterapp``
gives the notebook panel, its model (outputs, cell tags) and its LaTeX typesetter.
"""

from __future__ import annotations

import re
import statistics
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import os

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("CASEKIT_SCREENSHOTS", ROOT / "build" / "screenshots"))
RUN_TIMEOUT = 300_000  # ms: one notebook, all cells
STEP_TIMEOUT = 30_000  # ms: any other single wait
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}

VIEWPORT_HEIGHT = 1000
SHOT_HEIGHT = 2000  # px of notebook per screenshot

# ---------------------------------------------------------------------------------------------
# JavaScript run in the page
# ---------------------------------------------------------------------------------------------
START_JS = """
({name, timeout}) => {
  const sleep = (ms) => new Promise(r => setTimeout(r, ms));
  window.__casekit = {state: 'opening'};
  (async () => {
    const deadline = Date.now() + timeout;
    const panel = () => {
      const app = window.jupyterapp;
      const w = app && app.shell && app.shell.currentWidget;
      return (w && w.context && w.context.path === name && w.sessionContext) ? w : null;
    };
    while (!panel()) { if (Date.now() > deadline) throw new Error('the notebook never opened'); await sleep(100); }
    const p = panel();
    await p.context.ready;
    await p.sessionContext.ready;
    const idle = () => p.sessionContext.session && p.sessionContext.session.kernel &&
                       p.sessionContext.session.kernel.status === 'idle';
    while (!idle()) { if (Date.now() > deadline) throw new Error('the kernel never became idle'); await sleep(100); }
    window.__casekit.state = 'running';
    const t0 = performance.now();
    const ok = await window.jupyterapp.commands.execute('notebook:run-all-cells');
    while (!idle()) { if (Date.now() > deadline) throw new Error('the kernel stayed busy'); await sleep(100); }
    window.__casekit = {state: 'done', ok: ok, seconds: (performance.now() - t0) / 1000};
  })().catch(e => { window.__casekit = {state: 'failed', error: String(e)}; });
}
"""

PANEL_JS = "window.jupyterapp.shell.currentWidget"

OUTPUTS_JS = """
() => {
  const panel = %s;
  const cells = panel.content.model.cells;
  const rows = [];
  for (let i = 0; i < cells.length; i++) {
    const c = cells.get(i).toJSON();
    const tags = (c.metadata && c.metadata.tags) || [];
    if (c.cell_type !== 'code') continue;
    const src = Array.isArray(c.source) ? c.source.join('') : c.source;
    const errors = [], stderr = [];
    for (const o of c.outputs || []) {
      if (o.output_type === 'error') errors.push(`${o.ename}: ${o.evalue}`);
      if (o.output_type === 'stream' && o.name === 'stderr') stderr.push(Array.isArray(o.text) ? o.text.join('') : o.text);
    }
    rows.push({index: i, executed: c.execution_count !== null && c.execution_count !== undefined,
               skipped: /^\\s*#\\s*NBVAL_SKIP/m.test(src) || tags.includes('skip-execution'),
               raises: tags.includes('raises-exception'), errors, stderr, first_line: src.split('\\n')[0].slice(0, 80)});
  }
  const widgetErrors = Array.from(panel.node.querySelectorAll('.jupyter-widgets-error-widget'))
    .map(e => e.textContent.trim().slice(0, 300));
  return {rows, widgetErrors};
}
""" % PANEL_JS

MATHS_JS = """
async () => {
  const panel = %s;
  const cells = panel.content.widgets;
  for (const cell of cells) {
    const tags = cell.model.getMetadata ? (cell.model.getMetadata('tags') || []) : [];
    if (tags.includes('maths')) cell.node.setAttribute('data-casekit-maths', '1');
  }
  // typeset everything JupyterLab would typeset now, instead of waiting for it to happen
  const typesetter = panel.content.rendermime.latexTypesetter;
  if (typesetter) {
    for (const node of panel.node.querySelectorAll('.jp-RenderedMarkdown, .jp-RenderedHTML, .jp-RenderedLatex')) {
      await typesetter.typeset(node);
    }
  }
  const describe = (el) => {
    const cell = el.closest('.jp-Cell');
    const idx = cell ? Array.from(cell.parentElement.children).filter(c => c.classList.contains('jp-Cell')).indexOf(cell) : -1;
    const holder = el.closest('.jp-OutputArea-output, .jp-MarkdownOutput');
    return {cell: idx, text: (el.textContent || '').slice(0, 80),
            context: holder ? holder.textContent.replace(/\\s+/g, ' ').slice(0, 200) : ''};
  };
  const prose = Array.from(panel.node.querySelectorAll(
      '.jp-OutputArea-output mjx-container, .jp-MarkdownOutput mjx-container'))
    .filter(el => !el.closest('[data-casekit-maths]')).map(describe);
  const errors = Array.from(panel.node.querySelectorAll('mjx-merror, [data-mjx-error]')).map(describe);
  const allowed = panel.node.querySelectorAll('[data-casekit-maths] mjx-container').length;
  return {typesetter: !!typesetter, prose, errors, allowed};
}
""" % PANEL_JS

IMAGES_JS = """
async () => {
  const imgs = Array.from(%s.node.querySelectorAll('.jp-OutputArea-output img.widget-image'));
  const out = [];
  for (const img of imgs) {
    if (!img.complete) await new Promise(r => { img.addEventListener('load', r, {once: true});
                                                img.addEventListener('error', r, {once: true});
                                                setTimeout(r, 5000); });
    const r = img.getBoundingClientRect();
    out.push({src: img.src.slice(0, 60), complete: img.complete, naturalWidth: img.naturalWidth,
              naturalHeight: img.naturalHeight, shownWidth: r.width, alt: img.getAttribute('alt'),
              title: img.getAttribute('title')});
  }
  return out;
}
""" % PANEL_JS

# Text that does not fit its box. scrollWidth misses it in Chromium (end padding is left out), so
# the text is measured in its computed font with a canvas and compared with the content box.
TRUNCATION_JS = """
() => {
  const panel = %s;
  const ctx = document.createElement('canvas').getContext('2d');
  const selectors = ['.widget-label', '.widget-label-basic', 'button', '.widget-readout',
                     '.widget-dropdown select', '.widget-toggle-button', '.widget-inline-hbox label',
                     '.widget-tab .lm-TabBar-tabLabel', '.widget-html-content b', '.widget-html-content i'];
  const seen = new Set(), cut = [];
  let checked = 0;
  for (const el of panel.node.querySelectorAll(selectors.map(s => '.jp-OutputArea-output ' + s).join(','))) {
    if (seen.has(el)) continue;
    seen.add(el);
    if (el.offsetParent === null || el.getClientRects().length === 0) continue;  // not shown
    const cs = getComputedStyle(el);
    if (cs.display === 'inline') continue;  // an inline box has no width of its own: its container is measured
    const text = (el.tagName === 'SELECT' ? (el.selectedOptions[0] ? el.selectedOptions[0].text : '') : el.innerText || '').trim();
    if (!text || text === '\\u200b') continue;
    checked++;
    const padding = parseFloat(cs.paddingLeft) + parseFloat(cs.paddingRight);
    const box = el.clientWidth - padding - (el.tagName === 'SELECT' ? 0 : 0);
    const oneLine = /nowrap|pre$/.test(cs.whiteSpace) || el.tagName === 'SELECT';
    let need;
    if (oneLine) {
      ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      if ('letterSpacing' in ctx) ctx.letterSpacing = cs.letterSpacing === 'normal' ? '0px' : cs.letterSpacing;
      const lines = text.split('\\n');
      need = Math.max(...lines.map(l => ctx.measureText(l.trim()).width));
      // what sits beside the text inside the box: an icon, a checkbox
      for (const c of el.querySelectorAll('i.fa, .fa, input')) {
        const m = getComputedStyle(c);
        need += c.getBoundingClientRect().width + parseFloat(m.marginLeft) + parseFloat(m.marginRight);
      }
      if (need > box + 1) cut.push({text: text.slice(0, 80), need: Math.round(need), box: Math.round(box),
                                    kind: el.tagName.toLowerCase() + '.' + (el.className || '').toString().split(' ')[0]});
    } else if (/hidden|clip/.test(cs.overflow + cs.overflowY) && el.scrollHeight > el.clientHeight + 1) {
      cut.push({text: text.slice(0, 80), need: el.scrollHeight, box: el.clientHeight, kind: 'wrapped text cut at the bottom'});
    }
  }
  // controls pushed out of a box that clips them (a column narrower than its sliders)
  const clipped = [];
  for (const el of panel.node.querySelectorAll('.jp-OutputArea-output .widget-slider, .jp-OutputArea-output .widget-dropdown, .jp-OutputArea-output .widget-checkbox, .jp-OutputArea-output .widget-button, .jp-OutputArea-output button')) {
    if (el.offsetParent === null) continue;
    const r = el.getBoundingClientRect();
    for (let a = el.parentElement; a && !a.classList.contains('jp-OutputArea-output'); a = a.parentElement) {
      const s = getComputedStyle(a);
      if (!/hidden|auto|scroll|clip/.test(s.overflowX + s.overflow)) continue;
      const b = a.getBoundingClientRect();
      if (r.left < b.left - 1 || r.right > b.right + 1) {
        clipped.push({control: el.textContent.trim().slice(0, 60), right: Math.round(r.right), box_right: Math.round(b.right),
                      left: Math.round(r.left), box_left: Math.round(b.left)});
        break;
      }
    }
  }
  return {checked, cut, clipped};
}
""" % PANEL_JS

SCROLLER_JS = """
() => {
  const panel = %s;
  const s = panel.content.node.closest('.jp-WindowedPanel-outer') || panel.content.node.querySelector('.jp-WindowedPanel-outer') || panel.content.node;
  return s;
}
""" % PANEL_JS


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


class Notebook:
    """One notebook in its own browser context: opened, all cells run, then measured."""

    def __init__(self, browser, base_url: str, name: str):
        self.name = name
        self.base_url = base_url
        self.outside: list[str] = []
        self.console_errors: list[str] = []
        self.run_info: dict = {}
        self.context = browser.new_context(viewport={"width": 1280, "height": VIEWPORT_HEIGHT}, service_workers="block")
        self.context.on("request", lambda req: self._note(req.url))
        self.page = self.context.new_page()
        self.page.on("websocket", lambda ws: self._note(ws.url))
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        self.page.set_default_timeout(STEP_TIMEOUT)
        workspace = re.sub(r"\W", "", name)
        self.page.goto(f"{base_url}lab/workspaces/{workspace}/tree/{name}?reset&file-browser-path=/", wait_until="domcontentloaded")
        self.page.evaluate(START_JS, {"name": name, "timeout": RUN_TIMEOUT})
        self.started = time.monotonic()

    def _note(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
            self.outside.append(url)

    def wait_done(self) -> None:
        self.page.wait_for_function("() => window.__casekit && ['done', 'failed'].includes(window.__casekit.state)",
                                    timeout=RUN_TIMEOUT, polling=250)
        self.run_info = self.page.evaluate("() => window.__casekit")
        if self.run_info.get("state") == "failed":
            raise AssertionError(f"{self.name}: could not run the notebook: {self.run_info.get('error')}")
        # widget views render after their output arrives: wait for every chart image to load
        self.page.wait_for_function(
            f"() => Array.from({PANEL_JS}.node.querySelectorAll('img.widget-image')).every(i => i.complete)",
            timeout=STEP_TIMEOUT)
        self.page.wait_for_timeout(300)

    # --- measurements --------------------------------------------------------------------------
    def outputs(self) -> dict:
        return self.page.evaluate(OUTPUTS_JS)

    def maths(self) -> dict:
        return self.page.evaluate(MATHS_JS)

    def images(self) -> list[dict]:
        return self.page.evaluate(IMAGES_JS)

    def truncation(self) -> dict:
        return self.page.evaluate(TRUNCATION_JS)

    def set_width(self, width: int) -> None:
        self.page.set_viewport_size({"width": width, "height": VIEWPORT_HEIGHT})
        self.page.wait_for_timeout(400)  # JupyterLab re-lays out on resize

    def screenshots(self, width: int) -> list[Path]:
        """The whole notebook, top to bottom, in viewport-wide slices of SHOT_HEIGHT px."""
        folder = SCREENSHOTS / str(width)
        folder.mkdir(parents=True, exist_ok=True)
        stem = self.name.replace("/", "__").removesuffix(".ipynb")
        for old in list(folder.glob(f"{stem}-*.png")) + list(folder.glob(f"{stem}-*.jpg")):
            old.unlink()
        scroller = self.page.evaluate_handle(SCROLLER_JS)
        total = scroller.evaluate("s => s.scrollHeight")
        self.page.set_viewport_size({"width": width, "height": SHOT_HEIGHT + 200})
        self.page.wait_for_timeout(300)
        visible = scroller.evaluate("s => s.clientHeight")
        paths, top, k = [], 0, 0
        while top < total and k < 60:
            scroller.evaluate("(s, y) => { s.scrollTop = y; }", top)
            self.page.wait_for_timeout(60)  # every cell is in the DOM (no windowing): only a repaint to wait for
            path = folder / f"{stem}-{k:02d}.jpg"  # JPEG: several times faster to encode than PNG at this size
            self.page.screenshot(path=str(path), type="jpeg", quality=80)
            paths.append(path)
            top += max(visible - 40, 200)
            k += 1
        scroller.evaluate("s => { s.scrollTop = 0; }")
        self.set_width(width)
        return paths

    def axe(self, axe) -> list[dict]:
        """Serious and critical axe-core violations inside the kit's own content (outputs, Markdown)."""
        context = {"include": [[".jp-Notebook .jp-OutputArea-output"], [".jp-Notebook .jp-MarkdownOutput"]]}
        options = {"resultTypes": ["violations"],
                   "rules": {r: {"enabled": False} for r in ("region", "landmark-one-main", "page-has-heading-one",
                                                            "bypass", "landmark-unique")}}
        results = axe.run(self.page, context=context, options=options)
        found = []
        for v in results.response["violations"]:
            if v.get("impact") in ("serious", "critical"):
                found.append({"rule": v["id"], "impact": v["impact"], "help": v["help"], "count": len(v["nodes"]),
                              "examples": [n["html"][:160] for n in v["nodes"][:3]],
                              "all_targets": [n["html"][:200] for n in v["nodes"]]})
        return found

    # --- widgets --------------------------------------------------------------------------------
    def chart_roots(self):
        """Output areas that hold a widget chart image."""
        return self.page.locator(".jp-OutputArea-output").filter(has=self.page.locator("img.widget-image"))

    def close(self) -> None:
        """Close the page; its kernel is shut down through the server's REST API in the background."""
        try:
            session = self.page.evaluate(f"() => {{ const p = {PANEL_JS}; return p && p.sessionContext && p.sessionContext.session ? p.sessionContext.session.id : null; }}")
        except Exception:  # noqa: BLE001 - the page may already be gone; the server stops kernels at the end
            session = None
        if session:
            request = urllib.request.Request(f"{self.base_url}api/sessions/{session}", method="DELETE")
            threading.Thread(target=lambda: _quietly(urllib.request.urlopen, request, timeout=30), daemon=True).start()
        self.context.close()


def _quietly(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except Exception:  # noqa: BLE001
        pass


# ---------------------------------------------------------------------------------------------
# Slider moves and timing (in the page: from the input event to the new image decoded)
# ---------------------------------------------------------------------------------------------
WATCH_JS = """
(root) => {
  const img = root.querySelector('img.widget-image');
  const w = {loads: [], inputs: []};
  window.__casekitWatch = w;
  const obs = new MutationObserver(() => {
    const src = img.src;
    const done = () => w.loads.push({t: performance.now(), src: src.length});
    if (img.complete) done(); else img.addEventListener('load', done, {once: true});
  });
  obs.observe(img, {attributes: true, attributeFilter: ['src']});
  w.stop = () => obs.disconnect();
  for (const type of ['keydown', 'pointerup']) {
    root.addEventListener(type, e => w.inputs.push({type, t: performance.now()}), {capture: true});
  }
  return true;
}
"""


def focus_and_press(page, handle, key: str, attempts: int = 4) -> None:
    last = None
    for attempt in range(attempts):
        try:
            handle.scroll_into_view_if_needed(timeout=5_000)
            handle.focus(timeout=5_000)
            page.wait_for_function("(h) => document.activeElement === h", arg=handle.element_handle(timeout=5_000),
                                   timeout=5_000)
            page.keyboard.press(key)
            return
        except Exception as exc:  # noqa: BLE001 - focus occasionally does not take: retry
            last = exc
            page.wait_for_timeout(250 * (attempt + 1))
    raise AssertionError(f"could not focus the slider handle in {attempts} attempts: {last}")


def image_src(root) -> str:
    return root.locator("img.widget-image").first.evaluate("i => i.src")


def wait_src_change(page, root, before: str, timeout: int) -> bool:
    try:
        page.wait_for_function("([r, s]) => { const i = r.querySelector('img.widget-image'); return i && i.src !== s && i.complete; }",
                               arg=[root.element_handle(), before], timeout=timeout)
        return True
    except Exception:  # noqa: BLE001 - playwright TimeoutError
        return False


def sliders(root):
    """Enabled slider handles inside a widget output."""
    return [h for h in root.locator(".widget-slider .noUi-handle").all()
            if h.evaluate("h => !h.closest('[disabled]') && !h.closest('.widget-slider').classList.contains('mod-disabled')")]


def move_changes_chart(page, root, keys=("End", "Home", "PageUp")) -> dict:
    """Find a slider whose keyboard move changes the chart. Each enabled slider in turn gets End
    (to its maximum), Home (minimum) and PageUp (five steps): one arrow step of a teaching model's
    lever can move a bar by less than a pixel, which rightly sends no new picture. Returns what
    happened."""
    tried = []
    for index, handle in enumerate(sliders(root)):
        label = handle.evaluate(SLIDER_NAME_JS)
        for key in keys:
            before = image_src(root)
            focus_and_press(page, handle, key)
            if wait_src_change(page, root, before, 2_000):
                return {"changed": True, "slider": label, "index": index, "key": key, "tried": tried}
        tried.append(label)
    return {"changed": False, "tried": tried}


# a slider's name as a learner reads it: its own description, else the text just above it
SLIDER_NAME_JS = """
h => {
  const s = h.closest('.widget-slider');
  const own = s && s.querySelector('.widget-label');
  if (own && own.textContent.trim()) return own.textContent.trim();
  let box = s;
  for (let k = 0; k < 3 && box; k++, box = box.parentElement) {
    for (let p = box.previousElementSibling; p; p = p.previousElementSibling) {
      const t = (p.innerText || '').trim();
      if (t) return t.split('\\n')[0].slice(0, 80);
    }
  }
  return '';
}
"""


def _quiesce(page, settle_ms: int = 250, limit_ms: int = 3_000) -> None:
    """Wait until no new chart image has loaded for ``settle_ms`` (a late picture from the previous
    move must not be taken for the answer to the next one)."""
    page.wait_for_function(
        """([settle]) => {
            const w = window.__casekitWatch, now = performance.now();
            const last = w.loads.length ? w.loads[w.loads.length - 1].t : -1e9;
            return now - last >= settle;
        }""", arg=[settle_ms], timeout=limit_ms + settle_ms, polling=50)


def _sample(page, act, event: str, first: bool) -> float | None:
    """Do ``act()``; ms from its last ``event`` to the first (or last, for a drag) image loaded after it."""
    try:
        _quiesce(page)
    except Exception:  # noqa: BLE001 - pictures still arriving after 3 s: measure anyway
        pass
    n_loads = page.evaluate("() => window.__casekitWatch.loads.length")
    act()
    try:
        page.wait_for_function("(n) => window.__casekitWatch.loads.length > n", arg=n_loads, timeout=1_500)
    except Exception:  # noqa: BLE001 - this move did not change the picture (slowest answer seen: 0.4 s): not a sample
        return None
    if not first:
        _quiesce(page)  # a drag may bring several pictures: the last one is what stays on screen
    w = page.evaluate("() => ({loads: window.__casekitWatch.loads, inputs: window.__casekitWatch.inputs})")
    at = [x["t"] for x in w["inputs"] if x["type"] == event][-1]
    after = [x["t"] for x in w["loads"][n_loads:] if x["t"] >= at]
    if not after:
        return None
    return (min(after) if first else max(after)) - at


def keyboard_latency(page, root, handle, samples: int) -> list[float]:
    """ms from keydown on the slider handle to the new chart image loaded. PageUp/PageDown (five
    steps each, in pairs: up, up, down, down ...) after Home, so every move changes the value."""
    page.evaluate(WATCH_JS, root.element_handle())
    focus_and_press(page, handle, "Home")
    times = []
    for i in range(samples):
        key = "PageUp" if (i // 2) % 2 == 0 else "PageDown"
        t = _sample(page, lambda: focus_and_press(page, handle, key), "keydown", first=True)
        if t is not None:
            times.append(t)
    page.evaluate("() => window.__casekitWatch.stop()")
    return times


def drag_latency(page, root, handle, samples: int, dx: int = 24) -> list[float]:
    """ms from releasing a mouse drag of the slider handle to the chart image loaded."""
    page.evaluate(WATCH_JS, root.element_handle())
    times = []

    def drag(direction):
        handle.scroll_into_view_if_needed()
        box = handle.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + direction * dx / 2, y, steps=2)
        page.mouse.move(x + direction * dx, y, steps=2)
        page.mouse.up()

    for i in range(samples):
        direction = 1 if (i // 2) % 2 == 0 else -1
        t = _sample(page, lambda: drag(direction), "pointerup", first=False)
        if t is not None:
            times.append(t)
    page.evaluate("() => window.__casekitWatch.stop()")
    return times


def summary(times: list[float]) -> dict:
    if not times:
        return {"n": 0}
    return {"n": len(times), "median_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 95), 1),
            "min_ms": round(min(times), 1), "max_ms": round(max(times), 1)}


# ---------------------------------------------------------------------------------------------
# Opening notebooks one after another, the next one running while the current one is checked
# ---------------------------------------------------------------------------------------------
class Runner:
    def __init__(self, browser, base_url: str, names: list[str], ahead: int = 1):
        self.browser, self.base_url, self.names, self.ahead = browser, base_url, list(names), ahead
        self.open: dict[str, Notebook] = {}
        self.done: set[str] = set()

    def _start(self, name: str) -> None:
        if name not in self.open:
            self.open[name] = Notebook(self.browser, self.base_url, name)

    def get(self, name: str) -> Notebook:
        self._start(name)
        i = self.names.index(name) if name in self.names else -1
        for nxt in self.names[i + 1:i + 1 + self.ahead] if i >= 0 else []:
            if nxt not in self.done:
                self._start(nxt)
        nb = self.open[name]
        if not nb.run_info:
            nb.wait_done()
        return nb

    def release(self, name: str) -> None:
        nb = self.open.pop(name, None)
        self.done.add(name)
        if nb is not None:
            nb.close()

    def close_all(self) -> None:
        for name in list(self.open):
            self.release(name)
