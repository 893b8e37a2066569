//! The order in which unexplored branch directions are tried.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, VecDeque};
use std::fmt;
use std::str::FromStr;

use symtest_solve::rng::Rng;

use crate::subject::SiteId;
use crate::tree::NodeId;

/// The order in which open branch directions are tried (`--strategy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// Deepest newest branch first (best prefix sharing for the solver).
    Dfs,
    /// Shallowest first.
    Bfs,
    /// Directions of branch sites not yet covered by any run first, then depth-first.
    Coverage,
    /// Uniformly random among the open directions (seeded).
    Random,
}

impl Strategy {
    /// Every strategy, in the order help texts list them.
    pub const ALL: [Strategy; 4] = [
        Strategy::Dfs,
        Strategy::Bfs,
        Strategy::Coverage,
        Strategy::Random,
    ];

    /// The name `--strategy` takes: `dfs`, `bfs`, `coverage` or `random`.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Dfs => "dfs",
            Strategy::Bfs => "bfs",
            Strategy::Coverage => "coverage",
            Strategy::Random => "random",
        }
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Strategy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Strategy::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                format!("unknown strategy '{s}' (expected dfs, bfs, coverage or random)")
            })
    }
}

pub(crate) type Item = (NodeId, bool, SiteId);

pub(crate) struct Frontier {
    strategy: Strategy,
    /// DFS stack, BFS queue, random pool, or coverage's covered set.
    main: VecDeque<Item>,
    /// Coverage-first: directions whose site direction was uncovered when
    /// queued, the newest first, or with `shallow_first` the shallowest
    /// first (the shortest prefix is the cheapest query and gives the
    /// smallest input), the newest among equals.
    fresh: BinaryHeap<(Reverse<u32>, u64, Item)>,
    shallow_first: bool,
    /// Coverage-first, second tier: directions not yet taken at their
    /// site's first decision on a path (a loop that runs no round), the
    /// newest first.
    first: Vec<Item>,
    /// How many items were queued (orders equals in `fresh`).
    queued: u64,
    rng: Rng,
}

impl Frontier {
    pub(crate) fn new(strategy: Strategy, seed: u64, shallow_first: bool) -> Frontier {
        Frontier {
            strategy,
            shallow_first,
            main: VecDeque::new(),
            fresh: BinaryHeap::new(),
            first: Vec::new(),
            queued: 0,
            rng: Rng::new(seed),
        }
    }

    /// Queues a direction of a node at `depth` (its prefix's length).
    pub(crate) fn push(&mut self, item: Item, depth: u32, covered: &BTreeSet<(SiteId, bool)>) {
        if self.strategy == Strategy::Coverage && !covered.contains(&(item.2, item.1)) {
            self.queued += 1;
            let depth = if self.shallow_first { depth } else { 0 };
            self.fresh.push((Reverse(depth), self.queued, item));
        } else {
            self.main.push_back(item);
        }
    }

    /// Queues a direction of a site's first decision on its path that no
    /// path took there yet (Coverage only; elsewhere it is queued as usual).
    pub(crate) fn push_first(
        &mut self,
        item: Item,
        depth: u32,
        covered: &BTreeSet<(SiteId, bool)>,
    ) {
        if self.strategy == Strategy::Coverage && covered.contains(&(item.2, item.1)) {
            self.first.push(item);
        } else {
            self.push(item, depth, covered);
        }
    }

    /// The next direction to try: with Coverage, one whose site direction
    /// is not `covered`, then one not taken at its site's first decision
    /// (`first_covered`), then the rest.
    pub(crate) fn pop(
        &mut self,
        covered: &BTreeSet<(SiteId, bool)>,
        first_covered: &BTreeSet<(SiteId, bool)>,
    ) -> Option<Item> {
        match self.strategy {
            Strategy::Dfs => self.main.pop_back(),
            Strategy::Bfs => self.main.pop_front(),
            Strategy::Random => {
                if self.main.is_empty() {
                    return None;
                }
                let i = self.rng.below(self.main.len());
                self.main.swap_remove_back(i)
            }
            Strategy::Coverage => {
                while let Some((_, _, item)) = self.fresh.pop() {
                    if covered.contains(&(item.2, item.1)) {
                        self.main.push_back(item);
                    } else {
                        return Some(item);
                    }
                }
                while let Some(item) = self.first.pop() {
                    if first_covered.contains(&(item.2, item.1)) {
                        self.main.push_back(item);
                    } else {
                        return Some(item);
                    }
                }
                self.main.pop_back()
            }
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.main.len() + self.fresh.len() + self.first.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_tries_the_shallowest_uncovered_direction_first() {
        let mut f = Frontier::new(Strategy::Coverage, 1, true);
        let mut covered = BTreeSet::new();
        let none = BTreeSet::new();
        covered.insert((SiteId(9), true));
        // Node ids stand for the order the run met them; depths vary.
        f.push((1, false, SiteId(1)), 5, &covered);
        f.push((2, false, SiteId(2)), 1, &covered);
        f.push((3, true, SiteId(9)), 0, &covered); // already covered: waits
        f.push((4, false, SiteId(4)), 1, &covered);
        f.push((5, false, SiteId(5)), 3, &covered);
        let order: Vec<usize> =
            std::iter::from_fn(|| f.pop(&covered, &none).map(|i| i.0)).collect();
        // Depth 1 (the newer first), then 3, then 5, then what was covered.
        assert_eq!(order, [4, 2, 5, 1, 3]);
    }

    #[test]
    fn without_shallow_first_the_newest_uncovered_direction_goes_first() {
        let mut f = Frontier::new(Strategy::Coverage, 1, false);
        let covered = BTreeSet::new();
        let none = BTreeSet::new();
        f.push((1, false, SiteId(1)), 0, &covered);
        f.push((2, false, SiteId(2)), 7, &covered);
        f.push((3, false, SiteId(3)), 2, &covered);
        let order: Vec<usize> =
            std::iter::from_fn(|| f.pop(&covered, &none).map(|i| i.0)).collect();
        assert_eq!(order, [3, 2, 1]);
    }

    #[test]
    fn a_direction_covered_while_it_waited_goes_behind() {
        let mut f = Frontier::new(Strategy::Coverage, 1, true);
        let mut covered = BTreeSet::new();
        let none = BTreeSet::new();
        f.push((1, false, SiteId(1)), 0, &covered);
        f.push((2, false, SiteId(2)), 4, &covered);
        covered.insert((SiteId(1), false));
        assert_eq!(f.pop(&covered, &none).map(|i| i.0), Some(2));
        assert_eq!(f.pop(&covered, &none).map(|i| i.0), Some(1));
        assert_eq!(f.pop(&covered, &none), None);
    }

    #[test]
    fn a_direction_new_at_a_first_decision_comes_after_uncovered_ones() {
        let mut f = Frontier::new(Strategy::Coverage, 1, true);
        let covered: BTreeSet<(SiteId, bool)> = [(SiteId(1), false), (SiteId(2), false)].into();
        let mut first = BTreeSet::new();
        f.push((1, true, SiteId(3)), 2, &covered);
        f.push_first((2, false, SiteId(1)), 1, &covered);
        f.push_first((3, false, SiteId(2)), 1, &covered);
        f.push((4, false, SiteId(1)), 1, &covered);
        // Site 2's first decision went false on a path meanwhile.
        first.insert((SiteId(2), false));
        let order: Vec<usize> =
            std::iter::from_fn(|| f.pop(&covered, &first).map(|i| i.0)).collect();
        assert_eq!(order, [1, 2, 3, 4]);
    }
}
