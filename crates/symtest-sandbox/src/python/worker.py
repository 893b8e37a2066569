# symtest sandbox worker: a warm CPython that forks one child per job.
#
# This process (W) is started by symtest inside the sandbox (namespaces,
# Landlock, a seccomp filter, no new privileges). It never runs candidate
# code itself: each job runs in a child (G) that first lowers its own limits,
# drops to an unprivileged uid, installs a stricter seccomp filter and closes
# every descriptor but its two job pipes. symtest talks to W over the
# SOCK_SEQPACKET socket on fd 3 (one JSON message per packet, job pipes
# attached as SCM_RIGHTS) and to G over the job pipes (4-byte big-endian
# length, then JSON).

import builtins
import ctypes
import io
import json
import os
import resource
import signal
import socket
import struct
import sys
import time
import types

CTRL = socket.socket(fileno=3)
LIBC = ctypes.CDLL(None, use_errno=True)
PR_SET_NAME = 15
PR_SET_CHILD_SUBREAPER = 36
PR_SET_KEEPCAPS = 8
SYS_CAPSET = {"x86_64": 126, "aarch64": 91}.get(os.uname().machine)
CAP_DAC_READ_SEARCH = 2
LINUX_CAPABILITY_VERSION_3 = 0x20080522
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2


def send(msg):
    CTRL.send(json.dumps(msg).encode())


def recv():
    data, fds, _flags, _addr = socket.recv_fds(CTRL, 1 << 20, 4)
    if not data:
        return None, []
    return json.loads(data), fds


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


# Built once in the worker, so that each job only makes system calls.
CAP_HEADER = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0)
CAP_DATA = (_CapData * 2)()
CAP_DATA[0].effective = CAP_DATA[0].permitted = 1 << CAP_DAC_READ_SEARCH


def drop_to(uid, gid):
    """Become `uid`, keeping only CAP_DAC_READ_SEARCH: Landlock, not file
    modes, decides what a job may read (the interpreter may live in a folder
    only root can enter), while writing, signalling and RLIMIT_NPROC apply as
    to any unprivileged user."""
    LIBC.prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0)
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    if SYS_CAPSET is None or LIBC.syscall(SYS_CAPSET, ctypes.byref(CAP_HEADER), ctypes.byref(CAP_DATA)) != 0:
        raise OSError(ctypes.get_errno(), "capset")
    LIBC.prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0)


FILTER = None


