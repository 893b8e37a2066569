"""Plane geometry for the floor planner."""

from math import *


class Rect:
    def __init__(self, w: int, h: int):
        self.w = w
        self.h = h

    def area(self) -> int:
        return self.w * self.h

    def is_square(self) -> bool:
        if (self.w == self.h) == True:
            return True
        return False

    def scale(self, k: int):
        f = lambda v: v * k
        return Rect(f(self.w), f(self.h))


def clamp(v: int, lo: int, hi: int) -> int:
    if lo > hi:
        lo, hi = hi, lo
    return min(max(v, lo), hi)


def manhattan(a: tuple[int, int], b: tuple[int, int]) -> int:
    dx = abs(a[0] - b[0])
    dy = abs(a[1] - b[1])
    unused = dx * dy
    return dx + dy


def total_area(rects: list[tuple[int, int]]) -> int:
    s = 0
    for w, h in rects:
        s += w * h
    else:
        s += 0
    return s
