#!/usr/bin/env python3
"""Fails when a Rust source file is longer than the house limit.

    scripts/check_file_lengths.py [--max N] [DIR ...]   (default: --max 800 crates)

Every `*.rs` file below the folders given is counted (lines, as `wc -l`); one
over the limit is printed with its length and the exit status is 1. A long
file is a sign of a module doing two things: split it where it divides.
Exit status 0 when none is over, 2 on a usage error.
"""

import os
import sys


def main(argv):
    limit = 800
    dirs = []
    it = iter(argv)
    for a in it:
        if a == "--max":
            try:
                limit = int(next(it))
            except (StopIteration, ValueError):
                print("--max takes a number of lines", file=sys.stderr)
                return 2
        elif a.startswith("-"):
            print(__doc__.strip(), file=sys.stderr)
            return 2
        else:
            dirs.append(a)
    over = []
    for d in dirs or ["crates"]:
        if not os.path.isdir(d):
            print(f"{d}: not a folder", file=sys.stderr)
            return 2
        for root, subdirs, files in os.walk(d):
            subdirs[:] = sorted(s for s in subdirs if s != "target")
            for f in sorted(files):
                if f.endswith(".rs"):
                    path = os.path.join(root, f)
                    with open(path, encoding="utf-8", errors="replace") as fh:
                        n = sum(1 for _ in fh)
                    if n > limit:
                        over.append((path, n))
    for path, n in over:
        print(f"{path}: {n} lines (at most {limit})")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
