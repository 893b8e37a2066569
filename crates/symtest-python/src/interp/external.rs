//! External calls: values that live in CPython and what the interpreter
//! does with them. A call of one, an attribute, a method call, iterating
//! it: each becomes a [`Recipe`] that the run's [`External`](crate::external::External)
//! evaluates in CPython. Arguments cross as plain values; a symbolic one is
//! concretised (reported, and its value pinned so later models keep the
//! result true). Module top-level statements the interpreter cannot run
//! bind the globals CPython's import of the module bound.

use std::cell::RefCell;
use std::rc::Rc;

use super::repr::from_pyvalue;
use super::state::{Flow, Interp, R, unsupported};
use crate::builtins::ExcType;
use crate::external::{Answer, Arg, Recipe};
use crate::int::PyInt;
use crate::ir::{Def, Name, Place, Stmt, Target};
use crate::sites::PIN_SITE;
use crate::value::{ExcObj, ExtObj, IterObj, Opaque, Val};
use symtest_pyvalue::PyValue;

/// A call's arguments as they cross: positional, then keyword.
type Crossed = (Vec<Arg>, Vec<(Name, Arg)>);

/// Classes whose objects no method changes: their method calls need no
/// replaying.
const IMMUTABLE: &[&str] = &[
    "Pattern",
    "Match",
    "function",
    "builtin_function_or_method",
    "method",
    "type",
    "module",
    "frozenset",
    "tuple",
    "str",
    "bytes",
    "int",
    "float",
    "complex",
    "NoneType",
    "partial",
    "Decimal",
    "Fraction",
    "date",
    "datetime",
    "time",
    "timedelta",
    "UUID",
    "PurePosixPath",
];

/// A value that lives in CPython, named by `recipe`.
fn handle(recipe: Rc<Recipe>, type_name: &str) -> Val {
    Val::Opaque(Rc::new(Opaque::External(ExtObj {
        recipe,
        type_name: Rc::from(type_name),
        history: RefCell::new(Vec::new()),
        entangled: std::cell::Cell::new(false),
    })))
}

/// CPython's object for a builtin or a modelled stdlib function.
fn builtin_recipe(b: crate::builtins::Builtin) -> Rc<Recipe> {
    let module = match b {
        crate::builtins::Builtin::Stdlib { module, .. } => module.name(),
        _ => "builtins",
    };
    let module = Rc::new(Recipe::Module(Rc::from(module)));
    Rc::new(Recipe::Attr(module, Rc::from(b.name())))
}

/// Whether objects of the class are iterators (what a lazy object made of
/// one consumes when it is used).
fn is_iterator(type_name: &str) -> bool {
    type_name.ends_with("iterator")
        || [
            "generator",
            "islice",
            "map",
            "filter",
            "zip",
            "chain",
            "count",
            "cycle",
            "tee",
            "groupby",
            "takewhile",
            "dropwhile",
            "accumulate",
            "compress",
            "starmap",
            "enumerate",
            "reversed",
            "zip_longest",
            "pairwise",
            "batched",
            "filterfalse",
        ]
        .contains(&type_name)
}

/// Whether calls may change `obj` (an object made by a call, of a class
/// not known to be immutable): what is done to it is kept.
fn mutable(obj: &ExtObj) -> bool {
    obj.recipe.made_by_call() && !IMMUTABLE.contains(&&*obj.type_name)
}

