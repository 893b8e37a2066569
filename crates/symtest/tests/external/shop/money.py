# Helpers the explored module imports relatively. The interpreter does not
# run `with` or classes; CPython does, when asked.
import contextlib


class Till:
    def __init__(self, start):
        self.total = start

    def add(self, amount):
        self.total += amount
        return self.total


def cents(amount):
    with contextlib.suppress(ZeroDivisionError):
        return f"{amount // 100}.{amount % 100:02d}"
    return "?"


RATE = 3
