//! `dict` (and the `OrderedDict` it stands in for): insertion-ordered, keys
//! found by equality decisions when they are symbolic.

use std::cell::RefCell;
use std::rc::Rc;

use crate::builtins::ExcType;
use crate::interp::args::Args;
use crate::interp::repr::repr;
use crate::interp::state::{Interp, R, exc, hash_key, type_error, value_error};
use crate::interp::tables::Member::Method;
use crate::interp::tables::table;
use crate::interp::tables::{PyType, wrong_receiver};
use crate::sites::SiteId;
use crate::value::{DictFlavor, DictObj, Val};

/// `dict`'s methods.
pub(crate) static TYPE: PyType = PyType {
    label: "dict method",
    members: table![
        Method;
        clear, copy, fromkeys, get, items, keys, pop, popitem, setdefault, update, values,
    ],
    base: None,
};

/// The dict object of a receiver.
fn cell(recv: &Val) -> R<&Rc<RefCell<DictObj>>> {
    match recv {
        Val::Dict(d) => Ok(d),
        _ => Err(wrong_receiver("dict")),
    }
}

/// The value of `key` if the dict has it (a chain of decisions when the key
/// is symbolic).
fn lookup(it: &mut Interp<'_>, recv: &Val, key: &Val, site: SiteId) -> R<Option<Val>> {
    if !it.dict_find(recv, key, site)? {
        return Ok(None);
    }
    let k = hash_key(key)?;
    let v = cell(recv)?.borrow().get(&k).map(|(_, v)| v.clone());
    Ok(Some(v.unwrap_or(Val::None)))
}

/// `dict.fromkeys(iterable, value=None)`, a class method: the receiver
/// only gives the kind of dict (a `defaultdict` without a factory for a
/// `defaultdict`; `Counter` refuses it, as CPython's does).
fn fromkeys(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(1, 2)?;
    let flavor = match &cell(recv)?.borrow().flavor {
        DictFlavor::Plain => DictFlavor::Plain,
        DictFlavor::Default(_) => DictFlavor::Default(Val::None),
        DictFlavor::Counter => {
            return Err(exc(
                ExcType::NotImplementedError,
                "'Counter.fromkeys() is undefined.  Use Counter(iterable) instead.'",
            ));
        }
    };
    let value = a.get(1).cloned().unwrap_or(Val::None);
    let out = Val::Dict(Rc::new(RefCell::new(DictObj::new(flavor))));
    for k in it.collect(&a.pos[0])? {
        it.step()?;
        it.set_item(&out, k, value.clone(), site)?;
    }
    Ok(out)
}

fn get(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(1, 2)?;
    match lookup(it, recv, &a.pos[0], site)? {
        Some(v) => Ok(v),
        None => Ok(a.get(1).cloned().unwrap_or(Val::None)),
    }
}

fn keys(_: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 0)?;
    let d = cell(recv)?.borrow();
    Ok(Val::list(d.iter().map(|(k, _)| k.clone()).collect()))
}

fn values(_: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 0)?;
    let d = cell(recv)?.borrow();
    Ok(Val::list(d.iter().map(|(_, v)| v.clone()).collect()))
}

fn items(_: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 0)?;
    let d = cell(recv)?.borrow();
    Ok(Val::list(
        d.iter()
            .map(|(k, v)| Val::tuple(vec![k.clone(), v.clone()]))
            .collect(),
    ))
}

fn setdefault(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(1, 2)?;
    let key = a.pos[0].clone();
    if let Some(v) = lookup(it, recv, &key, site)? {
        return Ok(v);
    }
    let v = a.get(1).cloned().unwrap_or(Val::None);
    cell(recv)?
        .borrow_mut()
        .insert(hash_key(&key)?, key, v.clone());
    Ok(v)
}

fn pop(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(1, 2)?;
    let key = a.pos[0].clone();
    if it.dict_find(recv, &key, site)? {
        let k = hash_key(&key)?;
        let v = cell(recv)?.borrow_mut().remove(&k).map(|(_, v)| v);
        return Ok(v.unwrap_or(Val::None));
    }
    match a.get(1) {
        Some(v) => Ok(v.clone()),
        None => Err(exc(ExcType::KeyError, repr(&key))),
    }
}

fn popitem(_: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 0)?;
    let d = cell(recv)?;
    let last = d.borrow().iter().last().cloned();
    match last {
        Some((k, v)) => {
            d.borrow_mut().remove(&hash_key(&k)?);
            Ok(Val::tuple(vec![k, v]))
        }
        None => Err(exc(ExcType::KeyError, "'popitem(): dictionary is empty'")),
    }
}

fn update(it: &mut Interp<'_>, recv: &Val, mut a: Args, site: SiteId) -> R<Val> {
    let kws = std::mem::take(&mut a.kw);
    a.check(0, 1)?;
    if let Some(src) = a.get(0).cloned() {
        let pairs = match &src {
            Val::Dict(_) => it.dict_pairs(&src)?,
            other => {
                let mut out = Vec::new();
                for p in it.collect(other)? {
                    let kv = it.collect(&p)?;
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
            it.set_item(recv, k, v, site)?;
        }
    }
    for (k, v) in kws {
        it.set_item(recv, Val::Str(k, None), v, site)?;
    }
    Ok(Val::None)
}

fn clear(_: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 0)?;
    cell(recv)?.borrow_mut().clear();
    Ok(Val::None)
}

fn copy(it: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 0)?;
    it.copy_dict(recv)
}

impl Interp<'_> {
    /// A shallow copy of a dict, of the same flavour.
    pub(crate) fn copy_dict(&mut self, v: &Val) -> R<Val> {
        let d = cell(v)?.borrow();
        let mut out = DictObj::new(d.flavor.clone());
        for (k, x) in d.iter() {
            out.insert(hash_key(k)?, k.clone(), x.clone());
        }
        Ok(Val::Dict(Rc::new(RefCell::new(out))))
    }

    /// The entries of a dict, in order; Python's `TypeError` for other values.
    pub(crate) fn dict_pairs(&mut self, v: &Val) -> R<Vec<(Val, Val)>> {
        match v {
            Val::Dict(d) => Ok(d.borrow().iter().cloned().collect()),
            other => Err(type_error(format!(
                "'{}' object is not a mapping",
                other.type_name()
            ))),
        }
    }

    /// `dict(...)` of a flavour: from a mapping or an iterable of pairs, and
    /// keyword arguments.
    pub(crate) fn make_dict(&mut self, mut a: Args, flavor: DictFlavor, site: SiteId) -> R<Val> {
        let kw = std::mem::take(&mut a.kw);
        a.check(0, 1)?;
        let d = Val::Dict(Rc::new(RefCell::new(DictObj::new(flavor))));
        if let Some(src) = a.get(0).cloned() {
            match &src {
                Val::Dict(_) => {
                    for (k, v) in self.dict_pairs(&src)? {
                        self.set_item(&d, k, v, site)?;
                    }
                }
                other => {
                    for pair in self.collect(other)? {
                        let kv = self.collect(&pair)?;
                        if kv.len() != 2 {
                            return Err(value_error(format!(
                                "dictionary update sequence element has length {}; 2 is required",
                                kv.len()
                            )));
                        }
                        let mut kv = kv.into_iter();
                        if let (Some(k), Some(v)) = (kv.next(), kv.next()) {
                            self.set_item(&d, k, v, site)?;
                        }
                    }
                }
            }
        }
        for (k, v) in kw {
            self.set_item(&d, Val::Str(k, None), v, site)?;
        }
        Ok(d)
    }
}
