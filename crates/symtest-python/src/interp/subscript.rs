//! Indexing, slicing and keyed lookup.
//!
//! An index into something of symbolic length is checked with branches
//! (`IndexError` is a path like any other); a symbolic key is looked up by
//! a chain of equality decisions against the keys present, so the explorer
//! can steer which entry, if any, it hits.

use std::rc::Rc;

use symtest_term::{Term, Value};

use super::iter::{char_at, char_len, range_items, range_len};
use super::state::{Flow, Interp, R, exc, hash_key, type_error, value_error};
use crate::builtins::ExcType;
use crate::int::PyInt;
use crate::sites::SiteId;
use crate::value::{DictFlavor, ListObj, TupleObj, Val};

/// Beyond this many symbolic candidates a lookup pins its key instead of branching.
const MAX_CHAIN: usize = 64;

/// An index or slice bound as given: concrete value and optional shadow.
struct Bound {
    v: PyInt,
    t: Option<Term>,
}

fn bound_of(v: &Val) -> R<Option<Bound>> {
    match v {
        Val::None => Ok(None),
        Val::Int(i, t) => Ok(Some(Bound {
            v: i.clone(),
            t: t.clone(),
        })),
        Val::Bool(b, t) => Ok(Some(Bound {
            v: PyInt::Small(i64::from(*b)),
            t: t.as_ref().map(Term::numeric),
        })),
        other => Err(type_error(format!(
            "slice indices must be integers or None or have an __index__ method, not {}",
            other.type_name()
        ))),
    }
}

/// What a sequence looks like to indexing.
struct SeqShape {
    n: usize,
    len: Option<Term>,
}

impl SeqShape {
    fn len_term(&self) -> Term {
        self.len.clone().unwrap_or_else(|| Term::int(self.n as i64))
    }
}

