//! The lowering's state: scopes and the name each identifier resolves to,
//! positions and branch sites, the functions lowered so far; and the entry
//! points that lower a module or one expression.

use std::rc::Rc;

use ruff_python_ast::{self as ast, Expr as PExpr, Stmt as PStmt};
use ruff_source_file::LineIndex;
use ruff_text_size::{Ranged, TextSize};

use crate::builtins;
use crate::error::SyntaxError;
use crate::fxhash::{FxHashMap, FxHashSet};
use crate::ir::{Expr, FuncDef, Module, Name, Place, Stmt};
use crate::scope;
use crate::sites::{Pos, SiteId, SiteKind, Sites};

/// A parsed and lowered program.
#[derive(Debug)]
pub struct Lowered {
    pub module: Module,
    pub sites: Sites,
}

/// A parse error of ruff's with its 1-based line and column in `source`.
fn syntax_error(source: &str, e: &ruff_python_parser::ParseError) -> SyntaxError {
    let index = LineIndex::from_source_text(source);
    let lc = index.line_column(e.location.start(), source);
    SyntaxError {
        line: lc.line.get() as u32,
        col: lc.column.get() as u32,
        message: e.error.to_string(),
    }
}

/// ruff's parse of a module, its error with a line and column.
pub(crate) fn parse_module(
    source: &str,
) -> Result<ruff_python_parser::Parsed<ast::ModModule>, SyntaxError> {
    crate::nesting::check(source)?;
    ruff_python_parser::parse_module(source).map_err(|e| syntax_error(source, &e))
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
    let parsed =
        ruff_python_parser::parse_expression(source).map_err(|e| syntax_error(source, &e))?;
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
pub(super) enum ScopeKind {
    Module,
    Function,
    Comprehension,
}

pub(super) struct Scope {
    pub(super) kind: ScopeKind,
    pub(super) slots: FxHashMap<String, u32>,
    pub(super) globals: FxHashSet<String>,
    pub(super) nonlocals: FxHashSet<String>,
}

pub(super) struct FuncCtx {
    pub(super) index: usize,
    pub(super) reads: FxHashSet<u32>,
}

pub(super) struct Lowerer<'s> {
    pub(super) src: &'s str,
    pub(super) lines: LineIndex,
    pub(super) sites: Sites,
    pub(super) scopes: Vec<Scope>,
    pub(super) module_slots: FxHashMap<String, u32>,
    pub(super) module_names: Vec<Name>,
    pub(super) module_bound: FxHashSet<String>,
    pub(super) functions: Vec<Option<Rc<FuncDef>>>,
    pub(super) func_stack: Vec<FuncCtx>,
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

    pub(super) fn pos(&self, offset: TextSize) -> Pos {
        let lc = self.lines.line_column(offset, self.src);
        Pos {
            offset: offset.to_u32(),
            line: lc.line.get() as u32,
            col: lc.column.get() as u32,
        }
    }

    pub(super) fn pos_of(&self, node: &impl Ranged) -> Pos {
        self.pos(node.range().start())
    }

    pub(super) fn module_slot(&mut self, name: &str) -> u32 {
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

    pub(super) fn user_site(
        &mut self,
        kind: SiteKind,
        key: &impl Ranged,
        at: &impl Ranged,
    ) -> SiteId {
        let pos = self.pos_of(at);
        let function = self.current_function();
        self.sites
            .add_user(kind, key.range().start().to_u32(), pos, function)
    }

    pub(super) fn internal_site(&mut self, what: &'static str, at: &impl Ranged) -> SiteId {
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

    pub(super) fn resolve(&mut self, name: &str, store: bool) -> Place {
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
    pub(super) fn resolve_walrus(&mut self, name: &str) -> Place {
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

    pub(super) fn block(&mut self, body: &[PStmt]) -> Vec<Stmt> {
        body.iter().map(|s| self.stmt(s)).collect()
    }

    pub(super) fn unsupported_stmt(&self, what: &str, node: &impl Ranged) -> Stmt {
        Stmt::Unsupported {
            what: what.to_string(),
            pos: self.pos_of(node),
        }
    }

    pub(super) fn boxed(&mut self, e: &PExpr) -> Box<Expr> {
        Box::new(self.expr(e))
    }
}

/// The body of a function being lowered: a `def`'s statements or a
/// lambda's expression.
pub(super) enum FnBody<'a> {
    Block(&'a [PStmt]),
    Expr(&'a PExpr),
}

/// `while True:` and the like: a test that can never go the other way is not a branch.
pub(super) fn constant_truth(e: &PExpr) -> Option<bool> {
    match e {
        PExpr::BooleanLiteral(b) => Some(b.value),
        PExpr::NumberLiteral(n) => match &n.value {
            ast::Number::Int(i) => Some(i.to_string() != "0"),
            _ => None,
        },
        _ => None,
    }
}
