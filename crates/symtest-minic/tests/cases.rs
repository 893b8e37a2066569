//! The cases the engine must get right, end to end through the interpreter,
//! the explorer and the solvers.

mod common;

use common::*;
use symtest_explore::{ExploreOptions, Outcome, StopReason};
use symtest_minic::Config;
use symtest_solve::{SolverKind, SolverOptions};
use symtest_term::{Value, satisfies};

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn gymbo_readme_example() {
    let src = "if (a < 3) if (a > 4) return 1;";
    let opts = ExploreOptions {
        collect_prefixes: true,
        ..ExploreOptions::default()
    };
    let ex = explore_with(src, Config::default(), SolverOptions::default(), opts);
    let paths = sorted(ex.paths.iter().map(|p| p.constraint.to_string()).collect());
    assert_eq!(paths, ["!(var_0<3)", "(var_0<3)&&!(4<var_0)"]);
    let unsat: Vec<String> = ex.infeasible.iter().map(ToString::to_string).collect();
    assert_eq!(unsat, ["(var_0<3)&&(4<var_0)"]);
    // Gymbo's count: three feasible prefixes, one infeasible.
    let prefixes = sorted(
        ex.prefixes
            .iter()
            .map(|p| p.constraint.to_string())
            .collect(),
    );
    assert_eq!(
        prefixes,
        ["!(var_0<3)", "(var_0<3)", "(var_0<3)&&!(4<var_0)"]
    );
    for p in &ex.prefixes {
        assert!(satisfies(&p.input, &p.constraint.terms()));
    }
    assert_paths_replay(src, &Config::default(), &ex);
}

/// Programs whose `return 1` needs a specific input; the default solver must reach it.
const REACHABLE: [&str; 7] = [
    "if (a == 1000) return 1;",
    "if (a > 150) return 1;",
    "if (a < -200) return 1;",
    "if (a*b == 12 && a+b == 7) return 1;",
    "if (a*a + b*b == 25 && a>0 && b>0) return 1;",
    "if (a*b == 391 && a > 1 && b <= 1) return 1;",
    "if (a0+a1+a2+a3+a4+a5+a6+a7+a8+a9 == 200) return 1;",
];

fn returns_one(ex: &symtest_explore::Exploration) -> Option<&symtest_explore::PathRecord> {
    ex.paths
        .iter()
        .find(|p| p.outcome == Outcome::Returned("1".into()))
}

#[test]
fn default_solver_reaches_every_target() {
    for src in REACHABLE {
        let ex = explore_default(src);
        let hit = returns_one(&ex).unwrap_or_else(|| panic!("{src}: return 1 not reached"));
        assert!(satisfies(&hit.input, &hit.constraint.terms()), "{src}");
        assert!(
            ex.unknown.is_empty(),
            "{src}: {:?}",
            ex.unknown.iter().map(|u| &u.reason).collect::<Vec<_>>()
        );
        assert_eq!(ex.stats.solver.rejected_models, 0, "{src}");
        assert_paths_replay(src, &Config::default(), &ex);
    }
    let ex = explore_default(REACHABLE[5]);
    let hit = returns_one(&ex).unwrap();
    assert_eq!(hit.input.get(&ex.inputs[0]), Some(&Value::int(391)));
    assert_eq!(hit.input.get(&ex.inputs[1]), Some(&Value::int(1)));
}

#[test]
fn reals_solve_exactly() {
    let src = "if (x*4 == 1) return 1;";
    let config = Config {
        reals: true,
        ..Config::default()
    };
    let ex = explore_config(src, config.clone());
    let hit = returns_one(&ex).expect("x = 1/4");
    assert_eq!(hit.input.get(&ex.inputs[0]), Value::ratio(1, 4).as_ref());
    assert_paths_replay(src, &config, &ex);
}

#[test]
fn reassignment_composes() {
    let src = "x = a + 1; x = x * 2; if (x == 10) return 1;";
    let ex = explore_default(src);
    let hit = returns_one(&ex).expect("a = 4");
    assert_eq!(hit.constraint.to_string(), "(2*(var_0+1)==10)");
    assert_eq!(hit.input.get(&ex.inputs[0]), Some(&Value::int(4)));
}

