"""The kit as a static website: ``make site`` -> ``build/site/index.html``.

Why Sphinx with MyST-NB (and the sphinx-book-theme): it renders notebooks from their *stored outputs*
(``nb_execution_mode = "off"``), so building the site runs no notebook; it builds offline (Jupyter Book 2
/ mystmd downloads its site template at build time); and all three packages are maintained parts of
the Jupyter ecosystem, pinned in the ``[docs]`` extra. MathJax is the copy shipped by the
``django-static-mathjax`` package, served from the site's own ``_static/`` folder, so no page asks
a CDN for anything.

What the site holds (staged into ``build/site-src/``, then built into ``build/site/``):

* a start page, with the kit map;
* every case: the A case on its own page (figures filled in, endnotes, the notebook's pre-prediction
  charts as figures with alt text) and the epilogue on a separate page marked "read after the
  prediction step";
* the data dictionary and the coverage tables (from ``data/README.md``);
* every notebook in ``notebooks/`` and ``exercises/``, rendered from its stored outputs. An
  interactive lab cannot run on a static page and its stored view is an empty box, so each widget
  output is replaced by a static picture of the lab's chart at its opening settings, with the lab's
  own chart description as alt text (the lab is built here, in this process, from the cell's call);
* the instructor material, in a separate section whose pages all say so (``--students`` builds a
  copy without it, to publish for students).

Text is rendered by :mod:`casekit.casefile` (placeholders, citations and reference lists are never
re-implemented here). :func:`check_links` checks every internal link and anchor of the built site,
counts external links without fetching them, and reports any script, stylesheet, image or frame
loaded from another host.
"""

from __future__ import annotations

import argparse
import ast
import base64
import html
import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import casefile, handouts, kitmap, paths
from .facts import CaseError, FactError
from .validate import InputError

__all__ = ["stage", "build", "check_links", "LinkReport", "static_widget_outputs", "main"]

TEMPLATES = Path(__file__).resolve().parent / "templates" / "site"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: widget classes a notebook may display, and where the kit defines them
WIDGET_CLASSES = {
    "LeverageLab": "casekit.widgets",
    "ConditionalityLab": "casekit.widgets",
    "PredictionPanel": "casekit.widgets",
    "DataExplorer": "casekit.explorer",
}
LIVE_NOTE = ("Static picture of the interactive lab at its opening settings. To move the controls, open "
             "the notebook in JupyterLab (<code>make lab</code>) or in app mode (<code>make present</code>).")


class SiteError(RuntimeError):
    """Something a kit author has to fix (the message names the file)."""


# --------------------------------------------------------------------------------------------
# notebooks: static pictures for widget outputs and alt text for images


def _constants(cells) -> dict:
    """Names bound to constants by simple assignments in earlier code cells (``DECISION_YEAR = 2015``,
    ``LAST_FULL_YEAR = DECISION_YEAR - 1``), evaluated without running the notebook."""
    env: dict = {}
    for cell in cells:
        try:
            tree = ast.parse("".join(cell.get("source", "")))
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                try:
                    env[node.targets[0].id] = _safe_eval(node.value, env)
                except ValueError:
                    continue
    return env


def _safe_eval(node, env):
    """Literals, names from ``env``, tuples/lists and + - * on them; anything else is ValueError."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name) and node.id in env:
        return env[node.id]
    if isinstance(node, (ast.Tuple, ast.List)):
        return type([])(_safe_eval(e, env) for e in node.elts) if isinstance(node, ast.List) \
            else tuple(_safe_eval(e, env) for e in node.elts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_safe_eval(node.operand, env)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
        left, right = _safe_eval(node.left, env), _safe_eval(node.right, env)
        return {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
                ast.Mult: lambda a, b: a * b}[type(node.op)](left, right)
    raise ValueError(ast.dump(node))


def _widget_calls(source: str, env: dict) -> list:
    """``[(class name, args, kwargs)]`` for each kit widget constructed in a cell, in source order."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name in WIDGET_CLASSES:
                try:
                    args = [_safe_eval(a, env) for a in node.args]
                    kwargs = {k.arg: _safe_eval(k.value, env) for k in node.keywords if k.arg}
                except ValueError:
                    args, kwargs = None, None
                calls.append((node.lineno, node.col_offset, name, args, kwargs))
    return [c[2:] for c in sorted(calls)]


def _widget_picture(name: str, args, kwargs):
    """(png bytes, alt) of a kit widget built with these arguments, or None if it has no chart."""
    import importlib

    if args is None:
        return None
    obj = getattr(importlib.import_module(WIDGET_CLASSES[name]), name)(*args, **kwargs)
    image = getattr(obj, "image", None)
    if image is None or not getattr(image, "value", b""):
        return None
    alt = getattr(obj, "alt", "") or getattr(image, "tooltip", "") or ""
    return bytes(image.value), str(alt)


