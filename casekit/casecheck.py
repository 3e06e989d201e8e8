"""The case template (version 2) as code: every rule of ``cases/README.md`` that a machine can check.

:func:`check` runs all of them for one case folder and returns a list of :class:`Problem` (file,
line where known, message); an empty list means the case follows the template. Authors run it as::

    python -m casekit.cases check egypt      # or with no slug: every case folder with a case.md

What is checked (README section in brackets): the A-case front matter [2], sections and the decision
[3], discussion questions [4], the hindsight rule in the A case, the notebook before its
``predict-step`` cell, the role cards and the FSO variant [5], the epilogue [6], citations,
placeholders, typed figures and acronyms [7], the notebook order [9] and the instructor files [10].

The checker reads files under ``root`` (default: the repository), so a test can run it on a copy of
a case; figures and sources always come from the kit's ``data/``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import casefile, facts, paths
from .casefile import CHALLENGES, EPILOGUE_FIELDS, EPILOGUE_SECTIONS, REQUIRED_FIELDS, REQUIRED_SECTIONS

__all__ = ["Problem", "Decision", "check", "check_all", "hindsight", "refresh", "refresh_generated",
           "GENERATORS", "TEACHING_NOTE_SECTIONS"]

TEACHING_NOTE_SECTIONS = (
    "Audience and placement",
    "Learning objectives",
    "Using the A and B cases",
    "Board plan",
    "50-minute plan",
    "90-minute plan",
    "Role-play plan",
    "Likely student responses",
    "Key takeaways",
    "Assessment",
)

FRAME_SOURCE = "SEED-CNAS-2015"
A_WORDS = (2500, 4000)
EPILOGUE_WORDS = (800, 2000)


@dataclass(frozen=True)
class Problem:
    """One broken rule: ``file`` (relative to the repository), ``line`` (0 = unknown), ``message``."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}{f', line {self.line}' if self.line else ''}: {self.message}"


@dataclass(frozen=True)
class Decision:
    """The decision date (month, optionally day): nothing after it may appear before the learner predicts."""

    year: int
    month: int
    day: int | None = None

    @classmethod
    def parse(cls, text) -> "Decision | None":
        m = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", str(text or "").strip())
        if not m or not 1 <= int(m.group(2)) <= 12 or (m.group(3) and not 1 <= int(m.group(3)) <= 31):
            return None
        return cls(int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None)

    def after(self, year: int, month: int, day: int | None = None) -> bool:
        """Is the date (year, month[, day]) later than the decision? A month alone is later only if the
        month is; a day in the decision month is later only if the decision has a day before it."""
        if (year, month) != (self.year, self.month):
            return (year, month) > (self.year, self.month)
        return day is not None and self.day is not None and day > self.day

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}" + (f"-{self.day:02d}" if self.day else "")


# --------------------------------------------------------------------------------------------
# the hindsight rule (README section 5)

_MONTHS = {m.lower(): i for i, m in enumerate(casefile._MONTHS, 1)}
_MONTH_NAMES = "|".join(casefile._MONTHS)
_YEAR_RE = re.compile(r"(?<![\d.,$])((?:18|19|20)\d\d)(?!\d|[.,]\d)")
_MONTH_YEAR_RE = re.compile(rf"(?:\b(\d{{1,2}})\s+)?\b({_MONTH_NAMES})\b(?:\s+(\d{{1,2}}),?)?\s+((?:18|19|20)\d\d)\b")
_ISO_RE = re.compile(r"(?<!\d)((?:18|19|20)\d\d)-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?(?!\d)")
_UNIT_YEAR_RE = re.compile(r"\b(?:constant|real)\s+((?:19|20)\d\d)\s+(?:U\.?S\.?\s+)?(?:dollars|USD|prices)\b", re.I)
_SEASON_RE = re.compile(r"\b(summer|autumn|fall|late|end of)\s+((?:18|19|20)\d\d)\b", re.I)
_SEASON_MONTH = {"summer": 6, "autumn": 9, "fall": 9, "late": 10, "end of": 12}
_REQUEST_RE = re.compile(r"\bFY\s?((?:19|20)\d\d)\s+(?:budget\s+)?request", re.I)
HINDSIGHT_PHRASES = (
    "in hindsight", "in retrospect", "as it turned out", "would later", "would eventually",
    "would prove", "was to prove", "turned out to", "to this day", "years later", "went on to",
    "since then",
)
_PHRASE_RE = re.compile(r"\b(" + "|".join(re.escape(p) for p in HINDSIGHT_PHRASES) + r")\b", re.I)
_PLACEHOLDER_RE = re.compile(r"\{\{(.*?)\}\}", re.S)
_CITATION_RE = re.compile(r"\[@[^\[\]]*\]")


def _source_id_re():
    ids = sorted(casefile.sources_table().index, key=len, reverse=True)
    if not ids:
        return None
    return re.compile(r"(?<![A-Za-z0-9-])(?:" + "|".join(re.escape(i) for i in ids) + r")(?![A-Za-z0-9])")


