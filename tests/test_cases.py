"""Tests for the case files (cases/*/case.md, cases/*/epilogue.md) and for casekit.cases.

Three kinds of test live here:

* the template-v2 check (`python -m casekit.cases check`), run for every case folder with a case.md,
  and shown to fail on a frozen copy of the version-1 Egypt case (tests/fixtures/cases_v1/) and on
  small hand-made violations of each rule;
* template checks with their own regular expressions, reading the sources table with the csv
  module, so a bug in casekit.casecheck cannot make them pass vacuously: front matter, section
  order, citations, typed numbers, placeholders, episodes, questions, length, later years;
* behaviour checks of casekit.cases against independent facts: e.g. Egypt's FY2012 FMF is printed
  as "$1.3 billion" in CRS RL33003 (Feb 2013), so the placeholder must render exactly that.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import yaml

from casekit import cases, casecheck, paths
from casekit.textsafe import md_safe

ROOT = paths.ROOT
CASE_FILES = sorted((ROOT / "cases").glob("*/case.md"))
CASE_IDS = [p.parent.name for p in CASE_FILES]

# The section order as the template (cases/README.md, section 3) documents it, read from its table.
SECTIONS = re.findall(
    r"^\| \d+ \| `## (.+?)` \|",
    (ROOT / "cases" / "README.md").read_text(encoding="utf-8"),
    re.M,
)


# The epilogue's sections, from the README's second table (rows E1..E5).
EPILOGUE_SECTIONS = re.findall(
    r"^\| E\d \| `## (.+?)` \|",
    (ROOT / "cases" / "README.md").read_text(encoding="utf-8"),
    re.M,
)


def test_template_and_package_agree_on_the_sections():
    assert len(SECTIONS) == 11 and SECTIONS[-2] == "The decision"
    assert "After the report" not in SECTIONS
    assert tuple(SECTIONS) == cases.REQUIRED_SECTIONS
    assert len(EPILOGUE_SECTIONS) == 5
    assert tuple(EPILOGUE_SECTIONS) == cases.EPILOGUE_SECTIONS

FIELDS = ["title", "country", "slug", "version", "decision", "estimated_time", "learning_objectives",
          "pre_reading", "glossary", "episodes"]
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
        these = [t.strip() for t in re.split(r"[,;]", item)]
        assert these and all(re.fullmatch(r"C[1-8]|R(?:10|[1-9])", t) for t in these), item
        assert any(t.startswith("C") for t in these), f"question without a challenge tag: {item}"
        tags |= set(these)
    assert {t for t in tags if t.startswith("C")} == {f"C{i}" for i in range(1, 9)}, f"challenges not covered: {sorted({f'C{i}' for i in range(1, 9)} - tags)}"


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
            assert md_safe(sources.loc[key, "title"]) in refs, key
    assert not re.search(r"\$(?!\d)|\$\d", md.replace("<span>&#36;</span>", "")), "raw dollar sign"
    assert "](http" not in md, "citations render as endnotes, not inline links"


# --- data/case_facts.csv ----------------------------------------------------------------------


def _case_fact_rows():
    with (ROOT / "data" / "case_facts.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_case_fact_is_used_by_the_case_of_its_country():
    # A row nobody renders is a number nobody checks; a row used by another country's case is
    # filed under the wrong country. The A case or the epilogue may use it.
    texts = {p.parent.name: p.read_text(encoding="utf-8")
             + ((p.parent / "epilogue.md").read_text(encoding="utf-8") if (p.parent / "epilogue.md").exists() else "")
             for p in CASE_FILES}
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

## Conditionality episodes

### An episode {#sample-1}

## Discussion questions

1. [C4, C5] Why?
2. [C8] How
   would you measure it?
"""


