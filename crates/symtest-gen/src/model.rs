//! What generation takes and gives: the reference, the options, the tests
//! and what each phase measured, and the errors. Every other module of the
//! crate uses these; this one uses none of them.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use symtest_python::{Program, StdinOptions, Ty};
use symtest_sandbox::{LoadError, Pool, PyValue, SandboxError};
use symtest_solve::SolverOptions;
use thiserror::Error;

use crate::types::{TypeSource, TypesError};

/// Time for a module's top level (imports, definitions) in the sandbox.
pub(crate) const LOAD_BUDGET: Duration = Duration::from_secs(2);

/// Why no suite was generated.
#[derive(Debug, Error)]
pub enum GenError {
    /// The dataset's problem has no reference solution to explore.
    #[error("the problem has no reference solution")]
    NoReference,
    /// The dataset's problem names no function to call.
    #[error("the problem has no entry point")]
    NoEntry,
    /// The problem's tests feed standard input; `gen` generates calls.
    #[error("stdin/stdout problems are not supported by gen yet (only function calls)")]
    Stdio,
    /// The reference is not Python the frontend parses.
    #[error("the reference does not parse: {0}")]
    Syntax(String),
    /// The entry point is missing, or a parameter's type is unknown.
    #[error(transparent)]
    Types(#[from] TypesError),
    /// The entry point cannot be explored (e.g. it is not a function).
    #[error("{0}")]
    Entry(String),
    /// An `--assume` expression is not one the frontend understands.
    #[error("precondition: {0}")]
    Precondition(String),
    /// CPython could not load the reference (or the dataset's tests).
    #[error("the reference failed to load in CPython: {0}")]
    Load(#[source] LoadError),
    /// The sandbox failed.
    #[error(transparent)]
    Sandbox(#[from] SandboxError),
}

/// The function a suite is for.
#[derive(Clone, Debug)]
pub struct Reference {
    /// The whole module (a dataset's prompt and solution together).
    pub source: String,
    /// The function the tests call (empty for a whole program).
    pub entry: String,
    /// A whole program whose tests feed standard input and read what it
    /// prints (then `entry` is empty).
    pub stdio: bool,
}

/// How hard to look, and what to keep.
#[derive(Clone, Debug)]
pub struct GenOptions {
    /// `--types`: parameter types that win over annotations.
    pub types: Vec<(String, Ty)>,
    /// `--assume`: Python expressions the inputs must satisfy.
    pub assume: Vec<String>,
    /// Keep inputs on which the reference raises (the test expects the raise).
    pub keep_raising: bool,
    /// Exploration budget per problem (two thirds for paths, the rest for
    /// boundary inputs).
    pub timeout: Duration,
    /// Runs of the reference in the interpreter, at most.
    pub max_runs: u64,
    /// Runs in a row that cover nothing new before exploration stops.
    pub patience: Option<u64>,
    /// Time without new coverage before exploration stops.
    pub patience_time: Option<Duration>,
    /// Boundary queries per problem (0: no boundary inputs).
    pub max_boundary: usize,
    /// Single-site mutants of the reference (an operator swapped, a
    /// constant one off, ...) that the set cover keeps an input to tell
    /// apart, at most (0: none); functions only.
    pub mutants: usize,
    /// Time limit of one call of the reference in CPython.
    pub call_timeout: Duration,
    /// Keep every distinct input instead of a set cover.
    pub no_minimise: bool,
    /// The solver and its per-query time limit.
    pub solver: SolverOptions,
    /// Set to stop exploring early (Ctrl-C); what was found is kept.
    pub interrupt: Option<Arc<AtomicBool>>,
    /// Sizes of generated standard inputs (whole programs only).
    pub stdin: StdinOptions,
    /// What the interpreter does not model is computed in CPython, in this
    /// sandbox, concretely (functions only; `None`: it stops the run).
    pub external: Option<ExternalCalls>,
}

/// External calls during exploration: the reference's module in CPython.
#[derive(Clone)]
pub struct ExternalCalls {
    /// The sandbox the calls run in (the one the references run in).
    pub pool: Arc<Pool>,
    /// Sandbox jobs (distinct calls) per problem, at most.
    pub budget: u64,
}

impl std::fmt::Debug for ExternalCalls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExternalCalls")
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions {
            types: Vec::new(),
            assume: Vec::new(),
            keep_raising: false,
            timeout: Duration::from_secs(3),
            max_runs: 400,
            patience: Some(40),
            patience_time: Some(Duration::from_millis(500)),
            max_boundary: 120,
            mutants: 64,
            call_timeout: Duration::from_millis(500),
            no_minimise: false,
            solver: SolverOptions {
                query_timeout: Some(Duration::from_millis(500)),
                ..SolverOptions::default()
            },
            interrupt: None,
            stdin: StdinOptions::default(),
            external: None,
        }
    }
}

/// Where a test came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// A call the dataset's own tests make (a seed).
    Dataset,
    /// The input of an explored path (or the smallest input).
    Symbolic,
    /// An input on the edge of one of a path's comparisons (or, for a
    /// whole program, an example at the statement's bounds).
    Boundary,
    /// A whole program's input one small change away from another (a token
    /// one up or down, zero, negated or dropped, a line emptied), kept where it takes a
    /// branch direction exploration left uncovered.
    Neighbour,
}

