//! The reference evaluator: the expression as written, with exact semantics
//! defined here from scratch.

use std::hash::{DefaultHasher, Hash, Hasher};

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use symtest_term::{Rounding, Sort, Value};

use super::expr::{Cmp, E, Expr, Fn1, Fn2, sort_of};

/// A value of the reference evaluator.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum V {
    B(bool),
    I(BigInt),
    R(BigRational),
    S(Vec<char>),
}

impl V {
    pub(crate) fn of(v: &Value) -> V {
        match v {
            Value::Bool(b) => V::B(*b),
            Value::Int(i) => V::I(i.clone()),
            Value::Real(r) => V::R(r.clone()),
            Value::Str(s) => V::S(s.chars().collect()),
        }
    }

    pub(crate) fn value(&self) -> Value {
        match self {
            V::B(b) => Value::Bool(*b),
            V::I(i) => Value::Int(i.clone()),
            V::R(r) => Value::Real(r.clone()),
            V::S(s) => Value::str(&s.iter().collect::<String>()),
        }
    }

    /// C's and Python's truth: non-zero, non-empty.
    fn truth(&self) -> bool {
        match self {
            V::B(b) => *b,
            V::I(i) => !i.is_zero(),
            V::R(r) => !r.is_zero(),
            V::S(s) => !s.is_empty(),
        }
    }

    /// The value as a number, a truth value as 1 or 0.
    fn rational(&self) -> BigRational {
        match self {
            V::B(b) => BigRational::from_integer(BigInt::from(u8::from(*b))),
            V::I(i) => BigRational::from_integer(i.clone()),
            V::R(r) => r.clone(),
            V::S(_) => panic!("the generator put a string where a number goes"),
        }
    }

    fn integer(&self) -> BigInt {
        match self {
            V::B(b) => BigInt::from(u8::from(*b)),
            V::I(i) => i.clone(),
            _ => panic!("the generator put a non-integer where an integer goes"),
        }
    }

    fn text(&self) -> &[char] {
        match self {
            V::S(s) => s,
            _ => panic!("the generator put a non-string where a string goes"),
        }
    }

    /// The value in `sort`, as the constructors convert it.
    fn coerced(self, sort: Sort) -> V {
        match (sort, self) {
            (Sort::Int, v @ V::B(_)) => V::I(v.integer()),
            (Sort::Real, v @ (V::B(_) | V::I(_))) => V::R(v.rational()),
            (_, v) => v,
        }
    }
}

fn number(x: BigRational, sort: Sort) -> V {
    if sort == Sort::Int {
        V::I(x.to_integer())
    } else {
        V::R(x)
    }
}

/// A division by zero met where no oracle says what it is.
#[derive(Debug)]
pub(crate) struct Undefined;

/// The reference evaluator: the expression as written, left to right, `&&`,
/// `||` and `ite` evaluating only what they need.
pub(crate) struct Reference<'a> {
    pub(crate) model: &'a [V],
    /// What a division by zero gives (`None`: an error).
    pub(crate) oracle: Option<u64>,
}

