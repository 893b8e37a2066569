//! CPython's `marshal` format for plain values: what crosses the sandbox
//! boundary. Python writes it in C (`marshal.dumps(value, 2)`, which refuses
//! every type but the exact builtins and never writes back-references); this
//! module writes the same bytes and reads them back.
//!
//! [`decode`] reads bytes a hostile program may have written. It is total (an
//! error, never a panic, on any input), iterative (no recursion, whatever the
//! nesting), and bounded: depth, the number of values built, and memory
//! reserved up front never exceed [`Bounds`], so a small message cannot make
//! a large tree. Back-references, code objects and every type a plain value
//! does not need are refused; so are dicts and sets whose keys repeat or
//! cannot be hashed (Python could never have built them).

use num_bigint::{BigInt, BigUint, Sign};
use num_traits::{Signed, ToPrimitive, Zero};

use crate::keys::Keys;
use crate::pyhash::{self, PyHasher};
use crate::{PyValue, ValueError};

/// How much a decoded message may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// Containers nested at most this deep (CPython's marshal stops at 2,000).
    pub max_depth: usize,
    /// Values (every element, key and item, to the bottom) at most.
    pub max_nodes: usize,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            max_depth: 2000,
            max_nodes: 2_000_000,
        }
    }
}

const FLAG_REF: u8 = 0x80;

/// Writes `v` as `marshal.dumps(v, 2)` would.
pub fn encode(v: &PyValue, out: &mut Vec<u8>) {
    // An explicit stack: deep values must not overflow ours either.
    enum Step<'a> {
        Value(&'a PyValue),
        DictEnd,
    }
    let mut stack = vec![Step::Value(v)];
    while let Some(step) = stack.pop() {
        let v = match step {
            Step::DictEnd => {
                out.push(b'0');
                continue;
            }
            Step::Value(v) => v,
        };
        match v {
            PyValue::None => out.push(b'N'),
            PyValue::Bool(true) => out.push(b'T'),
            PyValue::Bool(false) => out.push(b'F'),
            PyValue::Int(i) => encode_int(i, out),
            PyValue::Float(f) => {
                out.push(b'g');
                out.extend_from_slice(&f.to_le_bytes());
            }
            PyValue::Complex(r, i) => {
                out.push(b'y');
                out.extend_from_slice(&r.to_le_bytes());
                out.extend_from_slice(&i.to_le_bytes());
            }
            PyValue::Str(s) => {
                out.push(b'u');
                put_len(out, s.len());
                out.extend_from_slice(s.as_bytes());
            }
            PyValue::SurrogateStr(cps) => {
                let bytes = surrogatepass_utf8(cps);
                out.push(b'u');
                put_len(out, bytes.len());
                out.extend_from_slice(&bytes);
            }
            PyValue::Bytes(b) => {
                out.push(b's');
                put_len(out, b.len());
                out.extend_from_slice(b);
            }
            PyValue::List(xs) | PyValue::Tuple(xs) | PyValue::Set(xs) | PyValue::FrozenSet(xs) => {
                out.push(match v {
                    PyValue::List(_) => b'[',
                    PyValue::Tuple(_) => b'(',
                    PyValue::Set(_) => b'<',
                    _ => b'>',
                });
                put_len(out, xs.len());
                stack.extend(xs.iter().rev().map(Step::Value));
            }
            PyValue::Dict(kvs) => {
                out.push(b'{');
                stack.push(Step::DictEnd);
                for (k, x) in kvs.iter().rev() {
                    stack.push(Step::Value(x));
                    stack.push(Step::Value(k));
                }
            }
        }
    }
}

/// `marshal.dumps(v, 2)` as a new buffer.
pub fn to_bytes(v: &PyValue) -> Vec<u8> {
    let mut out = Vec::new();
    encode(v, &mut out);
    out
}

fn put_len(out: &mut Vec<u8>, n: usize) {
    // Lengths beyond i32 cannot be marshalled; callers never build them (the
    // frames that carry values are far smaller).
    let n = i32::try_from(n).unwrap_or(i32::MAX);
    out.extend_from_slice(&n.to_le_bytes());
}

