# Hamdeli: `make demo` and `make test` work from a fresh clone (Python >= 3.11, make, Node).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo serve test test-sqlite test-postgres fuzz lint messages clean

$(STAMP): pyproject.toml package.json package-lock.json
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Hamdeli needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(STAMP)

install: $(STAMP)
	@$(BIN)/hamdeli messages compile >/dev/null

demo: install
	$(BIN)/hamdeli demo
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(BIN)/hamdeli serve

serve: install
	$(BIN)/hamdeli serve

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# A longer schemathesis run over the whole API (every check, more examples, the stateful phase):
# run it before you stop. FUZZ_EXAMPLES sets the examples per operation.
FUZZ_EXAMPLES ?= 25
fuzz: install
	HAMDELI_FUZZ_LONG=1 HAMDELI_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/test_api_fuzz.py $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check hamdeli tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

# Refresh every app's Persian catalogue from the source (needs GNU gettext's xgettext).
messages: install
	for app in hamdeli/*/; do \
	  if [ -d $$app/locale ]; then (cd $$app && ../../$(BIN)/django-admin makemessages -l fa --settings=hamdeli.settings --pythonpath=../.. >/dev/null); fi; \
	done

clean:
	rm -rf $(VENV) node_modules var
