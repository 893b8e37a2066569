//! `functools`: `reduce`, the caches (a function memoised on its concrete
//! arguments) and `cmp_to_key`.

use std::cell::RefCell;
use std::rc::Rc;

use crate::fxhash::FxHashMap;
use crate::interp::args::Args;
use crate::interp::state::{Interp, R, type_error};
use crate::interp::tables::ModuleMember::Function;
use crate::interp::tables::{PyModule, Unknown};
use crate::sites::SiteId;
use crate::value::{Closure, Opaque, Val};

/// `functools`' functions.
pub(crate) static MODULE: PyModule = PyModule {
    members: &[
        ("cache", Function(cache)),
        ("cmp_to_key", Function(cmp_to_key)),
        ("lru_cache", Function(lru_cache)),
        ("reduce", Function(reduce)),
    ],
    unknown: Unknown::AttributeError,
};

/// The same function with a result cache (`functools.cache`).
pub(crate) fn memoised(c: &Closure) -> Val {
    Val::Func(Rc::new(Closure {
        def: c.def.clone(),
        env: c.env.clone(),
        defaults: c.defaults.clone(),
        kw_defaults: c.kw_defaults.clone(),
        memo: Some(RefCell::new(FxHashMap::default())),
    }))
}

/// `lru_cache(f)`, or `lru_cache(maxsize=...)`: a decorator waiting for its
/// function (the size is not modelled: nothing is evicted).
fn lru_cache(_: &mut Interp<'_>, a: Args, _: SiteId) -> R<Val> {
    match a.pos.first() {
        Some(Val::Func(c)) => Ok(memoised(c)),
        _ => Ok(Val::Opaque(Rc::new(Opaque::CacheDecorator))),
    }
}

fn cache(_: &mut Interp<'_>, a: Args, _: SiteId) -> R<Val> {
    match a.pos.first() {
        Some(Val::Func(c)) => Ok(memoised(c)),
        _ => Err(type_error("cache() expects a function")),
    }
}

fn cmp_to_key(_: &mut Interp<'_>, a: Args, _: SiteId) -> R<Val> {
    a.check(1, 1)?;
    Ok(Val::Opaque(Rc::new(Opaque::CmpToKey(a.arg(0)?.clone()))))
}

fn reduce(it: &mut Interp<'_>, a: Args, site: SiteId) -> R<Val> {
    a.check(2, 3)?;
    let f = a.arg(0)?.clone();
    let items = it.iter_of(a.arg(1)?)?;
    let mut acc = match a.get(2) {
        Some(init) => init.clone(),
        None => it
            .next(&items, site)?
            .ok_or_else(|| type_error("reduce() of empty iterable with no initial value"))?,
    };
    while let Some(x) = it.next(&items, site)? {
        it.step()?;
        acc = it.call(&f, vec![acc, x], Vec::new(), Some(site))?;
    }
    Ok(acc)
}
