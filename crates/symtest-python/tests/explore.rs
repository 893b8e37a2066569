//! Exploration drives every branch of the shapes CrossHair's `cover` does not:
//! non-linear arithmetic tied to a second input, characters of strings, list
//! lengths and elements, helpers called from the entry, comprehensions.

use std::collections::BTreeSet;

use symtest_explore::{Exploration, ExploreOptions, Strategy, explore};
use symtest_python::{Program, PySubject, Ty};
use symtest_pyvalue::PyValue;
use symtest_solve::{Solver, SolverOptions};

struct Explored {
    exploration: Exploration,
    missing: Vec<String>,
    runs: Vec<(Vec<PyValue>, String)>,
}

fn explore_fn(src: &str, entry: &str, params: &[(&str, Ty)], pre: &[&str]) -> Explored {
    let program = Program::parse(src).expect("parses");
    let params = params
        .iter()
        .map(|(n, t)| (n.to_string(), t.clone()))
        .collect();
    let mut subject = PySubject::new(&program, entry, params).expect("subject");
    for p in pre {
        subject.add_precondition(p).expect("precondition");
    }
    let mut solver = Solver::new(SolverOptions::default());
    let opts = ExploreOptions {
        strategy: Strategy::Coverage,
        max_runs: Some(300),
        ..Default::default()
    };
    let exploration = explore(&mut subject, &mut solver, &opts, &mut |_| {});
    let sites = program.reachable_sites(entry).expect("sites");
    let missing = subject.sites().missed(sites.iter().copied(), |s, d| {
        exploration.coverage.contains(&(s, d))
    });
    let runs = exploration
        .paths
        .iter()
        .map(|p| {
            let args = subject
                .args_of(&exploration.inputs, &p.input)
                .expect("args");
            (args, p.outcome.to_string())
        })
        .collect();
    Explored {
        exploration,
        missing,
        runs,
    }
}

/// Every branch direction of the entry was taken; the failure says why not.
fn assert_all_covered(e: &Explored) {
    assert!(
        e.missing.is_empty(),
        "missing {:?} runs {:?} unknown {:?} stop {:?}",
        e.missing,
        e.runs,
        e.exploration
            .unknown
            .iter()
            .map(|u| u.reason.clone())
            .collect::<Vec<_>>(),
        e.exploration.stop
    );
}

fn run(src: &str, entry: &str, args: &[PyValue]) -> String {
    let program = Program::parse(src).expect("parses");
    format!("{:?}", program.run(entry, args, Default::default()))
}

#[test]
fn nonlinear_condition_on_two_inputs() {
    let src = "def f(x: int, y: int):\n    if x * x == 49 and y == x + 2:\n        return 'hit'\n    return 'miss'\n";
    let e = explore_fn(src, "f", &[("x", Ty::Int), ("y", Ty::Int)], &[]);
    assert_all_covered(&e);
    let hits: Vec<_> = e.runs.iter().filter(|(a, _)| {
        matches!((&a[0], &a[1]), (PyValue::Int(x), PyValue::Int(y)) if x * x == 49.into() && *y == x + 2)
    }).collect();
    assert!(!hits.is_empty(), "no input reaches 'hit': {:?}", e.runs);
    for (args, _) in &hits {
        assert!(run(src, "f", args).contains("hit"));
    }
}

#[test]
fn string_characters_drive_branches() {
    let src = "def balanced(s: str):\n    n = 0\n    for i in range(len(s)):\n        if s[i] == '(':\n            n += 1\n        elif s[i] == ')':\n            n -= 1\n            if n < 0:\n                return False\n    return n == 0\n";
    let e = explore_fn(src, "balanced", &[("s", Ty::Str)], &[]);
    assert_all_covered(&e);
    let outcomes: BTreeSet<String> = e
        .runs
        .iter()
        .map(|(a, _)| run(src, "balanced", a))
        .collect();
    assert!(
        outcomes.len() >= 2,
        "both True and False expected: {outcomes:?}"
    );
}

#[test]
fn list_length_and_elements() {
    let src = "def g(xs: list[int]):\n    if len(xs) > 3 and xs[2] == 17:\n        return 'deep'\n    for x in xs:\n        if x < -5:\n            return 'negative'\n    return 'plain'\n";
    let e = explore_fn(src, "g", &[("xs", Ty::List(Box::new(Ty::Int)))], &[]);
    assert_all_covered(&e);
    let outs: BTreeSet<String> = e.runs.iter().map(|(a, _)| run(src, "g", a)).collect();
    for want in ["deep", "negative", "plain"] {
        assert!(
            outs.iter().any(|o| o.contains(want)),
            "{want} not reached: {outs:?}"
        );
    }
}

