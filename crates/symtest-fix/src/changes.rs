//! The changes a run accepted, kept in the original file's byte offsets.
//!
//! A file is worked on finding by finding, each candidate in the text the
//! fixes before it left; but every position `fix` reports (a finding, a
//! fix's replacements, a finding a re-check reports anew) refers to the file
//! as it was, and the fixed file is the original with every accepted change
//! applied at once. A change that touches an earlier one is merged with it.

use std::collections::BTreeSet;

/// The original text's bytes `start..end` replaced by `content`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// First byte replaced, in the original text.
    pub start: usize,
    /// The byte after the last one replaced.
    pub end: usize,
    /// The replacement.
    pub content: String,
    /// The finding whose fix made it (its index among the file's findings).
    pub owner: usize,
}

impl Change {
    fn delta(&self) -> isize {
        self.content.len() as isize - (self.end - self.start) as isize
    }
}

/// Disjoint changes of one original text, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    list: Vec<Change>,
}

fn shift(p: usize, d: isize) -> usize {
    p.saturating_add_signed(d)
}

impl Changes {
    /// The changes, in order.
    pub fn list(&self) -> &[Change] {
        &self.list
    }

    /// The changes one finding's fix made.
    pub fn of(&self, owner: usize) -> Vec<Change> {
        self.list
            .iter()
            .filter(|c| c.owner == owner)
            .cloned()
            .collect()
    }

    /// `original` with every change applied.
    pub fn apply(&self, original: &str) -> String {
        apply(original, &self.list)
    }

    /// Whether a change overlaps or touches the original's `start..end`.
    pub fn touches(&self, start: usize, end: usize) -> bool {
        self.list.iter().any(|c| c.start <= end && start <= c.end)
    }

    /// The original's `start..end` in the current text, widened to every
    /// change it touches (their replacements included).
    pub fn span(&self, start: usize, end: usize) -> (usize, usize) {
        let (mut s, mut e) = (start, end);
        for c in &self.list {
            if c.start <= e && s <= c.end {
                s = s.min(c.start);
                e = e.max(c.end);
            }
        }
        let before_s: isize = self
            .list
            .iter()
            .filter(|c| c.start < s)
            .map(Change::delta)
            .sum();
        let before_e: isize = self
            .list
            .iter()
            .filter(|c| c.start <= e)
            .map(Change::delta)
            .sum();
        (shift(s, before_s), shift(e, before_e))
    }

    /// The original offset of the current text's `p`; inside a change's
    /// replacement, the change's start.
    pub fn to_original(&self, p: usize) -> usize {
        self.original_at(p, false)
    }

    /// The original offset of `p`. At a deletion, the change's end when
    /// `end` (the end of a range), else its start.
    fn original_at(&self, p: usize, end: bool) -> usize {
        let mut d: isize = 0;
        for c in &self.list {
            let cs = shift(c.start, d);
            let ce = cs + c.content.len();
            if p < cs {
                break;
            }
            if p == cs && (!end || ce > cs) {
                return c.start;
            }
            if p < ce {
                return c.start;
            }
            if p == ce {
                return c.end;
            }
            d += c.delta();
        }
        shift(p, -d)
    }

    /// These changes and those that turn `before` (the original with these
    /// applied) into `after`, in the original's offsets, owned by `owner`;
    /// an earlier change the new ones touch becomes part of them.
    pub fn then(&self, before: &str, after: &str, owner: usize) -> Changes {
        let hunks = hunks(before, after);
        if hunks.is_empty() {
            return self.clone();
        }
        // Where each change is in `before`.
        let mut d: isize = 0;
        let spans: Vec<(usize, usize)> = self
            .list
            .iter()
            .map(|c| {
                let s = shift(c.start, d);
                d += c.delta();
                (s, s + c.content.len())
            })
            .collect();
        let mut ranges: Vec<(usize, usize)> = hunks.iter().map(|h| (h.0, h.1)).collect();
        let mut absorbed: BTreeSet<usize> = BTreeSet::new();
        loop {
            let mut grew = false;
            for r in &mut ranges {
                for (i, &(cs, ce)) in spans.iter().enumerate() {
                    if cs <= r.1 && r.0 <= ce {
                        absorbed.insert(i);
                        if cs < r.0 || ce > r.1 {
                            r.0 = r.0.min(cs);
                            r.1 = r.1.max(ce);
                            grew = true;
                        }
                    }
                }
            }
            ranges.sort_unstable();
            let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
            for r in ranges {
                match merged.last_mut() {
                    Some(m) if r.0 <= m.1 => {
                        m.1 = m.1.max(r.1);
                        grew = true;
                    }
                    _ => merged.push(r),
                }
            }
            ranges = merged;
            if !grew {
                break;
            }
        }
        // `before` to `after` at a range's ends (no hunk crosses them).
        let delta = |keep: &dyn Fn(usize) -> bool| -> isize {
            hunks
                .iter()
                .filter(|h| keep(h.0))
                .map(|h| (h.3 - h.2) as isize - (h.1 - h.0) as isize)
                .sum()
        };
        let mut list: Vec<Change> = self
            .list
            .iter()
            .enumerate()
            .filter(|(i, _)| !absorbed.contains(i))
            .map(|(_, c)| c.clone())
            .collect();
        for (a, b) in ranges {
            let from = shift(a, delta(&|h0| h0 < a));
            let to = shift(b, delta(&|h0| h0 <= b));
            list.push(Change {
                start: self.original_at(a, false),
                end: self.original_at(b, true),
                content: after[from..to].to_string(),
                owner,
            });
        }
        list.sort_by_key(|c| (c.start, c.end));
        Changes { list }
    }
}

