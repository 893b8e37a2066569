# Records every call HumanEval's own `check(candidate)` makes to each
# canonical solution: arguments, and the result or exception type.
# Usage: record_humaneval.py HumanEval.jsonl.gz  (JSON lines on stdout)
import copy
import gzip
import json
import sys

sys.setrecursionlimit(3000)
for line in gzip.open(sys.argv[1], "rt"):
    problem = json.loads(line)
    src = problem["prompt"] + problem["canonical_solution"]
    ns = {}
    exec(src, ns)
    f = ns[problem["entry_point"]]
    calls = []

    def recorder(*args):
        before = [repr(a) for a in copy.deepcopy(args)]
        try:
            r = f(*args)
        except Exception as e:
            calls.append([before, "E", type(e).__name__])
            raise
        calls.append([before, "R", repr(r)])
        return r

    tns = dict(ns)
    try:
        exec(problem["test"], tns)
        tns["check"](recorder)
    except Exception as e:
        print(problem["task_id"], "check failed:", e, file=sys.stderr)
    row = {"task_id": problem["task_id"], "entry": problem["entry_point"], "source": src, "calls": calls}
    print(json.dumps(row))
