//! User functions and lambdas.

use crate::interp::tables::Member::Attr;
use crate::interp::tables::PyType;
use crate::interp::tables::table;
use crate::value::Val;

/// A function's members.
pub(crate) static TYPE: PyType = PyType {
    label: "method",
    members: table![
        Method;
        "__name__" => Attr(name),
    ],
    base: None,
};

fn name(v: &Val) -> Val {
    match v {
        Val::Func(c) => Val::Str(c.def.name.clone(), None),
        other => other.clone(),
    }
}
