//! The order in which unexplored branch directions are tried.

use std::collections::{BTreeSet, VecDeque};
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
    /// Coverage-first: directions whose site direction was uncovered when queued.
    fresh: Vec<Item>,
    rng: Rng,
}

impl Frontier {
    pub(crate) fn new(strategy: Strategy, seed: u64) -> Frontier {
        Frontier {
            strategy,
            main: VecDeque::new(),
            fresh: Vec::new(),
            rng: Rng::new(seed),
        }
    }

    pub(crate) fn push(&mut self, item: Item, covered: &BTreeSet<(SiteId, bool)>) {
        if self.strategy == Strategy::Coverage && !covered.contains(&(item.2, item.1)) {
            self.fresh.push(item);
        } else {
            self.main.push_back(item);
        }
    }

    pub(crate) fn pop(&mut self, covered: &BTreeSet<(SiteId, bool)>) -> Option<Item> {
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
                while let Some(item) = self.fresh.pop() {
                    if covered.contains(&(item.2, item.1)) {
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
        self.main.len() + self.fresh.len()
    }
}
