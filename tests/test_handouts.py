"""The printable case packs (casekit.handouts, ``make handouts``).

These tests build real PDFs with WeasyPrint and read them back with pypdf. They need the [docs]
extra and take about half a minute of CPU, so they run in ``make test-docs`` (which installs the
extra and sets CASEKIT_DOCS_TESTS=1; .ci/run calls it), not in ``make test``.

What is checked against what:
* every figure a placeholder of the A case renders to (casekit's own rendering of the placeholder) is
  in the student PDF's text, and so are amounts typed here by hand from rows of data/assistance.csv;
* no ``{{`` in any pack; no paragraph of the epilogue or the teaching note in the student pack, while
  the instructor pack has them (so the check can fail);
* the charts are exactly the PNG outputs the case notebook stores before its predict-step cell (read
  here with json, not with the handout code), with the notebook's alt text in the HTML and in the PDF's
  structure tree;
* fonts embedded, tagged PDF with a language, page numbers and running titles, A4 and US Letter sizes;
* two builds in different folders give the same bytes (after removing any PDF date, should a future
  WeasyPrint write one).
"""

from __future__ import annotations

import base64
import html as htmllib
import json
import os
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.environ.get("CASEKIT_DOCS_TESTS") != "1",
                                reason="handout builds run in `make test-docs` (CASEKIT_DOCS_TESTS=1)")

ROOT = Path(__file__).resolve().parent.parent
SLUGS = sorted(p.parent.name for p in (ROOT / "cases").glob("*/case.md"))


def _norm(text: str) -> str:
    """Whitespace collapsed, soft hyphens removed, compounds broken at a line end rejoined, quotes straightened."""
    text = text.replace("\u00ad", "").replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"(\w)-[ \t]*\n\s*(\w)", r"\1-\2", text)  # a compound broken at a line end
    return re.sub(r"\s+", " ", text)


def _no_markers(text: str) -> str:
    """Text without endnote markers ([3], [2; 5], [3, p. 17]) and markdown emphasis, normalised."""
    text = re.sub(r"^[ \t]*(?:[-*+•]|\d+\.)[ \t]+", "", text, flags=re.M)  # list markers
    text = re.sub(r"\[[^\[\]]*\]", " ", text)
    text = re.sub(r"[*_`#>]", "", text)
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def packs(tmp_path_factory):
    from casekit import handouts

    out = tmp_path_factory.mktemp("handouts")
    handouts.build(out, SLUGS, log=lambda *_: None)
    return out


@pytest.fixture(scope="module")
def texts(packs):
    from pypdf import PdfReader

    from casekit import cases

    cache = {}
    for pdf in sorted(packs.glob("*.pdf")):
        reader = PdfReader(pdf)
        pages = [p.extract_text() or "" for p in reader.pages]
        title = cases.load(pdf.name.split("-")[0]).title
        short = title.split(":")[0].strip() if len(title) > 60 and ":" in title else title
        # the page margins (running title, edition, page number) sit between a page's last line and the
        # next page's first in the extracted text: drop them so a sentence that crosses a page reads whole
        margins = re.compile("|".join([re.escape(short), r"Student edition", r"For instructors only — [^\n]*",
                                       r"Page \d+ of \d+"]))
        body = [margins.sub(" ", p) if i else p for i, p in enumerate(pages)]
        cache[pdf.name] = {"pages": pages, "all": _norm("\n".join(body)), "reader": reader}
    return cache


def test_every_case_gets_its_three_files(packs):
    for slug in SLUGS:
        for name in (f"{slug}-student.pdf", f"{slug}-student.html", f"{slug}-instructor.pdf"):
            assert (packs / name).stat().st_size > 10_000, name


