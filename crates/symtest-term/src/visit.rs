//! Traversals over the term DAG that visit each shared node once and never
//! recurse, so arbitrarily deep terms are safe.

use crate::fxhash::{FxHashMap, FxHashSet};
use crate::term::{Term, Var};

/// Every distinct node reachable from `roots`, children before parents.
pub fn postorder(roots: &[Term]) -> Vec<Term> {
    let mut out = Vec::new();
    let mut done: FxHashSet<u64> = FxHashSet::default();
    let mut stack: Vec<(Term, bool)> = roots.iter().rev().map(|t| (t.clone(), false)).collect();
    while let Some((t, expanded)) = stack.pop() {
        if done.contains(&t.id()) {
            continue;
        }
        if expanded {
            done.insert(t.id());
            out.push(t);
        } else {
            stack.push((t.clone(), true));
            for a in t.args().iter().rev() {
                if !done.contains(&a.id()) {
                    stack.push((a.clone(), false));
                }
            }
        }
    }
    out
}

/// The variables of `terms`, each once, ordered by index.
pub fn vars_of(terms: &[Term]) -> Vec<Var> {
    let mut vars: Vec<Var> = postorder(terms)
        .iter()
        .filter_map(|t| t.as_var().cloned())
        .collect();
    vars.sort();
    vars.dedup_by(|a, b| a.index == b.index);
    vars
}

impl Term {
    /// The variables of this term, each once, ordered by index.
    pub fn vars(&self) -> Vec<Var> {
        vars_of(std::slice::from_ref(self))
    }

    /// Rebuilds the term bottom-up: `f` gets each node with its already
    /// rewritten children and returns the replacement (or `None` to rebuild the
    /// node unchanged from the new children).
    pub fn rewrite(&self, mut f: impl FnMut(&Term, &[Term]) -> Option<Term>) -> Term {
        let mut done: FxHashMap<u64, Term> = FxHashMap::default();
        for node in postorder(std::slice::from_ref(self)) {
            let args: Vec<Term> = node
                .args()
                .iter()
                .map(|a| done.get(&a.id()).cloned().unwrap_or_else(|| a.clone()))
                .collect();
            let new = match f(&node, &args) {
                Some(t) => t,
                None if args.iter().zip(node.args()).all(|(x, y)| x == y) => node.clone(),
                None => node.with_args(args),
            };
            done.insert(node.id(), new);
        }
        done.remove(&self.id()).unwrap_or_else(|| self.clone())
    }

    /// Replaces variables by terms (those not in `map` stay).
    pub fn substitute(&self, map: &FxHashMap<u32, Term>) -> Term {
        self.rewrite(|node, _| node.as_var().and_then(|v| map.get(&v.index).cloned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{Sort, Value};

    #[test]
    fn postorder_visits_shared_nodes_once() {
        let x = Term::var(Var::new(0, "x", Sort::Int));
        let s = &x + &Term::int(1);
        let t = s.times(&s);
        let order = postorder(std::slice::from_ref(&t));
        assert_eq!(order.last(), Some(&t));
        let count = order.iter().filter(|n| **n == s).count();
        assert_eq!(count, 1);
    }

    #[test]
    fn substitution_resimplifies() {
        let x = Term::var(Var::new(0, "x", Sort::Int));
        let y = Term::var(Var::new(1, "y", Sort::Int));
        let t = (&x + &y).less(&Term::int(10));
        let mut map = FxHashMap::default();
        map.insert(0, Term::int(3));
        map.insert(1, Term::int(4));
        assert_eq!(t.substitute(&map).as_const(), Some(&Value::Bool(true)));
        assert_eq!(t.vars().len(), 2);
    }
}
