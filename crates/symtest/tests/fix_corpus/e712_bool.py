# expect: E712 fixed
def status(active: bool) -> str:
    if active == True:
        return "on"
    return "off"
