//! Solvers for symtest.
//!
//! Every question goes through [`Solver`], which owns one [`Backend`] (Z3,
//! Gymbo-style gradient descent, or a portfolio of both), a query cache,
//! constraint-independence slicing, and the exact re-check: a model that
//! does not satisfy its query under exact arithmetic is reported as
//! `Unknown`, never as SAT.

#![warn(missing_docs)]

mod answer;
pub mod gd;
mod portfolio;
pub mod rng;
mod solver;
pub mod z3;

pub use answer::{Answer, Backend, Query};
pub use gd::{GdBackend, GdOptions};
pub use portfolio::Portfolio;
pub use solver::{Solver, SolverKind, SolverOptions, SolverStats};
pub use z3::Z3Backend;
