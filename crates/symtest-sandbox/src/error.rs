//! The sandbox's own failures. Every other module of the crate uses this one;
//! it uses none of them.

use thiserror::Error;

/// A failure of the sandbox itself, never of the program it runs (whatever
/// a program does is its [`JobResult`](crate::JobResult)).
#[derive(Debug, Error)]
pub enum SandboxError {
    /// The sandbox cannot be built here (a missing Python, a failed system call).
    #[error("sandbox set-up: {0}")]
    Setup(String),
    /// Isolation is weaker than required and the caller did not accept that.
    #[error(
        "refusing to run untrusted code with weaker isolation:\n  - {}\n(pass --allow-weaker-isolation to run anyway)",
        .0.join("\n  - ")
    )]
    Weaker(Vec<String>),
    /// A worker or the harness misbehaved (it is replaced; the job retried).
    #[error("sandbox worker: {0}")]
    Worker(String),
    /// A worker died (nothing a job can do kills it: it is process 1 of its
    /// namespace, under another uid); its jobs died with it, so they are
    /// retried.
    #[error("sandbox worker: {0}")]
    WorkerGone(String),
    /// The trusted process running the dataset's test code died or broke
    /// its protocol while judging a job.
    #[error("the test code's process failed: {0}")]
    TestProcess(String),
    /// A job process could not confine itself: the sandbox's failure, never
    /// the program's (the job is retried on a fresh worker).
    #[error("a job process could not confine itself at '{step}' (errno {errno}): {detail}")]
    Confine {
        /// The confinement step that failed.
        step: String,
        /// Its errno (0 when it had none).
        errno: i32,
        /// The job's own words, or why it never said.
        detail: String,
    },
}
