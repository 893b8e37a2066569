//! From ruff's syntax tree to the interpreter's [`ir`](crate::ir): names
//! resolved to slots, decision points numbered as branch sites.

use std::rc::Rc;

use ruff_python_ast::{self as ast, Expr as PExpr, Stmt as PStmt};
use ruff_source_file::LineIndex;
use ruff_text_size::{Ranged, TextSize};

use crate::builtins;
use crate::error::SyntaxError;
use crate::fxhash::{FxHashMap, FxHashSet};
use crate::ir::*;
use crate::scope::{self, Bindings};
use crate::sites::{Pos, SiteId, SiteKind, Sites};

/// A parsed and lowered program.
#[derive(Debug)]
pub struct Lowered {
    pub module: Module,
    pub sites: Sites,
}

/// ruff's parse of a module, its error with a line and column.
pub(crate) fn parse_module(
    source: &str,
) -> Result<ruff_python_parser::Parsed<ast::ModModule>, SyntaxError> {
    crate::nesting::check(source)?;
    ruff_python_parser::parse_module(source).map_err(|e| {
        let index = LineIndex::from_source_text(source);
        let lc = index.line_column(e.location.start(), source);
        SyntaxError {
            line: lc.line.get() as u32,
            col: lc.column.get() as u32,
            message: e.error.to_string(),
        }
    })
}

pub fn lower_source(source: &str) -> Result<Lowered, SyntaxError> {
    let parsed = parse_module(source)?;
    let suite = parsed.into_suite();
    let mut l = Lowerer::new(source);
    let module_bindings = scope::bindings(&suite);
    for name in module_bindings.bound.iter() {
        l.module_slot(name);
    }
    l.module_bound = module_bindings.bound.iter().cloned().collect();
    l.scopes.push(Scope {
        kind: ScopeKind::Module,
        slots: FxHashMap::default(),
        globals: FxHashSet::default(),
        nonlocals: FxHashSet::default(),
    });
    let body = l.block(&suite);
    let functions = l.functions.into_iter().flatten().collect();
    Ok(Lowered {
        module: Module {
            body,
            global_names: l.module_names,
            functions,
        },
        sites: l.sites,
    })
}

/// Parses one expression (a precondition, a literal) to be evaluated in the
/// scope of `func`'s parameters.
pub fn lower_expression_in(
    source: &str,
    func: &FuncDef,
    module: &Module,
    sites: &mut Sites,
) -> Result<Expr, SyntaxError> {
    let parsed = ruff_python_parser::parse_expression(source).map_err(|e| {
        let index = LineIndex::from_source_text(source);
        let lc = index.line_column(e.location.start(), source);
        SyntaxError {
            line: lc.line.get() as u32,
            col: lc.column.get() as u32,
            message: e.error.to_string(),
        }
    })?;
    let expr = parsed.into_expr();
    let mut l = Lowerer::new(source);
    for (i, n) in module.global_names.iter().enumerate() {
        l.module_slots.insert(n.to_string(), i as u32);
        l.module_bound.insert(n.to_string());
    }
    l.module_names = module.global_names.clone();
    l.sites = std::mem::take(sites);
    l.scopes.push(Scope {
        kind: ScopeKind::Module,
        slots: FxHashMap::default(),
        globals: FxHashSet::default(),
        nonlocals: FxHashSet::default(),
    });
    let slots = func
        .slot_names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.to_string(), i as u32))
        .collect();
    l.scopes.push(Scope {
        kind: ScopeKind::Function,
        slots,
        globals: FxHashSet::default(),
        nonlocals: FxHashSet::default(),
    });
    l.func_stack.push(FuncCtx {
        index: usize::MAX,
        reads: FxHashSet::default(),
    });
    let e = l.expr(&expr);
    *sites = l.sites;
    Ok(e)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ScopeKind {
    Module,
    Function,
    Comprehension,
}

struct Scope {
    kind: ScopeKind,
    slots: FxHashMap<String, u32>,
    globals: FxHashSet<String>,
    nonlocals: FxHashSet<String>,
}

struct FuncCtx {
    index: usize,
    reads: FxHashSet<u32>,
}

