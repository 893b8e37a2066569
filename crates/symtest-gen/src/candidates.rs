//! The first phase: explore the reference with the Python frontend and turn
//! what was found (paths, boundary inputs, the seed calls, the smallest
//! input) into candidate inputs, one per distinct input.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;
use std::time::{Duration, Instant};

use symtest_explore::{
    Exploration, ExploreOptions, PathConstraint, PathRecord, Strategy, boundary,
    defaults_meet_assumptions, explore,
};
use symtest_formats::dataset::args_repr;
use symtest_python::external::External;
use symtest_python::{PySubject, Sites};
use symtest_sandbox::PyValue;
use symtest_solve::{Answer, Solver};
use symtest_term::Model;

use crate::external::{ExternalOptions, SandboxExternal};
use crate::model::{ExplorationStats, GenError, GenOptions, Origin, Prepared};

/// Time limit of one boundary query: an edge is one more test, not a new
/// path, so it is not worth the seconds a hard query can take.
const BOUNDARY_QUERY_TIME: Duration = Duration::from_millis(100);

/// CPU time of loading the reference for an external call.
const EXTERNAL_LOAD_BUDGET: Duration = Duration::from_secs(2);

/// An input to try, before CPython has run it.
pub(crate) struct Candidate {
    pub args: Vec<PyValue>,
    pub origin: Origin,
    /// The path constraint that led to it, with parameter names.
    pub path: Option<String>,
    /// The comparison edges it sits on: `(site, side)`.
    pub edges: Vec<(u32, bool)>,
    /// The directions its path took at the interpreter's internal decisions
    /// (`and`/`or` operands, comparisons used as values), which CPython's
    /// branch probes do not see.
    pub conditions: Vec<(u32, bool)>,
    /// Consecutive decisions of its path: in `if l == 0 or l == 1`, only the
    /// pair (first operand false, branch taken) tells `l == 1` from `l == 0`.
    pub pairs: Vec<[(u32, bool); 2]>,
    /// The path the input follows in the interpreter, where a path of the
    /// exploration has this input (a dataset call's run is one).
    pub followed: Option<String>,
}

impl Candidate {
    fn plain(args: Vec<PyValue>, origin: Origin) -> Candidate {
        Candidate {
            args,
            origin,
            path: None,
            edges: Vec::new(),
            conditions: Vec::new(),
            pairs: Vec::new(),
            followed: None,
        }
    }
}

/// What the exploration phase found.
pub(crate) struct Explored {
    /// One candidate per distinct input, small inputs first (dataset calls
    /// before generated ones).
    pub candidates: Vec<Candidate>,
    /// What it measured.
    pub stats: ExplorationStats,
}

/// Explores the reference from `seeds` within `opts.timeout` (two thirds for
/// paths, the rest for boundary inputs).
pub(crate) fn explore_reference(
    prepared: &Prepared,
    seeds: &[Vec<PyValue>],
    opts: &GenOptions,
) -> Result<Explored, GenError> {
    symtest_solve::z3::fresh_context(|| explore_in_context(prepared, seeds, opts))
}

fn explore_in_context(
    prepared: &Prepared,
    seeds: &[Vec<PyValue>],
    opts: &GenOptions,
) -> Result<Explored, GenError> {
    let started = Instant::now();
    let entry = &prepared.reference.entry;
    let params = prepared
        .params
        .iter()
        .map(|(n, t, _)| (n.clone(), t.clone()))
        .collect();
    let mut subject = PySubject::new(&prepared.program, entry, params)
        .map_err(|e| GenError::Entry(e.to_string()))?;
    for a in &opts.assume {
        subject
            .add_precondition(a)
            .map_err(|e| GenError::Precondition(e.to_string()))?;
    }
    let oracle = opts.external.as_ref().map(|ext| {
        let pool = ext.pool.clone();
        Rc::new(SandboxExternal::new(
            ExternalOptions {
                module: "__symtest_reference__".into(),
                root: None,
                source: Some(prepared.reference.source.clone()),
                budget: ext.budget,
                call_budget: opts.call_timeout,
                load_budget: EXTERNAL_LOAD_BUDGET,
            },
            Box::new(move || Ok(pool.clone())),
        ))
    });
    subject.external = oracle.map(|o| o as Rc<dyn External>);
    let mut solver = Solver::new(opts.solver.clone());
    let explore_opts = ExploreOptions {
        strategy: Strategy::Coverage,
        // Typed parameters: every input is well-formed, the cheapest query first.
        shallow_first: true,
        max_runs: Some(opts.max_runs),
        patience: opts.patience,
        patience_time: opts.patience_time,
        // A third of the budget is kept for the boundary queries.
        timeout: Some(opts.timeout.mul_f64(2.0 / 3.0)),
        interrupt: opts.interrupt.clone(),
        seeds: seeds.iter().filter_map(|c| subject.seed(c)).collect(),
        ..ExploreOptions::default()
    };
    let ex = explore(&mut subject, &mut solver, &explore_opts, &mut |_| {});

    let mut candidates: Vec<Candidate> = seeds
        .iter()
        .map(|args| Candidate::plain(args.clone(), Origin::Dataset))
        .collect();
    // The smallest input (zeros, empty strings and lists) is a test on its
    // own: the explorer may not record it as a path (a pinned input from a
    // dataset call can make the run inconsistent with the tree).
    if defaults_meet_assumptions(&mut subject)
        && let Some(args) = subject.args_of(&ex.inputs, &Model::new())
    {
        candidates.push(Candidate::plain(args, Origin::Symbolic));
    }
    candidates.extend(path_candidates(&subject, &ex));
    let deadline = started + opts.timeout;
    // Each edge's model as the function's arguments.
    let boundary = on_edges(&ex, &mut solver, opts, deadline, |p, model, key| {
        let args = subject.args_of(&ex.inputs, model)?;
        Some(Candidate {
            args,
            origin: Origin::Boundary,
            path: Some(p.constraint.named().to_string()),
            edges: vec![key],
            conditions: Vec::new(),
            pairs: Vec::new(),
            followed: None,
        })
    });
    let boundary_inputs = boundary.len();
    candidates.extend(boundary);

    let candidates = distinct(candidates);
    // External calls are among the run's concretisations already.
    let stats = ExplorationStats::of(
        &ex,
        &subject.stats,
        boundary_inputs,
        candidates.len(),
        started,
    );
    Ok(Explored { stats, candidates })
}

