# Two commands set up everything on a fresh machine:
#   make demo   generate the example client and call a local AppSync with it
#   make test   install everything (Python and npm), lint, type-check and run the suite
#   make bench-smoke  the benchmark command in quick mode (slow; .ci/run runs it too)
#   make test-pythons the version-sensitive tests on every other supported Python
#   make docs         the documentation site (mkdocs.yml) into site/, --strict
PYTHON ?= python3
# Every supported Python (the classifiers in pyproject.toml list the same).
PYTHONS := 3.10 3.11 3.12 3.13
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE_CONFIG := example_schema/pyproject.toml
PY_STAMP := $(VENV)/.installed
NPM_STAMP := simulator/node_modules/.installed

.PHONY: demo test test-pythons docs bench-smoke install lint typecheck generate check-generated clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade 'pip>=25.1'

# The development tools are a PEP 735 dependency group (not a published extra):
# `pip install --group` needs pip >= 25.1, which the line above provides.
$(PY_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[codegen,boto,otel]' --group dev
	touch $@

$(NPM_STAMP): simulator/package.json simulator/package-lock.json
	npm ci --prefix simulator --no-audit --no-fund --loglevel=error
	touch $@

install: $(PY_STAMP) $(NPM_STAMP)

generate: $(PY_STAMP)
	$(BIN)/appsync-codegen generate --config $(EXAMPLE_CONFIG)

check-generated: $(PY_STAMP)
	$(BIN)/appsync-codegen check --config $(EXAMPLE_CONFIG)

demo: install generate
	$(BIN)/python example_schema/demo.py

lint: $(PY_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# pyright runs strict ([tool.pyright] in pyproject.toml) on the runtime, the codegen
# package and the example client.
typecheck: $(PY_STAMP)
	$(BIN)/mypy runtime/appsync_runtime codegen_plugin/appsync_codegen
	cd example_schema && ../$(BIN)/mypy --strict example_client
	$(BIN)/pyright --pythonpath $(BIN)/python runtime/appsync_runtime codegen_plugin/appsync_codegen example_schema/example_client

# Four workers on two cores: much of the suite waits on sockets, deadlines and
# subprocesses; each test file stays on one worker (its module fixtures built once).
test: install lint typecheck check-generated
	$(BIN)/pytest -n 4 --dist loadfile

bench-smoke: install
	$(BIN)/pytest -m bench

# Pages include README.md sections and docs/*.md; the API reference is built from the
# docstrings. --strict: a broken link, snippet or reference fails the build.
docs: $(PY_STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

# `make test` runs on .venv's Python; this runs the suite but for the simulator, wheel
# and benchmark tests on each other version in PYTHONS, in .venv-3.X
# (.ci/test-python: skips a version, saying so, when no interpreter is found).
test-pythons: $(PY_STAMP)
	@main=$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
	failed=""; \
	for version in $(PYTHONS); do \
		if [ "$$version" != "$$main" ]; then .ci/test-python $$version || failed="$$failed $$version"; fi; \
	done; \
	if [ -n "$$failed" ]; then echo "failed on Python$$failed"; exit 1; fi

clean:
	rm -rf $(VENV) $(VENV)-3.* site simulator/node_modules .pytest_cache .mypy_cache .ruff_cache
