//! `symtest gen`: path-covering test suites for a problem's reference
//! solution. The reference is explored by the Python frontend; every input
//! found (plus boundary inputs and the dataset's own calls) runs in CPython,
//! in the sandbox, for the expected output and the reference's own branch
//! coverage; the suite is then minimised by set cover.

mod minimise;
mod probe;
mod suite;
pub(crate) mod types;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use symtest_explore::{ExploreOptions, Strategy, boundary, defaults_meet_assumptions, explore};
use symtest_python::{Limits as PyLimits, Program, PySubject, RunResult, Sites, Ty};
use symtest_sandbox::{
    Call, CallResult, CheckOutcome, Job, JobResult, Pool, PyValue, SandboxError, Task, Tolerance,
    py_eq,
};
use symtest_solve::{Answer, Solver, SolverOptions};
use symtest_term::Model;
use thiserror::Error;

pub use minimise::greedy_cover;
pub use suite::{pytest_file, suite_row};
use symtest_formats::dataset::{Problem, Tests, args_repr};
pub use types::{TypeSource, parse_overrides};

/// Time for a module's top level (imports, definitions) in the sandbox.
const LOAD_BUDGET: std::time::Duration = std::time::Duration::from_secs(2);

#[derive(Debug, Error)]
pub enum GenError {
    #[error("the problem has no reference solution")]
    NoReference,
    #[error("the problem has no entry point")]
    NoEntry,
    #[error("stdin/stdout problems are not supported by gen yet (only function calls)")]
    Stdio,
    #[error("the reference does not parse: {0}")]
    Syntax(String),
    #[error("{0}")]
    Types(String),
    #[error("precondition: {0}")]
    Precondition(String),
    #[error("the reference failed to load in CPython: {0}")]
    Load(String),
    #[error(transparent)]
    Sandbox(#[from] SandboxError),
}

/// Time limit of one boundary query.
const BOUNDARY_QUERY_TIME: Duration = Duration::from_millis(100);

#[derive(Clone, Debug)]
pub struct GenOptions {
    /// `--types`: parameter types that win over annotations.
    pub types: Vec<(String, Ty)>,
    /// `--assume`: Python expressions the inputs must satisfy.
    pub assume: Vec<String>,
    /// Keep inputs on which the reference raises (the test expects the raise).
    pub keep_raising: bool,
    /// Exploration budget per problem.
    pub timeout: Duration,
    pub max_runs: u64,
    /// Runs in a row that cover nothing new before exploration stops.
    pub patience: Option<u64>,
    /// Time without new coverage before exploration stops.
    pub patience_time: Option<Duration>,
    /// Boundary queries per problem (0: no boundary inputs).
    pub max_boundary: usize,
    /// Time limit of one call of the reference in CPython.
    pub call_timeout: Duration,
    /// Keep every distinct input instead of a set cover.
    pub no_minimise: bool,
    pub solver: SolverOptions,
    pub interrupt: Option<Arc<AtomicBool>>,
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
            call_timeout: Duration::from_millis(500),
            no_minimise: false,
            solver: SolverOptions {
                query_timeout: Some(Duration::from_millis(500)),
                ..SolverOptions::default()
            },
            interrupt: None,
        }
    }
}

/// Where a test came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    Dataset,
    Symbolic,
    Boundary,
}

impl Origin {
    pub fn name(self) -> &'static str {
        match self {
            Origin::Dataset => "dataset",
            Origin::Symbolic => "symbolic",
            Origin::Boundary => "boundary",
        }
    }
}

#[derive(Clone, Debug)]
pub struct TestCase {
    pub args: Vec<PyValue>,
    /// The reference's result (None when it raised).
    pub expected: Option<PyValue>,
    /// The exception type the reference raised (kept with `--keep-raising`).
    pub raises: Option<String>,
    pub origin: Origin,
    /// The path constraint that led to the input, with parameter names.
    pub path: Option<String>,
    pub ref_ms: f64,
}

