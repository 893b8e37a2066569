//! Comparisons: Python's `==`, ordering and `in`, each returning the
//! concrete answer and, when any operand is symbolic, a Bool term that is
//! true exactly when the answer is (under the current model, and under
//! others as far as the shapes of the operands allow).

use std::cell::RefCell;
use std::cmp::Ordering;

use symtest_term::{Term, Value};

use super::answer::{Answer, all_of, any_of, not, str_terms};
use super::iter::range_items;
use super::numeric::{Num, as_num};
use super::state::{Interp, R, hash_key, term_of, type_error};
use crate::ir::CmpOp;
use crate::sites::SiteId;
use crate::value::{ListObj, Val, key_of};

/// `op` on the numeric terms of numbers `a` and `b`, when either is
/// symbolic.
fn numeric_term(a: &Val, b: &Val, op: impl FnOnce(Term, Term) -> Term) -> Option<Term> {
    if a.shadow().is_none() && b.shadow().is_none() {
        return None;
    }
    match (term_of(a), term_of(b)) {
        (Some(s), Some(t)) => Some(op(s.numeric(), t.numeric())),
        _ => None,
    }
}

/// A list's items and length term, copied out so that comparing them may
/// run code that borrows the list again.
fn snapshot(l: &RefCell<ListObj>) -> (Vec<Val>, Option<Term>) {
    let l = l.borrow();
    (l.items.clone(), l.len.clone())
}

fn len_term(len: Option<&Term>, n: usize) -> Term {
    len.cloned().unwrap_or_else(|| Term::int(n as i64))
}

