#!/usr/bin/env python3
"""Benchmark of `symtest gen` on whole programs that read standard input
(bench/stdin/problems.jsonl: 60 problems in APPS' format, in the shapes
competitive programming uses).

    bench/stdin/run.py [--bin target/release/symtest] [--mutants 12]

Per run:
- suites generated, time per problem, fidelity (the interpreter's output
  equals CPython's on every input);
- branch coverage of each reference, measured with coverage.py in CPython
  (`--branch` arcs), by the examples alone, by the generated tests alone and
  by the whole suite;
- a mutation score: single-site mutants of each reference (bench/mutation.py,
  at most --mutants a problem, spread over the program) graded by the
  examples alone, by the generated tests alone and by the whole suite. A
  mutant is killed when its grade is not `passed`. "Killable" is the lower
  bound we can show: killed by some test of either set.
- the same generation again with `--mutants 0` (skip with --no-ablation):
  gen's own mutants are of the same classes as the benchmark's, which
  favours gen, so the generated tests' kills without them are shown beside;
- every reference graded against its own suite (a suite that fails its
  reference would punish right answers).
Prints a table and writes the `stdin` section of bench/RESULTS.md.
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from mutation import mutants  # noqa: E402
from results import md_table, write_section  # noqa: E402

OUT = ROOT / "bench" / "out" / "stdin"
DATA = ROOT / "bench" / "stdin" / "problems.jsonl"
VENV = ROOT / ".deps" / "bench-venv"
COVERAGE_VERSION = "7.6.10"


def ensure_coverage():
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    probe = subprocess.run([str(py), "-c", "import coverage"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        f"coverage=={COVERAGE_VERSION}"], check=True)
    return py


def load_jsonl(path):
    return [json.loads(line) for line in open(path) if line.strip()]


def write_jsonl(path, rows):
    with open(path, "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")


def grade(bin_, problems, samples, out):
    out.unlink(missing_ok=True)
    subprocess.run([bin_, "grade", str(problems), str(samples), "-o", str(out), "-q"],
                   check=True, stdout=subprocess.DEVNULL)
    return {(o["task_id"], o["sample_id"]): o["status"] for o in load_jsonl(out)}


def generate(bin_, data, suite, report, extra):
    """Runs `symtest gen` on the problems; its wall time, or None if it failed."""
    suite.unlink(missing_ok=True)
    started = time.monotonic()
    r = subprocess.run([bin_, "gen", "-q", str(data), "-o", str(suite), "--report", str(report), *extra],
                       capture_output=True, text=True)
    if r.returncode not in (0, 1) or not report.exists():
        print(r.stderr, file=sys.stderr)
        return None
    return time.monotonic() - started


def generated_alone(rows, done, path):
    """The generated tests alone, as a suite of their own, written to `path`."""
    gen_rows = []
    for t in done:
        if t not in rows:
            continue
        row = dict(rows[t])
        row["tests"] = [x for x in row["tests"] if x["origin"] != "dataset"]
        if row["tests"]:
            gen_rows.append(row)
    write_jsonl(path, gen_rows)
    return path


def spread(items, n):
    """At most n items, evenly spaced over the list (every part of a program)."""
    if len(items) <= n:
        return items
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def pct(a, b):
    return f"{a / b:.1%}" if b else "n/a"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "symtest"))
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--mutants", type=int, default=12, help="mutants per problem at most")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--no-ablation", action="store_true",
                    help="skip the second run with --mutants 0")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    py = ensure_coverage()

    suite, report = OUT / "suite.jsonl", OUT / "report.json"
    wall = generate(args.bin, args.data, suite, report, [])
    if wall is None:
        return 1
    problems = {str(p["problem_id"]): p for p in load_jsonl(args.data)}
    reported = {p["task_id"]: p for p in json.loads(report.read_text())["problems"]}
    rows = {r["task_id"]: r for r in load_jsonl(suite)}
    done = [t for t in problems if t in rows]
    failed = {t: reported.get(t, {}).get("error", "no suite") for t in problems if t not in rows}
    generated_only = generated_alone(rows, done, OUT / "generated.jsonl")
    # The same run without gen's own mutants (`--mutants 0`): they are of
    # the same classes as the benchmark's, which favours gen.
    ablation = None
    if not args.no_ablation:
        plain_suite = OUT / "suite-no-mutants.jsonl"
        if generate(args.bin, args.data, plain_suite, OUT / "report-no-mutants.json", ["--mutants", "0"]) is None:
            return 1
        plain_rows = {r["task_id"]: r for r in load_jsonl(plain_suite)}
        ablation = (plain_rows, generated_alone(plain_rows, done, OUT / "generated-no-mutants.jsonl"))

    # Coverage with coverage.py.
    jobs = []
    for t in done:
        p = problems[t]
        code = json.loads(p["solutions"])[0]
        tests = rows[t]["tests"]
        jobs.append({"code": code, "sets": {
            "examples": json.loads(p["input_output"])["inputs"],
            "generated": [x["input"] for x in tests if x["origin"] != "dataset"],
            "suite": [x["input"] for x in tests],
        }})
    cov = subprocess.run([str(py), str(ROOT / "bench" / "stdin" / "cover.py")], input=json.dumps(jobs),
                         capture_output=True, text=True, check=True)
    coverage = dict(zip(done, (json.loads(line) for line in cov.stdout.splitlines())))
    full = {k: sum(1 for c in coverage.values() if c[k][0] == c[k][1]) for k in ("examples", "generated", "suite")}
    short = {t: c["suite"] for t, c in coverage.items() if c["suite"][0] < c["suite"][1]}

    # Mutants, graded three ways; references graded against their suites.
    samples = []
    for t in done:
        code = json.loads(problems[t]["solutions"])[0]
        for k, m in enumerate(spread(mutants("", code), args.mutants)):
            samples.append({"task_id": t, "sample_id": f"m{k}", "completion": m})
        samples.append({"task_id": t, "sample_id": "reference", "completion": code})
    samples_path = OUT / "mutants.jsonl"
    write_jsonl(samples_path, samples)
    by_examples = grade(args.bin, args.data, samples_path, OUT / "graded_examples.jsonl")
    by_generated = grade(args.bin, generated_only, samples_path, OUT / "graded_generated.jsonl")
    by_suite = grade(args.bin, suite, samples_path, OUT / "graded_suite.jsonl")
    muts = [(s["task_id"], s["sample_id"]) for s in samples if s["sample_id"] != "reference"]
    killed = lambda graded: {m for m in muts if graded.get(m, "passed") != "passed"}  # noqa: E731
    e, g, w = killed(by_examples), killed(by_generated), killed(by_suite)
    if ablation is not None:
        ag = killed(grade(args.bin, ablation[1], samples_path, OUT / "graded_generated_no_mutants.jsonl"))
        n_plain = sum(len([x for x in r["tests"] if x["origin"] != "dataset"]) for r in ablation[0].values())
    killable = e | g | w
    refs_failing = [t for t in done if by_suite.get((t, "reference")) != "passed"]

    stats = [reported[t]["stats"] for t in done]
    equal = sum(s["fidelity"]["equal"] for s in stats)
    compared = sum(s["fidelity"]["compared"] for s in stats)
    times = sorted(s["total_ms"] / 1000 for s in stats)
    n_tests = sum(len(rows[t]["tests"]) for t in done)
    n_gen = sum(len([x for x in rows[t]["tests"] if x["origin"] != "dataset"]) for t in done)
    ratio = len(g) / len(e) if e else float("inf")
    n = len(problems)

    table = [
        ("problems", str(n)),
        ("problems with a suite", f"{len(done)} ({pct(len(done), n)})"),
        ("tests (generated + examples)", f"{n_tests} ({n_gen} generated; {n_gen / max(len(done), 1):.1f} a problem)"),
        ("fidelity (interpreter == CPython)", f"{equal} of {compared} inputs"),
        ("full branch coverage (coverage.py): examples alone", f"{full['examples']} of {len(done)}"),
        ("full branch coverage: generated tests alone", f"{full['generated']} of {len(done)}"),
        ("full branch coverage: whole suite", f"{full['suite']} of {len(done)} ({pct(full['suite'], len(done))})"),
        ("mutants", str(len(muts))),
        ("killed by the examples", str(len(e))),
        ("killed by the generated tests alone", str(len(g))),
        ("killed by the whole suite", str(len(w))),
        ("killable (killed by some test)", str(len(killable))),
        ("examples' survivors the generated tests kill", f"{len(g - e)} of {len(killable - e)} killable"),
        ("generated kills / example kills", f"{ratio:.2f}x"),
    ]
    if ablation is not None:
        table += [
            ("killed by the generated tests alone, `--mutants 0` (same run)",
             f"{len(ag)} ({n_plain / max(len(done), 1):.1f} generated tests a problem)"),
        ]
    table += [
        ("references failing their own suite", str(len(refs_failing))),
        ("time per problem: median / max", f"{times[len(times) // 2]:.2f} s / {times[-1]:.2f} s" if times else "n/a"),
        ("wall time of `symtest gen` (all, 2 cores)", f"{wall:.1f} s"),
    ]
    for k, v in table:
        print(f"{k:55} {v}")
    targets = [
        ("a suite for >= 95% of problems", len(done) >= 0.95 * n, pct(len(done), n)),
        ("full branch coverage on >= 80% (whole suite)", full["suite"] >= 0.8 * len(done), pct(full["suite"], len(done))),
        ("generated tests kill >= 3x the mutants the examples kill", ratio >= 3, f"{ratio:.2f}x"),
        ("under 5 s a problem", bool(times) and times[-1] < 5, f"max {times[-1]:.2f} s" if times else "n/a"),
    ]
    lines = ["<!-- stdin:start -->", "## `symtest gen` on stdin programs (bench/stdin/run.py)", "",
             f"{n} whole programs in APPS' format (bench/stdin/problems.jsonl): single case, `t` cases, grids, "
             "strings, queries, edge lists; each with the 1-3 examples a statement shows. Coverage is coverage.py's "
             f"branch arcs in CPython; mutants are single-site mutants of each reference (at most {args.mutants} a "
             "problem, spread over it), killed when their grade is not `passed`. \"Killable\" is a lower bound: "
             "killed by some test of either set. gen's own mutants (`--mutants`, default 64) are of the same classes as "
             "these, which favours gen: the row with `--mutants 0` is the same generation without them, in the same "
             "run.", ""]
    lines += md_table(["measure", "value"], table)
    lines += ["", "Targets (issue 17):", ""]
    lines += [f"- {what}: {'met' if ok else 'not met'} ({val})" for what, ok, val in targets]
    if failed:
        lines += ["", "Problems without a suite:", ""] + [f"- {t}: {why}" for t, why in sorted(failed.items())]
    if short:
        lines += ["", "Below full branch coverage (whole suite, coverage.py arcs):", ""]
        lines += [f"- {t}: {c[0]}/{c[1]}" for t, c in sorted(short.items())]
    if refs_failing:
        lines += ["", "References failing their own suite:", ""] + [f"- {t}" for t in refs_failing]
    lines.append("<!-- stdin:end -->")
    if not args.no_write:
        write_section("stdin", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
