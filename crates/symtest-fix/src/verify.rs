//! The verifier: after a candidate, the analyzer must no longer report the
//! finding and must report nothing it did not report before.

use std::collections::BTreeMap;

use super::finding::Finding;

/// Findings are matched by rule and message: edits move their lines.
fn counts(fs: &[Finding]) -> BTreeMap<(&str, &str), (usize, u32)> {
    let mut m: BTreeMap<(&str, &str), (usize, u32)> = BTreeMap::new();
    for f in fs {
        let e = m
            .entry((f.rule.as_str(), f.message.as_str()))
            .or_insert((0, f.start.line));
        e.0 += 1;
    }
    m
}

/// Why the re-check refuses a candidate.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The analyzer still reports the finding.
    Still,
    /// Rule and message of findings reported more often than before.
    New(Vec<(String, String)>),
}

pub fn recheck(before: &[Finding], after: &[Finding], fixed: &Finding) -> Result<(), Refusal> {
    let mut b = counts(before);
    let a = counts(after);
    let key = (fixed.rule.as_str(), fixed.message.as_str());
    if let Some(e) = b.get_mut(&key) {
        e.0 = e.0.saturating_sub(1);
    }
    let left = |k: &(&str, &str)| b.get(k).map_or(0, |e| e.0);
    if a.get(&key).map_or(0, |e| e.0) > left(&key) {
        return Err(Refusal::Still);
    }
    let new: Vec<(String, String)> = a
        .iter()
        .filter(|(k, e)| e.0 > left(k))
        .map(|((rule, message), _)| (rule.to_string(), message.to_string()))
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

    #[test]
    fn the_finding_must_go_and_nothing_may_come() {
        let before = [
            f("E711", "none", 3),
            f("E711", "none", 9),
            f("F401", "os", 1),
        ];
        let fixed = &before[0];
        assert!(recheck(&before, &[f("E711", "none", 9), f("F401", "os", 1)], fixed).is_ok());
        assert_eq!(recheck(&before, &before, fixed), Err(Refusal::Still));
        let new = recheck(
            &before,
            &[f("E711", "none", 9), f("F401", "os", 1), f("F841", "x", 4)],
            fixed,
        );
        assert_eq!(new, Err(Refusal::New(vec![("F841".into(), "x".into())])));
    }
}
