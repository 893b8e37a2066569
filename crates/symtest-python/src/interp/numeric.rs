//! Arithmetic, truth and the sequence operators, with Python's rules
//! (floor division and modulo of negatives, int/float mixing, bool as int)
//! on both the concrete value and its shadow.

use std::rc::Rc;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, ToPrimitive};
use symtest_term::{Rounding, Term, Value};

use super::iter::range_len;
use super::state::{Flow, Interp, R, exc, term_of, type_error, value_error};
use crate::builtins::ExcType;
use crate::int::PyInt;
use crate::ir::BinOp;
use crate::sites::SiteId;
use crate::value::{ListObj, TupleObj, Val};

/// A number as arithmetic sees it (a bool is an int).
pub(crate) enum Num {
    I(PyInt, Option<Term>),
    F(f64, Option<Term>),
}

pub(crate) fn as_num(v: &Val) -> Option<Num> {
    match v {
        Val::Bool(b, s) => Some(Num::I(
            PyInt::Small(i64::from(*b)),
            s.as_ref().map(Term::numeric),
        )),
        Val::Int(i, s) => Some(Num::I(i.clone(), s.clone())),
        Val::Float(f, s) => Some(Num::F(*f, s.clone())),
        _ => None,
    }
}

impl Num {
    fn shadow(&self) -> Option<&Term> {
        match self {
            Num::I(_, s) | Num::F(_, s) => s.as_ref(),
        }
    }

    fn term(&self) -> Option<Term> {
        match self {
            Num::I(i, s) => Some(s.clone().unwrap_or_else(|| Term::int(i.to_big()))),
            Num::F(f, s) => match s {
                Some(t) => Some(t.clone()),
                None => Value::real_from_f64(*f).map(Term::constant),
            },
        }
    }

    fn f64(&self) -> R<f64> {
        match self {
            Num::I(i, _) => i
                .to_f64()
                .ok_or_else(|| exc(ExcType::OverflowError, "int too large to convert to float")),
            Num::F(f, _) => Ok(*f),
        }
    }
}

/// The shadow of `f(a, b)` when either side has one.
fn shadow2(a: &Num, b: &Num, f: impl FnOnce(&Term, &Term) -> Term) -> Option<Term> {
    if a.shadow().is_none() && b.shadow().is_none() {
        return None;
    }
    Some(f(&a.term()?, &b.term()?))
}

