//! `float`.

use super::int;
use crate::interp::args::Args;
use crate::interp::state::{Interp, R};
use crate::interp::tables::Member::{Attr, Method};
use crate::interp::tables::table;
use crate::interp::tables::{PyType, wrong_receiver};
use crate::sites::SiteId;
use crate::value::Val;

/// `float`'s members.
pub(crate) static TYPE: PyType = PyType {
    label: "number method",
    members: table![
        Method;
        "conjugate" => Method(int::conjugate),
        "imag" => Attr(|_| Val::Float(0.0, None)),
        is_integer,
        "real" => Attr(Val::clone),
    ],
    base: None,
};

/// Whether the float has no fractional part (a term on its shadow).
fn is_integer(_: &mut Interp<'_>, recv: &Val, _: Args, _: SiteId) -> R<Val> {
    let Val::Float(f, s) = recv else {
        return Err(wrong_receiver("float"));
    };
    let shadow = s.as_ref().map(|t| t.to_int().to_real().equal(t));
    Ok(Val::Bool(f.fract() == 0.0 && f.is_finite(), shadow))
}
