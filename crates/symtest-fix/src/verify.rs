//! The verifier: after a candidate, the analyzer must no longer report the
//! finding and must report nothing it did not report before (with
//! `--allow-followups`, findings the fixed rule's fix is known to bring,
//! which the analyzer's own next pass fixes, are let through).

use std::collections::BTreeMap;

use super::finding::Finding;

/// A finding of a re-check and the offset in the original file where its
/// text comes from.
pub type Placed<'a> = (&'a Finding, usize);

/// What a rule's fix brings, as `ruff check --fix` knows it (it applies
/// fixes in passes until none is left): `(rule fixed, rule it brings, why)`.
pub const FOLLOW_UPS: &[(&str, &str, &str)] = &[
    (
        "UP031",
        "UP032",
        "the `str.format` call it writes is what UP032 turns into an f-string",
    ),
    (
        "UP030",
        "UP032",
        "the `str.format` call it leaves is what UP032 turns into an f-string",
    ),
    ("UP035", "I001", "the import it rewrites may sort elsewhere"),
    (
        "UP006",
        "F401",
        "the `typing` name it stops using may be left imported",
    ),
    (
        "UP007",
        "F401",
        "the `typing` name it stops using may be left imported",
    ),
    (
        "UP045",
        "F401",
        "the `typing` name it stops using may be left imported",
    ),
    (
        "RET505",
        "RET505",
        "the branch after the one it fixes may itself follow a return",
    ),
    (
        "RET506",
        "RET506",
        "the branch after the one it fixes may itself follow a raise",
    ),
    (
        "RET507",
        "RET507",
        "the branch after the one it fixes may itself follow a continue",
    ),
    (
        "RET508",
        "RET508",
        "the branch after the one it fixes may itself follow a break",
    ),
];

/// Why a fix of `fixed` may bring a finding of `new`, when it is known to.
pub fn follow_up(fixed: &str, new: &str) -> Option<&'static str> {
    FOLLOW_UPS
        .iter()
        .find(|(a, b, _)| *a == fixed && *b == new)
        .map(|x| x.2)
}

/// A finding the candidate brings: rule, message, offset in the original.
#[derive(Debug, PartialEq, Eq)]
pub struct New {
    /// The rule's code.
    pub rule: String,
    /// The analyzer's message.
    pub message: String,
    /// Where in the original file its text comes from.
    pub at: usize,
}

/// Why the re-check refuses a candidate.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The analyzer still reports the finding, where it was.
    Still,
    /// Findings reported more often than before, one of each kind.
    New(Vec<New>),
}

type Counts<'a> = BTreeMap<(&'a str, &'a str), Vec<usize>>;

/// Findings by rule and message (edits move their lines), with their places.
fn counts<'a>(fs: &[Placed<'a>]) -> Counts<'a> {
    let mut m: Counts<'a> = BTreeMap::new();
    for (f, at) in fs {
        m.entry((f.rule.as_str(), f.message.as_str()))
            .or_default()
            .push(*at);
    }
    m
}

/// Compares the findings before (`before`) and after the candidate
/// (`after`), `fixed` being the one it fixes, at `fixed_at` in the original.
pub fn recheck(
    before: &[Placed],
    after: &[Placed],
    fixed: &Finding,
    fixed_at: usize,
) -> Result<(), Refusal> {
    let mut b = counts(before);
    let a = counts(after);
    let key = (fixed.rule.as_str(), fixed.message.as_str());
    if let Some(places) = b.get_mut(&key)
        && !places.is_empty()
    {
        let i = places.iter().position(|p| *p == fixed_at).unwrap_or(0);
        places.remove(i);
    }
    let left = |k: &(&str, &str)| b.get(k).map_or(0, Vec::len);
    let here = a.get(&key).is_some_and(|ps| ps.contains(&fixed_at));
    let more = a.get(&key).map_or(0, Vec::len) > left(&key);
    if more && here {
        return Err(Refusal::Still);
    }
    let new: Vec<New> = a
        .iter()
        .filter(|(k, ps)| ps.len() > left(k))
        .map(|((rule, message), ps)| {
            let old = b.get(&(*rule, *message));
            let at = ps
                .iter()
                .find(|p| !old.is_some_and(|o| o.contains(p)))
                .or(ps.first())
                .copied()
                .unwrap_or(0);
            New {
                rule: rule.to_string(),
                message: message.to_string(),
                at,
            }
        })
        .collect();
    if new.is_empty() {
        Ok(())
    } else {
        Err(Refusal::New(new))
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::finding::Pos;

    fn f(rule: &str, message: &str, line: u32) -> Finding {
        Finding {
            rule: rule.into(),
            name: String::new(),
            message: message.into(),
            file: PathBuf::new(),
            start: Pos { line, col: 1 },
            end: Pos { line, col: 1 },
            fix: None,
            help: None,
            url: None,
        }
    }

    fn placed(fs: &[Finding]) -> Vec<Placed<'_>> {
        fs.iter()
            .map(|x| (x, x.start.line as usize * 100))
            .collect()
    }

    #[test]
    fn the_finding_must_go_and_nothing_may_come() {
        let before = [
            f("E711", "none", 3),
            f("E711", "none", 9),
            f("F401", "os", 1),
        ];
        let fixed = &before[0];
        let after = [f("E711", "none", 9), f("F401", "os", 1)];
        assert!(recheck(&placed(&before), &placed(&after), fixed, 300).is_ok());
        assert_eq!(
            recheck(&placed(&before), &placed(&before), fixed, 300),
            Err(Refusal::Still)
        );
        let after = [f("E711", "none", 9), f("F401", "os", 1), f("F841", "x", 4)];
        assert_eq!(
            recheck(&placed(&before), &placed(&after), fixed, 300),
            Err(Refusal::New(vec![New {
                rule: "F841".into(),
                message: "x".into(),
                at: 400
            }]))
        );
        // The same rule elsewhere, where the fixed one was not: a new
        // finding, not the old one still there.
        let before = [f("RET505", "else", 3)];
        let after = [f("RET505", "else", 7)];
        assert_eq!(
            recheck(&placed(&before), &placed(&after), &before[0], 300),
            Err(Refusal::New(vec![New {
                rule: "RET505".into(),
                message: "else".into(),
                at: 700
            }]))
        );
        assert!(follow_up("UP031", "UP032").is_some());
        assert_eq!(follow_up("E711", "UP032"), None);
    }
}
