#!/usr/bin/env python3
"""Benchmark of `symtest explore` on the C-like language.

For every program in bench/minic/programs and every solver (z3, gd,
portfolio): feasible paths, infeasible and undecided constraints, wrong
answers, wall time and peak memory. Wrong answers are counted by an
independent check with Z3's own Python API (from the wheel the set-up step
installs): every reported model must satisfy its path constraint, and every
constraint reported infeasible must be unsatisfiable.

Prints a table and writes the `minic` section of bench/RESULTS.md.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from results import write_section  # noqa: E402
PROGRAMS = ROOT / "bench" / "minic" / "programs"
SOLVERS = ["z3", "gd", "portfolio"]
# Explorations larger than this are checked by their counts only.
VERIFY_LIMIT = 5000
# Programs of n independent ifs, written at bench time: 2^n paths each,
# known by construction, to catch lost paths.
IFS = (12, 16, 20)
EXPECTED_PATHS = {f"ifs{n}.c": 2**n for n in IFS}
# Bundled examples the benchmark runs as well, with their arguments.
EXAMPLE_ARGS = {ROOT / "examples" / "minic" / "collatz.c": ["--loop-bound", "8"]}
EXAMPLES = list(EXAMPLE_ARGS)


def ifs_program(n: int) -> str:
    body = "".join(f"if (a{i} > 0) x = x + 1;\n" for i in range(n))
    return f"// {n} independent ifs: 2^{n} paths\n{body}return x;\n"


def generated_programs() -> list:
    out = ROOT / "bench" / "out" / "minic"
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in IFS:
        path = out / f"ifs{n}.c"
        path.write_text(ifs_program(n))
        paths.append(path)
    return paths


def load_z3():
    deps = sorted((ROOT / ".deps").glob("z3-*"))
    if not deps:
        sys.exit("bench: .deps/z3-* is missing; run `make setup` first")
    sys.path.insert(0, str(deps[-1]))
    import z3  # noqa: E402

    return z3


def program_args(path: Path):
    if path in EXAMPLE_ARGS:
        return EXAMPLE_ARGS[path]
    first = path.read_text().splitlines()[0] if path.read_text() else ""
    m = re.match(r"//\s*args:\s*(.*)", first)
    return m.group(1).split() if m else []


def timed(cmd, timeout):
    """Runs cmd under /usr/bin/time when present; returns (proc, wall s, peak KiB)."""
    wrapper = ["/usr/bin/time", "-f", "%M"] if Path("/usr/bin/time").exists() else []
    t0 = time.monotonic()
    try:
        p = subprocess.run(wrapper + cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, time.monotonic() - t0, None
    wall = time.monotonic() - t0
    peak = None
    if wrapper:
        lines = p.stderr.strip().splitlines()
        if lines and lines[-1].strip().isdigit():
            peak = int(lines[-1].strip())
    return p, wall, peak


class Checker:
    """Independent verification of reported answers with z3's Python API."""

    def __init__(self, z3):
        self.z3 = z3

    def _decls(self, inputs):
        z3 = self.z3
        make = {"Int": z3.Int, "Real": z3.Real, "Bool": z3.Bool}
        return {i["var"]: make[i["sort"]](i["var"]) for i in inputs}, {
            i["name"]: i["var"] for i in inputs
        }

    def _formula(self, smt, decls):
        z3 = self.z3
        script = "".join(
            f"(declare-const {v} {str(c.sort())})\n" for v, c in decls.items()
        ) + f"(assert {smt})\n"
        return z3.And(*z3.parse_smt2_string(script))

    def _value(self, const, v):
        z3 = self.z3
        if isinstance(v, bool):
            return z3.BoolVal(v)
        if const.sort() == z3.RealSort():
            return z3.RealVal(str(v))
        return z3.IntVal(int(v))

    def model_ok(self, report, path):
        z3 = self.z3
        decls, by_name = self._decls(report["inputs"])
        f = self._formula(path["smtlib"], decls)
        subs = [
            (decls[by_name[n]], self._value(decls[by_name[n]], v))
            for n, v in path["params"].items()
        ]
        return z3.is_true(z3.simplify(z3.substitute(f, *subs)))

    def unsat_ok(self, report, c):
        z3 = self.z3
        decls, _ = self._decls(report["inputs"])
        s = z3.Solver()
        s.set("timeout", 20000)
        s.add(self._formula(c["smtlib"], decls))
        r = s.check()
        return None if r == z3.unknown else r == z3.unsat


