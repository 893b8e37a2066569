//! Standard input as a symbolic input: what a whole program reads
//! (`input()`, `sys.stdin.readline()`, `sys.stdin.read()`, iteration over
//! `sys.stdin`) is made of lines, each either one piece of text or a row of
//! tokens (ints, floats or words), and each token's value is an explorer
//! variable. The shape (which lines are rows, how many tokens, of which
//! kind) follows how the program reads: a [`Shape`] learns it from the
//! dataset's example inputs and from every run, and a row's length is tied
//! to the earlier number that gave it in every example (`n`, then `n`
//! numbers), so generated inputs are well-formed by construction.
//!
//! Variables are named by line: `L3` (line 3 as text), `L3.n` (its token
//! count), `L3.1` (its second token), `L3.rest` (how many lines a read to
//! the end found from line 3 on).

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use num_bigint::BigInt;
use symtest_term::Value;

use crate::fxhash::FxHashMap;
use crate::sites::SiteId;
use crate::statement::Stated;

/// Bounds on generated standard inputs.
#[derive(Clone, Debug)]
pub struct StdinOptions {
    /// Most tokens on one line (a row whose length an earlier number gives
    /// is held to this too).
    pub max_tokens: u32,
    /// Most lines a read to the end (`sys.stdin.read()`) finds.
    pub max_lines: u32,
    /// Numbers are kept within `-bound..=bound` unless the examples are
    /// larger.
    pub int_bound: i64,
    /// Longest piece of text (a line read as text, or a word).
    pub max_text: u32,
    /// Also explore from each example with its count-linked rows grown to
    /// `max_tokens` tokens (see `with_max_tokens`).
    pub grow: bool,
}

impl Default for StdinOptions {
    fn default() -> Self {
        StdinOptions {
            max_tokens: 6,
            max_lines: 6,
            int_bound: 1000,
            max_text: 8,
            grow: false,
        }
    }
}

impl StdinOptions {
    /// The default sizes with at most `n` tokens on a line and `n` lines in
    /// a read to the end, and each example grown to rows of `n` tokens as a
    /// seed too (`symtest gen --max-tokens`).
    pub fn with_max_tokens(n: u32) -> StdinOptions {
        StdinOptions {
            max_tokens: n,
            max_lines: n,
            grow: true,
            ..StdinOptions::default()
        }
    }
}

/// What a token holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Int,
    Float,
    Word,
}

impl Kind {
    /// The kind a token's text looks like.
    pub(crate) fn of_text(tok: &str) -> Kind {
        let digits = tok.strip_prefix('-').unwrap_or(tok);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            Kind::Int
        } else if tok.parse::<f64>().is_ok_and(f64::is_finite)
            && tok.bytes().any(|b| b.is_ascii_digit())
        {
            Kind::Float
        } else {
            Kind::Word
        }
    }

    /// The wider of two kinds seen at one place (a word where a number was
    /// is a word; a float where an int was is a float).
    fn join(self, other: Kind) -> Kind {
        match (self, other) {
            (Kind::Word, _) | (_, Kind::Word) => Kind::Word,
            (Kind::Float, _) | (_, Kind::Float) => Kind::Float,
            _ => Kind::Int,
        }
    }
}

/// Where a line is read: the reading call's site, and for a read to the
/// end, the line's place in what it read (0 for `input()`).
pub(crate) type Slot = (SiteId, u32);

/// The characters of text seen at one place: a code-point range and
/// whether it was ever empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TextClass {
    pub lo: u32,
    pub hi: u32,
    pub min_len: u32,
}

impl TextClass {
    /// Lower-case letters, at least one: what most statements' strings are.
    pub(crate) const DEFAULT: TextClass = TextClass {
        lo: 'a' as u32,
        hi: 'z' as u32,
        min_len: 1,
    };

    /// The narrowest usual class holding every character of `text`.
    fn of_text(text: &str) -> TextClass {
        let classes = [('a', 'z'), ('A', 'Z'), ('0', '9'), ('!', '~')];
        let (lo, hi) = classes
            .iter()
            .find(|(lo, hi)| text.chars().all(|c| (*lo..=*hi).contains(&c)))
            .copied()
            .unwrap_or((' ', '~'));
        TextClass {
            lo: lo as u32,
            hi: hi as u32,
            min_len: u32::try_from(text.chars().count())
                .unwrap_or(u32::MAX)
                .min(1),
        }
    }

    fn join(self, other: TextClass) -> TextClass {
        if self == other {
            return self;
        }
        let lo = self.lo.min(other.lo);
        let hi = self.hi.max(other.hi);
        let (lo, hi) = if lo >= '!' as u32 && hi <= '~' as u32 && (hi - lo) > 25 {
            ('!' as u32, '~' as u32)
        } else {
            (lo, hi)
        };
        TextClass {
            lo,
            hi,
            min_len: self.min_len.min(other.min_len),
        }
    }
}