def test_student_pdf_holds_every_rendered_placeholder_and_no_raw_one(texts):
    from casekit import cases

    for slug in SLUGS:
        case = cases.load(slug)
        text = texts[f"{slug}-student.pdf"]["all"]
        rendered = {cases.evaluate(p.source).text for p in cases.placeholders(case.body)}
        assert rendered, f"{slug}: the A case has no placeholders?"
        missing = [r for r in rendered if _norm(r) not in text]
        assert not missing, f"{slug}: rendered figures missing from the student PDF: {missing[:5]}"
    for name, t in texts.items():
        assert "{{" not in t["all"] and "}}" not in t["all"], f"{name} has an unrendered placeholder"


# Amounts typed here by hand from rows of data/assistance.csv (the row is quoted), keyed by the
# placeholder that prints them. Authors may rephrase a case, so each is checked where its placeholder
# is in the A case; at least two must be.
TYPED = {
    # Egypt,2012,fiscal,military aid (FMF),FMF,security,program,full_year,,1300.0,...,CRS-RL33003-2013-02,true
    ("egypt", 'aid("Egypt", "FMF", 2012)'): r"\$1\.3 billion",
    # Egypt,2012,fiscal,economic aid (ESF),ESF,economic,program,full_year,,250.0,...,CRS-RL33003-2013-02,true
    ("egypt", 'aid("Egypt", "ESF", 2012)'): r"\$250 million (\[[^\]]*\] )?in FY2012",
    # Egypt,1989,fiscal,FMF,FMF,security,program,full_year,,1300.0,reported,appropriation,STAT-PL100-461,true
    ("egypt", 'aid("Egypt", "FMF", 1989)'): r"\$1\.3 billion",
    # Pakistan,2009,fiscal,FMF,FMF,security,program,full_year,,300.0,...,CRS-PAK-2014-03,true
    ("pakistan", 'aid("Pakistan", "FMF", 2009)'): r"\$300 million (\[[^\]]*\] )?in FY2009",
    # Pakistan,2010,fiscal,ESF,ESF,economic,program,full_year,,1292.0,...,CRS-PAK-2014-03,true
    ("pakistan", 'aid("Pakistan", "ESF", 2010)'): r"\$1\.292 billion (\[[^\]]*\] )?in FY2010",
}


def test_amounts_typed_from_the_data_file_are_printed(texts):
    checked = 0
    for (slug, placeholder), pattern in TYPED.items():
        if slug not in SLUGS:
            continue
        source = (ROOT / "cases" / slug / "case.md").read_text()
        if not re.search(r"\{\{\s*" + re.escape(placeholder), source):
            continue
        assert re.search(pattern, texts[f"{slug}-student.pdf"]["all"]), f"{slug}: {placeholder} -> /{pattern}/ not printed"
        checked += 1
    assert checked >= 2, "the typed amounts no longer appear in any case: type new ones from data/assistance.csv"


def _paragraphs(markdown: str) -> list[str]:
    """Prose paragraphs of rendered Markdown with at least 14 words, as their first 12 words."""
    out = []
    for block in re.split(r"\n\s*\n", markdown):
        if block.lstrip().startswith(("#", "|", "<!--", "- [")):
            continue
        words = _no_markers(block.replace("<span>&#36;</span>", "$")).split()
        if len(words) >= 14:
            out.append(" ".join(words[:12]))
    return out


