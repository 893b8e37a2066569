# expect: PLW0127 skipped
def keep(x: int) -> int:
    x = x
    return x + 1
