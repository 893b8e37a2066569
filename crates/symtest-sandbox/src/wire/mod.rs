//! The messages between symtest and its Python processes, as typed values.
//!
//! Three conversations, an enum per direction: the worker W's control
//! socket ([`WorkerRequest`], [`WorkerReply`]), a job G's pipes
//! ([`JobRequest`], [`JobReply`]) and the trusted harness T
//! ([`HarnessRequest`], [`HarnessReply`]). On the wire a message is a dict
//! with string keys whose `op` names the variant, in `marshal` form (see
//! `symtest_pyvalue::marshal`); the Python side is `python/worker.py` and
//! `python/harness.py`.
//!
//! Each enum has one encoder (`encode`) and one decoder (`decode`).
//! Decoding is total and bounded: any bytes give a message or a
//! [`WireError`] naming the field at fault, never a panic and never a value
//! beyond [`BOUNDS`]. Fields the protocol does not have are dropped, so a
//! message is rebuilt from known fields only, and every text is cut to
//! [`MAX_NAME`] or [`MAX_TEXT`] characters as it is read. Replies from a job
//! are bytes a hostile program may have written.

mod codec;
mod harness;
mod job;
mod worker;

pub use codec::{BOUNDS, MAX_BASES, MAX_NAME, MAX_TEXT, Step, WireError, cut};
pub use harness::{Answer, HarnessReply, HarnessRequest, TestVerdict};
pub use job::{JobReply, JobRequest, LoadAs, PlannedCall};
pub use worker::{Exit, Rlimits, WorkerReply, WorkerRequest};

#[cfg(test)]
mod tests;
