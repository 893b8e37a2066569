//! The Python types the interpreter models, one file each. A type's members
//! (its methods and data attributes) are one table in its file, and every
//! question about a member reads that table: calling `x.name(...)`, reading
//! `x.name`, `hasattr(x, "name")`. A name the table does not have is an
//! `AttributeError` everywhere alike, so dispatch and name queries cannot
//! drift apart.

mod bool;
mod bytes;
mod counter;
mod defaultdict;
mod deque;
mod dict;
mod exception;
mod float;
mod frozenset;
mod function;
mod int;
mod list;
mod md5;
mod range;
mod re_match;
mod re_pattern;
mod set;
mod set_ops;
mod str;
mod stream;
mod tuple;

use std::cell::RefCell;
use std::rc::Rc;

use super::args::Args;
use super::state::{Flow, Interp, R, exc, unsupported};
use super::tables::{Member, PyType};
use crate::builtins::{Builtin, ExcType};
use crate::sites::SiteId;
use crate::value::{DictFlavor, DictObj, Opaque, Val};

/// Every type with a table, for tests that check them all.
#[cfg(test)]
pub(crate) const ALL: &[&PyType] = &[
    &str::TYPE,
    &list::TYPE,
    &deque::TYPE,
    &tuple::TYPE,
    &dict::TYPE,
    &counter::TYPE,
    &defaultdict::TYPE,
    &set::TYPE,
    &frozenset::TYPE,
    &int::TYPE,
    &bool::TYPE,
    &float::TYPE,
    &bytes::TYPE,
    &range::TYPE,
    &function::TYPE,
    &exception::TYPE,
    &md5::TYPE,
    &re_match::TYPE,
    &re_pattern::TYPE,
    &stream::STDIN,
    &stream::STDOUT,
];

/// The type of `v`, when it is one the interpreter gives members.
pub(crate) fn of(v: &Val) -> Option<&'static PyType> {
    Some(match v {
        Val::Str(..) => &str::TYPE,
        Val::List(l) if l.borrow().deque => &deque::TYPE,
        Val::List(_) => &list::TYPE,
        Val::Tuple(_) => &tuple::TYPE,
        Val::Dict(d) => match d.borrow().flavor {
            DictFlavor::Plain => &dict::TYPE,
            DictFlavor::Counter => &counter::TYPE,
            DictFlavor::Default(_) => &defaultdict::TYPE,
        },
        Val::Set(s) if s.borrow().frozen => &frozenset::TYPE,
        Val::Set(_) => &set::TYPE,
        Val::Int(..) => &int::TYPE,
        Val::Bool(..) => &bool::TYPE,
        Val::Float(..) => &float::TYPE,
        Val::Bytes(_) => &bytes::TYPE,
        Val::Range(_) => &range::TYPE,
        Val::Func(_) => &function::TYPE,
        Val::Exc(_) => &exception::TYPE,
        Val::Opaque(o) => match &**o {
            Opaque::Md5(_) => &md5::TYPE,
            Opaque::Match { .. } => &re_match::TYPE,
            Opaque::Pattern { .. } => &re_pattern::TYPE,
            Opaque::Stdin => &stream::STDIN,
            Opaque::Stdout { .. } => &stream::STDOUT,
            _ => return None,
        },
        _ => return None,
    })
}

/// The type a builtin names (`str`, `dict` ...): its table gives the
/// unbound methods (`str.upper`, `dict.get`).
pub(crate) fn of_class(b: Builtin) -> Option<&'static PyType> {
    Some(match b {
        Builtin::Str => &str::TYPE,
        Builtin::List => &list::TYPE,
        Builtin::Tuple => &tuple::TYPE,
        Builtin::Dict => &dict::TYPE,
        Builtin::Set => &set::TYPE,
        Builtin::FrozenSet => &frozenset::TYPE,
        Builtin::Int => &int::TYPE,
        Builtin::Bool => &bool::TYPE,
        Builtin::Float => &float::TYPE,
        Builtin::Bytes => &bytes::TYPE,
        Builtin::Range => &range::TYPE,
        _ => return None,
    })
}

/// Members that are class methods: called on the class, they get an empty
/// instance as receiver (which gives only its kind).
const CLASS_METHODS: &[&str] = &["fromkeys"];

