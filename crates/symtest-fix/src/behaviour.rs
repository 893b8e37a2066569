//! The behaviour check: the functions a candidate touches run, original and
//! candidate, on the same inputs in the sandbox; results, raised exception
//! types, arguments after the call, the object's state and printed output
//! must agree.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use symtest_python::outline::{Block, BlockKind, enclosing, outline};
use symtest_sandbox::{Call, CallResult, CallsAnswer, Pool, PyValue, Tolerance, py_eq};

use super::inputs::{Input, InputOptions, InputStats, inputs_for};

/// Time for a module's top level (imports, definitions) in the sandbox.
const LOAD_BUDGET: std::time::Duration = std::time::Duration::from_secs(2);

/// A target's inputs, kept across the candidates of one finding (they
/// come from the original alone).
pub type Planned = (Vec<Input>, InputStats);

const HARNESS: &str = include_str!("harness.py");
const CALL: &str = "__symtest_fix_call__";

/// A function compared on inputs.
#[derive(Clone, Debug)]
pub struct Checked {
    /// Its name (`Class.method` for a method).
    pub target: String,
    /// How many inputs it was called on.
    pub inputs: usize,
    /// Where the inputs came from.
    pub stats: InputStats,
}

/// An input on which the original and the candidate differ.
#[derive(Clone, Debug)]
pub struct Witness {
    /// The function called (`<module>` for loading the module).
    pub target: String,
    /// The call as Python source.
    pub call: String,
    /// What the original did, readable.
    pub original: String,
    /// What the candidate did, readable.
    pub candidate: String,
}

/// The verdict of the behaviour check.
#[derive(Clone, Debug)]
pub enum Behaviour {
    /// No input told them apart (the module loads the same way, too).
    Same {
        /// The functions compared.
        checked: Vec<Checked>,
    },
    /// An input told them apart.
    Differs(Witness),
    /// Why there was nothing to compare.
    NotChecked {
        /// Readable.
        why: String,
    },
}

/// How behaviour is checked.
pub struct CheckOptions {
    /// How inputs are found.
    pub inputs: InputOptions,
    /// Time limit of one call in CPython.
    pub call_timeout: Duration,
}

/// The functions and methods to compare: the block around the finding and
/// every block the candidate changed (a changed class: all its methods).
pub fn targets(original: &str, candidate: &str, line: u32) -> Result<Vec<Block>, String> {
    let ob = outline(original).map_err(|e| format!("the original does not parse: {e}"))?;
    let cb = outline(candidate).map_err(|e| format!("the candidate does not parse: {e}"))?;
    let mut names: BTreeSet<String> = BTreeSet::new();
    let methods_of = |class: &str| {
        ob.iter()
            .filter(|b| b.class.as_deref() == Some(class))
            .map(|b| b.name.clone())
            .collect::<Vec<_>>()
    };
    let add = |b: &Block, names: &mut BTreeSet<String>| match b.kind {
        BlockKind::Class => names.extend(methods_of(&b.name)),
        _ => {
            names.insert(b.name.clone());
        }
    };
    if let Some(b) = enclosing(&ob, line) {
        add(b, &mut names);
    }
    for b in &ob {
        let text = &original[b.start..b.end];
        let same = cb
            .iter()
            .any(|c| c.name == b.name && &candidate[c.start..c.end] == text);
        if !same {
            add(b, &mut names);
        }
    }
    Ok(ob.into_iter().filter(|b| names.contains(&b.name)).collect())
}

