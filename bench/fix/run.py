#!/usr/bin/env python3
"""Benchmark of `symtest fix` on the fix corpus (one file per case, the
rules of CORE's CodeQL checks) and on real-world-style modules
(bench/fix/realworld).

Per rule: findings; fixed (verified by the analyzer and the behaviour
check); candidates rejected by the analyzer re-check; rejected by the
behaviour check (the fix changes what the code does); not checked; skipped
(no candidate). Beside it, what `ruff check --fix --unsafe-fixes` would do
blindly: every fix ruff has is applied, including those symtest shows to
change behaviour.

Without an LLM always; with one only when SYMTEST_LLM_URL and
SYMTEST_LLM_MODEL name an endpoint (key in SYMTEST_LLM_KEY).

Prints a table and writes the `fix` section of bench/RESULTS.md.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from results import md_table, write_section  # noqa: E402

OUT = ROOT / "bench" / "out" / "fix"
CORPUS = ROOT / "crates" / "symtest" / "tests" / "fix_corpus"
REALWORLD = ROOT / "bench" / "fix" / "realworld"
RULES = (
    "E711,E712,F841,F401,B006,F632,F601,PLR0124,PLR0133,PLW0127,PLW0120,"
    "PIE790,B007,F811,SIM115,F403,E722,E731,E713"
)


def ruff_exe():
    env = os.environ.get("SYMTEST_RUFF")
    if env:
        return env
    found = sorted(ROOT.glob(".deps/ruff-*/bin/ruff"))
    return str(found[-1]) if found else "ruff"


def copy_set(name, src):
    dst = OUT / name
    shutil.rmtree(dst, ignore_errors=True)
    dst.mkdir(parents=True)
    for f in sorted(src.glob("*.py")):
        shutil.copy(f, dst / f.name)
    # Only --select decides the rules, wherever this runs.
    (dst / "ruff.toml").write_text("")
    return dst


def run_fix(bin_, folder, llm):
    cmd = [str(bin_), "fix", "-q", ".", "--select", RULES, "--format", "json", "--exit-zero"]
    env = dict(os.environ, SYMTEST_RUFF=ruff_exe())
    if llm:
        cmd += ["--llm-url", llm[0], "--model", llm[1]]
        if os.environ.get("SYMTEST_LLM_KEY"):
            cmd += ["--api-key-env", "SYMTEST_LLM_KEY"]
    start = time.perf_counter()
    out = subprocess.run(cmd, cwd=folder, env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"symtest fix failed in {folder}:\n{out.stderr}")
    return json.loads(out.stdout), took


def ruff_fixable(folder):
    """Findings for which ruff has a fix it would apply with --unsafe-fixes."""
    out = subprocess.run(
        [ruff_exe(), "check", "--select", RULES, "--output-format", "json", "--no-cache", "--exit-zero", "."],
        cwd=folder, capture_output=True, text=True, check=True,
    )
    return sum(1 for d in json.loads(out.stdout) if d.get("fix") and d["fix"].get("applicability") != "display-only")


def per_rule(report):
    rows = defaultdict(lambda: defaultdict(int))
    for f in report["files"]:
        for fr in f["findings"]:
            r = rows[fr["rule"]]
            r["findings"] += 1
            r[fr["outcome"]] += 1
            if fr["outcome"] == "rejected":
                for c in fr["candidates"]:
                    b = (c.get("behaviour") or {}).get("status")
                    if c.get("verifier"):
                        r["by_analyzer"] += 1
                    elif b == "differs":
                        r["by_behaviour"] += 1
                    elif b == "not_checked":
                        r["not_checked"] += 1
    return rows


def witnesses(report):
    out = []
    for f in report["files"]:
        for fr in f["findings"]:
            for c in fr["candidates"]:
                w = (c.get("behaviour") or {}).get("witness")
                if w:
                    name = Path(f["path"]).name
                    out.append(f"{name}:{fr['line']} {fr['rule']}: `{w['call']}`: original {w['original']}, fixed {w['candidate']}")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "symtest"))
    ap.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    args = ap.parse_args()
    llm = None
    if os.environ.get("SYMTEST_LLM_URL") and os.environ.get("SYMTEST_LLM_MODEL"):
        llm = (os.environ["SYMTEST_LLM_URL"], os.environ["SYMTEST_LLM_MODEL"])

    lines = ["<!-- fix:start -->", "## `symtest fix` (bench/fix)", ""]
    lines.append(
        "Rules: " + RULES.replace(",", ", ") + f". ruff {subprocess.run([ruff_exe(), '--version'], capture_output=True, text=True).stdout.split()[-1]}."
        " *ruff would apply*: findings that `ruff check --fix --unsafe-fixes` fixes blindly."
        " *fixed*: applied after the analyzer re-check and the behaviour check; *behaviour*: candidates"
        " rejected because original and fix differ on an input (the witness is shown below);"
        " *analyzer*: rejected by the re-check; *not checked*: rejected because the module does not load"
        " in the sandbox; *skipped*: no candidate (ruff has no fix for the rule)."
    )
    head = ["rule", "findings", "ruff would apply", "fixed", "rejected: behaviour", "rejected: analyzer", "not checked", "skipped"]
    for title, src in (("corpus", CORPUS), ("real-world-style modules", REALWORLD)):
        for mode in ([None, llm] if llm else [None]):
            folder = copy_set(title.split()[0] + ("-llm" if mode else ""), src)
            fixable = ruff_fixable(folder)
            report, took = run_fix(args.bin, folder, mode)
            rows = per_rule(report)
            table = []
            tot = defaultdict(int)
            for rule in sorted(rows):
                r = rows[rule]
                table.append([rule, r["findings"], "", r["fixed"], r["by_behaviour"], r["by_analyzer"], r["not_checked"], r["skipped"]])
                for k, v in r.items():
                    tot[k] += v
            table.append(["**total**", tot["findings"], fixable, tot["fixed"], tot["by_behaviour"], tot["by_analyzer"], tot["not_checked"], tot["skipped"]])
            files = len(report["files"])
            label = f"### {title}, {'LLM ' + mode[1] if mode else 'no LLM'}: {files} files, {took:.1f} s"
            print(label.lstrip("# "))
            for row in table:
                print("  " + "  ".join(f"{str(c):>10}" for c in row))
            lines += ["", label, ""] + md_table(head, table)
            w = witnesses(report)
            if w:
                lines += ["", "Fixes rejected by the behaviour check, with their witnesses:", ""]
                lines += [f"- {x}" for x in w]
    if not llm:
        lines += ["", "With an LLM: not run here (no endpoint; set SYMTEST_LLM_URL and SYMTEST_LLM_MODEL)."]
    lines.append("<!-- fix:end -->")
    if not args.no_write:
        write_section("fix", lines)


if __name__ == "__main__":
    main()
