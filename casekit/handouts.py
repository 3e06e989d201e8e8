"""Printable case packs: ``make handouts`` -> ``build/handouts/``.

For every case folder with a ``case.md`` this writes

* ``<slug>-student.pdf`` and ``<slug>-student.html``: the A case only. A title page (decision,
  learning objectives, pre-reading, time estimates), the body with every figure filled in, the case's
  charts as numbered figures with captions and alt text, the glossary and the references as
  endnotes. No epilogue and no instructor material.
* ``<slug>-instructor.pdf``: a cover page marking it for instructors, then the A case, the epilogue,
  the teaching note, the role cards and the FSO variant, each with its own endnotes.

Text comes from :mod:`casekit.casefile` (placeholders, numbered citations and reference lists are
rendered there, never here). The charts are the PNG outputs stored in the case notebook *before its
``predict-step`` cell*, so the handout shows exactly the evidence a learner sees before predicting,
cut at the decision date, with the alt text the notebook gives each chart.

PDFs are made with WeasyPrint from one self-contained HTML file per pack (images as ``data:`` URIs,
the stylesheet inlined): no LaTeX, fonts (DejaVu) embedded, page numbers and running titles, tagged
PDF (``pdf/ua-1``: structure tree, language, figure alt text). Nothing is fetched except ``data:``
and ``file:`` URLs, and no date is written into a PDF, so two builds give identical bytes.

Paper: A4 by default; ``--paper letter`` builds US Letter files (``<slug>-student-letter.pdf`` ...).
The margins leave the text block narrow and short enough for both, so either file prints readably on
the other paper at "fit to page".

Usage::

    python -m casekit.handouts [--out build/handouts] [--paper a4|letter] [slug ...]
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from . import casefile, paths
from .facts import CaseError, FactError
from .validate import InputError

__all__ = [
    "Figure",
    "PAPERS",
    "case_notebook",
    "case_figures",
    "markdown_html",
    "student_html",
    "instructor_html",
    "instructor_files",
    "instructor_doc",
    "write_pdf",
    "build",
    "main",
]

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: paper name -> CSS page size
PAPERS = {"a4": "A4", "letter": "letter"}
#: instructor files, in the order of the pack, with their part titles
INSTRUCTOR_PARTS = (
    ("teaching_note.md", "Teaching note"),
    ("role_cards.md", "Role cards"),
    ("fso_variant.md", "FSO training-rotation variant"),
)
FONT_FAMILIES = ("DejaVu Serif", "DejaVu Sans")


class HandoutError(RuntimeError):
    """Something a kit author has to fix (the message names the file)."""


# --------------------------------------------------------------------------------------------
# Markdown -> HTML


def markdown_html(text: str) -> str:
    """CommonMark (with tables and inline HTML, which the kit's ``md_safe`` dollar spans need) to HTML."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable("table")
    return md.render(text)


_TAG_SPLIT = re.compile(r"(<[^>]+>)")
_MARKER_RE = re.compile(r"\[(\d+(?:, [^\[\]]*?)?(?:; \d+(?:, [^\[\]]*?)?)*)\]")
_REF_ITEM_RE = re.compile(r"<li>\[(\d+)\] ")


def _link_notes(body: str, refs: str, prefix: str) -> tuple[str, str]:
    """Turn endnote markers ``[3]``/``[3, p. 17]``/``[2; 5]`` into links to the numbered reference list.

    Only numbers that the reference list has are linked; text inside ``<a>``/``<code>`` is left alone.
    """
    numbers = set(_REF_ITEM_RE.findall(refs))
    refs = _REF_ITEM_RE.sub(lambda m: f'<li id="{prefix}note-{m.group(1)}"><span class="note-number">'
                                      f'[{m.group(1)}]</span> ', refs)

    def one(m):
        items = []
        for item in m.group(1).split("; "):
            n, _, loc = item.partition(", ")
            if n not in numbers:
                return m.group(0)
            link = f'<a class="note" href="#{prefix}note-{n}">{n}</a>'
            items.append(f"{link}, {loc}" if loc else link)
        return "[" + "; ".join(items) + "]"

    out, skip = [], 0
    for piece in _TAG_SPLIT.split(body):
        if piece.startswith("<"):
            tag = piece[1:].split()[0].rstrip(">").lower() if len(piece) > 2 else ""
            if tag in ("a", "code", "pre"):
                skip += 1
            elif tag in ("/a", "/code", "/pre"):
                skip = max(0, skip - 1)
            out.append(piece)
        elif skip:
            out.append(piece)
        else:
            out.append(_MARKER_RE.sub(one, piece))
    return "".join(out), refs


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def _heading_ids(body: str, prefix: str) -> str:
    """Give every h1-h3 an id (``prefix`` + slug), so the contents and bookmarks can link to it."""
    seen: dict = {}

    def sub(m):
        text = re.sub(r"<[^>]+>", "", m.group(3))
        base = prefix + _slugify(html.unescape(text))
        seen[base] = seen.get(base, 0) + 1
        ident = base if seen[base] == 1 else f"{base}-{seen[base]}"
        return f'<{m.group(1)}{m.group(2)} id="{ident}">{m.group(3)}</{m.group(1)}>'

    return re.sub(r"<(h[1-3])((?: [^>]*)?)>(.*?)</\1>", sub, body, flags=re.S)


# --------------------------------------------------------------------------------------------
# charts from the case notebook


@dataclass
class Figure:
    """One chart of the case notebook's pre-prediction evidence."""

    section: str  # the A-case section the notebook shows it after
    png: bytes
    alt: str
    sources: list = field(default_factory=list)  # source ids of the rows its table prints

    @property
    def caption(self) -> str:
        """The alt text's first sentence, up to a colon (alt texts open with what the chart shows)."""
        first = re.split(r"(?<=[a-z0-9)])\.\s+(?=[A-Z])", self.alt.strip(), maxsplit=1)[0]
        first = first.split(": ", 1)[0].rstrip(" .")
        return first + "."


def case_notebook(slug: str) -> Path | None:
    """The case's notebook ``notebooks/1N_<slug>.ipynb`` (None when there is none)."""
    found = sorted(paths.NOTEBOOKS.glob(f"[0-9][0-9]_{slug}.ipynb"))
    return found[0] if found else None


class _TableSources(HTMLParser):
    """Collect the cells of the column headed "Source" in an HTML table."""

    def __init__(self):
        super().__init__()
        self.headers, self.rows, self._cell, self._row, self._in = [], [], [], None, None

    def handle_starttag(self, tag, attrs):
        if tag in ("th", "td"):
            self._in, self._cell = tag, []
        elif tag == "tr":
            self._row = []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._in:
            text = "".join(self._cell).strip()
            (self.headers.append(text) if tag == "th" else self._row.append(text))
            self._in = None
        elif tag == "tr" and self._row:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._in:
            self._cell.append(data)

    def sources(self) -> list:
        if "Source" not in self.headers:
            return []
        i = self.headers.index("Source")
        ids = []
        for row in self.rows:
            if i < len(row):
                ids.extend(s.strip() for s in re.split(r"[;,]", row[i]) if s.strip())
        return list(dict.fromkeys(ids))


_IMG_HTML_RE = re.compile(r'<img\b[^>]*>', re.S)


def _img_from_html(text: str):
    """(png bytes, alt) of the first ``<img alt=... src="data:image/png;base64,...">`` in ``text``."""
    for tag in _IMG_HTML_RE.findall(text):
        src = re.search(r'src="data:image/png;base64,([^"]+)"', tag)
        alt = re.search(r'alt="([^"]*)"', tag)
        if src:
            return base64.b64decode(src.group(1)), html.unescape(alt.group(1)) if alt else ""
    return None


def case_figures(slug: str, case: casefile.Case | None = None) -> list[Figure]:
    """The charts stored in the case notebook before its ``predict-step`` cell, in order.

    Each is attached to the A-case section displayed last before it (the notebook shows a section,
    then its evidence). A notebook without stored outputs gives no figures.
    """
    nb_path = case_notebook(slug)
    if nb_path is None:
        return []
    case = case or casefile.load(slug)
    headings = list(case.sections)
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    current, figures = headings[0] if headings else "", []
    for cell in nb.get("cells", []):
        if "predict-step" in (cell.get("metadata", {}).get("tags") or []):
            break
        if cell.get("cell_type") != "code":
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            md = "".join(data.get("text/markdown", "")) if "text/markdown" in data else ""
            for line in md.splitlines():
                m = re.match(r"^##\s+(.+?)\s*$", line)
                if m and m.group(1) in headings:
                    current = m.group(1)
            found = None
            if "image/png" in data:
                png = data["image/png"]
                png = "".join(png) if isinstance(png, list) else png
                alt = (out.get("metadata", {}).get("image/png") or {}).get("alt", "")
                found = (base64.b64decode(png), alt)
            elif "text/html" in data and "<img" in "".join(data["text/html"]):
                found = _img_from_html("".join(data["text/html"]))
            if found:
                if not found[1]:
                    raise HandoutError(f"{nb_path.relative_to(paths.ROOT)}: a chart before the predict-step "
                                       "cell has no alt text (charts.show(..., alt=...))")
                figures.append(Figure(current, found[0], found[1]))
            elif "text/html" in data and "<table" in "".join(data["text/html"]) and figures \
                    and not figures[-1].sources and figures[-1].section == current:
                parser = _TableSources()
                parser.feed("".join(data["text/html"]))
                figures[-1].sources = parser.sources()
    return figures


def _figure_html(fig: Figure, number: int) -> str:
    src = "data:image/png;base64," + base64.b64encode(fig.png).decode("ascii")
    sources = ""
    if fig.sources:
        sources = (f'<span class="figure-sources">Sources (ids in the kit\'s data/sources.csv): '
                   f'{html.escape(", ".join(fig.sources))}.</span>')
    else:
        sources = '<span class="figure-sources">Drawn from the kit\'s data tables; the case notebook ' \
                  'prints the numbers with their sources.</span>'
    return (f'<figure class="chart" id="figure-{number}">'
            f'<img src="{src}" alt="{html.escape(fig.alt, quote=True)}">'
            f'<figcaption><strong>Figure {number}.</strong> {html.escape(fig.caption)} {sources}'
            f'</figcaption></figure>\n')


# --------------------------------------------------------------------------------------------
# the packs


def _split_h2(md: str) -> list[tuple[str, str]]:
    """Rendered Markdown split at level-2 headings: ``[(heading or "", chunk with its heading)]``."""
    parts, last, heading = [], 0, ""
    for m in re.finditer(r"^##[ \t]+(.+?)[ \t]*$", md, re.M):
        parts.append((heading, md[last:m.start()]))
        heading, last = m.group(1).strip(), m.start()
    parts.append((heading, md[last:]))
    return [(h, t) for h, t in parts if t.strip()]


_GLOSSARY_MARK = "**Glossary of programs, offices and terms.**"


def _a_case_parts(case: casefile.Case, figures: list[Figure], prefix: str) -> dict:
    """HTML pieces of an A case: ``front`` (title page), ``body`` (with figures), ``glossary``, ``refs``."""
    front_md = casefile.render_front_matter(case)
    glossary_md = ""
    if _GLOSSARY_MARK in front_md:
        front_md, glossary_md = front_md.split(_GLOSSARY_MARK, 1)
        glossary_md = "## Glossary\n\n" + glossary_md.strip() + "\n"
    body_md = casefile.render(case, with_front_matter=False, with_references=False)
    chunks, n = [], 0
    for heading, text in _split_h2(body_md):
        chunks.append(markdown_html(text))
        for fig in (f for f in figures if f.section == heading):
            n += 1
            chunks.append(_figure_html(fig, n))
    placed = sum(1 for f in figures if f.section in dict(_split_h2(body_md)))
    if placed != len(figures):
        raise HandoutError(f"cases/{case.slug}: {len(figures) - placed} chart(s) follow no A-case section")
    raw_refs = markdown_html(casefile.references(case, heading="Notes"))
    body, refs = _link_notes("".join(chunks), raw_refs, prefix)
    front, _ = _link_notes(markdown_html(front_md), raw_refs, prefix)
    glossary, _ = _link_notes(markdown_html(glossary_md), raw_refs, prefix) if glossary_md else ("", "")
    return {"front": front, "body": _heading_ids(body, prefix), "glossary": _heading_ids(glossary, prefix),
            "refs": _heading_ids(refs, prefix)}


def _doc_parts(doc: casefile.Case, prefix: str, notes_heading: str) -> tuple[str, str]:
    """Body and endnotes (HTML) of an epilogue or instructor file rendered by casefile."""
    body_md = casefile.render(doc, with_front_matter=doc.kind == "epilogue", with_references=False)
    body = markdown_html(body_md)
    refs = ""
    if casefile.note_numbers(doc):
        refs = markdown_html(casefile.references(doc, heading=notes_heading))
        body, refs = _link_notes(body, refs, prefix)
    return _heading_ids(body, prefix), _heading_ids(refs, prefix)


def instructor_files(slug: str) -> list[tuple[str, Path]]:
    """``[(part title, path)]`` of the instructor files that exist for ``slug``, in pack order."""
    folder = paths.ROOT / "instructor" / slug
    return [(title, folder / name) for name, title in INSTRUCTOR_PARTS if (folder / name).exists()]


class _InstructorFile(casefile.Case):
    """An instructor file (no front matter) that casefile renders like a case; errors name the file."""

    @property
    def filename(self) -> str:
        return f"instructor/{self.slug}/{self.path.name}" if self.path else f"instructor/{self.slug}"


def instructor_doc(slug: str, path: Path) -> casefile.Case:
    """An instructor file as a :class:`casekit.casefile.Case`, so that casefile renders its
    placeholders and citations exactly as it does a case's."""
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    return _InstructorFile(slug=slug, meta={}, body=text, path=path, kind="instructor")


def _css(paper: str) -> str:
    if paper not in PAPERS:
        raise HandoutError(f"paper must be one of {', '.join(PAPERS)}; got {paper!r}")
    css = (TEMPLATES / "handout.css").read_text(encoding="utf-8")
    return css.replace("/*PAGE-SIZE*/A4", PAPERS[paper])


def _page(title: str, running: str, edition: str, body: str, paper: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)}</title>\n"
        "<meta name=\"author\" content=\"casekit\">\n"
        "<meta name=\"generator\" content=\"casekit.handouts\">\n"
        f"<meta name=\"description\" content=\"{html.escape(edition, quote=True)}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<style>\n{_css(paper)}</style>\n</head>\n<body>\n"
        f"<div class=\"running-title\" aria-hidden=\"true\">{html.escape(running)}</div>\n"
        f"<div class=\"running-edition\" aria-hidden=\"true\">{html.escape(edition)}</div>\n"
        f"{body}</body>\n</html>\n"
    )


