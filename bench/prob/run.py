#!/usr/bin/env python3
"""Benchmark of `symtest prob`: exact probabilities of probabilistic programs.

Each program is generated here, weighed by `symtest prob --json`, and its
answer checked against an independent exact computation in Python
(fractions; closed forms or dynamic programming over sums). Beside it, for
the programs small enough, the naive method symtest avoids: enumerating the
product of all supports (in Python, same run), as a time ratio.

Prints a table and writes the `prob` section of bench/RESULTS.md.
"""

import argparse
import itertools
import json
import sys
import subprocess
import time
from fractions import Fraction
from math import comb
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from results import report_checked  # noqa: E402
OUT = ROOT / "bench" / "out" / "prob"


def binom_pmf(n, p):
    return [comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1)]


def bern_sum(n, p, at_least):
    src = " ".join(f"x{i} ~ bernoulli({p});" for i in range(n))
    src += "\nif (" + " + ".join(f"x{i}" for i in range(n)) + f" >= {at_least}) return 1;\nreturn 0;\n"
    exact = sum(binom_pmf(n, Fraction(p))[at_least:])

    def naive():
        q = Fraction(p)
        total = Fraction(0)
        for xs in itertools.product((0, 1), repeat=n):
            if sum(xs) >= at_least:
                k = sum(xs)
                total += q**k * (1 - q) ** (n - k)
        return total

    return src, exact, naive if n <= 20 else None


def dependent30():
    """30 Bernoulli(0.4) variables; the branches tie a few of them together."""
    n, p = 30, Fraction(2, 5)
    src = " ".join(f"x{i} ~ bernoulli(0.4);" for i in range(n))
    src += "\ns = " + " + ".join(f"x{i}" for i in range(n)) + ";\n"
    src += "if (x0 == x1) { if (s >= 18) return 2; return 1; }\n"
    src += "if (x2 + x3 + x4 >= 2 && x5 != x6) return 3;\nreturn 0;\n"
    # P(return 3): x0 != x1, x2+x3+x4 >= 2, x5 != x6 (independent groups).
    p_ne = 2 * p * (1 - p)
    p_two_of_three = sum(binom_pmf(3, p)[2:])
    exact = p_ne * p_two_of_three * p_ne
    return src, exact, None, "3"


def dice(n, total):
    src = " ".join(f"d{i} ~ uniform(1, 6);" for i in range(n))
    src += "\nif (" + " + ".join(f"d{i}" for i in range(n)) + f" == {total}) return 1;\nreturn 0;\n"
    dist = {0: Fraction(1)}
    for _ in range(n):
        nxt = {}
        for s, q in dist.items():
            for f in range(1, 7):
                nxt[s + f] = nxt.get(s + f, 0) + q / 6
        dist = nxt
    exact = dist.get(total, Fraction(0))
    return src, exact, None


def binomials(n, at_least):
    """n binomial(10, 0.3) variables: sum >= at_least."""
    src = " ".join(f"k{i} ~ binomial(10, 0.3);" for i in range(n))
    src += "\nif (" + " + ".join(f"k{i}" for i in range(n)) + f" >= {at_least}) return 1;\nreturn 0;\n"
    exact = sum(binom_pmf(10 * n, Fraction(3, 10))[at_least:])
    return src, exact, None


def cases():
    yield ("bernoulli x20, P(sum >= 15)", *bern_sum(20, "0.5", 15), "1")
    yield ("bernoulli(0.3) x20, P(sum >= 15)", *bern_sum(20, "0.3", 15), "1")
    yield ("30 bernoulli(0.4), a few dependencies", *dependent30())
    yield ("bernoulli x100, P(sum >= 60)", *bern_sum(100, "0.5", 60), "1")
    yield ("10 dice, P(sum == 35)", *dice(10, 35), "1")
    yield ("20 binomial(10, 0.3), P(sum >= 70)", *binomials(20, 70), "1")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "symtest"))
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    wrong = 0
    for i, (name, src, exact, naive, value) in enumerate(cases()):
        path = OUT / f"case{i}.c"
        path.write_text(src)
        t0 = time.monotonic()
        p = subprocess.run([args.bin, "prob", "-f", str(path), "--json"], capture_output=True, text=True)
        wall = time.monotonic() - t0
        if p.returncode != 0:
            rows.append((name, "error", "", "", "", "", f"{wall:.2f}", "", p.stderr.strip()[:60]))
            wrong += 1
            continue
        r = json.loads(p.stdout)
        got = next((Fraction(e["probability"]["exact"]) for e in r["regions"][0]["returns"]
                    if e["value"] == value), Fraction(0))
        ok = got == exact and r["complete"]
        wrong += 0 if ok else 1
        peak = max((q["peak_states"] for q in r["paths"]), default=0)
        naive_s = ratio = ""
        if naive is not None:
            t1 = time.monotonic()
            assert naive() == exact
            naive_t = time.monotonic() - t1
            naive_s = f"{naive_t:.2f}"
            ratio = f"{naive_t / wall:.0f}x"
        rows.append((name, str(got) if len(str(got)) < 40 else f"{float(got):.6g}", "yes" if ok else "NO",
                     str(len(r["paths"])), str(r["solver_calls"]), str(peak), f"{wall:.2f}", naive_s, ratio))
    head = ("program", "P (exact)", "checked", "paths", "solver calls", "peak states", "symtest s",
            "naive enumeration s", "speed-up")
    widths = [max(len(str(x[i])) for x in rows + [head]) for i in range(len(head))]
    for row in [head] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))
    intro = """
Each program is weighed by `symtest prob --json` (wall time of the whole command:
exploration with Z3 plus exact weighing) and checked against an independent exact
computation in Python (fractions; binomial closed forms or a DP over sums). Naive
enumeration of the product of all supports, in Python in the same run, is shown where
it is feasible (2^20 assignments); symtest never enumerates it. Peak states: the most
partial assignments kept at once while weighing one path.
"""
    title = "## `symtest prob`: exact probabilities (`make bench`)"
    return report_checked("prob", title, intro, head, rows, wrong, not args.no_write)


if __name__ == "__main__":
    raise SystemExit(main())
