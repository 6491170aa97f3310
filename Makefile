# mpgs: `make demo` and `make test` are the two commands a newcomer needs.
SHELL := /bin/bash
CARGO ?= cargo

VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: all build demo test lint rust-test sandbox-rate python python-test

all: build

build:
	$(CARGO) build --workspace --release --bins --examples

demo: build python
	@PY=$(PY) scripts/demo.sh

# A virtualenv with the build and test tools, and the `mpgs` package built from python/.
$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "maturin>=1.5,<2" pytest mypy

python: $(PY)
	$(PY) -m pip install -q --force-reinstall --no-deps ./python

python-test: python
	$(CARGO) build -q -p mpgs-sandbox
	$(PY) -m pytest tests/python -q

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps -q

rust-test:
	$(CARGO) test --workspace

# The demo runs last, so that `make demo` stays true at every commit.
test: lint rust-test python-test demo

# Sandbox throughput with wrk (Debian package `wrk`), one connection and 16.
sandbox-rate: build
	@bench/sandbox-rate.sh 5
