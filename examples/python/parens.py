def balanced(s: str) -> bool:
    """Whether the parentheses of s balance."""
    depth = 0
    for c in s:
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def target(x: int, y: int) -> str:
    if x * x == 49 and y == x + 2:
        return "hit"
    return "miss"
