//! Finding an input near `x` whose class differs (or is a target), or
//! proving there is none.
//!
//! `z3`: the network as terms over Real inputs (ReLU as if-then-else), the
//! box and the class condition as constraints; UNSAT is a proof of
//! robustness. `gd`: projected sign-gradient ascent on the class margin with
//! random restarts, fast and incomplete. `portfolio`: gd on a fifth of the
//! budget, then z3. Every example is re-run exactly before it is reported.

use std::time::{Duration, Instant};

use num_traits::Zero;
use symtest_solve::rng::Rng;
use symtest_solve::{Answer, Solver, SolverKind, SolverOptions};
use symtest_term::{BigRational, Model, Sort, Term, Var, sum};

use super::model::{Activation, Mlp, argmax, exact};

/// Why an attack could not start.
#[derive(Debug, thiserror::Error)]
pub enum AttackError {
    /// The input point has another number of features than the network takes.
    #[error("the input has {got} features, the network takes {want}")]
    Width {
        /// The point's number of features.
        got: usize,
        /// The network's number of inputs.
        want: usize,
    },
    /// A feature index asked to change is out of range: the index and how many
    /// features there are.
    #[error("feature {0} does not exist (the network takes {1}, numbered from 0)")]
    Feature(usize, usize),
    /// The radius is negative, infinite or NaN.
    #[error("--eps must be a finite number >= 0, got {0}")]
    Eps(f64),
    /// The target class is out of range: the target and how many classes there are.
    #[error("class {0} does not exist (the network has {1})")]
    Target(usize, usize),
    /// The input is already of the target class; holds the class's name.
    #[error("the input is already of class {0}")]
    AlreadyTarget(String),
    /// A feature of the input point is infinite or NaN.
    #[error("the input has a value that is not a finite number")]
    Input,
}

/// What to look for: an input within `eps` of `x` in each free feature, whose
/// class differs from `x`'s (or is `target`).
#[derive(Clone, Debug)]
pub struct Query {
    /// The input point.
    pub x: Vec<f64>,
    /// How far each free feature may move, in the feature's own units (an L∞ ball).
    pub eps: f64,
    /// Features that may change (all when empty).
    pub features: Vec<usize>,
    /// The class the example must have; any class but `x`'s when `None`.
    pub target: Option<usize>,
}

/// Budget and knobs of a search.
#[derive(Clone, Debug)]
pub struct AttackOptions {
    /// Wall-clock budget of the whole search.
    pub timeout: Duration,
    /// Seed of gd's random restarts.
    pub seed: u64,
    /// Margin by which the new class must win in the search (a point that
    /// only ties could round to the other side once written as floats).
    pub margin: f64,
}

impl Default for AttackOptions {
    fn default() -> Self {
        AttackOptions {
            timeout: Duration::from_secs(60),
            seed: 7,
            margin: 1e-6,
        }
    }
}

/// An input of another class (resp. the target) found in the box.
#[derive(Clone, Debug)]
pub struct Example {
    /// The input.
    pub x: Vec<f64>,
    /// Its class, by the exact forward pass.
    pub class: usize,
    /// The network's outputs on it, in floats.
    pub outputs: Vec<f64>,
    /// Which search found it: `gd` or `z3`.
    pub by: &'static str,
}

/// What a search concluded.
#[derive(Clone, Debug)]
pub enum Verdict {
    /// An example, checked by an exact forward pass of these very floats.
    Found(Example),
    /// No input in the box has another class (resp. the target): Z3's UNSAT.
    Robust,
    /// Neither found nor proved; holds why (a timeout, Z3's unknown, gd's
    /// restarts spent).
    Unknown(String),
}

/// The verdict of an attack with the original point's class and the costs.
#[derive(Clone, Debug)]
pub struct AttackResult {
    /// The class of the input point, by the exact forward pass.
    pub original: usize,
    /// The network's outputs on the input point, in floats.
    pub original_outputs: Vec<f64>,
    /// What the search concluded.
    pub verdict: Verdict,
    /// Wall-clock time of the attack.
    pub elapsed: Duration,
    /// How many times Z3 was asked (0 when gd alone ran or found the example).
    pub solver_calls: u64,
}

