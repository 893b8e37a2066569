#!/usr/bin/env python3
"""Differential fuzzer for the HumanEval mutation benchmark.

Tells the mutants that behave differently from the canonical solution on
some valid input (one where the canonical solution returns) from the likely
equivalent ones. Inputs: the dataset's example arguments, mutations of them
(integers nudged, elements dropped, duplicated or swapped, characters
changed) and type-aware random values (the parameter types `symtest gen`
resolved), with the string literals of the solution as a dictionary.

Runs one problem per process: reads a JSON job on stdin
  {"prefix", "canonical", "entry", "types": [str], "examples": [repr],
   "mutants": [{"id", "completion"}], "inputs": N, "seed": S}
and prints {"differ": {mutant id: witness input repr}, "inputs": n}.
"""

import ast
import copy
import json
import math
import random
import signal
import sys

CALL_LIMIT = 0.5  # seconds per call
ANY = ("int", "str", "float", "bool", "None", "list[int]")


class Timeout(Exception):
    pass


def _alarm(_sig, _frame):
    raise Timeout()


def parse_ty(text):
    """A type string as nested tuples: ('list', t), ('union', [..]), 'int'..."""

    def conv(node):
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Constant) and node.value is None:
            return "None"
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return ("union", [conv(node.left), conv(node.right)])
        if isinstance(node, ast.Subscript):
            head = conv(node.value)
            args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            args = [conv(a) for a in args]
            head = {"List": "list", "Dict": "dict", "Tuple": "tuple", "Set": "set"}.get(head, head)
            if head == "Optional":
                return ("union", [args[0], "None"])
            if head == "Union":
                return ("union", args)
            return (head, args)
        if isinstance(node, ast.Constant) and node.value is Ellipsis:
            return "..."
        return "Any"

    return conv(ast.parse(text, mode="eval").body)


class Gen:
    def __init__(self, rnd, words, chars):
        self.rnd = rnd
        self.words = words
        self.chars = chars

    def int_(self):
        r = self.rnd.random()
        if r < 0.3:
            return self.rnd.randint(-3, 10)
        if r < 0.7:
            return self.rnd.randint(-100, 100)
        if r < 0.9:
            return self.rnd.randint(-10_000, 10_000)
        return self.rnd.choice([0, 1, -1, 2, 10, 100, 1000])

    def str_(self):
        r = self.rnd.random()
        if self.words and r < 0.35:
            return " ".join(self.rnd.choice(self.words) for _ in range(self.rnd.randint(0, 5)))
        pool = self.chars if self.chars and r < 0.7 else "abcdeABCDE xyz019.,!?()[]-_'\""
        return "".join(self.rnd.choice(pool) for _ in range(self.rnd.randint(0, 10)))

    def value(self, ty, depth=0):
        rnd = self.rnd
        if ty in ("int",):
            return self.int_()
        if ty == "float":
            return rnd.choice([float(self.int_()), round(rnd.uniform(-100, 100), rnd.randint(0, 3))])
        if ty == "bool":
            return rnd.random() < 0.5
        if ty == "str":
            return self.str_()
        if ty == "None":
            return None
        if ty == "Any" or depth > 3:
            return self.value(parse_ty(rnd.choice(ANY)), depth + 1)
        if isinstance(ty, tuple):
            head, args = ty
            n = rnd.randint(0, 8)
            if head == "union":
                return self.value(rnd.choice(args), depth)
            if head == "list":
                return [self.value(args[0], depth + 1) for _ in range(n)]
            if head == "set":
                return {self.value(args[0], depth + 1) for _ in range(n)}
            if head == "tuple":
                if len(args) == 2 and args[1] == "...":
                    return tuple(self.value(args[0], depth + 1) for _ in range(n))
                return tuple(self.value(a, depth + 1) for a in args)
            if head == "dict":
                return {self.value(args[0], depth + 1): self.value(args[1], depth + 1) for _ in range(n)}
        return self.int_()

    def mutate(self, v):
        """A small change of a value, keeping its type."""
        rnd = self.rnd
        if isinstance(v, bool):
            return not v
        if isinstance(v, int):
            return v + rnd.choice([-2, -1, 1, 2, -v, v])
        if isinstance(v, float):
            return rnd.choice([v + 1, v - 1, v / 2, -v, v + 0.5])
        if isinstance(v, str):
            if not v or rnd.random() < 0.3:
                return v + rnd.choice(self.chars or "a")
            i = rnd.randrange(len(v))
            op = rnd.random()
            if op < 0.3:
                return v[:i] + v[i + 1:]
            if op < 0.6:
                return v[:i] + rnd.choice(self.chars or "ab") + v[i + 1:]
            return v[:i] + v[i] + v[i:]
        if isinstance(v, list):
            v = list(v)
            if not v:
                return v
            i = rnd.randrange(len(v))
            op = rnd.random()
            if op < 0.25:
                del v[i]
            elif op < 0.5:
                v.insert(i, v[i])
            elif op < 0.75:
                j = rnd.randrange(len(v))
                v[i], v[j] = v[j], v[i]
            else:
                v[i] = self.mutate(v[i])
            return v
        if isinstance(v, tuple):
            return tuple(self.mutate(list(v)))
        if isinstance(v, dict) and v:
            k = rnd.choice(list(v))
            v = dict(v)
            v[k] = self.mutate(v[k])
            return v
        return v


