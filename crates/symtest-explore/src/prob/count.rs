//! The exact probability of a path, and the distribution of outputs on it.
//!
//! Variables the path does not mention are summed out for free (their
//! probabilities sum to 1). The rest split into groups that share no
//! constraint; independent groups multiply. Within a group the variables are
//! eliminated one at a time: each partial assignment leaves the constraints
//! as residual terms (the simplifier folds what is known), and assignments
//! that leave the same residuals are merged. For a sum of n Bernoulli
//! variables that keeps at most n + 1 states per step instead of 2^n.

use std::collections::BTreeSet;

use num_traits::{One, Zero};
use symtest_term::fxhash::FxHashMap;
use symtest_term::{BigRational, Model, Term, Value};

use super::dist::Dist;

/// Why a path could not be weighed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CountError {
    #[error(
        "'{0}' has no distribution: only random inputs may remain in a path weighed by probability"
    )]
    /// A variable of the path has no distribution; holds its name.
    NotRandom(String),
    #[error(
        "weighing this path needs more than {0} partial assignments at once (constraints that tie many random variables together non-linearly)"
    )]
    /// The elimination needed more partial assignments than the limit it holds.
    TooLarge(usize),
    /// A term still had no value with every random variable fixed (a division by
    /// zero, an ill-sorted term); holds the term.
    #[error("cannot evaluate '{0}' once every random variable is fixed")]
    Eval(String),
}

/// One path's weight.
#[derive(Clone, Debug, PartialEq)]
pub struct PathMass {
    /// The probability that the random inputs take this path.
    pub probability: BigRational,
    /// The joint distribution of the output terms on this path (values in
    /// the order of the outputs); the weights sum to `probability`.
    pub outputs: Vec<(Vec<Value>, BigRational)>,
    /// The most partial assignments kept at once: the work it took.
    pub peak_states: usize,
}

/// Weighs the path `constraints` (Bool terms over random variables only)
/// and the distribution of `outputs` on it; `dists` maps a variable's index
/// to its distribution. At most `max_states` partial assignments are kept.
pub fn path_mass(
    constraints: &[Term],
    outputs: &[Term],
    dists: &FxHashMap<u32, Dist>,
    max_states: usize,
) -> Result<PathMass, CountError> {
    let mut live = Vec::new();
    for c in constraints {
        if c.is_false() {
            return Ok(PathMass {
                probability: BigRational::zero(),
                outputs: Vec::new(),
                peak_states: 0,
            });
        }
        if !c.is_true() {
            live.push(c.clone());
        }
    }
    for t in live.iter().chain(outputs) {
        for v in t.vars() {
            if !dists.contains_key(&v.index) {
                return Err(CountError::NotRandom(v.name.to_string()));
            }
        }
    }

    // Groups of variables tied by a constraint (all outputs form one).
    let mut uf = UnionFind::default();
    let output_vars: Vec<u32> = outputs
        .iter()
        .flat_map(|o| o.vars())
        .map(|v| v.index)
        .collect();
    for w in output_vars.windows(2) {
        uf.union(w[0], w[1]);
    }
    for c in &live {
        let vs: Vec<u32> = c.vars().iter().map(|v| v.index).collect();
        for w in vs.windows(2) {
            uf.union(w[0], w[1]);
        }
        if let Some(&v) = vs.first() {
            uf.find(v);
        }
    }
    for &v in &output_vars {
        uf.find(v);
    }
    let output_root = output_vars.first().map(|&v| uf.find(v));
    let mut groups: FxHashMap<u32, (Vec<Term>, BTreeSet<u32>)> = FxHashMap::default();
    for c in &live {
        let vs = c.vars();
        let root = uf.find(vs[0].index);
        let g = groups.entry(root).or_default();
        g.0.push(c.clone());
        g.1.extend(vs.iter().map(|v| v.index));
    }
    if let Some(root) = output_root {
        groups.entry(root).or_default().1.extend(&output_vars);
    }

    let mut probability = BigRational::one();
    let mut peak_states = 0;
    let mut out_dist: Weighted = Vec::new();
    let mut roots: Vec<u32> = groups.keys().copied().collect();
    roots.sort_unstable();
    for root in roots {
        let (cs, vars) = &groups[&root];
        let is_output = Some(root) == output_root;
        let outs: &[Term] = if is_output { outputs } else { &[] };
        let (states, peak) = eliminate(cs, outs, vars, dists, max_states)?;
        peak_states = peak_states.max(peak);
        if is_output {
            for (values, p) in states {
                out_dist.push((values, p));
            }
        } else {
            probability *= states.into_iter().map(|(_, p)| p).sum::<BigRational>();
        }
    }
    if output_root.is_none() {
        let values = outputs
            .iter()
            .map(constant)
            .collect::<Result<Vec<_>, _>>()?;
        out_dist.push((values, BigRational::one()));
    }
    for (_, p) in &mut out_dist {
        *p *= &probability;
    }
    out_dist.retain(|(_, p)| !p.is_zero());
    out_dist.sort_by_key(|(values, _)| order_key(values));
    let total = out_dist.iter().map(|(_, p)| p.clone()).sum();
    Ok(PathMass {
        probability: total,
        outputs: out_dist,
        peak_states,
    })
}

