//! `frozenset`: the set methods that do not change the set.

use super::set;
use crate::interp::tables::Member::Method;
use crate::interp::tables::PyType;
use crate::interp::tables::table;

/// `frozenset`'s methods.
pub(crate) static TYPE: PyType = PyType {
    label: "set method",
    members: table![
        Method;
        "copy" => Method(set::copy),
        "difference" => Method(set::difference),
        "intersection" => Method(set::intersection),
        "isdisjoint" => Method(set::isdisjoint),
        "issubset" => Method(set::issubset),
        "issuperset" => Method(set::issuperset),
        "symmetric_difference" => Method(set::symmetric_difference),
        "union" => Method(set::union),
    ],
    base: None,
};
