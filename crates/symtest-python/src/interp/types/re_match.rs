//! `re.Match`: the groups and span of a match (text found concretely).

use std::rc::Rc;

use crate::builtins::ExcType;
use crate::interp::args::Args;
use crate::interp::state::{Interp, R, exc};
use crate::interp::tables::Member::Method;
use crate::interp::tables::table;
use crate::interp::tables::{PyType, wrong_receiver};
use crate::sites::SiteId;
use crate::value::{Opaque, Val};

/// `re.Match`'s methods.
pub(crate) static TYPE: PyType = PyType {
    label: "method",
    members: table![
        Method;
        end, group, groups, span, start,
    ],
    base: None,
};

/// What a match found: its span and its groups (group 0 is the whole match).
struct Found<'v> {
    span: (usize, usize),
    groups: &'v [Option<Rc<str>>],
}

fn found(recv: &Val) -> R<Found<'_>> {
    if let Val::Opaque(o) = recv
        && let Opaque::Match { span, groups, .. } = &**o
    {
        return Ok(Found {
            span: *span,
            groups,
        });
    }
    Err(wrong_receiver("re.Match"))
}

fn group_val(g: Option<&Rc<str>>) -> Val {
    match g {
        Some(s) => Val::Str(s.clone(), None),
        None => Val::None,
    }
}

fn group(it: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    let groups = found(recv)?.groups;
    let g = match a.get(0) {
        Some(v) => it.int_arg(&v.clone(), "group")?.to_usize().unwrap_or(0),
        None => 0,
    };
    match groups.get(g) {
        Some(m) => Ok(group_val(m.as_ref())),
        None => Err(exc(ExcType::IndexError, "no such group")),
    }
}

fn groups(_: &mut Interp<'_>, recv: &Val, _: Args, _: SiteId) -> R<Val> {
    let groups = found(recv)?.groups;
    Ok(Val::tuple(
        groups
            .iter()
            .skip(1)
            .map(|g| group_val(g.as_ref()))
            .collect(),
    ))
}

fn start(_: &mut Interp<'_>, recv: &Val, _: Args, _: SiteId) -> R<Val> {
    Ok(Val::int(found(recv)?.span.0))
}

fn end(_: &mut Interp<'_>, recv: &Val, _: Args, _: SiteId) -> R<Val> {
    Ok(Val::int(found(recv)?.span.1))
}

fn span(_: &mut Interp<'_>, recv: &Val, _: Args, _: SiteId) -> R<Val> {
    let s = found(recv)?.span;
    Ok(Val::tuple(vec![Val::int(s.0), Val::int(s.1)]))
}
