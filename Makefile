# provnews: `make run` runs the nightly job once on the offline mirror; `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
UV_VERSION := 0.13.9

.PHONY: install run test test-fast bench bench-extraction airflow airflow-stop browser lock clean dictionary browse

install: $(INSTALLED)

# Bytecode is compiled once at install: every crawl and Airflow task is a fresh process, and
# with PYTHONDONTWRITEBYTECODE set each one would recompile Scrapy and Airflow from source.
$(INSTALLED): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib > /dev/null
	touch $@

run: install
	$(BIN)/provnews run --with-mirror

# Debian's Chromium drives the Airflow UI test; installed once per machine.
browser:
	bash ops/install-browser.sh

test: install browser
	$(BIN)/python -m pytest -q -p no:cacheprovider

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

bench: install
	$(BIN)/python -m bench

bench-extraction: install
	$(BIN)/python -m bench.extraction

# The browse view (Datasette) of the published warehouse on http://127.0.0.1:8001 after `make run`.
browse: install
	$(BIN)/provnews browse

# docs/dictionary.md from the comments of a freshly migrated and published warehouse.
dictionary: install
	$(BIN)/provnews dictionary

airflow: install
	bash ops/airflow-standalone.sh start

airflow-stop:
	bash ops/airflow-standalone.sh stop

# Re-resolve requirements.lock from requirements.in (needs the package index).
lock: install
	$(BIN)/uv pip compile --quiet --python $(BIN)/python requirements.in -o requirements.lock

clean:
	rm -rf $(VENV) data
