# expect: F811 fixed
from os import path
from os import path


def ext(name: str) -> str:
    return path.splitext(name)[1]
