//! `symtest prob`: explore a probabilistic program in the C-like language and
//! weigh every path exactly.
//!
//! Random inputs (`x ~ bernoulli(0.3);` or `--dist`) are explored like any
//! symbolic input, their support being a domain assumption; each feasible
//! path is then weighed by [`symtest_explore::prob::path_mass`]. Inputs that
//! are neither random nor fixed stay symbolic: the path constraints that
//! mention only them split the results into input regions.

#![warn(missing_docs)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use num_traits::Zero;
use symtest_explore::prob::{CountError, Dist, path_mass};
use symtest_explore::{Exploration, ExploreOptions, Outcome, SiteId, StopReason, Tracer, explore};
use symtest_minic::{Config, MiniC, ParseError, parse};
use symtest_solve::{Solver, SolverOptions};
use symtest_term::fxhash::FxHashMap;
use symtest_term::{BigRational, Model, Sort, Term, Value, Var};

/// Why a probabilistic program could not be weighed.
#[derive(Debug, thiserror::Error)]
pub enum ProbError {
    /// The program does not parse.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A path could not be weighed exactly.
    #[error("path {path}: {source}")]
    Count {
        /// The path's number, from 1, in the order of [`ProbResult::paths`].
        path: usize,
        /// Why it could not be weighed.
        source: CountError,
    },
}

/// A program to explore and weigh, and how.
#[derive(Clone, Debug)]
pub struct ProbJob {
    /// The program's source in the C-like language.
    pub source: String,
    /// Loop bound, `--dist` and `--input`.
    pub config: Config,
    /// A variable whose value at the end of each run is also weighed.
    pub observe: Option<String>,
    /// The solver the exploration asks.
    pub solver: SolverOptions,
    /// The exploration's strategy and budgets.
    pub explore: ExploreOptions,
    /// Partial assignments kept at once while weighing one path.
    pub max_states: usize,
}

/// One feasible path and its weight.
#[derive(Clone, Debug)]
pub struct ProbPath {
    /// The path's decisions, with source names (domain assumptions left out).
    pub constraint: String,
    /// How the run that found the path ended.
    pub outcome: Outcome,
    /// The exact probability that the random inputs take this path (at the
    /// path's own input point when the path ties them to symbolic inputs).
    pub probability: BigRational,
    /// The input region the probability holds in (`None`: every input).
    pub region: Option<String>,
    /// How this path ends (the return value, or a description) with each
    /// value's probability.
    pub returns: Vec<(OrdKey, BigRational)>,
    /// The observed variable's distribution on this path.
    pub observed: Vec<(OrdKey, BigRational)>,
    /// The most partial assignments weighing it kept at once: the work it took.
    pub peak_states: usize,
}

/// Results for one input region (the only one when every input is random
/// or fixed).
#[derive(Clone, Debug, Default)]
pub struct RegionResult {
    /// The region's constraint on the symbolic inputs, or `at a=2, b=0` for an
    /// input point; `None` when every input is random or fixed.
    pub region: Option<String>,
    /// Probability mass of the explored paths in this region.
    pub mass: BigRational,
    /// Distribution of how runs end: a returned value, or a description.
    pub returns: BTreeMap<OrdKey, BigRational>,
    /// The observed variable's distribution over the region's paths.
    pub observed: BTreeMap<OrdKey, BigRational>,
    /// How many paths contributed.
    pub paths: usize,
}

/// A value as shown, ordered numerically when it is a number.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct OrdKey {
    /// The value as a number (a truth value as 0 or 1); `None` for anything else,
    /// which sorts first.
    pub number: Option<BigRational>,
    /// The value as printed; it breaks ties between equal numbers.
    pub text: String,
}

/// Mean and variance of the numeric part of a distribution, conditional on
/// being numeric; `None` without numeric mass.
pub fn moments(d: &BTreeMap<OrdKey, BigRational>) -> Option<(BigRational, BigRational)> {
    let mut mass = BigRational::zero();
    let mut first = BigRational::zero();
    let mut second = BigRational::zero();
    for (k, p) in d {
        if let Some(x) = &k.number {
            mass += p;
            first += x * p;
            second += x * x * p;
        }
    }
    if mass.is_zero() {
        return None;
    }
    let mean = &first / &mass;
    let var = &second / &mass - &mean * &mean;
    Some((mean, var))
}

