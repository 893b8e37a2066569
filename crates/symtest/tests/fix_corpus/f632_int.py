# expect: F632 fixed
def is_empty(n: int) -> bool:
    if n is 0:
        return True
    return False
