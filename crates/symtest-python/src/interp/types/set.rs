//! `set`: insertion-ordered like the dicts, membership by equality decisions
//! on symbolic elements. The non-mutating methods serve `frozenset` too.

use std::cell::RefCell;
use std::rc::Rc;

use crate::builtins::ExcType;
use crate::interp::args::Args;
use crate::interp::repr::repr;
use crate::interp::state::{Interp, R, exc, hash_key};
use crate::interp::tables::Member::Method;
use crate::interp::tables::{PyType, wrong_receiver};
use crate::ir::BinOp;
use crate::sites::SiteId;
use crate::value::{SetObj, Val};

/// `set`'s methods.
pub(crate) static TYPE: PyType = PyType {
    label: "set method",
    members: &[
        ("add", Method(add)),
        ("clear", Method(clear)),
        ("copy", Method(copy)),
        (
            "difference",
            Method(|it, r, a, site| combine(it, r, &a, site, BinOp::Sub)),
        ),
        (
            "difference_update",
            Method(|it, r, a, site| update_with(it, r, &a, site, BinOp::Sub)),
        ),
        (
            "discard",
            Method(|it, r, a, site| take_out(it, r, a, site, false)),
        ),
        (
            "intersection",
            Method(|it, r, a, site| combine(it, r, &a, site, BinOp::BitAnd)),
        ),
        (
            "intersection_update",
            Method(|it, r, a, site| update_with(it, r, &a, site, BinOp::BitAnd)),
        ),
        ("isdisjoint", Method(isdisjoint)),
        ("issubset", Method(issubset)),
        ("issuperset", Method(issuperset)),
        ("pop", Method(pop)),
        (
            "remove",
            Method(|it, r, a, site| take_out(it, r, a, site, true)),
        ),
        (
            "symmetric_difference",
            Method(|it, r, a, site| combine(it, r, &a, site, BinOp::BitXor)),
        ),
        (
            "union",
            Method(|it, r, a, site| combine(it, r, &a, site, BinOp::BitOr)),
        ),
        (
            "update",
            Method(|it, r, a, site| update_with(it, r, &a, site, BinOp::BitOr)),
        ),
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

fn pop(_: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 0)?;
    let s = cell(recv)?;
    let first = s.borrow().iter().next().cloned();
    match first {
        Some(v) => {
            s.borrow_mut().remove(&hash_key(&v)?);
            Ok(v)
        }
        None => Err(exc(ExcType::KeyError, "'pop from an empty set'")),
    }
}

fn clear(_: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 0)?;
    cell(recv)?.borrow_mut().clear();
    Ok(Val::None)
}

pub(super) fn copy(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(0, 0)?;
    let empty = it.new_set(false);
    it.set_operator(BinOp::BitOr, recv, &empty, site)
}

/// The receiver combined by `op` with each argument in turn (a copy when
/// there is none).
pub(super) fn combine(
    it: &mut Interp<'_>,
    recv: &Val,
    a: &Args,
    site: SiteId,
    op: BinOp,
) -> R<Val> {
    if a.pos.is_empty() {
        let empty = it.new_set(false);
        return it.set_operator(BinOp::BitOr, recv, &empty, site);
    }
    let mut acc = recv.clone();
    for other in &a.pos {
        let o = as_set(it, other, site)?;
        acc = it.set_operator(op, &acc, &o, site)?;
    }
    Ok(acc)
}

/// The receiver replaced by itself combined by `op` with each argument.
fn update_with(it: &mut Interp<'_>, recv: &Val, a: &Args, site: SiteId, op: BinOp) -> R<Val> {
    let mut acc = recv.clone();
    for other in &a.pos {
        let o = as_set(it, other, site)?;
        acc = it.set_operator(op, &acc, &o, site)?;
    }
    let items: Vec<Val> = it.set_items(&acc)?;
    let s = cell(recv)?;
    s.borrow_mut().clear();
    for v in items {
        let k = hash_key(&v)?;
        s.borrow_mut().insert(k, v);
    }
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
            let out = it.new_set(false);
            for x in it.collect(other)? {
                it.set_add(&out, x, site)?;
            }
            Ok(out)
        }
    }
}

impl Interp<'_> {
    fn new_set(&self, frozen: bool) -> Val {
        Val::Set(Rc::new(RefCell::new(SetObj::new(frozen))))
    }

    fn set_items(&mut self, v: &Val) -> R<Vec<Val>> {
        match v {
            Val::Set(s) => Ok(s.borrow().iter().cloned().collect()),
            other => self.collect(other),
        }
    }

    /// `a | b`, `a & b`, `a - b`, `a ^ b` of sets: a new set (frozen when `a`
    /// is), membership by equality decisions.
    pub(crate) fn set_operator(&mut self, op: BinOp, a: &Val, b: &Val, site: SiteId) -> R<Val> {
        let frozen = matches!(a, Val::Set(s) if s.borrow().frozen);
        let xs = self.set_items(a)?;
        let ys = self.set_items(b)?;
        let out = self.new_set(frozen);
        match op {
            BinOp::BitOr => {
                for v in xs.into_iter().chain(ys) {
                    self.set_add(&out, v, site)?;
                }
            }
            BinOp::BitAnd => {
                for v in xs {
                    if self.dict_find(b, &v, site)? {
                        self.set_add(&out, v, site)?;
                    }
                }
            }
            BinOp::Sub => {
                for v in xs {
                    if !self.dict_find(b, &v, site)? {
                        self.set_add(&out, v, site)?;
                    }
                }
            }
            _ => {
                for v in xs {
                    if !self.dict_find(b, &v, site)? {
                        self.set_add(&out, v, site)?;
                    }
                }
                for v in ys {
                    if !self.dict_find(a, &v, site)? {
                        self.set_add(&out, v, site)?;
                    }
                }
            }
        }
        Ok(out)
    }
}