def load(source, entry):
    ns = {}
    exec(compile(source, "<solution>", "exec"), ns)
    return ns[entry]


def outcome(fn, args):
    """('ok', value) | ('raise', type name) | ('timeout', None)."""
    args = copy.deepcopy(args)
    signal.setitimer(signal.ITIMER_REAL, CALL_LIMIT)
    try:
        return ("ok", fn(*args))
    except Timeout:
        return ("timeout", None)
    except RecursionError:
        return ("raise", "RecursionError")
    except Exception as e:  # noqa: BLE001 - any exception is an outcome
        return ("raise", type(e).__name__)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def same(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:  # noqa: BLE001
        return False


def literals(source):
    words, chars = set(), set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 30:
            if "\n" in node.value:
                continue
            chars.update(node.value)
            words.update(w for w in node.value.split() if w)
    return sorted(words), "".join(sorted(chars))


def main():
    job = json.load(sys.stdin)
    signal.signal(signal.SIGALRM, _alarm)
    sys.setrecursionlimit(3000)
    rnd = random.Random(job.get("seed", 0))
    canonical = job["prefix"] + job["canonical"]
    words, chars = literals(canonical)
    gen = Gen(rnd, words, chars)
    tys = [parse_ty(t) for t in job["types"]]
    examples = []
    for text in job["examples"]:
        try:
            examples.append(tuple(ast.literal_eval(text)))
        except (ValueError, SyntaxError):
            pass
    inputs = list(examples)
    n = job.get("inputs", 600)
    while len(inputs) < n:
        if examples and rnd.random() < 0.4:
            base = list(rnd.choice(examples))
            if base:
                i = rnd.randrange(len(base))
                base[i] = gen.mutate(base[i])
            inputs.append(tuple(base))
        else:
            inputs.append(tuple(gen.value(t) for t in tys))
    ref = load(canonical, job["entry"])
    valid = []
    for args in inputs:
        kind, value = outcome(ref, args)
        if kind == "ok":
            valid.append((args, value))
    differ = {}
    for m in job["mutants"]:
        try:
            fn = load(job["prefix"] + m["completion"], job["entry"])
        except Exception:  # noqa: BLE001 - a mutant that does not load differs on every input
            differ[m["id"]] = repr(valid[0][0]) if valid else "(load)"
            continue
        for args, want in valid:
            kind, got = outcome(fn, args)
            if kind != "ok" or not same(got, want):
                differ[m["id"]] = repr(args)
                break
    print(json.dumps({"differ": differ, "inputs": len(valid)}))


if __name__ == "__main__":
    main()
