"""Tests for the case files (cases/*/case.md) and for casekit.cases.

Two kinds of test live here:

* template checks, run for every case file found (Pakistan and Egypt today): front matter, section
  order, citations, typed numbers, placeholders, episodes, discussion questions, length. These use
  their own regular expressions and read the sources tables with the csv module, so a bug in
  casekit.cases cannot make them pass vacuously;
* behaviour checks of casekit.cases against independent facts: e.g. Egypt's FY2012 FMF is printed
  as "$1.3 billion" in CRS RL33003 (Feb 2013), so the placeholder must render exactly that.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

from casekit import cases, paths

ROOT = paths.ROOT
CASE_FILES = sorted((ROOT / "cases").glob("*/case.md"))
CASE_IDS = [p.parent.name for p in CASE_FILES]

# The section order as the template (cases/README.md, section 3) documents it, read from its table.
SECTIONS = re.findall(
    r"^\| \d+ \| `## (.+?)` \|",
    (ROOT / "cases" / "README.md").read_text(encoding="utf-8"),
    re.M,
)


def test_template_and_package_agree_on_the_sections():
    assert len(SECTIONS) == 11
    assert tuple(SECTIONS) == cases.REQUIRED_SECTIONS
FIELDS = ["title", "country", "slug", "version", "estimated_time", "learning_objectives", "pre_reading",
          "glossary", "episodes"]
COUNTRIES = {"Egypt", "Pakistan", "Iraq", "Bahrain", "Lebanon", "Colombia"}
BLOOM = {
    "define", "identify", "list", "recall", "describe", "explain", "summarize", "classify", "compare",
    "interpret", "apply", "use", "demonstrate", "calculate", "analyze", "differentiate", "distinguish",
    "examine", "attribute", "diagnose", "evaluate", "assess", "judge", "critique", "justify", "defend",
    "weigh", "design", "propose", "construct", "formulate", "develop", "plan",
}

# --- typed numbers: the kinds of figure prose must never type (they come from placeholders) ------
WEAPONS = (r"(?:helicopters?|aircraft|fighters?|jets?|tanks?|missiles?|kits?|frigates?|ships?|vessels?|"
           r"planes?|drones?|submarines?|corvettes?|rifles?|launchers?|vehicles?|warplanes?|Apaches|"
           r"F-16s|Rafales|Humvees)")
NUMBER_WORDS = (r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
                r"hundred|dozens?)")
TYPED_NUMBER_PATTERNS = {
    "currency symbol": re.compile(r"[$€£¥]"),
    "currency code": re.compile(r"\b(?:USD|EUR|GBP|US\$)\b"),
    "percent": re.compile(r"%|\bper ?cent\b", re.I),
    "million/billion": re.compile(r"\b(?:million|billion|trillion|bn|mln)s?\b", re.I),
    "count of weapons": re.compile(rf"(?<![\w-])(?!(?:19|20)\d\d\b)\d[\d,.]*\s+(?:[A-Za-z0-9-]+\s+)?{WEAPONS}\b"),
    "count of weapons in words": re.compile(rf"\b{NUMBER_WORDS}\s+(?:[A-Za-z0-9-]+\s+)?{WEAPONS}\b", re.I),
}

PLACEHOLDER = re.compile(r"\{\{.*?\}\}", re.S)
CITATION = re.compile(r"\[@[^\[\]]*\]")
KEY = re.compile(r"@([A-Z0-9][A-Za-z0-9.-]*[A-Za-z0-9])")


def split_case(path: Path):
    text = path.read_text(encoding="utf-8")
    m = re.match(r"\A---\n(.*?)\n---\n", text, re.S)
    assert m, f"{path}: no front matter"
    return yaml.safe_load(m.group(1)), text[m.end():]


def source_ids() -> set:
    ids = set()
    data = ROOT / "data"
    with (data / "sources.csv").open(encoding="utf-8", newline="") as fh:
        ids |= {row["source_id"] for row in csv.DictReader(fh)}
    return ids


def headings(body: str) -> list:
    return [h.strip() for h in re.findall(r"^##[ \t]+(.+?)[ \t]*$", body, re.M)]


def section(body: str, name: str) -> str:
    m = re.search(rf"^##[ \t]+{re.escape(name)}[ \t]*$(.*?)(?=^##[ \t]|\Z)", body, re.M | re.S)
    return m.group(1) if m else ""


def scrub(text: str) -> str:
    """Text as a reader sees it minus placeholders, citations, links, code and HTML comments."""
    text = PLACEHOLDER.sub(" ", text)
    text = CITATION.sub(" ", text)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"https?://\S+", " ", text)
    return text


def typed_numbers(text: str) -> list:
    found = []
    for lineno, line in enumerate(scrub(text).splitlines(), 1):
        for label, pat in TYPED_NUMBER_PATTERNS.items():
            for m in pat.finditer(line):
                found.append(f"line {lineno}: {label}: {m.group(0)!r} in {line.strip()[:80]!r}")
    return found


# ================================================================================================
# the checker itself must catch what it is meant to catch (so the case checks cannot pass vacuously)


@pytest.mark.parametrize("bad", [
    "Egypt receives $1.3 billion a year.",
    "about 1.3 billion dollars",
    "roughly 28% of imports",
    "a fifth, or 20 percent, of the total",
    "it bought 24 Rafale fighters",
    "ten Apache helicopters were held",
    "worth EUR 5.2bn",
    "hundreds of millions in aid",
])
def test_number_checker_flags_typed_figures(bad):
    assert typed_numbers(bad), bad


@pytest.mark.parametrize("good", [
    'FMF was {{ aid("Egypt", "FMF", 2012) }} in FY2012 [@CRS-RL33003-2013-02].',
    "The F-16 aircraft and M1A1 tank kits were held in October 2013.",
    "Su-35 fighters and the C-130J transports; P.L. 113-76 and Section 1206.",
    "The treaty of 1979 and the second hold of 2017.",
    "On 26 November 2011 NATO helicopters struck the border posts.",
])
def test_number_checker_allows_placeholders_years_and_model_names(good):
    assert typed_numbers(good) == []


# ================================================================================================
# template checks, for every case file


def test_there_are_case_files():
    assert "egypt" in CASE_IDS


@pytest.mark.parametrize("path", CASE_FILES, ids=CASE_IDS)
def test_front_matter(path):
    meta, _ = split_case(path)
    missing = [f for f in FIELDS if f not in meta]
    assert not missing, f"{path.parent.name}: missing front-matter fields {missing}"
    assert meta["slug"] == path.parent.name
    assert meta["country"] in COUNTRIES
    assert isinstance(meta["version"], int)
    t = meta["estimated_time"]
    assert isinstance(t.get("reading"), int) and isinstance(t.get("notebook"), int)
    assert t.get("seminar"), "estimated_time.seminar is required"
    objectives = meta["learning_objectives"]
    assert 3 <= len(objectives) <= 5, "3-5 learning objectives"
    for obj in objectives:
        first = re.match(r"[A-Za-z]+", obj).group(0).lower()
        assert first in BLOOM, f"learning objective does not start with a Bloom's verb: {obj[:60]!r}"
    assert 1 <= len(meta["pre_reading"]) <= 4
    for item in meta["pre_reading"]:
        assert item.get("source") and item.get("pages") and item.get("why")
    assert meta["glossary"], "glossary must list the programs the case names"
    for g in meta["glossary"]:
        assert g.get("term") and g.get("name") and g.get("definition") and g.get("source")


@pytest.mark.parametrize("path", CASE_FILES, ids=CASE_IDS)
def test_sections_exactly_in_template_order(path):
    _, body = split_case(path)
    assert headings(body) == SECTIONS


@pytest.mark.parametrize("path", CASE_FILES, ids=CASE_IDS)
def test_every_citation_key_resolves(path):
    meta, body = split_case(path)
    known = source_ids()
    keys = set()
    for cite in CITATION.findall(body):
        for part in cite[1:-1].split(";"):
            m = KEY.match(part.strip())
            assert m, f"malformed citation {cite!r}"
            keys.add(m.group(1))
    keys |= {i["source"] for i in meta["pre_reading"]}
    keys |= {g["source"] for g in meta["glossary"]}
    assert keys, "a case must cite sources"
    missing = sorted(keys - known)
    assert not missing, f"citation keys not in data/sources.csv: {missing}"


@pytest.mark.parametrize("path", CASE_FILES, ids=CASE_IDS)
def test_every_paragraph_of_narrative_carries_a_citation(path):
    _, body = split_case(path)
    uncited = []
    for name in SECTIONS[:-1]:
        for para in re.split(r"\n\s*\n", section(body, name)):
            para = para.strip()
            if not para or para.startswith("#"):
                continue
            words = len(para.split())
            if words >= 40 and "[@" not in para and "{{" not in para:
                uncited.append(f"{name}: {para[:70]!r}")
    assert not uncited, "paragraphs of 40+ words with no citation:\n" + "\n".join(uncited)


@pytest.mark.parametrize("path", CASE_FILES, ids=CASE_IDS)
def test_no_typed_numbers_in_prose_or_front_matter(path):
    meta, body = split_case(path)
    problems = [f"body {p}" for p in typed_numbers(body)]
    for field in ("title",):
        problems += [f"{field}: {p}" for p in typed_numbers(str(meta[field]))]
    for obj in meta["learning_objectives"]:
        problems += [f"objective: {p}" for p in typed_numbers(obj)]
    for g in meta["glossary"]:
        problems += [f"glossary {g['term']}: {p}" for p in typed_numbers(str(g["definition"]))]
    assert not problems, "typed figures (use a placeholder):\n" + "\n".join(problems)


@pytest.mark.parametrize("path", CASE_FILES, ids=CASE_IDS)
def test_every_placeholder_is_whitelisted_and_renders_from_data(path):
    _, body = split_case(path)
    exprs = [m.group(0)[2:-2].strip() for m in PLACEHOLDER.finditer(body)]
    assert exprs, "a case must state its figures through placeholders"
    failures = []
    for expr in exprs:
        name = re.match(r"\s*([A-Za-z_]\w*)\s*\(", expr)
        assert name and name.group(1) in cases.FACTS, f"not a whitelisted fact function: {expr}"
        try:
            value = cases.evaluate(expr)
        except cases.FactError as exc:
            failures.append(f"{expr}: {exc}")
            continue
        assert value.text and value.sources, expr
        assert set(value.sources) <= source_ids(), f"{expr}: sources {value.sources} do not resolve"
    assert not failures, "placeholders with no data behind them:\n" + "\n".join(failures)


@pytest.mark.parametrize("path", CASE_FILES, ids=CASE_IDS)
def test_episodes_match_headings(path):
    meta, body = split_case(path)
    declared = {e["id"] for e in meta["episodes"] or []}
    anchored = set(re.findall(r"^###[ \t]+.+?\{#([a-z0-9-]+)\}[ \t]*$", body, re.M))
    assert declared == anchored
    for eid in declared:
        assert eid.startswith(meta["slug"] + "-"), eid
    # every episode heading sits inside the episodes section
    assert anchored <= set(re.findall(r"\{#([a-z0-9-]+)\}", section(body, "Conditionality episodes")))


@pytest.mark.parametrize("path", CASE_FILES, ids=CASE_IDS)
def test_discussion_questions_cover_all_eight_challenges(path):
    _, body = split_case(path)
    text = section(body, "Discussion questions")
    items = re.findall(r"^\s*\d+\.\s+\[([^\]]*)\]", text, re.M)
    numbered = re.findall(r"^\s*\d+\.\s", text, re.M)
    assert len(items) == len(numbered), "every question starts with [C#] tags"
    assert 6 <= len(items) <= 12
    tags = set()
    for item in items:
        these = [t.strip() for t in item.split(",")]
        assert these and all(re.fullmatch(r"C[1-8]", t) for t in these), item
        tags |= set(these)
    assert tags == {f"C{i}" for i in range(1, 9)}, f"challenges not covered: {sorted({f'C{i}' for i in range(1, 9)} - tags)}"


@pytest.mark.parametrize("path", CASE_FILES, ids=CASE_IDS)
def test_word_count_in_range(path):
    _, body = split_case(path)
    parts = [section(body, name) for name in SECTIONS[:-1]]
    text = "\n".join(parts)
    text = re.sub(r"^#{1,6}[ \t].*$", " ", text, flags=re.M)
    text = PLACEHOLDER.sub(" X ", text)
    text = CITATION.sub(" ", text)
    words = len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'’.-]*", text))
    assert 2500 <= words <= 4000, f"{words} words"


@pytest.mark.parametrize("path", CASE_FILES, ids=CASE_IDS)
def test_rendered_case_has_no_raw_markup_and_lists_every_cited_source(path):
    case = cases.load(path.parent.name)
    md = cases.render(case)
    assert "{{" not in md and "}}" not in md
    assert "[@" not in md
    assert "## References" in md
    refs = md.split("## References", 1)[1]
    _, body = split_case(path)
    sources = cases.sources_table()
    for cite in CITATION.findall(body):
        for key in KEY.findall(cite):
            assert sources.loc[key, "title"] in refs, key


# --- data/case_facts.csv ----------------------------------------------------------------------


def _case_fact_rows():
    with (ROOT / "data" / "case_facts.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_case_fact_is_used_by_the_case_of_its_country():
    # A row nobody renders is a number nobody checks; a row used by another country's case is
    # filed under the wrong country.
    texts = {p.parent.name: p.read_text(encoding="utf-8") for p in CASE_FILES}
    for r in _case_fact_rows():
        slug = r["country"].lower()
        assert slug in texts, f"{r['fact_id']}: no case file for {r['country']}"
        assert re.search(r'fact\(\s*["\']' + re.escape(r["fact_id"]) + r'["\']', texts[slug]), r["fact_id"]


def test_case_files_keep_no_numbers_of_their_own():
    # Numbers live in data/: a case folder holds prose and judgments, never a CSV of figures.
    assert sorted(p.name for p in (ROOT / "cases").glob("*/*.csv")) == []


# ================================================================================================
# casekit.cases behaviour against independent facts


def test_egypt_fy2012_fmf_renders_as_crs_prints_it():
    # CRS RL33003 (26 Feb 2013), Summary: FY2012 military aid to Egypt "$1.3 billion".
    v = cases.evaluate('aid("Egypt", "FMF", 2012)')
    assert v.text == "$1.3 billion"
    assert "CRS-RL33003-2013-02" in v.sources


def test_egypt_fy2018_esf_keeps_its_half_million():
    # POMED (22 Mar 2018) on the FY2018 omnibus: economic assistance of $112.5 million.
    assert cases.evaluate('aid("Egypt", "ESF", 2018)').text == "$112.5 million"


def test_egypt_2014_release_fact():
    # Air Force Magazine (June 2014): "approximately $575 million of the $650 million".
    assert cases.evaluate('fact("egypt-2014-fmf-released")').text == "$575 million"
    assert cases.evaluate('fact("egypt-2014-fmf-requested")').text == "$650 million"


@pytest.mark.parametrize("millions, text", [
    (1300, "$1.3 billion"),
    (1289.47, "$1,289.47 million"),   # FY2008 FMF after rescission: never rounded to $1.3 billion
    (575, "$575 million"),
    (95.7, "$95.7 million"),
    (2500, "$2.5 billion"),
    (1456.3, "$1,456.3 million"),
    (12345.6789, "$12,345.6789 million"),
])
def test_format_usd_millions_is_exact(millions, text):
    assert cases.format_usd_millions(millions) == text


def test_format_percent():
    assert cases.format_percent(0.2764) == "28%"
    assert cases.format_percent(0.125) == "13%"  # half up, not banker's rounding
    assert cases.format_percent(0.001) == "<1%"


def test_aid_sum_refuses_a_range_with_a_missing_year():
    # FMF did not exist in FY1946-FY1947 (the program dates from the 1970s), so no row can exist.
    with pytest.raises(cases.FactError, match="no chart row"):
        cases.evaluate('aid_sum("Egypt", "FMF", 1946, 1947)')


def test_missing_data_raises_not_zero():
    with pytest.raises(cases.FactError):
        cases.evaluate('aid("Egypt", "FMF", 1950)')


@pytest.mark.parametrize("expr", [
    '__import__("os").system("true")',
    'aid("Egypt", "FMF", 2012).text',
    'aid("Egypt", "FMF", 2000 + 12)',
    'aid(*["Egypt", "FMF", 2012])',
    'aid("Egypt", "FMF", year=2012)',
    'open("/etc/passwd")',
    'lambda: 1',
    'aid("Egypt", "FMF", 2012); aid("Egypt", "FMF", 2013)',
    'aid("Egypt", "FMF", [2012])',
    'aid("Egypt", "FMF", x)',
])
def test_placeholders_are_parsed_not_evaluated(expr):
    with pytest.raises(cases.FactError):
        cases.parse_placeholder(expr)


def test_placeholder_parse_returns_literals():
    assert cases.parse_placeholder(' tiv_share("Egypt", "Russia", 2015, 2019) ') == (
        "tiv_share", ("Egypt", "Russia", 2015, 2019), {})
    assert cases.parse_placeholder('fact("x-1", cite=False)') == ("fact", ("x-1",), {"cite": False})


SAMPLE = """---
title: T
country: Egypt
slug: sample
version: 1
---

