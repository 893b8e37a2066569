# expect: PLR0133 skipped
def always(x: int) -> int:
    if 1 == 1:
        return x
    return 0
