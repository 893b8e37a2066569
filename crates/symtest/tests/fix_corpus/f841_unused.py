# expect: F841 fixed
def area(w: int, h: int) -> int:
    perimeter = 2 * (w + h)
    return w * h
