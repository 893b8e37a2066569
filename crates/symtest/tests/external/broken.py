import json

VALUE = json.loads("not json")


def f(x: int) -> int:
    return x
