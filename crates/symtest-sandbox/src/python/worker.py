# symtest sandbox worker: a warm CPython that forks one child per job.
#
# This process (W) is started by symtest inside the sandbox: process 1 of its
# own PID namespace, in its own network, mount, IPC and UTS namespaces, with
# a root filesystem of its own (read-only Python and system libraries, a
# small tmpfs for the jobs' folders), Landlock and a seccomp filter. It never runs
# candidate code itself: each job runs in a child (G) that joins the slot's
# cgroup, lowers its limits, drops to an unprivileged uid with no
# capabilities, installs a stricter seccomp filter and closes every
# descriptor but its job pipes and standard streams. (Without namespaces,
# which symtest runs only when told to accept weaker isolation, there is no
# root of its own nor PID namespace: see kill_tree.)
#
# symtest talks to W over the SOCK_SEQPACKET socket on fd 3 and to G over
# the job pipes (4-byte big-endian length, then the message). Messages are
# dicts in marshal format (version 2: plain builtins, no references).

import builtins
import ctypes
import marshal
import os
import random
import resource
import shutil
import signal
import socket
import struct
import sys
import time
import types

CTRL = socket.socket(fileno=3)
LIBC = ctypes.CDLL(None, use_errno=True)
# fork(2) itself, without os.fork's after-fork handlers: this process has
# one thread and holds no lock when it forks, and those handlers touch
# (and so copy) a megabyte of pages in every child.
_FORK = ctypes.PyDLL(None, use_errno=True).fork
_FORK.restype = ctypes.c_int
PR_SET_NAME = 15
PR_SET_PDEATHSIG = 1
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
# Where the jobs' folders are made: symtest names it as the one argument
# (view.rs's JOBS in the view; without namespaces, a folder symtest made for
# this worker on the host); sys.argv is left as it was without it.
WORK = sys.argv.pop(1)


def send(msg):
    CTRL.send(marshal.dumps(msg, 2))


def recv():
    data, fds, _flags, _addr = socket.recv_fds(CTRL, 1 << 20, 8)
    if not data:
        return None, []
    return marshal.loads(data), fds


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


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
        raise OSError(ctypes.get_errno(), "seccomp")


def exit_builtins():
    """`exit` and `quit` as the site module would define them (-S skips it)."""

    class Quitter:
        def __init__(self, name):
            self.name = name

        def __repr__(self):
            return "Use %s() or Ctrl-D (i.e. EOF) to exit" % self.name

        def __call__(self, code=None):
            raise SystemExit(code)

    builtins.exit = Quitter("exit")
    builtins.quit = Quitter("quit")


# --- values and messages -----------------------------------------------------


MAX_REPLY = (32 << 20) - 4096
PLAIN = (type(None), bool, int, float, complex, str, bytes, list, tuple, dict, set, frozenset)


def first_foreign(v, depth=0):
    """The name of the first value in `v` that is not a plain builtin."""
    t = _type(v)
    if t not in PLAIN:
        return getattr(t, "__name__", "object")
    if depth > 2000:
        return "a value nested too deeply"
    if t in (list, tuple, set, frozenset):
        for x in v:
            r = first_foreign(x, depth + 1)
            if r:
                return r
    elif t is dict:
        for k, x in v.items():
            r = first_foreign(k, depth + 1) or first_foreign(x, depth + 1)
            if r:
                return r
    return None


def builtin_mro(cls):
    """Names of the builtin classes among an exception class's bases, nearest first."""
    out = []
    try:
        for c in _type.__dict__["__mro__"].__get__(cls):
            name = _type.__dict__["__name__"].__get__(c)
            if getattr(builtins, name, None) is c and issubclass(c, BaseException):
                out.append(name)
    except BaseException:  # noqa: BLE001 - a hostile class gets the root only
        out = ["BaseException"]
    return out[:64]


def raised(e, start):
    cls = _type(e)
    try:
        name = _type.__dict__["__name__"].__get__(cls)[:200]
    except BaseException:  # noqa: BLE001
        name = "?"
    try:
        message = _str(e)[:2000]
        if _type(message) is not _str:
            message = "<unprintable>"
    except BaseException:  # noqa: BLE001 - a hostile __str__
        message = "<unprintable>"
    return {"op": "raised", "type": name, "mro": builtin_mro(cls), "message": message, "ms": ms(start)}


