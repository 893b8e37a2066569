//! Sorts and exact constant values.

use std::fmt;
use std::sync::Arc;

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// The sort (type) of a term.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sort {
    /// Truth values.
    Bool,
    /// Unbounded integers.
    Int,
    /// Exact rationals.
    Real,
    /// Sequences of Unicode code points (Python's `str`, SMT-LIB's `String`).
    Str,
}

impl Sort {
    /// True for Int and Real.
    pub fn is_numeric(self) -> bool {
        matches!(self, Sort::Int | Sort::Real)
    }

    /// The name messages use: `Bool`, `Int`, `Real` or `Str`.
    pub fn name(self) -> &'static str {
        match self {
            Sort::Bool => "Bool",
            Sort::Int => "Int",
            Sort::Real => "Real",
            Sort::Str => "Str",
        }
    }

    /// The value a variable of this sort takes when nothing else is known.
    pub fn default_value(self) -> Value {
        match self {
            Sort::Bool => Value::Bool(false),
            Sort::Int => Value::Int(BigInt::zero()),
            Sort::Real => Value::Real(BigRational::zero()),
            Sort::Str => Value::Str(Arc::from("")),
        }
    }
}

impl fmt::Display for Sort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How integer division rounds its quotient.
///
/// C truncates toward zero (its `%` takes the dividend's sign); Python floors
/// (its `%` takes the divisor's sign). Both differ from SMT-LIB's Euclidean
/// `div`/`mod` (remainder never negative), so the rounding is part of the
/// operator; backends that only know Euclid get the others lowered to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rounding {
    /// Toward zero: C's `/`; the remainder takes the dividend's sign.
    Trunc,
    /// Toward negative infinity: Python's `//`; the remainder takes the divisor's sign.
    Floor,
    /// SMT-LIB's `div` and `mod`: the remainder is never negative.
    Euclid,
}

/// A constant: a truth value, an unbounded integer or an exact rational.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// A truth value.
    Bool(bool),
    /// An unbounded integer.
    Int(BigInt),
    /// An exact rational; a whole one is still a Real, never equal to an `Int`
    /// as a `Value`.
    Real(BigRational),
    /// A string of Unicode code points.
    Str(Arc<str>),
}

impl Value {
    /// An Int value.
    pub fn int(i: impl Into<BigInt>) -> Value {
        Value::Int(i.into())
    }

    /// An exact rational `num/den`; `None` when `den` is zero.
    pub fn ratio(num: impl Into<BigInt>, den: impl Into<BigInt>) -> Option<Value> {
        let den = den.into();
        if den.is_zero() {
            return None;
        }
        Some(Value::Real(BigRational::new(num.into(), den)))
    }

    /// The sort this value belongs to.
    pub fn sort(&self) -> Sort {
        match self {
            Value::Bool(_) => Sort::Bool,
            Value::Int(_) => Sort::Int,
            Value::Real(_) => Sort::Real,
            Value::Str(_) => Sort::Str,
        }
    }

    /// A Str value.
    pub fn str(s: &str) -> Value {
        Value::Str(Arc::from(s))
    }

    /// The text, when this is a Str.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The truth value, when this is a Bool.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The integer, when this is an Int (a whole Real is not one).
    pub fn as_int(&self) -> Option<&BigInt> {
        match self {
            Value::Int(i) => Some(i),
            _ => None,
        }
    }

    /// The value as a rational: integers convert exactly, truth values do not.
    pub fn to_rational(&self) -> Option<BigRational> {
        match self {
            Value::Bool(_) | Value::Str(_) => None,
            Value::Int(i) => Some(BigRational::from_integer(i.clone())),
            Value::Real(r) => Some(r.clone()),
        }
    }

    /// Nearest `f64`: truth values are 1 and 0, as in C.
    pub fn to_f64(&self) -> f64 {
        match self {
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Int(i) => i.to_f64().unwrap_or(f64::NAN),
            Value::Real(r) => rational_to_f64(r),
            Value::Str(_) => f64::NAN,
        }
    }

    /// Python's falsiness: `False`, zero, the empty string.
    pub fn is_zero(&self) -> bool {
        match self {
            Value::Bool(b) => !*b,
            Value::Int(i) => i.is_zero(),
            Value::Real(r) => r.is_zero(),
            Value::Str(s) => s.is_empty(),
        }
    }

    /// The exact rational an `f64` denotes; `None` for NaN and infinities.
    pub fn real_from_f64(x: f64) -> Option<Value> {
        BigRational::from_float(x).map(Value::Real)
    }
}

fn rational_to_f64(r: &BigRational) -> f64 {
    match (r.numer().to_f64(), r.denom().to_f64()) {
        (Some(n), Some(d)) if n.is_finite() && d.is_finite() && d != 0.0 => n / d,
        _ => r.to_f64().unwrap_or(f64::NAN),
    }
}

