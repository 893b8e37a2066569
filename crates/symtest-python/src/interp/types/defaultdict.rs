//! `collections.defaultdict`: a dict whose missing keys get the factory's
//! value when read by subscript (see `subscript.rs`). It adds no methods.

use super::dict;
use crate::interp::tables::PyType;

/// `defaultdict` has `dict`'s methods.
pub(crate) static TYPE: PyType = PyType {
    label: "dict method",
    members: &[],
    base: Some(&dict::TYPE),
};
