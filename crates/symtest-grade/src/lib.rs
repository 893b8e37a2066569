//! Grading samples against problems: time limits calibrated on the
//! reference solution, one sandboxed job per sample, a verdict, a reward.
//! Shared by `symtest grade` and `symtest serve`.

#![warn(missing_docs)]

pub mod judge;
mod kind;
pub mod outcomes;
pub mod passk;
pub mod summary;
pub mod train_data;
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

pub use judge::{Judge, JudgeKind};
use symtest_formats::dataset::{Problem, Tests};
use symtest_formats::samples::extract_code;
pub use verdict::{Failure, FailureKind, RewardKind, Status, Verdict};

/// One line of an outcomes file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The problem graded against.
    pub task_id: String,
    /// The sample, among its problem's samples.
    pub sample_id: String,
    /// The verdict's kind.
    pub status: Status,
    /// Tests passed (a check's test code counts as one test).
    pub passed: usize,
    /// Tests in all.
    pub total: usize,
    /// `null` for a grader error: there is no verdict to reward.
    #[serde(default)]
    pub reward: Option<f64>,
    /// What went wrong first, for a person to read; `None` when it passed.
    pub first_failure: Option<Failure>,
    /// Wall time of grading this sample, milliseconds.
    #[serde(default)]
    pub ms: f64,
    /// SHA-256 of the completion graded (hex): training data is only made
    /// from a verdict on the very text it pairs it with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_sha256: Option<String>,
    /// SHA-256 of everything the verdict depends on: the problem, the
    /// grading settings and the completion. A resumed run keeps a verdict
    /// only when this is unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graded_sha256: Option<String>,
}

