# Branch probes: the reference's own branch coverage, measured in CPython.
# symtest appends a call of __symtest_load__ with the reference's source, the
# sites to probe as (id, kind, byte offset of the test or iterable) and the
# entry's name; the sandbox then calls __symtest_entry__ like the entry.
#
# Beside branch directions, the probes record data criteria, which a suite
# that takes every branch can still miss: (kind, place, what) with place a
# number given to each node probed.
# - "key": the key of each lookup in a constant table (a dict, list or tuple
#   display of constants) and the item each `in` finds in one, so that every
#   entry the code reads is reached;
# - "sign": the sign (or zero) of each number reaching an arithmetic operator,
#   per operand, so that `a - b` meets values of both signs;
# - "cmp": how the operands of each comparison of numbers or texts compared
#   (less, equal, greater), the concrete edges of every comparison;
# - "loop": how many times a loop ran when it ended (none, once, more), and
#   "last": the direction of each branch taken on a loop's last step, where
#   a changed loop bound shows.
# - "mut": the single-site mutants of the reference (see below) an input
#   tells from it, so that the suite keeps an input for each wrong program a
#   small slip makes when some candidate can tell it.
#
# The data probes are calls on hot paths: after __symtest_budget__ notes in
# one call of the entry they switch off (each probed expression tests
# __symtest_off__ first), so a loop of millions of steps is not slowed.
import ast as __symtest_ast
import builtins as __symtest_builtins
import copy as __symtest_copy
import signal as __symtest_signal
import time as __symtest_time

# Inside a class body a name with two leading underscores (and not two
# trailing ones) is mangled: the mutator's methods use this one.
__symtest_ast__ = __symtest_ast

__symtest_hits__ = set()
__symtest_data__ = set()
__symtest_steps__ = []
__symtest_off__ = False
__symtest_budget__ = [0]


def __symtest_note__(item):
    global __symtest_off__
    __symtest_data__.add(item)
    __symtest_budget__[0] -= 1
    if __symtest_budget__[0] <= 0:
        __symtest_off__ = True


def __symtest_probe__(site, value):
    taken = bool(value)
    __symtest_hits__.add((site, taken))
    if __symtest_steps__ and __symtest_steps__[-1][0]:
        __symtest_data__.add(("last", site, str(taken)))
    return taken


def __symtest_iter__(site, place, iterable):
    sized = type(iterable) in (range, list, tuple, str)
    step = [False]
    __symtest_steps__.append(step)
    count = 0
    try:
        for item in iterable:
            count += 1
            step[0] = sized and count == len(iterable)
            __symtest_hits__.add((site, True))
            yield item
    finally:
        step[0] = False
        for i in range(len(__symtest_steps__) - 1, -1, -1):
            if __symtest_steps__[i] is step:
                del __symtest_steps__[i]
                break
    __symtest_hits__.add((site, False))
    __symtest_data__.add(("loop", place, str(min(count, 2))))


__symtest_ops__ = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def __symtest_cmp__(place, op, a, b):
    result = __symtest_ops__[op](a, b)
    plain = (int, float, str)
    if type(a) in plain and type(b) in plain and (type(a) is str) == (type(b) is str):
        relation = "<" if a < b else "=" if a == b else ">" if a > b else "?"
        __symtest_note__(("cmp", place, relation))
    return result


def __symtest_member__(place, negated, item, table):
    found = item in table
    __symtest_note__(("key", place, repr(item)[:40] if found else "absent"))
    return found != negated


def __symtest_key__(place, key):
    __symtest_note__(("key", place, repr(key)[:40]))
    return key


def __symtest_sign__(place, value):
    if type(value) in (int, float):
        sign = "0" if value == 0 else "-" if value < 0 else "+" if value > 0 else "nan"
        __symtest_note__(("sign", place, sign))
    return value


