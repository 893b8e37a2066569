//! One sandboxed fork server (W) and the jobs (G) it forks.

use std::fs::File;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value as Json, json};

use crate::io::{
    ReadError, pipe, read_frame, recv_message, send_message, seqpacket_pair, write_frame,
};
use crate::isolation::ChildSetup;
use crate::{Limits, SandboxError, Shared};

const WORKER_PY: &str = include_str!("python/worker.py");

/// Modules imported once in the worker, so forked jobs start warm.
const WARM: &[&str] = &[
    "math",
    "cmath",
    "collections",
    "itertools",
    "functools",
    "re",
    "heapq",
    "bisect",
    "string",
    "random",
    "statistics",
    "fractions",
    "decimal",
    "typing",
    "operator",
    "copy",
    "json",
    "hashlib",
    "datetime",
    "array",
    "dataclasses",
    "enum",
    "numbers",
    "struct",
    "io",
    "textwrap",
    "unicodedata",
    "calendar",
    "time",
    "types",
    "abc",
    "sys",
    "os",
];

/// How long the worker itself may take to answer a control message.
const CONTROL_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) struct Worker {
    child: Child,
    control: OwnedFd,
    shared: Arc<Shared>,
    slot: usize,
    jobs_run: u64,
}

/// A running job: the pipes to its process and where it works.
pub(crate) struct JobProcess {
    pub pid: i32,
    to_job: OwnedFd,
    from_job: OwnedFd,
    pub dir: PathBuf,
}

/// How a job's process ended, as the worker saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
}

impl Exit {
    pub fn describe(&self) -> String {
        match self {
            Exit::Code(c) => format!("exited with code {c}"),
            Exit::Signal(s) => format!("killed by {}", signal_name(*s)),
        }
    }
}

pub fn signal_name(s: i32) -> String {
    match s {
        libc::SIGSEGV => "SIGSEGV (a crash, e.g. a stack overflow)".into(),
        libc::SIGKILL => "SIGKILL".into(),
        libc::SIGXCPU => "SIGXCPU (CPU time limit)".into(),
        libc::SIGXFSZ => "SIGXFSZ (output limit)".into(),
        libc::SIGABRT => "SIGABRT".into(),
        libc::SIGBUS => "SIGBUS".into(),
        libc::SIGFPE => "SIGFPE".into(),
        libc::SIGTERM => "SIGTERM".into(),
        libc::SIGILL => "SIGILL".into(),
        other => format!("signal {other}"),
    }
}

fn control_err(what: &str, e: impl std::fmt::Display) -> SandboxError {
    SandboxError::Worker(format!("{what}: {e}"))
}

