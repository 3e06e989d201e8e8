# casekit: two commands do everything.
#   make lab    open the kit in JupyterLab (creates .venv and installs pinned packages first)
#   make test   prove it works: unit tests plus nbval over every notebook
# Other targets: make notebooks (re-execute all notebooks in place), make my-work (copy notebooks
# to your own my-work/ folder, never overwriting), make update-data FILE=... (import an official
# ForeignAssistance.gov CSV), make benchmark, make clean.

PYTHON ?= python3
PORT ?= 8888
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.casekit-installed
NOTEBOOKS := $(wildcard notebooks/*.ipynb) $(wildcard exercises/*.ipynb)
PYTEST_NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=300

.PHONY: lab lab-port FORCE test test-browser test-units test-notebooks notebooks my-work update-data benchmark check-python clean

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || \
	  { echo "casekit needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>/dev/null || echo 'not found'). Install a newer Python or run: make PYTHON=python3.12 ..."; exit 1; }

# .venv is checked on every run (well under a second): a half-made one (no pip, Python that does not
# run) is rebuilt, a missing venv/ensurepip module is named with the package to install, and the pinned
# packages are (re)installed only when pyproject.toml or constraints.txt changed (casekit/bootstrap.py).
$(STAMP): FORCE | check-python
	@$(PYTHON) casekit/bootstrap.py --venv $(VENV)

FORCE:

# Serves the whole kit (notebooks/, exercises/, my-work/) and opens notebooks/00_start_here.ipynb; the port is
# checked before anything is installed or started (casekit/lab.py). NO_BROWSER=1 never opens a browser.
lab: lab-port $(STAMP)
	@$(PY) -m casekit.lab --port $(PORT) $(if $(NO_BROWSER),--no-browser)

lab-port: | check-python
	@$(PYTHON) casekit/lab.py --check-port --port $(PORT)

test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadfile -p no:cacheprovider tests notebooks exercises $(PYTEST_NBVAL)

# Real-browser suite (tests/browser/README.md): every notebook opened and run in JupyterLab in chromium.
# Needs a chromium (Debian: apt-get install chromium; or CASEKIT_CHROMIUM=/path); installs the pinned
# playwright and axe-playwright-python (the [browser] extra). .ci/run runs it after `make test`.
test-browser: $(STAMP)
	@$(PYTHON) casekit/bootstrap.py --venv $(VENV) --extra browser --extra present
	@test -x "$${CASEKIT_CHROMIUM:-/usr/bin/chromium}" || { echo "test-browser needs chromium: apt-get install -y chromium (Debian/Ubuntu, as root), or set CASEKIT_CHROMIUM=/path/to/chromium"; exit 1; }
	CASEKIT_BROWSER_TESTS=1 $(PY) -m pytest -p no:cacheprovider tests/browser -v -rfEs

test-units: $(STAMP)
	$(PY) -m pytest -n 2 -p no:cacheprovider tests

# Check a single notebook: make check NB=notebooks/10_egypt.ipynb
check: $(STAMP)
	$(PY) -m pytest -p no:cacheprovider $(NB) $(PYTEST_NBVAL)

notebooks: $(STAMP)
	$(PY) -m casekit.execute $(NOTEBOOKS)

my-work: $(STAMP)
	$(PY) -m casekit.mywork

# Adds the six countries' rows of a ForeignAssistance.gov "complete" download to data/local/ (validated,
# written atomically; see casekit/foreignassistance.py). DATA_DIR=... imports into another data folder.
update-data: $(STAMP)
	@test -n "$(FILE)" || { echo "usage: make update-data FILE=path/to/us_foreign_aid_complete.csv"; exit 1; }
	@$(PY) -m casekit.foreignassistance "$(FILE)" $(if $(DATA_DIR),--data-dir "$(DATA_DIR)")

benchmark: $(STAMP)
	$(PY) benchmarks/widget_latency.py

# Reading and presenting the kit (README "Teaching with the kit"). handouts and site install the pinned
# [docs] extra (WeasyPrint, pypdf, Sphinx, MyST-NB, sphinx-book-theme), present the [present] extra (Voila).
#   make handouts [PAPER=letter]   student PDF+HTML and instructor PDF per case -> build/handouts/
#   make site [STUDENTS=1]         static offline website of the kit -> build/site/ (STUDENTS=1: no instructor section, build/site-students/)
#   make present NB=notebooks/10_egypt.ipynb [PRESENT_PORT=8866]   app mode on 127.0.0.1 with a token
#   make test-docs                 the handout and site tests (.ci/run runs them after make test)
.PHONY: handouts site present test-docs
PAPER ?= a4
PRESENT_PORT ?= 8866

handouts: $(STAMP)
	@$(PYTHON) casekit/bootstrap.py --venv $(VENV) --extra docs
	$(PY) -m casekit.handouts --paper $(PAPER)

site: $(STAMP)
	@$(PYTHON) casekit/bootstrap.py --venv $(VENV) --extra docs
	$(PY) -m casekit.site $(if $(STUDENTS),--students)

present: $(STAMP)
	@test -n "$(NB)" || { echo "usage: make present NB=notebooks/10_egypt.ipynb"; exit 1; }
	@$(PYTHON) casekit/bootstrap.py --venv $(VENV) --extra present
	$(PY) -m casekit.present "$(NB)" --port $(PRESENT_PORT)

test-docs: $(STAMP)
	@$(PYTHON) casekit/bootstrap.py --venv $(VENV) --extra docs
	CASEKIT_DOCS_TESTS=1 $(PY) -m pytest -p no:cacheprovider tests/test_handouts.py tests/test_site.py -v -rfEs

clean:
	rm -rf $(VENV) .pytest_cache
