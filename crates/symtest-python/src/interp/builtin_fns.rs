//! Builtin functions and types called as functions.

use std::cell::RefCell;
use std::rc::Rc;

use num_traits::ToPrimitive;
use symtest_pyvalue::{parse_int, str_repr};
use symtest_term::{Term, Value};

use super::call::{Args, memoised, type_of};
use super::numeric::{Num, as_num};
use super::{Flow, Interp, R, exc, type_error, unsupported, value_error};
use crate::builtins::{Builtin, ExcType};
use crate::int::PyInt;
use crate::ir::{BinOp, Name};
use crate::sites::SiteId;
use crate::value::{
    DictFlavor, DictObj, ExcObj, IterObj, ListObj, Opaque, RangeObj, SetObj, TupleObj, Val,
};

impl Interp<'_> {
    pub(crate) fn call_builtin(
        &mut self,
        b: Builtin,
        pos: Vec<Val>,
        kw: Vec<(Name, Val)>,
        site: SiteId,
    ) -> R<Val> {
        let mut a = Args::new(pos, kw, b.name());
        match b {
            Builtin::Abs => {
                a.check(1, 1)?;
                self.abs(a.arg(0)?)
            }
            Builtin::All | Builtin::Any => {
                a.check(1, 1)?;
                let it = self.iter_of(a.arg(0)?)?;
                let want = b == Builtin::Any;
                while let Some(x) = self.next(&it, site)? {
                    self.step()?;
                    if self.test(&x, site)? == want {
                        return Ok(Val::bool(want));
                    }
                }
                Ok(Val::bool(!want))
            }
            Builtin::Bin | Builtin::Hex | Builtin::Oct => {
                a.check(1, 1)?;
                let i = self.int_arg(a.arg(0)?, b.name())?;
                if a.arg(0)?.shadow().is_some() {
                    self.concretise("bin/hex/oct of a symbolic int");
                }
                let (radix, prefix) = match b {
                    Builtin::Bin => (2, "0b"),
                    Builtin::Hex => (16, "0x"),
                    _ => (8, "0o"),
                };
                let sign = if i.is_negative() { "-" } else { "" };
                Ok(Val::str(&format!(
                    "{sign}{prefix}{}",
                    i.to_str_radix(radix)
                )))
            }
            Builtin::Bool => {
                a.check(0, 1)?;
                match a.get(0) {
                    None => Ok(Val::bool(false)),
                    Some(v) => {
                        let (t, c) = self.truth(v)?;
                        Ok(Val::Bool(t, c))
                    }
                }
            }
            Builtin::Callable => {
                a.check(1, 1)?;
                Ok(Val::bool(matches!(
                    a.arg(0)?,
                    Val::Func(_) | Val::Builtin(_) | Val::Method(_)
                )))
            }
            Builtin::Chr => {
                a.check(1, 1)?;
                let v = a.arg(0)?.clone();
                let i = self.int_arg(&v, "chr")?;
                let code = i.to_i64().filter(|c| (0..=0x10FFFF).contains(c));
                let Some(c) = code.and_then(|c| char::from_u32(c as u32)) else {
                    return Err(value_error("chr() arg not in range(0x110000)"));
                };
                let shadow = super::numeric::num_term(&v)
                    .filter(|_| v.shadow().is_some())
                    .map(|t| t.str_from_code());
                Ok(Val::Str(Rc::from(c.to_string().as_str()), shadow))
            }
            Builtin::Dict => self.make_dict(a, DictFlavor::Plain, site),
            Builtin::OrderedDict => self.make_dict(a, DictFlavor::Plain, site),
            Builtin::Counter => {
                a.check(0, 1)?;
                let d = Val::Dict(Rc::new(RefCell::new(DictObj::new(DictFlavor::Counter))));
                if let Some(src) = a.get(0).cloned() {
                    self.counter_update(&d, &src, site)?;
                }
                Ok(d)
            }
            Builtin::DefaultDict => {
                a.check(0, 1)?;
                let factory = a.get(0).cloned().unwrap_or(Val::None);
                let flavor = if matches!(factory, Val::None) {
                    DictFlavor::Plain
                } else {
                    DictFlavor::Default(factory)
                };
                Ok(Val::Dict(Rc::new(RefCell::new(DictObj::new(flavor)))))
            }
            Builtin::Deque => {
                a.check(0, 1)?;
                let items = match a.get(0) {
                    Some(v) => self.collect(&v.clone())?,
                    None => Vec::new(),
                };
                Ok(Val::List(Rc::new(RefCell::new(ListObj {
                    items,
                    len: None,
                    deque: true,
                }))))
            }
            Builtin::Divmod => {
                a.check(2, 2)?;
                let (x, y) = (a.arg(0)?.clone(), a.arg(1)?.clone());
                let q = self.binop(BinOp::FloorDiv, x.clone(), y.clone(), site)?;
                let r = self.binop(BinOp::Mod, x, y, site)?;
                Ok(Val::tuple(vec![q, r]))
            }
            Builtin::Enumerate => {
                let start = a.kw("start");
                a.check(1, 2)?;
                let inner = self.iter_of(a.arg(0)?)?;
                let count = match start.as_ref().or(a.get(1)) {
                    Some(v) => self.int_arg(v, "enumerate")?,
                    None => PyInt::Small(0),
                };
                Ok(Val::Iter(Rc::new(RefCell::new(IterObj::Enumerate {
                    inner,
                    count,
                }))))
            }
            Builtin::Eval => {
                a.check(1, 1)?;
                self.eval_string(a.arg(0)?)
            }
            Builtin::Filter => {
                a.check(2, 2)?;
                let inner = self.iter_of(a.arg(1)?)?;
                Ok(Val::Iter(Rc::new(RefCell::new(IterObj::Filter {
                    func: a.arg(0)?.clone(),
                    inner,
                    site,
                }))))
            }
            Builtin::Float => {
                a.check(0, 1)?;
                match a.get(0) {
                    None => Ok(Val::Float(0.0, None)),
                    Some(v) => self.float_val(v),
                }
            }
            Builtin::Format => {
                a.check(1, 2)?;
                let spec = match a.get(1) {
                    Some(Val::Str(s, _)) => s.clone(),
                    _ => Rc::from(""),
                };
                self.format_value(a.arg(0)?, &spec)
            }
            Builtin::FrozenSet | Builtin::Set => {
                a.check(0, 1)?;
                let s = Val::Set(Rc::new(RefCell::new(SetObj::new(b == Builtin::FrozenSet))));
                if let Some(src) = a.get(0).cloned() {
                    let it = self.iter_of(&src)?;
                    while let Some(x) = self.next(&it, crate::sites::PIN_SITE)? {
                        self.step()?;
                        self.set_add(&s, x, site)?;
                    }
                }
                Ok(s)
            }
            Builtin::Hash => {
                a.check(1, 1)?;
                match a.arg(0)? {
                    Val::Int(i, _) => Ok(Val::Int(i.clone(), None)),
                    Val::Bool(x, _) => Ok(Val::int(i64::from(*x))),
                    _ => Err(unsupported("hash() of a non-int (CPython's is salted)")),
                }
            }
            Builtin::Int => {
                let base = a.kw("base");
                a.check(0, 2)?;
                match (a.get(0), base.as_ref().or(a.get(1))) {
                    (None, _) => Ok(Val::int(0)),
                    (Some(v), None) => self.int_of(v, site),
                    (Some(v), Some(base)) => {
                        let base = self.int_arg(base, "int")?;
                        self.int_with_base(v, &base)
                    }
                }
            }
            Builtin::Isinstance => {
                a.check(2, 2)?;
                let classes: Vec<Val> = match a.arg(1)? {
                    Val::Tuple(t) => t.items.clone(),
                    other => vec![other.clone()],
                };
                let v = a.arg(0)?;
                let mut r = false;
                for c in &classes {
                    r |= is_instance(v, c)?;
                }
                Ok(Val::bool(r))
            }
            Builtin::Iter => {
                a.check(1, 1)?;
                self.iter_of(a.arg(0)?)
            }
            Builtin::Len => {
                a.check(1, 1)?;
                self.len_of(a.arg(0)?)
            }
            Builtin::List | Builtin::Tuple => {
                a.check(0, 1)?;
                let (items, len) = match a.get(0) {
                    None => (Vec::new(), None),
                    Some(v) => {
                        let len = match v {
                            Val::List(l) => l.borrow().len.clone(),
                            Val::Tuple(t) => t.len.clone(),
                            Val::Str(_, Some(t)) => Some(t.str_len()),
                            _ => None,
                        };
                        (self.collect(&v.clone())?, len)
                    }
                };
                Ok(if b == Builtin::List {
                    Val::List(Rc::new(RefCell::new(ListObj {
                        items,
                        len,
                        deque: false,
                    })))
                } else {
                    Val::Tuple(Rc::new(TupleObj { items, len }))
                })
            }
            Builtin::Map => {
                if a.pos.len() < 2 {
                    return Err(type_error("map() must have at least two arguments."));
                }
                let func = a.pos[0].clone();
                let mut iters = Vec::new();
                for v in &a.pos[1..] {
                    iters.push(self.iter_of(v)?);
                }
                Ok(Val::Iter(Rc::new(RefCell::new(IterObj::Map {
                    func,
                    iters,
                }))))
            }
            Builtin::Max | Builtin::Min => self.min_max(a, b == Builtin::Max, site),
            Builtin::Next => {
                a.check(1, 2)?;
                match self.next(a.arg(0)?, site)? {
                    Some(v) => Ok(v),
                    None => match a.get(1) {
                        Some(d) => Ok(d.clone()),
                        None => Err(exc(ExcType::StopIteration, "")),
                    },
                }
            }
            Builtin::Ord => {
                a.check(1, 1)?;
                let Val::Str(s, sh) = a.arg(0)? else {
                    return Err(type_error(format!(
                        "ord() expected string of length 1, but {} found",
                        a.arg(0)?.type_name()
                    )));
                };
                let n = super::iter::char_len(s);
                if let Some(t) = sh {
                    self.decide(site, Some(&t.str_len().equal(&Term::int(1))), n == 1);
                }
                let Some(c) = s.chars().next().filter(|_| n == 1) else {
                    return Err(type_error(format!(
                        "ord() expected a character, but string of length {n} found"
                    )));
                };
                Ok(Val::Int(
                    PyInt::Small(i64::from(u32::from(c))),
                    sh.as_ref().map(Term::str_to_code),
                ))
            }
            Builtin::Pow | Builtin::MathPow => {
                a.check(2, 3)?;
                let (x, y) = (a.arg(0)?.clone(), a.arg(1)?.clone());
                if b == Builtin::MathPow {
                    let fx = self.float_val(&x)?;
                    let fy = self.float_val(&y)?;
                    return self.binop(BinOp::Pow, fx, fy, site);
                }
                match a.get(2) {
                    None => self.binop(BinOp::Pow, x, y, site),
                    Some(m) => {
                        let (bx, by, bm) = (
                            self.int_arg(&x, "pow")?.to_big(),
                            self.int_arg(&y, "pow")?.to_big(),
                            self.int_arg(m, "pow")?.to_big(),
                        );
                        if x.is_symbolic() || y.is_symbolic() || m.is_symbolic() {
                            self.concretise("three-argument pow");
                        }
                        if bm == num_bigint::BigInt::from(0) {
                            return Err(value_error("pow() 3rd argument cannot be 0"));
                        }
                        if by < num_bigint::BigInt::from(0) {
                            return Err(unsupported("modular inverse"));
                        }
                        let r = bx.modpow(&by, &bm);
                        // modpow's sign follows the modulus as Python's does for positive moduli.
                        let r = if r != num_bigint::BigInt::from(0)
                            && (r < num_bigint::BigInt::from(0))
                                != (bm < num_bigint::BigInt::from(0))
                        {
                            r + bm
                        } else {
                            r
                        };
                        Ok(Val::Int(PyInt::from_big(r), None))
                    }
                }
            }
            Builtin::Print => Ok(Val::None),
            Builtin::Range => self.make_range(a, site),
            Builtin::Repr => {
                a.check(1, 1)?;
                let text = self.repr_of(a.arg(0)?)?;
                Ok(Val::str(&text))
            }
            Builtin::Reversed => {
                a.check(1, 1)?;
                let v = a.arg(0)?.clone();
                match &v {
                    Val::List(_) | Val::Tuple(_) | Val::Str(..) => {
                        let n = match &v {
                            Val::List(l) => l.borrow().items.len(),
                            Val::Tuple(t) => t.items.len(),
                            Val::Str(s, _) => super::iter::char_len(s),
                            _ => 0,
                        };
                        Ok(Val::Iter(Rc::new(RefCell::new(IterObj::Reversed {
                            seq: v.clone(),
                            left: n,
                        }))))
                    }
                    Val::Range(_) | Val::Dict(_) => {
                        let mut items = self.collect(&v)?;
                        items.reverse();
                        Ok(self.items_iter(items))
                    }
                    other => Err(type_error(format!(
                        "'{}' object is not reversible",
                        other.type_name()
                    ))),
                }
            }
            Builtin::Round => {
                let nd = a.kw("ndigits");
                a.check(1, 2)?;
                let nd = nd.or_else(|| a.get(1).cloned());
                self.round(a.arg(0)?, nd.as_ref())
            }
            Builtin::Sorted => {
                let key = a.kw("key");
                let reverse = a.kw("reverse");
                a.check(1, 1)?;
                let items = self.collect(&a.arg(0)?.clone())?;
                let len = match a.arg(0)? {
                    Val::List(l) => l.borrow().len.clone(),
                    Val::Tuple(t) => t.len.clone(),
                    Val::Str(_, Some(t)) => Some(t.str_len()),
                    _ => None,
                };
                let rev = match reverse {
                    Some(r) => self.truth(&r)?.0,
                    None => false,
                };
                let sorted = self.sort_values(items, key.as_ref(), rev, site)?;
                Ok(Val::List(Rc::new(RefCell::new(ListObj {
                    items: sorted,
                    len,
                    deque: false,
                }))))
            }
            Builtin::Str => {
                a.check(0, 1)?;
                match a.get(0) {
                    None => Ok(Val::str("")),
                    Some(v) => self.str_of_at(v, site),
                }
            }
            Builtin::Sum => {
                let start = a.kw("start");
                a.check(1, 2)?;
                let mut acc = start.or_else(|| a.get(1).cloned()).unwrap_or(Val::int(0));
                if matches!(acc, Val::Str(..)) {
                    return Err(type_error(
                        "sum() can't sum strings [use ''.join(seq) instead]",
                    ));
                }
                let it = self.iter_of(a.arg(0)?)?;
                while let Some(x) = self.next(&it, crate::sites::PIN_SITE)? {
                    self.step()?;
                    acc = self.binop(BinOp::Add, acc, x, site)?;
                }
                Ok(acc)
            }
            Builtin::Type => {
                a.check(1, 1)?;
                match type_of(a.arg(0)?) {
                    Some(t) => Ok(Val::Builtin(t)),
                    None => match a.arg(0)? {
                        Val::Exc(e) => Ok(Val::Builtin(Builtin::Exc(e.kind))),
                        other => Err(unsupported(format!("type() of {}", other.type_name()))),
                    },
                }
            }
            Builtin::Zip => {
                let mut iters = Vec::new();
                for v in &a.pos {
                    iters.push(self.iter_of(v)?);
                }
                Ok(Val::Iter(Rc::new(RefCell::new(IterObj::Zip(iters)))))
            }
            Builtin::Object | Builtin::NoneType => Err(unsupported(format!("{b}()"))),
            Builtin::Bytes => {
                a.check(0, 2)?;
                match a.get(0) {
                    None => Ok(Val::Bytes(Rc::from(Vec::new()))),
                    Some(Val::Str(s, _)) => Ok(Val::Bytes(Rc::from(s.as_bytes().to_vec()))),
                    Some(v) => {
                        let items = self.collect(&v.clone())?;
                        let mut out = Vec::new();
                        for x in items {
                            let i = self.int_arg(&x, "bytes")?;
                            out.push(
                                i.to_i64()
                                    .and_then(|i| u8::try_from(i).ok())
                                    .ok_or_else(|| value_error("bytes must be in range(0, 256)"))?,
                            );
                        }
                        Ok(Val::Bytes(Rc::from(out)))
                    }
                }
            }
            Builtin::Exc(kind) => Ok(Val::Exc(Rc::new(ExcObj { kind, args: a.pos }))),
            Builtin::LruCache => match a.pos.first() {
                Some(Val::Func(c)) => Ok(memoised(c)),
                _ => Ok(Val::Opaque(Rc::new(Opaque::CacheDecorator))),
            },
            Builtin::Cache => match a.pos.first() {
                Some(Val::Func(c)) => Ok(memoised(c)),
                _ => Err(type_error("cache() expects a function")),
            },
            Builtin::CmpToKey => {
                a.check(1, 1)?;
                Ok(Val::Opaque(Rc::new(Opaque::CmpToKey(a.arg(0)?.clone()))))
            }
            Builtin::Reduce => {
                a.check(2, 3)?;
                let f = a.arg(0)?.clone();
                let it = self.iter_of(a.arg(1)?)?;
                let mut acc = match a.get(2) {
                    Some(init) => init.clone(),
                    None => self.next(&it, site)?.ok_or_else(|| {
                        type_error("reduce() of empty iterable with no initial value")
                    })?,
                };
                while let Some(x) = self.next(&it, site)? {
                    self.step()?;
                    acc = self.call(&f, vec![acc, x], Vec::new(), Some(site))?;
                }
                Ok(acc)
            }
            _ => self.call_module_function(b, a, site),
        }
    }

    pub(crate) fn int_arg(&mut self, v: &Val, fname: &str) -> R<PyInt> {
        match v {
            Val::Int(i, _) => Ok(i.clone()),
            Val::Bool(b, _) => Ok(PyInt::Small(i64::from(*b))),
            other => Err(type_error(format!(
                "'{}' object cannot be interpreted as an integer (in {fname})",
                other.type_name()
            ))),
        }
    }

    fn abs(&mut self, v: &Val) -> R<Val> {
        match as_num(v) {
            Some(Num::I(i, s)) => Ok(Val::Int(
                i.abs(),
                s.map(|t| Term::ite(&t.greater_eq(&Term::int(0)), &t, &t.negated())),
            )),
            Some(Num::F(f, s)) => Ok(Val::Float(
                f.abs(),
                s.map(|t| {
                    Term::ite(
                        &t.greater_eq(&Term::zero(symtest_term::Sort::Real)),
                        &t,
                        &t.negated(),
                    )
                }),
            )),
            None => Err(type_error(format!(
                "bad operand type for abs(): '{}'",
                v.type_name()
            ))),
        }
    }

    pub(crate) fn len_of(&mut self, v: &Val) -> R<Val> {
        Ok(match v {
            Val::List(l) => {
                let l = l.borrow();
                Val::Int(PyInt::from(l.items.len()), l.len.clone())
            }
            Val::Tuple(t) => Val::Int(PyInt::from(t.items.len()), t.len.clone()),
            Val::Str(s, sh) => Val::Int(
                PyInt::from(super::iter::char_len(s)),
                sh.as_ref().map(Term::str_len),
            ),
            Val::Dict(d) => Val::int(d.borrow().live),
            Val::Set(s) => Val::int(s.borrow().live),
            Val::Bytes(b) => Val::int(b.len()),
            Val::Range(r) => {
                let n = super::iter::range_len(r);
                Val::Int(PyInt::from_big(n.into()), None)
            }
            other => {
                return Err(type_error(format!(
                    "object of type '{}' has no len()",
                    other.type_name()
                )));
            }
        })
    }

    pub(crate) fn float_val(&mut self, v: &Val) -> R<Val> {
        match v {
            Val::Float(..) => Ok(v.clone()),
            Val::Int(i, s) => Ok(Val::Float(
                i.to_f64().ok_or_else(|| {
                    exc(ExcType::OverflowError, "int too large to convert to float")
                })?,
                s.as_ref().map(Term::to_real),
            )),
            Val::Bool(b, s) => Ok(Val::Float(
                if *b { 1.0 } else { 0.0 },
                s.as_ref().map(|t| t.numeric().to_real()),
            )),
            Val::Str(s, sh) => {
                if sh.is_some() {
                    self.concretise("float() of a symbolic string");
                }
                parse_float(s.trim())
                    .map(|f| Val::Float(f, None))
                    .ok_or_else(|| value_error(format!("could not convert string to float: '{s}'")))
            }
            other => Err(type_error(format!(
                "float() argument must be a string or a real number, not '{}'",
                other.type_name()
            ))),
        }
    }

    /// `int(v)`.
    fn int_of(&mut self, v: &Val, site: SiteId) -> R<Val> {
        match v {
            Val::Int(..) => Ok(v.clone()),
            Val::Bool(b, s) => Ok(Val::Int(
                PyInt::Small(i64::from(*b)),
                s.as_ref().map(Term::numeric),
            )),
            Val::Float(f, s) => {
                if !f.is_finite() {
                    return Err(if f.is_nan() {
                        value_error("cannot convert float NaN to integer")
                    } else {
                        exc(
                            ExcType::OverflowError,
                            "cannot convert float infinity to integer",
                        )
                    });
                }
                let t = f.trunc();
                let i = num_rational::BigRational::from_float(t)
                    .map(|r| r.to_integer())
                    .unwrap_or_default();
                // Truncation toward zero: floor for non-negatives, ceiling below.
                let shadow = s.as_ref().map(|x| {
                    let zero = Term::zero(symtest_term::Sort::Real);
                    Term::ite(
                        &x.greater_eq(&zero),
                        &x.to_int(),
                        &x.negated().to_int().negated(),
                    )
                });
                Ok(Val::Int(PyInt::from_big(i), shadow))
            }
            Val::Str(s, sh) => {
                let parsed = parse_int(s, 10).map(PyInt::from_big);
                let plain = !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
                if let Some(t) = sh {
                    let digits = t.str_to_int().greater_eq(&Term::int(0));
                    if plain {
                        self.decide(site, Some(&digits), true);
                        let value = parsed.ok_or_else(|| value_error("int() overflow"))?;
                        return Ok(Val::Int(value, Some(t.str_to_int())));
                    }
                    if parsed.is_none() {
                        self.decide(site, Some(&digits), false);
                    } else {
                        self.concretise("int() of a string with a sign or spaces");
                    }
                }
                parsed.map(|i| Val::Int(i, None)).ok_or_else(|| {
                    value_error(format!(
                        "invalid literal for int() with base 10: {}",
                        str_repr(s)
                    ))
                })
            }
            other => Err(type_error(format!(
                "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                other.type_name()
            ))),
        }
    }

    fn int_with_base(&mut self, v: &Val, base: &PyInt) -> R<Val> {
        let Val::Str(s, sh) = v else {
            return Err(type_error(
                "int() can't convert non-string with explicit base",
            ));
        };
        if sh.is_some() {
            self.concretise("int() with a base of a symbolic string");
        }
        let b = base.to_i64().filter(|b| *b == 0 || (2..=36).contains(b));
        let Some(b) = b else {
            return Err(value_error("int() base must be >= 2 and <= 36, or 0"));
        };
        parse_int(s, b as u32)
            .map(|i| Val::Int(PyInt::from_big(i), None))
            .ok_or_else(|| {
                value_error(format!(
                    "invalid literal for int() with base {b}: {}",
                    str_repr(s)
                ))
            })
    }

    fn round(&mut self, v: &Val, nd: Option<&Val>) -> R<Val> {
        let nd = match nd {
            None | Some(Val::None) => None,
            Some(x) => Some(self.int_arg(x, "round")?),
        };
        match (v, nd) {
            (Val::Int(..) | Val::Bool(..), None) => self.int_of(v, crate::sites::PIN_SITE),
            (Val::Int(i, s), Some(n)) => {
                if n.is_negative() {
                    if s.is_some() {
                        self.concretise("round() of an int to tens");
                    }
                    let p = PyInt::Small(10)
                        .pow(n.neg().to_i64().unwrap_or(0) as u64)
                        .unwrap_or(PyInt::Small(1));
                    let q = i.to_big();
                    let pb = p.to_big();
                    let r = round_half_even_div(&q, &pb) * pb;
                    Ok(Val::Int(PyInt::from_big(r), None))
                } else {
                    Ok(Val::Int(i.clone(), s.clone()))
                }
            }
            (Val::Float(f, s), None) => {
                if s.is_some() {
                    self.concretise("round() of a symbolic float");
                }
                if !f.is_finite() {
                    return Err(value_error("cannot convert float to integer"));
                }
                let r = f.round_ties_even();
                Ok(Val::Int(
                    PyInt::from_big(
                        num_rational::BigRational::from_float(r)
                            .map(|x| x.to_integer())
                            .unwrap_or_default(),
                    ),
                    None,
                ))
            }
            (Val::Float(f, s), Some(n)) => {
                if s.is_some() {
                    self.concretise("round() of a symbolic float");
                }
                Ok(Val::Float(round_float(*f, n.to_i64().unwrap_or(0)), None))
            }
            (other, _) => Err(type_error(format!(
                "type {} doesn't define __round__ method",
                other.type_name()
            ))),
        }
    }

    fn make_range(&mut self, mut a: Args, site: SiteId) -> R<Val> {
        a.check(1, 3)?;
        let get = |this: &mut Self, v: &Val| -> R<(PyInt, Option<Term>)> {
            match v {
                Val::Int(i, s) => Ok((i.clone(), s.clone())),
                Val::Bool(b, s) => Ok((PyInt::Small(i64::from(*b)), s.as_ref().map(Term::numeric))),
                other => {
                    let _ = this;
                    Err(type_error(format!(
                        "'{}' object cannot be interpreted as an integer",
                        other.type_name()
                    )))
                }
            }
        };
        let (start, stop, step) = match a.pos.len() {
            1 => (
                (PyInt::Small(0), None),
                get(self, &a.pos[0])?,
                (PyInt::Small(1), None),
            ),
            2 => (
                get(self, &a.pos[0])?,
                get(self, &a.pos[1])?,
                (PyInt::Small(1), None),
            ),
            _ => (
                get(self, &a.pos[0])?,
                get(self, &a.pos[1])?,
                get(self, &a.pos[2])?,
            ),
        };
        if let Some(t) = &step.1 {
            self.pin(site, t, Value::Int(step.0.to_big()));
        }
        if step.0.is_zero() {
            return Err(value_error("range() arg 3 must not be zero"));
        }
        a.pos.clear();
        Ok(Val::Range(Rc::new(RangeObj {
            start: start.0,
            stop: stop.0,
            step: step.0,
            start_t: start.1,
            stop_t: stop.1,
        })))
    }

    fn make_dict(&mut self, mut a: Args, flavor: DictFlavor, site: SiteId) -> R<Val> {
        let kw = std::mem::take(&mut a.kw);
        a.check(0, 1)?;
        let d = Val::Dict(Rc::new(RefCell::new(DictObj::new(flavor))));
        if let Some(src) = a.get(0).cloned() {
            match &src {
                Val::Dict(_) => {
                    for (k, v) in self.dict_pairs(&src)? {
                        self.set_item(&d, k, v, site)?;
                    }
                }
                other => {
                    for pair in self.collect(other)? {
                        let kv = self.collect(&pair)?;
                        if kv.len() != 2 {
                            return Err(value_error(format!(
                                "dictionary update sequence element has length {}; 2 is required",
                                kv.len()
                            )));
                        }
                        let mut kv = kv.into_iter();
                        if let (Some(k), Some(v)) = (kv.next(), kv.next()) {
                            self.set_item(&d, k, v, site)?;
                        }
                    }
                }
            }
        }
        for (k, v) in kw {
            self.set_item(&d, Val::Str(k, None), v, site)?;
        }
        Ok(d)
    }

    /// `max`/`min` over arguments or one iterable, with `key` and `default`.
    fn min_max(&mut self, mut a: Args, is_max: bool, site: SiteId) -> R<Val> {
        let key = a.kw("key");
        let default = a.kw("default");
        a.check(1, usize::MAX)?;
        let items = if a.pos.len() == 1 {
            self.collect(&a.pos[0].clone())?
        } else {
            a.pos.clone()
        };
        let mut best: Option<(Val, Val)> = None;
        for x in items {
            self.step()?;
            let k = match &key {
                Some(f) if !matches!(f, Val::None) => {
                    self.call(f, vec![x.clone()], Vec::new(), Some(site))?
                }
                _ => x.clone(),
            };
            match &best {
                None => best = Some((x, k)),
                Some((_, bk)) => {
                    let (better, t) = if is_max {
                        self.less(bk, &k, false)?
                    } else {
                        self.less(&k, bk, false)?
                    };
                    self.decide(site, t.as_ref(), better);
                    if better {
                        best = Some((x, k));
                    }
                }
            }
        }
        match (best, default) {
            (Some((x, _)), _) => Ok(x),
            (None, Some(d)) => Ok(d),
            (None, None) => Err(value_error(format!(
                "{}() arg is an empty sequence",
                if is_max { "max" } else { "min" }
            ))),
        }
    }

    /// A stable merge sort whose comparisons are decisions at `site`.
    pub(crate) fn sort_values(
        &mut self,
        items: Vec<Val>,
        key: Option<&Val>,
        reverse: bool,
        site: SiteId,
    ) -> R<Vec<Val>> {
        let mut keyed = Vec::with_capacity(items.len());
        for x in items {
            let k = match key {
                Some(f) if !matches!(f, Val::None) => {
                    self.call(f, vec![x.clone()], Vec::new(), Some(site))?
                }
                _ => x.clone(),
            };
            keyed.push((k, x));
        }
        let sorted = self.merge_sort(keyed, reverse, site)?;
        Ok(sorted.into_iter().map(|(_, x)| x).collect())
    }

    fn merge_sort(
        &mut self,
        v: Vec<(Val, Val)>,
        reverse: bool,
        site: SiteId,
    ) -> R<Vec<(Val, Val)>> {
        if v.len() <= 1 {
            return Ok(v);
        }
        let mut left = v;
        let right = left.split_off(left.len() / 2);
        let left = self.merge_sort(left, reverse, site)?;
        let right = self.merge_sort(right, reverse, site)?;
        let mut out = Vec::with_capacity(left.len() + right.len());
        let mut li = left.into_iter().peekable();
        let mut ri = right.into_iter().peekable();
        while let (Some(l), Some(r)) = (li.peek(), ri.peek()) {
            self.step()?;
            // Take the right one only when it must come first (stability).
            let (right_first, t) = if reverse {
                self.key_less(&l.0, &r.0)?
            } else {
                self.key_less(&r.0, &l.0)?
            };
            self.decide(site, t.as_ref(), right_first);
            let next = if right_first { ri.next() } else { li.next() };
            out.extend(next);
        }
        out.extend(li);
        out.extend(ri);
        Ok(out)
    }

    /// `a < b` for sort keys (`cmp_to_key` wrappers call their function).
    fn key_less(&mut self, a: &Val, b: &Val) -> R<(bool, Option<Term>)> {
        if let (Val::Opaque(x), Val::Opaque(y)) = (a, b)
            && let (Opaque::KeyWrapper { cmp, value: va }, Opaque::KeyWrapper { value: vb, .. }) =
                (&**x, &**y)
        {
            let r = self.call(cmp, vec![va.clone(), vb.clone()], Vec::new(), None)?;
            return self.less(&r, &Val::int(0), false);
        }
        self.less(a, b, false)
    }

    fn eval_string(&mut self, v: &Val) -> R<Val> {
        let Val::Str(s, sh) = v else {
            return Err(type_error("eval() arg 1 must be a string"));
        };
        if sh.is_some() {
            self.concretise("eval() of a symbolic string");
        }
        let lowered = crate::lower::lower_source(s.trim())
            .map_err(|e| exc(ExcType::ValueError, format!("eval: invalid syntax ({e})")))?;
        let [crate::ir::Stmt::Expr(e)] = lowered.module.body.as_slice() else {
            return Err(unsupported("eval() of statements"));
        };
        // The expression is evaluated without access to the program's names.
        let env = self.empty_env();
        let mut nested =
            super::Interp::new(&lowered.module, &mut *self.tracer, self.limits.clone());
        let r = nested.eval(e, &env);
        let steps = nested.steps_taken();
        drop(nested);
        for _ in 0..steps.min(1000) {
            self.step()?;
        }
        match r {
            Ok(v) => Ok(super::strip_shadows(&v)),
            Err(Flow::Exc(e)) => Err(Flow::Exc(e)),
            Err(Flow::Stop(s)) => Err(Flow::Stop(s)),
        }
    }
}

