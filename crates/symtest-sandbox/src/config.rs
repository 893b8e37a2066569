//! What a pool is built with: its settings, the limits of each job, and the
//! fixed bounds on both.

use std::path::PathBuf;

/// Resource limits of one job (its whole process tree where cgroups exist).
#[derive(Clone, Debug)]
pub struct Limits {
    /// Memory of the job's processes together (and, per process, address
    /// space); `None` for no limit.
    pub memory_bytes: Option<u64>,
    /// Largest file the job may write, its captured output included.
    pub output_bytes: u64,
    /// Processes the job may have at once.
    pub processes: u64,
    /// Descriptors each process may have open.
    pub open_files: u64,
    /// Size of the job's writable folder (a tmpfs; its files count against
    /// the memory limit too). Without namespaces the folder is on the host
    /// and only `output_bytes` bounds each file.
    pub disk_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_bytes: Some(2 << 30),
            output_bytes: 16 << 20,
            processes: 32,
            open_files: 64,
            disk_bytes: 64 << 20,
        }
    }
}

/// How a [`Pool`](crate::Pool) is built.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// Worker slots (jobs run at once).
    pub jobs: usize,
    /// The Python to run; `python3` on `PATH` by default.
    pub python: Option<PathBuf>,
    /// The limits of every job.
    pub limits: Limits,
    /// Run even when a mechanism is missing (said loudly, once).
    pub allow_weaker_isolation: bool,
    /// More paths jobs may read (e.g. a virtual environment's packages).
    pub extra_read: Vec<PathBuf>,
    /// Time every isolation step of every job (see [`Pool::step_costs`](crate::Pool::step_costs));
    /// for benchmarks.
    pub profile: bool,
    /// Build the pool as if this machine had no namespaces: no private view,
    /// the jobs' folders in a folder of the pool's own under the temporary
    /// directory. For tests of the weaker mode, and for machines where
    /// namespaces misbehave. Like any missing mechanism it is one of the
    /// pool's [`weaknesses`](crate::Capabilities::weaknesses), refused
    /// unless `allow_weaker_isolation`.
    pub without_namespaces: bool,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            python: None,
            limits: Limits::default(),
            allow_weaker_isolation: false,
            extra_read: Vec::new(),
            profile: false,
            without_namespaces: false,
        }
    }
}

/// Slots per pool at most: each has its own uid.
pub const MAX_SLOTS: usize = 64;

/// The largest program a job takes, in bytes: a longer one is refused as a
/// program that does not compile (it must fit the job's first message,
/// whatever a sample pads it with).
pub const MAX_SOURCE: usize = 16 << 20;
