//! Inputs one small change away from another, for the branch directions a
//! whole program's exploration left uncovered. Where a decision is made on
//! a concretised value (`bin(n).count('1')`) or needs a line of a shape no
//! example showed (an empty line), the solver cannot steer; a token one up
//! or down, zero, negated or dropped, or a line emptied, often can. Each neighbour runs in the
//! interpreter first (cheap, no sandbox) and becomes a candidate only
//! where it takes a direction no input took; CPython then answers it like
//! every candidate.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// Interpreter runs of neighbours a problem gets at most, and their time.
const MAX_RUNS: usize = 300;
const BUDGET: Duration = Duration::from_millis(200);
/// The time one run gets at most (the candidates' own runs included).
const PER_RUN: Duration = Duration::from_millis(50);

/// The whitespace-separated tokens of `text` with their byte offsets.
fn tokens(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s, &text[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out
}

/// The single changes of `stdin`, in order: each integer token (of 64
/// bits) one less,
/// one more, two more, zero and negated; each token dropped with a space
/// beside it on its line; each line emptied.
pub(crate) fn neighbours(stdin: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut put = |start: usize, end: usize, with: &str| {
        let s = format!("{}{with}{}", &stdin[..start], &stdin[end..]);
        if s != stdin && seen.insert(s.clone()) {
            out.push(s);
        }
    };
    let blank = |c: Option<char>| c.is_some_and(|c| c == ' ' || c == '\t');
    for (start, tok) in tokens(stdin) {
        let end = start + tok.len();
        if let Ok(v) = tok.parse::<i64>() {
            for w in [
                v.saturating_sub(1),
                v.saturating_add(1),
                v.saturating_add(2),
                0,
                v.saturating_neg(),
            ] {
                put(start, end, &w.to_string());
            }
        }
        if blank(stdin[end..].chars().next()) {
            put(start, end + 1, "");
        } else if blank(stdin[..start].chars().next_back()) {
            put(start - 1, end, "");
        } else {
            put(start, end, "");
        }
    }
    // Each line emptied (an empty line is where many programs branch).
    let mut at = 0;
    for line in stdin.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']).len();
        if body > 0 {
            put(at, at + body, "");
        }
        at += line.len();
    }
    out
}

/// A run of one input in the interpreter within the time given: the
/// directions it took, or `None` where it did not finish with some output.
pub(crate) type Run<'r> = dyn FnMut(&str, Duration) -> Option<BTreeSet<(u32, bool)>> + 'r;

/// The neighbours of `inputs` (in their order) that take a branch direction
/// no input took, found with `run`. The inputs run first, for what they
/// cover (each within `PER_RUN`); then the neighbours, each within what is
/// left of the budget. Stops when `wanted` directions are covered, after
/// `MAX_RUNS` neighbours or when the budget is spent.
pub(crate) fn covering<'a>(
    inputs: impl Iterator<Item = &'a str> + Clone,
    wanted: usize,
    run: &mut Run<'_>,
) -> Vec<String> {
    let mut covered: BTreeSet<(u32, bool)> = BTreeSet::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for i in inputs.clone() {
        seen.insert(i.to_string());
        covered.extend(run(i, PER_RUN).unwrap_or_default());
    }
    let started = Instant::now();
    let mut runs = 0;
    let mut out = Vec::new();
    for i in inputs {
        for n in neighbours(i) {
            let left = BUDGET.saturating_sub(started.elapsed());
            if covered.len() >= wanted || runs >= MAX_RUNS || left.is_zero() {
                return out;
            }
            if !seen.insert(n.clone()) {
                continue;
            }
            runs += 1;
            let Some(dirs) = run(&n, left.min(PER_RUN)) else {
                continue;
            };
            if !dirs.is_subset(&covered) {
                covered.extend(dirs);
                out.push(n);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_token_is_changed_once_at_a_time() {
        let got = neighbours("2\n5 x\n");
        for want in [
            "1\n5 x\n",
            "3\n5 x\n",
            "4\n5 x\n",
            "0\n5 x\n",
            "-2\n5 x\n",
            "\n5 x\n",
            "2\n4 x\n",
            "2\n6 x\n",
            "2\n7 x\n",
            "2\n0 x\n",
            "2\n-5 x\n",
            "2\nx\n",
            "2\n5\n",
            "2\n\n",
        ] {
            assert!(got.iter().any(|g| g == want), "{want:?} not in {got:?}");
        }
        assert_eq!(got.len(), 14, "{got:?}");
        assert!(neighbours("").is_empty());
        // Multi-byte text is cut at characters.
        assert!(neighbours("é 1").contains(&"1".to_string()));
    }

    #[test]
    fn only_neighbours_that_take_a_new_direction_are_kept() {
        // A stand-in program: direction (0, true) for an even first
        // number, (0, false) for an odd one; nothing for a non-number.
        let mut run = |s: &str, _: Duration| -> Option<BTreeSet<(u32, bool)>> {
            let v: i64 = s.split_whitespace().next()?.parse().ok()?;
            Some([(0, v % 2 == 0)].into())
        };
        let got = covering(["4\n", "6\n"].into_iter(), 2, &mut run);
        assert_eq!(got, vec!["3\n".to_string()]);
        // No neighbour is run once every direction is covered.
        let mut runs = 0;
        let got = covering(["4\n", "5\n"].into_iter(), 2, &mut |s, t| {
            runs += 1;
            run(s, t)
        });
        assert!(got.is_empty());
        assert_eq!(runs, 2);
    }
}
