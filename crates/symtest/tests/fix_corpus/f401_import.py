# expect: F401 fixed
import json


def double(x: int) -> int:
    return 2 * x
