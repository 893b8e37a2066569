//! Symbolic inputs from types: how a parameter of type `list[str]` becomes
//! explorer variables (`xs.len`, `xs[0]`, `xs[1]`, ...), with the bounds that
//! keep generated inputs small and readable; and the way back, from a model
//! (or a dataset's example value) to named variable values.

use std::cell::RefCell;
use std::rc::Rc;

use num_bigint::BigInt;
use symtest_explore::Tracer;
use symtest_pyvalue::PyValue;
use symtest_term::{Model, Sort, Term, Value, Var};

use crate::fxhash::FxHashMap;
use crate::interp::{term_of, val_of_value};
use crate::sites::{INPUT_SITE, VARIANT_SITE};
use crate::ty::Ty;
use crate::value::{DictFlavor, DictObj, ListObj, SetObj, TupleObj, Val, key_of};

/// Bounds on generated inputs.
#[derive(Clone, Debug)]
pub struct InputOptions {
    /// Longest list, string, dict or set generated.
    pub max_len: u32,
    /// Ints (and floats) are kept within `-bound..=bound`.
    pub int_bound: Option<i64>,
    /// Characters of generated strings: code points `lo..=hi`.
    pub chars: (u32, u32),
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            max_len: 8,
            int_bound: Some(1_000_000),
            chars: (32, 126),
        }
    }
}

/// Hard cap on a container built from a seed or model, whatever it says.
const HARD_MAX_LEN: usize = 10_000;

/// Where input values come from.
pub(crate) trait Source {
    fn input(&mut self, name: &str, sort: Sort) -> (Value, Option<Term>);
    /// An assumption about inputs; `holds` tells whether this run's values satisfy it.
    fn assume(&mut self, cond: &Term, holds: bool);
    /// A decision about inputs the explorer should try both ways.
    fn decide(&mut self, cond: &Term, taken: bool);
}

/// Inputs from the explorer, with shadows.
pub(crate) struct TracerSource<'t> {
    pub tracer: &'t mut dyn Tracer,
}

impl Source for TracerSource<'_> {
    fn input(&mut self, name: &str, sort: Sort) -> (Value, Option<Term>) {
        let (v, t) = self.tracer.input(name, sort);
        (v, Some(t))
    }

    fn assume(&mut self, cond: &Term, holds: bool) {
        // A seed outside the generated range is still run, just not constrained.
        if holds && !cond.is_const() {
            self.tracer.assume(INPUT_SITE, cond, true);
        }
    }

    fn decide(&mut self, cond: &Term, taken: bool) {
        if !cond.is_const() {
            self.tracer.branch(VARIANT_SITE, cond, taken);
        }
    }
}

/// Inputs read back from a model (variables the model lacks take their defaults).
pub(crate) struct ModelSource<'m> {
    pub vars: &'m [Var],
    pub model: &'m Model,
}

/// The value of input `name` of `sort` in `model` (its sort's default when
/// the model lacks it).
pub(crate) fn model_value(vars: &[Var], model: &Model, name: &str, sort: Sort) -> Value {
    vars.iter()
        .find(|v| &*v.name == name && v.sort == sort)
        .and_then(|v| model.get(v))
        .filter(|v| v.sort() == sort)
        .cloned()
        .unwrap_or_else(|| sort.default_value())
}

impl Source for ModelSource<'_> {
    fn input(&mut self, name: &str, sort: Sort) -> (Value, Option<Term>) {
        (model_value(self.vars, self.model, name, sort), None)
    }

    fn assume(&mut self, _cond: &Term, _holds: bool) {}

    fn decide(&mut self, _cond: &Term, _taken: bool) {}
}

pub(crate) struct Builder<'s> {
    pub src: &'s mut dyn Source,
    pub opts: &'s InputOptions,
}

fn in_bound(v: &Value, b: i64) -> bool {
    match v {
        Value::Int(i) => *i >= BigInt::from(-b) && *i <= BigInt::from(b),
        Value::Real(_) => {
            let f = v.to_f64();
            f >= -(b as f64) && f <= b as f64
        }
        _ => true,
    }
}

