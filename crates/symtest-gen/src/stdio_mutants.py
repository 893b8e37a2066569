# Mutants of a whole program that reads standard input, for gen's stdin
# suites. Appended to probe.py (its mutator, time limit and budgets); symtest
# appends a call of __symtest_stdio_load__ with the program's source and the
# number of mutants wanted, then calls __symtest_entry__(stdin, stdout) once
# per input, with the output CPython printed running the program alone.
#
# Each call runs the program here, in this process, as `__main__` with that
# standard input (sys.stdin, input() and open(0) read it; sys.stdout and
# print write to a buffer; sys.exit and os._exit end the run): when what it
# prints is not what it printed alone, the input tells nothing (the program
# reads or writes some other way). Otherwise every mutant runs the same way
# on a time limit, and one that raises or prints other tokens (as the
# default `tokens` judge compares them) is told apart by the input. The
# answer is (mutants made, [the ones told apart]).
import io as __symtest_io
import os as __symtest_os
import re as __symtest_re__
import sys as __symtest_sys

__symtest_programs__ = []
__symtest_set_recursion__ = __symtest_sys.setrecursionlimit
__symtest_main__ = [None]
__symtest_calls__ = [0]


class __SymtestExit(BaseException):
    """os._exit in a program run here: its run ends."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status


def __symtest_uncontained__(source):
    """Whether the program may do what a run here cannot contain: threads,
    processes or signals of its own (out of the time limit's reach), or
    reading and writing this process's descriptors (os.read(0), fileno,
    os.write(1)); os._exit alone is fine."""
    words = ("thread", "multiprocessing", "concurrent", "signal", "fork", "subprocess",
             "asyncio", "fileno", "fdopen", "ctypes", "mmap", "FileIO", "io.open", "/dev/",
             "/proc/", "from os import", "import os as", "posix",
             # State that outlives a run: a reader left open, process
             # limits, exit hooks, the interpreter's own streams and hooks.
             "fileinput", "resource", "atexit", "__stdout__", "__stdin__", "settrace",
             "setprofile", "faulthandler")
    if any(w in source for w in words):
        return True
    return __symtest_re__.search(r"\bos\.(?!_exit\b)", source) is not None


def __symtest_stdio_load__(source, cap):
    """Compiles the program and at most `cap` mutants of it (anywhere in it,
    its top level included). None where the program may swallow the time
    limit or runs code the limit cannot stop: threads, processes, its own
    signals."""
    ast = __symtest_ast
    tree = ast.parse(source)
    __symtest_main__[0] = compile(tree, "<program>", "exec")
    if cap <= 0 or __symtest_swallows__(tree) or __symtest_uncontained__(source):
        return
    try:
        __symtest_signal.signal(__symtest_signal.SIGALRM, __symtest_slow__)
    except ValueError:
        return
    __symtest_mutant_time__[0] = 0.75
    counter = __SymtestMutate(-1, everywhere=True)
    counter.visit(tree)
    # Each mutant parses and compiles the program again: 0.5 s in all.
    end = __symtest_time.perf_counter() + 0.5
    for target in __symtest_targets__(counter.seen, cap):
        if __symtest_time.perf_counter() > end:
            break
        mutated = __SymtestMutate(target, everywhere=True).visit(ast.parse(source))
        try:
            code = compile(ast.fix_missing_locations(mutated), "<mutant>", "exec")
        except Exception:  # noqa: BLE001 - a mutant that does not compile is no mutant
            continue
        __symtest_programs__.append((target, code))


def __symtest_run_main__(code, text, seconds):
    """Runs `code` as `__main__` on standard input `text` within `seconds`
    (raising __SymtestSlow past them): what it printed and the class of the
    exception it ended with ("" for none). The process's streams and hooks
    are put back after the time limit is off, so its signal cannot land in
    the middle of that."""
    # As CPython opens them on POSIX: sys.stdin keeps "\r" (newline="\n"),
    # open(0) translates line ends; both read the same bytes.
    raw = __symtest_io.BytesIO(text.encode("utf-8"))
    stdin = __symtest_io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
    sink = __symtest_io.BytesIO()
    stdout = __symtest_io.TextIOWrapper(sink, encoding="utf-8", write_through=True)
    real_open = __symtest_builtins.open

    def open_(file, *args, **kwargs):
        # open(0) is the input; no other descriptor of this process is
        # the program's (a mutant's open(1) would close this one's output).
        if isinstance(file, int) and not isinstance(file, bool):
            if file == 0:
                mode = args[0] if args else kwargs.get("mode", "r")
                if "b" in str(mode):
                    return raw
                return __symtest_io.TextIOWrapper(raw, encoding="utf-8")
            raise OSError(9, "Bad file descriptor")
        return real_open(file, *args, **kwargs)

    def exit_(status):
        raise __SymtestExit(status)

    names = dict(vars(__symtest_builtins))
    names["open"] = open_
    namespace = {"__name__": "__main__", "__builtins__": names}

    def recursion_(limit):
        # Deep recursion here could overflow the process's stack.
        __symtest_set_recursion__(min(limit, 10000))

    saved = (__symtest_sys.stdin, __symtest_sys.stdout, __symtest_os._exit,
             __symtest_sys.setrecursionlimit, __symtest_sys.getrecursionlimit())
    raised, slow = "", False
    try:
        __symtest_sys.stdin, __symtest_sys.stdout, __symtest_os._exit = stdin, stdout, exit_
        __symtest_sys.setrecursionlimit = recursion_
        __symtest_limited__(seconds, exec, code, namespace)
    except __SymtestSlow:
        slow = True
    except SystemExit as e:
        raised = "" if e.code in (None, 0) else "SystemExit"
    except __SymtestExit as e:
        raised = "" if e.status == 0 else "SystemExit"
    except BaseException as e:  # noqa: BLE001 - the raise is the outcome
        raised = type(e).__name__
    finally:
        __symtest_sys.stdin, __symtest_sys.stdout, __symtest_os._exit = saved[:3]
        __symtest_sys.setrecursionlimit = saved[3]
        __symtest_set_recursion__(saved[4])
    if slow:
        raise __SymtestSlow()
    try:
        stdout.flush()
    except Exception:  # noqa: BLE001 - a program that closed its output
        pass
    return sink.getvalue().decode("utf-8", "replace"), raised


def __symtest_decimal__(token):
    """A decimal number as judges print it (digits, a fraction, an
    exponent), or None."""
    body = token[1:] if token[:1] in ("+", "-") else token
    mantissa, _, exponent = body.replace("E", "e").partition("e")
    whole, _, fraction = mantissa.partition(".")
    if not (whole + fraction).isdigit() or not (whole + fraction).isascii():
        return None
    if "e" in body.replace("E", "e"):
        digits = exponent[1:] if exponent[:1] in ("+", "-") else exponent
        if not digits.isdigit() or not digits.isascii():
            return None
    try:
        value = float(token)
    except ValueError:
        return None
    return value if value - value == 0 else None


def __symtest_tokens_match__(got, expected, tolerance=1e-6):
    """The default `tokens` judge: the same whitespace-separated tokens; an
    expected token with a fraction or an exponent matched by any decimal
    number within the tolerance (absolute, or relative where larger)."""
    a, b = got.split(), expected.split()
    if len(a) != len(b):
        return False
    for g, e in zip(a, b):
        if g == e:
            continue
        real = __symtest_decimal__(e) if any(c in e for c in ".eE") else None
        number = __symtest_decimal__(g)
        if real is None or number is None or abs(number - real) > tolerance * max(abs(real), 1.0):
            return False
    return True


def __symtest_stdio_tell__(text, expected):
    made = len(__symtest_programs__)
    left = __symtest_mutant_time__[0]
    if not made or left <= 0:
        return (made, [])
    started = __symtest_time.perf_counter()
    try:
        printed, raised = __symtest_run_main__(__symtest_main__[0], text, min(left, 0.2))
    except __SymtestSlow:
        __symtest_mutant_time__[0] = left - (__symtest_time.perf_counter() - started)
        return (made, [])
    reference_s = __symtest_time.perf_counter() - started
    told = []
    if not raised and __symtest_tokens_match__(printed, expected) and reference_s <= 0.02:
        limit = min(0.02, max(0.002, 10 * reference_s))
        end = __symtest_time.perf_counter() + min(left, 0.1)
        # Each call starts at another mutant, so that one budget cut does
        # not always leave out the same ones.
        first = __symtest_calls__[0] % made
        __symtest_calls__[0] += 1
        for k in range(made):
            target, code = __symtest_programs__[(first + k) % made]
            if target in __symtest_slow_mutants__:
                continue
            if __symtest_time.perf_counter() > end:
                break
            try:
                printed, raised = __symtest_run_main__(code, text, limit)
            except __SymtestSlow:
                __symtest_slow_mutants__.add(target)
                continue
            if raised or not __symtest_tokens_match__(printed, expected):
                told.append(target)
    __symtest_mutant_time__[0] = left - (__symtest_time.perf_counter() - started)
    return (made, sorted(told))


__symtest_entry__ = __symtest_stdio_tell__
