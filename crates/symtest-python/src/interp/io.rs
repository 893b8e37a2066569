//! The state of a whole program's standard input and output in one run:
//! the lines read so far, what each string handed out stands for, and what
//! was printed. The reads themselves (`stdin`) are methods of the
//! interpreter; this module knows nothing of it.

use std::cell::RefCell;
use std::rc::Rc;

use num_bigint::BigInt;
use symtest_term::Term;

use crate::fxhash::FxHashMap;
use crate::stdin::{Shape, Slot, StdinOptions};
use crate::value::Val;

/// What a string handed out stands for.
#[derive(Clone, Copy, Debug)]
pub(super) enum Mark {
    /// Line `i`, whole.
    Line(usize),
    /// Lines `a..b`, as one text (a read to the end).
    Block(usize, usize),
    /// Token `j` of line `i`.
    Tok(usize, usize),
}

/// One token of a row.
#[derive(Clone, Debug)]
pub(super) struct Tok {
    pub(super) text: Rc<str>,
    /// The number it stands for, with its variable (ints and floats).
    pub(super) num: Option<Val>,
    /// Its variable as text (words).
    pub(super) shadow: Option<Term>,
}

/// One line read.
#[derive(Clone, Debug)]
pub(super) struct LineRec {
    pub(super) slot: Slot,
    pub(super) text: Rc<str>,
    /// The line as handed out (without its newline).
    pub(super) val: Val,
    /// Its tokens, once it was split or made as a row.
    pub(super) toks: Option<Vec<Tok>>,
    /// The token count's term, when it is not a constant.
    pub(super) count: Option<Term>,
    /// The program split it (or read a number from it).
    pub(super) split: bool,
}

/// Standard input and output of one run.
pub(crate) struct Io {
    pub(super) shape: Rc<RefCell<Shape>>,
    /// The example being replayed, by line (`None`: lines come from the
    /// explorer's variables).
    pub(super) seed: Option<Rc<[String]>>,
    pub(super) opts: StdinOptions,
    pub(super) lines: Vec<LineRec>,
    pub(super) marks: FxHashMap<usize, (Rc<str>, Mark)>,
    /// The latest number read at each token position: its line, value and term.
    pub(super) recent: FxHashMap<(Slot, u32), (usize, BigInt, Term)>,
    /// Everything printed to standard output.
    pub(crate) out: String,
    /// The line-count term of each read to the end, by its first line.
    pub(super) rest_terms: FxHashMap<usize, Term>,
    /// A read to the end happened: nothing more comes.
    pub(super) drained: bool,
}

impl Io {
    pub(crate) fn new(
        shape: Rc<RefCell<Shape>>,
        seed: Option<Rc<[String]>>,
        opts: StdinOptions,
    ) -> Io {
        Io {
            shape,
            seed,
            opts,
            lines: Vec::new(),
            marks: FxHashMap::default(),
            recent: FxHashMap::default(),
            out: String::new(),
            rest_terms: FxHashMap::default(),
            drained: false,
        }
    }

    /// The standard input this run read, as a file's text.
    pub(crate) fn stdin_text(&self) -> String {
        let mut s = String::new();
        for l in &self.lines {
            s.push_str(&l.text);
            s.push('\n');
        }
        s
    }

    /// Teaches the shape what this run showed: which lines were split, and
    /// (replaying an example) the text of the lines that were not.
    pub(crate) fn learn(&self) {
        let mut shape = self.shape.borrow_mut();
        for l in &self.lines {
            let e = shape.split.entry(l.slot).or_insert(l.split);
            *e |= l.split;
            if self.seed.is_some() && !l.split {
                shape.saw_text((l.slot, u32::MAX), &l.text);
            }
        }
    }