fn is_instance(v: &Val, class: &Val) -> R<bool> {
    let Val::Builtin(c) = class else {
        if let Val::Opaque(o) = class
            && let Opaque::Unsupported(what) = &**o
        {
            return Err(unsupported(what));
        }
        return Err(type_error(
            "isinstance() arg 2 must be a type, a tuple of types, or a union",
        ));
    };
    Ok(match c {
        Builtin::Int => matches!(v, Val::Int(..) | Val::Bool(..)),
        Builtin::Bool => matches!(v, Val::Bool(..)),
        Builtin::Float => matches!(v, Val::Float(..)),
        Builtin::Str => matches!(v, Val::Str(..)),
        Builtin::List => matches!(v, Val::List(l) if !l.borrow().deque),
        Builtin::Tuple => matches!(v, Val::Tuple(_)),
        Builtin::Dict | Builtin::OrderedDict => matches!(v, Val::Dict(_)),
        Builtin::Counter => {
            matches!(v, Val::Dict(d) if matches!(d.borrow().flavor, DictFlavor::Counter))
        }
        Builtin::Set => matches!(v, Val::Set(s) if !s.borrow().frozen),
        Builtin::FrozenSet => matches!(v, Val::Set(s) if s.borrow().frozen),
        Builtin::Range => matches!(v, Val::Range(_)),
        Builtin::Bytes => matches!(v, Val::Bytes(_)),
        Builtin::NoneType => matches!(v, Val::None),
        Builtin::Object => true,
        Builtin::Exc(k) => matches!(v, Val::Exc(e) if e.kind.is_a(*k)),
        other => return Err(unsupported(format!("isinstance(x, {other})"))),
    })
}