def _img_output(src: str, alt: str, note: str = "") -> dict:
    caption = f"<figcaption>{note}</figcaption>" if note else ""
    markup = (f'<figure class="casekit-figure"><img src="{html.escape(src, quote=True)}" '
              f'alt="{html.escape(alt, quote=True)}" loading="lazy">{caption}</figure>')
    return {"output_type": "display_data", "metadata": {},
            "data": {"text/html": markup, "text/plain": alt or "figure"}}


def static_widget_outputs(nb: dict, name: str, figdir: Path, rel_static: str, log=print) -> dict:
    """Rewrite a notebook (in place) for a static page and write its pictures to ``figdir``.

    * A widget view becomes a static picture of the same kit widget (built here from the cell's call)
      with the widget's chart description as alt text, or a note when it has no chart.
    * A PNG output with alt text in its metadata becomes an ``<img alt=...>`` (MyST-NB drops
      metadata alt text), its file written to ``figdir``.
    """
    cells = nb.get("cells", [])
    for c_index, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        outputs = cell.get("outputs", [])
        if not outputs:
            continue
        calls = None
        widget_n = 0
        new = []
        for o_index, out in enumerate(outputs):
            data = out.get("data", {})
            stem = f"{name}-c{c_index}-o{o_index}"
            if WIDGET_VIEW in data:
                if calls is None:
                    calls = _widget_calls("".join(cell.get("source", "")), _constants(cells[:c_index]))
                picture = None
                if widget_n < len(calls):
                    try:
                        picture = _widget_picture(*calls[widget_n])
                    except Exception as exc:  # noqa: BLE001 - a lab that cannot be built is reported, not fatal
                        log(f"site: {name} cell {c_index}: could not build {calls[widget_n][0]} "
                            f"for a static picture ({type(exc).__name__}: {exc})")
                widget_n += 1
                if picture:
                    (figdir / f"{stem}.png").write_bytes(picture[0])
                    new.append(_img_output(f"{rel_static}/{stem}.png", picture[1], LIVE_NOTE))
                else:
                    new.append({"output_type": "display_data", "metadata": {}, "data": {
                        "text/html": f'<p class="casekit-live-only">{LIVE_NOTE.replace("Static picture of the interactive lab at its opening settings. ", "An interactive panel that needs a live kernel. ")}</p>',
                        "text/plain": "interactive panel"}})
                continue
            alt = ((out.get("metadata") or {}).get("image/png") or {}).get("alt")
            if "image/png" in data and alt:
                png = data["image/png"]
                png = "".join(png) if isinstance(png, list) else png
                (figdir / f"{stem}.png").write_bytes(base64.b64decode(png))
                new.append(_img_output(f"{rel_static}/{stem}.png", alt))
                continue
            new.append(out)
        cell["outputs"] = new
    nb.get("metadata", {}).pop("widgets", None)
    return nb


PREDICT_NOTE = ("```{caution}\nThe prediction step starts here. On this static page the record of what "
                "happened follows below: if you are working the case, record your prediction in the notebook "
                "(or on paper) before you read on.\n```\n")


def _mark_prediction_step(nb: dict) -> None:
    """Insert a caution before the cell tagged ``predict-step``: on a static page the outcome is visible."""
    cells = nb.get("cells", [])
    for i, cell in enumerate(cells):
        if "predict-step" in (cell.get("metadata", {}).get("tags") or []):
            cells.insert(i, {"cell_type": "markdown", "metadata": {}, "source": PREDICT_NOTE})
            return


# --------------------------------------------------------------------------------------------
# pages


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _figure_markup(fig: handouts.Figure, number: int, src: str) -> str:
    sources = (f" Sources (ids in data/sources.csv): {html.escape(', '.join(fig.sources))}." if fig.sources else "")
    return (f'\n<figure class="casekit-figure" id="figure-{number}"><img src="{html.escape(src, quote=True)}" '
            f'alt="{html.escape(fig.alt, quote=True)}" loading="lazy"><figcaption><strong>Figure {number}.'
            f'</strong> {html.escape(fig.caption)}<span class="casekit-figure-sources">{sources}</span>'
            f'</figcaption></figure>\n\n')


