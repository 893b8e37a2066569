//! The limits on what a decoded message may hold.

/// How much a decoded message may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// Containers nested at most this deep (CPython's marshal stops at 2,000).
    pub max_depth: usize,
    /// Values (every element, key and item, to the bottom) at most.
    pub max_nodes: usize,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            max_depth: 2000,
            max_nodes: 2_000_000,
        }
    }
}
