//! Path constraints and the records an exploration produces.

use std::fmt;

use symtest_term::{Model, Term};

use crate::subject::{Outcome, SiteId};

/// One branch decision: the condition at `site` was `taken` (true) or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Literal {
    pub site: SiteId,
    pub cond: Term,
    pub taken: bool,
    /// An assumption (see `Tracer::assume`): part of the path, never negated.
    pub assumed: bool,
}

impl Literal {
    /// The constraint this decision imposes: `cond` or `!cond`.
    pub fn term(&self) -> Term {
        if self.taken {
            self.cond.clone()
        } else {
            !&self.cond
        }
    }
}

/// A conjunction of decisions, printed in Gymbo's style:
/// `(var_0<3)&&!(4<var_0)`; the empty path prints as `true`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PathConstraint(pub Vec<Literal>);

impl PathConstraint {
    pub fn terms(&self) -> Vec<Term> {
        self.0.iter().map(Literal::term).collect()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The run stopped on an assumption it broke (a precondition, a random
    /// value outside its support): no input of the wanted domain takes it.
    pub fn breaks_assumption(&self) -> bool {
        self.0.iter().any(|l| l.assumed && !l.taken)
    }

    /// The same constraint with variables printed by their source names.
    pub fn named(&self) -> NamedPath<'_> {
        NamedPath(self)
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, named: bool) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("true");
        }
        for (i, l) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("&&")?;
            }
            if !l.taken {
                f.write_str("!")?;
            }
            if named {
                write!(f, "({})", l.cond.named())?;
            } else {
                write!(f, "({})", l.cond)?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for PathConstraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, false)
    }
}

pub struct NamedPath<'a>(&'a PathConstraint);

impl fmt::Display for NamedPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.write(f, true)
    }
}

/// A feasible path: the decisions it takes, an input that drives it, and how
/// the run on that input ended.
#[derive(Clone, Debug)]
pub struct PathRecord {
    pub constraint: PathConstraint,
    pub input: Model,
    pub outcome: Outcome,
    /// The path had more branches than the depth bound; later ones were not recorded.
    pub depth_cut: bool,
    /// What the frontend could not model on this path.
    pub concretised: Vec<String>,
}

/// A feasible prefix of some path (Gymbo lists these), with an input that reaches it.
#[derive(Clone, Debug)]
pub struct PrefixRecord {
    pub constraint: PathConstraint,
    pub input: Model,
}

/// A branch the solver could not decide.
#[derive(Clone, Debug)]
pub struct UnknownRecord {
    pub constraint: PathConstraint,
    pub reason: String,
}

/// A run on a model did not follow the path the model was solved for: the
/// frontend's shadows and its concrete execution disagree (usually after a
/// concretisation).
#[derive(Clone, Debug)]
pub struct Divergence {
    pub expected: PathConstraint,
    pub actual: PathConstraint,
    pub input: Model,
}

/// Why an exploration stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// Every branch was explored, proven infeasible, or left undecided.
    Exhausted,
    MaxRuns,
    MaxSat,
    MaxUnsat,
    Timeout,
    /// Runs stopped covering anything new (see `ExploreOptions::patience`).
    Plateau,
    Interrupted,
}

impl StopReason {
    pub fn describe(self) -> &'static str {
        match self {
            StopReason::Exhausted => "all branches explored",
            StopReason::MaxRuns => "run budget reached",
            StopReason::MaxSat => "SAT budget reached",
            StopReason::MaxUnsat => "UNSAT budget reached",
            StopReason::Timeout => "time budget reached",
            StopReason::Plateau => "coverage stopped growing",
            StopReason::Interrupted => "interrupted",
        }
    }

    pub fn is_complete(self) -> bool {
        self == StopReason::Exhausted
    }
}
