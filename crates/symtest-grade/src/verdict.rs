//! From what the sandbox saw to a verdict: status, tests passed, reward,
//! and the first failure in words.

use crate::kind::{display_by_name, parse_by_name};

use serde::{Deserialize, Serialize};
use symtest_sandbox::{
    CallResult, CheckOutcome, JobResult, LastCall, LoadError, PyValue, StdioResult, Tolerance,
    py_eq,
};

use super::judge::Judge;
use symtest_formats::dataset::{CallCase, StdioCase, Tests};

/// The kind of a verdict (written in snake case: `runtime_error`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every test passed.
    Passed,
    /// A test got a wrong answer (or a value that is not a plain one).
    Failed,
    /// The program raised, or crashed, loading or on a test.
    RuntimeError,
    /// The program does not compile (or is over the size a job takes).
    CompileError,
    /// A test (or loading) went over its time limit.
    Timeout,
    /// The sandbox itself failed on this sample (after retries on fresh
    /// workers): there is no verdict, and no reward. RL adapters skip it;
    /// training data leaves it out.
    GraderError,
}

impl Status {
    /// Every status, in the order summaries list them.
    pub const ALL: [Status; 6] = [
        Status::Passed,
        Status::Failed,
        Status::RuntimeError,
        Status::CompileError,
        Status::Timeout,
        Status::GraderError,
    ];

    /// The status as outcomes files write it.
    pub fn name(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::RuntimeError => "runtime_error",
            Status::CompileError => "compile_error",
            Status::Timeout => "timeout",
            Status::GraderError => "grader_error",
        }
    }

    /// Whether the sample was judged (everything but a grader error).
    pub fn is_verdict(self) -> bool {
        self != Status::GraderError
    }

    /// CodeRL's critic labels: compile error 0, runtime error 1, failed test
    /// 2, passed 3 (a timeout is a runtime error there); none for a grader
    /// error.
    pub fn critic_label(self) -> Option<u8> {
        match self {
            Status::CompileError => Some(0),
            Status::RuntimeError | Status::Timeout => Some(1),
            Status::Failed => Some(2),
            Status::Passed => Some(3),
            Status::GraderError => None,
        }
    }
}

display_by_name!(Status);

/// Which reward a verdict earns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RewardKind {
    /// 1 when every test passes, else 0.
    Binary,
    /// The fraction of tests passed.
    Fraction,
    /// CodeRL: compile error -1, runtime error (or timeout) -0.6, failed -0.3, passed 1.
    Coderl,
}

impl RewardKind {
    /// The reward of a verdict; `None` for a grader error (no verdict).
    pub fn reward(self, status: Status, passed: usize, total: usize) -> Option<f64> {
        if status == Status::GraderError {
            return None;
        }
        Some(match self {
            RewardKind::Binary => f64::from(u8::from(status == Status::Passed)),
            RewardKind::Fraction if total == 0 => f64::from(u8::from(status == Status::Passed)),
            RewardKind::Fraction => passed as f64 / total as f64,
            RewardKind::Coderl => match status {
                Status::CompileError => -1.0,
                Status::RuntimeError | Status::Timeout => -0.6,
                Status::Failed => -0.3,
                Status::Passed => 1.0,
                Status::GraderError => 0.0,
            },
        })
    }

    /// The name `--reward` takes.
    pub fn name(self) -> &'static str {
        match self {
            RewardKind::Binary => "binary",
            RewardKind::Fraction => "fraction",
            RewardKind::Coderl => "coderl",
        }
    }
}

parse_by_name!(
    RewardKind,
    [Binary, Fraction, Coderl],
    "reward",
    "binary, fraction or coderl"
);

/// What kind of thing went wrong first (`first_failure.kind` in outcomes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// A test's expected value or output differs from what the sample gave.
    WrongAnswer,
    /// The sample raised (or the test raised on what it returned).
    Exception,
    /// A time limit was reached.
    Timeout,
    /// The process died (a signal, a memory limit, an exit).
    Crash,
    /// The sample does not compile.
    CompileError,
    /// The sample returned a value that is not plain data.
    Unsupported,
    /// The sandbox could not judge the sample.
    GraderError,
}

