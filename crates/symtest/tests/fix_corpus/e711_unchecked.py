# expect: E711 rejected  (the module imports a package the sandbox does not have: not checked)
import symtest_no_such_package


def pick(x: int):
    if x == None:
        return symtest_no_such_package.default()
    return x
