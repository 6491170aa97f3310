# mpgs: `make demo` and `make test` are the two commands a newcomer needs.
SHELL := /bin/bash
CARGO ?= cargo

.PHONY: all build demo test lint rust-test

all: build

build:
	$(CARGO) build --workspace --release

demo: build
	$(CARGO) run --release -q -p mpgs --example quickstart

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

rust-test:
	$(CARGO) test --workspace

test: lint rust-test
