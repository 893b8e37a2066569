//! The behaviour check: the functions a candidate touches run, original and
//! candidate, on the same inputs in the sandbox; results, raised exception
//! types, arguments after the call, the object's state and printed output
//! must agree.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use symtest_python::outline::{Block, BlockKind, enclosing, outline};
use symtest_sandbox::{Call, CallResult, Pool, PyValue};

use super::compare::{self, Cmp};
use super::inputs::{
    Input, InputOptions, InputStats, explicit_defaults, inputs_for, probe_failures,
};
use super::project::ModuleSpec;

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
        /// Calls whose results differ between two runs of the original:
        /// those parts were not compared.
        varying: usize,
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

/// The program a job runs: the loader's settings, then the loader and
/// harness (`harness.py`), which import `source` as `module`.
fn program(source: &str, original: &str, module: &ModuleSpec, pad: usize) -> String {
    let text = |p: &std::path::Path| PyValue::Str(p.to_string_lossy().into_owned()).repr();
    let hex = |s: &str| {
        use std::fmt::Write;
        let mut out = String::with_capacity(s.len() * 2 + 2);
        out.push('\'');
        for b in s.bytes() {
            let _ = write!(out, "{b:02x}");
        }
        out.push('\'');
        out
    };
    let list = |ps: &mut dyn Iterator<Item = &std::path::PathBuf>| {
        ps.map(|p| text(p)).collect::<Vec<_>>().join(", ")
    };
    format!(
        "__symtest_fix_config__ = {{\"name\": {}, \"path\": {}, \"package\": {}, \"sys_path\": [{}], \"site\": [{}], \"pad\": {pad}, \"source\": {}, \"original\": {}}}\n{HARNESS}",
        PyValue::Str(module.name.clone()).repr(),
        text(&module.path),
        if module.package { "True" } else { "False" },
        list(&mut module.root.iter()),
        list(&mut module.site.iter()),
        hex(source),
        hex(original),
    )
}

/// Rounds of objects made before the original's second run loads (its
/// addresses differ from the first run's).
const PAD: usize = 1201;

/// Compares `original` and `candidate` on inputs for each function the
/// candidate touched (and the one around `line`), and the module after
/// import. The original runs twice: what differs between its two runs is
/// not compared. `cache` keeps each function's inputs across candidates.
pub fn check(
    pool: &Pool,
    module: &ModuleSpec,
    original: &str,
    candidate: &str,
    line: u32,
    opts: &CheckOptions,
    cache: &mut HashMap<String, Planned>,
) -> Behaviour {
    let (plan, lost_probe) = match plan(pool, original, candidate, line, opts, cache) {
        Ok(p) => p,
        Err(b) => return b,
    };
    // The module first, then every function's inputs.
    let mut calls: Vec<Call> = vec![Call {
        args: vec![
            PyValue::Str("<module>".into()),
            PyValue::None,
            PyValue::Tuple(Vec::new()),
            PyValue::Dict(Vec::new()),
            PyValue::None,
        ],
        budget: LOAD_BUDGET * 4,
    }];
    let mut what: Vec<(usize, usize)> = Vec::new();
    for (k, (target, inputs, _)) in plan.iter().enumerate() {
        for (i, input) in inputs.iter().enumerate() {
            calls.push(Call {
                args: vec![
                    PyValue::Str(target.clone()),
                    input.ctor.clone().map_or(PyValue::None, PyValue::Tuple),
                    PyValue::Tuple(input.args.clone()),
                    PyValue::Dict(
                        input
                            .kwargs
                            .iter()
                            .map(|(k, v)| (PyValue::Str(k.clone()), v.clone()))
                            .collect(),
                    ),
                    input.without.clone().map_or(PyValue::None, PyValue::Str),
                ],
                budget: opts.call_timeout,
            });
            what.push((k, i));
        }
    }
    let run = |source: &str, pad: usize| {
        pool.run_calls(
            &program(source, original, module, pad),
            CALL,
            &calls,
            LOAD_BUDGET,
        )
    };
    // The candidate runs between the original's two runs: what depends on
    // the time differs between those whenever it differs for the candidate.
    let first = run(original, 0);
    let cand = run(candidate, 0);
    let second = run(original, PAD);
    let (a1, a2, b) = match (first, second, cand) {
        (Ok(a1), Ok(a2), Ok(b)) => (a1, a2, b),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            return Behaviour::NotChecked {
                why: format!("the sandbox failed: {e}"),
            };
        }
    };
    match (&a1.load, &a2.load, &b.load) {
        (Err(e), _, _) => {
            return Behaviour::NotChecked {
                why: format!("the original module does not load in the sandbox: it {e}"),
            };
        }
        (Ok(_), Err(e), _) => {
            return Behaviour::NotChecked {
                why: format!("the original module loads once and not the second time: it {e}"),
            };
        }
        (Ok(_), Ok(_), Err(e)) => {
            return Behaviour::Differs(Witness {
                target: "<module>".into(),
                call: format!("import {}", module.name),
                original: "loads".into(),
                candidate: format!("does not load: it {e}"),
            });
        }
        _ => {}
    }
    let (Some(m1), Some(m2), Some(mc)) =
        (a1.results.first(), a2.results.first(), b.results.first())
    else {
        return Behaviour::NotChecked {
            why: "the sandbox answered no call".into(),
        };
    };
    if let Some(w) = module_differs(&module.name, m1, m2, mc) {
        return Behaviour::Differs(w);
    }
    let mut varying = 0;
    for (j, ((x1, x2), y)) in a1.results[1..]
        .iter()
        .zip(&a2.results[1..])
        .zip(&b.results[1..])
        .enumerate()
    {
        let (k, i) = what[j];
        let (target, inputs, _) = &plan[k];
        let said = |o: String, c: String| {
            Behaviour::Differs(Witness {
                target: target.clone(),
                call: inputs[i].display(target),
                original: o,
                candidate: c,
            })
        };
        match compare::results(x1, x2, y) {
            Cmp::Same => {}
            Cmp::Varies => varying += 1,
            Cmp::Kind => return said(describe(x1), describe(y)),
            Cmp::Differs(path, o, c) => {
                let (label, rest) = part(&path);
                return said(
                    format!("{label}{rest} {}", short(&o)),
                    format!("{label}{rest} {}", short(&c)),
                );
            }
        }
    }
    // Where no call shows it: a probe is there to find out whether its
    // import works, so removing it changes what the function does where
    // it does not.
    if let Some(w) = lost_probe {
        return Behaviour::Differs(w);
    }
    let checked = plan
        .into_iter()
        .map(|(target, inputs, stats)| Checked {
            target,
            inputs: inputs.len(),
            stats,
        })
        .collect();
    Behaviour::Same { checked, varying }
}

