//! `int`: its data attributes and the few methods solutions call. Most run
//! concretely.

use crate::int::PyInt;
use crate::interp::args::Args;
use crate::interp::state::{Interp, R};
use crate::interp::tables::Member::{Attr, Method};
use crate::interp::tables::PyType;
use crate::interp::tables::table;
use crate::sites::SiteId;
use crate::value::Val;

/// `int`'s members.
pub(crate) static TYPE: PyType = PyType {
    label: "number method",
    members: table![
        Method;
        bit_count, bit_length, conjugate,
        "denominator" => Attr(|_| Val::int(1)),
        "imag" => Attr(|_| Val::int(0)),
        "numerator" => Attr(numerator),
        "real" => Attr(Val::clone),
    ],
    base: None,
};

fn numerator(v: &Val) -> Val {
    match v {
        Val::Int(i, _) => Val::Int(i.clone(), None),
        Val::Bool(b, _) => Val::Int(PyInt::Small(i64::from(*b)), None),
        other => other.clone(),
    }
}

fn bit_length(it: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 0)?;
    if recv.is_symbolic() {
        it.concretise("bit_length");
    }
    let i = it.int_arg(recv, "bit_length")?;
    Ok(Val::int(i.abs().bits() as i64))
}

fn bit_count(it: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 0)?;
    if recv.is_symbolic() {
        it.concretise("bit_count");
    }
    let i = it.int_arg(recv, "bit_count")?;
    let ones = i.to_str_radix(2).chars().filter(|c| *c == '1').count();
    Ok(Val::int(ones))
}

/// `conjugate()` of a real number: the number itself.
pub(super) fn conjugate(_: &mut Interp<'_>, recv: &Val, _: Args, _: SiteId) -> R<Val> {
    Ok(recv.clone())
}
