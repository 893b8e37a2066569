#!/usr/bin/env python3
"""Fails when the modules of a Rust crate depend on each other in a circle.

    scripts/check_module_cycles.py [--graph] [CRATE_DIR ...]   (default: crates/symtest-python)

The module tree is read from `src/lib.rs` (or `src/main.rs`) through its `mod`
declarations. A module depends on another when its file names it in a path:
`use crate::a::b`, `use super::x`, `use self::m::y`, a `use` of a child module
by its bare name (`pub use iter::next`), or the same paths written inline in
code (`crate::lower::parse(..)`, `super::repr::repr(&v)`). A path counts for
the deepest module it names: `crate::interp::iter::char_len` depends on
`interp::iter`, `super::Interp` on the parent module itself. Inline modules
(`mod tests { .. }`) belong to their file. Comments and string literals are
ignored, and so are method calls: `impl` blocks of one type may be spread over
many files as long as the files' `use` graph has no cycle.

`--graph` also prints every dependency (`a::b -> c`).

Exit status 0 when the graph of every crate given is acyclic, 1 when one has a
cycle (each cycle is printed with the file and line of every edge), 2 on a
usage error.
"""

import os
import re
import sys

def strip_code(text):
    """The text with comments, strings and char literals blanked out (newlines
    kept, so line numbers stay right)."""
    out = []
    i, n = 0, len(text)

    def blank(s):
        return "".join("\n" if c == "\n" else " " for c in s)

    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(blank(text[i:j]))
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(blank(text[i:j]))
            i = j
        elif c == "r" and re.match(r'r#*"', text[i:]) and _raw_prefix_starts(text, i):
            m = re.match(r'r(#*)"', text[i:])
            end = '"' + m.group(1)
            j = text.find(end, i + m.end())
            j = n if j < 0 else j + len(end)
            out.append(blank(text[i:j]))
            i = j
        elif c == "b" and text.startswith('b"', i) and not _ident_char(text, i - 1):
            j = _string_end(text, i + 2)
            out.append(blank(text[i:j]))
            i = j
        elif c == '"':
            j = _string_end(text, i + 1)
            out.append(blank(text[i:j]))
            i = j
        elif c == "'":
            # A char literal ('a', '\n', '\u{1F600}'), not a lifetime ('a).
            m = re.match(r"'(\\(u\{[0-9a-fA-F]+\}|x[0-9a-fA-F]{2}|.)|[^\\'])'", text[i:], re.S)
            if m:
                out.append(blank(m.group(0)))
                i += m.end()
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _raw_prefix_starts(text, i):
    """Whether the `r` at `i` begins a raw string (`r"..."` or `br"..."`),
    not the end of an identifier."""
    if text[i - 1 : i] == "b":
        return not _ident_char(text, i - 2)
    return not _ident_char(text, i - 1)


def _ident_char(text, i):
    return i >= 0 and (text[i].isalnum() or text[i] == "_")


def _string_end(text, j):
    n = len(text)
    while j < n:
        if text[j] == "\\":
            j += 2
        elif text[j] == '"':
            return j + 1
        else:
            j += 1
    return n


TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|::|\S")


def tokens(code):
    """(token, line) pairs."""
    line = 1
    pos = 0
    for m in TOKEN.finditer(code):
        line += code.count("\n", pos, m.start())
        pos = m.start()
        yield m.group(0), line


IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Module:
    def __init__(self, path, file, children_dir):
        self.path = path  # tuple of names; () is the crate root
        self.file = file  # inline modules share their parent's file
        self.children_dir = children_dir
        self.children = {}


def child_file(children_dir, name):
    for candidate in (os.path.join(children_dir, name + ".rs"), os.path.join(children_dir, name, "mod.rs")):
        if os.path.isfile(candidate):
            return candidate
    return None


def scan_file(path, file, modules, files):
    """Reads one file module: its declared children (recursively) and, for
    every token, the (inline) module it is written in."""
    base = os.path.basename(file)
    children_dir = os.path.dirname(file) if base in ("lib.rs", "main.rs", "mod.rs") else file[: -len(".rs")]
    module = Module(path, file, children_dir)
    modules[path] = module
    with open(file, encoding="utf-8") as f:
        toks = list(tokens(strip_code(f.read())))
    scopes = []
    stack = [(module, 0)]
    depth = 0
    i = 0
    while i < len(toks):
        tok = toks[i][0]
        scopes.append(stack[-1][0].path)
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
            while len(stack) > 1 and stack[-1][1] > depth:
                stack.pop()
        elif tok == "mod" and i + 2 < len(toks) and IDENT.fullmatch(toks[i + 1][0]):
            name, after = toks[i + 1][0], toks[i + 2][0]
            parent = stack[-1][0]
            if after == ";":
                cf = child_file(parent.children_dir, name)
                if cf is None:
                    sys.stderr.write(f"warning: no file for module {name} declared in {file}\n")
                else:
                    parent.children[name] = scan_file(parent.path + (name,), cf, modules, files)
            elif after == "{":
                inline = Module(parent.path + (name,), file, os.path.join(parent.children_dir, name))
                modules[inline.path] = inline
                parent.children[name] = inline
                scopes.extend([parent.path, inline.path])
                depth += 1
                stack.append((inline, depth))
                i += 3
                continue
        i += 1
    files[file] = (path, toks, scopes)
    return module


