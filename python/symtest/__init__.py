"""symtest: path-covering tests by symbolic execution, and a hardened grader.

The grader runs untrusted (model-written) Python in a sandbox and turns each
verdict into a reward; the same grader as the ``symtest grade`` command,
called from Python::

    import symtest

    problems = symtest.load_problems("HumanEval.jsonl.gz")
    with symtest.Grader(problems, reward="coderl") as grader:
        outcomes = grader.grade([{"task_id": "HumanEval/0", "completion": "    return False\\n"}])
    outcomes[0]["status"], outcomes[0]["reward"]      # ('failed', -0.3)

Adapters for RL trainers are in :mod:`symtest.integrations` (TRL, verl,
OpenRLHF). Every error symtest raises is a :class:`SymtestError` carrying
symtest's own message.
"""

from __future__ import annotations

import asyncio
import ctypes
import functools
import importlib.util
import os
import shutil
import sys
import warnings
from collections.abc import Iterable, Mapping
from typing import Any, Optional, Union


def _load_z3() -> None:
    """Loads libz3 from the ``z3-solver`` package before the extension needs it.

    The extension's rpath finds it in a usual installation; loading it here
    by its path (its soname then satisfies the extension's dependency) also
    covers installations laid out otherwise, with no environment variable.
    """
    spec = importlib.util.find_spec("z3")
    if spec is None or not spec.submodule_search_locations:
        return
    for base in spec.submodule_search_locations:
        lib = os.path.join(base, "lib", "libz3.so")
        if os.path.exists(lib):
            ctypes.CDLL(lib, mode=ctypes.RTLD_GLOBAL)
            return


_load_z3()

try:
    from . import _symtest
except ImportError as e:  # pragma: no cover - what a broken installation says
    raise ImportError(
        f"symtest's extension could not be loaded ({e}); it needs libz3 from the "
        "z3-solver package (pip install z3-solver==5.4.1.0)"
    ) from e

from ._symtest import (
    ExploreError,
    GraderError,
    Problems,
    ProblemsError,
    SandboxError,
    SymtestError,
    UnknownTaskError,
    extract_code,
)

__version__: str = _symtest.__version__

__all__ = [
    "ExploreError",
    "Grader",
    "GraderError",
    "Problems",
    "ProblemsError",
    "SandboxError",
    "SymtestError",
    "UnknownTaskError",
    "__version__",
    "explore",
    "extract_code",
    "generate",
    "load_problems",
]

#: What ``load_problems`` and the graders take as problems.
ProblemsLike = Union[Problems, str, "os.PathLike[str]", Mapping[str, Any], Iterable[Mapping[str, Any]]]
#: What ``Grader.grade`` takes as samples.
SamplesLike = Union[Mapping[str, Any], Iterable[Mapping[str, Any]]]


def _rows(data: Any, what: str) -> list[Any]:
    """A row, rows, or a ``datasets.Dataset`` (iterated) as a list of rows."""
    if isinstance(data, Mapping):
        return [data]
    if isinstance(data, (str, bytes)):
        raise TypeError(f"{what} must be rows (dicts), a list of them or a dataset, not a string")
    try:
        return list(data)
    except TypeError:
        raise TypeError(
            f"{what} must be a dict, a list of dicts or a dataset, not {type(data).__name__}"
        ) from None


def load_problems(source: ProblemsLike, format: Optional[str] = None) -> Problems:
    """Loads a problem set: HumanEval, MBPP, APPS or symtest test suites.

    Args:
        source: a path to a problem file (jsonl, jsonl.gz or a JSON array),
            or rows as published (a dict, a list of dicts, or a
            ``datasets.Dataset``), or ``Problems`` already loaded.
        format: ``"humaneval"``, ``"mbpp"``, ``"apps"``, ``"codecontests"``,
            ``"taco"``, ``"verl"`` or ``"suite"``; detected from the rows when None.

    Returns:
        The problems by task id. Rows that could not be used are skipped
        (with a warning) and listed in ``Problems.errors``.

    Raises:
        ProblemsError: the file cannot be read, or holds no usable problem.
    """
    if isinstance(source, Problems):
        return source
    if isinstance(source, (str, os.PathLike)):
        problems = _symtest.load_problems_file(os.fspath(source), format)
    else:
        problems = _symtest.load_problems_rows(_rows(source, "problems"), format)
    if problems.errors:
        more = f" (and {len(problems.errors) - 1} more)" if len(problems.errors) > 1 else ""
        warnings.warn(
            f"{len(problems.errors)} problem rows skipped: {problems.errors[0]}{more}",
            stacklevel=2,
        )
    return problems


