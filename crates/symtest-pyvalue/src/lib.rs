//! Python's builtin values as plain data: parsed from Python literals (the
//! datasets' test inputs and expected outputs), carried across the sandbox
//! boundary in CPython's `marshal` format, printed back as Python literals,
//! and compared with Python's `==` (an expected float within a tolerance, as
//! EvalPlus does; everything else exactly).
//!
//! Results of untrusted code are decoded into this type and compared here:
//! the candidate's own `__eq__` never takes part. The decoder of untrusted
//! bytes ([`marshal::decode`]) is total and bounded in depth and size.

#![warn(missing_docs)]

pub mod json;
pub mod keys;
mod literal;
pub mod marshal;
pub mod pyhash;
mod repr;

use num_bigint::BigInt;
use num_traits::ToPrimitive;
use thiserror::Error;

pub use json::from_json;
pub use literal::parse_int;
pub use repr::{float_repr, str_repr};

/// A value of one of Python's builtin plain-data types. Equality of this type
/// (`==` in Rust) is structural; Python's `==` is [`py_eq`].
#[derive(Clone, Debug, PartialEq)]
pub enum PyValue {
    /// `None`.
    None,
    /// `True` or `False`: equal to 1 and 0 under [`py_eq`], but a type of its own.
    Bool(bool),
    /// An `int` of any size.
    Int(BigInt),
    /// A `float`: an IEEE double, NaN, infinities and -0.0 included.
    Float(f64),
    /// A `complex`: the real part, then the imaginary part.
    Complex(f64, f64),
    /// A `str` without lone surrogates (one with them is a [`PyValue::SurrogateStr`]).
    Str(String),
    /// A `str` holding lone surrogates (code points U+D800..U+DFFF), which
    /// Rust's `String` cannot: its code points, in order. Never built for a
    /// string without one (that is a [`PyValue::Str`]).
    SurrogateStr(Vec<u32>),
    /// A `bytes`.
    Bytes(Vec<u8>),
    /// A `list`.
    List(Vec<PyValue>),
    /// A `tuple`.
    Tuple(Vec<PyValue>),
    /// Insertion order kept, as in Python. Keys are distinct (as Python's
    /// equality of keys says) in every value the decoders build.
    Dict(Vec<(PyValue, PyValue)>),
    /// A `set`, its elements in the order they were listed. They are distinct (as
    /// Python's equality of keys says) in every value the decoders build.
    Set(Vec<PyValue>),
    /// A `frozenset`, as [`PyValue::Set`] otherwise.
    FrozenSet(Vec<PyValue>),
}

/// Why text or bytes do not make a value.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ValueError {
    /// Text that is not a Python literal (or, from [`from_json`], not JSON).
    #[error("at offset {offset}: {message}")]
    Literal {
        /// The byte offset in the text where reading stopped.
        offset: usize,
        /// What was wrong there.
        message: String,
    },
    /// Bytes that are not a marshal message of a plain value, or one that Python
    /// could not have written (a repeated key, an unhashable element).
    #[error("malformed value at byte {offset}: {message}")]
    Wire {
        /// The offset of the byte where reading stopped.
        offset: usize,
        /// What was wrong there.
        message: String,
    },
    /// A message holding more values than [`marshal::Bounds::max_nodes`], or a
    /// set or dict built to make CPython's hash table quadratic; holds which.
    #[error("value too large: {0}")]
    TooLarge(String),
}

impl PyValue {
    /// The name of the value's Python type, as `type(v).__name__` gives it.
    pub fn type_name(&self) -> &'static str {
        match self {
            PyValue::None => "NoneType",
            PyValue::Bool(_) => "bool",
            PyValue::Int(_) => "int",
            PyValue::Float(_) => "float",
            PyValue::Complex(..) => "complex",
            PyValue::Str(_) | PyValue::SurrogateStr(_) => "str",
            PyValue::Bytes(_) => "bytes",
            PyValue::List(_) => "list",
            PyValue::Tuple(_) => "tuple",
            PyValue::Dict(_) => "dict",
            PyValue::Set(_) => "set",
            PyValue::FrozenSet(_) => "frozenset",
        }
    }

    /// Parses a Python literal (what `ast.literal_eval` accepts, plus
    /// `float('nan')`, `set()`, `frozenset(...)` and friends).
    pub fn parse(text: &str) -> Result<PyValue, ValueError> {
        literal::parse(text)
    }

    /// A string from its code points: a [`PyValue::Str`] unless a lone
    /// surrogate is among them. `None` for a code point above U+10FFFF.
    pub fn str_from_code_points(cps: Vec<u32>) -> Option<PyValue> {
        if cps.iter().any(|c| *c > 0x10_ffff) {
            return None;
        }
        if cps.iter().any(|c| (0xd800..0xe000).contains(c)) {
            return Some(PyValue::SurrogateStr(cps));
        }
        Some(PyValue::Str(
            cps.into_iter().filter_map(char::from_u32).collect(),
        ))
    }

    /// Whether Python could use the value as a dict key or set element.
    pub fn is_hashable(&self) -> bool {
        match self {
            PyValue::List(_) | PyValue::Dict(_) | PyValue::Set(_) => false,
            PyValue::Tuple(xs) => xs.iter().all(PyValue::is_hashable),
            _ => true,
        }
    }

    /// Nodes in the value (itself, its elements, keys and values, to the bottom).
    pub fn nodes(&self) -> usize {
        1 + match self {
            PyValue::List(xs) | PyValue::Tuple(xs) | PyValue::Set(xs) | PyValue::FrozenSet(xs) => {
                xs.iter().map(PyValue::nodes).sum()
            }
            PyValue::Dict(kvs) => kvs.iter().map(|(k, v)| k.nodes() + v.nodes()).sum(),
            _ => 0,
        }
    }
}

