//! Inputs for the behaviour check of one function or method: the paths
//! `gen` finds through the original (where the interpreter can run it) and
//! typed samples, objects of the module's own classes built through their
//! `__init__`, and calls that leave defaulted parameters out. Keyword-only
//! parameters are passed by name.

use std::time::Duration;

use symtest_python::Ty;
use symtest_python::outline::{Binding, Block, BlockKind, Literal, Param};
use symtest_sandbox::{Pool, PyValue};

use symtest_gen::{GenOptions, Reference, generate};

/// The marker `harness.py` turns into `Class(*args)`.
const NEW: &str = "__symtest_new__";

#[derive(Clone, Debug, PartialEq)]
pub struct Input {
    /// Arguments of the instance's class (`None` for functions, static and
    /// class methods).
    pub ctor: Option<Vec<PyValue>>,
    pub args: Vec<PyValue>,
    /// Keyword-only arguments by name, in the signature's order.
    pub kwargs: Vec<(String, PyValue)>,
    /// A feature probe of the function (a module it imports inside a
    /// `try` that handles `ImportError`) whose import fails in this call.
    pub without: Option<String>,
}

impl Input {
    /// The call as Python source: `describe(Money(0))`, `Money(3).area(2)`,
    /// `f(1, flag=None)`.
    pub fn display(&self, target: &str) -> String {
        let args = self
            .args
            .iter()
            .map(display)
            .chain(
                self.kwargs
                    .iter()
                    .map(|(k, v)| format!("{k}={}", display(v))),
            )
            .collect::<Vec<_>>()
            .join(", ");
        let (owner, name) = target.rsplit_once('.').unwrap_or(("", target));
        let call = match &self.ctor {
            Some(c) if name != "__init__" => format!(
                "{owner}({}).{name}({args})",
                c.iter().map(display).collect::<Vec<_>>().join(", ")
            ),
            _ if name == "__init__" => format!("{owner}({args})"),
            _ => format!("{target}({args})"),
        };
        match &self.without {
            Some(m) => format!("{call} where `{}` fails", import_of(m)),
            None => call,
        }
    }
}

/// The statement importing a probe's module: `import json`, `from . import
/// compat` for `.compat`.
pub fn import_of(module: &str) -> String {
    let rest = module.trim_start_matches('.');
    let dots = &module[..module.len() - rest.len()];
    match (dots.is_empty(), rest.rsplit_once('.')) {
        (true, _) => format!("import {module}"),
        (false, Some((head, tail))) => format!("from {dots}{head} import {tail}"),
        (false, None) => format!("from {dots} import {rest}"),
    }
}

fn display(v: &PyValue) -> String {
    match v {
        PyValue::Tuple(t) if t.len() == 3 && t[0] == PyValue::Str(NEW.into()) => {
            match (&t[1], &t[2]) {
                (PyValue::Str(c), PyValue::Tuple(a)) => format!(
                    "{c}({})",
                    a.iter().map(display).collect::<Vec<_>>().join(", ")
                ),
                _ => v.repr(),
            }
        }
        _ => v.repr(),
    }
}

/// Where the inputs came from, for the report.
#[derive(Clone, Debug, Default)]
pub struct InputStats {
    pub symbolic: usize,
    pub samples: usize,
    /// Why symbolic exploration was not used, when it was not.
    pub no_symbolic: Option<String>,
}

/// How many inputs, and how long exploration may take, per function.
pub struct InputOptions {
    /// Inputs per function, at most.
    pub max_inputs: usize,
    /// Symbolic exploration budget per function.
    pub explore_timeout: Duration,
}

