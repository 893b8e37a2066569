//! The propositional side of Gymbo's `-p` mode: the Boolean skeleton of a
//! query (theory atoms as propositional variables, Tseitin-encoded), a small
//! DPLL search over it, and the shrinking of a found assignment to the atoms
//! that matter.

use symtest_term::fxhash::FxHashMap;
use symtest_term::{Op, Sort, Term, postorder};

/// A literal: variable `v` as `2v` (positive) or `2v + 1` (negative).
pub(crate) type Lit = u32;

pub(crate) fn lit(var: u32, positive: bool) -> Lit {
    2 * var + u32::from(!positive)
}

fn negate(l: Lit) -> Lit {
    l ^ 1
}

fn is_positive(l: Lit) -> bool {
    l & 1 == 0
}

fn var_of(l: Lit) -> usize {
    (l / 2) as usize
}

/// The Boolean skeleton of a conjunction.
pub(crate) struct Skeleton {
    /// Theory atoms (comparisons, Boolean variables); atom `i` is propositional variable `i`.
    pub(crate) atoms: Vec<Term>,
    pub(crate) clauses: Vec<Vec<Lit>>,
    pub(crate) num_vars: u32,
}

impl Skeleton {
    pub(crate) fn build(constraints: &[Term]) -> Skeleton {
        let nodes = postorder(constraints);
        let mut sk = Skeleton {
            atoms: Vec::new(),
            clauses: Vec::new(),
            num_vars: 0,
        };
        // Atoms first, so that their variables are 0..atoms.len().
        for t in &nodes {
            if is_atom(t) {
                sk.atoms.push(t.clone());
            }
        }
        sk.num_vars = u32::try_from(sk.atoms.len()).unwrap_or(u32::MAX);
        let mut lit_of: FxHashMap<u64, Lit> = FxHashMap::default();
        for (i, a) in sk.atoms.iter().enumerate() {
            lit_of.insert(a.id(), lit(i as u32, true));
        }
        for t in &nodes {
            if t.sort() != Sort::Bool || lit_of.contains_key(&t.id()) {
                continue;
            }
            let Some(kids) = t
                .args()
                .iter()
                .map(|a| lit_of.get(&a.id()).copied())
                .collect::<Option<Vec<Lit>>>()
            else {
                continue;
            };
            let l = match t.op() {
                Op::Const(v) => {
                    let x = sk.fresh();
                    sk.clauses.push(vec![lit(x, v.as_bool().unwrap_or(false))]);
                    lit(x, true)
                }
                Op::Not => negate(kids[0]),
                Op::And => {
                    let x = lit(sk.fresh(), true);
                    for k in &kids {
                        sk.clauses.push(vec![negate(x), *k]);
                    }
                    let mut big: Vec<Lit> = kids.iter().map(|k| negate(*k)).collect();
                    big.push(x);
                    sk.clauses.push(big);
                    x
                }
                Op::Or => {
                    let x = lit(sk.fresh(), true);
                    for k in &kids {
                        sk.clauses.push(vec![x, negate(*k)]);
                    }
                    let mut big = kids.clone();
                    big.push(negate(x));
                    sk.clauses.push(big);
                    x
                }
                Op::Eq => {
                    let (a, b) = (kids[0], kids[1]);
                    let x = lit(sk.fresh(), true);
                    sk.clauses.push(vec![negate(x), negate(a), b]);
                    sk.clauses.push(vec![negate(x), a, negate(b)]);
                    sk.clauses.push(vec![x, a, b]);
                    sk.clauses.push(vec![x, negate(a), negate(b)]);
                    x
                }
                Op::Ite => {
                    let (c, a, b) = (kids[0], kids[1], kids[2]);
                    let x = lit(sk.fresh(), true);
                    sk.clauses.push(vec![negate(x), negate(c), a]);
                    sk.clauses.push(vec![negate(x), c, b]);
                    sk.clauses.push(vec![x, negate(c), negate(a)]);
                    sk.clauses.push(vec![x, c, negate(b)]);
                    x
                }
                _ => continue,
            };
            lit_of.insert(t.id(), l);
        }
        for c in constraints {
            if let Some(l) = lit_of.get(&c.id()) {
                sk.clauses.push(vec![*l]);
            }
        }
        sk
    }

    fn fresh(&mut self) -> u32 {
        self.num_vars += 1;
        self.num_vars - 1
    }

    /// A satisfying assignment of every variable, or `None` when the clauses
    /// are unsatisfiable.
    pub(crate) fn solve(&self) -> Option<Vec<bool>> {
        Dpll::new(self.num_vars as usize, &self.clauses).run()
    }
}

/// A theory atom: a comparison between numbers, or a Boolean variable.
fn is_atom(t: &Term) -> bool {
    match t.op() {
        Op::Lt | Op::Le => true,
        Op::StrLt | Op::StrLe | Op::StrContains | Op::StrPrefixOf | Op::StrSuffixOf => true,
        Op::Eq => t.args()[0].sort() != Sort::Bool,
        Op::Var(v) => v.sort == Sort::Bool,
        _ => false,
    }
}

