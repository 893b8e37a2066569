"""A small shop module with the kind of findings ruff reports."""

import os
import sys


class Money:
    """An amount of money; a zero amount compares equal to None ("no charge")."""

    def __init__(self, cents: int):
        self.cents = cents

    def __eq__(self, other):
        if other is None:
            return self.cents == 0
        return isinstance(other, Money) and self.cents == other.cents

    __hash__ = None


def describe(m: Money) -> str:
    if m == None:
        return "free"
    return f"{m.cents / 100:.2f} EUR"


def discount(price: int, rate: float) -> int:
    if rate == None:
        return price
    unused = price * 2
    return round(price * (1 - rate))


def in_stock(count: int, reserved: int) -> bool:
    if (count - reserved > 0) == True:
        return True
    return False


def tags(name: str, extra=[]) -> list:
    extra.append(name.lower())
    return extra


def total(items: list[int]) -> int:
    result = 0
    for i in range(len(items)):
        result += items[i]
    return result


def label(code: int) -> str:
    try:
        return ["none", "low", "high"][code]
    except:
        return "unknown"