def test_student_pack_has_no_epilogue_and_no_instructor_text(texts, packs):
    from casekit import cases

    checked = 0
    for slug in SLUGS:
        student = _no_markers(texts[f"{slug}-student.pdf"]["all"])
        student_html = _no_markers(re.sub(r"<[^>]+>", " ", (packs / f"{slug}-student.html").read_text()))
        instructor = _no_markers(texts[f"{slug}-instructor.pdf"]["all"])
        hidden = []
        if (ROOT / "cases" / slug / "epilogue.md").exists():
            hidden += _paragraphs(cases.render(cases.load_epilogue(slug)))
        for name in ("teaching_note.md", "role_cards.md", "fso_variant.md"):
            path = ROOT / "instructor" / slug / name
            if path.exists():
                hidden += _paragraphs(path.read_text())
        # text the instructor files share with the A case (e.g. the learning objectives) is not hidden
        a_case = _no_markers(cases.render(cases.load(slug)).replace("<span>&#36;</span>", "$"))
        hidden = [s for s in hidden if s not in a_case]
        for snippet in hidden:
            assert snippet not in student, f"{slug}: student PDF contains instructor/epilogue text: {snippet!r}"
            assert snippet not in student_html, f"{slug}: student HTML contains instructor/epilogue text: {snippet!r}"
        # the same snippets ARE found in the instructor pack (so the check above can fail)
        found = [s for s in hidden if s in instructor]
        assert len(found) >= 0.9 * len(hidden), f"{slug}: instructor pack lacks {len(hidden) - len(found)} paragraphs"
        checked += len(hidden)
        for heading in ("What followed", "How the episodes score", "Board plan", "Likely student responses"):
            assert heading not in texts[f"{slug}-student.pdf"]["all"]
    assert checked > 50


def test_instructor_pack_opens_with_a_cover_marked_for_instructors(texts):
    for slug in SLUGS:
        first = _norm(texts[f"{slug}-instructor.pdf"]["pages"][0])
        assert "For instructors only" in first or "FOR INSTRUCTORS ONLY" in first
        assert "Do not hand it to students" in first
        assert "For instructors only" not in texts[f"{slug}-student.pdf"]["all"]


def _notebook_charts(slug: str) -> list[tuple[str, str]]:
    """(base64 png, alt) of every image output before the predict-step cell, read straight from the file."""
    nb_paths = sorted((ROOT / "notebooks").glob(f"[0-9][0-9]_{slug}.ipynb"))
    if not nb_paths:
        return []
    nb = json.loads(nb_paths[0].read_text())
    found = []
    for cell in nb["cells"]:
        if "predict-step" in cell.get("metadata", {}).get("tags", []):
            return found
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            png = data.get("image/png")
            if png:  # a PNG output, alt text in its metadata
                png = "".join(png) if isinstance(png, list) else png
                found.append((png.replace("\n", ""), out.get("metadata", {}).get("image/png", {}).get("alt", "")))
                continue
            markup = "".join(data.get("text/html", ""))
            for tag in re.findall(r"<img\b[^>]*>", markup):  # an HTML <img alt=... src="data:...">
                src = re.search(r'src="data:image/png;base64,([^"]+)"', tag)
                alt = re.search(r'alt="([^"]*)"', tag)
                if src:
                    found.append((src.group(1), htmllib.unescape(alt.group(1)) if alt else ""))
    raise AssertionError(f"{slug}: notebook has no predict-step cell")


def _struct_alts(reader) -> list[str]:
    alts = []
    seen = set()

    def walk(node):
        node = node.get_object() if hasattr(node, "get_object") else node
        if id(node) in seen:
            return
        seen.add(id(node))
        if isinstance(node, dict):
            if "/Alt" in node:
                alts.append(str(node["/Alt"]))
            kids = node.get("/K")
            if kids is not None:
                for kid in (kids if isinstance(kids, list) else [kids]):
                    if hasattr(kid, "get_object") or isinstance(kid, (dict, list)):
                        walk(kid)
        elif isinstance(node, list):
            for kid in node:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return alts