    /// The input this run replayed with `change` made to every number
    /// that has a stated lower bound (`change(value, bound)`; a number that
    /// gave a row's token count is kept); `None` when nothing changed.
    /// Examples often show positive numbers only where zero or negative
    /// ones are allowed, and a program need not branch on the sign for a
    /// wrong one to get it wrong.
    pub(crate) fn variant(
        &self,
        change: fn(&BigInt, &BigInt) -> Option<BigInt>,
    ) -> Option<Vec<String>> {
        let seed = self.seed.as_ref()?;
        let shape = self.shape.borrow();
        let mut changed = false;
        let mut out: Vec<String> = Vec::with_capacity(seed.len());
        for (i, text) in seed.iter().enumerate() {
            let Some(l) = self.lines.get(i).filter(|l| l.split) else {
                out.push(text.clone());
                continue;
            };
            let mut words = Vec::new();
            for (j, w) in text.split_whitespace().enumerate() {
                let j = u32::try_from(j).unwrap_or(u32::MAX);
                let lo = shape.stated_at(l.slot, j).and_then(|s| s.lo.clone());
                let count = shape.links.values().any(|ps| ps.contains(&(l.slot, j)));
                match (w.parse::<BigInt>(), lo) {
                    (Ok(v), Some(lo)) if !count => match change(&v, &lo) {
                        Some(n) => {
                            changed |= n != v;
                            words.push(n.to_string());
                        }
                        None => words.push(w.to_string()),
                    },
                    _ => words.push(w.to_string()),
                }
            }
            out.push(words.join(" "));
        }
        changed.then_some(out)
    }

    /// The input this run replayed with every row whose token count an
    /// earlier number gives grown to `n` tokens (its own tokens repeated)
    /// and that number made `n` (at most its stated upper bound); `None`
    /// when no row is so linked or nothing changed. Exploration keeps rows
    /// short; a branch on a large count (`if n >= 10`) is reached from here.
    pub(crate) fn grown(&self, n: u32) -> Option<Vec<String>> {
        let seed = self.seed.as_ref()?;
        let shape = self.shape.borrow();
        let mut out: Vec<Vec<String>> = seed
            .iter()
            .map(|t| t.split_whitespace().map(str::to_string).collect())
            .collect();
        let mut changed = vec![false; out.len()];
        for (i, l) in self.lines.iter().enumerate().filter(|(_, l)| l.split) {
            let Some(&[(cslot, cj)]) = shape.links.get(&l.slot).map(Vec::as_slice) else {
                continue;
            };
            let Some(k) = (0..i)
                .rev()
                .find(|&k| self.lines[k].slot == cslot && out[k].len() > cj as usize)
            else {
                continue;
            };
            let hi = shape
                .stated_at(cslot, cj)
                .and_then(|s| s.hi.as_ref())
                .and_then(num_traits::ToPrimitive::to_u32)
                .map_or(n, |hi| hi.min(n));
            let row = &out[i];
            if row.is_empty() || hi == 0 || row.len() == hi as usize {
                continue;
            }
            let grown: Vec<String> = row.iter().cycle().take(hi as usize).cloned().collect();
            out[i] = grown;
            out[k][cj as usize] = hi.to_string();
            changed[i] = true;
            changed[k] = true;
        }
        changed.contains(&true).then(|| {
            out.iter()
                .zip(seed.iter())
                .zip(changed)
                .map(|((words, text), c)| if c { words.join(" ") } else { text.clone() })
                .collect()
        })
    }

    pub(super) fn mark(&mut self, v: &Val, m: Mark) {
        if let Val::Str(s, _) = v {
            self.marks
                .insert(Rc::as_ptr(s) as *const u8 as usize, (s.clone(), m));
        }
    }

    pub(super) fn mark_of(&self, v: &Val) -> Option<Mark> {
        match v {
            Val::Str(s, _) => self
                .marks
                .get(&(Rc::as_ptr(s) as *const u8 as usize))
                .filter(|(kept, _)| Rc::ptr_eq(kept, s))
                .map(|(_, m)| *m),
            _ => None,
        }
    }
}
