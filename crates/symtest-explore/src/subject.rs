//! The seam between a language and the engine.
//!
//! A frontend implements [`Subject`]: it runs the program concretely on the
//! input values the [`Tracer`] hands out, carries a symbolic shadow beside
//! every value derived from inputs, and reports each branch whose condition
//! has a shadow. Where it cannot model an operation it drops the shadow and
//! says so, so it never stops on unsupported code.

use std::fmt;

use symtest_term::{Sort, Term, Value};

/// A static branch location in the subject (a frontend numbers its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SiteId(pub u32);

impl SiteId {
    /// Assumptions made at this site restrict an input's domain (bounds,
    /// lengths, distinct keys): they hold on every path, so the explorer may
    /// put them above decisions that earlier runs made without that input.
    pub const DOMAIN: SiteId = SiteId(u32::MAX - 1);
}

/// What a [`Subject`] reports to during a run: it hands out the inputs and
/// records branches, assumptions and dropped shadows.
pub trait Tracer {
    /// The value of the symbolic input `name` in this run, and its shadow.
    /// Inputs are declared by asking for them; the first request fixes the
    /// variable's index (Gymbo's `var_<n>` numbering).
    fn input(&mut self, name: &str, sort: Sort) -> (Value, Term);

    /// The run reached the branch `site` with condition `cond` (a Bool term)
    /// and went the `taken` way. A constant condition counts for coverage only.
    fn branch(&mut self, site: SiteId, cond: &Term, taken: bool);

    /// The run went the `taken` way at `site` on a condition with no shadow:
    /// nothing to solve, but the direction is covered.
    fn branch_concrete(&mut self, site: SiteId, taken: bool);

    /// A condition the path depends on but whose other side is never to be
    /// explored: a precondition (only inputs satisfying it are wanted; when
    /// `holds` is false the run should stop) or a pinned value (an operation
    /// the frontend cannot model keeps the input it saw, so that models of
    /// later branches do not silently change its result).
    fn assume(&mut self, site: SiteId, cond: &Term, holds: bool);

    /// The frontend dropped a symbolic shadow it could not model.
    fn concretised(&mut self, why: &str);
}

/// How one concrete run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The program returned this value (as the language prints it).
    Returned(String),
    /// The program ended without returning a value.
    Finished,
    /// The program failed (division by zero, an exception, ...).
    Error(String),
    /// The run was cut short by a bound (loop unrolling, recursion).
    Stopped(String),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Returned(v) => write!(f, "returns {v}"),
            Outcome::Finished => f.write_str("ends without return"),
            Outcome::Error(e) => write!(f, "error: {e}"),
            Outcome::Stopped(why) => write!(f, "stopped: {why}"),
        }
    }
}

/// A program in some language that the explorer can run concretely with
/// shadows (what a frontend implements).
pub trait Subject {
    /// Runs once, asking `tracer` for inputs and reporting branches.
    fn run(&mut self, tracer: &mut dyn Tracer) -> Outcome;

    /// A person's description of a branch site (e.g. `if at 3:5`).
    fn describe_site(&self, site: SiteId) -> String {
        format!("branch #{}", site.0)
    }

    /// How many branch sites the subject has, when known (each has two
    /// directions), for coverage ratios.
    fn site_count(&self) -> Option<usize> {
        None
    }
}

/// Whether the subject's assumptions hold when every input takes its sort's
/// default (zero, the empty string): one run, inputs with shadows so that the
/// assumptions are reported.
pub fn defaults_meet_assumptions(subject: &mut dyn Subject) -> bool {
    struct Defaults {
        violated: bool,
        inputs: u32,
    }
    impl Tracer for Defaults {
        fn input(&mut self, name: &str, sort: Sort) -> (Value, Term) {
            let var = symtest_term::Var::new(self.inputs, name, sort);
            self.inputs += 1;
            (sort.default_value(), Term::var(var))
        }
        fn branch(&mut self, _: SiteId, _: &Term, _: bool) {}
        fn branch_concrete(&mut self, _: SiteId, _: bool) {}
        fn assume(&mut self, _: SiteId, _: &Term, holds: bool) {
            self.violated |= !holds;
        }
        fn concretised(&mut self, _: &str) {}
    }
    let mut t = Defaults {
        violated: false,
        inputs: 0,
    };
    subject.run(&mut t);
    !t.violated
}
