//! Constraints compiled to a flat tape of `f64` operations: Gymbo's loss for
//! the Boolean structure, plain arithmetic below it, and reverse-mode
//! differentiation over the tape.
//!
//! The loss of a constraint is at most zero exactly when (in floating point)
//! the constraint holds:
//!
//! | constraint | loss |
//! |---|---|
//! | `a < b` | `a - b + eps` |
//! | `a <= b` | `a - b` |
//! | `a == b` | `abs(a - b)` |
//! | `!c` | `-loss(c) + eps` (so `a != b` is `-abs(a - b) + eps`) |
//! | `c && d` | `max(loss(c), loss(d))` |
//! | `c \|\| d` | `min(loss(c), loss(d))` |

use symtest_term::fxhash::FxHashMap;
use symtest_term::{Op, Rounding, Sort, Term, Value, Var, postorder};

#[derive(Clone, Debug)]
enum N {
    Num(f64),
    Param(usize),
    Add(Vec<usize>),
    Sub(usize, usize),
    Mul(Vec<usize>),
    Neg(usize),
    Div(usize, usize),
    IntDiv(usize, usize, Rounding),
    IntMod(usize, usize, Rounding),
    /// Numeric if-then-else on a loss node.
    Ite(usize, usize, usize),
    Lt(usize, usize),
    Le(usize, usize),
    Eq(usize, usize),
    Not(usize),
    And(Vec<usize>),
    Or(Vec<usize>),
}

pub(crate) struct Tape {
    nodes: Vec<N>,
    roots: Vec<usize>,
    pub(crate) params: Vec<Var>,
    eps: f64,
    vals: Vec<f64>,
    adj: Vec<f64>,
}

impl Tape {
    /// Compiles the conjunction `constraints`. Boolean variables must be
    /// fixed by `bools` (DPLL decides them); otherwise compilation fails.
    pub(crate) fn compile(
        constraints: &[Term],
        eps: f64,
        bools: &FxHashMap<u32, bool>,
    ) -> Result<Tape, String> {
        let mut tape = Tape {
            nodes: Vec::new(),
            roots: Vec::new(),
            params: Vec::new(),
            eps,
            vals: Vec::new(),
            adj: Vec::new(),
        };
        let mut index: FxHashMap<u64, usize> = FxHashMap::default();
        let mut param_of: FxHashMap<u32, usize> = FxHashMap::default();
        for t in postorder(constraints) {
            let at = |x: &Term| index[&x.id()];
            let args = t.args();
            let node = match t.op() {
                Op::Const(Value::Bool(b)) => N::Num(if *b { 0.0 } else { eps }),
                Op::Const(Value::Str(_)) => return Err("gd cannot search over strings".into()),
                Op::Const(v) => N::Num(v.to_f64()),
                Op::Var(v) if v.sort == Sort::Str => {
                    return Err("gd cannot search over strings".into());
                }
                Op::Var(v) if v.sort == Sort::Bool => match bools.get(&v.index) {
                    Some(b) => N::Num(if *b { 0.0 } else { eps }),
                    None => {
                        return Err(format!(
                            "gd cannot search Boolean variable {} (use --dpll)",
                            v.name
                        ));
                    }
                },
                Op::Var(v) => {
                    let next = tape.params.len();
                    let p = *param_of.entry(v.index).or_insert(next);
                    if p == next {
                        tape.params.push(v.clone());
                    }
                    N::Param(p)
                }
                Op::Not => N::Not(at(&args[0])),
                Op::And => N::And(args.iter().map(at).collect()),
                Op::Or => N::Or(args.iter().map(at).collect()),
                Op::Ite if t.sort() == Sort::Bool => {
                    // (c && a) || (!c && b)
                    let (c, a, b) = (at(&args[0]), at(&args[1]), at(&args[2]));
                    let not_c = tape.push(N::Not(c));
                    let l = tape.push(N::And(vec![c, a]));
                    let r = tape.push(N::And(vec![not_c, b]));
                    N::Or(vec![l, r])
                }
                Op::Ite => N::Ite(at(&args[0]), at(&args[1]), at(&args[2])),
                Op::Eq if args[0].sort() == Sort::Bool => {
                    // (a && b) || (!a && !b)
                    let (a, b) = (at(&args[0]), at(&args[1]));
                    let both = tape.push(N::And(vec![a, b]));
                    let na = tape.push(N::Not(a));
                    let nb = tape.push(N::Not(b));
                    let neither = tape.push(N::And(vec![na, nb]));
                    N::Or(vec![both, neither])
                }
                Op::Eq => N::Eq(at(&args[0]), at(&args[1])),
                Op::Lt => N::Lt(at(&args[0]), at(&args[1])),
                Op::Le => N::Le(at(&args[0]), at(&args[1])),
                Op::Add => N::Add(args.iter().map(at).collect()),
                Op::Sub => N::Sub(at(&args[0]), at(&args[1])),
                Op::Mul => N::Mul(args.iter().map(at).collect()),
                Op::Neg => N::Neg(at(&args[0])),
                Op::Div => N::Div(at(&args[0]), at(&args[1])),
                Op::IntDiv(r) => N::IntDiv(at(&args[0]), at(&args[1]), *r),
                Op::IntMod(r) => N::IntMod(at(&args[0]), at(&args[1]), *r),
                Op::ToReal => {
                    index.insert(t.id(), at(&args[0]));
                    continue;
                }
                Op::ToInt => N::IntDiv(at(&args[0]), tape.push(N::Num(1.0)), Rounding::Floor),
                symtest_term::string_ops!() => {
                    return Err("gd cannot search over strings".into());
                }
            };
            let i = tape.push(node);
            index.insert(t.id(), i);
        }
        tape.roots = constraints.iter().map(|c| index[&c.id()]).collect();
        tape.vals = vec![0.0; tape.nodes.len()];
        tape.adj = vec![0.0; tape.nodes.len()];
        Ok(tape)
    }

