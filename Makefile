# mpgs: `make demo` and `make test` are the two commands a newcomer needs.
SHELL := /bin/bash
CARGO ?= cargo

.PHONY: all build demo test lint rust-test

all: build

build:
	$(CARGO) build --workspace --release --bins --examples

demo: build
	@scripts/demo.sh

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

rust-test:
	$(CARGO) test --workspace

test: lint rust-test
