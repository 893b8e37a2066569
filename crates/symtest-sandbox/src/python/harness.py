# symtest trusted harness: runs a dataset's own test code (HumanEval's
# `check(candidate)`, MBPP's asserts) outside the sandbox.
#
# The candidate never runs here. `candidate` is a proxy: each call is
# answered with plain values that symtest got from the sandboxed job (in
# marshal form, checked and re-encoded by symtest), so the test's
# comparisons never meet an object the candidate made. Calls whose
# arguments are literals in the test's source are planned: symtest sends
# them to the job in one batch and hands the answers in with the check;
# any other call is a round trip. Messages on the saved stdin/stdout
# descriptors: 4-byte big-endian length, then a dict in marshal format.

import ast
import builtins
import collections
import ctypes
import marshal
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

# Larger calls are refused in the test (a value the candidate returned, fed
# back to it, can grow without bound).
MAX_CALL = 16 << 20
MAX_FRAME = (32 << 20) - 4096
MAX_PLAN = 10000


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
    return marshal.loads(_exact(n))


sys.setrecursionlimit(10000)


def write(msg):
    try:
        data = dumps(msg)
    except (ValueError, RecursionError):
        data = b""
    if not data or len(data) > MAX_FRAME:
        data = marshal.dumps({"op": "result", "outcome": "error", "type": "ValueError", "message": "the test's result could not be sent"}, 2)
    view = memoryview(struct.pack(">I", len(data)) + data)
    while view:
        view = view[os.write(PROTO_OUT, view):]


class CandidateGone(BaseException):
    """The candidate's process ended (timeout, crash, early exit): no test may catch this."""


class Unsupported(BaseException):
    """The candidate returned something that is not a plain builtin value."""


class Exhausted(BaseException):
    """The candidate ran out of stack or memory: not an exception a test may
    catch as an answer (`except Exception` would pass a sample that recurses
    forever), so it ends the test as the candidate's error."""

    def __init__(self, name, message):
        super().__init__(message)
        self.name = name


EXHAUSTION = ("RecursionError", "MemoryError")


# Exceptions that would steer the test's own control flow if they crossed
# as themselves (a StopIteration ends the test's `for` loop early; PEP 479
# turns it into RuntimeError in generators for the same reason).
STEERING = (StopIteration, StopAsyncIteration)
_classes = {}


def candidate_exception(reply):
    """An exception standing for the one the candidate raised: an instance
    of the nearest builtin class among its bases (so `except ValueError`
    catches a subclass and misses a look-alike named ValueError)."""
    name = str(reply.get("type") or "Exception")
    message = str(reply.get("message") or "")
    base = None
    for b in reply.get("mro") or ():
        cls = getattr(builtins, str(b), None)
        if isinstance(cls, type) and issubclass(cls, BaseException):
            base = cls
            break
    if base is not None and base.__name__ in EXHAUSTION:
        return Exhausted(base.__name__, message)
    if base is None or not issubclass(base, Exception) or issubclass(base, STEERING):
        return RuntimeError("the candidate raised %s: %s" % (name, message))
    if base.__name__ == name:
        try:
            return base(message)
        except Exception:  # noqa: BLE001 - classes with required arguments
            pass
    cls = _classes.get((name, base))
    if cls is None:
        if len(_classes) > 1024:
            _classes.clear()
        cls = _classes[(name, base)] = type(name, (base,), {"__str__": lambda self: str(self.args[0]) if self.args else "", "__module__": "candidate"})
    e = cls.__new__(cls)
    BaseException.__init__(e, message)
    return e


# `last` (the last call, for the failure message) keeps only what is small
# (symtest tells each answer's size).
MAX_LAST = 256 << 10


class Proxy:
    def __init__(self, answers, record):
        self.answers = answers
        self.last = None
        self.count = 0
        self.record = record
        self.calls = []
        self.recorded = 0

    def __call__(self, *args, **kwargs):
        self.count += 1
        try:
            key = dumps((args, kwargs or None))
        except (ValueError, RecursionError):
            raise TypeError("cannot pass a non-builtin value to the candidate") from None
        if len(key) > MAX_CALL:
            raise ValueError("the arguments of a call to the candidate are over 16 MiB")
        self.last = {"args": list(args) if len(key) <= MAX_LAST else []}
        if self.record and not kwargs and self.recorded + len(key) <= MAX_CALL:
            self.recorded += len(key)
            self.calls.append(list(args))
        queue = self.answers.get(key)
        if queue:
            reply = queue.popleft()
        else:
            write({"op": "call", "args": list(args), "kwargs": kwargs or None})
            reply = read()
        op = reply.get("op")
        if op == "returned":
            if reply.get("size", MAX_LAST + 1) <= MAX_LAST:
                self.last["value"] = reply["value"]
            return reply["value"]
        if op == "raised":
            self.last["raised"] = {"type": reply.get("type"), "message": reply.get("message")}
            raise candidate_exception(reply)
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
PLANS = {}


