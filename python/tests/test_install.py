"""The wheel installs a working package and command with no environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import symtest


def run_bare(*args: str) -> subprocess.CompletedProcess:
    """Runs with an empty environment: nothing may be needed from it."""
    return subprocess.run(list(args), env={}, capture_output=True, text=True, timeout=120)


def python_bare(code: str) -> str:
    """What this Python prints running `code` with an empty environment (it must succeed)."""
    r = run_bare(sys.executable, "-c", code)
    assert r.returncode == 0, r.stderr
    return r.stdout


def readelf(*args: str) -> str:
    """`readelf ARGS` of the installed extension (the test is skipped without readelf)."""
    ext = next(Path(symtest.__file__).parent.glob("_symtest*.so"))
    r = subprocess.run(["readelf", *args, str(ext)], capture_output=True, text=True)
    if r.returncode != 0:
        import pytest

        pytest.skip("readelf is not installed")
    return r.stdout


def test_import_needs_no_environment_and_loads_the_wheels_libz3():
    code = (
        "import symtest, sys\n"
        "maps = [l.split()[-1] for l in open('/proc/self/maps') if 'libz3' in l]\n"
        "print(symtest.__version__)\n"
        "print(sorted(set(maps)))\n"
    )
    version, maps = python_bare(code).splitlines()
    assert version == symtest.__version__
    site = str(Path(symtest.__file__).resolve().parents[1])
    # Exactly one libz3, the z3-solver wheel's in this environment.
    assert maps.startswith("['" + site + "/z3/lib/libz3.so"), (maps, site)
    assert maps.count("libz3") == 1, maps


def test_the_extension_finds_libz3_beside_the_package():
    ext = next(Path(symtest.__file__).parent.glob("_symtest*.so"))
    dynamic = readelf("-d")
    assert "$ORIGIN/../z3/lib" in dynamic, dynamic
    needed = [l.split("[")[1].rstrip("]") for l in dynamic.splitlines() if "(NEEDED)" in l]
    z3 = [n for n in needed if n.startswith("libz3")]
    assert z3, needed
    assert (ext.parent.parent / "z3" / "lib" / z3[0]).exists() or (
        ext.parent.parent / "z3" / "lib" / "libz3.so"
    ).exists()


def test_the_extension_looks_for_libraries_only_beside_the_package():
    """No build machine's folder in the search path (where a library could be
    planted), and no glibc newer than the wheel's tag promises."""
    dynamic = readelf("-d", "--dyn-syms", "-W")
    paths = [l.split("[", 1)[1].rstrip("]") for l in dynamic.splitlines() if "(RUNPATH)" in l or "(RPATH)" in l]
    assert paths == ["$ORIGIN/../z3/lib"], paths
    import re

    versions = {tuple(int(x) for x in v.split(".")) for v in re.findall(r"GLIBC_([0-9.]+)", dynamic)}
    wheel_tags = list(Path(symtest.__file__).parent.parent.glob("symtest-*.dist-info/WHEEL"))
    assert wheel_tags, "the wheel's metadata is missing"
    tag = re.search(r"manylinux_(\d+)_(\d+)_x86_64", wheel_tags[0].read_text())
    assert tag, wheel_tags[0].read_text()
    assert max(versions) <= (int(tag.group(1)), int(tag.group(2))), (max(versions), tag.group(0))


def test_the_command_runs_with_no_environment():
    exe = Path(sys.executable).parent / "symtest"
    r = run_bare(str(exe), "--help")
    assert r.returncode == 0, r.stderr
    assert "Usage: symtest <COMMAND>" in r.stdout
    r = run_bare(str(exe), "explore", "if (a < 3) if (a > 4) return 1;")
    assert r.returncode == 0, r.stderr
    assert "#SAT: 2" in r.stdout and "#UNSAT: 1" in r.stdout
    # A usage error is the command's status 2, not a Python traceback.
    r = run_bare(str(exe), "no-such-command")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr


def test_run_cli_returns_the_status():
    assert symtest._symtest.run_cli(["symtest", "--version"]) == 0
    assert symtest._symtest.run_cli(["symtest", "explore"]) == 2
    assert symtest._symtest.run_cli(["symtest", "explore", "-f", "/no/such/file.c"]) == 1
    assert os.path.basename(symtest.__file__) == "__init__.py"


def test_grading_needs_no_environment_either():
    code = (
        "import symtest\n"
        "row = {'task_id': 1, 'text': 'add', 'code': 'def add(a, b):\\n    return a + b\\n',\n"
        "       'test_list': ['assert add(1, 2) == 3']}\n"
        "with symtest.Grader([row], workers=1) as g:\n"
        "    print(g.grade({'task_id': 1, 'completion': 'def add(a, b):\\n    return a + b\\n'})[0]['status'])\n"
    )
    assert python_bare(code).split() == ["passed"]
