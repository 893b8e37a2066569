//! A small seeded generator (xoshiro256**), so that every random choice in
//! symtest is reproducible from `--seed` across platforms and versions.

/// A xoshiro256** generator: 256 bits of state, not for cryptography.
#[derive(Clone, Debug)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator whose whole state comes from `seed` (through SplitMix64).
    pub fn new(seed: u64) -> Rng {
        // SplitMix64 spreads any seed (0 included) over the whole state.
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        Rng {
            s: [next(), next(), next(), next()],
        }
    }

    /// The next 64 uniformly distributed bits.
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `0..n`; `n` must be positive.
    pub fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        // Multiply-shift: bias is below 2^-64 * n, far under anything observable here.
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform integer in `lo..=hi` (as f64 bounds, rounded inward).
    pub fn int_in(&mut self, lo: f64, hi: f64) -> f64 {
        let (lo, hi) = (lo.ceil(), hi.floor());
        if hi <= lo {
            return lo;
        }
        let span = (hi - lo + 1.0).min(u64::MAX as f64) as u64;
        lo + (self.next_u64() % span.max(1)) as f64
    }

    /// Uniform real in `[lo, hi)`.
    pub fn real_in(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next_f64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    }

    #[test]
    fn ranges_are_respected() {
        let mut r = Rng::new(7);
        for _ in 0..1000 {
            let i = r.int_in(-10.0, 10.0);
            assert!((-10.0..=10.0).contains(&i) && i.fract() == 0.0);
            assert!(r.below(3) < 3);
            let x = r.real_in(-1.0, 1.0);
            assert!((-1.0..1.0).contains(&x));
        }
    }
}