/// Everything `symtest prob` reports: each path, each region, and the costs.
pub struct ProbResult {
    /// Every feasible path that keeps the random inputs in their supports, in the
    /// order exploration found them.
    pub paths: Vec<ProbPath>,
    /// The results by input region; at least one.
    pub regions: Vec<RegionResult>,
    /// Random inputs by name, with their distributions.
    pub random: Vec<(String, Dist)>,
    /// Inputs left symbolic (neither random nor fixed).
    pub symbolic: Vec<String>,
    /// Why the exploration stopped.
    pub stop: StopReason,
    /// Directions the solver could not decide: their mass is missing.
    pub unknown: usize,
    /// Paths cut by a bound (loop unrolling): their mass is counted, but
    /// the run did not finish.
    pub cut: usize,
    /// Queries that reached the solver's backend.
    pub solver_calls: u64,
    /// Concrete runs of the program during exploration.
    pub runs: u64,
    /// Wall-clock time of the exploration.
    pub explore_time: Duration,
    /// Wall-clock time of the weighing after it.
    pub weigh_time: Duration,
}

impl ProbResult {
    /// Every path was explored and decided, so each region's mass is 1.
    pub fn complete(&self) -> bool {
        self.stop.is_complete() && self.unknown == 0
    }
}

/// One path, split for weighing.
struct Parts {
    /// The literals shown (domain assumptions left out).
    shown: Vec<symtest_explore::Literal>,
    /// Literals on symbolic inputs only: where the path applies.
    region: Vec<Term>,
    /// Literals that mention random variables (maybe inputs too).
    random: Vec<Term>,
    /// Some literal or output mentions both random variables and inputs.
    mixed: bool,
    returned: Option<Term>,
    observed: Option<Term>,
    outcome: Outcome,
    input: Model,
}

struct Weighed {
    probability: BigRational,
    returns: BTreeMap<OrdKey, BigRational>,
    observed: BTreeMap<OrdKey, BigRational>,
    peak_states: usize,
}

impl RegionResult {
    fn add(&mut self, w: Weighed) {
        self.mass += &w.probability;
        self.paths += 1;
        for (k, p) in w.returns {
            *self.returns.entry(k).or_default() += p;
        }
        for (k, p) in w.observed {
            *self.observed.entry(k).or_default() += p;
        }
    }
}

/// `a=2, b=0`: the symbolic inputs' values in `point`.
fn point_name(inputs: &[Var], dists: &FxHashMap<u32, Dist>, point: &Model) -> String {
    let mut at: Vec<String> = inputs
        .iter()
        .filter(|v| !dists.contains_key(&v.index))
        .map(|v| {
            let value = point
                .get(v)
                .cloned()
                .unwrap_or_else(|| v.sort.default_value());
            format!("{}={value}", v.name)
        })
        .collect();
    at.sort();
    at.join(", ")
}

/// The path's weight with the symbolic inputs at `point`.
fn weigh(
    part: &Parts,
    point: &Model,
    dists: &FxHashMap<u32, Dist>,
    max_states: usize,
) -> Result<Weighed, CountError> {
    let fix = |t: &Term| -> Term {
        let mut map = FxHashMap::default();
        for v in t.vars() {
            if !dists.contains_key(&v.index) {
                let value = point
                    .get(&v)
                    .cloned()
                    .unwrap_or_else(|| v.sort.default_value());
                map.insert(v.index, Term::constant(value));
            }
        }
        t.substitute(&map)
    };
    let lits: Vec<Term> = part.random.iter().map(fix).collect();
    let mut outputs = Vec::new();
    if let Some(t) = &part.returned {
        outputs.push(fix(t));
    }
    if let Some(t) = &part.observed {
        outputs.push(fix(t));
    }
    let mass = path_mass(&lits, &outputs, dists, max_states)?;
    let obs_index = part
        .observed
        .as_ref()
        .map(|_| usize::from(part.returned.is_some()));
    let mut returns = BTreeMap::new();
    let mut observed = BTreeMap::new();
    for (values, w) in &mass.outputs {
        let ret = match part.returned {
            Some(_) => key_of(&values[0]),
            None => label(part.outcome.to_string()),
        };
        *returns.entry(ret).or_default() += w;
        if let Some(k) = obs_index {
            *observed.entry(key_of(&values[k])).or_default() += w;
        }
    }
    Ok(Weighed {
        probability: mass.probability,
        returns,
        observed,
        peak_states: mass.peak_states,
    })
}

