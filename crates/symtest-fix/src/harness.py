
# --- written by symtest fix: loads the module under test by its own name (so
# --- that its package's relative and absolute imports resolve) and calls one
# --- of its functions, returning what it did as plain values (result,
# --- arguments after, object, stdout); or describes the module after import
# --- (globals, what it printed).
# --- __symtest_fix_config__ comes first: the module's name, file, source (hex
# --- UTF-8), the original's source, folders to put on sys.path, padding.


def __symtest_fix_text__(key):
    return bytes.fromhex(__symtest_fix_config__[key]).decode("utf-8")


def __symtest_fix_finder__(blocked):
    import importlib.abc
    import importlib.machinery
    import os

    cfg = __symtest_fix_config__
    name = cfg["name"]

    class Loader(importlib.abc.Loader):
        def create_module(self, spec):
            return None

        def exec_module(self, module):
            import warnings
            module.__file__ = cfg["path"]
            # What the compiler warns about (`is` with a literal) is said
            # once, where the file is compiled, not when it is imported.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                code = compile(__symtest_fix_text__("source"), cfg["path"], "exec", dont_inherit=True)
            exec(code, module.__dict__)

    class Finder(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname, path=None, target=None):
            for b in blocked:
                if fullname == b or fullname.startswith(b + "."):
                    raise ModuleNotFoundError("No module named %r (blocked by symtest fix)" % fullname, name=fullname)
            if fullname != name:
                return None
            spec = importlib.machinery.ModuleSpec(name, Loader(), origin=cfg["path"], is_package=cfg["package"])
            if cfg["package"]:
                spec.submodule_search_locations = [os.path.dirname(cfg["path"])]
            spec.has_location = True
            return spec

    return Finder()


def __symtest_fix_import__(blocked=()):
    """The module, imported afresh with `blocked` modules not importable;
    sys.modules and sys.meta_path as they were afterwards."""
    import importlib
    import sys

    name = __symtest_fix_config__["name"]
    gone = [m for m in sys.modules if m == name or m.startswith(name + ".") or any(m == b or m.startswith(b + ".") for b in blocked)]
    saved = {m: sys.modules.pop(m) for m in gone}
    finder = __symtest_fix_finder__(tuple(blocked))
    sys.meta_path.insert(0, finder)
    try:
        return importlib.import_module(name)
    finally:
        sys.meta_path.remove(finder)
        if saved or blocked:
            for m in [m for m in sys.modules if m == name or m.startswith(name + ".") or any(m == b or m.startswith(b + ".") for b in blocked)]:
                del sys.modules[m]
            sys.modules.update(saved)
            parent, _, child = name.rpartition(".")
            if parent in sys.modules and name in saved:
                setattr(sys.modules[parent], child, saved[name])