impl Builder<'_> {
    fn bounded(&mut self, name: &str, sort: Sort) -> (Value, Option<Term>) {
        let (v, t) = self.src.input(name, sort);
        if let (Some(b), Some(t)) = (self.opts.int_bound, &t) {
            let (lo, hi) = if sort == Sort::Int {
                (Term::int(-b), Term::int(b))
            } else {
                (Term::int(-b).to_real(), Term::int(b).to_real())
            };
            let cond = Term::and([t.greater_eq(&lo), t.less_eq(&hi)]);
            self.src.assume(&cond, in_bound(&v, b));
        }
        (v, t)
    }

    /// A length variable in `0..=max_len`; the concrete length used.
    fn length(&mut self, name: &str) -> (usize, Option<Term>) {
        let (v, t) = self.src.input(name, Sort::Int);
        let n = v
            .as_int()
            .and_then(num_traits::ToPrimitive::to_i64)
            .unwrap_or(0);
        if let Some(t) = &t {
            let cond = Term::and([
                t.greater_eq(&Term::int(0)),
                t.less_eq(&Term::int(i64::from(self.opts.max_len))),
            ]);
            self.src
                .assume(&cond, (0..=i64::from(self.opts.max_len)).contains(&n));
        }
        (n.clamp(0, HARD_MAX_LEN as i64) as usize, t)
    }

    /// Assumes the scalars are pairwise different (dict keys, set elements).
    fn distinct(&mut self, items: &[Val]) {
        let terms: Vec<(Term, bool)> = items
            .iter()
            .filter_map(|v| term_of(v).map(|t| (t, v.shadow().is_some())))
            .collect();
        if terms.len() != items.len() || !terms.iter().any(|(_, s)| *s) {
            return;
        }
        let keys: Vec<_> = items.iter().map(key_of).collect();
        let mut conds = Vec::new();
        let mut holds = true;
        for i in 0..terms.len() {
            for j in i + 1..terms.len() {
                conds.push(terms[i].0.distinct(&terms[j].0));
                holds &= keys[i] != keys[j];
            }
        }
        self.src.assume(&Term::and(conds), holds);
    }

    /// A parameter's value. Its variant (which member of a union, `None` or
    /// not) is a decision the explorer takes both ways; nested variants
    /// stay assumptions, since they appear mid-run as containers grow.
    pub fn build_param(&mut self, ty: &Ty, name: &str) -> Val {
        match ty {
            Ty::Optional(inner) => {
                let (v, t) = self.src.input(&format!("{name}.is_none"), Sort::Bool);
                let none = v.as_bool() == Some(true);
                if let Some(t) = &t {
                    self.src.decide(t, none);
                }
                if none {
                    Val::None
                } else {
                    self.build(inner, name)
                }
            }
            Ty::Union(tys) if !tys.is_empty() => {
                let (k, t) = self.variant(name, tys.len());
                if let Some(t) = &t {
                    for i in 0..tys.len() - 1 {
                        self.src.decide(&t.equal(&Term::int(i as i64)), i == k);
                        if i == k {
                            break;
                        }
                    }
                }
                let variant = &tys[k];
                self.build(variant, &format!("{name}|{}", variant.tag()))
            }
            _ => self.build(ty, name),
        }
    }

    pub fn build(&mut self, ty: &Ty, name: &str) -> Val {
        match ty {
            Ty::Int | Ty::Any => {
                let (v, t) = self.bounded(name, Sort::Int);
                val_of_value(&v, t)
            }
            Ty::Float => {
                let (v, t) = self.bounded(name, Sort::Real);
                val_of_value(&v, t)
            }
            Ty::Bool => {
                let (v, t) = self.src.input(name, Sort::Bool);
                val_of_value(&v, t)
            }
            Ty::Str => {
                let (v, t) = self.src.input(name, Sort::Str);
                if let Some(t) = &t {
                    let (lo, hi) = self.opts.chars;
                    let s = v.as_str().unwrap_or_default();
                    let holds = s.chars().count() <= self.opts.max_len as usize
                        && s.chars().all(|c| (lo..=hi).contains(&u32::from(c)));
                    let cond = Term::and([
                        t.str_len()
                            .less_eq(&Term::int(i64::from(self.opts.max_len))),
                        t.str_chars_in(lo, hi),
                    ]);
                    self.src.assume(&cond, holds);
                }
                val_of_value(&v, t)
            }
            Ty::None => Val::None,
            Ty::List(elem) => {
                let (n, len) = self.length(&format!("{name}.len"));
                let items = (0..n)
                    .map(|i| self.build(elem, &format!("{name}[{i}]")))
                    .collect();
                Val::List(Rc::new(RefCell::new(ListObj {
                    items,
                    len,
                    deque: false,
                })))
            }
            Ty::TupleOf(elem) => {
                let (n, len) = self.length(&format!("{name}.len"));
                let items = (0..n)
                    .map(|i| self.build(elem, &format!("{name}[{i}]")))
                    .collect();
                Val::Tuple(Rc::new(TupleObj { items, len }))
            }
            Ty::Tuple(tys) => Val::tuple(
                tys.iter()
                    .enumerate()
                    .map(|(i, t)| self.build(t, &format!("{name}[{i}]")))
                    .collect(),
            ),
            Ty::Dict(k, v) => {
                let (n, _) = self.length(&format!("{name}.len"));
                let keys: Vec<Val> = (0..n)
                    .map(|i| self.build(k, &format!("{name}.keys[{i}]")))
                    .collect();
                self.distinct(&keys);
                let mut d = DictObj::new(DictFlavor::Plain);
                for (i, key) in keys.into_iter().enumerate() {
                    let value = self.build(v, &format!("{name}.values[{i}]"));
                    if let Some(hk) = key_of(&key) {
                        d.insert(hk, key, value);
                    }
                }
                Val::Dict(Rc::new(RefCell::new(d)))
            }
            Ty::Set(elem) => {
                let (n, _) = self.length(&format!("{name}.len"));
                let items: Vec<Val> = (0..n)
                    .map(|i| self.build(elem, &format!("{name}[{i}]")))
                    .collect();
                self.distinct(&items);
                let mut s = SetObj::new(false);
                for x in items {
                    if let Some(k) = key_of(&x) {
                        s.insert(k, x);
                    }
                }
                Val::Set(Rc::new(RefCell::new(s)))
            }
            Ty::Optional(inner) => {
                let (v, _) = self.src.input(&format!("{name}.is_none"), Sort::Bool);
                if v.as_bool() == Some(true) {
                    Val::None
                } else {
                    self.build(inner, name)
                }
            }
            Ty::Union(tys) => {
                let (k, _) = self.variant(name, tys.len());
                let variant = &tys[k];
                self.build(variant, &format!("{name}|{}", variant.tag()))
            }
        }
    }

    /// Which of `n` variants a union-typed value takes: its `.kind`
    /// variable, assumed within `0..n`.
    fn variant(&mut self, name: &str, n: usize) -> (usize, Option<Term>) {
        let (v, t) = self.src.input(&format!("{name}.kind"), Sort::Int);
        let k = v
            .as_int()
            .and_then(num_traits::ToPrimitive::to_i64)
            .unwrap_or(0);
        if let Some(t) = &t {
            let cond = Term::and([t.greater_eq(&Term::int(0)), t.less(&Term::int(n as i64))]);
            self.src.assume(&cond, (0..n as i64).contains(&k));
        }
        (k.clamp(0, n as i64 - 1) as usize, t)
    }
}

