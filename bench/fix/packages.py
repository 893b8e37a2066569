#!/usr/bin/env python3
"""Benchmark of `symtest fix` on real packages, pinned by version and
downloaded from PyPI with pip at bench time (their source distributions,
tests included).

Per package: the findings ruff reports for the supported rules on the
library's modules (not its tests), the findings symtest reports (they must
be the same ones: rule, file, line, column), what became of them (fixed
after a behaviour check, fixed by an earlier fix, fixed unchecked, rejected
with a witness, rejected by the re-check, not checked, no candidate), and
the time. Then every accepted fix is applied (`--write`) and the package's
own test suite runs again: every test that passed before must pass.

Each package gets a virtual environment with its test dependencies (pinned
too); symtest's behaviour check imports the modules with it (`--python`),
read-only in the sandbox. Only `--select` decides the rules (an empty
ruff.toml is written at the project's root).

Prints a table and writes the `fix-packages` section of bench/RESULTS.md.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from results import md_table, write_section  # noqa: E402

OUT = ROOT / "bench" / "out" / "fix-packages"
# The projects and their environments, in a scratch folder of their own.
WORK = Path(tempfile.gettempdir()) / "symtest-bench-fix-packages"
# The corpus's rules, and the pyupgrade and isort rules real code has most.
RULES = corpus.RULES + ",UP031,UP032,I001"
TEST_DEPS = ["pytest==8.3.4"]


@dataclass
class Package:
    name: str
    version: str
    # Library folders (relative to the project), tests left out.
    lib: list
    # What pytest runs.
    tests: list
    deps: list = field(default_factory=list)
    # Folders under `lib` that are tests.
    exclude: list = field(default_factory=list)
    pythonpath: str = ""


PACKAGES = [
    Package("boltons", "25.0.0", lib=["boltons"], tests=["tests"]),
    Package("more-itertools", "10.7.0", lib=["more_itertools"], tests=["tests"]),
    Package("toolz", "1.0.0", lib=["toolz", "tlz"], tests=["toolz/tests"], exclude=["toolz/tests"]),
    Package(
        "python-dateutil",
        "2.9.0.post0",
        lib=["src/dateutil"],
        tests=["tests"],
        deps=["six==1.17.0", "freezegun==1.5.1", "hypothesis==6.100.0", "pytest-cov==4.1.0"],
        pythonpath="src",
    ),
    Package("tabulate", "0.9.0", lib=["tabulate"], tests=["test"]),
]


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def fetch(p):
    """The package's source distribution, unpacked afresh: its folder."""
    dl = OUT / "downloads"
    dl.mkdir(parents=True, exist_ok=True)
    spec = f"{p.name}=={p.version}"
    found = [f for f in dl.glob("*.tar.gz") if p.version in f.name and f.name.lower().replace("_", "-").startswith(p.name)]
    if not found:
        sh([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:", "--dest", str(dl), spec])
        found = [f for f in dl.glob("*.tar.gz") if p.version in f.name and f.name.lower().replace("_", "-").startswith(p.name)]
    if len(found) != 1:
        sys.exit(f"cannot find the source distribution of {spec} in {dl}")
    work = WORK / "src"
    work.mkdir(parents=True, exist_ok=True)
    with tarfile.open(found[0]) as t:
        top = t.getnames()[0].split("/")[0]
        shutil.rmtree(work / top, ignore_errors=True)
        t.extractall(work, filter="data")
    project = work / top
    (project / "ruff.toml").write_text("")
    return project


def venv(p):
    """A virtual environment with the package's test dependencies (outside
    the project, so that the sandbox's view does not hide it)."""
    v = WORK / f"venv-{p.name}"
    want = sorted(TEST_DEPS + p.deps)
    stamp = v / "deps.json"
    if not (stamp.exists() and json.loads(stamp.read_text()) == want):
        shutil.rmtree(v, ignore_errors=True)
        sh([sys.executable, "-m", "venv", str(v)])
        sh([str(v / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *want])
        stamp.write_text(json.dumps(want))
    return v / "bin" / "python"


def tests(p, project, python, label):
    """Runs the package's test suite: (passed, the ids that failed or
    erred, whether it ran at all, seconds)."""
    xml = OUT / f"{p.name}-{label}.xml"
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if p.pythonpath:
        env["PYTHONPATH"] = str(project / p.pythonpath)
    start = time.perf_counter()
    out = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={xml}", *p.tests],
        cwd=project, env=env, capture_output=True, text=True,
    )
    took = time.perf_counter() - start
    if not xml.exists():
        return 0, {"<no report>"}, False, took
    passed, failed = 0, set()
    for case in ET.parse(xml).getroot().iter("testcase"):
        tid = f"{case.get('classname')}::{case.get('name')}"
        if case.find("failure") is not None or case.find("error") is not None:
            failed.add(tid)
        elif case.find("skipped") is None:
            passed += 1
    return passed, failed, out.returncode in (0, 1), took


def library_files(p, project):
    files = []
    for lib in p.lib:
        for f in sorted((project / lib).rglob("*.py")):
            rel = f.relative_to(project)
            if "__pycache__" in rel.parts or any(str(rel).startswith(e + "/") for e in p.exclude):
                continue
            files.append(str(rel))
    return files


def ruff_findings(project, files):
    out = subprocess.run(
        [corpus.ruff_exe(), "check", "--select", RULES, "--output-format", "json", "--no-cache", "--exit-zero", *files],
        cwd=project, capture_output=True, text=True, check=True,
    )
    return Counter(
        (os.path.relpath(d["filename"], project), d["code"], d["location"]["row"], d["location"]["column"])
        for d in json.loads(out.stdout)
        if d.get("code")
    )


def kind(fr):
    """What became of a finding, for the table."""
    cands = fr["candidates"]
    status = lambda c: (c.get("behaviour") or {}).get("status")  # noqa: E731
    if fr["outcome"] == "fixed":
        if fr["chosen"] is None:
            return "resolved"
        return "fixed" if status(cands[fr["chosen"]]) == "same" else "fixed unchecked"
    if fr["outcome"] == "skipped":
        return "no candidate" if "no candidate" in fr["why"] else "skipped"
    if any(status(c) == "differs" for c in cands):
        return "witness"
    if any(status(c) == "not_checked" for c in cands):
        return "not checked"
    return "re-check"


KINDS = ["fixed", "resolved", "fixed unchecked", "witness", "re-check", "not checked", "no candidate", "skipped"]


def run_package(p, bin_):
    project = fetch(p)
    python = venv(p)
    before = tests(p, project, python, "before")
    files = library_files(p, project)
    ruff = ruff_findings(project, files)
    cmd = [str(bin_), "fix", "-q", *files, "--select", RULES, "--format", "json", "--exit-zero",
           "--write", "--allow-followups", "--python", str(python)]
    env = dict(os.environ, SYMTEST_RUFF=corpus.ruff_exe())
    start = time.perf_counter()
    out = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"symtest fix failed on {p.name}:\n{out.stderr[-3000:]}")
    report = json.loads(out.stdout)
    (OUT / f"{p.name}.json").write_text(json.dumps(report, indent=1))
    ours = Counter()
    kinds = Counter()
    witnesses, refusals = [], Counter()
    for f in report["files"]:
        rel = os.path.relpath(os.path.join(project, f["path"]), project)
        for fr in f["findings"]:
            ours[(rel, fr["rule"], fr["line"], fr["column"])] += 1
            k = kind(fr)
            kinds[k] += 1
            if k == "witness":
                c = next(c for c in fr["candidates"] if (c.get("behaviour") or {}).get("status") == "differs")
                w = c["behaviour"]["witness"]
                call = f"`` {w['call']} ``" if "`" in w["call"] else f"`{w['call']}`"
                witnesses.append(f"{p.name} {rel}:{fr['line']} {fr['rule']}: {call}: original {w['original']}, fixed {w['candidate']}")
            elif k == "re-check":
                refusals[fr["candidates"][0]["why"].split(":")[0][:80]] += 1
    after = tests(p, project, python, "after")
    return {
        "package": p, "files": len(files), "ruff": ruff, "ours": ours, "kinds": kinds, "took": took,
        "before": before, "after": after, "witnesses": witnesses, "refusals": refusals,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "symtest"))
    ap.add_argument("--only", help="one package by name")
    ap.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    args = ap.parse_args()
    args.bin = str(Path(args.bin).resolve())
    OUT.mkdir(parents=True, exist_ok=True)
    rows, witnesses, refusals = [], [], Counter()
    tot = Counter()
    for p in PACKAGES:
        if args.only and p.name != args.only:
            continue
        print(f"{p.name} {p.version} ...", flush=True)
        r = run_package(p, args.bin)
        k = r["kinds"]
        n_ruff, n_ours = sum(r["ruff"].values()), sum(r["ours"].values())
        dropped = sum((r["ruff"] - r["ours"]).values())
        extra = sum((r["ours"] - r["ruff"]).values())
        with_candidate = n_ours - k["no candidate"] - k["skipped"]
        checked = k["fixed"] + k["resolved"] + k["witness"] + k["re-check"]
        (pb, fb, okb, tb), (pa, fa, oka, ta) = r["before"], r["after"]
        regressions = sorted(fa - fb) if oka else ["the suite no longer runs"]
        row = [
            f"{p.name} {p.version}", r["files"], n_ruff, n_ours, dropped, extra,
            *[k[x] for x in KINDS[:-1]],
            f"{100 * checked / max(with_candidate, 1):.0f}%",
            f"{100 * checked / max(n_ours, 1):.0f}%",
            f"{r['took']:.0f} s",
            f"{pb} passed, {len(fb)} failed",
            f"{pa} passed, {len(fa)} failed",
            len(regressions),
        ]
        rows.append(row)
        print("  " + " | ".join(str(c) for c in row), flush=True)
        for x in regressions[:10]:
            print(f"  regression: {x}")
        witnesses += r["witnesses"]
        refusals += r["refusals"]
        for key, v in (("ruff", n_ruff), ("ours", n_ours), ("dropped", dropped), ("extra", extra),
                       ("checked", checked), ("with_candidate", with_candidate), ("took", r["took"]),
                       ("regressions", len(regressions)), ("files", r["files"])):
            tot[key] += v
        for x in KINDS:
            tot[x] += k[x]
    head = ["package", "files", "ruff findings", "symtest findings", "dropped", "extra",
            "fixed", "fixed by an earlier fix", "fixed unchecked", "rejected: witness", "rejected: re-check",
            "not checked", "no candidate", "checked", "checked (of all)", "symtest fix", "tests before",
            "tests after", "regressions"]
    rows.append(["**total**", tot["files"], tot["ruff"], tot["ours"], tot["dropped"], tot["extra"],
                 *[tot[x] for x in KINDS[:-1]],
                 f"{100 * tot['checked'] / max(tot['with_candidate'], 1):.0f}%",
                 f"{100 * tot['checked'] / max(tot['ours'], 1):.0f}%", f"{tot['took']:.0f} s", "", "",
                 tot["regressions"]])
    ruff_version = sh([corpus.ruff_exe(), "--version"]).stdout.split()[-1]
    lines = ["<!-- fix-packages:start -->", "## `symtest fix` on real packages (bench/fix/packages.py)", ""]
    lines.append(
        f"Source distributions from PyPI, pinned; rules {RULES.replace(',', ', ')}; ruff {ruff_version}; "
        "`symtest fix --write --allow-followups --python VENV` on the library's modules (tests left out), "
        "the venv holding the package's test dependencies; then the package's own test suite (pytest) before "
        "and after. *dropped*/*extra*: findings ruff reports that symtest does not, and the reverse (rule, file, "
        "line, column). *fixed*: applied after the re-check and a behaviour check; *fixed by an earlier fix*: the "
        "analyzer no longer reports it after a fix of another finding; *fixed unchecked*: ruff's safe fix applied "
        "where the module could not be checked; *witness*: every candidate changes behaviour on an input "
        "(shown below); *re-check*: the analyzer still reports it or reports something new; *not checked*: the "
        "module does not load in the sandbox; *no candidate*: ruff has no fix for it (no LLM here). "
        "*checked*: findings with a candidate that the checks decided (fixed, fixed by an earlier fix, witness, "
        "re-check); *checked (of all)*: the same over every finding, those without a candidate included. "
        "*regressions*: tests that passed before the fixes and fail after."
    )
    lines += [""] + md_table(head, rows)
    if refusals:
        lines += ["", "Rejected by the re-check, by reason:", ""]
        lines += [f"- {n}: {why}" for why, n in refusals.most_common()]
    if witnesses:
        lines += ["", f"Fixes rejected by the behaviour check ({len(witnesses)}), with their witnesses (first 25):", ""]
        lines += [f"- {w}" for w in witnesses[:25]]
    lines.append("<!-- fix-packages:end -->")
    if not args.no_write and not args.only:
        write_section("fix-packages", lines)


if __name__ == "__main__":
    main()
