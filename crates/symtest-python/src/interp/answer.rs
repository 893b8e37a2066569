//! A comparison's answer: its concrete truth and, when an operand is
//! symbolic, the Bool term that is true exactly when the answer is; and how
//! answers combine.

use symtest_term::Term;

/// The concrete truth, and the term when any operand was symbolic.
pub(crate) type Answer = (bool, Option<Term>);

pub(crate) fn not(a: Answer) -> Answer {
    (!a.0, a.1.map(|t| !&t))
}

/// `and` of answers: concrete conjunction, term when any is symbolic.
pub(crate) fn all_of(parts: Vec<Answer>) -> Answer {
    let value = parts.iter().all(|p| p.0);
    (value, joined(parts, Term::and))
}

/// `or` of answers: concrete disjunction, term when any is symbolic.
pub(crate) fn any_of(parts: Vec<Answer>) -> Answer {
    let value = parts.iter().any(|p| p.0);
    (value, joined(parts, Term::or))
}

/// The parts' terms joined by `join` (a concrete part as its constant);
/// `None` when every part is concrete.
fn joined(parts: Vec<Answer>, join: fn(Vec<Term>) -> Term) -> Option<Term> {
    let symbolic = parts.iter().any(|p| p.1.is_some());
    symbolic.then(|| {
        join(
            parts
                .into_iter()
                .map(|(b, t)| t.unwrap_or_else(|| Term::bool(b)))
                .collect(),
        )
    })
}

/// Strings `x` and `y` as terms (their shadows `s` and `t`, else
/// constants), when either is symbolic.
pub(crate) fn str_terms(
    x: &str,
    s: Option<&Term>,
    y: &str,
    t: Option<&Term>,
) -> Option<(Term, Term)> {
    if s.is_none() && t.is_none() {
        return None;
    }
    let p = s.cloned().unwrap_or_else(|| Term::string(x));
    let q = t.cloned().unwrap_or_else(|| Term::string(y));
    Some((p, q))
}