# Mutants: programs one slip away from the reference, made inside its
# functions: an arithmetic, comparison or boolean operator swapped for one
# neighbour, an int constant one up or one down, a bool flipped, a `not` or
# unary minus dropped, `break` and `continue` exchanged. Each input is run
# on them after the reference (on a copy of its arguments, each mutant on a
# time limit); one that answers otherwise or raises otherwise is told apart
# by that input. At most as many mutants as asked (`gen --mutants`), spread
# evenly over the sites; loading and running them have budgets of their own
# (see __symtest_make_mutants__ and __symtest_tell_mutants__).
__symtest_mutants__ = []
__symtest_mutant_time__ = [0.5]
__symtest_slow_mutants__ = set()
__symtest_arith__ = {
    __symtest_ast.Add: __symtest_ast.Sub,
    __symtest_ast.Sub: __symtest_ast.Add,
    __symtest_ast.Mult: __symtest_ast.Add,
    __symtest_ast.Div: __symtest_ast.Mult,
    __symtest_ast.FloorDiv: __symtest_ast.Div,
    __symtest_ast.Mod: __symtest_ast.FloorDiv,
    __symtest_ast.Pow: __symtest_ast.Mult,
}
__symtest_compare__ = {
    __symtest_ast.Lt: __symtest_ast.LtE,
    __symtest_ast.LtE: __symtest_ast.Lt,
    __symtest_ast.Gt: __symtest_ast.GtE,
    __symtest_ast.GtE: __symtest_ast.Gt,
    __symtest_ast.Eq: __symtest_ast.NotEq,
    __symtest_ast.NotEq: __symtest_ast.Eq,
    __symtest_ast.In: __symtest_ast.NotIn,
    __symtest_ast.NotIn: __symtest_ast.In,
}


class __SymtestSlow(BaseException):
    """A mutant's time limit (not an Exception: `except Exception` in the
    mutant does not swallow it)."""


# Whether a time limit is running (a SIGALRM that lands after its code
# ended, in the handler's `finally`, is ignored), and whether it fired.
__symtest_armed__ = [False]
__symtest_fired__ = [False]


def __symtest_slow__(signum, frame):
    if __symtest_armed__[0]:
        __symtest_fired__[0] = True
        raise __SymtestSlow()


def __symtest_limited__(seconds, run, *args):
    """`run(*args)` on a time limit of `seconds` (raising __SymtestSlow,
    again every 2 ms until it has stopped). A run the limit interrupted is
    slow even where the code caught the exception and went on. The handler
    is set again each time: the code may have set its own."""
    timer = __symtest_signal.ITIMER_REAL
    __symtest_signal.signal(__symtest_signal.SIGALRM, __symtest_slow__)
    __symtest_fired__[0] = False
    try:
        try:
            __symtest_armed__[0] = True
            __symtest_signal.setitimer(timer, seconds, 0.002)
            result = run(*args)
        finally:
            __symtest_armed__[0] = False
            __symtest_signal.setitimer(timer, 0)
    except __SymtestSlow:
        __symtest_armed__[0] = False
        __symtest_signal.setitimer(timer, 0)
        raise
    if __symtest_fired__[0]:
        raise __SymtestSlow()
    return result


def __symtest_small__(value, limit=5000):
    """Whether `value` holds at most `limit` items, counted through lists,
    tuples, sets and dicts (a deep copy of it for each call is cheap)."""
    stack, seen = [value], 0
    while stack:
        v = stack.pop()
        seen += 1
        if seen > limit:
            return False
        if type(v) in (list, tuple, set, frozenset):
            stack.extend(v)
        elif type(v) is dict:
            stack.extend(v.keys())
            stack.extend(v.values())
    return True


class __SymtestMutate(__symtest_ast__.NodeTransformer):
    """Counts the single-site changes inside functions (or anywhere, for a
    whole program) in a fixed order and makes the one numbered `target`
    (none when it is -1)."""

    def __init__(self, target, everywhere=False):
        self.target = target
        self.seen = 0
        self.depth = 1 if everywhere else 0

    def hit(self):
        if self.depth == 0:
            return False
        self.seen += 1
        return self.seen - 1 == self.target

    def inside(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = inside

    def operator(self, node):
        self.generic_visit(node)
        swap = __symtest_arith__.get(type(node.op))
        if swap is not None and self.hit():
            node.op = swap()
        return node

    visit_BinOp = visit_AugAssign = operator

    def visit_Compare(self, node):
        self.generic_visit(node)
        for i, op in enumerate(node.ops):
            swap = __symtest_compare__.get(type(op))
            if swap is not None and self.hit():
                node.ops[i] = swap()
        return node

    def visit_BoolOp(self, node):
        self.generic_visit(node)
        if self.hit():
            node.op = __symtest_ast__.Or() if isinstance(node.op, __symtest_ast__.And) else __symtest_ast__.And()
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, (__symtest_ast__.Not, __symtest_ast__.USub)) and self.hit():
            return node.operand
        return node

    def visit_Constant(self, node):
        value = node.value
        if type(value) is bool and self.hit():
            node.value = not value
        elif type(value) is int:
            if self.hit():
                node.value = value + 1
            if self.hit():
                node.value = value - 1
        return node

    def visit_Break(self, node):
        return __symtest_ast__.copy_location(__symtest_ast__.Continue(), node) if self.hit() else node

    def visit_Continue(self, node):
        return __symtest_ast__.copy_location(__symtest_ast__.Break(), node) if self.hit() else node


