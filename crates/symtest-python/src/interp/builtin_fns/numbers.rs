//! Numeric builtins: `abs`, `divmod`, `pow`, `round`.

use num_traits::ToPrimitive;
use symtest_term::Term;

use crate::int::PyInt;
use crate::interp::args::Args;
use crate::interp::numeric::{Num, as_num};
use crate::interp::state::{Interp, R, type_error, unsupported, value_error};
use crate::ir::BinOp;
use crate::sites::{PIN_SITE, SiteId};
use crate::value::Val;

/// `abs(x)`: a term with a case split on the sign.
pub(super) fn abs(it: &mut Interp<'_>, a: &Args) -> R<Val> {
    a.check(1, 1)?;
    it.abs_value(a.arg(0)?)
}

pub(super) fn divmod(it: &mut Interp<'_>, a: &Args, site: SiteId) -> R<Val> {
    a.check(2, 2)?;
    let (x, y) = (a.arg(0)?.clone(), a.arg(1)?.clone());
    let q = it.binop(BinOp::FloorDiv, x.clone(), y.clone(), site)?;
    let r = it.binop(BinOp::Mod, x, y, site)?;
    Ok(Val::tuple(vec![q, r]))
}

/// `pow(x, y[, m])`: `x ** y`, or concretely modulo `m`.
pub(super) fn pow(it: &mut Interp<'_>, a: &Args, site: SiteId) -> R<Val> {
    a.check(2, 3)?;
    let (x, y) = (a.arg(0)?.clone(), a.arg(1)?.clone());
    match a.get(2) {
        None => it.binop(BinOp::Pow, x, y, site),
        Some(m) => {
            let (bx, by, bm) = (
                it.int_arg(&x, "pow")?.to_big(),
                it.int_arg(&y, "pow")?.to_big(),
                it.int_arg(m, "pow")?.to_big(),
            );
            if x.is_symbolic() || y.is_symbolic() || m.is_symbolic() {
                it.concretise("three-argument pow");
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
                && (r < num_bigint::BigInt::from(0)) != (bm < num_bigint::BigInt::from(0))
            {
                r + bm
            } else {
                r
            };
            Ok(Val::Int(PyInt::from_big(r), None))
        }
    }
}

pub(super) fn round(it: &mut Interp<'_>, mut a: Args) -> R<Val> {
    let nd = a.kw("ndigits");
    a.check(1, 2)?;
    let nd = nd.or_else(|| a.get(1).cloned());
    it.round_value(a.arg(0)?, nd.as_ref())
}

impl Interp<'_> {
    fn abs_value(&mut self, v: &Val) -> R<Val> {
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

    fn round_value(&mut self, v: &Val, nd: Option<&Val>) -> R<Val> {
        let nd = match nd {
            None | Some(Val::None) => None,
            Some(x) => Some(self.int_arg(x, "round")?),
        };
        match (v, nd) {
            (Val::Int(..) | Val::Bool(..), None) => self.int_of(v, PIN_SITE),
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
    fn rounding_is_half_even_on_exact_values() {
        assert_eq!(round_float(2.675, 2), 2.67);
        assert_eq!(round_float(0.5, 0), 0.0);
        assert_eq!(round_float(1.5, 0), 2.0);
        assert_eq!(round_float(1234.5, -1), 1230.0);
        let (q, m) = float_divmod(-7.5, 2.0);
        assert_eq!((q, m), (-4.0, 0.5));
    }
}