/// One candidate per feasible path that kept the preconditions.
fn path_candidates(subject: &PySubject, ex: &Exploration) -> Vec<Candidate> {
    let mut out = Vec::new();
    for p in &ex.paths {
        // A run stopped by a precondition it broke is no test.
        if p.constraint.breaks_assumption() {
            continue;
        }
        if let Some(args) = subject.args_of(&ex.inputs, &p.input) {
            out.push(Candidate {
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
                followed: Some(p.constraint.named().to_string()),
            });
        }
    }
    out
}

/// Inputs on the edges of each path's comparisons (at most two an edge),
/// asked of the solver until `opts.max_boundary` queries or `deadline`. `take` turns an
/// edge's model (with the path and the edge) into a candidate, or refuses it.
pub(crate) fn on_edges<T>(
    ex: &Exploration,
    solver: &mut Solver,
    opts: &GenOptions,
    deadline: Instant,
    mut take: impl FnMut(&PathRecord, &Model, (u32, bool)) -> Option<T>,
) -> Vec<T> {
    let mut out = Vec::new();
    let mut asked = 0;
    let mut edges_found: BTreeMap<(u32, bool), usize> = BTreeMap::new();
    // Short paths first: on them an edge decides the outcome more often,
    // so the boundary input tells `<` from `<=`.
    let mut by_length: Vec<&PathRecord> = ex.paths.iter().collect();
    by_length.sort_by_key(|p| p.constraint.0.len());
    for p in by_length {
        for (i, query) in boundary::queries(&p.constraint) {
            let lit = &p.constraint.0[i];
            let key = (lit.site.0, lit.taken);
            if edges_found.get(&key).copied().unwrap_or(0) >= 2 {
                continue;
            }
            if asked >= opts.max_boundary || Instant::now() > deadline {
                return out;
            }
            asked += 1;
            let query_deadline = deadline.min(Instant::now() + BOUNDARY_QUERY_TIME);
            let Answer::Sat(m) = solver.check(&query, &p.input, Some(query_deadline)) else {
                continue;
            };
            if let Some(c) = take(p, &p.input.overlaid(&m), key) {
                *edges_found.entry(key).or_default() += 1;
                out.push(c);
            }
        }
    }
    out
}

/// One candidate per distinct input, small inputs first. Generated tests
/// may repeat a dataset input, so that they make a suite on their own. A
/// duplicate's edges and decisions go to the one kept: a boundary input
/// equal to a path's input still stands for its edge in the set cover. A
/// dataset call learns the path it follows from the generated candidate with
/// its input.
fn distinct(candidates: Vec<Candidate>) -> Vec<Candidate> {
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
                if kept.followed.is_none() {
                    kept.followed = c.followed;
                }
            }
            None => {
                seen.insert(key, unique.len());
                unique.push(c);
            }
        }
    }
    let followed: Vec<Option<String>> = unique.iter().map(|c| c.followed.clone()).collect();
    for c in &mut unique {
        if c.origin == Origin::Dataset && c.followed.is_none() {
            c.followed = seen
                .get(&(false, args_repr(&c.args)))
                .and_then(|&i| followed[i].clone());
        }
    }
    // The sandbox gives up on a job after a few timeouts, and the slow
    // inputs are the large ones.
    unique.sort_by_key(|c| (c.origin != Origin::Dataset, args_repr(&c.args).len()));
    unique
}

/// The distinct pairs of consecutive decisions (assumptions left out).
fn decision_pairs(path: &PathConstraint) -> Vec<[(u32, bool); 2]> {
    let decisions: Vec<(u32, bool)> = path
        .0
        .iter()
        .filter(|l| !l.assumed)
        .map(|l| (l.site.0, l.taken))
        .collect();
    let pairs: BTreeSet<[(u32, bool); 2]> = decisions.windows(2).map(|w| [w[0], w[1]]).collect();
    pairs.into_iter().collect()
}