/// Inputs for `block` of `source`; `blocks` are the module's blocks (for
/// its classes' constructors).
pub fn inputs_for(
    source: &str,
    block: &Block,
    blocks: &[Block],
    pool: &Pool,
    opts: &InputOptions,
) -> (Vec<Input>, InputStats) {
    let mut stats = InputStats::default();
    let mut out: Vec<Input> = Vec::new();
    let positional: Vec<&Param> = block.params.iter().filter(|p| p.positional).collect();
    let keyword: Vec<&Param> = block.params.iter().filter(|p| p.keyword).collect();
    let samples_for = |p: &Param| with_literals(param_samples(p, blocks, 0), &block.literals);
    let per_kw: Vec<Vec<PyValue>> = keyword.iter().map(|p| samples_for(p)).collect();

    // Symbolic: top-level functions whose parameters the interpreter models.
    if block.kind == BlockKind::Function {
        match explore_inputs(source, block, pool, opts) {
            Ok(found) => {
                stats.symbolic = found.len();
                // Required keyword-only arguments are not explored: each
                // explored call passes their first samples.
                let kwargs: Vec<(String, PyValue)> = keyword
                    .iter()
                    .zip(&per_kw)
                    .filter(|(p, _)| p.default.is_none())
                    .filter_map(|(p, vs)| Some((p.name.clone(), vs.first()?.clone())))
                    .collect();
                out.extend(found.into_iter().map(|args| Input {
                    ctor: None,
                    args,
                    kwargs: kwargs.clone(),
                    without: None,
                }));
            }
            Err(why) => stats.no_symbolic = Some(why),
        }
    } else {
        stats.no_symbolic = Some("the interpreter does not model classes".into());
    }

    // Samples.
    let ctors: Vec<Option<Vec<PyValue>>> = match (&block.class, block.binding) {
        (Some(c), Binding::Instance) if !block.name.ends_with(".__init__") => {
            ctor_samples(c, blocks, 0).into_iter().map(Some).collect()
        }
        _ => vec![None],
    };
    let per_param: Vec<Vec<PyValue>> = positional.iter().map(|p| samples_for(p)).collect();
    let mut samples = sample_calls(
        &Samples {
            positional: &positional,
            per_param: &per_param,
            keyword: &keyword,
            per_kw: &per_kw,
        },
        &ctors,
        opts.max_inputs,
    );
    let room = opts
        .max_inputs
        .saturating_sub(out.len())
        .max(opts.max_inputs / 2);
    spread(&mut samples, room);
    stats.samples = samples.len();
    out.extend(samples);
    (out, stats)
}

/// The samples of a signature's parameters: positional ones, then
/// keyword-only ones.
struct Samples<'a> {
    positional: &'a [&'a Param],
    per_param: &'a [Vec<PyValue>],
    keyword: &'a [&'a Param],
    per_kw: &'a [Vec<PyValue>],
}

/// Calls from samples, with every arity from the required positional
/// parameters to all of them (a default shared between calls, B006, only
/// shows when it is left out); required keyword-only parameters always
/// passed by name, defaulted ones both passed (with every positional one)
/// and left out.
fn sample_calls(s: &Samples<'_>, ctors: &[Option<Vec<PyValue>>], max: usize) -> Vec<Input> {
    let required = s.positional.iter().filter(|p| p.default.is_none()).count();
    let defaulted_kw = s.keyword.iter().any(|p| p.default.is_some());
    let mut out = Vec::new();
    for arity in (required..=s.positional.len()).rev() {
        let full = arity == s.positional.len();
        for all_kw in [true, false] {
            if all_kw && !(full && defaulted_kw) {
                continue;
            }
            let kws: Vec<usize> = (0..s.keyword.len())
                .filter(|&j| all_kw || s.keyword[j].default.is_none())
                .collect();
            let mut each: Vec<Vec<PyValue>> = s.per_param[..arity].to_vec();
            each.extend(kws.iter().map(|&j| s.per_kw[j].clone()));
            for mut values in combinations(&each, max) {
                let kw_values = values.split_off(arity);
                let kwargs: Vec<(String, PyValue)> = kws
                    .iter()
                    .map(|&j| s.keyword[j].name.clone())
                    .zip(kw_values)
                    .collect();
                for c in ctors {
                    out.push(Input {
                        ctor: c.clone(),
                        args: values.clone(),
                        kwargs: kwargs.clone(),
                        without: None,
                    });
                }
            }
        }
    }
    out
}

