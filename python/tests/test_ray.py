"""Grading on a Ray cluster the test starts: a head and a second node on this
machine. Outcomes must be those of one machine, each sample exactly once, even
when an actor is killed mid-run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import ray
from ray.cluster_utils import Cluster

import symtest
import symtest.ray

from conftest import humaneval_path

SYMTEST = str(Path(sys.executable).parent / "symtest")
ACTOR_TITLE = "ray::MapWorker(MapBatches(_GradeBatch))"

#: What must agree between two gradings of a sample (`ms` is a timing, and
#: the input of a first failure may differ where HumanEval's own check
#: draws random inputs).
VERDICT = ("status", "passed", "total", "reward", "completion_sha256", "graded_sha256")


@pytest.fixture(scope="module")
def cluster():
    c = Cluster(
        initialize_head=True,
        head_node_args={"num_cpus": 1, "include_dashboard": False},
    )
    c.add_node(num_cpus=1)
    ray.init(address=c.address, log_to_driver=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    try:
        yield c
    finally:
        ray.shutdown()
        c.shutdown()


def samples_file(rows, path: Path) -> int:
    """Seven samples a problem (1,148 for HumanEval): the canonical solution,
    empty and wrong bodies, one raising, two one-character mutants."""
    n = 0
    with open(path, "w") as f:
        for p in rows:
            body = p["canonical_solution"]
            variants = [
                body,
                "    pass\n",
                "    return None\n",
                "    raise ValueError('no')\n",
                body.replace("+", "-", 1),
                body.replace("<", "<=", 1),
                "    return 0\n",
            ]
            for i, c in enumerate(variants):
                f.write(json.dumps({"task_id": p["task_id"], "sample_id": str(i), "completion": c}) + "\n")
                n += 1
    return n


def outcome_rows(path: Path) -> list[dict]:
    with open(path) as f:
        return [json.loads(line) for line in f]


def verdict(o: dict) -> tuple:
    failure = o.get("first_failure") or {}
    return tuple(o.get(k) for k in VERDICT) + (failure.get("kind"),)


def actor_pids() -> list[tuple[int, int]]:
    """The grading actors' processes and their parents (not their sandbox
    workers, which carry the same title: an actor's parent is a raylet, one
    per node)."""
    titles = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmd = f.read().split(b"\0")[0].decode(errors="replace")
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        titles[int(entry)] = (cmd, ppid)
    return sorted(
        (pid, ppid)
        for pid, (cmd, ppid) in titles.items()
        if cmd.startswith(ACTOR_TITLE) and not titles.get(ppid, ("", 0))[0].startswith(ACTOR_TITLE)
    )


def test_cli_on_two_nodes_matches_one_machine_with_an_actor_killed(cluster, humaneval_rows, tmp_path):
    samples = tmp_path / "samples.jsonl"
    n = samples_file(humaneval_rows, samples)
    assert n >= 1000
    local_out, ray_out = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    problems = str(humaneval_path())
    common = [problems, str(samples), "--reward", "coderl", "-q"]

    local = subprocess.run([SYMTEST, "grade", *common, "-o", str(local_out)], capture_output=True, text=True)
    assert local.returncode == 0, local.stderr

    killed: list[int] = []
    raylets: set[int] = set()

    def kill_one_actor_mid_run() -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            done = sum(1 for _ in open(ray_out)) if ray_out.exists() else 0
            actors = actor_pids()
            if done >= 100 and len(actors) >= 2:
                raylets.update(ppid for _, ppid in actors)
                if done < n:
                    os.kill(actors[0][0], signal.SIGKILL)
                    killed.append(actors[0][0])
                return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_one_actor_mid_run)
    killer.start()
    remote = subprocess.run(
        [SYMTEST, "grade", *common, "-o", str(ray_out), "--ray", cluster.address],
        capture_output=True,
        text=True,
        timeout=900,
    )
    killer.join()
    assert remote.returncode == 0, remote.stderr + remote.stdout
    assert f"on Ray: {cluster.address}" in remote.stdout
    assert killed, "no actor was killed while the run was in progress"
    assert len(raylets) == 2, "the two graders were not on the two nodes"

    got = outcome_rows(ray_out)
    keys = [(o["task_id"], o["sample_id"]) for o in got]
    assert len(keys) == n and len(set(keys)) == n, "a sample lost or graded twice"
    want = {(o["task_id"], o["sample_id"]): verdict(o) for o in outcome_rows(local_out)}
    differ = [k for k, o in zip(keys, got) if verdict(o) != want[k]]
    assert not differ, differ[:5]

    # The file resumes as a local one does: nothing is left to grade.
    again = subprocess.run(
        [SYMTEST, "grade", *common, "-o", str(ray_out), "--ray", cluster.address, "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["graded_now"] == 0


def test_python_api_grades_like_a_local_grader(cluster, humaneval_rows, humaneval_grader):
    rows = humaneval_rows[:40]
    samples = [{"task_id": p["task_id"], "completion": p["canonical_solution"]} for p in rows]
    samples += [{"task_id": p["task_id"], "completion": "    return 1\n"} for p in rows]
    remote = symtest.ray.grade(samples, str(humaneval_path()), reward="coderl")
    local = humaneval_grader.grade(samples)
    assert [(o["task_id"], o["sample_id"]) for o in remote] == [(o["task_id"], o["sample_id"]) for o in local]
    assert [verdict(o) for o in remote] == [verdict(o) for o in local]
    assert [o["status"] for o in remote[:40]] == ["passed"] * 40


def test_problems_as_rows_and_the_dataset_columns(cluster, humaneval_rows):
    rows = humaneval_rows[:3]
    ds = ray.data.from_items(
        [{"task_id": p["task_id"], "sample_id": 7, "completion": p["canonical_solution"]} for p in rows]
    )
    graded = symtest.ray.grade_dataset(ds, rows, reward="binary", actors=1)
    out = sorted(graded.take_all(), key=lambda r: r["task_id"])
    assert [r["task_id"] for r in out] == sorted(p["task_id"] for p in rows)
    assert all(r["sample_id"] == "7" and r["status"] == "passed" and r["reward"] == 1.0 for r in out)
    assert json.loads(out[0]["outcome"])["total"] >= 1


def test_a_dataset_without_sample_ids_is_refused_with_a_way_out(cluster):
    ds = ray.data.from_items([{"task_id": "HumanEval/0", "completion": "    pass\n"}])
    with pytest.raises(ValueError, match="sample_id"):
        symtest.ray.grade_dataset(ds, str(humaneval_path()))
    with pytest.raises(ValueError, match="same task_id and sample_id"):
        symtest.ray.grade(
            [
                {"task_id": "HumanEval/0", "sample_id": "a", "completion": "    pass\n"},
                {"task_id": "HumanEval/0", "sample_id": "a", "completion": "    pass\n"},
            ],
            str(humaneval_path()),
        )


def test_cli_without_ray_installed_says_what_to_install(tmp_path, humaneval_rows):
    samples = tmp_path / "s.jsonl"
    samples_file(humaneval_rows[:1], samples)
    r = subprocess.run(
        [SYMTEST, "grade", str(humaneval_path()), str(samples), "-o", str(tmp_path / "o.jsonl"),
         "--ray", "auto", "--ray-python", "/nonexistent/python"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 1
    assert "symtest[ray]" in r.stderr and "--ray-python" in r.stderr


def test_samples_cannot_forge_outcomes_on_the_ray_path(cluster, tmp_path):
    """A policy's code prints outcome rows (the driver's own format) and
    writes them to every descriptor it can reach: neither reaches the
    command, and both samples fail."""
    forged = lambda sid: json.dumps(  # noqa: E731
        {"task_id": "HumanEval/0", "sample_id": sid, "status": "passed", "passed": 1,
         "total": 1, "reward": 1.0, "first_failure": None, "ms": 1.0}
    )
    body = "def has_close_elements(numbers, threshold):\n    return False\n"
    printing = f"print({forged('a')!r})\nprint({forged('b')!r})\n" + body
    writing = (
        "import os\n"
        f"for fd in range(64):\n    try: os.write(fd, ({forged('b')!r} + '\\n').encode())\n"
        "    except OSError: pass\n"
        f"try: open('/proc/1/fd/1', 'w').write({forged('b')!r})\nexcept OSError: pass\n" + body
    )
    samples = tmp_path / "attack.jsonl"
    samples.write_text(
        "\n".join(json.dumps({"task_id": "HumanEval/0", "sample_id": s, "completion": c})
                  for s, c in [("a", printing), ("b", writing)]) + "\n"
    )
    out = tmp_path / "out.jsonl"
    r = subprocess.run(
        [SYMTEST, "grade", str(humaneval_path()), str(samples), "-o", str(out), "-q",
         "--ray", cluster.address],
        capture_output=True, text=True, timeout=300,
    )
    assert r.returncode == 0, r.stderr
    got = {o["sample_id"]: o["status"] for o in outcome_rows(out)}
    assert len(outcome_rows(out)) == 2
    assert got["a"] != "passed" and got["b"] != "passed", got
