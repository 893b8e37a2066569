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
mod harness;
mod io;
pub mod isolation;
pub mod job;
pub use symtest_pyvalue as pyvalue;
mod run;
mod spawn;
mod tasks;
mod view;
pub mod wire;
mod worker;

use std::collections::HashMap;
use std::ffi::CString;
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
pub use tasks::{CallsAnswer, CheckAnswer, CheckTask};
pub use view::{JOBS, jobs_dir};
pub use worker::signal_name;

/// A failure of the sandbox itself, never of the program it runs (whatever
/// a program does is its [`JobResult`]).
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
    /// the memory limit too).
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

/// How a [`Pool`] is built.
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
    /// Time every isolation step of every job (see [`Pool::step_costs`]);
    /// for benchmarks.
    pub profile: bool,
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
        }
    }
}

/// The mean time of one isolation step, over the jobs (or workers) that took it.
#[derive(Clone, Debug, PartialEq)]
pub struct StepCost {
    /// What the step does.
    pub step: String,
    /// Its mean duration.
    pub mean: std::time::Duration,
    /// How many times it was timed.
    pub count: u64,
}

/// Settings every worker of a pool shares.
pub(crate) struct Shared {
    python: PathBuf,
    scratch: PathBuf,
    namespaces: libc::c_int,
    user_namespace: bool,
    view: Option<view::Plan>,
    work_options: CString,
    landlock_abi: i32,
    base_filters: Vec<seccompiler::BpfProgram>,
    job_filter: Vec<u8>,
    root: bool,
    limits: Limits,
    uid_base: u32,
    /// Declared before `_pool_groups`: closed before the folders go.
    groups: Vec<cgroup::SlotGroup>,
    _pool_groups: Option<cgroup::PoolGroups>,
    plans: Mutex<HashMap<u64, Arc<[wire::PlannedCall]>>>,
    profile: bool,
    /// Per step: total nanoseconds and how many times, in first-seen order.
    steps: Mutex<Vec<(String, u128, u64)>>,
}

/// Slots per pool at most: each has its own uid.
pub const MAX_SLOTS: usize = 64;

/// The largest program a job takes, in bytes: a longer one is refused as a
/// program that does not compile (it must fit the job's first message,
/// whatever a sample pads it with).
pub const MAX_SOURCE: usize = 16 << 20;

/// Bytes of messages from one job after which free memory is given back.
const TRIM_AFTER: usize = 4 << 20;

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

    fn user_maps(&self) -> Option<isolation::UserMaps> {
        self.user_namespace
            .then(isolation::UserMaps::for_current_user)
    }

    fn view(&self) -> Result<Option<view::Prepared>, SandboxError> {
        self.view
            .as_ref()
            .map(|p| view::Prepared::new(p, &self.scratch))
            .transpose()
    }

    fn group(&self, slot: usize) -> Option<&cgroup::SlotGroup> {
        self.groups.get(slot)
    }

    fn cgroup_fds(&self, slot: usize) -> Vec<i32> {
        self.group(slot)
            .map(cgroup::SlotGroup::proc_fds)
            .unwrap_or_default()
    }

    fn plan(&self, key: u64) -> Option<Arc<[wire::PlannedCall]>> {
        self.plans
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned()
    }

    /// Adds timed steps reported by a worker or job.
    fn record_steps(&self, steps: &[wire::Step]) {
        let mut all = self.steps.lock().unwrap_or_else(PoisonError::into_inner);
        for wire::Step { name, ns } in steps {
            let ns = u128::from(*ns);
            match all.iter().position(|(n, _, _)| n == name) {
                Some(i) => {
                    all[i].1 += ns;
                    all[i].2 += 1;
                }
                None if all.len() < 64 => all.push((wire::cut(name, 60), ns, 1)),
                None => {}
            }
        }
    }

    fn keep_plan(&self, key: u64, plan: Arc<[wire::PlannedCall]>) {
        let mut plans = self.plans.lock().unwrap_or_else(PoisonError::into_inner);
        if plans.len() > 4096 {
            plans.clear();
        }
        plans.insert(key, plan);
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
    packages: Vec<PathBuf>,
    version: String,
}

