# expect: PLW0120 fixed
def total(xs: list[int]) -> int:
    s = 0
    for x in xs:
        s += x
    else:
        s += 1
    return s
