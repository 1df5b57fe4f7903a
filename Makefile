# Two commands matter: `make run` and `make test` (README). Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The development stack: sandbox mode (the vendor stand-ins) unless vendor credentials are set.
DEV_FLASK := $(BIN)/flask --app addon.devserver
CATALOGS := $(wildcard addon/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: run test lint translations extract-messages lock worker clean spec-digest settings-table

# Remit, and beside it the vendor stand-ins (sandbox/, their own distribution: the production
# wheel never carries them) that the development stack and the tests run on.
DEV_INSTALL := -e '.[test]' -e ./sandbox

# uv installs the same pinned set (constraints.txt) several times faster than pip. uv itself
# comes from PyPI into the venv, pinned here; if it cannot be installed or fails, pip installs
# exactly what it would have. --compile-bytecode as pip does: where PYTHONDONTWRITEBYTECODE is set
# (as on this project's machines) nothing else writes the .pyc files, and every start would
# compile the dependencies again (seconds each time).
UV_REQUIREMENT ?= uv==0.13.9
UV ?= $(BIN)/uv

$(STAMP): pyproject.toml sandbox/pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	@if $(BIN)/python -m pip install --quiet $(UV_REQUIREMENT) && \
	    $(UV) pip install --quiet --compile-bytecode --python $(BIN)/python \
	      -c constraints.txt $(DEV_INSTALL); then \
	  echo "Installed with uv ($(UV_REQUIREMENT))."; \
	else \
	  echo "uv could not install the dependencies: installing them with pip instead."; \
	  $(BIN)/python -m pip install --quiet --upgrade pip && \
	  $(BIN)/python -m pip install --quiet -c constraints.txt $(DEV_INSTALL); \
	fi
	touch $@

addon/translations/%/LC_MESSAGES/messages.mo: addon/translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --statistics -d addon/translations -l $* -i $< -o $@

translations: $(COMPILED)

# The server applies the migrations itself before it listens (`serve --upgrade`): a separate
# `flask db upgrade` would load the app once more, seconds of every warm start.
run: $(STAMP) translations
	@echo "Starting Remit, its sandbox and a worker. Stop with Ctrl-C."
	@trap 'kill 0' INT TERM EXIT; \
	  $(DEV_FLASK) remit worker & \
	  $(DEV_FLASK) remit serve --upgrade

test: $(STAMP) translations
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .

worker: $(STAMP) translations
	$(DEV_FLASK) remit worker

extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -o addon/translations/messages.pot --no-location --omit-header .
	$(BIN)/pybabel update -i addon/translations/messages.pot -d addon/translations --no-fuzzy-matching

# Rewrite tests/specs/digest.json from ../shared/specs (the shape checks read it in any clone).
spec-digest: $(STAMP)
	$(BIN)/python -m scripts.spec_digest

# Rewrite README's settings table from the core and plugin declarations (a test compares them).
settings-table: $(STAMP)
	$(BIN)/python -m scripts.settings_table

# Re-pin every dependency after changing the ranges in pyproject.toml or sandbox/pyproject.toml.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet $(DEV_INSTALL)
	.lock-venv/bin/python -m pip freeze --exclude-editable > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) $(COMPILED) test-output
