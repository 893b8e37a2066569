//! `re.Pattern`: what `re.compile` gives; its methods are the `re`
//! functions with the pattern and its flags given.

use crate::interp::modules::re::{Op, pattern_call};
use crate::interp::tables::Member::{Attr, Method};
use crate::interp::tables::PyType;
use crate::interp::tables::table;
use crate::value::{Opaque, Val};

/// `re.Pattern`'s members.
pub(crate) static TYPE: PyType = PyType {
    label: "method",
    members: table![
        Method;
        "findall" => Method(|it, r, a, _| pattern_call(it, r, a, Op::Findall)),
        "finditer" => Method(|it, r, a, _| pattern_call(it, r, a, Op::Finditer)),
        "flags" => Attr(flags),
        "fullmatch" => Method(|it, r, a, _| pattern_call(it, r, a, Op::Fullmatch)),
        "match" => Method(|it, r, a, _| pattern_call(it, r, a, Op::Match)),
        "pattern" => Attr(pattern),
        "search" => Method(|it, r, a, _| pattern_call(it, r, a, Op::Search)),
        "split" => Method(|it, r, a, _| pattern_call(it, r, a, Op::Split)),
        "sub" => Method(|it, r, a, _| pattern_call(it, r, a, Op::Sub)),
    ],
    base: None,
};

fn pattern(recv: &Val) -> Val {
    match recv {
        Val::Opaque(o) => match &**o {
            Opaque::Pattern { pattern, .. } => Val::Str(pattern.clone(), None),
            _ => Val::None,
        },
        _ => Val::None,
    }
}

fn flags(recv: &Val) -> Val {
    match recv {
        Val::Opaque(o) => match &**o {
            Opaque::Pattern { flags, .. } => Val::int(*flags),
            _ => Val::None,
        },
        _ => Val::None,
    }
}
