# The two commands a new machine needs: `make demo` and `make test`.
# Each installs what is missing first (scripts/setup.sh), then builds.

SHELL := /bin/bash
CARGO ?= cargo
BIN := target/release/symtest
# Crates whose modules must not `use` each other in a circle: every crate of the
# workspace (see ARCHITECTURE.md); a new crate is added here.
ACYCLIC := crates/symtest-python crates/symtest-gen crates/symtest-formats crates/symtest-grade \
	crates/symtest-minic crates/symtest-solve crates/symtest-relu crates/symtest-prob \
	crates/symtest-py crates/symtest-term crates/symtest-explore crates/symtest-pyvalue \
	crates/symtest-sandbox crates/symtest-server crates/symtest-fix crates/symtest
MATURIN := .deps/maturin-1.16.0/bin/maturin
WHEELS := target/wheels
PY_VENV := .deps/py-test-venv
PYTEST_VERSION := 9.2.0
# `make integration`: the trainers themselves (torch, several GB; opt-in).
INTEGRATION_VENV := .deps/integration-venv
TRL_VERSION := 1.16.0
VERL_VERSION := 0.9.1

.PHONY: setup build wheel pytest integration demo test test-all lint bench clean

setup:
	@./scripts/setup.sh

build: setup
	$(CARGO) build --release --locked -p symtest

# The Python package (`import symtest` and the `symtest` command) as one wheel.
# Built apart, without the checkout's rustflags (.cargo/config.toml's rpath to
# its own libz3 must not ship: the wheel finds z3-solver's, beside it).
wheel: setup
	rm -f $(WHEELS)/symtest-*.whl
	RUSTFLAGS= CARGO_TARGET_DIR=target/wheel-build $(MATURIN) build --release --locked --out $(WHEELS)

# The Python tests, in a fresh virtual environment holding only the wheel
# with its Ray extra (and z3-solver, its dependency) and pytest.
pytest: wheel
	rm -rf $(PY_VENV)
	python3 -m venv $(PY_VENV)
	$(PY_VENV)/bin/pip install --quiet --disable-pip-version-check "$$(ls $(WHEELS)/symtest-*.whl)[ray]" pytest==$(PYTEST_VERSION)
	cd python/tests && ../../$(PY_VENV)/bin/python -m pytest -q -p no:cacheprovider

# Opt-in: TRL's GRPOTrainer for two steps on the CPU with symtest's reward
# function (a tiny model built from a config: no download), and verl's own
# loader picking up the adapter file. Installs torch (PyPI's wheel, with CUDA
# libraries: several GB) into a venv kept between runs. verl comes without its
# dependencies (they pin another transformers than TRL's): only its reward
# loader is exercised, with what that imports.
integration: wheel
	test -x $(INTEGRATION_VENV)/bin/python || python3 -m venv $(INTEGRATION_VENV)
	$(INTEGRATION_VENV)/bin/pip install --quiet --disable-pip-version-check --force-reinstall --no-deps \
		"$$(ls $(WHEELS)/symtest-*.whl)"
	$(INTEGRATION_VENV)/bin/pip install --quiet --disable-pip-version-check \
		"$$(ls $(WHEELS)/symtest-*.whl)" pytest==$(PYTEST_VERSION) trl==$(TRL_VERSION) \
		omegaconf==2.4.0 tensordict==0.15.3 ray==2.60.0
	$(INTEGRATION_VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps verl==$(VERL_VERSION)
	cd python/integration && ../../$(INTEGRATION_VENV)/bin/python -m pytest -q -p no:cacheprovider

# Lints, then every test in the workspace (unit, property, CLI), then the
# Python package's.
test: setup
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets --locked -- -D warnings
	python3 scripts/check_module_cycles.py $(ACYCLIC)
	python3 scripts/check_file_lengths.py crates
	$(CARGO) test --workspace --locked
	$(MAKE) pytest

# Also the slow suites kept out of `make test`.
test-all: test
	$(CARGO) test --workspace --locked -- --ignored

lint: setup
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets --locked -- -D warnings
	python3 scripts/check_module_cycles.py $(ACYCLIC)
	python3 scripts/check_file_lengths.py crates

demo: build
	@./scripts/demo.sh $(BIN)

bench: build
	python3 bench/minic/run.py --bin $(BIN)
	python3 bench/grade/run.py --bin $(BIN)
	python3 bench/prob/run.py --bin $(BIN)
	python3 bench/adversarial/run.py --bin $(BIN)
	python3 bench/humaneval/run.py --bin $(BIN)
	python3 bench/stdin/run.py --bin $(BIN)
	@if [ -n "$(MBPP)" ]; then python3 bench/mbpp/run.py --bin $(BIN) --data "$(MBPP)"; \
	else echo "bench/mbpp skipped: give MBPP=path/to/mbpp.jsonl (not bundled)"; fi
	@if [ -n "$(REALCODE)" ]; then python3 bench/realcode/run.py --bin $(BIN); \
	else echo "bench/realcode skipped: give REALCODE=1 (downloads pinned wheels from PyPI)"; fi

clean:
	$(CARGO) clean
