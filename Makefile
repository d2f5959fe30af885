# Gonghui — two commands do everything: `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
# Lambda runs python3.12 (infra sets it); local and CI use the same minor version.
PY_MINOR := 3.12
PYTHON ?= $(firstword $(shell command -v python$(PY_MINOR) >/dev/null 2>&1 && python$(PY_MINOR) -c 'import sys; print(sys.executable)' 2>/dev/null) $(wildcard $(HOME)/.pyenv/versions/$(PY_MINOR).*/bin/python$(PY_MINOR)) $(wildcard /usr/bin/python$(PY_MINOR)))
STAMP := $(VENV)/.installed
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION = 20
export AWS_DEFAULT_REGION ?= cn-north-1
export PIP_DISABLE_PIP_VERSION_CHECK = 1
PYTEST_WORKERS ?= 2

# checkov pins its own boto3/packaging: it gets an environment of its own inside the venv.
CHECKOV_VENV := $(VENV)/tools/checkov

.PHONY: venv run test lint unit integration e2e fuzz synth bench mutation clean lock console console-types

# The union console (console/: Vue 3 + Element Plus + ECharts, built by Vite). `npm ci` runs when
# the lock changed or node_modules is missing; the build runs when a source is newer than dist.
CONSOLE_SOURCES := $(shell find console/src console/public -type f 2>/dev/null) console/index.html \
	console/vite.config.ts console/tsconfig.json console/scripts/sizes.mjs console/package.json

# Installs exactly the locks (hashes required). After editing a requirements*.txt: `make lock`.
$(STAMP): requirements.lock requirements-dev.lock requirements-checkov.lock
	@test -n "$(PYTHON)" || { echo "Python $(PY_MINOR) is needed (the Lambda runtime's version)"; exit 1; }
	@$(PY) -c 'import sys; assert sys.version_info[:2] == tuple(map(int, "$(PY_MINOR)".split(".")))' 2>/dev/null || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install -q --require-hashes -r requirements-dev.lock
	@test -x $(CHECKOV_VENV)/bin/python || $(PY) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install -q --require-hashes -r requirements-checkov.lock
	@command -v chromium >/dev/null 2>&1 || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; } || echo "chromium could not be installed: the /docs browser test is skipped"
	@touch $(STAMP)

venv: $(STAMP)

## Re-lock (with hashes) after any change to requirements*.txt — also after merging others' pins
lock:
	@test -x $(VENV)/bin/uv || $(PY) -m pip install -q "$$(grep -E '^uv==' requirements-dev.txt)"
	$(PY) -m infra.locks

console/node_modules/.package-lock.json: console/package-lock.json
	@command -v npm >/dev/null 2>&1 || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); $$SUDO apt-get update -q && $$SUDO apt-get install -y -q nodejs npm; }
	cd console && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

console/dist/index.html: console/node_modules/.package-lock.json $(CONSOLE_SOURCES)
	cd console && npm run --silent build

## Build the union console into console/dist (served by `make run` at /console)
console: console/dist/index.html

## After an API change: the console's types from the app's OpenAPI document (tests/quality checks they are current)
console-types: $(STAMP) console/node_modules/.package-lock.json
	$(PY) console/scripts/dump_openapi.py
	cd console && npm run --silent types

## The embedded local stack: moto, tables, queues, rules, demo data, fakes, event pump, API and console on :8000
run: $(STAMP) console
	$(PY) -m local

## Every test: lint, unit, integration, infra checks, e2e against the local stack, a short fuzz
test: $(STAMP) lint console
	$(PY) -m pytest -q -n $(PYTEST_WORKERS) --dist loadgroup -p no:cacheprovider --durations=15

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy chalicelib

unit: $(STAMP)
	$(PY) -m pytest -q tests/unit

integration: $(STAMP)
	$(PY) -m pytest -q -n $(PYTEST_WORKERS) tests/integration

e2e: $(STAMP) console
	$(PY) -m pytest -q tests/e2e

## Schemathesis against the local stack's OpenAPI document, more examples than `make test` runs
fuzz: $(STAMP)
	GONGHUI_FUZZ_EXAMPLES=$${GONGHUI_FUZZ_EXAMPLES:-50} $(PY) -m pytest -q -p no:cacheprovider tests/quality/test_fuzz.py

## Synthesize the CDK app offline into infra/cdk.out (STAGE=dev|prod, REGION=cn-north-1|...);
## needs the stage's provider app ids (and prod's alarm e-mail) in infra/stages.json
synth: $(STAMP)
	$(PY) infra/synth.py --stage $${STAGE:-dev} --region $${REGION:-cn-north-1}

## Measured figures, printed as tables
bench: $(STAMP)
	$(PY) -m benchmarks

## Mutation testing of the pure core (pii, pagination, subsidy policy, aid workflow) against
## its unit tests; prints each surviving mutant and the kill rate. Not part of `make test`.
mutation: $(STAMP)
	rm -rf mutants
	$(PY) -m mutmut run --max-children $(PYTEST_WORKERS)
	$(PY) -m mutmut results

clean:
	rm -rf $(VENV) infra/cdk.out .pytest_cache .mypy_cache .ruff_cache console/node_modules console/dist
