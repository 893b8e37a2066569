# expect: E713 fixed
def missing(key: str, keys: list[str]) -> bool:
    return not key in keys
