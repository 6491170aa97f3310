# mpgs: `make demo` and `make test` are the two commands a newcomer needs.
SHELL := /bin/bash
CARGO ?= cargo

VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: all build demo test lint rust-test sandbox-rate python python-test python-sdist-test

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
	cd /tmp && $(abspath $(PY)) -m mypy.stubtest mpgs._native
	$(PY) -m mypy --strict examples/quickstart.py

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps -q

rust-test:
	$(CARGO) test --workspace

# The demo runs last, so that `make demo` stays true at every commit.
# The sdist of a workspace member must build and install on its own, stubs included.
python-sdist-test: $(PY)
	rm -rf target/sdist target/sdist-venv
	$(VENV)/bin/maturin sdist -m python/Cargo.toml -o target/sdist
	tar tzf target/sdist/mpgs-*.tar.gz | grep -q 'mpgs/_native.pyi'
	python3 -m venv target/sdist-venv
	target/sdist-venv/bin/pip install -q target/sdist/mpgs-*.tar.gz
	cd /tmp && $(abspath target/sdist-venv/bin/python) -c "import mpgs; mpgs.validate_create_session({}); print('sdist install ok', mpgs.__version__)"

test: lint rust-test python-test python-sdist-test demo

# Sandbox throughput with wrk (Debian package `wrk`), one connection and 16.
sandbox-rate: build
	@bench/sandbox-rate.sh 5
