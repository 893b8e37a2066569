#!/usr/bin/env python3
"""Benchmark of `symtest explore` on real modules: code it was not built
against, as a new user would point it at.

    bench/realcode/run.py [--bin target/release/symtest] [--timeout 5] [--only SUBSTR]

The corpus (corpus.txt) lists functions of stdlib modules (those of the
Python running the bench) and of pinned pure-Python wheels, downloaded from
PyPI with pip at bench time into bench/out/realcode/wheels and unpacked
there. Each function is explored with its listed types and a time budget:

- *explored*: `explore` loaded the module and explored the function without
  an error (exit status 0) and no run stopped on an unsupported construct;
- *loaded*: exit status 0 (runs may still have stopped on something the
  interpreter does not model);
- *fidelity*: every path's input is run again in CPython (a child process
  with the unpacked wheels on its path, each call under a time limit) and
  its result compared with the interpreter's: equal values, or the same
  exception class. Results that are not plain values (iterators, objects)
  are not compared; the table says how many were.
- *external calls*: calls the interpreter made in CPython (concretely) and
  values of the module computed there, summed over the corpus.

Prints a table and writes the `realcode` section of bench/RESULTS.md.
"""

import argparse
import ast
import concurrent.futures
import importlib.util
import json
import math
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from results import bullets, md_table, write_section  # noqa: E402

HERE = Path(__file__).resolve().parent
OUT = ROOT / "bench" / "out" / "realcode"
WHEELS = OUT / "wheels"
SITE = OUT / "site"
# Pure-Python wheels, pinned.
PACKAGES = [
    "boltons==26.2.0",
    "toolz==1.2.0",
    "humanize==4.17.0",
    "more-itertools==11.2.1",
    "inflection==0.5.1",
]
TARGET_EXPLORED = 0.95
TARGET_FIDELITY = 1.0
MAX_CHECKED_PATHS = 60

# Runs in a child process: imports the module, calls the function on each
# argument text, answers one JSON line per call.
CHECKER = r"""
import importlib, json, signal, sys
sys.path.insert(0, sys.argv[1])
sys.setrecursionlimit(3000)
mod = importlib.import_module(sys.argv[2])
fn = getattr(mod, sys.argv[3])
def alarm(*_):
    raise TimeoutError("call took too long")
signal.signal(signal.SIGALRM, alarm)
for line in sys.stdin:
    call = json.loads(line)
    signal.alarm(2)
    try:
        value = eval(call, {sys.argv[3]: fn})
        try:
            out = {"kind": "returned", "repr": repr(value), "plain": _plain(value)}
        except Exception as e:
            out = {"kind": "unreadable", "why": type(e).__name__}
    except TimeoutError:
        out = {"kind": "timeout"}
    except BaseException as e:
        out = {"kind": "raised", "type": type(e).__name__}
    finally:
        signal.alarm(0)
    print(json.dumps(out), flush=True)
"""
PLAIN = r"""
def _plain(v, depth=0):
    if depth > 50:
        return False
    if v is None or type(v) in (bool, int, float, complex, str, bytes):
        return True
    if type(v) in (list, tuple, set, frozenset):
        return all(_plain(x, depth + 1) for x in v)
    if type(v) is dict:
        return all(_plain(k, depth + 1) and _plain(x, depth + 1) for k, x in v.items())
    return False
"""


def fetch_packages():
    """Downloads the pinned wheels (once) and unpacks them into SITE."""
    WHEELS.mkdir(parents=True, exist_ok=True)
    missing = [p for p in PACKAGES if not list(WHEELS.glob(p.split("==")[0].replace("-", "_") + "-" + p.split("==")[1] + "-*.whl"))]
    if missing:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
             "--dest", str(WHEELS), *missing],
            check=True,
        )
    SITE.mkdir(parents=True, exist_ok=True)
    for whl in sorted(WHEELS.glob("*.whl")):
        with zipfile.ZipFile(whl) as z:
            z.extractall(SITE)


def corpus():
    out = []
    for line in (HERE / "corpus.txt").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        target, types = line.split()
        module, func = target.split("::")
        out.append((module, func, types))
    return out


def module_file(module):
    """The source file of a corpus module: the unpacked wheels first, then the stdlib."""
    parts = module.split(".")
    for cand in (SITE.joinpath(*parts).with_suffix(".py"), SITE.joinpath(*parts, "__init__.py")):
        if cand.exists():
            return cand
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin:
        return None
    if spec.origin == "frozen":
        # Frozen stdlib modules (posixpath) still have their source beside the others.
        cand = Path(sysconfig.get_path("stdlib")).joinpath(*parts).with_suffix(".py")
        return cand if cand.exists() else None
    return Path(spec.origin) if spec.origin.endswith(".py") else None


