# expect: E722 skipped
def parse(s: str) -> int:
    try:
        return int(s)
    except:
        return -1
