# The two commands a newcomer needs: `make run` and `make test`.
# Every target installs what it needs into .venv first (refreshed when pyproject.toml changes).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export HOST ?= 127.0.0.1
export PORT ?= 5000
DEMO   ?= 1

.PHONY: install run test test-pg e2e bench lint format translations clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) translations

translations: $(STAMP)
	@if [ -d survey_app/translations ]; then $(BIN)/pybabel -q compile -d survey_app/translations; fi

# DEMO=0 make run: no demo ward; `cfw init` prints the one-time code of the /setup page.
run: install
	$(BIN)/cfw init $(if $(filter 0,$(DEMO)),,--no-setup-code)
	$(if $(filter 0,$(DEMO)),,$(BIN)/cfw demo --if-new)
	$(BIN)/cfw serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -m "not e2e"

# The same suite against PostgreSQL (default: the server on 127.0.0.1:5432, database test).
test-pg: install
	DATABASE_URL=$${DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} $(BIN)/python -m pytest -m "not e2e"

# Browser tests: Playwright drives Debian's chromium (apt-get install chromium; never a browser
# download by a test tool); axe-core comes inside the axe-playwright-python wheel.
# Screenshots land in artifacts/screenshots/.
E2E_STAMP := $(VENV)/.installed-e2e
$(E2E_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,e2e]'
	touch $(E2E_STAMP)

e2e: install $(E2E_STAMP)
	@test -x /usr/bin/chromium || { echo "chromium missing: apt-get install -y chromium fonts-dejavu-core"; exit 1; }
	$(BIN)/python -m pytest -m e2e tests/e2e

# Benchmarks: each script measures our code and a baseline in the same run and prints ratios.
bench: install
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
