"""Branch coverage of whole programs by sets of standard inputs, measured
with coverage.py in CPython (the bench venv's interpreter).

Reads JSON on stdin: a list of {"code": ..., "sets": {name: [stdin, ...]}};
writes one line of JSON per program: {name: [covered, total]} over branch
arcs (coverage.py's `--branch`), each set measured on its own.
"""

import builtins
import io
import json
import os
import sys
import tempfile

import coverage


def run_once(path, code_obj, stdin):
    """Runs the program as `__main__` on `stdin`, as a process would see it:
    `sys.stdin` (with its `.buffer`), `input()` and `open(0)` read it."""
    old_in, old_out = sys.stdin, sys.stdout
    raw = io.BytesIO(stdin.encode("utf-8"))
    # As CPython on POSIX: sys.stdin keeps "\r"; open(0) translates line ends.
    sys.stdin = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
    sys.stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    real_open = builtins.open

    def open_(file, *args, **kwargs):
        if type(file) is int and file == 0:
            mode = args[0] if args else kwargs.get("mode", "r")
            return raw if "b" in str(mode) else io.TextIOWrapper(raw, encoding="utf-8")
        return real_open(file, *args, **kwargs)

    names = dict(vars(builtins), open=open_)
    try:
        exec(code_obj, {"__name__": "__main__", "__file__": path, "__builtins__": names})
    except SystemExit:
        pass
    except BaseException:  # noqa: BLE001 - a raising input still covers what it ran
        pass
    finally:
        sys.stdin, sys.stdout = old_in, old_out


def measure(code, inputs, tmp):
    path = os.path.join(tmp, "program.py")
    with open(path, "w") as f:
        f.write(code)
    code_obj = compile(code, path, "exec")
    cov = coverage.Coverage(branch=True, data_file=None, include=[path])
    cov.start()
    try:
        for stdin in inputs:
            run_once(path, code_obj, stdin)
    finally:
        cov.stop()
    analysis = cov._analyze(path)  # noqa: SLF001 - the public API writes reports only
    numbers = analysis.numbers
    return [numbers.n_branches - numbers.n_missing_branches, numbers.n_branches]


def main():
    jobs = json.load(sys.stdin)
    sys.setrecursionlimit(10000)
    with tempfile.TemporaryDirectory() as tmp:
        for job in jobs:
            out = {name: measure(job["code"], inputs, tmp) for name, inputs in job["sets"].items()}
            print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