def prepare_filter(program):
    """The job filter as the kernel wants it, built once in the worker."""
    global FILTER
    if program:
        buf = ctypes.create_string_buffer(program, len(program))
        FILTER = (buf, _SockFprog(len(program) // 8, ctypes.cast(buf, ctypes.c_void_p)))


def install_filter():
    if FILTER is None:
        return
    if LIBC.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(FILTER[1]), 0, 0) != 0:
        # Never run a candidate without its filter.
        os._exit(112)


# --- values across the boundary (see pyvalue.rs for the format) -------------

class Unencodable(Exception):
    pass


_type, _int, _float, _str, _bytes = type, int, float, str, bytes
_list, _tuple, _dict, _set, _frozenset, _complex = list, tuple, dict, set, frozenset, complex
_bool, _repr, _hex, _len = bool, repr, hex, len


def enc(v, depth=0):
    if depth > 900:
        raise Unencodable("nested too deeply")
    t = _type(v)
    if v is None or t is _bool:
        return v
    if t is _int:
        return ["i", _hex(v)]
    if t is _float:
        return ["f", _repr(v)]
    if t is _str:
        try:
            v.encode("utf-8")
            return v
        except UnicodeEncodeError:
            return ["sx", v.encode("utf-8", "surrogatepass").hex()]
    if t is _bytes:
        return ["b", v.hex()]
    if t is _list:
        return ["l", [enc(x, depth + 1) for x in v]]
    if t is _tuple:
        return ["t", [enc(x, depth + 1) for x in v]]
    if t is _dict:
        return ["d", [[enc(k, depth + 1), enc(x, depth + 1)] for k, x in v.items()]]
    if t is _set:
        return ["S", [enc(x, depth + 1) for x in v]]
    if t is _frozenset:
        return ["F", [enc(x, depth + 1) for x in v]]
    if t is _complex:
        return ["c", _repr(v.real), _repr(v.imag)]
    raise Unencodable(getattr(t, "__name__", "object"))


def dec(j):
    if j is None or j is True or j is False or _type(j) is _str:
        return j
    tag = j[0]
    if tag == "i":
        return _int(j[1], 16)
    if tag == "f":
        return _float(j[1])
    if tag == "c":
        return _complex(_float(j[1]), _float(j[2]))
    if tag == "b":
        return _bytes.fromhex(j[1])
    if tag == "sx":
        return _bytes.fromhex(j[1]).decode("utf-8", "surrogatepass")
    if tag == "l":
        return [dec(x) for x in j[1]]
    if tag == "t":
        return _tuple(dec(x) for x in j[1])
    if tag == "d":
        return {dec(k): dec(x) for k, x in j[1]}
    if tag == "S":
        return {dec(x) for x in j[1]}
    if tag == "F":
        return _frozenset(dec(x) for x in j[1])
    raise ValueError("unknown tag")


# --- the job child -----------------------------------------------------------

MAX_REPLY = 64 << 20


class Job:
    def __init__(self, fd_in, fd_out):
        self.fd_in = fd_in
        self.fd_out = fd_out
        self.ns = None
        self.fn = None

    def read(self):
        head = self._exact(4)
        if head is None:
            os._exit(0)
        (n,) = struct.unpack(">I", head)
        body = self._exact(n)
        if body is None:
            os._exit(0)
        return json.loads(body)

    def _exact(self, n):
        chunks = []
        while n:
            b = os.read(self.fd_in, min(n, 1 << 20))
            if not b:
                return None
            chunks.append(b)
            n -= len(b)
        return b"".join(chunks)

    def write(self, msg):
        data = json.dumps(msg).encode()
        if len(data) > MAX_REPLY:
            data = json.dumps({"op": "unencodable", "type": "a value over 64 MiB"}).encode()
        data = struct.pack(">I", len(data)) + data
        view = memoryview(data)
        while view:
            n = os.write(self.fd_out, view)
            view = view[n:]

    def load(self, msg):
        name = msg.get("name") or "__candidate__"
        if "stdin" in msg:
            fd = os.open("stdin.txt", os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
            os.write(fd, msg["stdin"].encode("utf-8", "surrogatepass"))
            os.lseek(fd, 0, os.SEEK_SET)
            os.dup2(fd, 0)
            os.close(fd)
            sys.stdin = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r", closefd=False)), encoding="utf-8", errors="replace")
        try:
            code = compile(msg["source"], "<candidate>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as e:
            self.write({"op": "compile_error", "message": "%s: %s" % (_type(e).__name__, e), "line": getattr(e, "lineno", None)})
            return
        module = types.ModuleType(name)
        module.__dict__["__builtins__"] = builtins
        sys.modules[name] = module
        sys.argv = ["main.py"]
        self.ns = module.__dict__
        start = time.perf_counter()
        try:
            exec(code, self.ns)
        except SystemExit as e:
            if e.code not in (None, 0):
                self.finish_io()
                self.write({"op": "raised", "type": "SystemExit", "message": str(e.code)[:2000], "ms": ms(start)})
                return
        except BaseException as e:  # noqa: BLE001 - the candidate's failure is the result
            self.finish_io()
            self.write(raised(e, start))
            return
        self.finish_io()
        self.write({"op": "loaded", "ms": ms(start)})

    def finish_io(self):
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:  # noqa: BLE001 - a full disk quota is the candidate's problem
                pass

    def resolve(self, entry):
        fn = self.ns.get(entry)
        if callable(fn):
            return fn
        cls = self.ns.get("Solution")
        if isinstance(cls, _type) and hasattr(cls, entry):
            return getattr(cls(), entry)
        raise NameError("name %r is not defined" % entry)

    def call(self, msg):
        start = time.perf_counter()
        try:
            args = [dec(a) for a in msg["args"]]
            kwargs = {k: dec(v) for k, v in (msg.get("kwargs") or {}).items()}
            fn = self.resolve(msg["entry"])
            start = time.perf_counter()
            value = fn(*args, **kwargs)
            took = ms(start)
        except BaseException as e:  # noqa: BLE001 - the candidate's failure is the result
            self.finish_io()
            self.write(raised(e, start))
            return
        self.finish_io()
        try:
            reply = {"op": "returned", "value": enc(value), "ms": took}
            if msg.get("want_args"):
                reply["args"] = [enc(a) for a in args]
        except (Unencodable, RecursionError) as e:
            reply = {"op": "unencodable", "type": str(e), "ms": took}
        self.write(reply)

    def serve(self):
        while True:
            msg = self.read()
            op = msg.get("op")
            if op == "load":
                self.load(msg)
            elif op == "call":
                if self.ns is None:
                    self.write({"op": "raised", "type": "RuntimeError", "message": "no program loaded", "ms": 0.0})
                else:
                    self.call(msg)
            else:
                self.write({"op": "raised", "type": "RuntimeError", "message": "unknown request", "ms": 0.0})


def ms(start):
    return (time.perf_counter() - start) * 1000.0


def raised(e, start):
    try:
        message = str(e)[:2000]
    except BaseException:  # noqa: BLE001 - a hostile __str__
        message = "<unprintable>"
    return {"op": "raised", "type": _type(e).__name__, "message": message, "ms": ms(start)}


def child(msg, fds, init):
    fd_in, fd_out = fds[0], fds[1]
    LIBC.prctl(PR_SET_NAME, b"symtest-job", 0, 0, 0)
    try:
        os.close(3)
        os.setsid()
        limits = msg["limits"]
        for name, value in (
            ("RLIMIT_CORE", 0),
            ("RLIMIT_CPU", limits.get("cpu_s")),
            ("RLIMIT_AS", limits.get("as_bytes")),
            ("RLIMIT_FSIZE", limits.get("fsize")),
            ("RLIMIT_NPROC", limits.get("nproc")),
        ):
            if value is not None:
                resource.setrlimit(getattr(resource, name), (value, value))
        os.chdir(msg["scratch"])
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        for fd, fname in ((1, "stdout.txt"), (2, "stderr.txt")):
            f = os.open(fname, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(f, fd)
            os.close(f)
        uid, gid = init.get("uid"), init.get("gid")
        if uid is not None:
            drop_to(uid, gid)
        keep = sorted((fd_in, fd_out))
        os.closerange(3, keep[0])
        os.closerange(keep[0] + 1, keep[1])
        os.closerange(keep[1] + 1, 1 << 20)
        if limits.get("nofile") is not None:
            n = max(limits["nofile"], keep[1] + 1)
            resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))
        install_filter()
    except BaseException:  # noqa: BLE001 - a job that cannot be confined does not run
        os._exit(111)
    job = Job(fd_in, fd_out)
    # Only now may the candidate run: symtest waits for this before sending code,
    # so a failure above is told apart from anything the candidate does.
    job.write({"op": "confined"})
    job.serve()
    os._exit(0)


def main():
    # Named, so that `ps` and profilers tell the worker from its jobs.
    LIBC.prctl(PR_SET_NAME, b"symtest-worker", 0, 0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    LIBC.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    init, _ = recv()
    if init is None:
        return
    prepare_filter(bytes.fromhex(init.get("job_filter", "")))
    for name in init.get("warm", []):
        try:
            __import__(name)
        except Exception:  # noqa: BLE001 - a missing module only costs warmth
            pass
    # Everything imported so far is shared with every job: keep the garbage
    # collector from touching (and so copying) those pages in the children.
    import gc
    gc.collect()
    gc.freeze()
    send({"op": "ready", "pid": os.getpid(), "python": sys.version.split()[0]})
    while True:
        msg, fds = recv()
        if msg is None:
            return
        if msg.get("op") != "job" or len(fds) != 2:
            for fd in fds:
                os.close(fd)
            send({"op": "error", "message": "expected a job with two pipes"})
            continue
        pid = os.fork()
        if pid == 0:
            child(msg, fds, init)
        for fd in fds:
            os.close(fd)
        send({"op": "started", "pid": pid})
        # Wait without reaping: the pid (and so the process group id) stays
        # reserved until symtest has killed the group.
        info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
        send({"op": "exited", "pid": pid, "code": info.si_code, "status": info.si_status})
        reap, _ = recv()
        if reap is None:
            return
        os.waitpid(pid, 0)
        # Everything the job started was killed with it and comes back to us
        # (we are its subreaper) as it dies: reap until none is left, since
        # zombies still count against the next job's process limit.
        deadline = time.monotonic() + 2.0
        left = 0
        while True:
            try:
                other, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if other == 0:
                if time.monotonic() > deadline:
                    left = 1
                    break
                time.sleep(0.001)
        send({"op": "reaped", "left": left})


main()
