# Branch probes: the reference's own branch coverage, measured in CPython.
# symtest appends a call of __symtest_load__ with the reference's source, the
# sites to probe as (id, kind, byte offset of the test or iterable) and the
# entry's name; the sandbox then calls __symtest_entry__ like the entry.
import ast as __symtest_ast

__symtest_hits__ = set()


def __symtest_probe__(site, value):
    taken = bool(value)
    __symtest_hits__.add((site, taken))
    return taken


def __symtest_iter__(site, iterable):
    for item in iterable:
        __symtest_hits__.add((site, True))
        yield item
    __symtest_hits__.add((site, False))


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

    def loop(kind, node):
        site = site_of(kind, node)
        return node if site is None else wrap("__symtest_iter__", site, node)

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

    tree = ast.fix_missing_locations(Probes().visit(ast.parse(source)))
    exec(compile(tree, "<reference>", "exec"), globals())
    target = globals()[entry]

    def run(*args):
        __symtest_hits__.clear()
        try:
            target(*args)
        except Exception as e:  # noqa: BLE001 - the raise is part of the path
            return ("raised", type(e).__name__, sorted(__symtest_hits__))
        return ("returned", "", sorted(__symtest_hits__))

    globals()["__symtest_entry__"] = run
