//! What `fix` reports: each file, each finding in it, each candidate for a
//! finding, and what became of them.

use std::path::PathBuf;

use crate::behaviour::Behaviour;
use crate::changes::Change;
use crate::finding::Finding;
use crate::propose::Source;

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
    pub(crate) fn unworked(finding: Finding, outcome: Outcome) -> FindingReport {
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
