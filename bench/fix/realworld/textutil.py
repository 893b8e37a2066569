"""String helpers used across the code base."""

import re
import sys
from collections import Counter


def slug(title: str) -> str:
    words = title.lower().split()
    sep = "-"
    return sep.join(w for w in words if not w in ("a", "an", "the"))


def initials(name: str) -> str:
    parts = name.split()
    result = ""
    for i, p in enumerate(parts):
        result += p[0].upper()
    return result


def is_yes(answer: str) -> bool:
    return answer.strip().lower() is "y"


def truncate(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    else:
        pass
    return text[: max(width - 3, 0)] + "..."


def count_vowels(text: str) -> int:
    vowels = {"a": 1, "e": 1, "i": 1, "o": 1, "u": 1, "a": 1}
    return sum(1 for c in text.lower() if c in vowels)


def most_common(words: list[str]) -> str:
    counts = Counter(words)
    best = counts.most_common(1)
    if best == []:
        return ""
    return best[0][0]
