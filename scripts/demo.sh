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

# Grading: bundled problems in HumanEval's format and samples that are right,
# wrong, crashing and hostile (an infinite loop, a fork bomb, a memory bomb,
# reading /etc/passwd, opening a socket, flooding stdout, faking equality,
# exiting before the check).
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
show grade -v examples/grade/humaneval_mini.jsonl examples/grade/samples.jsonl \
  -o "$out/outcomes.jsonl" --reward coderl -k 1
show pairs examples/grade/humaneval_mini.jsonl examples/grade/samples.jsonl \
  "$out/outcomes.jsonl" -o "$out/pairs.jsonl"
show critic-data examples/grade/humaneval_mini.jsonl examples/grade/samples.jsonl \
  "$out/outcomes.jsonl" -o "$out/critic.jsonl"
