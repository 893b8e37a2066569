//! The set operations as CPython 3.11 builds them (`Objects/setobject.c`):
//! which set is walked, in which order elements are added or discarded and
//! when the table is resized decide the result's iteration order, so each
//! follows its C function. Membership of symbolic elements is decided by
//! `dict_find`'s equality branches.

use std::cell::RefCell;
use std::rc::Rc;

use crate::fxhash::FxHashMap;
use crate::interp::state::{Interp, R, hash_key};
use crate::sites::{PIN_SITE, SiteId};
use crate::value::{DictFlavor, Key, SetObj, Val, key_of};

/// The set object of `v`, if it is a set or frozenset.
fn set_of(v: &Val) -> Option<&Rc<RefCell<SetObj>>> {
    match v {
        Val::Set(s) => Some(s),
        _ => None,
    }
}

fn same(a: &Val, b: &Val) -> bool {
    matches!((a, b), (Val::Set(x), Val::Set(y)) if Rc::ptr_eq(x, y))
}

fn len_of(v: &Val) -> usize {
    set_of(v).map_or(0, |s| s.borrow().live)
}

impl Interp<'_> {
    /// An empty set, a frozenset when `like` is one.
    pub(crate) fn new_set_like(&self, like: &Val) -> Val {
        let frozen = set_of(like).is_some_and(|s| s.borrow().frozen);
        Val::Set(Rc::new(RefCell::new(SetObj::new(frozen))))
    }

    /// The elements of a set in iteration order.
    pub(crate) fn set_elements(&self, v: &Val) -> Vec<Val> {
        set_of(v).map_or_else(Vec::new, |s| s.borrow().iter().cloned().collect())
    }

    /// Each element of set `walked`, in its iteration order, with whether
    /// `probed` (a set or dict) has it. The membership decisions are taken
    /// in the order the elements were added: the iteration order follows
    /// the values, and the explorer's paths should not.
    fn members_in(&mut self, walked: &Val, probed: &Val, site: SiteId) -> R<Vec<(Val, bool)>> {
        let Some(w) = set_of(walked) else {
            return Ok(Vec::new());
        };
        let added: Vec<Val> = w.borrow().in_insertion_order().cloned().collect();
        let mut found: FxHashMap<Key, bool> = FxHashMap::default();
        for v in added {
            self.step()?;
            let f = self.dict_find(probed, &v, site)?;
            found.insert(hash_key(&v)?, f);
        }
        Ok(self
            .set_elements(walked)
            .into_iter()
            .map(|v| {
                let f = key_of(&v).and_then(|k| found.get(&k).copied());
                (v, f.unwrap_or(false))
            })
            .collect())
    }

    /// Removes the element whose key is `v`'s (known to be there).
    fn remove_found(&mut self, set: &Val, v: &Val) -> R<()> {
        self.step()?;
        let k = hash_key(v)?;
        if let Some(s) = set_of(set) {
            s.borrow_mut().remove(&k);
        }
        Ok(())
    }

    /// Adds `v`, known to be unequal to every element (it comes from a set).
    fn add_distinct(&mut self, set: &Val, v: Val) -> R<()> {
        self.step()?;
        let k = hash_key(&v)?;
        if let Some(s) = set_of(set) {
            s.borrow_mut().insert(k, v);
        }
        Ok(())
    }

    /// Removes the element equal to `v` if there is one; whether there was.
    fn discard(&mut self, set: &Val, v: &Val, site: SiteId) -> R<bool> {
        self.step()?;
        if !self.dict_find(set, v, site)? {
            return Ok(false);
        }
        let k = hash_key(v)?;
        if let Some(s) = set_of(set) {
            s.borrow_mut().remove(&k);
        }
        Ok(true)
    }

    /// Each item of an iterable, in order, given to `f`.
    fn each_item(&mut self, src: &Val, f: &mut dyn FnMut(&mut Self, Val) -> R<()>) -> R<()> {
        let iter = self.iter_of(src)?;
        while let Some(x) = self.next(&iter, PIN_SITE)? {
            self.step()?;
            f(self, x)?;
        }
        Ok(())
    }

    /// `set_update_internal`: `other`'s elements added to `target`.
    pub(crate) fn set_update(&mut self, target: &Val, other: &Val, site: SiteId) -> R<()> {
        let Some(t) = set_of(target) else {
            return Ok(());
        };
        match other {
            Val::Set(o) => {
                if Rc::ptr_eq(t, o) || o.borrow().live == 0 {
                    return Ok(());
                }
                let n = o.borrow().live;
                t.borrow_mut().reserve(n);
                if t.borrow_mut().merge_clean(&o.borrow()) {
                    return Ok(());
                }
                for (v, present) in self.members_in(other, target, site)? {
                    if !present {
                        self.add_distinct(target, v)?;
                    }
                }
            }
            Val::Dict(d) if matches!(d.borrow().flavor, DictFlavor::Plain) => {
                let keys: Vec<Val> = d.borrow().iter().map(|(k, _)| k.clone()).collect();
                t.borrow_mut().reserve(keys.len());
                for k in keys {
                    self.step()?;
                    self.set_add(target, k, site)?;
                }
            }
            _ => self.each_item(other, &mut |it, x| it.set_add(target, x, site))?,
        }
        Ok(())
    }

    /// `set_copy`: a new set (of `a`'s kind) with `a`'s elements.
    pub(crate) fn set_copy(&mut self, a: &Val, site: SiteId) -> R<Val> {
        let out = self.new_set_like(a);
        self.set_update(&out, a, site)?;
        Ok(out)
    }

    /// `set_intersection`: the smaller set walked, the larger probed.
    pub(crate) fn set_intersection(&mut self, a: &Val, b: &Val, site: SiteId) -> R<Val> {
        if same(a, b) {
            return self.set_copy(a, site);
        }
        let out = self.new_set_like(a);
        if set_of(b).is_some() {
            let (probed, walked) = if len_of(b) > len_of(a) {
                (b, a)
            } else {
                (a, b)
            };
            for (v, present) in self.members_in(walked, probed, site)? {
                if present {
                    self.add_distinct(&out, v)?;
                }
            }
            return Ok(out);
        }
        self.each_item(b, &mut |it, x| {
            if it.dict_find(a, &x, site)? {
                it.set_add(&out, x, site)?;
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// `set_difference`: `a`'s elements not in `b`, built anew unless `a`
    /// is over four times `b`'s size (then a copy of `a` with `b` removed).
    pub(crate) fn set_difference(&mut self, a: &Val, b: &Val, site: SiteId) -> R<Val> {
        let other_size = match b {
            Val::Set(s) => s.borrow().live,
            Val::Dict(d) if matches!(d.borrow().flavor, DictFlavor::Plain) => d.borrow().live,
            _ => usize::MAX,
        };
        if other_size == usize::MAX || (len_of(a) >> 2) > other_size {
            let out = self.set_copy(a, site)?;
            self.set_difference_update(&out, b, site)?;
            return Ok(out);
        }
        let out = self.new_set_like(a);
        for (v, present) in self.members_in(a, b, site)? {
            if !present {
                self.add_distinct(&out, v)?;
            }
        }
        Ok(out)
    }

    /// `set_difference_update_internal`: `other`'s elements discarded from
    /// `s` (through the intersection when `other` is over eight times
    /// larger), then the dummies dropped when they are many.
    pub(crate) fn set_difference_update(&mut self, s: &Val, other: &Val, site: SiteId) -> R<()> {
        if same(s, other) {
            if let Some(t) = set_of(s) {
                t.borrow_mut().clear();
            }
            return Ok(());
        }
        if set_of(other).is_some() {
            let walked = if (len_of(other) >> 3) > len_of(s) {
                self.set_intersection(s, other, site)?
            } else {
                other.clone()
            };
            for (v, present) in self.members_in(&walked, s, site)? {
                if present {
                    self.remove_found(s, &v)?;
                }
            }
        } else {
            self.each_item(other, &mut |it, x| it.discard(s, &x, site).map(|_| ()))?;
        }
        if let Some(t) = set_of(s) {
            t.borrow_mut().drop_dummies();
        }
        Ok(())
    }

    /// `set_symmetric_difference_update`: each element of `other` (a set
    /// made of it first, unless it is a set or dict) discarded from `s`, or
    /// added when absent.
    pub(crate) fn set_symmetric_update(&mut self, s: &Val, other: &Val, site: SiteId) -> R<()> {
        if same(s, other) {
            if let Some(t) = set_of(s) {
                t.borrow_mut().clear();
            }
            return Ok(());
        }
        if let Val::Dict(d) = other
            && matches!(d.borrow().flavor, DictFlavor::Plain)
        {
            let keys: Vec<Val> = d.borrow().iter().map(|(k, _)| k.clone()).collect();
            for v in keys {
                if !self.discard(s, &v, site)? {
                    self.add_distinct(s, v)?;
                }
            }
            return Ok(());
        }
        let walked = if set_of(other).is_some() {
            other.clone()
        } else {
            let tmp = self.new_set_like(s);
            self.set_update(&tmp, other, site)?;
            tmp
        };
        // `other`'s elements are distinct: whether one is in `s` does not
        // change as the others go in or out.
        for (v, present) in self.members_in(&walked, s, site)? {
            if present {
                self.remove_found(s, &v)?;
            } else {
                self.add_distinct(s, v)?;
            }
        }
        Ok(())
    }

    /// `set_symmetric_difference`: a set of `a`'s kind made from `b`, then
    /// updated with `a`.
    pub(crate) fn set_symmetric(&mut self, a: &Val, b: &Val, site: SiteId) -> R<Val> {
        let out = self.new_set_like(a);
        self.set_update(&out, b, site)?;
        self.set_symmetric_update(&out, a, site)?;
        Ok(out)
    }

    /// `set_union`: a copy of `a` updated with each argument but `a` itself.
    pub(crate) fn set_union(&mut self, a: &Val, others: &[Val], site: SiteId) -> R<Val> {
        let out = self.set_copy(a, site)?;
        for o in others {
            if !same(a, o) {
                self.set_update(&out, o, site)?;
            }
        }
        Ok(out)
    }

    /// `set_intersection_multi`: a copy without arguments, else the
    /// intersections one after the other.
    pub(crate) fn set_intersection_multi(
        &mut self,
        a: &Val,
        others: &[Val],
        site: SiteId,
    ) -> R<Val> {
        if others.is_empty() {
            return self.set_copy(a, site);
        }
        let mut acc = a.clone();
        for o in others {
            acc = self.set_intersection(&acc, o, site)?;
        }
        Ok(acc)
    }

    /// `set_difference_multi`: the difference with the first argument, then
    /// the others removed from it.
    pub(crate) fn set_difference_multi(&mut self, a: &Val, others: &[Val], site: SiteId) -> R<Val> {
        let Some((first, rest)) = others.split_first() else {
            return self.set_copy(a, site);
        };
        let out = self.set_difference(a, first, site)?;
        for o in rest {
            self.set_difference_update(&out, o, site)?;
        }
        Ok(out)
    }

    /// `set_intersection_update_multi`: `s` takes the body of the
    /// intersection.
    pub(crate) fn set_intersection_update(
        &mut self,
        s: &Val,
        others: &[Val],
        site: SiteId,
    ) -> R<()> {
        let tmp = self.set_intersection_multi(s, others, site)?;
        if let (Some(t), Val::Set(n)) = (set_of(s), tmp) {
            if Rc::ptr_eq(t, &n) {
                return Ok(());
            }
            let body = std::mem::replace(&mut *n.borrow_mut(), SetObj::new(false));
            t.borrow_mut().take_body(body);
        }
        Ok(())
    }

    /// `a | b`, `a & b`, `a - b`, `a ^ b` of two sets: a new set of `a`'s
    /// kind.
    pub(crate) fn set_operator(
        &mut self,
        op: crate::ir::BinOp,
        a: &Val,
        b: &Val,
        site: SiteId,
    ) -> R<Val> {
        use crate::ir::BinOp;
        match op {
            BinOp::BitOr => self.set_union(a, std::slice::from_ref(b), site),
            BinOp::BitAnd => self.set_intersection(a, b, site),
            BinOp::Sub => self.set_difference(a, b, site),
            _ => self.set_symmetric(a, b, site),
        }
    }

    /// `s |= b`, `s &= b`, `s -= b`, `s ^= b` on a (mutable) set: `s`
    /// changed in place.
    pub(crate) fn set_inplace(
        &mut self,
        op: crate::ir::BinOp,
        s: &Val,
        b: &Val,
        site: SiteId,
    ) -> R<()> {
        use crate::ir::BinOp;
        match op {
            BinOp::BitOr => self.set_update(s, b, site),
            BinOp::BitAnd => self.set_intersection_update(s, std::slice::from_ref(b), site),
            BinOp::Sub => self.set_difference_update(s, b, site),
            _ => self.set_symmetric_update(s, b, site),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::interp::testing::assert_results;

    /// Iteration orders after set operations, each as CPython 3.11 prints it.
    #[test]
    fn orders_are_cpythons() {
        let cases = [
            ("r = list({14, 13} & {13, 14, 99})", "[13, 14]"),
            ("r = list(set([5, 13, 21, 3]) - {3})", "[21, 5, 13]"),
            ("s = {1, 9}\ns.remove(1)\ns.add(17)\nr = list(s)", "[17, 9]"),
            (
                "s = {1, 2, 3, 4}\ns.pop()\ns.pop()\ns.add(1)\nr = (s.pop(), list(s))",
                "(3, [1, 4])",
            ),
            ("r = list({32, 16, 0, 1, 48})", "[32, 0, 1, 48, 16]"),
            (
                "a = set(range(0, 80, 8))\nr = (list(a), list(set(a)), list(a | {3}), list({3} | a))",
                "([0, 32, 64, 8, 40, 72, 16, 48, 24, 56], [0, 32, 64, 8, 40, 72, 16, 48, 24, 56], [0, 32, 64, 3, 8, 40, 72, 16, 48, 24, 56], [0, 32, 64, 3, 8, 40, 72, 16, 48, 24, 56])",
            ),
            (
                "a = set(range(20))\na -= set(range(0, 20, 2))\nr = list(a | {100, 36})",
                "[1, 3, 100, 5, 36, 7, 9, 11, 13, 15, 17, 19]",
            ),
            (
                "a = {1, 2, 3}\nb = a\na |= {9, 17}\na &= {17, 3, 25}\na ^= {25, 41}\nr = (list(b), b is a)",
                "([17, 3, 25, 41], True)",
            ),
            (
                "r = list({1, 2, 3}.union([8, 16], (24,), {32}))",
                "[32, 1, 2, 3, 8, 16, 24]",
            ),
            (
                "r = list(set(range(40)).intersection(range(38, 0, -3), [2, 5, 8, 11, 35, 38]))",
                "[2, 35, 5, 38, 8, 11]",
            ),
            (
                "r = list(set(range(40, 0, -7)).symmetric_difference([1, 49, 8]))",
                "[1, 33, 5, 8, 40, 12, 49, 19, 26]",
            ),
            (
                "r = (list({True, 2} & {1, 5}), list({1, 5} & {True, 2}))",
                "([1], [True])",
            ),
            (
                "r = list(frozenset([-1, -2, 5, 100, 33, 8]))",
                "[33, 100, 5, 8, -2, -1]",
            ),
            (
                "r = list(set(range(30)).difference({1, 2}, [16, 17]))",
                "[0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29]",
            ),
            (
                "r = ([x for x in {7, 15}], list({7, 15}))",
                "([7, 15], [15, 7])",
            ),
            (
                "r = []\nfor x in {36, 106, 18, 21, -33, 110, 93}:\n    r.append(x)",
                "[36, 106, 110, 18, 21, 93, -33]",
            ),
            (
                "r = (list({1.5, 2.5, -0.1}), list({(1, 2), (9, 2), (0, 0)}))",
                "([-0.1, 1.5, 2.5], [(1, 2), (9, 2), (0, 0)])",
            ),
        ];
        assert_results(&cases);
    }
}