struct Lowerer<'s> {
    src: &'s str,
    lines: LineIndex,
    sites: Sites,
    scopes: Vec<Scope>,
    module_slots: FxHashMap<String, u32>,
    module_names: Vec<Name>,
    module_bound: FxHashSet<String>,
    functions: Vec<Option<Rc<FuncDef>>>,
    func_stack: Vec<FuncCtx>,
}

impl<'s> Lowerer<'s> {
    fn new(src: &'s str) -> Lowerer<'s> {
        Lowerer {
            src,
            lines: LineIndex::from_source_text(src),
            sites: Sites::default(),
            scopes: Vec::new(),
            module_slots: FxHashMap::default(),
            module_names: Vec::new(),
            module_bound: FxHashSet::default(),
            functions: Vec::new(),
            func_stack: Vec::new(),
        }
    }

    fn pos(&self, offset: TextSize) -> Pos {
        let lc = self.lines.line_column(offset, self.src);
        Pos {
            offset: offset.to_u32(),
            line: lc.line.get() as u32,
            col: lc.column.get() as u32,
        }
    }

    fn pos_of(&self, node: &impl Ranged) -> Pos {
        self.pos(node.range().start())
    }

    fn module_slot(&mut self, name: &str) -> u32 {
        if let Some(s) = self.module_slots.get(name) {
            return *s;
        }
        let s = self.module_names.len() as u32;
        self.module_names.push(Rc::from(name));
        self.module_slots.insert(name.to_string(), s);
        s
    }

    fn current_function(&self) -> Option<usize> {
        self.func_stack
            .last()
            .map(|f| f.index)
            .filter(|i| *i != usize::MAX)
    }

    fn user_site(&mut self, kind: SiteKind, key: &impl Ranged, at: &impl Ranged) -> SiteId {
        let pos = self.pos_of(at);
        let function = self.current_function();
        self.sites
            .add_user(kind, key.range().start().to_u32(), pos, function)
    }

    fn internal_site(&mut self, what: &'static str, at: &impl Ranged) -> SiteId {
        let pos = self.pos_of(at);
        self.sites.add_internal(what, pos)
    }

    fn global(&mut self, name: &str, store: bool) -> Place {
        if store || self.module_bound.contains(name) {
            let slot = self.module_slot(name);
            for f in &mut self.func_stack {
                f.reads.insert(slot);
            }
            return Place::Global(slot);
        }
        match builtins::lookup(name) {
            Some(b) => Place::Builtin(b),
            // Maybe bound at run time by a `global` statement elsewhere.
            None => Place::Global(self.module_slot(name)),
        }
    }

    fn resolve(&mut self, name: &str, store: bool) -> Place {
        let n = self.scopes.len() - 1;
        let cur = &self.scopes[n];
        if cur.kind == ScopeKind::Module || cur.globals.contains(name) {
            return self.global(name, store);
        }
        if !cur.nonlocals.contains(name)
            && let Some(s) = cur.slots.get(name)
        {
            return Place::Local(*s);
        }
        for (depth, i) in (1..n).rev().enumerate() {
            let depth = depth as u32 + 1;
            let s = &self.scopes[i];
            if s.globals.contains(name) {
                return self.global(name, store);
            }
            if let Some(slot) = s.slots.get(name) {
                return Place::Outer { depth, slot: *slot };
            }
        }
        self.global(name, store)
    }

    /// A walrus target binds in the nearest function scope, skipping comprehensions.
    fn resolve_walrus(&mut self, name: &str) -> Place {
        let n = self.scopes.len() - 1;
        let mut depth = 0;
        for i in (0..=n).rev() {
            let s = &self.scopes[i];
            match s.kind {
                ScopeKind::Comprehension => depth += 1,
                ScopeKind::Module => return self.global(name, true),
                ScopeKind::Function => {
                    if s.globals.contains(name) {
                        return self.global(name, true);
                    }
                    return match s.slots.get(name) {
                        Some(slot) if depth == 0 => Place::Local(*slot),
                        Some(slot) => Place::Outer { depth, slot: *slot },
                        None => self.resolve(name, true),
                    };
                }
            }
        }
        self.global(name, true)
    }

    fn block(&mut self, body: &[PStmt]) -> Vec<Stmt> {
        body.iter().map(|s| self.stmt(s)).collect()
    }

    fn unsupported_stmt(&self, what: &str, node: &impl Ranged) -> Stmt {
        Stmt::Unsupported {
            what: what.to_string(),
            pos: self.pos_of(node),
        }
    }

    fn stmt(&mut self, s: &PStmt) -> Stmt {
        match s {
            PStmt::FunctionDef(f) => {
                if f.is_async {
                    return self.unsupported_stmt("async def", f);
                }
                let defaults: Vec<Expr> = f
                    .parameters
                    .posonlyargs
                    .iter()
                    .chain(f.parameters.args.iter())
                    .filter_map(|p| p.default.as_deref())
                    .map(|d| self.expr(d))
                    .collect();
                let kw_defaults: Vec<Expr> = f
                    .parameters
                    .kwonlyargs
                    .iter()
                    .filter_map(|p| p.default.as_deref())
                    .map(|d| self.expr(d))
                    .collect();
                let decorators = f
                    .decorator_list
                    .iter()
                    .map(|d| self.expr(&d.expression))
                    .collect();
                let target = self.resolve(&f.name.id, true);
                let func = self.function(
                    &f.name.id,
                    &f.parameters,
                    FnBody::Block(&f.body),
                    f.range().start(),
                    (f.range().start().to_u32(), f.range().end().to_u32()),
                );
                Stmt::Def {
                    func,
                    defaults,
                    kw_defaults,
                    decorators,
                    target,
                }
            }
            PStmt::ClassDef(c) => {
                let target = self.resolve(&c.name.id, true);
                Stmt::Assign {
                    targets: vec![Target::Name(target, Rc::from(c.name.id.as_str()))],
                    value: Expr {
                        kind: ExprKind::Opaque(format!("class {}", c.name.id)),
                        pos: self.pos_of(c),
                    },
                }
            }
            PStmt::Return(r) => Stmt::Return(r.value.as_deref().map(|v| self.expr(v))),
            PStmt::Delete(d) => Stmt::Delete(d.targets.iter().map(|t| self.target(t)).collect()),
            PStmt::Assign(a) => {
                let value = self.expr(&a.value);
                let targets = a.targets.iter().map(|t| self.target(t)).collect();
                Stmt::Assign { targets, value }
            }
            PStmt::AugAssign(a) => {
                let value = self.expr(&a.value);
                let target = self.target(&a.target);
                let site = self.internal_site("augmented assignment", a);
                Stmt::AugAssign {
                    target,
                    op: binop(a.op),
                    value,
                    site,
                }
            }
            PStmt::AnnAssign(a) => match &a.value {
                Some(v) => {
                    let value = self.expr(v);
                    let target = self.target(&a.target);
                    Stmt::Assign {
                        targets: vec![target],
                        value,
                    }
                }
                None => Stmt::Pass,
            },
            PStmt::For(f) => {
                if f.is_async {
                    return self.unsupported_stmt("async for", f);
                }
                let iter = self.expr(&f.iter);
                let target = self.target(&f.target);
                let site = self.user_site(SiteKind::For, &*f.iter, f);
                Stmt::For {
                    target,
                    iter,
                    site,
                    body: self.block(&f.body),
                    orelse: self.block(&f.orelse),
                }
            }
            PStmt::While(w) => {
                let site = if constant_truth(&w.test).is_some() {
                    self.internal_site("while", w)
                } else {
                    self.user_site(SiteKind::While, &*w.test, w)
                };
                Stmt::While {
                    test: self.expr(&w.test),
                    site,
                    body: self.block(&w.body),
                    orelse: self.block(&w.orelse),
                }
            }
            PStmt::If(i) => self.if_chain(&i.test, &i.body, &i.elif_else_clauses, i),
            PStmt::With(w) => self.unsupported_stmt("with", w),
            PStmt::Match(m) => self.unsupported_stmt("match", m),
            PStmt::Raise(r) => Stmt::Raise {
                exc: r.exc.as_deref().map(|e| self.expr(e)),
                pos: self.pos_of(r),
            },
            PStmt::Try(t) => {
                if t.is_star {
                    return self.unsupported_stmt("except*", t);
                }
                let body = self.block(&t.body);
                let handlers = t
                    .handlers
                    .iter()
                    .map(|h| {
                        let ast::ExceptHandler::ExceptHandler(h) = h;
                        Handler {
                            kind: h.type_.as_deref().map(|e| self.expr(e)),
                            name: h.name.as_ref().map(|n| self.resolve(&n.id, true)),
                            body: self.block(&h.body),
                        }
                    })
                    .collect();
                Stmt::Try {
                    body,
                    handlers,
                    orelse: self.block(&t.orelse),
                    finally: self.block(&t.finalbody),
                }
            }
            PStmt::Assert(a) => {
                let site = self.internal_site("assert", a);
                Stmt::Assert {
                    test: self.expr(&a.test),
                    msg: a.msg.as_deref().map(|m| self.expr(m)),
                    site,
                }
            }
            PStmt::Import(i) => {
                let mut out = Vec::new();
                for alias in &i.names {
                    let full = alias.name.id.to_string();
                    let (bind_name, module) = match &alias.asname {
                        Some(a) => (a.id.to_string(), full.clone()),
                        None => {
                            let first = full.split('.').next().unwrap_or_default().to_string();
                            (first.clone(), first)
                        }
                    };
                    out.push(Stmt::Import {
                        module: Rc::from(module.as_str()),
                        target: self.resolve(&bind_name, true),
                    });
                }
                if out.len() == 1 {
                    out.remove(0)
                } else {
                    Stmt::If {
                        test: Expr {
                            kind: ExprKind::Const(Const::Bool(true)),
                            pos: self.pos_of(i),
                        },
                        site: self.internal_site("import", i),
                        body: out,
                        orelse: Vec::new(),
                    }
                }
            }
            PStmt::ImportFrom(i) => {
                let module = i
                    .module
                    .as_ref()
                    .map(|m| m.id.to_string())
                    .unwrap_or_default();
                if i.level > 0 {
                    return self.unsupported_stmt("relative import", i);
                }
                let names = i
                    .names
                    .iter()
                    .map(|alias| {
                        let bind = alias.asname.as_ref().unwrap_or(&alias.name);
                        (
                            Rc::from(alias.name.id.as_str()),
                            self.resolve(&bind.id, true),
                        )
                    })
                    .collect();
                Stmt::ImportFrom {
                    module: Rc::from(module.as_str()),
                    names,
                }
            }
            PStmt::Global(_) | PStmt::Nonlocal(_) => Stmt::Declare,
            PStmt::Expr(e) => Stmt::Expr(self.expr(&e.value)),
            PStmt::Pass(_) => Stmt::Pass,
            PStmt::Break(_) => Stmt::Break,
            PStmt::Continue(_) => Stmt::Continue,
            PStmt::TypeAlias(t) => self.unsupported_stmt("type alias", t),
            PStmt::IpyEscapeCommand(t) => self.unsupported_stmt("IPython escape", t),
        }
    }

    fn if_chain(
        &mut self,
        test: &PExpr,
        body: &[PStmt],
        rest: &[ast::ElifElseClause],
        at: &impl Ranged,
    ) -> Stmt {
        let site = if constant_truth(test).is_some() {
            self.internal_site("if", at)
        } else {
            self.user_site(SiteKind::If, test, at)
        };
        let test = self.expr(test);
        let body = self.block(body);
        let orelse = match rest.split_first() {
            None => Vec::new(),
            Some((clause, more)) => match &clause.test {
                Some(t) => vec![self.if_chain(t, &clause.body, more, clause)],
                None => self.block(&clause.body),
            },
        };
        Stmt::If {
            test,
            site,
            body,
            orelse,
        }
    }

    fn function(
        &mut self,
        name: &str,
        params: &ast::Parameters,
        body: FnBody<'_>,
        start: TextSize,
        span: (u32, u32),
    ) -> Rc<FuncDef> {
        let index = self.functions.len();
        self.functions.push(None);
        let mut bindings = match body {
            FnBody::Block(b) => scope::bindings(b),
            FnBody::Expr(_) => Bindings::default(),
        };
        if let FnBody::Expr(e) = body {
            // A lambda binds nothing but may hold a walrus or a yield.
            bindings = scope::bindings(&[PStmt::Expr(ast::StmtExpr {
                node_index: Default::default(),
                range: e.range(),
                value: Box::new(e.clone()),
            })]);
        }
        let mut slot_names: Vec<Name> = Vec::new();
        let mut slots: FxHashMap<String, u32> = FxHashMap::default();
        let mut add = |n: &str, slot_names: &mut Vec<Name>| -> u32 {
            if let Some(s) = slots.get(n) {
                return *s;
            }
            let s = slot_names.len() as u32;
            slot_names.push(Rc::from(n));
            slots.insert(n.to_string(), s);
            s
        };
        let mut plist = Vec::new();
        for p in params.posonlyargs.iter().chain(params.args.iter()) {
            let slot = add(&p.parameter.name.id, &mut slot_names);
            plist.push(Param {
                name: Rc::from(p.parameter.name.id.as_str()),
                slot,
                has_default: p.default.is_some(),
                annotation: p
                    .parameter
                    .annotation
                    .as_deref()
                    .map(|a| self.src[a.range()].to_string()),
            });
        }
        let vararg = params
            .vararg
            .as_ref()
            .map(|v| add(&v.name.id, &mut slot_names));
        let mut kwonly = Vec::new();
        for p in &params.kwonlyargs {
            let slot = add(&p.parameter.name.id, &mut slot_names);
            kwonly.push(Param {
                name: Rc::from(p.parameter.name.id.as_str()),
                slot,
                has_default: p.default.is_some(),
                annotation: None,
            });
        }
        let kwarg = params
            .kwarg
            .as_ref()
            .map(|v| add(&v.name.id, &mut slot_names));
        for n in bindings.locals() {
            add(&n, &mut slot_names);
        }
        self.scopes.push(Scope {
            kind: ScopeKind::Function,
            slots,
            globals: bindings.globals.clone(),
            nonlocals: bindings.nonlocals.clone(),
        });
        self.func_stack.push(FuncCtx {
            index,
            reads: FxHashSet::default(),
        });
        let (body, docstring) = match body {
            FnBody::Block(b) => {
                let doc = matches!(b.first(), Some(PStmt::Expr(e)) if matches!(&*e.value, PExpr::StringLiteral(_)));
                (FuncBody::Block(self.block(b)), doc)
            }
            FnBody::Expr(e) => (FuncBody::Expr(self.expr(e)), false),
        };
        let ctx = self.func_stack.pop();
        self.scopes.pop();
        let mut reads: Vec<u32> = ctx
            .map(|c| c.reads.into_iter().collect())
            .unwrap_or_default();
        reads.sort_unstable();
        let def = Rc::new(FuncDef {
            name: Rc::from(name),
            params: plist,
            vararg,
            kwonly,
            kwarg,
            slot_count: slot_names.len() as u32,
            slot_names,
            body,
            is_generator: bindings.has_yield,
            pos: self.pos(start),
            span,
            reads_globals: reads,
            docstring,
        });
        self.functions[index] = Some(def.clone());
        def
    }

    fn target(&mut self, t: &PExpr) -> Target {
        match t {
            PExpr::Name(n) => Target::Name(self.resolve(&n.id, true), Rc::from(n.id.as_str())),
            PExpr::Subscript(s) => {
                let obj = self.expr(&s.value);
                let index = self.expr(&s.slice);
                let site = self.internal_site("subscript assignment", s);
                Target::Subscript { obj, index, site }
            }
            PExpr::Attribute(a) => Target::Attribute {
                obj: self.expr(&a.value),
                attr: Rc::from(a.attr.id.as_str()),
            },
            PExpr::Tuple(t) => self.unpack(&t.elts),
            PExpr::List(l) => self.unpack(&l.elts),
            PExpr::Starred(s) => self.target(&s.value),
            other => Target::Attribute {
                obj: self.expr(other),
                attr: Rc::from("<not assignable>"),
            },
        }
    }

    fn unpack(&mut self, elts: &[PExpr]) -> Target {
        let starred = elts.iter().position(|e| matches!(e, PExpr::Starred(_)));
        Target::Unpack {
            items: elts.iter().map(|e| self.target(e)).collect(),
            starred,
        }
    }

    fn boxed(&mut self, e: &PExpr) -> Box<Expr> {
        Box::new(self.expr(e))
    }

    fn expr(&mut self, e: &PExpr) -> Expr {
        let pos = self.pos_of(e);
        let kind = match e {
            PExpr::BoolOp(b) => ExprKind::BoolOp {
                is_and: b.op == ast::BoolOp::And,
                values: b.values.iter().map(|v| self.expr(v)).collect(),
                site: self.internal_site(
                    if b.op == ast::BoolOp::And {
                        "and"
                    } else {
                        "or"
                    },
                    b,
                ),
            },
            PExpr::Named(n) => {
                let value = self.boxed(&n.value);
                match &*n.target {
                    PExpr::Name(name) => ExprKind::Named {
                        target: self.resolve_walrus(&name.id),
                        name: Rc::from(name.id.as_str()),
                        value,
                    },
                    _ => ExprKind::Unsupported("walrus to a non-name".into()),
                }
            }
            PExpr::BinOp(b) => ExprKind::BinOp {
                op: binop(b.op),
                left: self.boxed(&b.left),
                right: self.boxed(&b.right),
                site: self.internal_site("arithmetic", b),
            },
            PExpr::UnaryOp(u) => ExprKind::Unary {
                op: match u.op {
                    ast::UnaryOp::Not => UnaryOp::Not,
                    ast::UnaryOp::USub => UnaryOp::Neg,
                    ast::UnaryOp::UAdd => UnaryOp::Pos,
                    ast::UnaryOp::Invert => UnaryOp::Invert,
                },
                operand: self.boxed(&u.operand),
                site: self.internal_site("unary", u),
            },
            PExpr::Lambda(l) => {
                let defaults = match &l.parameters {
                    Some(p) => p
                        .posonlyargs
                        .iter()
                        .chain(p.args.iter())
                        .filter_map(|p| p.default.as_deref())
                        .map(|d| self.expr(d))
                        .collect(),
                    None => Vec::new(),
                };
                let empty = ast::Parameters {
                    range: l.range(),
                    node_index: Default::default(),
                    posonlyargs: Default::default(),
                    args: Default::default(),
                    vararg: None,
                    kwonlyargs: Default::default(),
                    kwarg: None,
                };
                let params = l.parameters.as_deref().unwrap_or(&empty);
                let func = self.function(
                    "<lambda>",
                    params,
                    FnBody::Expr(&l.body),
                    l.range().start(),
                    (l.range().start().to_u32(), l.range().end().to_u32()),
                );
                ExprKind::Lambda { func, defaults }
            }
            PExpr::If(i) => {
                let site = self.user_site(SiteKind::IfExp, &*i.test, i);
                ExprKind::IfExp {
                    test: self.boxed(&i.test),
                    body: self.boxed(&i.body),
                    orelse: self.boxed(&i.orelse),
                    site,
                }
            }
            PExpr::Dict(d) => ExprKind::Dict(
                d.items
                    .iter()
                    .map(|item| {
                        (
                            item.key.as_ref().map(|k| self.expr(k)),
                            self.expr(&item.value),
                        )
                    })
                    .collect(),
            ),
            PExpr::Set(s) => ExprKind::Set(s.elts.iter().map(|x| self.expr(x)).collect()),
            PExpr::ListComp(c) => self.comprehension(CompKind::List, &c.generators, &c.elt, None),
            PExpr::SetComp(c) => self.comprehension(CompKind::Set, &c.generators, &c.elt, None),
            PExpr::DictComp(c) => match c.key.as_deref() {
                Some(k) => self.comprehension(CompKind::Dict, &c.generators, &c.value, Some(k)),
                None => ExprKind::Unsupported("dict unpacking in a comprehension".into()),
            },
            PExpr::Generator(c) => {
                self.comprehension(CompKind::Generator, &c.generators, &c.elt, None)
            }
            PExpr::Await(_) => ExprKind::Unsupported("await".into()),
            PExpr::Yield(_) | PExpr::YieldFrom(_) => ExprKind::Unsupported("yield".into()),
            PExpr::Compare(c) => ExprKind::Compare {
                left: self.boxed(&c.left),
                rest: c
                    .ops
                    .iter()
                    .zip(c.comparators.iter())
                    .map(|(op, e)| (cmpop(*op), self.expr(e)))
                    .collect(),
                site: self.internal_site("comparison", c),
            },
            PExpr::Call(c) => {
                let func = self.boxed(&c.func);
                let mut args = Vec::new();
                for a in c.arguments.iter_source_order() {
                    match a {
                        ast::ArgOrKeyword::Arg(PExpr::Starred(s)) => {
                            args.push(Arg::Star(self.expr(&s.value)));
                        }
                        ast::ArgOrKeyword::Arg(e) => args.push(Arg::Pos(self.expr(e))),
                        ast::ArgOrKeyword::Keyword(k) => match &k.arg {
                            Some(name) => args.push(Arg::Keyword(
                                Rc::from(name.id.as_str()),
                                self.expr(&k.value),
                            )),
                            None => args.push(Arg::DoubleStar(self.expr(&k.value))),
                        },
                    }
                }
                ExprKind::Call {
                    func,
                    args,
                    site: self.internal_site("call", c),
                }
            }
            PExpr::FString(f) => {
                let mut parts = Vec::new();
                for part in f.value.iter() {
                    match part {
                        ast::FStringPart::Literal(l) => parts.push(FPart::Lit(Rc::from(&*l.value))),
                        ast::FStringPart::FString(fs) => self.fparts(&fs.elements, &mut parts),
                    }
                }
                ExprKind::FString(parts)
            }
            PExpr::TString(_) => ExprKind::Unsupported("template string".into()),
            PExpr::StringLiteral(s) => ExprKind::Const(Const::Str(Rc::from(s.value.to_str()))),
            PExpr::BytesLiteral(b) => {
                ExprKind::Const(Const::Bytes(b.value.bytes().collect::<Vec<u8>>().into()))
            }
            PExpr::NumberLiteral(n) => match &n.value {
                ast::Number::Int(i) => match symtest_pyvalue::parse_int(&i.to_string(), 0) {
                    Some(v) => ExprKind::Const(Const::Int(v)),
                    None => ExprKind::Unsupported(format!("integer literal {i}")),
                },
                ast::Number::Float(f) => ExprKind::Const(Const::Float(*f)),
                ast::Number::Complex { .. } => ExprKind::Unsupported("complex numbers".into()),
            },
            PExpr::BooleanLiteral(b) => ExprKind::Const(Const::Bool(b.value)),
            PExpr::NoneLiteral(_) => ExprKind::Const(Const::None),
            PExpr::EllipsisLiteral(_) => ExprKind::Const(Const::Ellipsis),
            PExpr::Attribute(a) => ExprKind::Attribute {
                value: self.boxed(&a.value),
                attr: Rc::from(a.attr.id.as_str()),
            },
            PExpr::Subscript(s) => ExprKind::Subscript {
                value: self.boxed(&s.value),
                index: self.boxed(&s.slice),
                site: self.internal_site("subscript", s),
            },
            PExpr::Starred(s) => ExprKind::Starred(self.boxed(&s.value)),
            PExpr::Name(n) => ExprKind::Name(self.resolve(&n.id, false), Rc::from(n.id.as_str())),
            PExpr::List(l) => ExprKind::List(l.elts.iter().map(|x| self.expr(x)).collect()),
            PExpr::Tuple(t) => ExprKind::Tuple(t.elts.iter().map(|x| self.expr(x)).collect()),
            PExpr::Slice(s) => ExprKind::Slice {
                lower: s.lower.as_deref().map(|x| self.boxed(x)),
                upper: s.upper.as_deref().map(|x| self.boxed(x)),
                step: s.step.as_deref().map(|x| self.boxed(x)),
            },
            PExpr::IpyEscapeCommand(_) => ExprKind::Unsupported("IPython escape".into()),
        };
        Expr { kind, pos }
    }

    fn fparts(&mut self, els: &ast::InterpolatedStringElements, out: &mut Vec<FPart>) {
        for el in els.iter() {
            match el {
                ast::InterpolatedStringElement::Literal(l) => {
                    out.push(FPart::Lit(Rc::from(&*l.value)))
                }
                ast::InterpolatedStringElement::Interpolation(i) => {
                    let mut conversion = match i.conversion {
                        ast::ConversionFlag::None => None,
                        ast::ConversionFlag::Str => Some('s'),
                        ast::ConversionFlag::Repr => Some('r'),
                        ast::ConversionFlag::Ascii => Some('a'),
                    };
                    if i.debug_text.is_some() {
                        // `f"{x=}"`: the expression's text, then its repr.
                        let text = &self.src[i.expression.range()];
                        out.push(FPart::Lit(Rc::from(format!("{text}=").as_str())));
                        if conversion.is_none() && i.format_spec.is_none() {
                            conversion = Some('r');
                        }
                    }
                    let mut spec = Vec::new();
                    if let Some(s) = &i.format_spec {
                        self.fparts(&s.elements, &mut spec);
                    }
                    out.push(FPart::Value {
                        expr: self.expr(&i.expression),
                        conversion,
                        spec,
                    });
                }
            }
        }
    }

    fn comprehension(
        &mut self,
        kind: CompKind,
        gens: &[ast::Comprehension],
        elt: &PExpr,
        key: Option<&PExpr>,
    ) -> ExprKind {
        if gens.iter().any(|g| g.is_async) {
            return ExprKind::Unsupported("async comprehension".into());
        }
        let Some(first) = gens.first() else {
            return ExprKind::Unsupported("comprehension without for".into());
        };
        // The first iterable is evaluated in the enclosing scope.
        let first_iter = self.expr(&first.iter);
        let names = scope::comprehension_targets(gens);
        let slots: FxHashMap<String, u32> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i as u32))
            .collect();
        self.scopes.push(Scope {
            kind: ScopeKind::Comprehension,
            slots,
            globals: FxHashSet::default(),
            nonlocals: FxHashSet::default(),
        });
        let mut generators = Vec::new();
        let mut first_iter = Some(first_iter);
        for g in gens {
            let iter = match first_iter.take() {
                Some(i) => i,
                None => self.expr(&g.iter),
            };
            let site = self.user_site(SiteKind::CompFor, &g.iter, &g.iter);
            let target = self.target(&g.target);
            let ifs = g
                .ifs
                .iter()
                .map(|c| {
                    let site = self.user_site(SiteKind::CompIf, c, c);
                    (self.expr(c), site)
                })
                .collect();
            generators.push(CompFor {
                target,
                iter,
                site,
                ifs,
            });
        }
        let key = key.map(|k| self.expr(k));
        let elt = self.expr(elt);
        self.scopes.pop();
        ExprKind::Comp(Box::new(Comprehension {
            kind,
            slot_count: names.len() as u32,
            generators,
            elt,
            key,
        }))
    }
}

