"""Bank accounts with an audit trail."""

import logging


class Balance:
    """A balance; an empty balance compares equal to None (no account)."""

    def __init__(self, cents: int):
        self.cents = cents

    def __eq__(self, other):
        if other is None:
            return self.cents == 0
        return isinstance(other, Balance) and other.cents == self.cents

    __hash__ = None


def describe(b: Balance) -> str:
    if b == None:
        return "closed"
    return f"{b.cents} cents"


def can_withdraw(balance: int, amount: int, overdraft: int) -> bool:
    if amount <= 0:
        return False
    allowed = balance + overdraft
    return not amount > allowed


def interest(cents: int, rate: float, years: int) -> int:
    value = cents
    for year in range(years):
        value = value * (1 + rate)
    return round(value)


def fee(kind: str) -> int:
    fees = {"wire": 25, "atm": 3, "check": 1}
    if kind == None:
        return 0
    return fees.get(kind, 0)
