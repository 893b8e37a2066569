//! The writer: the bytes `marshal.dumps(value, 2)` gives.

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

use crate::value::PyValue;

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
