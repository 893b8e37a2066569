# expect: B006 rejected  (the default list is shared between calls and grows)
def collect(item: int, seen=[]):
    seen.append(item)
    return len(seen)
