//! The wire format against CPython's bytes, the refusals, and the bounds on
//! work. Random values and random bytes are in `tests/round_trips.rs`.

use num_bigint::BigInt;

use super::decode::{COMPARED, decode_with};
use super::{Bounds, decode, to_bytes};
use crate::keys::Keys;
use crate::pyhash;
use crate::testing::p;
use crate::value::{PyValue, ValueError};

fn round(v: &PyValue) -> PyValue {
    decode(&to_bytes(v), Bounds::default()).unwrap_or_else(|e| panic!("{v}: {e}"))
}

#[test]
fn writes_what_python_writes() {
    // Bytes from CPython 3.11's marshal.dumps(value, 2).
    let cases: &[(&str, &[u8])] = &[
        ("None", b"N"),
        ("1", b"i\x01\x00\x00\x00"),
        ("-1", b"i\xff\xff\xff\xff"),
        (
            "1099511627776",
            b"l\x03\x00\x00\x00\x00\x00\x00\x00\x00\x04",
        ),
        (
            "-1099511627776",
            b"l\xfd\xff\xff\xff\x00\x00\x00\x00\x00\x04",
        ),
        ("2147483648", b"l\x03\x00\x00\x00\x00\x00\x00\x00\x02\x00"),
        ("-2147483648", b"i\x00\x00\x00\x80"),
        ("1.5", b"g\x00\x00\x00\x00\x00\x00\xf8?"),
        ("'h\u{e9}'", b"u\x03\x00\x00\x00h\xc3\xa9"),
        ("'\\ud800'", b"u\x03\x00\x00\x00\xed\xa0\x80"),
        ("{1: 2}", b"{i\x01\x00\x00\x00i\x02\x00\x00\x000"),
        ("(1,)", b"(\x01\x00\x00\x00i\x01\x00\x00\x00"),
        ("{1}", b"<\x01\x00\x00\x00i\x01\x00\x00\x00"),
    ];
    for (lit, bytes) in cases {
        let v = p(lit);
        assert_eq!(to_bytes(&v), *bytes, "{lit}");
        assert_eq!(decode(bytes, Bounds::default()), Ok(v), "{lit}");
    }
}

#[test]
fn round_trips() {
    for lit in [
        "123456789012345678901234567890",
        "-98765432109876543210",
        "[1.5, float('inf'), {'k': (None, b'ab')}, {1, 2}, frozenset()]",
        "3-4j",
        "'text'",
        "'a\\udfff\\U0001F600'",
        "[[], (), {}, set()]",
    ] {
        let v = p(lit);
        assert_eq!(round(&v), v, "{lit}");
    }
    let huge = PyValue::Int(num_traits::pow(BigInt::from(3u8), 20_000));
    assert_eq!(round(&huge), huge);
    let mut deep = PyValue::None;
    for _ in 0..1999 {
        deep = PyValue::List(vec![deep]);
    }
    assert_eq!(round(&deep), deep);
}

#[test]
fn refuses_what_python_could_not_have_built() {
    let bad: &[&[u8]] = &[
        b"",
        b"i\x01",
        b"[\x02\x00\x00\x00N",
        b"[\xff\xff\xff\x7fN",
        b"[\xff\xff\xff\xffN",
        b"{N",
        b"{i\x01\x00\x00\x00N i\x01\x00\x00\x00N0",
        b"{i\x01\x00\x00\x00Ni\x01\x00\x00\x00N0",
        b"{[\x00\x00\x00\x00N0",
        b"<\x02\x00\x00\x00NN",
        b"0",
        b"NN",
        b"r\x00\x00\x00\x00",
        b"\xe9\x01\x00\x00\x00",
        b"c",
        b"u\x01\x00\x00\x00\xff",
        b"u\x02\x00\x00\x00\xc0\x80",
        b"a\x01\x00\x00\x00\xc3",
        b"l\x01\x00\x00\x00\x00\x80",
        b"l\x01\x00\x00\x00\x00\x00",
    ];
    for b in bad {
        assert!(decode(b, Bounds::default()).is_err(), "{b:?}");
    }
    // A small message may not build a large tree.
    let mut many = b"[\x00\x00\x10\x00".to_vec();
    many.extend(std::iter::repeat_n(b'N', 0x10_0000));
    let tight = Bounds {
        max_depth: 10,
        max_nodes: 1000,
    };
    assert!(matches!(decode(&many, tight), Err(ValueError::TooLarge(_))));
    let deep = [b"[\x01\x00\x00\x00".repeat(11), b"N".to_vec()].concat();
    assert!(decode(&deep, tight).is_err());
}

