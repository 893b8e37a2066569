//! `frozenset`: the set methods that do not change the set.

use super::set;
use crate::interp::tables::Member::Method;
use crate::interp::tables::PyType;
use crate::ir::BinOp;

/// `frozenset`'s methods.
pub(crate) static TYPE: PyType = PyType {
    label: "set method",
    members: &[
        ("copy", Method(set::copy)),
        (
            "difference",
            Method(|it, r, a, site| set::combine(it, r, &a, site, BinOp::Sub)),
        ),
        (
            "intersection",
            Method(|it, r, a, site| set::combine(it, r, &a, site, BinOp::BitAnd)),
        ),
        ("isdisjoint", Method(set::isdisjoint)),
        ("issubset", Method(set::issubset)),
        ("issuperset", Method(set::issuperset)),
        (
            "symmetric_difference",
            Method(|it, r, a, site| set::combine(it, r, &a, site, BinOp::BitXor)),
        ),
        (
            "union",
            Method(|it, r, a, site| set::combine(it, r, &a, site, BinOp::BitOr)),
        ),
    ],
    base: None,
};