/// Searches for an example with `kind` (`Z3` can also prove robustness; `Gd`
/// never can; `Portfolio` runs gd on a fifth of the budget, then Z3). Errors
/// are for queries that do not fit the network.
pub fn attack(
    mlp: &Mlp,
    q: &Query,
    kind: SolverKind,
    opts: &AttackOptions,
) -> Result<AttackResult, AttackError> {
    let n = mlp.inputs();
    if q.x.len() != n {
        return Err(AttackError::Width {
            got: q.x.len(),
            want: n,
        });
    }
    if q.x.iter().any(|v| !v.is_finite()) {
        return Err(AttackError::Input);
    }
    if !q.eps.is_finite() || q.eps < 0.0 {
        return Err(AttackError::Eps(q.eps));
    }
    if let Some(&f) = q.features.iter().find(|&&f| f >= n) {
        return Err(AttackError::Feature(f, n));
    }
    let started = Instant::now();
    let exact_x: Vec<BigRational> = q.x.iter().map(|&v| exact(v)).collect();
    let original = argmax(&mlp.forward_exact(&exact_x));
    if let Some(t) = q.target {
        if t >= mlp.outputs() {
            return Err(AttackError::Target(t, mlp.outputs()));
        }
        if t == original {
            return Err(AttackError::AlreadyTarget(mlp.classes[t].clone()));
        }
    }
    let free: Vec<usize> = if q.features.is_empty() {
        (0..n).collect()
    } else {
        let mut f = q.features.clone();
        f.sort_unstable();
        f.dedup();
        f
    };
    let deadline = started + opts.timeout;
    let search = Search {
        mlp,
        q,
        free: &free,
        original,
        exact_x: &exact_x,
    };
    let mut solver_calls = 0;
    let verdict = match kind {
        SolverKind::Gd => search.gd(opts, deadline),
        SolverKind::Z3 => search.z3(opts, deadline, &mut solver_calls),
        SolverKind::Portfolio => {
            let gd_deadline = started + opts.timeout / 5;
            match search.gd(opts, gd_deadline) {
                found @ Verdict::Found(_) => found,
                _ => search.z3(opts, deadline, &mut solver_calls),
            }
        }
    };
    Ok(AttackResult {
        original,
        original_outputs: mlp.forward(&q.x),
        verdict,
        elapsed: started.elapsed(),
        solver_calls,
    })
}

struct Search<'a> {
    mlp: &'a Mlp,
    q: &'a Query,
    free: &'a [usize],
    original: usize,
    exact_x: &'a [BigRational],
}

