"""A sandbox failure made from outside, as no sample can cause one: the slot
cgroups of a grader's pool are removed under it, so its jobs cannot confine
themselves and every sample it grades gets ``grader_error`` (the same
failure the server's tests use)."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")


def pool_folders(pid: int) -> dict[int, list[Path]]:
    """This process's pool folders in every cgroup hierarchy, by pool number."""
    pattern = re.compile(rf"^symtest-{pid}-(\d+)$")
    found: dict[int, list[Path]] = {}
    if not CGROUP_ROOT.is_dir():
        return found
    for top, dirs, _ in os.walk(CGROUP_ROOT):
        depth = Path(top).relative_to(CGROUP_ROOT).parts
        for d in list(dirs):
            m = pattern.match(d)
            if m:
                found.setdefault(int(m.group(1)), []).append(Path(top) / d)
                dirs.remove(d)
        if len(depth) >= 3:
            dirs.clear()
    return found


def break_newest_pool() -> int:
    """Removes the slot cgroups of this process's newest pool; how many."""
    pools = pool_folders(os.getpid())
    if not pools:
        return 0
    removed = 0
    for folder in pools[max(pools)]:
        for slot in folder.iterdir():
            if not slot.is_dir():
                continue
            for _ in range(100):
                try:
                    slot.rmdir()
                    removed += 1
                    break
                except OSError:
                    time.sleep(0.02)
    return removed