/// Compares `original` and `candidate` on inputs for each function the
/// candidate touched (and the one around `line`). `cache` keeps each
/// function's inputs across candidates.
pub fn check(
    pool: &Pool,
    original: &str,
    candidate: &str,
    line: u32,
    opts: &CheckOptions,
    cache: &mut HashMap<String, Planned>,
) -> Behaviour {
    let targets = match targets(original, candidate, line) {
        Ok(t) => t,
        Err(why) => return Behaviour::NotChecked { why },
    };
    let blocks = outline(original).unwrap_or_default();
    let cand_blocks = outline(candidate).unwrap_or_default();
    let mut plan: Vec<(String, Vec<Input>, InputStats)> = Vec::new();
    for t in &targets {
        if t.is_async {
            continue;
        }
        if !cand_blocks.iter().any(|c| c.name == t.name) {
            return Behaviour::Differs(Witness {
                target: t.name.clone(),
                call: t.name.clone(),
                original: "defined".into(),
                candidate: "no longer defined".into(),
            });
        }
        let (inputs, stats) = cache
            .entry(t.name.clone())
            .or_insert_with(|| inputs_for(original, t, &blocks, pool, &opts.inputs))
            .clone();
        plan.push((t.name.clone(), inputs, stats));
    }
    let mut calls: Vec<Call> = Vec::new();
    let mut what: Vec<(usize, usize)> = Vec::new();
    for (k, (target, inputs, _)) in plan.iter().enumerate() {
        for (i, input) in inputs.iter().enumerate() {
            calls.push(Call {
                args: vec![
                    PyValue::Str(target.clone()),
                    input.ctor.clone().map_or(PyValue::None, PyValue::Tuple),
                    PyValue::Tuple(input.args.clone()),
                ],
                budget: opts.call_timeout,
            });
            what.push((k, i));
        }
    }
    let run =
        |source: &str| pool.run_calls(&format!("{source}{HARNESS}"), CALL, &calls, LOAD_BUDGET);
    let (
        CallsAnswer {
            load: la,
            results: ra,
        },
        CallsAnswer {
            load: lb,
            results: rb,
        },
    ) = match (run(original), run(candidate)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            return Behaviour::NotChecked {
                why: format!("the sandbox failed: {e}"),
            };
        }
    };
    match (&la, &lb) {
        (Err(e), _) => {
            return Behaviour::NotChecked {
                why: format!("the original module does not load in the sandbox: it {e}"),
            };
        }
        (Ok(_), Err(e)) => {
            return Behaviour::Differs(Witness {
                target: "<module>".into(),
                call: "import".into(),
                original: "loads".into(),
                candidate: format!("does not load: it {e}"),
            });
        }
        _ => {}
    }
    for (j, (x, y)) in ra.iter().zip(rb.iter()).enumerate() {
        if let Some((o, c)) = differ(x, y) {
            let (k, i) = what[j];
            let (target, inputs, _) = &plan[k];
            return Behaviour::Differs(Witness {
                target: target.clone(),
                call: inputs[i].display(target),
                original: o,
                candidate: c,
            });
        }
    }
    // With no function to call, the job still loads both modules.
    let checked = plan
        .into_iter()
        .map(|(target, inputs, stats)| Checked {
            target,
            inputs: inputs.len(),
            stats,
        })
        .collect();
    Behaviour::Same { checked }
}

/// How two call results differ, said for each side; `None` when they agree.
fn differ(a: &CallResult, b: &CallResult) -> Option<(String, String)> {
    use CallResult::*;
    match (a, b) {
        (Returned { value: x, .. }, Returned { value: y, .. }) => {
            if py_eq(x, y, Tolerance::EXACT) {
                return None;
            }
            let parts = |v: &PyValue| match v {
                PyValue::Tuple(p) if p.len() == 4 => p.clone(),
                other => vec![other.clone()],
            };
            let (px, py) = (parts(x), parts(y));
            let labels = [
                "returns",
                "arguments after the call",
                "the object after the call",
                "prints",
            ];
            for (i, label) in labels.iter().enumerate() {
                if let (Some(u), Some(v)) = (px.get(i), py.get(i))
                    && !py_eq(u, v, Tolerance::EXACT)
                {
                    return Some((
                        format!("{label} {}", short(u)),
                        format!("{label} {}", short(v)),
                    ));
                }
            }
            Some((short(x), short(y)))
        }
        (Raised { type_name: x, .. }, Raised { type_name: y, .. }) if x == y => None,
        (Timeout { .. }, Timeout { .. }) => None,
        (Crashed { .. }, Crashed { .. }) => None,
        (Unsupported { type_name: x }, Unsupported { type_name: y }) if x == y => None,
        _ => Some((describe(a), describe(b))),
    }
}

/// A value's repr, cut to a readable length.
fn short(v: &PyValue) -> String {
    crate::output::cut(&v.repr(), 120)
}

fn describe(r: &CallResult) -> String {
    match r {
        CallResult::Returned { value, .. } => match value {
            PyValue::Tuple(p) if p.len() == 4 => format!("returns {}", short(&p[0])),
            v => format!("returns {}", short(v)),
        },
        CallResult::Raised {
            type_name, message, ..
        } => {
            let m: String = message.chars().take(200).collect();
            format!("raises {type_name}: {m}")
        }
        CallResult::Unsupported { type_name } => format!("returns an unreadable {type_name}"),
        CallResult::Timeout { budget } => format!("runs past {} ms", budget.as_millis()),
        CallResult::Crashed { why } => format!("crashes: {why}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_the_enclosing_block_and_changed_ones() {
        let a = "import os\n\nclass C:\n    x = 1\n    def m(self):\n        return 1\n    def n(self):\n        return 2\n\ndef f():\n    return 3\n\ndef g():\n    return 4\n";
        let names = |c: &str, line| {
            targets(a, c, line)
                .expect("parses")
                .into_iter()
                .map(|b| b.name)
                .collect::<Vec<_>>()
        };
        assert_eq!(names(a, 11), ["f"]);
        assert_eq!(names(a, 4), ["C.m", "C.n"]);
        assert!(names(a, 1).is_empty());
        let b = a.replace("return 4", "return 5");
        assert_eq!(names(&b, 11), ["f", "g"]);
        assert!(targets(a, "def (", 1).is_err());
    }
}