def test_charts_are_the_notebooks_pre_prediction_evidence_with_alt_text(packs, texts):
    any_chart = False
    for slug in SLUGS:
        charts = _notebook_charts(slug)
        page = (packs / f"{slug}-student.html").read_text()
        imgs = re.findall(r'<img src="data:image/png;base64,([^"]+)" alt="([^"]*)">', page)
        assert len(imgs) == len(charts), f"{slug}: {len(imgs)} figures, notebook has {len(charts)} before predict-step"
        assert [i[0] for i in imgs] == [c[0] for c in charts]
        assert [htmllib.unescape(i[1]) for i in imgs] == [c[1] for c in charts]
        assert page.count("<figcaption><strong>Figure ") == len(charts)
        alts = _struct_alts(texts[f"{slug}-student.pdf"]["reader"])
        for _, alt in charts:
            assert alt and alt in alts, f"{slug}: alt text not in the PDF structure tree: {alt[:60]}"
        any_chart = any_chart or bool(charts)
        for b64, _ in charts:
            assert base64.b64decode(b64)[:8] == b"\x89PNG\r\n\x1a\n"
    assert any_chart, "no case notebook has stored charts before its predict-step cell"


def test_pdfs_embed_their_fonts_are_tagged_and_number_their_pages(texts):
    from casekit import cases

    for name, t in texts.items():
        reader = t["reader"]
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"], f"{name}: not tagged"
        assert str(root.get("/Lang", "")).startswith("en"), f"{name}: no document language"
        fonts = {}
        for page in reader.pages:
            for font in (page["/Resources"].get("/Font") or {}).values():
                font = font.get_object()
                desc = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                desc = desc.get_object()
                fonts[str(font["/BaseFont"])] = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        assert fonts and all(fonts.values()), f"{name}: fonts not embedded: {fonts}"
        assert all("DejaVu" in f for f in fonts), f"{name}: unexpected fonts {sorted(fonts)}"
        n = len(t["pages"])
        assert n >= 3
        for i in (1, n - 1):
            assert f"Page {i + 1} of {n}" in _norm(t["pages"][i]), f"{name}: page {i + 1} has no page number"
        slug = name.split("-")[0]
        title = cases.load(slug).title
        short = title.split(":")[0].strip() if len(title) > 60 and ":" in title else title
        assert short in _norm(t["pages"][1]), f"{name}: no running title on page 2"


def _strip_dates(data: bytes) -> bytes:
    data = re.sub(rb"/(CreationDate|ModDate) \([^)]*\)", b"", data)
    return re.sub(rb"<xmp:(CreateDate|ModifyDate|MetadataDate)>[^<]*</xmp:\1>", b"", data)


def test_build_is_deterministic_and_letter_size_works(packs, tmp_path):
    from pypdf import PdfReader

    from casekit import handouts

    slug = "egypt" if "egypt" in SLUGS else SLUGS[0]
    # two builds back to back in different folders (not against the module's build: other authors may
    # change a case or re-execute a notebook meanwhile)
    first, again = tmp_path / "one", tmp_path / "elsewhere" / "deeper"
    handouts.build(first, [slug], log=lambda *_: None)
    handouts.build(again, [slug], log=lambda *_: None)
    for name in (f"{slug}-student.pdf", f"{slug}-student.html", f"{slug}-instructor.pdf"):
        assert _strip_dates((first / name).read_bytes()) == _strip_dates((again / name).read_bytes()), name
    a4 = PdfReader(packs / f"{slug}-student.pdf").pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    letter = handouts.write_pdf(handouts.student_html(slug, "letter"), tmp_path / "letter.pdf")
    box = PdfReader(letter).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_html_is_self_contained_and_its_internal_links_resolve(packs):
    for page in sorted(packs.glob("*.html")):
        text = page.read_text()
        assert not re.search(r'<(script|link|img|iframe)\b[^>]*(src|href)="(https?:)?//', text), page.name
        ids = set(re.findall(r'\bid="([^"]+)"', text))
        targets = re.findall(r'href="#([^"]+)"', text)
        assert targets, f"{page.name}: no endnote links"
        assert not [t for t in targets if t not in ids], page.name


def test_bad_input_gives_one_line_errors(capsys):
    from casekit import handouts

    assert handouts.main(["--paper", "a5", SLUGS[0]]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "a4, letter" in err and "'a5'" in err
    assert handouts.main(["atlantis"]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "atlantis" in err and "egypt" in err  # names the cases there are
