# Two commands on a fresh machine: `make run` and `make test` (see README.md).
# Everything is installed into .venv from the package registries; nothing by hand.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
BASE   := $(VENV)/.installed-base
TESTS  := $(VENV)/.installed-test
HOST   ?= 127.0.0.1
PORT   ?= 8866
# Two workers (the machine has two cores); a notebook's cells stay together on one worker.
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: run atelier test install install-test demo lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(BASE): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(TESTS): pyproject.toml $(BASE)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $@

# The browser suite drives Debian's Chromium, the PostgreSQL half of the suite runs on a
# throwaway cluster of Debian's postgresql, and the team-server tests put Debian's nginx (with a
# certificate made by openssl) in front of toolkit serve; as root (CI, a fresh machine) they are
# installed here.
SYSTEM_DEPS := $(VENV)/.system-deps
$(SYSTEM_DEPS): | $(BIN)/python
	@if [ -x /usr/bin/chromium ] && [ -x /usr/sbin/nginx ] && [ -x /usr/bin/openssl ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium postgresql nginx openssl >/dev/null; \
	else \
	  echo "Les tests demandent les paquets Debian chromium, postgresql, nginx et openssl : sudo apt-get install chromium postgresql nginx openssl" >&2; exit 1; \
	fi
	touch $@

install: $(BASE)

install-test: $(TESTS) $(SYSTEM_DEPS)

## Create the SQLite database with demo data (once) and serve the app index on 127.0.0.1:8866.
run: $(BASE)
	$(BIN)/toolkit demo --if-empty
	$(BIN)/toolkit serve --host $(HOST) --port $(PORT)

## Serve a training workshop on the local network: the participants' address and its QR code
## are printed; phones on the same wi-fi join without the token, the trainer's pages keep it.
atelier: $(BASE)
	$(BIN)/toolkit serve --lan --port $(PORT)

## Run the whole suite: unit, property, PostgreSQL (a throwaway cluster started here unless
## TOOLKIT_TEST_DATABASE_URL names a server), notebooks (nbval) and the browser suite (chromium).
test: $(TESTS) $(SYSTEM_DEPS)
	@tmp=$$(mktemp -d); \
	TOOLKIT_DATABASE_URL="sqlite:///$$tmp/notebooks.sqlite" TOOLKIT_JOURNAL_DIR="$$tmp/journal" \
	MPLBACKEND=Agg tests/with_postgres.sh $(BIN)/python -m pytest --nbval-lax $(PYTEST_ARGS); \
	status=$$?; rm -rf "$$tmp"; exit $$status

demo: $(BASE)
	$(BIN)/toolkit demo

lint: $(TESTS)
	$(BIN)/ruff check toolkit tests benchmarks
	$(BIN)/ruff format --check toolkit tests benchmarks

format: $(TESTS)
	$(BIN)/ruff format toolkit tests benchmarks
	$(BIN)/ruff check --fix toolkit tests benchmarks

bench: $(TESTS)
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis test-artifacts
