//! Concolic exploration, independent of any one language.
//!
//! A frontend implements [`Subject`]; [`explore`] runs it, records every
//! branch decision in a tree, asks the [`symtest_solve::Solver`] for inputs
//! that take the directions no run has taken yet, and returns every feasible
//! path with an input that drives it, every infeasible path constraint, every
//! undecided one, and any divergence between prediction and execution.

#![warn(missing_docs)]

pub mod boundary;
mod complete;
mod explorer;
mod frontier;
mod path;
pub mod prob;
mod subject;
mod tree;

pub use complete::{Cut, UNSUPPORTED};
pub use explorer::{Event, Exploration, ExploreOptions, ExploreStats, explore};
pub use frontier::Strategy;
pub use path::{
    Divergence, Literal, NamedPath, PathConstraint, PathRecord, PrefixRecord, StopReason,
    UnknownRecord,
};
pub use subject::{Outcome, SiteId, Subject, Tracer, defaults_meet_assumptions};

#[cfg(test)]
mod tests {
    use super::*;
    use symtest_solve::{Solver, SolverOptions};
    use symtest_term::{Sort, Term, Value};

    /// `if (a < 3) { if (a > 4) return 1; }` written directly against the seam.
    struct Nested;

    impl Subject for Nested {
        fn run(&mut self, t: &mut dyn Tracer) -> Outcome {
            let (v, a) = t.input("a", Sort::Int);
            let Value::Int(x) = v else {
                return Outcome::Error("not an int".into());
            };
            let c1 = a.less(&Term::int(3));
            let lt3 = x < 3.into();
            t.branch(SiteId(0), &c1, lt3);
            if lt3 {
                let c2 = a.greater(&Term::int(4));
                let gt4 = x > 4.into();
                t.branch(SiteId(1), &c2, gt4);
                if gt4 {
                    return Outcome::Returned("1".into());
                }
            }
            Outcome::Finished
        }
    }

    /// `subject` explored under `opts` with a fresh default solver.
    fn explored(subject: &mut dyn Subject, opts: &ExploreOptions) -> Exploration {
        let mut solver = Solver::new(SolverOptions::default());
        explore(subject, &mut solver, opts, &mut |_| {})
    }

    fn run(strategy: Strategy) -> Exploration {
        let opts = ExploreOptions {
            strategy,
            collect_prefixes: true,
            ..ExploreOptions::default()
        };
        explored(&mut Nested, &opts)
    }

    #[test]
    fn gymbo_readme_example_through_the_seam() {
        for s in Strategy::ALL {
            let ex = run(s);
            let mut paths: Vec<String> =
                ex.paths.iter().map(|p| p.constraint.to_string()).collect();
            paths.sort();
            assert_eq!(paths, ["!(var_0<3)", "(var_0<3)&&!(4<var_0)"], "{s}");
            let unsat: Vec<String> = ex.infeasible.iter().map(ToString::to_string).collect();
            assert_eq!(unsat, ["(var_0<3)&&(4<var_0)"], "{s}");
            assert_eq!(ex.prefixes.len(), 3, "{s}");
            assert_eq!(ex.stop, StopReason::Exhausted);
            assert!(ex.divergences.is_empty());
            for p in &ex.paths {
                assert!(symtest_term::satisfies(&p.input, &p.constraint.terms()));
            }
        }
    }

    #[test]
    fn budgets_stop_early() {
        let opts = ExploreOptions {
            max_sat: Some(1),
            ..ExploreOptions::default()
        };
        let ex = explored(&mut Nested, &opts);
        assert_eq!(ex.paths.len(), 1);
        assert_eq!(ex.stop, StopReason::MaxSat);
    }

    #[test]
    fn a_cut_path_makes_an_exhausted_search_incomplete() {
        let ex = explored(&mut Nested, &ExploreOptions::default());
        assert!(ex.is_complete());
        assert_eq!(ex.stop_text(), "all branches explored");
        let opts = ExploreOptions {
            max_depth: 1,
            ..ExploreOptions::default()
        };
        let ex = explored(&mut Nested, &opts);
        assert_eq!(ex.stop, StopReason::Exhausted);
        assert!(!ex.is_complete());
        assert_eq!(
            ex.cuts(),
            [Cut {
                reason: "depth bound (1 branches)".into(),
                count: 1
            }]
        );
        assert_ne!(ex.stop_text(), "all branches explored");
    }

    /// A construct the frontend does not model stops some runs.
    struct Unsupported;

    impl Subject for Unsupported {
        fn run(&mut self, t: &mut dyn Tracer) -> Outcome {
            let (v, a) = t.input("a", Sort::Int);
            let pos = v == Value::int(0);
            t.branch(SiteId(0), &a.equal(&Term::int(0)), pos);
            if pos {
                return Outcome::Stopped(format!("{UNSUPPORTED}generators"));
            }
            Outcome::Finished
        }
    }

    #[test]
    fn an_unsupported_construct_is_the_stop_reason() {
        let ex = explored(&mut Unsupported, &ExploreOptions::default());
        assert_eq!(ex.stop, StopReason::Exhausted);
        assert!(!ex.is_complete());
        assert_eq!(ex.stop_text(), "unsupported: generators");
        assert_eq!(ex.stop_name(), "unsupported: generators");
    }

    /// `i = 0; while a > i: i += 1` (at most 50 times), each run slow: after
    /// the first few runs every direction and pair of decisions is known.
    struct SlowLoop;

    impl Subject for SlowLoop {
        fn run(&mut self, t: &mut dyn Tracer) -> Outcome {
            std::thread::sleep(std::time::Duration::from_millis(20));
            let (v, a) = t.input("a", Sort::Int);
            let Value::Int(x) = v else {
                return Outcome::Error("not an int".into());
            };
            for i in 0..50 {
                let more = x > i.into();
                t.branch(SiteId(0), &a.greater(&Term::int(i)), more);
                if !more {
                    return Outcome::Finished;
                }
            }
            Outcome::Stopped("loop bound".into())
        }
    }

    #[test]
    fn time_without_news_stops_where_a_run_count_would_not() {
        let opts = ExploreOptions {
            max_runs: Some(40),
            ..ExploreOptions::default()
        };
        let ex = explored(&mut SlowLoop, &opts);
        assert_eq!(ex.stop, StopReason::MaxRuns);

        let opts = ExploreOptions {
            patience_time: Some(std::time::Duration::from_millis(150)),
            ..opts
        };
        let ex = explored(&mut SlowLoop, &opts);
        assert_eq!(ex.stop, StopReason::Plateau);
        assert!(ex.stats.runs < 40, "{} runs", ex.stats.runs);
        assert_eq!(ex.coverage.len(), 2);
    }
}
