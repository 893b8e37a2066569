//! Builtins that iterate: `all`, `any`, `enumerate`, `filter`, `map`, `zip`,
//! `reversed`, `iter`, `next`, `sum`, `min`, `max`, `sorted`. Each step over
//! something of symbolic length is a decision, as a `for` loop's is.

use std::cell::RefCell;
use std::rc::Rc;

use crate::builtins::{Builtin, ExcType};
use crate::int::PyInt;
use crate::interp::args::Args;
use crate::interp::iter::char_len;
use crate::interp::state::{Interp, R, exc, type_error, value_error};
use crate::ir::BinOp;
use crate::sites::{PIN_SITE, SiteId};
use crate::value::{IterObj, Val};

/// `all(...)` or `any(...)` (by `b`): each item's truth a decision, stopping as soon as it knows.
pub(super) fn all_any(it: &mut Interp<'_>, a: &Args, site: SiteId, b: Builtin) -> R<Val> {
    a.check(1, 1)?;
    let iter = it.iter_of(a.arg(0)?)?;
    let want = b == Builtin::Any;
    while let Some(x) = it.next(&iter, site)? {
        it.step()?;
        if it.test(&x, site)? == want {
            return Ok(Val::bool(want));
        }
    }
    Ok(Val::bool(!want))
}

pub(super) fn enumerate(it: &mut Interp<'_>, mut a: Args) -> R<Val> {
    let start = a.kw("start");
    a.check(1, 2)?;
    let inner = it.iter_of(a.arg(0)?)?;
    let count = match start.as_ref().or(a.get(1)) {
        Some(v) => it.int_arg(v, "enumerate")?,
        None => PyInt::Small(0),
    };
    Ok(Val::Iter(Rc::new(RefCell::new(IterObj::Enumerate {
        inner,
        count,
    }))))
}

pub(super) fn filter(it: &mut Interp<'_>, a: &Args, site: SiteId) -> R<Val> {
    a.check(2, 2)?;
    let inner = it.iter_of(a.arg(1)?)?;
    Ok(Val::Iter(Rc::new(RefCell::new(IterObj::Filter {
        func: a.arg(0)?.clone(),
        inner,
        site,
    }))))
}

pub(super) fn iter(it: &mut Interp<'_>, a: &Args) -> R<Val> {
    a.check(1, 1)?;
    it.iter_of(a.arg(0)?)
}

pub(super) fn map(it: &mut Interp<'_>, a: &Args) -> R<Val> {
    if a.pos.len() < 2 {
        return Err(type_error("map() must have at least two arguments."));
    }
    let func = a.pos[0].clone();
    let mut iters = Vec::new();
    for v in &a.pos[1..] {
        iters.push(it.iter_of(v)?);
    }
    Ok(Val::Iter(Rc::new(RefCell::new(IterObj::Map {
        func,
        iters,
    }))))
}

pub(super) fn next(it: &mut Interp<'_>, a: &Args, site: SiteId) -> R<Val> {
    a.check(1, 2)?;
    match it.next(a.arg(0)?, site)? {
        Some(v) => Ok(v),
        None => match a.get(1) {
            Some(d) => Ok(d.clone()),
            None => Err(exc(ExcType::StopIteration, "")),
        },
    }
}

pub(super) fn reversed(it: &mut Interp<'_>, a: &Args) -> R<Val> {
    a.check(1, 1)?;
    let v = a.arg(0)?.clone();
    match &v {
        Val::List(_) | Val::Tuple(_) | Val::Str(..) => {
            let n = match &v {
                Val::List(l) => l.borrow().items.len(),
                Val::Tuple(t) => t.items.len(),
                Val::Str(s, _) => char_len(s),
                _ => 0,
            };
            Ok(Val::Iter(Rc::new(RefCell::new(IterObj::Reversed {
                seq: v.clone(),
                left: n,
            }))))
        }
        Val::Range(_) | Val::Dict(_) => {
            let mut items = it.collect(&v)?;
            items.reverse();
            Ok(it.items_iter(items))
        }
        other => Err(type_error(format!(
            "'{}' object is not reversible",
            other.type_name()
        ))),
    }
}

