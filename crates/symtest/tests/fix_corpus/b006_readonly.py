# expect: B006 fixed
def count_big(limit: int, values=[]):
    return len([v for v in values if v > limit])