def _case_page(slug: str, static: Path, notebook: str | None) -> str:
    case = casefile.load(slug)
    figures = handouts.case_figures(slug, case)
    body = casefile.render(case, with_front_matter=False, with_references=False)
    out, n = [f"({slug}-case)=\n", casefile.render_front_matter(case), "\n"], 0
    if notebook:
        out.append(f"*Work through the case in its notebook: [{notebook}](../{notebook}).*\n\n")
    for heading, text in handouts._split_h2(body):
        out.append(text.rstrip() + "\n\n")
        for fig in (f for f in figures if f.section == heading):
            n += 1
            (static / f"{slug}-figure-{n}.png").write_bytes(fig.png)
            out.append(_figure_markup(fig, n, f"../_static/casefigs/{slug}-figure-{n}.png"))
    out.append(casefile.references(case) + "\n")
    if (paths.CASES / slug / "epilogue.md").exists():
        out.append(f"\n---\n\nWhat happened next is in the [epilogue]({slug}-epilogue.md): read it only after "
                   "you have recorded your prediction.\n")
    return "".join(out)


def _epilogue_page(slug: str) -> str:
    epi = casefile.load_epilogue(slug)
    return (f"({slug}-epilogue)=\n"
            + "```{warning}\nThe epilogue tells what was decided and what followed. Read it only after the "
            "prediction step of the case notebook (or after the seminar's vote).\n```\n\n"
            + casefile.render(epi)
            + f"\n\nBack to the [A case]({slug}.md).\n")


def _instructor_page(slug: str, path: Path) -> str:
    doc = handouts.instructor_doc(slug, path)
    body = casefile.render(doc, with_front_matter=False, with_references=False)
    refs = casefile.references(doc, heading="Notes") if casefile.note_numbers(doc) else ""
    warn = ("```{admonition} For instructors\n:class: caution\nInstructor material: it discusses what "
            "happened after the decision. Not for students before the seminar.\n```\n\n")
    # the H1 must come first so Sphinx takes it as the page title
    m = re.match(r"\s*(# [^\n]+\n)", body)
    return (m.group(1) + "\n" + warn + body[m.end():] if m else warn + body) + "\n" + refs


def _split_data_readme(text: str) -> tuple[str, str]:
    """``data/README.md`` as (data dictionary, coverage) pages."""
    m = re.search(r"^## Coverage[ \t]*$", text, re.M)
    if not m:
        return text, "# Coverage\n\nThe data README has no Coverage section.\n"
    nxt = re.search(r"^## ", text[m.end():], re.M)
    coverage = text[m.start(): m.end() + nxt.start()] if nxt else text[m.start():]
    rest = text[: m.start()] + (text[m.end() + nxt.start():] if nxt else "")
    coverage = "# Coverage of the data\n" + coverage[len("## Coverage"):]
    rest = re.sub(r"\A# [^\n]*\n", "# Data dictionary\n", rest, count=1)
    return rest, coverage


def _notebook_title(nb: dict, fallback: str) -> str:
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            m = re.search(r"^#\s+(.+)$", "".join(cell.get("source", "")), re.M)
            if m:
                return m.group(1).strip()
    return fallback


def _start_page(slugs, notebooks, have_epilogue, instructor: bool = True) -> str:
    lines = [
        "# casekit: case studies on U.S. security assistance",
        "",
        "A teaching kit built on Rand and Tankel's report *Security Cooperation & Assistance: Rethinking the "
        "Return on Investment* (CNAS, 2015). Each case stops at a dated decision; learners predict before "
        "they see what happened. This site is a read-only copy of the kit: the notebooks are shown with "
        "their stored outputs, and each interactive lab as a picture of its opening settings. To use the "
        "labs, run the kit (`make lab`) or show a notebook in app mode (`make present`).",
        "",
        "## Cases",
        "",
        "| case | the A case | after the prediction step |",
        "|---|---|---|",
    ]
    for slug, title in slugs:
        epi = f"[epilogue](cases/{slug}-epilogue.md)" if slug in have_epilogue else "(not written yet)"
        lines.append(f"| {title} | [read the case](cases/{slug}.md) | {epi} |")
    lines += ["", "## Notebooks", ""]
    built = {i.path: i for i in kitmap.ITEMS}
    for rel, title in notebooks:
        blurb = built[rel].blurb if rel in built else ""
        lines.append(f"- [{title}]({rel})" + (f": {blurb}" if blurb else ""))
    lines += [
        "", "## Data", "",
        "- [Data dictionary](data/dictionary.md): every table and column, the chart rule and the sources policy",
        "- [Coverage](data/coverage.md): which country, program and fiscal year has a figure",
        "",
    ]
    if instructor:
        lines += [
            "## For instructors", "",
            "Teaching notes, role cards and the Foreign Service variant of each case are in a [separate "
            "section](instructor/index.md). They discuss what happened after each decision.", "",
        ]
    lines += [
        "```{toctree}\n:hidden:\n:caption: Cases\n\n" + "\n".join(
            f"cases/{s}" + (f"\ncases/{s}-epilogue" if s in have_epilogue else "") for s, _ in slugs) + "\n```",
        "",
        "```{toctree}\n:hidden:\n:caption: Notebooks\n\n" + "\n".join(rel[:-6] for rel, _ in notebooks) + "\n```",
        "",
        "```{toctree}\n:hidden:\n:caption: Data\n\ndata/dictionary\ndata/coverage\n```",
        "",
    ]
    if instructor:
        lines += ["```{toctree}\n:hidden:\n:caption: For instructors\n\ninstructor/index\n```", ""]
    return "\n".join(lines)