/// Why a sample could not be graded at all (a sandbox failure while
/// grading is the sample's `grader_error` outcome instead).
#[derive(Debug, Error)]
pub enum GradeError {
    /// The sample names a task id no loaded problem has.
    #[error("no problem '{0}' among the loaded problems")]
    UnknownTask(String),
    /// The sandbox failed outside a sample's grading.
    #[error(transparent)]
    Sandbox(#[from] SandboxError),
}

/// The floor of a time limit measured in CPU time. CPU time does not move
/// with the machine's load, so the floor only absorbs what a fast reference
/// does not show: measurement granularity and a candidate's first-call costs
/// (a regular expression compiled, a module imported). It binds only where
/// the reference takes under 25 ms, so a candidate it times out is more
/// than four times slower than the reference, which the factor times out
/// anyway.
pub const CPU_FLOOR: Duration = Duration::from_millis(100);
/// The floor of a wall-clock limit (no cgroups): it must also absorb load.
pub const WALL_FLOOR: Duration = Duration::from_secs(1);

/// How samples are graded: rewards, time limits, comparisons.
#[derive(Clone, Debug)]
pub struct GradeOptions {
    /// The reward a verdict earns.
    pub reward: RewardKind,
    /// A test may take this many times the reference's time...
    pub timeout_factor: f64,
    /// ...but never less than this ([`CPU_FLOOR`] or [`WALL_FLOOR`] by
    /// default, as the sandbox measures time).
    pub timeout_floor: Option<Duration>,
    /// The limit when there is no reference to measure.
    pub default_timeout: Duration,
    /// Returned values: an expected float within this.
    pub tolerance: Tolerance,
    /// Standard output.
    pub judge: Judge,
    /// Take the code out of fenced blocks in chat-style answers.
    pub extract: bool,
}

impl Default for GradeOptions {
    fn default() -> Self {
        GradeOptions {
            reward: RewardKind::Binary,
            timeout_factor: 4.0,
            timeout_floor: None,
            default_timeout: Duration::from_secs(3),
            tolerance: Tolerance::default(),
            judge: Judge::default(),
            extract: true,
        }
    }
}

/// Grading's settings as a user gives them (times as seconds), before they
/// are checked: the command line's flags and the Python `Grader`'s
/// arguments.
#[derive(Clone, Debug)]
pub struct GradeSettings {
    /// The reward a verdict earns.
    pub reward: RewardKind,
    /// A test may take this many times the reference's time.
    pub timeout_factor: f64,
    /// ...but never less than this many seconds.
    pub timeout_floor: Option<f64>,
    /// The limit in seconds when there is no reference to measure.
    pub default_timeout: f64,
    /// How standard output is judged.
    pub judge: JudgeKind,
    /// The tokens judge's tolerance for a real number.
    pub float_tolerance: f64,
    /// Relative tolerance for an expected float among returned values.
    pub rtol: f64,
    /// Absolute tolerance for an expected float among returned values.
    pub atol: f64,
    /// Take the code out of fenced blocks in chat-style answers.
    pub extract: bool,
}

impl GradeSettings {
    /// The options these settings ask for, or what is out of range; `name`
    /// spells a setting (`timeout_factor`, `rtol`, ...) as the user wrote it.
    pub fn options(&self, name: impl Fn(&str) -> String) -> Result<GradeOptions, String> {
        if !(self.timeout_factor > 0.0 && self.timeout_factor.is_finite()) {
            return Err(format!(
                "{} must be positive, got {}",
                name("timeout_factor"),
                self.timeout_factor
            ));
        }
        for (v, what) in [
            (self.rtol, "rtol"),
            (self.atol, "atol"),
            (self.float_tolerance, "float_tolerance"),
        ] {
            if !(v >= 0.0 && v.is_finite()) {
                return Err(format!(
                    "{} must be a non-negative number, got {v}",
                    name(what)
                ));
            }
        }
        let seconds = |s: f64, what: &str| {
            Duration::try_from_secs_f64(s).map_err(|_| {
                format!(
                    "{} must be a non-negative number of seconds, got {s}",
                    name(what)
                )
            })
        };
        let tolerance = Tolerance {
            rtol: self.rtol,
            atol: self.atol,
        };
        Ok(GradeOptions {
            reward: self.reward,
            timeout_factor: self.timeout_factor,
            timeout_floor: self
                .timeout_floor
                .map(|f| seconds(f, "timeout_floor"))
                .transpose()?,
            default_timeout: seconds(self.default_timeout, "default_timeout")?,
            tolerance,
            judge: match self.judge {
                JudgeKind::Tokens => Judge::Tokens {
                    float_tolerance: self.float_tolerance,
                },
                JudgeKind::Exact => Judge::Exact,
                JudgeKind::Apps => Judge::Apps { tolerance },
            },
            extract: self.extract,
        })
    }
}

impl GradeOptions {
    /// The settings a verdict depends on, as text for its digest.
    fn fingerprint(&self) -> String {
        format!(
            "reward={} factor={} floor={:?} default={:?} rtol={} atol={} judge={:?} extract={}",
            self.reward.name(),
            self.timeout_factor,
            self.timeout_floor,
            self.default_timeout,
            self.tolerance.rtol,
            self.tolerance.atol,
            self.judge,
            self.extract
        )
    }
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for p in parts {
        // Length-prefixed, so that the parts cannot be shifted into each other.
        ctx.update(&(p.len() as u64).to_le_bytes());
        ctx.update(p);
    }
    ctx.finish()
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// SHA-256 of everything a verdict depends on: the problem, the grading
/// settings and the completion.
pub fn graded_digest(p: &Problem, opts: &GradeOptions, completion: &str) -> String {
    sha256_hex(&[
        problem_fingerprint(p).as_bytes(),
        opts.fingerprint().as_bytes(),
        completion.as_bytes(),
    ])
}

/// What a verdict on this problem depends on, as text for its digest.
fn problem_fingerprint(p: &Problem) -> String {
    format!(
        "{}\u{0}{}\u{0}{:?}\u{0}{:?}",
        p.task_id, p.prefix, p.entry_point, p.tests
    )
}

/// The reference solution's measured behaviour on a problem.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Calibration {
    /// Milliseconds per test (call and stdio tests), when measured.
    pub per_test_ms: Vec<Option<f64>>,
    /// Milliseconds for the whole check (HumanEval-style tests).
    pub total_ms: Option<f64>,
    /// Milliseconds to load the program (call tests).
    pub load_ms: Option<f64>,
    /// CPU milliseconds the test code's own process spent on the whole
    /// check (HumanEval-style tests).
    pub test_ms: Option<f64>,
    /// Why the reference could not be used, when it could not.
    pub problem: Option<String>,
}

/// How long the reference may run while it is measured.
const CALIBRATION_BUDGET: Duration = Duration::from_secs(30);

/// Grades samples of a set of problems on a sandbox pool, measuring each
/// problem's reference once (cached) for its time limits. Shared between
/// threads.
pub struct Grader {
    pool: Arc<Pool>,
    problems: Arc<BTreeMap<String, Problem>>,
    opts: GradeOptions,
    calibrations: Mutex<HashMap<String, Arc<Calibration>>>,
}

impl Grader {
    /// A grader of `problems` on `pool`; nothing runs until the first sample.
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

    /// The problems, by task id.
    pub fn problems(&self) -> &BTreeMap<String, Problem> {
        &self.problems
    }

    /// The grading settings.
    pub fn options(&self) -> &GradeOptions {
        &self.opts
    }