/// Calls passing a defaulted parameter's default explicitly: the
/// original's and, where it differs, the candidate's (a fix of `xs=[]` to
/// `xs=None` must keep what `f(None)` does too). A few per default, each
/// with the first arguments of an input that reaches the parameter; a
/// keyword-only parameter's by name, added to an input's arguments.
pub fn explicit_defaults(original: &Block, candidate: &Block, base: &[Input]) -> Vec<Input> {
    let positional =
        |b: &Block| -> Vec<Param> { b.params.iter().filter(|p| p.positional).cloned().collect() };
    let (ours, theirs) = (positional(original), positional(candidate));
    let mut out: Vec<Input> = Vec::new();
    let add = |calls: &mut dyn Iterator<Item = Input>, out: &mut Vec<Input>| {
        let mut added = 0;
        for call in calls {
            if !out.contains(&call) && !base.contains(&call) {
                out.push(call);
                added += 1;
            }
            if added == 4 {
                break;
            }
        }
    };
    for (i, p) in ours.iter().enumerate() {
        let other = theirs.get(i).filter(|q| q.name == p.name);
        for v in defaults(p, other) {
            let mut calls = base.iter().filter(|x| x.args.len() >= i).map(|input| {
                let mut args = input.args[..i].to_vec();
                args.push(v.clone());
                Input {
                    ctor: input.ctor.clone(),
                    args,
                    kwargs: input.kwargs.clone(),
                    without: input.without.clone(),
                }
            });
            add(&mut calls, &mut out);
        }
    }
    let keyword: Vec<&Param> = original.params.iter().filter(|p| p.keyword).collect();
    for p in &keyword {
        let other = candidate
            .params
            .iter()
            .find(|q| q.keyword && q.name == p.name);
        for v in defaults(p, other) {
            let mut calls = base.iter().map(|input| {
                let mut call = input.clone();
                call.kwargs.retain(|(k, _)| *k != p.name);
                call.kwargs.push((p.name.clone(), v.clone()));
                // In the signature's order, as every other call has them.
                call.kwargs
                    .sort_by_key(|(k, _)| keyword.iter().position(|q| q.name == *k));
                call
            });
            add(&mut calls, &mut out);
        }
    }
    out
}

/// Feature probes a function's calls make fail, at most.
const PROBES: usize = 4;

/// Calls made where a feature probe's import fails (a module the function
/// imports inside a `try` that handles `ImportError`): what it does where
/// the module is not installed. The first few inputs, per probe.
pub fn probe_failures(original: &Block, base: &[Input]) -> Vec<Input> {
    let mut out: Vec<Input> = Vec::new();
    for m in original.probes.iter().take(PROBES) {
        let mut added = 0;
        for input in base.iter().filter(|x| x.without.is_none()) {
            let call = Input {
                without: Some(m.clone()),
                ..input.clone()
            };
            if !out.contains(&call) {
                out.push(call);
                added += 1;
            }
            if added == 4 {
                break;
            }
        }
    }
    out
}

/// The literal defaults of a parameter in the original and in the
/// candidate (`other`), each once.
fn defaults(p: &Param, other: Option<&Param>) -> Vec<PyValue> {
    let mut values: Vec<PyValue> = Vec::new();
    for d in [
        p.default.as_deref(),
        other.and_then(|q| q.default.as_deref()),
    ]
    .into_iter()
    .flatten()
    {
        if let Ok(v) = PyValue::parse(d)
            && !values.contains(&v)
        {
            values.push(v);
        }
    }
    values
}

