# elevhalsa_analysis – framdörren. `make help` visar målen.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help report test test-fast bench lint clean sample-data lock strip browser

## Visa de här målen
help:
	@awk '/^## /{doc=substr($$0,4); next} /^[a-z-]+:/{if(doc){split($$1,t,":"); printf "  make %-12s %s\n", t[1], doc}; doc=""}' $(MAKEFILE_LIST)

$(INSTALLED): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

## Skapa .venv från låsfilen och rapporter för alla perioder i data/raw
report: $(INSTALLED)
	$(BIN)/elevhalsa run --all

## Kontrollera koden och kör alla tester (det CI kör)
test: lint browser
	$(BIN)/python -m pytest

## Kör testerna som inte kör notebooks eller webbläsare (under en minut)
test-fast: $(INSTALLED)
	$(BIN)/python -m pytest -n auto -m "not e2e and not browser and not slow"

## Installera Debians Chromium för webbläsartestet (om den saknas och vi är root)
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installerar Chromium (apt-get) för webbläsartestet"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null \
		|| echo "Chromium kunde inte installeras; webbläsartestet hoppas över"; \
	fi

## Mät tiderna (skriver en tabell i markdown)
bench: $(INSTALLED)
	$(BIN)/python bench/bench.py

## Statisk kontroll: ruff (lint och format) och importlagren (import-linter)
lint: $(INSTALLED)
	$(BIN)/ruff check src tests tools bench
	$(BIN)/ruff format --check src tests tools bench
	$(BIN)/lint-imports

## Skriv om de syntetiska exempeldata i data/raw
sample-data: $(INSTALLED)
	$(BIN)/python tools/make_sample_data.py

## Lås beroendena på nytt (kräver uv) och uppdatera environment.yml
lock: $(INSTALLED)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra build --python-version 3.11 --no-header --no-annotate -o requirements.lock
	$(BIN)/python tools/devtools.py

## Ta bort utdata i notebooks innan commit
strip: $(INSTALLED)
	$(BIN)/python tools/devtools.py --strip notebooks/*.ipynb

## Ta bort genererade rapporter, bearbetade data och .venv
clean:
	rm -rf $(VENV) reports/* data/processed/* data/processed/.cache .pytest_cache
	touch reports/.gitkeep data/processed/.gitkeep
