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

.PHONY: lab test test-browser test-units test-notebooks notebooks my-work update-data benchmark check-python clean

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || \
	  { echo "casekit needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>/dev/null || echo 'not found'). Install a newer Python or run: make PYTHON=python3.12 ..."; exit 1; }

$(STAMP): pyproject.toml constraints.txt | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e .
	@touch $(STAMP)

lab: $(STAMP)
	@echo "Opening casekit on http://127.0.0.1:$(PORT)/lab (the token is in the link printed below)."
	$(VENV)/bin/jupyter lab notebooks/00_start_here.ipynb --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) \
	  --ServerApp.port_retries=0 $$( [ -z "$$DISPLAY" ] && echo --no-browser ) $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadfile -p no:cacheprovider tests notebooks exercises $(PYTEST_NBVAL)

# Real-browser smoke test (opt-in; needs Debian's chromium). Not part of `make test`.
test-browser: $(STAMP)
	@test -x /usr/bin/chromium || { echo "test-browser needs chromium: sudo apt-get install -y chromium"; exit 1; }
	@$(PY) -c 'import playwright' 2>/dev/null || $(PY) -m pip install --quiet --disable-pip-version-check playwright==1.65.2
	CASEKIT_BROWSER_TESTS=1 $(PY) -m pytest -p no:cacheprovider tests/browser -v

test-units: $(STAMP)
	$(PY) -m pytest -n 2 -p no:cacheprovider tests

# Check a single notebook: make check NB=notebooks/10_egypt.ipynb
check: $(STAMP)
	$(PY) -m pytest -p no:cacheprovider $(NB) $(PYTEST_NBVAL)

notebooks: $(STAMP)
	$(PY) -m casekit.execute $(NOTEBOOKS)

my-work: $(STAMP)
	$(PY) -m casekit.mywork

update-data: $(STAMP)
	@test -n "$(FILE)" || { echo "usage: make update-data FILE=path/to/us_foreign_aid_complete.csv"; exit 1; }
	$(PY) -m casekit.foreignassistance "$(FILE)"

benchmark: $(STAMP)
	$(PY) benchmarks/widget_latency.py

clean:
	rm -rf $(VENV) .pytest_cache
