# Quick start: `make run` (set up, then start the app on SQLite with demo data) and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test setup system-deps bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

run: $(STAMP)
	@# The learned second opinion: trained once on the documented simulator (the app says so wherever it shows it).
	@[ -f "$${WENPING_MODEL_DIR:-data/models}/CURRENT" ] || $(BIN)/wenping model train
	$(BIN)/wenping serve --demo

test: $(STAMP) system-deps
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python bench/score.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
