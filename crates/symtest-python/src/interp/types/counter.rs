//! `collections.Counter`: a dict of counts. It has dict's methods, its own
//! `update` (which adds counts) and the counting ones.

use std::cell::RefCell;
use std::rc::Rc;

use super::dict;
use crate::interp::args::Args;
use crate::interp::state::{Interp, R, hash_key};
use crate::interp::tables::Member::Method;
use crate::interp::tables::PyType;
use crate::interp::tables::table;
use crate::ir::BinOp;
use crate::sites::SiteId;
use crate::value::{DictFlavor, DictObj, Val};

/// `Counter`'s own methods; the rest are `dict`'s.
pub(crate) static TYPE: PyType = PyType {
    label: "dict method",
    members: table![
        Method;
        elements, most_common, subtract, total, update,
    ],
    base: Some(&dict::TYPE),
};

fn update(it: &mut Interp<'_>, recv: &Val, mut a: Args, site: SiteId) -> R<Val> {
    // Keyword counts (`update(a=1)`) are not modelled: they are dropped.
    drop(std::mem::take(&mut a.kw));
    a.check(0, 1)?;
    if let Some(src) = a.get(0).cloned() {
        it.counter_update(recv, &src, site)?;
    }
    Ok(Val::None)
}

fn most_common(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(0, 1)?;
    let pairs = it.dict_pairs(recv)?;
    let counts: Vec<Val> = pairs.iter().map(|(_, c)| c.clone()).collect();
    let mut idx: Vec<usize> = (0..pairs.len()).collect();
    // Insertion sort on counts (descending, stable) with decisions.
    for i in 1..idx.len() {
        let mut j = i;
        while j > 0 {
            let (gt, t) = it.less(&counts[idx[j - 1]], &counts[idx[j]], false)?;
            it.decide(site, t.as_ref(), gt);
            if !gt {
                break;
            }
            idx.swap(j - 1, j);
            j -= 1;
        }
    }
    let mut out: Vec<Val> = idx
        .into_iter()
        .map(|i| Val::tuple(vec![pairs[i].0.clone(), pairs[i].1.clone()]))
        .collect();
    if let Some(n) = a.get(0).filter(|v| !matches!(v, Val::None)) {
        let n = it.int_arg(n, "most_common")?.to_usize().unwrap_or(0);
        out.truncate(n);
    }
    Ok(Val::list(out))
}

fn elements(it: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 0)?;
    let mut out = Vec::new();
    for (k, v) in it.dict_pairs(recv)? {
        let n = it.int_arg(&v, "elements")?.to_i64().unwrap_or(0);
        for _ in 0..n.max(0) {
            out.push(k.clone());
        }
    }
    Ok(it.items_iter(out))
}

fn subtract(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(1, 1)?;
    for (k, n) in counts_of(it, &a.pos[0])? {
        let cur = it.get_item(recv, &k, site)?;
        let new = it.binop(BinOp::Sub, cur, n, site)?;
        it.set_item(recv, k, new, site)?;
    }
    Ok(Val::None)
}

fn total(it: &mut Interp<'_>, recv: &Val, _: Args, site: SiteId) -> R<Val> {
    let mut acc = Val::int(0);
    for (_, v) in it.dict_pairs(recv)? {
        acc = it.binop(BinOp::Add, acc, v, site)?;
    }
    Ok(acc)
}

/// The counts a source stands for: a mapping's entries, or one per element
/// of an iterable.
fn counts_of(it: &mut Interp<'_>, src: &Val) -> R<Vec<(Val, Val)>> {
    match src {
        Val::Dict(_) => it.dict_pairs(src),
        other => Ok(it
            .collect(other)?
            .into_iter()
            .map(|k| (k, Val::int(1)))
            .collect()),
    }
}

impl Interp<'_> {
    /// Whether `v` is a `Counter`.
    pub(crate) fn is_counter(&self, v: &Val) -> bool {
        matches!(v, Val::Dict(d) if matches!(d.borrow().flavor, DictFlavor::Counter))
    }

    /// Adds counts from an iterable (one per element) or a mapping.
    pub(crate) fn counter_update(&mut self, d: &Val, src: &Val, site: SiteId) -> R<()> {
        for (k, n) in counts_of(self, src)? {
            self.step()?;
            let cur = self.get_item(d, &k, site)?;
            let new = self.binop(BinOp::Add, cur, n, site)?;
            self.set_item(d, k, new, site)?;
        }
        Ok(())
    }

    /// `a + b` or `a - b` of two Counters: the keys of both, counts combined,
    /// only positive ones kept (each a decision).
    pub(crate) fn counter_arith(&mut self, op: BinOp, a: &Val, b: &Val, site: SiteId) -> R<Val> {
        let out = Val::Dict(Rc::new(RefCell::new(DictObj::new(DictFlavor::Counter))));
        let mut keys: Vec<Val> = self.dict_pairs(a)?.into_iter().map(|(k, _)| k).collect();
        for (k, _) in self.dict_pairs(b)? {
            let key = hash_key(&k)?;
            if !keys.iter().any(|x| hash_key(x).ok().as_ref() == Some(&key)) {
                keys.push(k);
            }
        }
        for k in keys {
            let x = self.get_item(a, &k, site)?;
            let y = self.get_item(b, &k, site)?;
            let v = self.binop(op, x, y, site)?;
            let (positive, t) = self.less(&Val::int(0), &v, false)?;
            self.decide(site, t.as_ref(), positive);
            if positive {
                self.set_item(&out, k, v, site)?;
            }
        }
        Ok(out)
    }
}