/// Integer quotient under the given rounding; `None` when `b` is zero.
pub fn int_div(a: &BigInt, b: &BigInt, rounding: Rounding) -> Option<BigInt> {
    if b.is_zero() {
        return None;
    }
    Some(match rounding {
        Rounding::Trunc => a / b,
        Rounding::Floor => a.div_floor(b),
        Rounding::Euclid => {
            let q = a.div_floor(&b.abs());
            if b.is_negative() { -q } else { q }
        }
    })
}

/// Integer remainder matching [`int_div`]: `a == b * q + r`.
pub fn int_rem(a: &BigInt, b: &BigInt, rounding: Rounding) -> Option<BigInt> {
    if b.is_zero() {
        return None;
    }
    Some(match rounding {
        Rounding::Trunc => a % b,
        Rounding::Floor => a.mod_floor(b),
        Rounding::Euclid => a.mod_floor(&b.abs()),
    })
}

/// Writes a rational the way a person reads it: `3`, `0.25`, `-1.5`, or `1/3`
/// when the decimal expansion does not terminate.
pub fn fmt_rational(r: &BigRational, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if r.is_integer() {
        return write!(f, "{}.0", r.numer());
    }
    match terminating_decimal(r) {
        Some(s) => f.write_str(&s),
        None => write!(f, "{}/{}", r.numer(), r.denom()),
    }
}

/// The exact decimal expansion of `r` when it terminates within 40 digits.
fn terminating_decimal(r: &BigRational) -> Option<String> {
    let mut den = r.denom().clone();
    let two = BigInt::from(2);
    let five = BigInt::from(5);
    let mut twos = 0u32;
    let mut fives = 0u32;
    while (&den % &two).is_zero() {
        den /= &two;
        twos += 1;
    }
    while (&den % &five).is_zero() {
        den /= &five;
        fives += 1;
    }
    if !den.is_one() {
        return None;
    }
    let digits = twos.max(fives);
    if digits > 40 {
        return None;
    }
    let scale = num_traits::pow(BigInt::from(10), digits as usize);
    let scaled = (r * BigRational::from_integer(scale)).to_integer();
    let neg = scaled.is_negative();
    let mut s = scaled.abs().to_string();
    let width = digits as usize + 1;
    if s.len() < width {
        s = format!("{}{}", "0".repeat(width - s.len()), s);
    }
    let (int_part, frac_part) = s.split_at(s.len() - digits as usize);
    Some(format!(
        "{}{}.{}",
        if neg { "-" } else { "" },
        int_part,
        frac_part
    ))
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Real(r) => fmt_rational(r, f),
            Value::Str(s) => f.write_str(&py_str_repr(s)),
        }
    }
}

/// Python's `repr` of a string: single quotes unless the text holds one and
/// no double quote; backslash escapes for control characters.
pub fn py_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// The string operations with SMT-LIB's semantics, shared by constant
/// folding and exact evaluation (so the two never disagree). Indices count
/// code points.
pub mod strings {
    use num_bigint::BigInt;
    use num_traits::{Signed, ToPrimitive, Zero};

    /// The highest code point SMT-LIB strings hold.
    pub const MAX_CODE: u32 = 0x2FFFF;

    /// `str.len`: the number of code points.
    pub fn len(s: &str) -> BigInt {
        BigInt::from(s.chars().count())
    }

    fn index(i: &BigInt) -> Option<usize> {
        if i.is_negative() { None } else { i.to_usize() }
    }

    /// `str.at`: the character at `i`, or `""` out of range.
    pub fn at(s: &str, i: &BigInt) -> String {
        index(i)
            .and_then(|i| s.chars().nth(i))
            .map(String::from)
            .unwrap_or_default()
    }

    /// `str.substr`: `len` characters from `offset`, clamped; `""` when
    /// `offset` is out of range or `len` is not positive.
    pub fn substr(s: &str, offset: &BigInt, len: &BigInt) -> String {
        let n = s.chars().count();
        let (Some(o), false) = (index(offset), len.is_negative() || len.is_zero()) else {
            return String::new();
        };
        if o >= n {
            return String::new();
        }
        let l = len.to_usize().unwrap_or(usize::MAX).min(n - o);
        s.chars().skip(o).take(l).collect()
    }

    /// `str.indexof`: the first position at or after `start` where `t`
    /// occurs; -1 when there is none or `start` is out of range.
    pub fn index_of(s: &str, t: &str, start: &BigInt) -> BigInt {
        let chars: Vec<char> = s.chars().collect();
        let pat: Vec<char> = t.chars().collect();
        let Some(st) = index(start) else {
            return BigInt::from(-1);
        };
        if st > chars.len() {
            return BigInt::from(-1);
        }
        if pat.is_empty() {
            return BigInt::from(st);
        }
        (st..chars.len())
            .find(|&i| chars[i..].starts_with(&pat))
            .map_or_else(|| BigInt::from(-1), BigInt::from)
    }