impl Interp<'_> {
    fn shape(&self, v: &Val) -> Option<SeqShape> {
        match v {
            Val::List(l) => {
                let l = l.borrow();
                Some(SeqShape {
                    n: l.items.len(),
                    len: l.len.clone(),
                })
            }
            Val::Tuple(t) => Some(SeqShape {
                n: t.items.len(),
                len: t.len.clone(),
            }),
            Val::Str(s, sh) => Some(SeqShape {
                n: char_len(s),
                len: sh.as_ref().map(Term::str_len),
            }),
            _ => None,
        }
    }

    /// Resolves `seq[i]` to a position, raising `IndexError` out of range;
    /// returns the position and its term (when symbolic).
    fn position(
        &mut self,
        shape: &SeqShape,
        idx: &Bound,
        site: SiteId,
        what: &str,
    ) -> R<(usize, Option<Term>)> {
        let n = shape.n as i64;
        let i = idx.v.to_i64().unwrap_or(i64::MAX);
        let negative = i < 0;
        if let Some(t) = &idx.t {
            self.decide(site, Some(&t.greater_eq(&Term::int(0))), !negative);
        }
        let symbolic = idx.t.is_some() || shape.len.is_some();
        let eff = if negative { i.saturating_add(n) } else { i };
        let in_range = (0..n).contains(&eff);
        let eff_t = symbolic.then(|| {
            let it = idx.t.clone().unwrap_or_else(|| Term::int(i));
            if negative {
                it.plus(&shape.len_term())
            } else {
                it
            }
        });
        if let Some(e) = &eff_t {
            let cond = if negative {
                e.greater_eq(&Term::int(0))
            } else {
                e.less(&shape.len_term())
            };
            self.decide(site, Some(&cond), in_range);
        }
        if !in_range {
            return Err(exc(
                ExcType::IndexError,
                format!("{what} index out of range"),
            ));
        }
        Ok((eff as usize, eff_t))
    }

    pub(crate) fn get_item(&mut self, v: &Val, idx: &Val, site: SiteId) -> R<Val> {
        if let Val::Opaque(o) = v
            && let crate::value::Opaque::External(obj) = &**o
        {
            return self.ext_method(obj, "__getitem__", vec![idx.clone()], Vec::new());
        }
        if let Val::Slice(parts) = idx {
            return self.get_slice(v, parts, site);
        }
        match v {
            Val::List(_) | Val::Tuple(_) | Val::Str(..) => {
                let Some(b) = bound_of_index(idx, v)? else {
                    return Err(type_error("indices must be integers"));
                };
                let shape = self.shape(v).ok_or_else(|| type_error("not a sequence"))?;
                let what = match v {
                    Val::List(_) => "list",
                    Val::Tuple(_) => "tuple",
                    _ => "string",
                };
                let (pos, pos_t) = self.position(&shape, &b, site, what)?;
                match v {
                    Val::Str(s, sh) => {
                        let c = char_at(s, pos).unwrap_or(' ');
                        let shadow = match (sh, &pos_t) {
                            (Some(t), Some(p)) => Some(t.str_at(p)),
                            (Some(t), None) => Some(t.str_at(&Term::int(pos as i64))),
                            (None, Some(p)) => Some(Term::string(s).str_at(p)),
                            (None, None) => None,
                        };
                        Ok(Val::Str(Rc::from(c.to_string().as_str()), shadow))
                    }
                    _ => {
                        if b.t.is_some()
                            && let Some(p) = &pos_t
                        {
                            // Which element is read depends on the index: keep this one.
                            self.pin(site, p, Value::int(pos as i64));
                        } else if let Some(len) = shape.len.as_ref().filter(|_| b.v.is_negative()) {
                            // `xs[-1]`: which element it is depends on the
                            // length, decided here as iterating would (a
                            // longer list is then another path, not a run
                            // that leaves this one).
                            self.decide_len(len, shape.n);
                        }
                        Ok(match v {
                            Val::List(l) => l.borrow().items[pos].clone(),
                            Val::Tuple(t) => t.items[pos].clone(),
                            _ => Val::None,
                        })
                    }
                }
            }
            Val::Dict(d) => {
                if self.dict_find(v, idx, site)? {
                    let key = hash_key(idx)?;
                    let found = d.borrow().get(&key).map(|(_, x)| x.clone());
                    if let Some(x) = found {
                        return Ok(x);
                    }
                }
                let flavor = d.borrow().flavor.clone();
                match flavor {
                    DictFlavor::Counter => Ok(Val::int(0)),
                    DictFlavor::Default(factory) => {
                        let value = self.call(&factory, Vec::new(), Vec::new(), Some(site))?;
                        let key = hash_key(idx)?;
                        d.borrow_mut().insert(key, idx.clone(), value.clone());
                        Ok(value)
                    }
                    DictFlavor::Plain => {
                        Err(exc(ExcType::KeyError, self.repr_of(idx)?).with_key(idx.clone()))
                    }
                }
            }
            Val::Range(r) => {
                let Some(b) = bound_of_index(idx, v)? else {
                    return Err(type_error("range indices must be integers"));
                };
                let n = range_len(r);
                let shape = SeqShape {
                    n: usize::try_from(n).unwrap_or(usize::MAX),
                    len: None,
                };
                let (pos, _) = self.position(&shape, &b, site, "range object")?;
                Ok(Val::Int(r.start.add(&r.step.mul(&PyInt::from(pos))), None))
            }
            Val::Bytes(bytes) => {
                let Some(b) = bound_of_index(idx, v)? else {
                    return Err(type_error("byte indices must be integers"));
                };
                let shape = SeqShape {
                    n: bytes.len(),
                    len: None,
                };
                let (pos, _) = self.position(&shape, &b, site, "index")?;
                Ok(Val::int(i64::from(bytes[pos])))
            }
            Val::Builtin(_) => Ok(v.clone()),
            other => Err(type_error(format!(
                "'{}' object is not subscriptable",
                other.type_name()
            ))),
        }
    }

    fn get_slice(&mut self, v: &Val, parts: &[Val; 3], site: SiteId) -> R<Val> {
        let Some(shape) = self.shape(v) else {
            if let Val::Range(r) = v {
                let items: Vec<Val> = range_items(r, self.limits.max_len)?
                    .into_iter()
                    .map(|i| Val::Int(i, None))
                    .collect();
                let sliced = self.get_slice(&Val::list(items), parts, site)?;
                return Ok(match sliced {
                    Val::List(l) => Val::list(l.borrow().items.clone()),
                    x => x,
                });
            }
            return Err(type_error(format!(
                "'{}' object is not subscriptable",
                v.type_name()
            )));
        };
        let step = match bound_of(&parts[2])? {
            None => 1i64,
            Some(b) => {
                if let Some(t) = &b.t {
                    self.pin(site, t, Value::Int(b.v.to_big()));
                }
                b.v.to_i64().unwrap_or(i64::MAX)
            }
        };
        if step == 0 {
            return Err(value_error("slice step cannot be zero"));
        }
        let lower = bound_of(&parts[0])?;
        let upper = bound_of(&parts[1])?;
        if step == 1 {
            return self.simple_slice(v, &shape, lower, upper, site);
        }
        // Other steps: positions as Python's slice.indices computes them, for this length.
        if let Some(l) = &shape.len {
            self.decide_len(l, shape.n);
        }
        for b in [&lower, &upper].into_iter().flatten() {
            if let Some(t) = &b.t {
                self.pin(site, t, Value::Int(b.v.to_big()));
            }
        }
        let positions = slice_positions(
            shape.n as i64,
            lower.as_ref().map(|b| b.v.to_i64().unwrap_or(i64::MAX)),
            upper.as_ref().map(|b| b.v.to_i64().unwrap_or(i64::MAX)),
            step,
        );
        Ok(match v {
            Val::Str(s, sh) => {
                let chars: Vec<char> = s.chars().collect();
                let text: String = positions.iter().map(|p| chars[*p]).collect();
                let shadow = sh.as_ref().map(|t| {
                    symtest_term::concat(positions.iter().map(|p| t.str_at(&Term::int(*p as i64))))
                });
                Val::Str(Rc::from(text.as_str()), shadow)
            }
            Val::List(l) => {
                let l = l.borrow();
                Val::list(positions.iter().map(|p| l.items[*p].clone()).collect())
            }
            Val::Tuple(t) => Val::tuple(positions.iter().map(|p| t.items[*p].clone()).collect()),
            _ => Val::None,
        })
    }

    /// `seq[a:b]`: bounds normalised against the length with branches where
    /// it is symbolic, so the slice's length and contents stay symbolic.
    fn simple_slice(
        &mut self,
        v: &Val,
        shape: &SeqShape,
        lower: Option<Bound>,
        upper: Option<Bound>,
        site: SiteId,
    ) -> R<Val> {
        let n = shape.n as i64;
        let symbolic = shape.len.is_some()
            || lower.as_ref().is_some_and(|b| b.t.is_some())
            || upper.as_ref().is_some_and(|b| b.t.is_some());
        let len_t = shape.len_term();
        let start_symbolic = lower.as_ref().is_some_and(|b| b.t.is_some());
        let norm = |this: &mut Self, b: Option<Bound>, default: i64, default_t: Term| {
            let Some(b) = b else {
                return (default, default_t);
            };
            let c = b.v.to_i64().unwrap_or(if b.v.is_negative() {
                i64::MIN
            } else {
                i64::MAX
            });
            let ct = b.t.clone().unwrap_or_else(|| Term::int(c));
            if let Some(t) = &b.t {
                this.decide(site, Some(&t.greater_eq(&Term::int(0))), c >= 0);
            }
            if c >= 0 {
                let ok = c <= n;
                if symbolic {
                    this.decide(site, Some(&ct.less_eq(&len_t)), ok);
                }
                if ok { (c, ct) } else { (n, len_t.clone()) }
            } else {
                let shifted = c.saturating_add(n);
                let st = ct.plus(&len_t);
                let ok = shifted >= 0;
                if symbolic {
                    this.decide(site, Some(&st.greater_eq(&Term::int(0))), ok);
                }
                if ok { (shifted, st) } else { (0, Term::int(0)) }
            }
        };
        let (s, s_t) = norm(self, lower, 0, Term::int(0));
        let (e, e_t) = norm(self, upper, n, len_t.clone());
        let nonempty = e >= s;
        if symbolic {
            self.decide(site, Some(&e_t.greater_eq(&s_t)), nonempty);
        }
        let (lo, hi) = (s as usize, if nonempty { e as usize } else { s as usize });
        let count_t = if nonempty {
            e_t.minus(&s_t)
        } else {
            Term::int(0)
        };
        Ok(match v {
            Val::Str(text, sh) => {
                let sub: String = if text.is_ascii() {
                    text[lo..hi].to_string()
                } else {
                    text.chars().skip(lo).take(hi - lo).collect()
                };
                let shadow = if symbolic {
                    let base = sh.clone().unwrap_or_else(|| Term::string(text));
                    Some(base.str_substr(&s_t, &count_t))
                } else {
                    None
                };
                Val::Str(Rc::from(sub.as_str()), shadow)
            }
            Val::List(l) => {
                if start_symbolic {
                    // Which elements are taken depends on a symbolic start: keep it.
                    self.pin(site, &s_t, Value::int(s));
                }
                let items = l.borrow().items[lo..hi].to_vec();
                let len = symbolic.then_some(count_t);
                Val::List(Rc::new(std::cell::RefCell::new(ListObj {
                    items,
                    len: len.filter(|t| !t.is_const()),
                    deque: false,
                })))
            }
            Val::Tuple(t) => {
                if start_symbolic {
                    self.pin(site, &s_t, Value::int(s));
                }
                let items = t.items[lo..hi].to_vec();
                Val::Tuple(Rc::new(TupleObj {
                    items,
                    len: symbolic.then_some(count_t).filter(|t| !t.is_const()),
                }))
            }
            _ => Val::None,
        })
    }

    /// `obj[idx] = value`.
    pub(crate) fn set_item(&mut self, obj: &Val, idx: Val, value: Val, site: SiteId) -> R<()> {
        match obj {
            Val::List(l) => {
                if let Val::Slice(parts) = &idx {
                    return self.set_slice(obj, parts, value, site);
                }
                let pos = self.assigned_position(obj, &idx, site)?;
                l.borrow_mut().items[pos] = value;
                Ok(())
            }
            Val::Dict(d) => {
                let key = hash_key(&idx)?;
                let found = self.dict_find(obj, &idx, site)?;
                let mut d = d.borrow_mut();
                if found {
                    if let Some(i) = d.index.get(&key).copied()
                        && let Some(e) = d.entries[i].as_mut()
                    {
                        e.1 = value;
                    }
                } else {
                    d.insert(key, idx, value);
                }
                Ok(())
            }
            other => Err(type_error(format!(
                "'{}' object does not support item assignment",
                other.type_name()
            ))),
        }
    }

    /// The position in list `obj` that `obj[idx] = ...` or `del obj[idx]`
    /// writes, pinned when the index is symbolic.
    fn assigned_position(&mut self, obj: &Val, idx: &Val, site: SiteId) -> R<usize> {
        let Some(b) = bound_of_index(idx, obj)? else {
            return Err(type_error("list indices must be integers or slices"));
        };
        let shape = self.shape(obj).ok_or_else(|| type_error("not a list"))?;
        let (pos, pos_t) = self.position(&shape, &b, site, "list assignment")?;
        if b.t.is_some()
            && let Some(p) = &pos_t
        {
            self.pin(site, p, Value::int(pos as i64));
        }
        Ok(pos)
    }

    fn set_slice(&mut self, obj: &Val, parts: &[Val; 3], value: Val, site: SiteId) -> R<()> {
        let Val::List(l) = obj else {
            return Err(type_error("slice assignment to a non-list"));
        };
        let new_items = self.collect(&value)?;
        let shape = self.shape(obj).ok_or_else(|| type_error("not a list"))?;
        if let Some(t) = &shape.len {
            self.decide_len(t, shape.n);
        }
        let mut get = |v: &Val| -> R<Option<i64>> {
            Ok(match bound_of(v)? {
                Some(b) => {
                    if let Some(t) = &b.t {
                        self.pin(site, t, Value::Int(b.v.to_big()));
                    }
                    Some(b.v.to_i64().unwrap_or(i64::MAX))
                }
                None => None,
            })
        };
        let lo = get(&parts[0])?;
        let hi = get(&parts[1])?;
        let step = get(&parts[2])?.unwrap_or(1);
        let positions = slice_positions(shape.n as i64, lo, hi, step);
        let mut lb = l.borrow_mut();
        if step == 1 {
            let (a, b) = match (positions.first(), positions.last()) {
                (Some(a), Some(b)) => (*a, *b + 1),
                _ => {
                    let a = norm_start(shape.n as i64, lo);
                    (a, a)
                }
            };
            lb.items.splice(a..b, new_items);
        } else {
            if positions.len() != new_items.len() {
                return Err(value_error(format!(
                    "attempt to assign sequence of size {} to extended slice of size {}",
                    new_items.len(),
                    positions.len()
                )));
            }
            for (p, v) in positions.into_iter().zip(new_items) {
                lb.items[p] = v;
            }
        }
        lb.len = None;
        Ok(())
    }

    pub(crate) fn del_item(&mut self, obj: &Val, idx: Val, site: SiteId) -> R<()> {
        match obj {
            Val::List(l) => {
                if let Val::Slice(parts) = &idx {
                    let shape = self.shape(obj).ok_or_else(|| type_error("not a list"))?;
                    if let Some(t) = &shape.len {
                        self.decide_len(t, shape.n);
                    }
                    let b = |v: &Val| -> R<Option<i64>> {
                        Ok(bound_of(v)?.map(|b| b.v.to_i64().unwrap_or(i64::MAX)))
                    };
                    let positions = slice_positions(
                        shape.n as i64,
                        b(&parts[0])?,
                        b(&parts[1])?,
                        b(&parts[2])?.unwrap_or(1),
                    );
                    let mut lb = l.borrow_mut();
                    let mut keep = Vec::with_capacity(lb.items.len());
                    for (i, x) in lb.items.drain(..).enumerate() {
                        if !positions.contains(&i) {
                            keep.push(x);
                        }
                    }
                    lb.items = keep;
                    lb.len = None;
                    return Ok(());
                }
                let pos = self.assigned_position(obj, &idx, site)?;
                let mut lb = l.borrow_mut();
                lb.items.remove(pos);
                lb.len = lb.len.take().map(|t| t.minus(&Term::int(1)));
                Ok(())
            }
            Val::Dict(d) => {
                let key = hash_key(&idx)?;
                if !self.dict_find(obj, &idx, site)? {
                    return Err(exc(ExcType::KeyError, self.repr_of(&idx)?).with_key(idx));
                }
                d.borrow_mut().remove(&key);
                Ok(())
            }
            other => Err(type_error(format!(
                "'{}' object does not support item deletion",
                other.type_name()
            ))),
        }
    }

    /// Is `key` among the keys of dict or set `container`? Decided by a
    /// chain of equality branches when keys or `key` are symbolic.
    pub(crate) fn dict_find(&mut self, container: &Val, key: &Val, site: SiteId) -> R<bool> {
        let k = hash_key(key)?;
        let keys: Vec<Val> = match container {
            Val::Dict(d) => d.borrow().iter().map(|(k, _)| k.clone()).collect(),
            Val::Set(s) => s.borrow().in_insertion_order().cloned().collect(),
            _ => return Ok(false),
        };
        let present = |this: &Self| -> bool {
            let _ = this;
            match container {
                Val::Dict(d) => d.borrow().index.contains_key(&k),
                Val::Set(s) => s.borrow().contains(&k),
                _ => false,
            }
        };
        let key_symbolic = key.is_symbolic();
        let relevant: Vec<&Val> = keys
            .iter()
            .filter(|e| key_symbolic || e.is_symbolic())
            .collect();
        if relevant.is_empty() {
            return Ok(present(self));
        }
        if relevant.len() > MAX_CHAIN {
            self.pin_value(site, key);
            return Ok(present(self));
        }
        for e in relevant {
            let (r, t) = self.eq(key, e)?;
            self.decide(site, t.as_ref(), r);
            if r {
                return Ok(true);
            }
        }
        Ok(present(self))
    }

    pub(crate) fn set_add(&mut self, set: &Val, v: Val, site: SiteId) -> R<()> {
        let key = hash_key(&v)?;
        if !self.dict_find(set, &v, site)?
            && let Val::Set(s) = set
        {
            s.borrow_mut().insert(key, v);
        }
        Ok(())
    }
}

