//! Round trips of random Python values: the literal parser reads back what
//! `repr` writes, and the marshal decoder reads back what the encoder writes.
//! The decoder also meets random and mangled bytes, which it must refuse
//! without a panic.

use num_bigint::{BigInt, Sign};
use proptest::prelude::*;
use symtest_pyvalue::marshal::{Bounds, decode, to_bytes};
use symtest_pyvalue::{PyValue, Tolerance, has_duplicate_keys, py_eq};

/// Ints: machine-sized, a few hundred bits, and powers of two near 5,000
/// bits give or take a little.
fn int() -> impl Strategy<Value = PyValue> {
    prop_oneof![
        any::<i64>().prop_map(BigInt::from),
        (any::<bool>(), prop::collection::vec(any::<u32>(), 1..12)).prop_map(|(neg, digits)| {
            BigInt::new(if neg { Sign::Minus } else { Sign::Plus }, digits)
        }),
        (4000u32..5000, any::<i16>(), any::<bool>()).prop_map(|(k, d, neg)| {
            let n = (BigInt::from(1u8) << k) + BigInt::from(d);
            if neg { -n } else { n }
        }),
    ]
    .prop_map(PyValue::Int)
}

/// Floats of every class: NaN, the infinities, both zeros, subnormals, and
/// short decimals such as `0.1` whose repr is not their exact value.
fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        prop::sample::select(vec![
            f64::NAN,
            -f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            -0.0,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            1e16,
            1e-5,
        ]),
        (any::<i32>(), 0i32..20).prop_map(|(m, e)| f64::from(m) / 10f64.powi(e)),
    ]
}

/// Characters a repr must escape or keep: quotes, backslashes, control
/// characters, white space, and non-ASCII text.
fn text_char() -> impl Strategy<Value = char> {
    prop_oneof![
        any::<char>(),
        (0x20u8..0x7f).prop_map(char::from),
        prop::sample::select(vec![
            '\'', '"', '\\', '\n', '\r', '\t', '\0', '\x07', '\x1b', '\x7f', '\u{85}', '\u{a0}',
            'é', 'ß', '€', '\u{2028}', '\u{feff}', '😀',
        ]),
    ]
}

fn text() -> impl Strategy<Value = PyValue> {
    prop_oneof![
        4 => prop::collection::vec(text_char(), 0..12)
            .prop_map(|cs| PyValue::Str(cs.into_iter().collect())),
        // Lone surrogates among ordinary characters.
        1 => prop::collection::vec(
            prop_oneof![0xd7f0u32..0xe010, text_char().prop_map(u32::from)],
            1..6
        )
        .prop_filter_map("code points", PyValue::str_from_code_points),
    ]
}

/// Which values a generator may build. Python's literals cannot spell a
/// complex number with an infinite or NaN part (CPython's repr writes
/// `infj`, which no literal reads), so the literal trip leaves them out.
#[derive(Clone, Copy)]
enum Trip {
    Literal,
    Marshal,
}

fn complex(trip: Trip) -> BoxedStrategy<PyValue> {
    let part = match trip {
        Trip::Literal => float().prop_filter("finite", |f| f.is_finite()).boxed(),
        Trip::Marshal => float().boxed(),
    };
    (part.clone(), part)
        .prop_map(|(r, i)| PyValue::Complex(r, i))
        .boxed()
}

/// Values that hold no other: the hashable ones, every one of them.
fn scalar(trip: Trip) -> impl Strategy<Value = PyValue> {
    prop_oneof![
        Just(PyValue::None),
        any::<bool>().prop_map(PyValue::Bool),
        int(),
        float().prop_map(PyValue::Float),
        complex(trip),
        text(),
        prop::collection::vec(any::<u8>(), 0..10).prop_map(PyValue::Bytes),
    ]
}

