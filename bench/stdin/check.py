"""Verifies the stdin benchmark (bench/stdin/problems.jsonl) and the stdin
fixtures (examples/stdin/), running every Python program with CPython.

    python3 bench/stdin/check.py
    python3 bench/stdin/check.py --coverage   # the examples' own branch coverage
                                              # (needs coverage.py)

Benchmark rows: APPS' fields, `solutions` a JSON list of one program that
parses and imports only the standard library, `input_output` 1 to 3
examples, the reference printing exactly each stored output in under a
second, and a statement that states its input constraints (`1 ≤ n ≤ 10^5`).

Fixtures: every file loads; each problem's Python reference (for
CodeContests, the solution whose language id is 3) reproduces all of the
dataset's tests; each wrong solution of wrong.jsonl passes all of its
problem's tests yet differs from the reference on its `exposed_by` input,
and README.md shows that input. Exits 1 on any failure.
"""

import ast
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BENCH = os.path.join(HERE, "problems.jsonl")
FIXTURES = os.path.join(ROOT, "examples", "stdin")
TIME_LIMIT = 1.0
MIN_PROBLEMS = 45

# A bound in the usual form: `1 ≤ n`, `n ≤ 10^5`, `0 <= k`.
CONSTRAINT = re.compile(r"-?\d[\d^⋅ ]*\s*(≤|<=)|(≤|<=)\s*-?\d")
FENCE = re.compile(r"```(?:python3?|py)?[ \t]*\n(.*?)(?:```|\Z)", re.S)

failures = []


def fail(where, message):
    failures.append(f"{where}: {message}")


def run_stdin(code, stdin):
    """(returncode, stdout, seconds); returncode None on a timeout."""
    start = time.perf_counter()
    try:
        r = subprocess.run([sys.executable, "-c", code], input=stdin, capture_output=True, text=True,
                           timeout=5 * TIME_LIMIT)
    except subprocess.TimeoutExpired:
        return None, "", time.perf_counter() - start
    return r.returncode, r.stdout, time.perf_counter() - start


CALLER = """
import json, sys
code, fn, args = json.loads(sys.stdin.read())
ns = {}
exec(code, ns)
f = ns[fn] if fn in ns else getattr(ns["Solution"](), fn)
print(json.dumps(f(*args)))
"""


def run_call(code, fn_name, args):
    """(ok, result) of calling fn_name(*args) in a fresh interpreter."""
    r = subprocess.run([sys.executable, "-c", CALLER], input=json.dumps([code, fn_name, args]),
                       capture_output=True, text=True, timeout=5 * TIME_LIMIT)
    if r.returncode != 0:
        return False, r.stderr.strip().splitlines()[-1:]
    return True, json.loads(r.stdout)


def code_of(completion):
    """A chat answer's first fenced block; plain code as it is."""
    m = FENCE.search(completion)
    return m.group(1) if m else completion


def non_stdlib_imports(code):
    mods = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            mods.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            mods.add(node.module.split(".")[0])
    return sorted(m for m in mods if m not in sys.stdlib_module_names)


def parse_program(where, code):
    try:
        ast.parse(code)
    except SyntaxError as e:
        fail(where, f"the program does not parse: {e}")
        return False
    bad = non_stdlib_imports(code)
    if bad:
        fail(where, f"imports outside the standard library: {bad}")
    return True