impl From<i64> for PyValue {
    fn from(i: i64) -> Self {
        PyValue::Int(BigInt::from(i))
    }
}

impl From<&str> for PyValue {
    fn from(s: &str) -> Self {
        PyValue::Str(s.to_string())
    }
}

/// Whether keys (dict keys, set elements) repeat, as Python's equality of
/// keys sees them (`1`, `1.0` and `True` are one key; every NaN is its own).
pub fn has_duplicate_keys<'a>(keys: impl Iterator<Item = &'a PyValue>) -> bool {
    keys::Keys::new().any_repeated(keys)
}

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
fn close(got: f64, expected: f64, tol: Tolerance) -> bool {
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

/// Python's `==` between the value a program gave (`got`) and the value
/// expected of it. Where the expected value holds a float, the value got may
/// differ by the tolerance; ints, strings, keys of dicts and elements of sets
/// are matched exactly (as hashing does). An expected NaN is matched by a
/// NaN (a judge's reading: Python's `==` would fail a right answer).
pub fn py_eq(got: &PyValue, expected: &PyValue, tol: Tolerance) -> bool {
    eq_with(&mut keys::Keys::new(), got, expected, tol)
}

fn eq_with(k: &mut keys::Keys, got: &PyValue, expected: &PyValue, tol: Tolerance) -> bool {
    match (got, expected) {
        (PyValue::Float(g), PyValue::Float(e)) if e.is_nan() => return g.is_nan(),
        (PyValue::Complex(gr, gi), PyValue::Complex(er, ei)) if er.is_nan() || ei.is_nan() => {
            let part = |g: f64, e: f64| {
                if e.is_nan() {
                    g.is_nan()
                } else {
                    close(g, e, tol)
                }
            };
            return part(*gr, *er) && part(*gi, *ei);
        }
        _ => {}
    }
    if let (Some(x), Some(y)) = (as_num(got), as_num(expected)) {
        return num_eq(&x, &y, tol);
    }
    match (got, expected) {
        (PyValue::None, PyValue::None) => true,
        (PyValue::Str(x), PyValue::Str(y)) => x == y,
        (PyValue::SurrogateStr(x), PyValue::SurrogateStr(y)) => x == y,
        (PyValue::Bytes(x), PyValue::Bytes(y)) => x == y,
        (PyValue::List(x), PyValue::List(y)) | (PyValue::Tuple(x), PyValue::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| eq_with(k, p, q, tol))
        }
        (PyValue::Dict(x), PyValue::Dict(y)) => {
            if x.len() != y.len() {
                return false;
            }
            // Keys exactly, each matched once (a forged dict with one key
            // repeated cannot match); then the values within the tolerance.
            let xk: Vec<&PyValue> = x.iter().map(|(key, _)| key).collect();
            let yk: Vec<&PyValue> = y.iter().map(|(key, _)| key).collect();
            match k.matching(&xk, &yk) {
                Some(m) => m
                    .into_iter()
                    .enumerate()
                    .all(|(i, j)| eq_with(k, &x[i].1, &y[j].1, tol)),
                None => false,
            }
        }
        (PyValue::Set(x) | PyValue::FrozenSet(x), PyValue::Set(y) | PyValue::FrozenSet(y)) => {
            x.len() == y.len()
                && k.matching(&x.iter().collect::<Vec<_>>(), &y.iter().collect::<Vec<_>>())
                    .is_some()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PyValue {
        PyValue::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn equality_follows_python() {
        let t = Tolerance::default();
        assert!(py_eq(&p("1.0"), &p("1"), t));
        assert!(py_eq(&p("1"), &p("1.0"), t));
        assert!(py_eq(&p("1"), &p("True"), t));
        assert!(!py_eq(&p("[1, 2]"), &p("(1, 2)"), t));
        assert!(py_eq(&p("0.30000000000000004"), &p("0.3"), t));
        assert!(!py_eq(&p("0.31"), &p("0.3"), t));
        // An expected NaN wants a NaN (Python's `==` would refuse any).
        assert!(py_eq(&p("float('nan')"), &p("float('nan')"), t));
        assert!(py_eq(
            &p("[float('nan'), 1.0]"),
            &p("[float('nan'), 1.0]"),
            t
        ));
        assert!(!py_eq(&p("0.0"), &p("float('nan')"), t));
        assert!(!py_eq(&p("float('nan')"), &p("0.0"), t));
        assert!(!py_eq(&p("None"), &p("float('nan')"), t));
        assert!(py_eq(&p("{1: 'a', 2: 'b'}"), &p("{2: 'b', 1.0: 'a'}"), t));
        assert!(py_eq(&p("{1, 2}"), &p("frozenset({2, 1})"), t));
        assert!(!py_eq(&p("'1'"), &p("1"), t));
        assert!(!py_eq(&p("None"), &p("0"), t));
        assert!(!py_eq(
            &p("9007199254740992.0"),
            &p("9007199254740993"),
            Tolerance::EXACT
        ));
        assert!(py_eq(&p("[0.5, {'x': 1e-12}]"), &p("[0.5, {'x': 0.0}]"), t));
        assert!(py_eq(&p("(1, 2)"), &p("(1.0, 2)"), t));
        assert!(py_eq(&p("{(1, 2): 3}"), &p("{(1.0, 2): 3}"), t));
    }

    #[test]
    fn an_expected_int_is_matched_exactly() {
        let t = Tolerance::default();
        // n*(n+1)/2 for n*(n+1)//2: the float is off by a few units.
        let n: BigInt = BigInt::from(123_456_789_u64);
        let exact = &n * (&n + 1u8) / 2u8;
        let float = (n.to_f64().unwrap_or(0.0) * (n.to_f64().unwrap_or(0.0) + 1.0)) / 2.0;
        assert!(!py_eq(
            &PyValue::Float(float + 8.0),
            &PyValue::Int(exact.clone()),
            t
        ));
        // An off-by-7 float on a large int, complex(x, 0), inf for 200!.
        let big = p("12345678901234567890");
        assert!(!py_eq(
            &PyValue::Float(12345678901234567897.0 - 7.0),
            &p("12345678901234567891"),
            t
        ));
        assert!(!py_eq(&PyValue::Complex(1e19, 0.0), &big, t));
        let fact200: BigInt = (1..=200u32).map(BigInt::from).product();
        assert!(!py_eq(
            &PyValue::Float(f64::INFINITY),
            &PyValue::Int(fact200.clone()),
            t
        ));
        assert!(py_eq(
            &PyValue::Int(fact200.clone()),
            &PyValue::Int(fact200),
            t
        ));
        // Where Python's == holds exactly, it still holds.
        assert!(py_eq(&PyValue::Float(4.0), &p("4"), t));
        assert!(py_eq(&PyValue::Complex(4.0, 0.0), &p("4"), t));
        assert!(!py_eq(&PyValue::Complex(4.0, 1e-12), &p("4"), t));
        // An expected float still gets its tolerance, an int got included.
        assert!(py_eq(&p("3"), &PyValue::Float(3.000_000_000_1), t));
        let huge: BigInt = num_traits::pow(BigInt::from(10u8), 400);
        assert!(!py_eq(
            &PyValue::Int(huge),
            &PyValue::Float(f64::INFINITY),
            t
        ));
    }

    #[test]
    fn a_dict_with_a_repeated_key_never_matches() {
        let t = Tolerance::default();
        let forged = PyValue::Dict(vec![(p("'a'"), p("1")), (p("'a'"), p("1"))]);
        assert!(!py_eq(&forged, &p("{'a': 1, 'b': 2}"), t));
        assert!(!py_eq(&p("{'a': 1, 'b': 2}"), &forged, t));
        assert!(has_duplicate_keys([p("1"), p("1.0")].iter()));
        assert!(!has_duplicate_keys(
            [p("float('nan')"), p("float('nan')")].iter()
        ));
    }

    #[test]
    fn surrogate_strings_are_their_own_values() {
        let s = PyValue::str_from_code_points(vec![0x61, 0xd800]).unwrap();
        assert!(matches!(s, PyValue::SurrogateStr(_)));
        assert!(!py_eq(
            &s,
            &PyValue::Str("a\u{fffd}".into()),
            Tolerance::EXACT
        ));
        assert!(py_eq(&s, &s.clone(), Tolerance::EXACT));
        assert_eq!(
            PyValue::str_from_code_points(vec![0x61]),
            Some(PyValue::Str("a".into()))
        );
        assert_eq!(PyValue::str_from_code_points(vec![0x11_0000]), None);
    }

    #[test]
    fn hashability() {
        assert!(p("(1, 'a', frozenset())").is_hashable());
        assert!(!p("(1, [2])").is_hashable());
        assert_eq!(p("[1, (2, 3), {4: 5}]").nodes(), 8);
    }
}
