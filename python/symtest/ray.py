"""Grading across a Ray cluster: one grader per node, each sample exactly once.

Needs Ray Data (``pip install 'symtest[ray]'``)::

    import ray, symtest.ray

    ray.init()                                  # or ray.init(address="auto")
    samples = ray.data.read_json("samples.jsonl")   # task_id, sample_id, completion
    outcomes = symtest.ray.grade_dataset(samples, "HumanEval.jsonl.gz")
    outcomes.write_json("outcomes/")            # or iterate, filter, ...

Each node runs one actor holding a :class:`symtest.Grader` (its sandbox
workers stay warm and use the node's cores); batches of samples go to the
actors through ``map_batches``. The problem file is read once, by the driver,
and shipped to the actors: nodes need no shared file system. When an actor
dies, Ray starts it again and grades its batch again; a batch's outcomes are
emitted only when the whole batch is done, so each sample has one outcome.

The rows of the returned dataset are ``task_id``, ``sample_id``, ``status``,
``reward`` (None for a grader error) and ``outcome``: the whole outcome row
``symtest grade`` writes, as JSON text (its shape varies from sample to sample,
which a columnar format would not keep).

``symtest grade PROBLEMS SAMPLES -o OUT --ray auto|ADDRESS`` runs this from the
command line (through ``python -m symtest.ray``, below), with the same outcome
file, resuming and summary as a local run.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Optional

import symtest

try:
    import ray
    import ray.data
except ImportError as e:  # pragma: no cover - what a missing extra says
    raise ImportError(
        f"symtest.ray needs Ray Data ({e}); install it with: pip install 'symtest[ray]'"
    ) from e

__all__ = ["grade", "grade_dataset", "node_count"]

#: Columns of the datasets ``grade_dataset`` returns.
OUTCOME_COLUMNS = ("task_id", "sample_id", "status", "reward", "outcome")

#: Ray's CPU accounting for an actor (see grade_dataset).
ACTOR_CPUS = 0.25

#: Samples an actor grades per call (its workers grade them in parallel).
DEFAULT_BATCH = 64


class _ProblemFile:
    """A problem file's bytes and name, read once by the driver."""

    def __init__(self, path: str, format: Optional[str]) -> None:
        with open(path, "rb") as f:
            self.data = f.read()
        # The suffix tells the loader how to read it (.jsonl.gz, .json, ...).
        name = os.path.basename(path)
        self.suffix = name[name.index(".") :] if "." in name else ".jsonl"
        self.format = format

    def load(self) -> symtest.Problems:
        fd, path = tempfile.mkstemp(prefix="symtest-problems-", suffix=self.suffix)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(self.data)
            return symtest.load_problems(path, self.format)
        finally:
            os.unlink(path)


def _text(value: Any) -> str:
    """A sample id as text (ids may be numbers in a dataset)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


class _GradeBatch:
    """The actor: a grader built once, then batches of samples graded."""

    def __init__(self, problems: Any, grader_options: Mapping[str, Any]) -> None:
        if isinstance(problems, _ProblemFile):
            loaded = problems.load()
        else:
            loaded = symtest.load_problems(problems)
        self._grader = symtest.Grader(loaded, **grader_options)

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        rows = batch.to_pylist()
        samples = []
        for i, row in enumerate(rows):
            for key in ("task_id", "sample_id", "completion"):
                if row.get(key) is None:
                    raise ValueError(
                        f"a sample has no {key} (row {i} of a batch: {sorted(row)}); "
                        "samples need task_id, sample_id and completion"
                    )
            samples.append(
                {
                    "task_id": _text(row["task_id"]),
                    "sample_id": _text(row["sample_id"]),
                    "completion": row["completion"],
                }
            )
        outcomes = self._grader.grade(samples)
        return pa.table(
            {
                "task_id": pa.array([o["task_id"] for o in outcomes], pa.string()),
                "sample_id": pa.array([o["sample_id"] for o in outcomes], pa.string()),
                "status": pa.array([o["status"] for o in outcomes], pa.string()),
                "reward": pa.array([o["reward"] for o in outcomes], pa.float64()),
                "outcome": pa.array(
                    [json.dumps(o, separators=(",", ":")) for o in outcomes], pa.string()
                ),
            }
        )


def node_count() -> int:
    """Alive nodes of the cluster this process is connected to."""
    return max(1, sum(1 for n in ray.nodes() if n.get("Alive")))


def grade_dataset(
    samples: "ray.data.Dataset",
    problems: Any,
    *,
    format: Optional[str] = None,
    actors: Optional[int] = None,
    batch_size: int = DEFAULT_BATCH,
    **grader_options: Any,
) -> "ray.data.Dataset":
    """Grades a Ray Dataset of samples on the cluster; lazy, like any dataset.

    Args:
        samples: rows with ``task_id``, ``sample_id`` (unique within a task:
            it is what makes a sample's outcome findable) and ``completion``.
        problems: a problem file path (read here, shipped to the actors), or
            rows / ``Problems`` as :func:`symtest.load_problems` takes
            (pickled to the actors).
        format: the problem file's format (detected by default).
        actors: graders at once; one per alive node by default. Actors are
            spread over the nodes.
        batch_size: samples an actor grades per call.
        **grader_options: :class:`symtest.Grader`'s options (``reward``,
            ``workers``, ``timeout_factor``, ...); ``workers`` defaults to
            the cores of the actor's node.

    Returns:
        A dataset of ``task_id``, ``sample_id``, ``status``, ``reward`` and
        ``outcome`` (the outcome row as JSON text).

    Raises:
        ValueError: the dataset lacks a column samples need.
    """
    missing = [c for c in ("task_id", "sample_id", "completion") if c not in samples.columns()]
    if missing:
        raise ValueError(
            f"the samples dataset has no {', '.join(missing)} column; add sample ids "
            "(unique within a task), e.g. with grade() on a list, which numbers them"
        )
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    if isinstance(problems, (str, os.PathLike)):
        shipped: Any = _ProblemFile(os.fspath(problems), format)
    else:
        shipped = _rows_of(problems)
    n = actors if actors is not None else node_count()
    if n < 1:
        raise ValueError(f"actors must be at least 1, got {n}")
    # The actors take the columns they need (a projection before them would
    # be one more operator competing for the CPUs of small clusters).
    return samples.map_batches(
        _GradeBatch,
        fn_constructor_kwargs={"problems": shipped, "grader_options": dict(grader_options)},
        batch_size=batch_size,
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=n),
        # A share of a CPU only: the grading runs in the sandbox's own
        # processes, and the tasks feeding the actors need CPUs of their own
        # (whole-CPU actors on small nodes would starve them: a deadlock).
        num_cpus=ACTOR_CPUS,
        # Ray Data spreads actors over the nodes by default (its scheduling
        # strategy is SPREAD): one grader per node.
    )


def _rows_of(problems: Any) -> Any:
    """Problems as something picklable: rows stay rows."""
    if isinstance(problems, symtest.Problems):
        raise TypeError(
            "grade_dataset needs the problem file's path or its rows (a loaded "
            "Problems cannot be sent to other machines)"
        )
    if isinstance(problems, Mapping):
        return [dict(problems)]
    return [dict(r) for r in problems]


def _numbered(samples: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Samples with ``sample_id`` filled in as ``Grader.grade`` does: a
    sample's position among its task's samples."""
    seen: dict[str, int] = {}
    out = []
    for s in samples:
        row = dict(s)
        task = _text(row.get("task_id"))
        index = seen.get(task, 0)
        seen[task] = index + 1
        if row.get("sample_id") is None:
            row["sample_id"] = str(index)
        row["sample_id"] = _text(row["sample_id"])
        row["task_id"] = task
        out.append(row)
    return out