def __symtest_swallows__(tree):
    """Whether the code has a bare `except:` or one for BaseException, which
    could swallow a mutant's time limit."""
    ast = __symtest_ast
    return any(
        isinstance(node, ast.ExceptHandler) and (
            node.type is None
            or (isinstance(node.type, ast.Name) and node.type.id == "BaseException"))
        for node in ast.walk(tree))


def __symtest_targets__(total, cap):
    """At most `cap` of `total` mutation sites, spread evenly."""
    return range(total) if total <= cap else sorted({i * total // cap for i in range(cap)})


def __symtest_make_mutants__(source, entry, cap, budget):
    """Loads the mutants, each module on a time limit (its top level may
    call a mutated function), all within `budget` seconds. None when the
    reference has a bare `except:` or one for BaseException, which could
    swallow the time limit, or off the main thread (no SIGALRM)."""
    ast = __symtest_ast
    tree = ast.parse(source)
    if __symtest_swallows__(tree):
        return
    try:
        __symtest_signal.signal(__symtest_signal.SIGALRM, __symtest_slow__)
    except ValueError:
        return
    counter = __SymtestMutate(-1)
    counter.visit(tree)
    total = counter.seen
    targets = __symtest_targets__(total, cap)
    end = __symtest_time.perf_counter() + budget
    for target in targets:
        left = end - __symtest_time.perf_counter()
        if left <= 0:
            break
        tree = __SymtestMutate(target).visit(ast.parse(source))
        namespace = {"__name__": "__symtest_mutant__", "__builtins__": __symtest_builtins}
        try:
            code = compile(ast.fix_missing_locations(tree), "<mutant>", "exec")
            __symtest_limited__(left, exec, code, namespace)
        except BaseException:  # noqa: BLE001 - a mutant that does not load is no mutant
            continue
        function = namespace.get(entry)
        if callable(function):
            __symtest_mutants__.append((target, function))


def __symtest_outcome__(function, args):
    try:
        return ("returned", function(*args))
    except __SymtestSlow:
        raise
    except BaseException as e:  # noqa: BLE001 - the raise is the outcome
        return ("raised", type(e).__name__)


def __symtest_same__(a, b):
    """Whether two outcomes are alike as the grader judges answers: the
    same exception class, or values equal as `symtest grade` compares them."""
    if a[0] != b[0]:
        return False
    if a[0] == "raised":
        return a[1] == b[1]
    try:
        return __symtest_alike__(b[1], a[1], 0)
    except Exception:  # noqa: BLE001 - an answer that cannot be compared tells nothing
        return True


__symtest_numbers__ = (bool, int, float)


def __symtest_alike__(got, expected, depth):
    """The grader's equality (symtest-pyvalue's `py_eq`): numbers across
    bool, int and float, within 1e-9 + 1e-7 of the expected value where a
    float is involved; a NaN expected matched by a NaN; lists and tuples
    item by item; dicts by keys, then values; the rest by `==`."""
    if depth > 100:
        return True
    if type(got) in __symtest_numbers__ and type(expected) in __symtest_numbers__:
        if type(got) is float or type(expected) is float:
            g, e = float(got), float(expected)
            if e != e:
                return g != g
            return abs(g - e) <= 1e-9 + 1e-7 * abs(e)
        return got == expected
    if type(got) is not type(expected):
        return False
    if type(got) in (list, tuple):
        return len(got) == len(expected) and all(
            __symtest_alike__(x, y, depth + 1) for x, y in zip(got, expected))
    if type(got) is dict:
        return got.keys() == expected.keys() and all(
            __symtest_alike__(got[k], expected[k], depth + 1) for k in expected)
    return bool(got == expected)


def __symtest_tell_mutants__(pristine, reference, reference_s):
    """Notes ("mut", target, "") for each mutant `pristine` tells apart.
    A mutant gets ten times the reference's time (2 ms at least, 20 at
    most); one that runs out of it is dropped, not counted as told apart (it
    may only be slower). All mutants share twenty times the reference's time
    a call (50 ms at most) and __symtest_mutant_time__ a load."""
    left = __symtest_mutant_time__[0]
    if pristine is None or left <= 0 or reference_s > 0.02:
        return
    limit = min(0.02, max(0.002, 10 * reference_s))
    started = __symtest_time.perf_counter()
    end = started + min(left, 0.05, max(0.005, 20 * reference_s))
    for target, function in __symtest_mutants__:
        if target in __symtest_slow_mutants__:
            continue
        if __symtest_time.perf_counter() > end:
            break
        try:
            args = __symtest_copy.deepcopy(pristine)
            outcome = __symtest_limited__(limit, __symtest_outcome__, function, args)
        except __SymtestSlow:
            __symtest_slow_mutants__.add(target)
            continue
        except BaseException:  # noqa: BLE001 - arguments that cannot be copied
            break
        if not __symtest_same__(reference, outcome):
            __symtest_data__.add(("mut", target, ""))
    __symtest_mutant_time__[0] = left - (__symtest_time.perf_counter() - started)


def __symtest_load__(source, sites, entry, mutants):
    ast = __symtest_ast
    starts = [0]
    for i, byte in enumerate(source.encode("utf-8")):
        if byte == 10:
            starts.append(i + 1)
    wanted = {(kind, offset): site for site, kind, offset in sites}

    def site_of(kind, node):
        return wanted.get((kind, starts[node.lineno - 1] + node.col_offset))

    def wrap(helper, site, node):
        call = ast.Call(
            func=ast.Name(id=helper, ctx=ast.Load()),
            args=[ast.Constant(value=site), node],
            keywords=[],
        )
        return ast.copy_location(call, node)

    def test(kind, node):
        site = site_of(kind, node)
        return node if site is None else wrap("__symtest_probe__", site, node)

    places = []

    def place(node):
        """A number of its own for each node probed for data."""
        places.append(node)
        return len(places)

    def loop(kind, node):
        site = site_of(kind, node)
        if site is None:
            return node
        call = ast.Call(
            func=ast.Name(id="__symtest_iter__", ctx=ast.Load()),
            args=[ast.Constant(value=site), ast.Constant(value=place(node)), node],
            keywords=[],
        )
        return ast.copy_location(call, node)

    def constant(node):
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return constant(node.operand)
        return isinstance(node, (ast.Tuple, ast.List)) and all(map(constant, node.elts))

    def table(node):
        """A display of constants: a dict, list or tuple, or a text."""
        if isinstance(node, ast.Dict):
            return bool(node.keys) and all(
                k is not None and constant(k) for k in node.keys
            ) and all(map(constant, node.values))
        if isinstance(node, (ast.List, ast.Tuple)):
            return bool(node.elts) and all(map(constant, node.elts))
        return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value != ""

    tree = ast.parse(source)
    stores = {}
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            stores[n.id] = stores.get(n.id, 0) + 1
    # A name bound once, to a table, is that table wherever it is read.
    tables = {
        t.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Assign) and table(n.value)
        for t in n.targets
        if isinstance(t, ast.Name) and stores.get(t.id) == 1
    }

    def is_table(node):
        return (isinstance(node, ast.Name) and node.id in tables) or table(node)

    def unless_off(plain, probed):
        """`plain if __symtest_off__ else probed`: only one is evaluated;
        `plain` is the expression before the data probes (with its branch
        probes), so nothing is copied twice."""
        choice = ast.IfExp(
            test=ast.Name(id="__symtest_off__", ctx=ast.Load()),
            body=plain,
            orelse=probed,
        )
        return ast.copy_location(choice, probed)

    def noted(helper, at, plain, node):
        call = ast.Call(
            func=ast.Name(id=helper, ctx=ast.Load()),
            args=[ast.Constant(value=at), node],
            keywords=[],
        )
        return unless_off(plain, ast.copy_location(call, node))

    def plain(node):
        return __symtest_copy.deepcopy(node)

    class Probes(ast.NodeTransformer):
        def probed(self, node, field, kind, probe):
            """`node` with its children probed, then its `field` by `probe`."""
            self.generic_visit(node)
            setattr(node, field, probe(kind, getattr(node, field)))
            return node

        def visit_If(self, node):
            return self.probed(node, "test", "if", test)

        def visit_While(self, node):
            return self.probed(node, "test", "while", test)

        def visit_IfExp(self, node):
            return self.probed(node, "test", "ifexp", test)

        def visit_For(self, node):
            return self.probed(node, "iter", "for", loop)

        def visit_comprehension(self, node):
            node = self.probed(node, "iter", "compfor", loop)
            node.ifs = [test("compif", t) for t in node.ifs]
            return node

    class Data(ast.NodeTransformer):
        def visit_Subscript(self, node):
            key = plain(node.slice)
            self.generic_visit(node)
            lookup = isinstance(node.ctx, ast.Load) and not isinstance(node.slice, ast.Slice)
            if lookup and is_table(node.value):
                node.slice = noted("__symtest_key__", place(node), key, node.slice)
            return node

        def visit_Call(self, node):
            key = plain(node.args[0]) if node.args else None
            self.generic_visit(node)
            f = node.func
            if (isinstance(f, ast.Attribute) and f.attr == "get" and is_table(f.value)
                    and node.args and not isinstance(node.args[0], ast.Starred)):
                node.args[0] = noted("__symtest_key__", place(node), key, node.args[0])
            return node

        def visit_BinOp(self, node):
            left, right = plain(node.left), plain(node.right)
            self.generic_visit(node)
            if isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv,
                                    ast.Mod, ast.Pow)):
                node.left = noted("__symtest_sign__", place(node.left), left, node.left)
                node.right = noted("__symtest_sign__", place(node.right), right, node.right)
            return node

        def visit_Compare(self, node):
            before = plain(node)
            self.generic_visit(node)
            names = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
                     ast.Eq: "==", ast.NotEq: "!="}
            op = names.get(type(node.ops[0])) if len(node.ops) == 1 else None
            member = len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn))
            if member and is_table(node.comparators[0]):
                call = ast.Call(
                    func=ast.Name(id="__symtest_member__", ctx=ast.Load()),
                    args=[ast.Constant(value=place(node)),
                          ast.Constant(value=isinstance(node.ops[0], ast.NotIn)), node.left,
                          node.comparators[0]],
                    keywords=[],
                )
                return unless_off(before, ast.copy_location(call, node))
            if op is None:
                return node
            call = ast.Call(
                func=ast.Name(id="__symtest_cmp__", ctx=ast.Load()),
                args=[ast.Constant(value=place(node)), ast.Constant(value=op), node.left,
                      node.comparators[0]],
                keywords=[],
            )
            return unless_off(before, ast.copy_location(call, node))

    tree = ast.fix_missing_locations(Data().visit(Probes().visit(tree)))
    loading = __symtest_time.perf_counter()
    exec(compile(tree, "<reference>", "exec"), globals())
    target = globals()[entry]

    # Each mutant runs the module's top level again: none where that is slow.
    if mutants > 0 and __symtest_time.perf_counter() - loading < 0.05:
        __symtest_make_mutants__(source, entry, mutants, 0.5)

    def run(*args):
        global __symtest_off__
        __symtest_off__ = False
        __symtest_budget__[0] = 4096
        __symtest_hits__.clear()
        __symtest_data__.clear()
        __symtest_steps__.clear()
        pristine = None
        if __symtest_mutants__ and __symtest_mutant_time__[0] > 0 and __symtest_small__(args):
            try:
                pristine = __symtest_copy.deepcopy(args)
            except Exception:  # noqa: BLE001 - arguments that cannot be copied
                pristine = None
        started = __symtest_time.perf_counter()
        try:
            outcome = ("returned", target(*args))
        except Exception as e:  # noqa: BLE001 - the raise is part of the path
            outcome = ("raised", type(e).__name__)
        __symtest_tell_mutants__(pristine, outcome, __symtest_time.perf_counter() - started)
        kind, name = outcome[0], outcome[1] if outcome[0] == "raised" else ""
        made = len(__symtest_mutants__)
        return (kind, name, sorted(__symtest_hits__), sorted(__symtest_data__), made)

    globals()["__symtest_entry__"] = run
