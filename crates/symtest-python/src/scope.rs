//! Python's static scoping: which names a function body binds (its locals)
//! and which it declares `global` / `nonlocal`.

use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::fxhash::{FxHashSet, FxIndexSet};

#[derive(Default, Debug)]
pub struct Bindings {
    /// Bound names in first-binding order.
    pub bound: FxIndexSet,
    pub globals: FxHashSet<String>,
    pub nonlocals: FxHashSet<String>,
    pub has_yield: bool,
}

impl Bindings {
    /// The locals: bound names not declared `global` or `nonlocal`.
    pub fn locals(&self) -> Vec<String> {
        self.bound
            .iter()
            .filter(|n| !self.globals.contains(*n) && !self.nonlocals.contains(*n))
            .cloned()
            .collect()
    }
}

/// The bindings of a function (or module) body. Nested functions, lambdas and
/// classes are their own scopes: only their names bind here. Walrus targets
/// inside comprehensions bind here (PEP 572).
pub fn bindings(body: &[Stmt]) -> Bindings {
    let mut b = Bindings::default();
    for s in body {
        stmt(s, &mut b);
    }
    b
}

fn stmt(s: &Stmt, b: &mut Bindings) {
    match s {
        Stmt::FunctionDef(f) => {
            b.bound.insert(f.name.id.to_string());
            for d in &f.decorator_list {
                expr(&d.expression, b);
            }
        }
        Stmt::ClassDef(c) => {
            b.bound.insert(c.name.id.to_string());
        }
        Stmt::Return(r) => {
            if let Some(v) = &r.value {
                expr(v, b);
            }
        }
        Stmt::Delete(d) => {
            for t in &d.targets {
                target(t, b);
            }
        }
        Stmt::Assign(a) => {
            for t in &a.targets {
                target(t, b);
            }
            expr(&a.value, b);
        }
        Stmt::AugAssign(a) => {
            target(&a.target, b);
            expr(&a.value, b);
        }
        Stmt::AnnAssign(a) => {
            if a.value.is_some() || matches!(&*a.target, Expr::Name(_)) {
                target(&a.target, b);
            }
            if let Some(v) = &a.value {
                expr(v, b);
            }
        }
        Stmt::For(f) => {
            target(&f.target, b);
            expr(&f.iter, b);
            block(&f.body, b);
            block(&f.orelse, b);
        }
        Stmt::While(w) => {
            expr(&w.test, b);
            block(&w.body, b);
            block(&w.orelse, b);
        }
        Stmt::If(i) => {
            expr(&i.test, b);
            block(&i.body, b);
            for c in &i.elif_else_clauses {
                if let Some(t) = &c.test {
                    expr(t, b);
                }
                block(&c.body, b);
            }
        }
        Stmt::With(w) => {
            for item in &w.items {
                expr(&item.context_expr, b);
                if let Some(v) = &item.optional_vars {
                    target(v, b);
                }
            }
            block(&w.body, b);
        }
        Stmt::Try(t) => {
            block(&t.body, b);
            for h in &t.handlers {
                let ast::ExceptHandler::ExceptHandler(h) = h;
                if let Some(n) = &h.name {
                    b.bound.insert(n.id.to_string());
                }
                block(&h.body, b);
            }
            block(&t.orelse, b);
            block(&t.finalbody, b);
        }
        Stmt::Raise(r) => {
            if let Some(e) = &r.exc {
                expr(e, b);
            }
        }
        Stmt::Assert(a) => {
            expr(&a.test, b);
        }
        Stmt::Import(i) => {
            for alias in &i.names {
                let name = match &alias.asname {
                    Some(a) => a.id.to_string(),
                    None => alias
                        .name
                        .id
                        .split('.')
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                };
                b.bound.insert(name);
            }
        }
        Stmt::ImportFrom(i) => {
            for alias in &i.names {
                let name = alias.asname.as_ref().unwrap_or(&alias.name);
                b.bound.insert(name.id.to_string());
            }
        }
        Stmt::Global(g) => {
            for n in &g.names {
                b.globals.insert(n.id.to_string());
            }
        }
        Stmt::Nonlocal(n) => {
            for n in &n.names {
                b.nonlocals.insert(n.id.to_string());
            }
        }
        Stmt::Expr(e) => expr(&e.value, b),
        Stmt::Match(m) => {
            expr(&m.subject, b);
            for c in &m.cases {
                block(&c.body, b);
            }
        }
        Stmt::TypeAlias(_)
        | Stmt::Pass(_)
        | Stmt::Break(_)
        | Stmt::Continue(_)
        | Stmt::IpyEscapeCommand(_) => {}
    }
}

fn block(body: &[Stmt], b: &mut Bindings) {
    for s in body {
        stmt(s, b);
    }
}

