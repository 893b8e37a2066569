//! CPython's `marshal` format for plain values: what crosses the sandbox
//! boundary. Python writes it in C (`marshal.dumps(value, 2)`, which refuses
//! every type but the exact builtins and never writes back-references); this
//! module writes the same bytes and reads them back.
//!
//! [`decode`] reads bytes a hostile program may have written. It is total (an
//! error, never a panic, on any input), iterative (no recursion, whatever the
//! nesting), and bounded: depth, the number of values built, and memory
//! reserved up front never exceed [`Bounds`], so a small message cannot make
//! a large tree. Back-references, code objects and every type a plain value
//! does not need are refused; so are dicts and sets whose keys repeat or
//! cannot be hashed (Python could never have built them).

mod decode;
mod encode;
#[cfg(test)]
mod tests;

pub use decode::decode;
pub use encode::{encode, to_bytes};

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
