//! The concolic loop: run, record the decisions in the tree, pick an open
//! direction, solve for an input that takes it, run again.

use std::collections::BTreeSet;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use symtest_solve::{Answer, Solver, SolverStats};
use symtest_term::fxhash::{FxHashMap, FxHashSet};
use symtest_term::{Model, Sort, Term, Value, Var};

use crate::frontier::{Frontier, Strategy};
use crate::path::{
    Divergence, Literal, PathConstraint, PathRecord, PrefixRecord, StopReason, UnknownRecord,
};
use crate::subject::{Outcome, SiteId, Subject, Tracer};
use crate::tree::{Edge, NodeId, Tree};

/// How an exploration searches and when it stops; every budget is off by
/// default but the depth bound.
#[derive(Clone, Debug)]
pub struct ExploreOptions {
    /// The order in which open branch directions are tried.
    pub strategy: Strategy,
    /// Branches recorded per path; later branches of a longer path are not explored.
    pub max_depth: u32,
    /// Concrete runs of the subject.
    pub max_runs: Option<u64>,
    /// Stop after this many feasible paths.
    pub max_sat: Option<u64>,
    /// Stop after this many infeasible path constraints.
    pub max_unsat: Option<u64>,
    /// Wall-clock budget for the whole exploration.
    pub timeout: Option<Duration>,
    /// Stop after this many runs in a row that covered nothing new: no
    /// branch direction and no pair of consecutive decisions that an earlier
    /// run had not. Loops make path counts unbounded while what tests can
    /// tell apart stops growing long before.
    pub patience: Option<u64>,
    /// Stop after this long without a run that covered something new. Runs
    /// are cheap where solver queries are not: on string and nonlinear
    /// paths the time goes to queries that lead nowhere new, which a count of
    /// runs never sees.
    pub patience_time: Option<Duration>,
    /// Coverage-first: among the directions of site directions no run has
    /// taken, try the shallowest first (the cheapest query, the smallest
    /// input), else the newest. Right where every input is well-formed by
    /// construction (a function's typed parameters); in a whole program's
    /// standard input the shallow decisions are the input's shape, and
    /// flipping them first gives inputs the program rejects.
    pub shallow_first: bool,
    /// Coverage-first, after the uncovered directions: the directions no
    /// path took at its site's first decision (a loop that runs no round,
    /// its body's first step either way), for the sites this says are the
    /// program's own (a frontend's internal decisions, inside a string
    /// method, would cost queries for nothing). Right for a whole program's
    /// standard input, where the reference need not branch where a wrong
    /// program does (`while` checked before the first step or after it).
    pub first_decisions: Option<fn(SiteId) -> bool>,
    /// Seed of the random strategy.
    pub seed: u64,
    /// Also list every feasible prefix (Gymbo's listing).
    pub collect_prefixes: bool,
    /// Set from elsewhere (a Ctrl-C handler) to stop early with what was found.
    pub interrupt: Option<Arc<AtomicBool>>,
    /// Inputs to run first, by input name (e.g. a dataset's example calls);
    /// inputs a seed does not name take their defaults.
    pub seeds: Vec<FxHashMap<String, Value>>,
}

impl Default for ExploreOptions {
    fn default() -> Self {
        ExploreOptions {
            strategy: Strategy::Dfs,
            max_depth: 256,
            max_runs: None,
            max_sat: None,
            max_unsat: None,
            timeout: None,
            patience: None,
            patience_time: None,
            shallow_first: false,
            first_decisions: None,
            seed: 42,
            collect_prefixes: false,
            interrupt: None,
            seeds: Vec::new(),
        }
    }
}

/// Progress reports, for verbose output.
pub enum Event<'a> {
    /// A concrete run of the subject ended.
    Run {
        /// How many runs there have been, this one included (1 for the first).
        index: u64,
        /// The decisions the run made.
        constraint: &'a PathConstraint,
        /// The input values the run used.
        input: &'a Model,
        /// How the run ended.
        outcome: &'a Outcome,
        /// The run took a path no earlier run took (it becomes a [`PathRecord`]).
        new_path: bool,
    },
    /// The solver answered a query for an open direction.
    Query {
        /// The path to the direction, the negated decision last.
        constraint: &'a PathConstraint,
        /// The solver's answer.
        answer: &'a Answer,
    },
}