/// What one problem's generation measured.
#[derive(Clone, Debug, Default)]
pub struct GenStats {
    pub types: Vec<(String, String, &'static str)>,
    pub paths: usize,
    pub unsat: usize,
    pub unknown: usize,
    pub divergences: usize,
    pub runs: u64,
    pub stop: String,
    pub concretisations: u64,
    /// What ran concretely, most frequent first.
    pub concretised: Vec<(String, u64)>,
    pub boundary_inputs: usize,
    pub candidates: usize,
    pub dropped_raising: usize,
    pub dropped_other: usize,
    pub dataset_tests: usize,
    pub generated_tests: usize,
    /// Branch directions of the reference (two per site).
    pub branches: usize,
    pub covered: usize,
    pub covered_generated: usize,
    /// Branch directions no test takes, as `kind at line:col true|false`.
    pub missed: Vec<String>,
    /// Inputs on which the interpreter's result was compared with CPython's.
    pub fidelity_compared: usize,
    pub fidelity_equal: usize,
    /// The first disagreements.
    pub fidelity_diffs: Vec<String>,
    pub explore_ms: f64,
    /// CPython runs of the reference for expected outputs.
    pub reference_ms: f64,
    /// CPython runs of the probed reference for branch coverage.
    pub probe_ms: f64,
    /// The interpreter re-run on every input, for fidelity.
    pub fidelity_ms: f64,
    pub total_ms: f64,
}

impl GenStats {
    pub fn coverage(&self) -> f64 {
        if self.branches == 0 {
            1.0
        } else {
            self.covered as f64 / self.branches as f64
        }
    }

