# policyqa: two commands do all the set-up on a fresh machine with Python 3.11+ and make.
#   make briefing   tables, notebooks and the chart pack (the main job)
#   make test       unit, property, scoring, notebook (nbval) and browser tests
# Both create .venv and install the pinned versions in constraints.txt through `make setup`.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JURISDICTION ?=
DATA   ?= data/raw
CORRECTIONS ?=
FIXES  = $(if $(CORRECTIONS),--corrections "$(CORRECTIONS)")

.PHONY: setup briefing tables test lab bench fuzz clean help

help:
	@echo "make briefing [JURISDICTION=Japan]  tables, notebooks, reports/figures and reports/briefing.html"
	@echo "       [DATA=folder] [CORRECTIONS=file|none]  (default: corrections.csv above DATA, data/corrections.csv)"
	@echo "make test                           every test, notebooks (nbval) and browser included"
	@echo "make lab                            JupyterLab on the notebooks with the policyqa kernel"
	@echo "make bench | make fuzz | make clean"

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "policyqa needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[notebooks,test]' playwright
	$(BIN)/python -m ipykernel install --sys-prefix --name policyqa --display-name "Python (policyqa)" >/dev/null
	@touch $(STAMP)

tables: setup
	$(BIN)/policyqa tables $(DATA) --out data/processed $(FIXES)

briefing: tables
	$(BIN)/python -m policyqa.briefing --data $(DATA) $(if $(JURISDICTION),--jurisdiction "$(JURISDICTION)") $(FIXES)

test: setup
	$(BIN)/python -m pytest

lab: setup
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks $$([ "$$(id -u)" = 0 ] && echo --allow-root)

bench: setup
	$(BIN)/python benchmarks/run.py

fuzz: setup
	$(BIN)/python tests/fuzz.py --minutes $${FUZZ_MINUTES:-10}

clean:
	rm -rf data/processed/*.csv reports/figures reports/briefing.html reports/screenshots build/notebooks .cache .pytest_cache
