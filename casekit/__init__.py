"""casekit: a case-study teaching kit on U.S. security assistance and cooperation.

Modules (one job each; a notebook is narrative plus calls into these)
----------------------------------------------------------------------
paths              where the kit's folders are (data/, cases/, notebooks/ ...)
tables             the one CSV-reading layer: decode, check against the schema, explain; validation cache
data               load and validate the cited tables in data/ (via tables), plus query helpers
coverage           which country, program group and fiscal year has an aid figure
chartrule          which assistance row the charts use (the documented chart-row rule)
foreignassistance  import the official ForeignAssistance.gov CSV (make update-data)
cases              what case notebooks import: re-exports casefile, facts, casecheck; `python -m casekit.cases check`
casefile           parse and render A cases and epilogues (numbered endnotes, md_safe)
facts              placeholder fact functions: figures for case prose from the data queries
casecheck          the case template (v2) as code: front matter, sections, hindsight rule, notebook order
charts             evidence charts for the case notebooks
vocabulary         one vocabulary for both models and labs, each term mapped to the report's challenges
leverage           the leverage teaching heuristic (assess, sensitivity, ranges and ties)
conditionality     the conditionality teaching model and its historical episodes
validate           one validation module for learner inputs (one-line errors, closest match)
predictions        learners' predictions saved in my-work/, locked once revealed; collect a class's
widgets            LeverageLab, ConditionalityLab and PredictionPanel (ipywidgets)
explorer           DataExplorer: aid by country, program and year with sources
exercises          cross-case exercises: predict, record, reveal, score
figures            one persistent matplotlib figure per widget, redrawn in place
style              colour-blind-safe palette, fonts and alt text for figures
kitmap             the map of cases, tools and exercises (built or coming)
mywork             copy notebooks into the learner's own my-work/ folder, never overwriting
execute            re-execute notebooks in place, deterministically (make notebooks)
textsafe           md_safe(): the one place that keeps rendered Markdown/HTML from being typeset as maths
lab                start JupyterLab on the whole kit (make lab): port check, link with token, browser
bootstrap          create or repair .venv and install the pinned packages (run by make; stdlib only)
handouts           printable case packs: student PDF/HTML and instructor PDF (make handouts; WeasyPrint)
site               the kit as a static offline website from stored outputs, with a link check (make site)
present            one notebook in app mode (Voila) on 127.0.0.1 with a token (make present)
"""

__version__ = "0.1.0"
