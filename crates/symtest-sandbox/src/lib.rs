//! Running untrusted Python for symtest.
//!
//! A [`Pool`] keeps one warm CPython worker per slot, each in its own
//! network, mount, IPC and UTS namespaces, under Landlock (read-only: the
//! Python standard library and system libraries; read-write: a scratch
//! folder) and a seccomp filter. Each job runs in a child forked from its
//! worker that first lowers its rlimits, drops to the slot's own
//! unprivileged uid, and forbids itself to leave its process group, so that
//! killing the group kills everything it started. Dataset test code runs in a
//! separate trusted harness; only plain values cross between the two.
//!
//! Results are decoded into [`PyValue`]s and compared with [`py_eq`] here,
//! never with anything the candidate defined.

mod harness;
mod io;
pub mod isolation;
pub mod job;
pub use symtest_pyvalue as pyvalue;
mod run;
mod worker;

use std::os::fd::OwnedFd;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use thiserror::Error;

pub use isolation::Capabilities;
pub use job::{
    Call, CallResult, CheckOutcome, Job, JobResult, LastCall, LoadError, StdioResult, StdioRun,
    Task,
};
pub use pyvalue::{PyValue, Tolerance, ValueError, py_eq};
pub use worker::signal_name;

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
    /// A worker misbehaved (it is replaced; the job may be retried).
    #[error("sandbox worker: {0}")]
    Worker(String),
}

/// Resource limits of one job process.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Address space (RLIMIT_AS); `None` for no limit.
    pub memory_bytes: Option<u64>,
    /// Largest file the job may write, its captured output included.
    pub output_bytes: u64,
    /// Processes the job's uid may have (only enforced as root, where each
    /// slot has its own uid).
    pub processes: u64,
    pub open_files: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_bytes: Some(2 << 30),
            output_bytes: 16 << 20,
            processes: 32,
            open_files: 64,
        }
    }
}

#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// Worker slots (jobs run at once).
    pub jobs: usize,
    /// The Python to run; `python3` on `PATH` by default.
    pub python: Option<PathBuf>,
    pub limits: Limits,
    /// Run even when a mechanism is missing (said loudly, once).
    pub allow_weaker_isolation: bool,
    /// More paths jobs may read (e.g. a virtual environment's packages).
    pub extra_read: Vec<PathBuf>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            python: None,
            limits: Limits::default(),
            allow_weaker_isolation: false,
            extra_read: Vec::new(),
        }
    }
}

/// Settings every worker of a pool shares.
pub(crate) struct Shared {
    python: PathBuf,
    scratch: PathBuf,
    namespaces: libc::c_int,
    user_namespace: bool,
    landlock: Option<OwnedFd>,
    base_filters: Vec<seccompiler::BpfProgram>,
    job_filter: Vec<u8>,
    root: bool,
    limits: Limits,
    uid_base: u32,
}

/// Slots per pool at most: each has its own uid.
pub const MAX_SLOTS: usize = 64;

/// The first of [`MAX_SLOTS`] uids for a new pool: far above any real
/// account, and different for every live process and for each of its first
/// 16 pools, so that two pools (or two symtest runs) never share a uid.
fn uid_base() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static POOLS: AtomicU32 = AtomicU32::new(0);
    let pool = POOLS.fetch_add(1, Ordering::Relaxed) % 16;
    let per_process = 16 * MAX_SLOTS as u64;
    let span = 0x6000_0000u64 / per_process * per_process;
    let base = 0x1000_0000u64 + (u64::from(std::process::id()) * per_process) % span;
    (base + u64::from(pool) * MAX_SLOTS as u64) as u32
}

impl Shared {
    fn job_uid(&self, slot: usize) -> Option<u32> {
        self.root.then(|| self.uid_base + slot as u32)
    }

    fn slot_dir(&self, slot: usize) -> PathBuf {
        self.scratch.join(format!("slot-{slot}"))
    }