    pub fn fidelity(&self) -> f64 {
        if self.fidelity_compared == 0 {
            1.0
        } else {
            self.fidelity_equal as f64 / self.fidelity_compared as f64
        }
    }
}

#[derive(Clone, Debug)]
pub struct Generated {
    pub task_id: String,
    pub entry: String,
    /// Code a completion continues (HumanEval's prompt).
    pub prefix: String,
    pub reference: String,
    pub tests: Vec<TestCase>,
    pub stats: GenStats,
}

/// An input to try, before CPython has run it.
struct Candidate {
    args: Vec<PyValue>,
    origin: Origin,
    path: Option<String>,
    /// The comparison edges it sits on: `(site, side)`.
    edges: Vec<(u32, bool)>,
    /// The directions its path took at the interpreter's internal decisions
    /// (`and`/`or` operands, comparisons used as values), which CPython's
    /// branch probes do not see.
    conditions: Vec<(u32, bool)>,
    /// Consecutive decisions of its path: in `if l == 0 or l == 1`, only the
    /// pair (first operand false, branch taken) tells `l == 1` from `l == 0`.
    pairs: Vec<[(u32, bool); 2]>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Item {
    Branch(u32, bool),
    Condition(u32, bool),
    Pair([(u32, bool); 2]),
    Output(String),
    Edge(u32, bool),
}

const MAX_DIFFS: usize = 5;

/// Branch directions `(site, taken)` a run of the reference took in CPython.
type Hits = BTreeSet<(u32, bool)>;

/// Generates the suite of one problem.
pub fn generate(problem: &Problem, pool: &Pool, opts: &GenOptions) -> Result<Generated, GenError> {
    let started = Instant::now();
    let reference = problem.reference.clone().ok_or(GenError::NoReference)?;
    let entry = problem.entry_point.clone().ok_or(GenError::NoEntry)?;
    let program = Program::parse(&reference).map_err(|e| GenError::Syntax(e.to_string()))?;
    program
        .function(&entry)
        .map_err(|e| GenError::Types(e.to_string()))?;
    let recorded = dataset_calls(problem, &reference, &entry, pool)?;
    let params =
        types::resolve(&program, &entry, &opts.types, &recorded).map_err(GenError::Types)?;
    let mut stats = GenStats {
        types: params
            .iter()
            .map(|(n, t, s)| (n.clone(), t.to_string(), s.name()))
            .collect(),
        ..GenStats::default()
    };

    // Explore.
    let explore_started = Instant::now();
    let mut subject = PySubject::new(
        &program,
        &entry,
        params
            .iter()
            .map(|(n, t, _)| (n.clone(), t.clone()))
            .collect(),
    )
    .map_err(|e| GenError::Types(e.to_string()))?;
    for a in &opts.assume {
        subject
            .add_precondition(a)
            .map_err(|e| GenError::Precondition(e.to_string()))?;
    }
    let seeds = recorded.iter().filter_map(|c| subject.seed(c)).collect();
    let mut solver = Solver::new(opts.solver.clone());
    let explore_opts = ExploreOptions {
        strategy: Strategy::Coverage,
        max_runs: Some(opts.max_runs),
        patience: opts.patience,
        patience_time: opts.patience_time,
        // A third of the budget is kept for the boundary queries.
        timeout: Some(opts.timeout.mul_f64(2.0 / 3.0)),
        interrupt: opts.interrupt.clone(),
        seeds,
        ..ExploreOptions::default()
    };
    let ex = explore(&mut subject, &mut solver, &explore_opts, &mut |_| {});
    stats.paths = ex.paths.len();
    stats.unsat = ex.infeasible.len();
    stats.unknown = ex.unknown.len();
    stats.divergences = ex.divergences.len();
    stats.runs = ex.stats.runs;
    stats.stop = ex.stop.describe().to_string();
    stats.concretisations = subject.stats.concretised;
    let mut conc: Vec<(String, u64)> = subject
        .stats
        .concretised_what
        .iter()
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    conc.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    stats.concretised = conc;

    let mut candidates: Vec<Candidate> = recorded
        .iter()
        .map(|args| Candidate {
            args: args.clone(),
            origin: Origin::Dataset,
            path: None,
            edges: Vec::new(),
            conditions: Vec::new(),
            pairs: Vec::new(),
        })
        .collect();
    // The smallest input (zeros, empty strings and lists) is a test on its
    // own: the explorer may not record it as a path (a pinned input from a
    // dataset call can make the run inconsistent with the tree).
    if defaults_meet_assumptions(&mut subject)
        && let Some(args) = subject.args_of(&ex.inputs, &Model::new())
    {
        candidates.push(Candidate {
            args,
            origin: Origin::Symbolic,
            path: None,
            edges: Vec::new(),
            conditions: Vec::new(),
            pairs: Vec::new(),
        });
    }
    for p in &ex.paths {
        // A run stopped by a precondition it broke is no test.
        if p.constraint.breaks_assumption() {
            continue;
        }
        if let Some(args) = subject.args_of(&ex.inputs, &p.input) {
            candidates.push(Candidate {
                args,
                origin: Origin::Symbolic,
                path: Some(p.constraint.named().to_string()),
                edges: Vec::new(),
                conditions: p
                    .constraint
                    .0
                    .iter()
                    .filter(|l| !l.assumed && Sites::is_internal(l.site))
                    .map(|l| (l.site.0, l.taken))
                    .collect(),
                pairs: decision_pairs(&p.constraint),
            });
        }
    }

    // Boundary inputs: each path's comparisons, on their edges, within
    // what is left of the same budget.
    let deadline = explore_started + opts.timeout;
    let mut asked = 0;
    let mut edges_found: BTreeMap<(u32, bool), usize> = BTreeMap::new();
    // Short paths first: on them an edge decides the outcome more often,
    // so the boundary input tells `<` from `<=`.
    let mut by_length: Vec<&symtest_explore::PathRecord> = ex.paths.iter().collect();
    by_length.sort_by_key(|p| p.constraint.0.len());
    'paths: for p in by_length {
        for (i, query) in boundary::queries(&p.constraint) {
            let lit = &p.constraint.0[i];
            let key = (lit.site.0, lit.taken);
            if edges_found.get(&key).copied().unwrap_or(0) >= 2 {
                continue;
            }
            if asked >= opts.max_boundary || Instant::now() > deadline {
                break 'paths;
            }
            asked += 1;
            // An edge is one more test, not a new path: it is not worth the
            // seconds a hard string or nonlinear query can take.
            let query_deadline = deadline.min(Instant::now() + BOUNDARY_QUERY_TIME);
            if let Answer::Sat(m) = solver.check(&query, &p.input, Some(query_deadline)) {
                let model = p.input.overlaid(&m);
                if let Some(args) = subject.args_of(&ex.inputs, &model) {
                    *edges_found.entry(key).or_default() += 1;
                    stats.boundary_inputs += 1;
                    candidates.push(Candidate {
                        args,
                        origin: Origin::Boundary,
                        path: Some(p.constraint.named().to_string()),
                        edges: vec![key],
                        conditions: Vec::new(),
                        pairs: Vec::new(),
                    });
                }
            }
        }
    }
    stats.explore_ms = ms_since(explore_started);

