//! `gen` for whole programs that read standard input and print (APPS,
//! CodeContests, TACO): the reference is explored from the dataset's
//! example inputs with a symbolic standard input
//! ([`symtest_python::StdinSubject`]), each path's input is written out in
//! the shape the examples showed, CPython prints the expected output, and
//! the tests that add branch directions are kept.
//!
//! Coverage here is the interpreter's, counted on the inputs where its
//! output is CPython's (the fidelity check): module-level code has no
//! function the call pipeline's CPython probes could instrument.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use symtest_explore::{ExploreOptions, SiteId, Strategy, Tracer, explore};
use symtest_python::{Limits, Program, ProgramEnd, SiteKind, Sites, StdinSubject};
use symtest_sandbox::job::{StdioResult, StdioRun};
use symtest_sandbox::{LoadError, Pool, PyValue};
use symtest_solve::Solver;
use symtest_term::{Sort, Term, Value};

use crate::candidates::on_edges;
use crate::minimise::greedy_cover;
use crate::model::{
    ExplorationStats, FidelityStats, GenError, GenOptions, GenStats, Generated, Origin, Reference,
    SelectionStats, TestCase, ms_since,
};
use crate::{stdio_mutants, stdio_neighbours};

/// Time a run of a whole program gets in CPython (the interpreter's start
/// included), at least.
const MIN_RUN_BUDGET: Duration = Duration::from_secs(1);

type FxHashMap<K, V> = std::collections::HashMap<K, V>;

/// What a test can cover; a suite keeps the fewest tests covering all the
/// candidates cover.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Item {
    /// A branch direction.
    Dir(u32, bool),
    /// Two consecutive directions.
    Pair(u32, bool, u32, bool),
    /// A loop that went round 0, 1 or more times on some entry.
    Rounds(u32, u8),
    /// The edge of a comparison on a path (a boundary input).
    Edge(u32, bool),
    /// An example at the statement's bounds (`StdinSubject::variants`),
    /// by its index: kept, as the reference need not branch there.
    Stated(u16),
    /// What the output's token `i` (or its last, `u8::MAX`) looks like.
    Out(u8, OutClass),
    /// The output has 0, 1 or more lines.
    Lines(u8),
    /// A single-site mutant of the program the input tells apart
    /// (`stdio_mutants`).
    Mutant(u32),
}

/// The look of an output token: the sign of a number, or a short word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum OutClass {
    Negative,
    Zero,
    Positive,
    Fraction,
    /// A word, by a hash of its text (`YES`/`NO` are two classes).
    Word(u64),
}

fn out_class(tok: &str) -> OutClass {
    if let Ok(v) = tok.parse::<i128>() {
        return match v.signum() {
            -1 => OutClass::Negative,
            0 => OutClass::Zero,
            _ => OutClass::Positive,
        };
    }
    if let Ok(f) = tok.parse::<f64>() {
        return if f < 0.0 {
            OutClass::Negative
        } else if f == 0.0 {
            OutClass::Zero
        } else {
            OutClass::Fraction
        };
    }
    // FNV-1a of a short word; long text is one class.
    let text = if tok.len() <= 12 { tok } else { "" };
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    OutClass::Word(h)
}

/// The items an output covers.
fn output_items(stdout: &str) -> Vec<Item> {
    let toks: Vec<&str> = stdout.split_whitespace().collect();
    let mut out: Vec<Item> = toks
        .iter()
        .take(4)
        .enumerate()
        .map(|(i, t)| Item::Out(i as u8, out_class(t)))
        .collect();
    if let Some(last) = toks.last() {
        out.push(Item::Out(u8::MAX, out_class(last)));
    }
    out.push(Item::Lines(stdout.lines().count().min(2) as u8));
    out
}

/// Records what a concrete run covers.
struct Cover<'s> {
    sites: &'s Sites,
    items: BTreeSet<Item>,
    last: Option<(u32, bool)>,
    /// Rounds of each loop since it was last entered.
    rounds: FxHashMap<u32, u32>,
}

impl<'s> Cover<'s> {
    fn new(sites: &'s Sites) -> Cover<'s> {
        Cover {
            sites,
            items: BTreeSet::new(),
            last: None,
            rounds: FxHashMap::default(),
        }
    }

    fn took(&mut self, site: SiteId, taken: bool) {
        if !Sites::is_user(site) {
            return;
        }
        let now = (site.0, taken);
        self.items.insert(Item::Dir(now.0, now.1));
        if let Some(prev) = self.last
            && prev != now
        {
            self.items.insert(Item::Pair(prev.0, prev.1, now.0, now.1));
        }
        self.last = Some(now);
        let is_loop =
            self.sites.user.get(site.0 as usize).is_some_and(|u| {
                matches!(u.kind, SiteKind::For | SiteKind::While | SiteKind::CompFor)
            });
        if is_loop {
            let r = self.rounds.entry(site.0).or_default();
            if taken {
                *r += 1;
            } else {
                self.items.insert(Item::Rounds(site.0, (*r).min(2) as u8));
                *r = 0;
            }
        }
    }

    fn directions(items: &BTreeSet<Item>) -> BTreeSet<(u32, bool)> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Dir(s, d) => Some((*s, *d)),
                _ => None,
            })
            .collect()
    }
}

