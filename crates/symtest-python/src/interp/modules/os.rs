//! `os`: only `_exit`, which fast stdin solutions call after flushing their
//! output. It ends the program with its status, as `sys.exit` does (what
//! was printed stays: a program that calls it unflushed loses its output
//! in CPython, which the fidelity check then shows). Every other name stops
//! the run as unsupported.

use crate::interp::args::Args;
use crate::interp::state::{Interp, R};
use crate::interp::tables::ModuleMember::Function;
use crate::interp::tables::{PyModule, Unknown};
use crate::sites::SiteId;
use crate::value::Val;

/// `os`'s members.
pub(crate) static MODULE: PyModule = PyModule {
    members: &[("_exit", Function(exit))],
    unknown: Unknown::Unsupported,
};

fn exit(it: &mut Interp<'_>, a: Args, site: SiteId) -> R<Val> {
    a.check(1, 1)?;
    super::sys::exit(it, a, site)
}