/// Sets and dicts whose keys CPython would file under one hash: ints a
/// multiple of 2**61 - 1 apart, and tuples of them; a set of as many
/// ordinary ints, floats and strings decodes.
#[test]
fn keys_built_to_collide_in_python_are_refused() {
    let m = BigInt::from((1u64 << 61) - 1);
    let colliding: Vec<PyValue> = (1..200).map(|k| PyValue::Int(&m * k)).collect();
    let set = PyValue::Set(colliding.clone());
    assert!(matches!(
        decode(&to_bytes(&set), Bounds::default()),
        Err(ValueError::TooLarge(_))
    ));
    let pairs = PyValue::FrozenSet(
        colliding
            .iter()
            .map(|x| PyValue::Tuple(vec![x.clone(), PyValue::None]))
            .collect(),
    );
    assert!(decode(&to_bytes(&pairs), Bounds::default()).is_err());
    let dict = PyValue::Dict(
        colliding
            .iter()
            .map(|x| (x.clone(), PyValue::Int(BigInt::from(0))))
            .collect(),
    );
    assert!(decode(&to_bytes(&dict), Bounds::default()).is_err());
    // Up to MAX_SHARED_HASH sharing a hash is what real data can hold.
    let few = PyValue::Set(colliding[..pyhash::MAX_SHARED_HASH].to_vec());
    assert_eq!(decode(&to_bytes(&few), Bounds::default()).unwrap(), few);
    let mut plain: Vec<PyValue> = (0..5000).map(|i| PyValue::Int(BigInt::from(i))).collect();
    plain.extend((0..5000).map(|i| PyValue::Float(f64::from(i) + 0.5)));
    plain.extend((0..5000).map(|i| PyValue::Str(format!("s{i}"))));
    plain.extend((0..500).map(|i| {
        PyValue::Tuple(vec![
            PyValue::Int(BigInt::from(i)),
            PyValue::Str(String::new()),
        ])
    }));
    let plain = PyValue::Set(plain);
    assert_eq!(decode(&to_bytes(&plain), Bounds::default()).unwrap(), plain);
}

/// Every NaN is its own key: sets of tuples or frozensets holding NaNs
/// are never compared pairwise (they once cost the grader hours).
#[test]
fn keys_holding_nans_are_not_compared_pairwise() {
    let nan = || PyValue::Float(f64::NAN);
    let tuples = PyValue::Set((0..20_000).map(|_| PyValue::Tuple(vec![nan()])).collect());
    let frozen = PyValue::Set(
        (0..20_000)
            .map(|_| PyValue::FrozenSet(vec![nan()]))
            .collect(),
    );
    let complex = PyValue::Set(
        (0..20_000)
            .map(|_| PyValue::Tuple(vec![PyValue::Complex(f64::NAN, 1.0)]))
            .collect(),
    );
    for v in [tuples, frozen, complex] {
        COMPARED.with(|c| c.set(0));
        let got = decode(&to_bytes(&v), Bounds::default()).unwrap();
        assert!(matches!(got, PyValue::Set(xs) if xs.len() == 20_000));
        assert_eq!(COMPARED.with(std::cell::Cell::get), 0);
    }
}

#[test]
fn deep_and_huge_keys_are_hashed_once() {
    // What an attacker sent: frozensets nested 1,999 deep around a
    // 4-million-bit int, and a set of two 16-million-bit ints. Each
    // value is hashed once, from the bottom up, never printed.
    let big = PyValue::Int(BigInt::from(1u8) << (1usize << 22));
    let mut deep = PyValue::FrozenSet(vec![big.clone()]);
    for _ in 0..1998 {
        deep = PyValue::FrozenSet(vec![deep]);
    }
    let huge = |n: usize| PyValue::Int(BigInt::from(1u8) << n);
    let set = PyValue::Set(vec![huge(1 << 24), huge((1 << 24) + 1), deep]);
    let mut keys = Keys::new();
    let back = decode_with(&to_bytes(&set), Bounds::default(), &mut keys).unwrap();
    assert_eq!(to_bytes(&back), to_bytes(&set));
    assert!(keys.work <= 3, "{} values hashed one by one", keys.work);
}
