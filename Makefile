# Officina: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := FLASK_APP=forum:create_app $(BIN)/flask
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
TRANSLATIONS := forum/translations
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install translations migrate seed lint messages clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP) translations

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
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --ignore-dirs '.* __pycache__ .venv' -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)

bench: install
	$(BIN)/python bench/pages.py

clean:
	rm -rf $(VENV) instance .pytest_cache