def test_parse_and_render_a_small_case():
    case = cases.parse(SAMPLE, slug="sample")
    assert list(case.sections) == ["Summary", "Conditionality episodes", "Discussion questions"]
    assert cases.citation_keys(case.body) == ["GAO-06-437", "SEED-CNAS-2015"]
    assert cases.episode_headings(case) == {"sample-1": "An episode"}
    qs = cases.discussion_questions(case)
    assert [q["tags"] for q in qs] == [["C4", "C5"], ["C8"]]
    assert qs[1]["text"] == "How would you measure it?"
    md = cases.render_section(case, "Summary")
    dollar = "<span>&#36;</span>"
    # endnotes numbered by first citation: the placeholder's source (CRS, Feb 2013) comes first,
    # then GAO-06-437, then the report with its locator
    assert f"{dollar}1.3 billion [1] [2; 3, Part IV, challenge 4]" in md
    # cite=False leaves the second figure bare; the sentence's own citation is note 2 again
    assert f"Again {dollar}1.3 billion [2]." in md
    assert "{#" not in md and "{{" not in md and "[@" not in md and "$" not in md.replace(dollar, "")
    refs = cases.references(case)
    assert "- [1] " in refs and "RL33003" in refs.split("- [2]")[0]
    assert "- [3] " in refs and "Security Cooperation" in refs.split("- [3]")[1]


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
    # A later episode narrated in the epilogue: the first round shows trigger and demand only.
    epi = cases.load_epilogue("egypt")
    text = cases.episode_text(epi, "egypt-2017", before_outcome=True)
    assert "Trigger." in text and "Outcome." not in text and "Response." not in text
    assert "2018" not in text  # the release and the acquittal come after the prediction
    full = cases.episode_text(epi, "egypt-2017")
    assert "Outcome." in full and "2018" in full


def test_egypt_2017_money_was_reprogrammed_not_withheld():
    # TIMEP (7 Sep 2017) and the fuller AP/VOA report: $65.7m of FY2014 FMF and $30m of FY2016 ESF
    # were reprogrammed to other countries in August 2017; $195m of FY2016 FMF was held.
    assert cases.evaluate('fact("egypt-2017-fmf-reprogrammed")').text == "$65.7 million"
    assert cases.evaluate('fact("egypt-2017-esf-reprogrammed")').text == "$30 million"
    md = cases.render(cases.load_epilogue("egypt"))
    assert "reprogrammed to other countries" in md


def test_egypt_fy1985_esf_includes_the_supplemental():
    # P.L. 98-473: not less than $815,000,000 for Egypt; P.L. 99-88 (Aug 1985): a further $500,000,000.
    v = cases.evaluate('aid("Egypt", "ESF", 1985)')
    assert v.text == "$1.315 billion"
    assert set(v.sources) == {"STAT-PL98-473", "STAT-PL99-88"}


def test_egypt_a_case_decision_and_counter_evidence():
    case = cases.load("egypt")
    assert case.decision_date == "2015-03-25"
    assert case.meta["decision"]["protagonist"] == "President Barack Obama"
    md = cases.render(case)
    # Egypt's own steps on the road map are in the A case (CRS/IFES/Daily News Egypt figures)
    assert "referendum" in md and "98.13%" in md and "96.9%" in md
    assert "Outcome." not in cases.episode_text(case, "egypt-2013")


def test_teaching_note_lab_answer_is_generated_from_the_model(tmp_path):
    from casekit import leverage

    note = (ROOT / "instructor" / "egypt" / "teaching_note.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- generated: leverage-summary Egypt 2015 -->\n(.*?)\n<!-- /generated -->", note, re.S)
    assert block, "the Q3 answer quotes the leverage lab through a generated block"
    assert block.group(1).strip() == leverage.assess("Egypt", 2015).summary()
    stale = note.replace(block.group(1), "Egypt, 2015: leverage 0.99, high.")
    _, changed = casecheck.refresh_generated(stale)
    assert changed == ["leverage-summary Egypt 2015"]


# ================================================================================================
# template v2: the author's check (python -m casekit.cases check), for every case folder