/// A target's name, its inputs and where they came from.
type Target = (String, Vec<Input>, InputStats);

/// Each target's inputs: the original's (kept in `cache`), calls passing a
/// default of the original's or the candidate's signature explicitly, and
/// calls where a feature probe's import fails. A target the candidate
/// removed is a difference; so is a probe it removed (returned beside the
/// plan: a call that shows the difference says more).
fn plan(
    pool: &Pool,
    original: &str,
    candidate: &str,
    line: u32,
    opts: &CheckOptions,
    cache: &mut HashMap<String, Planned>,
) -> Result<(Vec<Target>, Option<Witness>), Behaviour> {
    let targets =
        targets(original, candidate, line).map_err(|why| Behaviour::NotChecked { why })?;
    let blocks = outline(original).unwrap_or_default();
    let cand_blocks = outline(candidate).unwrap_or_default();
    let mut plan = Vec::new();
    let mut lost_probe = None;
    for t in &targets {
        let found = cand_blocks.iter().find(|c| c.name == t.name);
        if t.is_async && found.is_none() {
            continue;
        }
        let Some(ct) = found else {
            return Err(Behaviour::Differs(Witness {
                target: t.name.clone(),
                call: t.name.clone(),
                original: "defined".into(),
                candidate: "no longer defined".into(),
            }));
        };
        if let Some(gone) = t.probes.iter().find(|m| !ct.probes.contains(m)) {
            lost_probe.get_or_insert_with(|| Witness {
                target: t.name.clone(),
                call: t.name.clone(),
                original: format!(
                    "tries `{}` and handles its ImportError (a feature probe)",
                    super::inputs::import_of(gone)
                ),
                candidate: "no longer tries it".into(),
            });
        }
        if t.is_async {
            continue;
        }
        let (mut inputs, stats) = cache
            .entry(t.name.clone())
            .or_insert_with(|| inputs_for(original, t, &blocks, pool, &opts.inputs))
            .clone();
        let extra = explicit_defaults(t, ct, &inputs);
        let failing = probe_failures(t, &inputs);
        inputs.extend(extra);
        inputs.extend(failing);
        plan.push((t.name.clone(), inputs, stats));
    }
    Ok((plan, lost_probe))
}

/// What a path into a call's result names: `[0][2]` is item 2 of the
/// value returned.
fn part(path: &str) -> (&'static str, &str) {
    const LABELS: [&str; 4] = [
        "returns",
        "arguments after the call",
        "the object after the call",
        "prints",
    ];
    for (i, label) in LABELS.iter().enumerate() {
        if let Some(rest) = path.strip_prefix(&format!("[{i}]")) {
            return (label, rest);
        }
    }
    ("returns", path)
}