/// Python's `slice.indices` then the positions it selects.
pub(crate) fn slice_positions(n: i64, lo: Option<i64>, hi: Option<i64>, step: i64) -> Vec<usize> {
    let (start, stop) = if step > 0 {
        let clamp = |x: i64| -> i64 { if x < 0 { (x + n).max(0) } else { x.min(n) } };
        (lo.map_or(0, clamp), hi.map_or(n, clamp))
    } else {
        let clamp = |x: i64| -> i64 { if x < 0 { (x + n).max(-1) } else { x.min(n - 1) } };
        (lo.map_or(n - 1, clamp), hi.map_or(-1, clamp))
    };
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        if i >= 0 && i < n {
            out.push(i as usize);
        }
        i += step;
    }
    out
}

fn norm_start(n: i64, lo: Option<i64>) -> usize {
    match lo {
        None => 0,
        Some(x) if x < 0 => (x + n).max(0) as usize,
        Some(x) => x.min(n) as usize,
    }
}

fn bound_of_index(idx: &Val, _seq: &Val) -> R<Option<Bound>> {
    match idx {
        Val::Int(..) | Val::Bool(..) => bound_of(idx),
        Val::Float(..) => Err(type_error("indices must be integers or slices, not float")),
        Val::Str(..) => Err(type_error("indices must be integers or slices, not str")),
        _ => Ok(None),
    }
}

trait WithKey {
    fn with_key(self, key: Val) -> Flow;
}

impl WithKey for Flow {
    /// `KeyError`'s argument is the key itself, not its repr.
    fn with_key(self, key: Val) -> Flow {
        match self {
            Flow::Exc(e) => Flow::Exc(Rc::new(crate::value::ExcObj {
                kind: e.kind,
                args: vec![key],
                class: e.class.clone(),
            })),
            other => other,
        }
    }
}
