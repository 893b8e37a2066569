"""verl's custom reward function: the file loaded by its path as verl's
load_extern_object does, called as its reward managers call it."""

from __future__ import annotations

import asyncio
import importlib.util
import json

import pytest

import symtest
import symtest.integrations.verl as installed
from conftest import humaneval_path
from symtest.integrations import _shared


def load_by_path(name):
    """As verl.utils.import_utils.load_extern_object: the file, outside the package."""
    spec = importlib.util.spec_from_file_location("custom_module", installed.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


def test_a_task_id_of_the_problem_file(humaneval_rows, monkeypatch):
    compute_score = load_by_path("compute_score")
    row = humaneval_rows[2]
    info = {"problems": str(humaneval_path()), "index": 2}
    got = compute_score(
        data_source="openai/humaneval",
        solution_str=row["canonical_solution"],
        ground_truth=row["task_id"],
        extra_info=info,
    )
    assert got == {"score": 1.0, "passed": 1, "total": 1, "status": "passed"}
    # The file named by the environment; verl's reward_kwargs as keywords.
    monkeypatch.setenv("SYMTEST_PROBLEMS", str(humaneval_path()))
    got = compute_score("openai/humaneval", "    return 0\n", row["task_id"], {}, reward="binary")
    assert got == {"score": 0.0, "passed": 0, "total": 1, "status": "failed"}
    monkeypatch.delenv("SYMTEST_PROBLEMS")
    with pytest.raises(symtest.ProblemsError, match="SYMTEST_PROBLEMS"):
        compute_score("x", "pass", "HumanEval/2", None)
    with pytest.raises(symtest.UnknownTaskError):
        compute_score("x", "pass", "HumanEval/999", info)


SUM_STDIO = {"inputs": ["1 2\n", "10 -3\n", "7 0\n"], "outputs": ["3\n", "7\n", "7\n"]}
SUM_CALLS = {"fn_name": "add", "inputs": [[1, 2], [10, -3], [2**70, 1]], "outputs": [[3], [7], [2**70 + 1]]}


def test_inline_stdio_tests_as_json_text():
    compute_score = load_by_path("compute_score")
    truth = json.dumps(SUM_STDIO)
    right = "a, b = map(int, input().split())\nprint(a + b)\n"
    assert compute_score("taco", right, truth) == {
        "score": 1.0, "passed": 3, "total": 3, "status": "passed",
    }
    half = "a, b = map(int, input().split())\nprint(a + b if b > 0 else 0)\n"
    got = compute_score("taco", half, truth, None, reward="fraction")
    assert got == {"score": 1 / 3, "passed": 1, "total": 3, "status": "failed"}
    fenced = "Read two numbers.\n```python\n" + right + "```\n"
    assert compute_score("taco", fenced, truth)["status"] == "passed"


def test_inline_call_tests_with_fn_name_as_a_dict():
    compute_score = load_by_path("compute_score")
    right = "def add(a, b):\n    return a + b\n"
    # As JSON text (integers kept exact) and as a dict.
    text = '{"fn_name": "add", "inputs": [[1, 2], [10, -3], [1180591620717411303424, 1]], ' \
        '"outputs": [[3], [7], [1180591620717411303425]]}'
    assert compute_score("prime", right, text)["status"] == "passed"
    assert compute_score("prime", right, SUM_CALLS)["status"] == "passed"
    wrong = "def add(a, b):\n    return a * b\n"
    got = compute_score("prime", wrong, SUM_CALLS)
    assert got["status"] == "failed" and got["total"] == 3 and got["score"] == -0.3
    crash = "def add(a, b):\n    raise ValueError('no')\n"
    assert compute_score("prime", crash, SUM_CALLS)["status"] == "runtime_error"


def test_leetcode_style_class_solution_with_fn_name():
    """TACO's LeetCode problems name a method of ``class Solution``."""
    compute_score = load_by_path("compute_score")
    tests = json.dumps({"fn_name": "twoSum", "inputs": [[[2, 7, 11, 15], 9], [[3, 3], 6]], "outputs": [[0, 1], [0, 1]]})
    right = (
        "class Solution:\n"
        "    def twoSum(self, nums, target):\n"
        "        seen = {}\n"
        "        for i, x in enumerate(nums):\n"
        "            if target - x in seen:\n"
        "                return [seen[target - x], i]\n"
        "            seen[x] = i\n"
    )
    assert compute_score("taco", right, tests)["status"] == "passed"
    wrong = right.replace("return [seen[target - x], i]", "return [i, i]")
    got = compute_score("taco", wrong, tests)
    assert got["status"] == "failed" and got["passed"] == 0 and got["total"] == 2


def test_the_async_form(humaneval_rows):
    compute_score_async = load_by_path("compute_score_async")
    row = humaneval_rows[5]
    info = {"problems": str(humaneval_path())}

    async def main():
        return await asyncio.gather(
            compute_score_async("he", row["canonical_solution"], row["task_id"], info),
            compute_score_async("taco", "print(3)\n", SUM_STDIO),
        )

    good, partial = asyncio.run(main())
    assert good["status"] == "passed"
    assert partial["status"] == "failed" and partial["passed"] == 1


def test_a_grader_error_is_raised_not_scored():
    """The mapping from a grader error to the trainer (the sandbox failure
    itself is made for real in test_trl.py)."""
    outcome = {
        "task_id": "t", "sample_id": "0", "status": "grader_error", "passed": 0, "total": 1,
        "reward": None, "first_failure": {"kind": "grader_error", "error": "worker died"},
    }
    with pytest.raises(symtest.GraderError, match="worker died"):
        _shared.judged(outcome)
    ok = dict(outcome, status="failed", reward=-0.3)
    assert _shared.judged(ok) is ok


def test_ground_truth_forms():
    assert _shared.read_ground_truth("HumanEval/3") == ("task", "HumanEval/3")
    assert _shared.read_ground_truth(11) == ("task", 11)
    assert _shared.read_ground_truth('{"task_id": "HumanEval/3"}') == ("task", "HumanEval/3")
    assert _shared.read_ground_truth({"task_id": 7}) == ("task", 7)
    kind, text = _shared.read_ground_truth(SUM_STDIO)
    assert kind == "tests" and json.loads(text) == SUM_STDIO
    with pytest.raises(ValueError, match="'inputs', 'outputs'"):
        _shared.read_ground_truth({"answer": 3})
