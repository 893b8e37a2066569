//! `symtest gen`: path-covering test suites for a Python reference.
//!
//! [`generate`] takes a reference (its source and entry point) and seed
//! calls, and goes through four phases, each a function with its own
//! result: explore the reference with the Python frontend for candidate
//! inputs (paths, comparison edges, the seeds, the smallest input;
//! `candidates.rs`); run every candidate in CPython, in the sandbox, for the
//! expected output and the reference's own branch coverage (`cpython.rs`);
//! compare the interpreter with CPython on every input (`fidelity.rs`);
//! keep a set cover of the generated tests (`select.rs`). [`dataset`]
//! turns a dataset's problem into a reference and seed calls; [`suite`]
//! writes suites out.
#![warn(missing_docs)]

mod candidates;
mod cpython;
pub mod dataset;
pub mod external;
mod fidelity;
mod minimise;
mod model;
mod pipeline;
mod probe;
mod select;
pub mod settings;
mod stdio;
mod stdio_mutants;
mod stdio_neighbours;
pub mod suite;
pub mod types;

pub use minimise::greedy_cover;
pub use model::{
    ExplorationStats, ExternalCalls, FidelityStats, GenError, GenOptions, GenStats, Generated,
    Origin, Reference, SelectionStats, TestCase,
};
pub use pipeline::generate;
pub use settings::{GenSettings, SettingError};
pub use stdio::generate_stdio;
pub use suite::{pytest_file, suite_row};
/// Sizes of generated standard inputs ([`GenOptions::stdin`]).
pub use symtest_python::StdinOptions;
pub use types::{TypeSource, TypesError, parse_overrides};

/// The stack of a thread that runs the interpreter (explores or generates):
/// a Python call nests several of its frames, and a recursive reference
/// (HumanEval/63's `fibfib`) at the interpreter's depth limit needs more
/// than a thread's default 2 MiB. Only the pages touched are used.
pub const WORKER_STACK: usize = 64 << 20;
