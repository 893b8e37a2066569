//! `list` (and `deque`, `tuple`) methods. A list of symbolic length keeps
//! its length term through appends and pops; searches are equality decisions.

use symtest_term::Term;

use super::call::Args;
use super::{Interp, R, exc, type_error, value_error};
use crate::builtins::ExcType;
use crate::int::PyInt;
use crate::ir::Name;
use crate::sites::SiteId;
use crate::value::Val;

pub(crate) const LIST_METHODS: &[&str] = &[
    "append",
    "extend",
    "insert",
    "pop",
    "remove",
    "index",
    "count",
    "sort",
    "reverse",
    "clear",
    "copy",
    "appendleft",
    "popleft",
    "extendleft",
    "rotate",
];

impl Interp<'_> {
    pub(crate) fn list_method(
        &mut self,
        recv: &Val,
        name: &str,
        pos: Vec<Val>,
        kw: Vec<(Name, Val)>,
        site: SiteId,
    ) -> R<Val> {
        let Val::List(l) = recv else {
            return Err(type_error("not a list"));
        };
        let deque = l.borrow().deque;
        let mut a = Args::new(pos, kw, "list method");
        match name {
            "append" => {
                a.check(1, 1)?;
                let mut lb = l.borrow_mut();
                lb.items.push(a.pos[0].clone());
                lb.len = lb.len.take().map(|t| t.plus(&Term::int(1)));
                Ok(Val::None)
            }
            "appendleft" if deque => {
                a.check(1, 1)?;
                let mut lb = l.borrow_mut();
                lb.items.insert(0, a.pos[0].clone());
                lb.len = lb.len.take().map(|t| t.plus(&Term::int(1)));
                Ok(Val::None)
            }
            "extend" | "extendleft" => {
                a.check(1, 1)?;
                let src = a.pos[0].clone();
                let src_len = match &src {
                    Val::List(x) if !std::rc::Rc::ptr_eq(x, l) => x.borrow().len.clone(),
                    Val::Tuple(t) => t.len.clone(),
                    _ => None,
                };
                let items = self.collect(&src)?;
                let mut lb = l.borrow_mut();
                let n = items.len();
                if lb.len.is_some() || src_len.is_some() {
                    let cur = lb
                        .len
                        .clone()
                        .unwrap_or_else(|| Term::int(lb.items.len() as i64));
                    lb.len = Some(cur.plus(&src_len.unwrap_or_else(|| Term::int(n as i64))));
                }
                if name == "extend" {
                    lb.items.extend(items);
                } else {
                    for x in items {
                        lb.items.insert(0, x);
                    }
                }
                Ok(Val::None)
            }
            "insert" => {
                a.check(2, 2)?;
                if a.pos[0].is_symbolic() {
                    self.pin_value(site, &a.pos[0]);
                }
                let i = self
                    .int_arg(&a.pos[0], "insert")?
                    .to_i64()
                    .unwrap_or(i64::MAX);
                let mut lb = l.borrow_mut();
                let n = lb.items.len() as i64;
                let at = if i < 0 { (i + n).max(0) } else { i.min(n) } as usize;
                lb.items.insert(at, a.pos[1].clone());
                lb.len = lb.len.take().map(|t| t.plus(&Term::int(1)));
                Ok(Val::None)
            }
            "pop" | "popleft" => {
                a.check(0, 1)?;
                let (n, len_t) = {
                    let lb = l.borrow();
                    (lb.items.len(), lb.len.clone())
                };
                let idx = match (name, a.get(0)) {
                    ("popleft", _) => 0i64,
                    (_, None) => -1,
                    (_, Some(v)) => {
                        if v.is_symbolic() {
                            self.pin_value(site, v);
                        }
                        self.int_arg(v, "pop")?.to_i64().unwrap_or(i64::MAX)
                    }
                };
                let eff = if idx < 0 { idx + n as i64 } else { idx };
                let ok = (0..n as i64).contains(&eff);
                if let Some(t) = &len_t {
                    let cond = if idx < 0 {
                        t.greater_eq(&Term::int(-idx))
                    } else {
                        t.greater(&Term::int(idx))
                    };
                    self.decide(site, Some(&cond), ok);
                }
                if !ok {
                    return Err(exc(
                        ExcType::IndexError,
                        if n == 0 {
                            "pop from empty list"
                        } else {
                            "pop index out of range"
                        },
                    ));
                }
                let mut lb = l.borrow_mut();
                let v = lb.items.remove(eff as usize);
                lb.len = lb.len.take().map(|t| t.minus(&Term::int(1)));
                Ok(v)
            }
            "remove" | "index" => {
                a.check(1, 3)?;
                let (items, len_t) = {
                    let lb = l.borrow();
                    (lb.items.clone(), lb.len.clone())
                };
                let (lo, hi) = self.search_bounds(&a, items.len())?;
                let target = a.pos[0].clone();
                let mut found = None;
                for (i, x) in items.iter().enumerate().take(hi).skip(lo) {
                    let (r, t) = self.eq(x, &target)?;
                    self.decide(site, t.as_ref(), r);
                    if r {
                        found = Some(i);
                        break;
                    }
                }
                if found.is_none()
                    && let Some(t) = &len_t
                {
                    // Not in the elements present: the length is what made it so.
                    self.decide_len(t, items.len());
                }
                let Some(i) = found else {
                    return Err(value_error(if name == "remove" {
                        "list.remove(x): x not in list".to_string()
                    } else {
                        format!("{} is not in list", super::repr::repr(&target))
                    }));
                };
                if name == "index" {
                    return Ok(Val::int(i));
                }
                let mut lb = l.borrow_mut();
                lb.items.remove(i);
                lb.len = lb.len.take().map(|t| t.minus(&Term::int(1)));
                Ok(Val::None)
            }
            "count" => {
                a.check(1, 1)?;
                let items = l.borrow().items.clone();
                self.count_equal(&items, &a.pos[0])
            }
            "sort" => {
                let key = a.kw("key");
                let reverse = a.kw("reverse");
                a.check(0, 0)?;
                let rev = match reverse {
                    Some(r) => self.truth(&r)?.0,
                    None => false,
                };
                let items = std::mem::take(&mut l.borrow_mut().items);
                let sorted = self.sort_values(items, key.as_ref(), rev, site);
                match sorted {
                    Ok(s) => {
                        l.borrow_mut().items = s;
                        Ok(Val::None)
                    }
                    Err(e) => Err(e),
                }
            }
            "reverse" => {
                a.check(0, 0)?;
                l.borrow_mut().items.reverse();
                Ok(Val::None)
            }
            "clear" => {
                a.check(0, 0)?;
                let mut lb = l.borrow_mut();
                lb.items.clear();
                lb.len = None;
                Ok(Val::None)
            }
            "copy" => {
                a.check(0, 0)?;
                let lb = l.borrow();
                Ok(super::repr::new_list(lb.items.clone(), lb.len.clone()))
            }
            "rotate" if deque => {
                a.check(0, 1)?;
                let k = match a.get(0) {
                    Some(v) => self.int_arg(v, "rotate")?.to_i64().unwrap_or(0),
                    None => 1,
                };
                let mut lb = l.borrow_mut();
                let n = lb.items.len() as i64;
                if n > 0 {
                    let k = k.rem_euclid(n) as usize;
                    lb.items.rotate_right(k);
                }
                Ok(Val::None)
            }
            _ => Err(exc(
                ExcType::AttributeError,
                format!("'{}' object has no attribute '{name}'", recv.type_name()),
            )),
        }
    }

    fn search_bounds(&mut self, a: &Args, n: usize) -> R<(usize, usize)> {
        let norm = |v: i64| -> usize {
            if v < 0 {
                (v + n as i64).max(0) as usize
            } else {
                (v as usize).min(n)
            }
        };
        let lo = match a.get(1) {
            Some(v) => norm(self.int_arg(v, "index")?.to_i64().unwrap_or(0)),
            None => 0,
        };
        let hi = match a.get(2) {
            Some(v) => norm(self.int_arg(v, "index")?.to_i64().unwrap_or(n as i64)),
            None => n,
        };
        Ok((lo, hi))
    }

    /// How many items equal `x` (a sum of equality terms when symbolic).
    pub(crate) fn count_equal(&mut self, items: &[Val], x: &Val) -> R<Val> {
        let mut n = 0usize;
        let mut terms = Vec::new();
        let mut symbolic = false;
        for item in items {
            let (r, t) = self.eq(item, x)?;
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

    pub(crate) fn tuple_method(
        &mut self,
        recv: &Val,
        name: &str,
        pos: Vec<Val>,
        kw: Vec<(Name, Val)>,
        site: SiteId,
    ) -> R<Val> {
        let Val::Tuple(t) = recv else {
            return Err(type_error("not a tuple"));
        };
        let a = Args::new(pos, kw, "tuple method");
        match name {
            "count" => {
                a.check(1, 1)?;
                let items = t.items.clone();
                self.count_equal(&items, &a.pos[0])
            }
            "index" => {
                a.check(1, 3)?;
                let (lo, hi) = self.search_bounds(&a, t.items.len())?;
                for (i, x) in t.items.iter().enumerate().take(hi).skip(lo) {
                    let (r, c) = self.eq(x, &a.pos[0])?;
                    self.decide(site, c.as_ref(), r);
                    if r {
                        return Ok(Val::int(i));
                    }
                }
                Err(value_error("tuple.index(x): x not in tuple"))
            }
            _ => Err(exc(
                ExcType::AttributeError,
                format!("'tuple' object has no attribute '{name}'"),
            )),
        }
    }
}
