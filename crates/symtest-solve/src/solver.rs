//! The one door to every backend: the query cache, KLEE's
//! constraint-independence slicing, model reuse, and the exact re-check that
//! keeps a wrong model from ever being reported as SAT.

use std::collections::VecDeque;
use std::fmt;
use std::rc::Rc;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use symtest_term::fxhash::{FxHashMap, FxHashSet};
use symtest_term::{Model, Term, satisfies};

use crate::answer::{Answer, Backend, Query};
use crate::gd::{GdBackend, GdOptions};
use crate::portfolio::Portfolio;
use crate::z3::Z3Backend;

/// Which backend a [`Solver`] runs (`--solver`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SolverKind {
    /// Z3, exact and incremental.
    Z3,
    /// Gymbo's gradient descent; never proves UNSAT but from the Boolean skeleton.
    Gd,
    /// Gradient descent first, then Z3.
    Portfolio,
}

impl SolverKind {
    /// Every kind, in the order help texts list them.
    pub const ALL: [SolverKind; 3] = [SolverKind::Z3, SolverKind::Gd, SolverKind::Portfolio];

    /// The name `--solver` takes: `z3`, `gd` or `portfolio`.
    pub fn name(self) -> &'static str {
        match self {
            SolverKind::Z3 => "z3",
            SolverKind::Gd => "gd",
            SolverKind::Portfolio => "portfolio",
        }
    }
}

impl fmt::Display for SolverKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for SolverKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SolverKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| format!("unknown solver '{s}' (expected z3, gd or portfolio)"))
    }
}

/// How a [`Solver`] is built: the backend, its knobs and the front's features.
#[derive(Clone, Debug)]
pub struct SolverOptions {
    /// The backend.
    pub kind: SolverKind,
    /// Knobs of gradient descent (used by `Gd` and `Portfolio`).
    pub gd: GdOptions,
    /// Time limit for one backend call.
    pub query_timeout: Option<Duration>,
    /// Remember answers to identical queries and reuse recent models.
    pub cache: bool,
    /// Send only the constraints that share variables with the branch.
    pub slicing: bool,
}

impl Default for SolverOptions {
    fn default() -> Self {
        SolverOptions {
            kind: SolverKind::Z3,
            gd: GdOptions::default(),
            query_timeout: Some(Duration::from_secs(10)),
            cache: true,
            slicing: true,
        }
    }
}

/// Counts of what a [`Solver`] did since it was built.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SolverStats {
    /// Questions asked of the front.
    pub queries: u64,
    /// Answered from the query cache.
    pub cache_hits: u64,
    /// Answered by a model found for an earlier query.
    pub model_reuse: u64,
    /// Questions that reached the backend.
    pub backend_calls: u64,
    /// Questions answered SAT (from any source: cache, reused model or backend).
    pub sat: u64,
    /// Questions answered UNSAT (from the cache or the backend).
    pub unsat: u64,
    /// Questions left undecided, rejected models included.
    pub unknown: u64,
    /// Models a backend returned that failed the exact re-check (reported as UNKNOWN).
    pub rejected_models: u64,
    /// Prefix constraints left out of queries by slicing.
    pub sliced_away: u64,
    /// Wall-clock time spent inside the backend.
    pub backend_time: Duration,
    /// The backend's own counters ([`crate::Backend::counters`]), read when
    /// the stats were taken.
    pub backend_counters: Vec<(&'static str, u64)>,
}

/// How many recent models are tried on a new query before the backend.
const RECENT_MODELS: usize = 8;
/// Caches are dropped past this many entries; they only save work.
const CACHE_LIMIT: usize = 100_000;

/// The front every query goes through: slicing, the cache, model reuse, the
/// backend, and the exact re-check of every model.
pub struct Solver {
    backend: Box<dyn Backend>,
    opts: SolverOptions,
    /// Keys hold their terms, which keeps them alive: a term's identity
    /// (its id) is only stable while some handle to it exists.
    cache: FxHashMap<Vec<Term>, Answer>,
    vars: FxHashMap<Term, Rc<[u32]>>,
    recent: VecDeque<Model>,
    stats: SolverStats,
}

impl Solver {
    /// A front over the backend `opts.kind` names.
    pub fn new(opts: SolverOptions) -> Solver {
        let backend: Box<dyn Backend> = match opts.kind {
            SolverKind::Z3 => Box::new(Z3Backend::new()),
            SolverKind::Gd => Box::new(GdBackend::new(opts.gd.clone())),
            SolverKind::Portfolio => Box::new(Portfolio::new(opts.gd.clone())),
        };
        Solver::with_backend(backend, opts)
    }

