//! The pool of sandboxed workers: built once (Python found and probed, the
//! view, filters and cgroups prepared), then running jobs on free slots.

use std::collections::HashMap;
use std::ffi::CString;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use crate::config::{MAX_SLOTS, MAX_SOURCE, SandboxConfig};
use crate::error::SandboxError;
use crate::host_jobs::HostJobs;
use crate::isolation::{self, Capabilities};
use crate::job::{CheckOutcome, Job, JobResult, LoadError};
use crate::leftovers::sweep_scratch;
use crate::shared::Shared;
use crate::{cgroup, io, run, view, worker};

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
        let mut capabilities = Capabilities::probe();
        if cfg.without_namespaces {
            capabilities.network_namespace = false;
        }
        isolation::admit(&capabilities, cfg.allow_weaker_isolation)?;
        let python = find_python(cfg.python.as_deref())?;
        let facts = python_facts(&python)?;
        let tmp = std::env::temp_dir();
        sweep_scratch(&tmp);
        // `symtest-sandbox-<pid>-`: what `sweep_scratch` removes once the
        // process is gone.
        let name = format!(
            "symtest-sandbox-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos())
        );
        let scratch = tmp.join(&name);
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
        // Without a view, the jobs' folders are on the host, apart from the
        // scratch folder (which no job may enter).
        let host_jobs = if view.is_none() {
            Some(HostJobs::new(&tmp, &format!("{name}-jobs"), root)?)
        } else {
            None
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
            host_jobs,
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
