# Officina: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := FLASK_APP=forum:create_app $(BIN)/flask
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
TRANSLATIONS := forum/translations
# The W3C Nu HTML Checker, from the npm registry (run with Java by tests/test_html_validity.py).
VNU_VERSION := 26.9.27
VNU := $(VENV)/vnu/node_modules/vnu-jar/build/dist/vnu.jar
HOST ?= 127.0.0.1
PORT ?= 5000
# Two workers on this 2-core kind of machine; a module's tests stay on one worker.
PYTEST_WORKERS ?= 2

.PHONY: run test install translations migrate seed lint messages clean bench check-html

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP) translations $(VNU)

$(VNU):
	@mkdir -p $(VENV)/vnu
	@(command -v npm >/dev/null && cd $(VENV)/vnu && npm install --silent --no-audit --no-fund \
	  vnu-jar@$(VNU_VERSION)) || echo "vnu-jar non installato: il test dell'HTML sarà saltato" >&2

translations: $(STAMP)
	$(BIN)/pybabel compile -d $(TRANSLATIONS) > /dev/null

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo
	@$(FLASK) search check > /dev/null 2>&1 || $(FLASK) search reindex

run: seed
	$(FLASK) run --host $(HOST) --port $(PORT) --with-threads

test: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --ignore-dirs '.* __pycache__ .venv' -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)

check-html: install
	$(BIN)/python -m pytest -q tests/test_html_validity.py

bench: install
	$(BIN)/python bench/pages.py

clean:
	rm -rf $(VENV) instance .pytest_cache