    fn user_maps(&self) -> Option<isolation::UserMaps> {
        self.user_namespace
            .then(isolation::UserMaps::for_current_user)
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

/// Facts about the Python installation, asked of the interpreter itself.
struct PythonFacts {
    executable: PathBuf,
    stdlib: Vec<PathBuf>,
    libraries: Vec<PathBuf>,
    version: String,
}

fn python_facts(python: &Path) -> Result<PythonFacts, SandboxError> {
    const PROBE: &str = r#"
import json, sys, sysconfig, os
libs = []
try:
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and parts[5].startswith("/") and ".so" in parts[5]:
                libs.append(parts[5])
except OSError:
    pass
paths = {sysconfig.get_path("stdlib"), sysconfig.get_path("platstdlib")}
print(json.dumps({
    "executable": os.path.realpath(sys.executable),
    "stdlib": sorted(p for p in paths if p),
    "libraries": sorted(set(libs)),
    "version": sys.version.split()[0],
}))
"#;
    let out = Command::new(python)
        .args(["-I", "-S", "-c", PROBE])
        .env_clear()
        .output()
        .map_err(|e| SandboxError::Setup(format!("running {}: {e}", python.display())))?;
    if !out.status.success() {
        return Err(SandboxError::Setup(format!(
            "{} failed: {}",
            python.display(),
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| SandboxError::Setup(format!("reading the Python probe: {e}")))?;
    let paths = |k: &str| -> Vec<PathBuf> {
        v[k].as_array()
            .map(|xs| {
                xs.iter()
                    .filter_map(|x| x.as_str().map(PathBuf::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    Ok(PythonFacts {
        executable: PathBuf::from(v["executable"].as_str().unwrap_or_default()),
        stdlib: paths("stdlib"),
        libraries: paths("libraries"),
        version: v["version"].as_str().unwrap_or_default().to_string(),
    })
}

/// What jobs may read: the interpreter, its standard library (without any
/// `site-packages`: installed packages can hold datasets and their answers),
/// the shared libraries it loads, and the system library folders.
fn read_policy(facts: &PythonFacts, extra: &[PathBuf]) -> Vec<PathBuf> {
    let mut read = vec![facts.executable.clone()];
    for dir in &facts.stdlib {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name();
            if name != "site-packages" && name != "dist-packages" {
                read.push(e.path());
            }
        }
    }
    read.extend(facts.libraries.iter().cloned());
    let triple = format!("{}-linux-gnu", std::env::consts::ARCH);
    for d in [
        format!("/lib/{triple}"),
        format!("/usr/lib/{triple}"),
        "/lib64".into(),
        "/usr/lib64".into(),
        "/etc/ld.so.cache".into(),
        "/usr/lib/locale".into(),
        "/dev/urandom".into(),
        "/dev/random".into(),
        "/dev/zero".into(),
    ] {
        if Path::new(&d).exists() {
            read.push(PathBuf::from(d));
        }
    }
    read.extend(extra.iter().cloned());
    read
}

fn find_python(explicit: Option<&Path>) -> Result<PathBuf, SandboxError> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join("python3");
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    Err(SandboxError::Setup(
        "no python3 on PATH (give one with --python)".into(),
    ))
}

/// A pool of sandboxed workers. `run` may be called from many threads; each
/// call takes a free slot.
pub struct Pool {
    shared: Arc<Shared>,
    slots: Mutex<Vec<run::Slot>>,
    free: Condvar,
    size: usize,
    capabilities: Capabilities,
    python_version: String,
}

impl Pool {
    /// Builds the pool (workers start lazily, on their first job). Refuses
    /// when isolation is weaker than it should be, unless allowed.
    pub fn new(cfg: &SandboxConfig) -> Result<Pool, SandboxError> {
        let capabilities = Capabilities::probe();
        isolation::admit(&capabilities, cfg.allow_weaker_isolation)?;
        let python = find_python(cfg.python.as_deref())?;
        let facts = python_facts(&python)?;
        let scratch = std::env::temp_dir().join(format!(
            "symtest-sandbox-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos())
        ));
        std::fs::create_dir_all(&scratch)
            .map_err(|e| SandboxError::Setup(format!("creating {}: {e}", scratch.display())))?;
        // Traversable by the job uids, listable by nobody else.
        std::fs::set_permissions(&scratch, std::fs::Permissions::from_mode(0o711))
            .map_err(|e| SandboxError::Setup(format!("{}: {e}", scratch.display())))?;
        let policy = isolation::FsPolicy {
            read: read_policy(&facts, &cfg.extra_read),
            list: facts.stdlib.clone(),
            read_write: vec![scratch.clone(), PathBuf::from("/dev/null")],
        };
        let landlock = isolation::landlock_ruleset(&policy, capabilities.landlock_abi)?;
        let root = capabilities.root;
        let user_namespace = !root && capabilities.network_namespace;
        let namespaces = if capabilities.network_namespace {
            libc::CLONE_NEWNET | libc::CLONE_NEWNS | libc::CLONE_NEWIPC | libc::CLONE_NEWUTS
        } else {
            0
        };
        let base_filters = if capabilities.seccomp {
            isolation::base_filters()?
        } else {
            Vec::new()
        };
        let job_filter = if capabilities.seccomp {
            isolation::program_bytes(&isolation::job_filter()?)
        } else {
            Vec::new()
        };
        let size = cfg.jobs.clamp(1, MAX_SLOTS);
        let shared = Arc::new(Shared {
            python: facts.executable.clone(),
            scratch,
            namespaces,
            user_namespace,
            landlock,
            base_filters,
            job_filter,
            root,
            limits: cfg.limits.clone(),
            uid_base: uid_base(),
        });
        let mut slots = Vec::with_capacity(size);
        for i in 0..size {
            let dir = shared.slot_dir(i);
            std::fs::create_dir(&dir)
                .map_err(|e| SandboxError::Setup(format!("creating {}: {e}", dir.display())))?;
            if let Some(uid) = shared.job_uid(i) {
                std::os::unix::fs::chown(&dir, Some(uid), Some(uid))
                    .map_err(|e| SandboxError::Setup(format!("chown {}: {e}", dir.display())))?;
            }
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| SandboxError::Setup(format!("{}: {e}", dir.display())))?;
            slots.push(run::Slot {
                index: i,
                worker: None,
                harness: None,
            });
        }
        Ok(Pool {
            shared,
            slots: Mutex::new(slots),
            free: Condvar::new(),
            size,
            capabilities,
            python_version: facts.version,
        })
    }

    pub fn size(&self) -> usize {
        self.size
    }

    pub fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    /// The uids jobs of this pool run under (as root), first and last.
    pub fn job_uids(&self) -> Option<(u32, u32)> {
        self.shared
            .job_uid(0)
            .map(|first| (first, first + self.size as u32 - 1))
    }

    pub fn python_version(&self) -> &str {
        &self.python_version
    }

    /// Runs one job on the next free slot. A worker that breaks is replaced
    /// and the job tried once more on the fresh one.
    pub fn run(&self, job: &Job) -> Result<JobResult, SandboxError> {
        let mut slot = {
            let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
            loop {
                if let Some(s) = slots.pop() {
                    break s;
                }
                slots = self
                    .free
                    .wait(slots)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        };
        let mut result = slot.run(&self.shared, &job.source, &job.task);
        if let Err(SandboxError::Worker(_)) = result {
            slot.worker = None;
            slot.harness = None;
            result = slot.run(&self.shared, &job.source, &job.task);
            if result.is_err() {
                slot.worker = None;
                slot.harness = None;
            }
        }
        self.slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(slot);
        self.free.notify_one();
        result
    }

    /// Starts every worker now (instead of on first use) and reports any that
    /// cannot start.
    pub fn warm_up(&self) -> Result<(), SandboxError> {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        for s in slots.iter_mut() {
            if s.worker.is_none() {
                s.worker = Some(worker::Worker::spawn(self.shared.clone(), s.index)?);
            }
        }
        Ok(())
    }
}
