//! Expressions.

use std::cell::RefCell;
use std::rc::Rc;

use symtest_term::Term;

use super::state::{Flow, Interp, R, exc, type_error, unsupported};
use crate::builtins::{Builtin, ExcType};
use crate::int::PyInt;
use crate::ir::{Arg, CompKind, Comprehension, Const, Expr, ExprKind, FPart, Name, UnaryOp};
use crate::sites::SiteId;
use crate::value::{Closure, DictFlavor, DictObj, Env, IterObj, Opaque, SetObj, Val};

/// Keyword arguments of a call, in order.
pub(crate) type Keywords = Vec<(Name, Val)>;

/// Called once per element of a comprehension: `(key, value)` (a key only
/// for dict comprehensions); returns whether to go on.
pub(crate) type EachFn<'f, 'a> = dyn FnMut(&mut Interp<'a>, Option<Val>, Val) -> R<bool> + 'f;

impl<'a> Interp<'a> {
    /// Evaluates an expression whose truth a branch is about to test: its
    /// comparisons stay symbolic for that branch (and its site) to decide.
    pub(crate) fn eval_test(&mut self, e: &Expr, env: &Rc<Env>) -> R<Val> {
        match &e.kind {
            ExprKind::BoolOp { .. } | ExprKind::Compare { .. } => self.eval_decision(e, env, false),
            ExprKind::Unary {
                op: UnaryOp::Not,
                operand,
                ..
            } => {
                let v = self.eval_test(operand, env)?;
                let (t, cond) = self.truth(&v)?;
                Ok(Val::Bool(!t, cond.map(|c| !&c)))
            }
            _ => self.eval(e, env),
        }
    }

    /// A comparison or `and`/`or`. Where its outcome is used as a value
    /// (`return n >= 8`, `count += x == y`), the path forks on it: both
    /// outcomes are behaviours a test should see, and the comparison's
    /// edge gets boundary inputs like a branch's does.
    fn eval_decision(&mut self, e: &Expr, env: &Rc<Env>, as_value: bool) -> R<Val> {
        match &e.kind {
            ExprKind::BoolOp {
                is_and,
                values,
                site,
            } => {
                let (last, init) = values
                    .split_last()
                    .ok_or_else(|| Flow::Stop("empty boolean operation".into()))?;
                for v in init {
                    let x = self.eval_test(v, env)?;
                    let t = self.test(&x, *site)?;
                    if t != *is_and {
                        return Ok(if as_value { x } else { Val::bool(t) });
                    }
                }
                if as_value {
                    self.eval(last, env)
                } else {
                    self.eval_test(last, env)
                }
            }
            ExprKind::Compare { left, rest, site } => {
                let mut a = self.eval(left, env)?;
                let n = rest.len();
                for (i, (op, e)) in rest.iter().enumerate() {
                    let b = self.eval(e, env)?;
                    let (res, cond) = self.compare(*op, &a, &b, *site)?;
                    if i + 1 == n && !as_value {
                        return Ok(Val::Bool(res, cond));
                    }
                    self.decide(*site, cond.as_ref(), res);
                    if !res || i + 1 == n {
                        return Ok(Val::bool(res));
                    }
                    a = b;
                }
                Ok(Val::bool(true))
            }
            _ => self.eval(e, env),
        }
    }

    pub(crate) fn eval(&mut self, e: &Expr, env: &Rc<Env>) -> R<Val> {
        match &e.kind {
            ExprKind::Const(c) => Ok(const_val(c)),
            ExprKind::Name(place, name) => self.load(place, name, env),
            ExprKind::BinOp {
                op,
                left,
                right,
                site,
            } => {
                let a = self.eval(left, env)?;
                let b = self.eval(right, env)?;
                self.binop(*op, a, b, *site)
            }
            ExprKind::Unary { op, operand, site } => {
                let v = self.eval(operand, env)?;
                match op {
                    UnaryOp::Not => {
                        let (t, cond) = self.truth(&v)?;
                        Ok(Val::Bool(!t, cond.map(|c| !&c)))
                    }
                    UnaryOp::Neg => self.negate(v, *site),
                    UnaryOp::Pos => self.positive(v),
                    UnaryOp::Invert => self.invert(v),
                }
            }
            ExprKind::BoolOp { .. } | ExprKind::Compare { .. } => self.eval_decision(e, env, true),
            ExprKind::IfExp {
                test,
                body,
                orelse,
                site,
            } => {
                let t = self.eval_test(test, env)?;
                if self.test(&t, *site)? {
                    self.eval(body, env)
                } else {
                    self.eval(orelse, env)
                }
            }
            ExprKind::Call { func, args, site } => self.eval_call(func, args, *site, env),
            ExprKind::Attribute { value, attr } => {
                let v = self.eval(value, env)?;
                self.get_attr(v, attr)
            }
            ExprKind::Subscript { value, index, site } => {
                let v = self.eval(value, env)?;
                let i = self.eval(index, env)?;
                self.get_item(&v, &i, *site)
            }
            ExprKind::Slice { lower, upper, step } => {
                let mut parts = [Val::None, Val::None, Val::None];
                for (slot, e) in parts.iter_mut().zip([lower, upper, step]) {
                    if let Some(e) = e {
                        *slot = self.eval(e, env)?;
                    }
                }
                Ok(Val::Slice(Rc::new(parts)))
            }
            ExprKind::List(elts) => {
                let items = self.eval_elements(elts, env)?;
                Ok(Val::list(items))
            }
            ExprKind::Tuple(elts) => {
                let items = self.eval_elements(elts, env)?;
                Ok(Val::tuple(items))
            }
            ExprKind::Set(elts) => {
                let items = self.eval_elements(elts, env)?;
                let s = Val::Set(Rc::new(RefCell::new(SetObj::new(false))));
                // CPython compiles a display of three or more constants to a
                // frozenset constant merged into a new set: its order.
                if elts.len() > 2 && elts.iter().all(is_constant) {
                    let f = self.constant_frozenset(items)?;
                    self.set_update(&s, &f, SiteId(u32::MAX))?;
                } else {
                    for x in items {
                        self.set_add(&s, x, SiteId(u32::MAX))?;
                    }
                }
                Ok(s)
            }
            ExprKind::Dict(items) => {
                let d = Val::Dict(Rc::new(RefCell::new(DictObj::new(DictFlavor::Plain))));
                for (k, v) in items {
                    match k {
                        Some(k) => {
                            let k = self.eval(k, env)?;
                            let v = self.eval(v, env)?;
                            self.set_item(&d, k, v, SiteId(u32::MAX))?;
                        }
                        None => {
                            let other = self.eval(v, env)?;
                            for (k, v) in self.dict_pairs(&other)? {
                                self.set_item(&d, k, v, SiteId(u32::MAX))?;
                            }
                        }
                    }
                }
                Ok(d)
            }
            ExprKind::Starred(_) => Err(Flow::Stop("starred expression out of place".into())),
            ExprKind::Comp(c) => self.eval_comp(c, env),
            ExprKind::Lambda { func, defaults } => {
                let mut dvals = Vec::with_capacity(defaults.len());
                for d in defaults {
                    dvals.push(self.eval(d, env)?);
                }
                Ok(Val::Func(Rc::new(Closure {
                    def: func.clone(),
                    env: Some(env.clone()),
                    defaults: dvals,
                    kw_defaults: Vec::new(),
                    memo: None,
                })))
            }
            ExprKind::FString(parts) => {
                let mut pieces: Vec<Val> = Vec::new();
                self.eval_fparts(parts, env, &mut pieces)?;
                Ok(self.concat_strs(pieces))
            }
            ExprKind::Named {
                target,
                name: _,
                value,
            } => {
                let v = self.eval(value, env)?;
                self.store(target, v.clone(), env)?;
                Ok(v)
            }
            ExprKind::Unsupported(what) => Err(unsupported(what)),
            ExprKind::Yield(v) => {
                let v = match v {
                    Some(e) => self.eval(e, env)?,
                    None => Val::None,
                };
                self.yield_value(v)
            }
            ExprKind::YieldFrom(e) => {
                let v = self.eval(e, env)?;
                self.yield_from(&v)
            }
            ExprKind::Opaque(what) => Ok(Val::Opaque(Rc::new(Opaque::Unsupported(what.clone())))),
        }
    }

    fn eval_fparts(&mut self, parts: &[FPart], env: &Rc<Env>, out: &mut Vec<Val>) -> R<()> {
        for p in parts {
            match p {
                FPart::Lit(s) => out.push(Val::Str(s.clone(), None)),
                FPart::Value {
                    expr,
                    conversion,
                    spec,
                } => {
                    let v = self.eval(expr, env)?;
                    let v = match conversion {
                        Some('r') | Some('a') => Val::str(&self.repr_of(&v)?),
                        Some(_) => self.str_of(&v)?,
                        None => v,
                    };
                    let mut spec_parts = Vec::new();
                    self.eval_fparts(spec, env, &mut spec_parts)?;
                    let spec_val = self.concat_strs(spec_parts);
                    let spec_text = match &spec_val {
                        Val::Str(s, _) => s.clone(),
                        _ => Rc::from(""),
                    };
                    out.push(self.format_value(&v, &spec_text)?);
                }
            }
        }
        Ok(())
    }

    /// Concatenates string values, keeping shadows.
    pub(crate) fn concat_strs(&mut self, pieces: Vec<Val>) -> Val {
        let mut text = String::new();
        let mut symbolic = false;
        let mut terms = Vec::with_capacity(pieces.len());
        for p in &pieces {
            if let Val::Str(s, sh) = p {
                text.push_str(s);
                symbolic |= sh.is_some();
                terms.push(sh.clone().unwrap_or_else(|| Term::string(s)));
            }
        }
        let shadow = symbolic.then(|| symtest_term::concat(terms));
        Val::Str(Rc::from(text.as_str()), shadow)
    }

    /// The frozenset CPython's compiler makes of a display of constants:
    /// built from the items, then rebuilt from its own iteration (constant
    /// merging), which gives its order.
    fn constant_frozenset(&mut self, items: Vec<Val>) -> R<Val> {
        let first = Val::Set(Rc::new(RefCell::new(SetObj::new(true))));
        for x in items {
            self.set_add(&first, x, SiteId(u32::MAX))?;
        }
        let merged = Val::Set(Rc::new(RefCell::new(SetObj::new(true))));
        for x in self.set_elements(&first) {
            self.set_add(&merged, x, SiteId(u32::MAX))?;
        }
        Ok(merged)
    }

    /// What a `for` loop or a comprehension iterates: CPython's optimizer
    /// turns a set display of constants there into a frozenset constant,
    /// iterated in that frozenset's order.
    pub(crate) fn eval_iterable(&mut self, e: &Expr, env: &Rc<Env>) -> R<Val> {
        if let ExprKind::Set(elts) = &e.kind
            && !elts.is_empty()
            && elts.iter().all(is_constant)
        {
            let items = self.eval_elements(elts, env)?;
            return self.constant_frozenset(items);
        }
        self.eval(e, env)
    }

    fn eval_elements(&mut self, elts: &[Expr], env: &Rc<Env>) -> R<Vec<Val>> {
        let mut out = Vec::with_capacity(elts.len());
        for e in elts {
            if let ExprKind::Starred(inner) = &e.kind {
                let v = self.eval(inner, env)?;
                out.extend(self.collect(&v)?);
            } else {
                out.push(self.eval(e, env)?);
            }
        }
        Ok(out)
    }

    fn eval_call(&mut self, func: &Expr, args: &[Arg], site: SiteId, env: &Rc<Env>) -> R<Val> {
        // A method call evaluates its receiver once and skips the bound-method object.
        if let ExprKind::Attribute { value, attr } = &func.kind {
            let recv = self.eval(value, env)?;
            // A value in CPython keeps the call in its history (`call_method`).
            let external = matches!(&recv, Val::Opaque(o)
                if matches!(&**o, crate::value::Opaque::External(_)));
            if external || !matches!(recv, Val::Module(_) | Val::Opaque(_) | Val::Exc(_)) {
                let (pos, kw) = self.eval_args(args, env)?;
                return self.call_method(recv, attr, pos, kw, site);
            }
            let f = self.get_attr(recv, attr)?;
            let (pos, kw) = self.eval_args(args, env)?;
            return self.call(&f, pos, kw, Some(site));
        }
        let f = self.eval(func, env)?;
        if let Val::Builtin(b @ (Builtin::Any | Builtin::All | Builtin::Next)) = f
            && let [
                Arg::Pos(Expr {
                    kind: ExprKind::Comp(c),
                    ..
                }),
            ] = args
            && c.kind == CompKind::Generator
        {
            return self.lazy_any_all(b, c, env, site);
        }
        let (pos, kw) = self.eval_args(args, env)?;
        self.call(&f, pos, kw, Some(site))
    }

    /// `any(... for ...)`, `all(...)`, `next(...)` stop the generator as soon as they know.
    fn lazy_any_all(
        &mut self,
        b: Builtin,
        c: &Comprehension,
        env: &Rc<Env>,
        site: SiteId,
    ) -> R<Val> {
        let mut result: Option<Val> = None;
        self.comp_each(c, env, &mut |this, _, v| {
            if b == Builtin::Next {
                result = Some(v);
                return Ok(false);
            }
            let t = this.test(&v, site)?;
            if (b == Builtin::Any) == t {
                result = Some(Val::bool(t));
                return Ok(false);
            }
            Ok(true)
        })?;
        match (b, result) {
            (_, Some(v)) => Ok(v),
            (Builtin::Any, None) => Ok(Val::bool(false)),
            (Builtin::All, None) => Ok(Val::bool(true)),
            _ => Err(exc(ExcType::StopIteration, "")),
        }
    }

    pub(crate) fn eval_args(&mut self, args: &[Arg], env: &Rc<Env>) -> R<(Vec<Val>, Keywords)> {
        let mut pos = Vec::with_capacity(args.len());
        let mut kw = Vec::new();
        for a in args {
            match a {
                Arg::Pos(e) => pos.push(self.eval(e, env)?),
                Arg::Star(e) => {
                    let v = self.eval(e, env)?;
                    pos.extend(self.collect(&v)?);
                }
                Arg::Keyword(n, e) => kw.push((n.clone(), self.eval(e, env)?)),
                Arg::DoubleStar(e) => {
                    let v = self.eval(e, env)?;
                    for (k, v) in self.dict_pairs(&v)? {
                        match k {
                            Val::Str(s, _) => kw.push((s, v)),
                            _ => return Err(type_error("keywords must be strings")),
                        }
                    }
                }
            }
        }
        Ok((pos, kw))
    }

    fn eval_comp(&mut self, c: &Comprehension, env: &Rc<Env>) -> R<Val> {
        match c.kind {
            CompKind::List | CompKind::Generator => {
                let mut out = Vec::new();
                let max = self.limits.max_len;
                self.comp_each(c, env, &mut |_, _, v| {
                    out.push(v);
                    if out.len() > max {
                        return Err(Flow::Stop("a comprehension grew too large".into()));
                    }
                    Ok(true)
                })?;
                if c.kind == CompKind::List {
                    Ok(Val::list(out))
                } else {
                    Ok(Val::Iter(Rc::new(RefCell::new(IterObj::Items(out.into())))))
                }
            }
            CompKind::Set => {
                let s = Val::Set(Rc::new(RefCell::new(SetObj::new(false))));
                let target = s.clone();
                self.comp_each(c, env, &mut |this, _, v| {
                    this.set_add(&target, v, SiteId(u32::MAX))?;
                    Ok(true)
                })?;
                Ok(s)
            }
            CompKind::Dict => {
                let d = Val::Dict(Rc::new(RefCell::new(DictObj::new(DictFlavor::Plain))));
                let target = d.clone();
                self.comp_each(c, env, &mut |this, k, v| {
                    this.set_item(&target, k.unwrap_or(Val::None), v, SiteId(u32::MAX))?;
                    Ok(true)
                })?;
                Ok(d)
            }
        }
    }

    pub(crate) fn comp_each(
        &mut self,
        c: &Comprehension,
        env: &Rc<Env>,
        f: &mut EachFn<'_, 'a>,
    ) -> R<()> {
        let Some(first) = c.generators.first() else {
            return Ok(());
        };
        let iterable = self.eval_iterable(&first.iter, env)?;
        let cenv = Rc::new(Env {
            slots: RefCell::new(vec![None; c.slot_count as usize]),
            parent: Some(env.clone()),
        });
        self.comp_level(c, 0, iterable, &cenv, f).map(|_| ())
    }

    fn comp_level(
        &mut self,
        c: &Comprehension,
        level: usize,
        iterable: Val,
        cenv: &Rc<Env>,
        f: &mut EachFn<'_, 'a>,
    ) -> R<bool> {
        let g = &c.generators[level];
        let it = self.iter_of(&iterable)?;
        'items: while let Some(item) = self.next(&it, g.site)? {
            self.step()?;
            self.assign(&g.target, item, cenv)?;
            for (cond, site) in &g.ifs {
                let v = self.eval_test(cond, cenv)?;
                if !self.test(&v, *site)? {
                    continue 'items;
                }
            }
            if level + 1 < c.generators.len() {
                let next = self.eval_iterable(&c.generators[level + 1].iter, cenv)?;
                if !self.comp_level(c, level + 1, next, cenv, f)? {
                    return Ok(false);
                }
            } else {
                let key = match &c.key {
                    Some(k) => Some(self.eval(k, cenv)?),
                    None => None,
                };
                let v = self.eval(&c.elt, cenv)?;
                if !f(self, key, v)? {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }
}

pub(crate) fn const_val(c: &Const) -> Val {
    match c {
        Const::None => Val::None,
        Const::Bool(b) => Val::Bool(*b, None),
        Const::Int(i) => Val::Int(PyInt::from_big(i.clone()), None),
        Const::Float(f) => Val::Float(*f, None),
        Const::Str(s) => Val::Str(s.clone(), None),
        Const::Bytes(b) => Val::Bytes(b.clone()),
        Const::Ellipsis => Val::Ellipsis,
    }
}

/// Whether CPython's compiler sees `e` as a constant: a literal, or a sign
/// applied to a number literal (folded before code generation).
fn is_constant(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Const(_) => true,
        ExprKind::Unary {
            op: crate::ir::UnaryOp::Neg | crate::ir::UnaryOp::Pos,
            operand,
            ..
        } => matches!(operand.kind, ExprKind::Const(_)),
        _ => false,
    }
}
