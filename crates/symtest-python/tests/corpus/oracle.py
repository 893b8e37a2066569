# Runs calls in CPython for the fidelity tests. Reads JSON lines
# {"src", "entry", "args": [repr, ...]} on stdin; writes one JSON line per
# call: {"kind": "R", "value": repr(result)} or {"kind": "E", "value": type}.
import ast
import copy
import json
import sys

sys.setrecursionlimit(3000)
modules = {}
for line in sys.stdin:
    call = json.loads(line)
    src = call["src"]
    if src not in modules:
        ns = {}
        exec(compile(src, "<corpus>", "exec"), ns)
        modules[src] = ns
    f = modules[src][call["entry"]]
    args = [ast.literal_eval(a) for a in call["args"]]
    try:
        out = {"kind": "R", "value": repr(f(*copy.deepcopy(args)))}
    except Exception as e:
        out = {"kind": "E", "value": type(e).__name__}
    print(json.dumps(out), flush=True)
