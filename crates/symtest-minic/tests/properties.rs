//! Laws checked on random programs:
//! - every SAT model drives a fresh run down exactly its path (with the
//!   interpreter's concrete result equal to the path's outcome);
//! - every UNSAT path constraint is unreachable: no input in a box of
//!   integers follows it;
//! - with z3 and a finished exploration, every path that some input in the
//!   box takes was found;
//! - gd and portfolio never report a wrong model or a false UNSAT.

mod common;

use std::collections::BTreeSet;

use common::*;
use proptest::prelude::*;
use symtest_explore::{ExploreOptions, Literal, StopReason};
use symtest_minic::Config;
use symtest_solve::SolverKind;

const BOX: i64 = 5;
const NAMES: [&str; 3] = ["a", "b", "c"];

fn leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(NAMES.to_vec()).prop_map(str::to_string),
        2 => (-4i64..=4).prop_map(|k| k.to_string()),
    ]
}

fn arith() -> impl Strategy<Value = String> {
    leaf().prop_recursive(2, 8, 2, |inner| {
        let op = prop_oneof![
            4 => prop::sample::select(vec!["+", "-", "*"]),
            1 => prop::sample::select(vec!["/", "%"]),
        ];
        (inner.clone(), op, inner).prop_map(|(l, op, r)| format!("({l} {op} {r})"))
    })
}

fn cond() -> impl Strategy<Value = String> {
    let cmp = (
        arith(),
        prop::sample::select(vec!["<", "<=", ">", ">=", "==", "!="]),
        arith(),
    )
        .prop_map(|(l, op, r)| format!("{l} {op} {r}"));
    cmp.prop_recursive(1, 4, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(l, r)| format!("({l}) && ({r})")),
            (inner.clone(), inner.clone()).prop_map(|(l, r)| format!("({l}) || ({r})")),
            inner.prop_map(|c| format!("!({c})")),
        ]
    })
}

fn stmt() -> impl Strategy<Value = String> {
    let simple = prop_oneof![
        (prop::sample::select(NAMES.to_vec()), arith()).prop_map(|(v, e)| format!("{v} = {e};")),
        arith().prop_map(|e| format!("return {e};")),
    ];
    simple.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (cond(), inner.clone()).prop_map(|(c, s)| format!("if ({c}) {s}")),
            (cond(), inner.clone(), inner.clone())
                .prop_map(|(c, s, t)| format!("if ({c}) {s} else {t}")),
            prop::collection::vec(inner.clone(), 1..3)
                .prop_map(|ss| format!("{{ {} }}", ss.join(" "))),
            (prop::sample::select(NAMES.to_vec()), cond(), inner)
                .prop_map(|(v, c, s)| format!("while ({c}) {{ {s} {v} = {v} - 1; }}")),
        ]
    })
}

fn program() -> impl Strategy<Value = String> {
    prop::collection::vec(stmt(), 1..4).prop_map(|ss| ss.join("\n"))
}

fn config() -> Config {
    Config {
        reals: false,
        loop_bound: 3,
        ..Config::default()
    }
}

/// The decisions of every input in the box, by running the interpreter.
fn box_paths(src: &str, inputs: &[symtest_term::Var]) -> Vec<Vec<Literal>> {
    let mut out = Vec::new();
    for a in -BOX..=BOX {
        for b in -BOX..=BOX {
            for c in -BOX..=BOX {
                let m = int_model(inputs, &[("a", a), ("b", b), ("c", c)]);
                out.push(replay(src, &config(), inputs, &m).0);
            }
        }
    }
    out
}

fn starts_with(path: &[Literal], prefix: &[Literal]) -> bool {
    path.len() >= prefix.len() && path.iter().zip(prefix).all(|(x, y)| x == y)
}

fn check(src: &str, kind: SolverKind) -> Result<(), TestCaseError> {
    let opts = ExploreOptions {
        max_runs: Some(2_000),
        ..ExploreOptions::default()
    };
    let mut s = solver(kind);
    // Random nonlinear integer division is hard for any solver; an undecided
    // query is UNKNOWN, which these laws allow.
    s.query_timeout = Some(std::time::Duration::from_millis(500));
    let ex = explore_with(src, config(), s, opts);
    assert_paths_replay(src, &config(), &ex);
    prop_assert_eq!(ex.stats.unsound_unsat, 0);
    prop_assert_eq!(ex.stats.solver.rejected_models, 0, "{}", kind);
    if kind == SolverKind::Z3 {
        prop_assert!(ex.divergences.is_empty(), "{src}: divergences");
    }
    // Inputs never read by any explored run cannot matter to the box runs either.
    let mut inputs = ex.inputs.clone();
    for n in NAMES {
        if !inputs.iter().any(|v| &*v.name == n) {
            let i = inputs.len() as u32;
            inputs.push(symtest_term::Var::new(i, n, symtest_term::Sort::Int));
        }
    }
    let runs = box_paths(src, &inputs);
    for c in &ex.infeasible {
        for r in &runs {
            prop_assert!(!starts_with(r, &c.0), "{src}: UNSAT {c} is reachable");
        }
    }
    if kind == SolverKind::Z3 && ex.stop == StopReason::Exhausted && ex.unknown.is_empty() {
        let found: BTreeSet<String> = ex.paths.iter().map(|p| p.constraint.to_string()).collect();
        for r in &runs {
            let s = symtest_explore::PathConstraint(r.clone()).to_string();
            prop_assert!(
                found.contains(&s),
                "{src}: path {s} taken by a box input was not found"
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn z3_exploration_is_sound_and_complete_on_the_box(src in program()) {
        check(&src, SolverKind::Z3)?;
    }

    #[test]
    fn gd_never_lies(src in program()) {
        check(&src, SolverKind::Gd)?;
    }

    #[test]
    fn portfolio_never_lies(src in program()) {
        check(&src, SolverKind::Portfolio)?;
    }
}
