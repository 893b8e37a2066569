# expect: E712 rejected  (for count == 2, `count == True` is False but `count` is truthy)
def flagged(count: int) -> str:
    if count == True:
        return "one"
    return "other"
