//! CPython's own hashes of keys (64-bit builds, CPython 3.8 and later), to
//! find values built so that a Python process filing them in a set or dict
//! would do quadratic work. The hashes of numbers, tuples and frozensets are
//! fixed functions of their values: distinct ints a multiple of 2**61 - 1
//! apart hash alike, and tuples can be solved for a chosen hash, so a
//! program can hand over a set of 20,000 elements that CPython takes
//! seconds to rebuild. Strings and bytes are hashed with a key chosen per
//! process (nobody can aim at it); they and the values hashed by identity
//! (None, NaN) get hashes from a key of our own here.

use std::hash::{BuildHasher, Hash, Hasher, RandomState};

use num_bigint::{BigInt, Sign};

use crate::value::PyValue;

const MODULUS: u64 = (1 << 61) - 1;
const BITS: u32 = 61;
const INF: u64 = 314_159;
const IMAG: u64 = 1_000_003;

/// More elements than this with one CPython hash in one set or dict is a
/// value built to make CPython's table quadratic (distinct numbers share a
/// hash only when they are a multiple of 2**61 - 1 apart).
pub const MAX_SHARED_HASH: usize = 32;

/// Computes CPython's hashes; unpredictable ones come from its own key.
pub struct PyHasher {
    state: RandomState,
    nans: u64,
}

impl Default for PyHasher {
    fn default() -> Self {
        PyHasher::new()
    }
}

fn minus_one_reserved(x: u64) -> u64 {
    if x == u64::MAX { (-2i64) as u64 } else { x }
}

/// `hash(i)`: the int reduced modulo 2**61 - 1, with its sign.
pub fn int_hash(i: &BigInt) -> u64 {
    // 2**64 is 2**3 modulo 2**61 - 1.
    let mut x: u64 = 0;
    for d in i.magnitude().iter_u64_digits().rev() {
        x = ((u128::from(x) * 8 + u128::from(d)) % u128::from(MODULUS)) as u64;
    }
    let x = if i.sign() == Sign::Minus {
        x.wrapping_neg()
    } else {
        x
    };
    minus_one_reserved(x)
}

/// `frexp`: `x == m * 2**e` with `0.5 <= |m| < 1`.
fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        let (m, e) = frexp(x * f64::from_bits(0x4350_0000_0000_0000)); // 2**54
        return (m, e - 54);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exp - 1022)
}

/// `hash(f)` of a float that is not a NaN: the hash of the rational number
/// it equals (so `hash(2.0) == hash(2)`).
pub fn float_hash(f: f64) -> u64 {
    if f.is_infinite() {
        return if f > 0.0 { INF } else { INF.wrapping_neg() };
    }
    let (mut m, mut e) = frexp(f);
    let negative = m < 0.0;
    if negative {
        m = -m;
    }
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & MODULUS) | (x >> (BITS - 28));
        m *= 268_435_456.0; // 2**28
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= MODULUS {
            x -= MODULUS;
        }
    }
    let e = if e >= 0 {
        e % BITS as i32
    } else {
        BITS as i32 - 1 - ((-1 - e) % BITS as i32)
    } as u32;
    x = ((x << e) & MODULUS) | (x >> (BITS - e));
    if negative {
        x = x.wrapping_neg();
    }
    minus_one_reserved(x)
}