fn encode_int(i: &BigInt, out: &mut Vec<u8>) {
    if let Some(small) = i.to_i32() {
        out.push(b'i');
        out.extend_from_slice(&small.to_le_bytes());
        return;
    }
    // 15-bit digits, least significant first; the count carries the sign.
    let mag = i.magnitude();
    let bits = mag.bits();
    let n = bits.div_ceil(15);
    let words = mag.to_u32_digits();
    out.push(b'l');
    let count = i64::try_from(n).unwrap_or(i64::MAX);
    let signed = if i.is_negative() { -count } else { count };
    out.extend_from_slice(&(signed as i32).to_le_bytes());
    for d in 0..n {
        let at = d * 15;
        let w = (at / 32) as usize;
        let off = (at % 32) as u32;
        let mut v = u64::from(words.get(w).copied().unwrap_or(0)) >> off;
        if off > 17 {
            v |= u64::from(words.get(w + 1).copied().unwrap_or(0)) << (32 - off);
        }
        out.extend_from_slice(&((v & 0x7fff) as u16).to_le_bytes());
    }
}

/// UTF-8 with surrogate code points written as three bytes, as Python's
/// `surrogatepass` error handler does.
fn surrogatepass_utf8(cps: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(cps.len());
    for &c in cps {
        match char::from_u32(c) {
            Some(ch) => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            }
            None => {
                // A surrogate (the only code points `char` refuses that a
                // `SurrogateStr` holds): 1110xxxx 10xxxxxx 10xxxxxx.
                out.push(0xe0 | ((c >> 12) & 0x0f) as u8);
                out.push(0x80 | ((c >> 6) & 0x3f) as u8);
                out.push(0x80 | (c & 0x3f) as u8);
            }
        }
    }
    out
}

/// Code points of UTF-8 that may hold surrogates (`surrogatepass`); `None`
/// for anything else (overlong forms, stray bytes, truncation).
fn surrogatepass_decode(b: &[u8]) -> Option<Vec<u32>> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c0 = u32::from(b[i]);
        let (len, min, init) = match b[i] {
            0x00..=0x7f => (1, 0, c0),
            0xc2..=0xdf => (2, 0x80, c0 & 0x1f),
            0xe0..=0xef => (3, 0x800, c0 & 0x0f),
            0xf0..=0xf4 => (4, 0x1_0000, c0 & 0x07),
            _ => return None,
        };
        let mut c = init;
        for k in 1..len {
            let x = *b.get(i + k)?;
            if x & 0xc0 != 0x80 {
                return None;
            }
            c = (c << 6) | u32::from(x & 0x3f);
        }
        if c < min || c > 0x10_ffff {
            return None;
        }
        out.push(c);
        i += len;
    }
    Some(out)
}

/// A key's hashes: ours (keyed per process, for finding repeated keys) and
/// CPython's (for finding values built to collide in CPython's tables).
#[derive(Clone, Copy)]
struct KeyHash {
    ours: u64,
    python: u64,
}

/// A container being filled while decoding, with the key hash of each of
/// its elements (`None`: a list, dict or set, which cannot be a key). Hashes
/// are computed once, from the bottom up: a deep or huge value costs time
/// linear in its size.
enum Open {
    Seq {
        kind: u8,
        left: usize,
        items: Vec<PyValue>,
        hashes: Vec<Option<KeyHash>>,
    },
    Dict {
        items: Vec<(PyValue, PyValue)>,
        key_hashes: Vec<Option<KeyHash>>,
        key: Option<(PyValue, Option<KeyHash>)>,
    },
}

/// What the decoder keeps while it works: both hashers.
struct Hashers<'k> {
    keys: &'k mut Keys,
    python: PyHasher,
}

/// Whether the keys of one set or dict are fit for CPython: none repeats
/// (by Python's equality), and no more than `MAX_SHARED_HASH` share one of
/// CPython's hashes.
fn check_keys(
    items: &[&PyValue],
    hashes: &[Option<KeyHash>],
    what: &str,
    r: &Reader<'_>,
) -> Result<(), ValueError> {
    if repeated(items, hashes) {
        return Err(r.err(format!("a {what} repeat")));
    }
    let most = pyhash::most_shared(hashes.iter().flatten().map(|h| h.python));
    if most > pyhash::MAX_SHARED_HASH {
        return Err(ValueError::TooLarge(format!(
            "a set or dict with {most} keys of one hash in Python (built to make Python's \
             table quadratic)"
        )));
    }
    Ok(())
}