impl Origin {
    /// The name suites and pytest files use.
    pub fn name(self) -> &'static str {
        match self {
            Origin::Dataset => "dataset",
            Origin::Symbolic => "symbolic",
            Origin::Boundary => "boundary",
            Origin::Neighbour => "neighbour",
        }
    }
}

/// One test: arguments and what the reference did with them in CPython.
#[derive(Clone, Debug)]
pub struct TestCase {
    /// The positional arguments.
    pub args: Vec<PyValue>,
    /// The reference's result (None when it raised).
    pub expected: Option<PyValue>,
    /// The exception type the reference raised (kept with `--keep-raising`).
    pub raises: Option<String>,
    /// Where the input came from.
    pub origin: Origin,
    /// The path constraint that led to the input, with parameter names.
    pub path: Option<String>,
    /// Milliseconds the reference took on it in CPython.
    pub ref_ms: f64,
}

/// What exploration found.
#[derive(Clone, Debug, Default)]
pub struct ExplorationStats {
    /// Feasible paths explored.
    pub paths: usize,
    /// Infeasible branch queries.
    pub unsat: usize,
    /// Undecided branch queries (solver timeouts, unsupported theories).
    pub unknown: usize,
    /// Runs that did not follow the path the solver predicted.
    pub divergences: usize,
    /// Runs of the reference in the interpreter.
    pub runs: u64,
    /// Why exploration stopped (`Exploration::stop_text`: the budget, or
    /// `unsupported: ...`, or `all branches explored` only when nothing cut
    /// a path).
    pub stop: String,
    /// Values the interpreter computed concretely (symbolic value dropped).
    pub concretisations: u64,
    /// What ran concretely, most frequent first.
    pub concretised: Vec<(String, u64)>,
    /// Boundary inputs found.
    pub boundary_inputs: usize,
    /// Distinct candidate inputs, to be run in CPython.
    pub candidates: usize,
    /// Milliseconds of exploration and boundary queries.
    pub ms: f64,
    /// Bounds found in a whole program's statement (`1 ≤ n ≤ 100`), each
    /// with whether it held at some input number (the program stored one
    /// in a variable of that name).
    pub stated: Vec<(String, bool)>,
}

impl ExplorationStats {
    /// The figures of an exploration begun at `started`, with its subject's
    /// counts; `stated` is left empty (only a whole program has a statement).
    pub(crate) fn of(
        ex: &symtest_explore::Exploration,
        subject: &symtest_python::SubjectStats,
        boundary_inputs: usize,
        candidates: usize,
        started: Instant,
    ) -> Self {
        let mut concretised: Vec<(String, u64)> = subject
            .concretised_what
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        concretised.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ExplorationStats {
            paths: ex.paths.len(),
            unsat: ex.infeasible.len(),
            unknown: ex.unknown.len(),
            divergences: ex.divergences.len(),
            runs: ex.stats.runs,
            stop: ex.stop_text(),
            concretisations: subject.concretised,
            concretised,
            boundary_inputs,
            candidates,
            ms: ms_since(started),
            stated: Vec::new(),
        }
    }

