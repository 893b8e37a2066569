//! The reader of untrusted bytes: total, iterative and bounded (see the
//! module above).

use num_bigint::{BigInt, BigUint, Sign};
use num_traits::Zero;

use super::bounds::Bounds;
use crate::keys::Keys;
use crate::pyhash::{self, PyHasher};
use crate::value::{PyValue, ValueError};

const FLAG_REF: u8 = 0x80;

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
    pub(super) static COMPARED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
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

pub(super) fn decode_with(
    bytes: &[u8],
    bounds: Bounds,
    keys: &mut Keys,
) -> Result<PyValue, ValueError> {
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
