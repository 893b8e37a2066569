//! `bool`: a subclass of `int` with no members of its own.

use super::int;
use crate::interp::tables::PyType;

/// `bool` has `int`'s members.
pub(crate) static TYPE: PyType = PyType {
    label: "number method",
    members: &[],
    base: Some(&int::TYPE),
};
