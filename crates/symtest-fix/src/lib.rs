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
pub mod finding;
mod inputs;
pub mod llm;
pub mod output;
pub mod project;
pub mod propose;
mod run;
pub mod verify;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use symtest_python::outline::outline;
use symtest_sandbox::{Pool, SandboxError};
use thiserror::Error;

pub use analyzer::Analyzer;
pub use behaviour::{Behaviour, CheckOptions, Witness};
pub use changes::{Change, Changes};
pub use finding::Finding;
pub use inputs::InputOptions;
pub use llm::{Llm, LlmError, LlmOptions};
pub use project::ModuleSpec;
pub use propose::Source;

/// Why `fix` could not go on.
#[derive(Debug, Error)]
pub enum FixError {
    /// The findings given (ruff JSON, SARIF) cannot be read.
    #[error("findings: {0}")]
    Findings(String),
    /// The analyzer cannot be run, or its output cannot be read.
    #[error("analyzer: {0}")]
    Analyzer(String),
    /// The LLM endpoint refused the request for good (key, model).
    #[error("LLM: {0}")]
    Llm(String),
    /// The sandbox failed.
    #[error(transparent)]
    Sandbox(#[from] SandboxError),
}

/// What to propose and what to accept.
pub struct FixOptions {
    /// LLM candidates per finding.
    pub candidates: usize,
    /// Also propose the analyzer's own fixes.
    pub analyzer_fixes: bool,
    /// Accept a candidate whose behaviour could not be checked.
    pub accept_unchecked: bool,
    /// Accept a candidate that brings findings its rule's fix is known to
    /// bring (`verify::FOLLOW_UPS`: UP031's `str.format` for UP032).
    pub allow_followups: bool,
    /// How behaviour is checked.
    pub check: CheckOptions,
    /// Set to stop after the finding at hand (Ctrl-C).
    pub interrupt: Option<Arc<AtomicBool>>,
}

impl Default for FixOptions {
    fn default() -> Self {
        FixOptions {
            candidates: 5,
            analyzer_fixes: true,
            accept_unchecked: false,
            allow_followups: false,
            check: CheckOptions {
                inputs: InputOptions {
                    max_inputs: 200,
                    explore_timeout: Duration::from_secs(2),
                },
                call_timeout: Duration::from_secs(1),
            },
            interrupt: None,
        }
    }
}

/// One candidate fix and what became of it.
#[derive(Clone, Debug)]
pub struct CandidateReport {
    /// Who proposed it.
    pub source: Source,
    /// The whole file with the candidate applied (and the fixes accepted
    /// before it).
    pub text: String,
    /// Its changes of the original file (with any earlier change they
    /// touch merged in).
    pub changes: Vec<Change>,
    /// Its changes of the original file as a unified diff.
    pub diff: String,
    /// Why the verifier refused it (`None`: it passed).
    pub verifier: Option<String>,
    /// The behaviour check (`None`: not run, the verifier refused it).
    pub behaviour: Option<Behaviour>,
    /// The ranker's score, 1 to 10 (`None`: not ranked).
    pub score: Option<u8>,
    /// Whether it could be applied.
    pub accepted: bool,
    /// Why it was accepted or rejected, in a line.
    pub why: String,
}

/// What became of a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The candidate at this index was applied.
    Fixed(usize),
    /// An earlier fix in the same file resolved it (the analyzer no longer
    /// reports it), and how.
    Resolved(String),
    /// Every candidate was refused.
    Rejected,
    /// Not worked on, and why (interrupted, no candidate).
    Skipped(String),
}

/// One finding and its candidates.
#[derive(Clone, Debug)]
pub struct FindingReport {
    /// The finding, as the analyzer reported it on the original file.
    pub finding: Finding,
    /// What the LLM saw (`function f`, `module lines 1-6`).
    pub context: String,
    /// Every candidate, in the order they were proposed.
    pub candidates: Vec<CandidateReport>,
    /// What became of the finding.
    pub outcome: Outcome,
    /// Replies that gave no candidate, ranker failures.
    pub notes: Vec<String>,
    /// The changes of the original file its fix made (a change a later fix
    /// touched belongs to that fix).
    pub changes: Vec<Change>,
}

impl FindingReport {
    fn unworked(finding: Finding, outcome: Outcome) -> FindingReport {
        FindingReport {
            finding,
            context: String::new(),
            candidates: Vec::new(),
            outcome,
            notes: Vec::new(),
            changes: Vec::new(),
        }
    }
}

/// One file's findings and its text before and after.
#[derive(Clone, Debug)]
pub struct FileReport {
    /// The file as given.
    pub path: PathBuf,
    /// Its text before any fix.
    pub original: String,
    /// Its text with every accepted fix applied.
    pub fixed: String,
    /// Every finding, in the order of their positions.
    pub findings: Vec<FindingReport>,
    /// Why the file could not be worked on at all.
    pub error: Option<String>,
}

/// Works through files' findings with one analyzer, LLM and sandbox.
pub struct Fixer<'a> {
    /// The analyzer re-checking candidates (`None`: findings came as SARIF
    /// with no command to re-run).
    pub analyzer: Option<&'a Analyzer>,
    /// The tool that produced the findings (for the prompts).
    pub tool: String,
    /// The LLM proposing and ranking rewrites (`None`: analyzer fixes only).
    pub llm: Option<&'a Llm>,
    /// The sandbox the behaviour checks run in (it must let jobs read each
    /// file's import root and `site`: [`ModuleSpec::read_paths`]).
    pub pool: &'a Pool,
    /// A virtual environment's package folders, for the modules'
    /// third-party imports ([`project::venv_site_packages`]).
    pub site: Vec<PathBuf>,
    /// What to propose and accept.
    pub opts: &'a FixOptions,
}

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
