//! Path constraints and the records an exploration produces.

use std::fmt;

use symtest_term::{Model, Term};

use crate::subject::{Outcome, SiteId};

/// One branch decision: the condition at `site` was `taken` (true) or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Literal {
    /// Where the branch is in the subject.
    pub site: SiteId,
    /// The branch condition, a Bool term over the inputs.
    pub cond: Term,
    /// Whether the run went the way `cond` holds.
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
    /// Each decision's constraint ([`Literal::term`]), in path order.
    pub fn terms(&self) -> Vec<Term> {
        self.0.iter().map(Literal::term).collect()
    }

    /// The number of decisions.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True for the path with no decisions (it prints as `true`).
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

/// A path constraint printed with the inputs' source names
/// ([`PathConstraint::named`]).
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
    /// The decisions along the path.
    pub constraint: PathConstraint,
    /// Input values that drive a run down this path.
    pub input: Model,
    /// How the run on `input` ended.
    pub outcome: Outcome,
    /// The path had more branches than the depth bound; later ones were not recorded.
    pub depth_cut: bool,
    /// What the frontend could not model on this path.
    pub concretised: Vec<String>,
}

/// A feasible prefix of some path (Gymbo lists these), with an input that reaches it.
#[derive(Clone, Debug)]
pub struct PrefixRecord {
    /// The decisions of the prefix.
    pub constraint: PathConstraint,
    /// Input values of a run that went through the prefix.
    pub input: Model,
}

/// A branch the solver could not decide.
#[derive(Clone, Debug)]
pub struct UnknownRecord {
    /// The path to the undecided direction, its negated decision last.
    pub constraint: PathConstraint,
    /// What the solver said (a timeout, a rejected model, ...).
    pub reason: String,
}

/// A run on a model did not follow the path the model was solved for: the
/// frontend's shadows and its concrete execution disagree (usually after a
/// concretisation).
#[derive(Clone, Debug)]
pub struct Divergence {
    /// The path the input was solved for.
    pub expected: PathConstraint,
    /// The path the run took.
    pub actual: PathConstraint,
    /// The input of that run.
    pub input: Model,
}

/// Why an exploration stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// Every branch was explored, proven infeasible, or left undecided.
    Exhausted,
    /// The run budget ([`crate::ExploreOptions::max_runs`]) was spent.
    MaxRuns,
    /// As many feasible paths as [`crate::ExploreOptions::max_sat`] were found.
    MaxSat,
    /// As many infeasible constraints as [`crate::ExploreOptions::max_unsat`] were found.
    MaxUnsat,
    /// The wall-clock budget ([`crate::ExploreOptions::timeout`]) ran out.
    Timeout,
    /// Runs stopped covering anything new (see `ExploreOptions::patience`).
    Plateau,
    /// The interrupt flag ([`crate::ExploreOptions::interrupt`]) was set.
    Interrupted,
}

impl StopReason {
    /// A short phrase for reports (`run budget reached`).
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

    /// The reason's name for machines (`exhausted`, `max_runs`, `timeout`, ...).
    pub fn name(self) -> &'static str {
        match self {
            StopReason::Exhausted => "exhausted",
            StopReason::MaxRuns => "max_runs",
            StopReason::MaxSat => "max_sat",
            StopReason::MaxUnsat => "max_unsat",
            StopReason::Timeout => "timeout",
            StopReason::Plateau => "plateau",
            StopReason::Interrupted => "interrupted",
        }
    }

    /// True when the search ran out of open directions. The paths found are
    /// all there are only if nothing cut one too: see `Exploration::is_complete`.
    pub fn is_complete(self) -> bool {
        self == StopReason::Exhausted
    }
}
