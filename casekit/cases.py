"""Case files for notebooks: one import for everything a case notebook needs.

``from casekit import cases`` keeps working as before the split; the work is done in three modules:

* :mod:`casekit.casefile` parses and renders the A case (``cases/<slug>/case.md``) and the epilogue
  (``cases/<slug>/epilogue.md``): sections, numbered endnote citations, references, episodes;
* :mod:`casekit.facts` holds the placeholder fact functions (figures from :mod:`casekit.data`);
* :mod:`casekit.casecheck` is the template (version 2, ``cases/README.md``) as code.

Authors check a case with::

    python -m casekit.cases check egypt     # or no slug: every case folder with a case.md
"""

from __future__ import annotations

import sys

from .casecheck import Problem, check, check_all
from .casefile import (
    BLOOM_VERBS,
    CHALLENGES,
    EPILOGUE_SECTIONS,
    RECOMMENDATIONS,
    REQUIRED_SECTIONS,
    Case,
    CaseError,
    FactError,
    case_slugs,
    citation_keys,
    discussion_questions,
    episode_headings,
    episode_text,
    evaluate,
    load,
    load_epilogue,
    note_numbers,
    parse,
    placeholders,
    question_map,
    references,
    render,
    render_front_matter,
    render_section,
    section_headings,
    show_epilogue_section,
    show_section,
    sources_table,
    word_count,
)
from .facts import FACTS, FactValue, format_percent, format_usd_millions, parse_placeholder

__all__ = [
    "Case", "CaseError", "FactError", "FactValue", "FACTS", "Problem",
    "REQUIRED_SECTIONS", "EPILOGUE_SECTIONS", "CHALLENGES", "RECOMMENDATIONS", "BLOOM_VERBS",
    "load", "load_epilogue", "parse", "case_slugs", "sources_table", "citation_keys", "placeholders",
    "parse_placeholder", "evaluate", "render", "render_section", "references", "note_numbers",
    "show_section", "show_epilogue_section", "render_front_matter", "episode_text",
    "discussion_questions", "question_map", "episode_headings", "section_headings", "word_count",
    "format_usd_millions", "format_percent", "check", "check_all",
]


if __name__ == "__main__":
    from .casecheck import main

    sys.exit(main(sys.argv[1:]))