impl FailureKind {
    /// The name outcomes use.
    pub fn name(self) -> &'static str {
        match self {
            FailureKind::WrongAnswer => "wrong_answer",
            FailureKind::Exception => "exception",
            FailureKind::Timeout => "timeout",
            FailureKind::Crash => "crash",
            FailureKind::CompileError => "compile_error",
            FailureKind::Unsupported => "unsupported",
            FailureKind::GraderError => "grader_error",
        }
    }
}

display_by_name!(FailureKind);

/// The first thing that went wrong, for a person to read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    /// What kind of thing it was.
    pub kind: FailureKind,
    /// The test's input: the argument tuple as Python shows it, or the
    /// standard input, cut short.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub input: Option<String>,
    /// What a right program gives there, shown the same way.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expected: Option<String>,
    /// What the sample gave, shown the same way.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub got: Option<String>,
    /// The exception, crash or limit, in words.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
    /// The line of the failing test (HumanEval's `check`) or of the syntax error.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line: Option<u32>,
}

/// A run stopped by an error of `kind` that says `error`: a timeout, or
/// else a runtime error (an exception, a crash).
fn stopped(kind: FailureKind, error: String) -> (Status, Failure) {
    let status = match kind {
        FailureKind::Timeout => Status::Timeout,
        _ => Status::RuntimeError,
    };
    (status, Failure::erred(kind, error))
}

impl Failure {
    /// A failure of `kind` whose error says `error`.
    fn erred(kind: FailureKind, error: String) -> Failure {
        Failure {
            error: Some(error),
            ..Failure::of(kind)
        }
    }

    /// A failure of `kind` where the sample gave `got`.
    fn gave(kind: FailureKind, got: String) -> Failure {
        Failure {
            got: Some(got),
            ..Failure::of(kind)
        }
    }

    /// A failure of `kind` with nothing more said yet.
    pub fn of(kind: FailureKind) -> Failure {
        Failure {
            kind,
            input: None,
            expected: None,
            got: None,
            error: None,
            line: None,
        }
    }
}

/// The verdict on one sample, before ids and reward are attached.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// The verdict's kind (over several tests, the most severe of theirs:
    /// a timeout, then an exception, then a wrong answer).
    pub status: Status,
    /// Tests passed.
    pub passed: usize,
    /// Tests in all (a check's test code counts as one).
    pub total: usize,
    /// What went wrong first; `None` when every test passed.
    pub first_failure: Option<Failure>,
}

fn load_verdict(e: &LoadError, total: usize) -> Verdict {
    let (status, failure) = match e {
        LoadError::Compile { message, line } => (
            Status::CompileError,
            Failure {
                error: Some(message.clone()),
                line: *line,
                ..Failure::of(FailureKind::CompileError)
            },
        ),
        LoadError::Raised { type_name, message } => stopped(
            FailureKind::Exception,
            format!("{type_name}: {message} (while loading the program)"),
        ),
        LoadError::Timeout { budget } => stopped(
            FailureKind::Timeout,
            format!("loading took over {:.2} s", budget.as_secs_f64()),
        ),
        LoadError::Crashed { why } => stopped(
            FailureKind::Crash,
            format!("the program {why} while loading"),
        ),
    };
    Verdict {
        status,
        passed: 0,
        total,
        first_failure: Some(failure),
    }
}

/// Tuples become lists (APPS compares results that way).
fn tuples_as_lists(v: &PyValue) -> PyValue {
    match v {
        PyValue::Tuple(xs) | PyValue::List(xs) => {
            PyValue::List(xs.iter().map(tuples_as_lists).collect())
        }
        other => other.clone(),
    }
}

/// Exceptions that say a program ran out of a resource, not what it computed.
const EXHAUSTION: [&str; 2] = ["RecursionError", "MemoryError"];

