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

# JURISDICTION and DATA reach commands through the environment, quoted ("$$POLICYQA_MAKE_DATA"), never
# pasted into a command line: a value holding quotes, ;, $$(...) or spaces is passed as it is, and nothing in
# it runs. $(value ...) keeps make itself from expanding what the value holds, and they are not exported
# under their own names (exporting would expand them).
unexport JURISDICTION DATA CORRECTIONS
export POLICYQA_MAKE_DATA = $(value DATA)
export POLICYQA_MAKE_JURISDICTION = $(value JURISDICTION)
export POLICYQA_MAKE_CORRECTIONS = $(value CORRECTIONS)

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
	@echo "make setup: installing into $(VENV)/ policyqa and the versions pinned in constraints.txt:"
	@echo "  pandas, pandera, pyarrow, openpyxl, matplotlib (the library); jupyterlab, ipykernel, papermill,"
	@echo "  nbconvert, nbval (notebooks); pytest, hypothesis, ruff, playwright (tests); about 120 packages in all,"
	@echo "  a few minutes and about 1 GB on a fresh machine. The browser test installs Debian's chromium itself."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[notebooks,test]' playwright
	$(BIN)/python -m ipykernel install --sys-prefix --name policyqa --display-name "Python (policyqa)" >/dev/null
	@touch $(STAMP)

tables: setup
	$(BIN)/policyqa tables "$$POLICYQA_MAKE_DATA" --out data/processed \
		$${POLICYQA_MAKE_CORRECTIONS:+--corrections "$$POLICYQA_MAKE_CORRECTIONS"}

briefing: tables
	$(BIN)/policyqa briefing --data "$$POLICYQA_MAKE_DATA" \
		$${POLICYQA_MAKE_JURISDICTION:+--jurisdiction "$$POLICYQA_MAKE_JURISDICTION"} \
		$${POLICYQA_MAKE_CORRECTIONS:+--corrections "$$POLICYQA_MAKE_CORRECTIONS"}

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