    fn push(&mut self, n: N) -> usize {
        self.nodes.push(n);
        self.nodes.len() - 1
    }

    /// Evaluates every node at `x`; returns each constraint's loss.
    pub(crate) fn forward(&mut self, x: &[f64]) -> Vec<f64> {
        let eps = self.eps;
        for i in 0..self.nodes.len() {
            let v = &self.vals;
            let val = match &self.nodes[i] {
                N::Num(c) => *c,
                N::Param(p) => x[*p],
                N::Add(xs) => xs.iter().map(|j| v[*j]).sum(),
                N::Sub(a, b) => v[*a] - v[*b],
                N::Mul(xs) => xs.iter().map(|j| v[*j]).product(),
                N::Neg(a) => -v[*a],
                N::Div(a, b) => v[*a] / v[*b],
                N::IntDiv(a, b, r) => float_quotient(v[*a], v[*b], *r),
                N::IntMod(a, b, r) => v[*a] - v[*b] * float_quotient(v[*a], v[*b], *r),
                N::Ite(c, a, b) => {
                    if v[*c] <= 0.0 {
                        v[*a]
                    } else {
                        v[*b]
                    }
                }
                N::Lt(a, b) => v[*a] - v[*b] + eps,
                N::Le(a, b) => v[*a] - v[*b],
                N::Eq(a, b) => (v[*a] - v[*b]).abs(),
                N::Not(a) => -v[*a] + eps,
                N::And(xs) => xs.iter().map(|j| v[*j]).fold(f64::NEG_INFINITY, f64::max),
                N::Or(xs) => xs.iter().map(|j| v[*j]).fold(f64::INFINITY, f64::min),
            };
            self.vals[i] = val;
        }
        self.roots.iter().map(|r| self.vals[*r]).collect()
    }

