# expect: E711 rejected  (Money(0) == None is True; `is None` is not)
class Money:
    def __init__(self, cents: int):
        self.cents = cents

    def __eq__(self, other):
        return other is None and self.cents == 0 or (isinstance(other, Money) and other.cents == self.cents)


def show(m: Money) -> str:
    if m == None:
        return "-"
    return str(m.cents)
