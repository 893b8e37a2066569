# expect: F632 rejected  (a string built at run time is equal to "yes" but not the same object)
def confirmed(answer: str) -> bool:
    return answer.strip().lower() is "yes"
