//! Mutants of a whole program, for gen's stdin suites: `stdio_mutants.py`
//! (on top of `probe.py`'s mutator and time limit) runs the program and its
//! single-site mutants in one sandboxed job, each input a call, and answers
//! which mutants each input tells apart. A stdin test kept for each mutant
//! some candidate tells apart catches the slips a path-covering suite can
//! miss (a count off by one that leaves the branches as they were).

use std::time::Duration;

use symtest_sandbox::{Call, CallResult, Pool, PyValue};

use crate::model::{LOAD_BUDGET, py_str};
use crate::probe::{ENTRY, PROBES};

const HARNESS: &str = include_str!("stdio_mutants.py");

/// A call's limit: the program once, then its mutants within their
/// budget (`stdio_mutants.py` bounds both well below it).
const CALL_BUDGET: Duration = Duration::from_secs(2);

/// What one input told: the mutants made and the ones it tells apart.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Told {
    pub made: usize,
    pub apart: Vec<u32>,
}

/// The job's source: the harness loading `source` with at most `cap`
/// mutants.
fn harness(source: &str, cap: usize) -> String {
    format!(
        "{PROBES}\n{HARNESS}\n__symtest_stdio_load__({}, {cap})\n",
        py_str(source)
    )
}

/// Reads one call's answer: `(made, [mutant, ...])`.
fn parse(v: &PyValue) -> Option<Told> {
    let PyValue::Tuple(parts) = v else {
        return None;
    };
    let [PyValue::Int(made), PyValue::List(apart)] = parts.as_slice() else {
        return None;
    };
    let apart = apart
        .iter()
        .map(|m| match m {
            PyValue::Int(i) => u32::try_from(i).ok(),
            _ => None,
        })
        .collect::<Option<Vec<u32>>>()?;
    Some(Told {
        made: usize::try_from(made).ok()?,
        apart,
    })
}

/// For each `(stdin, stdout)` (the output CPython printed running the
/// program alone), the mutants of `source` that input tells apart; `None`
/// where nothing could be told (the job failed, the call timed out, the
/// program does not run alike in the harness). Mutants only add tests: a
/// failure here costs them, never the suite.
pub(crate) fn tell<'a>(
    pool: &Pool,
    source: &str,
    runs: impl Iterator<Item = (&'a str, &'a str)>,
    cap: usize,
) -> Vec<Option<Told>> {
    let calls: Vec<Call> = runs
        .map(|(stdin, stdout)| Call {
            args: vec![
                PyValue::Str(stdin.to_string()),
                PyValue::Str(stdout.to_string()),
            ],
            budget: CALL_BUDGET,
        })
        .collect();
    if cap == 0 || calls.is_empty() {
        return vec![None; calls.len()];
    }
    let answer = match pool.run_calls(&harness(source, cap), ENTRY, &calls, LOAD_BUDGET) {
        Ok(a) if a.load.is_ok() => a,
        _ => return vec![None; calls.len()],
    };
    let mut out: Vec<Option<Told>> = answer
        .results
        .iter()
        .map(|r| match r {
            CallResult::Returned { value, .. } => parse(value),
            _ => None,
        })
        .collect();
    out.resize(calls.len(), None);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_back_and_malformed_ones_are_none() {
        let v = PyValue::parse("(12, [0, 3, 11])").expect("literal");
        assert_eq!(
            parse(&v),
            Some(Told {
                made: 12,
                apart: vec![0, 3, 11]
            })
        );
        for bad in [
            "(12,)",
            "(-1, [])",
            "(3, [-2])",
            "(3, ['a'])",
            "[3, []]",
            "None",
        ] {
            let v = PyValue::parse(bad).expect("literal");
            assert_eq!(parse(&v), None, "{bad}");
        }
    }

    #[test]
    fn the_harness_loads_the_program_with_its_cap() {
        let text = harness("print(1)\n", 7);
        assert!(
            text.ends_with("__symtest_stdio_load__('print(1)\\n', 7)\n"),
            "{text}"
        );
        assert!(text.contains("def __symtest_stdio_tell__"));
    }
}
