# Two commands on a fresh machine with only python3 and make: `make demo`, `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

LANDING ?= data/landing
HOME_DIR ?= data
UNITS ?= 8
DAYS ?= 92
START ?= 2026-07-01
DEFECTS ?= 0.01
KEY_FILE := $(HOME_DIR)/pii.key

.PHONY: venv demo test lint run generate dev bench clean bi bi-venv

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install -qq --disable-pip-version-check --no-deps -e .
	# Bytecode for the editable package now: a machine with PYTHONDONTWRITEBYTECODE set would compile it in every run.
	$(BIN)/python -m compileall -q pipelines
	rm -f $(VENV)/.installed-*
	touch $@

# The demo key lives outside git, readable by its owner only; production sets MUTU_PII_KEY.
$(KEY_FILE):
	mkdir -p $(HOME_DIR)
	( umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_hex(32))" > $@ )

generate: venv
	$(BIN)/mutu generate --out $(LANDING) --units $(UNITS) --days $(DAYS) --start $(START) --defects $(DEFECTS)

demo: venv $(KEY_FILE)
	rm -rf $(LANDING)
	$(BIN)/mutu generate --out $(LANDING) --units $(UNITS) --days $(DAYS) --start $(START) --defects $(DEFECTS)
	MUTU_PII_KEY_FILE=$(KEY_FILE) $(BIN)/mutu run --landing $(LANDING) --home $(HOME_DIR)

run: venv $(KEY_FILE)
	MUTU_PII_KEY_FILE=$(KEY_FILE) $(BIN)/mutu run --landing $(LANDING) --home $(HOME_DIR)

# Dagster UI on the demo home, loopback only.
dev: venv $(KEY_FILE)
	DAGSTER_HOME=$(abspath $(HOME_DIR))/dagster MUTU_HOME=$(abspath $(HOME_DIR)) MUTU_LANDING=$(abspath $(LANDING)) \
	MUTU_PII_KEY_FILE=$(abspath $(KEY_FILE)) $(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

# Apache Superset on the published warehouse, in its own venv (never Mutu's): `make demo` first.
# The admin password is generated into BI_HOME/admin_password; loopback only.
BI_VENV := .venv-bi
BI_STAMP := $(BI_VENV)/.installed-$(shell cat bi/requirements.lock bi/constraints.txt | cksum | cut -d' ' -f1)
BI_HOME ?= $(HOME_DIR)/bi
BI_PORT ?= 8088

bi-venv: $(BI_STAMP)

$(BI_STAMP): bi/requirements.lock bi/constraints.txt
	test -x $(BI_VENV)/bin/python || $(PYTHON) -m venv $(BI_VENV)
	$(BI_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -c bi/constraints.txt -r bi/requirements.lock
	rm -f $(BI_VENV)/.installed-*
	touch $@

bi: bi-venv
	$(BI_VENV)/bin/python bi/superset_mutu.py serve --home $(abspath $(BI_HOME)) \
	  --warehouse $(abspath $(HOME_DIR))/warehouse/mutu.duckdb --port $(BI_PORT)

# Lint is part of the tests: ruff (check and format) over the Python, sqlfluff (DuckDB dialect) over sql/.
lint: venv
	$(BIN)/ruff check --quiet .
	$(BIN)/ruff format --check --quiet .
	$(BIN)/sqlfluff lint sql --disable-progress-bar

test: venv lint
	$(BIN)/python -m pytest -q

# Benchmark: S, M, M3 and nightly workloads, with DuckDB's parse floor measured in the same run.
# BENCH=S for the smoke size only. Outputs in bench/out/ (git-ignored).
BENCH ?= all
bench: venv
	$(BIN)/python -m bench.run --workloads $(BENCH) --out bench/out

clean:
	rm -rf data .pytest_cache