/// The key a value is shown and ordered by (a truth value shows as 0 or 1).
pub fn key_of(v: &Value) -> OrdKey {
    let text = match v {
        Value::Bool(b) => u8::from(*b).to_string(),
        other => other.to_string(),
    };
    OrdKey {
        number: match v {
            Value::Bool(b) => Some(BigRational::from_integer(u8::from(*b).into())),
            other => other.to_rational(),
        },
        text,
    }
}

fn label(text: String) -> OrdKey {
    OrdKey { number: None, text }
}

/// Re-runs one path's input to read the terms of its result.
struct Replay<'a> {
    model: &'a Model,
    vars: &'a [Var],
}

impl Tracer for Replay<'_> {
    fn input(&mut self, name: &str, sort: Sort) -> (Value, Term) {
        match self
            .vars
            .iter()
            .find(|v| &*v.name == name && v.sort == sort)
        {
            Some(v) => {
                let value = self
                    .model
                    .get(v)
                    .cloned()
                    .unwrap_or_else(|| sort.default_value());
                (value, Term::var(v.clone()))
            }
            None => {
                let value = sort.default_value();
                (value.clone(), Term::constant(value))
            }
        }
    }
    fn branch(&mut self, _: SiteId, _: &Term, _: bool) {}
    fn branch_concrete(&mut self, _: SiteId, _: bool) {}
    fn assume(&mut self, _: SiteId, _: &Term, _: bool) {}
    fn concretised(&mut self, _: &str) {}
}

/// Explores `job`'s program, then weighs every feasible path exactly and sums
/// the paths of each input region. An error is a program that does not parse
/// or a path that cannot be weighed.
pub fn run_prob(job: &ProbJob) -> Result<ProbResult, ProbError> {
    let program = parse(&job.source)?;
    let mut subject = MiniC::new(program, job.config.clone());
    let mut solver = Solver::new(job.solver.clone());
    let started = Instant::now();
    let ex = explore(&mut subject, &mut solver, &job.explore, &mut |_| {});
    let explore_time = started.elapsed();
    let weighing = Instant::now();

    let random_names = subject.random_inputs().clone();
    let mut dists: FxHashMap<u32, Dist> = FxHashMap::default();
    let mut symbolic = Vec::new();
    for v in &ex.inputs {
        match random_names.get(&*v.name) {
            Some(d) => {
                dists.insert(v.index, d.clone());
            }
            None => symbolic.push(v.name.to_string()),
        }
    }
    let mut random: Vec<(String, Dist)> = random_names.into_iter().collect();
    random.sort_by(|a, b| a.0.cmp(&b.0));

    let (parts, cut) = split_paths(&mut subject, &ex, &dists, job.observe.as_deref());
    let scale = Scale {
        inputs: &ex.inputs,
        dists: &dists,
        max_states: job.max_states,
    };
    let paths = scale.paths(&parts)?;
    let regions = scale.regions(&parts, &paths)?;
    Ok(ProbResult {
        paths,
        regions,
        random,
        symbolic,
        stop: ex.stop,
        unknown: ex.unknown.len(),
        cut,
        solver_calls: ex.stats.solver.backend_calls,
        runs: ex.stats.runs,
        explore_time,
        weigh_time: weighing.elapsed(),
    })
}

