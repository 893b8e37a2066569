# expect: F403 skipped
from math import *


def hyp(a: float, b: float) -> float:
    return sqrt(a * a + b * b)