    /// A front over any backend (tests use this to plant a lying one).
    pub fn with_backend(backend: Box<dyn Backend>, opts: SolverOptions) -> Solver {
        Solver {
            backend,
            opts,
            cache: FxHashMap::default(),
            vars: FxHashMap::default(),
            recent: VecDeque::new(),
            stats: SolverStats::default(),
        }
    }

    /// A flag (a Ctrl-C handler's) that makes a backend call in progress
    /// give up soon: Z3 can spend minutes in one call, outside its timeout.
    pub fn set_interrupt(&mut self, flag: Option<Arc<AtomicBool>>) {
        self.backend.set_interrupt(flag);
    }

    /// The backend's name, as [`crate::Backend::name`] gives it.
    pub fn backend_name(&self) -> &'static str {
        self.backend.name()
    }

    /// The counts so far, with the backend's own counters.
    pub fn stats(&self) -> SolverStats {
        let mut s = self.stats.clone();
        s.backend_counters = self.backend.counters();
        s
    }

    /// Is the conjunction of `constraints` satisfiable? A `Sat` model has
    /// passed exact evaluation of every constraint.
    pub fn check(
        &mut self,
        constraints: &[Term],
        hint: &Model,
        deadline: Option<Instant>,
    ) -> Answer {
        self.stats.queries += 1;
        let answer = self.decide(constraints, hint, deadline);
        self.count(&answer);
        answer
    }

    /// Can the path `prefix` continue into `target`? `base` is an input that
    /// follows `prefix` (the run that reached the branch); the model returned
    /// is `base` with the variables of the sliced query replaced, and it has
    /// passed exact evaluation of the whole `prefix ∧ target`.
    pub fn check_branch(
        &mut self,
        prefix: &[Term],
        target: &Term,
        base: &Model,
        deadline: Option<Instant>,
    ) -> Answer {
        self.stats.queries += 1;
        let query = if self.opts.slicing {
            self.slice(prefix, target)
        } else {
            prefix.iter().chain([target]).cloned().collect()
        };
        self.stats.sliced_away += (prefix.len() + 1 - query.len()) as u64;
        let answer = match self.decide(&query, base, deadline) {
            Answer::Sat(m) => {
                let full = base.overlaid(&m);
                let whole: Vec<Term> = prefix.iter().chain([target]).cloned().collect();
                if satisfies(&full, &whole) {
                    Answer::Sat(full)
                } else {
                    // `base` does not follow the whole prefix (assumptions
                    // added to it since): solve the path unsliced.
                    match self.decide(&whole, base, deadline) {
                        Answer::Sat(m) => {
                            let full = base.overlaid(&m);
                            if satisfies(&full, &whole) {
                                Answer::Sat(full)
                            } else {
                                self.stats.rejected_models += 1;
                                Answer::Unknown("the model for the path does not satisfy it".into())
                            }
                        }
                        other => other,
                    }
                }
            }
            other => other,
        };
        self.count(&answer);
        answer
    }

    fn count(&mut self, a: &Answer) {
        match a {
            Answer::Sat(_) => self.stats.sat += 1,
            Answer::Unsat => self.stats.unsat += 1,
            Answer::Unknown(_) => self.stats.unknown += 1,
        }
    }

    fn decide(&mut self, query: &[Term], hint: &Model, deadline: Option<Instant>) -> Answer {
        let key: Vec<Term> = if self.opts.cache {
            let mut k: Vec<Term> = query.to_vec();
            k.sort_unstable();
            k.dedup();
            if let Some(a) = self.cache.get(&k) {
                self.stats.cache_hits += 1;
                return a.clone();
            }
            let reused = self.recent.iter().find(|m| satisfies(m, query)).cloned();
            if let Some(m) = reused.map(|m| self.restrict(&m, query)) {
                self.stats.model_reuse += 1;
                return Answer::Sat(m);
            }
            k
        } else {
            Vec::new()
        };
        let mut timeout = self.opts.query_timeout;
        if let Some(d) = deadline {
            let left = d.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Answer::Unknown("the time budget ran out".into());
            }
            timeout = Some(timeout.map_or(left, |t| t.min(left)));
        }
        self.stats.backend_calls += 1;
        let started = Instant::now();
        let raw = self.backend.solve(&Query {
            constraints: query,
            hint,
            timeout,
        });
        self.stats.backend_time += started.elapsed();
        let answer = match raw {
            Answer::Sat(m) if satisfies(&m, query) => Answer::Sat(self.restrict(&m, query)),
            Answer::Sat(_) => {
                self.stats.rejected_models += 1;
                return Answer::Unknown(format!(
                    "{} returned a model that fails the exact re-check",
                    self.backend.name()
                ));
            }
            other => other,
        };
        if self.opts.cache && !matches!(answer, Answer::Unknown(_)) {
            if self.cache.len() >= CACHE_LIMIT {
                self.cache.clear();
            }
            self.cache.insert(key, answer.clone());
            if let Answer::Sat(m) = &answer {
                self.recent.push_front(m.clone());
                self.recent.truncate(RECENT_MODELS);
            }
        }
        answer
    }

    /// The model's values for the variables of `query` only, so that reusing
    /// it elsewhere cannot disturb unrelated variables.
    fn restrict(&mut self, m: &Model, query: &[Term]) -> Model {
        let mut out = Model::new();
        for c in query {
            for i in self.vars_of(c).iter() {
                if let Some(v) = m.get_index(*i) {
                    out.insert_index(*i, v.clone());
                }
            }
        }
        out
    }

    fn vars_of(&mut self, t: &Term) -> Rc<[u32]> {
        if let Some(v) = self.vars.get(t) {
            return v.clone();
        }
        if self.vars.len() >= CACHE_LIMIT {
            self.vars.clear();
        }
        let v: Rc<[u32]> = t.vars().iter().map(|v| v.index).collect();
        self.vars.insert(t.clone(), v.clone());
        v
    }

    /// The prefix constraints connected to `target` through shared variables
    /// (transitively), in prefix order, followed by `target`. The rest cannot
    /// change the answer: `base` already satisfies them and keeps their values.
    fn slice(&mut self, prefix: &[Term], target: &Term) -> Vec<Term> {
        let var_sets: Vec<Rc<[u32]>> = prefix.iter().map(|c| self.vars_of(c)).collect();
        let mut live: FxHashSet<u32> = self.vars_of(target).iter().copied().collect();
        let mut taken = vec![false; prefix.len()];
        loop {
            let mut grew = false;
            for (i, vs) in var_sets.iter().enumerate() {
                if !taken[i] && vs.iter().any(|v| live.contains(v)) {
                    taken[i] = true;
                    live.extend(vs.iter().copied());
                    grew = true;
                }
            }
            if !grew {
                break;
            }
        }
        prefix
            .iter()
            .zip(&taken)
            .filter(|(_, t)| **t)
            .map(|(c, _)| c.clone())
            .chain([target.clone()])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use symtest_term::{Sort, Value, Var};

    fn int(i: u32) -> Term {
        Term::var(Var::new(i, format!("v{i}"), Sort::Int))
    }

    /// A backend that answers SAT with a fixed, wrong model.
    struct Liar;

    impl Backend for Liar {
        fn name(&self) -> &'static str {
            "liar"
        }

        fn solve(&mut self, query: &Query<'_>) -> Answer {
            let mut m = Model::new();
            for v in symtest_term::vars_of(query.constraints) {
                m.insert(&v, Value::int(0));
            }
            Answer::Sat(m)
        }
    }

    #[test]
    fn a_wrong_model_is_never_sat() {
        let mut s = Solver::with_backend(Box::new(Liar), SolverOptions::default());
        let c = int(0).greater(&Term::int(5));
        let a = s.check(&[c], &Model::new(), None);
        assert!(matches!(a, Answer::Unknown(_)), "{a:?}");
        assert_eq!(s.stats().rejected_models, 1);
    }

    #[test]
    fn slicing_keeps_only_connected_constraints() {
        let mut s = Solver::new(SolverOptions::default());
        let (a, b, c) = (int(0), int(1), int(2));
        let prefix = vec![a.less(&Term::int(3)), b.less(&c), c.less(&Term::int(10))];
        let target = b.greater(&Term::int(5));
        let q = s.slice(&prefix, &target);
        assert_eq!(q, vec![prefix[1].clone(), prefix[2].clone(), target]);
    }

    #[test]
    fn branch_models_extend_the_base_input() {
        let mut s = Solver::new(SolverOptions::default());
        let (a, b) = (int(0), int(1));
        let prefix = vec![a.less(&Term::int(3))];
        let target = b.greater(&Term::int(5));
        let mut base = Model::new();
        base.insert_index(0, Value::int(-4));
        base.insert_index(1, Value::int(0));
        let Answer::Sat(m) = s.check_branch(&prefix, &target, &base, None) else {
            panic!("sat expected")
        };
        assert_eq!(m.get_index(0), Some(&Value::int(-4)));
        assert!(target.holds(&m));
        // The same question again comes from the cache.
        let again = s.check_branch(&prefix, &target, &base, None);
        assert!(again.is_sat());
        assert_eq!(s.stats().cache_hits, 1);
        assert_eq!(s.stats().backend_calls, 1);
    }
}