@pytest.mark.parametrize("slug", CASE_IDS)
def test_casekit_check_passes(slug):
    problems = casecheck.check(slug)
    assert not problems, f"{len(problems)} template problems:\n" + "\n".join(map(str, problems))


@pytest.mark.parametrize("path", CASE_FILES, ids=CASE_IDS)
def test_a_case_names_no_year_after_its_decision(path):
    # Independent of casecheck: every 4-digit year in the prose (citations, placeholders and source
    # ids removed) and every year argument of a placeholder is at most the decision year.
    meta, body = split_case(path)
    year = int(str(meta["decision"]["date"])[:4])
    ids = sorted(source_ids(), key=len, reverse=True)
    text = scrub(body)
    for sid in ids:
        text = text.replace(sid, " ")
    later = [y for y in re.findall(r"(?<![\d.,])((?:19|20)\d\d)(?![\d])", text) if int(y) > year]
    for expr in PLACEHOLDER.findall(body):
        later += [y for y in re.findall(r"\b((?:19|20)\d\d)\b", expr) if int(y) > year]
    assert not later, f"years after the decision ({year}): {sorted(set(later))}"


@pytest.mark.parametrize("path", CASE_FILES, ids=CASE_IDS)
def test_epilogue_exists_with_its_sections(path):
    epi = path.parent / "epilogue.md"
    assert epi.exists(), "template v2: every case has an epilogue"
    meta, body = split_case(epi)
    case_meta, _ = split_case(path)
    assert headings(body) == EPILOGUE_SECTIONS
    assert str(meta["decision_date"]) == str(case_meta["decision"]["date"])
    listed = {e["id"] for e in meta["episodes"]}
    assert {e["id"] for e in case_meta["episodes"] or []} <= listed


V1_EGYPT = ROOT / "tests" / "fixtures" / "cases_v1" / "egypt_case.md"


def _copy_case(tmp_path, text, slug="egypt", epilogue=None):
    folder = tmp_path / "cases" / slug
    folder.mkdir(parents=True)
    (folder / "case.md").write_text(text, encoding="utf-8")
    if epilogue is not None:
        (folder / "epilogue.md").write_text(epilogue, encoding="utf-8")
    return tmp_path


def test_check_fails_on_the_version_1_egypt_case(tmp_path):
    root = _copy_case(tmp_path, V1_EGYPT.read_text(encoding="utf-8"))
    messages = [str(p) for p in casecheck.check("egypt", root)]
    joined = "\n".join(messages)
    assert "front matter lacks decision" in joined
    assert "After the report" in joined            # a v1 section that v2 does not allow
    assert "missing: The decision" in joined
    assert "epilogue (B case) is missing" in joined
    assert "notebook is missing" in joined
    assert "instructor/egypt/teaching_note.md: file missing" in joined


def test_check_finds_the_hindsight_in_the_version_1_egypt_case(tmp_path):
    # Give the v1 case a March 2015 decision: everything it says about 2015-2024 must be flagged.
    text = V1_EGYPT.read_text(encoding="utf-8").replace(
        "version: 1\n",
        'version: 1\ndecision: {date: "2015-03", protagonist: "Secretary of State John Kerry", '
        'question: "Should the holds be lifted?"}\n', 1)
    root = _copy_case(tmp_path, text)
    joined = "\n".join(str(p) for p in casecheck.check("egypt", root))
    assert "year 2017 is after the decision (2015-03)" in joined          # the NGO-law episode
    assert "year 2024 is after the decision" in joined
    assert "'April 2014'" not in joined                                     # before the decision: fine
    assert "'September 2018'" not in joined or "year 2018" in joined
    assert 'placeholder {{ aid("Egypt", "FMF", 2022) }} uses year 2022' in joined
    assert 'tiv_share("Egypt", "Russia", 2015, 2024) }} uses year 2024' in joined
    assert "learning objective: year 2017" in joined                        # front matter too
    assert "glossary CAATSA: year 2017" in joined