def _strip_for_scan(text: str, ids_re) -> str:
    """Remove what is not narration: citations, source ids, URLs, placeholders (checked separately)."""
    text = _CITATION_RE.sub(" ", text)
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"data:[\w.+/-]+;base64,[A-Za-z0-9+/=]+", " ", text)  # embedded images (charts.show)
    text = _PLACEHOLDER_RE.sub(lambda m: " " * len(m.group(0)), text)
    if ids_re is not None:
        text = ids_re.sub(lambda m: " " * len(m.group(0)), text)
    return text


def hindsight(text: str, decision: Decision, ids_re=None) -> list[tuple[int, str]]:
    """``[(line, message)]`` for everything in ``text`` dated after ``decision`` (README section 5).

    Checks years, month-year dates, ISO dates, seasons, placeholders' year arguments and hindsight
    phrases. Citations and source ids are ignored (a source's date is not an event).
    """
    found = []
    for m in _PLACEHOLDER_RE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        try:
            name, args, _ = facts.parse_placeholder(m.group(1))
        except facts.FactError:
            continue  # reported by the placeholder check
        late = [y for y in facts.placeholder_years(name, args) if y > decision.year]
        if late:
            found.append((line, f"placeholder {{{{ {m.group(1).strip()} }}}} uses year {late[0]}, "
                                f"after the decision ({decision})"))
    scan = _strip_for_scan(text, ids_re)
    allowed = {m.start(1) for m in _REQUEST_RE.finditer(scan) if int(m.group(1)) == decision.year + 1}
    allowed |= {m.start(1) for m in _UNIT_YEAR_RE.finditer(scan)}  # a deflator base year is a unit, not an event
    for lineno, line in enumerate(scan.splitlines(), 1):
        offset = sum(len(x) + 1 for x in scan.splitlines()[: lineno - 1])
        for m in _YEAR_RE.finditer(line):
            if int(m.group(1)) > decision.year and offset + m.start(1) not in allowed:
                found.append((lineno, f"year {m.group(1)} is after the decision ({decision}): "
                                      f"{_snippet(line, m.start())!r}"))
        for m in _MONTH_YEAR_RE.finditer(line):
            day = m.group(1) or m.group(3)
            if int(m.group(4)) == decision.year and decision.after(
                    int(m.group(4)), _MONTHS[m.group(2).lower()], int(day) if day else None):
                found.append((lineno, f"{m.group(0).strip()!r} is after the decision ({decision})"))
        for m in _ISO_RE.finditer(line):
            if int(m.group(1)) == decision.year and decision.after(
                    int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None):
                found.append((lineno, f"date {m.group(0)} is after the decision ({decision})"))
        for m in _SEASON_RE.finditer(line):
            if int(m.group(2)) == decision.year and _SEASON_MONTH[m.group(1).lower()] > decision.month:
                found.append((lineno, f"{m.group(0)!r} is after the decision ({decision})"))
        for m in _PHRASE_RE.finditer(line):
            found.append((lineno, f"hindsight wording {m.group(0)!r}: {_snippet(line, m.start())!r}"))
    return found


