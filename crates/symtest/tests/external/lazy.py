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


def _counted(log):
    for i in range(2):
        log.append(i)
        yield i


def interleaved(n: int) -> list:
    # The interpreter runs generators eagerly (a design limit): the consumer
    # sees the log after every value was made, CPython after each.
    if n > 0:
        log = []
        return [len(log) for _ in _counted(log)]
    return []