/// Python's float `divmod`.
pub(crate) fn float_divmod(vx: f64, wx: f64) -> (f64, f64) {
    let mut m = vx % wx;
    let mut div = (vx - m) / wx;
    if m != 0.0 {
        if (wx < 0.0) != (m < 0.0) {
            m += wx;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(wx);
    }
    let floordiv = if div != 0.0 {
        let mut f = div.floor();
        if div - f > 0.5 {
            f += 1.0;
        }
        f
    } else {
        0.0f64.copysign(vx / wx)
    };
    (floordiv, m)
}

/// `a / b` for ints, correctly rounded as CPython does.
fn int_true_div(a: &PyInt, b: &PyInt) -> f64 {
    const EXACT: i64 = 1 << 53;
    if let (Some(x), Some(y)) = (a.to_i64(), b.to_i64())
        && x.abs() <= EXACT
        && y.abs() <= EXACT
    {
        return x as f64 / y as f64;
    }
    BigRational::new(a.to_big(), b.to_big())
        .to_f64()
        .unwrap_or(f64::NAN)
}

impl Interp<'_> {
    /// An argument that must be a real number, as a float (`TypeError`
    /// otherwise; `OverflowError` for an int too large).
    pub(crate) fn float_of(&mut self, v: &Val) -> R<f64> {
        match as_num(v) {
            Some(Num::I(i, _)) => i
                .to_f64()
                .ok_or_else(|| exc(ExcType::OverflowError, "int too large to convert to float")),
            Some(Num::F(f, _)) => Ok(f),
            None => Err(type_error(format!(
                "must be real number, not {}",
                v.type_name()
            ))),
        }
    }

    pub(crate) fn truth(&mut self, v: &Val) -> R<(bool, Option<Term>)> {
        Ok(match v {
            Val::None => (false, None),
            Val::Bool(b, s) => (*b, s.clone()),
            Val::Int(i, s) => (!i.is_zero(), s.as_ref().map(|t| t.distinct(&Term::int(0)))),
            Val::Float(f, s) => (
                *f != 0.0,
                s.as_ref()
                    .map(|t| t.distinct(&Term::zero(symtest_term::Sort::Real))),
            ),
            Val::Str(x, s) => (
                !x.is_empty(),
                s.as_ref().map(|t| t.distinct(&Term::string(""))),
            ),
            Val::List(l) => {
                let l = l.borrow();
                (
                    !l.items.is_empty(),
                    l.len.as_ref().map(|t| t.greater(&Term::int(0))),
                )
            }
            Val::Tuple(t) => (
                !t.items.is_empty(),
                t.len.as_ref().map(|x| x.greater(&Term::int(0))),
            ),
            Val::Dict(d) => (d.borrow().live > 0, None),
            Val::Set(s) => (s.borrow().live > 0, None),
            Val::Bytes(b) => (!b.is_empty(), None),
            Val::Range(r) => (range_len(r) > 0, None),
            _ => (true, None),
        })
    }

    /// The truth of `v`, reported as a decision at `site`.
    pub(crate) fn test(&mut self, v: &Val, site: SiteId) -> R<bool> {
        let (t, cond) = self.truth(v)?;
        self.decide(site, cond.as_ref(), t);
        Ok(t)
    }

    pub(crate) fn binop(&mut self, op: BinOp, a: Val, b: Val, site: SiteId) -> R<Val> {
        if Self::holds_external(&a) || Self::holds_external(&b) {
            return self.ext_binop(op.dunder(), a, b);
        }
        if let (Some(x), Some(y)) = (as_num(&a), as_num(&b)) {
            if let (Val::Bool(p, ps), Val::Bool(q, qs)) = (&a, &b)
                && matches!(op, BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor)
            {
                let shadow = if ps.is_some() || qs.is_some() {
                    let (s, t) = (
                        ps.clone().unwrap_or_else(|| Term::bool(*p)),
                        qs.clone().unwrap_or_else(|| Term::bool(*q)),
                    );
                    Some(match op {
                        BinOp::BitAnd => Term::and([s, t]),
                        BinOp::BitOr => Term::or([s, t]),
                        _ => s.distinct(&t),
                    })
                } else {
                    None
                };
                let r = match op {
                    BinOp::BitAnd => p & q,
                    BinOp::BitOr => p | q,
                    _ => p ^ q,
                };
                return Ok(Val::Bool(r, shadow));
            }
            return self.arith(op, x, y, site, &a, &b);
        }
        self.sequence_op(op, a, b, site)
    }

    fn arith(&mut self, op: BinOp, x: Num, y: Num, site: SiteId, a: &Val, b: &Val) -> R<Val> {
        match (&x, &y) {
            (Num::I(p, _), Num::I(q, _)) => self.int_arith(op, p.clone(), q.clone(), &x, &y, site),
            _ => self.float_arith(op, &x, &y, site, a, b),
        }
    }

    /// Reports whether the divisor is zero (a branch when it is symbolic).
    fn check_divisor(&mut self, y: &Num, site: SiteId) -> bool {
        let zero = match y {
            Num::I(i, _) => i.is_zero(),
            Num::F(f, _) => *f == 0.0,
        };
        if let Some(t) = y.shadow() {
            let cond = match y {
                Num::I(..) => t.distinct(&Term::int(0)),
                Num::F(..) => t.distinct(&Term::zero(symtest_term::Sort::Real)),
            };
            self.decide(site, Some(&cond), !zero);
        }
        zero
    }

    fn int_arith(
        &mut self,
        op: BinOp,
        p: PyInt,
        q: PyInt,
        x: &Num,
        y: &Num,
        site: SiteId,
    ) -> R<Val> {
        let int = |v: PyInt, s: Option<Term>| Ok(Val::Int(v, s));
        match op {
            BinOp::Add => int(p.add(&q), shadow2(x, y, |a, b| a.plus(b))),
            BinOp::Sub => int(p.sub(&q), shadow2(x, y, |a, b| a.minus(b))),
            BinOp::Mul => int(p.mul(&q), shadow2(x, y, |a, b| a.times(b))),
            BinOp::Div => {
                if self.check_divisor(y, site) {
                    return Err(exc(ExcType::ZeroDivisionError, "division by zero"));
                }
                Ok(Val::Float(
                    int_true_div(&p, &q),
                    shadow2(x, y, |a, b| a.divided_by(b)),
                ))
            }
            BinOp::FloorDiv | BinOp::Mod => {
                if self.check_divisor(y, site) {
                    return Err(exc(
                        ExcType::ZeroDivisionError,
                        "integer division or modulo by zero",
                    ));
                }
                if op == BinOp::FloorDiv {
                    let r = p.floor_div(&q).unwrap_or_default_zero();
                    int(r, shadow2(x, y, |a, b| a.int_div(b, Rounding::Floor)))
                } else {
                    let r = p.modulo(&q).unwrap_or_default_zero();
                    int(r, shadow2(x, y, |a, b| a.int_mod(b, Rounding::Floor)))
                }
            }
            BinOp::Pow => self.int_pow(p, q, x, y, site),
            BinOp::LShift | BinOp::RShift => {
                if q.is_negative() {
                    return Err(value_error("negative shift count"));
                }
                if let Num::I(_, Some(t)) = y {
                    self.pin(site, t, Value::Int(q.to_big()));
                }
                let k = q
                    .to_i64()
                    .and_then(|k| u64::try_from(k).ok())
                    .unwrap_or(u64::MAX);
                let factor = || -> Option<Term> {
                    let k32 = u32::try_from(k).ok().filter(|k| *k <= 4096)?;
                    Some(Term::int(BigInt::one() << k32))
                };
                if op == BinOp::LShift {
                    let r = p
                        .shl(k)
                        .ok_or_else(|| exc(ExcType::OverflowError, "too many digits in integer"))?;
                    let s = x.shadow().and_then(|t| factor().map(|f| t.times(&f)));
                    if x.shadow().is_some() && s.is_none() {
                        self.concretise("shift by a large amount");
                    }
                    int(r, s)
                } else {
                    let r = p.shr(k);
                    let s = x
                        .shadow()
                        .and_then(|t| factor().map(|f| t.int_div(&f, Rounding::Floor)));
                    if x.shadow().is_some() && s.is_none() {
                        self.concretise("shift by a large amount");
                    }
                    int(r, s)
                }
            }
            BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor => {
                let r = match op {
                    BinOp::BitAnd => p.bitand(&q),
                    BinOp::BitOr => p.bitor(&q),
                    _ => p.bitxor(&q),
                };
                let mut shadow = None;
                if op == BinOp::BitAnd {
                    // `x & (2**k - 1)` is `x mod 2**k` for every int, negative ones too.
                    for (var, mask, m) in [(x, y, &q), (y, x, &p)] {
                        if var.shadow().is_some() && mask.shadow().is_none() && is_low_mask(m) {
                            let modulus = Term::int(m.to_big() + 1);
                            shadow = var.term().map(|t| t.int_mod(&modulus, Rounding::Floor));
                        }
                    }
                }
                if shadow.is_none() && (x.shadow().is_some() || y.shadow().is_some()) {
                    self.concretise("bitwise operation");
                }
                int(r, shadow)
            }
            BinOp::MatMul => Err(type_error(
                "unsupported operand type(s) for @: 'int' and 'int'",
            )),
        }
    }

    fn int_pow(&mut self, p: PyInt, q: PyInt, x: &Num, y: &Num, site: SiteId) -> R<Val> {
        if let Num::I(_, Some(t)) = y {
            self.pin(site, t, Value::Int(q.to_big()));
        }
        if q.is_negative() {
            if p.is_zero() {
                return Err(exc(
                    ExcType::ZeroDivisionError,
                    "0.0 cannot be raised to a negative power",
                ));
            }
            let base = x.f64()?;
            let e = y.f64()?;
            if x.shadow().is_some() {
                self.concretise("power with a negative exponent");
            }
            return Ok(Val::Float(base.powf(e), None));
        }
        let e = q
            .to_i64()
            .and_then(|e| u64::try_from(e).ok())
            .unwrap_or(u64::MAX);
        let r = p
            .pow(e)
            .ok_or_else(|| Flow::Stop("an integer power too large to compute".into()))?;
        let shadow = match x.shadow() {
            None => None,
            Some(_) if e <= 16 => x
                .term()
                .map(|t| symtest_term::product(std::iter::repeat_n(t, e as usize))),
            Some(_) => {
                self.concretise("power with a large exponent");
                None
            }
        };
        Ok(Val::Int(r, shadow))
    }

    fn float_arith(
        &mut self,
        op: BinOp,
        x: &Num,
        y: &Num,
        site: SiteId,
        a: &Val,
        b: &Val,
    ) -> R<Val> {
        let fx = x.f64()?;
        let fy = y.f64()?;
        let real = |t: &Term| t.to_real();
        let flt = |v: f64, s: Option<Term>| Ok(Val::Float(v, s));
        match op {
            BinOp::Add => flt(fx + fy, shadow2(x, y, |a, b| real(a).plus(&real(b)))),
            BinOp::Sub => flt(fx - fy, shadow2(x, y, |a, b| real(a).minus(&real(b)))),
            BinOp::Mul => flt(fx * fy, shadow2(x, y, |a, b| real(a).times(&real(b)))),
            BinOp::Div => {
                if self.check_divisor(y, site) {
                    return Err(exc(ExcType::ZeroDivisionError, "float division by zero"));
                }
                flt(fx / fy, shadow2(x, y, |a, b| a.divided_by(b)))
            }
            BinOp::FloorDiv | BinOp::Mod => {
                if self.check_divisor(y, site) {
                    return Err(exc(
                        ExcType::ZeroDivisionError,
                        if op == BinOp::FloorDiv {
                            "float floor division by zero"
                        } else {
                            "float modulo"
                        },
                    ));
                }
                let (q, m) = float_divmod(fx, fy);
                if op == BinOp::FloorDiv {
                    flt(q, shadow2(x, y, |a, b| a.divided_by(b).to_int().to_real()))
                } else {
                    flt(
                        m,
                        shadow2(x, y, |a, b| {
                            real(a).minus(&real(b).times(&a.divided_by(b).to_int().to_real()))
                        }),
                    )
                }
            }
            BinOp::Pow => {
                if fx == 0.0 && fy < 0.0 {
                    return Err(exc(
                        ExcType::ZeroDivisionError,
                        "0.0 cannot be raised to a negative power",
                    ));
                }
                if fx < 0.0 && fy.fract() != 0.0 {
                    return Err(Flow::Stop("unsupported: complex result of a power".into()));
                }
                let r = fx.powf(fy);
                if r.is_infinite() && fx.is_finite() && fy.is_finite() {
                    return Err(exc(
                        ExcType::OverflowError,
                        "(34, 'Numerical result out of range')",
                    ));
                }
                let small_exp = match y {
                    Num::I(q, None) => q.to_i64().filter(|e| (0..=16).contains(e)),
                    Num::F(f, None) if f.fract() == 0.0 && (0.0..=16.0).contains(f) => {
                        Some(*f as i64)
                    }
                    _ => None,
                };
                let shadow = match (x.shadow(), small_exp) {
                    (None, _) if y.shadow().is_none() => None,
                    (Some(_), Some(e)) => x
                        .term()
                        .map(|t| symtest_term::product(std::iter::repeat_n(real(&t), e as usize))),
                    _ => {
                        self.concretise("float power");
                        None
                    }
                };
                flt(r, shadow)
            }
            _ => Err(type_error(format!(
                "unsupported operand type(s) for {}: '{}' and '{}'",
                op.symbol(),
                a.type_name(),
                b.type_name()
            ))),
        }
    }

    pub(crate) fn negate(&mut self, v: Val, _site: SiteId) -> R<Val> {
        match as_num(&v) {
            Some(Num::I(i, s)) => Ok(Val::Int(i.neg(), s.map(|t| t.negated()))),
            Some(Num::F(f, s)) => Ok(Val::Float(-f, s.map(|t| t.negated()))),
            None => Err(type_error(format!(
                "bad operand type for unary -: '{}'",
                v.type_name()
            ))),
        }
    }

    pub(crate) fn positive(&mut self, v: Val) -> R<Val> {
        match as_num(&v) {
            Some(Num::I(i, s)) => Ok(Val::Int(i, s)),
            Some(Num::F(f, s)) => Ok(Val::Float(f, s)),
            None => Err(type_error(format!(
                "bad operand type for unary +: '{}'",
                v.type_name()
            ))),
        }
    }

    pub(crate) fn invert(&mut self, v: Val) -> R<Val> {
        match as_num(&v) {
            Some(Num::I(i, s)) => Ok(Val::Int(
                i.invert(),
                s.map(|t| t.negated().minus(&Term::int(1))),
            )),
            _ => Err(type_error(format!(
                "bad operand type for unary ~: '{}'",
                v.type_name()
            ))),
        }
    }

    /// `+`, `*`, `%` and the set operators on non-numbers.
    fn sequence_op(&mut self, op: BinOp, a: Val, b: Val, site: SiteId) -> R<Val> {
        match (op, &a, &b) {
            (BinOp::Add, Val::Str(..), Val::Str(..)) => Ok(self.concat_strs(vec![a, b])),
            (BinOp::Add, Val::List(x), Val::List(y)) => {
                let (x, y) = (x.borrow(), y.borrow());
                let len = sum_len(x.len.as_ref(), x.items.len(), y.len.as_ref(), y.items.len());
                let mut items = x.items.clone();
                items.extend(y.items.iter().cloned());
                Ok(Val::List(Rc::new(std::cell::RefCell::new(ListObj {
                    items,
                    len,
                    deque: false,
                }))))
            }
            (BinOp::Add, Val::Tuple(x), Val::Tuple(y)) => {
                let len = sum_len(x.len.as_ref(), x.items.len(), y.len.as_ref(), y.items.len());
                let mut items = x.items.clone();
                items.extend(y.items.iter().cloned());
                Ok(Val::Tuple(Rc::new(TupleObj { items, len })))
            }
            (
                BinOp::Mul,
                Val::Str(..) | Val::List(_) | Val::Tuple(_),
                Val::Int(..) | Val::Bool(..),
            ) => self.repeat(a, &b, site),
            (
                BinOp::Mul,
                Val::Int(..) | Val::Bool(..),
                Val::Str(..) | Val::List(_) | Val::Tuple(_),
            ) => self.repeat(b, &a, site),
            (BinOp::Mod, Val::Str(s, sh), _) => {
                if sh.is_some() {
                    self.concretise("%-formatting of a symbolic string");
                }
                let text = self.percent_format(s, &b)?;
                Ok(Val::str(&text))
            }
            (
                BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor,
                Val::Set(_),
                Val::Set(_),
            ) => self.set_operator(op, &a, &b, site),
            (BinOp::BitOr, Val::Dict(_), Val::Dict(_)) => {
                let out = self.copy_dict(&a)?;
                for (k, v) in self.dict_pairs(&b)? {
                    self.set_item(&out, k, v, site)?;
                }
                Ok(out)
            }
            (BinOp::Sub | BinOp::Add, Val::Dict(_), Val::Dict(_))
                if self.is_counter(&a) && self.is_counter(&b) =>
            {
                self.counter_arith(op, &a, &b, site)
            }
            _ => Err(type_error(format!(
                "unsupported operand type(s) for {}: '{}' and '{}'",
                op.symbol(),
                a.type_name(),
                b.type_name()
            ))),
        }
    }

    /// `seq * n`.
    fn repeat(&mut self, seq: Val, n: &Val, site: SiteId) -> R<Val> {
        let (count, shadow) = match n {
            Val::Int(i, s) => (i.clone(), s.clone()),
            Val::Bool(b, _) => (PyInt::Small(i64::from(*b)), None),
            _ => return Err(type_error("can't multiply sequence by non-int")),
        };
        if let Some(t) = &shadow {
            // Text repeated from a constant (`'*' * n`) keeps nothing of
            // `n` but its length, which no shadow of a string says: the
            // result is plain text, and `n` stays free for later decisions
            // (pinning it would close every path where it differs).
            if matches!(&seq, Val::Str(_, None)) {
                self.concretise("a string repeated a symbolic number of times");
            } else {
                self.pin(site, t, Value::Int(count.to_big()));
            }
        }
        let k = if count.is_negative() {
            0
        } else {
            count.to_usize().unwrap_or(usize::MAX)
        };
        let unit = match &seq {
            Val::Str(s, _) => s.chars().count(),
            Val::List(l) => l.borrow().items.len(),
            Val::Tuple(t) => t.items.len(),
            _ => 0,
        };
        if unit.saturating_mul(k) > self.limits.max_len {
            return Err(Flow::Stop("a repeated sequence too large".into()));
        }
        Ok(match seq {
            Val::Str(s, sh) => {
                let text = s.repeat(k);
                let shadow = sh.map(|t| symtest_term::concat(std::iter::repeat_n(t, k)));
                Val::Str(Rc::from(text.as_str()), shadow)
            }
            Val::List(l) => {
                let l = l.borrow();
                let mut items = Vec::with_capacity(l.items.len() * k);
                for _ in 0..k {
                    items.extend(l.items.iter().cloned());
                }
                let len = l.len.as_ref().map(|t| t.times(&Term::int(k as i64)));
                Val::List(Rc::new(std::cell::RefCell::new(ListObj {
                    items,
                    len,
                    deque: false,
                })))
            }
            Val::Tuple(t) => {
                let mut items = Vec::with_capacity(t.items.len() * k);
                for _ in 0..k {
                    items.extend(t.items.iter().cloned());
                }
                let len = t.len.as_ref().map(|x| x.times(&Term::int(k as i64)));
                Val::Tuple(Rc::new(TupleObj { items, len }))
            }
            other => other,
        })
    }
}

