//! What `symtest fix` writes: unified diffs, a JSON report, SARIF 2.1.0, and
//! the summary people read.

use serde_json::{Value as Json, json};

use super::behaviour::Behaviour;
use super::changes::Change;
use super::finding::pos_at;
use super::report::{CandidateReport, FileReport, FindingReport, Outcome};

pub use super::text::cut;

/// A unified diff of `a` to `b`, both named `name` (`a/` and `b/`).
pub fn unified(a: &str, b: &str, name: &str) -> String {
    if a == b {
        return String::new();
    }
    similar::TextDiff::from_lines(a, b)
        .unified_diff()
        .context_radius(3)
        .header(&side("a", name), &side("b", name))
        .to_string()
}

/// `a, b, c and 9 more`: the first `max` names of a list and how many are
/// left out.
pub fn some_of<'a>(names: impl Iterator<Item = &'a str>, max: usize) -> String {
    let all: Vec<&str> = names.collect();
    if all.len() <= max {
        return all.join(", ");
    }
    format!("{} and {} more", all[..max].join(", "), all.len() - max)
}

/// `a/x.py` for a relative path (as git writes it), the path itself for an
/// absolute one.
fn side(prefix: &str, name: &str) -> String {
    if name.starts_with('/') {
        name.to_string()
    } else {
        format!("{prefix}/{name}")
    }
}

fn behaviour_json(b: &Option<Behaviour>) -> Json {
    match b {
        None => Json::Null,
        Some(Behaviour::Same { checked, varying }) => json!({
            "status": "same",
            "varying": varying,
            "checked": checked.iter().map(|c| json!({
                "target": c.target,
                "inputs": c.inputs,
                "symbolic": c.stats.symbolic,
                "samples": c.stats.samples,
                "no_symbolic": c.stats.no_symbolic,
            })).collect::<Vec<_>>(),
        }),
        Some(Behaviour::Differs(w)) => json!({
            "status": "differs",
            "witness": {
                "target": w.target,
                "call": w.call,
                "original": w.original,
                "candidate": w.candidate,
            },
        }),
        Some(Behaviour::NotChecked { why }) => json!({"status": "not_checked", "why": why}),
    }
}

fn candidate_json(c: &CandidateReport) -> Json {
    json!({
        "source": c.source.describe(),
        "diff": c.diff,
        "verifier": c.verifier,
        "behaviour": behaviour_json(&c.behaviour),
        "score": c.score,
        "accepted": c.accepted,
        "why": c.why,
    })
}

/// `fixed`, `rejected` or `skipped` (a finding an earlier fix resolved is
/// fixed).
pub fn outcome_name(o: &Outcome) -> &'static str {
    match o {
        Outcome::Fixed(_) | Outcome::Resolved(_) => "fixed",
        Outcome::Rejected => "rejected",
        Outcome::Skipped(_) => "skipped",
    }
}

