"""generate and explore: the rows `symtest gen` writes and the report
`symtest explore --json` prints, as Python values."""

from __future__ import annotations

import json

import pytest

import symtest
from conftest import REPO

DEMO = REPO / "examples" / "gen" / "problems.jsonl"


def test_generate_makes_suites_that_grade(tmp_path):
    rows = symtest.generate(DEMO, only=["Demo/0"], timeout=3.0, workers=2)
    assert [r["task_id"] for r in rows] == ["Demo/0"]
    suite = rows[0]
    assert "error" not in suite, suite
    assert suite["entry_point"] == "bucket" and suite["mode"] == "call"
    inputs = {t["input"] for t in suite["tests"]}
    # The edges of every comparison: x < 0, x < 10, x <= 100.
    assert {"(-1,)", "(0,)", "(9,)", "(10,)", "(100,)", "(101,)"} <= inputs, inputs
    assert {t["origin"] for t in suite["tests"]} >= {"dataset", "boundary"}
    # A suite is a problem set again: a sample off by one at 100 fails it.
    problems = symtest.load_problems(rows)
    assert problems.format == "suite"
    right = "def bucket(x):\n    return 'negative' if x < 0 else 'small' if x < 10 else 'medium' if x <= 100 else 'large'\n"
    off_by_one = right.replace("x <= 100", "x < 100")
    with symtest.Grader(problems, workers=1, reward="binary") as g:
        got = g.grade([
            {"task_id": "Demo/0", "completion": right},
            {"task_id": "Demo/0", "completion": off_by_one},
        ])
    assert [o["status"] for o in got] == ["passed", "failed"]
    # Rows are JSON, as the command writes them.
    json.dumps(rows)


def test_generate_reports_a_problem_it_cannot_do():
    good = {
        "task_id": "Ok/0",
        "prompt": "def f(x: int) -> int:\n",
        "canonical_solution": "    return x if x > 0 else -x\n",
        "test": "def check(candidate):\n    assert candidate(1) == 1\n",
        "entry_point": "f",
    }
    broken = dict(good, task_id="Bad/0", canonical_solution="    return (\n")
    rows = symtest.generate([good, broken], timeout=1.0, workers=2)
    assert [r["task_id"] for r in rows] == ["Bad/0", "Ok/0"]
    assert "SyntaxError" in rows[0]["error"] and "tests" not in rows[0]
    assert "error" not in rows[1] and rows[1]["tests"]
    with pytest.raises(symtest.UnknownTaskError):
        symtest.generate([good], only=["Nope/1"])


def test_generate_max_tokens_grows_stdin_rows():
    source = (
        "n = int(input())\n"
        "xs = list(map(int, input().split()))\n"
        "print(sum(xs) if n >= 10 else max(xs))\n"
    )
    problem = {
        "problem_id": "long_row",
        "question": "Given n (1 <= n <= 100) and n numbers.",
        "solutions": json.dumps([source]),
        "input_output": json.dumps({"inputs": ["3\n1 2 3\n"], "outputs": ["3\n"]}),
    }

    def longest(row):
        return max(len(line.split()) for t in row["tests"] for line in t["input"].splitlines())

    (small,) = symtest.generate([problem], workers=1)
    (asked,) = symtest.generate([problem], workers=1, max_tokens=12)
    assert longest(small) <= 6, small
    assert 10 <= longest(asked) <= 12, asked
    with pytest.raises(ValueError, match="max_tokens"):
        symtest.generate([problem], max_tokens=0)


def test_generate_computes_unmodelled_calls_in_cpython():
    problem = {
        "task_id": "Ext/1",
        "prompt": "import heapq\n\ndef f(xs: list, k: int) -> int:\n",
        "canonical_solution": (
            "    top = heapq.nlargest(2, xs)\n"
            "    if k > 5:\n"
            "        return len(top) + k\n"
            "    return -1\n"
        ),
        "test": "def check(candidate):\n    assert candidate([1, 2, 3], 0) == -1\n",
        "entry_point": "f",
    }
    (with_calls,) = symtest.generate([problem], workers=1)
    (without,) = symtest.generate([problem], workers=1, external_calls=0)
    assert with_calls["stats"]["missed"] == [], with_calls["stats"]
    assert ["external call heapq.nlargest"] == [
        c[0] for c in with_calls["stats"]["concretised"] if "heapq" in c[0]
    ]
    assert without["stats"]["stop"] == "unsupported: module heapq.nlargest"
    assert without["stats"]["missed"] == ["if at 5:5 true"]


def test_generate_counts_the_mutants_it_tells_apart():
    problem = {
        "task_id": "Slip/1",
        "prompt": "def f(n: int) -> int:\n",
        "canonical_solution": "    if n > 3:\n        return n * 2\n    return n - 1\n",
        "test": "def check(candidate):\n    assert candidate(5) == 10\n",
        "entry_point": "f",
    }
    (with_mutants,) = symtest.generate([problem], workers=1)
    (without,) = symtest.generate([problem], workers=1, mutants=0)
    m = with_mutants["stats"]["mutants"]
    assert m["made"] >= 5, m
    assert 0 < m["told_apart_by_generated_tests"] <= m["told_apart_by_candidates"] <= m["made"], m
    assert without["stats"]["mutants"]["made"] == 0


def test_explore_the_c_like_language():
    report = symtest.explore("if (a < 3) if (a > 4) return 1;")
    assert len(report["paths"]) == 2 and len(report["unsat"]) == 1
    assert report["solver"] == "z3"
    with pytest.raises(symtest.ExploreError, match="expected"):
        symtest.explore("if (a < ) return 1;")
    with pytest.raises(ValueError, match="unknown solver"):
        symtest.explore("return 1;", solver="magic")


def test_explore_a_python_function():
    source = (
        "def grade(score: int) -> str:\n"
        "    if score >= 90:\n"
        "        return 'A'\n"
        "    if score >= 50:\n"
        "        return 'pass'\n"
        "    return 'fail'\n"
    )
    report = symtest.explore(source, "grade")
    assert len(report["paths"]) == 3
    with pytest.raises(symtest.ExploreError):
        symtest.explore(source, "missing")


def test_ctrl_c_stops_a_long_exploration():
    import _thread
    import signal
    import threading
    import time

    collatz = (REPO / "examples" / "minic" / "collatz.c").read_text()
    # Python's own Ctrl-C handler, even where SIGINT came ignored (a
    # background job): interrupt_main does nothing without it.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(1.0, _thread.interrupt_main)
    try:
        timer.start()
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            # Minutes of work without the interrupt; 60 s at most if it is lost.
            symtest.explore(collatz, loop_bound=60, timeout=60)
        assert time.monotonic() - started < 30
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)