def explore(bin_, module, func, types, timeout, extra=()):
    path = module_file(module)
    if path is None:
        return {"status": "no-source", "why": f"no source file for {module}"}
    cmd = [bin_, "explore", f"{path}::{func}", "--types", types, "--json", "--timeout", str(timeout), *extra]
    started = time.monotonic()
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout * 4 + 30)
    except subprocess.TimeoutExpired:
        return {"status": "hung", "why": "explore did not end", "wall": time.monotonic() - started}
    wall = time.monotonic() - started
    if r.returncode != 0:
        why = (r.stderr.strip().splitlines() or ["?"])[-1]
        return {"status": "error", "why": why.replace(str(path), module), "wall": wall, "code": r.returncode}
    try:
        report = json.loads(r.stdout)
    except json.JSONDecodeError:
        return {"status": "error", "why": "unreadable JSON", "wall": wall}
    unsupported = [c for c in report.get("cuts", []) if c["reason"].startswith("unsupported")]
    ext = report.get("external") or {}
    check = report.get("cpython_check") or {}
    return {
        "flagged": len(check.get("disagreements", [])),
        "status": "unsupported" if unsupported else "explored",
        "why": unsupported[0]["reason"] if unsupported else "",
        "wall": wall,
        "paths": report["paths"],
        "coverage": report["coverage"],
        "external_calls": ext.get("calls", 0),
        "external_values": ext.get("values", 0),
    }


def literal(text):
    try:
        return True, ast.literal_eval(text)
    except Exception:
        return False, None


def same(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def fidelity(module, func, paths):
    """(compared, equal, first difference) over the paths' inputs."""
    calls = [p for p in paths if p.get("args") and p["outcome"]["kind"] in ("returned", "error")]
    calls = calls[:MAX_CHECKED_PATHS]
    if not calls:
        return 0, 0, None
    stdin = "".join(json.dumps(p["args"]) + "\n" for p in calls)
    try:
        r = subprocess.run(
            [sys.executable, "-c", PLAIN + CHECKER, str(SITE), module, func],
            input=stdin, capture_output=True, text=True, timeout=10 + 3 * len(calls),
        )
    except subprocess.TimeoutExpired:
        return 0, 0, None
    answers = [json.loads(x) for x in r.stdout.splitlines() if x.startswith("{")]
    compared = equal = 0
    first = None
    for p, a in zip(calls, answers):
        mine = p["outcome"]
        if a["kind"] == "returned" and mine["kind"] == "returned":
            if not a.get("plain"):
                continue
            ok_c, vc = literal(a["repr"])
            ok_i, vi = literal(mine.get("value", ""))
            if not ok_c:
                continue
            compared += 1
            if ok_i and same(vc, vi):
                equal += 1
                continue
            diff = f"{p['args']}: CPython {a['repr'][:80]}, interpreter {mine.get('value', '')[:80]}"
        elif a["kind"] == "raised" and mine["kind"] == "error":
            compared += 1
            mine_type = mine.get("message", "").split(":")[0].strip()
            if mine_type == a["type"]:
                equal += 1
                continue
            diff = f"{p['args']}: CPython raised {a['type']}, interpreter {mine.get('message', '')[:80]}"
        elif a["kind"] in ("returned", "raised"):
            compared += 1
            theirs = a.get("repr", "")[:80] if a["kind"] == "returned" else "raised " + a["type"]
            diff = f"{p['args']}: CPython {theirs}, interpreter {mine.get('value') or mine.get('message', '')}"[:200]
        else:
            continue
        first = first or diff
    return compared, equal, first


def run_one(bin_, entry, timeout):
    module, func, types = entry
    alone = explore(bin_, module, func, types, timeout, ["--external-calls", "0"])
    res = explore(bin_, module, func, types, timeout)
    res["alone"] = alone["status"]
    res["name"] = f"{module}::{func}"
    res["package"] = module.split(".")[0]
    if res["status"] in ("explored", "unsupported"):
        res["compared"], res["equal"], res["diff"] = fidelity(module, func, res.pop("paths"))
    else:
        res["compared"], res["equal"], res["diff"] = 0, 0, None
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "symtest"))
    ap.add_argument("--timeout", type=float, default=5, help="explore's budget per function, in seconds")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", default=None, help="only corpus entries containing this text")
    ap.add_argument("--no-write", action="store_true", help="print, do not write bench/RESULTS.md")
    args = ap.parse_args()
    fetch_packages()
    entries = [e for e in corpus() if not args.only or args.only in f"{e[0]}::{e[1]}"]
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda e: run_one(args.bin, e, args.timeout), entries))
    wall = time.monotonic() - started
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(results, indent=1))
    report(results, wall, args)