/// The named variable values that make the builder produce `v` for a
/// parameter `name` of type `ty`; `false` when `v` is not of that type.
pub fn seed_values(ty: &Ty, name: &str, v: &PyValue, out: &mut FxHashMap<String, Value>) -> bool {
    match (ty, v) {
        (Ty::Int | Ty::Any, PyValue::Int(i)) => {
            out.insert(name.to_string(), Value::Int(i.clone()));
            true
        }
        (Ty::Float, PyValue::Float(f)) => match Value::real_from_f64(*f) {
            Some(r) => {
                out.insert(name.to_string(), r);
                true
            }
            None => false,
        },
        (Ty::Float, PyValue::Int(i)) => {
            out.insert(
                name.to_string(),
                Value::Real(num_rational::BigRational::from_integer(i.clone())),
            );
            true
        }
        (Ty::Bool, PyValue::Bool(b)) => {
            out.insert(name.to_string(), Value::Bool(*b));
            true
        }
        (Ty::Str, PyValue::Str(s)) => {
            out.insert(name.to_string(), Value::str(s));
            true
        }
        (Ty::None, PyValue::None) => true,
        (Ty::List(t), PyValue::List(xs)) | (Ty::TupleOf(t), PyValue::Tuple(xs)) => {
            out.insert(format!("{name}.len"), Value::int(xs.len() as i64));
            xs.iter()
                .enumerate()
                .all(|(i, x)| seed_values(t, &format!("{name}[{i}]"), x, out))
        }
        (Ty::Tuple(ts), PyValue::Tuple(xs)) if ts.len() == xs.len() => ts
            .iter()
            .zip(xs)
            .enumerate()
            .all(|(i, (t, x))| seed_values(t, &format!("{name}[{i}]"), x, out)),
        (Ty::Dict(k, vt), PyValue::Dict(kvs)) => {
            out.insert(format!("{name}.len"), Value::int(kvs.len() as i64));
            kvs.iter().enumerate().all(|(i, (a, b))| {
                seed_values(k, &format!("{name}.keys[{i}]"), a, out)
                    && seed_values(vt, &format!("{name}.values[{i}]"), b, out)
            })
        }
        (Ty::Set(t), PyValue::Set(xs) | PyValue::FrozenSet(xs)) => {
            out.insert(format!("{name}.len"), Value::int(xs.len() as i64));
            xs.iter()
                .enumerate()
                .all(|(i, x)| seed_values(t, &format!("{name}[{i}]"), x, out))
        }
        (Ty::Optional(_), PyValue::None) => {
            out.insert(format!("{name}.is_none"), Value::Bool(true));
            true
        }
        (Ty::Optional(t), v) => {
            out.insert(format!("{name}.is_none"), Value::Bool(false));
            seed_values(t, name, v, out)
        }
        (Ty::Union(ts), v) => match ts.iter().position(|t| t.admits(v)) {
            Some(k) => {
                out.insert(format!("{name}.kind"), Value::int(k as i64));
                seed_values(&ts[k], &format!("{name}|{}", ts[k].tag()), v, out)
            }
            None => false,
        },
        _ => false,
    }
}
