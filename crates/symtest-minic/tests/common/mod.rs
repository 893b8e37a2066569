//! Helpers shared by the integration tests (included with `mod common;`).
#![allow(dead_code)]

use symtest_explore::{
    Exploration, ExploreOptions, Literal, Outcome, SiteId, Subject, Tracer, explore,
};
use symtest_minic::{Config, MiniC, parse};
use symtest_solve::{GdOptions, Solver, SolverKind, SolverOptions};
use symtest_term::fxhash::FxHashMap;
use symtest_term::{Model, Sort, Term, Value, Var, satisfies};

pub fn explore_with(
    src: &str,
    config: Config,
    solver: SolverOptions,
    opts: ExploreOptions,
) -> Exploration {
    let program = parse(src).unwrap_or_else(|e| panic!("{src}: {e}"));
    let mut subject = MiniC::new(program, config);
    let mut solver = Solver::new(solver);
    explore(&mut subject, &mut solver, &opts, &mut |_| {})
}

pub fn explore_default(src: &str) -> Exploration {
    explore_config(src, Config::default())
}

/// Explores `src` under `config` with the default solver and search.
pub fn explore_config(src: &str, config: Config) -> Exploration {
    explore_with(
        src,
        config,
        SolverOptions::default(),
        ExploreOptions::default(),
    )
}

pub fn solver(kind: SolverKind) -> SolverOptions {
    SolverOptions {
        kind,
        gd: GdOptions::default(),
        ..SolverOptions::default()
    }
}

/// Runs a subject once on fixed inputs, recording its decisions: an
/// independent replay, not the explorer's own bookkeeping.
pub struct Replay {
    vars: FxHashMap<String, Var>,
    model: Model,
    pub literals: Vec<Literal>,
}

impl Replay {
    pub fn new(inputs: &[Var], model: Model) -> Replay {
        Replay {
            vars: inputs
                .iter()
                .map(|v| (v.name.to_string(), v.clone()))
                .collect(),
            model,
            literals: Vec::new(),
        }
    }
}

impl Tracer for Replay {
    fn input(&mut self, name: &str, sort: Sort) -> (Value, Term) {
        let next = self.vars.len() as u32;
        let var = self
            .vars
            .entry(name.to_string())
            .or_insert_with(|| Var::new(next, name, sort))
            .clone();
        let value = self
            .model
            .get(&var)
            .cloned()
            .unwrap_or_else(|| sort.default_value());
        (value, Term::var(var))
    }

    fn branch(&mut self, site: SiteId, cond: &Term, taken: bool) {
        // A condition decided earlier on the same run is implied, not a new decision.
        if !cond.is_const() && !self.literals.iter().any(|l| l.cond == *cond) {
            self.literals.push(Literal {
                site,
                cond: cond.clone(),
                taken,
                assumed: false,
            });
        }
    }

    fn assume(&mut self, site: SiteId, cond: &Term, holds: bool) {
        if !cond.is_const() && !self.literals.iter().any(|l| l.cond == *cond) {
            self.literals.push(Literal {
                site,
                cond: cond.clone(),
                taken: holds,
                assumed: true,
            });
        }
    }

    fn branch_concrete(&mut self, _site: SiteId, _taken: bool) {}

    fn concretised(&mut self, _why: &str) {}
}

pub fn replay(
    src: &str,
    config: &Config,
    inputs: &[Var],
    model: &Model,
) -> (Vec<Literal>, Outcome) {
    let mut subject = MiniC::new(parse(src).expect("the program parses"), config.clone());
    let mut r = Replay::new(inputs, model.clone());
    let out = subject.run(&mut r);
    (r.literals, out)
}

/// Every reported path: its input satisfies its constraint exactly, and a
/// fresh run on that input takes exactly its decisions.
pub fn assert_paths_replay(src: &str, config: &Config, ex: &Exploration) {
    for p in &ex.paths {
        assert!(
            satisfies(&p.input, &p.constraint.terms()),
            "{src}: model {:?} does not satisfy {}",
            p.input,
            p.constraint
        );
        let (lits, outcome) = replay(src, config, &ex.inputs, &p.input);
        let recorded: Vec<_> = lits.into_iter().take(p.constraint.len()).collect();
        assert_eq!(
            recorded, p.constraint.0,
            "{src}: replay of {} went elsewhere",
            p.constraint
        );
        assert_eq!(outcome, p.outcome, "{src}: outcome of {}", p.constraint);
    }
}

pub fn int_model(inputs: &[Var], values: &[(&str, i64)]) -> Model {
    let mut m = Model::new();
    for (name, v) in values {
        if let Some(var) = inputs.iter().find(|x| &*x.name == *name) {
            m.insert(var, Value::int(*v));
        }
    }
    m
}