/// Whether an exception with these builtin bases (nearest first) is the
/// expected class `x` or a subclass of it.
fn raised_matches(bases: &[String], x: &str) -> bool {
    match bases.first() {
        Some(nearest) if EXHAUSTION.contains(&nearest.as_str()) => nearest == x,
        _ => bases.iter().any(|b| b == x),
    }
}

fn call_matches(case: &CallCase, got: &PyValue, tol: Tolerance) -> bool {
    let got = if case.tuple_as_list {
        tuples_as_lists(got)
    } else {
        got.clone()
    };
    case.expected.iter().any(|e| py_eq(&got, e, tol))
}

/// Severity order for mixed results: a timeout, then an exception, then a wrong answer.
fn worst(current: Status, new: Status) -> Status {
    let rank = |s: Status| match s {
        Status::Passed => 0,
        Status::Failed => 1,
        Status::RuntimeError => 2,
        Status::Timeout => 3,
        Status::CompileError => 4,
        Status::GraderError => 5,
    };
    if rank(new) > rank(current) {
        new
    } else {
        current
    }
}

/// A value as a message shows it: at most `n` characters, huge ints abbreviated.
fn shown(v: &PyValue, n: usize) -> String {
    v.repr_capped(n)
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let cut: String = s.chars().take(n).collect();
        format!("{cut}... ({} characters)", s.chars().count())
    }
}

/// The verdict over `cases` tests of which the sandbox answered `results`.
/// Tests the sandbox gave no result for are not passed: the verdict over
/// the results it gave would pass a sample on its first tests alone.
fn tally(
    results: usize,
    cases: usize,
    mut status: Status,
    passed: usize,
    mut first: Option<Failure>,
) -> Verdict {
    if results < cases {
        status = worst(status, Status::RuntimeError);
        first.get_or_insert_with(|| {
            Failure::erred(
                FailureKind::Crash,
                format!("the sandbox gave results for {results} of {cases} tests only"),
            )
        });
    }
    Verdict {
        status,
        passed,
        total: cases,
        first_failure: first,
    }
}

fn calls_verdict(
    cases: &[CallCase],
    load: &Result<f64, LoadError>,
    results: &[CallResult],
    tol: Tolerance,
) -> Verdict {
    if let Err(e) = load {
        return load_verdict(e, cases.len());
    }
    let mut status = Status::Passed;
    let mut passed = 0;
    let mut first: Option<Failure> = None;
    for (case, r) in cases.iter().zip(results) {
        let input = Some(shown(&PyValue::Tuple(case.args.clone()), 500));
        let expected = match &case.raises {
            Some(t) => Some(format!("raises {t}")),
            None => case.expected.first().map(|e| shown(e, 500)),
        };
        let (s, failure) = match r {
            // `except X` semantics: the class or a subclass of it, judged by
            // the builtin classes among its bases (a look-alike named X that
            // is not one does not count). Running out of stack or memory is
            // not an answer: it matches only an expected RecursionError or
            // MemoryError itself, never `Exception` (or a sample could pass
            // by recursing forever).
            CallResult::Raised { bases, .. }
                if case
                    .raises
                    .as_ref()
                    .is_some_and(|x| raised_matches(bases, x)) =>
            {
                passed += 1;
                continue;
            }
            CallResult::Returned { value, .. } if case.raises.is_some() => (
                Status::Failed,
                Failure::gave(FailureKind::WrongAnswer, shown(value, 500)),
            ),
            CallResult::Returned { value, .. } if call_matches(case, value, tol) => {
                passed += 1;
                continue;
            }
            CallResult::Returned { value, .. } => (
                Status::Failed,
                Failure::gave(FailureKind::WrongAnswer, shown(value, 500)),
            ),
            CallResult::Unsupported { type_name } => (
                Status::Failed,
                Failure::gave(
                    FailureKind::Unsupported,
                    format!("an object of type {type_name}, not a plain value"),
                ),
            ),
            CallResult::Raised {
                type_name, message, ..
            } => stopped(
                FailureKind::Exception,
                short(&format!("{type_name}: {message}"), 500),
            ),
            CallResult::Timeout { budget } => stopped(
                FailureKind::Timeout,
                format!("no answer within {:.2} s", budget.as_secs_f64()),
            ),
            CallResult::Crashed { why } => {
                stopped(FailureKind::Crash, format!("the program {why}"))
            }
        };
        status = worst(status, s);
        if first.is_none() {
            first = Some(Failure {
                input,
                expected,
                ..failure
            });
        }
    }
    tally(results.len(), cases.len(), status, passed, first)
}

