//! Statements: each Python statement to its IR form; `def` bodies become
//! functions with their own frames.

use std::rc::Rc;

use ruff_python_ast::{self as ast, Expr as PExpr, Stmt as PStmt};
use ruff_text_size::{Ranged, TextSize};

use super::expr::binop;
use super::lowerer::{FnBody, FuncCtx, Lowerer, Scope, ScopeKind, constant_truth};
use crate::fxhash::{FxHashMap, FxHashSet};
use crate::ir::{
    Const, Def, Expr, ExprKind, FuncBody, FuncDef, Handler, Name, Param, Stmt, Target,
};
use crate::scope::{self, Bindings};
use crate::sites::SiteKind;

impl Lowerer<'_> {
    pub(super) fn stmt(&mut self, s: &PStmt) -> Stmt {
        match s {
            PStmt::FunctionDef(f) => self.def(f),
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
            PStmt::For(f) => self.for_loop(f),
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
            PStmt::Try(t) => self.try_stmt(t),
            PStmt::Assert(a) => {
                let site = self.internal_site("assert", a);
                Stmt::Assert {
                    test: self.expr(&a.test),
                    msg: a.msg.as_deref().map(|m| self.expr(m)),
                    site,
                }
            }
            PStmt::Import(i) => self.import(i),
            PStmt::ImportFrom(i) => self.import_from(i),
            PStmt::Global(_) | PStmt::Nonlocal(_) => Stmt::Declare,
            PStmt::Expr(e) => Stmt::Expr(self.expr(&e.value)),
            PStmt::Pass(_) => Stmt::Pass,
            PStmt::Break(_) => Stmt::Break,
            PStmt::Continue(_) => Stmt::Continue,
            PStmt::TypeAlias(t) => self.unsupported_stmt("type alias", t),
            PStmt::IpyEscapeCommand(t) => self.unsupported_stmt("IPython escape", t),
        }
    }

    /// `def`: defaults and decorators are evaluated where the `def` is; the
    /// body becomes a function of its own.
    fn def(&mut self, f: &ast::StmtFunctionDef) -> Stmt {
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
        Stmt::Def(Def {
            func,
            defaults,
            kw_defaults,
            decorators,
            target,
        })
    }

    /// `for`: a user site at the iterable.
    fn for_loop(&mut self, f: &ast::StmtFor) -> Stmt {
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

    /// `try` with its handlers, `else` and `finally` (not `except*`).
    fn try_stmt(&mut self, t: &ast::StmtTry) -> Stmt {
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

    /// `import a, b.c as d`: one binding per name (`b.c` binds `b`); several
    /// are grouped in an always-true `if`.
    fn import(&mut self, i: &ast::StmtImport) -> Stmt {
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

    /// `from m import a as b` (`from .m import a`: `.m`).
    fn import_from(&mut self, i: &ast::StmtImportFrom) -> Stmt {
        let module = i
            .module
            .as_ref()
            .map(|m| m.id.to_string())
            .unwrap_or_default();
        // Relative: the dots, then the name (run only as an external import).
        let module = ".".repeat(i.level as usize) + &module;
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

    /// `if`/`elif`/`else` as nested `if`s, each test a site.
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

    pub(super) fn function(
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

    pub(super) fn target(&mut self, t: &PExpr) -> Target {
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
}
