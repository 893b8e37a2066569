//! Grading samples against problems: time limits calibrated on the
//! reference solution, one sandboxed job per sample, a verdict, a reward.
//! Shared by `symtest grade` and `symtest serve`.

pub mod outcomes;
pub mod passk;
pub mod summary;
pub mod verdict;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use symtest_sandbox::{
    Call, CallResult, CheckOutcome, Job, JobResult, Pool, SandboxError, StdioResult, StdioRun,
    Task, Tolerance,
};
use thiserror::Error;

use crate::dataset::{Problem, Tests};
use crate::samples::extract_code;
pub use verdict::{Failure, RewardKind, Status, Verdict};

/// One line of an outcomes file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub task_id: String,
    pub sample_id: String,
    pub status: Status,
    pub passed: usize,
    pub total: usize,
    pub reward: f64,
    pub first_failure: Option<Failure>,
    /// Wall time of grading this sample, milliseconds.
    #[serde(default)]
    pub ms: f64,
}

#[derive(Debug, Error)]
pub enum GradeError {
    #[error("no problem '{0}' among the loaded problems")]
    UnknownTask(String),
    #[error(transparent)]
    Sandbox(#[from] SandboxError),
}

#[derive(Clone, Debug)]
pub struct GradeOptions {
    pub reward: RewardKind,
    /// A test may take this many times the reference's time...
    pub timeout_factor: f64,
    /// ...but never less than this.
    pub timeout_floor: Duration,
    /// The limit when there is no reference to measure.
    pub default_timeout: Duration,
    pub tolerance: Tolerance,
    /// Take the code out of fenced blocks in chat-style answers.
    pub extract: bool,
}

impl Default for GradeOptions {
    fn default() -> Self {
        GradeOptions {
            reward: RewardKind::Binary,
            timeout_factor: 4.0,
            timeout_floor: Duration::from_secs(1),
            default_timeout: Duration::from_secs(3),
            tolerance: Tolerance::default(),
            extract: true,
        }
    }
}

/// The reference solution's measured behaviour on a problem.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Calibration {
    /// Milliseconds per test (call and stdio tests), when measured.
    pub per_test_ms: Vec<Option<f64>>,
    /// Milliseconds for the whole check (HumanEval-style tests).
    pub total_ms: Option<f64>,
    /// Why the reference could not be used, when it could not.
    pub problem: Option<String>,
}

/// How long the reference may run while it is measured.
const CALIBRATION_BUDGET: Duration = Duration::from_secs(30);

pub struct Grader {
    pool: Arc<Pool>,
    problems: Arc<BTreeMap<String, Problem>>,
    opts: GradeOptions,
    calibrations: Mutex<HashMap<String, Arc<Calibration>>>,
}

impl Grader {
    pub fn new(
        pool: Arc<Pool>,
        problems: Arc<BTreeMap<String, Problem>>,
        opts: GradeOptions,
    ) -> Grader {
        Grader {
            pool,
            problems,
            opts,
            calibrations: Mutex::new(HashMap::new()),
        }
    }

    pub fn problems(&self) -> &BTreeMap<String, Problem> {
        &self.problems
    }

