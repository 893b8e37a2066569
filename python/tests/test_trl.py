"""The TRL reward function, called exactly as GRPOTrainer._calculate_rewards
calls it (trl 1.16): dataset columns repeated per generation, minus prompt,
completion and completion_ids; then trainer_state, log_extra, log_metric; a
None reward becomes NaN and the count must match."""

from __future__ import annotations

import asyncio
import inspect
import math

import pytest

import symtest
from conftest import humaneval_path
from sandbox_failure import break_newest_pool
from symtest.integrations.trl import code_reward, code_reward_async

GENERATIONS = 2


class Logs:
    def __init__(self):
        self.metrics: dict[str, list[float]] = {}
        self.extra: dict[str, list] = {}

    def log_metric(self, name, value):
        self.metrics.setdefault(name, []).append(value)

    def log_extra(self, column, values):
        self.extra.setdefault(column, []).extend(values)


def calculate_rewards(reward_func, inputs, prompts, completions, completion_ids, logs):
    """What GRPOTrainer._calculate_rewards does with a custom reward function."""
    keys = [key for key in inputs[0] if key not in ["prompt", "completion", "completion_ids"]]
    reward_kwargs = {key: [example[key] for example in inputs] for key in keys}
    reward_kwargs["trainer_state"] = object()
    reward_kwargs["log_extra"] = logs.log_extra
    reward_kwargs["log_metric"] = logs.log_metric
    func = reward_func
    if inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(getattr(func, "__call__", None)):
        output = asyncio.run(
            func(prompts=prompts, completions=completions, completion_ids=completion_ids, **reward_kwargs)
        )
    else:
        output = func(prompts=prompts, completions=completions, completion_ids=completion_ids, **reward_kwargs)
    output = [reward if reward is not None else math.nan for reward in output]
    assert len(output) == len(prompts), "one reward per completion"
    return output


def batch(rows, answers, conversational):
    """Inputs repeated per generation (as the trainer's sampler does)."""
    inputs, prompts, completions = [], [], []
    for row, row_answers in zip(rows, answers):
        for answer in row_answers:
            example = dict(row)
            if conversational:
                example["prompt"] = [{"role": "user", "content": row["prompt"]}]
                completion = [{"role": "assistant", "content": answer}]
            else:
                completion = answer
            inputs.append(example)
            prompts.append(example["prompt"])
            completions.append(completion)
    ids = [[ord(c) % 97 for c in str(c)[:8]] for c in completions]
    return inputs, prompts, completions, ids


def test_standard_completions_with_extra_columns(humaneval_rows):
    rows = humaneval_rows[:4]
    answers = [(r["canonical_solution"], "    return None\n") for r in rows]
    inputs, prompts, completions, ids = batch(rows, answers, conversational=False)
    f = code_reward(humaneval_path(), task_column="task_id", reward="coderl", workers=2)
    assert f.__name__ == "symtest_code_reward"
    logs = Logs()
    rewards = calculate_rewards(f, inputs, prompts, completions, ids, logs)
    assert rewards == [1.0, -0.3] * 4
    assert logs.metrics["symtest/pass_rate"] == [0.5]
    assert logs.metrics["symtest/passed"] == [4.0] and logs.metrics["symtest/failed"] == [4.0]
    assert logs.metrics["symtest/grader_error"] == [0.0]
    assert logs.extra["symtest_status"] == ["passed", "failed"] * 4
    f.grader.close()


def test_conversational_completions_async(humaneval_rows):
    rows = humaneval_rows[10:13]
    fenced = lambda r: (  # noqa: E731
        "Sure, here you go:\n\n```python\n" + r["prompt"] + r["canonical_solution"] + "```\nDone."
    )
    broken = "```python\ndef nothing(:\n```"
    answers = [(fenced(r), broken) for r in rows]
    inputs, prompts, completions, ids = batch(rows, answers, conversational=True)
    f = code_reward_async(humaneval_path(), reward="binary", workers=2)
    assert inspect.iscoroutinefunction(f)
    logs = Logs()
    rewards = calculate_rewards(f, inputs, prompts, completions, ids, logs)
    assert rewards == [1.0, 0.0] * 3
    assert logs.extra["symtest_status"] == ["passed", "compile_error"] * 3
    f.grader.close()


def test_a_sample_the_grader_cannot_judge_is_none_not_zero(humaneval_rows):
    rows = humaneval_rows[:2]
    answers = [(r["canonical_solution"],) for r in rows]
    inputs, prompts, completions, ids = batch(rows, answers, conversational=False)
    f = code_reward(humaneval_path(), reward="coderl", workers=2)
    logs = Logs()
    assert calculate_rewards(f, inputs, prompts, completions, ids, logs) == [1.0, 1.0]
    if break_newest_pool() == 0:
        pytest.skip("no cgroup of the sandbox to remove on this machine")
    logs = Logs()
    rewards = calculate_rewards(f, inputs, prompts, completions, ids, logs)
    assert all(math.isnan(r) for r in rewards), rewards
    assert logs.metrics["symtest/grader_error"] == [2.0]
    assert "symtest/pass_rate" not in logs.metrics
    outcomes = f.grader.grade([{"task_id": rows[0]["task_id"], "completion": completions[0]}])
    assert outcomes[0]["status"] == "grader_error" and outcomes[0]["reward"] is None
    f.grader.close()


def test_a_missing_task_column_is_an_error(humaneval_rows):
    with symtest.Grader(humaneval_path(), workers=1) as g:
        f = code_reward(None, grader=g)
        with pytest.raises(KeyError, match="no 'task_id' column"):
            f(prompts=["p"], completions=["c"], problem=["HumanEval/0"])
        f = code_reward(None, task_column="problem", grader=g)
        assert f(prompts=["p"], completions=[humaneval_rows[0]["canonical_solution"]], problem=["HumanEval/0"]) == [1.0]
