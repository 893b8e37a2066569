//! Python's `==` between a value got and the value expected.

use crate::keys::Keys;
use crate::num::{Tolerance, as_num, close, num_eq};
use crate::value::PyValue;

/// Python's `==` between the value a program gave (`got`) and the value
/// expected of it. Where the expected value holds a float, the value got may
/// differ by the tolerance; ints, strings, keys of dicts and elements of sets
/// are matched exactly (as hashing does). An expected NaN is matched by a
/// NaN (a judge's reading: Python's `==` would fail a right answer).
pub fn py_eq(got: &PyValue, expected: &PyValue, tol: Tolerance) -> bool {
    eq_with(&mut Keys::new(), got, expected, tol)
}

fn eq_with(k: &mut Keys, got: &PyValue, expected: &PyValue, tol: Tolerance) -> bool {
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
