# The course's commands. `make book` and `make test` set everything up on a
# fresh machine that has Python 3.11 and make; CI runs `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# nbgrader shells out to `alembic`, so the venv's bin must be on PATH.
export PATH := $(CURDIR)/$(BIN):$(PATH)
STAMP := $(VENV)/.installed

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

venv: $(STAMP)  ## create .venv and install requirements.txt

# Outputs of executed pages live in _build/.jupyter_cache, keyed on each page's code; a
# library or requirements change clears it. --all re-reads every page, so -W cannot be
# hidden by an incremental build; pipefail keeps jupyter-book's exit status.
BOOK_DEPS = $(shell cat $$(find src/crossentropy -name '*.py' | sort) requirements.txt | sha256sum | cut -c1-16)
book: $(STAMP)  ## build the course into _build/html (warnings are errors; cached outputs)
	@if [ "$$(cat _build/.book-deps 2>/dev/null)" != "$(BOOK_DEPS)" ]; then rm -rf _build/.jupyter_cache; fi
	rm -rf _build/html _build/jupyter_execute && mkdir -p _build
	$(BIN)/jupyter-book build . --all -W -n --keep-going 2>&1 | tee _build/book.log \
	  || { cat _build/html/reports/*/*.err.log 2>/dev/null; exit 1; }
	@echo "$(BOOK_DEPS)" > _build/.book-deps
	@echo "Open file://$(CURDIR)/_build/html/index.html"

# Debian's chromium for tests/book/test_browser.py (never `playwright install`).
browser:  ## install headless Chromium with apt-get if it is missing (root or sudo)
	@if command -v chromium >/dev/null; then echo "chromium: $$(command -v chromium)"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	elif sudo -n true 2>/dev/null; then sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else echo "chromium is missing and apt-get needs root: sudo apt-get install -y chromium" >&2; exit 1; fi

test: $(STAMP) browser sandbox  ## run the whole test suite
	$(BIN)/python -m pytest

bench: $(STAMP)  ## time the losses and the recommender against PyTorch (where installed)
	$(BIN)/python benchmarks/bench_losses.py
	$(BIN)/python benchmarks/bench_recsys.py

sandbox:  ## install bubblewrap, the autograder's sandbox (apt-get as root; run before tests)
	@if command -v bwrap >/dev/null; then echo "sandbox: $$(bwrap --version)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap; \
	else echo "sandbox: install bubblewrap (sudo apt-get install bubblewrap);" \
	  "without it the grader refuses to run student code unless --unsafe" >&2; fi

bench-grading: $(STAMP) sandbox  ## time our grader against nbgrader autograde (40 notebooks)
	$(BIN)/python benchmarks/bench_grading.py

.PHONY: sandbox bench-grading

# solutions/<id>/<id>.md → solutions/<id>/<id>.ipynb (instructor) → nbgrader generate_assignment
# → exercises/<id>/<id>.ipynb (student); both are committed; `--check` only reports stale files.
exercises: $(STAMP)  ## regenerate the instructor and student notebooks from solutions/*/*.md
	$(BIN)/python -m autograder.release

.PHONY: exercises

clean:  ## remove the build (keeps .venv)
	rm -rf _build .pytest_cache

.PHONY: help venv book browser test bench clean
