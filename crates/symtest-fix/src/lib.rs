//! `symtest fix`: CORE's proposer → verifier → ranker for static-analysis
//! findings, with a behaviour check that is not an opinion: the functions a
//! candidate touches run, original and candidate, on path-covering inputs.
//!
//! One file at a time: the analyzer runs on the current text, the first
//! finding not yet attempted gets its candidates (the analyzer's own fix, an
//! LLM's rewrites of the enclosing block), each is verified (it parses; the
//! analyzer no longer reports the finding and nothing new), checked for
//! behaviour, and ranked; the best accepted one becomes the current text.
#![warn(missing_docs)]

pub mod analyzer;
pub mod behaviour;
pub mod finding;
mod inputs;
pub mod llm;
pub mod output;
pub mod propose;
mod verify;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use symtest_python::outline::outline;
use symtest_sandbox::{Pool, SandboxError};
use thiserror::Error;

pub use analyzer::Analyzer;
pub use behaviour::{Behaviour, CheckOptions, Witness};
pub use finding::Finding;
pub use inputs::InputOptions;
pub use llm::{Llm, LlmError, LlmOptions};
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
    /// The whole file with the candidate applied.
    pub text: String,
    /// The change as a unified diff.
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
    /// Every candidate was refused.
    Rejected,
    /// Not worked on, and why (interrupted, no candidate).
    Skipped(String),
}

