//! Statements.

use std::rc::Rc;

use super::modules;
use super::state::{Ctrl, Flow, Interp, R, exc, type_error, unsupported, value_error};
use crate::builtins::{Builtin, ExcType, ModuleId};
use crate::ir::{Def, Expr, Handler, Name, Place, Stmt, Target};
use crate::sites::SiteId;
use crate::value::{Closure, Env, ExcObj, Opaque, Val};

impl Interp<'_> {
    pub(crate) fn exec_block(&mut self, body: &[Stmt], env: &Rc<Env>) -> R<Ctrl> {
        for s in body {
            match self.exec(s, env)? {
                Ctrl::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Ctrl::Normal)
    }

    fn exec(&mut self, s: &Stmt, env: &Rc<Env>) -> R<Ctrl> {
        self.step()?;
        match s {
            Stmt::Expr(e) => {
                self.eval(e, env)?;
            }
            Stmt::Assign { targets, value } => {
                let v = self.eval(value, env)?;
                for t in targets {
                    self.assign(t, v.clone(), env)?;
                }
            }
            Stmt::AugAssign {
                target,
                op,
                value,
                site,
            } => self.aug_assign(target, *op, value, *site, env)?,
            Stmt::If {
                test,
                site,
                body,
                orelse,
            } => {
                let v = self.eval_test(test, env)?;
                let taken = self.test(&v, *site)?;
                return self.exec_block(if taken { body } else { orelse }, env);
            }
            Stmt::While {
                test,
                site,
                body,
                orelse,
            } => return self.exec_while(test, *site, body, orelse, env),
            Stmt::For {
                target,
                iter,
                site,
                body,
                orelse,
            } => return self.exec_for(target, iter, *site, body, orelse, env),
            Stmt::Return(v) => {
                let v = match v {
                    Some(e) => self.eval(e, env)?,
                    None => Val::None,
                };
                return Ok(Ctrl::Return(v));
            }
            Stmt::Break => return Ok(Ctrl::Break),
            Stmt::Continue => return Ok(Ctrl::Continue),
            Stmt::Pass | Stmt::Declare => {}
            Stmt::Raise { exc: e, .. } => {
                let Some(e) = e else {
                    return match self.handling.last() {
                        Some(cur) => Err(Flow::Exc(cur.clone())),
                        None => Err(exc(ExcType::RuntimeError, "No active exception to reraise")),
                    };
                };
                let v = self.eval(e, env)?;
                return Err(self.exception_of(v)?);
            }
            Stmt::Assert { test, msg, site } => {
                let v = self.eval_test(test, env)?;
                if !self.test(&v, *site)? {
                    let args = match msg {
                        Some(m) => vec![self.eval(m, env)?],
                        None => Vec::new(),
                    };
                    return Err(Flow::Exc(Rc::new(ExcObj {
                        kind: ExcType::AssertionError,
                        args,
                        class: None,
                    })));
                }
            }
            Stmt::Try {
                body,
                handlers,
                orelse,
                finally,
            } => return self.exec_try(body, handlers, orelse, finally, env),
            Stmt::Def(def) => self.exec_def(def, env)?,
            Stmt::Import { module, target } => self.exec_import(module, target, env)?,
            Stmt::ImportFrom { module, names } => self.exec_import_from(module, names, env)?,
            Stmt::Delete(targets) => {
                for t in targets {
                    self.delete_target(t, env)?;
                }
            }
            Stmt::Unsupported { what, .. } => return Err(unsupported(what)),
        }
        Ok(Ctrl::Normal)
    }

    /// `while test: body else: orelse`: each test a decision at `site`.
    fn exec_while(
        &mut self,
        test: &Expr,
        site: SiteId,
        body: &[Stmt],
        orelse: &[Stmt],
        env: &Rc<Env>,
    ) -> R<Ctrl> {
        loop {
            let v = self.eval_test(test, env)?;
            if !self.test(&v, site)? {
                return self.exec_block(orelse, env);
            }
            if let Some(end) = self.loop_body(body, env)? {
                return Ok(end);
            }
        }
    }

    /// `for target in iter: body else: orelse`: each step a decision at
    /// `site` (see `iter.rs`).
    fn exec_for(
        &mut self,
        target: &Target,
        iter: &Expr,
        site: SiteId,
        body: &[Stmt],
        orelse: &[Stmt],
        env: &Rc<Env>,
    ) -> R<Ctrl> {
        let it = self.eval_iterable(iter, env)?;
        let it = self.iter_of(&it)?;
        loop {
            let Some(item) = self.next(&it, site)? else {
                return self.exec_block(orelse, env);
            };
            self.assign(target, item, env)?;
            if let Some(end) = self.loop_body(body, env)? {
                return Ok(end);
            }
        }
    }

    /// Runs a loop's body once: `Some` of how the statement ends when the
    /// loop stops here (a `break` ends it normally, a `return` passes on).
    fn loop_body(&mut self, body: &[Stmt], env: &Rc<Env>) -> R<Option<Ctrl>> {
        match self.exec_block(body, env)? {
            Ctrl::Break => Ok(Some(Ctrl::Normal)),
            Ctrl::Return(v) => Ok(Some(Ctrl::Return(v))),
            Ctrl::Normal | Ctrl::Continue => {
                self.step()?;
                Ok(None)
            }
        }
    }

    /// `def`: the defaults and decorators evaluated now, the function closed
    /// over `env` (unless at module level), decorated, and bound.
    fn exec_def(&mut self, def: &Def, env: &Rc<Env>) -> R<()> {
        let mut eval_all =
            |exprs: &[Expr]| -> R<Vec<Val>> { exprs.iter().map(|e| self.eval(e, env)).collect() };
        let decs = eval_all(&def.decorators)?;
        let dvals = eval_all(&def.defaults)?;
        let kvals = eval_all(&def.kw_defaults)?;
        let mut f = Val::Func(Rc::new(Closure {
            def: def.func.clone(),
            env: if env.slots.borrow().is_empty() && env.parent.is_none() {
                None
            } else {
                Some(env.clone())
            },
            defaults: dvals,
            kw_defaults: kvals,
            memo: None,
        }));
        for d in decs.into_iter().rev() {
            f = self.decorate(d, f)?;
        }
        self.store(&def.target, f, env)
    }

    /// `import m`: a module the interpreter models, or an opaque value that
    /// stops the run when used.
    fn exec_import(&mut self, module: &str, target: &Place, env: &Rc<Env>) -> R<()> {
        let v = match ModuleId::by_name(module) {
            Some(m) => Val::Module(m),
            None if self.has_external() => self.ext_import(module),
            None => Val::Opaque(Rc::new(Opaque::Unsupported(format!("module {module}")))),
        };
        self.store(target, v, env)
    }

    /// `from m import a, b`: each name from the module's table.
    fn exec_import_from(&mut self, module: &str, names: &[(Name, Place)], env: &Rc<Env>) -> R<()> {
        if module.starts_with('.') && !self.has_external() {
            return Err(unsupported("relative import"));
        }
        let m = ModuleId::by_name(module);
        for (name, place) in names {
            let v = match m {
                Some(m) => match modules::attr(m, name) {
                    Err(Flow::Stop(_) | Flow::Exc(_)) if self.has_external() => {
                        self.ext_import_from(module, name)?
                    }
                    other => other?,
                },
                None if self.has_external() => self.ext_import_from(module, name)?,
                None => Val::Opaque(Rc::new(Opaque::Unsupported(format!("{module}.{name}")))),
            };
            self.store(place, v, env)?;
        }
        Ok(())
    }

    /// `@dec` applied to `f` (`functools.cache` and `lru_cache` memoise it
    /// when called).
    fn decorate(&mut self, dec: Val, f: Val) -> R<Val> {
        self.call(&dec, vec![f], Vec::new(), None)
    }

    /// The exception a `raise` of `v` throws.
    pub(crate) fn exception_of(&mut self, v: Val) -> R<Flow> {
        match v {
            Val::Exc(e) => Ok(Flow::Exc(e)),
            Val::Builtin(Builtin::Exc(kind)) => Ok(Flow::Exc(Rc::new(ExcObj {
                kind,
                args: Vec::new(),
                class: None,
            }))),
            Val::Opaque(o) => match &*o {
                Opaque::Unsupported(what) => Err(unsupported(what)),
                Opaque::External(obj) => Ok(self.ext_raise(obj)),
                _ => Err(type_error("exceptions must derive from BaseException")),
            },
            _ => Err(type_error("exceptions must derive from BaseException")),
        }
    }

    fn exec_try(
        &mut self,
        body: &[Stmt],
        handlers: &[Handler],
        orelse: &[Stmt],
        finally: &[Stmt],
        env: &Rc<Env>,
    ) -> R<Ctrl> {
        let mut result = self.exec_block(body, env);
        if let Err(Flow::Exc(e)) = &result {
            let e = e.clone();
            for h in handlers {
                if self.handler_matches(h, &e, env)? {
                    if let Some(name) = &h.name {
                        self.store(name, Val::Exc(e.clone()), env)?;
                    }
                    self.handling.push(e.clone());
                    result = self.exec_block(&h.body, env);
                    self.handling.pop();
                    break;
                }
            }
        } else if let Ok(Ctrl::Normal) = result {
            result = self.exec_block(orelse, env);
        }
        if finally.is_empty() {
            return result;
        }
        if let Err(Flow::Stop(_)) = result {
            return result;
        }
        match self.exec_block(finally, env)? {
            Ctrl::Normal => result,
            other => Ok(other),
        }
    }

    fn handler_matches(&mut self, h: &Handler, e: &ExcObj, env: &Rc<Env>) -> R<bool> {
        let Some(kind) = &h.kind else {
            return Ok(true);
        };
        let k = self.eval(kind, env)?;
        let classes: Vec<Val> = match &k {
            Val::Tuple(t) => t.items.clone(),
            other => vec![other.clone()],
        };
        for c in classes {
            match c {
                Val::Builtin(Builtin::Exc(t)) => {
                    if e.kind.is_a(t) {
                        return Ok(true);
                    }
                }
                Val::Opaque(o) => match &*o {
                    Opaque::Unsupported(what) => return Err(unsupported(what)),
                    // CPython's exceptions arrive as their nearest builtin class.
                    Opaque::External(obj) => {
                        return Err(unsupported(format!(
                            "except with {}, a class from CPython",
                            obj.recipe.describe()
                        )));
                    }
                    _ => {}
                },
                _ => {
                    return Err(type_error(
                        "catching classes that do not inherit from BaseException is not allowed",
                    ));
                }
            }
        }
        Ok(false)
    }

    pub(crate) fn assign(&mut self, t: &Target, v: Val, env: &Rc<Env>) -> R<()> {
        match t {
            Target::Name(place, name) => {
                if self.io.is_some() {
                    self.name_stdin_numbers(name, &v);
                }
                self.store(place, v, env)
            }
            Target::Subscript { obj, index, site } => {
                let o = self.eval(obj, env)?;
                let i = self.eval(index, env)?;
                self.set_item(&o, i, v, *site)
            }
            Target::Attribute { obj, attr } => {
                let o = self.eval(obj, env)?;
                match &o {
                    Val::Opaque(x) if let Opaque::External(ext) = &**x => {
                        self.ext_setattr(ext, attr, v)
                    }
                    _ => Err(unsupported(format!("assignment to .{attr}"))),
                }
            }
            Target::Unpack { items, starred } => {
                let values = self.unpack_values(&v, items.len(), *starred)?;
                for (t, x) in items.iter().zip(values) {
                    self.assign(t, x, env)?;
                }
                Ok(())
            }
        }
    }

    /// The values a tuple pattern of `n` names takes from `v`.
    fn unpack_values(&mut self, v: &Val, n: usize, starred: Option<usize>) -> R<Vec<Val>> {
        let items = match v {
            Val::Tuple(t) => {
                let t = t.clone();
                self.pin_len(t.len.as_ref(), t.items.len());
                t.items.clone()
            }
            Val::List(l) => {
                let (len, items) = {
                    let l = l.borrow();
                    (l.len.clone(), l.items.clone())
                };
                self.pin_len(len.as_ref(), items.len());
                items
            }
            other => {
                let it = self.iter_of(other)?;
                let mut out = Vec::new();
                let site = crate::sites::PIN_SITE;
                while let Some(x) = self.next(&it, site)? {
                    out.push(x);
                    if out.len() > self.limits.max_len {
                        return Err(Flow::Stop("unpacking an endless iterator".into()));
                    }
                }
                out
            }
        };
        match starred {
            None => {
                if items.len() != n {
                    return Err(value_error(if items.len() > n {
                        format!("too many values to unpack (expected {n})")
                    } else {
                        format!(
                            "not enough values to unpack (expected {n}, got {})",
                            items.len()
                        )
                    }));
                }
                Ok(items)
            }
            Some(s) => {
                let after = n - s - 1;
                if items.len() < n - 1 {
                    return Err(value_error(format!(
                        "not enough values to unpack (expected at least {}, got {})",
                        n - 1,
                        items.len()
                    )));
                }
                let mut out: Vec<Val> = items[..s].to_vec();
                out.push(Val::list(items[s..items.len() - after].to_vec()));
                out.extend_from_slice(&items[items.len() - after..]);
                Ok(out)
            }
        }
    }

    /// An unpacking fixes the length of what it unpacks.
    fn pin_len(&mut self, len: Option<&symtest_term::Term>, n: usize) {
        if let Some(t) = len {
            let site = crate::sites::PIN_SITE;
            self.pin(site, t, symtest_term::Value::int(n as i64));
        }
    }

    fn delete_target(&mut self, t: &Target, env: &Rc<Env>) -> R<()> {
        match t {
            Target::Name(place, name) => self.delete(place, name, env),
            Target::Subscript { obj, index, site } => {
                let o = self.eval(obj, env)?;
                let i = self.eval(index, env)?;
                self.del_item(&o, i, *site)
            }
            Target::Unpack { items, .. } => {
                for t in items {
                    self.delete_target(t, env)?;
                }
                Ok(())
            }
            Target::Attribute { attr, .. } => Err(unsupported(format!("del .{attr}"))),
        }
    }

    fn aug_assign(
        &mut self,
        target: &Target,
        op: crate::ir::BinOp,
        value: &crate::ir::Expr,
        site: crate::sites::SiteId,
        env: &Rc<Env>,
    ) -> R<()> {
        match target {
            Target::Name(place, name) => {
                let cur = self.load(place, name, env)?;
                let rhs = self.eval(value, env)?;
                let new = self.inplace(op, cur, rhs, site)?;
                self.store(place, new, env)
            }
            Target::Subscript {
                obj,
                index,
                site: s2,
            } => {
                let o = self.eval(obj, env)?;
                let i = self.eval(index, env)?;
                let cur = self.get_item(&o, &i, *s2)?;
                let rhs = self.eval(value, env)?;
                let new = self.inplace(op, cur, rhs, site)?;
                self.set_item(&o, i, new, *s2)
            }
            Target::Attribute { attr, .. } => Err(unsupported(format!("assignment to .{attr}"))),
            Target::Unpack { .. } => Err(Flow::Stop("augmented assignment to a tuple".into())),
        }
    }

    /// `x op= y`: lists extend in place (the same object), the rest rebind.
    fn inplace(
        &mut self,
        op: crate::ir::BinOp,
        cur: Val,
        rhs: Val,
        site: crate::sites::SiteId,
    ) -> R<Val> {
        if op == crate::ir::BinOp::Add
            && let Val::List(l) = &cur
        {
            let items = self.collect(&rhs)?;
            let len_t = match &rhs {
                Val::List(r) => r.borrow().len.clone(),
                Val::Tuple(t) => t.len.clone(),
                _ => None,
            };
            let mut lb = l.borrow_mut();
            let n_before = lb.items.len();
            if lb.len.is_some() || len_t.is_some() {
                let a = lb
                    .len
                    .clone()
                    .unwrap_or_else(|| symtest_term::Term::int(n_before as i64));
                let b = len_t.unwrap_or_else(|| symtest_term::Term::int(items.len() as i64));
                lb.len = Some(a.plus(&b));
            }
            lb.items.extend(items);
            drop(lb);
            return Ok(cur);
        }
        if let (
            crate::ir::BinOp::BitOr
            | crate::ir::BinOp::BitAnd
            | crate::ir::BinOp::Sub
            | crate::ir::BinOp::BitXor,
            Val::Set(s),
            Val::Set(_),
        ) = (op, &cur, &rhs)
            && !s.borrow().frozen
        {
            self.set_inplace(op, &cur, &rhs, site)?;
            return Ok(cur);
        }
        self.binop(op, cur, rhs, site)
    }
}