fn stdio_verdict(cases: &[StdioCase], results: &[StdioResult], judge: &Judge) -> Verdict {
    let mut status = Status::Passed;
    let mut passed = 0;
    let mut first: Option<Failure> = None;
    for (case, r) in cases.iter().zip(results) {
        let (s, mut failure) = match r {
            StdioResult::Finished { stdout, .. } if judge.matches(stdout, &case.expected) => {
                passed += 1;
                continue;
            }
            StdioResult::Finished { stdout, .. } => (
                Status::Failed,
                Failure::gave(FailureKind::WrongAnswer, short(stdout, 500)),
            ),
            StdioResult::Failed(e) => {
                let v = load_verdict(e, 1);
                (
                    v.status,
                    v.first_failure
                        .unwrap_or_else(|| Failure::of(FailureKind::Crash)),
                )
            }
        };
        failure.input = Some(short(&case.stdin, 500));
        failure.expected = Some(short(&case.expected, 500));
        status = worst(status, s);
        if first.is_none() {
            first = Some(failure);
        }
    }
    tally(results.len(), cases.len(), status, passed, first)
}

fn with_last(mut f: Failure, last: &Option<LastCall>) -> Failure {
    if let Some(l) = last {
        f.input = Some(shown(&PyValue::Tuple(l.args.clone()), 500));
        if f.got.is_none() {
            f.got = l.value.as_ref().map(|v| shown(v, 500));
        }
    }
    f
}

fn check_verdict(load: &Result<f64, LoadError>, outcome: Option<&CheckOutcome>) -> Verdict {
    if let Err(e) = load {
        return load_verdict(e, 1);
    }
    let Some(outcome) = outcome else {
        return load_verdict(
            &LoadError::Crashed {
                why: "gave no test result".into(),
            },
            1,
        );
    };
    let (status, failure) = match outcome {
        CheckOutcome::Passed => {
            return Verdict {
                status: Status::Passed,
                passed: 1,
                total: 1,
                first_failure: None,
            };
        }
        CheckOutcome::Failed {
            message,
            line,
            last,
        } => (
            Status::Failed,
            with_last(
                Failure {
                    error: (!message.is_empty()).then(|| short(message, 500)),
                    line: *line,
                    ..Failure::of(FailureKind::WrongAnswer)
                },
                last,
            ),
        ),
        CheckOutcome::Raised {
            type_name,
            message,
            line,
            last,
        } => {
            // The candidate raised if its last call did; otherwise the test
            // choked on what the candidate returned: a wrong answer.
            let from_candidate = last.as_ref().and_then(|l| l.raised.clone());
            match from_candidate {
                Some((t, m)) => (
                    Status::RuntimeError,
                    with_last(
                        Failure {
                            error: Some(short(&format!("{t}: {m}"), 500)),
                            line: *line,
                            ..Failure::of(FailureKind::Exception)
                        },
                        last,
                    ),
                ),
                None => (
                    Status::Failed,
                    with_last(
                        Failure {
                            error: Some(short(
                                &format!("the test raised {type_name}: {message}"),
                                500,
                            )),
                            line: *line,
                            ..Failure::of(FailureKind::WrongAnswer)
                        },
                        last,
                    ),
                ),
            }
        }
        CheckOutcome::Unsupported { type_name, last } => (
            Status::Failed,
            with_last(
                Failure::gave(
                    FailureKind::Unsupported,
                    format!("an object of type {type_name}, not a plain value"),
                ),
                last,
            ),
        ),
        CheckOutcome::Timeout { budget } => stopped(
            FailureKind::Timeout,
            format!(
                "the tests did not finish within {:.2} s",
                budget.as_secs_f64()
            ),
        ),
        CheckOutcome::Crashed { why, last } => (
            Status::RuntimeError,
            with_last(
                Failure::erred(
                    FailureKind::Crash,
                    format!("the program {why} before the tests finished"),
                ),
                last,
            ),
        ),
        CheckOutcome::TestError { message } => stopped(
            FailureKind::Exception,
            format!("the dataset's test code is broken: {message}"),
        ),
    };
    Verdict {
        status,
        passed: 0,
        total: 1,
        first_failure: Some(failure),
    }
}

