//! `list`. A list of symbolic length keeps its length term through appends
//! and pops; searches are equality decisions.

use std::cell::RefCell;
use std::rc::Rc;

use symtest_term::Term;

use crate::builtins::ExcType;
use crate::int::PyInt;
use crate::interp::args::Args;
use crate::interp::repr::repr;
use crate::interp::state::{Interp, R, exc, value_error};
use crate::interp::tables::Member::Method;
use crate::interp::tables::table;
use crate::interp::tables::{PyType, wrong_receiver};
use crate::sites::SiteId;
use crate::value::{ListObj, Val};

/// `list`'s methods.
pub(crate) static TYPE: PyType = PyType {
    label: "list method",
    members: table![
        Method;
        append, clear, copy, count, extend, index, insert, pop, remove, reverse, sort,
    ],
    base: None,
};

/// The list (or deque) object of a receiver.
pub(super) fn cell(recv: &Val) -> R<&Rc<RefCell<ListObj>>> {
    match recv {
        Val::List(l) => Ok(l),
        _ => Err(wrong_receiver("list")),
    }
}

pub(super) fn append(_: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(1, 1)?;
    let mut lb = cell(recv)?.borrow_mut();
    lb.items.push(a.pos[0].clone());
    lb.len = lb.len.take().map(|t| t.plus(&Term::int(1)));
    Ok(Val::None)
}

pub(super) fn extend(it: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(1, 1)?;
    extend_at(it, cell(recv)?, &a.pos[0], false)?;
    Ok(Val::None)
}

/// Adds the items of `src` at the end, or one by one at the front (deque's
/// `extendleft`), keeping the length's shadow.
pub(super) fn extend_at(
    it: &mut Interp<'_>,
    l: &Rc<RefCell<ListObj>>,
    src: &Val,
    front: bool,
) -> R<()> {
    let src_len = match src {
        Val::List(x) if !Rc::ptr_eq(x, l) => x.borrow().len.clone(),
        Val::Tuple(t) => t.len.clone(),
        _ => None,
    };
    let items = it.collect(src)?;
    let mut lb = l.borrow_mut();
    let n = items.len();
    if lb.len.is_some() || src_len.is_some() {
        let cur = lb
            .len
            .clone()
            .unwrap_or_else(|| Term::int(lb.items.len() as i64));
        lb.len = Some(cur.plus(&src_len.unwrap_or_else(|| Term::int(n as i64))));
    }
    if front {
        for x in items {
            lb.items.insert(0, x);
        }
    } else {
        lb.items.extend(items);
    }
    Ok(())
}

pub(super) fn insert(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(2, 2)?;
    if a.pos[0].is_symbolic() {
        it.pin_value(site, &a.pos[0]);
    }
    let i = it
        .int_arg(&a.pos[0], "insert")?
        .to_i64()
        .unwrap_or(i64::MAX);
    let mut lb = cell(recv)?.borrow_mut();
    let n = lb.items.len() as i64;
    let at = if i < 0 { (i + n).max(0) } else { i.min(n) } as usize;
    lb.items.insert(at, a.pos[1].clone());
    lb.len = lb.len.take().map(|t| t.plus(&Term::int(1)));
    Ok(Val::None)
}

fn pop(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(0, 1)?;
    let idx = match a.get(0) {
        None => -1,
        Some(v) => {
            if v.is_symbolic() {
                it.pin_value(site, v);
            }
            it.int_arg(v, "pop")?.to_i64().unwrap_or(i64::MAX)
        }
    };
    pop_at(it, cell(recv)?, idx, site, "pop from empty list")
}

/// Removes the item at `idx` (from the end when negative); an `IndexError`
/// saying `empty` when there are no items. Whether the index is in range is
/// a decision on a symbolic length.
pub(super) fn pop_at(
    it: &mut Interp<'_>,
    l: &Rc<RefCell<ListObj>>,
    idx: i64,
    site: SiteId,
    empty: &str,
) -> R<Val> {
    let (n, len_t) = {
        let lb = l.borrow();
        (lb.items.len(), lb.len.clone())
    };
    let eff = if idx < 0 { idx + n as i64 } else { idx };
    let ok = (0..n as i64).contains(&eff);
    if let Some(t) = &len_t {
        let cond = if idx < 0 {
            t.greater_eq(&Term::int(-idx))
        } else {
            t.greater(&Term::int(idx))
        };
        it.decide(site, Some(&cond), ok);
    }
    if !ok {
        let msg = if n == 0 {
            empty
        } else {
            "pop index out of range"
        };
        return Err(exc(ExcType::IndexError, msg));
    }
    let mut lb = l.borrow_mut();
    let v = lb.items.remove(eff as usize);
    lb.len = lb.len.take().map(|t| t.minus(&Term::int(1)));
    Ok(v)
}

