# The two commands a new machine needs: `make demo` and `make test`.
# Each installs what is missing first (scripts/setup.sh), then builds.

SHELL := /bin/bash
CARGO ?= cargo
BIN := target/release/symtest
# Crates whose modules must not `use` each other in a circle.
ACYCLIC := crates/symtest-python

.PHONY: setup build demo test test-all lint bench clean

setup:
	@./scripts/setup.sh

build: setup
	$(CARGO) build --release --locked -p symtest

# Lints, then every test in the workspace (unit, property, CLI).
test: setup
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets --locked -- -D warnings
	python3 scripts/check_module_cycles.py $(ACYCLIC)
	$(CARGO) test --workspace --locked

# Also the slow suites kept out of `make test`.
test-all: test
	$(CARGO) test --workspace --locked -- --ignored

lint: setup
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets --locked -- -D warnings
	python3 scripts/check_module_cycles.py $(ACYCLIC)

demo: build
	@./scripts/demo.sh $(BIN)

bench: build
	python3 bench/minic/run.py --bin $(BIN)
	python3 bench/grade/run.py --bin $(BIN)
	python3 bench/prob/run.py --bin $(BIN)
	python3 bench/adversarial/run.py --bin $(BIN)
	python3 bench/humaneval/run.py --bin $(BIN)

clean:
	$(CARGO) clean
