"""Mutation operators the benchmarks share: (regex, replacement) pairs, each
applied at one match to make one single-site mutant."""

# Every comparison swapped for its neighbour or its negation.
COMPARISON_SWAPS = [
    (r"<=", "<"),
    (r"(?<![<>=!])<(?![<=])", "<="),
    (r">=", ">"),
    (r"(?<![<>=-])>(?![>=])", ">="),
    (r"==", "!="),
    (r"!=", "=="),
]