impl Reference<'_> {
    /// An unspecified result: a function of the operation and its dividend.
    fn undefined(&self, what: &str, dividend: &BigRational, sort: Sort) -> Result<V, Undefined> {
        let seed = self.oracle.ok_or(Undefined)?;
        let mut h = DefaultHasher::new();
        (seed, what, dividend.to_string()).hash(&mut h);
        let h = h.finish();
        let k = BigRational::from_integer(BigInt::from((h % 7) as i64 - 3));
        let scale = BigRational::from_integer(BigInt::from((h >> 8) % 3 + 1));
        Ok(number(if sort == Sort::Int { k } else { k / scale }, sort))
    }

    pub(crate) fn eval(&self, e: &Expr) -> Result<V, Undefined> {
        Ok(match e {
            E::Var(i) => self.model[*i].clone(),
            E::Int(k) => V::I(BigInt::from(*k)),
            E::Real(n, d) => V::R(BigRational::new(BigInt::from(*n), BigInt::from(*d))),
            E::Bool(b) => V::B(*b),
            E::Str(s) => V::S(s.chars().collect()),
            E::Not(a) => V::B(!self.eval(a)?.truth()),
            E::And(xs) => {
                for x in xs {
                    if !self.eval(x)?.truth() {
                        return Ok(V::B(false));
                    }
                }
                V::B(true)
            }
            E::Or(xs) => {
                for x in xs {
                    if self.eval(x)?.truth() {
                        return Ok(V::B(true));
                    }
                }
                V::B(false)
            }
            E::Implies(a, c) => V::B(!self.eval(a)?.truth() || self.eval(c)?.truth()),
            E::Ite(c, x, y) => {
                let chosen = if self.eval(c)?.truth() { x } else { y };
                self.eval(chosen)?.coerced(sort_of(e))
            }
            E::Cmp(op, x, y) => V::B(compare(*op, &self.eval(x)?, &self.eval(y)?)),
            E::Truthy(a) => V::B(self.eval(a)?.truth()),
            E::Numeric(a) => self.eval(a)?.coerced(sort_of(e)),
            _ if sort_of(e).is_numeric() => self.arithmetic(e)?,
            _ => self.strings(e)?,
        })
    }

    fn arithmetic(&self, e: &Expr) -> Result<V, Undefined> {
        let sort = sort_of(e);
        let num = |x: &Expr| self.eval(x).map(|v| v.rational());
        let int = |x: &Expr| self.eval(x).map(|v| v.integer());
        Ok(match e {
            E::Sum(xs) => {
                let mut acc = BigRational::zero();
                for x in xs {
                    acc += num(x)?;
                }
                number(acc, sort)
            }
            E::Product(xs) => {
                let mut acc = BigRational::one();
                for x in xs {
                    acc *= num(x)?;
                }
                number(acc, sort)
            }
            E::Minus(x, y) => number(num(x)? - num(y)?, sort),
            E::Neg(a) => number(-num(a)?, sort),
            E::Div(x, y) => {
                let (x, y) = (num(x)?, num(y)?);
                if y.is_zero() {
                    return self.undefined("/", &x, Sort::Real);
                }
                V::R(x / y)
            }
            E::IntDiv(r, x, y) | E::IntMod(r, x, y) => {
                let (x, y) = (int(x)?, int(y)?);
                let is_div = matches!(e, E::IntDiv(..));
                if y.is_zero() {
                    let what = format!("{}{r:?}", if is_div { "div" } else { "mod" });
                    return self.undefined(&what, &BigRational::from_integer(x), Sort::Int);
                }
                let q = quotient(&x, &y, *r);
                V::I(if is_div { q } else { &x - &y * q })
            }
            E::ToReal(a) => V::R(num(a)?),
            E::ToInt(a) => V::I(num(a)?.floor().to_integer()),
            E::IndexOf(s, t, i) => {
                let (s, t, i) = (self.eval(s)?, self.eval(t)?, int(i)?);
                V::I(index_of(s.text(), t.text(), &i))
            }
            E::Fn1(f, s) => {
                let s = self.eval(s)?;
                let s = s.text();
                V::I(BigInt::from(match f {
                    Fn1::Len => s.len() as i64,
                    Fn1::StrToInt if !s.is_empty() && s.iter().all(char::is_ascii_digit) => {
                        return Ok(V::I(
                            s.iter().collect::<String>().parse().unwrap_or_default(),
                        ));
                    }
                    Fn1::ToCode if s.len() == 1 => i64::from(u32::from(s[0])),
                    _ => -1,
                }))
            }
            _ => unreachable!("not a number: {e:?}"),
        })
    }

    fn strings(&self, e: &Expr) -> Result<V, Undefined> {
        let text = |x: &Expr| self.eval(x).map(|v| v.text().to_vec());
        let int = |x: &Expr| self.eval(x).map(|v| v.integer());
        let index = |i: &BigInt| i.to_usize().filter(|_| !i.is_negative());
        Ok(match e {
            E::Fn1(f, n) => {
                let n = int(n)?;
                let digits = |n: &BigInt| match n.is_negative() {
                    true => Vec::new(),
                    false => n.to_string().chars().collect(),
                };
                V::S(match f {
                    Fn1::FromInt => digits(&n),
                    Fn1::ShortStr if n < BigInt::from(10u8).pow(18) => digits(&n),
                    Fn1::FromCode => match n.to_u32().filter(|c| *c <= 0x2FFFF) {
                        Some(c) => vec![char::from_u32(c).unwrap_or('\u{fffd}')],
                        None => Vec::new(),
                    },
                    _ => Vec::new(),
                })
            }
            E::Fn2(Fn2::At, s, i) => {
                let (s, i) = (text(s)?, int(i)?);
                V::S(
                    index(&i)
                        .and_then(|i| s.get(i))
                        .into_iter()
                        .copied()
                        .collect(),
                )
            }
            E::Fn2(f, s, t) => {
                let (s, t) = (text(s)?, text(t)?);
                V::B(match f {
                    Fn2::Contains => (0..=s.len()).any(|i| s[i..].starts_with(&t)),
                    Fn2::StartsWith => s.starts_with(&t),
                    Fn2::EndsWith => s.ends_with(&t),
                    Fn2::Less => s < t,
                    Fn2::LessEq => s <= t,
                    Fn2::At => unreachable!(),
                })
            }
            E::Concat(xs) => {
                let mut out = Vec::new();
                for x in xs {
                    out.extend(text(x)?);
                }
                V::S(out)
            }
            E::Substr(s, o, l) => {
                let (s, o, l) = (text(s)?, int(o)?, int(l)?);
                V::S(match index(&o) {
                    Some(o) if o < s.len() && l.is_positive() => {
                        let l = l.to_usize().unwrap_or(usize::MAX).min(s.len() - o);
                        s[o..o + l].to_vec()
                    }
                    _ => Vec::new(),
                })
            }
            E::CharsIn(s, lo, hi) => {
                V::B(text(s)?.iter().all(|c| (*lo..=*hi).contains(&(*c as u32))))
            }
            _ => unreachable!("not a string: {e:?}"),
        })
    }
}

