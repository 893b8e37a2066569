import json
import re

from .money import RATE, Till, cents

# A look-behind: the interpreter's regular expressions do not run it, so
# CPython computes the pattern.
AFTER_A = re.compile(r"(?<=a)b")
LIMIT = len(json.dumps({"a": [1, 2, 3]}))


def price(n: int) -> str:
    if n < 0:
        return "refund " + cents(-n)
    if n > LIMIT * RATE:
        return "big " + cents(n)
    return cents(n)


def tally(a: int, b: int) -> int:
    till = Till(a)
    till.add(b)
    total = till.add(1)
    if total > 10:
        return total * 2
    return total


def tidy(s: str) -> str:
    if len(s) > 3:
        return AFTER_A.sub("-", s)
    return s


def plain(x: int) -> int:
    if x > 2:
        return x - 2
    return 0
