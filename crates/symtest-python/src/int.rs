//! Python's unbounded `int`: machine words while they fit, big integers after.

use std::cmp::Ordering;
use std::fmt;
use std::rc::Rc;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive};

#[derive(Clone, Debug)]
pub enum PyInt {
    Small(i64),
    Big(Rc<BigInt>),
}

impl PyInt {
    pub fn from_big(b: BigInt) -> PyInt {
        match b.to_i64() {
            Some(i) => PyInt::Small(i),
            None => PyInt::Big(Rc::new(b)),
        }
    }

    pub fn to_big(&self) -> BigInt {
        match self {
            PyInt::Small(i) => BigInt::from(*i),
            PyInt::Big(b) => (**b).clone(),
        }
    }

    pub fn to_i64(&self) -> Option<i64> {
        match self {
            PyInt::Small(i) => Some(*i),
            PyInt::Big(b) => b.to_i64(),
        }
    }

    /// The value as an index or count, when it fits.
    pub fn to_usize(&self) -> Option<usize> {
        self.to_i64().and_then(|i| usize::try_from(i).ok())
    }

    /// Python's `float(int)`: `None` when too large (an `OverflowError`).
    pub fn to_f64(&self) -> Option<f64> {
        match self {
            PyInt::Small(i) => Some(*i as f64),
            PyInt::Big(b) => b.to_f64().filter(|f| f.is_finite()),
        }
    }

    pub fn is_zero(&self) -> bool {
        matches!(self, PyInt::Small(0))
    }

    pub fn is_negative(&self) -> bool {
        match self {
            PyInt::Small(i) => *i < 0,
            PyInt::Big(b) => b.is_negative(),
        }
    }

    fn op(
        &self,
        other: &PyInt,
        small: fn(i64, i64) -> Option<i64>,
        big: fn(&BigInt, &BigInt) -> BigInt,
    ) -> PyInt {
        if let (PyInt::Small(a), PyInt::Small(b)) = (self, other)
            && let Some(r) = small(*a, *b)
        {
            return PyInt::Small(r);
        }
        PyInt::from_big(big(&self.to_big(), &other.to_big()))
    }

    pub fn add(&self, o: &PyInt) -> PyInt {
        self.op(o, i64::checked_add, |a, b| a + b)
    }

    pub fn sub(&self, o: &PyInt) -> PyInt {
        self.op(o, i64::checked_sub, |a, b| a - b)
    }

    pub fn mul(&self, o: &PyInt) -> PyInt {
        self.op(o, i64::checked_mul, |a, b| a * b)
    }

    /// Floor division; `None` on a zero divisor.
    pub fn floor_div(&self, o: &PyInt) -> Option<PyInt> {
        (!o.is_zero()).then(|| self.op(o, floor_div_i64, |a, b| a.div_floor(b)))
    }

    /// Python's `%` (the result takes the divisor's sign); `None` on zero.
    pub fn modulo(&self, o: &PyInt) -> Option<PyInt> {
        (!o.is_zero()).then(|| self.op(o, mod_floor_i64, |a, b| a.mod_floor(b)))
    }

    pub fn neg(&self) -> PyInt {
        match self {
            PyInt::Small(i) => match i.checked_neg() {
                Some(n) => PyInt::Small(n),
                None => PyInt::from_big(-BigInt::from(*i)),
            },
            PyInt::Big(b) => PyInt::from_big(-(**b).clone()),
        }
    }

    pub fn abs(&self) -> PyInt {
        if self.is_negative() {
            self.neg()
        } else {
            self.clone()
        }
    }

    /// `self ** exp` for a non-negative exponent; `None` when the result
    /// would be unreasonably large (more than ~1M bits).
    pub fn pow(&self, exp: u64) -> Option<PyInt> {
        let bits = self.to_big().bits();
        if bits > 1 && exp.saturating_mul(bits) > 1 << 20 {
            return None;
        }
        let e = u32::try_from(exp).ok()?;
        if let PyInt::Small(b) = self
            && let Some(r) = b.checked_pow(e)
        {
            return Some(PyInt::Small(r));
        }
        Some(PyInt::from_big(num_traits::pow(self.to_big(), e as usize)))
    }

    pub fn shl(&self, n: u64) -> Option<PyInt> {
        if n > 1 << 20 {
            return None;
        }
        Some(PyInt::from_big(self.to_big() << n))
    }

    pub fn shr(&self, n: u64) -> PyInt {
        // Arithmetic shift floors, as Python's does.
        let b = self.to_big();
        if n > 1 << 24 {
            return PyInt::Small(if b.is_negative() { -1 } else { 0 });
        }
        PyInt::from_big(b.div_floor(&(BigInt::one() << n)))
    }

