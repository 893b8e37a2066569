"""symtest as OpenRLHF's reward function file.

Pass this file's path (``python -c "import symtest.integrations.openrlhf as
m; print(m.__file__)"``) as ``--reward.remote_url``; OpenRLHF loads
``reward_func(queries, prompts, labels)`` from it. Settings come from the
environment: ``SYMTEST_PROBLEMS`` (the problem file labels name tasks of),
``SYMTEST_REWARD`` (coderl by default) and ``SYMTEST_WORKERS``.

A query is the prompt and the response decoded with their special tokens
(``<|im_start|>``, ``<|im_end|>``, ``<|eot_id|>``, ``<|endoftext|>``, ...):
the prompt is removed and the response cut at its first end-of-turn token
before it is graded, so it is graded as the bare answer would be. A label is
a task id, an object with a ``task_id``, or the tests inline
(``{"inputs": [...], "outputs": [...], "fn_name": ...}``, dict or JSON).

A query the sandbox could not judge raises :class:`symtest.GraderError`:
OpenRLHF then records no reward for it, rather than a made-up 0.
"""

from __future__ import annotations

from typing import Any, Optional

# Absolute imports only: OpenRLHF loads this file by its path.
from symtest._text import response_of
from symtest.integrations import _shared


def _tensor(values: list[float]) -> Any:
    """A float tensor when torch is there (OpenRLHF's contract), else the list."""
    try:
        import torch
    except ImportError:
        return values
    return torch.tensor(values, dtype=torch.float32)


def reward_func(
    queries: list[str],
    prompts: list[str],
    labels: list[Any],
    *,
    problems: Optional[str] = None,
    reward: Optional[str] = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """Grades each query's response against its label.

    Returns:
        ``{"rewards": [...], "scores": [...], "extra_logs": {...}}``: the
        rewards (coderl by default), scores 1.0 for a pass and 0.0 otherwise
        (for dynamic filtering), and the pass rate of each query's tests.

    Raises:
        symtest.GraderError: the sandbox could not judge a query.
    """
    if len(labels) != len(queries):
        raise ValueError(
            f"{len(queries)} queries but {len(labels)} labels: each label names the query's problem"
        )
    prompts = list(prompts) if prompts is not None else []
    problems = _shared.setting(problems, _shared.PROBLEMS_ENV)
    kind = _shared.setting(reward, _shared.REWARD_ENV, "coderl")
    workers = _shared.workers_setting(None)
    responses = [
        response_of(query, prompts[i] if i < len(prompts) else None)
        for i, query in enumerate(queries)
    ]
    graded = _shared.grade_many(responses, list(labels), problems, kind, workers)
    outcomes = [_shared.judged(o) for o in graded]
    rewards = [float(o["reward"]) for o in outcomes]
    return {
        "rewards": _tensor(rewards),
        "scores": _tensor([1.0 if o["status"] == "passed" else 0.0 for o in outcomes]),
        "extra_logs": {
            "pass_rate": _tensor([o["passed"] / o["total"] if o["total"] else 0.0 for o in outcomes]),
        },
    }