def run_symtest(binary, prog, solver, timeout):
    cmd = [binary, "explore", "--json", "-f", str(prog), "--solver", solver]
    cmd += ["--timeout", str(timeout)] + program_args(prog)
    big = prog.name in EXPECTED_PATHS
    if big:
        cmd.append("--summary")
    p, wall, peak = timed(cmd, timeout + 60)
    if p is None or p.returncode != 0:
        return {"error": "timeout" if p is None else p.stderr.strip()[-200:], "wall": wall}
    report = json.loads(p.stdout)
    return {"report": report, "wall": wall, "peak": peak, "big": big}


def verify(checker, prog, res):
    """Wrong answers: models that fail, UNSAT claims that are satisfiable, lost paths."""
    r = res["report"]
    wrong, unverified = 0, 0
    if prog.name in EXPECTED_PATHS and r["complete"] and r["sat"] != EXPECTED_PATHS[prog.name]:
        wrong += abs(EXPECTED_PATHS[prog.name] - r["sat"])
    if "paths" not in r:
        return wrong, unverified
    for path in r["paths"][:VERIFY_LIMIT]:
        if not checker.model_ok(r, path):
            wrong += 1
    for c in r["unsat"][:VERIFY_LIMIT]:
        ok = checker.unsat_ok(r, c)
        if ok is None:
            unverified += 1
        elif not ok:
            wrong += 1
    return wrong, unverified


def fmt_mem(kib):
    return "-" if kib is None else f"{kib / 1024:.0f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "symtest"))
    ap.add_argument("--timeout", type=float, default=120.0, help="per run, seconds")
    ap.add_argument("--only", help="comma-separated program names")
    ap.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = ap.parse_args()
    checker = Checker(load_z3())
    progs = sorted(
        list(PROGRAMS.glob("*.c")) + EXAMPLES + generated_programs(), key=lambda p: p.name
    )
    if args.only:
        keep = set(args.only.split(","))
        progs = [p for p in progs if p.stem in keep or p.name in keep]

    rows = []
    total_wrong = 0
    for prog in progs:
        for solver in SOLVERS:
            res = run_symtest(args.bin, prog, solver, args.timeout)
            if "error" in res:
                rows.append([prog.stem, solver, "error", "", "", "", "", f"{res['wall']:.2f}", "-", res["error"][:60]])
                print(f"{prog.stem:14} {solver:9} error: {res['error'][:100]}", flush=True)
                continue
            r = res["report"]
            wrong, unverified = verify(checker, prog, res)
            total_wrong += wrong
            note = [] if r["complete"] else [f"stopped: {r['stop']}"]
            if unverified:
                note.append(f"{unverified} UNSAT unverified")
            if r["divergence_count"]:
                note.append(f"{r['divergence_count']} divergences")
            row = [
                prog.stem,
                solver,
                str(r["sat"]),
                str(r["unsat_count"]),
                str(r["unknown_count"]),
                str(wrong),
                str(r["stats"]["runs"]),
                f"{res['wall']:.2f}",
                fmt_mem(res["peak"]),
                "; ".join(note),
            ]
            rows.append(row)
            print("  ".join(f"{c:>9}" for c in row), flush=True)

    head = "| program | solver | SAT paths | UNSAT | UNKNOWN | wrong | runs | wall s | peak MiB | notes |"
    sep = "|" + "---|" * 10
    table = [head, sep] + ["| " + " | ".join(r) + " |" for r in rows]
    print("\n".join(table))
    print(f"\nwrong answers in total: {total_wrong}")

    if not args.no_write:
        cpu = ""
        try:
            cpu = next(
                l.split(":", 1)[1].strip()
                for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")
            )
        except (OSError, StopIteration):
            pass
        section = [
            "<!-- minic:start -->",
            "## `symtest explore` on the C-like language (`make bench`)",
            "",
            f"Machine: {os.cpu_count()} cores, {cpu or 'unknown CPU'}. Budget {args.timeout:.0f} s per run.",
            "Wall time and peak memory are of the whole process (`/usr/bin/time`). `wrong` counts",
            "models that do not satisfy their path, infeasible claims that are satisfiable (both",
            "checked independently with Z3's Python API), and paths missing from programs whose path",
            "count is known. SAT counts complete feasible paths (not Gymbo's prefixes).",
            "",
        ] + table + ["", f"Wrong answers in total: **{total_wrong}**.", ""]
        target = next((r for r in rows if r[0] == "ifs16" and r[1] == "z3" and r[2] != "error"), None)
        if target:
            met = "met" if float(target[7]) < 5.0 else "NOT met"
            section += [f"Target (16 sequential ifs with z3 under 5 s): {target[7]} s, {met}.", ""]
        section.append("<!-- minic:end -->")
        write_section("minic", section)
    return 1 if total_wrong else 0


if __name__ == "__main__":
    sys.exit(main())
