//! Python's equality of dict keys and set elements (`1`, `1.0`, `True` and
//! `(1+0j)` are one key; every NaN is its own), computed in time linear in
//! the size of the values: nothing is printed (a 100-million-bit int is
//! hashed from its bits, never turned into decimal), and each container's
//! hash is computed once however deeply it is nested. Hashes are keyed per
//! process, so a program cannot choose values that collide.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher, RandomState};

use num_bigint::{BigInt, Sign};

use crate::num::{Tolerance, as_num, num_eq};
use crate::value::PyValue;

/// Hashes and compares keys; remembers the hash of every container it has
/// seen (by address: the values must not move while it is alive).
pub struct Keys {
    state: RandomState,
    memo: HashMap<*const PyValue, u64>,
    /// NaNs hashed so far: each gets a hash of its own (every NaN is its
    /// own key, so no two are ever compared).
    nans: u64,
    /// Values hashed or compared so far (a measure of the work done).
    pub work: u64,
}

impl Default for Keys {
    fn default() -> Self {
        Keys::new()
    }
}

/// A float with an integral value, as the int it equals.
fn integral(f: f64) -> Option<BigInt> {
    if f.is_finite() && f.fract() == 0.0 {
        num_traits::FromPrimitive::from_f64(f)
    } else {
        None
    }
}

fn hash_int<H: Hasher>(i: &BigInt, h: &mut H) {
    1u8.hash(h);
    matches!(i.sign(), Sign::Minus).hash(h);
    for d in i.magnitude().iter_u64_digits() {
        d.hash(h);
    }
}

fn hash_float<H: Hasher>(f: f64, h: &mut H) {
    match integral(f) {
        Some(i) => hash_int(&i, h),
        None if f.is_nan() => 2u8.hash(h),
        None => {
            2u8.hash(h);
            f.to_bits().hash(h);
        }
    }
}

impl Keys {
    /// A comparer with fresh random hash keys and nothing remembered.
    pub fn new() -> Keys {
        Keys {
            state: RandomState::new(),
            memo: HashMap::new(),
            nans: 0,
            work: 0,
        }
    }

    /// The hash of a value that holds no other (`None` for a container).
    pub fn leaf(&mut self, v: &PyValue) -> Option<u64> {
        let mut h = self.state.build_hasher();
        let nan = match v {
            PyValue::Float(f) => f.is_nan(),
            PyValue::Complex(r, i) => r.is_nan() || i.is_nan(),
            _ => false,
        };
        if nan {
            self.nans += 1;
            8u8.hash(&mut h);
            self.nans.hash(&mut h);
            self.work += 1;
            return Some(h.finish());
        }
        match v {
            PyValue::None => 0u8.hash(&mut h),
            PyValue::Bool(b) => hash_int(&BigInt::from(u8::from(*b)), &mut h),
            PyValue::Int(i) => hash_int(i, &mut h),
            PyValue::Float(f) => hash_float(*f, &mut h),
            PyValue::Complex(r, i) if *i == 0.0 => hash_float(*r, &mut h),
            PyValue::Complex(r, i) => {
                3u8.hash(&mut h);
                // Signed zeros are equal: add 0.0 to make them one.
                (r + 0.0).to_bits().hash(&mut h);
                (i + 0.0).to_bits().hash(&mut h);
            }
            PyValue::Str(s) => {
                4u8.hash(&mut h);
                s.hash(&mut h);
            }
            PyValue::SurrogateStr(cps) => {
                5u8.hash(&mut h);
                cps.hash(&mut h);
            }
            PyValue::Bytes(b) => {
                6u8.hash(&mut h);
                b.hash(&mut h);
            }
            _ => return None,
        }
        self.work += 1;
        Some(h.finish())
    }

    /// The hash of a tuple from its elements' hashes, in order.
    pub fn tuple(&self, elements: impl Iterator<Item = u64>) -> u64 {
        let mut h = self.state.build_hasher();
        7u8.hash(&mut h);
        let mut n = 0u64;
        for e in elements {
            e.hash(&mut h);
            n += 1;
        }
        n.hash(&mut h);
        h.finish()
    }

    /// The hash of a set or frozenset from its elements' hashes, in any order.
    pub fn set(&self, elements: impl Iterator<Item = u64>) -> u64 {
        let mut h = self.state.build_hasher();
        9u8.hash(&mut h);
        let (mut sum, mut n) = (0u64, 0u64);
        for e in elements {
            sum = sum.wrapping_add(e);
            n += 1;
        }
        sum.hash(&mut h);
        n.hash(&mut h);
        h.finish()
    }

