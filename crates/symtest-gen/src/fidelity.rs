//! The interpreter against CPython on every input: where they disagree,
//! the explored paths may not be the program's.

use symtest_formats::dataset::args_repr;
use symtest_python::{Limits, RunResult};
use symtest_sandbox::{CallResult, Tolerance, py_eq};

use crate::candidates::Candidate;
use crate::model::{FidelityStats, Prepared, ms_since};

/// How many disagreements are kept for the report.
const MAX_DIFFS: usize = 5;

/// Runs the interpreter on each candidate CPython finished and compares.
pub(crate) fn compare(
    prepared: &Prepared,
    candidates: &[Candidate],
    expected: &[CallResult],
) -> FidelityStats {
    let started = std::time::Instant::now();
    let entry = &prepared.reference.entry;
    let limits = Limits {
        max_steps: 2_000_000,
        ..Limits::default()
    };
    let mut out = FidelityStats::default();
    for (c, r) in candidates.iter().zip(expected) {
        if !matches!(r, CallResult::Returned { .. } | CallResult::Raised { .. }) {
            continue;
        }
        let ours = prepared.program.run(entry, &c.args, limits.clone());
        let Some(agree) = agrees(&ours, r) else {
            continue;
        };
        out.compared += 1;
        if agree {
            out.equal += 1;
        } else if out.diffs.len() < MAX_DIFFS {
            out.diffs.push(format!(
                "{entry}{}: CPython {}, symtest {}",
                args_repr(&c.args),
                describe_call(r),
                describe_run(&ours)
            ));
        }
    }
    out.ms = ms_since(started);
    out
}

/// Whether the two answers agree; `None` when they cannot be compared (one
/// side stopped, timed out or crashed).
fn agrees(ours: &RunResult, theirs: &CallResult) -> Option<bool> {
    match (ours, theirs) {
        (RunResult::Returned(v), CallResult::Returned { value, .. }) => {
            Some(py_eq(v, value, Tolerance::EXACT))
        }
        (RunResult::Raised(e), CallResult::Raised { type_name, .. }) => {
            Some(e.type_name == *type_name)
        }
        (RunResult::Stopped(_), _) | (_, CallResult::Timeout { .. }) => None,
        (_, CallResult::Crashed { .. } | CallResult::Unsupported { .. }) => None,
        _ => Some(false),
    }
}

fn describe_call(r: &CallResult) -> String {
    match r {
        CallResult::Returned { value, .. } => format!("returns {}", value.repr()),
        CallResult::Raised { type_name, .. } => format!("raises {type_name}"),
        CallResult::Unsupported { type_name } => format!("returns a {type_name}"),
        CallResult::Timeout { .. } => "times out".into(),
        CallResult::Crashed { why } => format!("crashes ({why})"),
    }
}

fn describe_run(r: &RunResult) -> String {
    match r {
        RunResult::Returned(v) => format!("returns {}", v.repr()),
        RunResult::ReturnedOther(s) => format!("returns {s}"),
        RunResult::Raised(m) => format!("raises {m}"),
        RunResult::Stopped(why) => format!("stopped ({why})"),
    }
}