    // One candidate per distinct input; generated tests may repeat a
    // dataset input, so that they make a suite on their own.
    // A duplicate's edges and decisions go to the one kept: a boundary input
    // equal to a path's input still stands for its edge in the set cover.
    let mut seen: HashMap<(bool, String), usize> = HashMap::new();
    let mut unique: Vec<Candidate> = Vec::new();
    for c in candidates {
        let key = (c.origin == Origin::Dataset, args_repr(&c.args));
        match seen.get(&key) {
            Some(&i) => {
                let kept = &mut unique[i];
                kept.edges.extend(c.edges);
                kept.conditions.extend(c.conditions);
                kept.pairs.extend(c.pairs);
            }
            None => {
                seen.insert(key, unique.len());
                unique.push(c);
            }
        }
    }
    let mut candidates = unique;
    stats.candidates = candidates.len();
    // Small inputs first: the sandbox gives up on a job after a few
    // timeouts, and the slow inputs are the large ones.
    candidates.sort_by_key(|c| (c.origin != Origin::Dataset, args_repr(&c.args).len()));

    // CPython: expected outputs from the reference as it is, coverage from
    // the reference with probes.
    let calls: Vec<Call> = candidates
        .iter()
        .map(|c| Call {
            args: c.args.clone(),
            budget: opts.call_timeout,
        })
        .collect();
    let phase = Instant::now();
    let expected = run_calls(pool, &reference, &entry, &calls)?;
    stats.reference_ms = ms_since(phase);
    let sites = program
        .reachable_sites(&entry)
        .map_err(|e| GenError::Types(e.to_string()))?;
    let probed_src = probe::instrumented(&program, &reference, &entry, &sites);
    // Inputs the reference cannot finish are dropped anyway: they are not
    // run a second time for coverage.
    let finished: Vec<usize> = (0..calls.len())
        .filter(|&i| {
            matches!(
                expected[i],
                CallResult::Returned { .. } | CallResult::Raised { .. }
            )
        })
        .collect();
    let probe_calls: Vec<Call> = finished.iter().map(|&i| calls[i].clone()).collect();
    let phase = Instant::now();
    let mut probed: Vec<Option<probe::Probed>> = vec![None; calls.len()];
    for (&i, r) in finished
        .iter()
        .zip(run_calls(pool, &probed_src, probe::ENTRY, &probe_calls)?)
    {
        if let CallResult::Returned { value, .. } = r {
            probed[i] = probe::parse_hits(&value);
        }
    }

    stats.probe_ms = ms_since(phase);