def _short_title(case: casefile.Case) -> str:
    title = case.title
    return title.split(":")[0].strip() if len(title) > 60 and ":" in title else title


def student_html(slug: str, paper: str = "a4") -> str:
    """The student pack of ``slug`` as one self-contained HTML document (A case only)."""
    case = casefile.load(slug)
    parts = _a_case_parts(case, case_figures(slug, case), prefix="")
    t = case.meta.get("estimated_time") or {}
    note = ("<p class=\"edition-note\">Student edition: the case as it stood at the decision. "
            "Read it before the seminar"
            + (f" (about {int(t['reading'])} minutes)" if t.get("reading") else "")
            + ". What happened next is not in this pack.</p>")
    body = (f"<section class=\"title-page\">{parts['front']}{note}</section>\n"
            f"<main class=\"case\">{parts['body']}</main>\n"
            f"<section class=\"glossary\">{parts['glossary']}</section>\n"
            f"<section class=\"endnotes\">{parts['refs']}</section>\n")
    return _page(case.title, _short_title(case), "Student edition", body, paper)


def instructor_html(slug: str, paper: str = "a4") -> str:
    """The instructor pack of ``slug``: cover, A case, epilogue, teaching note, role cards, FSO variant."""
    case = casefile.load(slug)
    a = _a_case_parts(case, case_figures(slug, case), prefix="a-")
    pieces = [("part-a-case", "A case (the student edition)",
               f"{a['front']}{a['body']}{a['glossary']}{a['refs']}")]
    if (paths.CASES / slug / "epilogue.md").exists():
        e_body, e_refs = _doc_parts(casefile.load_epilogue(slug), "b-", "Notes to the epilogue")
    else:  # a case still being written: say so in the pack rather than leave the part out silently
        e_body, e_refs = (f"<p class=\"missing\">No epilogue yet: <code>cases/{html.escape(slug)}/epilogue.md</code> "
                          "does not exist.</p>"), ""
    pieces.append(("part-epilogue", "B case: the epilogue", e_body + e_refs))
    for i, (title, path) in enumerate(instructor_files(slug)):
        body, refs = _doc_parts(instructor_doc(slug, path), f"i{i}-", f"Notes to the {title.lower()}")
        pieces.append((f"part-{_slugify(title)}", title, body + refs))
    contents = "".join(f'<li><a href="#{pid}">{html.escape(title)}</a></li>' for pid, title, _ in pieces)
    cover = (
        "<section class=\"cover\">"
        "<p class=\"cover-mark\">For instructors only</p>"
        f"<h1 class=\"cover-title\">{html.escape(case.title)}</h1>"
        "<p class=\"cover-warning\">Instructor pack. It contains the epilogue (what was decided and what "
        "followed), the teaching note with likely answers, the role cards and the FSO variant. Do not "
        "hand it to students before the seminar: give them the student edition.</p>"
        f"<nav class=\"contents\" aria-label=\"Contents\"><h2>Contents</h2><ol>{contents}</ol></nav>"
        "</section>\n"
    )
    parts_html = "".join(
        f'<section class="part" id="{pid}"><p class="part-label">{html.escape(title)}</p>{body}</section>\n'
        for pid, title, body in pieces)
    return _page(f"{case.title} (instructor pack)", _short_title(case), "For instructors only",
                 cover + parts_html, paper)