/// Each feasible path split into what the weighing needs (its result's terms
/// read by a replay of its input), and how many of them a bound cut short.
fn split_paths(
    subject: &mut MiniC,
    ex: &Exploration,
    dists: &FxHashMap<u32, Dist>,
    observe: Option<&str>,
) -> (Vec<Parts>, usize) {
    let mut parts: Vec<Parts> = Vec::new();
    let mut cut = 0;
    for p in &ex.paths {
        // A run stopped on a random value outside its support weighs nothing.
        if p.constraint.breaks_assumption() {
            continue;
        }
        let ending = subject.run_traced(&mut Replay {
            model: &p.input,
            vars: &ex.inputs,
        });
        let mut part = Parts {
            shown: Vec::new(),
            region: Vec::new(),
            random: Vec::new(),
            mixed: false,
            returned: ending.returned.clone(),
            observed: observe.and_then(|name| ending.vars.get(name).cloned()),
            outcome: p.outcome.clone(),
            input: p.input.clone(),
        };
        for lit in &p.constraint.0 {
            let vars = lit.cond.vars();
            let random_count = vars.iter().filter(|v| dists.contains_key(&v.index)).count();
            if lit.assumed && lit.site == SiteId::DOMAIN && random_count == vars.len() {
                continue;
            }
            part.shown.push(lit.clone());
            if random_count == 0 {
                part.region.push(lit.term());
            } else {
                part.mixed |= random_count < vars.len();
                part.random.push(lit.term());
            }
        }
        let inputs_in_outputs = [&part.returned, &part.observed]
            .into_iter()
            .flatten()
            .any(|t| t.vars().iter().any(|v| !dists.contains_key(&v.index)));
        part.mixed |= inputs_in_outputs;
        if matches!(p.outcome, Outcome::Stopped(_)) {
            cut += 1;
        }
        parts.push(part);
    }
    (parts, cut)
}

/// What weighing needs besides the paths: the inputs, which of them are
/// random, and the bound on partial assignments.
struct Scale<'a> {
    inputs: &'a [Var],
    dists: &'a FxHashMap<u32, Dist>,
    max_states: usize,
}

impl Scale<'_> {
    /// The weight of path `i` (0-based) at `point`, an error naming the path.
    fn weigh_at(&self, i: usize, part: &Parts, point: &Model) -> Result<Weighed, ProbError> {
        weigh(part, point, self.dists, self.max_states).map_err(|e| ProbError::Count {
            path: i + 1,
            source: e,
        })
    }

    /// Every path weighed at its own input, with its region in words.
    fn paths(&self, parts: &[Parts]) -> Result<Vec<ProbPath>, ProbError> {
        let mut paths = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let w = self.weigh_at(i, part, &part.input)?;
            let mut region = (!part.region.is_empty()).then(|| {
                part.region
                    .iter()
                    .map(|t| t.named().to_string())
                    .collect::<Vec<_>>()
                    .join(" && ")
            });
            if part.mixed {
                let at = format!("at {}", point_name(self.inputs, self.dists, &part.input));
                region = Some(match region {
                    Some(r) => format!("{r} ({at})"),
                    None => at,
                });
            }
            paths.push(ProbPath {
                constraint: symtest_explore::PathConstraint(part.shown.clone())
                    .named()
                    .to_string(),
                outcome: part.outcome.clone(),
                probability: w.probability,
                region,
                returns: w.returns.into_iter().collect(),
                observed: w.observed.into_iter().collect(),
                peak_states: w.peak_states,
            });
        }
        Ok(paths)
    }

    /// The paths summed by input region. When some path ties random values to
    /// symbolic inputs, its probability depends on their values: results are
    /// then given at each input point a run used, weighing every path that
    /// applies there.
    fn regions(&self, parts: &[Parts], paths: &[ProbPath]) -> Result<Vec<RegionResult>, ProbError> {
        let mut regions: Vec<RegionResult> = Vec::new();
        if parts.iter().any(|p| p.mixed) {
            let mut points: Vec<(String, Model)> = Vec::new();
            for part in parts {
                let name = point_name(self.inputs, self.dists, &part.input);
                if !points.iter().any(|(n, _)| *n == name) {
                    points.push((name, part.input.clone()));
                }
            }
            for (name, point) in points {
                let mut r = RegionResult {
                    region: Some(format!("at {name}")),
                    ..RegionResult::default()
                };
                for (i, part) in parts.iter().enumerate() {
                    if !part.region.iter().all(|t| t.holds(&point)) {
                        continue;
                    }
                    let w = self.weigh_at(i, part, &point)?;
                    if w.probability.is_zero() {
                        continue;
                    }
                    r.add(w);
                }
                regions.push(r);
            }
        } else {
            for (part, path) in parts.iter().zip(paths) {
                let w = self.weigh_at(0, part, &part.input)?;
                let i = match regions.iter().position(|r| r.region == path.region) {
                    Some(i) => i,
                    None => {
                        regions.push(RegionResult {
                            region: path.region.clone(),
                            ..RegionResult::default()
                        });
                        regions.len() - 1
                    }
                };
                regions[i].add(w);
            }
        }
        if regions.is_empty() {
            regions.push(RegionResult::default());
        }
        Ok(regions)
    }
}
