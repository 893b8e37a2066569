# Functions whose results depend on the corners of Python's semantics; the
# fidelity test runs each on random inputs in symtest and in CPython.
from typing import List, Dict, Optional, Tuple


def floor_ops(a: int, b: int):
    if b == 0:
        return None
    return a // b, a % b, divmod(a, b), -a // b


def true_div(a: int, b: int):
    return a / b


def mixing(a: int, x: float):
    y = a * x + a // 3
    return y, round(x), int(x), x // 1, x % 2, abs(x) > a


def chained(a: int, b: int, c: int):
    return a < b < c, a == b != c, a <= b >= c, not a < b


def truthy(xs: List[int], s: str, d: Dict[str, int]):
    out = []
    for v in (xs, s, d, 0, 0.0, None, [0], ""):
        out.append(bool(v))
    return out, xs or s, s and d, xs and s or len(d)


def short_circuit(xs: List[int], i: int):
    return i < len(xs) and xs[i] > 0, i >= 0 and i < len(xs) and xs[i] == 3


def str_order(a: str, b: str):
    return a < b, a <= b, max(a, b), sorted([a, b, a + b]), a in b, b.find(a)


def slicing(xs: List[int], i: int, j: int):
    return xs[i:j], xs[::-1], xs[i:], xs[:j:2], xs[-1:] if xs else None


def str_slicing(s: str, i: int):
    return s[i:], s[:i], s[::-1], s[::2], s[-i:]


def indexing(xs: List[int], i: int):
    try:
        return xs[i]
    except IndexError:
        return "out of range"


def exceptions(a: int):
    try:
        if a < 0:
            raise ValueError("negative")
        r = 10 // a
    except ZeroDivisionError as e:
        return "zero: " + str(e)
    except ValueError as e:
        return "value: " + str(e)
    else:
        return r
    finally:
        a += 1


def strings(s: str):
    return (
        s.upper(),
        s.lower(),
        s.strip(),
        s.split(),
        s.split("a"),
        s.replace("a", "xy"),
        s.isdigit(),
        s.isalpha(),
        s.count("a"),
        s.startswith("ab"),
        s.title(),
        s.swapcase(),
        s.capitalize(),
        "-".join(s),
        s.zfill(5),
    )


def char_codes(s: str):
    total = 0
    for c in s:
        if "a" <= c <= "z":
            total += ord(c) - ord("a")
        elif c.isupper():
            total -= ord(c)
        else:
            total += 1
    return total, [chr(ord(c) + 1) for c in s if c != "~"]


def lists(xs: List[int]):
    ys = sorted(xs)
    zs = sorted(xs, key=lambda v: (-abs(v), v), reverse=True)
    return ys, zs, sum(xs), min(xs) if xs else None, xs.count(0), list(reversed(xs)), xs * 2


def list_mutation(xs: List[int], v: int):
    ys = list(xs)
    ys.append(v)
    ys.insert(1, v * 2)
    if v in ys:
        ys.remove(v)
    ys.extend([1, 2])
    p = ys.pop() if ys else None
    ys.sort()
    return ys, p, ys.index(1) if 1 in ys else -1


def dicts(d: Dict[str, int], k: str):
    e = dict(d)
    e[k] = e.get(k, 0) + 1
    keys = sorted(e)
    return e, keys, list(e.values()), k in d, e.pop(k, None), len(e)


def counting(s: str):
    counts = {}
    for c in s:
        counts[c] = counts.get(c, 0) + 1
    best = max(counts.items(), key=lambda kv: (kv[1], kv[0])) if counts else None
    return counts, best


def comprehensions(xs: List[int]):
    evens = [x for x in xs if x % 2 == 0]
    pairs = [(a, b) for a in xs for b in xs if a < b]
    sq = {x: x * x for x in xs}
    return evens, pairs, sq, sum(x for x in xs if x > 0), any(x > 3 for x in xs), all(xs)


def nested_helper(n: int):
    def fact(k):
        return 1 if k <= 1 else k * fact(k - 1)

    def is_prime(k):
        if k < 2:
            return False
        for d in range(2, int(k**0.5) + 1):
            if k % d == 0:
                return False
        return True

    m = abs(n) % 15
    return fact(m), [p for p in range(m + 10) if is_prime(p)]