def _snippet(line: str, at: int, width: int = 70) -> str:
    start = max(0, at - width // 2)
    return line[start:start + width].strip()


# --------------------------------------------------------------------------------------------
# typed figures, acronyms, paragraphs (README section 7)

_WEAPONS = (r"(?:helicopters?|aircraft|fighters?|jets?|tanks?|missiles?|kits?|frigates?|ships?|vessels?|"
            r"planes?|drones?|submarines?|corvettes?|rifles?|launchers?|vehicles?|warplanes?|Apaches|"
            r"F-16s|Rafales|Humvees)")
_NUMBER_WORDS = (r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
                 r"hundred|dozens?)")
TYPED_FIGURES = {
    "currency symbol": re.compile(r"[$€£¥]"),
    "currency code": re.compile(r"\b(?:USD|EUR|GBP|US\$)\b"),
    "percent": re.compile(r"%|\bper ?cent\b", re.I),
    "million/billion": re.compile(r"\b(?:million|billion|trillion|bn|mln)s?\b", re.I),
    "count of weapons": re.compile(rf"(?<![\w-])(?!(?:19|20)\d\d\b)\d[\d,.]*\s+(?:[A-Za-z0-9-]+\s+)?{_WEAPONS}\b"),
    "count of weapons in words": re.compile(rf"\b{_NUMBER_WORDS}\s+(?:[A-Za-z0-9-]+\s+)?{_WEAPONS}\b", re.I),
}

_ACRONYM_RE = re.compile(r"(?<![\w-])([A-Z][A-Za-z]*[A-Z])(s?)(?![\w])(?!-\d)")
_ROMAN_RE = re.compile(r"^[IVXLC]+$")


def _scrub(text: str) -> str:
    text = _PLACEHOLDER_RE.sub(" ", text)
    text = _CITATION_RE.sub(" ", text)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\{#[a-z0-9-]+\}", " ", text)
    return re.sub(r"https?://\S+", " ", text)


def typed_figures(text: str) -> list[tuple[int, str]]:
    """``[(line, message)]`` for every figure typed in prose instead of a placeholder."""
    found = []
    for lineno, line in enumerate(_scrub(text).splitlines(), 1):
        for label, pat in TYPED_FIGURES.items():
            for m in pat.finditer(line):
                found.append((lineno, f"typed figure ({label}) {m.group(0)!r}: use a placeholder"))
    return found


def acronyms(text: str) -> list[tuple[int, int, str]]:
    """``[(offset, line, acronym)]`` for every acronym in prose (README section 7)."""
    scrubbed = _scrub(text)
    out = []
    for m in _ACRONYM_RE.finditer(scrubbed):
        word = m.group(1)
        if _ROMAN_RE.match(word):
            continue
        out.append((m.start(), scrubbed.count("\n", 0, m.start()) + 1, word))
    return out


def _glossary_terms(glossary) -> dict:
    """``{acronym: name}`` for the acronyms among the glossary's terms."""
    out = {}
    for g in glossary or []:
        if not isinstance(g, dict):
            continue
        for m in _ACRONYM_RE.finditer(str(g.get("term", ""))):
            out[m.group(1)] = str(g.get("name", ""))
    return out


# --------------------------------------------------------------------------------------------
# the A case and the epilogue


def _bloom_verbs() -> set:
    return {v for verbs in casefile.BLOOM_VERBS.values() for v in verbs}


def _line_of(doc: casefile.Case, needle: str) -> int:
    pos = doc.body.find(needle)
    return doc.line_of(pos) if pos >= 0 else 0


def _questions_problems(doc, heading, lo, hi, need_all_c, add):
    qs = casefile.discussion_questions(doc)
    text = doc.sections.get(heading, "")
    numbered = re.findall(r"^\s*\d+\.\s", text, re.M)
    if len(qs) != len(numbered):
        add(_line_of(doc, f"## {heading}"), f"every item of '{heading}' starts with tags in brackets, e.g. [C4, R9]")
    if not lo <= len(qs) <= hi:
        add(_line_of(doc, f"## {heading}"), f"'{heading}' has {len(qs)} questions; the template asks for {lo}-{hi}")
    tags = set()
    for q in qs:
        bad = [t for t in q["tags"] if not casefile._TAG_RE.match(t)]
        if bad or not q["tags"]:
            add(_line_of(doc, f"{q['number']}. ["), f"question {q['number']}: tags must be C1..C8 or R1..R10, got {q['tags']}")
        if need_all_c and not any(t.startswith("C") for t in q["tags"]):
            add(_line_of(doc, f"{q['number']}. ["), f"question {q['number']} has no challenge tag C1..C8")
        tags |= set(q["tags"])
    if need_all_c:
        missing = sorted(set(CHALLENGES) - tags, key=lambda t: int(t[1:]))
        if missing:
            add(_line_of(doc, f"## {heading}"), f"challenges not covered by any question: {', '.join(missing)}")


def _common_body_checks(doc: casefile.Case, sources, glossary: dict, add) -> None:
    """Citations, placeholders, typed figures, paragraphs and acronyms, for A case and epilogue."""
    body = doc.body
    for m in re.finditer(r"\[(@[^\[\]]*)\]", body):
        for part in m.group(1).split(";"):
            k = casefile._KEY_RE.match(part.strip())
            if not k:
                add(doc.line_of(m.start()), f"malformed citation [{m.group(1)}]: each item must be @SOURCE-ID")
            elif k.group(1) not in sources.index:
                add(doc.line_of(m.start()), f"citation key @{k.group(1)} is not in data/sources.csv")
    n_placeholders = 0
    for m in _PLACEHOLDER_RE.finditer(body):
        n_placeholders += 1
        try:
            value = casefile.evaluate(m.group(1))
        except facts.FactError as exc:
            add(doc.line_of(m.start()), str(exc))
            continue
        if not value.sources:
            add(doc.line_of(m.start()), f"placeholder {{{{ {m.group(1).strip()} }}}} returned no source")
        for s in value.sources:
            if s not in sources.index:
                add(doc.line_of(m.start()), f"placeholder {{{{ {m.group(1).strip()} }}}} cites {s}, not in data/sources.csv")
    for line, msg in typed_figures(body):
        add(doc.body_line + line - 1, msg)
    skip = {"Discussion questions", "Debrief questions"}
    for heading, text in doc.sections.items():
        if heading in skip:
            continue
        start = doc.body.find(text) if text else -1
        for para in re.split(r"\n\s*\n", text):
            p = para.strip()
            if p and not p.startswith("#") and len(p.split()) >= 40 and "[@" not in p and "{{" not in p:
                add(doc.line_of(max(start, 0) + text.find(p)) if start >= 0 else 0,
                    f"a paragraph of {len(p.split())} words carries no citation: {p[:60]!r}")
    own = _glossary_terms(doc.meta.get("glossary"))
    known = dict(glossary)
    known.update(own)
    first_seen: dict = {}
    unknown: set = set()
    scrubbed = _scrub(body)
    for offset, line, word in acronyms(body):
        term = word if word in known else (word + "s" if word + "s" in known else None)
        if term is None:
            if word not in unknown:
                add(doc.body_line + line - 1, f"acronym {word} is not in the glossary (add a glossary term)")
            unknown.add(word)
            continue
        first_seen.setdefault(term, (offset, line))
    for term, (offset, line) in first_seen.items():
        if term not in own:
            continue  # defined in the A case's glossary and at first use there
        name = own[term].lower()
        window = scrubbed[max(0, offset - 120): offset + len(term) + 120].lower()
        if name and re.sub(r"\s+", " ", name) not in re.sub(r"\s+", " ", window):
            add(doc.body_line + line - 1, f"acronym {term} is not spelled out at first use "
                                          f"(write '{own[term]} ({term})' within the sentence)")


def _check_a_case(case: casefile.Case, root: Path, sources, add) -> Decision | None:
    meta = case.meta
    missing = [f for f in REQUIRED_FIELDS if f not in meta]
    if missing:
        add(1, f"front matter lacks {', '.join(missing)}")
    if meta.get("slug") != case.slug:
        add(1, f"slug {meta.get('slug')!r} must equal the folder name {case.slug!r}")
    if meta.get("country") not in casefile.COUNTRIES:
        add(1, f"country {meta.get('country')!r} is not one of {', '.join(casefile.COUNTRIES)}")
    if not isinstance(meta.get("version"), int):
        add(1, "version must be an integer")
    t = meta.get("estimated_time") or {}
    if not (isinstance(t, dict) and isinstance(t.get("reading"), int) and isinstance(t.get("notebook"), int)
            and t.get("seminar")):
        add(1, "estimated_time needs integer reading and notebook minutes and a seminar length")
    dec = meta.get("decision")
    decision = None
    if not isinstance(dec, dict):
        add(1, "front matter needs decision: {date: \"YYYY-MM\", protagonist: \"...\", question: \"...?\"}")
    else:
        decision = Decision.parse(dec.get("date"))
        if decision is None:
            add(1, f"decision.date {dec.get('date')!r} must be \"YYYY-MM\" (or \"YYYY-MM-DD\")")
        if not str(dec.get("protagonist") or "").strip():
            add(1, "decision.protagonist must name a real office-holder or office")
        q = str(dec.get("question") or "").strip()
        if not q.endswith("?") or q.count("?") != 1:
            add(1, "decision.question must be one sentence ending in '?'")
    objectives = meta.get("learning_objectives") or []
    if not 3 <= len(objectives) <= 5:
        add(1, f"{len(objectives)} learning objectives; the template asks for 3-5")
    bloom = _bloom_verbs()
    for obj in objectives:
        first = (re.match(r"[A-Za-z]+", str(obj)) or re.match(r"", "")).group(0).lower()
        if first not in bloom:
            add(1, f"learning objective does not start with a Bloom's verb: {str(obj)[:60]!r}")
    pre = meta.get("pre_reading") or []
    if not 1 <= len(pre) <= 4:
        add(1, f"{len(pre)} pre-reading items; the template asks for 1-4")
    for item in pre:
        src = item.get("source") if isinstance(item, dict) else None
        if not (isinstance(item, dict) and src and item.get("pages") and item.get("why")):
            add(1, f"pre_reading item needs source, pages and why: {item!r}")
            continue
        if src not in sources.index:
            add(1, f"pre_reading source {src} is not in data/sources.csv")
        elif decision and src != FRAME_SOURCE:
            d = Decision.parse(str(sources.loc[src].get("date", ""))[:7])
            if d and decision.after(d.year, d.month, d.day):
                add(1, f"pre_reading source {src} is dated {sources.loc[src].get('date')}, after the decision "
                       f"({decision}); learners read it before they predict")
    glossary = meta.get("glossary") or []
    if not glossary:
        add(1, "glossary must list the programs, offices and acronyms the case uses")
    for g in glossary:
        if not (isinstance(g, dict) and g.get("term") and g.get("name") and g.get("definition") and g.get("source")):
            add(1, f"glossary entry needs term, name, definition and source: {g!r}")
            continue
        if g["source"] not in sources.index:
            add(1, f"glossary source {g['source']} ({g['term']}) is not in data/sources.csv")
        for _, msg in typed_figures(str(g["definition"])):
            add(1, f"glossary {g['term']}: {msg}")
    # sections
    heads = casefile.section_headings(case)
    if tuple(heads) != REQUIRED_SECTIONS:
        extra = [h for h in heads if h not in REQUIRED_SECTIONS]
        lacking = [h for h in REQUIRED_SECTIONS if h not in heads]
        detail = []
        if lacking:
            detail.append("missing: " + "; ".join(lacking))
        if extra:
            detail.append("not in the template: " + "; ".join(extra))
        if not detail:
            detail.append("order differs")
        add(0, "level-2 sections must be, in order: " + " | ".join(REQUIRED_SECTIONS) + " (" + ", ".join(detail) + ")")
    # episodes
    declared = [e.get("id") for e in (meta.get("episodes") or []) if isinstance(e, dict)]
    anchored = casefile.episode_headings(case)
    all_anchors = casefile.anchored_headings(case)
    if set(declared) != set(anchored):
        add(0, f"front-matter episodes {sorted(declared)} and '### Title {{#id}}' headings in 'Conditionality "
               f"episodes' {sorted(anchored)} must agree")
    stray = sorted(set(all_anchors) - set(anchored))
    if stray:
        add(0, f"episode headings outside 'Conditionality episodes': {stray}")
    for eid in declared:
        if not str(eid).startswith(case.slug + "-"):
            add(0, f"episode id {eid!r} must start with '{case.slug}-'")
    # the decision section
    text = case.sections.get("The decision", "")
    if text and isinstance(dec, dict) and decision:
        surname = str(dec.get("protagonist", "")).split()[-1:] or [""]
        if surname[0] and surname[0] not in text:
            add(_line_of(case, "## The decision"), f"'The decision' must name the protagonist ({dec.get('protagonist')})")
        month = casefile._MONTHS[decision.month - 1]
        if not re.search(rf"\b{month}\b[^.\n]{{0,12}}\b{decision.year}\b|\b{month} {decision.year}\b", text):
            add(_line_of(case, "## The decision"), f"'The decision' must give the date ({month} {decision.year})")
        paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip() and not p.strip().startswith("#")]
        if paras and not _scrub(paras[-1]).rstrip().rstrip("*_").endswith("?"):
            add(_line_of(case, paras[-1][:40]), "'The decision' must end on the open question (last paragraph ends with '?')")
    _questions_problems(case, "Discussion questions", 6, 12, True, add)
    words = casefile.word_count(case)
    if not A_WORDS[0] <= words <= A_WORDS[1]:
        add(0, f"{words} words of prose; the A case must have {A_WORDS[0]:,}-{A_WORDS[1]:,}")
    _common_body_checks(case, sources, {}, add)
    # hindsight
    if decision:
        ids_re = _source_id_re()
        for line, msg in hindsight(case.body, decision, ids_re):
            add(case.body_line + line - 1, msg)
        front = [("title", meta.get("title", ""))] + [("learning objective", o) for o in objectives]
        front += [(f"glossary {g.get('term')}", g.get("definition", "")) for g in glossary if isinstance(g, dict)]
        front += [("decision question", (dec or {}).get("question", "")) if isinstance(dec, dict) else ("", "")]
        for label, value in front:
            for _, msg in hindsight(str(value), decision, ids_re):
                add(1, f"{label}: {msg}")
    return decision


def _check_epilogue(epi: casefile.Case, case: casefile.Case, sources, add) -> None:
    meta = epi.meta
    missing = [f for f in EPILOGUE_FIELDS if f not in meta]
    if missing:
        add(1, f"front matter lacks {', '.join(missing)}")
    if meta.get("slug") != case.slug:
        add(1, f"slug {meta.get('slug')!r} must equal the folder name {case.slug!r}")
    if meta.get("country") != case.meta.get("country"):
        add(1, f"country {meta.get('country')!r} must match the A case ({case.meta.get('country')!r})")
    if str(meta.get("decision_date", "")) != case.decision_date:
        add(1, f"decision_date {meta.get('decision_date')!r} must equal the A case's decision.date "
               f"{case.decision_date!r}")
    heads = casefile.section_headings(epi)
    if tuple(heads) != EPILOGUE_SECTIONS:
        add(0, "level-2 sections must be, in order: " + " | ".join(EPILOGUE_SECTIONS) + f" (found: {' | '.join(heads)})")
    listed = [e.get("id") for e in (meta.get("episodes") or []) if isinstance(e, dict)]
    a_eps = [e.get("id") for e in (case.meta.get("episodes") or []) if isinstance(e, dict)]
    for eid in a_eps:
        if eid not in listed:
            add(1, f"A-case episode {eid} must be listed in the epilogue's episodes")
    scores = casefile.anchored_headings(epi, "How the episodes score")
    followed = casefile.anchored_headings(epi, "What followed")
    for eid in listed:
        if f"{eid}-score" not in scores:
            add(_line_of(epi, "## How the episodes score"),
                f"episode {eid} needs a heading '### Title {{#{eid}-score}}' in 'How the episodes score'")
        if eid not in a_eps and eid not in followed:
            add(_line_of(epi, "## What followed"),
                f"later episode {eid} needs a heading '### Title {{#{eid}}}' in 'What followed' "
                "(trigger, demand, response, outcome)")
    for anchor in followed:
        if anchor not in listed:
            add(_line_of(epi, f"{{#{anchor}}}"), f"episode heading {{#{anchor}}} is not listed in the front matter")
    _questions_problems(epi, "Debrief questions", 3, 8, False, add)
    words = casefile.word_count(epi)
    if not EPILOGUE_WORDS[0] <= words <= EPILOGUE_WORDS[1]:
        add(0, f"{words} words of prose; the epilogue must have {EPILOGUE_WORDS[0]:,}-{EPILOGUE_WORDS[1]:,}")
    _common_body_checks(epi, sources, _glossary_terms(case.meta.get("glossary")), add)


def _check_rendered(doc: casefile.Case, add) -> None:
    try:
        md = casefile.render(doc)
    except facts.CaseError as exc:
        add(0, f"does not render: {exc}")
        return
    if "{{" in md or "}}" in md or "[@" in md:
        add(0, "rendered Markdown still holds '{{' or '[@'")
    if re.search(r"(?<!&#36;)\$", md.replace(casefile.md_safe("$"), "")):
        add(0, "rendered Markdown holds a raw '$' (must go through textsafe.md_safe)")
    sources = casefile.sources_table()
    refs = md.split("## References", 1)[-1]
    for key in casefile.citation_keys(doc.body):
        if key in sources.index and casefile.md_safe(str(sources.loc[key, "title"])) not in refs:
            add(0, f"references list lacks {key}")


# --------------------------------------------------------------------------------------------
# the notebook (README section 9)


def _cell_texts(cell: dict) -> list[str]:
    src = cell.get("source", "")
    texts = ["".join(src) if isinstance(src, list) else str(src)]
    for out in cell.get("outputs", []) or []:
        if "text" in out:
            t = out["text"]
            texts.append("".join(t) if isinstance(t, list) else str(t))
        for mime, value in (out.get("data") or {}).items():
            if mime.startswith("image/") or "widget" in mime:
                continue
            texts.append("".join(value) if isinstance(value, list) else json.dumps(value) if not isinstance(value, str) else value)
        texts.append(json.dumps(out.get("metadata") or {}))
    return texts


def notebook_path(slug: str, root: Path) -> Path | None:
    found = sorted((root / "notebooks").glob(f"*_{slug}.ipynb"))
    return found[0] if found else None


def _check_notebook(path: Path, decision: Decision, add) -> None:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        add(0, f"cannot read the notebook ({exc})")
        return
    cells = nb.get("cells", [])
    tagged = [i for i, c in enumerate(cells) if "predict-step" in ((c.get("metadata") or {}).get("tags") or [])]
    if len(tagged) != 1:
        add(0, f"exactly one cell must carry the metadata tag 'predict-step' (found {len(tagged)})")
        if not tagged:
            return
    cut = tagged[0]
    ids_re = _source_id_re()
    for i, cell in enumerate(cells[:cut]):
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else str(src)
        if re.search(r"\b(load_epilogue|show_epilogue_section)\b", src):
            add(0, f"cell {i + 1}: the epilogue is loaded before the predict-step cell")
        for j, text in enumerate(_cell_texts(cell)):
            where = "source" if j == 0 else "output"
            seen = set()
            for line, msg in hindsight(text, decision, ids_re):
                if msg in seen:
                    continue
                seen.add(msg)
                add(0, f"cell {i + 1} {where} (before predict-step), line {line}: {msg}")
    after = "".join("".join(c.get("source", "")) for c in cells[cut:] if c.get("cell_type") == "code")
    if not re.search(r"\b(load_epilogue|show_epilogue_section)\s*\(", after):
        add(0, "the epilogue is never rendered after the predict-step cell (cases.load_epilogue / show_epilogue_section)")


# --------------------------------------------------------------------------------------------
# instructor files (README section 10)

_CONE_RE = re.compile(r"\b(political-military|pol-mil|politico-military|security|military|intelligence|"
                      r"administrative|public affairs)\b[^.;\n]{0,60}?\bcones?\b", re.I)


def _outside_debrief(text: str) -> str:
    """The text with every level-2 section whose heading starts with 'Debrief' blanked (lines kept)."""
    out, blank = [], False
    for line in text.splitlines():
        if re.match(r"^##[ \t]", line):
            blank = bool(re.match(r"^##[ \t]+Debrief", line, re.I))
        out.append("" if blank else line)
    return "\n".join(out)


def _list_items(text: str) -> list[str]:
    """The items of a numbered Markdown list, continuation lines joined."""
    items: list[str] = []
    for line in text.splitlines():
        m = re.match(r"^\s*\d+\.\s+(.*)$", line)
        if m:
            items.append(m.group(1).strip())
        elif items and line.strip() and line.startswith((" ", "\t")):
            items[-1] += " " + line.strip()
    return items


def _check_instructor(folder: Path, decision: Decision | None, add_file) -> None:
    rel = f"instructor/{folder.name}"
    for name in ("teaching_note.md", "role_cards.md", "fso_variant.md"):
        if not (folder / name).exists():
            add_file(f"{rel}/{name}", 0, "file missing (template section 10)")
    note = folder / "teaching_note.md"
    if note.exists():
        text = note.read_text(encoding="utf-8")
        heads = [h.strip() for h in re.findall(r"^##[ \t]+(.+?)[ \t]*$", text, re.M)]
        pos = -1
        for want in TEACHING_NOTE_SECTIONS:
            hits = [i for i, h in enumerate(heads) if h == want or re.sub(r"^\d+\.\s*", "", h) == want]
            if not hits:
                add_file(f"{rel}/teaching_note.md", 0, f"missing level-2 heading '## {want}'")
            elif hits[0] < pos:
                add_file(f"{rel}/teaching_note.md", 0, f"'## {want}' is out of order (see cases/README.md section 10)")
            else:
                pos = hits[0]

        def section(name):
            m = re.search(rf"^##[ \t]+(?:\d+\.\s*)?{re.escape(name)}[ \t]*$(.*?)(?=^##[ \t]|\Z)", text, re.M | re.S)
            return m.group(1) if m else ""

        objectives = _list_items(section("Learning objectives"))
        if not objectives:
            add_file(f"{rel}/teaching_note.md", 0, "'Learning objectives' must be a numbered list")
        for i, obj in enumerate(objectives, 1):
            if not re.search(r"\bC[1-8]\b", obj) or not re.search(r"\bR(?:10|[1-9])\b", obj):
                add_file(f"{rel}/teaching_note.md", 0, f"learning objective {i} must be tagged with a challenge "
                                                       "and a recommendation, e.g. [C4, C5; R9]")
        for name, total in (("50-minute plan", 50), ("90-minute plan", 90)):
            ends = [int(b) for _, b in re.findall(r"^\|\s*(\d+)\s*[-–]\s*(\d+)\s*\|", section(name), re.M)]
            if not ends or max(ends) != total:
                add_file(f"{rel}/teaching_note.md", 0, f"'{name}' needs a table of timed blocks ending at minute {total}")
        assess = section("Assessment").lower()
        if "participation" not in assess or "memo" not in assess:
            add_file(f"{rel}/teaching_note.md", 0, "'Assessment' must cover participation and the one-page decision memo")
    ids_re = _source_id_re()
    for name in ("role_cards.md", "fso_variant.md"):
        path = folder / name
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        if decision:
            for line, msg in hindsight(_outside_debrief(re.sub(r"\[[A-Z0-9][A-Za-z0-9.;, -]*\]", " ", text)),
                                       decision, ids_re):
                add_file(f"{rel}/{name}", line, f"{msg} (move it to a '## Debrief' section)")
        for m in _CONE_RE.finditer(text):
            add_file(f"{rel}/{name}", text.count("\n", 0, m.start()) + 1,
                     f"no such Foreign Service cone: {m.group(0)!r} (the five are management, consular, "
                     "economic, political, public diplomacy)")


# --------------------------------------------------------------------------------------------
# generated blocks in instructor files (answers that come from a model are printed by code)

_GENERATED_RE = re.compile(r"(<!-- generated: ([a-z-]+)((?: [^ >]+)*) -->\n)(.*?)(\n?<!-- /generated -->)", re.S)


def _gen_leverage_summary(country: str, year: str) -> str:
    from . import leverage

    return leverage.assess(country, int(year)).summary()


def _gen_leverage_explain(country: str, year: str) -> str:
    from . import leverage

    return leverage.assess(country, int(year)).explain()


def _gen_conditionality_explain(episode_id: str) -> str:
    from . import conditionality

    return conditionality.simulate(episode_id).explain()


#: name -> function(*string arguments) -> text. Used as ``<!-- generated: NAME ARG ... -->`` blocks.
GENERATORS = {"leverage-summary": _gen_leverage_summary, "leverage-explain": _gen_leverage_explain,
              "conditionality-explain": _gen_conditionality_explain}


def refresh_generated(text: str) -> tuple[str, list[str]]:
    """Recompute every ``<!-- generated: ... -->`` block; returns the new text and the names changed."""
    changed = []

    def sub(m):
        name, args = m.group(2), m.group(3).split()
        if name not in GENERATORS:
            raise facts.CaseError(f"unknown generated block {name!r} (known: {', '.join(GENERATORS)})")
        new = GENERATORS[name](*args).strip()
        if new != m.group(4).strip():
            changed.append(f"{name} {' '.join(args)}")
        return f"{m.group(1)}{new}\n<!-- /generated -->"

    return _GENERATED_RE.sub(sub, text), changed


def _check_generated(folder: Path, add_file) -> None:
    for path in sorted(folder.glob("*.md")):
        try:
            _, changed = refresh_generated(path.read_text(encoding="utf-8"))
        except (facts.CaseError, ValueError, TypeError) as exc:
            add_file(f"instructor/{folder.name}/{path.name}", 0, str(exc))
            continue
        for name in changed:
            add_file(f"instructor/{folder.name}/{path.name}", 0, f"generated block '{name}' is out of date "
                     f"(run: python -m casekit.cases refresh {folder.name})")


# --------------------------------------------------------------------------------------------
# case facts


def _check_case_facts(case, epi, add_file) -> None:
    texts = case.body + "\n" + (epi.body if epi else "")
    df = facts.data.load("case_facts")
    for _, row in df[df["country"] == case.country].iterrows():
        if not re.search(r'fact\(\s*["\']' + re.escape(str(row["fact_id"])) + r'["\']', texts):
            add_file("data/case_facts.csv", 0, f"{row['fact_id']} ({case.country}) is used by neither the case "
                                               "nor the epilogue")


# --------------------------------------------------------------------------------------------
# entry points


def check(slug: str, root: Path | None = None) -> list[Problem]:
    """Every template problem of case folder ``slug`` under ``root`` (default: the repository)."""
    root = Path(root) if root is not None else paths.ROOT
    problems: list[Problem] = []

    def adder(file):
        return lambda line, msg: problems.append(Problem(file, int(line or 0), msg))

    def add_file(file, line, msg):
        problems.append(Problem(file, int(line or 0), msg))

    case_path = root / "cases" / slug / "case.md"
    if not case_path.exists():
        return [Problem(f"cases/{slug}/case.md", 0, "file not found")]
    try:
        case = casefile.parse(case_path.read_text(encoding="utf-8"), slug=slug, path=case_path)
    except facts.CaseError as exc:
        return [Problem(f"cases/{slug}/case.md", 0, str(exc))]
    sources = casefile.sources_table()
    decision = _check_a_case(case, root, sources, adder(case.filename))
    _check_rendered(case, adder(case.filename))
    epi_path = root / "cases" / slug / "epilogue.md"
    epi = None
    if not epi_path.exists():
        add_file(f"cases/{slug}/epilogue.md", 0, "the epilogue (B case) is missing (template section 6)")
    else:
        try:
            epi = casefile.parse(epi_path.read_text(encoding="utf-8"), slug=slug, path=epi_path, kind="epilogue")
        except facts.CaseError as exc:
            add_file(f"cases/{slug}/epilogue.md", 0, str(exc))
        if epi is not None:
            _check_epilogue(epi, case, sources, adder(epi.filename))
            _check_rendered(epi, adder(epi.filename))
    nb = notebook_path(slug, root)
    if nb is None:
        add_file(f"notebooks/1N_{slug}.ipynb", 0, "the case notebook is missing (template section 9)")
    elif decision:
        _check_notebook(nb, decision, adder(str(nb.relative_to(root))))
    _check_instructor(root / "instructor" / slug, decision, add_file)
    if (root / "instructor" / slug).is_dir():
        _check_generated(root / "instructor" / slug, add_file)
    if root == paths.ROOT:
        _check_case_facts(case, epi, add_file)
    return problems


def check_all(root: Path | None = None) -> dict:
    """``{slug: [Problem]}`` for every case folder with a case.md under ``root``."""
    root = Path(root) if root is not None else paths.ROOT
    return {p.parent.name: check(p.parent.name, root) for p in sorted((root / "cases").glob("*/case.md"))}


def refresh(slug: str) -> list[str]:
    """Rewrite the generated blocks of ``instructor/<slug>/*.md``; returns the files changed."""
    changed = []
    for path in sorted((paths.ROOT / "instructor" / slug).glob("*.md")):
        text = path.read_text(encoding="utf-8")
        new, names = refresh_generated(text)
        if names:
            path.write_text(new, encoding="utf-8")
            changed.append(f"{path.relative_to(paths.ROOT)}: {', '.join(names)}")
    return changed


def main(argv: list[str]) -> int:
    """``check [slug ...]``: print every problem, exit 1 if any; ``refresh slug``: regenerate blocks."""
    if argv[:1] == ["refresh"] and len(argv) == 2:
        for line in refresh(argv[1]) or ["nothing to refresh"]:
            print(line)
        return 0
    if not argv or argv[0] != "check":
        print("usage: python -m casekit.cases check [slug ...]   |   python -m casekit.cases refresh slug")
        return 2
    slugs = argv[1:] or casefile.case_slugs()
    unknown = [s for s in slugs if not (paths.CASES / s / "case.md").exists()]
    if unknown:
        print(f"no case file for: {', '.join(unknown)} (cases: {', '.join(casefile.case_slugs())})")
        return 2
    total = 0
    for slug in slugs:
        problems = check(slug)
        for p in problems:
            print(p)
        print(f"{slug}: {len(problems)} problem{'s' if len(problems) != 1 else ''}")
        total += len(problems)
    return 1 if total else 0
