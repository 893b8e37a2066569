//! `sys`: `maxsize` only.

use crate::interp::tables::ModuleMember::Value;
use crate::interp::tables::{PyModule, Unknown};
use crate::value::Val;

/// `sys`'s members.
pub(crate) static MODULE: PyModule = PyModule {
    members: &[("maxsize", Value(|| Val::int(i64::MAX)))],
    unknown: Unknown::AttributeError,
};
