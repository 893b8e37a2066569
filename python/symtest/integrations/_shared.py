"""What the trainer adapters share: graders kept per process, ground truths read.

Loaded by absolute import: verl and OpenRLHF load their adapter as a file,
outside the package.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import threading
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Optional, Union

import symtest

#: The problem file task ids name, when the trainer's call does not say.
PROBLEMS_ENV = "SYMTEST_PROBLEMS"
#: The reward kind (coderl, binary, fraction), when the call does not say.
REWARD_ENV = "SYMTEST_REWARD"
#: Samples graded at once (the number of cores by default).
WORKERS_ENV = "SYMTEST_WORKERS"

_lock = threading.Lock()
_graders: dict[tuple[Optional[str], str, Optional[int]], symtest.Grader] = {}


def setting(given: Any, env: str, default: Any = None) -> Any:
    """A setting: given in the call, else from the environment, else the default."""
    if given is not None:
        return given
    return os.environ.get(env) or default


def shared_grader(problems: Optional[str], reward: str, workers: Optional[int] = None) -> symtest.Grader:
    """One grader per problem file and settings for the whole process (its
    workers stay warm between calls; any thread may use it)."""
    key = (os.path.abspath(problems) if problems else None, reward, workers)
    with _lock:
        grader = _graders.get(key)
        if grader is None or grader.closed:
            grader = symtest.Grader(problems, reward=reward, workers=workers)
            _graders[key] = grader
        return grader


@atexit.register
def _close_all() -> None:
    with _lock:
        for grader in _graders.values():
            grader.close()
        _graders.clear()


def workers_setting(given: Optional[int]) -> Optional[int]:
    value = setting(given, WORKERS_ENV)
    return int(value) if value is not None else None


def _plain(value: Any) -> Any:
    """numpy arrays and scalars (verl's non-tensor batch) as plain values."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"a {type(value).__name__} in the tests has no JSON form")


#: A ground truth read: ``("task", task_id)`` or ``("tests", json_text)``.
Truth = tuple[str, Union[str, int]]


def read_ground_truth(truth: Any) -> Truth:
    """A task id of the problem file, or tests given inline as verl, PRIME and
    TACO store them: ``{"inputs": [...], "outputs": [...], "fn_name": ...}``
    (``fn_name`` optional: without it, standard input and output), as a dict
    or as JSON text. A dict or JSON object with a ``task_id`` names a task."""
    if isinstance(truth, bytes):
        truth = truth.decode()
    if isinstance(truth, Mapping):
        if "inputs" in truth and "outputs" in truth:
            return ("tests", json.dumps(dict(truth), default=_plain))
        if "task_id" in truth:
            return read_ground_truth(truth["task_id"])
        raise ValueError(
            "a ground truth given as a dict holds the tests ('inputs', 'outputs', optional "
            f"'fn_name') or a 'task_id'; this one has {sorted(truth)}"
        )
    if isinstance(truth, str):
        text = truth.strip()
        if text.startswith("{"):
            try:
                value = json.loads(text)
            except ValueError:
                value = None
            if isinstance(value, dict):
                if "inputs" in value and "outputs" in value:
                    # The text itself: APPS' integers keep every digit.
                    return ("tests", text)
                if "task_id" in value:
                    return read_ground_truth(value["task_id"])
        return ("task", truth)
    if isinstance(truth, int) and not isinstance(truth, bool):
        return ("task", truth)
    if hasattr(truth, "item"):
        return read_ground_truth(truth.item())
    raise TypeError(f"a ground truth is a task id or the tests, not {type(truth).__name__}")


@lru_cache(maxsize=4096)
def inline_problem(tests_json: str) -> tuple[str, symtest.Problems]:
    """Inline tests as a one-problem set (APPS' format), kept for the other
    samples of the same prompt."""
    task_id = "inline-" + hashlib.sha256(tests_json.encode()).hexdigest()[:16]
    row = {"problem_id": task_id, "question": "", "input_output": tests_json}
    return task_id, symtest.load_problems([row], format="apps")


def grade_many(
    completions: list[str],
    truths: list[Any],
    problems: Optional[str],
    reward: str,
    workers: Optional[int] = None,
) -> list[dict[str, Any]]:
    """Grades each completion against its ground truth (see
    ``read_ground_truth``); one outcome each, in order. Samples of the same
    problem set are graded in one call, in parallel."""
    groups: dict[Optional[str], list[int]] = {}
    read = [read_ground_truth(t) for t in truths]
    for i, (kind, value) in enumerate(read):
        groups.setdefault(str(value) if kind == "tests" else None, []).append(i)
    outcomes: list[Optional[dict[str, Any]]] = [None] * len(completions)
    for tests, members in groups.items():
        if tests is not None:
            task_id, inline = inline_problem(tests)
            samples = [{"task_id": task_id, "completion": completions[i]} for i in members]
            got = shared_grader(None, reward, workers).grade(samples, problems=inline)
        else:
            if not problems:
                raise symtest.ProblemsError(
                    f"the ground truth {read[members[0]][1]!r} is a task id, but no problem "
                    "file is named: give 'problems' (in extra_info or the reward function's "
                    f"settings) or set {PROBLEMS_ENV}"
                )
            samples = [{"task_id": read[i][1], "completion": completions[i]} for i in members]
            got = shared_grader(str(problems), reward, workers).grade(samples)
        for i, outcome in zip(members, got):
            outcome["sample_id"] = str(i)
            outcomes[i] = outcome
    return [o for o in outcomes if o is not None]


def judged(outcome: dict[str, Any]) -> dict[str, Any]:
    """The outcome, or a ``GraderError`` when the sandbox could not judge it:
    a protocol with a number for every sample must not get a made-up one."""
    if outcome["status"] == "grader_error" or outcome["reward"] is None:
        why = (outcome.get("first_failure") or {}).get("error") or "no verdict"
        raise symtest.GraderError(
            f"the sandbox could not judge {outcome['task_id']} sample {outcome['sample_id']}: {why}"
        )
    return outcome
