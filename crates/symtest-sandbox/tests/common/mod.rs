//! What the sandbox tests share: one pool, jobs of each kind in a line, and
//! a check that the pool still grades correctly after a hostile job.

#![allow(dead_code)]

use std::io::Read;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use symtest_sandbox::{
    Call, CallResult, CheckOutcome, Job, JobResult, Pool, PyValue, SandboxConfig, StdioResult,
    StdioRun, Task,
};

pub fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        Pool::new(&SandboxConfig {
            jobs: 2,
            ..SandboxConfig::default()
        })
        .unwrap_or_else(|e| panic!("{e}"))
    })
}

pub fn call_job(source: &str, entry: &str, args: Vec<PyValue>, budget_ms: u64) -> Vec<CallResult> {
    call_job_in(pool(), source, entry, args, budget_ms)
}

pub fn call_job_in(
    pool: &Pool,
    source: &str,
    entry: &str,
    args: Vec<PyValue>,
    budget_ms: u64,
) -> Vec<CallResult> {
    let job = Job {
        source: source.into(),
        task: Task::Calls {
            entry: entry.into(),
            calls: vec![Call {
                args,
                budget: Duration::from_millis(budget_ms),
            }],
            want_args: false,
            load_budget: Duration::from_secs(2),
        },
    };
    match pool.run(&job).unwrap_or_else(|e| panic!("{e}")) {
        JobResult::Calls {
            load: Ok(_),
            results,
        } => results,
        other => panic!("unexpected {other:?}"),
    }
}

pub fn one(source: &str, budget_ms: u64) -> CallResult {
    call_job(source, "f", vec![], budget_ms).remove(0)
}

/// The pool still grades a correct program correctly.
pub fn assert_healthy() {
    for _ in 0..3 {
        let r = call_job(
            "def add(a, b):\n    return a + b\n",
            "add",
            vec![PyValue::from(2), PyValue::from(40)],
            2000,
        );
        assert_eq!(
            r,
            vec![CallResult::Returned {
                value: PyValue::from(42),
                ms: match &r[0] {
                    CallResult::Returned { ms, .. } => *ms,
                    _ => 0.0,
                },
                args_after: None
            }]
        );
    }
}

/// Fails when the sandbox reached a listener it must not reach: `accepted`
/// is `accept` on the non-blocking listener, and shows what was sent.
pub fn assert_not_connected<S: Read, A>(accepted: std::io::Result<(S, A)>) {
    match accepted {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        Ok((mut s, _)) => {
            let mut buf = Vec::new();
            let _ = s.read_to_end(&mut buf);
            panic!("the sandbox connected and sent {buf:?}");
        }
        Err(e) => panic!("{e}"),
    }
}

/// Fails when `secs` seconds or more passed since `started`.
pub fn assert_within(started: Instant, secs: u64) {
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(secs),
        "took {took:?}, over {secs} s"
    );
}

pub fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("symtest-hostile-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// The `status` file of every process on the machine.
pub fn process_statuses() -> Vec<String> {
    std::fs::read_dir("/proc")
        .expect("/proc")
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path().join("status")).ok())
        .collect()
}

/// The first number of a `status` line (`Uid:`, `PPid:`).
pub fn status_field(status: &str, key: &str) -> Option<u32> {
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|u| u.parse().ok())
}

pub fn processes_of_uids(first: u32, last: u32) -> usize {
    process_statuses()
        .iter()
        .filter(|s| status_field(s, "Uid:").is_some_and(|u| (first..=last).contains(&u)))
        .count()
}

pub fn check(source: &str, test: &str) -> CheckOutcome {
    check_with(source, test, 3000)
}

/// A HumanEval-style check of `f` with a budget (the test code's process
/// gets the same).
pub fn check_with(source: &str, test: &str, budget_ms: u64) -> CheckOutcome {
    check_budgets(source, test, budget_ms, budget_ms)
}

/// A HumanEval-style check of `f` with a budget for the job and one for
/// the test code's process.
pub fn check_budgets(source: &str, test: &str, budget_ms: u64, test_ms: u64) -> CheckOutcome {
    let job = Job {
        source: source.into(),
        task: Task::Check {
            entry: "f".into(),
            prompt: String::new(),
            test: test.into(),
            bind: vec![],
            call_check: true,
            budget: Duration::from_millis(budget_ms),
            test_budget: Duration::from_millis(test_ms),
            record_calls: false,
        },
    };
    match pool().run(&job).unwrap_or_else(|e| panic!("{e}")) {
        JobResult::Check {
            load: Ok(_),
            outcome: Some(outcome),
            ..
        } => outcome,
        other => panic!("unexpected {other:?}"),
    }
}

/// Runs a program as `__main__` on each standard input.
pub fn stdio(source: &str, stdins: &[&str], budget_ms: u64) -> Vec<StdioResult> {
    let job = Job {
        source: source.into(),
        task: Task::Stdio {
            runs: stdins
                .iter()
                .map(|s| StdioRun {
                    stdin: (*s).to_string(),
                    budget: Duration::from_millis(budget_ms),
                })
                .collect(),
        },
    };
    match pool().run(&job).unwrap_or_else(|e| panic!("{e}")) {
        JobResult::Stdio { results } => results,
        other => panic!("unexpected {other:?}"),
    }
}

/// Standard output of a run that finished (panics otherwise).
pub fn stdout_of(r: &StdioResult) -> &str {
    match r {
        StdioResult::Finished { stdout, .. } => stdout,
        other => panic!("the program did not finish: {other:?}"),
    }
}

/// A pool of one slot of its own (so that no other test's jobs share its uid).
pub fn own_pool() -> Pool {
    Pool::new(&SandboxConfig {
        jobs: 1,
        ..SandboxConfig::default()
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

/// One call of `f()` with these budgets.
pub fn call_f(source: &str, load_budget_ms: u64, budget_ms: u64) -> Job {
    Job {
        source: source.into(),
        task: Task::Calls {
            entry: "f".into(),
            calls: vec![Call {
                args: vec![],
                budget: Duration::from_millis(budget_ms),
            }],
            want_args: false,
            load_budget: Duration::from_millis(load_budget_ms),
        },
    }
}

/// A call of `f(x)` for each `x`, each with its own budget.
pub fn f_on_each(
    source: &str,
    xs: impl IntoIterator<Item = i64>,
    load_budget_ms: u64,
    budget_ms: u64,
) -> Job {
    Job {
        source: source.into(),
        task: Task::Calls {
            entry: "f".into(),
            calls: xs
                .into_iter()
                .map(|x| Call {
                    args: vec![PyValue::from(x)],
                    budget: Duration::from_millis(budget_ms),
                })
                .collect(),
            want_args: false,
            load_budget: Duration::from_millis(load_budget_ms),
        },
    }
}

pub fn calls(source: &str, load_budget_ms: u64, budget_ms: u64) -> JobResult {
    pool()
        .run(&call_f(source, load_budget_ms, budget_ms))
        .unwrap_or_else(|e| panic!("{e}"))
}

pub fn call_results(r: &JobResult) -> &[CallResult] {
    match r {
        JobResult::Calls { results, .. } => results,
        other => panic!("{other:?}"),
    }
}

pub fn returned(r: &CallResult) -> &PyValue {
    match r {
        CallResult::Returned { value, .. } => value,
        other => panic!("expected a value, got {other:?}"),
    }
}

/// The repr of what the job's first call returned.
pub fn first_returned(r: &JobResult) -> String {
    returned(&call_results(r)[0]).repr()
}