def stage(src: Path, log=print, instructor: bool = True) -> Path:
    """Write the Sphinx source tree of the site into ``src`` (emptied first). ``instructor=False``
    leaves the instructor section out (a copy to publish for students)."""
    src = Path(src)
    if src.exists():
        shutil.rmtree(src)
    static = src / "_static"
    (static / "casefigs").mkdir(parents=True)
    (static / "nbfigs").mkdir(parents=True)
    shutil.copy(TEMPLATES / "conf.py", src / "conf.py")
    shutil.copy(TEMPLATES / "casekit.css", static / "casekit.css")
    mathjax = _mathjax_file()
    (static / "mathjax").mkdir()
    shutil.copy(mathjax, static / "mathjax" / "tex-svg.js")
    shutil.copy(mathjax.parent.parent / "LICENSE", static / "mathjax" / "LICENSE")

    # notebooks, rendered from their stored outputs
    notebooks = []
    work = tempfile.mkdtemp(prefix="casekit-site-")
    old_env = {k: os.environ.get(k) for k in ("CASEKIT_WORK_DIR", "CASEKIT_LEARNER", "MPLBACKEND")}
    os.environ.update(CASEKIT_WORK_DIR=work, CASEKIT_LEARNER="site", MPLBACKEND="Agg")
    try:
        for folder in ("notebooks", "exercises"):
            for path in sorted((paths.ROOT / folder).glob("*.ipynb")):
                nb = json.loads(path.read_text(encoding="utf-8"))
                static_widget_outputs(nb, path.stem, static / "nbfigs", "../_static/nbfigs", log)
                _mark_prediction_step(nb)
                _write(src / folder / path.name, json.dumps(nb, ensure_ascii=False, indent=1))
                notebooks.append((f"{folder}/{path.name}", _notebook_title(nb, path.stem)))
    finally:
        for k, v in old_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        shutil.rmtree(work, ignore_errors=True)

    # cases and epilogues
    slugs, have_epilogue = [], set()
    for slug in casefile.case_slugs():
        nb = handouts.case_notebook(slug)
        rel_nb = f"notebooks/{nb.name}" if nb else None
        _write(src / "cases" / f"{slug}.md", _case_page(slug, static / "casefigs", rel_nb))
        if (paths.CASES / slug / "epilogue.md").exists():
            _write(src / "cases" / f"{slug}-epilogue.md", _epilogue_page(slug))
            have_epilogue.add(slug)
        slugs.append((slug, casefile.load(slug).title))

    # data dictionary and coverage
    dictionary, coverage = _split_data_readme((paths.DATA / "README.md").read_text(encoding="utf-8"))
    _write(src / "data" / "dictionary.md", dictionary)
    _write(src / "data" / "coverage.md", coverage)

    # instructor section
    entries = []
    for slug, title in (slugs if instructor else []):
        files = handouts.instructor_files(slug)
        for part_title, path in files:
            _write(src / "instructor" / slug / path.name, _instructor_page(slug, path))
            entries.append((slug, title, part_title, f"{slug}/{path.stem}"))
    index = ["# For instructors", "",
             "```{admonition} Instructor material\n:class: caution\nThese pages discuss what happened after "
             "each case's decision and suggest answers. Keep them from students until the seminar.\n```", ""]
    for slug, title in slugs:
        mine = [e for e in entries if e[0] == slug]
        if mine:
            index += [f"## {title}", ""] + [f"- [{p}]({doc}.md)" for _, _, p, doc in mine] + [""]
    index += ["```{toctree}\n:hidden:\n\n" + "\n".join(e[3] for e in entries) + "\n```", ""]
    if instructor:
        _write(src / "instructor" / "index.md", "\n".join(index))

    _write(src / "index.md", _start_page(slugs, notebooks, have_epilogue, instructor))
    return src