/// Counts of what an exploration did.
#[derive(Clone, Debug, Default)]
pub struct ExploreStats {
    /// Concrete runs of the subject, seeds included.
    pub runs: u64,
    /// Wall-clock time of the whole exploration.
    pub elapsed: Duration,
    /// The solver's counts when the exploration stopped.
    pub solver: SolverStats,
    /// Paths longer than the depth bound.
    pub depth_cut_paths: u64,
    /// Shadows the frontend dropped, over all runs.
    pub concretisations: u64,
    /// Runs that went through a direction the solver had called infeasible.
    /// Always zero with a sound solver; counted so that tests can insist on it.
    pub unsound_unsat: u64,
    /// Open directions left when the exploration stopped.
    pub frontier_left: u64,
}

/// Everything an exploration found.
pub struct Exploration {
    /// Symbolic inputs in the order they were first read (`var_0`, `var_1`, ...).
    pub inputs: Vec<Var>,
    /// Every feasible path some run took, in the order they were found.
    pub paths: Vec<PathRecord>,
    /// Every feasible prefix, when asked for.
    pub prefixes: Vec<PrefixRecord>,
    /// Every path constraint the solver proved unsatisfiable.
    pub infeasible: Vec<PathConstraint>,
    /// Every path constraint the solver could not decide, with its reason.
    pub unknown: Vec<UnknownRecord>,
    /// Every run that did not follow the path its input was solved for.
    pub divergences: Vec<Divergence>,
    /// Branch directions some run took: `(site, direction)`.
    pub coverage: BTreeSet<(SiteId, bool)>,
    /// The subject's number of branch sites, when it knows it ([`Subject::site_count`]).
    pub site_count: Option<usize>,
    /// Why the exploration stopped.
    pub stop: StopReason,
    /// The depth bound the paths were recorded under ([`ExploreOptions::max_depth`]).
    pub max_depth: u32,
    /// Counts of runs, time and solver work.
    pub stats: ExploreStats,
}

/// Explores `subject` until every branch is decided or a budget runs out.
pub fn explore(
    subject: &mut dyn Subject,
    solver: &mut Solver,
    opts: &ExploreOptions,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Exploration {
    let started = Instant::now();
    // Z3 can spend long in one call: an interrupt must reach it too.
    solver.set_interrupt(opts.interrupt.clone());
    let mut ex = Explorer {
        opts,
        started,
        deadline: opts.timeout.map(|t| started + t),
        tree: Tree::default(),
        frontier: Frontier::new(opts.strategy, opts.seed, opts.shallow_first),
        inputs: Inputs::default(),
        paths: Vec::new(),
        infeasible: Vec::new(),
        unknown: Vec::new(),
        divergences: Vec::new(),
        coverage: BTreeSet::new(),
        first_coverage: BTreeSet::new(),
        pairs: FxHashSet::default(),
        stale_runs: 0,
        last_new: started,
        stats: ExploreStats::default(),
    };
    let stop = ex.main_loop(subject, solver, on_event);
    ex.finish(subject, solver, stop)
}

struct Explorer<'o> {
    opts: &'o ExploreOptions,
    started: Instant,
    deadline: Option<Instant>,
    tree: Tree,
    frontier: Frontier,
    inputs: Inputs,
    paths: Vec<PathRecord>,
    /// `(node, direction, constraint)` for directions found infeasible.
    infeasible: Vec<(NodeId, bool, PathConstraint)>,
    unknown: Vec<(NodeId, bool, UnknownRecord)>,
    divergences: Vec<Divergence>,
    coverage: BTreeSet<(SiteId, bool)>,
    /// Directions some path took at its site's first decision
    /// (`first_decisions`).
    first_coverage: BTreeSet<(SiteId, bool)>,
    /// Consecutive decisions `(site, direction)` some run made.
    pairs: FxHashSet<[(SiteId, bool); 2]>,
    /// Runs since the last one that covered something new.
    stale_runs: u64,
    /// When a run last covered something new.
    last_new: Instant,
    stats: ExploreStats,
}