def load_jsonl(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                fail(f"{os.path.basename(path)}:{n}", f"not JSON: {e}")
    return rows


def check_constraints(where, text):
    if not CONSTRAINT.search(text):
        fail(where, "the statement states no constraints in the usual form (1 ≤ n ≤ 10^5)")


# ------------------------------------------------------------- benchmark

IDIOMS = {
    "input()": r"\binput\(\)",
    "int(input())": r"int\(input\(\)\)",
    "map(int, input().split())": r"map\(int, input\(\)\.split\(\)\)",
    "list(map(int, ...))": r"list\(map\(int,",
    "sys.stdin.readline": r"sys\.stdin\.readline|input = sys\.stdin\.readline",
    "sys.stdin.read()": r"sys\.stdin\.read\(\)",
    "sys.stdin.buffer": r"sys\.stdin\.buffer",
    ".strip()": r"\.strip\(\)",
    "print(*xs)": r"print\(\*",
    "' '.join / '\\n'.join": r"'\s*'\.join|\"\\\\n\"\.join|'\\\\n'\.join",
    "f-string": r"\bf\"|\bf'",
    "sys.stdout.write": r"sys\.stdout\.write",
    "open(0)": r"open\(0\)",
    "for line in sys.stdin": r"for \w+ in sys\.stdin\b|iter\(sys\.stdin\)",
    "print sep=/end=": r"\bsep=|\bend=",
    "% / .format": r"\" % |\.format\(",
    "float tokens": r"float\((?!'inf')",
}


def check_bench():
    rows = load_jsonl(BENCH)
    ids = set()
    used = {k: 0 for k in IDIOMS}
    slowest = 0.0
    for row in rows:
        pid = row.get("problem_id")
        where = f"problems.jsonl {pid}"
        if pid in ids:
            fail(where, "repeated problem_id")
        ids.add(pid)
        missing = [k for k in ("problem_id", "question", "solutions", "input_output") if k not in row]
        if missing:
            fail(where, f"missing fields {missing}")
            continue
        if not isinstance(row["solutions"], str) or not isinstance(row["input_output"], str):
            fail(where, "solutions and input_output must be JSON text inside strings, as APPS publishes them")
            continue
        sols = json.loads(row["solutions"])
        if not (isinstance(sols, list) and len(sols) == 1 and isinstance(sols[0], str)):
            fail(where, "solutions is not a list of one program")
            continue
        code = sols[0]
        if not parse_program(where, code):
            continue
        for k, pat in IDIOMS.items():
            if re.search(pat, code):
                used[k] += 1
        io = json.loads(row["input_output"])
        ins, outs = io.get("inputs"), io.get("outputs")
        if "fn_name" in io or not isinstance(ins, list) or not isinstance(outs, list) or len(ins) != len(outs):
            fail(where, "input_output needs equally long inputs and outputs lists (and no fn_name)")
            continue
        if not 1 <= len(ins) <= 3:
            fail(where, f"{len(ins)} examples; a statement shows 1 to 3")
        q = row["question"]
        check_constraints(where, q)
        if "Input" not in q or "Output" not in q:
            fail(where, "the statement has no Input and Output sections")
        for i, (stdin, expected) in enumerate(zip(ins, outs)):
            rc, out, secs = run_stdin(code, stdin)
            slowest = max(slowest, secs)
            if rc != 0:
                fail(where, f"example {i}: the reference {'timed out' if rc is None else 'failed'}")
            elif out != expected:
                fail(where, f"example {i}: the reference prints {out!r}, stored {expected!r}")
            elif secs >= TIME_LIMIT:
                fail(where, f"example {i}: the reference took {secs:.2f} s")
    if len(rows) < MIN_PROBLEMS:
        fail("problems.jsonl", f"{len(rows)} problems, fewer than {MIN_PROBLEMS}")
    print(f"benchmark: {len(rows)} problems, slowest example run {slowest:.2f} s")
    print("  reading/writing idioms (problems using each): "
          + ", ".join(f"{k} {v}" for k, v in used.items()))
    for k, v in used.items():
        if v == 0:
            fail("problems.jsonl", f"no reference uses {k}")


# -------------------------------------------------------------- fixtures

def apps_like(file, row, pid):
    """(id, reference, tests) of an APPS or TACO row."""
    sols = json.loads(row["solutions"])
    io = json.loads(row["input_output"])
    fn = io.get("fn_name")
    tests = [(fn, i, o) for i, o in zip(io["inputs"], io["outputs"])]
    if len(io["inputs"]) != len(io["outputs"]):
        fail(f"{file} {pid}", "inputs and outputs differ in length")
    return str(pid), sols[0], tests, row["question"]


def fixture_problems():
    problems = {}  # id -> (file, reference, tests, statement)

    def put(file, pid, ref, tests, text):
        if pid in problems:
            fail(f"{file} {pid}", f"task id also used in {problems[pid][0]}")
        problems[pid] = (file, ref, tests, text)

    for row in load_jsonl(os.path.join(FIXTURES, "apps.jsonl")):
        pid, ref, tests, text = apps_like("apps.jsonl", row, row["problem_id"])
        put("apps.jsonl", pid, ref, tests, text)
    for row in load_jsonl(os.path.join(FIXTURES, "taco.jsonl")):
        pid, ref, tests, text = apps_like("taco.jsonl", row, row["name"])
        put("taco.jsonl", pid, ref, tests, text)
    for row in load_jsonl(os.path.join(FIXTURES, "codecontests.jsonl")):
        where = f"codecontests.jsonl {row['name']}"
        langs, sols = row["solutions"]["language"], row["solutions"]["solution"]
        if 3 not in langs or 2 not in langs:
            fail(where, "needs a PYTHON3 (3) and a CPP (2) solution")
            continue
        ref = sols[langs.index(3)]
        tests = []
        for kind in ("public_tests", "private_tests", "generated_tests"):
            t = row[kind]
            if len(t["input"]) != len(t["output"]):
                fail(where, f"{kind}: input and output differ in length")
            tests += [(None, i, o) for i, o in zip(t["input"], t["output"])]
        put("codecontests.jsonl", row["name"], ref, tests, row["description"])
    for row in load_jsonl(os.path.join(FIXTURES, "verl.jsonl")):
        pid = str(row["extra_info"]["index"])
        where = f"verl.jsonl {pid}"
        rm = row["reward_model"]
        if rm.get("style") != "rule" or not isinstance(rm.get("ground_truth"), str):
            fail(where, "reward_model needs style 'rule' and a JSON string ground_truth")
            continue
        if not (isinstance(row["prompt"], list) and all({"role", "content"} <= set(m) for m in row["prompt"])):
            fail(where, "prompt is not a chat list")
            continue
        gt = json.loads(rm["ground_truth"])
        fn = gt.get("fn_name")
        tests = [(fn, i, o) for i, o in zip(gt["inputs"], gt["outputs"])]
        put("verl.jsonl", pid, row["extra_info"]["reference"], tests,
            "\n".join(m["content"] for m in row["prompt"]))
    return problems


def outcome(code, fn, inp):
    """What a program does on one test: ('ok', output) or ('error', detail)."""
    if fn is None:
        rc, out, secs = run_stdin(code, inp)
        if rc != 0:
            return ("error", "timed out" if rc is None else f"exit {rc}"), secs
        return ("ok", out), secs
    ok, res = run_call(code, fn, inp)
    return (("ok", res) if ok else ("error", res)), 0.0


def matches(fn, got, expected):
    if got[0] != "ok":
        return False
    if fn is None:
        return got[1] == expected
    return got[1] == expected or [got[1]] == expected


def run_tests(code, tests):
    """`code` on each `(function, input, expected)` test: (index, outcome,
    expected, seconds, whether the outcome matches)."""
    for k, (fn, inp, exp) in enumerate(tests):
        got, secs = outcome(code, fn, inp)
        yield k, got, exp, secs, matches(fn, got, exp)


def check_fixtures():
    problems = fixture_problems()
    for pid, (file, ref, tests, text) in problems.items():
        where = f"{file} {pid}"
        check_constraints(where, text)
        if not parse_program(where, ref):
            continue
        for k, got, exp, secs, ok in run_tests(ref, tests):
            if not ok:
                fail(where, f"test {k}: the reference gives {got}, stored {exp!r}")
            elif secs >= TIME_LIMIT:
                fail(where, f"test {k}: the reference took {secs:.2f} s")
    readme = open(os.path.join(FIXTURES, "README.md"), encoding="utf-8").read()
    wrong = load_jsonl(os.path.join(FIXTURES, "wrong.jsonl"))
    covered = set()
    for w in wrong:
        pid = w["task_id"]
        where = f"wrong.jsonl {pid} {w.get('sample_id')}"
        if pid not in problems:
            fail(where, "no fixture problem has this task id")
            continue
        covered.add(pid)
        file, ref, tests, _ = problems[pid]
        code = code_of(w["completion"])
        if not parse_program(where, code):
            continue
        for k, got, _, _, ok in run_tests(code, tests):
            if not ok:
                fail(where, f"fails the dataset's test {k} ({got}); it should pass them all")
        fn = tests[0][0]
        exposing = w["exposed_by"]
        want, _ = outcome(ref, fn, exposing)
        got, _ = outcome(code, fn, exposing)
        if want[0] != "ok":
            fail(where, f"the reference fails on the exposing input: {want}")
        elif got == want:
            fail(where, f"agrees with the reference on the exposing input {exposing!r}")
        if json.dumps(exposing) not in readme:
            fail(where, f"README.md does not show the exposing input {json.dumps(exposing)}")
    for pid, (file, *_rest) in problems.items():
        if pid not in covered:
            fail(f"{file} {pid}", "no wrong solution in wrong.jsonl")
    print(f"fixtures: {len(problems)} problems, {len(wrong)} wrong solutions")


def examples_coverage():
    """Branch coverage of each reference by its examples alone (coverage.py
    must be importable by this interpreter): the baseline generated inputs
    should beat."""
    import tempfile

    full = 0
    rows = load_jsonl(BENCH)
    with tempfile.TemporaryDirectory() as tmp:
        for row in rows:
            code = json.loads(row["solutions"])[0]
            io = json.loads(row["input_output"])
            prog = os.path.join(tmp, "ref.py")
            data = os.path.join(tmp, ".coverage")
            with open(prog, "w") as f:
                f.write(code)
            if os.path.exists(data):
                os.remove(data)
            for stdin in io["inputs"]:
                subprocess.run([sys.executable, "-m", "coverage", "run", "--branch", "-a",
                                f"--data-file={data}", prog], input=stdin, capture_output=True, text=True,
                               check=True)
            report = os.path.join(tmp, "cov.json")
            subprocess.run([sys.executable, "-m", "coverage", "json", f"--data-file={data}", "-o", report],
                           capture_output=True, check=True)
            totals = json.load(open(report))["totals"]
            nb, cb = totals["num_branches"], totals["covered_branches"]
            full += nb == cb
            print(f"  {row['problem_id']:22} branches {cb:3}/{nb:<3} lines {totals['percent_covered']:5.1f}%")
    print(f"examples alone: full branch coverage on {full} of {len(rows)} problems")


def main():
    if "--coverage" in sys.argv[1:]:
        examples_coverage()
        return
    check_bench()
    check_fixtures()
    if failures:
        print(f"{len(failures)} failure(s):")
        for f in failures:
            print("  " + f)
        sys.exit(1)
    print("all checks pass")


if __name__ == "__main__":
    main()
