//! `symtest gen`'s settings as plain values (the CLI's flags, the Python
//! binding's keyword arguments), checked and turned into [`GenOptions`] in
//! one place, so both front ends take the same values the same way.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use symtest_python::StdinOptions;
use symtest_solve::{SolverKind, SolverOptions};

use crate::model::GenOptions;
use crate::types::parse_overrides;

/// How hard to look and what to keep, as a front end takes it.
#[derive(Clone, Debug)]
pub struct GenSettings {
    /// Parameter types that win over annotations (`NAME:TYPE,...`).
    pub types: Option<String>,
    /// Preconditions, Python expressions.
    pub assume: Vec<String>,
    /// Keep inputs on which the reference raises.
    pub keep_raising: bool,
    /// Exploration budget per problem, seconds.
    pub timeout: f64,
    /// Runs of the reference, at most.
    pub max_runs: u64,
    /// Runs in a row covering nothing new before stopping (0: never).
    pub patience: u64,
    /// Seconds without new coverage before stopping (0: never).
    pub patience_time: f64,
    /// Boundary queries per problem.
    pub max_boundary: usize,
    /// Mutants of the reference the selection tells apart, at most (0: none).
    pub mutants: usize,
    /// Time limit of one call of the reference in CPython, seconds.
    pub call_timeout: f64,
    /// Minimise by set cover (else keep every distinct input).
    pub minimise: bool,
    /// Time limit of one solver query, seconds.
    pub query_timeout: f64,
    /// The solver.
    pub solver: SolverKind,
    /// Most tokens on a generated stdin line (`None`: the default sizes).
    pub max_tokens: Option<u32>,
}

/// A setting out of its range: which one (by its snake_case name) and what
/// is wrong with it.
#[derive(Debug)]
pub struct SettingError {
    /// The setting, as the Python keyword spells it (`patience_time`).
    pub setting: &'static str,
    /// What follows its name in the message.
    problem: String,
}

impl SettingError {
    fn new(setting: &'static str, problem: String) -> Self {
        SettingError { setting, problem }
    }

    /// The message naming the setting as a command-line flag
    /// (`--patience-time must be ...`).
    pub fn as_flag(&self) -> String {
        format!("--{}{}", self.setting.replace('_', "-"), self.problem)
    }
}

/// The message naming the setting as a keyword (`patience_time must be ...`).
impl fmt::Display for SettingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.setting, self.problem)
    }
}

impl std::error::Error for SettingError {}

/// A number of seconds as a duration, or what is wrong with it.
pub fn seconds(s: f64, setting: &'static str) -> Result<Duration, SettingError> {
    Duration::try_from_secs_f64(s).map_err(|_| {
        SettingError::new(
            setting,
            format!(" must be a non-negative number of seconds, got {s}"),
        )
    })
}

impl GenSettings {
    /// The generation options these settings ask for; `stop` interrupts.
    pub fn options(self, stop: Arc<AtomicBool>) -> Result<GenOptions, SettingError> {
        let types = match &self.types {
            Some(t) => {
                parse_overrides(t).map_err(|e| SettingError::new("types", format!(": {e}")))?
            }
            None => Vec::new(),
        };
        if let Some(n) = self.max_tokens
            && !(1..=1000).contains(&n)
        {
            return Err(SettingError::new(
                "max_tokens",
                format!(": {n} is not in 1..=1000"),
            ));
        }
        Ok(GenOptions {
            types,
            assume: self.assume,
            keep_raising: self.keep_raising,
            timeout: seconds(self.timeout, "timeout")?,
            max_runs: self.max_runs,
            patience: (self.patience > 0).then_some(self.patience),
            patience_time: Some(seconds(self.patience_time, "patience_time")?)
                .filter(|d| !d.is_zero()),
            max_boundary: self.max_boundary,
            mutants: self.mutants,
            call_timeout: seconds(self.call_timeout, "call_timeout")?,
            no_minimise: !self.minimise,
            solver: SolverOptions {
                kind: self.solver,
                query_timeout: Some(seconds(self.query_timeout, "query_timeout")?),
                ..GenOptions::default().solver
            },
            interrupt: Some(stop),
            stdin: self
                .max_tokens
                .map_or_else(StdinOptions::default, StdinOptions::with_max_tokens),
            // The sandbox is made later: its caller sets it.
            external: None,
        })
    }
}
