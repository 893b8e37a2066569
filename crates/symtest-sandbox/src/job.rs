//! What the sandbox is asked to run and what comes back.
//!
//! Budgets are CPU time of the job's whole process tree where the pool has
//! cgroups ([`crate::Pool::measures_cpu`]), so that a loaded machine does not
//! time out a correct program and splitting work over processes does not
//! hide it; a wall-clock limit of three times that (plus half a second)
//! stops a program that sleeps, and a job of several tests has three times
//! their sum (plus a second) in all: the tests it leaves no time for are
//! timeouts. A program still computing (a twentieth of the time at least,
//! as on a crowded machine) may run past them, up to ten times its budget
//! plus a second. Without cgroups, budgets are wall-clock time. Times reported
//! back (`ms`) are measured the same way.

use std::time::Duration;

use crate::pyvalue::PyValue;

/// A program and what to do with it.
#[derive(Clone, Debug)]
pub struct Job {
    /// The whole program (for HumanEval: prompt + completion).
    pub source: String,
    pub task: Task,
}

#[derive(Clone, Debug)]
pub enum Task {
    /// Call `entry` on each argument tuple (one process; it is restarted
    /// after a call that times out or crashes).
    Calls {
        entry: String,
        calls: Vec<Call>,
        /// Also return the arguments after each call (to see mutation).
        want_args: bool,
        /// Time for the program's top level (its imports and definitions):
        /// an answer computed while loading is not free.
        load_budget: Duration,
    },
    /// Run the program as `__main__` once per standard input.
    Stdio { runs: Vec<StdioRun> },
    /// Run trusted test code (HumanEval's `check`, MBPP's asserts) in the
    /// harness, with `bind` names (and `check`'s argument) standing for the
    /// candidate's `entry`.
    Check {
        entry: String,
        /// Run in the harness first, for the helpers the tests use.
        prompt: String,
        test: String,
        bind: Vec<String>,
        /// Call `check(candidate)` after running `test`.
        call_check: bool,
        /// Time for the whole job: loading the program and every call.
        budget: Duration,
        /// CPU time the test code's own process may spend on this job (on
        /// the candidate's values: a value built to be slow to rebuild or
        /// compare is this job's timeout, not free work).
        test_budget: Duration,
        /// Return the arguments of every call the test made (what the
        /// dataset's tests feed a solution: types and seeds for `gen`).
        record_calls: bool,
    },
}

#[derive(Clone, Debug)]
pub struct Call {
    pub args: Vec<PyValue>,
    pub budget: Duration,
}

#[derive(Clone, Debug)]
pub struct StdioRun {
    pub stdin: String,
    pub budget: Duration,
}

/// Why the program never got to its tests.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadError {
    Compile { message: String, line: Option<u32> },
    Raised { type_name: String, message: String },
    Timeout { budget: Duration },
    Crashed { why: String },
}

#[derive(Clone, Debug, PartialEq)]
pub enum CallResult {
    Returned {
        value: PyValue,
        ms: f64,
        args_after: Option<Vec<PyValue>>,
    },
    Raised {
        type_name: String,
        message: String,
        /// The builtin exception classes among its bases, nearest first
        /// (`["ValueError", "Exception", "BaseException"]` for a subclass of
        /// `ValueError`): what `except ValueError` would catch.
        bases: Vec<String>,
    },
    /// A value that is not a plain builtin (e.g. an object with its own `__eq__`).
    Unsupported {
        type_name: String,
    },
    Timeout {
        budget: Duration,
    },
    Crashed {
        why: String,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum StdioResult {
    Finished { stdout: String, ms: f64 },
    Failed(LoadError),
}

/// The last call the test code made before it finished or failed.
#[derive(Clone, Debug, PartialEq)]
pub struct LastCall {
    pub args: Vec<PyValue>,
    pub value: Option<PyValue>,
    /// `(type, message)` when the candidate raised.
    pub raised: Option<(String, String)>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum CheckOutcome {
    Passed,
    /// An assertion of the test failed.
    Failed {
        message: String,
        line: Option<u32>,
        last: Option<LastCall>,
    },
    /// The test stopped on an exception (from the candidate, or from the test
    /// choking on what the candidate returned).
    Raised {
        type_name: String,
        message: String,
        line: Option<u32>,
        last: Option<LastCall>,
    },
    Unsupported {
        type_name: String,
        last: Option<LastCall>,
    },
    Timeout {
        budget: Duration,
    },
    Crashed {
        why: String,
        last: Option<LastCall>,
    },
    /// The dataset's test code itself is broken (it does not compile).
    TestError {
        message: String,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum JobResult {
    Calls {
        load: Result<f64, LoadError>,
        results: Vec<CallResult>,
    },
    Stdio {
        results: Vec<StdioResult>,
    },
    Check {
        load: Result<f64, LoadError>,
        /// `None` when the program did not load (the tests never ran).
        outcome: Option<CheckOutcome>,
        ms: f64,
        /// CPU milliseconds the test code's process spent on this job.
        test_ms: f64,
        /// With `record_calls`: each call's positional arguments, in order
        /// (calls with keyword arguments are left out).
        calls: Vec<Vec<PyValue>>,
    },
}

impl JobResult {
    /// The result of a job whose program never loaded, for every test of `task`.
    pub fn not_loaded(task: &Task, error: LoadError) -> JobResult {
        match task {
            Task::Calls { .. } => JobResult::Calls {
                load: Err(error),
                results: Vec::new(),
            },
            Task::Stdio { runs } => JobResult::Stdio {
                results: vec![StdioResult::Failed(error); runs.len()],
            },
            Task::Check { .. } => JobResult::Check {
                load: Err(error),
                outcome: None,
                ms: 0.0,
                test_ms: 0.0,
                calls: Vec::new(),
            },
        }
    }
}