/// What one run recorded.
struct RunRecord {
    branches: Vec<Literal>,
    /// Directions taken on conditions without a shadow.
    concrete: Vec<(SiteId, bool)>,
    input: Model,
    outcome: Outcome,
    depth_cut: bool,
    concretised: Vec<String>,
}

impl Explorer<'_> {
    fn budget_stop(&self) -> Option<StopReason> {
        if self
            .opts
            .interrupt
            .as_ref()
            .is_some_and(|f| f.load(Ordering::Relaxed))
        {
            return Some(StopReason::Interrupted);
        }
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Some(StopReason::Timeout);
        }
        if self.opts.max_runs.is_some_and(|m| self.stats.runs >= m) {
            return Some(StopReason::MaxRuns);
        }
        if self.opts.patience.is_some_and(|p| self.stale_runs >= p) {
            return Some(StopReason::Plateau);
        }
        if self
            .opts
            .patience_time
            .is_some_and(|p| self.last_new.elapsed() >= p)
        {
            return Some(StopReason::Plateau);
        }
        if self
            .opts
            .max_sat
            .is_some_and(|m| self.paths.len() as u64 >= m)
        {
            return Some(StopReason::MaxSat);
        }
        if self
            .opts
            .max_unsat
            .is_some_and(|m| self.infeasible.len() as u64 >= m)
        {
            return Some(StopReason::MaxUnsat);
        }
        None
    }

    fn main_loop(
        &mut self,
        subject: &mut dyn Subject,
        solver: &mut Solver,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> StopReason {
        for seed in &self.opts.seeds {
            if let Some(stop) = self.budget_stop() {
                return stop;
            }
            let run = self.run_with(subject, &Model::new(), Some(seed));
            self.integrate(run, None, on_event);
        }
        // After the seeds, the default input (zeros, empty strings and
        // lists) runs once too: the smallest case is where edge cases live.
        let mut model = Model::new();
        let mut target: Option<(NodeId, bool)> = None;
        loop {
            if let Some(stop) = self.budget_stop() {
                return stop;
            }
            let run = self.run_with(subject, &model, None);
            self.integrate(run, target, on_event);
            match self.next_target(solver, on_event) {
                Ok((m, t)) => {
                    model = m;
                    target = Some(t);
                }
                Err(stop) => return stop,
            }
        }
    }

    /// Finds the next open direction a model can be found for.
    fn next_target(
        &mut self,
        solver: &mut Solver,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<(Model, (NodeId, bool)), StopReason> {
        loop {
            if let Some(stop) = self.budget_stop() {
                return Err(stop);
            }
            let Some((node, dir, _)) = self.frontier.pop(&self.coverage, &self.first_coverage)
            else {
                return Err(StopReason::Exhausted);
            };
            if self.tree.edge(node, dir) != Edge::Pending {
                continue;
            }
            let mut terms = self.tree.terms_to(node, dir);
            let Some(goal) = terms.pop() else {
                continue;
            };
            let witness = self.tree.nodes[node].witness.clone();
            let answer = solver.check_branch(&terms, &goal, &witness, self.deadline);
            // A query a budget or an interrupt cut short decided nothing.
            if matches!(answer, Answer::Unknown(_))
                && let Some(stop) = self.budget_stop()
            {
                return Err(stop);
            }
            let constraint = self.tree.constraint_to(node, dir);
            on_event(Event::Query {
                constraint: &constraint,
                answer: &answer,
            });
            match answer {
                Answer::Sat(m) => return Ok((m, (node, dir))),
                Answer::Unsat => {
                    self.tree.set_edge(node, dir, Edge::Infeasible);
                    self.infeasible.push((node, dir, constraint));
                }
                Answer::Unknown(reason) => {
                    self.tree.set_edge(node, dir, Edge::Unknown);
                    self.unknown
                        .push((node, dir, UnknownRecord { constraint, reason }));
                }
            }
        }
    }

    fn run_with(
        &mut self,
        subject: &mut dyn Subject,
        model: &Model,
        seed: Option<&FxHashMap<String, Value>>,
    ) -> RunRecord {
        let mut tracer = RunTracer {
            model,
            seed,
            inputs: &mut self.inputs,
            used: Model::new(),
            branches: Vec::new(),
            concrete: Vec::new(),
            max_depth: self.opts.max_depth as usize,
            depth_cut: false,
            concretised: Vec::new(),
        };
        let outcome = subject.run(&mut tracer);
        self.stats.runs += 1;
        RunRecord {
            branches: tracer.branches,
            concrete: tracer.concrete,
            input: tracer.used,
            outcome,
            depth_cut: tracer.depth_cut,
            concretised: tracer.concretised,
        }
    }

    /// Records a run's decisions in the tree; queues the directions it did not take.
    fn integrate(
        &mut self,
        run: RunRecord,
        target: Option<(NodeId, bool)>,
        on_event: &mut dyn FnMut(Event<'_>),
    ) {
        self.note_novelty(&run);
        self.coverage.extend(run.concrete.iter().copied());
        let witness = Rc::new(run.input.clone());
        let mut slot: Option<(NodeId, bool)> = None;
        let mut consistent = true;
        let mut hit_target = target.is_none();
        let mut i = 0;
        let mut met: FxHashSet<SiteId> = FxHashSet::default();
        while let Some(lit) = run.branches.get(i) {
            self.coverage.insert((lit.site, lit.taken));
            let first = !lit.assumed
                && self.opts.first_decisions.is_some_and(|own| own(lit.site))
                && met.insert(lit.site);
            if first {
                self.first_coverage.insert((lit.site, lit.taken));
            }
            let existing = match slot {
                None => self.tree.root,
                Some((p, d)) => match self.tree.edge(p, d) {
                    Edge::Inner(c) => Some(c),
                    Edge::Leaf(_) => {
                        // An earlier run ended here; this one branches on: not the same program path.
                        consistent = false;
                        break;
                    }
                    Edge::Infeasible => {
                        self.stats.unsound_unsat += 1;
                        None
                    }
                    _ => None,
                },
            };
            let node = match existing {
                Some(n) => {
                    let nd = &self.tree.nodes[n];
                    if nd.cond == lit.cond && nd.site == lit.site {
                        n
                    } else if lit.assumed && lit.site == SiteId::DOMAIN {
                        // Inputs can appear late (a list grown longer than
                        // before): their domain holds on every path, so it
                        // goes above the decision that runs already shared.
                        self.tree
                            .insert_above(n, lit.site, lit.cond.clone(), witness.clone())
                    } else if nd.assumed && nd.site == SiteId::DOMAIN {
                        // This run never read the assumed inputs; it satisfies
                        // their domain vacuously.
                        slot = Some((n, true));
                        continue;
                    } else {
                        consistent = false;
                        break;
                    }
                }
                None => {
                    let n = self.tree.add(
                        lit.site,
                        lit.cond.clone(),
                        lit.assumed,
                        slot,
                        witness.clone(),
                    );
                    let depth = self.tree.nodes[n].depth;
                    if first && !self.first_coverage.contains(&(lit.site, !lit.taken)) {
                        self.frontier
                            .push_first((n, !lit.taken, lit.site), depth, &self.coverage);
                    } else if !lit.assumed {
                        self.frontier
                            .push((n, !lit.taken, lit.site), depth, &self.coverage);
                    } else if !lit.taken {
                        // An assumption's false side is never wanted; its true
                        // side is, when this run did not take it.
                        self.frontier
                            .push((n, true, lit.site), depth, &self.coverage);
                    }
                    n
                }
            };
            if target == Some((node, lit.taken)) {
                hit_target = true;
            }
            slot = Some((node, lit.taken));
            i += 1;
        }
        // Assumptions below the run's last decision belong to longer runs.
        while let Some((n, true)) = slot
            && let Edge::Inner(c) = self.tree.edge(n, true)
            && self.tree.nodes[c].assumed
            && self.tree.nodes[c].site == SiteId::DOMAIN
            && consistent
        {
            slot = Some((c, true));
        }
        let constraint = PathConstraint(run.branches);
        let mut new_path = false;
        if consistent {
            let path_index = self.paths.len();
            match slot {
                None if self.tree.root.is_some() => consistent = false,
                None => {
                    if self.tree.root_leaf.is_none() {
                        self.tree.root_leaf = Some(path_index);
                        new_path = true;
                    }
                }
                Some((n, d)) => match self.tree.edge(n, d) {
                    Edge::Leaf(_) => {}
                    Edge::Inner(_) => consistent = false,
                    e => {
                        if e == Edge::Infeasible {
                            self.stats.unsound_unsat += 1;
                        }
                        self.tree.set_edge(n, d, Edge::Leaf(path_index));
                        new_path = true;
                    }
                },
            }
        }
        if let Some((n, d)) = target
            && (!hit_target || !consistent)
        {
            if self.tree.edge(n, d) == Edge::Pending {
                self.tree.set_edge(n, d, Edge::Diverged);
            }
            self.divergences.push(Divergence {
                expected: self.tree.constraint_to(n, d),
                actual: constraint.clone(),
                input: run.input.clone(),
            });
        }
        self.stats.concretisations += run.concretised.len() as u64;
        on_event(Event::Run {
            index: self.stats.runs,
            constraint: &constraint,
            input: &run.input,
            outcome: &run.outcome,
            new_path,
        });
        if new_path {
            if run.depth_cut {
                self.stats.depth_cut_paths += 1;
            }
            self.paths.push(PathRecord {
                constraint,
                input: run.input,
                outcome: run.outcome,
                depth_cut: run.depth_cut,
                concretised: run.concretised,
            });
        }
    }

    fn note_novelty(&mut self, run: &RunRecord) {
        let mut new = false;
        for d in &run.concrete {
            new |= !self.coverage.contains(d);
        }
        let decisions: Vec<(SiteId, bool)> = run
            .branches
            .iter()
            .filter(|l| !l.assumed)
            .map(|l| (l.site, l.taken))
            .collect();
        for d in &decisions {
            new |= !self.coverage.contains(d);
        }
        for w in decisions.windows(2) {
            new |= self.pairs.insert([w[0], w[1]]);
        }
        if let Some(own) = self.opts.first_decisions {
            let mut met: FxHashSet<SiteId> = FxHashSet::default();
            for d in &decisions {
                new |= own(d.0) && met.insert(d.0) && !self.first_coverage.contains(d);
            }
        }
        if new {
            self.stale_runs = 0;
            self.last_new = Instant::now();
        } else {
            self.stale_runs += 1;
        }
    }

    fn finish(self, subject: &dyn Subject, solver: &Solver, stop: StopReason) -> Exploration {
        let tree = &self.tree;
        let still = |n: NodeId, d: bool, e: Edge| tree.edge(n, d) == e;
        let infeasible = self
            .infeasible
            .into_iter()
            .filter(|(n, d, _)| still(*n, *d, Edge::Infeasible))
            .map(|(_, _, c)| c)
            .collect();
        let unknown = self
            .unknown
            .into_iter()
            .filter(|(n, d, _)| still(*n, *d, Edge::Unknown))
            .map(|(_, _, u)| u)
            .collect();
        let mut prefixes = Vec::new();
        if self.opts.collect_prefixes {
            for n in 0..tree.nodes.len() {
                for dir in [true, false] {
                    let input = match tree.edge(n, dir) {
                        Edge::Inner(c) => (*tree.nodes[c].witness).clone(),
                        Edge::Leaf(p) => self.paths[p].input.clone(),
                        _ => continue,
                    };
                    prefixes.push(PrefixRecord {
                        constraint: tree.constraint_to(n, dir),
                        input,
                    });
                }
            }
        }
        let mut stats = self.stats;
        stats.elapsed = self.started.elapsed();
        stats.solver = solver.stats();
        stats.frontier_left = self.frontier.len() as u64;
        Exploration {
            inputs: self.inputs.vars,
            paths: self.paths,
            prefixes,
            infeasible,
            unknown,
            divergences: self.divergences,
            coverage: self.coverage,
            site_count: subject.site_count(),
            stop,
            max_depth: self.opts.max_depth,
            stats,
        }
    }
}

#[derive(Default)]
struct Inputs {
    vars: Vec<Var>,
    /// Name to the indices of the variables of that name (one per sort).
    by_name: FxHashMap<String, Vec<u32>>,
}

impl Inputs {
    fn get(&mut self, name: &str, sort: Sort) -> Var {
        if let Some(ids) = self.by_name.get(name)
            && let Some(v) = ids
                .iter()
                .map(|i| &self.vars[*i as usize])
                .find(|v| v.sort == sort)
        {
            return v.clone();
        }
        let index = u32::try_from(self.vars.len()).unwrap_or(u32::MAX);
        let v = Var::new(index, name, sort);
        self.vars.push(v.clone());
        self.by_name
            .entry(name.to_string())
            .or_default()
            .push(index);
        v
    }
}

struct RunTracer<'a> {
    model: &'a Model,
    seed: Option<&'a FxHashMap<String, Value>>,
    inputs: &'a mut Inputs,
    used: Model,
    branches: Vec<Literal>,
    concrete: Vec<(SiteId, bool)>,
    max_depth: usize,
    depth_cut: bool,
    concretised: Vec<String>,
}

impl RunTracer<'_> {
    /// Whether `cond` is constant or this run already decided it: it is
    /// implied by the path so far, and recording it again would only deepen
    /// the tree and add queries.
    fn decided(&self, cond: &Term) -> bool {
        cond.is_const() || self.branches.iter().any(|l| l.cond == *cond)
    }

    /// Records a decision, or cuts the path at the depth bound.
    fn record(&mut self, site: SiteId, cond: &Term, taken: bool, assumed: bool) {
        if self.branches.len() >= self.max_depth {
            self.depth_cut = true;
            return;
        }
        self.branches.push(Literal {
            site,
            cond: cond.clone(),
            taken,
            assumed,
        });
    }
}

