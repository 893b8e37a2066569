//! `dict`, `Counter`, `defaultdict` and `set` methods and operators.

use std::cell::RefCell;
use std::rc::Rc;

use super::call::Args;
use super::expr::hash_key;
use super::{Interp, R, exc, type_error};
use crate::builtins::ExcType;
use crate::ir::{BinOp, Name};
use crate::sites::SiteId;
use crate::value::{DictFlavor, DictObj, SetObj, Val};

pub(crate) const DICT_METHODS: &[&str] = &[
    "get",
    "keys",
    "values",
    "items",
    "setdefault",
    "pop",
    "popitem",
    "update",
    "clear",
    "copy",
    "most_common",
    "elements",
    "subtract",
    "total",
];

pub(crate) const SET_METHODS: &[&str] = &[
    "add",
    "remove",
    "discard",
    "pop",
    "clear",
    "copy",
    "union",
    "intersection",
    "difference",
    "symmetric_difference",
    "issubset",
    "issuperset",
    "isdisjoint",
    "update",
    "intersection_update",
    "difference_update",
];

impl Interp<'_> {
    pub(crate) fn is_counter(&self, v: &Val) -> bool {
        matches!(v, Val::Dict(d) if matches!(d.borrow().flavor, DictFlavor::Counter))
    }

    pub(crate) fn copy_dict(&mut self, v: &Val) -> R<Val> {
        let Val::Dict(d) = v else {
            return Err(type_error("not a dict"));
        };
        let d = d.borrow();
        let mut out = DictObj::new(d.flavor.clone());
        for (k, x) in d.iter() {
            out.insert(hash_key(k)?, k.clone(), x.clone());
        }
        Ok(Val::Dict(Rc::new(RefCell::new(out))))
    }

    /// Adds counts from an iterable (one per element) or a mapping.
    pub(crate) fn counter_update(&mut self, d: &Val, src: &Val, site: SiteId) -> R<()> {
        let pairs: Vec<(Val, Val)> = match src {
            Val::Dict(_) => self.dict_pairs(src)?,
            other => self
                .collect(other)?
                .into_iter()
                .map(|k| (k, Val::int(1)))
                .collect(),
        };
        for (k, n) in pairs {
            self.step()?;
            let cur = self.get_item(d, &k, site)?;
            let new = self.binop(BinOp::Add, cur, n, site)?;
            self.set_item(d, k, new, site)?;
        }
        Ok(())
    }

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

    pub(crate) fn dict_method(
        &mut self,
        recv: &Val,
        name: &str,
        pos: Vec<Val>,
        kw: Vec<(Name, Val)>,
        site: SiteId,
    ) -> R<Val> {
        let Val::Dict(d) = recv else {
            return Err(type_error("not a dict"));
        };
        let mut a = Args::new(pos, kw, "dict method");
        match name {
            "get" => {
                a.check(1, 2)?;
                let key = a.pos[0].clone();
                if self.dict_find(recv, &key, site)? {
                    let k = hash_key(&key)?;
                    let v = d.borrow().get(&k).map(|(_, v)| v.clone());
                    return Ok(v.unwrap_or(Val::None));
                }
                Ok(a.get(1).cloned().unwrap_or(Val::None))
            }
            "keys" => {
                a.check(0, 0)?;
                Ok(Val::list(
                    d.borrow().iter().map(|(k, _)| k.clone()).collect(),
                ))
            }
            "values" => {
                a.check(0, 0)?;
                Ok(Val::list(
                    d.borrow().iter().map(|(_, v)| v.clone()).collect(),
                ))
            }
            "items" => {
                a.check(0, 0)?;
                Ok(Val::list(
                    d.borrow()
                        .iter()
                        .map(|(k, v)| Val::tuple(vec![k.clone(), v.clone()]))
                        .collect(),
                ))
            }
            "setdefault" => {
                a.check(1, 2)?;
                let key = a.pos[0].clone();
                if self.dict_find(recv, &key, site)? {
                    let k = hash_key(&key)?;
                    let v = d.borrow().get(&k).map(|(_, v)| v.clone());
                    return Ok(v.unwrap_or(Val::None));
                }
                let v = a.get(1).cloned().unwrap_or(Val::None);
                d.borrow_mut().insert(hash_key(&key)?, key, v.clone());
                Ok(v)
            }
            "pop" => {
                a.check(1, 2)?;
                let key = a.pos[0].clone();
                if self.dict_find(recv, &key, site)? {
                    let k = hash_key(&key)?;
                    let v = d.borrow_mut().remove(&k).map(|(_, v)| v);
                    return Ok(v.unwrap_or(Val::None));
                }
                match a.get(1) {
                    Some(v) => Ok(v.clone()),
                    None => Err(exc(ExcType::KeyError, super::repr::repr(&key))),
                }
            }
            "popitem" => {
                a.check(0, 0)?;
                let last = d.borrow().iter().last().cloned();
                match last {
                    Some((k, v)) => {
                        d.borrow_mut().remove(&hash_key(&k)?);
                        Ok(Val::tuple(vec![k, v]))
                    }
                    None => Err(exc(ExcType::KeyError, "'popitem(): dictionary is empty'")),
                }
            }
            "update" => {
                let kws = std::mem::take(&mut a.kw);
                a.check(0, 1)?;
                if self.is_counter(recv) {
                    if let Some(src) = a.get(0).cloned() {
                        self.counter_update(recv, &src, site)?;
                    }
                    return Ok(Val::None);
                }
                if let Some(src) = a.get(0).cloned() {
                    let pairs = match &src {
                        Val::Dict(_) => self.dict_pairs(&src)?,
                        other => {
                            let mut out = Vec::new();
                            for p in self.collect(other)? {
                                let kv = self.collect(&p)?;
                                if kv.len() != 2 {
                                    return Err(type_error(
                                        "dictionary update sequence element has the wrong length",
                                    ));
                                }
                                out.push((kv[0].clone(), kv[1].clone()));
                            }
                            out
                        }
                    };
                    for (k, v) in pairs {
                        self.set_item(recv, k, v, site)?;
                    }
                }
                for (k, v) in kws {
                    self.set_item(recv, Val::Str(k, None), v, site)?;
                }
                Ok(Val::None)
            }
            "clear" => {
                a.check(0, 0)?;
                d.borrow_mut().clear();
                Ok(Val::None)
            }
            "copy" => {
                a.check(0, 0)?;
                self.copy_dict(recv)
            }
            "most_common" if self.is_counter(recv) => {
                a.check(0, 1)?;
                let pairs = self.dict_pairs(recv)?;
                let items: Vec<Val> = pairs
                    .into_iter()
                    .map(|(k, v)| Val::tuple(vec![k, v]))
                    .collect();
                // Sort by count, descending and stable.
                let mut keyed = Vec::with_capacity(items.len());
                for it in items {
                    let count = match &it {
                        Val::Tuple(t) => t.items[1].clone(),
                        _ => Val::int(0),
                    };
                    keyed.push((count, it));
                }
                let counts: Vec<Val> = keyed.iter().map(|(c, _)| c.clone()).collect();
                let mut idx: Vec<usize> = (0..keyed.len()).collect();
                // Insertion sort on counts (descending, stable) with decisions.
                for i in 1..idx.len() {
                    let mut j = i;
                    while j > 0 {
                        let (gt, t) = self.less(&counts[idx[j - 1]], &counts[idx[j]], false)?;
                        self.decide(site, t.as_ref(), gt);
                        if !gt {
                            break;
                        }
                        idx.swap(j - 1, j);
                        j -= 1;
                    }
                }
                let mut out: Vec<Val> = idx.into_iter().map(|i| keyed[i].1.clone()).collect();
                if let Some(n) = a.get(0).filter(|v| !matches!(v, Val::None)) {
                    let n = self.int_arg(n, "most_common")?.to_usize().unwrap_or(0);
                    out.truncate(n);
                }
                Ok(Val::list(out))
            }
            "elements" if self.is_counter(recv) => {
                a.check(0, 0)?;
                let mut out = Vec::new();
                for (k, v) in self.dict_pairs(recv)? {
                    let n = self.int_arg(&v, "elements")?.to_i64().unwrap_or(0);
                    for _ in 0..n.max(0) {
                        out.push(k.clone());
                    }
                }
                Ok(self.items_iter(out))
            }
            "subtract" if self.is_counter(recv) => {
                a.check(1, 1)?;
                let src = a.pos[0].clone();
                let pairs: Vec<(Val, Val)> = match &src {
                    Val::Dict(_) => self.dict_pairs(&src)?,
                    other => self
                        .collect(other)?
                        .into_iter()
                        .map(|k| (k, Val::int(1)))
                        .collect(),
                };
                for (k, n) in pairs {
                    let cur = self.get_item(recv, &k, site)?;
                    let new = self.binop(BinOp::Sub, cur, n, site)?;
                    self.set_item(recv, k, new, site)?;
                }
                Ok(Val::None)
            }
            "total" if self.is_counter(recv) => {
                let mut acc = Val::int(0);
                for (_, v) in self.dict_pairs(recv)? {
                    acc = self.binop(BinOp::Add, acc, v, site)?;
                }
                Ok(acc)
            }
            _ => Err(exc(
                ExcType::AttributeError,
                format!("'{}' object has no attribute '{name}'", recv.type_name()),
            )),
        }
    }

    fn new_set(&self, frozen: bool) -> Val {
        Val::Set(Rc::new(RefCell::new(SetObj::new(frozen))))
    }

    fn set_items(&mut self, v: &Val) -> R<Vec<Val>> {
        match v {
            Val::Set(s) => Ok(s.borrow().iter().cloned().collect()),
            other => self.collect(other),
        }
    }

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

    pub(crate) fn set_method(
        &mut self,
        recv: &Val,
        name: &str,
        pos: Vec<Val>,
        kw: Vec<(Name, Val)>,
        site: SiteId,
    ) -> R<Val> {
        let Val::Set(s) = recv else {
            return Err(type_error("not a set"));
        };
        let a = Args::new(pos, kw, "set method");
        let as_set = |this: &mut Self, v: &Val| -> R<Val> {
            match v {
                Val::Set(_) => Ok(v.clone()),
                other => {
                    let out = this.new_set(false);
                    for x in this.collect(other)? {
                        this.set_add(&out, x, site)?;
                    }
                    Ok(out)
                }
            }
        };
        match name {
            "add" => {
                a.check(1, 1)?;
                self.set_add(recv, a.pos[0].clone(), site)?;
                Ok(Val::None)
            }
            "remove" | "discard" => {
                a.check(1, 1)?;
                let v = a.pos[0].clone();
                if self.dict_find(recv, &v, site)? {
                    s.borrow_mut().remove(&hash_key(&v)?);
                } else if name == "remove" {
                    return Err(exc(ExcType::KeyError, super::repr::repr(&v)));
                }
                Ok(Val::None)
            }
            "pop" => {
                a.check(0, 0)?;
                let first = s.borrow().iter().next().cloned();
                match first {
                    Some(v) => {
                        s.borrow_mut().remove(&hash_key(&v)?);
                        Ok(v)
                    }
                    None => Err(exc(ExcType::KeyError, "'pop from an empty set'")),
                }
            }
            "clear" => {
                a.check(0, 0)?;
                s.borrow_mut().clear();
                Ok(Val::None)
            }
            "copy" => {
                a.check(0, 0)?;
                self.set_operator(BinOp::BitOr, recv, &self.new_set(false), site)
            }
            "union" | "intersection" | "difference" | "symmetric_difference" => {
                let op = match name {
                    "union" => BinOp::BitOr,
                    "intersection" => BinOp::BitAnd,
                    "difference" => BinOp::Sub,
                    _ => BinOp::BitXor,
                };
                let mut acc = recv.clone();
                if a.pos.is_empty() {
                    return self.set_operator(BinOp::BitOr, recv, &self.new_set(false), site);
                }
                for other in &a.pos {
                    let o = as_set(self, other)?;
                    acc = self.set_operator(op, &acc, &o, site)?;
                }
                Ok(acc)
            }
            "update" | "intersection_update" | "difference_update" => {
                let op = match name {
                    "update" => BinOp::BitOr,
                    "intersection_update" => BinOp::BitAnd,
                    _ => BinOp::Sub,
                };
                let mut acc = recv.clone();
                for other in &a.pos {
                    let o = as_set(self, other)?;
                    acc = self.set_operator(op, &acc, &o, site)?;
                }
                let items: Vec<Val> = self.set_items(&acc)?;
                s.borrow_mut().clear();
                for v in items {
                    let k = hash_key(&v)?;
                    s.borrow_mut().insert(k, v);
                }
                Ok(Val::None)
            }
            "issubset" | "issuperset" | "isdisjoint" => {
                a.check(1, 1)?;
                let o = as_set(self, &a.pos[0])?;
                Ok(match name {
                    "issubset" => Val::bool(self.less(recv, &o, true)?.0),
                    "issuperset" => Val::bool(self.less(&o, recv, true)?.0),
                    _ => {
                        let inter = self.set_operator(BinOp::BitAnd, recv, &o, site)?;
                        Val::bool(!self.truth(&inter)?.0)
                    }
                })
            }
            _ => Err(exc(
                ExcType::AttributeError,
                format!("'{}' object has no attribute '{name}'", recv.type_name()),
            )),
        }
    }
}