impl Tracer for Cover<'_> {
    fn input(&mut self, _: &str, sort: Sort) -> (Value, Term) {
        (sort.default_value(), Term::constant(sort.default_value()))
    }
    fn branch(&mut self, site: SiteId, _: &Term, taken: bool) {
        self.took(site, taken);
    }
    fn branch_concrete(&mut self, site: SiteId, taken: bool) {
        self.took(site, taken);
    }
    fn assume(&mut self, _: SiteId, _: &Term, _: bool) {}
    fn concretised(&mut self, _: &str) {}
}

/// An input to run, before CPython has.
struct Candidate {
    stdin: String,
    origin: Origin,
    path: Option<String>,
    /// The comparison edges it sits on.
    edges: Vec<(u32, bool)>,
    /// Which example variant at the statement's bounds it is.
    stated: Option<u16>,
}

/// A candidate CPython ran to its end with some output.
struct Answered {
    candidate: Candidate,
    stdout: String,
    ms: f64,
    items: BTreeSet<Item>,
}

/// Explores the program from the examples; the candidates (examples first,
/// then one input per path, each once) and what exploration measured.
fn explore_program(
    program: &Program,
    examples: &[String],
    statement: &str,
    opts: &GenOptions,
) -> (Vec<Candidate>, ExplorationStats) {
    symtest_solve::z3::fresh_context(|| explore_in_context(program, examples, statement, opts))
}

fn explore_in_context(
    program: &Program,
    examples: &[String],
    statement: &str,
    opts: &GenOptions,
) -> (Vec<Candidate>, ExplorationStats) {
    let started = Instant::now();
    let mut subject =
        StdinSubject::with_statement(program, examples, statement, opts.stdin.clone());
    let mut solver = Solver::new(opts.solver.clone());
    let explore_opts = ExploreOptions {
        strategy: Strategy::Coverage,
        first_decisions: Some(Sites::is_user),
        max_runs: Some(opts.max_runs),
        patience: opts.patience,
        patience_time: opts.patience_time,
        timeout: Some(opts.timeout),
        interrupt: opts.interrupt.clone(),
        seeds: subject.seed_inputs(),
        ..ExploreOptions::default()
    };
    let ex = explore(&mut subject, &mut solver, &explore_opts, &mut |_| {});
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    for e in examples {
        if seen.insert(e.clone()) {
            out.push(Candidate {
                stdin: e.clone(),
                origin: Origin::Dataset,
                path: None,
                edges: Vec::new(),
                stated: None,
            });
        }
    }
    // The examples at the statement's bounds: the reference need not
    // branch where a wrong program does (a running maximum from 0).
    for (k, v) in subject.variants().into_iter().enumerate() {
        if seen.insert(v.clone()) {
            out.push(Candidate {
                stdin: v,
                origin: Origin::Boundary,
                path: None,
                edges: Vec::new(),
                stated: u16::try_from(k).ok(),
            });
        }
    }
    for p in &ex.paths {
        if p.constraint.breaks_assumption() {
            continue;
        }
        let run = subject.render(&ex.inputs, &p.input);
        if matches!(run.end, ProgramEnd::Stopped(_)) || !seen.insert(run.stdin.clone()) {
            continue;
        }
        out.push(Candidate {
            stdin: run.stdin,
            origin: Origin::Symbolic,
            path: Some(p.constraint.named().to_string()),
            edges: Vec::new(),
            stated: None,
        });
    }
    let deadline = started + opts.timeout + opts.timeout / 2;
    // Each edge's model written out as a standard input.
    let boundary = on_edges(&ex, &mut solver, opts, deadline, |p, model, key| {
        let run = subject.render(&ex.inputs, model);
        (!matches!(run.end, ProgramEnd::Stopped(_))).then(|| Candidate {
            stdin: run.stdin,
            origin: Origin::Boundary,
            path: Some(p.constraint.named().to_string()),
            edges: vec![key],
            stated: None,
        })
    });
    let boundary_inputs = boundary.len();
    for b in boundary {
        match out.iter_mut().find(|c| c.stdin == b.stdin) {
            Some(c) => c.edges.extend(b.edges),
            None => out.push(b),
        }
    }
    let stats = ExplorationStats {
        stated: subject
            .stated()
            .into_iter()
            .map(|(s, applied)| (s.text, applied))
            .collect(),
        ..ExplorationStats::of(&ex, &subject.stats, boundary_inputs, out.len(), started)
    };
    (out, stats)
}

