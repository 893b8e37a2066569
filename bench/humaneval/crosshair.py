"""`crosshair cover` on HumanEval, for the side-by-side in run.py.

Each canonical solution goes into a module of its own; parameters without an
annotation get the type `symtest gen` resolved for them (CrossHair needs
types and would otherwise have none), so both tools start from the same
signature. CrossHair's pytest output is read back into symtest TestSuite
rows (tests of origin `dataset`), which `symtest grade` grades mutants with
and `symtest gen --max-runs 0` measures the branch coverage of.
"""

import ast
import concurrent.futures
import json
import re
import subprocess
import time

ARGS = ["--example_output_format", "pytest", "--max_uninteresting_iterations", "10",
        "--per_path_timeout", "2"]


def module_name(task_id):
    return "he_" + re.sub(r"\W", "_", task_id)


def write_module(folder, problem, types):
    """The solution as a module, with the resolved parameter types added."""
    entry = problem["entry_point"]
    annotations = ", ".join(f"{t['name']!r}: {t['type']}" for t in types
                            if t["from"] != "annotation")
    src = problem["prompt"] + problem["canonical_solution"]
    if annotations:
        src += (f"\n\n{entry}.__annotations__.update({{{annotations}}})\n")
    (folder / f"{module_name(problem['task_id'])}.py").write_text(
        "from typing import Any\n" + src)


def tests_of(output, entry):
    """The calls and expected outcomes of CrossHair's pytest text."""
    try:
        tree = ast.parse(output)
    except SyntaxError:
        return []
    tests = []
    for fn in tree.body:
        if not isinstance(fn, ast.FunctionDef):
            continue
        for stmt in fn.body:
            if (isinstance(stmt, ast.Assert) and isinstance(stmt.test, ast.Compare)
                    and isinstance(stmt.test.left, ast.Call)
                    and isinstance(stmt.test.ops[0], ast.Eq)):
                call, want = stmt.test.left, stmt.test.comparators[0]
                tests.append({"input": args_repr(call), "expected": ast.unparse(want),
                              "origin": "dataset"})
            elif isinstance(stmt, ast.With) and isinstance(stmt.body[0], ast.Expr):
                call = stmt.body[0].value
                ctx = stmt.items[0].context_expr
                if isinstance(call, ast.Call) and isinstance(ctx, ast.Call) and ctx.args:
                    tests.append({"input": args_repr(call), "raises": ast.unparse(ctx.args[0]),
                                  "origin": "dataset"})
    # A value without a literal (an object's repr) cannot be a suite input.
    return [t for t in tests if literal(t["input"]) and literal(t.get("expected", "None"))]


def literal(text):
    try:
        ast.literal_eval(text)
        return True
    except (ValueError, SyntaxError):
        return False


def args_repr(call):
    parts = [ast.unparse(a) for a in call.args]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def run_one(venv_bin, folder, task_id, entry, limit):
    started = time.time()
    try:
        r = subprocess.run([str(venv_bin / "python"), "-m", "crosshair", "cover",
                            f"{module_name(task_id)}.{entry}", *ARGS],
                           cwd=folder, capture_output=True, text=True, timeout=limit)
        out = r.stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
    return task_id, tests_of(out, entry), time.time() - started


def cover_all(venv_bin, folder, problems, types, jobs, limit):
    """TestSuite rows from CrossHair's tests; the wall time of the whole run."""
    folder.mkdir(parents=True, exist_ok=True)
    for p in problems:
        write_module(folder, p, types.get(p["task_id"], []))
    started = time.time()
    found = {}
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        futures = [pool.submit(run_one, venv_bin, folder, p["task_id"], p["entry_point"], limit)
                   for p in problems]
        for f in concurrent.futures.as_completed(futures):
            task_id, tests, _ = f.result()
            found[task_id] = tests
    return found, time.time() - started


def suite_rows(base_rows, found):
    """Our suite rows with CrossHair's tests in place of ours."""
    out = []
    for task_id, row in base_rows.items():
        r = {k: v for k, v in row.items() if k != "stats"}
        r["tests"] = found.get(task_id, [])
        out.append(r)
    return out


def write_jsonl(path, rows):
    with open(path, "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
