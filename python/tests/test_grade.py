"""Grader.grade and grade_async on HumanEval, problems as files and rows."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter

import pytest
import warnings

import symtest
from conftest import humaneval_path

# Some checks draw random inputs (HumanEval/38): the first failure's input
# may differ between runs, the verdict may not.
VERDICT = ("task_id", "sample_id", "status", "passed", "total", "reward")


def canonical_and_empty(rows):
    samples = [{"task_id": r["task_id"], "completion": r["canonical_solution"]} for r in rows]
    samples += [
        {"task_id": r["task_id"], "completion": "", "sample_id": "empty"} for r in rows
    ]
    return samples


def verdicts(outcomes):
    return [tuple(repr(o[k]) for k in VERDICT) for o in outcomes]


def test_humaneval_canonical_solutions_pass_and_empty_bodies_fail(humaneval_rows, humaneval_grader):
    assert len(humaneval_rows) == 164
    outcomes = humaneval_grader.grade(canonical_and_empty(humaneval_rows))
    assert len(outcomes) == 328
    good, empty = outcomes[:164], outcomes[164:]
    assert Counter(o["status"] for o in good) == {"passed": 164}, [
        (o["task_id"], o["first_failure"]) for o in good if o["status"] != "passed"
    ]
    assert all(o["reward"] == 1.0 and o["passed"] == o["total"] == 1 for o in good)
    assert Counter(o["status"] for o in empty) == {"failed": 164}
    assert all(o["reward"] == -0.3 and o["passed"] == 0 for o in empty)
    # In order, with the ids given or numbered per task.
    assert [o["task_id"] for o in good] == [r["task_id"] for r in humaneval_rows]
    assert {o["sample_id"] for o in good} == {"0"} and {o["sample_id"] for o in empty} == {"empty"}
    # The rows `symtest grade` writes, fields in its order.
    assert list(good[0]) == [
        "task_id", "sample_id", "status", "passed", "total", "reward", "first_failure", "ms",
        "completion_sha256", "graded_sha256",
    ]
    assert empty[0]["first_failure"]["kind"]


def test_grade_async_with_eight_concurrent_callers_agrees(humaneval_rows, humaneval_grader):
    samples = canonical_and_empty(humaneval_rows)
    want = verdicts(humaneval_grader.grade(samples))
    chunks = [samples[i::8] for i in range(8)]
    threads_seen = set()

    async def one(chunk):
        threads_seen.add(threading.get_ident())
        return await humaneval_grader.grade_async(chunk)

    async def main():
        return await asyncio.gather(*(one(c) for c in chunks))

    results = asyncio.run(main())
    got = [None] * len(samples)
    for i, outcomes in enumerate(results):
        for j, o in enumerate(outcomes):
            got[i + 8 * j] = o
    # Sample ids are numbered per call, so compare verdicts without them.
    strip = lambda vs: [v[:1] + v[2:] for v in vs]  # noqa: E731
    assert strip(verdicts(got)) == strip(want)


def test_grade_from_many_threads_at_once(humaneval_rows, humaneval_grader):
    samples = canonical_and_empty(humaneval_rows[:40])
    want = verdicts(humaneval_grader.grade(samples))
    results = [None] * 6
    errors = []

    def worker(k):
        try:
            results[k] = verdicts(humaneval_grader.grade(samples))
        except Exception as e:  # surfaced below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    assert all(r == want for r in results)


class FakeDataset:
    """Iterates rows as ``datasets.Dataset`` does (the package never imports it)."""

    def __init__(self, rows):
        self._rows = rows

    def __iter__(self):
        return iter(self._rows)

    def __len__(self):
        return len(self._rows)


def test_problems_from_rows_and_samples_from_a_dataset(humaneval_rows):
    rows = humaneval_rows[:3]
    problems = symtest.load_problems(FakeDataset(rows))
    assert problems.format == "humaneval" and len(problems) == 3
    assert "HumanEval/1" in problems and "HumanEval/99" not in problems
    assert list(problems) == [r["task_id"] for r in rows]
    assert problems.entry_point("HumanEval/0") == rows[0]["entry_point"]
    assert problems.tests("HumanEval/0") == ("check", 1)
    one = symtest.load_problems(rows[0])
    assert one.task_ids() == ["HumanEval/0"]
    with symtest.Grader(problems, workers=1) as g:
        assert g.workers == 1
        samples = FakeDataset(
            [{"task_id": r["task_id"], "completion": r["canonical_solution"]} for r in rows]
        )
        assert [o["status"] for o in g.grade(samples)] == ["passed"] * 3
        # A single sample as a dict; a chat answer's fenced code.
        fenced = (
            "Here it is:\n```python\n" + rows[1]["prompt"] + rows[1]["canonical_solution"] + "```\n"
        )
        assert g.grade({"task_id": "HumanEval/1", "completion": fenced})[0]["status"] == "passed"
        with pytest.raises(symtest.UnknownTaskError, match="HumanEval/7"):
            g.grade([{"task_id": "HumanEval/7", "completion": ""}])
        with pytest.raises(KeyError, match="completion"):
            g.grade([{"task_id": "HumanEval/0"}])
    assert g.closed
    with pytest.raises(symtest.SymtestError, match="closed"):
        g.grade([])


def test_mbpp_rows_with_integer_ids_and_other_problems_per_call():
    mbpp = {
        "task_id": 11,
        "text": "Add two numbers.",
        "code": "def add(a, b):\n    return a + b\n",
        "test_list": ["assert add(1, 2) == 3", "assert add(-1, 1) == 0"],
    }
    apps = {
        "problem_id": "echo",
        "question": "Print the sum of two numbers.",
        "input_output": '{"inputs": ["1 2\\n", "5 5\\n"], "outputs": ["3\\n", "10\\n"]}',
    }
    with symtest.Grader(mbpp, workers=1, reward="fraction") as g:
        out = g.grade([
            {"task_id": 11, "completion": "def add(a, b):\n    return a + b\n"},
            {"task_id": "11", "completion": "def add(a, b):\n    return a - b\n"},
        ])
        assert [o["status"] for o in out] == ["passed", "failed"]
        assert [o["sample_id"] for o in out] == ["0", "1"]
        stdio = g.grade(
            [{"task_id": "echo", "completion": "a, b = map(int, input().split())\nprint(a + b)\n"},
             {"task_id": "echo", "completion": "print(3)\n"}],
            problems=[apps],
        )
        assert [(o["status"], o["passed"], o["total"], o["reward"]) for o in stdio] == [
            ("passed", 2, 2, 1.0),
            ("failed", 1, 2, 0.5),
        ]


def test_a_reference_that_fails_its_tests_is_reported_once():
    wrong = {
        "task_id": 5,
        "text": "Double a number.",
        "code": "def double(x):\n    return x + 2\n",
        "test_list": ["assert double(3) == 6", "assert double(5) == 10"],
    }
    right = {**wrong, "task_id": 6, "code": "def double(x):\n    return 2 * x\n"}
    sample = "def double(x):\n    return x * 2\n"
    with symtest.Grader([wrong, right], workers=1) as g:
        with pytest.warns(RuntimeWarning, match="reference of 5 could not set time limits"):
            out = g.grade([{"task_id": 5, "completion": sample}, {"task_id": 6, "completion": sample}])
        assert [o["status"] for o in out] == ["passed", "passed"]
        assert list(g.reference_problems()) == ["5"]
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            g.grade([{"task_id": 5, "completion": sample}])  # said once


def test_errors_carry_symtests_messages(tmp_path):
    with pytest.raises(symtest.ProblemsError, match="cannot read"):
        symtest.load_problems(tmp_path / "missing.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"task_id": "x", "prompt": "p", "test": "", "entry_point": "f"}\n')
    with pytest.raises(symtest.ProblemsError, match="empty: every sample would pass"):
        symtest.load_problems(bad)
    with pytest.raises(ValueError, match="unknown reward 'best'"):
        symtest.Grader(humaneval_path(), reward="best")
    with pytest.raises(ValueError, match="timeout_factor must be positive"):
        symtest.Grader(humaneval_path(), timeout_factor=0)
    with pytest.raises(ValueError, match="unknown format"):
        symtest.load_problems(humaneval_path(), format="nope")
    assert issubclass(symtest.UnknownTaskError, symtest.SymtestError)
    assert symtest.SymtestError.__module__ == "symtest"