/// The verdict for `result`, run against `tests`: values compared within
/// `tol` (an expected float only), standard output by `judge`.
pub fn verdict(tests: &Tests, result: &JobResult, tol: Tolerance, judge: &Judge) -> Verdict {
    match (tests, result) {
        (Tests::Calls { cases, .. }, JobResult::Calls { load, results }) => {
            calls_verdict(cases, load, results, tol)
        }
        (Tests::Stdio { cases }, JobResult::Stdio { results }) => {
            stdio_verdict(cases, results, judge)
        }
        (Tests::Check { .. }, JobResult::Check { load, outcome, .. }) => {
            check_verdict(load, outcome.as_ref())
        }
        _ => Verdict {
            status: Status::RuntimeError,
            passed: 0,
            total: tests.count(),
            first_failure: Some(Failure::erred(
                FailureKind::Crash,
                "the sandbox answered a different kind of job".into(),
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tests_without_a_result_are_not_passed() {
        let case = |x: i64| CallCase {
            args: vec![PyValue::from(x)],
            expected: vec![PyValue::from(x)],
            tuple_as_list: false,
            origin: None,
            reference_ms: None,
            raises: None,
        };
        let returned = CallResult::Returned {
            value: PyValue::from(1),
            ms: 0.0,
            args_after: None,
        };
        let v = calls_verdict(
            &[case(1), case(2)],
            &Ok(0.0),
            &[returned],
            Tolerance::default(),
        );
        assert_eq!((v.status, v.passed, v.total), (Status::RuntimeError, 1, 2));
        let stdio = |s: &str| StdioCase {
            stdin: s.into(),
            expected: "1".into(),
            reference_ms: None,
            example: false,
        };
        let finished = StdioResult::Finished {
            stdout: "1".into(),
            ms: 0.0,
        };
        let v = stdio_verdict(&[stdio("a"), stdio("b")], &[finished], &Judge::default());
        assert_eq!((v.status, v.passed, v.total), (Status::RuntimeError, 1, 2));
        assert_eq!(
            RewardKind::Binary.reward(v.status, v.passed, v.total),
            Some(0.0)
        );
    }

    #[test]
    fn rewards() {
        assert_eq!(
            RewardKind::Coderl.reward(Status::CompileError, 0, 3),
            Some(-1.0)
        );
        assert_eq!(RewardKind::Coderl.reward(Status::Timeout, 0, 3), Some(-0.6));
        assert_eq!(RewardKind::Coderl.reward(Status::Failed, 2, 3), Some(-0.3));
        assert_eq!(RewardKind::Fraction.reward(Status::Failed, 2, 4), Some(0.5));
        assert_eq!(RewardKind::Binary.reward(Status::Failed, 3, 4), Some(0.0));
        assert_eq!(RewardKind::Binary.reward(Status::Passed, 4, 4), Some(1.0));
        assert_eq!(RewardKind::Coderl.reward(Status::GraderError, 0, 4), None);
        assert_eq!(Status::Passed.critic_label(), Some(3));
        assert_eq!(Status::CompileError.critic_label(), Some(0));
        assert_eq!(Status::GraderError.critic_label(), None);
    }
}
