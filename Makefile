# provnews: `make run` runs the nightly job once on the offline mirror; `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
UV_VERSION := 0.13.9

.PHONY: install run test test-fast bench bench-extraction bench-scale airflow airflow-stop browser postgres lock lock-runtime clean dictionary browse

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

# Debian's PostgreSQL for the production-shape test (tests/test_production_shape.py).
postgres:
	bash ops/install-postgres.sh

test: install browser postgres
	$(BIN)/python -m pytest -q -p no:cacheprovider

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

bench: install
	$(BIN)/python -m bench

bench-extraction: install
	$(BIN)/python -m bench.extraction

# An ordinary night of 1,000 new pages on corpora of 20,000 and 100,000 articles, stage by stage
# (too long for `make bench`); the corpora are built once into data/bench-scale and reused.
bench-scale: install
	$(BIN)/python -m bench.scale

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
	$(MAKE) lock-runtime

# The image's lock: requirements.in less the test tooling, at the versions of requirements.lock;
# AIRFLOW_CONSTRAINTS=<file or URL> adds Airflow's constraints for the release, e.g.
# https://raw.githubusercontent.com/apache/airflow/constraints-3.3.2/constraints-3.11.txt
TEST_TOOLING := pytest playwright check-jsonschema
lock-runtime: install
	grep -v -E '^($(subst $(eval) ,|,$(TEST_TOOLING)))==' requirements.in > .requirements-runtime.tmp
	$(BIN)/uv pip compile --quiet --python $(BIN)/python .requirements-runtime.tmp \
		--constraint requirements.lock $(if $(AIRFLOW_CONSTRAINTS),--constraint $(AIRFLOW_CONSTRAINTS)) \
		--no-header -o requirements-runtime.lock
	rm -f .requirements-runtime.tmp

clean:
	rm -rf $(VENV) data
