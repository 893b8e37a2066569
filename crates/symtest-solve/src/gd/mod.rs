//! Gymbo's gradient-descent solver: turn the query into a loss that is at
//! most zero exactly where it holds, then descend from random starts.
//!
//! Incomplete by nature: when no model is found the answer is `Unknown`,
//! never `Unsat`. The one exception is the DPLL mode finding the Boolean
//! skeleton itself unsatisfiable, which is a proof.

mod dpll;
mod tape;

use num_bigint::BigInt;
use num_traits::FromPrimitive;
use symtest_term::fxhash::FxHashMap;
use symtest_term::{BigRational, Model, Sort, Term, Value, satisfies};

use crate::answer::{Answer, Backend, Query};
use crate::rng::Rng;
use dpll::{Skeleton, partial_truth};
use tape::{Tape, sign};

/// Gymbo's knobs, with Gymbo's defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct GdOptions {
    /// Descent steps per start (Gymbo `-i`).
    pub iters: u32,
    /// Step size (Gymbo `-a`); at least 1 for integer variables.
    pub step: f64,
    /// The `eps` of the loss table (Gymbo `-e`).
    pub eps: f64,
    /// Starts per query (Gymbo `-t`): the first from the hint, the rest random.
    pub restarts: u32,
    /// Lower end of the random starting values (Gymbo `-l`).
    pub init_low: f64,
    /// Upper end of the random starting values (Gymbo `-h`).
    pub init_high: f64,
    /// Seed of the random starts; every query starts from it again, so one
    /// query always gets one answer.
    pub seed: u64,
    /// Step by the sign of the gradient (Gymbo's default) or by the gradient itself.
    pub sign_gradient: bool,
    /// Decide the Boolean skeleton with DPLL and descend on the chosen atoms (Gymbo `-p`).
    pub dpll: bool,
    /// How many propositional assignments DPLL mode tries before giving up.
    pub dpll_rounds: u32,
}

impl Default for GdOptions {
    fn default() -> Self {
        GdOptions {
            iters: 100,
            step: 1.0,
            eps: 1.0,
            restarts: 3,
            init_low: -10.0,
            init_high: 10.0,
            seed: 42,
            sign_gradient: true,
            dpll: false,
            dpll_rounds: 64,
        }
    }
}

/// Gymbo's gradient-descent backend: finds models of numeric constraints
/// without proofs, so it answers UNSAT only on a contradictory Boolean skeleton.
pub struct GdBackend {
    opts: GdOptions,
}

impl GdBackend {
    /// A backend with the given knobs.
    pub fn new(opts: GdOptions) -> GdBackend {
        GdBackend { opts }
    }

    /// Descent on the conjunction `constraints`, with Boolean variables fixed by `bools`.
    fn descend(
        &self,
        constraints: &[Term],
        hint: &Model,
        bools: &FxHashMap<u32, bool>,
    ) -> Result<Option<Model>, String> {
        let o = &self.opts;
        let mut tape = Tape::compile(constraints, o.eps, bools)?;
        let params = tape.params.clone();
        let is_int: Vec<bool> = params.iter().map(|v| v.sort == Sort::Int).collect();
        let mut rng = Rng::new(o.seed);
        for start in 0..o.restarts.max(1) {
            let mut x: Vec<f64> = params
                .iter()
                .zip(&is_int)
                .map(|(v, int)| match hint.get(v) {
                    Some(val) if start == 0 => val.to_f64(),
                    _ if *int => rng.int_in(o.init_low, o.init_high),
                    _ => rng.real_in(o.init_low, o.init_high),
                })
                .collect();
            for it in 0..=o.iters {
                let losses = tape.forward(&x);
                if losses.iter().any(|l| l.is_nan()) {
                    break;
                }
                if losses.iter().all(|l| *l <= 0.0) {
                    let m = to_model(&params, &x, bools);
                    if let Some(m) = m.filter(|m| satisfies(m, constraints)) {
                        return Ok(Some(m));
                    }
                    // Floating point says yes, exact arithmetic says no: start again.
                    break;
                }
                if it == o.iters {
                    break;
                }
                let violated: Vec<bool> = losses.iter().map(|l| *l > 0.0).collect();
                let grad = tape.backward(&violated);
                for ((xi, g), int) in x.iter_mut().zip(&grad).zip(&is_int) {
                    let step = if *int { o.step.max(1.0) } else { o.step };
                    if o.sign_gradient {
                        *xi -= step * sign(*g);
                    } else {
                        *xi -= step * g;
                    }
                    if *int {
                        *xi = xi.round();
                    }
                }
                if x.iter().any(|v| !v.is_finite()) {
                    break;
                }
            }
        }
        Ok(None)
    }

