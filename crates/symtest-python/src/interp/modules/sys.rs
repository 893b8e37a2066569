//! `sys`: `maxsize`, the standard streams, `setrecursionlimit` (the
//! interpreter's own depth bound stays) and `exit`.

use std::rc::Rc;

use crate::builtins::ExcType;
use crate::interp::args::Args;
use crate::interp::state::{Flow, Interp, R};
use crate::interp::tables::ModuleMember::{Function, Value};
use crate::interp::tables::{PyModule, Unknown};
use crate::sites::SiteId;
use crate::value::{ExcObj, Opaque, Val};

/// `sys`'s members.
pub(crate) static MODULE: PyModule = PyModule {
    members: &[
        ("exit", Function(exit)),
        ("maxsize", Value(|| Val::int(i64::MAX))),
        ("setrecursionlimit", Function(setrecursionlimit)),
        (
            "stderr",
            Value(|| Val::Opaque(Rc::new(Opaque::Stdout { err: true }))),
        ),
        ("stdin", Value(|| Val::Opaque(Rc::new(Opaque::Stdin)))),
        (
            "stdout",
            Value(|| Val::Opaque(Rc::new(Opaque::Stdout { err: false }))),
        ),
    ],
    unknown: Unknown::AttributeError,
};

pub(super) fn exit(_: &mut Interp<'_>, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 1)?;
    Err(Flow::Exc(Rc::new(ExcObj {
        kind: ExcType::SystemExit,
        args: a.pos,
        class: None,
    })))
}

fn setrecursionlimit(it: &mut Interp<'_>, a: Args, _: SiteId) -> R<Val> {
    a.check(1, 1)?;
    it.int_arg(a.arg(0)?, "setrecursionlimit")?;
    Ok(Val::None)
}