enum FnBody<'a> {
    Block(&'a [PStmt]),
    Expr(&'a PExpr),
}

/// `while True:` and the like: a test that can never go the other way is not a branch.
fn constant_truth(e: &PExpr) -> Option<bool> {
    match e {
        PExpr::BooleanLiteral(b) => Some(b.value),
        PExpr::NumberLiteral(n) => match &n.value {
            ast::Number::Int(i) => Some(i.to_string() != "0"),
            _ => None,
        },
        _ => None,
    }
}

fn binop(op: ast::Operator) -> BinOp {
    match op {
        ast::Operator::Add => BinOp::Add,
        ast::Operator::Sub => BinOp::Sub,
        ast::Operator::Mult => BinOp::Mul,
        ast::Operator::MatMult => BinOp::MatMul,
        ast::Operator::Div => BinOp::Div,
        ast::Operator::Mod => BinOp::Mod,
        ast::Operator::Pow => BinOp::Pow,
        ast::Operator::LShift => BinOp::LShift,
        ast::Operator::RShift => BinOp::RShift,
        ast::Operator::BitOr => BinOp::BitOr,
        ast::Operator::BitXor => BinOp::BitXor,
        ast::Operator::BitAnd => BinOp::BitAnd,
        ast::Operator::FloorDiv => BinOp::FloorDiv,
    }
}

fn cmpop(op: ast::CmpOp) -> CmpOp {
    match op {
        ast::CmpOp::Eq => CmpOp::Eq,
        ast::CmpOp::NotEq => CmpOp::NotEq,
        ast::CmpOp::Lt => CmpOp::Lt,
        ast::CmpOp::LtE => CmpOp::LtE,
        ast::CmpOp::Gt => CmpOp::Gt,
        ast::CmpOp::GtE => CmpOp::GtE,
        ast::CmpOp::Is => CmpOp::Is,
        ast::CmpOp::IsNot => CmpOp::IsNot,
        ast::CmpOp::In => CmpOp::In,
        ast::CmpOp::NotIn => CmpOp::NotIn,
    }
}
