"""Mutation operators the benchmarks share.

`COMPARISON_SWAPS` are (regex, replacement) pairs, each applied at one match
to make one single-site mutant (bench/grade).

`mutants(prefix, body)` makes every single-site mutant of a function body by
its syntax tree (bench/humaneval): every arithmetic, comparison and boolean
operator swapped, every int constant plus and minus one, every `not`
removed, every `break` made `continue` and back, every `True`/`False`
flipped; at every site, not only the first of each kind. Mutants that do
not compile and duplicates are dropped.
"""

import ast
import re

# Every comparison swapped for its neighbour or its negation.
COMPARISON_SWAPS = [
    (r"<=", "<"),
    (r"(?<![<>=!])<(?![<=])", "<="),
    (r">=", ">"),
    (r"(?<![<>=-])>(?![>=])", ">="),
    (r"==", "!="),
    (r"!=", "=="),
]

# Binary arithmetic operators: the text and what each is swapped for.
ARITHMETIC = {
    ast.Add: ("+", ["-"]),
    ast.Sub: ("-", ["+"]),
    ast.Mult: ("*", ["/", "+"]),
    ast.Div: ("/", ["*", "//"]),
    ast.FloorDiv: ("//", ["/", "*"]),
    ast.Mod: ("%", ["//"]),
    ast.Pow: ("**", ["*"]),
}

# Comparisons: each to its neighbour (strict and not) and to its negation.
COMPARISON = {
    ast.Lt: ("<", ["<=", ">="]),
    ast.LtE: ("<=", ["<", ">"]),
    ast.Gt: (">", [">=", "<="]),
    ast.GtE: (">=", [">", "<"]),
    ast.Eq: ("==", ["!="]),
    ast.NotEq: ("!=", ["=="]),
    ast.In: ("in", ["not in"]),
    ast.NotIn: (r"not\s+in", ["in"]),
    ast.Is: ("is", ["is not"]),
    ast.IsNot: (r"is\s+not", ["is"]),
}

BOOLEAN = {ast.And: ("and", ["or"]), ast.Or: ("or", ["and"])}


class _Text:
    """Source text with AST positions (lines from 1, UTF-8 byte columns)
    turned into character offsets."""

    def __init__(self, text):
        self.text = text
        self.starts = [0]
        for line in text.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))

    def offset(self, line, col):
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        return start + len(self.text[start:end].encode()[:col].decode(errors="ignore"))

    def start(self, node):
        return self.offset(node.lineno, node.col_offset)

    def end(self, node):
        return self.offset(node.end_lineno, node.end_col_offset)


def _operator(text, lo, hi, pattern):
    """The span of an operator written between lo and hi (only brackets,
    spaces and comments are around it), or None."""
    m = re.search(r"(?<![\w<>=!*/])(" + pattern + r")(?![\w<>=*/])", text[lo:hi])
    return (lo + m.start(1), lo + m.end(1)) if m else None


def _sites(src, tree):
    """(start, end, replacement) for every mutation of the tree."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.BinOp, ast.AugAssign)):
            left = node.left if isinstance(node, ast.BinOp) else node.target
            right = node.right if isinstance(node, ast.BinOp) else node.value
            op, repls = ARITHMETIC.get(type(node.op), (None, []))
            aug = "=" if isinstance(node, ast.AugAssign) else ""
            span = op and _operator(src.text, src.end(left), src.start(right), re.escape(op + aug))
            if span:
                out += [(span[0], span[1], r + aug) for r in repls]
        elif isinstance(node, ast.Compare):
            lefts = [node.left] + node.comparators[:-1]
            for left, op, right in zip(lefts, node.ops, node.comparators):
                pattern, repls = COMPARISON[type(op)]
                if not pattern.startswith("not") and not pattern.startswith("is\\"):
                    pattern = re.escape(pattern)
                span = _operator(src.text, src.end(left), src.start(right), pattern)
                if span:
                    out += [(span[0], span[1], r) for r in repls]
        elif isinstance(node, ast.BoolOp):
            op, repls = BOOLEAN[type(node.op)]
            for left, right in zip(node.values, node.values[1:]):
                span = _operator(src.text, src.end(left), src.start(right), op)
                if span:
                    out += [(span[0], span[1], r) for r in repls]
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            out.append((src.start(node), src.start(node.operand), ""))
        elif isinstance(node, ast.Constant) and type(node.value) is int:
            a, b = src.start(node), src.end(node)
            out += [(a, b, str(node.value + 1)), (a, b, str(node.value - 1))]
        elif isinstance(node, ast.Constant) and type(node.value) is bool:
            out.append((src.start(node), src.end(node), str(not node.value)))
        elif isinstance(node, ast.Break):
            out.append((src.start(node), src.end(node), "continue"))
        elif isinstance(node, ast.Continue):
            out.append((src.start(node), src.end(node), "break"))
    return sorted(set(out))


def mutants(prefix, body):
    """Every distinct single-site mutant of `body` (the code after
    `prefix`), as bodies, in source order. Sites in the prefix are left
    alone; a mutant that does not compile is dropped."""
    whole = prefix + body
    try:
        tree = ast.parse(whole)
    except SyntaxError:
        return []
    src = _Text(whole)
    out, seen = [], {body}
    for start, end, repl in _sites(src, tree):
        if start < len(prefix):
            continue
        text = whole[:start] + repl + whole[end:]
        # `not(x)` and `x or(y)` lose their space; keep tokens apart.
        if start and repl and (whole[start - 1].isalnum() or whole[start - 1] == "_"):
            text = whole[:start] + " " + repl + whole[end:]
        mutant = text[len(prefix):]
        if mutant in seen:
            continue
        try:
            compile(text, "<mutant>", "exec")
        except (SyntaxError, ValueError):
            continue
        seen.add(mutant)
        out.append(mutant)
    return out