    fn solve_dpll(&self, query: &Query<'_>) -> Answer {
        let sk = Skeleton::build(query.constraints);
        let mut sk_clauses = sk.clauses.clone();
        // Each round that fails blocks one assignment, so `blocked` counts them.
        for blocked in 0..self.opts.dpll_rounds.max(1) {
            let work = Skeleton {
                atoms: sk.atoms.clone(),
                clauses: sk_clauses.clone(),
                num_vars: sk.num_vars,
            };
            let Some(assignment) = work.solve() else {
                return if blocked == 0 {
                    // The skeleton alone is contradictory: no theory can satisfy it.
                    Answer::Unsat
                } else {
                    Answer::Unknown(format!(
                        "gd: all {blocked} propositional assignments failed by descent"
                    ))
                };
            };
            let chosen = shrink(query.constraints, &sk.atoms, &assignment);
            let mut literals = Vec::new();
            let mut bools = FxHashMap::default();
            for (i, truth) in &chosen {
                let atom = &sk.atoms[*i];
                match atom.as_var() {
                    Some(v) => {
                        bools.insert(v.index, *truth);
                    }
                    None if *truth => literals.push(atom.clone()),
                    None => literals.push(!atom),
                }
            }
            match self.descend(&literals, query.hint, &bools) {
                Ok(Some(m)) => {
                    let m = complete_bools(m, query.constraints);
                    if satisfies(&m, query.constraints) {
                        return Answer::Sat(m);
                    }
                }
                Ok(None) => {}
                Err(why) => return Answer::Unknown(why),
            }
            // Gymbo's -p: never try this combination of atoms again.
            sk_clauses.push(
                chosen
                    .iter()
                    .map(|(i, truth)| dpll::lit(*i as u32, !*truth))
                    .collect(),
            );
        }
        Answer::Unknown(format!(
            "gd: no model after {} propositional assignments",
            self.opts.dpll_rounds
        ))
    }
}

/// The atoms of `assignment` that the constraints need: an atom is dropped
/// when the constraints stay true without it.
fn shrink(constraints: &[Term], atoms: &[Term], assignment: &[bool]) -> Vec<(usize, bool)> {
    let mut known: Vec<Option<bool>> = (0..atoms.len()).map(|i| Some(assignment[i])).collect();
    let index: FxHashMap<u64, usize> = atoms.iter().enumerate().map(|(i, a)| (a.id(), i)).collect();
    for i in 0..atoms.len() {
        let saved = known[i].take();
        let lookup = |t: &Term| index.get(&t.id()).and_then(|j| known[*j]);
        let still = constraints
            .iter()
            .all(|c| partial_truth(c, &lookup) == Some(true));
        if !still {
            known[i] = saved;
        }
    }
    known
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|b| (i, b)))
        .collect()
}

/// Boolean variables the shrunk assignment left open get `false`.
fn complete_bools(mut m: Model, constraints: &[Term]) -> Model {
    for v in symtest_term::vars_of(constraints) {
        if m.get(&v).is_none() {
            m.insert(&v, v.sort.default_value());
        }
    }
    m
}

fn to_model(
    params: &[symtest_term::Var],
    x: &[f64],
    bools: &FxHashMap<u32, bool>,
) -> Option<Model> {
    let mut m = Model::new();
    for (v, xi) in params.iter().zip(x) {
        let value = match v.sort {
            Sort::Int => Value::Int(BigInt::from_f64(xi.round())?),
            _ => Value::Real(BigRational::from_float(*xi)?),
        };
        m.insert(v, value);
    }
    for (i, b) in bools {
        m.insert_index(*i, Value::Bool(*b));
    }
    Some(m)
}

impl Backend for GdBackend {
    fn name(&self) -> &'static str {
        "gd"
    }

    fn solve(&mut self, query: &Query<'_>) -> Answer {
        if self.opts.dpll {
            return self.solve_dpll(query);
        }
        match self.descend(query.constraints, query.hint, &FxHashMap::default()) {
            Ok(Some(m)) => Answer::Sat(m),
            Ok(None) => Answer::Unknown(format!(
                "gd: no model within {} iterations from {} starts",
                self.opts.iters,
                self.opts.restarts.max(1)
            )),
            Err(why) => Answer::Unknown(why),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use symtest_term::Var;

    fn solve(opts: GdOptions, cs: &[Term]) -> Answer {
        let hint = Model::new();
        GdBackend::new(opts).solve(&Query {
            constraints: cs,
            hint: &hint,
            timeout: None,
        })
    }

    fn ints(n: u32) -> Vec<Term> {
        (0..n)
            .map(|i| Term::var(Var::new(i, format!("v{i}"), Sort::Int)))
            .collect()
    }

    #[test]
    fn finds_linear_models() {
        let v = ints(2);
        let cs = [v[0].greater(&Term::int(150)), v[1].less(&Term::int(-200))];
        let opts = GdOptions {
            iters: 1000,
            ..GdOptions::default()
        };
        let Answer::Sat(m) = solve(opts, &cs) else {
            panic!("gd should find this")
        };
        assert!(satisfies(&m, &cs));
    }

    #[test]
    fn never_claims_unsat_for_a_contradiction_in_theory() {
        let v = ints(1);
        let cs = [v[0].less(&Term::int(3)), Term::int(4).less(&v[0])];
        assert!(matches!(
            solve(GdOptions::default(), &cs),
            Answer::Unknown(_)
        ));
    }

    #[test]
    fn dpll_mode_picks_a_satisfiable_disjunct() {
        let v = ints(1);
        // The first disjunct is impossible with the second constraint.
        let cs = [
            Term::or([v[0].less(&Term::int(-100)), v[0].equal(&Term::int(7))]),
            v[0].greater(&Term::int(0)),
        ];
        let opts = GdOptions {
            dpll: true,
            ..GdOptions::default()
        };
        let Answer::Sat(m) = solve(opts, &cs) else {
            panic!("dpll + gd should find a = 7")
        };
        assert_eq!(m.get_index(0), Some(&Value::int(7)));
    }

    #[test]
    fn dpll_mode_proves_propositional_contradictions() {
        let v = ints(1);
        let p = v[0].less(&Term::int(3));
        let q = Term::int(9).less(&v[0]);
        let cs = [Term::or([p.clone(), q.clone()]), !&p, !&q];
        let opts = GdOptions {
            dpll: true,
            ..GdOptions::default()
        };
        assert_eq!(solve(opts, &cs), Answer::Unsat);
    }
}