    /// The sandbox pool jobs run on.
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
        let c = match self.measure(problem) {
            Ok(c) => Arc::new(c),
            // The sandbox failed, not the reference: not kept, tried again
            // with the next sample.
            Err(GradeError::Sandbox(e)) => {
                return Ok(Arc::new(Calibration {
                    problem: Some(format!("the sandbox failed while measuring it: {e}")),
                    ..Calibration::default()
                }));
            }
            Err(e) => return Err(e),
        };
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
            CALIBRATION_BUDGET,
            CALIBRATION_BUDGET,
        );
        let result = self.pool.run(&job)?;
        let v = verdict::verdict(&p.tests, &result, self.opts.tolerance, &self.opts.judge);
        let problem = (v.status != Status::Passed)
            .then(|| format!("the reference solution is {} on its own tests", v.status));
        Ok(match result {
            JobResult::Calls { results, load } => Calibration {
                load_ms: load.ok(),
                per_test_ms: results
                    .iter()
                    .map(|r| match r {
                        CallResult::Returned { ms, .. } => Some(*ms),
                        _ => None,
                    })
                    .collect(),
                total_ms: None,
                test_ms: None,
                problem,
            },
            JobResult::Stdio { results } => Calibration {
                load_ms: None,
                per_test_ms: results
                    .iter()
                    .map(|r| match r {
                        StdioResult::Finished { ms, .. } => Some(*ms),
                        StdioResult::Failed(_) => None,
                    })
                    .collect(),
                total_ms: None,
                test_ms: None,
                problem,
            },
            JobResult::Check {
                outcome,
                ms,
                test_ms,
                ..
            } => {
                let passed = outcome == Some(CheckOutcome::Passed);
                Calibration {
                    load_ms: None,
                    per_test_ms: Vec::new(),
                    total_ms: passed.then_some(ms),
                    test_ms: passed.then_some(test_ms),
                    problem,
                }
            }
        })
    }

    /// The floor of every time limit.
    pub fn floor(&self) -> Duration {
        self.opts
            .timeout_floor
            .unwrap_or(if self.pool.measures_cpu() {
                CPU_FLOOR
            } else {
                WALL_FLOOR
            })
    }

    fn budget_from(&self, reference_ms: Option<f64>) -> Duration {
        match reference_ms {
            Some(ms) => self.floor().max(
                Duration::try_from_secs_f64(ms.max(0.0) * self.opts.timeout_factor / 1000.0)
                    .unwrap_or(self.opts.default_timeout),
            ),
            None => self.opts.default_timeout,
        }
    }

    /// The program a completion makes for this problem. A completion that
    /// is valid Python as it stands (after the prompt) is graded as it
    /// stands, even when a string in it holds a fenced block; only one that
    /// is not has its code taken out of fences.
    pub fn program(&self, p: &Problem, completion: &str) -> String {
        let as_is = || {
            if completion.starts_with(&p.prefix) {
                completion.to_string()
            } else {
                format!("{}{completion}", p.prefix)
            }
        };
        let code = if self.opts.extract
            && completion.contains("```")
            && symtest_python::check_syntax(&as_is()).is_err()
        {
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

    /// The digest of what a verdict on `completion` for `task_id` depends on.
    pub fn graded_digest(&self, task_id: &str, completion: &str) -> Option<String> {
        let p = self.problems.get(task_id)?;
        Some(graded_digest(p, &self.opts, completion))
    }

    /// Grades one completion. A failure of the sandbox is this sample's
    /// outcome (`grader_error`, no reward), never an error of the run; only
    /// an unknown task is an error.
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
        // A completion past what a job takes is not parsed or searched for
        // fences (work a sample could multiply): the pool refuses it.
        let program = if completion.len() > symtest_sandbox::MAX_SOURCE {
            completion.to_string()
        } else {
            self.program(p, completion)
        };
        let job = build_job(
            p,
            program,
            &per_test,
            self.budget_from(cal.total_ms),
            self.budget_from(cal.load_ms),
            self.budget_from(cal.test_ms),
        );
        let v = match self.pool.run(&job) {
            Ok(result) => {
                verdict::verdict(&p.tests, &result, self.opts.tolerance, &self.opts.judge)
            }
            Err(e) => Verdict {
                status: Status::GraderError,
                passed: 0,
                total: p.tests.count(),
                first_failure: Some(Failure {
                    error: Some(e.to_string()),
                    ..Failure::of(FailureKind::GraderError)
                }),
            },
        };
        Ok(Outcome {
            task_id: task_id.to_string(),
            sample_id: sample_id.to_string(),
            reward: self.opts.reward.reward(v.status, v.passed, v.total),
            status: v.status,
            passed: v.passed,
            total: v.total,
            first_failure: v.first_failure,
            ms: started.elapsed().as_secs_f64() * 1000.0,
            completion_sha256: Some(sha256_hex(&[completion.as_bytes()])),
            graded_sha256: self.graded_digest(task_id, completion),
        })
    }
}

/// The sandbox job that runs `program` against the problem's tests.
pub fn build_job(
    p: &Problem,
    program: String,
    per_test: &dyn Fn(usize) -> Duration,
    whole: Duration,
    load: Duration,
    test_code: Duration,
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
            test_budget: test_code,
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
            load_budget: load,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_their_names_and_refuse_others() {
        for k in [JudgeKind::Exact, JudgeKind::Tokens, JudgeKind::Apps] {
            assert_eq!(k.to_string().parse::<JudgeKind>(), Ok(k));
        }
        for k in [RewardKind::Binary, RewardKind::Fraction, RewardKind::Coderl] {
            assert_eq!(k.to_string().parse::<RewardKind>(), Ok(k));
        }
        assert_eq!(
            "Exact".parse::<JudgeKind>(),
            Err("unknown judge 'Exact' (expected tokens, exact or apps)".to_string())
        );
        assert_eq!(
            "".parse::<RewardKind>(),
            Err("unknown reward '' (expected binary, fraction or coderl)".to_string())
        );
    }
}