pub(crate) fn parse_float(s: &str) -> Option<f64> {
    // PEP 515: an underscore only between two digits (`1_0.5`, not `_9.0`).
    let b = s.as_bytes();
    let lone = b.iter().enumerate().any(|(i, &c)| {
        c == b'_'
            && !(i > 0 && b[i - 1].is_ascii_digit() && b.get(i + 1).is_some_and(u8::is_ascii_digit))
    });
    if lone {
        return None;
    }
    let t = s.replace('_', "");
    match t.to_ascii_lowercase().as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => return Some(f64::INFINITY),
        "-inf" | "-infinity" => return Some(f64::NEG_INFINITY),
        "nan" | "+nan" | "-nan" => return Some(f64::NAN),
        _ => {}
    }
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c)) {
        return None;
    }
    t.parse::<f64>().ok()
}

fn round_half_even_div(q: &num_bigint::BigInt, p: &num_bigint::BigInt) -> num_bigint::BigInt {
    use num_integer::Integer;
    let (d, r) = q.div_mod_floor(p);
    let twice: num_bigint::BigInt = &r * num_bigint::BigInt::from(2);
    match twice.cmp(p) {
        std::cmp::Ordering::Less => d,
        std::cmp::Ordering::Greater => d + 1,
        std::cmp::Ordering::Equal => {
            if d.is_even() {
                d
            } else {
                d + 1
            }
        }
    }
}