/// `hash(t)` of a tuple from its elements' hashes (xxHash-style).
pub fn tuple_hash(lanes: impl ExactSizeIterator<Item = u64>) -> u64 {
    const P1: u64 = 11_400_714_785_074_694_791;
    const P2: u64 = 14_029_467_366_897_019_727;
    const P5: u64 = 2_870_177_450_012_600_261;
    let len = lanes.len() as u64;
    let mut acc = P5;
    for lane in lanes {
        acc = acc.wrapping_add(lane.wrapping_mul(P2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(P1);
    }
    acc = acc.wrapping_add(len ^ (P5 ^ 3_527_539));
    if acc == u64::MAX { 1_546_275_796 } else { acc }
}

/// `hash(frozenset(...))` from its elements' hashes, in any order.
pub fn frozenset_hash(elements: impl ExactSizeIterator<Item = u64>) -> u64 {
    let shuffle = |h: u64| ((h ^ 89_869_747) ^ (h << 16)).wrapping_mul(3_644_798_167);
    let n = elements.len() as u64;
    let mut hash = 0u64;
    for h in elements {
        hash ^= shuffle(h);
    }
    hash ^= (n + 1).wrapping_mul(1_927_868_237);
    hash ^= (hash >> 11) ^ (hash >> 25);
    hash = hash.wrapping_mul(69_069).wrapping_add(907_133_923);
    if hash == u64::MAX { 590_923_713 } else { hash }
}

impl PyHasher {
    /// A hasher with a fresh random key for the hashes CPython keys per process.
    pub fn new() -> PyHasher {
        PyHasher {
            state: RandomState::new(),
            nans: 0,
        }
    }

    fn keyed(&self, tag: u8, data: impl Hash) -> u64 {
        let mut h = self.state.build_hasher();
        tag.hash(&mut h);
        data.hash(&mut h);
        minus_one_reserved(h.finish())
    }

    /// The hash of a value that holds no other (`None` for a container).
    pub fn leaf(&mut self, v: &PyValue) -> Option<u64> {
        Some(match v {
            PyValue::Bool(b) => u64::from(*b),
            PyValue::Int(i) => int_hash(i),
            PyValue::Float(f) if f.is_nan() => {
                self.nans += 1;
                self.keyed(1, self.nans)
            }
            PyValue::Float(f) => float_hash(*f),
            PyValue::Complex(r, i) if r.is_nan() || i.is_nan() => {
                self.nans += 1;
                self.keyed(1, self.nans)
            }
            PyValue::Complex(r, i) => {
                minus_one_reserved(float_hash(*r).wrapping_add(IMAG.wrapping_mul(float_hash(*i))))
            }
            PyValue::None => self.keyed(2, ()),
            PyValue::Str(s) if s.is_empty() => 0,
            PyValue::Str(s) => self.keyed(3, s),
            PyValue::SurrogateStr(cps) => self.keyed(4, cps),
            PyValue::Bytes(b) if b.is_empty() => 0,
            PyValue::Bytes(b) => self.keyed(5, b),
            _ => return None,
        })
    }
}

/// The largest number of `hashes` that are equal.
pub fn most_shared(hashes: impl Iterator<Item = u64>) -> usize {
    let mut counts: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    let mut most = 0;
    for h in hashes {
        let c = counts.entry(h).or_default();
        *c += 1;
        most = most.max(*c);
    }
    most
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(s: &str) -> BigInt {
        s.parse().unwrap()
    }

    /// Values printed by CPython 3.11 (`hash(...)`; not randomised).
    #[test]
    fn agrees_with_cpython() {
        let h = |x: u64| x as i64;
        assert_eq!(h(int_hash(&int("2305843009213693951"))), 0);
        assert_eq!(h(int_hash(&int("-1"))), -2);
        assert_eq!(
            h(int_hash(&int("1000000000000000000000000000000"))),
            465_258_685_558_744_706
        );
        assert_eq!(
            h(int_hash(&int("-1000000000000000000000000000000"))),
            -465_258_685_558_744_706
        );
        assert_eq!(h(float_hash(1.5)), 1_152_921_504_606_846_977);
        assert_eq!(h(float_hash(-2.75e-300)), -1_902_774_892_407_128_777);
        assert_eq!(h(float_hash(1e300)), 1_224_995_262_755_759_164);
        assert_eq!(h(float_hash(5e-324)), 16_777_216);
        assert_eq!(h(float_hash(f64::INFINITY)), 314_159);
        assert_eq!(h(float_hash(0.1)), 230_584_300_921_369_408);
        let mut p = PyHasher::new();
        assert_eq!(
            h(p.leaf(&PyValue::Complex(1.5, -2.0)).unwrap()),
            1_152_921_504_604_846_971
        );
        let one = int_hash(&int("1"));
        let two = int_hash(&int("2"));
        assert_eq!(
            h(tuple_hash([one, two].into_iter())),
            -3_550_055_125_485_641_917
        );
        assert_eq!(h(tuple_hash([].into_iter())), 5_740_354_900_026_072_187);
        let inner = tuple_hash([two, float_hash(3.5)].into_iter());
        assert_eq!(
            h(tuple_hash([one, inner].into_iter())),
            -9_148_893_311_433_065_316
        );
        assert_eq!(
            h(tuple_hash([int_hash(&int("-1"))].into_iter())),
            8_078_679_518_589_016_365
        );
        assert_eq!(h(frozenset_hash([].into_iter())), 133_146_708_735_736);
        let three = int_hash(&int("3"));
        assert_eq!(
            h(frozenset_hash([one, two, three].into_iter())),
            -272_375_401_224_217_160
        );
        let four = frozenset_hash([int_hash(&int("4"))].into_iter());
        let pair = tuple_hash([one, two].into_iter());
        assert_eq!(
            h(frozenset_hash([pair, four].into_iter())),
            -887_889_848_008_657_492
        );
    }

    #[test]
    fn integral_floats_hash_as_their_ints() {
        for f in [
            0.0,
            -0.0,
            1.0,
            -7.0,
            1e18,
            2f64.powi(80),
            -(2f64.powi(61)) + 4096.0,
        ] {
            let i: BigInt = num_traits::FromPrimitive::from_f64(f).unwrap();
            assert_eq!(float_hash(f), int_hash(&i), "{f}");
        }
    }
}
