# expect: B007 fixed
def repeat(s: str, n: int) -> str:
    out = ""
    for i in range(n):
        out += s
    return out