impl Tracer for RunTracer<'_> {
    fn input(&mut self, name: &str, sort: Sort) -> (Value, Term) {
        let var = self.inputs.get(name, sort);
        let from_seed = self
            .seed
            .and_then(|s| s.get(name))
            .filter(|v| v.sort() == sort);
        let value = from_seed
            .or_else(|| self.model.get(&var).filter(|v| v.sort() == sort))
            .cloned()
            .unwrap_or_else(|| sort.default_value());
        self.used.insert(&var, value.clone());
        (value, Term::var(var))
    }

    fn branch(&mut self, site: SiteId, cond: &Term, taken: bool) {
        if self.decided(cond) {
            self.branch_concrete(site, taken);
        } else {
            self.record(site, cond, taken, false);
        }
    }

    fn assume(&mut self, site: SiteId, cond: &Term, holds: bool) {
        if !self.decided(cond) {
            self.record(site, cond, holds, true);
        }
    }

    fn branch_concrete(&mut self, site: SiteId, taken: bool) {
        // Runs repeat the same concrete decisions (loops); keep the record short.
        if !self.concrete.contains(&(site, taken)) {
            self.concrete.push((site, taken));
        }
    }

    fn concretised(&mut self, why: &str) {
        self.concretised.push(why.to_string());
    }
}