fn python_facts(python: &Path) -> Result<PythonFacts, SandboxError> {
    const PROBE: &str = r#"
import json, sys, sysconfig, os, site
for m in ("decimal", "hashlib", "json", "unicodedata", "math", "random", "array", "struct", "datetime", "ctypes"):
    try:
        __import__(m)
    except Exception:
        pass
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
packages = set()
try:
    packages.update(site.getsitepackages())
    packages.add(site.getusersitepackages())
except Exception:
    pass
for p in paths:
    if p:
        packages.add(os.path.join(p, "site-packages"))
        packages.add(os.path.join(p, "dist-packages"))
print(json.dumps({
    "executable": os.path.realpath(sys.executable),
    "stdlib": sorted(p for p in paths if p),
    "libraries": sorted(set(libs)),
    "packages": sorted(p for p in packages if p),
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
        packages: paths("packages"),
        version: v["version"].as_str().unwrap_or_default().to_string(),
    })
}

/// What the view holds: the interpreter, its standard library (installed
/// packages hidden: they can hold datasets and their answers), the shared
/// libraries it loads, the system library folders, a few devices.
fn view_wanted(facts: &PythonFacts, extra: &[PathBuf]) -> view::Wanted {
    let mut paths = vec![facts.executable.clone()];
    paths.extend(facts.stdlib.iter().cloned());
    paths.extend(facts.libraries.iter().cloned());
    let triple = format!("{}-linux-gnu", std::env::consts::ARCH);
    for d in [
        format!("/lib/{triple}"),
        format!("/usr/lib/{triple}"),
        "/lib64".into(),
        "/usr/lib64".into(),
        "/etc/ld.so.cache".into(),
        "/usr/lib/locale".into(),
        "/dev/null".into(),
        "/dev/zero".into(),
        "/dev/urandom".into(),
        "/dev/random".into(),
    ] {
        if Path::new(&d).exists() {
            paths.push(PathBuf::from(d));
        }
    }
    paths.extend(extra.iter().cloned());
    view::Wanted {
        paths,
        hide: facts.packages.clone(),
    }
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

/// Whether `name` is `<prefix><pid>-...` for a process that no longer
/// exists: what a symtest killed with SIGKILL left behind.
pub(crate) fn left_by_dead_process(name: &str, prefix: &str) -> bool {
    let Some(pid) = name
        .strip_prefix(prefix)
        .and_then(|rest| rest.split('-').next())
        .and_then(|p| p.parse::<i32>().ok())
    else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists.
    let missing = unsafe { libc::kill(pid, 0) } != 0;
    missing && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
}

/// Removes scratch folders of symtest processes that are gone.
fn sweep_scratch(tmp: &Path) {
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return;
    };
    for e in entries.flatten() {
        if left_by_dead_process(&e.file_name().to_string_lossy(), "symtest-sandbox-") {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
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

/// Returns a slot to its pool however the run ends (a panic included: the
/// slot's processes are then dropped, since their state is unknown).
struct SlotGuard<'a> {
    pool: &'a Pool,
    slot: Option<run::Slot>,
}

impl Drop for SlotGuard<'_> {
    fn drop(&mut self) {
        if let Some(mut slot) = self.slot.take() {
            if std::thread::panicking() {
                slot.worker = None;
                slot.harness = None;
            }
            self.pool
                .slots
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(slot);
            self.pool.free.notify_one();
        }
    }
}

/// How often a job is tried on fresh workers when the sandbox fails it.
const ATTEMPTS: usize = 3;

impl Pool {
    /// Builds the pool (workers start lazily, on their first job). Refuses
    /// when isolation is weaker than it should be, unless allowed.
    pub fn new(cfg: &SandboxConfig) -> Result<Pool, SandboxError> {
        let capabilities = Capabilities::probe();
        isolation::admit(&capabilities, cfg.allow_weaker_isolation)?;
        let python = find_python(cfg.python.as_deref())?;
        let facts = python_facts(&python)?;
        let tmp = std::env::temp_dir();
        sweep_scratch(&tmp);
        let scratch = tmp.join(format!(
            "symtest-sandbox-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos())
        ));
        std::fs::create_dir_all(&scratch)
            .map_err(|e| SandboxError::Setup(format!("creating {}: {e}", scratch.display())))?;
        // Nobody else may list or enter it: it holds only the workers' logs
        // (and is each worker's mount point for its own root).
        std::fs::set_permissions(&scratch, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| SandboxError::Setup(format!("{}: {e}", scratch.display())))?;
        let root = capabilities.root;
        let user_namespace = !root && capabilities.network_namespace;
        let (namespaces, view) = if capabilities.network_namespace {
            (
                libc::CLONE_NEWNET
                    | libc::CLONE_NEWNS
                    | libc::CLONE_NEWIPC
                    | libc::CLONE_NEWUTS
                    | libc::CLONE_NEWPID,
                Some(view::Plan::new(&view_wanted(&facts, &cfg.extra_read))?),
            )
        } else {
            (0, None)
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
        let (pool_groups, groups) = match &capabilities.cgroups {
            Some(kind) => {
                let pg = cgroup::PoolGroups::new(kind)?;
                let limits = cgroup::TreeLimits {
                    memory_bytes: cfg.limits.memory_bytes,
                    processes: cfg.limits.processes,
                };
                let groups = (0..size)
                    .map(|i| pg.slot(i, limits))
                    .collect::<Result<Vec<_>, _>>()?;
                (Some(pg), groups)
            }
            None => (None, Vec::new()),
        };
        let work_options = CString::new(format!(
            "size={},nr_inodes=8192,mode=0755",
            cfg.limits.disk_bytes.max(1 << 20)
        ))
        .map_err(|e| SandboxError::Setup(e.to_string()))?;
        let shared = Arc::new(Shared {
            python: facts.executable.clone(),
            scratch,
            namespaces,
            user_namespace,
            view,
            work_options,
            landlock_abi: capabilities.landlock_abi,
            base_filters,
            job_filter,
            root,
            limits: cfg.limits.clone(),
            uid_base: uid_base(),
            groups,
            _pool_groups: pool_groups,
            plans: Mutex::new(HashMap::new()),
            profile: cfg.profile,
            steps: Mutex::new(Vec::new()),
        });
        let slots = (0..size)
            .map(|index| run::Slot {
                index,
                worker: None,
                harness: None,
            })
            .collect();
        Ok(Pool {
            shared,
            slots: Mutex::new(slots),
            free: Condvar::new(),
            size,
            capabilities,
            python_version: facts.version,
        })
    }

    /// Its slots: jobs it runs at once.
    pub fn size(&self) -> usize {
        self.size
    }

    /// What isolation this machine offered when the pool was built.
    pub fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    /// Whether budgets are CPU time of a job's process tree (cgroups), or
    /// wall-clock time.
    pub fn measures_cpu(&self) -> bool {
        !self.shared.groups.is_empty()
    }

    /// How long each isolation step took on average, when the pool was
    /// built with `profile` (empty otherwise).
    pub fn step_costs(&self) -> Vec<StepCost> {
        self.shared
            .steps
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(step, ns, n)| StepCost {
                step: step.clone(),
                mean: std::time::Duration::from_nanos((ns / u128::from((*n).max(1))) as u64),
                count: *n,
            })
            .collect()
    }

    /// The uids jobs of this pool run under (as root), first and last.
    pub fn job_uids(&self) -> Option<(u32, u32)> {
        self.shared
            .job_uid(0)
            .map(|first| (first, first + self.size as u32 - 1))
    }

    /// The version of the Python jobs run on (`3.12.3`).
    pub fn python_version(&self) -> &str {
        &self.python_version
    }

    /// Runs one job on the next free slot. When the sandbox itself fails it
    /// (a worker or harness breaks, a job cannot confine itself), the job is
    /// tried again on fresh processes, up to three times in all; the error
    /// then says what failed.
    pub fn run(&self, job: &Job) -> Result<JobResult, SandboxError> {
        io::take_frame_bytes();
        let result = self.run_job(job);
        // Values decoded from a job are freed with it, but the allocator
        // keeps the memory (in an arena per thread): after a job of large
        // messages it is handed back, so that samples of large values
        // cannot pile up the grader's memory.
        if io::take_frame_bytes() > TRIM_AFTER {
            #[cfg(target_env = "gnu")]
            // SAFETY: malloc_trim takes a plain integer and only returns
            // free memory to the system.
            unsafe {
                libc::malloc_trim(0);
            }
        }
        result
    }

    fn run_job(&self, job: &Job) -> Result<JobResult, SandboxError> {
        if job.source.len() > MAX_SOURCE {
            let error = LoadError::Compile {
                message: format!(
                    "the program is {} bytes long, over the {} MiB a job takes",
                    job.source.len(),
                    MAX_SOURCE >> 20
                ),
                line: None,
            };
            return Ok(JobResult::not_loaded(&job.task, error));
        }
        let slot = {
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
        let mut guard = SlotGuard {
            pool: self,
            slot: Some(slot),
        };
        let Some(slot) = guard.slot.as_mut() else {
            return Err(SandboxError::Worker("no slot".into()));
        };
        let mut attempt = 1;
        let mut test_process_failures = 0;
        loop {
            match slot.run(&self.shared, &job.source, &job.task) {
                Ok(r) => return Ok(r),
                // The test code's process died on this job's values: once
                // may be chance, twice is what the test code does with them.
                // A sample must not be able to turn its verdict into no
                // verdict, so the second time it is the sample's crash.
                Err(SandboxError::TestProcess(why)) => {
                    slot.harness = None;
                    test_process_failures += 1;
                    if test_process_failures >= 2 {
                        return Ok(JobResult::Check {
                            load: Ok(0.0),
                            outcome: Some(CheckOutcome::Crashed {
                                why: format!(
                                    "made the test code's own process fail (twice: {why})"
                                ),
                                last: None,
                            }),
                            ms: 0.0,
                            test_ms: 0.0,
                            calls: Vec::new(),
                        });
                    }
                }
                Err(
                    e @ (SandboxError::Worker(_)
                    | SandboxError::WorkerGone(_)
                    | SandboxError::Confine { .. }),
                ) => {
                    slot.worker = None;
                    slot.harness = None;
                    if attempt >= ATTEMPTS {
                        return Err(e);
                    }
                    attempt += 1;
                }
                Err(e) => {
                    slot.worker = None;
                    slot.harness = None;
                    return Err(e);
                }
            }
        }
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
