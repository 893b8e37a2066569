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

use symtest_pyvalue::PyValue;

/// A program and what to do with it.
#[derive(Clone, Debug)]
pub struct Job {
    /// The whole program (for HumanEval: prompt + completion): untrusted
    /// text, refused as a compile error over [`crate::MAX_SOURCE`] bytes.
    pub source: String,
    /// What to do with it.
    pub task: Task,
}

/// What a job does with its program: calls, runs on standard inputs, or
/// the dataset's test code.
#[derive(Clone, Debug)]
pub enum Task {
    /// Call `entry` on each argument tuple (one process; it is restarted
    /// after a call that times out or crashes).
    Calls {
        /// The function called (or a method of a class `Solution`).
        entry: String,
        /// The calls, in order, each with its own budget.
        calls: Vec<Call>,
        /// Also return the arguments after each call (to see mutation).
        want_args: bool,
        /// Time for the program's top level (its imports and definitions):
        /// an answer computed while loading is not free.
        load_budget: Duration,
    },
    /// Run the program as `__main__` once per standard input.
    Stdio {
        /// The runs, in order: each a process of its own.
        runs: Vec<StdioRun>,
    },
    /// Run trusted test code (HumanEval's `check`, MBPP's asserts) in the
    /// harness, with `bind` names (and `check`'s argument) standing for the
    /// candidate's `entry`.
    Check {
        /// The candidate's function, which the test's calls call.
        entry: String,
        /// Run in the harness first, for the helpers the tests use.
        prompt: String,
        /// The dataset's test code: trusted, it runs outside the sandbox.
        test: String,
        /// Names in the test code's namespace standing for the candidate.
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

/// One call of a [`Task::Calls`].
#[derive(Clone, Debug)]
pub struct Call {
    /// The positional arguments, sent to the job only when the call starts.
    pub args: Vec<PyValue>,
    /// Its time limit (CPU time where the pool measures it).
    pub budget: Duration,
}

/// One run of a [`Task::Stdio`].
#[derive(Clone, Debug)]
pub struct StdioRun {
    /// The whole standard input (a sealed memory file the job only reads).
    pub stdin: String,
    /// Its time limit, loading included.
    pub budget: Duration,
}

/// Why the program never got to its tests.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadError {
    /// It does not compile (or is over [`crate::MAX_SOURCE`] bytes).
    Compile {
        /// The compiler's message.
        message: String,
        /// The line at fault, when known.
        line: Option<u32>,
    },
    /// Its top level raised.
    Raised {
        /// The exception's class name.
        type_name: String,
        /// `str()` of the exception.
        message: String,
    },
    /// Its top level (or, for a stdio run, the whole run) went over this budget.
    Timeout {
        /// The budget it went over.
        budget: Duration,
    },
    /// Its process ended without an answer, or broke the job protocol.
    Crashed {
        /// How it ended, in words (a signal, an exit code, the memory limit).
        why: String,
    },
}

/// What one call of a [`Task::Calls`] came to. Values and texts are the
/// job's, decoded and bounded: never trusted beyond that.
#[derive(Clone, Debug, PartialEq)]
pub enum CallResult {
    /// The call returned.
    Returned {
        /// What it returned.
        value: PyValue,
        /// Its time in milliseconds (CPU time where the pool measures it).
        ms: f64,
        /// The arguments after the call, when asked for (`want_args`).
        args_after: Option<Vec<PyValue>>,
    },
    /// The call raised.
    Raised {
        /// The exception's class name.
        type_name: String,
        /// `str()` of the exception.
        message: String,
        /// The builtin exception classes among its bases, nearest first
        /// (`["ValueError", "Exception", "BaseException"]` for a subclass of
        /// `ValueError`): what `except ValueError` would catch.
        bases: Vec<String>,
    },
    /// A value that is not a plain builtin (e.g. an object with its own `__eq__`).
    Unsupported {
        /// The type at fault, or what was too large.
        type_name: String,
    },
    /// The call went over its budget.
    Timeout {
        /// The budget it went over.
        budget: Duration,
    },
    /// The process ended during the call, broke the job protocol, or was
    /// not run again after too many failures.
    Crashed {
        /// Why, in words.
        why: String,
    },
}

/// What one run of a [`Task::Stdio`] came to.
#[derive(Clone, Debug, PartialEq)]
pub enum StdioResult {
    /// The program ran to its end (or exited with status 0).
    Finished {
        /// Its standard output, at most the output limit, invalid UTF-8
        /// replaced.
        stdout: String,
        /// Its time in milliseconds.
        ms: f64,
    },
    /// It did not: why.
    Failed(LoadError),
}

/// The last call the test code made before it finished or failed.
#[derive(Clone, Debug, PartialEq)]
pub struct LastCall {
    /// Its positional arguments (empty when they were too large to keep).
    pub args: Vec<PyValue>,
    /// What it returned, when it returned a small enough value.
    pub value: Option<PyValue>,
    /// `(type, message)` when the candidate raised.
    pub raised: Option<(String, String)>,
}

/// How a [`Task::Check`]'s test code ended.
#[derive(Clone, Debug, PartialEq)]
pub enum CheckOutcome {
    /// Every assertion held.
    Passed,
    /// An assertion of the test failed.
    Failed {
        /// The assertion's message.
        message: String,
        /// The test's line, when known.
        line: Option<u32>,
        /// The last call the test made.
        last: Option<LastCall>,
    },
    /// The test stopped on an exception (from the candidate, or from the test
    /// choking on what the candidate returned).
    Raised {
        /// The exception's class name.
        type_name: String,
        /// `str()` of the exception.
        message: String,
        /// The test's line, when known.
        line: Option<u32>,
        /// The last call the test made.
        last: Option<LastCall>,
    },
    /// The candidate returned a value that is not a plain builtin one.
    Unsupported {
        /// The type at fault.
        type_name: String,
        /// The last call the test made.
        last: Option<LastCall>,
    },
    /// The candidate, or the test code on its values, went over its budget.
    Timeout {
        /// The check's budget.
        budget: Duration,
    },
    /// The candidate's process ended or broke the protocol during the test.
    Crashed {
        /// Why, in words.
        why: String,
        /// The last call the test made.
        last: Option<LastCall>,
    },
    /// The dataset's test code itself is broken: it does not compile,
    /// defines no `check`, or never calls the candidate.
    TestError {
        /// What is wrong with it.
        message: String,
    },
}

/// What a job came to, one variant per kind of [`Task`].
#[derive(Clone, Debug, PartialEq)]
pub enum JobResult {
    /// The result of a [`Task::Calls`].
    Calls {
        /// The load's time in milliseconds (its last, after restarts);
        /// `Err` when the program never loaded, and then `results` is empty.
        load: Result<f64, LoadError>,
        /// One result per call, in order (all of them once it loaded).
        results: Vec<CallResult>,
    },
    /// The result of a [`Task::Stdio`].
    Stdio {
        /// One result per run, in order.
        results: Vec<StdioResult>,
    },
    /// The result of a [`Task::Check`].
    Check {
        /// `Ok` once the program loaded (its time is not measured apart:
        /// `0.0`), or why it did not.
        load: Result<f64, LoadError>,
        /// `None` when the program did not load (the tests never ran).
        outcome: Option<CheckOutcome>,
        /// The job's time in milliseconds, load and calls.
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
