"""Writes problems.jsonl (APPS format) from problems_src.py: each example's
output is what the reference prints when CPython runs it on the example.

    python3 bench/stdin/build.py
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from problems_src import PROBLEMS  # noqa: E402


def run(code, stdin):
    r = subprocess.run(
        [sys.executable, "-c", code], input=stdin, capture_output=True, text=True, timeout=10
    )
    if r.returncode != 0:
        raise SystemExit(f"reference failed on {stdin!r}:\n{r.stderr}")
    return r.stdout


def main():
    ids = set()
    out = []
    for p in PROBLEMS:
        if p["problem_id"] in ids:
            raise SystemExit(f"repeated id {p['problem_id']}")
        ids.add(p["problem_id"])
        outputs = [run(p["solution"], i) for i in p["examples"]]
        out.append(
            {
                "problem_id": p["problem_id"],
                "question": p["question"],
                "solutions": json.dumps([p["solution"]]),
                "input_output": json.dumps({"inputs": p["examples"], "outputs": outputs}),
            }
        )
    path = os.path.join(HERE, "problems.jsonl")
    with open(path, "w") as f:
        for row in out:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(out)} problems written to problems.jsonl")


if __name__ == "__main__":
    main()