/// A run of the program on each standard input, each within `budget`.
pub(crate) fn stdio_runs<'a>(
    stdins: impl Iterator<Item = &'a String>,
    budget: Duration,
) -> Vec<StdioRun> {
    stdins
        .map(|stdin| StdioRun {
            stdin: stdin.clone(),
            budget,
        })
        .collect()
}

/// The generated tests to keep: the fewest covering what all candidates
/// but the examples cover, so that they make a suite on their own (as for
/// functions): first what the program does (directions, loop rounds, edges,
/// mutants told apart), then what it answers, with at most as many tests
/// again.
fn select(answered: &[Answered], keep_all: bool) -> BTreeSet<usize> {
    let generated: Vec<usize> = (0..answered.len())
        .filter(|i| answered[*i].candidate.origin != Origin::Dataset)
        .collect();
    if keep_all {
        generated.iter().copied().collect()
    } else {
        // First what the program does (directions, loop rounds, edges),
        // then what it answers, with at most as many tests again.
        let (structural, looks): (Vec<BTreeSet<Item>>, Vec<BTreeSet<Item>>) = generated
            .iter()
            .map(|i| {
                answered[*i]
                    .items
                    .iter()
                    .copied()
                    .partition(|it| !matches!(it, Item::Out(..) | Item::Lines(_)))
            })
            .unzip();
        let mut keep: BTreeSet<usize> = greedy_cover(&structural).into_iter().collect();
        let mut seen: BTreeSet<Item> = keep
            .iter()
            .flat_map(|k| looks[*k].iter().copied())
            .collect();
        let extra: Vec<BTreeSet<Item>> = looks
            .iter()
            .map(|l| l.difference(&seen).copied().collect())
            .collect();
        let room = keep.len().max(2);
        for k in greedy_cover(&extra).into_iter().take(room) {
            seen.extend(looks[k].iter().copied());
            keep.insert(k);
        }
        keep.into_iter().map(|k| generated[k]).collect()
    }
}

/// Where exploration left a branch direction uncovered, adds the inputs
/// one change away from the candidates that take one (`stdio_neighbours`),
/// found by running each in the interpreter.
fn add_neighbours(program: &Program, candidates: &mut Vec<Candidate>) -> usize {
    let neighbours = stdio_neighbours::covering(
        candidates.iter().map(|c| c.stdin.as_str()),
        program.sites().user.len() * 2,
        &mut |stdin, max_time| {
            let mut cover = Cover::new(program.sites());
            let limits = Limits {
                max_time,
                ..Limits::default()
            };
            let run = program.run_stdin_traced(stdin, limits, &mut cover);
            (run.end == ProgramEnd::Finished && !run.stdout.trim().is_empty())
                .then(|| Cover::directions(&cover.items))
        },
    );
    let added = neighbours.len();
    candidates.extend(neighbours.into_iter().map(|stdin| Candidate {
        stdin,
        origin: Origin::Neighbour,
        path: None,
        edges: Vec::new(),
        stated: None,
    }));
    added
}

/// Adds to each answered input the mutants of `source` it tells apart
/// (`stdio_mutants`), and counts them.
fn tell_mutants(
    pool: &Pool,
    source: &str,
    cap: usize,
    answered: &mut [Answered],
    selection: &mut SelectionStats,
) {
    let told = stdio_mutants::tell(
        pool,
        source,
        answered
            .iter()
            .map(|a| (a.candidate.stdin.as_str(), a.stdout.as_str())),
        cap,
    );
    let mut found: BTreeSet<u32> = BTreeSet::new();
    for (a, t) in answered.iter_mut().zip(&told) {
        if let Some(t) = t {
            selection.mutants = selection.mutants.max(t.made);
            found.extend(t.apart.iter().copied());
            a.items.extend(t.apart.iter().copied().map(Item::Mutant));
        }
    }
    selection.mutants_found = found.len();
}

