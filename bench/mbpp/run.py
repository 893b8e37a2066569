#!/usr/bin/env python3
"""Benchmark of `symtest gen` on MBPP as published (sanitized or original
format), code this project was not built against.

    bench/mbpp/run.py --data mbpp-sanitized.jsonl [--bin target/release/symtest]

Per run: problems with a suite and those without (with why), full branch
coverage of each reference by the generated tests alone (symtest's CPython
probes), fidelity (the interpreter's result equals CPython's on every input
it explored), tests per problem and wall time; the disagreements listed. The
data file is not bundled (MBPP's licence is CC BY 4.0; bring the file).
Prints a table and writes the `mbpp` section of bench/RESULTS.md.
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from results import bullets, md_table, write_section  # noqa: E402

OUT = ROOT / "bench" / "out" / "mbpp"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path, help="MBPP jsonl (sanitized or original format)")
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "symtest"))
    ap.add_argument("--label", default=None, help="what the data is, for the table (default: the file name)")
    args = ap.parse_args()
    if not args.data.exists():
        print(f"{args.data}: no such file", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    suite, report = OUT / "suite.jsonl", OUT / "report.json"
    suite.unlink(missing_ok=True)
    started = time.monotonic()
    r = subprocess.run(
        [args.bin, "gen", "-q", str(args.data), "-o", str(suite), "--report", str(report)],
        capture_output=True,
        text=True,
    )
    wall = time.monotonic() - started
    if r.returncode not in (0, 1) or not report.exists():
        print(r.stderr, file=sys.stderr)
        return 1
    rows = json.loads(report.read_text())["problems"]
    done = [p for p in rows if p.get("ok")]
    failed = [p for p in rows if not p.get("ok")]
    stats = [p["stats"] for p in done]
    full = sum(1 for s in stats if s.get("branch_coverage", 0) >= 1.0)
    equal = sum(s["fidelity"]["equal"] for s in stats)
    compared = sum(s["fidelity"]["compared"] for s in stats)
    tests = sum(s.get("generated_tests", 0) + s.get("dataset_tests", 0) for s in stats)
    generated = sum(s.get("generated_tests", 0) for s in stats)
    disagreeing = [(p["task_id"], d) for p in done for d in p["stats"]["fidelity"]["diffs"][:1]]
    label = args.label or args.data.name
    table = md_table(
        ["data", "problems", "suites", "no suite", "full branch coverage", "fidelity", "tests (generated)", "tests a problem", "wall"],
        [[
            label,
            len(rows),
            len(done),
            len(failed),
            f"{full}/{len(done)}",
            f"{equal}/{compared}" + (f" ({100 * equal / compared:.1f}%)" if compared else ""),
            f"{tests} ({generated})",
            f"{tests / max(1, len(done)):.1f}",
            f"{wall:.1f} s",
        ]],
    )
    for line in table:
        print(line)
    lines = [
        "<!-- mbpp:start -->",
        "## `symtest gen` on MBPP (bench/mbpp/run.py)",
        "",
        "MBPP as published, not bundled (`--data`). *full branch coverage*: every branch of the "
        "reference taken by the generated tests alone, measured in CPython; *fidelity*: inputs on "
        "which the interpreter's result equals CPython's, of those compared.",
        "",
        *table,
        "",
    ]
    lines += bullets(
        f"Without a suite ({len(failed)}):",
        [f"{p['task_id']}: {str(p.get('error', ''))[:160]}" for p in failed[:20]],
    )
    lines += bullets(
        f"Problems where the interpreter and CPython disagree ({len(disagreeing)}), first input each:",
        [f"{t}: {str(d)[:200]}" for t, d in disagreeing[:20]],
    )
    lines.append("<!-- mbpp:end -->")
    write_section("mbpp", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
