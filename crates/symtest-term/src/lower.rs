//! Lowering for consumers that speak SMT-LIB semantics (the Z3 backend and
//! the SMT-LIB printer), so each encoding exists once: C- and Python-style
//! integer division to SMT-LIB's Euclidean `div`/`mod`, and a character's
//! membership in a constant string to ranges of its code.

use crate::term::{Op, Term};
use crate::value::{Rounding, Value};

/// An equivalent term for an SMT solver: division as in [`lower_division`],
/// and `c in "abc..."` where `c` is one character or none (`s[i]`,
/// `chr(n)`) as `ord(c)` in the string's code ranges (or `c` empty). Z3
/// decides the ranges by arithmetic; `str.contains` of the same sends it into
/// the theory of sequences, where `not (s[0] in 'ab...z')` alone took more
/// than half a second.
pub fn lower(t: &Term) -> Term {
    t.rewrite(|node, args| match node.op() {
        Op::StrContains => char_membership(&args[0], &args[1]),
        _ => division(node, args),
    })
}

/// `c in h` for a constant `h` and a `c` of at most one character, as a
/// condition on `c`'s code (-1 for the empty string, which every string
/// contains); `None` for any other pair.
fn char_membership(h: &Term, c: &Term) -> Option<Term> {
    let hay = h.as_const().and_then(Value::as_str)?;
    if !matches!(c.op(), Op::StrAt | Op::StrFromCode) {
        return None;
    }
    let mut codes: Vec<u32> = hay.chars().map(u32::from).collect();
    codes.sort_unstable();
    codes.dedup();
    let code = c.str_to_code();
    let mut ranges = vec![code.equal(&Term::int(-1))];
    let mut i = 0;
    while i < codes.len() {
        let lo = codes[i];
        while i + 1 < codes.len() && codes[i + 1] == codes[i] + 1 {
            i += 1;
        }
        let hi = codes[i];
        ranges.push(if lo == hi {
            code.equal(&Term::int(i64::from(lo)))
        } else {
            Term::and([
                code.greater_eq(&Term::int(i64::from(lo))),
                code.less_eq(&Term::int(i64::from(hi))),
            ])
        });
        i += 1;
    }
    Some(Term::or(ranges))
}

/// An equivalent term in which every integer division and remainder is
/// Euclidean. Where the divisor is zero both forms are unspecified; callers
/// guard division by zero with a branch.
pub fn lower_division(t: &Term) -> Term {
    t.rewrite(division)
}

/// A non-Euclidean division or remainder node (with its rewritten
/// arguments) as Euclid's; `None` for any other node.
fn division(node: &Term, args: &[Term]) -> Option<Term> {
    match node.op() {
        Op::IntDiv(r) if *r != Rounding::Euclid => Some(quotient(&args[0], &args[1], *r)),
        Op::IntMod(r) if *r != Rounding::Euclid => {
            let q = quotient(&args[0], &args[1], *r);
            Some(args[0].minus(&args[1].times(&q)))
        }
        _ => None,
    }
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
    fn membership_of_a_character_is_ranges_of_its_code() {
        let s = Var::new(0, "s", Sort::Str);
        let n = Var::new(1, "n", Sort::Int);
        let hay = Term::string("abcdxz-0123456789");
        let at = Term::var(s.clone()).str_at(&Term::var(n.clone()));
        let t = hay.str_contains(&at);
        let lowered = lower(&t);
        assert!(!format!("{lowered}").contains(" in "), "{lowered}");
        for text in ["", "a", "z", "y", "-", "5", " ", "\u{e9}", "ab9Q"] {
            for i in -1..5 {
                let mut m = Model::new();
                m.insert(&s, Value::str(text));
                m.insert(&n, Value::int(i));
                assert_eq!(t.eval(&m), lowered.eval(&m), "{text:?}[{i}]");
            }
        }
        // Anything else keeps `str.contains`.
        let word = Term::var(s.clone());
        assert_eq!(lower(&hay.str_contains(&word)), hay.str_contains(&word));
    }

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
