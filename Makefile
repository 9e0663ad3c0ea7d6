# 科创助手 — the two set-up commands are `make run` and `make test`; both bootstrap .venv on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint bench venv clean migration

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# CPU torch first: this pin resolves to the local CPU wheel (never a CUDA build).
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
HOST ?= 127.0.0.1

run: $(STAMP)
	$(BIN)/kc serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	@# the console's browser tests drive Debian's chromium (never `playwright install`); CJK fonts for screenshots
	@command -v apt-get >/dev/null && ! dpkg -s chromium fonts-noto-cjk >/dev/null 2>&1 && $(SUDO) sh -c 'apt-get update -q && apt-get install -y -q chromium fonts-noto-cjk' || true
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

migration: $(STAMP)
	$(BIN)/python scripts/new_migration.py $(MSG)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