def ms(start):
    return (time.perf_counter() - start) * 1000.0


# --- the job child -----------------------------------------------------------


class Job:
    def __init__(self, fd_in, fd_out):
        self.fd_in = fd_in
        self.fd_out = fd_out
        self.ns = None

    def read(self):
        head = self._exact(4)
        if head is None:
            os._exit(0)
        (n,) = struct.unpack(">I", head)
        body = self._exact(n)
        if body is None:
            os._exit(0)
        return marshal.loads(body)

    def _exact(self, n):
        chunks = []
        while n:
            b = os.read(self.fd_in, min(n, 1 << 20))
            if not b:
                return None
            chunks.append(b)
            n -= _len(b)
        return b"".join(chunks)

    def write(self, msg):
        try:
            data = dumps(msg)
        except (ValueError, RecursionError):
            try:
                name = first_foreign(msg)
            except RecursionError:
                name = None
            data = marshal.dumps({"op": "unencodable", "type": name or "a value nested too deeply"}, 2)
        if _len(data) > MAX_REPLY:
            data = marshal.dumps({"op": "unencodable", "type": "a value over 32 MiB"}, 2)
        view = memoryview(struct.pack(">I", _len(data)) + data)
        while view:
            view = view[os.write(self.fd_out, view):]

    def load(self, msg):
        name = msg.get("name") or "__candidate__"
        try:
            code = compile(msg["source"], "<candidate>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as e:
            self.write({"op": "compile_error", "message": ("%s: %s" % (_type(e).__name__, e))[:2000], "line": getattr(e, "lineno", None)})
            return
        module = types.ModuleType(name)
        module.__dict__["__builtins__"] = builtins
        sys.modules[name] = module
        sys.argv = ["main.py"]
        self.ns = module.__dict__
        start = time.perf_counter()
        try:
            exec(code, self.ns)
            if name == "__main__":
                self.shutdown()
        except SystemExit as e:
            if name == "__main__":
                self.shutdown()
            if e.code not in (None, 0):
                self.finish_io()
                self.write({"op": "raised", "type": "SystemExit", "mro": ["SystemExit", "BaseException"], "message": _str(e.code)[:2000], "ms": ms(start)})
                return
        except BaseException as e:  # noqa: BLE001 - the candidate's failure is the result
            self.finish_io()
            self.write(raised(e, start))
            return
        self.finish_io()
        self.write({"op": "loaded", "ms": ms(start)})
        for call in msg.get("calls") or ():
            self.call(msg["entry"], call[0], call[1], False)

    def shutdown(self):
        """What the interpreter does before a script's output is complete:
        wait for its non-daemon threads, then run its atexit handlers."""
        import atexit
        import threading

        try:
            threading._shutdown()
        finally:
            atexit._run_exitfuncs()

    def finish_io(self):
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:  # noqa: BLE001 - a full output is the candidate's problem
                pass

    def resolve(self, entry):
        fn = self.ns.get(entry)
        if callable(fn):
            return fn
        cls = self.ns.get("Solution")
        if isinstance(cls, _type) and hasattr(cls, entry):
            return getattr(cls(), entry)
        raise NameError("name %r is not defined" % entry)

    def call(self, entry, args, kwargs, want_args):
        start = time.perf_counter()
        try:
            args = list(args)
            fn = self.resolve(entry)
            start = time.perf_counter()
            value = fn(*args, **(kwargs or {}))
            took = ms(start)
        except BaseException as e:  # noqa: BLE001 - the candidate's failure is the result
            self.finish_io()
            self.write(raised(e, start))
            return
        self.finish_io()
        reply = {"op": "returned", "value": value, "ms": took}
        if want_args:
            reply["args"] = args
        self.write(reply)

    def serve(self):
        while True:
            msg = self.read()
            op = msg.get("op")
            if op == "load":
                self.load(msg)
            elif op == "call":
                if self.ns is None:
                    self.write({"op": "raised", "type": "RuntimeError", "mro": [], "message": "no program loaded", "ms": 0.0})
                else:
                    self.call(msg["entry"], msg["args"], msg.get("kwargs"), msg.get("want_args"))
            else:
                self.write({"op": "raised", "type": "RuntimeError", "mro": [], "message": "unknown request", "ms": 0.0})


def report(fd_out, step, err):
    msg = {"op": "unconfined", "step": step, "errno": getattr(err, "errno", None) or 0, "message": repr(err)[:500]}
    data = marshal.dumps(msg, 2)
    try:
        os.write(fd_out, struct.pack(">I", len(data)) + data)
    except OSError:
        pass


# With profiling on (the pool's `profile` setting, for benchmarks), each
# job reports how long each confinement step took.
PROFILE = False
STEPS = ("fork", "reseed random", "setsid", "join cgroup", "RLIMIT_CPU", "chdir to folder",
         "standard streams", "drop uid and capabilities", "parent-death signal",
         "close descriptors", "seccomp filter")


def child(msg, fds, folder, forked_at):
    """The job: confine, then serve. Limits that are the same for every job
    were set on the worker once and are inherited; standard input and
    output are the worker's /dev/null unless the job brings its own."""
    fd_in, fd_out = fds[0], fds[1]
    step = "start"
    marks = [forked_at]
    clock = time.perf_counter_ns
    try:
        if PROFILE:
            marks.append(clock())
        LIBC.prctl(PR_SET_NAME, b"symtest-job", 0, 0, 0)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for sig in IGNORED:
            signal.signal(sig, signal.SIG_DFL)
        random.seed()
        if PROFILE:
            marks.append(clock())
        step = "os.setsid"
        os.setsid()
        if PROFILE:
            marks.append(clock())
        step = "joining the slot's cgroup"
        for fd in CGROUP_FDS:
            os.write(fd, b"0")
        if PROFILE:
            marks.append(clock())
        step = "RLIMIT_CPU"
        cpu = msg["cpu_s"]
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        if PROFILE:
            marks.append(clock())
        step = "chdir to the job folder"
        os.chdir(folder)
        if PROFILE:
            marks.append(clock())
        step = "standard streams"
        if msg["stdin"]:
            os.dup2(fds[2], 0)
        if msg["stdout"]:
            os.dup2(fds[-1], 1)
        os.dup2(NULL, 2)
        if PROFILE:
            marks.append(clock())
        if UID is not None:
            step = "dropping to the job's uid"
            os.setgroups([])
            os.setresgid(UID, UID, UID)
            os.setresuid(UID, UID, UID)
        if PROFILE:
            marks.append(clock())
        step = "PR_SET_PDEATHSIG"
        if LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl")
        if PROFILE:
            marks.append(clock())
        step = "closing descriptors"
        lo, hi = (fd_in, fd_out) if fd_in < fd_out else (fd_out, fd_in)
        os.closerange(3, lo)
        os.closerange(lo + 1, hi)
        os.closerange(hi + 1, 1 << 20)
        if PROFILE:
            marks.append(clock())
        step = "seccomp"
        install_filter()
        if PROFILE:
            marks.append(clock())
    except BaseException as e:  # noqa: BLE001 - a job that cannot be confined does not run
        report(fd_out, step, e)
        os._exit(111)
    job = Job(fd_in, fd_out)
    # Only now may the candidate run: symtest waits for this before it
    # counts anything against the candidate.
    if PROFILE:
        job.write({"op": "confined", "steps": [[n, b - a] for n, a, b in zip(STEPS, marks, marks[1:])]})
    else:
        job.write({"op": "confined"})
    job.serve()
    os._exit(0)


def limit_self(limits):
    """The limits every job has, set once here and inherited (each job
    lowers only its CPU time). This process stays well within them."""
    for name, value in (
        ("RLIMIT_CORE", 0),
        ("RLIMIT_AS", limits.get("as_bytes")),
        ("RLIMIT_FSIZE", limits.get("fsize")),
        ("RLIMIT_NPROC", limits.get("nproc")),
        ("RLIMIT_NOFILE", limits.get("nofile")),
    ):
        if value is not None:
            resource.setrlimit(getattr(resource, name), (value, value))


def reap_all(deadline):
    """As process 1 of the namespace, every orphan comes back to us."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return True
        if pid == 0:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.0005)


def kill_tree(pid):
    """Kills every process of the job. As process 1 of its own namespace
    (with namespaces), that is every other process in it. Without them
    kill(-1) would reach every process of the host this worker may signal,
    so it kills the job's process group (the job filter keeps its children
    in it) and, when jobs have their own uid, every process of that uid
    (from a child that takes the uid: kill(-1) then reaches only those)."""
    if os.getpid() == 1:
        try:
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass
        return
    for kill in (os.killpg, os.kill):  # the job itself, if not yet in its own group
        try:
            kill(pid, signal.SIGKILL)
        except OSError:
            pass
    if UID is None:
        return
    helper = _FORK()
    if helper == 0:
        try:
            os.setresuid(UID, UID, UID)
            os.kill(-1, signal.SIGKILL)
        except BaseException:  # noqa: BLE001 - nothing of that uid left, or no way to reach it
            pass
        os._exit(0)
    if helper > 0:
        try:
            os.waitpid(helper, 0)
        except ChildProcessError:
            pass


def kill_job(pid, folder):
    started = time.perf_counter_ns()
    kill_tree(pid)
    try:
        _, status = os.waitpid(pid, 0)
        if os.WIFEXITED(status):
            end = ("exited", os.WEXITSTATUS(status))
        else:
            end = ("signal", os.WTERMSIG(status))
    except ChildProcessError:
        end = ("signal", signal.SIGKILL)
    clean = reap_all(time.monotonic() + 2.0)
    killed = time.perf_counter_ns()
    try:
        os.rmdir(folder)
    except OSError:
        try:
            shutil.rmtree(folder)
        except BaseException:  # noqa: BLE001 - a tree too deep to walk: a fresh worker follows
            clean = False
    return end, clean, [["kill and reap", killed - started], ["remove folder", time.perf_counter_ns() - killed]]


CGROUP_FDS = []
IGNORED = (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)
UID = None
NULL = -1


def main():
    global CGROUP_FDS, UID, NULL, PROFILE
    # Named, so that `ps` and profilers tell the worker from its jobs.
    LIBC.prctl(PR_SET_NAME, b"symtest-worker", 0, 0, 0)
    # Process 1 of its namespace receives only the signals it handles: it
    # handles none (Python's own SIGINT handler included), so a job sharing
    # its uid (without root) cannot stop it.
    for sig in (signal.SIGINT,) + IGNORED:
        signal.signal(sig, signal.SIG_IGN)
    init, fds = recv()
    if init is None:
        return
    CGROUP_FDS = fds
    UID = init.get("uid")
    PROFILE = bool(init.get("profile"))
    NULL = os.open(os.devnull, os.O_RDWR)
    prepare_filter(init.get("job_filter") or b"")
    exit_builtins()
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
    limit_self(init.get("limits") or {})
    send({"op": "ready", "python": sys.version.split()[0]})
    n = 0
    while True:
        msg, fds = recv()
        if msg is None:
            return
        if msg.get("op") != "job" or len(fds) < 2:
            for fd in fds:
                os.close(fd)
            send({"op": "error", "message": "expected a job with its pipes"})
            continue
        n += 1
        folder = "%s/job-%d" % (WORK, n)
        made = time.perf_counter_ns()
        try:
            os.mkdir(folder, 0o700)
            if UID is not None:
                os.chown(folder, UID, UID)
        except OSError as e:
            for fd in fds:
                os.close(fd)
            send({"op": "error", "message": "job folder: %r" % e})
            continue
        forking = time.perf_counter_ns()
        pid = _FORK()
        if pid == 0:
            child(msg, fds, folder, forking)
        for fd in fds:
            os.close(fd)
        if pid < 0:
            send({"op": "error", "message": "fork: errno %d" % ctypes.get_errno()})
            continue
        kill, _ = recv()
        if kill is None:
            return
        try:
            end, clean, steps = kill_job(pid, folder)
        except BaseException:  # noqa: BLE001 - whatever the job left, this worker is done
            end, clean, steps = ("signal", signal.SIGKILL), False, []
        done = {"op": "done", "how": end[0], "status": end[1], "clean": clean}
        if PROFILE:
            done["steps"] = [["make folder", forking - made]] + steps
        send(done)


main()