/// An empty instance of a class, the receiver of its class methods.
fn empty_instance(b: Builtin) -> Val {
    match b {
        Builtin::Dict => Val::Dict(Rc::new(RefCell::new(DictObj::new(DictFlavor::Plain)))),
        _ => Val::None,
    }
}

/// Whether `v` is an instance of the type whose table is `t` (or of a
/// subtype: its table's bases).
fn instance_of(v: &Val, t: &'static PyType) -> bool {
    let mut cur = of(v);
    while let Some(c) = cur {
        if std::ptr::eq(c, t) {
            return true;
        }
        cur = c.base;
    }
    false
}

/// `cls.name` read on a class: an unbound method (called with the receiver
/// first), or `AttributeError`.
pub(crate) fn class_attr(cls: &Val, b: Builtin, name: &str) -> R<Val> {
    match of_class(b).and_then(|t| t.member(name)) {
        Some(Member::Method(_)) => Ok(Val::Method(Rc::new((cls.clone(), Rc::from(name))))),
        Some(Member::Attr(_)) => Ok(Val::Opaque(Rc::new(Opaque::Unsupported(format!(
            "{b}.{name}"
        ))))),
        None => Err(no_class_attribute(b, name)),
    }
}

fn no_class_attribute(b: Builtin, name: &str) -> Flow {
    exc(
        ExcType::AttributeError,
        format!("type object '{b}' has no attribute '{name}'"),
    )
}

/// The member `name` of `v`'s type.
pub(crate) fn member(v: &Val, name: &str) -> Option<Member> {
    of(v).and_then(|t| t.member(name))
}

/// Python's `AttributeError` for a name `v` does not have.
pub(crate) fn no_attribute(v: &Val, name: &str) -> Flow {
    exc(
        ExcType::AttributeError,
        format!("'{}' object has no attribute '{name}'", v.type_name()),
    )
}

/// The builtin a `type(x)` call returns for `x`, when it is a plain type.
pub(crate) fn type_of(v: &Val) -> Option<Builtin> {
    Some(match v {
        Val::None => Builtin::NoneType,
        Val::Bool(..) => Builtin::Bool,
        Val::Int(..) => Builtin::Int,
        Val::Float(..) => Builtin::Float,
        Val::Str(..) => Builtin::Str,
        Val::List(_) => Builtin::List,
        Val::Tuple(_) => Builtin::Tuple,
        Val::Dict(_) => Builtin::Dict,
        Val::Set(s) => {
            if s.borrow().frozen {
                Builtin::FrozenSet
            } else {
                Builtin::Set
            }
        }
        Val::Range(_) => Builtin::Range,
        Val::Bytes(_) => Builtin::Bytes,
        _ => return None,
    })
}

impl Interp<'_> {
    /// Runs method `name` of `recv`'s type with the arguments given.
    pub(crate) fn call_type_method(
        &mut self,
        recv: &Val,
        name: &str,
        pos: Vec<Val>,
        kw: Vec<(crate::ir::Name, Val)>,
        site: SiteId,
    ) -> R<Val> {
        if let Val::Builtin(b) = recv
            && let Some(t) = of_class(*b)
        {
            return self.call_unbound(*b, t, name, pos, kw, site);
        }
        let Some(t) = of(recv) else {
            return Err(no_attribute(recv, name));
        };
        match t.member(name) {
            Some(Member::Method(f)) => f(self, recv, Args::new(pos, kw, t.label), site),
            Some(Member::Attr(g)) => {
                let v = g(recv);
                self.call(&v, pos, kw, Some(site))
            }
            None => Err(no_attribute(recv, name)),
        }
    }
}

