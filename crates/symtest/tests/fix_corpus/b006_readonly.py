# expect: B006 rejected  (an explicit None: the original raises TypeError iterating it, the fix treats it as the default)
def count_big(limit: int, values=[]):
    return len([v for v in values if v > limit])
