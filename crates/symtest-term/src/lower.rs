//! Lowering of C- and Python-style integer division to SMT-LIB's Euclidean
//! `div`/`mod`, shared by every consumer that speaks SMT-LIB semantics (the
//! Z3 backend and the SMT-LIB printer), so the encoding exists once.

use crate::term::{Op, Term};
use crate::value::Rounding;

/// An equivalent term in which every integer division and remainder is
/// Euclidean. Where the divisor is zero both forms are unspecified; callers
/// guard division by zero with a branch.
pub fn lower_division(t: &Term) -> Term {
    t.rewrite(|node, args| match node.op() {
        Op::IntDiv(r) if *r != Rounding::Euclid => Some(quotient(&args[0], &args[1], *r)),
        Op::IntMod(r) if *r != Rounding::Euclid => {
            let q = quotient(&args[0], &args[1], *r);
            Some(args[0].minus(&args[1].times(&q)))
        }
        _ => None,
    })
}

fn quotient(a: &Term, b: &Term, r: Rounding) -> Term {
    let zero = Term::int(0);
    match r {
        // For a positive divisor Euclid is floor; a negative one flips both signs.
        Rounding::Floor => Term::ite(
            &zero.less(b),
            &a.int_div(b, Rounding::Euclid),
            &a.negated().int_div(&b.negated(), Rounding::Euclid),
        ),
        // On non-negative operands Euclid truncates; the sign comes back after.
        Rounding::Trunc => {
            let q = abs(a).int_div(&abs(b), Rounding::Euclid);
            let same_sign = a.greater_eq(&zero).equal(&b.greater_eq(&zero));
            Term::ite(&same_sign, &q, &q.negated())
        }
        Rounding::Euclid => a.int_div(b, Rounding::Euclid),
    }
}

fn abs(x: &Term) -> Term {
    Term::ite(&x.greater_eq(&Term::int(0)), x, &x.negated())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::Model;
    use crate::term::Var;
    use crate::value::{Sort, Value};

    #[test]
    fn lowered_division_agrees_with_the_original() {
        let a = Var::new(0, "a", Sort::Int);
        let b = Var::new(1, "b", Sort::Int);
        let (ta, tb) = (Term::var(a.clone()), Term::var(b.clone()));
        for r in [Rounding::Trunc, Rounding::Floor] {
            for t in [ta.int_div(&tb, r), ta.int_mod(&tb, r)] {
                let lowered = lower_division(&t);
                for x in -9..=9 {
                    for y in (-4..=4).filter(|y| *y != 0) {
                        let mut m = Model::new();
                        m.insert(&a, Value::int(x));
                        m.insert(&b, Value::int(y));
                        assert_eq!(t.eval(&m), lowered.eval(&m), "{t} at a={x} b={y}");
                    }
                }
            }
        }
    }
}
