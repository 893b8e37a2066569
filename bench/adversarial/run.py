#!/usr/bin/env python3
"""Benchmark of `symtest adversarial` on networks scikit-learn trains here.

For hidden sizes 8/16/32/64 and 1/3/5/10 free features, one network each
(10 features, synthetic data, no downloads), the training sample nearest the
decision boundary, eps 0.5: time to answer per solver (z3, gd, portfolio) and
the answer. Every example is classified again by scikit-learn's predict
("verified"); a robustness claim is checked against 3,000 random points of
the box. Prints a table and writes the `adversarial` section of
bench/RESULTS.md.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from results import report_checked  # noqa: E402
NETS = ROOT / "crates" / "symtest" / "tests" / "adversarial" / "nets.py"
ML = os.environ.get("SYMTEST_ML_PYTHONPATH", str(ROOT / ".deps" / "ml-py"))


def helper(*args):
    env = dict(os.environ, PYTHONPATH=ML)
    p = subprocess.run([sys.executable, str(NETS), *map(str, args)], capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.exit(f"bench: nets.py {args[0]} failed (run `make setup` for scikit-learn):\n{p.stderr}")
    return p.stdout.strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "symtest"))
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--eps", default="0.5")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    rows, wrong = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for hidden in (8, 16, 32, 64):
            name = f"h{hidden}"
            helper("train", tmp, name, hidden, 11)
            net, point = f"{tmp}/{name}.json", f"{tmp}/{name}.near.json"
            for free in (1, 3, 5, 10):
                feats = ",".join(str(i) for i in range(free))
                cells = []
                for solver in ("z3", "gd", "portfolio"):
                    t0 = time.monotonic()
                    p = subprocess.run([args.bin, "adversarial", "--model", net, "--input", point,
                                        "--eps", args.eps, "--features", feats, "--solver", solver,
                                        "--timeout", str(args.timeout), "--json"],
                                       capture_output=True, text=True)
                    wall = time.monotonic() - t0
                    if p.returncode != 0:
                        cells.append(f"error {wall:.1f} s")
                        wrong += 1
                        continue
                    r = json.loads(p.stdout)
                    answer = r["result"]
                    ok = True
                    if answer == "found":
                        ok = helper("predict", tmp, name, json.dumps(r["example"])) == r["class"]
                    elif answer == "robust":
                        x = Path(point).read_text()
                        ok = len(json.loads(helper("sample", tmp, name, x, args.eps, feats, 3000))) == 1
                    wrong += 0 if ok else 1
                    mark = "" if ok else " (WRONG)"
                    cells.append(f"{answer}{mark} {wall:.2f} s")
                rows.append((str(hidden), str(free), *cells))
                print("  ".join(rows[-1]), flush=True)
    head = ("hidden", "free features", "z3", "gd", "portfolio")
    intro = f"""
One scikit-learn `MLPClassifier` per hidden size (10 features, synthetic data), the
training sample nearest its decision boundary, eps {args.eps} on the first k features,
{args.timeout:.0f} s budget. Each cell: the answer and the wall time of the command.
`found` examples are classified again by scikit-learn's `predict`; `robust` (z3's
UNSAT) is checked against 3,000 random points of the box; `unknown` is a budget or gd
finding nothing. 2 cores.
"""
    title = "## `symtest adversarial`: ReLU networks (`make bench`)"
    return report_checked("adversarial", title, intro, head, rows, wrong, not args.no_write)


if __name__ == "__main__":
    raise SystemExit(main())