/// One finding and its candidates.
#[derive(Clone, Debug)]
pub struct FindingReport {
    /// The finding, as the analyzer reported it.
    pub finding: Finding,
    /// What the LLM saw (`function f`, `module lines 1-6`).
    pub context: String,
    /// Every candidate, in the order they were proposed.
    pub candidates: Vec<CandidateReport>,
    /// What became of the finding.
    pub outcome: Outcome,
    /// Replies that gave no candidate, ranker failures.
    pub notes: Vec<String>,
    /// The file's text before this finding was worked on.
    pub before: String,
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
    /// Each finding worked on.
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
    /// The sandbox the behaviour checks run in.
    pub pool: &'a Pool,
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
        let mut text = original;
        let mut attempted: BTreeSet<(String, String, String)> = BTreeSet::new();
        // Findings from a log keep their positions only while the lines
        // above them are untouched: bottom to top.
        let mut given = given.map(|mut g| {
            g.sort_by_key(|f| std::cmp::Reverse((f.start, f.end)));
            g
        });
        let original_lines: Vec<String> = text.lines().map(str::to_string).collect();
        loop {
            if self.interrupted() {
                break;
            }
            let (finding, current) = match &mut given {
                Some(g) => {
                    let Some(f) = g.first().cloned() else { break };
                    g.remove(0);
                    let now = text.lines().nth(f.start.line.saturating_sub(1) as usize);
                    let then = original_lines.get(f.start.line.saturating_sub(1) as usize);
                    if now != then.map(String::as_str) {
                        report.findings.push(FindingReport {
                            context: String::new(),
                            candidates: Vec::new(),
                            outcome: Outcome::Skipped("an earlier fix changed its line".into()),
                            notes: Vec::new(),
                            before: text.clone(),
                            finding: f,
                        });
                        continue;
                    }
                    let current = match self.analyzer {
                        Some(a) => a.check(path, &text)?,
                        None => Vec::new(),
                    };
                    (f, current)
                }
                None => {
                    let Some(a) = self.analyzer else { break };
                    let current = a.check(path, &text)?;
                    let next = current
                        .iter()
                        .find(|f| !attempted.contains(&f.key(&text)))
                        .cloned();
                    let Some(f) = next else { break };
                    (f, current)
                }
            };
            attempted.insert(finding.key(&text));
            progress(&finding);
            let fr = self.fix_one(path, &text, finding, &current)?;
            if let Outcome::Fixed(i) = fr.outcome {
                text = fr.candidates[i].text.clone();
            }
            report.findings.push(fr);
        }
        report.fixed = text;
        Ok(report)
    }

    fn fix_one(
        &self,
        path: &Path,
        text: &str,
        finding: Finding,
        current: &[Finding],
    ) -> Result<FindingReport, FixError> {
        let ctx = propose::context(text, &finding);
        let mut fr = FindingReport {
            context: ctx.what.clone(),
            candidates: Vec::new(),
            outcome: Outcome::Rejected,
            notes: Vec::new(),
            before: text.to_string(),
            finding,
        };
        let f = &fr.finding;
        let mut proposals = Vec::new();
        if self.opts.analyzer_fixes
            && let Some(p) = propose::analyzer_proposal(text, f)
        {
            proposals.push(p);
        }
        if let Some(llm) = self.llm {
            let doc = self.analyzer.and_then(|a| a.rule_doc(&f.rule));
            match propose::llm_proposals(
                llm,
                text,
                f,
                doc.as_deref(),
                &self.tool,
                self.opts.candidates,
            ) {
                Ok((ps, skipped)) => {
                    fr.notes.extend(skipped);
                    for p in ps {
                        if proposals
                            .iter()
                            .any(|q: &propose::Proposal| q.text == p.text)
                        {
                            fr.notes.push(format!(
                                "{}: the same change as the analyzer's fix",
                                p.source.describe()
                            ));
                        } else {
                            proposals.push(p);
                        }
                    }
                }
                Err(LlmError::Fatal(m)) => return Err(FixError::Llm(m)),
                Err(LlmError::Failed(m)) => fr.notes.push(m),
            }
        }
        if proposals.is_empty() {
            fr.outcome = Outcome::Skipped(if self.llm.is_some() {
                "no candidate: the analyzer has no fix and the LLM gave none".into()
            } else {
                "no candidate: the analyzer has no fix (give --llm-url for LLM candidates)".into()
            });
            return Ok(fr);
        }
        let mut cache = HashMap::new();
        for p in proposals {
            let c = self.judge(path, text, f, current, p, &mut cache)?;
            fr.candidates.push(c);
        }
        // CORE's order, behaviour first: checked and equal, then the
        // ranker's score, then the smaller change.
        let best = fr
            .candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| c.accepted)
            .min_by_key(|(_, c)| {
                (
                    !matches!(c.behaviour, Some(Behaviour::Same { .. })),
                    std::cmp::Reverse(c.score.unwrap_or(0)),
                    c.diff.len(),
                )
            })
            .map(|(i, _)| i);
        fr.outcome = match best {
            Some(i) => Outcome::Fixed(i),
            None => Outcome::Rejected,
        };
        Ok(fr)
    }

    fn judge(
        &self,
        path: &Path,
        text: &str,
        f: &Finding,
        current: &[Finding],
        p: propose::Proposal,
        cache: &mut HashMap<String, behaviour::Planned>,
    ) -> Result<CandidateReport, FixError> {
        let name = path.to_string_lossy();
        let diff = output::unified(text, &p.text, &name);
        let mut c = CandidateReport {
            source: p.source,
            text: p.text,
            diff,
            verifier: None,
            behaviour: None,
            score: None,
            accepted: false,
            why: String::new(),
        };
        if let Err(e) = outline(&c.text) {
            c.verifier = Some(format!("does not parse: line {}: {}", e.line, e.message));
            c.why = c.verifier.clone().unwrap_or_default();
            return Ok(c);
        }
        if let Some(a) = self.analyzer {
            let after = a.check(path, &c.text)?;
            if let Err(why) = verify::recheck(current, &after, f) {
                c.verifier = Some(why.clone());
                c.why = why;
                return Ok(c);
            }
        }
        let b = behaviour::check(
            self.pool,
            text,
            &c.text,
            f.start.line,
            &self.opts.check,
            cache,
        );
        if let Some(llm) = self.llm {
            match propose::rank(llm, f, &self.tool, &c.diff) {
                Ok(s) => c.score = Some(s),
                Err(LlmError::Fatal(m)) => return Err(FixError::Llm(m)),
                Err(LlmError::Failed(m)) => c.why = format!("ranker: {m}; "),
            }
        }
        let safe = c.source == Source::Analyzer(finding::Applicability::Safe);
        let (accepted, why) = match &b {
            Behaviour::Differs(w) => (
                false,
                format!(
                    "behaviour differs: {}: original {}, candidate {}",
                    w.call, w.original, w.candidate
                ),
            ),
            Behaviour::NotChecked { why } if !(self.opts.accept_unchecked || safe) => (
                false,
                format!(
                    "behaviour not checked ({why}); --accept-unchecked accepts such candidates"
                ),
            ),
            Behaviour::NotChecked { why } => (true, format!("behaviour not checked ({why})")),
            Behaviour::Same { checked } => {
                let n: usize = checked.iter().map(|k| k.inputs).sum();
                (
                    true,
                    if checked.is_empty() {
                        "the module loads the same way; no function changed".to_string()
                    } else {
                        format!(
                            "same behaviour on {n} inputs of {}",
                            checked
                                .iter()
                                .map(|k| k.target.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    },
                )
            }
        };
        c.behaviour = Some(b);
        let ranked_out = c.score.is_some_and(|s| s <= 1);
        c.accepted = accepted && !ranked_out;
        c.why.push_str(&why);
        if accepted && ranked_out {
            c.why.push_str(&format!(
                "; the ranker rejects it ({}/3)",
                c.score.unwrap_or(0)
            ));
        }
        Ok(c)
    }
}
