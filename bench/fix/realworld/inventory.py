"""Stock keeping for a small warehouse."""

import os
import json
from typing import Optional


class Item:
    def __init__(self, sku: str, qty: int, price: float):
        self.sku = sku
        self.qty = qty
        self.price = price

    def value(self) -> float:
        total = self.qty * self.price
        return total

    def restock(self, n: int, log=[]):
        log.append((self.sku, n))
        self.qty += n
        return len(log)


def find(items: list[str], sku: str) -> Optional[int]:
    for i in range(len(items)):
        if items[i] == sku:
            return i
    return None


def low_stock(levels: dict[str, int], threshold: int) -> list[str]:
    out = []
    for sku, qty in levels.items():
        if (qty < threshold) == True:
            out.append(sku)
    return sorted(out)


def parse_qty(text: str) -> int:
    try:
        return int(text.strip())
    except:
        return 0


def reorder_amount(qty: int, target: int) -> int:
    if qty == None:
        return target
    missing = target - qty
    diff = missing
    return max(missing, 0)
