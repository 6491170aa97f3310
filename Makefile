# mpgs: `make demo` and `make test` are the two commands a newcomer needs.
SHELL := /bin/bash
CARGO ?= cargo

.PHONY: all build demo test lint rust-test sandbox-rate

all: build

build:
	$(CARGO) build --workspace --release --bins --examples

demo: build
	@scripts/demo.sh

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps -q

rust-test:
	$(CARGO) test --workspace

# The demo runs last, so that `make demo` stays true at every commit.
test: lint rust-test demo

# Sandbox throughput with wrk (Debian package `wrk`), one connection and 16.
sandbox-rate: build
	@bench/sandbox-rate.sh 5
