//! The concolic interpreter: runs the lowered program on concrete values,
//! carries symbolic shadows beside them, and reports every decision whose
//! condition has a shadow to the explorer's [`Tracer`](symtest_explore::Tracer).
//!
//! Python exceptions are values of [`Flow::Exc`] and follow Python's rules;
//! [`Flow::Stop`] ends the run for reasons outside Python (a budget, a
//! construct the interpreter does not model) and no `except` catches it.
//!
//! Layers, each file `use`-ing only layers below it (`scripts/check_module_cycles.py`
//! checks there is no cycle): `state` and `args`, then the value operations
//! (`iter`, `numeric`, `compare`, `subscript`, `repr`, `format`, `sort`),
//! then the member tables (`tables`) of the Python types (`types/`) and the
//! stdlib modules (`modules/`) and the builtin functions (`builtin_fns/`),
//! then calls (`call`), then expressions and statements (`expr`, `stmt`).
//! All of them add methods to the one [`Interp`]; a lower layer reaches a
//! higher one only through those methods, never through a `use`.

mod answer;
mod args;
mod builtin_fns;
mod call;
mod compare;
mod expr;
mod external;
mod format;
mod generator;
mod io;
mod iter;
mod modules;
mod numeric;
mod repr;
mod sort;
mod state;
mod stdin;
mod stdin_names;
mod stdout;
mod stmt;
mod subscript;
mod tables;
#[cfg(test)]
mod testing;
mod types;

pub(crate) use io::Io;
pub(crate) use repr::{describe, exception_message, from_pyvalue, repr, to_pyvalue};
pub use state::{Flow, Interp, Limits};
pub(crate) use state::{Silent, term_of, val_of_value};
