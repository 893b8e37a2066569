import itertools
from collections import deque


def halves(n: int) -> list:
    it = iter([n, n + 1])
    first = list(itertools.islice(it, 1))
    second = list(itertools.islice(it, 1))
    return [first, second]


def compressed(n: int) -> list:
    it = iter([n, n + 1, n + 2])
    first = list(itertools.compress(it, [1]))
    rest = list(it)
    return [first, rest]


def window(n: int) -> list:
    w = deque([0], maxlen=2)
    w.append(n)
    w.append(n + 1)
    return list(w)


def spec(n: int) -> str:
    # A nested field in a format spec: the interpreter's str.format does
    # not read it (a known gap), CPython does.
    if n > 0:
        return "{x:.{d}f}".format(x=1.5, d=2)
    return "neg"