pub(super) fn sorted(it: &mut Interp<'_>, mut a: Args, site: SiteId) -> R<Val> {
    let key = a.kw("key");
    let reverse = a.kw("reverse");
    a.check(1, 1)?;
    let items = match a.arg(0)? {
        Val::Set(s)
            if key.is_none()
                && totally_ordered(&s.borrow().in_insertion_order().collect::<Vec<_>>()) =>
        {
            // Distinct ints (or strings) sort to one order whatever order
            // they are compared in: compare them in the order they were
            // added, since the iteration order follows the values and the
            // explorer's paths should not.
            s.borrow().in_insertion_order().cloned().collect()
        }
        other => it.collect(&other.clone())?,
    };
    let len = match a.arg(0)? {
        Val::List(l) => l.borrow().len.clone(),
        Val::Tuple(t) => t.len.clone(),
        Val::Str(_, Some(t)) => Some(t.str_len()),
        _ => None,
    };
    let rev = match reverse {
        Some(r) => it.truth(&r)?.0,
        None => false,
    };
    let sorted = it.sort_values(items, key.as_ref(), rev, site)?;
    Ok(Val::list_with_len(sorted, len))
}

pub(super) fn sum(it: &mut Interp<'_>, mut a: Args, site: SiteId) -> R<Val> {
    let start = a.kw("start");
    a.check(1, 2)?;
    let mut acc = start.or_else(|| a.get(1).cloned()).unwrap_or(Val::int(0));
    if matches!(acc, Val::Str(..)) {
        return Err(type_error(
            "sum() can't sum strings [use ''.join(seq) instead]",
        ));
    }
    let iter = it.iter_of(a.arg(0)?)?;
    while let Some(x) = it.next(&iter, PIN_SITE)? {
        it.step()?;
        acc = it.binop(BinOp::Add, acc, x, site)?;
    }
    Ok(acc)
}

pub(super) fn zip(it: &mut Interp<'_>, a: &Args) -> R<Val> {
    let mut iters = Vec::new();
    for v in &a.pos {
        iters.push(it.iter_of(v)?);
    }
    Ok(Val::Iter(Rc::new(RefCell::new(IterObj::Zip(iters)))))
}

impl Interp<'_> {
    /// `max`/`min` over arguments or one iterable, with `key` and `default`.
    pub(super) fn min_max(&mut self, mut a: Args, is_max: bool, site: SiteId) -> R<Val> {
        let key = a.kw("key");
        let default = a.kw("default");
        a.check(1, usize::MAX)?;
        let items = if a.pos.len() == 1 {
            self.collect(&a.pos[0].clone())?
        } else {
            a.pos.clone()
        };
        let mut best: Option<(Val, Val)> = None;
        for x in items {
            self.step()?;
            let k = match &key {
                Some(f) if !matches!(f, Val::None) => {
                    self.call(f, vec![x.clone()], Vec::new(), Some(site))?
                }
                _ => x.clone(),
            };
            match &best {
                None => best = Some((x, k)),
                Some((_, bk)) => {
                    let (better, t) = if is_max {
                        self.less(bk, &k, false)?
                    } else {
                        self.less(&k, bk, false)?
                    };
                    self.decide(site, t.as_ref(), better);
                    if better {
                        best = Some((x, k));
                    }
                }
            }
        }
        match (best, default) {
            (Some((x, _)), _) => Ok(x),
            (None, Some(d)) => Ok(d),
            (None, None) => Err(value_error(format!(
                "{}() arg is an empty sequence",
                if is_max { "max" } else { "min" }
            ))),
        }
    }
}

/// Whether values are all ints and bools, or all strings: distinct ones of
/// them are totally ordered.
fn totally_ordered(vs: &[&Val]) -> bool {
    vs.iter().all(|v| matches!(v, Val::Int(..) | Val::Bool(..)))
        || vs.iter().all(|v| matches!(v, Val::Str(..)))
}