/// `2**k - 1` for some `k >= 1`.
fn is_low_mask(m: &PyInt) -> bool {
    if m.is_negative() || m.is_zero() {
        return false;
    }
    let next = m.add(&PyInt::Small(1));
    next.bitand(m).is_zero()
}

fn sum_len(a: Option<&Term>, na: usize, b: Option<&Term>, nb: usize) -> Option<Term> {
    if a.is_none() && b.is_none() {
        return None;
    }
    let ta = a.cloned().unwrap_or_else(|| Term::int(na as i64));
    let tb = b.cloned().unwrap_or_else(|| Term::int(nb as i64));
    Some(ta.plus(&tb))
}

trait OrZero {
    fn unwrap_or_default_zero(self) -> PyInt;
}

impl OrZero for Option<PyInt> {
    fn unwrap_or_default_zero(self) -> PyInt {
        self.unwrap_or(PyInt::Small(0))
    }
}

/// The int a float with no fractional part stands for: Python's `ValueError`
/// for NaN and `OverflowError` for an infinity (what `int()` and `math.floor`
/// raise).
pub(crate) fn integral(f: f64) -> R<PyInt> {
    if f.is_nan() {
        return Err(value_error("cannot convert float NaN to integer"));
    }
    if f.is_infinite() {
        return Err(exc(
            ExcType::OverflowError,
            "cannot convert float infinity to integer",
        ));
    }
    let i = BigRational::from_float(f)
        .map(|r| r.to_integer())
        .unwrap_or_default();
    Ok(PyInt::from_big(i))
}

/// A real term truncated toward zero: the floor of a non-negative number,
/// the ceiling of a negative one.
pub(crate) fn trunc_term(t: &Term) -> Term {
    let zero = Term::zero(symtest_term::Sort::Real);
    Term::ite(
        &t.greater_eq(&zero),
        &t.to_int(),
        &t.negated().to_int().negated(),
    )
}

/// Builds the scalar term of a value, for callers outside this module.
pub(crate) fn num_term(v: &Val) -> Option<Term> {
    match v {
        Val::Bool(..) | Val::Int(..) | Val::Float(..) => term_of(v).map(|t| t.numeric()),
        _ => None,
    }
}