impl Search<'_> {
    /// The class this search wants, given the outputs' argmax.
    fn wanted(&self, class: usize) -> bool {
        match self.q.target {
            Some(t) => class == t,
            None => class != self.original,
        }
    }

    /// Checks `x` exactly: inside the box, fixed features unchanged, and of a
    /// wanted class.
    fn confirm(&self, x: &[f64], by: &'static str) -> Option<Verdict> {
        let eps = exact(self.q.eps);
        let ex: Vec<BigRational> = x.iter().map(|&v| exact(v)).collect();
        for (i, (a, b)) in ex.iter().zip(self.exact_x).enumerate() {
            let d = a - b;
            let allowed = if self.free.contains(&i) {
                eps.clone()
            } else {
                BigRational::zero()
            };
            if d > allowed || -d > allowed {
                return None;
            }
        }
        let class = argmax(&self.mlp.forward_exact(&ex));
        self.wanted(class).then(|| {
            Verdict::Found(Example {
                x: x.to_vec(),
                class,
                outputs: self.mlp.forward(x),
                by,
            })
        })
    }

    fn z3(&self, opts: &AttackOptions, deadline: Instant, calls: &mut u64) -> Verdict {
        let mut solver = Solver::new(SolverOptions {
            kind: SolverKind::Z3,
            query_timeout: Some(deadline.saturating_duration_since(Instant::now())),
            ..SolverOptions::default()
        });
        let eps = exact(self.q.eps);
        let mut vars = Vec::new();
        let mut box_terms = Vec::new();
        let inputs: Vec<Term> = (0..self.mlp.inputs())
            .map(|i| {
                if self.free.contains(&i) {
                    let v = Var::new(i as u32, format!("x{i}"), Sort::Real);
                    let t = Term::var(v.clone());
                    vars.push((i, v));
                    box_terms.push(t.greater_eq(&Term::real(&self.exact_x[i] - &eps)));
                    box_terms.push(t.less_eq(&Term::real(&self.exact_x[i] + &eps)));
                    t
                } else {
                    Term::real(self.exact_x[i].clone())
                }
            })
            .collect();
        let outputs = network_terms(self.mlp, &inputs);
        // First with a margin (so that the floats written out keep the
        // class), then without one: only the exact question proves robustness.
        for margin in [exact(opts.margin), BigRational::zero()] {
            let mut cs = box_terms.clone();
            cs.push(self.class_condition(&outputs, &margin));
            *calls += 1;
            match solver.check(&cs, &Model::new(), Some(deadline)) {
                Answer::Sat(m) => {
                    let mut x = self.q.x.clone();
                    for (i, v) in &vars {
                        let r = m
                            .get(v)
                            .and_then(|val| val.to_rational())
                            .unwrap_or_else(|| self.exact_x[*i].clone());
                        x[*i] = self.nearest_inside(*i, &r);
                    }
                    return match self.confirm(&x, "z3") {
                        Some(found) => found,
                        None => Verdict::Unknown(
                            "z3 found an example that does not survive rounding to floats".into(),
                        ),
                    };
                }
                Answer::Unsat if margin.is_zero() => return Verdict::Robust,
                Answer::Unsat => {}
                Answer::Unknown(why) => return Verdict::Unknown(format!("z3: {why}")),
            }
        }
        Verdict::Unknown("z3 gave no answer".into())
    }

    /// The f64 nearest to `r` that stays within the box of feature `i`.
    fn nearest_inside(&self, i: usize, r: &BigRational) -> f64 {
        use num_traits::ToPrimitive;
        let eps = exact(self.q.eps);
        let lo = &self.exact_x[i] - &eps;
        let hi = &self.exact_x[i] + &eps;
        let mut f = r.to_f64().unwrap_or(self.q.x[i]);
        for _ in 0..64 {
            let e = exact(f);
            if e < lo {
                f = f.next_up();
            } else if e > hi {
                f = f.next_down();
            } else {
                break;
            }
        }
        f
    }

    /// The outputs say: a wanted class wins by `margin` (ties go to the
    /// lowest index, as argmax breaks them).
    fn class_condition(&self, o: &[Term], margin: &BigRational) -> Term {
        let m = Term::real(margin.clone());
        let wins = |c: usize| {
            Term::and((0..o.len()).filter(|&j| j != c).map(|j| {
                let lhs = o[j].plus(&m);
                if j < c {
                    lhs.less(&o[c])
                } else {
                    lhs.less_eq(&o[c])
                }
            }))
        };
        match self.q.target {
            Some(t) => wins(t),
            None => Term::or((0..o.len()).filter(|&c| c != self.original).map(wins)),
        }
    }

    fn gd(&self, opts: &AttackOptions, deadline: Instant) -> Verdict {
        let mut rng = Rng::new(opts.seed);
        let eps = self.q.eps;
        if self.free.is_empty() || eps == 0.0 {
            return Verdict::Unknown("gd: nothing may change".into());
        }
        let mut restart = 0u32;
        while Instant::now() < deadline {
            let mut x = self.q.x.clone();
            if restart > 0 {
                for &i in self.free {
                    x[i] = self.q.x[i] + rng.real_in(-eps, eps);
                }
            }
            let mut step = eps / 4.0;
            for _ in 0..100 {
                let class = argmax(&self.mlp.forward(&x));
                if self.wanted(class)
                    && let Some(found) = self.confirm(&x, "gd")
                {
                    return found;
                }
                let g = self.margin_gradient(&x);
                for &i in self.free {
                    let s = if g[i] > 0.0 {
                        1.0
                    } else if g[i] < 0.0 {
                        -1.0
                    } else {
                        0.0
                    };
                    x[i] = (x[i] + step * s).clamp(self.q.x[i] - eps, self.q.x[i] + eps);
                }
                step *= 0.97;
            }
            restart += 1;
        }
        Verdict::Unknown(format!("gd: no example in {restart} restarts"))
    }

    /// Gradient of the margin the search raises: target output minus the
    /// best other one, or the best other output minus the original's.
    fn margin_gradient(&self, x: &[f64]) -> Vec<f64> {
        let (pre, out) = self.mlp.forward_traced(x);
        let best_other = |skip: usize| {
            (0..out.len())
                .filter(|&j| j != skip)
                .max_by(|&a, &b| out[a].total_cmp(&out[b]))
                .unwrap_or(skip)
        };
        let mut grad = vec![0.0; out.len()];
        match self.q.target {
            Some(t) => {
                grad[t] += 1.0;
                grad[best_other(t)] -= 1.0;
            }
            None => {
                grad[best_other(self.original)] += 1.0;
                grad[self.original] -= 1.0;
            }
        }
        // Backward.
        for (k, l) in self.mlp.layers.iter().enumerate().rev() {
            if l.activation == Activation::Relu {
                for (g, z) in grad.iter_mut().zip(&pre[k]) {
                    if *z <= 0.0 {
                        *g = 0.0;
                    }
                }
            }
            let mut below = vec![0.0; l.weights[0].len()];
            for (row, g) in l.weights.iter().zip(&grad) {
                for (b, w) in below.iter_mut().zip(row) {
                    *b += w * g;
                }
            }
            grad = below;
        }
        grad
    }
}

