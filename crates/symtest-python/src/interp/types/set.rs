//! `set`: iteration in CPython's order while every element's hash is known
//! (numbers, tuples and frozensets of them; `set_table.rs`), else insertion
//! order (strings' hashes are randomised per process); membership by
//! equality decisions on symbolic elements. The operations follow
//! CPython's C functions (`set_ops.rs`). The non-mutating methods serve
//! `frozenset` too.

use std::cell::RefCell;
use std::rc::Rc;

use crate::builtins::ExcType;
use crate::interp::args::Args;
use crate::interp::repr::repr;
use crate::interp::state::{Interp, R, exc, hash_key};
use crate::interp::tables::Member::Method;
use crate::interp::tables::table;
use crate::interp::tables::{PyType, wrong_receiver};
use crate::ir::BinOp;
use crate::sites::SiteId;
use crate::value::{SetObj, Val};

/// `set`'s methods.
pub(crate) static TYPE: PyType = PyType {
    label: "set method",
    members: table![
        Method;
        add, clear, copy, difference, difference_update,
        "discard" => Method(|it, r, a, site| take_out(it, r, a, site, false)),
        intersection, intersection_update, isdisjoint, issubset, issuperset, pop,
        "remove" => Method(|it, r, a, site| take_out(it, r, a, site, true)),
        symmetric_difference, symmetric_difference_update, union, update,
    ],
    base: None,
};

/// The set object of a receiver.
fn cell(recv: &Val) -> R<&Rc<RefCell<SetObj>>> {
    match recv {
        Val::Set(s) => Ok(s),
        _ => Err(wrong_receiver("set")),
    }
}

fn add(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(1, 1)?;
    it.set_add(recv, a.pos[0].clone(), site)?;
    Ok(Val::None)
}

/// `remove` (a `KeyError` when absent, if `strict`) and `discard`.
fn take_out(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId, strict: bool) -> R<Val> {
    a.check(1, 1)?;
    let v = a.pos[0].clone();
    if it.dict_find(recv, &v, site)? {
        cell(recv)?.borrow_mut().remove(&hash_key(&v)?);
    } else if strict {
        return Err(exc(ExcType::KeyError, repr(&v)));
    }
    Ok(Val::None)
}

fn pop(it: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 0)?;
    if cell(recv)?.borrow().hash_ordered() {
        let items = it.set_elements(recv);
        it.pin_order(&items);
    }
    let popped = cell(recv)?.borrow_mut().pop();
    popped.ok_or_else(|| exc(ExcType::KeyError, "'pop from an empty set'"))
}

fn clear(_: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 0)?;
    cell(recv)?.borrow_mut().clear();
    Ok(Val::None)
}

pub(super) fn copy(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(0, 0)?;
    it.set_copy(recv, site)
}

pub(super) fn difference(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(0, usize::MAX)?;
    it.set_difference_multi(recv, &a.pos, site)
}

pub(super) fn intersection(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(0, usize::MAX)?;
    it.set_intersection_multi(recv, &a.pos, site)
}

pub(super) fn union(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(0, usize::MAX)?;
    it.set_union(recv, &a.pos, site)
}

pub(super) fn symmetric_difference(
    it: &mut Interp<'_>,
    recv: &Val,
    a: Args,
    site: SiteId,
) -> R<Val> {
    a.check(1, 1)?;
    it.set_symmetric(recv, &a.pos[0], site)
}

fn update(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(0, usize::MAX)?;
    for o in &a.pos {
        it.set_update(recv, o, site)?;
    }
    Ok(Val::None)
}

fn difference_update(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(0, usize::MAX)?;
    for o in &a.pos {
        it.set_difference_update(recv, o, site)?;
    }
    Ok(Val::None)
}

fn intersection_update(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(0, usize::MAX)?;
    it.set_intersection_update(recv, &a.pos, site)?;
    Ok(Val::None)
}

fn symmetric_difference_update(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(1, 1)?;
    it.set_symmetric_update(recv, &a.pos[0], site)?;
    Ok(Val::None)
}

pub(super) fn issubset(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(1, 1)?;
    let o = as_set(it, &a.pos[0], site)?;
    Ok(Val::bool(it.less(recv, &o, true)?.0))
}

pub(super) fn issuperset(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(1, 1)?;
    let o = as_set(it, &a.pos[0], site)?;
    Ok(Val::bool(it.less(&o, recv, true)?.0))
}

pub(super) fn isdisjoint(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(1, 1)?;
    let o = as_set(it, &a.pos[0], site)?;
    let inter = it.set_operator(BinOp::BitAnd, recv, &o, site)?;
    Ok(Val::bool(!it.truth(&inter)?.0))
}

/// A set argument as a set: sets as they are, other iterables collected.
fn as_set(it: &mut Interp<'_>, v: &Val, site: SiteId) -> R<Val> {
    match v {
        Val::Set(_) => Ok(v.clone()),
        other => {
            let out = it.new_set_like(&Val::None);
            it.set_update(&out, other, site)?;
            Ok(out)
        }
    }
}
