#!/usr/bin/env bash
# Runs `symtest explore` on the bundled examples: Gymbo's README example, the
# same with Gymbo's prefix listing, and the other programs in examples/minic.
set -euo pipefail
bin=${1:-target/release/symtest}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

show() {
  printf '\n\033[1m$ symtest %s\033[0m\n' "$*"
  "$bin" "$@"
}

show explore -f examples/minic/gymbo_readme.c
show explore --prefixes -f examples/minic/gymbo_readme.c
show explore --names -f examples/minic/triangle.c
show explore --names -f examples/minic/divide.c
show explore -q -f examples/minic/nonlinear.c --solver gd
show explore -q -f examples/minic/nonlinear.c --solver portfolio
show explore -q --loop-bound 8 -f examples/minic/collatz.c