/// `original` with `changes` (disjoint, in order) applied.
pub fn apply(original: &str, changes: &[Change]) -> String {
    let mut out = String::with_capacity(original.len());
    let mut at = 0;
    for c in changes {
        out.push_str(&original[at..c.start]);
        out.push_str(&c.content);
        at = c.end;
    }
    out.push_str(&original[at..]);
    out
}

/// The regions where `after` differs from `before`: byte ranges
/// `(before start, before end, after start, after end)`, line hunks with
/// their common characters at both ends left out.
fn hunks(before: &str, after: &str) -> Vec<(usize, usize, usize, usize)> {
    let a: Vec<&str> = before.split_inclusive('\n').collect();
    let b: Vec<&str> = after.split_inclusive('\n').collect();
    let starts = |ls: &[&str]| {
        let mut v = Vec::with_capacity(ls.len() + 1);
        let mut n = 0;
        v.push(0);
        for l in ls {
            n += l.len();
            v.push(n);
        }
        v
    };
    let (oa, ob) = (starts(&a), starts(&b));
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &a, &b);
    let mut groups: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut open: Option<(usize, usize, usize, usize)> = None;
    for op in ops {
        let (o, n) = (op.old_range(), op.new_range());
        if matches!(op, similar::DiffOp::Equal { .. }) {
            groups.extend(open.take());
            continue;
        }
        open = Some(match open {
            Some((s1, _, s2, _)) => (s1, o.end, s2, n.end),
            None => (o.start, o.end, n.start, n.end),
        });
    }
    groups.extend(open);
    groups
        .into_iter()
        .map(|(l1, l2, m1, m2)| {
            let (mut s1, mut e1, mut s2, mut e2) = (oa[l1], oa[l2], ob[m1], ob[m2]);
            let pre: usize = before[s1..e1]
                .chars()
                .zip(after[s2..e2].chars())
                .take_while(|(x, y)| x == y)
                .map(|(x, _)| x.len_utf8())
                .sum();
            s1 += pre;
            s2 += pre;
            let suf: usize = before[s1..e1]
                .chars()
                .rev()
                .zip(after[s2..e2].chars().rev())
                .take_while(|(x, y)| x == y)
                .map(|(x, _)| x.len_utf8())
                .sum();
            e1 -= suf;
            e2 -= suf;
            (s1, e1, s2, e2)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift).
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n.max(1) as u64) as usize
        }
    }

    fn boundary(s: &str, mut i: usize) -> usize {
        while !s.is_char_boundary(i) {
            i -= 1;
        }
        i
    }

    #[test]
    fn every_step_maps_back_to_the_original() {
        let pieces = ["a", "b\n", "é", "\n", "x = None\n", "", "if y:\n    z\n"];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..400 {
            let original: String = (0..rng.below(12))
                .map(|_| pieces[rng.below(pieces.len())])
                .collect();
            let mut changes = Changes::default();
            let mut text = original.clone();
            for owner in 0..4 {
                let a = boundary(&text, rng.below(text.len() + 1));
                let b = boundary(&text, a + rng.below(text.len() + 1 - a));
                let ins: String = (0..rng.below(3))
                    .map(|_| pieces[rng.below(pieces.len())])
                    .collect();
                let next = format!("{}{ins}{}", &text[..a], &text[b..]);
                changes = changes.then(&text, &next, owner);
                text = next;
                assert_eq!(
                    changes.apply(&original),
                    text,
                    "round {round}, step {owner}: {changes:?}"
                );
                for w in changes.list().windows(2) {
                    assert!(w[0].end < w[1].start, "not disjoint: {changes:?}");
                }
            }
        }
    }

    #[test]
    fn sorted_lines_are_changes_that_may_not_hold_them() {
        // Sorting moves a line: the change that removes it is not where it
        // is now (what `run.rs` finds again by rule and message).
        let a = "import c\n\nimport b\n\nimport a\n";
        let b = "import a\nimport b\nimport c\n";
        let c = Changes::default().then(a, b, 0);
        assert_eq!(c.apply(a), b);
        let at = a.find("import b").expect("b");
        let (s, e) = c.span(at, at + 8);
        assert!(c.touches(at, at + 8) || b[s..e].contains("import b"));
    }

    #[test]
    fn positions_outside_changes_move_with_them() {
        let original = "import os\n\ndef f(x):\n    return x == None\n";
        let fixed = "\ndef f(x):\n    return x == None\n";
        let c = Changes::default().then(original, fixed, 0);
        assert_eq!(
            c.list(),
            [Change {
                start: 0,
                end: 10,
                content: String::new(),
                owner: 0
            }]
        );
        let at = original.find("x ==").expect("x");
        assert!(!c.touches(at, at + 9));
        assert_eq!(c.span(at, at + 9), (at - 10, at - 1));
        assert_eq!(c.to_original(at - 10), at);
        // A second change next to the first is merged with it.
        let again = "def f(x):\n    return x == None\n";
        let c2 = c.then(fixed, again, 1);
        assert_eq!(c2.list().len(), 1);
        assert_eq!(c2.list()[0].owner, 1);
        assert_eq!(c2.apply(original), again);
        // Changes far apart stay apart, each with its owner.
        let c3 = c.then(fixed, &fixed.replace("x == None", "x is None"), 1);
        assert_eq!(c3.of(0).len(), 1);
        assert_eq!(c3.of(1)[0].start, at + 2);
        assert_eq!(c3.of(1)[0].content, "is");
    }
}