/// Why a finding was not fixed: its best candidate's reason.
pub fn rejection(fr: &FindingReport) -> String {
    match &fr.outcome {
        Outcome::Fixed(_) => String::new(),
        Outcome::Skipped(why) | Outcome::Resolved(why) => why.clone(),
        Outcome::Rejected => fr
            .candidates
            .iter()
            .map(|c| format!("{}: {}", c.source.describe(), c.why))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// The `--json` report: every file, finding and candidate, and totals.
pub fn json_report(files: &[FileReport]) -> Json {
    json!({
        "files": files.iter().map(|f| json!({
            "path": f.path.to_string_lossy(),
            "error": f.error,
            "changed": f.original != f.fixed,
            "diff": unified(&f.original, &f.fixed, &f.path.to_string_lossy()),
            "findings": f.findings.iter().map(|fr| json!({
                "rule": fr.finding.rule,
                "name": fr.finding.name,
                "message": fr.finding.message,
                "line": fr.finding.start.line,
                "column": fr.finding.start.col,
                "context": fr.context,
                "outcome": outcome_name(&fr.outcome),
                "why": rejection(fr),
                "chosen": match fr.outcome { Outcome::Fixed(i) => Some(i), _ => None },
                "notes": fr.notes,
                "candidates": fr.candidates.iter().map(candidate_json).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "summary": summary_json(files),
    })
}

/// Counts over a run.
#[derive(Default)]
pub struct Totals {
    /// Findings worked on.
    pub findings: usize,
    /// Findings fixed.
    pub fixed: usize,
    /// Findings whose every candidate was refused.
    pub rejected: usize,
    /// Findings not worked on.
    pub skipped: usize,
    /// Candidates refused by the analyzer's re-check.
    pub by_verifier: usize,
    /// Candidates refused because behaviour differed (or was not checked).
    pub by_behaviour: usize,
    /// Candidates refused by the ranker's score.
    pub by_ranker: usize,
}

/// Counts over `files`.
pub fn totals(files: &[FileReport]) -> Totals {
    let mut t = Totals::default();
    for fr in files.iter().flat_map(|f| &f.findings) {
        t.findings += 1;
        match fr.outcome {
            Outcome::Fixed(_) | Outcome::Resolved(_) => t.fixed += 1,
            Outcome::Skipped(_) => t.skipped += 1,
            Outcome::Rejected => {
                t.rejected += 1;
                for c in &fr.candidates {
                    if c.verifier.is_some() {
                        t.by_verifier += 1;
                    } else if matches!(c.behaviour, Some(Behaviour::Differs(_))) {
                        t.by_behaviour += 1;
                    } else if c.score.is_some_and(|s| s <= 1) {
                        t.by_ranker += 1;
                    }
                }
            }
        }
    }
    t
}

fn summary_json(files: &[FileReport]) -> Json {
    let t = totals(files);
    json!({
        "findings": t.findings,
        "fixed": t.fixed,
        "rejected": t.rejected,
        "skipped": t.skipped,
        "candidates_rejected_by_verifier": t.by_verifier,
        "candidates_rejected_by_behaviour": t.by_behaviour,
        "candidates_rejected_by_ranker": t.by_ranker,
    })
}

/// A change of `original` as a SARIF replacement (lines and columns of the
/// original, columns in characters).
fn replacement(original: &str, c: &Change) -> Json {
    let (s, e) = (pos_at(original, c.start), pos_at(original, c.end));
    json!({
        "deletedRegion": {
            "startLine": s.line,
            "startColumn": s.col,
            "endLine": e.line,
            "endColumn": e.col,
        },
        "insertedContent": {"text": c.content},
    })
}

/// SARIF 2.1.0: every finding a result, with symtest's verdict in its
/// properties; a fixed finding carries its fix. Every position is in the
/// original file: the fixes of all results applied together to it give the
/// fixed file.
pub fn sarif(files: &[FileReport], tool_version: &str) -> Json {
    let mut results = Vec::new();
    let mut rules: Vec<String> = Vec::new();
    for f in files {
        let uri = f.path.to_string_lossy().to_string();
        for fr in &f.findings {
            if !rules.contains(&fr.finding.rule) {
                rules.push(fr.finding.rule.clone());
            }
            let mut r = json!({
                "ruleId": fr.finding.rule,
                "level": if matches!(fr.outcome, Outcome::Fixed(_)) { "note" } else { "warning" },
                "message": {"text": fr.finding.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": uri},
                    "region": {
                        "startLine": fr.finding.start.line,
                        "startColumn": fr.finding.start.col,
                        "endLine": fr.finding.end.line,
                        "endColumn": fr.finding.end.col,
                    },
                }}],
                "properties": {
                    "symtest": {
                        "outcome": outcome_name(&fr.outcome),
                        "why": rejection(fr),
                        "candidates": fr.candidates.iter().map(candidate_json).collect::<Vec<_>>(),
                    }
                },
            });
            if let Outcome::Fixed(i) = fr.outcome
                && !fr.changes.is_empty()
            {
                let c = &fr.candidates[i];
                r["fixes"] = json!([{
                    "description": {"text": format!("{}: {}", c.source.describe(), c.why)},
                    "artifactChanges": [{
                        "artifactLocation": {"uri": uri},
                        "replacements": fr.changes.iter()
                            .map(|ch| replacement(&f.original, ch))
                            .collect::<Vec<_>>(),
                    }],
                }]);
            }
            results.push(r);
        }
    }
    json!({
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{
            "tool": {"driver": {
                "name": "symtest fix",
                "version": tool_version,
                "informationUri": "https://github.com/symtest/symtest",
                "rules": rules.iter().map(|r| json!({"id": r})).collect::<Vec<_>>(),
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// The readable account of one finding, for stderr.
pub fn describe_finding(path: &str, fr: &FindingReport) -> String {
    let f = &fr.finding;
    let head = format!(
        "{path}:{}:{}: {} {}",
        f.start.line, f.start.col, f.rule, f.message
    );
    match &fr.outcome {
        Outcome::Fixed(i) => {
            let c = &fr.candidates[*i];
            let score = c
                .score
                .map(|s| format!(", ranker {s}/3"))
                .unwrap_or_default();
            format!(
                "{head}\n  fixed by {}{score}: {}",
                c.source.describe(),
                c.why
            )
        }
        Outcome::Skipped(why) => format!("{head}\n  skipped: {why}"),
        Outcome::Resolved(why) => format!("{head}\n  fixed: {why}"),
        Outcome::Rejected => {
            let mut s = format!("{head}\n  rejected:");
            for c in &fr.candidates {
                s.push_str(&format!("\n    {}: {}", c.source.describe(), c.why));
            }
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_and_texts_are_cut() {
        assert_eq!(some_of(["f", "g"].into_iter(), 3), "f, g");
        assert_eq!(
            some_of(["a", "b", "c", "d", "e"].into_iter(), 3),
            "a, b, c and 2 more"
        );
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
    }

    #[test]
    fn diffs_and_replacements() {
        let (a, b) = ("x\ny\nz\n", "x\nY\nY2\nz\n");
        assert!(unified(a, b, "f.py").contains("+Y2"));
        assert_eq!(unified(a, a, "f.py"), "");
        let c = Change {
            start: 2,
            end: 4,
            content: "Y\nY2\n".into(),
            owner: 0,
        };
        let r = replacement(a, &c);
        assert_eq!(r["deletedRegion"]["startLine"], 2);
        assert_eq!(r["deletedRegion"]["endLine"], 3);
        assert_eq!(r["deletedRegion"]["endColumn"], 1);
    }
}
