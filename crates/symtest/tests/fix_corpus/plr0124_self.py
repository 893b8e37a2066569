# expect: PLR0124 skipped
def is_number(x: float) -> bool:
    return x == x
