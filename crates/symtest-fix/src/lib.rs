//! `symtest fix`: CORE's proposer → verifier → ranker for static-analysis
//! findings, with a behaviour check that is not an opinion: the functions a
//! candidate touches run, original and candidate, on path-covering inputs.
//!
//! One file at a time: the analyzer's findings on the original text are the
//! work (each one is a finding by rule and byte range, reported whatever
//! becomes of it); finding by finding, in the text the fixes before it left,
//! it gets its candidates (the analyzer's own fix, an LLM's rewrites of the
//! enclosing block), each is verified (it parses; the analyzer no longer
//! reports the finding and nothing new), checked for behaviour, and ranked;
//! the best accepted one is kept as changes of the original ([`changes`]),
//! which the fixed file applies all at once.
#![warn(missing_docs)]

pub mod analyzer;
pub mod behaviour;
pub mod changes;
mod compare;
mod error;
pub mod finding;
mod fixer;
mod inputs;
pub mod llm;
pub mod output;
pub mod project;
pub mod propose;
mod report;
mod run;
mod text;
pub mod verify;

use std::path::Path;
use std::sync::atomic::Ordering;

use symtest_python::outline::outline;

pub use analyzer::Analyzer;
pub use behaviour::{Behaviour, CheckOptions, Witness};
pub use changes::{Change, Changes};
pub use error::FixError;
pub use finding::Finding;
pub use fixer::{FixOptions, Fixer};
pub use inputs::InputOptions;
pub use llm::{Llm, LlmError, LlmOptions};
pub use project::ModuleSpec;
pub use propose::Source;
pub use report::{CandidateReport, FileReport, FindingReport, Outcome};

impl Fixer<'_> {
    fn interrupted(&self) -> bool {
        self.opts
            .interrupt
            .as_ref()
            .is_some_and(|f| f.load(Ordering::Relaxed))
    }

    /// Works through the findings of one file. `given` are findings read
    /// from a SARIF log (else the analyzer finds them); `progress` hears of
    /// each finding as it starts.
    pub fn fix_file(
        &self,
        path: &Path,
        given: Option<Vec<Finding>>,
        progress: &mut dyn FnMut(&Finding),
    ) -> Result<FileReport, FixError> {
        let original = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                return Ok(FileReport {
                    path: path.to_path_buf(),
                    original: String::new(),
                    fixed: String::new(),
                    findings: Vec::new(),
                    error: Some(format!("cannot read: {e}")),
                });
            }
        };
        let mut report = FileReport {
            path: path.to_path_buf(),
            original: original.clone(),
            fixed: original.clone(),
            findings: Vec::new(),
            error: None,
        };
        if let Err(e) = outline(&original) {
            report.error = Some(format!(
                "does not parse: {}:{}: {}",
                e.line, e.col, e.message
            ));
            return Ok(report);
        }
        let mut findings = match (given, self.analyzer) {
            (Some(g), _) => g,
            (None, Some(a)) => a.check(path, &original)?,
            (None, None) => Vec::new(),
        };
        // A finding is its rule and its place in the original text.
        findings.sort_by(|a, b| (a.start, a.end, &a.rule).cmp(&(b.start, b.end, &b.rule)));
        let mut state = run::State::new(&original, ModuleSpec::find(path, &self.site));
        state.originals = findings
            .iter()
            .map(|f| (f.rule.clone(), f.span(&original)))
            .collect();
        for (k, f) in findings.into_iter().enumerate() {
            if self.interrupted() {
                report.findings.push(FindingReport::unworked(
                    f,
                    Outcome::Skipped("interrupted before it was worked on".into()),
                ));
                continue;
            }
            progress(&f);
            let fr = self.work_on(path, &mut state, k, f)?;
            report.findings.push(fr);
        }
        for (k, fr) in report.findings.iter_mut().enumerate() {
            fr.changes = state.changes.of(k);
        }
        report.fixed = state.changes.apply(&original);
        debug_assert_eq!(report.fixed, state.text);
        Ok(report)
    }
}