/// The input's shape as learnt so far, shared by every run of one
/// exploration.
#[derive(Clone, Debug, Default)]
pub struct Shape {
    /// Whether the lines read at a slot are split into tokens (else text).
    pub(crate) split: FxHashMap<Slot, bool>,
    /// The kind of each token position of the rows read at a slot.
    pub(crate) kinds: BTreeMap<(Slot, u32), Kind>,
    /// Token counts the examples had at a slot: smallest and largest.
    pub(crate) counts: FxHashMap<Slot, (u32, u32)>,
    /// The number tokens (slot, position) whose latest value was a row's
    /// token count at that slot in every example (`None`: no example split
    /// a row there yet).
    pub(crate) links: FxHashMap<Slot, Vec<(Slot, u32)>>,
    /// The smallest number the examples had at a token position.
    pub(crate) int_min: FxHashMap<(Slot, u32), BigInt>,
    /// The largest number the examples had at a token position.
    pub(crate) int_max: FxHashMap<(Slot, u32), BigInt>,
    /// The characters of text the examples had at a slot (position
    /// `u32::MAX` for a line read as text).
    pub(crate) text: FxHashMap<(Slot, u32), TextClass>,
    /// Lines a read to the end found in the examples: smallest and largest.
    pub(crate) rest: FxHashMap<SiteId, (u32, u32)>,
    /// Bounds the problem statement gives (`1 ≤ n ≤ 100`).
    pub(crate) stated: Vec<Stated>,
    /// Which of `stated` hold at some token position.
    pub(crate) applied: Vec<bool>,
    /// The program variable a number token position was stored in.
    pub(crate) names: BTreeMap<(Slot, u32), Rc<str>>,
    /// The words the examples had as token `j` of a row (any line).
    pub(crate) vocab: BTreeMap<u32, BTreeSet<String>>,
    /// The constant strings the program compared token `j` of a row with.
    pub(crate) compared: BTreeMap<u32, BTreeSet<String>>,
}

/// Most words kept per token position (examples' and compared).
const MOST_WORDS: usize = 16;

impl Shape {
    /// The kind of token `pos` of a row read at `slot`: the one seen there,
    /// else the last position's seen before it (rows are alike), else int.
    pub(crate) fn kind(&self, slot: Slot, pos: u32) -> Kind {
        self.kinds
            .range((slot, 0)..=(slot, pos))
            .next_back()
            .map(|(_, k)| *k)
            .unwrap_or(Kind::Int)
    }

    /// Where the facts about token `pos` at `slot` are kept: its own
    /// position when seen, else the last seen before it.
    pub(crate) fn nearest(&self, slot: Slot, pos: u32) -> (Slot, u32) {
        self.kinds
            .range((slot, 0)..=(slot, pos))
            .next_back()
            .map(|(k, _)| *k)
            .unwrap_or((slot, pos))
    }

    /// The statement's bound on token `pos` at `slot`: the one naming the
    /// variable the program stored it in (or the token before it on its
    /// row, rows being alike).
    pub(crate) fn stated_at(&self, slot: Slot, pos: u32) -> Option<&Stated> {
        let name = self.names.range((slot, 0)..=(slot, pos)).next_back()?.1;
        self.stated.iter().find(|s| s.bounds(name))
    }

    /// Records that the program stored token `at` in variable `name`.
    pub(crate) fn name_position(&mut self, at: (Slot, u32), name: &Rc<str>) {
        if self.stated.is_empty() || self.names.contains_key(&at) {
            return;
        }
        self.names.insert(at, name.clone());
        if let Some(k) = self.stated.iter().position(|s| s.bounds(name)) {
            self.applied.resize(self.stated.len(), false);
            self.applied[k] = true;
        }
    }

    /// The statement's bounds, each with whether it held at some token.
    pub fn stated(&self) -> Vec<(Stated, bool)> {
        self.stated
            .iter()
            .enumerate()
            .map(|(k, s)| (s.clone(), self.applied.get(k).copied().unwrap_or(false)))
            .collect()
    }

    /// The words token `j` of a row may be, when it is a keyword: the
    /// program compares it with constants and some example's word there is
    /// one of them (`push x` / `pop` / `top`). Then a generated input uses
    /// only the examples' words there and those constants, never one the
    /// statement does not allow.
    pub(crate) fn keywords(&self, j: u32) -> Option<Vec<String>> {
        let seen = self.vocab.get(&j)?;
        let compared = self.compared.get(&j)?;
        if seen.is_disjoint(compared) {
            return None;
        }
        Some(seen.union(compared).cloned().collect())
    }

    /// Records that the program compared token `j` of a row with `word`.
    pub(crate) fn saw_compared(&mut self, j: u32, word: &str) {
        let e = self.compared.entry(j).or_default();
        if e.len() < MOST_WORDS {
            e.insert(word.to_string());
        }
    }

