//! Iteration. Each step of a loop over something of symbolic length is a
//! decision (`len > k`: one more round, or the end), reported at the loop's
//! site, which is how the explorer finds inputs of other lengths.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use symtest_term::Term;

use super::state::{Flow, Interp, R, type_error};
use crate::int::PyInt;
use crate::sites::{LENGTH_SITE, SiteId};
use crate::value::{IterObj, RangeIter, RangeObj, Val};

/// How many values a range yields.
pub(crate) fn range_len(r: &RangeObj) -> u128 {
    let (Some(start), Some(stop), Some(step)) =
        (r.start.to_i64(), r.stop.to_i64(), r.step.to_i64())
    else {
        return u128::MAX;
    };
    let (start, stop, step) = (i128::from(start), i128::from(stop), i128::from(step));
    let n = if step > 0 && start < stop {
        (stop - start + step - 1) / step
    } else if step < 0 && start > stop {
        (start - stop - step - 1) / (-step)
    } else {
        0
    };
    n as u128
}

pub(crate) fn range_items(r: &RangeObj, max: usize) -> R<Vec<PyInt>> {
    let n = range_len(r);
    if n > max as u128 {
        return Err(Flow::Stop("a range too large to materialise".into()));
    }
    let mut out = Vec::with_capacity(n as usize);
    let mut cur = r.start.clone();
    for _ in 0..n {
        out.push(cur.clone());
        cur = cur.add(&r.step);
    }
    Ok(out)
}

/// The `k`-th character of `s` (code points), if any.
pub(crate) fn char_at(s: &str, k: usize) -> Option<char> {
    if s.is_ascii() {
        s.as_bytes().get(k).map(|b| *b as char)
    } else {
        s.chars().nth(k)
    }
}

pub(crate) fn char_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

fn new_iter(o: IterObj) -> Val {
    Val::Iter(Rc::new(RefCell::new(o)))
}

