//! Suite minimisation: greedy set cover. Each candidate test covers items
//! (branch directions of the reference in CPython, a distinct output, a
//! boundary of a comparison, the data criteria of the probes); the cover
//! keeps a test only while it adds an item no kept test has, taking the one
//! that adds most first.

use std::collections::BTreeSet;
use std::hash::Hash;

/// Indices of the candidates kept, in their original order. Ties go to the
/// earlier candidate, so the result does not depend on hashing.
pub fn greedy_cover<T: Ord + Clone + Hash>(items: &[BTreeSet<T>]) -> Vec<usize> {
    greedy_cover_beyond(items, BTreeSet::new())
}

/// As [`greedy_cover`], counting only what `covered` (the items of tests
/// already kept) does not have.
pub fn greedy_cover_beyond<T: Ord + Clone + Hash>(
    items: &[BTreeSet<T>],
    mut covered: BTreeSet<T>,
) -> Vec<usize> {
    let mut kept = Vec::new();
    let mut left: Vec<usize> = (0..items.len()).collect();
    loop {
        let best = left
            .iter()
            .map(|&i| (items[i].iter().filter(|x| !covered.contains(*x)).count(), i))
            .filter(|(gain, _)| *gain > 0)
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let Some((_, i)) = best else { break };
        covered.extend(items[i].iter().cloned());
        kept.push(i);
        left.retain(|&j| j != i);
    }
    kept.sort_unstable();
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(xs: &[u32]) -> BTreeSet<u32> {
        xs.iter().copied().collect()
    }

    #[test]
    fn keeps_only_tests_that_add_items() {
        let items = vec![set(&[1]), set(&[1, 2, 3]), set(&[3]), set(&[4]), set(&[])];
        assert_eq!(greedy_cover(&items), vec![1, 3]);
    }

    #[test]
    fn items_already_covered_add_nothing() {
        let items = vec![set(&[1, 2]), set(&[3]), set(&[2, 4])];
        assert_eq!(greedy_cover_beyond(&items, set(&[1, 2, 3])), vec![2]);
    }

    #[test]
    fn every_item_stays_covered() {
        let items: Vec<BTreeSet<u32>> = (0..40u32)
            .map(|i| set(&[i % 7, (i * 3) % 11 + 10]))
            .collect();
        let kept = greedy_cover(&items);
        let all: BTreeSet<u32> = items.iter().flatten().copied().collect();
        let got: BTreeSet<u32> = kept
            .iter()
            .flat_map(|&i| items[i].iter().copied())
            .collect();
        assert_eq!(all, got);
        assert!(kept.len() < items.len());
    }
}