def paths_in(toks):
    """(segments, token index) of every path a file writes: the leaves of
    `use` trees and inline `a::b::c` chains."""
    found = []
    i = 0
    n = len(toks)
    while i < n:
        tok = toks[i][0]
        first = i == 0 or toks[i - 1][0] != "::"
        if tok == "use" and first:
            end = i + 1
            while end < n and toks[end][0] != ";":
                end += 1
            for segs in use_leaves([t for t, _ in toks[i + 1 : end]]):
                found.append((segs, i))
            i = end + 1
            continue
        if IDENT.fullmatch(tok) and first:
            segs = [tok]
            j = i + 1
            while j + 1 < n and toks[j][0] == "::" and IDENT.fullmatch(toks[j + 1][0]):
                segs.append(toks[j + 1][0])
                j += 2
            if len(segs) > 1:
                found.append((segs, i))
            i = j
            continue
        i += 1
    return found


def use_leaves(ts):
    """The full paths of a `use` tree's leaves (`a::{b, c::d as e, *}`)."""
    out = []

    def parse(k, prefix):
        segs = list(prefix)
        while k < len(ts):
            t = ts[k]
            if t == "{":
                k += 1
                while k < len(ts) and ts[k] != "}":
                    k = parse(k, segs)
                    if k < len(ts) and ts[k] == ",":
                        k += 1
                return k + 1
            if t == "*":
                out.append(segs)
                return k + 1
            if t == "::":
                k += 1
                continue
            if t in (",", "}"):
                out.append(segs)
                return k
            if t == "as":
                out.append(segs)
                return k + 2
            segs = segs + [t]
            k += 1
        out.append(segs)
        return k

    if ts and ts[0] == "::":
        return []
    parse(0, [])
    return [s for s in out if s]


def resolve(modules, current, segs):
    """The deepest module `segs` names, seen from module `current`, or None
    when the path does not lead into this crate."""
    head = segs[0]
    if head == "crate":
        base, rest = (), segs[1:]
    elif head in ("super", "self"):
        base = current
        k = 0
        while k < len(segs) and segs[k] in ("super", "self"):
            if segs[k] == "super":
                if not base:
                    return None
                base = base[:-1]
            k += 1
        rest = segs[k:]
    elif head in modules[current].children:
        base, rest = current, segs
    else:
        return None
    target = base
    for s in rest:
        if s not in modules[target].children:
            break
        target = target + (s,)
    return target


def name(path):
    return "::".join(path) if path else "crate"


def file_node(modules, path):
    """The module of the file `path` is written in (inline modules fold into it)."""
    while path and modules[path[:-1]].file == modules[path].file:
        path = path[:-1]
    return path


def dependencies(root):
    """The crate's file modules and, for each, the modules it names (with the
    place of the first mention)."""
    modules, files = {}, {}
    scan_file((), root, modules, files)
    edges = {}
    for file, (_, toks, scopes) in files.items():
        for segs, at in paths_in(toks):
            scope = scopes[at]
            target = resolve(modules, scope, segs)
            if target is None:
                continue
            a, b = file_node(modules, scope), file_node(modules, target)
            if a != b:
                edges.setdefault(a, {}).setdefault(b, (os.path.relpath(file), toks[at][1]))
    nodes = sorted({file_node(modules, p) for p in modules})
    return nodes, edges


def strongly_connected(nodes, edges):
    """The groups of modules that reach each other (Tarjan), largest first;
    only groups of more than one module."""
    index, low, on_stack, stack, groups = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        # Iterative, so deep graphs do not hit Python's recursion limit.
        work = [(v, iter(sorted(edges.get(v, {}))))]
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        while work:
            u, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(edges.get(w, {})))))
                elif w in on_stack:
                    low[u] = min(low[u], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[u])
            if low[u] == index[u]:
                group = []
                while True:
                    x = stack.pop()
                    on_stack.discard(x)
                    group.append(x)
                    if x == u:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))

    for v in nodes:
        if v not in index:
            visit(v)
    return sorted(groups, key=len, reverse=True)


def cycle_in(group, edges):
    """A shortest cycle through the group's first module (breadth-first)."""
    members = set(group)
    start = group[0]
    previous = {start: None}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(edges.get(v, {})):
            if w == start:
                path = [v]
                while previous[path[-1]] is not None:
                    path.append(previous[path[-1]])
                return list(reversed(path)) + [start]
            if w in members and w not in previous:
                previous[w] = v
                queue.append(w)
    return group + [group[0]]


def check(crate_dir, show_graph):
    src = os.path.join(crate_dir, "src")
    roots = [os.path.join(src, f) for f in ("lib.rs", "main.rs") if os.path.isfile(os.path.join(src, f))]
    if not roots:
        sys.stderr.write(f"{crate_dir}: no src/lib.rs or src/main.rs\n")
        return 2
    status = 0
    for root in roots:
        nodes, edges = dependencies(root)
        label = os.path.relpath(root)
        if show_graph:
            for a in nodes:
                for b in sorted(edges.get(a, {})):
                    print(f"{name(a)} -> {name(b)}")
        groups = strongly_connected(nodes, edges)
        for group in groups:
            status = 1
            cycle = cycle_in(group, edges)
            print(f"{label}: module cycle: " + " -> ".join(name(p) for p in cycle))
            for a, b in zip(cycle, cycle[1:]):
                file, line = edges[a][b]
                print(f"  {name(a)} -> {name(b)}  ({file}:{line})")
            if len(group) > len(cycle) - 1:
                print(f"  (in a group of {len(group)} modules that reach each other: {', '.join(name(p) for p in group)})")
        if not groups:
            n_edges = sum(len(v) for v in edges.values())
            print(f"{label}: {len(nodes)} modules, {n_edges} dependencies, no cycle")
    return status


def main(argv):
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__.strip())
        return 0
    show_graph = "--graph" in argv
    dirs = [a for a in argv if a != "--graph"] or ["crates/symtest-python"]
    status = 0
    for d in dirs:
        if not os.path.isdir(d):
            sys.stderr.write(f"{d}: not a directory\n")
            return 2
        status = max(status, check(d, show_graph))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
