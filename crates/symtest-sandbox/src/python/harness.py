# symtest trusted harness: runs a dataset's own test code (HumanEval's
# `check(candidate)`, MBPP's asserts) outside the sandbox.
#
# The candidate never runs here. `candidate` is a proxy: each call is sent to
# symtest as plain values, symtest runs it in the sandboxed child, and the
# result comes back as plain values, so the test's comparisons never meet an
# object the candidate made. Messages on the saved stdin/stdout descriptors:
# 4-byte big-endian length, then JSON.

import builtins
import ctypes
import json
import os
import struct
import sys
import traceback

ctypes.CDLL(None).prctl(15, b"symtest-tests", 0, 0, 0)  # PR_SET_NAME, for ps and profilers

PROTO_IN = os.dup(0)
PROTO_OUT = os.dup(1)
_null = os.open(os.devnull, os.O_RDWR)
os.dup2(_null, 0)
os.dup2(_null, 1)
sys.stdin = open(os.devnull)
sys.stdout = open(os.devnull, "w")


def _exact(n):
    chunks = []
    while n:
        b = os.read(PROTO_IN, min(n, 1 << 20))
        if not b:
            os._exit(0)
        chunks.append(b)
        n -= len(b)
    return b"".join(chunks)


def read():
    (n,) = struct.unpack(">I", _exact(4))
    return json.loads(_exact(n))


def write(msg):
    data = json.dumps(msg).encode()
    data = struct.pack(">I", len(data)) + data
    view = memoryview(data)
    while view:
        view = view[os.write(PROTO_OUT, view):]


def enc(v, depth=0):
    if depth > 900:
        raise ValueError("nested too deeply")
    t = type(v)
    if v is None or t is bool:
        return v
    if isinstance(v, bool):
        return bool(v)
    if isinstance(v, int):
        return ["i", hex(int(v))]
    if isinstance(v, float):
        return ["f", repr(float(v))]
    if isinstance(v, str):
        try:
            v.encode("utf-8")
            return str(v)
        except UnicodeEncodeError:
            return ["sx", v.encode("utf-8", "surrogatepass").hex()]
    if isinstance(v, bytes):
        return ["b", v.hex()]
    if isinstance(v, tuple):
        return ["t", [enc(x, depth + 1) for x in v]]
    if isinstance(v, list):
        return ["l", [enc(x, depth + 1) for x in v]]
    if isinstance(v, dict):
        return ["d", [[enc(k, depth + 1), enc(x, depth + 1)] for k, x in v.items()]]
    if isinstance(v, frozenset):
        return ["F", [enc(x, depth + 1) for x in v]]
    if isinstance(v, set):
        return ["S", [enc(x, depth + 1) for x in v]]
    if isinstance(v, complex):
        return ["c", repr(v.real), repr(v.imag)]
    raise TypeError("cannot pass a %s to the candidate" % type(v).__name__)


def dec(j):
    if j is None or j is True or j is False or type(j) is str:
        return j
    tag = j[0]
    if tag == "i":
        return int(j[1], 16)
    if tag == "f":
        return float(j[1])
    if tag == "c":
        return complex(float(j[1]), float(j[2]))
    if tag == "b":
        return bytes.fromhex(j[1])
    if tag == "sx":
        return bytes.fromhex(j[1]).decode("utf-8", "surrogatepass")
    if tag == "l":
        return [dec(x) for x in j[1]]
    if tag == "t":
        return tuple(dec(x) for x in j[1])
    if tag == "d":
        return {dec(k): dec(x) for k, x in j[1]}
    if tag == "S":
        return {dec(x) for x in j[1]}
    if tag == "F":
        return frozenset(dec(x) for x in j[1])
    raise ValueError("unknown tag")


class CandidateGone(BaseException):
    """The candidate's process ended (timeout, crash, early exit): no test may catch this."""


class Unsupported(BaseException):
    """The candidate returned something that is not a plain builtin value."""


class CandidateError(Exception):
    """An exception of a type that is not a builtin, raised by the candidate."""


class Proxy:
    def __init__(self):
        self.last = None

    def __call__(self, *args, **kwargs):
        wire_args = [enc(a) for a in args]
        wire_kwargs = {k: enc(v) for k, v in kwargs.items()}
        self.last = {"args": wire_args, "kwargs": wire_kwargs or None}
        write({"op": "call", "args": wire_args, "kwargs": wire_kwargs or None})
        reply = read()
        op = reply.get("op")
        if op == "returned":
            self.last["value"] = reply["value"]
            return dec(reply["value"])
        if op == "raised":
            self.last["raised"] = {"type": reply["type"], "message": reply["message"]}
            cls = getattr(builtins, reply["type"], None)
            if isinstance(cls, type) and issubclass(cls, Exception):
                try:
                    raise cls(reply["message"])
                except TypeError:
                    pass
            raise CandidateError("%s: %s" % (reply["type"], reply["message"]))
        if op == "unencodable":
            raise Unsupported(reply.get("type", "object"))
        raise CandidateGone(reply.get("why", "the candidate is gone"))


def failure_line(tb, filename):
    line = None
    for frame in traceback.extract_tb(tb):
        if frame.filename == filename:
            line = frame.lineno
    return line


COMPILED = {}


def compiled(source, name):
    """Compiled once per text: every sample of a problem runs the same test."""
    key = (name, source)
    code = COMPILED.get(key)
    if code is None:
        if len(COMPILED) > 4096:
            COMPILED.clear()
        code = COMPILED[key] = compile(source, name, "exec")
    return code


def run_check(msg):
    ns = {"__name__": "__check__", "__builtins__": builtins}
    proxy = Proxy()
    try:
        exec(compiled(msg.get("prompt") or "", "<prompt>"), ns)
    except BaseException:  # noqa: BLE001 - the prompt only contributes helpers
        pass
    for name in msg.get("bind") or []:
        ns[name] = proxy
    try:
        code = compiled(msg["test"], "<test>")
    except SyntaxError as e:
        return {"op": "result", "outcome": "test_error", "type": "SyntaxError", "message": str(e)}
    try:
        exec(code, ns)
        check = ns.get("check")
        if msg.get("call_check") and callable(check):
            check(proxy)
    except CandidateGone as e:
        return {"op": "result", "outcome": "gone", "message": str(e), "last": proxy.last}
    except Unsupported as e:
        return {"op": "result", "outcome": "unsupported", "message": str(e), "last": proxy.last}
    except AssertionError as e:
        return {
            "op": "result",
            "outcome": "failed",
            "message": str(e)[:2000],
            "line": failure_line(e.__traceback__, "<test>"),
            "last": proxy.last,
        }
    except BaseException as e:  # noqa: BLE001 - any other failure of the test is the candidate's
        return {
            "op": "result",
            "outcome": "error",
            "type": type(e).__name__,
            "message": str(e)[:2000],
            "line": failure_line(e.__traceback__, "<test>"),
            "last": proxy.last,
        }
    return {"op": "result", "outcome": "passed", "last": proxy.last}


def main():
    write({"op": "ready", "python": sys.version.split()[0]})
    while True:
        msg = read()
        if msg.get("op") == "check":
            write(run_check(msg))
        else:
            write({"op": "result", "outcome": "test_error", "type": "RuntimeError", "message": "unknown request"})


main()