#[test]
fn nested_helpers_and_comprehensions() {
    let src = "def classify(n):\n    if n % 3 == 0:\n        return 'fizz'\n    return 'plain'\n\ndef main(xs: list[int], k: int):\n    def bump(v):\n        return v + k\n    evens = [bump(x) for x in xs if x % 2 == 0]\n    if len(evens) >= 2 and classify(evens[1]) == 'fizz':\n        return sum(evens)\n    return -1\n";
    let e = explore_fn(
        src,
        "main",
        &[("xs", Ty::List(Box::new(Ty::Int))), ("k", Ty::Int)],
        &[],
    );
    assert_all_covered(&e);
}

#[test]
fn preconditions_restrict_inputs() {
    let src = "def f(n: int):\n    assert n >= 0\n    if n > 10:\n        return 1\n    return 0\n";
    let e = explore_fn(src, "f", &[("n", Ty::Int)], &["n < 100"]);
    assert!(!e.runs.is_empty());
    for (args, _) in &e.runs {
        let PyValue::Int(n) = &args[0] else {
            panic!("int expected")
        };
        assert!(
            *n >= 0.into() && *n < 100.into(),
            "precondition broken by {n}"
        );
    }
    assert!(e.exploration.paths.len() >= 2);
}

fn outputs(src: &str, entry: &str, e: &Explored) -> BTreeSet<String> {
    e.runs.iter().map(|(a, _)| run(src, entry, a)).collect()
}

#[test]
fn comparisons_used_as_values_fork() {
    // No `if`: the outcomes live in a returned `and` and a comparison.
    let src = "def f(n: int):\n    return n % 2 == 0 and n >= 8\n";
    let e = explore_fn(src, "f", &[("n", Ty::Int)], &[]);
    let outs = outputs(src, "f", &e);
    assert!(
        outs.iter().any(|o| o.contains("true")) && outs.iter().any(|o| o.contains("false")),
        "{outs:?}"
    );
    // Odd; even below 8; even from 8 on.
    assert!(e.exploration.paths.len() >= 3, "{:?}", e.runs);
}

#[test]
fn a_sorted_list_keeps_its_length_explorable() {
    // sorted() consumes the list whole; runs of another length must still
    // be explorable, not divergences.
    let src = "def median(l: list[int]):\n    l = sorted(l)\n    if len(l) % 2 == 1:\n        return l[len(l) // 2]\n    return (l[len(l) // 2 - 1] + l[len(l) // 2]) / 2.0\n";
    let e = explore_fn(src, "median", &[("l", Ty::List(Box::new(Ty::Int)))], &[]);
    assert!(e.missing.is_empty(), "missing {:?}", e.missing);
    let lens: BTreeSet<usize> = e
        .runs
        .iter()
        .filter_map(|(a, _)| match &a[0] {
            PyValue::List(xs) => Some(xs.len()),
            _ => None,
        })
        .collect();
    assert!(lens.iter().any(|n| *n >= 2 && n % 2 == 0), "{lens:?}");
    assert!(e.exploration.divergences.is_empty());
}

#[test]
fn union_parameters_are_explored_in_every_variant() {
    let src = "def f(x):\n    if isinstance(x, int):\n        return 'int'\n    return 'float'\n";
    let e = explore_fn(src, "f", &[("x", Ty::Union(vec![Ty::Int, Ty::Float]))], &[]);
    assert!(e.missing.is_empty(), "missing {:?}", e.missing);
}

#[test]
fn set_iteration_order_does_not_make_paths_diverge() {
    // A set of ints iterates in CPython's hash order, which follows the
    // values: iterating one pins its symbolic elements, so the paths stay
    // the explorer's own (no divergence), and branches on membership and
    // sizes stay explorable. (A branch on the iterated values themselves
    // cannot be flipped after the pin.)
    let src = "def f(a: list[int]):\n    out = sorted(list(set(a)))\n    if len(out) > 2:\n        return out[0] - out[1]\n    if 7 in sorted(set(a)):\n        return 2\n    return 0\n";
    let e = explore_fn(src, "f", &[("a", Ty::List(Box::new(Ty::Int)))], &[]);
    assert_all_covered(&e);
    assert!(
        e.exploration.divergences.is_empty(),
        "{} divergences",
        e.exploration.divergences.len()
    );
}
