//! Exception objects, of every builtin exception class.

use crate::interp::tables::Member::Attr;
use crate::interp::tables::PyType;
use crate::interp::tables::table;
use crate::value::Val;

/// An exception's members.
pub(crate) static TYPE: PyType = PyType {
    label: "method",
    members: table![
        Method;
        "args" => Attr(args),
    ],
    base: None,
};

fn args(v: &Val) -> Val {
    match v {
        Val::Exc(e) => Val::tuple(e.args.clone()),
        other => other.clone(),
    }
}