/// Keeps the first of the items Python would call one key (`1`, `1.0` and
/// `True`; `0.0` and `-0.0`), as a set display does.
fn distinct(items: Vec<PyValue>) -> Vec<PyValue> {
    let mut out: Vec<PyValue> = Vec::new();
    for x in items {
        out.push(x);
        if has_duplicate_keys(out.iter()) {
            out.pop();
        }
    }
    out
}

/// What may be a set element or a dict key: scalars, and tuples and
/// frozensets of them.
fn hashable(trip: Trip) -> impl Strategy<Value = PyValue> {
    scalar(trip).prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(PyValue::Tuple),
            prop::collection::vec(inner, 0..4).prop_map(|xs| PyValue::FrozenSet(distinct(xs))),
        ]
    })
}

fn value(trip: Trip) -> impl Strategy<Value = PyValue> {
    scalar(trip).prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(PyValue::List),
            prop::collection::vec(inner.clone(), 0..6).prop_map(PyValue::Tuple),
            prop::collection::vec((hashable(trip), inner), 0..5).prop_map(|kvs| {
                let (keys, values): (Vec<PyValue>, Vec<PyValue>) = kvs.into_iter().unzip();
                let keys = distinct(keys);
                PyValue::Dict(keys.into_iter().zip(values).collect())
            }),
            prop::collection::vec(hashable(trip), 0..6).prop_map(|xs| PyValue::Set(distinct(xs))),
            prop::collection::vec(hashable(trip), 0..6)
                .prop_map(|xs| PyValue::FrozenSet(distinct(xs))),
        ]
    })
}

/// How two floats must agree after a trip.
#[derive(Clone, Copy)]
enum Floats {
    /// Bit for bit (NaN payloads and signs of zero included).
    Bits,
    /// The same float, any NaN for a NaN: what a literal can carry. A
    /// complex part's zero may change sign, as it does through CPython's own
    /// literals (`(1-0j)` reads back as `(1+0j)`).
    Literal,
}

/// Structural identity: the same variants, in the same order, floats as
/// `floats` says. Stricter than Python's `==`, which takes `1` for `True`.
fn same(a: &PyValue, b: &PyValue, floats: Floats) -> bool {
    let float = |x: f64, y: f64| match floats {
        Floats::Bits => x.to_bits() == y.to_bits(),
        Floats::Literal => x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
    };
    let part = |x: f64, y: f64| match floats {
        Floats::Bits => x.to_bits() == y.to_bits(),
        Floats::Literal => x == y || (x.is_nan() && y.is_nan()),
    };
    let all = |xs: &[PyValue], ys: &[PyValue]| {
        xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| same(x, y, floats))
    };
    match (a, b) {
        (PyValue::Float(x), PyValue::Float(y)) => float(*x, *y),
        (PyValue::Complex(r, i), PyValue::Complex(s, j)) => part(*r, *s) && part(*i, *j),
        (PyValue::List(xs), PyValue::List(ys))
        | (PyValue::Tuple(xs), PyValue::Tuple(ys))
        | (PyValue::Set(xs), PyValue::Set(ys))
        | (PyValue::FrozenSet(xs), PyValue::FrozenSet(ys)) => all(xs, ys),
        (PyValue::Dict(xs), PyValue::Dict(ys)) => {
            xs.len() == ys.len()
                && xs
                    .iter()
                    .zip(ys)
                    .all(|((k, v), (l, w))| same(k, l, floats) && same(v, w, floats))
        }
        _ => a == b,
    }
}

fn holds_nan(v: &PyValue) -> bool {
    match v {
        PyValue::Float(f) => f.is_nan(),
        PyValue::Complex(r, i) => r.is_nan() || i.is_nan(),
        PyValue::List(xs) | PyValue::Tuple(xs) | PyValue::Set(xs) | PyValue::FrozenSet(xs) => {
            xs.iter().any(holds_nan)
        }
        PyValue::Dict(kvs) => kvs.iter().any(|(k, v)| holds_nan(k) || holds_nan(v)),
        _ => false,
    }
}