fn explore_inputs(
    source: &str,
    block: &Block,
    pool: &Pool,
    opts: &InputOptions,
) -> Result<Vec<Vec<PyValue>>, String> {
    if block.is_async {
        return Err("async functions are not explored".into());
    }
    let reference = Reference {
        source: source.to_string(),
        entry: block.name.clone(),
        stdio: false,
    };
    // Unannotated parameters with a literal default explore as its type.
    let types = block
        .params
        .iter()
        .filter(|p| p.annotation.is_none())
        .filter_map(|p| {
            let v = PyValue::parse(p.default.as_deref()?).ok()?;
            Some((p.name.clone(), Ty::of_value(&v)))
        })
        .collect();
    let gen_opts = GenOptions {
        types,
        keep_raising: true,
        no_minimise: true,
        timeout: opts.explore_timeout,
        ..GenOptions::default()
    };
    let generated = generate(&reference, &[], pool, &gen_opts).map_err(|e| e.to_string())?;
    Ok(generated.tests.into_iter().map(|t| t.args).collect())
}

/// Small values of a type, the edges first.
pub fn samples_of(ty: &Ty) -> Vec<PyValue> {
    let int = |i: i64| PyValue::Int(i.into());
    let s = |x: &str| PyValue::Str(x.into());
    match ty {
        Ty::Int => [0, 1, -1, 2, 3, 10, -7, 100].map(int).to_vec(),
        Ty::Float => [0.0, 1.0, -1.5, 2.5, 0.1, 100.0]
            .map(PyValue::Float)
            .to_vec(),
        Ty::Bool => vec![PyValue::Bool(false), PyValue::Bool(true)],
        Ty::Str => ["", "a", "ab", "Hello World", " x ", "A1_b", "aaa"]
            .map(s)
            .to_vec(),
        Ty::None => vec![PyValue::None],
        Ty::List(t) | Ty::TupleOf(t) => {
            let e = samples_of(t);
            let pick = |i: usize| e[i % e.len().max(1)].clone();
            let lists = if e.is_empty() {
                vec![Vec::new()]
            } else {
                vec![
                    Vec::new(),
                    vec![pick(1)],
                    vec![pick(3), pick(1)],
                    vec![pick(2), pick(3), pick(3), pick(0)],
                ]
            };
            lists
                .into_iter()
                .map(|l| match ty {
                    Ty::List(_) => PyValue::List(l),
                    _ => PyValue::Tuple(l),
                })
                .collect()
        }
        Ty::Tuple(ts) => {
            let each: Vec<Vec<PyValue>> = ts.iter().map(samples_of).collect();
            combinations(&each, 6)
                .into_iter()
                .map(PyValue::Tuple)
                .collect()
        }
        Ty::Dict(k, v) => {
            let ks = samples_of(k);
            let vs = samples_of(v);
            let mut out = vec![PyValue::Dict(Vec::new())];
            if ks.len() >= 3 && !vs.is_empty() {
                let v = |i: usize| vs[i % vs.len()].clone();
                out.push(PyValue::Dict(vec![(ks[1].clone(), v(1))]));
                out.push(PyValue::Dict(vec![
                    (ks[2].clone(), v(2)),
                    (ks[0].clone(), v(0)),
                ]));
            }
            out
        }
        Ty::Set(t) => {
            let e = samples_of(t);
            let mut out = vec![PyValue::Set(Vec::new())];
            if e.len() >= 3 {
                out.push(PyValue::Set(vec![e[1].clone()]));
                out.push(PyValue::Set(vec![e[0].clone(), e[2].clone()]));
            }
            out
        }
        Ty::Optional(t) => {
            let mut out = vec![PyValue::None];
            out.extend(samples_of(t));
            out
        }
        Ty::Union(ts) => ts.iter().flat_map(samples_of).collect(),
        Ty::Any => mixed(),
    }
}