## Summary

Aid was {{ aid("Egypt", "FMF", 2012) }} [@GAO-06-437; @SEED-CNAS-2015, Part IV, challenge 4].
Again {{ aid("Egypt", "FMF", 2012, cite=False) }} [@GAO-06-437].

### An episode {#sample-1}

## Discussion questions

1. [C4, C5] Why?
2. [C8] How
   would you measure it?
"""


def test_parse_and_render_a_small_case():
    case = cases.parse(SAMPLE, slug="sample")
    assert list(case.sections) == ["Summary", "Discussion questions"]
    assert cases.citation_keys(case.body) == ["GAO-06-437", "SEED-CNAS-2015"]
    assert cases.episode_headings(case) == {"sample-1": "An episode"}
    qs = cases.discussion_questions(case)
    assert [q["tags"] for q in qs] == [["C4", "C5"], ["C8"]]
    assert qs[1]["text"] == "How would you measure it?"
    md = cases.render_section(case, "Summary")
    assert "$1.3 billion" in md
    assert "Rand and Tankel 2015, Part IV, challenge 4" in md  # author-date label plus locator
    assert "GAO 2006" in md
    assert "{#" not in md and "{{" not in md and "[@" not in md
    # the automatic citation follows the first figure only; cite=False leaves the second bare
    assert md.count("Sharp 2013") == 1


def test_unknown_citation_key_is_an_error():
    case = cases.parse(SAMPLE.replace("@GAO-06-437;", "@NO-SUCH-SOURCE;"), slug="sample")
    with pytest.raises(cases.CaseError, match="NO-SUCH-SOURCE"):
        cases.render(case)


def test_case_without_front_matter_is_rejected():
    with pytest.raises(cases.CaseError, match="front matter"):
        cases.parse("## Summary\n\ntext\n", slug="x")


# ================================================================================================
# casekit.charts: the tables printed under the charts


def test_aid_chart_table_holds_crs_fy2012_fmf():
    from casekit import charts

    _, table = charts.aid_chart("Egypt", groups=("FMF",), with_total=False)
    row = table[(table["program_group"] == "FMF") & (table["fiscal_year"] == 2012)]
    assert list(row["nominal_usd_m"]) == [1300.0]  # CRS RL33003 (Feb 2013): "$1.3 billion"


def test_supplier_chart_rows_add_to_one_hundred():
    from casekit import charts

    _, table = charts.supplier_chart("Egypt")
    for _, row in table.iterrows():
        assert abs(row.sum() - 100) < 0.5
    # SIPRI fact sheets rank the United States Egypt's main supplier before 2010 (kit notes)
    assert table.loc["1995-2009"].drop("others").idxmax() == "United States"


def test_timeline_marks_the_october_2013_hold():
    from casekit import charts

    _, table = charts.timeline_chart("Egypt", start=2013, end=2013)
    holds = table[(table["date"] == "2013-10-09") & (table["event_type"] == "hold")]
    assert len(holds) >= 1


def test_episode_text_before_outcome_hides_the_outcome():
    case = cases.load("egypt")
    text = cases.episode_text(case, "egypt-2013", before_outcome=True)
    assert "Trigger." in text and "Outcome." not in text and "Response." not in text
    full = cases.episode_text(case, "egypt-2013")
    assert "Outcome." in full