#[test]
fn overwriting_an_input_keeps_earlier_constraints() {
    let src = "if (a > 0) { a = 5; } if (a == 5) return 1; return 2;";
    let ex = explore_default(src);
    let paths = sorted(ex.paths.iter().map(|p| p.constraint.to_string()).collect());
    // After `a = 5` the second test is concrete: it adds nothing to the first path.
    assert_eq!(paths, ["!(0<var_0)&&!(var_0==5)", "(0<var_0)"]);
    let unsat: Vec<String> = ex.infeasible.iter().map(ToString::to_string).collect();
    assert_eq!(unsat, ["!(0<var_0)&&(var_0==5)"]);
}

#[test]
fn c_division_truncates_and_zero_divisors_fork() {
    let src = "q = a / b; r = a % b; if (a == -7 && q == -3 && r == -1) return 1; return 0;";
    let ex = explore_default(src);
    let hit = returns_one(&ex).expect("C semantics reachable");
    assert_eq!(hit.input.get(&ex.inputs[0]), Some(&Value::int(-7)));
    let errors: Vec<_> = ex
        .paths
        .iter()
        .filter(|p| matches!(&p.outcome, Outcome::Error(e) if e.contains("division by zero")))
        .collect();
    assert_eq!(errors.len(), 1, "one path divides by zero");
    assert_eq!(errors[0].constraint.to_string(), "(var_1==0)");
    assert_paths_replay(src, &Config::default(), &ex);
}

#[test]
fn loops_unroll_up_to_the_bound() {
    let src =
        "i = 0; s = 0; while (i < n) { s = s + i; i = i + 1; } if (s == 10) return 1; return 0;";
    let config = Config {
        loop_bound: 8,
        ..Config::default()
    };
    let ex = explore_config(src, config.clone());
    assert!(returns_one(&ex).is_some(), "n = 5 gives s = 10");
    let stopped = ex
        .paths
        .iter()
        .filter(|p| matches!(p.outcome, Outcome::Stopped(_)))
        .count();
    assert_eq!(stopped, 1, "the path that wants a ninth iteration is cut");
    assert_eq!(ex.stop, StopReason::Exhausted);
    assert_paths_replay(src, &config, &ex);
}

#[test]
fn sixteen_sequential_ifs_give_every_path() {
    let mut src = String::new();
    for i in 0..16 {
        src.push_str(&format!("if (a{i} > 0) x = x + 1;\n"));
    }
    src.push_str("return x;");
    let ex = explore_default(&src);
    assert_eq!(ex.paths.len(), 65_536);
    assert!(ex.infeasible.is_empty() && ex.unknown.is_empty() && ex.divergences.is_empty());
    assert_eq!(ex.stop, StopReason::Exhausted);
    let mut seen: Vec<String> = ex.paths.iter().map(|p| p.constraint.to_string()).collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 65_536, "paths are distinct");
}

#[test]
fn gd_and_portfolio_reach_the_easy_targets_without_lying() {
    for kind in [SolverKind::Gd, SolverKind::Portfolio] {
        for src in REACHABLE {
            let exact = explore_default(src);
            let z3_unsat: Vec<String> = exact.infeasible.iter().map(ToString::to_string).collect();
            let ex = explore_with(
                src,
                Config::default(),
                solver(kind),
                ExploreOptions::default(),
            );
            // gd may give up (UNKNOWN), but never reports a wrong model or a false UNSAT.
            for c in &ex.infeasible {
                assert!(
                    z3_unsat.contains(&c.to_string()),
                    "{kind}: {src}: false UNSAT {c}"
                );
            }
            assert_eq!(ex.stats.unsound_unsat, 0, "{src}");
            assert_paths_replay(src, &Config::default(), &ex);
            if kind == SolverKind::Portfolio {
                assert!(
                    returns_one(&ex).is_some(),
                    "portfolio falls back to z3: {src}"
                );
            }
        }
    }
}

#[test]
fn dpll_mode_handles_disjunctions() {
    let src = "if (a < -50 || a > 60) { if (a > 0) return 1; return 2; } return 3;";
    let mut s = solver(SolverKind::Gd);
    s.gd.dpll = true;
    s.gd.iters = 200;
    let ex = explore_with(src, Config::default(), s, ExploreOptions::default());
    let outcomes: Vec<_> = ex.paths.iter().map(|p| p.outcome.clone()).collect();
    for want in ["1", "2", "3"] {
        assert!(
            outcomes.contains(&Outcome::Returned(want.into())),
            "{want}: {outcomes:?}"
        );
    }
    assert_paths_replay(src, &Config::default(), &ex);
}
