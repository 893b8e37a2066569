//! Calls: user functions (argument binding, defaults, closures, memoised
//! functions), builtins, methods and attribute reads. Methods and
//! attributes are looked up in the types' and modules' tables.

use std::cell::RefCell;
use std::rc::Rc;

use super::modules::{self, memoised};
use super::state::{Ctrl, Flow, Interp, R, type_error, unsupported};
use super::tables::Member;
use super::types::{self, no_attribute};
use crate::ir::{FuncBody, Name, Stmt};
use crate::sites::{PIN_SITE, SiteId};
use crate::value::{Closure, DictFlavor, DictObj, Env, Opaque, Val, key_of};

impl Interp<'_> {
    /// Calls `f`: a user function, a builtin, a bound method or a callable
    /// object (`functools` wrappers). `site` is where decisions inside
    /// builtins are reported (the call's own site when it has one).
    pub(crate) fn call(
        &mut self,
        f: &Val,
        args: Vec<Val>,
        kwargs: Vec<(Name, Val)>,
        site: Option<SiteId>,
    ) -> R<Val> {
        let site = site.unwrap_or(PIN_SITE);
        match f {
            Val::Func(c) => self.call_closure(c, args, kwargs),
            Val::Builtin(b) if self.has_external() => self.call_builtin_ext(*b, args, kwargs, site),
            Val::Builtin(b) => self.call_builtin(*b, args, kwargs, site),
            Val::Method(m) => self.call_method(m.0.clone(), &m.1, args, kwargs, site),
            Val::Opaque(o) => match &**o {
                Opaque::CacheDecorator => {
                    let Some(Val::Func(c)) = args.first() else {
                        return Err(type_error("lru_cache expects a function"));
                    };
                    Ok(memoised(c))
                }
                Opaque::CmpToKey(cmp) => {
                    let value = args
                        .into_iter()
                        .next()
                        .ok_or_else(|| type_error("K() missing argument"))?;
                    Ok(Val::Opaque(Rc::new(Opaque::KeyWrapper {
                        cmp: cmp.clone(),
                        value,
                    })))
                }
                Opaque::Unsupported(what) => Err(unsupported(what)),
                Opaque::External(obj) => self.ext_call(obj, args, kwargs),
                _ => Err(type_error(format!(
                    "'{}' object is not callable",
                    f.type_name()
                ))),
            },
            other => Err(type_error(format!(
                "'{}' object is not callable",
                other.type_name()
            ))),
        }
    }

    /// Calls a user function: binds the arguments, runs the body in a new
    /// frame (the entry call's leading asserts as preconditions), and keeps
    /// the result of a memoised function.
    fn call_closure(
        &mut self,
        c: &Rc<Closure>,
        args: Vec<Val>,
        kwargs: Vec<(Name, Val)>,
    ) -> R<Val> {
        let def = &c.def;
        if def.is_generator {
            self.gen_buffers.push(Vec::new());
        }
        let memo_key: Option<Vec<crate::value::Key>> = match &c.memo {
            Some(_) if kwargs.is_empty() => args.iter().map(key_of).collect(),
            _ => None,
        };
        if let (Some(memo), Some(k)) = (&c.memo, &memo_key)
            && let Some(v) = memo.borrow().get(k)
        {
            return Ok(v.clone());
        }
        let slots = self.bind(c, args, kwargs)?;
        let env = Rc::new(Env {
            slots: RefCell::new(slots),
            parent: c.env.clone(),
        });
        self.enter()?;
        let entry = std::mem::take(&mut self.entry_pending);
        let result = match &def.body {
            FuncBody::Block(body) => {
                let start = if entry {
                    self.preconditions(body, def.docstring, &env)
                } else {
                    Ok(0)
                };
                match start {
                    Ok(start) => match self.exec_block(&body[start..], &env) {
                        Ok(Ctrl::Return(v)) => Ok(v),
                        Ok(_) => Ok(Val::None),
                        Err(e) => Err(e),
                    },
                    Err(e) => Err(e),
                }
            }
            FuncBody::Expr(e) => self.eval(e, &env),
        };
        self.leave();
        let result = if def.is_generator {
            self.generated(result)
        } else {
            result
        };
        if let (Some(memo), Some(k), Ok(v)) = (&c.memo, memo_key, &result) {
            memo.borrow_mut().insert(k, v.clone());
        }
        result
    }

    /// The entry function's leading `assert`s (and the caller's extra
    /// conditions) are preconditions: assumed, never negated; a run that
    /// breaks one stops. Returns where the body proper starts.
    fn preconditions(&mut self, body: &[Stmt], docstring: bool, env: &Rc<Env>) -> R<usize> {
        let extra = std::mem::take(&mut self.extra_preconditions);
        for (e, site) in extra.iter() {
            let v = self.eval_test(e, env)?;
            self.assume_truth(&v, *site)?;
        }
        let mut i = usize::from(docstring);
        while let Some(Stmt::Assert { test, site, .. }) = body.get(i) {
            let v = self.eval_test(test, env)?;
            self.assume_truth(&v, *site)?;
            i += 1;
        }
        Ok(i)
    }

    /// Assumes `v` is true at `site`; a run where it is not stops.
    fn assume_truth(&mut self, v: &Val, site: SiteId) -> R<()> {
        let (t, cond) = self.truth(v)?;
        if let Some(c) = cond {
            self.tracer.assume(site, &c, t);
        }
        if !t {
            return Err(Flow::Stop("precondition not met".into()));
        }
        Ok(())
    }

    /// The frame slots of a call: positional and keyword arguments,
    /// defaults, `*args` and `**kwargs`, with CPython's `TypeError`s.
    fn bind(
        &mut self,
        c: &Closure,
        args: Vec<Val>,
        kwargs: Vec<(Name, Val)>,
    ) -> R<Vec<Option<Val>>> {
        let def = &c.def;
        let mut slots: Vec<Option<Val>> = vec![None; def.slot_count as usize];
        let np = def.params.len();
        let mut extra = Vec::new();
        let given = args.len();
        for (i, a) in args.into_iter().enumerate() {
            if i < np {
                slots[def.params[i].slot as usize] = Some(a);
            } else if def.vararg.is_some() {
                extra.push(a);
            } else {
                return Err(type_error(format!(
                    "{}() takes {np} positional argument{} but {given} were given",
                    def.name,
                    if np == 1 { "" } else { "s" }
                )));
            }
        }
        if let Some(v) = def.vararg {
            slots[v as usize] = Some(Val::tuple(extra));
        }
        let mut kw_dict: Option<DictObj> = def.kwarg.map(|_| DictObj::new(DictFlavor::Plain));
        for (name, v) in kwargs {
            let param = def
                .params
                .iter()
                .chain(def.kwonly.iter())
                .find(|p| p.name == name);
            match param {
                Some(p) => {
                    if slots[p.slot as usize].is_some() {
                        return Err(type_error(format!(
                            "{}() got multiple values for argument '{name}'",
                            def.name
                        )));
                    }
                    slots[p.slot as usize] = Some(v);
                }
                None => match &mut kw_dict {
                    Some(d) => {
                        let k = Val::Str(name.clone(), None);
                        if let Some(key) = key_of(&k) {
                            d.insert(key, k, v);
                        }
                    }
                    None => {
                        return Err(type_error(format!(
                            "{}() got an unexpected keyword argument '{name}'",
                            def.name
                        )));
                    }
                },
            }
        }
        if let (Some(slot), Some(d)) = (def.kwarg, kw_dict) {
            slots[slot as usize] = Some(Val::Dict(Rc::new(RefCell::new(d))));
        }
        let first_default = np - c.defaults.len().min(np);
        for (i, p) in def.params.iter().enumerate() {
            if slots[p.slot as usize].is_none() {
                if i >= first_default {
                    slots[p.slot as usize] = Some(c.defaults[i - first_default].clone());
                } else {
                    return Err(type_error(format!(
                        "{}() missing 1 required positional argument: '{}'",
                        def.name, p.name
                    )));
                }
            }
        }
        let mut kd = c.kw_defaults.iter();
        for p in &def.kwonly {
            let default = if p.has_default { kd.next() } else { None };
            if slots[p.slot as usize].is_none() {
                match default {
                    Some(d) => slots[p.slot as usize] = Some(d.clone()),
                    None => {
                        return Err(type_error(format!(
                            "{}() missing 1 required keyword-only argument: '{}'",
                            def.name, p.name
                        )));
                    }
                }
            }
        }
        Ok(slots)
    }

    /// `recv.name(...)`: a module's function, or a method from the table of
    /// `recv`'s type.
    pub(crate) fn call_method(
        &mut self,
        recv: Val,
        name: &str,
        pos: Vec<Val>,
        kw: Vec<(Name, Val)>,
        site: SiteId,
    ) -> R<Val> {
        if let Val::Opaque(o) = &recv
            && let Opaque::Unsupported(what) = &**o
        {
            return Err(unsupported(format!("{what}.{name}")));
        }
        match &recv {
            Val::Opaque(o) if let Opaque::External(obj) = &**o => {
                self.ext_method(obj, name, pos, kw)
            }
            Val::Module(m) => {
                let f = self.module_attr(*m, name)?;
                self.call(&f, pos, kw, Some(site))
            }
            Val::Builtin(b) if self.has_external() => {
                let (p, k) = (pos.clone(), kw.clone());
                match self.call_type_method(&recv, name, pos, kw, site) {
                    Err(Flow::Exc(e)) if e.kind == crate::builtins::ExcType::AttributeError => {
                        let f = self.ext_builtin_attr(*b, name)?;
                        self.call(&f, p, k, Some(site))
                    }
                    other => other,
                }
            }
            _ => self.call_type_method(&recv, name, pos, kw, site),
        }
    }

    /// A member of a module the interpreter models; with external calls,
    /// what its table lacks is CPython's.
    fn module_attr(&mut self, m: crate::builtins::ModuleId, name: &str) -> R<Val> {
        match modules::attr(m, name) {
            Err(Flow::Stop(_) | Flow::Exc(_)) if self.has_external() => {
                self.ext_import_from(m.name(), name)
            }
            other => other,
        }
    }

    /// `v.attr`: a module's member, a bound method or a data attribute from
    /// the table of `v`'s type; `AttributeError` for a name the table lacks.
    pub(crate) fn get_attr(&mut self, v: Val, attr: &str) -> R<Val> {
        if let Val::Opaque(o) = &v
            && let Opaque::Unsupported(what) = &**o
        {
            return Err(unsupported(format!("{what}.{attr}")));
        }
        match &v {
            Val::Opaque(o) if let Opaque::External(obj) = &**o => self.ext_attr(obj, attr),
            Val::Module(m) => self.module_attr(*m, attr),
            Val::Builtin(b) if self.has_external() => {
                let r = match types::of_class(*b) {
                    Some(_) => types::class_attr(&v, *b, attr),
                    None => match types::member(&v, attr) {
                        Some(Member::Method(_)) => {
                            Ok(Val::Method(Rc::new((v.clone(), Rc::from(attr)))))
                        }
                        Some(Member::Attr(get)) => Ok(get(&v)),
                        None => Err(no_attribute(&v, attr)),
                    },
                };
                match r {
                    Err(Flow::Exc(e)) if e.kind == crate::builtins::ExcType::AttributeError => {
                        self.ext_builtin_attr(*b, attr)
                    }
                    other => other,
                }
            }
            Val::Builtin(b) if types::of_class(*b).is_some() => types::class_attr(&v, *b, attr),
            _ => match types::member(&v, attr) {
                Some(Member::Method(_)) => Ok(Val::Method(Rc::new((v.clone(), Rc::from(attr))))),
                Some(Member::Attr(get)) => Ok(get(&v)),
                None => Err(no_attribute(&v, attr)),
            },
        }
    }
}