#[cfg(test)]
thread_local! {
    /// Keys compared one with another while decoding (tests count them).
    static COMPARED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Whether two of `items` (with their hashes) are one key; values whose
/// hashes are equal are compared, with a `Keys` of their own.
fn repeated(items: &[&PyValue], hashes: &[Option<KeyHash>]) -> bool {
    let mut by_hash: std::collections::HashMap<u64, Vec<usize>> = std::collections::HashMap::new();
    let mut keys = Keys::new();
    for (i, h) in hashes.iter().enumerate() {
        let Some(h) = h.map(|h| h.ours) else { continue };
        if matches!(items[i], PyValue::Float(f) if f.is_nan()) {
            continue;
        }
        let bucket = by_hash.entry(h).or_default();
        for &j in bucket.iter() {
            #[cfg(test)]
            COMPARED.with(|c| c.set(c.get() + 1));
            if keys.eq(items[i], items[j]) {
                return true;
            }
        }
        bucket.push(i);
    }
    false
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn err(&self, message: impl Into<String>) -> ValueError {
        ValueError::Wire {
            offset: self.at,
            message: message.into(),
        }
    }

    fn take(&mut self, n: usize) -> Result<&[u8], ValueError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|e| *e <= self.b.len())
            .ok_or_else(|| self.err("truncated"))?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn byte(&mut self) -> Result<u8, ValueError> {
        Ok(self.take(1)?[0])
    }

    fn i32(&mut self) -> Result<i32, ValueError> {
        let s = self.take(4)?;
        Ok(i32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }

    fn f64(&mut self) -> Result<f64, ValueError> {
        let s = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(f64::from_le_bytes(a))
    }

    /// A length that must fit in what is left (each item takes a byte at least).
    fn count(&mut self, per_item: usize) -> Result<usize, ValueError> {
        let n = self.i32()?;
        let n = usize::try_from(n).map_err(|_| self.err("negative length"))?;
        if n.saturating_mul(per_item) > self.b.len() - self.at {
            return Err(self.err("a length beyond the end of the message"));
        }
        Ok(n)
    }

    fn text(&mut self, n: usize) -> Result<PyValue, ValueError> {
        let raw = self.take(n)?;
        if let Ok(s) = std::str::from_utf8(raw) {
            return Ok(PyValue::Str(s.to_string()));
        }
        surrogatepass_decode(raw)
            .and_then(PyValue::str_from_code_points)
            .ok_or_else(|| self.err("a str that is not UTF-8"))
    }

    fn ascii(&mut self, n: usize) -> Result<PyValue, ValueError> {
        let raw = self.take(n)?;
        if !raw.is_ascii() {
            return Err(self.err("an ASCII str with a byte above 127"));
        }
        Ok(PyValue::Str(String::from_utf8_lossy(raw).into_owned()))
    }

    fn long(&mut self) -> Result<PyValue, ValueError> {
        let n = self.i32()?;
        let count = n.unsigned_abs() as usize;
        if count.saturating_mul(2) > self.b.len() - self.at {
            return Err(self.err("a length beyond the end of the message"));
        }
        let raw = self.take(count * 2)?;
        let mut words = vec![0u32; (count * 15).div_ceil(32) + 1];
        let mut last = 0u16;
        for (d, pair) in raw.chunks_exact(2).enumerate() {
            let digit = u16::from_le_bytes([pair[0], pair[1]]);
            if digit >= 1 << 15 {
                return Err(self.err("an int digit out of range"));
            }
            last = digit;
            let at = d * 15;
            let (w, off) = (at / 32, at % 32);
            words[w] |= u32::from(digit) << off;
            if off > 17 {
                words[w + 1] |= u32::from(digit) >> (32 - off);
            }
        }
        if count > 0 && last == 0 {
            return Err(self.err("an int with a leading zero digit"));
        }
        let mag = BigUint::new(words);
        let sign = if n < 0 {
            Sign::Minus
        } else if mag.is_zero() {
            Sign::NoSign
        } else {
            Sign::Plus
        };
        Ok(PyValue::Int(BigInt::from_biguint(sign, mag)))
    }
}

/// Reads one value that must fill `bytes` exactly.
pub fn decode(bytes: &[u8], bounds: Bounds) -> Result<PyValue, ValueError> {
    decode_with(bytes, bounds, &mut Keys::new())
}

fn decode_with(bytes: &[u8], bounds: Bounds, keys: &mut Keys) -> Result<PyValue, ValueError> {
    let keys = &mut Hashers {
        keys,
        python: PyHasher::new(),
    };
    let mut r = Reader { b: bytes, at: 0 };
    let mut stack: Vec<Open> = Vec::new();
    let mut nodes = 0usize;
    loop {
        let code = r.byte()?;
        if code & FLAG_REF != 0 {
            return Err(r.err("a back-reference flag (only version 2 is read)"));
        }
        nodes += 1;
        if nodes > bounds.max_nodes {
            return Err(ValueError::TooLarge(format!(
                "over {} values in one message",
                bounds.max_nodes
            )));
        }
        let value = match code {
            b'N' => PyValue::None,
            b'T' => PyValue::Bool(true),
            b'F' => PyValue::Bool(false),
            b'i' => PyValue::Int(BigInt::from(r.i32()?)),
            b'l' => r.long()?,
            b'g' => PyValue::Float(r.f64()?),
            b'y' => PyValue::Complex(r.f64()?, r.f64()?),
            b's' => {
                let n = r.count(1)?;
                PyValue::Bytes(r.take(n)?.to_vec())
            }
            b'u' | b't' => {
                let n = r.count(1)?;
                r.text(n)?
            }
            b'a' | b'A' => {
                let n = r.count(1)?;
                r.ascii(n)?
            }
            b'z' | b'Z' => {
                let n = usize::from(r.byte()?);
                r.ascii(n)?
            }
            b'(' | b'[' | b'<' | b'>' | b')' => {
                let n = if code == b')' {
                    usize::from(r.byte()?)
                } else {
                    r.count(1)?
                };
                let kind = if code == b')' { b'(' } else { code };
                if n == 0 {
                    let (v, h) = finish_seq(kind, Vec::new(), Vec::new(), keys, &r)?;
                    match hand(&mut stack, v, h, keys, &r, bytes)? {
                        Some(v) => return Ok(v),
                        None => continue,
                    }
                } else {
                    if stack.len() >= bounds.max_depth {
                        return Err(r.err("nested too deeply"));
                    }
                    stack.push(Open::Seq {
                        kind,
                        left: n,
                        items: Vec::with_capacity(n.min(4096)),
                        hashes: Vec::with_capacity(n.min(4096)),
                    });
                    continue;
                }
            }
            b'{' => {
                if stack.len() >= bounds.max_depth {
                    return Err(r.err("nested too deeply"));
                }
                stack.push(Open::Dict {
                    items: Vec::new(),
                    key_hashes: Vec::new(),
                    key: None,
                });
                continue;
            }
            b'0' => match stack.pop() {
                Some(Open::Dict {
                    items,
                    key_hashes,
                    key: None,
                }) => {
                    nodes -= 1;
                    if key_hashes.iter().any(Option::is_none) {
                        return Err(r.err("a dict key that cannot be hashed"));
                    }
                    check_keys(
                        &items.iter().map(|(k, _)| k).collect::<Vec<_>>(),
                        &key_hashes,
                        "dict whose keys",
                        &r,
                    )?;
                    match hand(&mut stack, PyValue::Dict(items), None, keys, &r, bytes)? {
                        Some(v) => return Ok(v),
                        None => continue,
                    }
                }
                _ => return Err(r.err("an end of dict outside a dict")),
            },
            other => {
                return Err(r.err(format!(
                    "type code {:?} is not a plain value",
                    char::from(other)
                )));
            }
        };
        let h = keys.keys.leaf(&value).map(|ours| KeyHash {
            ours,
            python: keys.python.leaf(&value).unwrap_or(0),
        });
        if let Some(v) = hand(&mut stack, value, h, keys, &r, bytes)? {
            return Ok(v);
        }
    }
}

/// Hands a finished value (with its key hash) to the container being
/// filled, closing those it completes; the whole value when the last one
/// closes.
fn hand(
    stack: &mut Vec<Open>,
    mut value: PyValue,
    mut hash: Option<KeyHash>,
    keys: &Hashers<'_>,
    r: &Reader<'_>,
    bytes: &[u8],
) -> Result<Option<PyValue>, ValueError> {
    loop {
        match stack.last_mut() {
            None => {
                if r.at != bytes.len() {
                    return Err(r.err("bytes after the value"));
                }
                return Ok(Some(value));
            }
            Some(Open::Dict {
                items,
                key_hashes,
                key,
            }) => {
                match key.take() {
                    None => *key = Some((value, hash)),
                    Some((k, kh)) => {
                        items.push((k, value));
                        key_hashes.push(kh);
                    }
                }
                return Ok(None);
            }
            Some(Open::Seq {
                kind,
                left,
                items,
                hashes,
            }) => {
                items.push(value);
                hashes.push(hash);
                *left -= 1;
                if *left > 0 {
                    return Ok(None);
                }
                let (kind, items, hashes) = (*kind, std::mem::take(items), std::mem::take(hashes));
                stack.pop();
                (value, hash) = finish_seq(kind, items, hashes, keys, r)?;
            }
        }
    }
}

fn finish_seq(
    kind: u8,
    items: Vec<PyValue>,
    hashes: Vec<Option<KeyHash>>,
    keys: &Hashers<'_>,
    r: &Reader<'_>,
) -> Result<(PyValue, Option<KeyHash>), ValueError> {
    Ok(match kind {
        b'[' => (PyValue::List(items), None),
        b'(' => {
            let h = hashes
                .iter()
                .copied()
                .collect::<Option<Vec<KeyHash>>>()
                .map(|hs| KeyHash {
                    ours: keys.keys.tuple(hs.iter().map(|h| h.ours)),
                    python: pyhash::tuple_hash(hs.iter().map(|h| h.python)),
                });
            (PyValue::Tuple(items), h)
        }
        _ => {
            let Some(hs) = hashes.iter().copied().collect::<Option<Vec<KeyHash>>>() else {
                return Err(r.err("a set element that cannot be hashed"));
            };
            check_keys(
                &items.iter().collect::<Vec<_>>(),
                &hashes,
                "set whose elements",
                r,
            )?;
            if kind == b'<' {
                (PyValue::Set(items), None)
            } else {
                let h = KeyHash {
                    ours: keys.keys.set(hs.iter().map(|h| h.ours)),
                    python: pyhash::frozenset_hash(hs.iter().map(|h| h.python)),
                };
                (PyValue::FrozenSet(items), Some(h))
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> PyValue {
        PyValue::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

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

    fn leaf() -> impl Strategy<Value = PyValue> {
        prop_oneof![
            Just(PyValue::None),
            any::<bool>().prop_map(PyValue::Bool),
            any::<i64>().prop_map(PyValue::from),
            any::<(u64, u64, bool)>().prop_map(|(a, b, neg)| {
                let v = (BigInt::from(a) << 64u32) + BigInt::from(b);
                PyValue::Int(if neg { -v } else { v })
            }),
            any::<f64>().prop_map(PyValue::Float),
            ".{0,8}".prop_map(PyValue::Str),
            prop::collection::vec(0xd000u32..0xe100, 1..4)
                .prop_filter_map("valid", PyValue::str_from_code_points),
            prop::collection::vec(any::<u8>(), 0..6).prop_map(PyValue::Bytes),
        ]
    }

    fn value() -> impl Strategy<Value = PyValue> {
        leaf().prop_recursive(4, 40, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(PyValue::List),
                prop::collection::vec(inner.clone(), 0..6).prop_map(PyValue::Tuple),
                prop::collection::vec((any::<i32>(), inner), 0..5).prop_map(|kvs| {
                    let mut seen = std::collections::HashSet::new();
                    PyValue::Dict(
                        kvs.into_iter()
                            .filter(|(k, _)| seen.insert(*k))
                            .map(|(k, v)| (PyValue::from(i64::from(k)), v))
                            .collect(),
                    )
                }),
            ]
        })
    }

    proptest! {
        #[test]
        fn every_value_round_trips(v in value()) {
            let back = round(&v);
            // Bitwise for floats (NaN payloads included): compare the bytes.
            prop_assert_eq!(to_bytes(&back), to_bytes(&v));
        }

        #[test]
        fn any_bytes_decode_or_fail_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode(&bytes, Bounds::default());
        }

        #[test]
        fn mangled_messages_decode_or_fail_cleanly(
            v in value(),
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
}