    /// The hash under which Python would file `v` as a key (lists, dicts and
    /// sets, which Python cannot hash, get one too, for comparing values).
    pub fn hash(&mut self, v: &PyValue) -> u64 {
        if let Some(h) = self.leaf(v) {
            return h;
        }
        let at = v as *const PyValue;
        if let Some(h) = self.memo.get(&at) {
            return *h;
        }
        self.work += 1;
        let out = match v {
            PyValue::Tuple(xs) | PyValue::List(xs) => {
                let hs: Vec<u64> = xs.iter().map(|x| self.hash(x)).collect();
                let t = self.tuple(hs.into_iter());
                if matches!(v, PyValue::List(_)) {
                    t.rotate_left(1)
                } else {
                    t
                }
            }
            PyValue::Set(xs) | PyValue::FrozenSet(xs) => {
                let hs: Vec<u64> = xs.iter().map(|x| self.hash(x)).collect();
                self.set(hs.into_iter())
            }
            PyValue::Dict(kvs) => {
                let hs: Vec<u64> = kvs.iter().map(|(key, _)| self.hash(key)).collect();
                self.set(hs.into_iter()).rotate_left(2)
            }
            _ => 0,
        };
        self.memo.insert(at, out);
        out
    }

    /// Whether Python would take `a` and `b` for one key.
    pub fn eq(&mut self, a: &PyValue, b: &PyValue) -> bool {
        self.work += 1;
        if let (Some(x), Some(y)) = (as_num(a), as_num(b)) {
            return num_eq(&x, &y, Tolerance::EXACT);
        }
        match (a, b) {
            (PyValue::None, PyValue::None) => true,
            (PyValue::Str(x), PyValue::Str(y)) => x == y,
            (PyValue::SurrogateStr(x), PyValue::SurrogateStr(y)) => x == y,
            (PyValue::Bytes(x), PyValue::Bytes(y)) => x == y,
            (PyValue::Tuple(x), PyValue::Tuple(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .zip(y)
                        .all(|(p, q)| self.hash(p) == self.hash(q) && self.eq(p, q))
            }
            (PyValue::Set(x) | PyValue::FrozenSet(x), PyValue::Set(y) | PyValue::FrozenSet(y)) => {
                x.len() == y.len()
                    && self.hash(a) == self.hash(b)
                    && self
                        .matching(&x.iter().collect::<Vec<_>>(), &y.iter().collect::<Vec<_>>())
                        .is_some()
            }
            _ => false,
        }
    }

    /// For each of `xs` in order, the index of the one of `ys` that is the
    /// same key (each of `ys` used once); `None` when one has no match.
    pub fn matching(&mut self, xs: &[&PyValue], ys: &[&PyValue]) -> Option<Vec<usize>> {
        let mut by_hash: HashMap<u64, Vec<usize>> = HashMap::with_capacity(ys.len());
        for (i, y) in ys.iter().enumerate() {
            by_hash.entry(self.hash(y)).or_default().push(i);
        }
        let mut used = vec![false; ys.len()];
        let mut out = Vec::with_capacity(xs.len());
        for x in xs {
            let candidates = by_hash.get(&self.hash(x)).cloned().unwrap_or_default();
            let found = candidates
                .into_iter()
                .find(|&i| !used[i] && self.eq(x, ys[i]))?;
            used[found] = true;
            out.push(found);
        }
        Some(out)
    }

    /// Whether any two of `keys` are the same key (NaNs never are).
    pub fn any_repeated<'a>(&mut self, keys: impl Iterator<Item = &'a PyValue>) -> bool {
        let mut seen: HashMap<u64, Vec<&'a PyValue>> = HashMap::new();
        for k in keys {
            let h = self.hash(k);
            let bucket = seen.entry(h).or_default();
            for other in bucket.clone() {
                if self.eq(k, other) {
                    return true;
                }
            }
            bucket.push(k);
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::p;

    #[test]
    fn one_key_as_python_says() {
        let mut k = Keys::new();
        for (a, b) in [
            ("1", "1.0"),
            ("1", "True"),
            ("1+0j", "1"),
            ("(1, 2.0)", "(1.0, 2)"),
            ("frozenset({1, 2})", "frozenset({2.0, 1})"),
            ("(-0-9j)", "-9j"),
            ("0.0", "-0.0"),
        ] {
            assert!(k.eq(&p(a), &p(b)), "{a} {b}");
            assert_eq!(k.hash(&p(a)), k.hash(&p(b)), "{a} {b}");
        }
        for (a, b) in [("1", "'1'"), ("(1,)", "[1]"), ("1.5", "1"), ("b'a'", "'a'")] {
            assert!(!k.eq(&p(a), &p(b)), "{a} {b}");
        }
        let nan = PyValue::Float(f64::NAN);
        assert!(!k.eq(&nan, &nan));
        assert!(!k.any_repeated([&nan, &nan].into_iter()));
        assert!(k.any_repeated([&p("1"), &p("2"), &p("1.0")].into_iter()));
    }

    #[test]
    fn deep_keys_cost_work_linear_in_their_size() {
        // A chain of 2,000 frozensets around one value: each is hashed once.
        let mut deep = PyValue::FrozenSet(vec![PyValue::from(7)]);
        for _ in 0..1999 {
            deep = PyValue::FrozenSet(vec![deep]);
        }
        let twin = deep.clone();
        let mut k = Keys::new();
        assert!(k.any_repeated([&deep, &twin].into_iter()));
        assert!(k.work < 10 * 2 * 2001, "{} steps for 4,002 values", k.work);
        let mut k = Keys::new();
        assert!(!k.any_repeated([&deep, &PyValue::from(7)].into_iter()));
        assert!(k.work < 10 * 2001, "{}", k.work);
    }
}
