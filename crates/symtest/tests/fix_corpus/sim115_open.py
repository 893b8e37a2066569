# expect: SIM115 skipped
def first_line(name: str) -> str:
    f = open(name)
    line = f.readline()
    f.close()
    return line
