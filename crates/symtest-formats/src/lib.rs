//! The formats symtest reads: published datasets (HumanEval, MBPP, APPS,
//! CodeContests, TACO, verl's ground truth) and symtest's own test suites
//! as one `Problem`, and samples to grade.
//! This crate knows nothing of grading, generation or the sandbox: it
//! turns rows into values and says, with file and line, which rows it could
//! not read.

#![warn(missing_docs)]

pub mod chat;
pub mod dataset;
pub mod samples;
