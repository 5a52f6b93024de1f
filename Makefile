# Two commands: `make run` serves the portal, `make test` runs the tests (PostgreSQL, Redis).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SHARED_DATA ?= ../shared/data
SAMPLE := astep/territory/data/sample
ANNUAIRE_REAL := $(SHARED_DATA)/fr-en-annuaire-education_35-ille-et-vilaine_2023.csv
COMMUNES_REAL := $(SHARED_DATA)/communes-france_cog-mairies.csv
EFFECTIFS_REAL := $(SHARED_DATA)/fr-en-ecoles-effectifs-nb_classes_35-ille-et-vilaine_2019-2022.csv
ANNUAIRE := $(if $(wildcard $(ANNUAIRE_REAL)),$(ANNUAIRE_REAL),$(SAMPLE)/annuaire-sample.csv)
COMMUNES := $(if $(wildcard $(COMMUNES_REAL)),$(COMMUNES_REAL),$(SAMPLE)/communes-sample.csv)
EFFECTIFS := $(if $(wildcard $(EFFECTIFS_REAL)),$(EFFECTIFS_REAL),$(SAMPLE)/effectifs-sample.csv)

.PHONY: install run test lint screenshots bench-matching bench-reports bench-load-seed bench-load

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# axe-core, injected by the browser tests (package.json; no lock file: see .npmrc)
node_modules/.installed: package.json
	npm install --no-audit --no-fund
	touch $@

install: $(VENV)/.installed node_modules/.installed

run: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	# exit code 1 = some rows rejected (listed above); the good rows are imported
	$(PY) manage.py import_communes $(COMMUNES) || [ $$? -eq 1 ]
	$(PY) manage.py import_annuaire $(ANNUAIRE) || [ $$? -eq 1 ]
	$(PY) manage.py import_effectifs $(EFFECTIFS) || [ $$? -eq 1 ]
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .

# docs/screenshots/*.png: the main pages on the demo data, in Chromium (not part of `test`)
screenshots: install
	$(VENV)/bin/pytest tests/browser/screenshots.py

# Matching plan vs greedy vs exact on real geography, 3 sizes (see benchmarks/matching.py)
bench-matching: install
	$(PY) -m benchmarks.matching

# Figures in SQL vs one hand-written query, national report, on 10 years × 101 départements
# × 50,000 modules in the scratch database astep_bench_reports (see benchmarks/reports.py)
bench-reports: install
	$(PY) -m benchmarks.reports

# Load test (issue 8): national data set in astep_loaddata, then gunicorn + locust, 50 users,
# 2 minutes; fails when p95 >= 300 ms or any error (see benchmarks/load/README.md)
bench-load-seed: install
	$(PY) -m benchmarks.load.seed

bench-load: install
	benchmarks/load/run.sh
