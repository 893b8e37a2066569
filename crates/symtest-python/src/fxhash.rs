//! Fast hash maps (re-exported from the term crate) and a small
//! insertion-ordered set of names.

pub use symtest_term::fxhash::{FxHashMap, FxHashSet};

/// Names in first-insertion order, without repeats.
#[derive(Clone, Debug, Default)]
pub struct FxIndexSet {
    order: Vec<String>,
    seen: FxHashSet<String>,
}

impl FxIndexSet {
    pub fn insert(&mut self, name: String) {
        if self.seen.insert(name.clone()) {
            self.order.push(name);
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &String> {
        self.order.iter()
    }
}
