//! `tuple`.

use super::list::{count_equal, search_bounds};
use crate::interp::args::Args;
use crate::interp::state::{Interp, R, value_error};
use crate::interp::tables::Member::Method;
use crate::interp::tables::table;
use crate::interp::tables::{PyType, wrong_receiver};
use crate::sites::SiteId;
use crate::value::{TupleObj, Val};

/// `tuple`'s methods.
pub(crate) static TYPE: PyType = PyType {
    label: "tuple method",
    members: table![
        Method;
        count, index,
    ],
    base: None,
};

fn items(recv: &Val) -> R<&TupleObj> {
    match recv {
        Val::Tuple(t) => Ok(t),
        _ => Err(wrong_receiver("tuple")),
    }
}

fn count(it: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(1, 1)?;
    let items = items(recv)?.items.clone();
    count_equal(it, &items, &a.pos[0])
}

fn index(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(1, 3)?;
    let t = items(recv)?;
    let (lo, hi) = search_bounds(it, &a, t.items.len())?;
    for (i, x) in t.items.iter().enumerate().take(hi).skip(lo) {
        let (r, c) = it.eq(x, &a.pos[0])?;
        it.decide(site, c.as_ref(), r);
        if r {
            return Ok(Val::int(i));
        }
    }
    Err(value_error("tuple.index(x): x not in tuple"))
}