/// Generates the stdin suite of a whole program from its example inputs
/// (kept as `dataset` tests) and its statement (whose bounds in the usual
/// form, `1 ≤ n ≤ 100`, hold for the numbers read into variables of those
/// names; empty for none).
pub fn generate_stdio(
    reference: &Reference,
    examples: &[String],
    statement: &str,
    pool: &Pool,
    opts: &GenOptions,
) -> Result<Generated, GenError> {
    let started = Instant::now();
    let program = Program::parse(&reference.source).map_err(|e| GenError::Syntax(e.to_string()))?;
    let (mut candidates, mut exploration) = explore_program(&program, examples, statement, opts);
    // The neighbours' search counts as exploration, in its time and its
    // candidates.
    let search = Instant::now();
    exploration.candidates += add_neighbours(&program, &mut candidates);
    exploration.ms += ms_since(search);

    let budget = opts.call_timeout.max(MIN_RUN_BUDGET);
    let runs = stdio_runs(candidates.iter().map(|c| &c.stdin), budget);
    let ref_started = Instant::now();
    let results = pool.run_stdio(&reference.source, &runs)?;
    let reference_ms = ms_since(ref_started);
    if !results.is_empty()
        && results
            .iter()
            .all(|r| matches!(r, StdioResult::Failed(LoadError::Compile { .. })))
        && let Some(StdioResult::Failed(e)) = results.first()
    {
        return Err(GenError::Load(e.clone()));
    }

    let fid_started = Instant::now();
    let mut fidelity = FidelityStats::default();
    let mut selection = SelectionStats::default();
    let mut answered: Vec<Answered> = Vec::new();
    for (c, r) in candidates.into_iter().zip(results) {
        let (stdout, ms) = match r {
            StdioResult::Finished { stdout, ms } => (stdout, ms),
            StdioResult::Failed(LoadError::Raised { .. }) => {
                selection.dropped_raising += 1;
                continue;
            }
            StdioResult::Failed(_) => {
                selection.dropped_other += 1;
                continue;
            }
        };
        // A run that prints nothing tells nothing (usually an input the
        // program does not expect).
        if stdout.trim().is_empty() && c.origin != Origin::Dataset {
            selection.dropped_other += 1;
            continue;
        }
        let mut cover = Cover::new(program.sites());
        let mine = program.run_stdin_traced(&c.stdin, Default::default(), &mut cover);
        if !matches!(mine.end, ProgramEnd::Stopped(_)) {
            fidelity.compared += 1;
            if mine.stdout == stdout && mine.end == ProgramEnd::Finished {
                fidelity.equal += 1;
            } else if fidelity.diffs.len() < 5 {
                fidelity.diffs.push(format!(
                    "stdin {}: CPython printed {}, the interpreter {} ({:?})",
                    PyValue::Str(c.stdin.clone()).repr(),
                    PyValue::Str(stdout.clone()).repr(),
                    PyValue::Str(mine.stdout.clone()).repr(),
                    mine.end
                ));
            }
        }
        // Coverage counts only runs the interpreter got right.
        let mut items = if mine.stdout == stdout {
            cover.items
        } else {
            BTreeSet::new()
        };
        items.extend(c.edges.iter().map(|(s, d)| Item::Edge(*s, *d)));
        items.extend(c.stated.map(Item::Stated));
        items.extend(output_items(&stdout));
        answered.push(Answered {
            candidate: c,
            stdout,
            ms,
            items,
        });
    }
    fidelity.ms = ms_since(fid_started);

    let probe_started = Instant::now();
    tell_mutants(
        pool,
        &reference.source,
        opts.mutants,
        &mut answered,
        &mut selection,
    );
    let probe_ms = ms_since(probe_started);

    // The examples stay, and the fewest generated tests that cover what
    // all the generated candidates cover.
    let keep = select(&answered, opts.no_minimise);
    let mut covered: BTreeSet<Item> = BTreeSet::new();
    let mut covered_generated: BTreeSet<Item> = BTreeSet::new();
    let mut tests = Vec::new();
    for (i, a) in answered.into_iter().enumerate() {
        let dataset = a.candidate.origin == Origin::Dataset;
        if !dataset && !keep.contains(&i) {
            continue;
        }
        covered.extend(a.items.iter().copied());
        if dataset {
            selection.dataset_tests += 1;
        } else {
            selection.generated_tests += 1;
            covered_generated.extend(a.items.iter().copied());
        }
        tests.push(TestCase {
            args: vec![PyValue::Str(a.candidate.stdin)],
            expected: Some(PyValue::Str(a.stdout)),
            raises: None,
            origin: a.candidate.origin,
            path: a.candidate.path,
            ref_ms: a.ms,
        });
    }
    let sites = program.sites();
    let directions = Cover::directions(&covered);
    selection.branches = sites.user.len() * 2;
    selection.covered = directions.len();
    selection.covered_generated = Cover::directions(&covered_generated).len();
    selection.mutants_told = covered_generated
        .iter()
        .filter(|i| matches!(i, Item::Mutant(_)))
        .count();
    selection.missed = sites.missed((0..sites.user.len() as u32).map(SiteId), |s, d| {
        directions.contains(&(s.0, d))
    });
    Ok(Generated {
        reference: reference.clone(),
        tests,
        stats: GenStats {
            types: Vec::new(),
            exploration,
            reference_ms,
            probe_ms,
            fidelity,
            selection,
            total_ms: ms_since(started),
        },
    })
}
