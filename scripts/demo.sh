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

# Probabilistic programs: exact path probabilities (Monty Hall, left symbolic
# in whether the player switches), a retry loop, and a binomial input.
show prob -f examples/prob/monty.c
show prob -f examples/prob/retry.c
show prob 'if (x >= 2) return 1; return 0;' --dist 'x=binomial(3,0.2)'

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

# Test generation: Python functions explored like the C-like language, then
# suites for bundled problems whose own tests are weak. Samples that pass the
# problems' own tests but are wrong fail the generated suites.
show explore examples/python/parens.py::target --names
show gen examples/gen/problems.jsonl -o "$out/suites.jsonl" --pytest "$out/pytest"
show grade examples/gen/problems.jsonl examples/gen/samples.jsonl -o "$out/dataset.jsonl" -q
show grade "$out/suites.jsonl" examples/gen/samples.jsonl -o "$out/generated.jsonl" -q
printf '\n\033[1mSamples judged by the dataset'"'"'s tests and by the generated suites\033[0m\n'
python3 - "$out/dataset.jsonl" "$out/generated.jsonl" <<'PY'
import json, sys
def load(p):
    return {(o["task_id"], o["sample_id"]): o for o in map(json.loads, open(p))}
before, after = load(sys.argv[1]), load(sys.argv[2])
print(f"{'task':<8} {'sample':<18} {'dataset tests':<14} {'generated':<10} first failure on the generated suite")
for key in sorted(before):
    b, a = before[key], after.get(key, {})
    f = a.get("first_failure") or {}
    why = f"input {f.get('input')}: expected {f.get('expected')}, got {f.get('got') or f.get('error')}" if f else ""
    flag = "  <- caught only by symtest" if b["status"] == "passed" and a.get("status") != "passed" else ""
    print(f"{key[0]:<8} {key[1]:<18} {b['status']:<14} {a.get('status', '?'):<10} {why}{flag}")
PY

# Fixing static-analysis findings: ruff's own fixes, each checked by running
# the functions it touches, original and fixed, on the same inputs. The
# unsafe `m == None` -> `m is None` in describe() is rejected: Money's __eq__
# makes a zero amount equal to None, and the witness shows it.
# Findings are left (rejected, skipped), which makes `fix` exit 2 as `ruff check`
# does; the demo shows them, so it asks for 0 (--exit-zero).
ruff_exe=$(ls -d "$root"/.deps/ruff-*/bin/ruff 2>/dev/null | tail -n 1)
export SYMTEST_RUFF=${SYMTEST_RUFF:-$ruff_exe}
cp examples/fix/shop.py "$out/shop.py"
bin_abs=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
(cd "$out" && bin=$bin_abs && show fix shop.py --select E711,E712,F841,F401,B006,E722 --write -q -o fix.diff --exit-zero)
printf '\n\033[1mshop.py after symtest fix --write\033[0m\n'
diff -u examples/fix/shop.py "$out/shop.py" || true