    /// Records a token the examples had.
    pub(crate) fn saw_token(&mut self, slot: Slot, pos: u32, text: &str) {
        let k = Kind::of_text(text);
        let e = self.kinds.entry((slot, pos)).or_insert(k);
        *e = e.join(k);
        if k == Kind::Int
            && let Ok(v) = text.parse::<BigInt>()
        {
            let lo = self.int_min.entry((slot, pos)).or_insert_with(|| v.clone());
            if v < *lo {
                *lo = v.clone();
            }
            let hi = self.int_max.entry((slot, pos)).or_insert_with(|| v.clone());
            if v > *hi {
                *hi = v;
            }
        }
        if k == Kind::Word {
            self.saw_text((slot, pos), text);
            let e = self.vocab.entry(pos).or_default();
            if e.len() < MOST_WORDS {
                e.insert(text.to_string());
            }
        }
    }

    /// Records text the examples had at a place.
    pub(crate) fn saw_text(&mut self, at: (Slot, u32), text: &str) {
        let c = TextClass::of_text(text);
        let e = self.text.entry(at).or_insert(c);
        *e = e.join(c);
    }

    /// Records a row's token count in an example, and which earlier numbers
    /// equalled it.
    pub(crate) fn saw_count(&mut self, slot: Slot, count: u32, equal: Vec<(Slot, u32)>) {
        let e = self.counts.entry(slot).or_insert((count, count));
        e.0 = e.0.min(count);
        e.1 = e.1.max(count);
        match self.links.get_mut(&slot) {
            None => {
                self.links.insert(slot, equal);
            }
            Some(prev) => prev.retain(|k| equal.contains(k)),
        }
    }

    /// Records how many lines a read to the end found in an example.
    pub(crate) fn saw_rest(&mut self, site: SiteId, lines: u32) {
        let e = self.rest.entry(site).or_insert((lines, lines));
        e.0 = e.0.min(lines);
        e.1 = e.1.max(lines);
    }
}

/// The explorer's named values standing for an example input, under the
/// names a run reading it asks for (every token under its int, float and
/// word readings, so whichever a run asks for is there).
pub fn stdin_seed(text: &str) -> FxHashMap<String, Value> {
    let mut out = FxHashMap::default();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        out.insert(format!("L{i}"), Value::str(line));
        let toks: Vec<&str> = line.split_whitespace().collect();
        out.insert(format!("L{i}.n"), Value::int(toks.len() as i64));
        out.insert(format!("L{i}.rest"), Value::int((lines.len() - i) as i64));
        for (j, t) in toks.iter().enumerate() {
            let name = format!("L{i}.{j}");
            match Kind::of_text(t) {
                Kind::Int => {
                    if let Ok(v) = t.parse::<BigInt>() {
                        out.insert(name, Value::Int(v));
                    }
                }
                Kind::Float => {
                    if let Some(r) = t.parse::<f64>().ok().and_then(Value::real_from_f64) {
                        out.insert(name, r);
                    }
                }
                Kind::Word => {
                    out.insert(name, Value::str(t));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_kinds_follow_their_text() {
        assert_eq!(Kind::of_text("-12"), Kind::Int);
        assert_eq!(Kind::of_text("3.5"), Kind::Float);
        assert_eq!(Kind::of_text("abc"), Kind::Word);
        assert_eq!(Kind::of_text("-"), Kind::Word);
        assert_eq!(Kind::of_text("inf"), Kind::Word);
        assert_eq!(Kind::Int.join(Kind::Word), Kind::Word);
    }

    #[test]
    fn links_keep_only_what_every_example_agrees_on() {
        let mut s = Shape::default();
        let slot = (SiteId(7), 0);
        let a = ((SiteId(1), 0), 0);
        let b = ((SiteId(2), 0), 0);
        s.saw_count(slot, 3, vec![a, b]);
        s.saw_count(slot, 4, vec![b]);
        assert_eq!(s.links[&slot], vec![b]);
        assert_eq!(s.counts[&slot], (3, 4));
    }

    #[test]
    fn text_classes_widen() {
        let a = TextClass::of_text("abc");
        assert_eq!((a.lo, a.hi), ('a' as u32, 'z' as u32));
        let b = a.join(TextClass::of_text("XY"));
        assert_eq!((b.lo, b.hi), ('!' as u32, '~' as u32));
        assert_eq!(TextClass::of_text("").min_len, 0);
    }

    #[test]
    fn seeds_name_every_reading() {
        let s = stdin_seed("2\n5 x\n");
        assert_eq!(s["L0.0"], Value::int(2));
        assert_eq!(s["L1.n"], Value::int(2));
        assert_eq!(s["L1.1"], Value::str("x"));
        assert_eq!(s["L0.rest"], Value::int(2));
    }
}