impl Interp<'_> {
    pub(crate) fn compare(&mut self, op: CmpOp, a: &Val, b: &Val, site: SiteId) -> R<Answer> {
        if !matches!(op, CmpOp::Is | CmpOp::IsNot)
            && (Self::holds_external(a) || Self::holds_external(b))
        {
            return self.ext_compare(op, a, b);
        }
        Ok(match op {
            CmpOp::Eq => self.eq(a, b)?,
            CmpOp::NotEq => not(self.eq(a, b)?),
            CmpOp::Lt => self.less(a, b, false)?,
            CmpOp::LtE => self.less(a, b, true)?,
            CmpOp::Gt => self.less(b, a, false)?,
            CmpOp::GtE => self.less(b, a, true)?,
            CmpOp::Is => self.is(a, b)?,
            CmpOp::IsNot => not(self.is(a, b)?),
            CmpOp::In => self.contains(b, a, site)?,
            CmpOp::NotIn => not(self.contains(b, a, site)?),
        })
    }

    fn is(&mut self, a: &Val, b: &Val) -> R<Answer> {
        Ok(match (a, b) {
            (Val::None, Val::None) => (true, None),
            (Val::Bool(..), Val::Bool(..)) => self.eq(a, b)?,
            (Val::List(x), Val::List(y)) => (std::rc::Rc::ptr_eq(x, y), None),
            (Val::Dict(x), Val::Dict(y)) => (std::rc::Rc::ptr_eq(x, y), None),
            (Val::Set(x), Val::Set(y)) => (std::rc::Rc::ptr_eq(x, y), None),
            (Val::Func(x), Val::Func(y)) => (std::rc::Rc::ptr_eq(x, y), None),
            (Val::Builtin(x), Val::Builtin(y)) => (x == y, None),
            (Val::Int(..), Val::Int(..)) | (Val::Str(..), Val::Str(..)) => {
                // Identity of equal small ints and interned strings, as CPython has it.
                let (r, _) = self.eq(a, b)?;
                (r, None)
            }
            (Val::Tuple(x), Val::Tuple(y)) => (std::rc::Rc::ptr_eq(x, y), None),
            (Val::Opaque(x), Val::Opaque(y)) => (std::rc::Rc::ptr_eq(x, y), None),
            (Val::Exc(x), Val::Exc(y)) => (std::rc::Rc::ptr_eq(x, y), None),
            _ => (false, None),
        })
    }

    /// Python's `a == b`.
    pub(crate) fn eq(&mut self, a: &Val, b: &Val) -> R<Answer> {
        if let (Some(x), Some(y)) = (as_num(a), as_num(b)) {
            let concrete = match (&x, &y) {
                (Num::I(p, _), Num::I(q, _)) => p == q,
                (Num::I(p, _), Num::F(f, _)) | (Num::F(f, _), Num::I(p, _)) => {
                    p.cmp_f64(*f) == Some(Ordering::Equal)
                }
                (Num::F(f, _), Num::F(g, _)) => f == g,
            };
            let term = numeric_term(a, b, |s, t| s.equal(&t));
            return Ok((concrete, term));
        }
        Ok(match (a, b) {
            (Val::Str(x, s), Val::Str(y, t)) => {
                if self.io.is_some() {
                    match (s, t) {
                        (Some(s), None) => self.note_stdin_compare(s, y),
                        (None, Some(t)) => self.note_stdin_compare(t, x),
                        _ => {}
                    }
                }
                let term = if s.is_some() || t.is_some() {
                    Some(
                        s.clone()
                            .unwrap_or_else(|| Term::string(x))
                            .equal(&t.clone().unwrap_or_else(|| Term::string(y))),
                    )
                } else {
                    None
                };
                (x == y, term)
            }
            (Val::None, Val::None) | (Val::Ellipsis, Val::Ellipsis) => (true, None),
            (Val::List(x), Val::List(y)) => {
                let ((xi, xl), (yi, yl)) = (snapshot(x), snapshot(y));
                self.seq_eq(&xi, xl.as_ref(), &yi, yl.as_ref())?
            }
            (Val::Tuple(x), Val::Tuple(y)) => {
                self.seq_eq(&x.items, x.len.as_ref(), &y.items, y.len.as_ref())?
            }
            (Val::Dict(x), Val::Dict(y)) => {
                let xs: Vec<(Val, Val)> = x.borrow().iter().cloned().collect();
                let ys = y.borrow();
                if xs.len() != ys.live {
                    return Ok((false, None));
                }
                let mut parts = Vec::new();
                let mut pairs = Vec::new();
                for (k, v) in &xs {
                    let Some(key) = key_of(k) else {
                        return Ok((false, None));
                    };
                    match ys.get(&key) {
                        Some((_, w)) => pairs.push((v.clone(), w.clone())),
                        None => return Ok((false, None)),
                    }
                }
                drop(ys);
                for (v, w) in pairs {
                    parts.push(self.eq(&v, &w)?);
                }
                all_of(parts)
            }
            (Val::Set(x), Val::Set(y)) => {
                let (x, y) = (x.borrow(), y.borrow());
                (x.live == y.live && x.keys().all(|k| y.contains(k)), None)
            }
            (Val::Range(x), Val::Range(y)) => {
                let xs = range_items(x, self.limits.max_len)?;
                let ys = range_items(y, self.limits.max_len)?;
                (xs == ys, None)
            }
            (Val::Bytes(x), Val::Bytes(y)) => (x == y, None),
            (Val::Builtin(x), Val::Builtin(y)) => (x == y, None),
            (Val::Func(x), Val::Func(y)) => (std::rc::Rc::ptr_eq(x, y), None),
            (Val::Exc(x), Val::Exc(y)) => (std::rc::Rc::ptr_eq(x, y), None),
            (Val::Opaque(x), Val::Opaque(y)) => (std::rc::Rc::ptr_eq(x, y), None),
            _ => (false, None),
        })
    }

    fn seq_eq(&mut self, x: &[Val], xl: Option<&Term>, y: &[Val], yl: Option<&Term>) -> R<Answer> {
        let len_answer = if xl.is_some() || yl.is_some() {
            Some(len_term(xl, x.len()).equal(&len_term(yl, y.len())))
        } else {
            None
        };
        if x.len() != y.len() {
            return Ok((false, len_answer));
        }
        let mut parts = vec![(true, len_answer)];
        for (a, b) in x.iter().zip(y) {
            parts.push(self.eq(a, b)?);
        }
        Ok(all_of(parts))
    }

    /// `a < b` (`a <= b` when `or_equal`).
    pub(crate) fn less(&mut self, a: &Val, b: &Val, or_equal: bool) -> R<Answer> {
        if let (Some(x), Some(y)) = (as_num(a), as_num(b)) {
            let ord = match (&x, &y) {
                (Num::I(p, _), Num::I(q, _)) => Some(p.cmp(q)),
                (Num::I(p, _), Num::F(f, _)) => p.cmp_f64(*f),
                (Num::F(f, _), Num::I(q, _)) => q.cmp_f64(*f).map(Ordering::reverse),
                (Num::F(f, _), Num::F(g, _)) => f.partial_cmp(g),
            };
            let concrete = match ord {
                Some(Ordering::Less) => true,
                Some(Ordering::Equal) => or_equal,
                _ => false,
            };
            let term = numeric_term(
                a,
                b,
                |s, t| {
                    if or_equal { s.less_eq(&t) } else { s.less(&t) }
                },
            );
            return Ok((concrete, term));
        }
        Ok(match (a, b) {
            (Val::Str(x, s), Val::Str(y, t)) => {
                let concrete = if or_equal { x <= y } else { x < y };
                let term = str_terms(x, s.as_ref(), y, t.as_ref()).map(|(p, q)| {
                    if or_equal {
                        p.str_less_eq(&q)
                    } else {
                        p.str_less(&q)
                    }
                });
                (concrete, term)
            }
            (Val::List(x), Val::List(y)) => {
                let ((xi, xl), (yi, yl)) = (snapshot(x), snapshot(y));
                self.seq_less(&xi, xl.as_ref(), &yi, yl.as_ref(), or_equal)?
            }
            (Val::Tuple(x), Val::Tuple(y)) => {
                self.seq_less(&x.items, x.len.as_ref(), &y.items, y.len.as_ref(), or_equal)?
            }
            (Val::Set(x), Val::Set(y)) => {
                let (x, y) = (x.borrow(), y.borrow());
                let subset = x.keys().all(|k| y.contains(k));
                (subset && (or_equal || x.live < y.live), None)
            }
            _ => {
                return Err(type_error(format!(
                    "'{}' not supported between instances of '{}' and '{}'",
                    if or_equal { "<=" } else { "<" },
                    a.type_name(),
                    b.type_name()
                )));
            }
        })
    }

    /// Lexicographic order: the first unequal pair decides, else the lengths.
    fn seq_less(
        &mut self,
        x: &[Val],
        xl: Option<&Term>,
        y: &[Val],
        yl: Option<&Term>,
        or_equal: bool,
    ) -> R<Answer> {
        let n = x.len().min(y.len());
        let mut eqs = Vec::with_capacity(n);
        let mut first_diff = None;
        for i in 0..n {
            let e = self.eq(&x[i], &y[i])?;
            if !e.0 && first_diff.is_none() {
                first_diff = Some(i);
            }
            eqs.push(e);
            if first_diff.is_some() && eqs.iter().all(|e| e.1.is_none()) {
                // Concrete prefix up to a concrete difference: the rest cannot matter.
                break;
            }
        }
        let concrete = match first_diff {
            Some(i) => self.less(&x[i], &y[i], false)?.0,
            None => {
                if or_equal {
                    x.len() <= y.len()
                } else {
                    x.len() < y.len()
                }
            }
        };
        let symbolic = eqs.iter().any(|e| e.1.is_some()) || xl.is_some() || yl.is_some();
        if !symbolic {
            return Ok((concrete, None));
        }
        // OR over i of (all equal before i, unequal at i, less at i), or all equal and the lengths decide.
        let mut alternatives = Vec::new();
        let mut prefix: Vec<Term> = Vec::new();
        for (i, e) in eqs.iter().enumerate() {
            let eq_t = e.1.clone().unwrap_or_else(|| Term::bool(e.0));
            let lt = self.less(&x[i], &y[i], false)?;
            let lt_t = lt.1.unwrap_or_else(|| Term::bool(lt.0));
            let mut conj = prefix.clone();
            conj.push(!&eq_t);
            conj.push(lt_t);
            alternatives.push(Term::and(conj));
            prefix.push(eq_t);
        }
        if eqs.len() == n {
            let (lx, ly) = (len_term(xl, x.len()), len_term(yl, y.len()));
            let mut conj = prefix;
            conj.push(if or_equal {
                lx.less_eq(&ly)
            } else {
                lx.less(&ly)
            });
            alternatives.push(Term::and(conj));
        }
        Ok((concrete, Some(Term::or(alternatives))))
    }

    /// `x in container`.
    pub(crate) fn contains(&mut self, container: &Val, x: &Val, site: SiteId) -> R<Answer> {
        match container {
            Val::Str(hay, hs) => {
                let Val::Str(needle, ns) = x else {
                    return Err(type_error(format!(
                        "'in <string>' requires string as left operand, not {}",
                        x.type_name()
                    )));
                };
                let term = if hs.is_some() || ns.is_some() {
                    let h = hs.clone().unwrap_or_else(|| Term::string(hay));
                    let n = ns.clone().unwrap_or_else(|| Term::string(needle));
                    Some(h.str_contains(&n))
                } else {
                    None
                };
                Ok((hay.contains(&**needle), term))
            }
            Val::List(l) => {
                let (items, len) = {
                    let l = l.borrow();
                    (l.items.clone(), l.len.clone())
                };
                self.scan(&items, len.as_ref(), x)
            }
            Val::Tuple(t) => {
                let t = t.clone();
                self.scan(&t.items, t.len.as_ref(), x)
            }
            Val::Dict(d) => {
                let keys: Vec<Val> = d.borrow().iter().map(|(k, _)| k.clone()).collect();
                self.key_scan(&keys, x)
            }
            Val::Set(s) => {
                let keys: Vec<Val> = s.borrow().in_insertion_order().cloned().collect();
                self.key_scan(&keys, x)
            }
            Val::Range(r) => {
                let Some(Num::I(v, vs)) = as_num(x) else {
                    let items = range_items(r, self.limits.max_len)?;
                    let mut found = false;
                    for i in items {
                        found |= self.eq(&Val::Int(i, None), x)?.0;
                    }
                    return Ok((found, None));
                };
                let inside = |v: &PyIntRef| -> bool {
                    let step = &r.step;
                    if step.is_negative() {
                        v.0.cmp(&r.start) != Ordering::Greater
                            && v.0.cmp(&r.stop) == Ordering::Greater
                    } else {
                        v.0.cmp(&r.start) != Ordering::Less && v.0.cmp(&r.stop) == Ordering::Less
                    }
                };
                let off = v.sub(&r.start);
                let aligned = off.modulo(&r.step).is_some_and(|m| m.is_zero());
                let concrete = inside(&PyIntRef(&v)) && aligned;
                let term = if vs.is_some() || r.start_t.is_some() || r.stop_t.is_some() {
                    let vt = vs.unwrap_or_else(|| Term::int(v.to_big()));
                    let st = r
                        .start_t
                        .clone()
                        .unwrap_or_else(|| Term::int(r.start.to_big()));
                    let et = r
                        .stop_t
                        .clone()
                        .unwrap_or_else(|| Term::int(r.stop.to_big()));
                    let bounds = if r.step.is_negative() {
                        Term::and([vt.less_eq(&st), vt.greater(&et)])
                    } else {
                        Term::and([vt.greater_eq(&st), vt.less(&et)])
                    };
                    let step_t = Term::int(r.step.to_big());
                    let align = vt
                        .minus(&st)
                        .int_mod(&step_t, symtest_term::Rounding::Floor)
                        .equal(&Term::int(0));
                    Some(Term::and([bounds, align]))
                } else {
                    None
                };
                Ok((concrete, term))
            }
            Val::Iter(_) => {
                let items = self.collect(container)?;
                self.scan(&items, None, x)
            }
            Val::Bytes(b) => match x {
                Val::Int(i, _) => Ok((
                    i.to_i64()
                        .and_then(|i| u8::try_from(i).ok())
                        .is_some_and(|i| b.contains(&i)),
                    None,
                )),
                _ => Ok((false, None)),
            },
            other => {
                let _ = site;
                Err(type_error(format!(
                    "argument of type '{}' is not iterable",
                    other.type_name()
                )))
            }
        }
    }

    /// Linear search with `==` (what `in` does on sequences).
    fn scan(&mut self, items: &[Val], len: Option<&Term>, x: &Val) -> R<Answer> {
        let mut parts = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let e = self.eq(x, item)?;
            let guarded = match len {
                Some(l) => {
                    let present = l.greater(&Term::int(i as i64));
                    (
                        e.0,
                        Some(Term::and([present, e.1.unwrap_or_else(|| Term::bool(e.0))])),
                    )
                }
                None => e,
            };
            parts.push(guarded);
        }
        Ok(any_of(parts))
    }

    /// Membership among hashed keys: the concrete answer by hash, the term by equality.
    fn key_scan(&mut self, keys: &[Val], x: &Val) -> R<Answer> {
        let key = hash_key(x)?;
        let symbolic = x.is_symbolic() || keys.iter().any(Val::is_symbolic);
        let concrete = keys.iter().any(|k| key_of(k).as_ref() == Some(&key));
        if !symbolic {
            return Ok((concrete, None));
        }
        let mut parts = Vec::with_capacity(keys.len());
        for k in keys {
            if x.is_symbolic() || k.is_symbolic() {
                parts.push(self.eq(x, k)?);
            } else {
                parts.push((key_of(k).as_ref() == Some(&key), None));
            }
        }
        let (_, term) = any_of(parts);
        Ok((concrete, term))
    }

    /// Reports the value `term` has now, so later models keep it (used where an
    /// operation is modelled only for the current value).
    pub(crate) fn pin_value(&mut self, site: SiteId, v: &Val) {
        match v {
            Val::Int(i, Some(t)) => self.pin(site, t, Value::Int(i.to_big())),
            Val::Str(s, Some(t)) => self.pin(site, t, Value::str(s)),
            Val::Bool(b, Some(t)) => self.pin(site, t, Value::Bool(*b)),
            Val::Float(f, Some(t)) => {
                if let Some(r) = Value::real_from_f64(*f) {
                    self.pin(site, t, r);
                }
            }
            _ => {}
        }
    }
}

struct PyIntRef<'a>(&'a crate::int::PyInt);
