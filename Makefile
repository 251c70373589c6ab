# Two commands set up everything on a fresh machine:
#   make demo   generate the example client and call a local AppSync with it
#   make test   install everything (Python and npm), lint, type-check and run the suite
#   make bench-smoke  the benchmark command in quick mode (slow; .ci/run runs it too)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE_CONFIG := example_schema/pyproject.toml
PY_STAMP := $(VENV)/.installed
NPM_STAMP := simulator/node_modules/.installed

.PHONY: demo test bench-smoke install lint typecheck generate check-generated clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade 'pip>=25.1'

# The development tools are a PEP 735 dependency group (not a published extra):
# `pip install --group` needs pip >= 25.1, which the line above provides.
$(PY_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[codegen,boto]' --group dev
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

clean:
	rm -rf $(VENV) simulator/node_modules .pytest_cache .mypy_cache .ruff_cache
