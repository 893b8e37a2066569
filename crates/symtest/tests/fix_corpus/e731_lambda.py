# expect: E731 fixed
def scale(xs: list[int], k: int) -> list[int]:
    f = lambda x: x * k
    return [f(x) for x in xs]