@pytest.mark.parametrize("text, flagged", [
    ("In 2016 the law changed.", "year 2016"),
    ("the FY2016 act", "year 2016"),
    ("between 2014 and 2016", "year 2016"),
    ("2015-2016", "year 2016"),
    ("In April 2015 Cairo agreed.", "'April 2015'"),
    ("on 31 May 2015", "May 2015'"),
    ("dated 2015-04-02", "date 2015-04"),
    ("by late 2015", "'late 2015'"),
    ("As it turned out, Cairo held firm.", "hindsight wording"),
    ("Officials would later say so.", "hindsight wording"),
    ('worth {{ fact_x("a") }} and {{ aid("Egypt", "FMF", 2016) }}', "uses year 2016"),
])
def test_hindsight_flags(text, flagged):
    found = casecheck.hindsight(text, casecheck.Decision(2015, 3))
    assert any(flagged in msg for _, msg in found), found


def test_hindsight_with_a_decision_day():
    # With a day, the decision month is cut there: the 31 March 2015 call comes after 25 March.
    d = casecheck.Decision.parse("2015-03-25")
    for text in ("On 31 March 2015 Obama called Sisi.", "dated 2015-03-31", "on March 31, 2015"):
        assert casecheck.hindsight(text, d), text
    for text in ("On 14 March 2015 Kerry spoke.", "In March 2015 the holds stood.", "2015-03-01"):
        assert casecheck.hindsight(text, d) == [], text


@pytest.mark.parametrize("text", [
    "Amounts in USD millions (constant 2024 dollars), as the deflator's base year.",
    "In March 2015 the holds were still in place.",
    "On 31 March 2015 and in 2014 and FY2015.",
    "The FY2016 budget request, published in February 2015, asked for the same.",
    "Aid totalled 2,050.5 million in one table and 2037.2 in another.",
    "As cited [@AP-EGY-2018-09] and in the source id CRS-RL33003-2018-02.",
    'A figure {{ aid("Egypt", "FMF", 2012) }} from the data.',
])
def test_hindsight_allows(text):
    found = casecheck.hindsight(text, casecheck.Decision(2015, 3), casecheck._source_id_re())
    assert found == []


def _notebook(cells):
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _md(text, tags=None):
    return {"cell_type": "markdown", "metadata": {"tags": tags} if tags else {}, "source": text}


def _code(text, outputs=()):
    return {"cell_type": "code", "metadata": {}, "source": text, "outputs": list(outputs), "execution_count": 1}


def test_notebook_check_flags_leaks_before_the_predict_step(tmp_path):
    path = tmp_path / "10_x.ipynb"
    path.write_text(_notebook([
        _md("# Case"),
        _code("charts.aid_chart('Egypt', end=2015)", [{"output_type": "stream", "name": "stdout",
                                                       "text": "fiscal_year 2014 2016\n"}]),
        _code("cases.show_epilogue_section(epi, 'What was decided')"),
        _md("## Predict", tags=["predict-step"]),
        _code("print('2024 is fine here')"),
    ]), encoding="utf-8")
    found = []
    casecheck._check_notebook(path, casecheck.Decision(2015, 3), lambda line, msg: found.append(msg))
    joined = "\n".join(found)
    assert "cell 2 output (before predict-step), line 1: year 2016" in joined
    assert "cell 3: the epilogue is loaded before the predict-step cell" in joined
    assert "never rendered after the predict-step" in joined
    assert "2024" not in joined


def test_notebook_check_needs_exactly_one_predict_step(tmp_path):
    path = tmp_path / "10_x.ipynb"
    path.write_text(_notebook([_md("# Case"), _code("x = 1")]), encoding="utf-8")
    found = []
    casecheck._check_notebook(path, casecheck.Decision(2015, 3), lambda line, msg: found.append(msg))
    assert any("exactly one cell must carry the metadata tag 'predict-step' (found 0)" in m for m in found)


