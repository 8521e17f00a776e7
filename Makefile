# Two entry points: `make run` (set up, migrate, demo, serve) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
VENDOR := zhaoshang/web/static/vendor
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test lint bench review clean

MESSAGES := $(wildcard zhaoshang/locale/*/LC_MESSAGES/django.po)

setup: $(VENV)/.installed $(VENDOR)/.installed $(MESSAGES:.po=.mo)

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

# htmx and ECharts come from the npm registry through package-lock.json.
$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	touch $@

# Compiled translations are build outputs: made from each .po whenever it changes.
%.mo: %.po $(VENV)/.installed
	$(BIN)/python -m zhaoshang.i18n_compile $<

run: setup
	$(BIN)/zhaoshang demo --if-empty
	$(BIN)/zhaoshang serve --host $(HOST) --port $(PORT)

PYTEST_ARGS ?= -n 2

test: setup
	$(BIN)/ruff check zhaoshang tests
	$(BIN)/ruff format --check zhaoshang tests
	$(BIN)/zhaoshang makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

bench: setup
	$(BIN)/zhaoshang bench

# The security reviewer's one command (docs/security.md): matrix, scope property,
# findings, fuzzing, concurrency and backup at full size, on SQLite and on the
# PostgreSQL that DATABASE_URL names, then the load benchmark; one summary.
review: setup
	$(BIN)/python -m tests.review

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