def report(results, wall, args):
    n = len(results)
    explored = [r for r in results if r["status"] == "explored"]
    loaded = [r for r in results if r["status"] in ("explored", "unsupported")]
    compared = sum(r["compared"] for r in results)
    equal = sum(r["equal"] for r in results)
    ext_calls = sum(r.get("external_calls", 0) for r in results)
    ext_values = sum(r.get("external_values", 0) for r in results)
    packages = sorted({r["package"] for r in results})
    share = len(explored) / n if n else 0.0
    fid = equal / compared if compared else 1.0
    alone = [r for r in results if r.get("alone") == "explored"]
    alone_loaded = [r for r in results if r.get("alone") in ("explored", "unsupported")]
    flagged = sum(r.get("flagged", 0) for r in results)
    table = md_table(
        ["external calls", "functions", "modules and packages", "explored", "loaded", "fidelity",
         "external calls (values)", "disagreements flagged by explore", "wall"],
        [
            [
                "off (`--external-calls 0`)",
                n,
                len(packages),
                f"{len(alone)} ({len(alone) / max(1, n):.1%})",
                f"{len(alone_loaded)} ({len(alone_loaded) / max(1, n):.1%})",
                "",
                "",
                "",
                "",
            ],
            [
                "on (default)",
                n,
                len(packages),
                f"{len(explored)} ({share:.1%})",
                f"{len(loaded)} ({len(loaded) / max(1, n):.1%})",
                f"{equal}/{compared} ({fid:.1%})",
                f"{ext_calls} ({ext_values})",
                flagged,
                f"{wall:.0f} s (both)",
            ],
        ],
    )
    per = []
    for p in packages:
        rs = [r for r in results if r["package"] == p]
        per.append([p, len(rs), sum(r["status"] == "explored" for r in rs), sum(r["status"] in ("explored", "unsupported") for r in rs)])
    per_table = md_table(["module or package", "functions", "explored", "loaded"], per)
    for line in table + [""] + per_table:
        print(line)
    verdict = [
        f"- explored without error: {share:.1%} (target {TARGET_EXPLORED:.0%}: "
        + ("met" if share >= TARGET_EXPLORED else "**not met**") + ")",
        f"- fidelity: {fid:.1%} of {compared} compared inputs (target 100%: "
        + ("met" if fid >= TARGET_FIDELITY else "**not met**") + ")",
    ]
    for line in verdict:
        print(line)
    if args.no_write or args.only:
        return
    reasons = {}
    for r in results:
        if r["status"] != "explored":
            key = r["why"][:120]
            reasons.setdefault(key, []).append(r["name"])
    diffs = [(r["name"], r["diff"]) for r in results if r["diff"]]
    lines = [
        "<!-- realcode:start -->",
        "## `symtest explore` on real modules (bench/realcode/run.py)",
        "",
        f"{len(results)} functions of stdlib modules (Python {sys.version_info.major}.{sys.version_info.minor}) and "
        f"pinned wheels ({', '.join(PACKAGES)}), listed in bench/realcode/corpus.txt, each explored with "
        f"`--timeout {args.timeout:g}`. *explored*: exit status 0 and no run stopped on an unsupported "
        "construct; *loaded*: exit status 0; *fidelity*: path inputs on which the interpreter's result "
        "equals CPython's (plain values, or the same exception class), of those compared; *external "
        "calls*: requests to CPython because the interpreter does not model something, summed over "
        "the runs (values: module globals computed there); *disagreements flagged*: paths whose "
        "result `explore` itself found to differ from CPython's and reported as the interpreter's "
        "error. The first row is the interpreter alone, as before external calls.",
        "",
        *table,
        "",
        *per_table,
        "",
        *verdict,
        "",
    ]
    lines += bullets(
        "Why the others were not explored (functions):",
        [
            f"{len(names)}: {why or '?'} ({', '.join(names[:3])}{', ...' if len(names) > 3 else ''})"
            for why, names in sorted(reasons.items(), key=lambda kv: -len(kv[1]))[:25]
        ],
    )
    lines += bullets(
        f"Where the interpreter and CPython disagree ({len(diffs)} functions), first input each:",
        [f"{name}: {d}" for name, d in diffs[:20]],
    )
    lines.append("<!-- realcode:end -->")
    write_section("realcode", lines)


if __name__ == "__main__":
    sys.exit(main())