    // Fidelity: the interpreter against CPython on every input.
    let phase = Instant::now();
    let limits = PyLimits {
        max_steps: 2_000_000,
        ..PyLimits::default()
    };
    for (c, r) in candidates.iter().zip(&expected) {
        if !matches!(r, CallResult::Returned { .. } | CallResult::Raised { .. }) {
            continue;
        }
        let ours = program.run(&entry, &c.args, limits.clone());
        let agree = match (&ours, r) {
            (RunResult::Returned(v), CallResult::Returned { value, .. }) => {
                Some(py_eq(v, value, Tolerance::EXACT))
            }
            (RunResult::Raised(e), CallResult::Raised { type_name, .. }) => {
                Some(e.type_name == *type_name)
            }
            (RunResult::Stopped(_), _) | (_, CallResult::Timeout { .. }) => None,
            (_, CallResult::Crashed { .. } | CallResult::Unsupported { .. }) => None,
            _ => Some(false),
        };
        if let Some(a) = agree {
            stats.fidelity_compared += 1;
            if a {
                stats.fidelity_equal += 1;
            } else if stats.fidelity_diffs.len() < MAX_DIFFS {
                stats.fidelity_diffs.push(format!(
                    "{entry}{}: CPython {}, symtest {}",
                    args_repr(&c.args),
                    describe_call(r),
                    describe_run(&ours)
                ));
            }
        }
    }

    stats.fidelity_ms = ms_since(phase);

    // The tests: inputs with a plain result (or an expected raise).
    let mut tests: Vec<(TestCase, BTreeSet<Item>, Hits)> = Vec::new();
    for ((c, r), p) in candidates.into_iter().zip(expected).zip(probed) {
        let (expected, raises, ref_ms) = match r {
            CallResult::Returned { value, ms, .. } => (Some(value), None, ms),
            CallResult::Raised { type_name, .. } if opts.keep_raising => {
                (None, Some(type_name), 0.0)
            }
            CallResult::Raised { .. } => {
                stats.dropped_raising += 1;
                continue;
            }
            _ => {
                stats.dropped_other += 1;
                continue;
            }
        };
        let hits = p.map(|p| p.hits).unwrap_or_default();
        let mut items: BTreeSet<Item> = hits.iter().map(|&(s, d)| Item::Branch(s, d)).collect();
        items.insert(Item::Output(match (&expected, &raises) {
            (Some(v), _) => v.repr(),
            (None, Some(t)) => format!("raise {t}"),
            (None, None) => String::new(),
        }));
        items.extend(c.edges.iter().map(|&(s, d)| Item::Edge(s, d)));
        items.extend(c.conditions.iter().map(|&(s, d)| Item::Condition(s, d)));
        items.extend(c.pairs.iter().map(|&p| Item::Pair(p)));
        tests.push((
            TestCase {
                args: c.args,
                expected,
                raises,
                origin: c.origin,
                path: c.path,
                ref_ms,
            },
            items,
            hits,
        ));
    }