def test_fso_cone_that_does_not_exist_is_flagged(tmp_path):
    folder = tmp_path / "instructor" / "x"
    folder.mkdir(parents=True)
    (folder / "fso_variant.md").write_text("Officers from the political-military and economic cones.\n"
                                           "Officers of the political and public diplomacy cones.\n")
    found = []
    casecheck._check_instructor(folder, casecheck.Decision(2015, 3), lambda f, line, msg: found.append((f, line, msg)))
    cones = [(line, msg) for f, line, msg in found if f.endswith("fso_variant.md")]
    assert [line for line, _ in cones] == [1]


def test_role_cards_may_use_hindsight_only_in_the_debrief(tmp_path):
    folder = tmp_path / "instructor" / "x"
    folder.mkdir(parents=True)
    (folder / "role_cards.md").write_text("## Card\n\nAs happened in September 2018.\n\n"
                                          "## Debrief questions\n\nCompare with September 2018.\n")
    found = []
    casecheck._check_instructor(folder, casecheck.Decision(2015, 3), lambda f, line, msg: found.append((f, line, msg)))
    lines = [line for f, line, msg in found if f.endswith("role_cards.md")]
    assert lines == [3]


def test_acronyms_must_be_in_the_glossary_and_spelled_out_first():
    text = """---
title: T
country: Egypt
slug: egypt
glossary:
  - {term: FMF, name: Foreign Military Financing, definition: d, source: SEED-CNAS-2015}
---

## Summary

Egypt receives FMF [@SEED-CNAS-2015]. This sentence is here only to put more than one hundred and
twenty characters between the first use and the spelled-out name, as a long paragraph would.
Later, Foreign Military Financing (FMF) again; the GAO said so.
The AH-64 and Part IV are not acronyms; DoD is.
"""
    case = cases.parse(text, slug="egypt")
    found = []
    casecheck._common_body_checks(case, cases.sources_table(), {}, lambda line, msg: found.append(msg))
    joined = "\n".join(found)
    assert "acronym GAO is not in the glossary" in joined
    assert "acronym DoD is not in the glossary" in joined
    assert "acronym FMF is not spelled out at first use" in joined
    assert "AH" not in joined and " IV " not in joined


def test_question_map_lists_every_challenge_and_recommendation():
    case = cases.parse(SAMPLE, slug="sample")
    table = cases.question_map(case)
    assert "| C4 | Assess leverage | Q1 |" in table
    assert "| C8 | Measure outcomes | Q2 |" in table
    assert "| R1 |" in table and "| R10 |" in table
    assert table.count("(none)") == 18 - 3


def test_cli_exit_status(tmp_path):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "casekit.cases", "check", "no-such-case"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 2 and "no case file for: no-such-case" in out.stdout


def test_context_values_print_their_unit_once():
    # A count of deaths prints as "N deaths", not "N deaths (count)"; an index states its scale.
    deaths = cases.evaluate('context("Egypt", "terrorism_deaths", 2014)').text
    assert re.fullmatch(r"[\d,]+ deaths", deaths), deaths
    index = cases.evaluate('context("Egypt", "electoral_democracy_index", 2014)').text
    assert re.fullmatch(r"0\.\d+ \(on a 0-1 scale\)", index), index


def test_epilogue_glossary_is_rendered_with_its_endnote():
    """An epilogue's own glossary (terms that first appear after the decision) is part of the rendered
    B case, so the instructor pack defines them; each definition carries its source's endnote."""
    import yaml as _yaml

    from casekit import casefile

    found = 0
    for path in sorted(casefile.paths.CASES.glob("*/epilogue.md")):
        meta = _yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1]) or {}
        epi = casefile.load_epilogue(path.parent.name)
        rendered = casefile.render(epi, with_references=True)
        numbers = casefile.note_numbers(epi)
        for item in meta.get("glossary") or []:
            found += 1
            assert f"**{item['term']}**" in rendered, (path, item["term"])
            assert f"[{numbers[item['source']]}]" in rendered
    assert found >= 1  # at least one shipped epilogue has its own glossary (Egypt's CAATSA)
