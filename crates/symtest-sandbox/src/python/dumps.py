# Shared by the worker (and its jobs) and the test process: prepended to
# each. marshal.dumps(v, 2) in time linear in the size of `v`.

import marshal
import struct

# Saved before any candidate code runs (a job may rebind the builtins).
_type, _str, _len = type, str, len


def _frozenset_inside(v):
    """Whether a frozenset lies anywhere in `v` (or it nests too deeply to
    tell: a value that holds itself); an iterative scan."""
    stack = [(v, 0)]
    while stack:
        x, depth = stack.pop()
        t = _type(x)
        if t is frozenset or depth > 2000:
            return True
        if t is list or t is tuple or t is set:
            stack.extend((y, depth + 1) for y in x)
        elif t is dict:
            stack.extend((y, depth + 1) for y in x.keys())
            stack.extend((y, depth + 1) for y in x.values())
    return False


def _enc(v, out, depth=0):
    if depth > 2000:
        raise ValueError("object too deeply nested to marshal")
    t = _type(v)
    if t is list or t is tuple or t is set or t is frozenset:
        out += b"[" if t is list else b"(" if t is tuple else b"<" if t is set else b">"
        out += struct.pack("<i", _len(v))
        for x in v:
            _enc(x, out, depth + 1)
    elif t is dict:
        out += b"{"
        for k, x in v.items():
            _enc(k, out, depth + 1)
            _enc(x, out, depth + 1)
        out += b"0"
    else:
        out += marshal.dumps(v, 2)


def dumps(v):
    """marshal.dumps(v, 2) in time linear in the size of `v`: CPython's
    marshal writes a set's elements in the order of their own marshalled
    forms, which costs 2**depth for frozensets nested in each other."""
    if not _frozenset_inside(v):
        return marshal.dumps(v, 2)
    out = bytearray()
    _enc(v, out)
    return bytes(out)


