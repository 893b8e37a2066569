# expect: PIE790 fixed
def sign(x: int) -> int:
    """The sign of x."""
    pass
    if x < 0:
        return -1
    return 1 if x > 0 else 0