def big_ints(a: int):
    return a**5, 2 ** (abs(a) % 80), (a**3) // 7, pow(a, 3, 11) if a else 0


def formatting(a: int, x: float, s: str):
    return (
        str(a),
        repr(x),
        str(x),
        f"{a:05d}|{x:.2f}|{s!r}|{s:>6}",
        "%d-%s" % (a, s),
        "{}:{}".format(s, a),
        bin(a),
        hex(a),
    )


def tuples(t: Tuple[int, str], u: Tuple[int, str]):
    return t < u, t + u, t[0] * 2, sorted([t, u]), max(t, u)


def optional(x: Optional[int]):
    if x is None:
        return "none"
    return x * 2


def while_loop(n: int):
    n = abs(n) % 1000
    steps = 0
    while n != 1 and n > 0:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


def set_ops(xs: List[int], ys: List[int]):
    a, b = set(xs), set(ys)
    return sorted(a | b), sorted(a & b), sorted(a - b), len(a ^ b), a <= b


def enumerate_zip(xs: List[int], s: str):
    out = []
    for i, (x, c) in enumerate(zip(xs, s)):
        out.append((i, x, c))
    return out, list(map(lambda v: v + 1, xs)), list(filter(None, xs))


def float_math(x: float, y: float):
    import math

    return math.floor(x), math.ceil(y), math.sqrt(abs(x)), x == y, x < y, math.isclose(x, y)


def string_build(n: int, s: str):
    n = abs(n) % 6
    out = ""
    for i in range(n):
        out += s[i % len(s)] if s else str(i)
    return out, out.center(9, "*"), out.ljust(4, "."), out[::-1] == out


def int_conversions(s: str):
    try:
        return int(s)
    except ValueError:
        return "bad"


def bool_arith(a: bool, b: bool, n: int):
    return a + b, a * n, a and n, b or n, sum([a, b, True]), a == 1, -a, ~n


def member_tables(xs: List[int], s: str):
    from collections import Counter, deque, defaultdict

    d = deque(xs)
    c = Counter(s)
    out = [
        hasattr(xs, "popleft"),
        hasattr(d, "popleft"),
        hasattr(d, "sort"),
        hasattr({}, "most_common"),
        hasattr(c, "most_common"),
        hasattr(c, "get"),
        hasattr(defaultdict(int), "most_common"),
        hasattr(frozenset(xs), "add"),
        hasattr(set(xs), "add"),
        hasattr(s, "upper"),
        hasattr(len(xs), "bit_length"),
    ]
    if d:
        d.rotate(1)
        out.append(d.popleft())
    out.append(c.most_common(1))
    return out


def list_popleft(xs: List[int]):
    return xs.popleft()


def deque_sort(xs: List[int]):
    from collections import deque

    d = deque(xs)
    d.sort()
    return list(d)


def frozenset_add(xs: List[int], v: int):
    f = frozenset(xs)
    f.add(v)
    return f


def set_order(xs: List[int], ys: List[int]):
    # Iteration order of sets of ints is CPython's hash-table order.
    a, b = set(xs), set(ys)
    c = set(x * 8 for x in xs + ys)
    return (
        list(a | b), list(a & b), list(a - b), list(a ^ b), tuple(b - a),
        list(c), list(c | a), list(a | c), list(c & b), list(c - a), list(c ^ a),
        list(b & c), list(a - c), list(c - b), list(set(c)), list(c.copy()),
    )


def set_order_methods(xs: List[int], ys: List[int], zs: List[int]):
    a, b, c = set(xs), set(ys + zs), set(x * 16 - 3 for x in zs)
    return (
        list(a.union(b, zs, c)),
        list(a.intersection(b, ys)),
        list(b.intersection(xs)),
        list(c.intersection()),
        list(a.difference(ys, c)),
        list(b.difference(xs)),
        list(b.symmetric_difference(xs)),
        list(frozenset(ys) | a),
        list(frozenset(zs + xs)),
        list(frozenset(zs).union(xs, ys)),
        list({x for x in xs + ys}),
        list(set(dict.fromkeys(ys + xs))),
        [True in a, list({True, 2} & {1, 5}), list({1, 5} & {True, 2})],
    )


