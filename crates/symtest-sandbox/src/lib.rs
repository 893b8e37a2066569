//! Running untrusted Python for symtest.
//!
//! A [`Pool`] keeps one warm CPython worker per slot. Each worker is process
//! 1 of its own PID namespace (its death kills everything it started), in
//! its own network, mount, IPC and UTS namespaces, with a root filesystem of
//! its own: read-only Python and system libraries, installed packages
//! hidden, and a size-limited tmpfs for the jobs' folders; then Landlock and
//! a seccomp filter. Each job runs in a child forked from its worker, in a
//! fresh folder, which joins the slot's cgroup (memory, processes and CPU
//! time counted for its whole process tree), lowers its rlimits, drops to
//! the slot's own unprivileged uid with no capabilities and installs a
//! stricter filter. When the job ends, every process in the worker's
//! namespace is killed and the folder removed. Dataset test code runs in a
//! separate trusted harness; only plain values cross between the two.
//!
//! Results are decoded into [`PyValue`]s by a total, bounded decoder and
//! compared with [`py_eq`] here, never with anything the candidate defined.

#![warn(missing_docs)]

mod cgroup;
mod config;
mod error;
mod harness;
mod host_jobs;
mod io;
pub mod isolation;
pub mod job;
mod leftovers;
mod pool;
pub use symtest_pyvalue as pyvalue;
mod run;
mod seccomp;
mod shared;
mod signal;
mod spawn;
mod tasks;
mod view;
pub mod wire;
mod worker;

pub use config::{Limits, MAX_SLOTS, MAX_SOURCE, SandboxConfig};
pub use error::SandboxError;
pub use isolation::Capabilities;
pub use job::{
    Call, CallResult, CheckOutcome, Job, JobResult, LastCall, LoadError, StdioResult, StdioRun,
    Task,
};
pub use pool::{Pool, StepCost};
pub use pyvalue::{PyValue, Tolerance, ValueError, py_eq};
pub use signal::signal_name;
pub use tasks::{CallsAnswer, CheckAnswer, CheckTask};
pub use view::{JOBS, jobs_dir};
