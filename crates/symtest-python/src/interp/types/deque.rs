//! `collections.deque`: a list underneath (the same length shadow), with
//! deque's methods only: no `sort`, `pop` without an index, the `left` ends.

// The methods a deque shares with a list are the list's own code.
use super::list::{self, append, cell, clear, count, extend, index, insert, remove, reverse};
use crate::interp::args::Args;
use crate::interp::state::{Interp, R};
use crate::interp::tables::Member::Method;
use crate::interp::tables::PyType;
use crate::interp::tables::table;
use crate::sites::SiteId;
use crate::value::Val;

/// `deque`'s methods.
pub(crate) static TYPE: PyType = PyType {
    label: "deque method",
    members: table![
        Method;
        append,
        appendleft,
        clear,
        copy,
        count,
        extend,
        extendleft,
        index,
        insert,
        pop, popleft,
        remove,
        reverse,
        rotate,
    ],
    base: None,
};

fn appendleft(_: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(1, 1)?;
    let mut lb = cell(recv)?.borrow_mut();
    lb.items.insert(0, a.pos[0].clone());
    lb.len = lb.len.take().map(|t| t.plus(&symtest_term::Term::int(1)));
    Ok(Val::None)
}

fn extendleft(it: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(1, 1)?;
    list::extend_at(it, cell(recv)?, &a.pos[0], true)?;
    Ok(Val::None)
}

fn pop(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(0, 0)?;
    list::pop_at(it, cell(recv)?, -1, site, "pop from an empty deque")
}

fn popleft(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(0, 0)?;
    list::pop_at(it, cell(recv)?, 0, site, "pop from an empty deque")
}

fn rotate(it: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 1)?;
    let k = match a.get(0) {
        Some(v) => it.int_arg(v, "rotate")?.to_i64().unwrap_or(0),
        None => 1,
    };
    let mut lb = cell(recv)?.borrow_mut();
    let n = lb.items.len() as i64;
    if n > 0 {
        let k = k.rem_euclid(n) as usize;
        lb.items.rotate_right(k);
    }
    Ok(Val::None)
}

fn copy(_: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 0)?;
    Ok(Val::deque(cell(recv)?.borrow().items.clone()))
}