/// How the candidate's module after import differs from the original's:
/// its globals and what it printed while it loaded, the same when a
/// feature probe's import fails, the probes themselves.
fn module_differs(name: &str, o1: &CallResult, o2: &CallResult, c: &CallResult) -> Option<Witness> {
    let parts = |r: &CallResult| match r {
        CallResult::Returned {
            value: PyValue::Tuple(p),
            ..
        } if p.len() == 4 => Some(p.clone()),
        _ => None,
    };
    let witness = |call: String, original: String, candidate: String| Witness {
        target: "<module>".into(),
        call,
        original,
        candidate,
    };
    let import = format!("import {name}");
    // The original's module cannot be described: the calls still say.
    let (p1, p2) = (parts(o1)?, parts(o2)?);
    let Some(pc) = parts(c) else {
        return Some(witness(import, "imports".into(), describe(c)));
    };
    let global = |path: &str| {
        let key = path.strip_prefix('[').unwrap_or(path);
        let (k, rest) = key.split_once(']').unwrap_or((key, ""));
        format!("module global {k}{rest}")
    };
    let differs = |call: String, cmp: Cmp| match cmp {
        Cmp::Differs(path, o, c) if path.is_empty() => Some(witness(call, shown(&o), shown(&c))),
        Cmp::Differs(path, o, c) => {
            let g = global(&path);
            Some(witness(
                call,
                format!("{g} is {}", shown(&o)),
                format!("{g} is {}", shown(&c)),
            ))
        }
        _ => None,
    };
    // What it printed: (stdout, stderr), line by line.
    let printed = |call: String, o1: &PyValue, o2: &PyValue, c: &PyValue| {
        let streams = |v: &PyValue| match v {
            PyValue::Tuple(t) if t.len() == 2 => Some([text_of(&t[0]), text_of(&t[1])]),
            _ => None,
        };
        let (s1, s2, sc) = (streams(o1)?, streams(o2)?, streams(c)?);
        ["prints", "writes to stderr"]
            .iter()
            .enumerate()
            .find_map(|(i, what)| {
                let (o, c) = compare::output(&s1[i], &s2[i], &sc[i])?;
                let said = |t: String| format!("{what} {}", short(&PyValue::Str(t)));
                Some(witness(call.clone(), said(o), said(c)))
            })
    };
    if let Some(w) = differs(import.clone(), compare::values(&p1[0], &p2[0], &pc[0], 1))
        .or_else(|| printed(import.clone(), &p1[3], &p2[3], &pc[3]))
    {
        return Some(w);
    }
    if let (PyValue::Dict(w1), PyValue::Dict(w2), PyValue::Dict(wc)) = (&p1[1], &p2[1], &pc[1]) {
        for (probe, v1) in w1 {
            let find =
                |d: &[(PyValue, PyValue)]| d.iter().find(|(k, _)| k == probe).map(|x| x.1.clone());
            let (Some(v2), Some(vc)) = (find(w2), find(wc)) else {
                continue;
            };
            let call = format!("{import} where `import {}` fails", text_of(probe));
            // (globals, printed)
            let pair = |v: &PyValue| match v {
                PyValue::Tuple(t) if t.len() == 2 => Some((t[0].clone(), t[1].clone())),
                _ => None,
            };
            let (Some((g1, s1)), Some((g2, s2)), Some((gc, sc))) = (pair(v1), pair(&v2), pair(&vc))
            else {
                continue;
            };
            if let Some(w) = differs(call.clone(), compare::values(&g1, &g2, &gc, 1))
                .or_else(|| printed(call, &s1, &s2, &sc))
            {
                return Some(w);
            }
        }
    }
    // An import inside `try`/`except ImportError` is there to find out
    // whether it works: removing it changes what the module does where it
    // does not.
    if let (PyValue::List(before), PyValue::List(after)) = (&p1[2], &pc[2]) {
        let gone: Vec<String> = before
            .iter()
            .filter(|m| !after.contains(m))
            .map(text_of)
            .collect();
        if !gone.is_empty() {
            return Some(witness(
                import,
                format!(
                    "tries `import {}` and handles its ImportError (a feature probe)",
                    gone.join("`, `import ")
                ),
                "no longer tries it".into(),
            ));
        }
    }
    None
}

fn text_of(v: &PyValue) -> String {
    match v {
        PyValue::Str(s) => s.clone(),
        other => other.repr(),
    }
}

/// A module global's value, readable; `<definition>` and a raised
/// exception as words.
fn shown(v: &PyValue) -> String {
    match v {
        PyValue::Str(s) if s == "<definition>" => "a definition".into(),
        PyValue::Tuple(t) if t.len() == 2 && t[0] == PyValue::Str("<raises>".into()) => {
            format!("an import that raises {}", text_of(&t[1]))
        }
        PyValue::Str(s) if s == "<absent>" => "absent".into(),
        other => short(other),
    }
}

/// A value's repr, cut to a readable length.
fn short(v: &PyValue) -> String {
    crate::text::cut(&v.repr(), 120)
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