type State = (Vec<Term>, Vec<Term>);

/// Output values with their probabilities.
type Weighted = Vec<(Vec<Value>, BigRational)>;

/// Sums out `vars` one at a time; returns the output values with their
/// weights (constraints satisfied), and the peak number of states.
fn eliminate(
    constraints: &[Term],
    outputs: &[Term],
    vars: &BTreeSet<u32>,
    dists: &FxHashMap<u32, Dist>,
    max_states: usize,
) -> Result<(Weighted, usize), CountError> {
    let mut start = constraints.to_vec();
    normalise(&mut start);
    let mut states: FxHashMap<State, BigRational> = FxHashMap::default();
    states.insert((start, outputs.to_vec()), BigRational::one());
    let mut peak = 1;
    for &v in vars {
        let Some(dist) = dists.get(&v) else {
            continue;
        };
        let mut next: FxHashMap<State, BigRational> = FxHashMap::default();
        for ((cs, os), p) in states {
            let mut mentioned = false;
            'values: for (value, q) in &dist.support {
                let mut map = FxHashMap::default();
                map.insert(v, Term::int(value.clone()));
                let mut ncs = Vec::with_capacity(cs.len());
                for c in &cs {
                    let r = c.substitute(&map);
                    mentioned |= r != *c;
                    if r.is_false() {
                        continue 'values;
                    }
                    if !r.is_true() {
                        ncs.push(r);
                    }
                }
                let nos: Vec<Term> = os.iter().map(|o| o.substitute(&map)).collect();
                mentioned |= nos != os;
                if !mentioned {
                    // `v` no longer matters here: its probabilities sum to 1.
                    break;
                }
                normalise(&mut ncs);
                *next.entry((ncs, nos)).or_default() += &p * q;
            }
            if !mentioned {
                *next.entry((cs, os)).or_default() += p;
            }
            if next.len() > max_states {
                return Err(CountError::TooLarge(max_states));
            }
        }
        peak = peak.max(next.len());
        states = next;
    }
    let mut out: FxHashMap<Vec<Value>, BigRational> = FxHashMap::default();
    for ((cs, os), p) in states {
        let mut holds = true;
        for c in &cs {
            holds &= constant(c)? == Value::Bool(true);
        }
        if holds {
            let values = os.iter().map(constant).collect::<Result<Vec<_>, _>>()?;
            *out.entry(values).or_default() += p;
        }
    }
    Ok((out.into_iter().collect(), peak))
}

fn normalise(cs: &mut Vec<Term>) {
    cs.sort_by_key(Term::id);
    cs.dedup();
}

fn constant(t: &Term) -> Result<Value, CountError> {
    if let Some(v) = t.as_const() {
        return Ok(v.clone());
    }
    t.eval(&Model::new())
        .map_err(|_| CountError::Eval(t.to_string()))
}

fn order_key(values: &[Value]) -> Vec<(Option<BigRational>, String)> {
    values
        .iter()
        .map(|v| (v.to_rational(), v.to_string()))
        .collect()
}