    // Minimise the generated tests on their own; the dataset's all stay.
    let generated: Vec<usize> = (0..tests.len())
        .filter(|&i| tests[i].0.origin != Origin::Dataset)
        .collect();
    let keep: BTreeSet<usize> = if opts.no_minimise {
        generated.iter().copied().collect()
    } else {
        let items: Vec<BTreeSet<Item>> = generated.iter().map(|&i| tests[i].1.clone()).collect();
        greedy_cover(&items)
            .into_iter()
            .map(|k| generated[k])
            .collect()
    };
    let branches: BTreeSet<(u32, bool)> = sites
        .iter()
        .flat_map(|s| [(s.0, true), (s.0, false)])
        .collect();
    let mut covered = BTreeSet::new();
    let mut covered_generated = BTreeSet::new();
    let mut out = Vec::new();
    for (i, (t, _, hits)) in tests.into_iter().enumerate() {
        let dataset = t.origin == Origin::Dataset;
        if !dataset && !keep.contains(&i) {
            continue;
        }
        covered.extend(hits.iter().copied());
        if dataset {
            stats.dataset_tests += 1;
        } else {
            covered_generated.extend(hits.iter().copied());
            stats.generated_tests += 1;
        }
        out.push(t);
    }
    stats.branches = branches.len();
    stats.covered = branches.intersection(&covered).count();
    stats.covered_generated = branches.intersection(&covered_generated).count();
    stats.missed = branches
        .difference(&covered)
        .map(|&(s, d)| {
            format!(
                "{} {d}",
                program.sites().describe(symtest_explore::SiteId(s))
            )
        })
        .collect();
    stats.total_ms = ms_since(started);
    Ok(Generated {
        task_id: problem.task_id.clone(),
        entry,
        prefix: problem.prefix.clone(),
        reference,
        tests: out,
        stats,
    })
}

/// The arguments of every call the dataset's tests make to the reference.
fn dataset_calls(
    problem: &Problem,
    reference: &str,
    entry: &str,
    pool: &Pool,
) -> Result<Vec<Vec<PyValue>>, GenError> {
    match &problem.tests {
        Tests::Calls { cases, .. } => Ok(cases.iter().map(|c| c.args.clone()).collect()),
        Tests::Stdio { .. } => Err(GenError::Stdio),
        Tests::Check {
            test,
            bind,
            call_check,
            harness_prompt,
        } => {
            let job = Job {
                source: reference.to_string(),
                task: Task::Check {
                    entry: entry.to_string(),
                    prompt: harness_prompt.clone(),
                    test: test.clone(),
                    bind: bind.clone(),
                    call_check: *call_check,
                    budget: Duration::from_secs(60),
                    test_budget: Duration::from_secs(60),
                    record_calls: true,
                },
            };
            match pool.run(&job)? {
                JobResult::Check { load: Err(e), .. } => Err(GenError::Load(format!("{e:?}"))),
                JobResult::Check { calls, outcome, .. } => {
                    // A reference that fails its own tests still gives its calls.
                    if let Some(o) = outcome
                        && !matches!(o, CheckOutcome::Passed)
                    {
                        eprintln!(
                            "note: {}: the reference does not pass its own tests ({o:?})",
                            problem.task_id
                        );
                    }
                    Ok(calls)
                }
                other => Err(GenError::Load(format!("unexpected answer {other:?}"))),
            }
        }
    }
}

fn ms_since(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// The distinct pairs of consecutive decisions (assumptions left out).
fn decision_pairs(path: &symtest_explore::PathConstraint) -> Vec<[(u32, bool); 2]> {
    let decisions: Vec<(u32, bool)> = path
        .0
        .iter()
        .filter(|l| !l.assumed)
        .map(|l| (l.site.0, l.taken))
        .collect();
    let pairs: BTreeSet<[(u32, bool); 2]> = decisions.windows(2).map(|w| [w[0], w[1]]).collect();
    pairs.into_iter().collect()
}

fn run_calls(
    pool: &Pool,
    source: &str,
    entry: &str,
    calls: &[Call],
) -> Result<Vec<CallResult>, GenError> {
    if calls.is_empty() {
        return Ok(Vec::new());
    }
    let job = Job {
        source: source.to_string(),
        task: Task::Calls {
            entry: entry.to_string(),
            calls: calls.to_vec(),
            want_args: false,
            load_budget: LOAD_BUDGET,
        },
    };
    match pool.run(&job)? {
        JobResult::Calls { load: Err(e), .. } => Err(GenError::Load(format!("{e:?}"))),
        JobResult::Calls { results, .. } => Ok(results),
        other => Err(GenError::Load(format!("unexpected answer {other:?}"))),
    }
}

/// A string as a Python literal.
pub(crate) fn py_str(s: &str) -> String {
    PyValue::Str(s.to_string()).repr()
}

fn describe_call(r: &CallResult) -> String {
    match r {
        CallResult::Returned { value, .. } => format!("returns {}", value.repr()),
        CallResult::Raised { type_name, .. } => format!("raises {type_name}"),
        CallResult::Unsupported { type_name } => format!("returns a {type_name}"),
        CallResult::Timeout { .. } => "times out".into(),
        CallResult::Crashed { why } => format!("crashes ({why})"),
    }
}

fn describe_run(r: &RunResult) -> String {
    match r {
        RunResult::Returned(v) => format!("returns {}", v.repr()),
        RunResult::ReturnedOther(s) => format!("returns {s}"),
        RunResult::Raised(m) => format!("raises {m}"),
        RunResult::Stopped(why) => format!("stopped ({why})"),
    }
}
