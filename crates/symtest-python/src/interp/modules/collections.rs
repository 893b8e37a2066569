//! `collections`: its container classes. A `Counter` or `defaultdict` is a
//! dict of that flavour, a `deque` a list marked as one, an `OrderedDict` a
//! plain dict (dicts keep insertion order).

use std::cell::RefCell;
use std::rc::Rc;

use crate::interp::args::Args;
use crate::interp::state::{Interp, R, unsupported};
use crate::interp::tables::ModuleMember::Class;
use crate::interp::tables::{PyModule, Unknown};
use crate::sites::SiteId;
use crate::value::{DictFlavor, DictObj, Val};

/// `collections`' classes.
pub(crate) static MODULE: PyModule = PyModule {
    members: &[
        (
            "Counter",
            Class {
                new: counter,
                instance: Some(
                    |v| matches!(v, Val::Dict(d) if matches!(d.borrow().flavor, DictFlavor::Counter)),
                ),
            },
        ),
        (
            "OrderedDict",
            Class {
                new: ordered_dict,
                instance: Some(|v| matches!(v, Val::Dict(_))),
            },
        ),
        (
            "defaultdict",
            Class {
                new: defaultdict,
                instance: None,
            },
        ),
        (
            "deque",
            Class {
                new: deque,
                instance: None,
            },
        ),
    ],
    unknown: Unknown::Unsupported,
};

fn counter(it: &mut Interp<'_>, a: Args, site: SiteId) -> R<Val> {
    a.check(0, 1)?;
    let d = Val::Dict(Rc::new(RefCell::new(DictObj::new(DictFlavor::Counter))));
    if let Some(src) = a.get(0).cloned() {
        it.counter_update(&d, &src, site)?;
    }
    Ok(d)
}

fn ordered_dict(it: &mut Interp<'_>, a: Args, site: SiteId) -> R<Val> {
    it.make_dict(a, DictFlavor::Plain, site)
}

/// `defaultdict(factory)`; without a factory, a plain dict.
fn defaultdict(_: &mut Interp<'_>, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 1)?;
    let factory = a.get(0).cloned().unwrap_or(Val::None);
    let flavor = if matches!(factory, Val::None) {
        DictFlavor::Plain
    } else {
        DictFlavor::Default(factory)
    };
    Ok(Val::Dict(Rc::new(RefCell::new(DictObj::new(flavor)))))
}

fn deque(it: &mut Interp<'_>, mut a: Args, _: SiteId) -> R<Val> {
    // A bounded deque drops items as it grows: not modelled.
    if a.pos.len() == 2 || a.kw("maxlen").is_some_and(|m| !matches!(m, Val::None)) {
        return Err(unsupported("collections.deque with maxlen"));
    }
    a.check(0, 1)?;
    let items = match a.get(0) {
        Some(v) => it.collect(&v.clone())?,
        None => Vec::new(),
    };
    Ok(Val::deque(items))
}