fn compare(op: Cmp, x: &V, y: &V) -> bool {
    let equal = match (x, y) {
        (V::S(a), V::S(b)) => a == b,
        (V::S(_), _) | (_, V::S(_)) => false,
        (V::B(a), V::B(b)) => a == b,
        _ => x.rational() == y.rational(),
    };
    match op {
        Cmp::Eq => equal,
        Cmp::Ne => !equal,
        Cmp::Lt => x.rational() < y.rational(),
        Cmp::Le => x.rational() <= y.rational(),
        Cmp::Gt => x.rational() > y.rational(),
        Cmp::Ge => x.rational() >= y.rational(),
    }
}

/// The quotient from its definition: the exact ratio rounded toward zero,
/// down, or so that the remainder is never negative.
fn quotient(x: &BigInt, y: &BigInt, r: Rounding) -> BigInt {
    let exact = BigRational::new(x.clone(), y.clone());
    match r {
        Rounding::Trunc => exact.trunc(),
        Rounding::Floor => exact.floor(),
        Rounding::Euclid if y.is_positive() => exact.floor(),
        Rounding::Euclid => exact.ceil(),
    }
    .to_integer()
}

/// `str.indexof`: the first place at or after `i` where `t` occurs; -1 when
/// there is none or `i` is outside `0..=len(s)`.
fn index_of(s: &[char], t: &[char], i: &BigInt) -> BigInt {
    let found = i
        .to_usize()
        .filter(|i| *i <= s.len())
        .and_then(|i| (i..=s.len()).find(|&j| s[j..].starts_with(t)));
    found.map_or_else(|| BigInt::from(-1), BigInt::from)
}
