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

mod eq;
pub mod json;
pub mod keys;
mod literal;
pub mod marshal;
mod num;
pub mod pyhash;
mod repr;
#[cfg(test)]
mod testing;
mod value;

pub use eq::py_eq;
pub use json::from_json;
pub use literal::parse_int;
pub use num::Tolerance;
pub use repr::{float_repr, str_repr};
pub use value::{PyValue, ValueError};

impl PyValue {
    /// Parses a Python literal (what `ast.literal_eval` accepts, plus
    /// `float('nan')`, `set()`, `frozenset(...)` and friends).
    pub fn parse(text: &str) -> Result<PyValue, ValueError> {
        literal::parse(text)
    }
}

/// Whether keys (dict keys, set elements) repeat, as Python's equality of
/// keys sees them (`1`, `1.0` and `True` are one key; every NaN is its own).
pub fn has_duplicate_keys<'a>(keys: impl Iterator<Item = &'a PyValue>) -> bool {
    keys::Keys::new().any_repeated(keys)
}

#[cfg(test)]
mod tests {
    use num_bigint::BigInt;
    use num_traits::ToPrimitive;

    use super::*;
    use crate::testing::p;

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