    /// Exploration met a construct the interpreter does not model.
    pub fn unsupported(&self) -> bool {
        self.stop.starts_with(symtest_explore::UNSUPPORTED)
    }
}

/// The interpreter against CPython on the candidates.
#[derive(Clone, Debug, Default)]
pub struct FidelityStats {
    /// Inputs where both sides gave a comparable answer.
    pub compared: usize,
    /// Inputs where the answers agree.
    pub equal: usize,
    /// The first disagreements, readable.
    pub diffs: Vec<String>,
    /// Milliseconds of the interpreter's runs.
    pub ms: f64,
}

/// What the suite kept, and what it covers.
#[derive(Clone, Debug, Default)]
pub struct SelectionStats {
    /// Candidates dropped because the reference raised on them.
    pub dropped_raising: usize,
    /// Candidates dropped because the reference timed out, crashed or
    /// returned something that is not plain data.
    pub dropped_other: usize,
    /// Tests from the dataset in the suite.
    pub dataset_tests: usize,
    /// Generated tests in the suite.
    pub generated_tests: usize,
    /// Branch directions of the reference (two per site).
    pub branches: usize,
    /// Directions some test of the suite takes in CPython.
    pub covered: usize,
    /// Directions some generated test takes.
    pub covered_generated: usize,
    /// Branch directions no test takes, as `kind at line:col true|false`.
    pub missed: Vec<String>,
    /// Mutants of the reference made to tell apart (`--mutants`).
    pub mutants: usize,
    /// Mutants some candidate input tells apart from the reference.
    pub mutants_found: usize,
    /// Mutants the generated tests kept tell apart.
    pub mutants_told: usize,
}

/// What one problem's generation measured, phase by phase.
#[derive(Clone, Debug, Default)]
pub struct GenStats {
    /// Each parameter's name, type and where the type came from.
    pub types: Vec<(String, String, &'static str)>,
    /// The exploration phase.
    pub exploration: ExplorationStats,
    /// Milliseconds of CPython runs of the reference for expected outputs.
    pub reference_ms: f64,
    /// Milliseconds of CPython runs of the probed reference for coverage.
    pub probe_ms: f64,
    /// The interpreter re-run on every input.
    pub fidelity: FidelityStats,
    /// The selection phase.
    pub selection: SelectionStats,
    /// Milliseconds of the whole generation.
    pub total_ms: f64,
}

impl GenStats {
    /// Branch coverage of the suite in CPython, as a fraction. 0 of 0
    /// directions is no coverage, unless the suite has tests and exploration
    /// did not stop on an unsupported construct (a reference without
    /// branches, really run).
    pub fn coverage(&self) -> f64 {
        let s = &self.selection;
        if s.branches == 0 {
            if self.full_coverage() { 1.0 } else { 0.0 }
        } else {
            s.covered as f64 / s.branches as f64
        }
    }

    /// Every branch direction of the reference is covered, and 0 of 0
    /// counts only as [`GenStats::coverage`] says.
    pub fn full_coverage(&self) -> bool {
        let s = &self.selection;
        if s.branches == 0 {
            s.dataset_tests + s.generated_tests > 0 && !self.exploration.unsupported()
        } else {
            s.covered == s.branches
        }
    }

    /// The fraction of compared inputs on which the interpreter agreed with
    /// CPython (1 when none was compared).
    pub fn fidelity(&self) -> f64 {
        fraction(self.fidelity.equal, self.fidelity.compared)
    }
}

/// `part / whole`, 1 when `whole` is 0 (nothing to miss).
fn fraction(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

/// A generated suite.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The reference the suite was generated from.
    pub reference: Reference,
    /// The dataset's tests first, then the generated ones.
    pub tests: Vec<TestCase>,
    /// What the generation measured.
    pub stats: GenStats,
}

/// The reference parsed, its parameters typed.
pub(crate) struct Prepared {
    pub reference: Reference,
    pub program: Program,
    pub params: Vec<(String, Ty, TypeSource)>,
}

/// Milliseconds since `t`.
pub(crate) fn ms_since(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// A string as a Python literal.
pub(crate) fn py_str(s: &str) -> String {
    PyValue::Str(s.to_string()).repr()
}
