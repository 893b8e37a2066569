//! Probabilistic programs: random inputs with discrete distributions, and
//! the exact probability of each explored path.
//!
//! The explorer treats a random input like any symbolic input (its support
//! is a domain assumption); [`count::path_mass`] then weighs a path by the
//! distributions, one independent group of variables at a time, without
//! enumerating the product of all supports.

pub mod count;
pub mod dist;
mod rational;

pub use count::{CountError, PathMass, path_mass};
pub use dist::{Dist, DistArg, DistError, parse_number};
pub use rational::{decimal, ratio, to_f64};
