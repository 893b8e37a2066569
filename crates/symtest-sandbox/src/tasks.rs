//! One call per kind of task, each answering only what that task can
//! answer: a caller that calls functions never has to handle the result of
//! a stdin run.

use std::fmt;
use std::time::Duration;

use symtest_pyvalue::PyValue;

use crate::error::SandboxError;
use crate::job::{
    Call, CallResult, CheckOutcome, Job, JobResult, LoadError, StdioResult, StdioRun, Task,
};
use crate::pool::Pool;

/// The answer to [`Pool::run_calls`].
#[derive(Clone, Debug, PartialEq)]
pub struct CallsAnswer {
    /// Milliseconds the program's top level took, or why it did not load
    /// (then `results` is empty).
    pub load: Result<f64, LoadError>,
    /// One result per call, in order.
    pub results: Vec<CallResult>,
}

/// The answer to [`Pool::run_check`].
#[derive(Clone, Debug, PartialEq)]
pub struct CheckAnswer {
    /// Milliseconds the program's top level took, or why it did not load.
    pub load: Result<f64, LoadError>,
    /// `None` when the program did not load (the tests never ran).
    pub outcome: Option<CheckOutcome>,
    /// Milliseconds the whole job took (the program's share).
    pub ms: f64,
    /// CPU milliseconds the test code's own process spent on this job.
    pub test_ms: f64,
    /// With `record_calls`: each call's positional arguments, in order.
    pub calls: Vec<Vec<PyValue>>,
}

/// Trusted test code to run against a program (a [`Task::Check`]).
#[derive(Clone, Debug)]
pub struct CheckTask {
    /// The name the tests call.
    pub entry: String,
    /// Run in the harness first, for the helpers the tests use.
    pub prompt: String,
    /// The dataset's test code.
    pub test: String,
    /// Names that stand for `entry` in the test code.
    pub bind: Vec<String>,
    /// Call `check(candidate)` after running `test`.
    pub call_check: bool,
    /// Time for the whole job: loading the program and every call.
    pub budget: Duration,
    /// CPU time the test code's own process may spend.
    pub test_budget: Duration,
    /// Return the arguments of every call the tests made.
    pub record_calls: bool,
}

impl Pool {
    /// Loads `source` and calls `entry` on each argument tuple of `calls`.
    /// `load_budget` bounds the program's top level.
    pub fn run_calls(
        &self,
        source: &str,
        entry: &str,
        calls: &[Call],
        load_budget: Duration,
    ) -> Result<CallsAnswer, SandboxError> {
        let job = Job {
            source: source.to_string(),
            task: Task::Calls {
                entry: entry.to_string(),
                calls: calls.to_vec(),
                want_args: false,
                load_budget,
            },
        };
        match self.run(&job)? {
            JobResult::Calls { load, results } => Ok(CallsAnswer { load, results }),
            other => Err(mismatch("calls", &other)),
        }
    }

    /// Loads `source` and runs the trusted test code of `check` against it.
    pub fn run_check(&self, source: &str, check: CheckTask) -> Result<CheckAnswer, SandboxError> {
        let job = Job {
            source: source.to_string(),
            task: Task::Check {
                entry: check.entry,
                prompt: check.prompt,
                test: check.test,
                bind: check.bind,
                call_check: check.call_check,
                budget: check.budget,
                test_budget: check.test_budget,
                record_calls: check.record_calls,
            },
        };
        match self.run(&job)? {
            JobResult::Check {
                load,
                outcome,
                ms,
                test_ms,
                calls,
            } => Ok(CheckAnswer {
                load,
                outcome,
                ms,
                test_ms,
                calls,
            }),
            other => Err(mismatch("check", &other)),
        }
    }
}

impl Pool {
    /// Runs `source` as `__main__` once per standard input of `runs`.
    pub fn run_stdio(
        &self,
        source: &str,
        runs: &[StdioRun],
    ) -> Result<Vec<StdioResult>, SandboxError> {
        let job = Job {
            source: source.to_string(),
            task: Task::Stdio {
                runs: runs.to_vec(),
            },
        };
        match self.run(&job)? {
            JobResult::Stdio { results } => Ok(results),
            other => Err(mismatch("stdio", &other)),
        }
    }
}

/// A reply of another kind than the task: the worker broke the protocol.
fn mismatch(asked: &str, got: &JobResult) -> SandboxError {
    let kind = match got {
        JobResult::Calls { .. } => "calls",
        JobResult::Stdio { .. } => "stdio",
        JobResult::Check { .. } => "check",
    };
    SandboxError::Worker(format!("a {asked} job was answered as a {kind} job"))
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Compile {
                message,
                line: Some(line),
            } => write!(f, "does not compile (line {line}): {message}"),
            LoadError::Compile {
                message,
                line: None,
            } => write!(f, "does not compile: {message}"),
            LoadError::Raised { type_name, message } if message.is_empty() => {
                write!(f, "raised {type_name}")
            }
            LoadError::Raised { type_name, message } => {
                write!(f, "raised {type_name}: {message}")
            }
            LoadError::Timeout { budget } => {
                write!(f, "did not load within {:.1} s", budget.as_secs_f64())
            }
            LoadError::Crashed { why } => write!(f, "crashed while loading ({why})"),
        }
    }
}

impl std::error::Error for LoadError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_errors_read_as_sentences() {
        let e = LoadError::Raised {
            type_name: "ImportError".into(),
            message: "attempted relative import with no known parent package".into(),
        };
        assert_eq!(
            e.to_string(),
            "raised ImportError: attempted relative import with no known parent package"
        );
        let e = LoadError::Compile {
            message: "invalid syntax".into(),
            line: Some(3),
        };
        assert_eq!(e.to_string(), "does not compile (line 3): invalid syntax");
    }
}
