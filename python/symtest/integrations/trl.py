"""symtest as a reward function of TRL's ``GRPOTrainer``.

::

    from datasets import load_dataset
    from trl import GRPOConfig, GRPOTrainer
    from symtest.integrations.trl import code_reward

    data = load_dataset("openai/openai_humaneval", split="test")   # prompt, task_id, ...
    trainer = GRPOTrainer(
        model="Qwen/Qwen2.5-Coder-0.5B",
        reward_funcs=code_reward(data, task_column="task_id", reward="coderl"),
        args=GRPOConfig(output_dir="out"),
        train_dataset=data,
    )

GRPOTrainer calls a reward function as ``f(prompts=..., completions=...,
completion_ids=..., **dataset_columns, trainer_state=..., log_extra=...,
log_metric=...)`` and wants one float per completion, or ``None`` for a
completion the function cannot score (it skips it). The functions here give
``None`` exactly for the samples the sandbox could not judge
(``grader_error``): an infrastructure failure is never a reward of 0.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Callable, Optional

import symtest
from symtest._text import completion_text


def _samples(completions: Any, kwargs: dict[str, Any], task_column: str) -> list[dict[str, Any]]:
    if completions is None:
        raise TypeError("the reward function is called with completions=[...]")
    tasks = kwargs.get(task_column)
    if tasks is None:
        raise KeyError(
            f"the dataset has no '{task_column}' column: each prompt's row must name its "
            "problem (set task_column)"
        )
    tasks = list(tasks)
    completions = list(completions)
    if len(tasks) != len(completions):
        raise ValueError(f"{len(completions)} completions but {len(tasks)} '{task_column}' values")
    return [
        {"task_id": task, "completion": completion_text(c), "sample_id": str(i)}
        for i, (task, c) in enumerate(zip(tasks, completions))
    ]


def _rewards(outcomes: list[dict[str, Any]], kwargs: dict[str, Any]) -> list[Optional[float]]:
    """One reward per outcome (None for a grader error), logged when asked."""
    statuses = [o["status"] for o in outcomes]
    log_metric = kwargs.get("log_metric")
    if callable(log_metric) and outcomes:
        counts = Counter(statuses)
        judged = len(outcomes) - counts.get("grader_error", 0)
        if judged:
            log_metric("symtest/pass_rate", counts.get("passed", 0) / judged)
        for status in ("passed", "failed", "runtime_error", "compile_error", "timeout", "grader_error"):
            log_metric(f"symtest/{status}", float(counts.get(status, 0)))
    log_extra = kwargs.get("log_extra")
    if callable(log_extra):
        log_extra("symtest_status", statuses)
    return [None if o["status"] == "grader_error" else o["reward"] for o in outcomes]


def code_reward(
    problems: symtest.ProblemsLike,
    task_column: str = "task_id",
    reward: str = "coderl",
    *,
    grader: Optional[symtest.Grader] = None,
    **grader_options: Any,
) -> Callable[..., list[Optional[float]]]:
    """A GRPOTrainer reward function grading completions in the sandbox.

    Args:
        problems: the problem set (a path, rows, a ``datasets.Dataset``, or
            ``Problems``); ignored when ``grader`` is given.
        task_column: the dataset column naming each prompt's problem.
        reward: ``"coderl"``, ``"binary"`` or ``"fraction"``.
        grader: a ``symtest.Grader`` to use instead of making one.
        grader_options: more ``symtest.Grader`` settings (``workers``,
            ``timeout_factor``, ...).

    Returns:
        ``f(prompts=..., completions=..., **columns) -> list[float | None]``.
        Completions are text (standard form) or chat messages (the last
        assistant message's content is graded); a HumanEval completion
        continues the prompt, a chat answer's fenced code is graded. The
        pass rate and the count of each status go to ``log_metric``
        (``symtest/pass_rate``, ``symtest/<status>``), each completion's
        status to ``log_extra`` (``symtest_status``).
    """
    g = grader if grader is not None else symtest.Grader(problems, reward=reward, **grader_options)

    def symtest_code_reward(
        prompts: Any = None, completions: Any = None, completion_ids: Any = None, **kwargs: Any
    ) -> list[Optional[float]]:
        outcomes = g.grade(_samples(completions, kwargs, task_column))
        return _rewards(outcomes, kwargs)

    symtest_code_reward.grader = g  # type: ignore[attr-defined]
    return symtest_code_reward


def code_reward_async(
    problems: symtest.ProblemsLike,
    task_column: str = "task_id",
    reward: str = "coderl",
    *,
    grader: Optional[symtest.Grader] = None,
    **grader_options: Any,
) -> Callable[..., Any]:
    """``code_reward`` as an ``async def``: GRPOTrainer runs it on its event
    loop beside other asynchronous reward functions, the sandbox on an
    executor thread with the GIL released."""
    g = grader if grader is not None else symtest.Grader(problems, reward=reward, **grader_options)

    async def symtest_code_reward_async(
        prompts: Any = None, completions: Any = None, completion_ids: Any = None, **kwargs: Any
    ) -> list[Optional[float]]:
        outcomes = await g.grade_async(_samples(completions, kwargs, task_column))
        return _rewards(outcomes, kwargs)

    symtest_code_reward_async.grader = g  # type: ignore[attr-defined]
    return symtest_code_reward_async
