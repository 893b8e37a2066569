//! Container builtins: `list`, `tuple`, `set`, `frozenset`, `range`, `len`
//! (`dict` is `types/dict.rs`' `make_dict`). Lengths keep their shadows.

use std::cell::RefCell;
use std::rc::Rc;

use symtest_term::{Term, Value};

use crate::builtins::Builtin;
use crate::int::PyInt;
use crate::interp::args::Args;
use crate::interp::iter::{char_len, range_len};
use crate::interp::state::{Interp, R, type_error, value_error};
use crate::sites::SiteId;
use crate::value::{ListObj, RangeObj, SetObj, TupleObj, Val};

/// `set(...)` or `frozenset(...)` (by `b`).
pub(super) fn set(it: &mut Interp<'_>, a: &Args, site: SiteId, b: Builtin) -> R<Val> {
    a.check(0, 1)?;
    let s = Val::Set(Rc::new(RefCell::new(SetObj::new(b == Builtin::FrozenSet))));
    match a.get(0) {
        // `frozenset(f)` is `f` itself.
        Some(src @ Val::Set(f)) if b == Builtin::FrozenSet && f.borrow().frozen => Ok(src.clone()),
        Some(src) => {
            it.set_update(&s, src, site)?;
            Ok(s)
        }
        None => Ok(s),
    }
}

pub(super) fn len(it: &mut Interp<'_>, a: &Args) -> R<Val> {
    a.check(1, 1)?;
    it.len_of(a.arg(0)?)
}

/// `list(...)` or `tuple(...)` (by `b`): the length shadow of the source carries over.
pub(super) fn list_or_tuple(it: &mut Interp<'_>, a: &Args, b: Builtin) -> R<Val> {
    a.check(0, 1)?;
    let (items, len) = match a.get(0) {
        None => (Vec::new(), None),
        Some(v) => {
            let len = match v {
                Val::List(l) => l.borrow().len.clone(),
                Val::Tuple(t) => t.len.clone(),
                Val::Str(_, Some(t)) => Some(t.str_len()),
                _ => None,
            };
            (it.collect(&v.clone())?, len)
        }
    };
    Ok(if b == Builtin::List {
        Val::List(Rc::new(RefCell::new(ListObj {
            items,
            len,
            deque: false,
        })))
    } else {
        Val::Tuple(Rc::new(TupleObj { items, len }))
    })
}

impl Interp<'_> {
    pub(crate) fn len_of(&mut self, v: &Val) -> R<Val> {
        Ok(match v {
            Val::List(l) => {
                let l = l.borrow();
                Val::Int(PyInt::from(l.items.len()), l.len.clone())
            }
            Val::Tuple(t) => Val::Int(PyInt::from(t.items.len()), t.len.clone()),
            Val::Str(s, sh) => Val::Int(PyInt::from(char_len(s)), sh.as_ref().map(Term::str_len)),
            Val::Dict(d) => Val::int(d.borrow().live),
            Val::Set(s) => Val::int(s.borrow().live),
            Val::Bytes(b) => Val::int(b.len()),
            Val::Range(r) => {
                let n = range_len(r);
                Val::Int(PyInt::from_big(n.into()), None)
            }
            other => {
                return Err(type_error(format!(
                    "object of type '{}' has no len()",
                    other.type_name()
                )));
            }
        })
    }

    pub(super) fn make_range(&mut self, mut a: Args, site: SiteId) -> R<Val> {
        a.check(1, 3)?;
        let get = |this: &mut Self, v: &Val| -> R<(PyInt, Option<Term>)> {
            match v {
                Val::Int(i, s) => Ok((i.clone(), s.clone())),
                Val::Bool(b, s) => Ok((PyInt::Small(i64::from(*b)), s.as_ref().map(Term::numeric))),
                other => {
                    let _ = this;
                    Err(type_error(format!(
                        "'{}' object cannot be interpreted as an integer",
                        other.type_name()
                    )))
                }
            }
        };
        let (start, stop, step) = match a.pos.len() {
            1 => (
                (PyInt::Small(0), None),
                get(self, &a.pos[0])?,
                (PyInt::Small(1), None),
            ),
            2 => (
                get(self, &a.pos[0])?,
                get(self, &a.pos[1])?,
                (PyInt::Small(1), None),
            ),
            _ => (
                get(self, &a.pos[0])?,
                get(self, &a.pos[1])?,
                get(self, &a.pos[2])?,
            ),
        };
        if let Some(t) = &step.1 {
            self.pin(site, t, Value::Int(step.0.to_big()));
        }
        if step.0.is_zero() {
            return Err(value_error("range() arg 3 must not be zero"));
        }
        a.pos.clear();
        Ok(Val::Range(Rc::new(RangeObj {
            start: start.0,
            stop: stop.0,
            step: step.0,
            start_t: start.1,
            stop_t: stop.1,
        })))
    }
}