def __symtest_fix_printing_import__(blocked=()):
    """The module imported as __symtest_fix_import__ does it, with what it
    printed while it loaded: (stdout, stderr), each cut to a length."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        module = __symtest_fix_import__(blocked)

    def cut(text):
        return text if len(text) <= 4000 else "%s... (%d characters)" % (text[:4000], len(text))

    return module, (cut(out.getvalue()), cut(err.getvalue()))


def __symtest_fix_start__():
    import sys

    cfg = __symtest_fix_config__
    sys.path[0:0] = cfg["sys_path"]
    if cfg["site"]:
        import site
        for d in cfg["site"]:
            site.addsitedir(d)
    top = cfg["name"].partition(".")[0]
    if top in sys.modules:
        # A name the interpreter already has (a module named like one of the
        # standard library's): a private name instead.
        cfg["name"] = "__symtest_fix_module__"
        cfg["package"] = False
    # The original runs twice, the second time with its objects elsewhere
    # in memory (objects of every small size taken first, so that each of
    # the allocator's size classes starts elsewhere): what depends on
    # addresses differs between the two.
    pad = []
    for n in range(cfg["pad"]):
        pad.append(bytes(n % 600))
        pad.append([None] * (n % 40))
        pad.append(tuple(range(n % 40)))
        pad.append({n: n for n in range(n % 12)})
    module, printed = __symtest_fix_printing_import__()
    return module, pad, printed


__symtest_fix_module__, __symtest_fix_pad__, __symtest_fix_printed__ = __symtest_fix_start__()
__symtest_fix_ns__ = __symtest_fix_module__.__dict__


def __symtest_fix_plain__(v, depth=0):
    import re
    t = type(v)
    if depth > 8:
        return "<deep>"
    if v is None or t in (bool, int, float, complex, str, bytes):
        return v
    if t is list or t is tuple:
        items = [__symtest_fix_plain__(x, depth + 1) for x in v[:1000]]
        if len(v) > 1000:
            items.append(("<more>", len(v) - 1000))
        return items if t is list else tuple(items)
    if t is dict:
        out = {}
        for i, (k, x) in enumerate(v.items()):
            if i == 1000:
                out["<more>"] = len(v) - 1000
                break
            key = k if type(k) in (bool, int, float, str, bytes, tuple) or k is None else repr(k)
            out[key] = __symtest_fix_plain__(x, depth + 1)
        return out
    if t in (set, frozenset):
        return ("<set>", sorted((__symtest_fix_plain__(x, depth + 1) for x in v), key=repr)[:1000])
    if isinstance(v, BaseException):
        return ("<exception>", t.__name__, __symtest_fix_plain__(v.args, depth + 1))
    fields = getattr(v, "__dict__", None)
    if type(fields) is dict:
        return ("<object>", t.__qualname__,
                tuple(sorted((str(k), __symtest_fix_plain__(x, depth + 1)) for k, x in fields.items())))
    # Addresses differ from run to run; they are no behaviour.
    return ("<object>", t.__qualname__, re.sub(r"0x[0-9a-fA-F]+", "0x?", repr(v)))


def __symtest_fix_probes__(source, package):
    """Modules imported at module level inside a `try` whose handlers catch
    ImportError: feature probes."""
    import ast
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    catching = ("ImportError", "ModuleNotFoundError", "Exception", "BaseException")

    def catches(h):
        if h.type is None:
            return True
        kinds = h.type.elts if isinstance(h.type, ast.Tuple) else [h.type]
        return any(isinstance(k, ast.Name) and k.id in catching for k in kinds)

    def absolute(node):
        if not node.level:
            return [node.module] if node.module else []
        base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
        if node.module:
            return [base + "." + node.module]
        return [base + "." + a.name for a in node.names]

    found = []

    def imports(stmts):
        for s in stmts:
            if isinstance(s, ast.Import):
                found.extend(a.name for a in s.names)
            elif isinstance(s, ast.ImportFrom):
                found.extend(absolute(s))
            elif isinstance(s, ast.If):
                imports(s.body)
                imports(s.orelse)

    def visit(stmts):
        for s in stmts:
            if isinstance(s, ast.Try):
                if any(catches(h) for h in s.handlers):
                    imports(s.body)
                for part in (s.body, s.orelse, s.finalbody):
                    visit(part)
                for h in s.handlers:
                    visit(h.body)
            elif isinstance(s, ast.If):
                visit(s.body)
                visit(s.orelse)

    visit(tree.body)
    return sorted(set(m for m in found if m))


def __symtest_fix_imported__(source):
    """Names the module binds by import statements at module level."""
    import ast
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update((a.asname or a.name).partition(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.update(a.asname or a.name for a in node.names)
    return names


def __symtest_fix_globals__(module, skip):
    """The module's globals as plain values: definitions by presence only,
    imported names and modules left out (removing an unused import changes
    nothing else)."""
    import types
    out = {}
    for k, v in module.__dict__.items():
        if (k.startswith("__") and k.endswith("__")) or k in skip:
            continue
        if isinstance(v, types.ModuleType):
            continue
        if isinstance(v, (type, types.FunctionType, types.BuiltinFunctionType)):
            if getattr(v, "__module__", None) != module.__name__:
                continue
            out[k] = "<definition>"
            continue
        out[k] = __symtest_fix_plain__(v)
    return out


def __symtest_fix_describe__():
    """The module after import: its globals; for each feature probe of the
    original, its globals and what it printed when that import fails; its
    own probes; what it printed (stdout, stderr) while it loaded."""
    cfg = __symtest_fix_config__
    own = __symtest_fix_text__("source")
    package = cfg["name"] if cfg["package"] else cfg["name"].rpartition(".")[0]
    skip = __symtest_fix_imported__(own) | __symtest_fix_imported__(__symtest_fix_text__("original"))
    now = __symtest_fix_globals__(__symtest_fix_module__, skip)
    without = {}
    for probe in __symtest_fix_probes__(__symtest_fix_text__("original"), package)[:8]:
        try:
            module, printed = __symtest_fix_printing_import__((probe,))
            without[probe] = (__symtest_fix_globals__(module, skip), printed)
        except BaseException as e:  # noqa: BLE001 - what the module does then is the answer
            without[probe] = (("<raises>", type(e).__name__), ("", ""))
    return (now, without, __symtest_fix_probes__(own, package), __symtest_fix_printed__)


def __symtest_fix_without__(probe):
    """A context in which importing `probe` (a module name; relative to the
    module's package when it starts with dots) fails, as where it is not
    installed; sys.modules and the package's attribute as they were
    afterwards."""
    import contextlib
    import sys

    cfg = __symtest_fix_config__
    if probe.startswith("."):
        package = cfg["name"] if cfg["package"] else cfg["name"].rpartition(".")[0]
        level = len(probe) - len(probe.lstrip("."))
        base = package.rsplit(".", level - 1)[0] if level > 1 else package
        probe = base + "." + probe[level:]

    def ours(m):
        return m == probe or m.startswith(probe + ".")

    @contextlib.contextmanager
    def blocking():
        gone = {m: sys.modules.pop(m) for m in [m for m in sys.modules if ours(m)]}
        # `from pkg import mod` takes an attribute of the package first.
        parent, _, child = probe.rpartition(".")
        holder = sys.modules.get(parent) if parent else None
        held = holder is not None and probe in gone and getattr(holder, child, None) is gone[probe]
        if held:
            delattr(holder, child)
        finder = __symtest_fix_finder__((probe,))
        sys.meta_path.insert(0, finder)
        try:
            yield
        finally:
            sys.meta_path.remove(finder)
            for m in [m for m in sys.modules if ours(m)]:
                del sys.modules[m]
            sys.modules.update(gone)
            if held:
                setattr(holder, child, gone[probe])

    return blocking()


def __symtest_fix_build__(a):
    if type(a) is tuple and len(a) == 3 and a[0] == "__symtest_new__":
        return __symtest_fix_ns__[a[1]](*[__symtest_fix_build__(x) for x in a[2]])
    return a


def __symtest_fix_jitter__():
    """In the original's second run, objects of many sizes held during each
    call: what the call allocates lands elsewhere than in the first run."""
    n = __symtest_fix_config__["pad"]
    return [bytes(k * 7 % 600) for k in range(n % 97 + 64)] if n else None


def __symtest_fix_call__(target, ctor, args, kwargs, without):
    import contextlib, inspect, io, itertools, random
    if target == "<module>":
        return __symtest_fix_describe__()
    import marshal
    hold = __symtest_fix_jitter__()
    __symtest_fix_config__["pad"] += 1 if hold else 0
    # The arguments made afresh, after the jitter: their addresses differ
    # between the original's runs too.
    args, kwargs, ctor = marshal.loads(marshal.dumps((args, kwargs, ctor)))
    ns = __symtest_fix_ns__
    random.seed(0)
    out = io.StringIO()
    obj = None
    blocked = __symtest_fix_without__(without) if without else contextlib.nullcontext()
    with contextlib.redirect_stdout(out), blocked:
        built = [__symtest_fix_build__(a) for a in args]
        named = {k: __symtest_fix_build__(a) for k, a in kwargs.items()}
        owner, _, name = target.rpartition(".")
        if not owner:
            result = ns[name](*built, **named)
        elif name == "__init__":
            result = obj = ns[owner](*built, **named)
        elif ctor is not None:
            obj = ns[owner](*[__symtest_fix_build__(a) for a in ctor])
            result = getattr(obj, name)(*built, **named)
        else:
            result = getattr(ns[owner], name)(*built, **named)
        if inspect.isgenerator(result):
            result = list(itertools.islice(result, 1000))
    answer = (
        __symtest_fix_plain__(result),
        # Keyword arguments after the call, by name, after the others.
        __symtest_fix_plain__(built + [named] if named else built),
        __symtest_fix_plain__(obj),
        out.getvalue(),
    )
    del hold
    return answer