impl Worker {
    pub(crate) fn spawn(shared: Arc<Shared>, slot: usize) -> Result<Worker, SandboxError> {
        let (ours, theirs) = seqpacket_pair().map_err(|e| control_err("socketpair", e))?;
        let log = File::create(shared.scratch.join(format!("worker-{slot}.log")))
            .map_err(|e| control_err("worker log", e))?;
        let setup = ChildSetup {
            control_fd: theirs.as_raw_fd(),
            namespaces: shared.namespaces,
            user_namespace: shared.user_maps(),
            landlock: shared.landlock.as_ref().map(AsRawFd::as_raw_fd),
            seccomp: shared.base_filters.clone(),
        };
        let mut cmd = Command::new(&shared.python);
        cmd.args(["-I", "-S", "-B", "-c", WORKER_PY])
            .env_clear()
            .env("LC_ALL", "C.UTF-8")
            .env("PYTHONIOENCODING", "utf-8")
            .current_dir(&shared.scratch)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log));
        // SAFETY: `apply` only makes system calls on data prepared above.
        unsafe {
            cmd.pre_exec(move || setup.apply());
        }
        let child = cmd.spawn().map_err(|e| {
            SandboxError::Setup(format!("starting {}: {e}", shared.python.display()))
        })?;
        drop(theirs);
        let w = Worker {
            child,
            control: ours,
            shared,
            slot,
            jobs_run: 0,
        };
        let filter_hex: String = w
            .shared
            .job_filter
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let init = json!({
            "op": "init",
            "uid": w.shared.job_uid(slot),
            "gid": w.shared.job_uid(slot),
            "job_filter": filter_hex,
            "warm": WARM,
        });
        send_message(&w.control, &init, &[]).map_err(|e| control_err("init", e))?;
        let ready = w.recv("ready")?;
        if ready["op"] != "ready" {
            return Err(control_err("init", format!("unexpected reply {ready}")));
        }
        Ok(w)
    }

    fn recv(&self, what: &str) -> Result<Json, SandboxError> {
        recv_message(&self.control, Some(Instant::now() + CONTROL_TIMEOUT)).map_err(|e| {
            let log = std::fs::read_to_string(
                self.shared
                    .scratch
                    .join(format!("worker-{}.log", self.slot)),
            )
            .unwrap_or_default();
            let lines: Vec<&str> = log.lines().collect();
            let tail = lines[lines.len().saturating_sub(5)..].join("\n");
            match e {
                ReadError::Eof => control_err(what, format!("the worker exited\n{tail}")),
                other if tail.is_empty() => control_err(what, other),
                other => control_err(what, format!("{other}\n{tail}")),
            }
        })
    }

    /// Forks a job process confined by `limits`, working in a fresh directory.
    pub(crate) fn start(&mut self, limits: &JobLimits) -> Result<JobProcess, SandboxError> {
        self.jobs_run += 1;
        let dir = self
            .shared
            .slot_dir(self.slot)
            .join(format!("job-{}", self.jobs_run));
        std::fs::create_dir(&dir).map_err(|e| control_err("job directory", e))?;
        if let Some(uid) = self.shared.job_uid(self.slot) {
            chown(&dir, uid)?;
        }
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| control_err("job directory", e))?;
        let (job_in_r, job_in_w) = pipe().map_err(|e| control_err("pipe", e))?;
        let (job_out_r, job_out_w) = pipe().map_err(|e| control_err("pipe", e))?;
        let msg = json!({
            "op": "job",
            "scratch": dir,
            "limits": {
                "cpu_s": limits.cpu_seconds,
                "as_bytes": limits.memory_bytes,
                "fsize": limits.output_bytes,
                "nproc": limits.processes,
                "nofile": limits.open_files,
            },
        });
        send_message(
            &self.control,
            &msg,
            &[job_in_r.as_raw_fd(), job_out_w.as_raw_fd()],
        )
        .map_err(|e| control_err("job", e))?;
        drop(job_in_r);
        drop(job_out_w);
        let started = self.recv("job start")?;
        let pid = started["pid"]
            .as_i64()
            .and_then(|p| i32::try_from(p).ok())
            .filter(|p| *p > 1)
            .ok_or_else(|| control_err("job start", format!("unexpected reply {started}")))?;
        Ok(JobProcess {
            pid,
            to_job: job_in_w,
            from_job: job_out_r,
            dir,
        })
    }

    /// Kills the job's whole process group, learns how its leader ended, and
    /// lets the worker reap it. The leader's pid is still reserved (the
    /// worker waits without reaping), so the group id cannot name anything
    /// else when the signal is sent.
    pub(crate) fn finish(&mut self, job: JobProcess) -> Result<Exit, SandboxError> {
        // SAFETY: kill takes plain integers. The leader is signalled by pid too,
        // in case it was killed before its own setsid made the group.
        unsafe {
            libc::kill(-job.pid, libc::SIGKILL);
            libc::kill(job.pid, libc::SIGKILL);
        }
        drop(job.to_job);
        drop(job.from_job);
        let exited = self.recv("job exit")?;
        let status = exited["status"].as_i64().unwrap_or(-1) as i32;
        // CLD_EXITED = 1; CLD_KILLED = 2; CLD_DUMPED = 3.
        let exit = match exited["code"].as_i64() {
            Some(1) => Exit::Code(status),
            _ => Exit::Signal(status),
        };
        send_message(&self.control, &json!({"op": "reap"}), &[])
            .map_err(|e| control_err("reap", e))?;
        self.recv("reap")?;
        let _ = std::fs::remove_dir_all(&job.dir);
        Ok(exit)
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn chown(path: &Path, uid: u32) -> Result<(), SandboxError> {
    std::os::unix::fs::chown(path, Some(uid), Some(uid)).map_err(|e| control_err("chown", e))
}

/// The limits of one job process.
#[derive(Clone, Debug)]
pub(crate) struct JobLimits {
    pub cpu_seconds: u64,
    pub memory_bytes: Option<u64>,
    pub output_bytes: u64,
    pub processes: Option<u64>,
    pub open_files: u64,
}

impl JobLimits {
    pub(crate) fn new(limits: &Limits, budget: Duration, root: bool) -> JobLimits {
        JobLimits {
            cpu_seconds: budget.as_secs() + 2,
            memory_bytes: limits.memory_bytes,
            output_bytes: limits.output_bytes,
            // Counted per uid: only meaningful when each slot has its own.
            processes: root.then_some(limits.processes),
            open_files: limits.open_files,
        }
    }
}

impl JobProcess {
    pub(crate) fn send(&self, msg: &Json) -> Result<(), ReadError> {
        write_frame(&self.to_job, msg).map_err(|e| {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                ReadError::Eof
            } else {
                ReadError::Io(e)
            }
        })
    }

    pub(crate) fn recv(&self, deadline: Instant) -> Result<Json, ReadError> {
        read_frame(&self.from_job, Some(deadline))
    }

    /// What the program printed, up to `cap` bytes.
    pub(crate) fn stdout(&self, cap: u64) -> String {
        read_capped(&self.dir.join("stdout.txt"), cap)
    }
}

fn read_capped(path: &Path, cap: u64) -> String {
    use std::io::Read;
    let Ok(f) = File::open(path) else {
        return String::new();
    };
    let mut buf = Vec::new();
    let _ = f.take(cap).read_to_end(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}
