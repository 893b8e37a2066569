//! Simplification for reading: the smart constructors keep `x - 1 - 1` as
//! built (a frontend's shadows mirror its program), which on a recursive
//! function grows a path constraint quadratically. [`Simplifier`] rewrites
//! by equivalences that hold in every model (exact integer and rational
//! arithmetic, no division involved): constants subtracted become part of
//! the sum (`x - 1 - 1` is `x - 2`), and a comparison of a sum with a
//! constant moves the sum's constant across (`x - 2 <= 1` is `x <= 3`).

use num_traits::Zero;

use crate::construct::sum;
use crate::fxhash::FxHashMap;
use crate::term::{Op, Term};
use crate::value::{Sort, Value};
use crate::visit::postorder;

/// Simplifies terms for printing, remembering what it did: terms shared
/// between path constraints (every prefix of a path) are rewritten once.
#[derive(Default)]
pub struct Simplifier {
    /// Input id to (the input, held so the id stays its own; the result).
    done: FxHashMap<u64, (Term, Term)>,
}

impl Simplifier {
    /// A simplifier with nothing remembered.
    pub fn new() -> Simplifier {
        Simplifier::default()
    }

    /// `t` rewritten bottom-up: equal to `t` in every model, usually shorter.
    pub fn simplify(&mut self, t: &Term) -> Term {
        for node in postorder(std::slice::from_ref(t)) {
            if self.done.contains_key(&node.id()) {
                continue;
            }
            let args: Vec<Term> = node
                .args()
                .iter()
                .map(|a| {
                    self.done
                        .get(&a.id())
                        .map_or_else(|| a.clone(), |d| d.1.clone())
                })
                .collect();
            let new = normalise(&node, args);
            self.done.insert(node.id(), (node, new));
        }
        let normal = self
            .done
            .get(&t.id())
            .map_or_else(|| t.clone(), |d| d.1.clone());
        pretty(&normal)
    }
}

impl Term {
    /// This term simplified for reading (see [`Simplifier`]); equal to it in every model.
    pub fn simplified(&self) -> Term {
        Simplifier::new().simplify(self)
    }
}

/// One node over its simplified children, in the normal form: differences
/// by constants as sums, constants of compared sums moved to the other side.
fn normalise(node: &Term, args: Vec<Term>) -> Term {
    match (node.op(), args.as_slice()) {
        (Op::Sub, [a, b]) if numeric_const(b) => sum([a.clone(), b.negated()]),
        (Op::Lt | Op::Le | Op::Eq, [l, r]) => {
            let (l, r) = move_constant(l, r);
            match node.op() {
                Op::Lt => l.less(&r),
                Op::Le => l.less_eq(&r),
                _ => l.equal(&r),
            }
        }
        _ if args.iter().zip(node.args()).all(|(x, y)| x == y) => node.clone(),
        _ => node.with_args(args),
    }
}

fn numeric_const(t: &Term) -> bool {
    matches!(t.as_const(), Some(Value::Int(_) | Value::Real(_)))
}

/// `s + c ⋈ k` as `s ⋈ k - c`, and `k ⋈ s + c` as `k - c ⋈ s`.
fn move_constant(l: &Term, r: &Term) -> (Term, Term) {
    if numeric_const(r)
        && let Some((rest, c)) = split_constant(l)
    {
        return (rest, r.minus(&c));
    }
    if numeric_const(l)
        && let Some((rest, c)) = split_constant(r)
    {
        return (l.minus(&c), rest);
    }
    (l.clone(), r.clone())
}

/// A sum with a constant term, as the sum of the rest and the constant.
fn split_constant(t: &Term) -> Option<(Term, Term)> {
    if *t.op() != Op::Add {
        return None;
    }
    let c = t.args().iter().find(|a| numeric_const(a))?.clone();
    let rest = t.args().iter().filter(|a| **a != c).cloned();
    Some((sum(rest), c))
}

/// Sums ending in a negative constant print as differences (`x-2`, not `x+(-2)`).
fn pretty(t: &Term) -> Term {
    t.rewrite(|node, args| {
        if *node.op() != Op::Add {
            return None;
        }
        let (last, rest) = args.split_last()?;
        let negative = match last.as_const()? {
            Value::Int(i) => *i < Zero::zero(),
            Value::Real(r) => *r < Zero::zero(),
            _ => false,
        };
        if !negative || rest.is_empty() {
            return None;
        }
        let sort = node.sort();
        let positive = last.negated();
        let positive = if sort == Sort::Real {
            positive.to_real()
        } else {
            positive
        };
        Some(Term::intern(
            Op::Sub,
            vec![sum(rest.iter().cloned()), positive],
            sort,
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::Model;
    use crate::term::Var;

    fn x() -> (Var, Term) {
        let v = Var::new(0, "x", Sort::Int);
        (v.clone(), Term::var(v))
    }

    #[test]
    fn repeated_decrements_fold_and_cross_the_comparison() {
        let (_, x) = x();
        let one = Term::int(1);
        let mut n = x.clone();
        for _ in 0..5 {
            n = n.minus(&one);
        }
        assert_eq!(n.to_string(), "var_0-1-1-1-1-1");
        assert_eq!(n.simplified().to_string(), "var_0-5");
        assert_eq!(n.less_eq(&one).simplified().to_string(), "var_0<=6");
        assert_eq!(one.less(&n).simplified().to_string(), "6<var_0");
        assert_eq!(n.equal(&one).simplified().to_string(), "var_0==6");
    }

    #[test]
    fn simplified_terms_agree_on_every_model() {
        let (v, x) = x();
        let y = Term::var(Var::new(1, "y", Sort::Int));
        let terms = [
            x.minus(&Term::int(3)).times(&y).less_eq(&Term::int(7)),
            Term::int(2).less(&x.plus(&Term::int(5)).minus(&Term::int(1))),
            x.minus(&y).minus(&Term::int(-4)).equal(&Term::int(0)),
        ];
        for t in &terms {
            let s = t.simplified();
            for i in -10..10 {
                for j in -3..3 {
                    let mut m = Model::new();
                    m.insert(&v, Value::int(i));
                    m.insert(&Var::new(1, "y", Sort::Int), Value::int(j));
                    assert_eq!(t.holds(&m), s.holds(&m), "{t} vs {s} at {i}, {j}");
                }
            }
        }
    }
}