def _sandbox_python(given: Optional[str]) -> Optional[str]:
    """The interpreter the sandbox runs: the one given, else ``python3`` on
    PATH (as for the ``symtest`` command), else this one when PATH has none."""
    if given:
        return os.fspath(given)
    if shutil.which("python3", path=os.environ.get("PATH", "")):
        return None
    exe = sys.executable
    return exe if exe and os.path.isfile(exe) else None


def _forward(function: Any, params: dict[str, Any], **converted: Any) -> Any:
    """Calls the extension's ``function`` with a wrapper's arguments.

    The wrappers below take the parameters of the extension function they
    wrap, by the same names: ``params`` is the wrapper's ``locals()`` taken
    before it binds any other name (``self`` is left out), ``converted``
    the arguments it turns into what the extension takes.
    """
    arguments = {name: value for name, value in params.items() if name != "self"}
    return function(**{**arguments, **converted})


class Grader:
    """Grades samples against problems in symtest's sandbox.

    Each sample runs in a fresh child of a warm, isolated CPython worker
    (namespaces, a private read-only root, Landlock, seccomp, a cgroup);
    the dataset's test code runs in a separate trusted process. Time limits
    are measured on each problem's reference solution first (CPU time).

    Use it as a context manager (or call ``close``) to stop the workers.
    ``grade`` releases the GIL while samples run; any number of threads may
    call it at once, sharing the workers.

    Args:
        problems: the problem set (anything ``load_problems`` takes), or
            None to grade only against problems given to ``grade``.
        workers: samples run at once (the number of cores by default).
        reward: ``"coderl"`` (compile error -1, runtime error or timeout
            -0.6, failed -0.3, passed 1), ``"binary"`` or ``"fraction"``.
        timeout_factor: a test may take this many times the reference's time.
        timeout_floor: ...but never less than this many seconds (0.1 s of
            CPU time by default).
        default_timeout: the limit in seconds where there is no reference.
        judge: standard output judged by ``"tokens"`` (a real number within
            ``float_tolerance``), ``"exact"`` or ``"apps"``.
        float_tolerance: see ``judge``.
        rtol: an expected float matches within ``atol + rtol * |expected|``.
        atol: see ``rtol``.
        extract: grade the code of fenced blocks when a completion is not
            valid Python (chat-style answers).
        python: the interpreter samples run in (``python3`` on PATH by
            default, as for ``symtest grade``; this one if PATH has none).
        memory_mb: memory of a sample's processes together (0: no limit).
        output_mb: the largest file (or output) a sample may write.
        sandbox_read: more paths samples may read.
        allow_weaker_isolation: run even where a sandbox mechanism is
            missing (a ``RuntimeWarning`` says which); refused otherwise.

    Raises:
        SandboxError: the sandbox cannot be built here.
        ValueError: an option is out of range.
    """

    def __init__(
        self,
        problems: Optional[ProblemsLike] = None,
        *,
        workers: Optional[int] = None,
        reward: str = "coderl",
        timeout_factor: float = 4.0,
        timeout_floor: Optional[float] = None,
        default_timeout: float = 3.0,
        judge: str = "tokens",
        float_tolerance: float = 1e-6,
        rtol: float = 1e-7,
        atol: float = 1e-9,
        extract: bool = True,
        python: Optional[str] = None,
        memory_mb: int = 2048,
        output_mb: int = 16,
        sandbox_read: Iterable[str] = (),
        allow_weaker_isolation: bool = False,
    ) -> None:
        self._inner = _forward(
            _symtest.Grader,
            locals(),
            problems=load_problems(problems) if problems is not None else None,
            python=_sandbox_python(python),
            sandbox_read=[os.fspath(p) for p in sandbox_read],
        )

    def grade(
        self, samples: SamplesLike, problems: Optional[ProblemsLike] = None
    ) -> list[dict[str, Any]]:
        """Grades samples; one outcome per sample, in order.

        Args:
            samples: a dict, a list of dicts or a ``datasets.Dataset`` with
                ``task_id`` and ``completion`` (and optionally
                ``sample_id``; by default a sample's position among its
                task's samples in this call). A completion continues the
                problem's prompt (HumanEval) or is a whole program; a chat
                answer's fenced code is taken out when it is not valid Python.
            problems: grade against these problems instead of the grader's.

        Returns:
            The rows ``symtest grade`` writes: ``task_id``, ``sample_id``,
            ``status`` (``passed``, ``failed``, ``runtime_error``,
            ``compile_error``, ``timeout``, or ``grader_error`` when the
            sandbox itself could not judge the sample), ``passed``,
            ``total``, ``reward`` (None for a grader error: there is no
            verdict), ``first_failure``, ``ms`` and SHA-256 digests.

        Raises:
            UnknownTaskError: a sample names a task not among the problems.
        """
        extra = load_problems(problems) if problems is not None else None
        return self._inner.grade(_rows(samples, "samples"), extra)

    async def grade_async(
        self, samples: SamplesLike, problems: Optional[ProblemsLike] = None
    ) -> list[dict[str, Any]]:
        """``grade`` on a thread of the running loop's executor (the GIL released)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, functools.partial(self.grade, samples, problems))

    @property
    def problems(self) -> Optional[Problems]:
        """The problems the grader was made with."""
        return self._inner.problems

    @property
    def workers(self) -> int:
        """Samples graded at once."""
        return self._inner.workers

    @property
    def reward(self) -> str:
        """The reward kind: coderl, binary or fraction."""
        return self._inner.reward

    @property
    def closed(self) -> bool:
        """Whether ``close`` was called."""
        return self._inner.closed

    def reference_problems(self) -> dict[str, str]:
        """Why references could not set time limits, by task id, for the
        tasks graded so far: those tasks were graded with ``default_timeout``
        (``grade`` also warns, with a ``RuntimeWarning``, the first time)."""
        return self._inner.reference_problems()

    def weaknesses(self) -> list[str]:
        """What is weaker than full isolation on this machine (empty when nothing is)."""
        return self._inner.weaknesses()

    def close(self) -> None:
        """Stops the workers once the calls in progress end; later calls raise."""
        self._inner.close()

    def __enter__(self) -> Grader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def generate(
    problems: ProblemsLike,
    *,
    only: Optional[Iterable[str]] = None,
    timeout: float = 3.0,
    max_runs: int = 400,
    patience: int = 40,
    patience_time: float = 0.5,
    max_boundary: int = 120,
    mutants: int = 64,
    call_timeout: float = 0.5,
    query_timeout: float = 0.5,
    solver: str = "z3",
    keep_raising: bool = False,
    minimise: bool = True,
    types: Optional[str] = None,
    assume: Iterable[str] = (),
    max_tokens: Optional[int] = None,
    external_calls: int = 50,
    workers: Optional[int] = None,
    python: Optional[str] = None,
    memory_mb: int = 2048,
    allow_weaker_isolation: bool = False,
) -> list[dict[str, Any]]:
    """Path-covering test suites for a problem set's reference solutions.

    Each reference is explored symbolically; every path's input, inputs on
    the edges of its comparisons and the dataset's own calls run in CPython
    in the sandbox for the expected outputs; the tests are minimised by set
    cover (``symtest gen``, as a function).

    Args:
        problems: the problem set (anything ``load_problems`` takes).
        only: these task ids only.
        timeout: the exploration budget per problem, in seconds.
        max_runs: runs of the reference in the interpreter, at most.
        patience: runs in a row covering nothing new before it stops (0: never).
        patience_time: seconds without new coverage before it stops (0: never).
        max_boundary: boundary queries per problem (0: no boundary inputs).
        mutants: functions: single-site mutants of the reference (an
            operator swapped, a constant one off, ...) the suite keeps an
            input to tell apart where some candidate does, at most (0: none;
            ``--mutants``); ``stats["mutants"]`` counts them.
        call_timeout: the limit of one call of the reference in CPython.
        query_timeout: the limit of one solver query.
        solver: ``"z3"``, ``"gd"`` or ``"portfolio"``.
        keep_raising: keep inputs on which the reference raises.
        minimise: minimise the generated tests (else keep every distinct input).
        types: parameter types that win over annotations (``"n: int, xs: list[int]"``).
        assume: preconditions the inputs must satisfy (Python expressions).
        max_tokens: whole programs reading stdin: most tokens on a generated
            line and most lines a read to the end finds (6 when not given);
            given, each example grown to rows of that many tokens is
            explored too (``--max-tokens``).
        external_calls: functions: what the interpreter does not model is
            computed in CPython, in the sandbox, with concrete arguments; at
            most this many sandbox jobs a problem (0: such a call stops the run).
        workers: problems (and sandbox jobs) at once.
        python: the interpreter references run in (as for ``Grader``).
        memory_mb: memory of a job's processes together.
        allow_weaker_isolation: run where a sandbox mechanism is missing.

    Returns:
        One row per problem, in task-id order: the TestSuite rows ``symtest
        gen`` writes (``task_id``, ``entry_point``, ``mode``, ``tests``,
        ``stats``, ...), usable as problems again (``load_problems``), or
        ``{"task_id": ..., "error": ...}`` for a problem that could not be done.
    """
    return _forward(
        _symtest.generate,
        locals(),
        problems=load_problems(problems),
        only=list(only) if only is not None else None,
        assume=list(assume),
        python=_sandbox_python(python),
    )


def explore(
    program: str,
    function: Optional[str] = None,
    *,
    solver: str = "z3",
    strategy: str = "dfs",
    reals: bool = False,
    loop_bound: int = 64,
    max_depth: int = 256,
    max_runs: Optional[int] = None,
    max_sat: Optional[int] = None,
    max_unsat: Optional[int] = None,
    patience: Optional[int] = None,
    timeout: Optional[float] = None,
    query_timeout: float = 10.0,
    seed: int = 42,
    prefixes: bool = False,
    names: bool = False,
    types: Optional[str] = None,
    assume: Iterable[str] = (),
) -> dict[str, Any]:
    """Every path of a program, with an input for each (``symtest explore --json``).

    Args:
        program: source in Gymbo's C-like language, or a Python module
            when ``function`` is given.
        function: the Python function to explore.
        solver: ``"z3"`` (exact), ``"gd"`` (gradient descent) or ``"portfolio"``.
        strategy: the search order (``"dfs"``, ``"bfs"``, ``"coverage"``, ``"random"``).
        reals: the C-like program's inputs are Real instead of Int.
        loop_bound: iterations of one ``while`` loop before a path is cut.
        max_depth: branch decisions per path, at most.
        max_runs: runs, at most.
        max_sat: feasible paths, at most.
        max_unsat: infeasible constraints, at most.
        patience: runs in a row covering nothing new before it stops.
        timeout: seconds, at most.
        query_timeout: seconds per solver query.
        seed: the seed of every random choice.
        prefixes: list every feasible prefix, as Gymbo does.
        names: constraints with source names instead of ``var_<n>``.
        types: Python parameter types that win over annotations.
        assume: Python preconditions over the parameters.

    Returns:
        The report: ``inputs``, ``paths`` (constraint, exact input values,
        outcome), ``unsat``, ``unknown``, ``coverage``, ``stats``.

    Raises:
        ExploreError: the program does not parse, the function is unknown, ...
    """
    return _forward(_symtest.explore, locals(), assume=list(assume))


def _main() -> None:
    """The ``symtest`` command (the same as the Rust binary)."""
    import signal

    # The command's own handlers: the first Ctrl-C stops the work and
    # reports what was done, a second ends the process.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    # `grade --ray` drives the cluster from the Python this command runs in.
    if sys.executable:
        os.environ.setdefault("SYMTEST_RAY_PYTHON", sys.executable)
    sys.exit(_symtest.run_cli(["symtest", *sys.argv[1:]]))
