//! Boundary inputs: off-by-one bugs live at the edges of a path's
//! comparisons, so for each decided comparison of integers we ask for an
//! input of the same path that sits exactly on the edge (for `x < 3` taken,
//! `x == 2`; not taken, `x == 3`; `x == 3` not taken: `x == 2` and
//! `x == 4`). Real comparisons get the edge on the
//! side that contains equality (`x < 3.5` not taken: `x == 3.5`).

use symtest_term::{Op, Sort, Term};

use crate::path::{Literal, PathConstraint};

/// The condition that puts `lit`'s operands on the edge of the side it took,
/// when `lit` is an integer comparison.
pub fn edge(lit: &Literal) -> Option<Term> {
    edge_of(&lit.cond, lit.taken)
}

/// Every edge of `lit`'s side: the one of [`edge`], or for an integer
/// equality not taken (`len(xs) == 0` false) its two neighbours (`a == b - 1`
/// and `a == b + 1`), where `==` written for `<=` and its like differ.
pub fn edges(lit: &Literal) -> Vec<Term> {
    edges_of(&lit.cond, lit.taken)
}

fn edges_of(cond: &Term, taken: bool) -> Vec<Term> {
    let args = cond.args();
    match cond.op() {
        Op::Not => edges_of(&args[0], !taken),
        Op::Eq if !taken && args[0].sort() == Sort::Int => {
            let (a, b) = (&args[0], &args[1]);
            let one = Term::int(1);
            vec![a.equal(&b.minus(&one)), a.equal(&b.plus(&one))]
        }
        _ => edge_of(cond, taken).into_iter().collect(),
    }
}

fn edge_of(cond: &Term, taken: bool) -> Option<Term> {
    let args = cond.args();
    match cond.op() {
        Op::Not => edge_of(&args[0], !taken),
        // Reals have no next value below or above; only the sides that
        // contain equality have an edge.
        Op::Lt | Op::Le if args[0].sort() == Sort::Real => match (cond.op(), taken) {
            (Op::Lt, false) | (Op::Le, true) => Some(args[0].equal(&args[1])),
            _ => None,
        },
        Op::Lt | Op::Le if args[0].sort() == Sort::Int => {
            let (a, b) = (&args[0], &args[1]);
            let one = Term::int(1);
            Some(match (cond.op(), taken) {
                // a < b: a == b - 1; a >= b: a == b.
                (Op::Lt, true) => a.equal(&b.minus(&one)),
                (Op::Lt, false) => a.equal(b),
                // a <= b: a == b; a > b: a == b + 1.
                (Op::Le, true) => a.equal(b),
                _ => a.equal(&b.plus(&one)),
            })
        }
        _ => None,
    }
}

/// For each edge of `path`: the index of its literal and the whole query
/// (the path's terms and the edge) whose models are boundary inputs.
pub fn queries(path: &PathConstraint) -> Vec<(usize, Vec<Term>)> {
    let terms = path.terms();
    path.0
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.assumed)
        .flat_map(|(i, l)| {
            edges(l)
                .into_iter()
                .filter(|e| !e.is_const())
                .map(|e| {
                    let mut q = terms.clone();
                    q.push(e);
                    (i, q)
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subject::SiteId;
    use symtest_term::{Model, Value, Var, satisfies};

    fn lit(cond: Term, taken: bool) -> Literal {
        Literal {
            site: SiteId(0),
            cond,
            taken,
            assumed: false,
        }
    }

    fn holds(t: &Term, x: i64) -> bool {
        let mut m = Model::new();
        m.insert(&Var::new(0, "x", Sort::Int), Value::Int(x.into()));
        satisfies(&m, std::slice::from_ref(t))
    }

    #[test]
    fn both_sides_of_less_than_get_their_edge() {
        let x = Term::var(Var::new(0, "x", Sort::Int));
        let lt = x.less(&Term::int(3));
        let taken = edge(&lit(lt.clone(), true)).expect("an edge");
        let other = edge(&lit(lt, false)).expect("an edge");
        assert!(holds(&taken, 2) && !holds(&taken, 1) && !holds(&taken, 3));
        assert!(holds(&other, 3) && !holds(&other, 4));
    }

    #[test]
    fn greater_than_through_negation() {
        // len > 4 is built as 4 < len: lengths 5 (taken) and 4 (not taken).
        let x = Term::var(Var::new(0, "x", Sort::Int));
        let gt = Term::int(4).less(&x);
        assert!(holds(&edge(&lit(gt.clone(), true)).expect("edge"), 5));
        assert!(holds(&edge(&lit(gt.clone(), false)).expect("edge"), 4));
        let le = !&x.less_eq(&Term::int(7));
        assert!(holds(&edge(&lit(le, true)).expect("edge"), 8));
    }

    #[test]
    fn equalities_have_their_neighbours_as_edges_when_not_taken() {
        let x = Term::var(Var::new(0, "x", Sort::Int));
        let eq = x.equal(&Term::int(3));
        assert!(edges(&lit(eq.clone(), true)).is_empty());
        let around = edges(&lit(eq.clone(), false));
        assert_eq!(around.len(), 2);
        assert!(holds(&around[0], 2) && holds(&around[1], 4));
        // `x != 3` taken is the same side.
        assert_eq!(edges(&lit(!&eq, true)).len(), 2);
    }

    #[test]
    fn reals_have_an_edge_only_where_equality_lies() {
        let r = Term::var(Var::new(1, "r", Sort::Real));
        let one = Term::int(1).to_real();
        let lt = r.less(&one);
        assert!(edge(&lit(lt.clone(), true)).is_none());
        let e = edge(&lit(lt, false)).expect("r >= 1 has the edge r == 1");
        let mut m = Model::new();
        m.insert(
            &Var::new(1, "r", Sort::Real),
            Value::Real(symtest_term::BigRational::from_integer(1.into())),
        );
        assert!(satisfies(&m, std::slice::from_ref(&e)));
        assert!(edge(&lit(r.less_eq(&one), true)).is_some());
        assert!(edge(&lit(r.less_eq(&one), false)).is_none());
    }
}
