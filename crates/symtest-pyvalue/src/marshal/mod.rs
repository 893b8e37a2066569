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

mod bounds;
mod decode;
mod encode;
#[cfg(test)]
mod tests;

pub use bounds::Bounds;
pub use decode::decode;
pub use encode::{encode, to_bytes};