/// Adds the function's own constants (and their integer neighbours) to
/// samples of their kind: `s is "yes"` needs "yes" among the inputs.
fn with_literals(mut samples: Vec<PyValue>, literals: &[Literal]) -> Vec<PyValue> {
    let has = |k: fn(&PyValue) -> bool, s: &[PyValue]| s.iter().any(k);
    let strs = has(|v| matches!(v, PyValue::Str(_)), &samples);
    let ints = has(|v| matches!(v, PyValue::Int(_)), &samples);
    let mut extra = Vec::new();
    for l in literals {
        match l {
            Literal::Str(x) if strs => {
                extra.push(PyValue::Str(x.clone()));
            }
            Literal::Int(i) if ints => {
                for d in [-1, 0, 1] {
                    extra.push(PyValue::Int((i128::from(*i) + d).into()));
                }
            }
            _ => {}
        }
    }
    for v in extra {
        if !samples.contains(&v) {
            samples.push(v);
        }
    }
    samples
}

/// For a parameter nothing is known about: one or two values of each
/// common kind.
fn mixed() -> Vec<PyValue> {
    let int = |i: i64| PyValue::Int(i.into());
    vec![
        PyValue::None,
        int(0),
        int(1),
        int(-1),
        PyValue::Float(2.5),
        PyValue::Str(String::new()),
        PyValue::Str("abc".into()),
        PyValue::List(Vec::new()),
        PyValue::List(vec![int(1), int(2)]),
        PyValue::Tuple(vec![int(1)]),
        PyValue::Dict(vec![(PyValue::Str("a".into()), int(1))]),
        PyValue::Bool(true),
    ]
}

/// The annotation names one of the module's classes (`C`, `Optional[C]`,
/// `C | None`): the class, and whether `None` is allowed.
fn class_of(annotation: &str, blocks: &[Block]) -> Option<(String, bool)> {
    let a = annotation.trim().trim_matches(|c| c == '"' || c == '\'');
    let (inner, optional) = if let Some(x) = a
        .strip_prefix("Optional[")
        .or_else(|| a.strip_prefix("typing.Optional["))
        .and_then(|x| x.strip_suffix(']'))
    {
        (x.trim(), true)
    } else if let Some(x) = a.strip_suffix("| None").or_else(|| a.strip_suffix("|None")) {
        (x.trim(), true)
    } else {
        (a, false)
    };
    blocks
        .iter()
        .any(|b| b.kind == BlockKind::Class && b.name == inner)
        .then(|| (inner.to_string(), optional))
}

fn param_samples(p: &Param, blocks: &[Block], depth: usize) -> Vec<PyValue> {
    if let Some(a) = &p.annotation {
        if let Ok(t) = Ty::parse(a) {
            return samples_of(&t);
        }
        if let Some((class, optional)) = class_of(a, blocks) {
            let mut out = if optional {
                vec![PyValue::None]
            } else {
                vec![]
            };
            if depth < 2 {
                out.extend(
                    ctor_samples(&class, blocks, depth + 1)
                        .into_iter()
                        .map(|args| {
                            PyValue::Tuple(vec![
                                PyValue::Str(NEW.into()),
                                PyValue::Str(class.clone()),
                                PyValue::Tuple(args),
                            ])
                        }),
                );
            }
            if !out.is_empty() {
                return out;
            }
        }
    }
    // A literal default gives the parameter its type (None is outside it:
    // `def f(xs=[])` is not called with None).
    if let Some(v) = p.default.as_deref().and_then(|d| PyValue::parse(d).ok())
        && v != PyValue::None
    {
        return samples_of(&Ty::of_value(&v));
    }
    mixed()
}

/// Argument tuples for `class(...)`, from its `__init__`.
fn ctor_samples(class: &str, blocks: &[Block], depth: usize) -> Vec<Vec<PyValue>> {
    let init = format!("{class}.__init__");
    let Some(b) = blocks.iter().find(|b| b.name == init) else {
        return vec![Vec::new()];
    };
    let each: Vec<Vec<PyValue>> = b
        .params
        .iter()
        .filter(|p| p.positional && p.default.is_none())
        .map(|p| param_samples(p, blocks, depth))
        .collect();
    combinations(&each, 8)
}