/// Chronological-backtracking DPLL with unit propagation. Queries here have
/// at most a few hundred atoms, where this is instant.
struct Dpll<'c> {
    clauses: &'c [Vec<Lit>],
    value: Vec<Option<bool>>,
    /// Assigned literals in order, each with whether it was a decision still
    /// to be flipped.
    trail: Vec<(Lit, bool)>,
}

impl<'c> Dpll<'c> {
    fn new(n: usize, clauses: &'c [Vec<Lit>]) -> Dpll<'c> {
        Dpll {
            clauses,
            value: vec![None; n],
            trail: Vec::new(),
        }
    }

    fn lit_value(&self, l: Lit) -> Option<bool> {
        self.value[var_of(l)].map(|v| v == is_positive(l))
    }

    fn assign(&mut self, l: Lit, decision: bool) {
        self.value[var_of(l)] = Some(is_positive(l));
        self.trail.push((l, decision));
    }

    /// Unit propagation to a fixpoint; false on a conflict.
    fn propagate(&mut self) -> bool {
        loop {
            let mut changed = false;
            for c in self.clauses {
                let mut unassigned = None;
                let mut open = 0;
                let mut satisfied = false;
                for l in c {
                    match self.lit_value(*l) {
                        Some(true) => {
                            satisfied = true;
                            break;
                        }
                        Some(false) => {}
                        None => {
                            open += 1;
                            unassigned = Some(*l);
                        }
                    }
                }
                if satisfied {
                    continue;
                }
                match (open, unassigned) {
                    (0, _) => return false,
                    (1, Some(l)) => {
                        self.assign(l, false);
                        changed = true;
                    }
                    _ => {}
                }
            }
            if !changed {
                return true;
            }
        }
    }

    /// Undoes the trail back to the last unflipped decision and flips it;
    /// false when there is none left (the search space is exhausted).
    fn backtrack(&mut self) -> bool {
        while let Some((l, decision)) = self.trail.pop() {
            self.value[var_of(l)] = None;
            if decision {
                self.assign(negate(l), false);
                return true;
            }
        }
        false
    }

    fn run(mut self) -> Option<Vec<bool>> {
        loop {
            if !self.propagate() {
                if !self.backtrack() {
                    return None;
                }
                continue;
            }
            match self.value.iter().position(Option::is_none) {
                Some(v) => self.assign(lit(v as u32, true), true),
                None => return Some(self.value.iter().map(|v| v.unwrap_or(false)).collect()),
            }
        }
    }
}

/// Three-valued truth of a Boolean term when only some atoms are known.
pub(crate) fn partial_truth(t: &Term, atom_value: &dyn Fn(&Term) -> Option<bool>) -> Option<bool> {
    if let Some(v) = atom_value(t) {
        return Some(v);
    }
    let args = t.args();
    match t.op() {
        Op::Const(v) => v.as_bool(),
        Op::Not => partial_truth(&args[0], atom_value).map(|b| !b),
        Op::And | Op::Or => {
            // One operand at `decisive` (false for `and`, true for `or`)
            // decides; otherwise an unknown operand leaves it unknown.
            let decisive = matches!(t.op(), Op::Or);
            let mut all = Some(!decisive);
            for a in args {
                match partial_truth(a, atom_value) {
                    Some(v) if v == decisive => return Some(decisive),
                    None => all = None,
                    Some(_) => {}
                }
            }
            all
        }
        Op::Eq if args[0].sort() == Sort::Bool => {
            let a = partial_truth(&args[0], atom_value)?;
            let b = partial_truth(&args[1], atom_value)?;
            Some(a == b)
        }
        Op::Ite if t.sort() == Sort::Bool => match partial_truth(&args[0], atom_value) {
            Some(true) => partial_truth(&args[1], atom_value),
            Some(false) => partial_truth(&args[2], atom_value),
            None => {
                let a = partial_truth(&args[1], atom_value)?;
                let b = partial_truth(&args[2], atom_value)?;
                (a == b).then_some(a)
            }
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use symtest_term::Var;

    #[test]
    fn finds_assignments_and_detects_contradictions() {
        let a = Term::var(Var::new(0, "a", Sort::Int));
        let p = a.less(&Term::int(3));
        let q = Term::int(4).less(&a);
        let sk = Skeleton::build(&[Term::or([p.clone(), q.clone()]), !&p]);
        let model = sk.solve().unwrap();
        let idx = |t: &Term| sk.atoms.iter().position(|x| x == t).unwrap();
        assert!(!model[idx(&p)]);
        assert!(model[idx(&q)]);
        // p && (p -> q) && !q has no propositional model.
        let sk = Skeleton::build(&[p.clone(), Term::or([!&p, q.clone()]), !&q]);
        assert!(sk.solve().is_none());
    }

    #[test]
    fn partial_truth_ignores_irrelevant_atoms() {
        let a = Term::var(Var::new(0, "a", Sort::Int));
        let p = a.less(&Term::int(3));
        let q = Term::int(4).less(&a);
        let f = Term::or([p.clone(), q.clone()]);
        let only_p = |t: &Term| (*t == p).then_some(true);
        assert_eq!(partial_truth(&f, &only_p), Some(true));
        let none = |_: &Term| None;
        assert_eq!(partial_truth(&f, &none), None);
    }
}