/// The network's outputs as terms over `inputs`.
pub fn network_terms(mlp: &Mlp, inputs: &[Term]) -> Vec<Term> {
    let zero = Term::real(BigRational::zero());
    mlp.forward_by(inputs, |row, b, v, activation| {
        let parts = row
            .iter()
            .zip(v)
            .filter(|(w, _)| !w.is_zero())
            .map(|(w, x)| Term::real(w.clone()).times(x))
            .chain(std::iter::once(Term::real(b.clone())));
        let z = sum(parts);
        match activation {
            Activation::Relu => Term::ite(&z.greater(&zero), &z, &zero),
            Activation::Linear => z,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Class 1 when x0 > x1 + 1, else class 0.
    const NET: &str = r#"{"layers": [
        {"weights": [[1.0, -1.0]], "bias": [-1.0], "activation": "relu"},
        {"weights": [[0.0], [1.0]], "bias": [0.0, 0.0], "activation": "linear"}]}"#;

    fn run(kind: SolverKind, x: [f64; 2], eps: f64) -> AttackResult {
        let m = Mlp::from_json(NET).expect("valid");
        let q = Query {
            x: x.to_vec(),
            eps,
            features: Vec::new(),
            target: None,
        };
        let opts = AttackOptions {
            timeout: Duration::from_secs(5),
            ..AttackOptions::default()
        };
        attack(&m, &q, kind, &opts).expect("valid query")
    }

    #[test]
    fn z3_finds_the_flip_or_proves_robustness() {
        let r = run(SolverKind::Z3, [0.0, 0.0], 0.6);
        assert_eq!(r.original, 0);
        let Verdict::Found(Example { x, class, .. }) = r.verdict else {
            panic!("expected an example, got {:?}", r.verdict);
        };
        assert_eq!(class, 1);
        assert!(x[0] - x[1] > 1.0 && x.iter().all(|v| v.abs() <= 0.6));
        let r = run(SolverKind::Z3, [0.0, 0.0], 0.4);
        assert!(matches!(r.verdict, Verdict::Robust), "{:?}", r.verdict);
    }

    #[test]
    fn gd_finds_the_easy_flip_and_never_claims_robustness() {
        let r = run(SolverKind::Gd, [0.0, 0.0], 0.6);
        assert!(
            matches!(r.verdict, Verdict::Found(Example { class: 1, .. })),
            "{:?}",
            r.verdict
        );
        let m = Mlp::from_json(NET).expect("valid");
        let q = Query {
            x: vec![0.0, 0.0],
            eps: 0.4,
            features: Vec::new(),
            target: None,
        };
        let opts = AttackOptions {
            timeout: Duration::from_millis(200),
            ..AttackOptions::default()
        };
        let r = attack(&m, &q, SolverKind::Gd, &opts).expect("valid");
        assert!(matches!(r.verdict, Verdict::Unknown(_)), "{:?}", r.verdict);
    }

    #[test]
    fn bad_queries_are_refused() {
        let m = Mlp::from_json(NET).expect("valid");
        let q = |x: Vec<f64>, eps: f64, features: Vec<usize>, target: Option<usize>| Query {
            x,
            eps,
            features,
            target,
        };
        let o = AttackOptions::default();
        let err = |qq: Query| {
            attack(&m, &qq, SolverKind::Z3, &o)
                .expect_err("bad")
                .to_string()
        };
        assert!(err(q(vec![0.0], 0.1, vec![], None)).contains("1 features, the network takes 2"));
        assert!(err(q(vec![0.0, 0.0], -1.0, vec![], None)).contains("--eps"));
        assert!(err(q(vec![0.0, 0.0], 0.1, vec![5], None)).contains("feature 5"));
        assert!(err(q(vec![0.0, 0.0], 0.1, vec![], Some(0))).contains("already of class 0"));
    }
}