/// Tuples taking one value from each list: all of them when there are at
/// most `max`, else `max` spread so that every value appears.
pub fn combinations(each: &[Vec<PyValue>], max: usize) -> Vec<Vec<PyValue>> {
    if each.iter().any(Vec::is_empty) {
        return Vec::new();
    }
    let total = each
        .iter()
        .try_fold(1usize, |acc, e| acc.checked_mul(e.len()));
    match total {
        Some(n) if n <= max => (0..n)
            .map(|mut k| {
                each.iter()
                    .map(|e| {
                        let v = e[k % e.len()].clone();
                        k /= e.len();
                        v
                    })
                    .collect()
            })
            .collect(),
        _ => {
            // Each position walks its list at a different stride, so that
            // values meet in many pairs.
            let strides = [1usize, 3, 5, 7, 11, 13, 17, 19, 23, 29];
            (0..max)
                .map(|k| {
                    each.iter()
                        .enumerate()
                        .map(|(i, e)| {
                            let s = strides[i % strides.len()];
                            e[(k * s + k / e.len()) % e.len()].clone()
                        })
                        .collect()
                })
                .collect()
        }
    }
}

/// Keeps at most `max`, evenly spread over the list.
fn spread<T>(items: &mut Vec<T>, max: usize) {
    if items.len() <= max {
        return;
    }
    let n = items.len();
    let keep: Vec<bool> = (0..n)
        .map(|i| (i * max) / n != ((i + 1) * max) / n)
        .collect();
    let mut i = 0;
    items.retain(|_| {
        let k = keep[i];
        i += 1;
        k
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_products_are_complete_large_ones_cover_every_value() {
        let v = |n: i64| (0..n).map(|i| PyValue::Int(i.into())).collect::<Vec<_>>();
        assert_eq!(combinations(&[v(2), v(3)], 10).len(), 6);
        let big = combinations(&[v(8), v(8), v(8)], 20);
        assert_eq!(big.len(), 20);
        for pos in 0..3 {
            let mut seen: Vec<&PyValue> = big.iter().map(|t| &t[pos]).collect();
            seen.sort_by_key(|v| v.repr());
            seen.dedup();
            assert_eq!(seen.len(), 8, "position {pos}");
        }
        assert!(combinations(&[v(2), v(0)], 10).is_empty());
        assert_eq!(combinations(&[], 10), vec![Vec::<PyValue>::new()]);
    }

    #[test]
    fn defaults_are_also_passed_explicitly() {
        let o = symtest_python::outline::outline("def f(x: int, xs=[]):\n    return xs\n")
            .expect("parses");
        let c = symtest_python::outline::outline("def f(x: int, xs=None):\n    return xs\n")
            .expect("parses");
        let base = vec![
            Input {
                ctor: None,
                args: vec![PyValue::Int(1.into())],
                kwargs: vec![],
                without: None,
            },
            Input {
                ctor: None,
                args: vec![PyValue::Int(2.into()), PyValue::List(vec![])],
                kwargs: vec![],
                without: None,
            },
        ];
        let extra = explicit_defaults(&o[0], &c[0], &base);
        assert!(extra.contains(&Input {
            ctor: None,
            args: vec![PyValue::Int(1.into()), PyValue::None],
            kwargs: vec![],
            without: None,
        }));
        // `f(2, [])` is among the inputs already.
        assert!(!extra.iter().any(|x| x.args == base[1].args));
        assert_eq!(extra.len(), 3, "{extra:?}");
    }

    /// Keyword-only parameters are passed by name: required ones in every
    /// call, defaulted ones given and left out, and their defaults (the
    /// original's and the candidate's) passed explicitly.
    #[test]
    fn keyword_only_parameters_are_passed_by_name() {
        let o = symtest_python::outline::outline(
            "def f(a: int, *, flag=None, n: int, xs=[]):\n    return a\n",
        )
        .expect("parses");
        let c = symtest_python::outline::outline(
            "def f(a: int, *, flag=None, n: int, xs=None):\n    return a\n",
        )
        .expect("parses");
        let f = &o[0];
        let positional: Vec<&Param> = f.params.iter().filter(|p| p.positional).collect();
        let keyword: Vec<&Param> = f.params.iter().filter(|p| p.keyword).collect();
        let per = |ps: &[&Param]| -> Vec<Vec<PyValue>> {
            ps.iter().map(|p| param_samples(p, &o, 0)).collect()
        };
        let calls = sample_calls(
            &Samples {
                positional: &positional,
                per_param: &per(&positional),
                keyword: &keyword,
                per_kw: &per(&keyword),
            },
            &[None],
            20,
        );
        fn names(x: &Input) -> Vec<&str> {
            x.kwargs.iter().map(|(k, _)| k.as_str()).collect()
        }
        assert!(
            calls
                .iter()
                .all(|x| x.args.len() == 1 && names(x).contains(&"n"))
        );
        assert!(calls.iter().any(|x| names(x) == ["flag", "n", "xs"]));
        assert!(calls.iter().any(|x| names(x) == ["n"]));
        let base = vec![Input {
            ctor: None,
            args: vec![PyValue::Int(1.into())],
            kwargs: vec![("n".into(), PyValue::Int(0.into()))],
            without: None,
        }];
        let extra = explicit_defaults(f, &c[0], &base);
        let shown: Vec<String> = extra.iter().map(|x| x.display("f")).collect();
        assert_eq!(
            shown,
            [
                "f(1, flag=None, n=0)",
                "f(1, n=0, xs=[])",
                "f(1, n=0, xs=None)"
            ]
        );
    }

    #[test]
    fn probes_fail_in_calls_of_their_own() {
        let o = symtest_python::outline::outline(
            "def f(x: int):\n    try:\n        import json\n        from . import compat\n    except ImportError:\n        return None\n    return x\n",
        )
        .expect("parses");
        let base: Vec<Input> = (0..6)
            .map(|i| Input {
                ctor: None,
                args: vec![PyValue::Int(i.into())],
                kwargs: vec![],
                without: None,
            })
            .collect();
        let calls = probe_failures(&o[0], &base);
        assert_eq!(calls.len(), 8);
        assert_eq!(calls[0].display("f"), "f(0) where `import json` fails");
        assert_eq!(
            calls[7].display("f"),
            "f(3) where `from . import compat` fails"
        );
        assert_eq!(import_of("..a.b"), "from ..a import b");
    }

    #[test]
    fn spread_keeps_the_ends() {
        let mut x: Vec<u32> = (0..10).collect();
        spread(&mut x, 5);
        assert_eq!(x.len(), 5);
        assert_eq!(x.last(), Some(&9));
    }

    #[test]
    fn class_parameters_build_objects() {
        let src = "class M:\n    def __init__(self, c: int):\n        self.c = c\n\ndef f(m: M, k=3):\n    return m\n";
        let blocks = symtest_python::outline::outline(src).expect("parses");
        let f = blocks.iter().find(|b| b.name == "f").expect("f");
        let s = param_samples(&f.params[0], &blocks, 0);
        assert_eq!(s.len(), 8);
        let input = Input {
            ctor: None,
            args: vec![s[0].clone()],
            kwargs: vec![],
            without: None,
        };
        assert_eq!(input.display("f"), "f(M(0))");
        assert_eq!(class_of("Optional[M]", &blocks), Some(("M".into(), true)));
        let k = param_samples(&f.params[1], &blocks, 0);
        assert!(k.contains(&PyValue::Int(3.into())) || k.contains(&PyValue::Int(0.into())));
    }
}