    /// The gradient, at the last `forward` point, of the sum of the losses of
    /// the constraints marked in `seed`.
    pub(crate) fn backward(&mut self, seed: &[bool]) -> Vec<f64> {
        self.adj.iter_mut().for_each(|a| *a = 0.0);
        for (r, on) in self.roots.iter().zip(seed) {
            if *on {
                self.adj[*r] += 1.0;
            }
        }
        let mut grad = vec![0.0; self.params.len()];
        for i in (0..self.nodes.len()).rev() {
            let g = self.adj[i];
            if g == 0.0 {
                continue;
            }
            let v = &self.vals;
            let mut flows: Vec<(usize, f64)> = Vec::new();
            match &self.nodes[i] {
                N::Num(_) => {}
                N::Param(p) => grad[*p] += g,
                N::Add(xs) => flows.extend(xs.iter().map(|j| (*j, g))),
                N::Sub(a, b) | N::Lt(a, b) | N::Le(a, b) => flows.extend([(*a, g), (*b, -g)]),
                N::Mul(xs) => {
                    for (k, j) in xs.iter().enumerate() {
                        let others: f64 = xs
                            .iter()
                            .enumerate()
                            .filter(|(m, _)| *m != k)
                            .map(|(_, o)| v[*o])
                            .product();
                        flows.push((*j, g * others));
                    }
                }
                N::Neg(a) | N::Not(a) => flows.push((*a, -g)),
                N::Div(a, b) | N::IntDiv(a, b, _) => {
                    let (va, vb) = (v[*a], v[*b]);
                    flows.extend([(*a, g / vb), (*b, -g * va / (vb * vb))]);
                }
                N::IntMod(a, b, r) => {
                    let q = float_quotient(v[*a], v[*b], *r);
                    flows.extend([(*a, g), (*b, -g * q)]);
                }
                N::Ite(c, a, b) => flows.push((if v[*c] <= 0.0 { *a } else { *b }, g)),
                N::Eq(a, b) => {
                    let s = sign(v[*a] - v[*b]);
                    flows.extend([(*a, g * s), (*b, -g * s)]);
                }
                N::And(xs) => {
                    if let Some(j) = arg_best(xs, v, |x, best| x > best) {
                        flows.push((j, g));
                    }
                }
                N::Or(xs) => {
                    if let Some(j) = arg_best(xs, v, |x, best| x < best) {
                        flows.push((j, g));
                    }
                }
            }
            for (j, d) in flows {
                self.adj[j] += d;
            }
        }
        grad
    }
}

fn arg_best(xs: &[usize], v: &[f64], better: impl Fn(f64, f64) -> bool) -> Option<usize> {
    let mut best: Option<usize> = None;
    for j in xs {
        if best.is_none_or(|b| better(v[*j], v[b])) {
            best = Some(*j);
        }
    }
    best
}

/// -1, 0 or 1 (`f64::signum` says 1 for zero, which would move a settled variable).
pub(crate) fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

fn float_quotient(a: f64, b: f64, r: Rounding) -> f64 {
    if b == 0.0 {
        return f64::NAN;
    }
    let q = a / b;
    match r {
        Rounding::Trunc => q.trunc(),
        Rounding::Floor => q.floor(),
        Rounding::Euclid => {
            let f = (a / b.abs()).floor();
            if b < 0.0 { -f } else { f }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loss_table_matches_gymbo() {
        let a = Term::var(Var::new(0, "a", Sort::Int));
        let b = Term::var(Var::new(1, "b", Sort::Int));
        let cases: Vec<(Term, f64)> = vec![
            (a.less(&b), 3.0 - 5.0 + 1.0),
            (a.less_eq(&b), 3.0 - 5.0),
            (a.equal(&b), 2.0),
            (a.distinct(&b), -2.0 + 1.0),
            (!&a.less(&b), -(3.0 - 5.0 + 1.0) + 1.0),
            (Term::and([a.equal(&b), a.less(&b)]), 2.0),
            (Term::or([a.equal(&b), a.less(&b)]), -1.0),
        ];
        for (c, want) in cases {
            let mut tape =
                Tape::compile(std::slice::from_ref(&c), 1.0, &FxHashMap::default()).unwrap();
            let x: Vec<f64> = tape
                .params
                .iter()
                .map(|v| if v.index == 0 { 3.0 } else { 5.0 })
                .collect();
            assert_eq!(tape.forward(&x), vec![want], "{c}");
        }
    }

    #[test]
    fn gradient_of_a_product() {
        let a = Term::var(Var::new(0, "a", Sort::Real));
        let b = Term::var(Var::new(1, "b", Sort::Real));
        let c = a.times(&b).less_eq(&Term::int(0));
        let mut tape = Tape::compile(std::slice::from_ref(&c), 1.0, &FxHashMap::default()).unwrap();
        let x = [2.0, 3.0];
        tape.forward(&x);
        let g = tape.backward(&[true]);
        assert_eq!(g, vec![3.0, 2.0]);
    }
}