fn target(t: &Expr, b: &mut Bindings) {
    match t {
        Expr::Name(n) => {
            b.bound.insert(n.id.to_string());
        }
        Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
            for e in elts {
                target(e, b);
            }
        }
        Expr::Starred(s) => target(&s.value, b),
        other => expr(other, b),
    }
}

/// Walks an expression for the bindings it makes (walrus) and for `yield`.
fn expr(e: &Expr, b: &mut Bindings) {
    match e {
        Expr::Named(n) => {
            target(&n.target, b);
            expr(&n.value, b);
        }
        Expr::Yield(_) | Expr::YieldFrom(_) | Expr::Await(_) => {
            b.has_yield = true;
        }
        Expr::Lambda(_) => {}
        _ => {
            for child in children(e) {
                expr(child, b);
            }
        }
    }
}

/// The direct sub-expressions of an expression (lambdas' bodies excluded).
pub fn children(e: &Expr) -> Vec<&Expr> {
    let mut out: Vec<&Expr> = Vec::new();
    match e {
        Expr::BoolOp(x) => out.extend(x.values.iter()),
        Expr::Named(x) => {
            out.push(&x.target);
            out.push(&x.value);
        }
        Expr::BinOp(x) => {
            out.push(&x.left);
            out.push(&x.right);
        }
        Expr::UnaryOp(x) => out.push(&x.operand),
        Expr::Lambda(_) => {}
        Expr::If(x) => {
            out.push(&x.test);
            out.push(&x.body);
            out.push(&x.orelse);
        }
        Expr::Dict(x) => {
            for item in &x.items {
                if let Some(k) = &item.key {
                    out.push(k);
                }
                out.push(&item.value);
            }
        }
        Expr::Set(x) => out.extend(x.elts.iter()),
        Expr::ListComp(x) => {
            out.push(&x.elt);
            comprehension(&x.generators, &mut out);
        }
        Expr::SetComp(x) => {
            out.push(&x.elt);
            comprehension(&x.generators, &mut out);
        }
        Expr::DictComp(x) => {
            if let Some(k) = &x.key {
                out.push(k);
            }
            out.push(&x.value);
            comprehension(&x.generators, &mut out);
        }
        Expr::Generator(x) => {
            out.push(&x.elt);
            comprehension(&x.generators, &mut out);
        }
        Expr::Await(x) => out.push(&x.value),
        Expr::Yield(x) => {
            if let Some(v) = &x.value {
                out.push(v);
            }
        }
        Expr::YieldFrom(x) => out.push(&x.value),
        Expr::Compare(x) => {
            out.push(&x.left);
            out.extend(x.comparators.iter());
        }
        Expr::Call(x) => {
            out.push(&x.func);
            out.extend(x.arguments.args.iter());
            out.extend(x.arguments.keywords.iter().map(|k| &k.value));
        }
        Expr::FString(x) => {
            for part in x.value.iter() {
                if let ast::FStringPart::FString(f) = part {
                    interpolations(&f.elements, &mut out);
                }
            }
        }
        Expr::Attribute(x) => out.push(&x.value),
        Expr::Subscript(x) => {
            out.push(&x.value);
            out.push(&x.slice);
        }
        Expr::Starred(x) => out.push(&x.value),
        Expr::List(x) => out.extend(x.elts.iter()),
        Expr::Tuple(x) => out.extend(x.elts.iter()),
        Expr::Slice(x) => {
            for p in [&x.lower, &x.upper, &x.step].into_iter().flatten() {
                out.push(p);
            }
        }
        Expr::TString(_)
        | Expr::StringLiteral(_)
        | Expr::BytesLiteral(_)
        | Expr::NumberLiteral(_)
        | Expr::BooleanLiteral(_)
        | Expr::NoneLiteral(_)
        | Expr::EllipsisLiteral(_)
        | Expr::Name(_)
        | Expr::IpyEscapeCommand(_) => {}
    }
    out
}

fn comprehension<'a>(gens: &'a [ast::Comprehension], out: &mut Vec<&'a Expr>) {
    for g in gens {
        out.push(&g.iter);
        out.extend(g.ifs.iter());
    }
}

fn interpolations<'a>(els: &'a ast::InterpolatedStringElements, out: &mut Vec<&'a Expr>) {
    for el in els.iter() {
        if let ast::InterpolatedStringElement::Interpolation(i) = el {
            out.push(&i.expression);
            if let Some(spec) = &i.format_spec {
                interpolations(&spec.elements, out);
            }
        }
    }
}

/// The names bound by comprehension targets (the comprehension's own scope).
pub fn comprehension_targets(gens: &[ast::Comprehension]) -> Vec<String> {
    let mut b = Bindings::default();
    for g in gens {
        target(&g.target, &mut b);
    }
    b.bound.iter().cloned().collect()
}