/// Whether a key (a set element, a dict key) somewhere holds a NaN: every
/// NaN is its own key, so no two such values are equal in Python, and
/// `py_eq` of such a value with its copy is rightly false.
fn nan_in_a_key(v: &PyValue) -> bool {
    match v {
        PyValue::List(xs) | PyValue::Tuple(xs) => xs.iter().any(nan_in_a_key),
        PyValue::Set(xs) | PyValue::FrozenSet(xs) => xs.iter().any(holds_nan),
        PyValue::Dict(kvs) => kvs.iter().any(|(k, v)| holds_nan(k) || nan_in_a_key(v)),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// `repr` writes a literal the parser reads back as the same value.
    #[test]
    fn the_literal_of_a_value_reads_back_as_it(v in value(Trip::Literal)) {
        let text = v.repr();
        let back = PyValue::parse(&text);
        prop_assert!(back.is_ok(), "{text}: {:?}", back);
        let back = back.unwrap_or(PyValue::None);
        prop_assert!(same(&back, &v, Floats::Literal), "{text} read back as {back:?}, not {v:?}");
        if !nan_in_a_key(&v) {
            prop_assert!(py_eq(&back, &v, Tolerance::EXACT), "{text}");
        }
    }

    /// `decode` reads back exactly what `to_bytes` writes.
    #[test]
    fn the_wire_form_of_a_value_decodes_to_it(v in value(Trip::Marshal)) {
        let bytes = to_bytes(&v);
        let back = decode(&bytes, Bounds::default());
        prop_assert!(back.is_ok(), "{v:?}: {:?}", back);
        let back = back.unwrap_or(PyValue::None);
        prop_assert!(same(&back, &v, Floats::Bits), "{back:?} is not {v:?}");
        prop_assert_eq!(to_bytes(&back), bytes);
    }
}

proptest! {
    #[test]
    fn any_bytes_decode_or_fail_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = decode(&bytes, Bounds::default());
    }

    #[test]
    fn mangled_messages_decode_or_fail_cleanly(
        v in value(Trip::Marshal),
        cuts in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let mut bytes = to_bytes(&v);
        for (at, b) in cuts {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        let _ = decode(&bytes, Bounds::default());
        let _ = decode(&bytes[..bytes.len() / 2], Bounds::default());
    }
}

/// The generators reach what the properties are about; a generator that
/// lost its sets or NaNs would leave the properties passing on nothing.
#[test]
fn the_generators_reach_every_kind_of_value() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = value(Trip::Literal);
    let mut seen = std::collections::BTreeSet::new();
    let mut nan = false;
    let mut negative_zero = false;
    for _ in 0..2000 {
        let Ok(tree) = strategy.new_tree(&mut runner) else {
            continue;
        };
        let v = tree.current();
        let mut stack = vec![&v];
        while let Some(x) = stack.pop() {
            seen.insert(match x {
                PyValue::SurrogateStr(_) => "surrogates",
                other => other.type_name(),
            });
            match x {
                PyValue::Float(f) => {
                    nan |= f.is_nan();
                    negative_zero |= *f == 0.0 && f.is_sign_negative();
                }
                PyValue::List(xs)
                | PyValue::Tuple(xs)
                | PyValue::Set(xs)
                | PyValue::FrozenSet(xs) => {
                    stack.extend(xs);
                }
                PyValue::Dict(kvs) => stack.extend(kvs.iter().flat_map(|(k, v)| [k, v])),
                _ => {}
            }
        }
    }
    for kind in [
        "NoneType",
        "bool",
        "int",
        "float",
        "complex",
        "str",
        "surrogates",
        "bytes",
        "list",
        "tuple",
        "dict",
        "set",
        "frozenset",
    ] {
        assert!(seen.contains(kind), "no {kind} among {seen:?}");
    }
    assert!(nan && negative_zero);
}
