//! What a whole program does with what it read, as hints for the inputs
//! it is given: the variables it stores numbers in (where the statement's
//! bounds then hold) and the constants it compares words with.

use std::rc::Rc;

use symtest_term::Term;

use super::state::Interp;
use crate::value::Val;

impl Interp<'_> {
    /// Records that the program compared a word read from standard input
    /// (its variable `t`) with the constant `word`.
    #[cold]
    #[inline(never)]
    pub(crate) fn note_stdin_compare(&mut self, t: &Term, word: &str) {
        let Some(io) = self.io.as_deref_mut() else {
            return;
        };
        if let Some(var) = t.as_var()
            && let Some((_, j)) = var.name.strip_prefix('L').and_then(|r| r.split_once('.'))
            && let Ok(j) = j.parse::<u32>()
        {
            io.shape.borrow_mut().saw_compared(j, word);
        }
    }

    /// Records the variable `name` the program stores numbers read from
    /// standard input in (`n, m = map(int, ...)`, `a = [int(x) for ...]`,
    /// one level of nesting deep): the statement's bounds on that name then
    /// hold for those token positions.
    #[cold]
    #[inline(never)]
    pub(crate) fn name_stdin_numbers(&mut self, name: &Rc<str>, v: &Val) {
        let Some(io) = self.io.as_deref_mut() else {
            return;
        };
        if io.shape.borrow().stated.is_empty() {
            return;
        }
        let mut found = Vec::new();
        token_positions(v, 2, &mut found);
        let mut shape = io.shape.borrow_mut();
        for (i, j) in found {
            if let Some(rec) = io.lines.get(i) {
                shape.name_position((rec.slot, j), name);
            }
        }
    }
}

/// The lines and token indices (`L{i}.{j}`) of the numbers in `v` that are
/// still an input variable, looking `depth` containers deep (a few dozen
/// items each at most).
fn token_positions(v: &Val, depth: u32, out: &mut Vec<(usize, u32)>) {
    const MOST: usize = 64;
    match v {
        Val::Int(_, Some(t)) => {
            if let Some(var) = t.as_var()
                && let Some((i, j)) = var.name.strip_prefix('L').and_then(|r| r.split_once('.'))
                && let (Ok(i), Ok(j)) = (i.parse::<usize>(), j.parse::<u32>())
            {
                out.push((i, j));
            }
        }
        Val::List(l) if depth > 0 => {
            for x in l.borrow().items.iter().take(MOST) {
                token_positions(x, depth - 1, out);
            }
        }
        Val::Tuple(t) if depth > 0 => {
            for x in t.items.iter().take(MOST) {
                token_positions(x, depth - 1, out);
            }
        }
        _ => {}
    }
}