pub(super) fn remove(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    let l = cell(recv)?;
    let Some(i) = find(it, l, &a, site)? else {
        return Err(value_error("list.remove(x): x not in list"));
    };
    let mut lb = l.borrow_mut();
    lb.items.remove(i);
    lb.len = lb.len.take().map(|t| t.minus(&Term::int(1)));
    Ok(Val::None)
}

pub(super) fn index(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    match find(it, cell(recv)?, &a, site)? {
        Some(i) => Ok(Val::int(i)),
        None => Err(value_error(format!("{} is not in list", repr(&a.pos[0])))),
    }
}

/// Where `x` (optionally between bounds) first is: `list.index(x[, lo[, hi]])`.
/// Each comparison is a decision; not finding it decides the length.
fn find(it: &mut Interp<'_>, l: &Rc<RefCell<ListObj>>, a: &Args, site: SiteId) -> R<Option<usize>> {
    a.check(1, 3)?;
    let (items, len_t) = {
        let lb = l.borrow();
        (lb.items.clone(), lb.len.clone())
    };
    let (lo, hi) = search_bounds(it, a, items.len())?;
    let target = a.pos[0].clone();
    for (i, x) in items.iter().enumerate().take(hi).skip(lo) {
        let (r, t) = it.eq(x, &target)?;
        it.decide(site, t.as_ref(), r);
        if r {
            return Ok(Some(i));
        }
    }
    if let Some(t) = &len_t {
        // Not in the elements present: the length is what made it so.
        it.decide_len(t, items.len());
    }
    Ok(None)
}

/// The `lo` and `hi` arguments of `index` (positions 1 and 2) as bounds
/// within `0..=n`.
pub(super) fn search_bounds(it: &mut Interp<'_>, a: &Args, n: usize) -> R<(usize, usize)> {
    let norm = |v: i64| -> usize {
        if v < 0 {
            (v + n as i64).max(0) as usize
        } else {
            (v as usize).min(n)
        }
    };
    let lo = match a.get(1) {
        Some(v) => norm(it.int_arg(v, "index")?.to_i64().unwrap_or(0)),
        None => 0,
    };
    let hi = match a.get(2) {
        Some(v) => norm(it.int_arg(v, "index")?.to_i64().unwrap_or(n as i64)),
        None => n,
    };
    Ok((lo, hi))
}

pub(super) fn count(it: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(1, 1)?;
    let items = cell(recv)?.borrow().items.clone();
    count_equal(it, &items, &a.pos[0])
}

/// How many items equal `x` (a sum of equality terms when symbolic).
pub(super) fn count_equal(it: &mut Interp<'_>, items: &[Val], x: &Val) -> R<Val> {
    let mut n = 0usize;
    let mut terms = Vec::new();
    let mut symbolic = false;
    for item in items {
        let (r, t) = it.eq(item, x)?;
        n += usize::from(r);
        symbolic |= t.is_some();
        terms.push(match t {
            Some(t) => Term::ite(&t, &Term::int(1), &Term::int(0)),
            None => Term::int(i64::from(r)),
        });
    }
    Ok(Val::Int(
        PyInt::from(n),
        symbolic.then(|| symtest_term::sum(terms)),
    ))
}

fn sort(it: &mut Interp<'_>, recv: &Val, mut a: Args, site: SiteId) -> R<Val> {
    let key = a.kw("key");
    let reverse = a.kw("reverse");
    a.check(0, 0)?;
    let rev = match reverse {
        Some(r) => it.truth(&r)?.0,
        None => false,
    };
    let l = cell(recv)?;
    let items = std::mem::take(&mut l.borrow_mut().items);
    let sorted = it.sort_values(items, key.as_ref(), rev, site)?;
    l.borrow_mut().items = sorted;
    Ok(Val::None)
}

pub(super) fn reverse(_: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 0)?;
    cell(recv)?.borrow_mut().items.reverse();
    Ok(Val::None)
}

pub(super) fn clear(_: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 0)?;
    let mut lb = cell(recv)?.borrow_mut();
    lb.items.clear();
    lb.len = None;
    Ok(Val::None)
}

fn copy(_: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 0)?;
    let lb = cell(recv)?.borrow();
    Ok(Val::list_with_len(lb.items.clone(), lb.len.clone()))
}
