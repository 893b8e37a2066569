//! Any text: parsed or refused, never a panic; what parses prints as a
//! literal that parses back to an equal value (or one with the same repr:
//! `nan`, which equals nothing, and its sign, which repr drops). Exactly
//! Python's law, with Python's exception: a complex number with an infinite
//! or NaN part prints as `infj`, which is no literal (in CPython neither).
#![no_main]

use libfuzzer_sys::fuzz_target;
use symtest_pyvalue::{PyValue, Tolerance, py_eq};

fn nonfinite_complex(v: &PyValue) -> bool {
    match v {
        PyValue::Complex(r, i) => !r.is_finite() || !i.is_finite(),
        PyValue::List(xs) | PyValue::Tuple(xs) | PyValue::Set(xs) | PyValue::FrozenSet(xs) => {
            xs.iter().any(nonfinite_complex)
        }
        PyValue::Dict(kvs) => kvs
            .iter()
            .any(|(k, x)| nonfinite_complex(k) || nonfinite_complex(x)),
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(v) = PyValue::parse(text) {
        match PyValue::parse(&v.repr()) {
            Ok(back) => assert!(
                back.repr() == v.repr() || py_eq(&back, &v, Tolerance::EXACT),
                "{v:?} {back:?}"
            ),
            Err(e) => assert!(nonfinite_complex(&v), "{v:?}: {e}"),
        }
    }
});