impl Interp<'_> {
    /// `cls.name(x, ...)`: the method of `cls`'s table run with receiver `x`
    /// (which must be an instance, as CPython's descriptors check), or a
    /// class method with an empty instance.
    fn call_unbound(
        &mut self,
        b: Builtin,
        t: &'static PyType,
        name: &str,
        pos: Vec<Val>,
        kw: Vec<(crate::ir::Name, Val)>,
        site: SiteId,
    ) -> R<Val> {
        let Some(Member::Method(f)) = t.member(name) else {
            return Err(no_class_attribute(b, name));
        };
        if CLASS_METHODS.contains(&name) {
            let recv = empty_instance(b);
            if matches!(recv, Val::None) {
                return Err(unsupported(format!("{b}.{name}")));
            }
            return f(self, &recv, Args::new(pos, kw, t.label), site);
        }
        let mut pos = pos.into_iter();
        let Some(recv) = pos.next() else {
            return Err(exc(
                ExcType::TypeError,
                format!("unbound method {b}.{name}() needs an argument"),
            ));
        };
        if !instance_of(&recv, t) {
            return Err(exc(
                ExcType::TypeError,
                format!(
                    "descriptor '{name}' for '{b}' objects doesn't apply to a '{}' object",
                    recv.type_name()
                ),
            ));
        }
        f(self, &recv, Args::new(pos.collect(), kw, t.label), site)
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use super::*;
    use crate::builtins::Builtin;
    use crate::int::PyInt;
    use crate::interp::state::{Limits, Silent};
    use crate::lower::lower_source;
    use crate::sites::PIN_SITE;
    use crate::value::{DictObj, ExcObj, RangeObj, SetObj};

    fn dict(flavor: DictFlavor) -> Val {
        Val::Dict(Rc::new(RefCell::new(DictObj::new(flavor))))
    }

    fn set(frozen: bool) -> Val {
        Val::Set(Rc::new(RefCell::new(SetObj::new(frozen))))
    }

    /// A fresh value of each type with a table (`f` is a user function).
    fn samples(f: &Val) -> Vec<(&'static PyType, Val)> {
        vec![
            (&str::TYPE, Val::str("ab")),
            (&list::TYPE, Val::list(vec![Val::int(1)])),
            (&deque::TYPE, Val::deque(vec![Val::int(1)])),
            (&tuple::TYPE, Val::tuple(vec![Val::int(1)])),
            (&dict::TYPE, dict(DictFlavor::Plain)),
            (&counter::TYPE, dict(DictFlavor::Counter)),
            (
                &defaultdict::TYPE,
                dict(DictFlavor::Default(Val::Builtin(Builtin::Int))),
            ),
            (&set::TYPE, set(false)),
            (&frozenset::TYPE, set(true)),
            (&int::TYPE, Val::int(5)),
            (&bool::TYPE, Val::bool(true)),
            (&float::TYPE, Val::Float(2.5, None)),
            (&bytes::TYPE, Val::Bytes(Rc::from(b"ab".to_vec()))),
            (
                &range::TYPE,
                Val::Range(Rc::new(RangeObj {
                    start: PyInt::Small(0),
                    stop: PyInt::Small(3),
                    step: PyInt::Small(1),
                    start_t: None,
                    stop_t: None,
                })),
            ),
            (&function::TYPE, f.clone()),
            (
                &exception::TYPE,
                Val::Exc(Rc::new(ExcObj {
                    kind: ExcType::BaseException,
                    args: Vec::new(),
                    class: None,
                })),
            ),
            (&md5::TYPE, Val::Opaque(Rc::new(Opaque::Md5(Vec::new())))),
            (
                &re_match::TYPE,
                Val::Opaque(Rc::new(Opaque::Match {
                    text: Rc::from("a"),
                    span: (0, 1),
                    groups: vec![Some(Rc::from("a"))],
                })),
            ),
            (
                &re_pattern::TYPE,
                Val::Opaque(Rc::new(Opaque::Pattern {
                    pattern: Rc::from("a"),
                    flags: 32,
                })),
            ),
            (&stream::STDIN, Val::Opaque(Rc::new(Opaque::Stdin))),
            (
                &stream::STDOUT,
                Val::Opaque(Rc::new(Opaque::Stdout { err: false })),
            ),
        ]
    }

    /// Runs `check` with an interpreter and a user function `f` defined in it.
    fn with_function(check: impl FnOnce(&mut Interp<'_>, &Val)) {
        let lowered = lower_source("def f():\n    pass\n").expect("parses");
        let mut tracer = Silent;
        let mut it = Interp::new(&lowered.module, &mut tracer, Limits::default());
        it.run_module().expect("runs");
        let f = it.global("f").expect("f is defined");
        check(&mut it, &f);
    }

    #[test]
    fn every_table_answers_for_its_own_type() {
        with_function(|_, f| {
            let samples = samples(f);
            for t in ALL {
                let n = samples.iter().filter(|(s, _)| std::ptr::eq(*s, *t)).count();
                assert_eq!(n, 1, "{} has one sample", t.label);
            }
            for (t, v) in &samples {
                assert!(of(v).is_some_and(|o| std::ptr::eq(o, *t)), "{v:?}");
            }
        });
    }

    /// A name is in a table once, and every name of a type, own or
    /// inherited, reads and dispatches: reading it succeeds, and calling a
    /// method reaches its handler (which may refuse the missing arguments,
    /// but never with an `AttributeError` or a receiver it is not for).
    #[test]
    fn every_name_in_a_table_dispatches() {
        with_function(|it, f| {
            let mut checked = 0;
            for t in ALL {
                let own: Vec<&str> = t.members.iter().map(|(n, _)| *n).collect();
                let mut unique = own.clone();
                unique.sort_unstable();
                unique.dedup();
                assert_eq!(unique.len(), own.len(), "a name twice in {}", t.label);
                let names = t.names();
                for name in names {
                    let fresh = || {
                        samples(f)
                            .into_iter()
                            .find(|(s, _)| std::ptr::eq(*s, *t))
                            .map(|(_, v)| v)
                            .expect("a sample")
                    };
                    let read = it.get_attr(fresh(), name);
                    assert!(read.is_ok(), "{}.{name}: {read:?}", t.label);
                    if let Some(Member::Method(_)) = t.member(name) {
                        let r = it.call_method(fresh(), name, Vec::new(), Vec::new(), PIN_SITE);
                        match &r {
                            Err(Flow::Exc(e)) => {
                                assert_ne!(e.kind, ExcType::AttributeError, "{}.{name}", t.label)
                            }
                            Err(Flow::Stop(s)) => {
                                assert!(!s.starts_with("internal"), "{}.{name}: {s}", t.label)
                            }
                            Ok(_) => {}
                        }
                    }
                    checked += 1;
                }
            }
            assert!(checked > 100, "only {checked} names");
        });
    }

    #[test]
    fn a_type_has_its_own_members_and_its_bases_only() {
        let has = |t: &PyType, name: &str| t.member(name).is_some();
        assert!(has(&deque::TYPE, "popleft"));
        assert!(!has(&list::TYPE, "popleft"));
        assert!(!has(&deque::TYPE, "sort"));
        assert!(has(&counter::TYPE, "most_common"));
        assert!(has(&counter::TYPE, "get"));
        assert!(!has(&dict::TYPE, "most_common"));
        assert!(has(&defaultdict::TYPE, "setdefault"));
        assert!(!has(&frozenset::TYPE, "add"));
        assert!(has(&bool::TYPE, "bit_length"));
        let counter_names = counter::TYPE.names();
        assert_eq!(
            counter_names.iter().filter(|n| **n == "update").count(),
            1,
            "Counter's update hides dict's"
        );
    }

    /// Methods read from the class are the table's, unbound; results as
    /// CPython 3.11 prints them.
    #[test]
    fn unbound_methods_come_from_the_tables() {
        let cases = [
            ("r = list(map(str.upper, ['ab', 'c']))", "['AB', 'C']"),
            ("acc = []\nlist.append(acc, 3)\nr = acc", "[3]"),
            (
                "r = sorted(set.intersection(*map(set, [[1, 2, 3], [2, 3], [3, 2, 9]])))",
                "[2, 3]",
            ),
            ("r = dict.get({'a': 1}, 'b', 7)", "7"),
            ("r = dict.fromkeys('aba', 0)", "{'a': 0, 'b': 0}"),
            (
                "r = (hasattr(str, 'upper'), hasattr(str, 'nope'), int.bit_length(True))",
                "(True, False, 1)",
            ),
            (
                "try:\n    str.upper(3)\n    r = 'no error'\nexcept TypeError:\n    r = 'TypeError'",
                "'TypeError'",
            ),
            (
                "try:\n    set.union(frozenset([1]))\n    r = 'no error'\nexcept TypeError:\n    r = 'TypeError'",
                "'TypeError'",
            ),
            (
                "try:\n    str.nope\n    r = 'no error'\nexcept AttributeError:\n    r = 'AttributeError'",
                "'AttributeError'",
            ),
        ];
        crate::interp::testing::assert_results(&cases);
    }
}