    pub fn options(&self) -> &GradeOptions {
        &self.opts
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    fn problem(&self, task_id: &str) -> Result<&Problem, GradeError> {
        self.problems
            .get(task_id)
            .ok_or_else(|| GradeError::UnknownTask(task_id.to_string()))
    }

    /// Measures the reference once (cached): time limits scale from it.
    pub fn calibrate(&self, task_id: &str) -> Result<Arc<Calibration>, GradeError> {
        if let Some(c) = self
            .calibrations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(task_id)
        {
            return Ok(c.clone());
        }
        let problem = self.problem(task_id)?;
        let c = Arc::new(self.measure(problem)?);
        self.calibrations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(task_id.to_string(), c.clone());
        Ok(c)
    }

    fn measure(&self, p: &Problem) -> Result<Calibration, GradeError> {
        let recorded: Vec<Option<f64>> = match &p.tests {
            Tests::Calls { cases, .. } => cases.iter().map(|c| c.reference_ms).collect(),
            Tests::Stdio { cases } => cases.iter().map(|c| c.reference_ms).collect(),
            Tests::Check { .. } => Vec::new(),
        };
        if !recorded.is_empty() && recorded.iter().all(Option::is_some) {
            return Ok(Calibration {
                per_test_ms: recorded,
                ..Calibration::default()
            });
        }
        let Some(reference) = &p.reference else {
            return Ok(Calibration {
                problem: Some("no reference solution".into()),
                ..Calibration::default()
            });
        };
        let job = build_job(
            p,
            reference.clone(),
            &|_| CALIBRATION_BUDGET,
            CALIBRATION_BUDGET,
        );
        let result = self.pool.run(&job)?;
        let v = verdict::verdict(&p.tests, &result, self.opts.tolerance);
        let problem = (v.status != Status::Passed)
            .then(|| format!("the reference solution is {} on its own tests", v.status));
        Ok(match result {
            JobResult::Calls { results, .. } => Calibration {
                per_test_ms: results
                    .iter()
                    .map(|r| match r {
                        CallResult::Returned { ms, .. } => Some(*ms),
                        _ => None,
                    })
                    .collect(),
                total_ms: None,
                problem,
            },
            JobResult::Stdio { results } => Calibration {
                per_test_ms: results
                    .iter()
                    .map(|r| match r {
                        StdioResult::Finished { ms, .. } => Some(*ms),
                        StdioResult::Failed(_) => None,
                    })
                    .collect(),
                total_ms: None,
                problem,
            },
            JobResult::Check { outcome, ms, .. } => Calibration {
                per_test_ms: Vec::new(),
                total_ms: (outcome == Some(CheckOutcome::Passed)).then_some(ms),
                problem,
            },
        })
    }

    fn budget_from(&self, reference_ms: Option<f64>) -> Duration {
        match reference_ms {
            Some(ms) => self.opts.timeout_floor.max(Duration::from_secs_f64(
                ms * self.opts.timeout_factor / 1000.0,
            )),
            None => self.opts.default_timeout,
        }
    }

    /// The program a completion makes for this problem.
    pub fn program(&self, p: &Problem, completion: &str) -> String {
        let code = if self.opts.extract {
            extract_code(completion, p.entry_point.as_deref())
        } else {
            completion.to_string()
        };
        if p.prefix.is_empty() {
            code
        } else if code.starts_with(&p.prefix) {
            // The answer repeats the prompt (common for chat models).
            code
        } else {
            format!("{}{code}", p.prefix)
        }
    }

    /// Grades one completion.
    pub fn grade(
        &self,
        task_id: &str,
        sample_id: &str,
        completion: &str,
    ) -> Result<Outcome, GradeError> {
        let started = Instant::now();
        let p = self.problem(task_id)?;
        let cal = self.calibrate(task_id)?;
        let per_test = |i: usize| self.budget_from(cal.per_test_ms.get(i).copied().flatten());
        let job = build_job(
            p,
            self.program(p, completion),
            &per_test,
            self.budget_from(cal.total_ms),
        );
        let result = self.pool.run(&job)?;
        let v = verdict::verdict(&p.tests, &result, self.opts.tolerance);
        Ok(Outcome {
            task_id: task_id.to_string(),
            sample_id: sample_id.to_string(),
            reward: self.opts.reward.reward(v.status, v.passed, v.total),
            status: v.status,
            passed: v.passed,
            total: v.total,
            first_failure: v.first_failure,
            ms: started.elapsed().as_secs_f64() * 1000.0,
        })
    }
}

/// The sandbox job that runs `program` against the problem's tests.
pub fn build_job(
    p: &Problem,
    program: String,
    per_test: &dyn Fn(usize) -> Duration,
    whole: Duration,
) -> Job {
    let task = match &p.tests {
        Tests::Check {
            test,
            bind,
            call_check,
            harness_prompt,
        } => Task::Check {
            entry: p.entry_point.clone().unwrap_or_default(),
            prompt: harness_prompt.clone(),
            test: test.clone(),
            bind: bind.clone(),
            call_check: *call_check,
            budget: whole,
            record_calls: false,
        },
        Tests::Calls { entry, cases } => Task::Calls {
            entry: entry.clone(),
            calls: cases
                .iter()
                .enumerate()
                .map(|(i, c)| Call {
                    args: c.args.clone(),
                    budget: per_test(i),
                })
                .collect(),
            want_args: false,
        },
        Tests::Stdio { cases } => Task::Stdio {
            runs: cases
                .iter()
                .enumerate()
                .map(|(i, c)| StdioRun {
                    stdin: c.stdin.clone(),
                    budget: per_test(i),
                })
                .collect(),
        },
    };
    Job {
        source: program,
        task,
    }
}