#[derive(Default)]
struct UnionFind {
    parent: FxHashMap<u32, u32>,
}

impl UnionFind {
    fn find(&mut self, x: u32) -> u32 {
        let p = *self.parent.entry(x).or_insert(x);
        if p == x {
            return x;
        }
        let root = self.find(p);
        self.parent.insert(x, root);
        root
    }

    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent.insert(hi, lo);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prob::dist::parse_number;
    use symtest_term::{Sort, Var, sum};

    fn q(s: &str) -> BigRational {
        parse_number(s).expect("a number")
    }

    fn vars(n: u32, d: &str) -> (Vec<Term>, FxHashMap<u32, Dist>) {
        let dist = Dist::parse(d).expect("a distribution");
        let mut dists = FxHashMap::default();
        let ts = (0..n)
            .map(|i| {
                dists.insert(i, dist.clone());
                Term::var(Var::new(i, format!("x{i}"), Sort::Int))
            })
            .collect();
        (ts, dists)
    }

    fn mass(cs: &[Term], dists: &FxHashMap<u32, Dist>) -> BigRational {
        path_mass(cs, &[], dists, 100_000)
            .expect("counts")
            .probability
    }

    #[test]
    fn coins() {
        let (x, d) = vars(2, "bernoulli(0.3)");
        let one = Term::int(1);
        assert_eq!(mass(&[x[0].equal(&one)], &d), q("0.3"));
        assert_eq!(mass(&[x[0].equal(&one), x[1].equal(&one)], &d), q("0.09"));
        assert_eq!(mass(&[], &d), BigRational::one());
        assert_eq!(mass(&[Term::bool(false)], &d), BigRational::zero());
    }

    #[test]
    fn dice_summing_to_seven() {
        let (x, d) = vars(2, "uniform(1, 6)");
        let c = (&x[0] + &x[1]).equal(&Term::int(7));
        assert_eq!(mass(&[c], &d), q("1/6"));
    }

    #[test]
    fn sums_of_many_coins_merge_states() {
        let (x, d) = vars(20, "bernoulli(0.5)");
        let c = sum(x.clone()).greater_eq(&Term::int(15));
        let m = path_mass(&[c], &[], &d, 100_000).expect("counts");
        // sum_{k>=15} C(20,k) / 2^20 = 21700 / 1048576
        assert_eq!(
            m.probability,
            BigRational::new(21700.into(), 1_048_576.into())
        );
        assert!(m.peak_states <= 21, "{} states", m.peak_states);
    }

    #[test]
    fn outputs_get_their_distribution() {
        let (x, d) = vars(2, "bernoulli(1/2)");
        let s = &x[0] + &x[1];
        let m = path_mass(&[], &[s], &d, 1000).expect("counts");
        let shown: Vec<(String, BigRational)> = m
            .outputs
            .iter()
            .map(|(v, p)| (v[0].to_string(), p.clone()))
            .collect();
        assert_eq!(
            shown,
            vec![
                ("0".to_string(), q("1/4")),
                ("1".to_string(), q("1/2")),
                ("2".to_string(), q("1/4")),
            ]
        );
    }

    #[test]
    fn independent_groups_multiply() {
        let (x, d) = vars(4, "uniform(1, 6)");
        let c1 = (&x[0] + &x[1]).equal(&Term::int(7));
        let c2 = x[2].greater_eq(&Term::int(5));
        let m = path_mass(&[c1, c2], &[x[3].clone()], &d, 1000).expect("counts");
        assert_eq!(m.probability, q("1/18"));
        assert_eq!(m.outputs.len(), 6);
        assert!(m.peak_states <= 12);
    }

    #[test]
    fn inputs_without_a_distribution_are_refused() {
        let (x, d) = vars(1, "bernoulli(0.5)");
        let y = Term::var(Var::new(7, "y", Sort::Int));
        let err = path_mass(&[x[0].less(&y)], &[], &d, 10).expect_err("y is not random");
        assert_eq!(err, CountError::NotRandom("y".into()));
    }
}