/// The value in CPython `v` is or stands for (an iterator that crossed).
fn external_of(v: &Val) -> Option<Rc<Opaque>> {
    match v {
        Val::Opaque(o) if matches!(&**o, Opaque::External(_)) => Some(o.clone()),
        Val::Iter(cell) => match &*cell.borrow() {
            IterObj::External(Val::Opaque(o)) => Some(o.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// After a call of `f` that was passed objects living in CPython, each of
/// them keeps the call (naming itself [`Recipe::This`]) in its history:
/// the call may have changed it (an iterator consumed, a list filled).
fn record_passed(
    f: &Rc<Recipe>,
    args: &[Val],
    kwargs: &[(Name, Val)],
    crossed: &Crossed,
    result: &Val,
) {
    // A lazy object made of it (an `islice` of an iterator) changes it when
    // it is used: replaying cannot follow that.
    let lazy = matches!(result, Val::Opaque(o)
        if matches!(&**o, Opaque::External(r) if !IMMUTABLE.contains(&&*r.type_name)));
    let all = args.iter().chain(kwargs.iter().map(|(_, v)| v));
    for (i, v) in all.enumerate() {
        let Some(o) = external_of(v) else { continue };
        let Opaque::External(obj) = &*o else { continue };
        if !mutable(obj) {
            continue;
        }
        if lazy && is_iterator(&obj.type_name) {
            obj.entangled.set(true);
            continue;
        }
        let (mut pos, mut kw) = (crossed.0.clone(), crossed.1.clone());
        let this = Arg::Ref(Rc::new(Recipe::This));
        if i < pos.len() {
            pos[i] = this;
        } else if let Some(k) = kw.get_mut(i - pos.len()) {
            k.1 = this;
        }
        let effect = Recipe::Call(f.clone(), pos, kw);
        obj.history.borrow_mut().push(Rc::new(effect));
    }
}

/// The recipe of an object as it is now (after its method calls).
fn current(obj: &ExtObj) -> R<Rc<Recipe>> {
    if obj.entangled.get() {
        return Err(unsupported(format!(
            "{} used after a lazy object in CPython took it (its state there is not known)",
            obj.recipe.describe()
        )));
    }
    let history = obj.history.borrow();
    Ok(if history.is_empty() {
        obj.recipe.clone()
    } else {
        Rc::new(Recipe::After(obj.recipe.clone(), history.clone()))
    })
}

impl Interp<'_> {
    /// Whether external calls are on.
    pub(crate) fn has_external(&self) -> bool {
        self.external.is_some()
    }

    /// CPython's value of `recipe`: a plain value, or a handle on it.
    fn ext_eval(&mut self, recipe: Rc<Recipe>) -> R<Val> {
        let Some(ext) = self.external.clone() else {
            return Err(unsupported(recipe.describe()));
        };
        match ext.eval(&recipe) {
            Answer::Value(v) => Ok(from_pyvalue(&v)),
            Answer::Object { type_name } => Ok(handle(recipe, &type_name)),
            Answer::Raised {
                type_name,
                message,
                bases,
            } => {
                let kind = std::iter::once(&type_name)
                    .chain(&bases)
                    .find_map(|n| ExcType::ALL.iter().find(|k| k.name() == n.as_str()))
                    .copied()
                    .ok_or_else(|| {
                        Flow::Stop(format!(
                            "external call {} raised {type_name}, which the interpreter does not model",
                            recipe.describe()
                        ))
                    })?;
                let class = (kind.name() != type_name).then(|| Rc::from(type_name.as_str()));
                Err(Flow::Exc(Rc::new(ExcObj {
                    kind,
                    args: vec![Val::Str(Rc::from(message.as_str()), None)],
                    class,
                })))
            }
            Answer::Failed(why) => Err(Flow::Stop(format!(
                "external call {}: {why}",
                recipe.describe()
            ))),
        }
    }

    /// `import module` of a module the interpreter does not model.
    pub(crate) fn ext_import(&mut self, module: &str) -> Val {
        handle(Rc::new(Recipe::Module(Rc::from(module))), "module")
    }

    /// CPython's builtin `name`, when there is one (`None`: a `NameError`).
    pub(crate) fn ext_builtin_name(&mut self, name: &str) -> R<Option<Val>> {
        let b = Rc::new(Recipe::Module(Rc::from("builtins")));
        match self.ext_eval(Rc::new(Recipe::Attr(b, Rc::from(name)))) {
            Ok(v) => Ok(Some(v)),
            Err(Flow::Exc(_)) => Ok(None),
            Err(stop) => Err(stop),
        }
    }

    /// `from module import name` of a module the interpreter does not model.
    pub(crate) fn ext_import_from(&mut self, module: &str, name: &str) -> R<Val> {
        let m = Rc::new(Recipe::Module(Rc::from(module)));
        self.ext_eval(Rc::new(Recipe::Attr(m, Rc::from(name))))
    }

    /// `obj.name` of a value in CPython.
    pub(crate) fn ext_attr(&mut self, obj: &ExtObj, name: &str) -> R<Val> {
        self.ext_eval(Rc::new(Recipe::Attr(current(obj)?, Rc::from(name))))
    }

    /// Calls a value in CPython.
    pub(crate) fn ext_call(
        &mut self,
        obj: &ExtObj,
        args: Vec<Val>,
        kwargs: Vec<(Name, Val)>,
    ) -> R<Val> {
        let f = current(obj)?;
        self.call_recipe(f, &args, &kwargs)
    }

    /// Calls `f` in CPython with the arguments sent across, and records what
    /// was passed.
    fn call_recipe(&mut self, f: Rc<Recipe>, args: &[Val], kwargs: &[(Name, Val)]) -> R<Val> {
        let crossed = self.ext_args(&f, args, kwargs)?;
        let call = Recipe::Call(f.clone(), crossed.0.clone(), crossed.1.clone());
        let result = self.ext_eval(Rc::new(call))?;
        record_passed(&f, args, kwargs, &crossed, &result);
        Ok(result)
    }

    /// A builtin call with external calls on: in CPython when an argument
    /// lives there (the interpreter cannot know what it does), or when the
    /// interpreter does not model the call; else the interpreter's.
    pub(crate) fn call_builtin_ext(
        &mut self,
        b: crate::builtins::Builtin,
        args: Vec<Val>,
        kwargs: Vec<(Name, Val)>,
        site: crate::sites::SiteId,
    ) -> R<Val> {
        let external_arg = args
            .iter()
            .chain(kwargs.iter().map(|(_, v)| v))
            .any(Self::holds_external);
        if external_arg {
            if b == crate::builtins::Builtin::Next
                && let Some(Val::Opaque(o)) = args.first()
                && let Opaque::External(obj) = &**o
            {
                return match self.ext_method(obj, "__next__", Vec::new(), Vec::new()) {
                    Err(Flow::Exc(e)) if e.kind == ExcType::StopIteration && args.len() == 2 => {
                        Ok(args[1].clone())
                    }
                    other => other,
                };
            }
            return self.ext_builtin(b, args, kwargs);
        }
        let (pos, kw) = (args.clone(), kwargs.clone());
        match self.call_builtin(b, args, kwargs, site) {
            Err(Flow::Stop(why)) if why.starts_with("unsupported") => {
                self.ext_builtin(b, pos, kw).map_err(|e| match e {
                    Flow::Stop(_) => Flow::Stop(why),
                    exc => exc,
                })
            }
            other => other,
        }
    }

    /// CPython's `b.name` (a class's or a stdlib function's attribute the
    /// interpreter lacks).
    pub(crate) fn ext_builtin_attr(&mut self, b: crate::builtins::Builtin, name: &str) -> R<Val> {
        let f = builtin_recipe(b);
        self.ext_eval(Rc::new(Recipe::Attr(f, Rc::from(name))))
    }

    /// The exception CPython raises for `raise obj`.
    pub(crate) fn ext_raise(&mut self, obj: &ExtObj) -> Flow {
        let recipe = match current(obj) {
            Ok(r) => r,
            Err(stop) => return stop,
        };
        match self.ext_eval(Rc::new(Recipe::Raise(recipe))) {
            Err(flow) => flow,
            Ok(_) => Flow::Stop(format!(
                "unsupported: raise {} did not raise in CPython",
                obj.recipe.describe()
            )),
        }
    }

    /// A builtin function the interpreter does not model (for these
    /// arguments), called in CPython.
    pub(crate) fn ext_builtin(
        &mut self,
        b: crate::builtins::Builtin,
        args: Vec<Val>,
        kwargs: Vec<(Name, Val)>,
    ) -> R<Val> {
        self.call_recipe(builtin_recipe(b), &args, &kwargs)
    }

    /// `obj.name(...)` of a value in CPython. An object made by a call keeps
    /// the call in its history, so later uses see what it did to the object.
    pub(crate) fn ext_method(
        &mut self,
        obj: &ExtObj,
        name: &str,
        args: Vec<Val>,
        kwargs: Vec<(Name, Val)>,
    ) -> R<Val> {
        let base = current(obj)?;
        let f = Rc::new(Recipe::Attr(base, Rc::from(name)));
        let crossed = self.ext_args(&f, &args, &kwargs)?;
        let call = Recipe::Call(f.clone(), crossed.0.clone(), crossed.1.clone());
        let result = self.ext_eval(Rc::new(call))?;
        if mutable(obj) {
            let this = Rc::new(Recipe::Attr(Rc::new(Recipe::This), Rc::from(name)));
            let effect = Recipe::Call(this, crossed.0.clone(), crossed.1.clone());
            obj.history.borrow_mut().push(Rc::new(effect));
        }
        record_passed(&f, &args, &kwargs, &crossed, &result);
        Ok(result)
    }

    /// The items of an iterable that lives in CPython, as a list.
    pub(crate) fn ext_items(&mut self, obj: &ExtObj) -> R<Val> {
        self.ext_eval(Rc::new(Recipe::Items(current(obj)?)))
    }

    /// The arguments of a call of `f` as they cross: symbolic ones
    /// concretised (once per call, reported with the callee) and pinned.
    fn ext_args(&mut self, f: &Recipe, args: &[Val], kwargs: &[(Name, Val)]) -> R<Crossed> {
        let all = args.iter().chain(kwargs.iter().map(|(_, v)| v));
        if all.clone().any(Val::is_symbolic) {
            self.concretise(&format!("external call {}", f.describe()));
            for v in all {
                self.pin_all(v, 0);
            }
        }
        let pos = args
            .iter()
            .map(|v| self.ext_arg(v))
            .collect::<R<Vec<_>>>()?;
        let kw = kwargs
            .iter()
            .map(|(k, v)| Ok((k.clone(), self.ext_arg(v)?)))
            .collect::<R<Vec<_>>>()?;
        Ok((pos, kw))
    }

    /// One argument as it crosses: a plain value, a value in CPython, or a
    /// top-level function of the module (CPython has its own).
    fn ext_arg(&mut self, v: &Val) -> R<Arg> {
        if let Some(p) = super::repr::to_pyvalue(v) {
            return Ok(Arg::Value(p));
        }
        match v {
            Val::Opaque(o) => {
                if let Opaque::External(obj) = &**o {
                    return Ok(Arg::Ref(current(obj)?));
                }
            }
            // An iterator crosses as an iterator over its values, and from
            // then on lives in CPython (the interpreter's `next` asks there),
            // so both sides consume the same values.
            Val::Iter(cell) => {
                if let IterObj::External(Val::Opaque(o)) = &*cell.borrow()
                    && let Opaque::External(obj) = &**o
                {
                    return Ok(Arg::Ref(current(obj)?));
                }
                let items = self.collect(v)?;
                let items = self.ext_items_args(&items)?;
                let iter = builtin_recipe(crate::builtins::Builtin::Iter);
                let list = Arg::Ref(Rc::new(Recipe::Display("[", items)));
                let recipe = Rc::new(Recipe::Call(iter, vec![list], Vec::new()));
                let h = handle(recipe.clone(), "list_iterator");
                *cell.borrow_mut() = IterObj::External(h);
                return Ok(Arg::Ref(recipe));
            }
            // Containers holding what is not plain cross as displays (a copy).
            Val::Tuple(t) => {
                let items = self.ext_items_args(&t.items)?;
                return Ok(Arg::Ref(Rc::new(Recipe::Display("(", items))));
            }
            Val::List(l) => {
                let items = l.borrow().items.clone();
                let items = self.ext_items_args(&items)?;
                return Ok(Arg::Ref(Rc::new(Recipe::Display("[", items))));
            }
            Val::Set(st) => {
                let items: Vec<Val> = st.borrow().iter().cloned().collect();
                let items = self.ext_items_args(&items)?;
                return Ok(Arg::Ref(Rc::new(Recipe::Display("{", items))));
            }
            Val::Dict(d) => {
                let entries: Vec<(Val, Val)> = d.borrow().iter().cloned().collect();
                let mut out = Vec::with_capacity(entries.len());
                for (k, x) in &entries {
                    out.push((self.ext_arg(k)?, self.ext_arg(x)?));
                }
                return Ok(Arg::Ref(Rc::new(Recipe::Dict(out))));
            }
            Val::Range(r) => {
                let f = builtin_recipe(crate::builtins::Builtin::Range);
                let n = |i: &PyInt| Arg::Value(PyValue::Int(i.to_big()));
                let args = vec![n(&r.start), n(&r.stop), n(&r.step)];
                return Ok(Arg::Ref(Rc::new(Recipe::Call(f, args, Vec::new()))));
            }
            Val::Exc(e) => {
                let f = builtin_recipe(crate::builtins::Builtin::Exc(e.kind));
                let args = self.ext_items_args(&e.args)?;
                return Ok(Arg::Ref(Rc::new(Recipe::Call(f, args, Vec::new()))));
            }
            Val::Builtin(b) => return Ok(Arg::Ref(builtin_recipe(*b))),
            Val::Func(c) if c.env.is_none() => {
                let module = self.module;
                let same = module
                    .global_names
                    .iter()
                    .position(|n| **n == *c.def.name)
                    .and_then(|i| self.globals[i].as_ref())
                    .is_some_and(|g| matches!(g, Val::Func(d) if Rc::ptr_eq(c, d)));
                if same {
                    return Ok(Arg::Ref(Rc::new(Recipe::Global(c.def.name.clone()))));
                }
            }
            _ => {}
        }
        Err(unsupported(format!(
            "a {} passed to CPython (external call)",
            v.type_name()
        )))
    }

    fn ext_items_args(&mut self, items: &[Val]) -> R<Vec<Arg>> {
        items.iter().map(|x| self.ext_arg(x)).collect()
    }

    /// Whether `v` is a value in CPython, or a tuple holding one (what
    /// `isinstance` is given).
    pub(crate) fn holds_external(v: &Val) -> bool {
        match v {
            Val::Opaque(o) => matches!(&**o, Opaque::External(_)),
            Val::Tuple(t) => t.items.iter().any(Self::holds_external),
            _ => false,
        }
    }

    /// `obj.name = v` on a value in CPython (kept in its history).
    pub(crate) fn ext_setattr(&mut self, obj: &ExtObj, name: &str, v: Val) -> R<()> {
        let n = Val::Str(Rc::from(name), None);
        self.ext_method(obj, "__setattr__", vec![n, v], Vec::new())
            .map(|_| ())
    }

    /// A binary operation with a value in CPython: CPython's `operator`.
    pub(crate) fn ext_binop(&mut self, op: &str, a: Val, b: Val) -> R<Val> {
        let m = Rc::new(Recipe::Module(Rc::from("operator")));
        let f = Rc::new(Recipe::Attr(m, Rc::from(op)));
        let (args, kwargs) = self.ext_args(&f, &[a, b], &[])?;
        self.ext_eval(Rc::new(Recipe::Call(f, args, kwargs)))
    }

    /// A comparison with a value in CPython, decided there.
    pub(crate) fn ext_compare(
        &mut self,
        op: crate::ir::CmpOp,
        a: &Val,
        b: &Val,
    ) -> R<super::answer::Answer> {
        use crate::ir::CmpOp as C;
        let (name, x, y, negate) = match op {
            C::Eq => ("eq", a, b, false),
            C::NotEq => ("ne", a, b, false),
            C::Lt => ("lt", a, b, false),
            C::LtE => ("le", a, b, false),
            C::Gt => ("gt", a, b, false),
            C::GtE => ("ge", a, b, false),
            C::In => ("contains", b, a, false),
            C::NotIn => ("contains", b, a, true),
            C::Is | C::IsNot => return Err(unsupported("identity of values in CPython")),
        };
        match self.ext_binop(name, x.clone(), y.clone())? {
            Val::Bool(t, _) => Ok((t != negate, None)),
            other => Err(unsupported(format!(
                "a comparison in CPython answering a {}",
                other.type_name()
            ))),
        }
    }

    /// Pins every shadow inside `v` (scalars, lengths, elements).
    fn pin_all(&mut self, v: &Val, depth: usize) {
        if depth > 64 {
            return;
        }
        match v {
            Val::List(l) => {
                let (len, items) = {
                    let l = l.borrow();
                    (l.len.clone(), l.items.clone())
                };
                if let Some(t) = len {
                    let n = PyInt::Small(items.len() as i64).to_big();
                    self.pin(PIN_SITE, &t, symtest_term::Value::Int(n));
                }
                for x in &items {
                    self.pin_all(x, depth + 1);
                }
            }
            Val::Tuple(t) => {
                if let Some(len) = &t.len {
                    let n = PyInt::Small(t.items.len() as i64).to_big();
                    self.pin(PIN_SITE, len, symtest_term::Value::Int(n));
                }
                for x in &t.items {
                    self.pin_all(x, depth + 1);
                }
            }
            Val::Dict(d) => {
                let entries: Vec<(Val, Val)> = d.borrow().iter().cloned().collect();
                for (k, x) in &entries {
                    self.pin_all(k, depth + 1);
                    self.pin_all(x, depth + 1);
                }
            }
            Val::Set(s) => {
                let items: Vec<Val> = s.borrow().iter().cloned().collect();
                for x in &items {
                    self.pin_all(x, depth + 1);
                }
            }
            _ => self.pin_value(PIN_SITE, v),
        }
    }

    /// A top-level statement failed with `flow`: the globals it binds get
    /// CPython's values (the module as CPython imports it). The failure
    /// stands when CPython cannot give them (the module does not load
    /// there either).
    pub(crate) fn globals_from_cpython(&mut self, s: &Stmt, flow: Flow) -> R<()> {
        let mut slots = Vec::new();
        bound_globals(s, &mut slots);
        for slot in slots {
            let name = self.module.global_names[slot as usize].clone();
            match self.ext_eval(Rc::new(Recipe::Global(name))) {
                Ok(v) => self.globals[slot as usize] = Some(v),
                // Not bound in CPython either (a conditional definition).
                Err(Flow::Exc(_)) => self.globals[slot as usize] = None,
                Err(Flow::Stop(why)) => {
                    return Err(match flow {
                        Flow::Stop(first) => {
                            Flow::Stop(format!("{first}; and from CPython: {why}"))
                        }
                        exc => exc,
                    });
                }
            }
        }
        Ok(())
    }

    /// Classes (and other values the interpreter holds as unsupported) at
    /// the top level become CPython's.
    pub(crate) fn classes_from_cpython(&mut self) {
        for (slot, g) in self.globals.iter_mut().enumerate() {
            if let Some(Val::Opaque(o)) = g
                && let Opaque::Unsupported(_) = &**o
            {
                let name = self.module.global_names[slot].clone();
                *g = Some(handle(Rc::new(Recipe::Global(name)), "object"));
            }
        }
    }
}

/// The module-level names a statement binds (its nested blocks included).
fn bound_globals(s: &Stmt, out: &mut Vec<u32>) {
    let target = |t: &Target, out: &mut Vec<u32>| target_globals(t, out);
    match s {
        Stmt::Assign { targets, .. } => targets.iter().for_each(|t| target(t, out)),
        Stmt::AugAssign { target: t, .. } => target(t, out),
        Stmt::For { target: t, .. } => {
            target(t, out);
            s.nested().for_each(|b| bound_globals(b, out));
        }
        Stmt::Def(Def { target, .. }) | Stmt::Import { target, .. } => place(target, out),
        Stmt::ImportFrom { names, .. } => names.iter().for_each(|(_, p)| place(p, out)),
        Stmt::If { .. } | Stmt::While { .. } | Stmt::Try { .. } => {
            s.nested().for_each(|b| bound_globals(b, out));
        }
        _ => {}
    }
}

fn target_globals(t: &Target, out: &mut Vec<u32>) {
    match t {
        Target::Name(p, _) => place(p, out),
        Target::Unpack { items, .. } => items.iter().for_each(|i| target_globals(i, out)),
        Target::Subscript { .. } | Target::Attribute { .. } => {}
    }
}

fn place(p: &Place, out: &mut Vec<u32>) {
    if let Place::Global(slot) = p
        && !out.contains(slot)
    {
        out.push(*slot);
    }
}