    pub fn bitand(&self, o: &PyInt) -> PyInt {
        self.op(o, |a, b| Some(a & b), |a, b| a & b)
    }

    pub fn bitor(&self, o: &PyInt) -> PyInt {
        self.op(o, |a, b| Some(a | b), |a, b| a | b)
    }

    pub fn bitxor(&self, o: &PyInt) -> PyInt {
        self.op(o, |a, b| Some(a ^ b), |a, b| a ^ b)
    }

    pub fn invert(&self) -> PyInt {
        self.neg().sub(&PyInt::Small(1))
    }

    pub fn cmp(&self, o: &PyInt) -> Ordering {
        match (self, o) {
            (PyInt::Small(a), PyInt::Small(b)) => a.cmp(b),
            _ => self.to_big().cmp(&o.to_big()),
        }
    }

    /// Compares with a float exactly (as Python does, without rounding the int).
    pub fn cmp_f64(&self, f: f64) -> Option<Ordering> {
        if f.is_nan() {
            return None;
        }
        if f.is_infinite() {
            return Some(if f > 0.0 {
                Ordering::Less
            } else {
                Ordering::Greater
            });
        }
        let r = num_rational::BigRational::from_float(f)?;
        Some(num_rational::BigRational::from_integer(self.to_big()).cmp(&r))
    }

    pub fn bits(&self) -> u64 {
        self.to_big().bits()
    }

    /// Digits in `radix` (2, 8, 16), without prefix or sign.
    pub fn to_str_radix(&self, radix: u32) -> String {
        self.to_big().abs().to_str_radix(radix)
    }
}

/// `a // b` of machine integers, rounding down; `None` where it overflows.
fn floor_div_i64(a: i64, b: i64) -> Option<i64> {
    let q = a.checked_div(b)?;
    Some(if a % b != 0 && (a < 0) != (b < 0) {
        q - 1
    } else {
        q
    })
}

/// `a % b` of machine integers, taking the divisor's sign; `None` where it
/// overflows.
fn mod_floor_i64(a: i64, b: i64) -> Option<i64> {
    let r = a.checked_rem(b)?;
    Some(if r != 0 && (r < 0) != (b < 0) {
        r + b
    } else {
        r
    })
}

impl PartialEq for PyInt {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for PyInt {}

impl std::hash::Hash for PyInt {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self {
            PyInt::Small(i) => i.hash(state),
            PyInt::Big(b) => b.hash(state),
        }
    }
}

impl From<i64> for PyInt {
    fn from(i: i64) -> Self {
        PyInt::Small(i)
    }
}

impl From<i32> for PyInt {
    fn from(i: i32) -> Self {
        PyInt::Small(i64::from(i))
    }
}

impl From<usize> for PyInt {
    fn from(i: usize) -> Self {
        match i64::try_from(i) {
            Ok(i) => PyInt::Small(i),
            Err(_) => PyInt::from_big(BigInt::from(i)),
        }
    }
}

impl From<BigInt> for PyInt {
    fn from(b: BigInt) -> Self {
        PyInt::from_big(b)
    }
}

impl fmt::Display for PyInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PyInt::Small(i) => write!(f, "{i}"),
            PyInt::Big(b) => write!(f, "{b}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floors_like_python() {
        let p = |a: i64, b: i64| {
            let (a, b) = (PyInt::Small(a), PyInt::Small(b));
            (
                a.floor_div(&b).and_then(|x| x.to_i64()),
                a.modulo(&b).and_then(|x| x.to_i64()),
            )
        };
        assert_eq!(p(7, 2), (Some(3), Some(1)));
        assert_eq!(p(-7, 2), (Some(-4), Some(1)));
        assert_eq!(p(7, -2), (Some(-4), Some(-1)));
        assert_eq!(p(-7, -2), (Some(3), Some(-1)));
        assert_eq!(p(1, 0), (None, None));
        assert_eq!(p(i64::MIN, -1).0, None);
        let big = PyInt::Small(i64::MIN).floor_div(&PyInt::Small(-1));
        assert_eq!(
            big.map(|b| b.to_string()),
            Some("9223372036854775808".into())
        );
    }

    #[test]
    fn overflow_goes_big_and_back() {
        let a = PyInt::Small(i64::MAX).add(&PyInt::Small(1));
        assert!(matches!(a, PyInt::Big(_)));
        assert_eq!(a.sub(&PyInt::Small(1)), PyInt::Small(i64::MAX));
        assert_eq!(PyInt::Small(2).pow(100).map(|x| x.bits()), Some(101));
        assert_eq!(PyInt::Small(-5).shr(1), PyInt::Small(-3));
        assert_eq!(PyInt::Small(-1).bitand(&PyInt::Small(3)), PyInt::Small(3));
        assert_eq!(PyInt::Small(5).invert(), PyInt::Small(-6));
    }
}
