//! What a backend is asked and what it answers.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use symtest_term::{Model, Term};

/// A solver's answer. `Unknown` is a third answer: it is never reported as
/// UNSAT, and it always says why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Satisfiable, with a model (from the front: one that passed exact evaluation).
    Sat(Model),
    /// Unsatisfiable, with a proof behind it: no backend guesses this.
    Unsat,
    /// Not decided; holds the reason (a timeout, an irrational model, a model
    /// that failed the re-check, a descent that found nothing).
    Unknown(String),
}

impl Answer {
    /// True for [`Answer::Sat`].
    pub fn is_sat(&self) -> bool {
        matches!(self, Answer::Sat(_))
    }

    /// True for [`Answer::Unsat`] (never for `Unknown`).
    pub fn is_unsat(&self) -> bool {
        matches!(self, Answer::Unsat)
    }

    /// `"sat"`, `"unsat"` or `"unknown"`, as reports print it.
    pub fn kind(&self) -> &'static str {
        match self {
            Answer::Sat(_) => "sat",
            Answer::Unsat => "unsat",
            Answer::Unknown(_) => "unknown",
        }
    }
}

/// One satisfiability question: is the conjunction of `constraints`
/// satisfiable?
pub struct Query<'a> {
    /// The constraints, all of which must hold.
    pub constraints: &'a [Term],
    /// Values known to be close to a solution (the input of the run that
    /// reached this branch); backends may start from them or ignore them.
    pub hint: &'a Model,
    /// How long the backend may take.
    pub timeout: Option<Duration>,
}

/// A decision procedure. Backends are not trusted: the [`crate::Solver`]
/// front re-checks every model they return by exact evaluation.
pub trait Backend {
    /// The backend's name in reports and on the command line (`z3`, `gd`, ...).
    fn name(&self) -> &'static str;

    /// Decides the query. A `Sat` model should give a value to every variable
    /// of the constraints.
    fn solve(&mut self, query: &Query<'_>) -> Answer;

    /// Backend-specific counters for reports (e.g. which part of a portfolio answered).
    fn counters(&self) -> Vec<(&'static str, u64)> {
        Vec::new()
    }

    /// A flag set from elsewhere (a Ctrl-C handler) that asks a call in
    /// progress to give up soon with `Unknown`. Backends whose calls are
    /// short anyway may ignore it.
    fn set_interrupt(&mut self, flag: Option<Arc<AtomicBool>>) {
        let _ = flag;
    }
}