def grade(
    samples: Iterable[Mapping[str, Any]],
    problems: Any,
    **options: Any,
) -> list[dict[str, Any]]:
    """Grades samples on the cluster (``ray.init`` first); one outcome per
    sample, in the samples' order, as :meth:`symtest.Grader.grade` returns.

    Samples without ``sample_id`` are numbered per task, as ``Grader.grade``
    numbers them. Options are :func:`grade_dataset`'s.
    """
    rows = _numbered(symtest._rows(samples, "samples"))
    if not rows:
        return []
    keys = [(r["task_id"], r["sample_id"]) for r in rows]
    if len(set(keys)) != len(keys):
        raise ValueError("two samples have the same task_id and sample_id")
    ds = ray.data.from_items(
        [{"task_id": r["task_id"], "sample_id": r["sample_id"], "completion": r.get("completion")} for r in rows]
    )
    by_key = {}
    for o in _outcomes(grade_dataset(ds, problems, **options)):
        by_key[(o["task_id"], o["sample_id"])] = o
    missing = [k for k in keys if k not in by_key]
    if missing:
        raise symtest.GraderError(f"{len(missing)} samples got no outcome from the cluster (first: {missing[0]})")
    return [by_key[k] for k in keys]


def _outcomes(ds: "ray.data.Dataset") -> Iterator[dict[str, Any]]:
    for batch in ds.iter_batches(batch_format="pyarrow", batch_size=None):
        for text in batch.column("outcome").to_pylist():
            yield json.loads(text)


# --- the driver `symtest grade --ray` starts ------------------------------------


def _drive(argv: list[str]) -> int:
    """``python -m symtest.ray PROBLEMS ADDRESS`` with a JSON header line and
    samples on standard input; outcome rows on standard output, one a line.

    The header holds ``format``, ``grader`` (Grader options), ``actors`` and
    ``batch_size``. Standard output carries nothing else (Ray's own messages
    go to standard error).
    """
    if len(argv) != 2:
        print("usage: python -m symtest.ray PROBLEMS ADDRESS < header+samples", file=sys.stderr)
        return 2
    problems, address = argv
    header = json.loads(sys.stdin.readline())
    rows = [json.loads(line) for line in sys.stdin if line.strip()]
    # Outcomes go to a copy of standard output; whatever else writes to
    # file descriptor 1 (Ray's logging, a library's print) reaches stderr.
    sys.stdout.flush()
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    ray.init(address=None if address == "local" else address, log_to_driver=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    if not rows:
        return 0
    ds = ray.data.from_items(rows)
    graded = grade_dataset(
        ds,
        problems,
        format=header.get("format"),
        actors=header.get("actors"),
        batch_size=header.get("batch_size") or DEFAULT_BATCH,
        **header.get("grader", {}),
    )
    seen = set()
    for o in _outcomes(graded):
        key = (o["task_id"], o["sample_id"])
        if key in seen:
            continue
        seen.add(key)
        out.write(json.dumps(o, separators=(",", ":")) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    # Run the module's own copy (not __main__'s), so what Ray pickles for the
    # actors names `symtest.ray`.
    from symtest.ray import _drive as _run

    sys.exit(_run(sys.argv[1:]))