# --------------------------------------------------------------------------------------------
# PDF


def _fetcher():
    """A WeasyPrint URL fetcher that refuses everything but ``data:`` and ``file:`` URLs."""
    from weasyprint import URLFetcher

    return URLFetcher(allowed_protocols={"data", "file"}, timeout=5)


def write_pdf(document: str, path: Path) -> Path:
    """Write one HTML document (from :func:`student_html`/:func:`instructor_html`) as a tagged PDF."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    HTML(string=document, base_url=str(TEMPLATES) + "/", url_fetcher=_fetcher()).write_pdf(
        path, pdf_variant="pdf/ua-1", pdf_tags=True)
    return path


def build(out: Path | str | None = None, slugs=None, paper: str = "a4", log=print) -> list[Path]:
    """Build every pack (or those of ``slugs``) into ``out`` (default ``build/handouts``)."""
    out = Path(out) if out else paths.ROOT / "build" / "handouts"
    slugs = list(slugs) if slugs else casefile.case_slugs()
    if paper not in PAPERS:
        raise HandoutError(f"paper must be one of {', '.join(PAPERS)}; got {paper!r}")
    suffix = "" if paper == "a4" else f"-{paper}"
    written = []
    out.mkdir(parents=True, exist_ok=True)
    for slug in slugs:
        student = student_html(slug, paper)
        html_path = out / f"{slug}-student{suffix}.html"
        html_path.write_text(student, encoding="utf-8")
        written += [html_path, write_pdf(student, out / f"{slug}-student{suffix}.pdf")]
        written.append(write_pdf(instructor_html(slug, paper), out / f"{slug}-instructor{suffix}.pdf"))
        missing = [name for name in ["epilogue.md"] if not (paths.CASES / slug / name).exists()]
        missing += [f"instructor/{slug}/{name}" for name, _ in INSTRUCTOR_PARTS
                    if not (paths.ROOT / "instructor" / slug / name).exists()]
        if missing:
            log(f"{slug}: warning: the instructor pack lacks {', '.join(missing)} (not written yet)")
        log(f"{slug}: " + ", ".join(p.name for p in written[-3:]))
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Build the printable case packs (student and instructor).")
    parser.add_argument("slugs", nargs="*", help="case slugs (default: every case with a case.md)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default build/handouts)")
    parser.add_argument("--paper", default="a4", help="a4 (default) or letter")
    args = parser.parse_args(argv)
    try:
        paths_written = build(args.out, args.slugs, args.paper)
    except (CaseError, FactError, HandoutError, InputError) as exc:
        print(f"make handouts: {exc}", file=sys.stderr)
        return 1
    except ImportError as exc:
        print(f"make handouts needs the [docs] extra ({exc}); run: make handouts", file=sys.stderr)
        return 1
    print(f"{len(paths_written)} files in {(args.out or paths.ROOT / 'build' / 'handouts')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
