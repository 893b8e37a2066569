//! From ruff's syntax tree to the interpreter's [`ir`](crate::ir): names
//! resolved to slots, decision points numbered as branch sites.
//!
//! `lowerer.rs` holds the state (scopes, sites) and the entry points;
//! `stmt.rs` and `expr.rs` add the lowering of statements and expressions
//! to the same `Lowerer`. Sites are numbered in the order the lowering meets
//! them, which every run and CPython's probes rely on.

mod expr;
mod lowerer;
mod stmt;

pub(crate) use lowerer::{Lowered, lower_expression_in, lower_source, parse_module};
