//! `range`: its bounds as attributes (the start and stop keep their shadows).

use crate::interp::tables::Member::Attr;
use crate::interp::tables::PyType;
use crate::interp::tables::table;
use crate::value::Val;

/// `range`'s members.
pub(crate) static TYPE: PyType = PyType {
    label: "method",
    members: table![
        Method;
        "start" => Attr(start),
        "step" => Attr(step),
        "stop" => Attr(stop),
    ],
    base: None,
};

fn start(v: &Val) -> Val {
    match v {
        Val::Range(r) => Val::Int(r.start.clone(), r.start_t.clone()),
        other => other.clone(),
    }
}

fn stop(v: &Val) -> Val {
    match v {
        Val::Range(r) => Val::Int(r.stop.clone(), r.stop_t.clone()),
        other => other.clone(),
    }
}

fn step(v: &Val) -> Val {
    match v {
        Val::Range(r) => Val::Int(r.step.clone(), None),
        other => other.clone(),
    }
}