def _mathjax_file() -> Path:
    """MathJax 3's single-file TeX-to-SVG bundle from the django-static-mathjax package."""
    try:
        import mathjax
    except ImportError:
        raise SiteError("make site needs the [docs] extra (django-static-mathjax provides MathJax); run: make site") from None
    path = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5" / "tex-svg.js"
    if not path.exists():
        raise SiteError(f"MathJax bundle not found at {path}")
    return path


# --------------------------------------------------------------------------------------------
# build and link check


def build(out: Path | str | None = None, src: Path | str | None = None, log=print,
          instructor: bool = True) -> Path:
    """Stage and build the site; returns ``out`` (default ``build/site``; ``build/site-students`` without
    the instructor section). Raises SiteError on a failed build or a broken internal link."""
    out = Path(out) if out else paths.ROOT / "build" / ("site" if instructor else "site-students")
    src = Path(src) if src else out.parent / (out.name + "-src")
    stage(src, log, instructor)
    if out.exists():
        shutil.rmtree(out)
    warnings = src.parent / (src.name + "-warnings.txt")
    from sphinx.cmd.build import build_main

    code = build_main(["-b", "html", "-q", "-E", "-j", "1", "-w", str(warnings), str(src), str(out)])
    if code != 0:
        raise SiteError(f"sphinx-build failed (exit {code}); see {warnings}")
    report = check_links(out)
    log(f"site: {report.pages} pages in {out}; {report.internal} internal links checked, "
        f"{report.external} external links (not fetched)")
    if report.problems:
        raise SiteError(f"{len(report.problems)} link problem(s) in {out}: " + "; ".join(report.problems[:10]))
    return out


@dataclass
class LinkReport:
    pages: int = 0
    internal: int = 0
    external: int = 0
    problems: list = field(default_factory=list)


class _Links(HTMLParser):
    """Every id in a page, and every link or loaded resource (tag, attribute, url)."""

    LOADS = {("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"), ("source", "src"),
             ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data")}

    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key) and (key == "id" or tag == "a"):
                self.ids.add(a[key])
        if tag == "a" and a.get("href") is not None:
            self.links.append(("a", "href", a["href"], a))
        for t, attr in self.LOADS:
            if tag == t and a.get(attr):
                self.links.append((tag, attr, a[attr], a))


def check_links(site: Path | str) -> LinkReport:
    """Check a built site: internal links and anchors resolve; external links are counted, never
    fetched; any script, stylesheet, image or frame from another host is a problem."""
    site = Path(site)
    report = LinkReport()
    parsed = {}
    for page in sorted(site.rglob("*.html")):
        if "_static" in page.relative_to(site).parts:  # theme template fragments, not pages
            continue
        p = _Links()
        p.feed(page.read_text(encoding="utf-8", errors="replace"))
        parsed[page.resolve()] = p
    report.pages = len(parsed)
    for page, p in parsed.items():
        rel_page = page.relative_to(site.resolve())
        for tag, attr, url, attrs in p.links:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") or url.startswith("//"):
                if tag == "a":
                    report.external += 1
                elif tag == "link" and "stylesheet" not in (attrs.get("rel") or "") and \
                        attrs.get("rel") not in ("preload", "modulepreload"):
                    report.external += 1  # e.g. rel=canonical: not loaded
                else:
                    report.problems.append(f"{rel_page}: <{tag} {attr}> loads {url} from another host")
                continue
            if parts.scheme in ("mailto", "data", "javascript", "tel"):
                continue
            if parts.scheme:
                report.problems.append(f"{rel_page}: unexpected URL scheme in {url}")
                continue
            report.internal += 1
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if parts.path.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.exists():
                report.problems.append(f"{rel_page}: {url} -> missing file")
                continue
            frag = unquote(parts.fragment)
            if frag and target.suffix == ".html" and "_static" not in target.parts and "_sources" not in target.parts:
                ids = parsed.get(target)
                if ids is not None and frag not in ids.ids:
                    report.problems.append(f"{rel_page}: {url} -> no anchor #{frag}")
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Build the kit's static website (offline).")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default build/site)")
    parser.add_argument("--students", action="store_true",
                        help="leave out the instructor section (default folder build/site-students)")
    args = parser.parse_args(argv)
    try:
        out = build(args.out, instructor=not args.students)
    except (CaseError, FactError, SiteError, handouts.HandoutError, InputError) as exc:
        print(f"make site: {exc}", file=sys.stderr)
        return 1
    except ImportError as exc:
        print(f"make site needs the [docs] extra ({exc}); run: make site", file=sys.stderr)
        return 1
    print(f"open {out / 'index.html'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
