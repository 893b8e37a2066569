"""Writes one benchmark's section of bench/RESULTS.md, between its markers
(`<!-- NAME:start -->` and `<!-- NAME:end -->`), leaving the others as they are."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"


def write_section(name, lines):
    """`lines` is the whole section, markers included."""
    old = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    block = "\n".join(lines)
    pattern = re.compile(rf"<!-- {name}:start -->.*?<!-- {name}:end -->", re.S)
    if pattern.search(old):
        new = pattern.sub(lambda _: block, old)
    else:
        new = old.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(new)
    print(f"wrote {RESULTS.relative_to(ROOT)}")


def md_table(head, rows):
    """A Markdown table, one line a row."""
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + [
        "| " + " | ".join(str(c) for c in r) + " |" for r in rows
    ]


def bullets(heading, items):
    """A list under `heading`, then a blank line; nothing when `items` is empty."""
    if not items:
        return []
    return [heading, "", *(f"- {item}" for item in items), ""]


def report_checked(name, title, intro, head, rows, wrong, write):
    """Prints the count of wrong answers and, when `write`, writes a section
    of a title, the `intro` text, the table of `rows` and that count. Returns
    the exit status: 1 when an answer was wrong."""
    print(f"wrong answers: {wrong}")
    if write:
        write_section(
            name,
            [f"<!-- {name}:start -->", title, "", *intro.strip().splitlines(), ""]
            + md_table(head, rows)
            + ["", f"Wrong answers: **{wrong}**.", "", f"<!-- {name}:end -->"],
        )
    return 1 if wrong else 0