/// `round(x, n)` for floats: CPython rounds the exact decimal value of `x`.
fn round_float(x: f64, n: i64) -> f64 {
    if !x.is_finite() || n > 300 {
        return x;
    }
    if n < -308 {
        return 0.0f64.copysign(x);
    }
    let Some(exact) = num_rational::BigRational::from_float(x) else {
        return x;
    };
    let ten = num_rational::BigRational::from_integer(num_bigint::BigInt::from(10));
    let scale = num_traits::pow(ten, n.unsigned_abs() as usize);
    let scaled = if n >= 0 {
        &exact * &scale
    } else {
        &exact / &scale
    };
    let rounded = round_half_even_div(scaled.numer(), scaled.denom());
    let back = num_rational::BigRational::from_integer(rounded);
    let result = if n >= 0 { back / scale } else { back * scale };
    let f = result.to_f64().unwrap_or(x);
    if f == 0.0 { 0.0f64.copysign(x) } else { f }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::numeric::float_divmod;

    #[test]
    fn float_literals_take_underscores_only_between_digits() {
        assert_eq!(parse_float("1_0.5"), Some(10.5));
        assert_eq!(parse_float("_9.0"), None);
        assert_eq!(parse_float("9_.0"), None);
        assert_eq!(parse_float("9._0"), None);
        assert_eq!(parse_float("1__0"), None);
        assert_eq!(parse_float("9.0_"), None);
        assert_eq!(parse_float("-inf"), Some(f64::NEG_INFINITY));
    }

    #[test]
    fn rounding_is_half_even_on_exact_values() {
        assert_eq!(round_float(2.675, 2), 2.67);
        assert_eq!(round_float(0.5, 0), 0.0);
        assert_eq!(round_float(1.5, 0), 2.0);
        assert_eq!(round_float(1234.5, -1), 1230.0);
        let (q, m) = float_divmod(-7.5, 2.0);
        assert_eq!((q, m), (-4.0, 0.5));
    }
}