def set_order_updates(xs: List[int], ys: List[int], n: int):
    a = set(xs)
    alias = a
    out = []
    for y in ys:
        a.add(y * 8)
        a.discard(y)
        out.append(list(a))
    if a:
        out.append(a.pop())
    a |= set(ys)
    out.append(list(a))
    a &= set(xs + ys)
    out.append(list(a))
    a -= set(ys[:2])
    out.append(list(a))
    a ^= {n, n + 8, 1, 2}
    out.append(list(alias))
    b = set(range(n % 30))
    b.difference_update(range(0, n % 30, 3))
    out.append(list(b))
    b.update(x * 32 for x in xs)
    b.intersection_update(range(-5, 40))
    b.symmetric_difference_update(ys)
    out.append(list(b))
    added = False
    while b:
        out.append(b.pop())
        if len(b) == 3 and not added:
            b.add(n)
            added = True
    return out


def set_display_order(a: int, b: int):
    return (
        list({32, 16, 0, 1, 48}),
        list({a, a + 16, a + 32, 0, 1}),
        list({-1, -2, 5, 100, 33, 8}),
        list({b * 8, 3, b}),
    )


def unbound_methods(xs: List[str], ys: List[List[int]], k: int):
    # Methods read from the type: `str.upper`, `set.intersection` ...
    out = list(map(str.upper, xs))
    acc = []
    for x in xs:
        list.append(acc, str.strip(x))
    d = dict.fromkeys(xs, k)
    common = list(set.intersection(*map(set, ys))) if ys else None
    try:
        bad = str.upper(k)
    except TypeError:
        bad = "TypeError"
    try:
        bad2 = set.union(frozenset(xs))
    except TypeError:
        bad2 = "TypeError"
    return (
        out, acc, d, dict.get(d, "a", -1), common, bad, bad2,
        sorted(xs, key=str.lower), hasattr(str, "upper"), hasattr(list, "nope"),
        int.bit_length(k), len(frozenset.union(frozenset(xs), *ys)),
        list(map(tuple.count, [(1, 2, 1)], [1])), dict.fromkeys(range(k % 5)),
    )


def regex_compiled(s: str, t: str):
    import re

    r = re.compile(r"[a-z]+(\d)?")
    m = r.search(s)
    rc = re.compile("A", re.I)
    dnum = re.compile(r"""^[0-9]+(\.[0-9]{1,2})?$""")
    first = None
    for x in re.finditer("z", s + t):
        first = (x.group(), x.start(), x.end())
        break
    return (
        r.findall(s),
        [(x.group(), x.start(), x.end(), x.span(), x.groups()) for x in r.finditer(s)],
        [x.span() for x in re.finditer("a|Z", s + t)],
        m.group() if m else None,
        r.match(s) is not None,
        r.fullmatch(s) is not None,
        r.sub("-", s),
        r.split(t, 1),
        r.pattern,
        r.flags,
        rc.findall(s + t),
        rc.flags,
        re.findall("a.", s, flags=re.IGNORECASE),
        re.search("^a", t, re.M) is not None,
        dnum.search(s + t) is not None,
        repr(rc),
        first,
        re.compile(r) is r,
    )


def set_order_tuples(xs: List[int], ys: List[float]):
    # Floats and tuples of ints have fixed hashes too.
    pairs = set((x, x % 3) for x in xs)
    return (
        list(pairs),
        list(set(ys)),
        list(set(xs) | set(ys)),
        list({(x, -x) for x in xs} & {(y, -y) for y in xs[::-1]}),
        list(set((x / 4, (x, 1.5)) for x in xs)),
    )


def set_display_iteration(a: int):
    # A set display of constants iterated by `for` is a frozenset constant.
    out = [x for x in {7, 15}]
    for x in {36, 106, 18, 21, -33, 110, 93}:
        out.append(x)
    out.append([y for _ in [0] for y in {a, 15, 7}])
    out.append(list({7, 15}))
    return out


def sorted_sets(xs: List[int], ws: List[str]):
    # Sorting a set does not depend on its iteration order.
    s = set(xs)
    return sorted(s), sorted(s, reverse=True), sorted(set(ws)), sorted({True, 0, 2} | s)


def set_order_big(xs: List[int]):
    # Big ints and frozensets hash as CPython's do.
    s = {x * 2**70 + x for x in xs} | {frozenset(xs[:2]), frozenset(xs[1:3])}
    return [x if isinstance(x, int) else sorted(x) for x in s]