def compiled(source, name):
    """Compiled once per text: every sample of a problem runs the same test."""
    key = (name, source)
    code = COMPILED.get(key)
    if code is None:
        if len(COMPILED) > 4096:
            COMPILED.clear()
        code = COMPILED[key] = compile(source, name, "exec")
    return code


def candidate_names(tree, bind):
    names = set(bind)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "check" and node.args.args:
            names.add(node.args.args[0].arg)
    return names


def plan(msg):
    """The calls of the candidate whose arguments are literals, in source order."""
    key = (msg["test"], tuple(msg.get("bind") or ()))
    if key in PLANS:
        return PLANS[key]
    out = []
    try:
        tree = ast.parse(msg["test"])
    except SyntaxError:
        tree = None
    if tree is not None:
        names = candidate_names(tree, msg.get("bind") or ())
        found = []
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names):
                continue
            try:
                if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
                    continue
                args = tuple(ast.literal_eval(a) for a in node.args)
                kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords} or None
                marshal.dumps((args, kwargs), 2)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                continue
            found.append(((node.lineno, node.col_offset), args, kwargs))
        found.sort(key=lambda x: x[0])
        size = 0
        for _, args, kwargs in found[:MAX_PLAN]:
            size += len(marshal.dumps((args, kwargs), 2))
            if size > MAX_CALL:
                break
            out.append((args, kwargs))
    if len(PLANS) > 4096:
        PLANS.clear()
    PLANS[key] = out
    return out


def run_check(msg):
    planned = plan(msg)
    answers = collections.defaultdict(collections.deque)
    for (args, kwargs), reply in zip(planned, msg.get("answers") or ()):
        answers[marshal.dumps((args, kwargs), 2)].append(reply)
    ns = {"__name__": "__check__", "__builtins__": builtins}
    proxy = Proxy(answers, msg.get("record_calls"))
    try:
        exec(compiled(msg.get("prompt") or "", "<prompt>"), ns)
    except BaseException:  # noqa: BLE001 - the prompt only contributes helpers
        pass
    for name in msg.get("bind") or []:
        ns[name] = proxy
    try:
        code = compiled(msg["test"], "<test>")
    except (SyntaxError, ValueError) as e:
        return {"op": "result", "outcome": "test_error", "type": type(e).__name__, "message": str(e)[:2000]}
    result = {"op": "result", "last": proxy.last}
    try:
        exec(code, ns)
        check = ns.get("check")
        if msg.get("call_check"):
            if not callable(check):
                return {"op": "result", "outcome": "test_error", "type": "NameError", "message": "the test code defines no check function"}
            check(proxy)
    except CandidateGone as e:
        result.update(outcome="gone", message=str(e)[:2000])
    except Unsupported as e:
        result.update(outcome="unsupported", message=str(e)[:200])
    except Exhausted as e:
        result.update(outcome="error", type=e.name, message=safe_str(e), line=failure_line(e.__traceback__, "<test>"))
    except AssertionError as e:
        result.update(outcome="failed", message=safe_str(e), line=failure_line(e.__traceback__, "<test>"))
    except BaseException as e:  # noqa: BLE001 - any other failure of the test is the candidate's
        result.update(outcome="error", type=type(e).__name__[:200], message=safe_str(e), line=failure_line(e.__traceback__, "<test>"))
    else:
        if proxy.count == 0:
            return {"op": "result", "outcome": "test_error", "type": "RuntimeError", "message": "the tests never called the candidate"}
        result.update(outcome="passed")
    result["last"] = proxy.last
    if msg.get("record_calls"):
        result["calls"] = proxy.calls
    return result


def safe_str(e):
    try:
        s = str(e)
        return s[:2000] if type(s) is str else "<unprintable>"
    except BaseException:  # noqa: BLE001 - str() of a huge int raises, for one
        return "<unprintable>"


def main():
    write({"op": "ready", "python": sys.version.split()[0]})
    while True:
        msg = read()
        op = msg.get("op")
        if op == "check":
            write(run_check(msg))
        elif op == "plan":
            write({"op": "plan", "calls": [[list(a), k] for a, k in plan(msg)]})
        else:
            write({"op": "result", "outcome": "test_error", "type": "RuntimeError", "message": "unknown request"})


main()
