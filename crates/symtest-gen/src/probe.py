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
#
# The data probes are calls on hot paths: after __symtest_budget__ notes in
# one call of the entry they switch off (each probed expression tests
# __symtest_off__ first), so a loop of millions of steps is not slowed.
import ast as __symtest_ast
import copy as __symtest_copy

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


def __symtest_load__(source, sites, entry):
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
    exec(compile(tree, "<reference>", "exec"), globals())
    target = globals()[entry]

    def run(*args):
        global __symtest_off__
        __symtest_off__ = False
        __symtest_budget__[0] = 4096
        __symtest_hits__.clear()
        __symtest_data__.clear()
        __symtest_steps__.clear()
        try:
            target(*args)
        except Exception as e:  # noqa: BLE001 - the raise is part of the path
            return ("raised", type(e).__name__, sorted(__symtest_hits__), sorted(__symtest_data__))
        return ("returned", "", sorted(__symtest_hits__), sorted(__symtest_data__))

    globals()["__symtest_entry__"] = run
