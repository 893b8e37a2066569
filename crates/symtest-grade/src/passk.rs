//! The unbiased pass@k estimator of Chen et al. (2021): the chance that at
//! least one of k samples drawn without replacement from n, of which c are
//! correct, passes.

/// pass@k from `n` samples of which `c` passed; `None` when `k` is 0 or
/// over `n`.
pub fn pass_at_k(n: usize, c: usize, k: usize) -> Option<f64> {
    if k == 0 || k > n {
        return None;
    }
    if n - c < k {
        return Some(1.0);
    }
    // 1 - C(n-c, k) / C(n, k), as a product that never overflows.
    let mut fail = 1.0;
    for i in (n - c + 1)..=n {
        fail *= 1.0 - k as f64 / i as f64;
    }
    Some(1.0 - fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comb(n: u64, k: u64) -> f64 {
        if k > n {
            return 0.0;
        }
        (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
    }

    #[test]
    fn matches_the_binomial_formula() {
        for n in 1..=12u64 {
            for c in 0..=n {
                for k in 1..=n {
                    let direct = 1.0 - comb(n - c, k) / comb(n, k);
                    let got = pass_at_k(n as usize, c as usize, k as usize).unwrap();
                    assert!((got - direct).abs() < 1e-12, "n={n} c={c} k={k}");
                }
            }
        }
        assert_eq!(pass_at_k(3, 1, 5), None);
        assert_eq!(pass_at_k(10, 0, 1), Some(0.0));
        assert!((pass_at_k(10, 3, 1).unwrap() - 0.3).abs() < 1e-12);
    }
}