impl Interp<'_> {
    pub(crate) fn iter_of(&mut self, v: &Val) -> R<Val> {
        Ok(match v {
            Val::List(_) | Val::Tuple(_) | Val::Str(..) => new_iter(IterObj::Seq {
                seq: v.clone(),
                index: 0,
            }),
            Val::Dict(d) => new_iter(IterObj::Items(
                d.borrow().iter().map(|(k, _)| k.clone()).collect(),
            )),
            Val::Set(s) => {
                let items: Vec<Val> = s.borrow().iter().cloned().collect();
                if s.borrow().hash_ordered() {
                    self.pin_order(&items);
                }
                new_iter(IterObj::Items(items.into()))
            }
            Val::Range(r) => new_iter(IterObj::Range(RangeIter {
                next: r.start.clone(),
                stop: r.stop.clone(),
                step: r.step.clone(),
                start_t: r.start_t.clone(),
                stop_t: r.stop_t.clone(),
                k: 0,
            })),
            Val::Iter(_) => v.clone(),
            Val::Opaque(o) if matches!(&**o, crate::value::Opaque::Stdin) => {
                let lines = self.read_lines(crate::sites::INPUT_SITE)?;
                return self.iter_of(&lines);
            }
            Val::Bytes(b) => new_iter(IterObj::Items(
                b.iter().map(|x| Val::int(i64::from(*x))).collect(),
            )),
            Val::Opaque(o) if let crate::value::Opaque::External(obj) = &**o => {
                let items = self.ext_items(obj)?;
                return self.iter_of(&items);
            }
            other => {
                return Err(type_error(format!(
                    "'{}' object is not iterable",
                    other.type_name()
                )));
            }
        })
    }

    /// CPython's order of a set's elements follows their hashes, which the
    /// path condition does not say: when it shows (more than one element,
    /// one symbolic), the symbolic values are pinned, so later models keep
    /// the order.
    pub(crate) fn pin_order(&mut self, items: &[Val]) {
        if items.len() < 2 || !items.iter().any(Val::is_symbolic) {
            return;
        }
        self.concretise("iteration order of a set with symbolic elements");
        for v in items {
            self.pin_deep(v);
        }
    }

    /// Pins `v`'s shadow and those inside it (tuple items, set elements).
    fn pin_deep(&mut self, v: &Val) {
        match v {
            Val::Tuple(t) => {
                for x in &t.items {
                    self.pin_deep(x);
                }
            }
            Val::Set(s) => {
                let items: Vec<Val> = s.borrow().iter().cloned().collect();
                for x in &items {
                    self.pin_deep(x);
                }
            }
            _ => self.pin_value(crate::sites::PIN_SITE, v),
        }
    }

    /// The next value of iterator `it`; each step is a decision at `site`.
    pub(crate) fn next(&mut self, it: &Val, site: SiteId) -> R<Option<Val>> {
        let Val::Iter(cell) = it else {
            return Err(type_error(format!(
                "'{}' object is not an iterator",
                it.type_name()
            )));
        };
        let state = std::mem::replace(&mut *cell.borrow_mut(), IterObj::Done);
        let (next_state, out) = self.advance(state, site)?;
        *cell.borrow_mut() = next_state;
        Ok(out)
    }

    fn advance(&mut self, state: IterObj, site: SiteId) -> R<(IterObj, Option<Val>)> {
        Ok(match state {
            IterObj::Seq { seq, index } => self.advance_seq(seq, index, site),
            IterObj::Items(mut q) => {
                let v = q.pop_front();
                self.decide(site, None, v.is_some());
                match v {
                    Some(v) => (IterObj::Items(q), Some(v)),
                    None => (IterObj::Done, None),
                }
            }
            IterObj::Generated { mut items, then } => match items.pop_front() {
                Some(v) => {
                    self.decide(site, None, true);
                    (IterObj::Generated { items, then }, Some(v))
                }
                None => match then {
                    None => {
                        self.decide(site, None, false);
                        (IterObj::Done, None)
                    }
                    Some(crate::value::GenEnd::Raise(e)) => return Err(Flow::Exc(e)),
                    Some(crate::value::GenEnd::Cut(why)) => return Err(Flow::Stop(why)),
                },
            },
            IterObj::Islice {
                inner,
                cnt,
                next,
                stop,
                step,
            } => self.advance_islice(inner, (cnt, next), stop, step, site)?,
            IterObj::External(h) => self.advance_external(h, site)?,
            IterObj::Range(r) => self.advance_range(r, site),
            IterObj::Enumerate { inner, count } => match self.next(&inner, site)? {
                Some(v) => {
                    let pair = Val::tuple(vec![Val::Int(count.clone(), None), v]);
                    (
                        IterObj::Enumerate {
                            inner,
                            count: count.add(&PyInt::Small(1)),
                        },
                        Some(pair),
                    )
                }
                None => (IterObj::Done, None),
            },
            IterObj::Zip(iters) => {
                let mut items = Vec::with_capacity(iters.len());
                for i in &iters {
                    match self.next(i, site)? {
                        Some(v) => items.push(v),
                        None => return Ok((IterObj::Done, None)),
                    }
                }
                if iters.is_empty() {
                    return Ok((IterObj::Done, None));
                }
                (IterObj::Zip(iters), Some(Val::tuple(items)))
            }
            IterObj::Map { func, iters } => {
                let mut args = Vec::with_capacity(iters.len());
                for i in &iters {
                    match self.next(i, site)? {
                        Some(v) => args.push(v),
                        None => return Ok((IterObj::Done, None)),
                    }
                }
                let v = self.call(&func, args, Vec::new(), Some(site))?;
                (IterObj::Map { func, iters }, Some(v))
            }
            IterObj::Filter {
                func,
                inner,
                site: fsite,
            } => loop {
                self.step()?;
                let Some(item) = self.next(&inner, site)? else {
                    return Ok((IterObj::Done, None));
                };
                let verdict = match &func {
                    Val::None => item.clone(),
                    f => self.call(f, vec![item.clone()], Vec::new(), Some(fsite))?,
                };
                if self.test(&verdict, fsite)? {
                    return Ok((
                        IterObj::Filter {
                            func,
                            inner,
                            site: fsite,
                        },
                        Some(item),
                    ));
                }
            },
            IterObj::Reversed { seq, left } => self.advance_reversed(seq, left, site),
            IterObj::Done => {
                self.decide(site, None, false);
                (IterObj::Done, None)
            }
        })
    }

    /// One step along a list, tuple or string read by position: whether
    /// there is an item at `index` is a decision on a symbolic length.
    /// One step of `islice` as CPython's `islice_next`: read up to `next`,
    /// stop at `stop`. `at` is (items read, index of the next to give).
    fn advance_islice(
        &mut self,
        inner: Val,
        at: (usize, usize),
        stop: Option<usize>,
        step: usize,
        site: SiteId,
    ) -> R<(IterObj, Option<Val>)> {
        let (mut cnt, mut next) = at;
        let mut item = None;
        let mut exhausted = false;
        while cnt < next {
            if self.next(&inner, crate::sites::PIN_SITE)?.is_none() {
                exhausted = true;
                break;
            }
            cnt += 1;
        }
        if !exhausted && stop.is_none_or(|s| cnt < s) {
            item = self.next(&inner, crate::sites::PIN_SITE)?;
        }
        self.decide(site, None, item.is_some());
        let Some(v) = item else {
            return Ok((IterObj::Done, None));
        };
        cnt += 1;
        let old = next;
        next = next.saturating_add(step);
        if let Some(s) = stop
            && (next < old || next > s)
        {
            next = s;
        }
        let state = IterObj::Islice {
            inner,
            cnt,
            next,
            stop,
            step,
        };
        Ok((state, Some(v)))
    }

    /// One step of an iterator that lives in CPython.
    fn advance_external(&mut self, h: Val, site: SiteId) -> R<(IterObj, Option<Val>)> {
        let v = match &h {
            Val::Opaque(o) if let crate::value::Opaque::External(obj) = &**o => {
                match self.ext_method(obj, "__next__", Vec::new(), Vec::new()) {
                    Ok(v) => Some(v),
                    Err(Flow::Exc(e)) if e.kind == crate::builtins::ExcType::StopIteration => None,
                    Err(e) => return Err(e),
                }
            }
            _ => None,
        };
        self.decide(site, None, v.is_some());
        Ok(match v {
            Some(v) => (IterObj::External(h), Some(v)),
            None => (IterObj::Done, None),
        })
    }

    fn advance_seq(&mut self, seq: Val, index: usize, site: SiteId) -> (IterObj, Option<Val>) {
        let (item, len_t) = match &seq {
            Val::List(l) => {
                let l = l.borrow();
                (l.items.get(index).cloned(), l.len.clone())
            }
            Val::Tuple(t) => (t.items.get(index).cloned(), t.len.clone()),
            Val::Str(s, sh) => (
                char_at(s, index).map(|c| {
                    let shadow = sh.as_ref().map(|t| t.str_at(&Term::int(index as i64)));
                    Val::Str(Rc::from(c.to_string().as_str()), shadow)
                }),
                sh.as_ref().map(Term::str_len),
            ),
            _ => (None, None),
        };
        self.step_decided(site, len_t, index, item, || IterObj::Seq {
            seq,
            index: index + 1,
        })
    }

    /// A step over a sequence of length `len_t` after `done` items: whether
    /// there was an `item` is a decision when the length is symbolic; `rest`
    /// is the iterator after a step that found one.
    fn step_decided(
        &mut self,
        site: SiteId,
        len_t: Option<Term>,
        done: usize,
        item: Option<Val>,
        rest: impl FnOnce() -> IterObj,
    ) -> (IterObj, Option<Val>) {
        let cond = len_t.map(|t| t.greater(&Term::int(done as i64)));
        self.decide(site, cond.as_ref(), item.is_some());
        match item {
            Some(v) => (rest(), Some(v)),
            None => (IterObj::Done, None),
        }
    }

    /// One step along a range: `next < stop` (or `>` going down) is a
    /// decision when the start or the stop has a shadow, and the value's
    /// shadow is `start + k * step`.
    fn advance_range(&mut self, r: RangeIter, site: SiteId) -> (IterObj, Option<Val>) {
        let RangeIter {
            next,
            stop,
            step,
            start_t,
            stop_t,
            k,
        } = r;
        let more = if step.is_negative() {
            next.cmp(&stop) == std::cmp::Ordering::Greater
        } else {
            next.cmp(&stop) == std::cmp::Ordering::Less
        };
        let cur_t = start_t
            .as_ref()
            .map(|s| s.plus(&Term::int(step.to_big() * k)));
        let cond = if cur_t.is_some() || stop_t.is_some() {
            let c = cur_t.clone().unwrap_or_else(|| Term::int(next.to_big()));
            let e = stop_t.clone().unwrap_or_else(|| Term::int(stop.to_big()));
            Some(if step.is_negative() {
                c.greater(&e)
            } else {
                c.less(&e)
            })
        } else {
            None
        };
        self.decide(site, cond.as_ref(), more);
        if !more {
            return (IterObj::Done, None);
        }
        let value = Val::Int(next.clone(), cur_t);
        (
            IterObj::Range(RangeIter {
                next: next.add(&step),
                stop,
                step,
                start_t,
                stop_t,
                k: k + 1,
            }),
            Some(value),
        )
    }

    /// One step back along a list, tuple or string: whether an item is
    /// left is a decision on a symbolic length.
    fn advance_reversed(&mut self, seq: Val, left: usize, site: SiteId) -> (IterObj, Option<Val>) {
        let (item, len_t, total) = match &seq {
            Val::List(l) => {
                let l = l.borrow();
                let item = left.checked_sub(1).and_then(|i| l.items.get(i).cloned());
                (item, l.len.clone(), l.items.len())
            }
            Val::Tuple(t) => (
                left.checked_sub(1).and_then(|i| t.items.get(i).cloned()),
                t.len.clone(),
                t.items.len(),
            ),
            Val::Str(s, sh) => {
                let n = char_len(s);
                let item = left.checked_sub(1).and_then(|i| {
                    char_at(s, i).map(|c| {
                        let shadow = sh
                            .as_ref()
                            .map(|t| t.str_at(&t.str_len().minus(&Term::int((n - i) as i64))));
                        Val::Str(Rc::from(c.to_string().as_str()), shadow)
                    })
                });
                (item, sh.as_ref().map(Term::str_len), n)
            }
            _ => (None, None, 0),
        };
        let taken = total.saturating_sub(left);
        self.step_decided(site, len_t, taken, item, || IterObj::Reversed {
            seq,
            left: left - 1,
        })
    }

    /// Decides a symbolic length as a `for` loop over the container would
    /// (`len > 0`, `len > 1`, ... `!(len > n)`), where an operation needs it
    /// fixed: runs with other lengths then branch here rather than diverge
    /// later, and the explorer can still try them.
    pub(crate) fn decide_len(&mut self, len: &Term, n: usize) {
        if len.is_const() {
            return;
        }
        for i in 0..=n {
            let more = len.greater(&Term::int(i as i64));
            self.decide(LENGTH_SITE, Some(&more), i < n);
        }
    }

    /// All values of an iterable. A container of symbolic length has it
    /// decided first, element by element as a `for` loop would.
    pub(crate) fn collect(&mut self, v: &Val) -> R<Vec<Val>> {
        let len = match v {
            Val::List(l) => l.borrow().len.clone().map(|t| (t, l.borrow().items.len())),
            Val::Tuple(t) => t.len.clone().map(|l| (l, t.items.len())),
            Val::Str(s, Some(t)) => Some((t.str_len(), s.chars().count())),
            _ => None,
        };
        if let Some((t, n)) = len {
            self.decide_len(&t, n);
        }
        match v {
            Val::List(l) => Ok(l.borrow().items.clone()),
            Val::Tuple(t) => Ok(t.items.clone()),
            Val::Str(s, sh) => Ok(s
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    Val::Str(
                        Rc::from(c.to_string().as_str()),
                        sh.as_ref().map(|t| t.str_at(&Term::int(i as i64))),
                    )
                })
                .collect()),
            Val::Range(r) => Ok(range_items(r, self.limits.max_len)?
                .into_iter()
                .map(|i| Val::Int(i, None))
                .collect()),
            other => {
                let it = self.iter_of(other)?;
                let mut out = Vec::new();
                while let Some(x) = self.next(&it, crate::sites::PIN_SITE)? {
                    out.push(x);
                    if out.len() > self.limits.max_len {
                        return Err(Flow::Stop("an iterator without end".into()));
                    }
                    self.step()?;
                }
                Ok(out)
            }
        }
    }

    pub(crate) fn items_iter(&self, items: Vec<Val>) -> Val {
        new_iter(IterObj::Items(VecDeque::from(items)))
    }
}
