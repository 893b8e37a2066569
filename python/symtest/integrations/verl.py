"""symtest as verl's custom reward function.

In the trainer's configuration (this file's path: ``python -c "import
symtest.integrations.verl as m; print(m.__file__)"``)::

    reward:
      custom_reward_function:
        path: /.../site-packages/symtest/integrations/verl.py
        name: compute_score          # or compute_score_async
        reward_kwargs:
          problems: /data/HumanEval.jsonl.gz   # when ground truths are task ids
          reward: coderl                       # or binary, fraction

``ground_truth`` (the dataset's ``reward_model.ground_truth``) is a task id of
the problem file (named by ``problems`` here, in ``extra_info``, or by the
``SYMTEST_PROBLEMS`` environment variable), or the tests inline as verl,
PRIME and TACO store them: ``{"inputs": [...], "outputs": [...], "fn_name":
"f"}`` as a dict or as JSON text (calls of ``fn_name``; without it, standard
input and output). ``solution_str`` is graded as written; a chat answer's
fenced code is taken out when the text is not valid Python.

A sample the sandbox could not judge raises :class:`symtest.GraderError`
(verl wants a number, and 0 would be a lie about the sample).
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any, Optional

# Absolute imports only: verl loads this file by its path.
from symtest.integrations import _shared


def compute_score(
    data_source: Any,
    solution_str: str,
    ground_truth: Any,
    extra_info: Optional[dict[str, Any]] = None,
    *,
    problems: Optional[str] = None,
    reward: Optional[str] = None,
    workers: Optional[int] = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """Grades ``solution_str`` against ``ground_truth`` in symtest's sandbox.

    Returns:
        ``{"score": reward, "passed": tests passed, "total": tests, "status":
        "passed" | "failed" | "runtime_error" | "compile_error" | "timeout"}``.

    Raises:
        symtest.GraderError: the sandbox could not judge the sample.
        symtest.ProblemsError: a task id, but no problem file named.
        symtest.UnknownTaskError: a task id the problem file does not have.
    """
    info = extra_info if isinstance(extra_info, dict) else {}
    problems = _shared.setting(problems or info.get("problems"), _shared.PROBLEMS_ENV)
    kind = _shared.setting(reward, _shared.REWARD_ENV, "coderl")
    graded = _shared.grade_many(
        [solution_str], [ground_truth], problems, kind, _shared.workers_setting(workers)
    )
    outcome = _shared.judged(graded[0])
    return {
        "score": float(outcome["reward"]),
        "passed": int(outcome["passed"]),
        "total": int(outcome["total"]),
        "status": outcome["status"],
    }


async def compute_score_async(
    data_source: Any,
    solution_str: str,
    ground_truth: Any,
    extra_info: Optional[dict[str, Any]] = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """``compute_score`` on a thread of the running loop's executor (the
    sandbox runs with the GIL released), for verl's asynchronous reward loop."""
    loop = asyncio.get_running_loop()
    call = functools.partial(
        compute_score, data_source, solution_str, ground_truth, extra_info, **kwargs
    )
    return await loop.run_in_executor(None, call)
