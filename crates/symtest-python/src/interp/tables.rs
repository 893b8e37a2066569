//! The shape of the member tables: what a name in a Python type's table
//! (`types/`) or in a stdlib module's table (`modules/`) stands for. Each
//! table is the only list of its names; dispatch and name queries both read
//! it.

use super::args::Args;
use super::state::{Flow, Interp, R};
use crate::sites::SiteId;
use crate::value::Val;

/// A method: runs with the receiver, the call's arguments and the call's site.
pub(crate) type MethodFn = fn(&mut Interp<'_>, &Val, Args, SiteId) -> R<Val>;

/// A data attribute: its value for a receiver.
pub(crate) type AttrFn = fn(&Val) -> Val;

/// What a name in a type's table stands for.
#[derive(Clone, Copy)]
pub(crate) enum Member {
    /// A method: `x.name` is a bound method, `x.name(...)` runs it.
    Method(MethodFn),
    /// A data attribute: `x.name` is its value.
    Attr(AttrFn),
}

/// A member table, in the order written: a bare `name` is the member of
/// that name made with the given constructor from the function of the same
/// name in scope (`table![Method; add]` is `("add", Method(add))`), so a name
/// cannot drift from its code; `"name" => member` is written out.
macro_rules! table {
    ($kind:ident; $($rest:tt)*) => { table!(@ $kind [] $($rest)*) };
    (@ $kind:ident [$($out:tt)*]) => { &[$($out)*] };
    (@ $kind:ident [$($out:tt)*] $name:literal => $member:expr $(, $($rest:tt)*)?) => {
        table!(@ $kind [$($out)* ($name, $member),] $($($rest)*)?)
    };
    (@ $kind:ident [$($out:tt)*] $f:ident $(, $($rest:tt)*)?) => {
        table!(@ $kind [$($out)* (stringify!($f), $kind($f)),] $($($rest)*)?)
    };
}
pub(crate) use table;

/// A Python type: its members and the type it inherits the rest from.
pub(crate) struct PyType {
    /// What argument errors of its methods call the callee (`str method`).
    pub label: &'static str,
    /// The type's own members; the only list of their names.
    pub members: &'static [(&'static str, Member)],
    /// The base class whose members it has too (`dict` for `Counter`); its
    /// own members come first.
    pub base: Option<&'static PyType>,
}

impl PyType {
    /// The member `name`, its own or inherited.
    pub(crate) fn member(&self, name: &str) -> Option<Member> {
        let own = self.members.iter().find(|(n, _)| *n == name);
        match own {
            Some((_, m)) => Some(*m),
            None => self.base.and_then(|b| b.member(name)),
        }
    }

    /// Every member name, own and inherited, each once (what `dir()` lists
    /// of them).
    #[cfg(test)]
    pub(crate) fn names(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = self.members.iter().map(|(n, _)| *n).collect();
        if let Some(b) = self.base {
            for n in b.names() {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
        }
        out
    }
}

/// What a method returns when handed a receiver its table is not for. That
/// is an interpreter bug, not a Python error: the run stops, and no `except`
/// can catch it.
pub(crate) fn wrong_receiver(table: &str) -> Flow {
    Flow::Stop(format!("internal: a {table} member got another receiver"))
}

/// A module function, or the constructor of a module's class: runs with the
/// call's arguments and site.
pub(crate) type FunctionFn = fn(&mut Interp<'_>, Args, SiteId) -> R<Val>;

/// What a name in a module's table stands for.
#[derive(Clone, Copy)]
pub(crate) enum ModuleMember {
    /// A function.
    Function(FunctionFn),
    /// A class: calling it constructs one; `instance` tells its instances
    /// for `isinstance` (`None`: `isinstance` with it is not modelled).
    Class {
        /// The constructor.
        new: FunctionFn,
        /// Whether a value is an instance.
        instance: Option<fn(&Val) -> bool>,
    },
    /// A constant (`math.pi`).
    Value(fn() -> Val),
}

/// What a module does with a name its table does not have.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unknown {
    /// Python's `AttributeError` (the module is modelled whole).
    AttributeError,
    /// The run stops as unsupported (the module has more than is modelled).
    Unsupported,
    /// Every name is a type annotation, bound to `object` (`typing`).
    Annotation,
}

/// A standard-library module.
pub(crate) struct PyModule {
    /// Its members; the only list of their names.
    pub members: &'static [(&'static str, ModuleMember)],
    /// What other names are.
    pub unknown: Unknown,
}

impl PyModule {
    /// The member `name` and the table's own copy of the name.
    pub(crate) fn member(&self, name: &str) -> Option<(&'static str, ModuleMember)> {
        self.members.iter().find(|(n, _)| *n == name).copied()
    }
}
