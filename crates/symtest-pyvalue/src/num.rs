//! Python's numeric tower for comparisons: ints, floats and complex numbers
//! compared with each other, exactly or within a tolerance.

use num_bigint::BigInt;
use num_traits::ToPrimitive;

use crate::value::PyValue;

/// How close an expected float and the value got must be:
/// `|got - expected| <= atol + rtol * |expected|` (NumPy's `allclose`, which
/// EvalPlus uses). Only an expected float (or complex) is ever compared
/// within it: an expected int is matched exactly.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tolerance {
    /// Relative tolerance: a fraction of `|expected|`.
    pub rtol: f64,
    /// Absolute tolerance, in the expected value's units.
    pub atol: f64,
}

impl Tolerance {
    /// No tolerance: Python's `==`, but for an expected NaN, which a NaN matches.
    pub const EXACT: Tolerance = Tolerance {
        rtol: 0.0,
        atol: 0.0,
    };
}

impl Default for Tolerance {
    fn default() -> Self {
        Tolerance {
            rtol: 1e-7,
            atol: 1e-9,
        }
    }
}

/// A number as Python's numeric tower sees it.
pub(crate) enum Num<'a> {
    Int(std::borrow::Cow<'a, BigInt>),
    Float(f64),
    Complex(f64, f64),
}

pub(crate) fn as_num(v: &PyValue) -> Option<Num<'_>> {
    match v {
        PyValue::Bool(b) => Some(Num::Int(std::borrow::Cow::Owned(BigInt::from(u8::from(
            *b,
        ))))),
        PyValue::Int(i) => Some(Num::Int(std::borrow::Cow::Borrowed(i))),
        PyValue::Float(f) => Some(Num::Float(*f)),
        PyValue::Complex(r, i) => Some(Num::Complex(*r, *i)),
        _ => None,
    }
}

/// `got` within the tolerance of the expected float.
pub(crate) fn close(got: f64, expected: f64, tol: Tolerance) -> bool {
    if got == expected {
        return true;
    }
    if !got.is_finite() || !expected.is_finite() {
        return false;
    }
    (got - expected).abs() <= tol.atol + tol.rtol * expected.abs()
}

/// Python's `==` between an int and a float: exact (no rounding of the int).
fn int_eq_float(i: &BigInt, f: f64) -> bool {
    f.is_finite() && f.fract() == 0.0 && num_traits::FromPrimitive::from_f64(f) == Some(i.clone())
}

/// An int as a float for a comparison within a tolerance: `None` when it has
/// no finite float (Python's `float(10**400)` raises).
fn int_as_float(i: &BigInt) -> Option<f64> {
    i.to_f64().filter(|f| f.is_finite())
}

pub(crate) fn num_eq(got: &Num<'_>, expected: &Num<'_>, tol: Tolerance) -> bool {
    match (got, expected) {
        // An expected int (or bool) is matched exactly, as Python's `==` does.
        (Num::Int(x), Num::Int(y)) => x == y,
        (Num::Float(f), Num::Int(y)) => int_eq_float(y, *f),
        (Num::Complex(r, i), Num::Int(y)) => *i == 0.0 && int_eq_float(y, *r),
        // An expected float: within the tolerance.
        (Num::Int(x), Num::Float(e)) => match int_as_float(x) {
            Some(xf) if tol != Tolerance::EXACT => close(xf, *e, tol),
            _ => int_eq_float(x, *e),
        },
        (Num::Float(f), Num::Float(e)) => close(*f, *e, tol),
        (Num::Complex(r, i), Num::Float(e)) => *i == 0.0 && close(*r, *e, tol),
        (got, Num::Complex(er, ei)) => {
            let (r, i) = match got {
                Num::Int(x) => match int_as_float(x) {
                    Some(f) => (f, 0.0),
                    None => return false,
                },
                Num::Float(f) => (*f, 0.0),
                Num::Complex(r, i) => (*r, *i),
            };
            close(r, *er, tol) && close(i, *ei, tol)
        }
    }
}