    /// `str.to_int`: the decimal value of a non-empty string of digits, else -1.
    pub fn to_int(s: &str) -> BigInt {
        if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
            return BigInt::from(-1);
        }
        s.parse().unwrap_or_else(|_| BigInt::from(-1))
    }

    /// `str.from_int`: the decimal digits of a non-negative integer, else `""`.
    pub fn from_int(n: &BigInt) -> String {
        if n.is_negative() {
            String::new()
        } else {
            n.to_string()
        }
    }

    /// `str.to_code`: the code point of a one-character string, else -1.
    pub fn to_code(s: &str) -> BigInt {
        let mut it = s.chars();
        match (it.next(), it.next()) {
            (Some(c), None) => BigInt::from(c as u32),
            _ => BigInt::from(-1),
        }
    }

    /// `str.from_code`: the one-character string of a code point, else `""`.
    /// (Surrogate code points, which no Rust `char` holds, give U+FFFD.)
    pub fn from_code(n: &BigInt) -> String {
        match n.to_u32() {
            Some(c) if c <= MAX_CODE => char::from_u32(c).unwrap_or('\u{fffd}').to_string(),
            _ => String::new(),
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(BigInt::from(i))
    }
}

impl From<BigInt> for Value {
    fn from(i: BigInt) -> Self {
        Value::Int(i)
    }
}

impl From<BigRational> for Value {
    fn from(r: BigRational) -> Self {
        Value::Real(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_roundings_differ_on_negatives() {
        let (a, b) = (BigInt::from(-7), BigInt::from(2));
        assert_eq!(int_div(&a, &b, Rounding::Trunc), Some(BigInt::from(-3)));
        assert_eq!(int_rem(&a, &b, Rounding::Trunc), Some(BigInt::from(-1)));
        assert_eq!(int_div(&a, &b, Rounding::Floor), Some(BigInt::from(-4)));
        assert_eq!(int_rem(&a, &b, Rounding::Floor), Some(BigInt::from(1)));
        assert_eq!(int_div(&a, &BigInt::zero(), Rounding::Floor), None);
        for (x, y) in [(-7, 2), (7, -2), (-7, -2), (7, 2), (0, -3)] {
            let (x, y) = (BigInt::from(x), BigInt::from(y));
            for r in [Rounding::Trunc, Rounding::Floor, Rounding::Euclid] {
                let q = int_div(&x, &y, r).unwrap();
                let m = int_rem(&x, &y, r).unwrap();
                assert_eq!(&y * &q + &m, x, "{r:?}");
            }
            assert!(!int_rem(&x, &y, Rounding::Euclid).unwrap().is_negative());
        }
    }

    #[test]
    fn string_operations_follow_smtlib() {
        use strings::*;
        let b = |i: i64| BigInt::from(i);
        assert_eq!(at("abc", &b(1)), "b");
        assert_eq!(at("abc", &b(3)), "");
        assert_eq!(at("abc", &b(-1)), "");
        assert_eq!(substr("hello", &b(1), &b(3)), "ell");
        assert_eq!(substr("hello", &b(3), &b(10)), "lo");
        assert_eq!(substr("hello", &b(5), &b(1)), "");
        assert_eq!(index_of("banana", "an", &b(2)), b(3));
        assert_eq!(index_of("banana", "x", &b(0)), b(-1));
        assert_eq!(index_of("ab", "", &b(2)), b(2));
        assert_eq!(index_of("ab", "", &b(3)), b(-1));
        assert_eq!(to_int("0042"), b(42));
        assert_eq!(to_int("-4"), b(-1));
        assert_eq!(to_int(""), b(-1));
        assert_eq!(from_int(&b(-3)), "");
        assert_eq!(to_code("é"), b(233));
        assert_eq!(to_code("ab"), b(-1));
        assert_eq!(from_code(&b(97)), "a");
        assert_eq!(py_str_repr("it's"), "\"it's\"");
        assert_eq!(py_str_repr("a\nb'\""), "'a\\nb\\'\"'");
    }

    #[test]
    fn reals_print_as_decimals_when_they_terminate() {
        let show = |n: i64, d: i64| Value::ratio(n, d).map(|v| v.to_string());
        assert_eq!(show(1, 4).as_deref(), Some("0.25"));
        assert_eq!(show(-3, 2).as_deref(), Some("-1.5"));
        assert_eq!(show(-1, 20).as_deref(), Some("-0.05"));
        assert_eq!(show(6, 3).as_deref(), Some("2.0"));
        assert_eq!(show(1, 3).as_deref(), Some("1/3"));
        assert_eq!(show(1, 0), None);
    }
}
