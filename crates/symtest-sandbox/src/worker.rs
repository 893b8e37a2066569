//! One sandboxed fork server (W) and the jobs (G) it forks.

use std::fs::File;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use crate::config::Limits;
use crate::error::SandboxError;
use crate::host_jobs::WorkerJobs;
use crate::io::{
    Deadline, ReadError, pipe, recv_message, send_message, seqpacket_pair, set_nonblocking,
};
use crate::isolation::ChildSetup;
use crate::shared::Shared;
use crate::wire::{Exit, Rlimits, Step, WorkerReply, WorkerRequest};

const WORKER_PY: &str = concat!(
    include_str!("python/dumps.py"),
    include_str!("python/worker.py")
);

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
    "threading",
    "atexit",
];

/// How long the worker itself may take to answer a control message.
const CONTROL_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) struct Worker {
    child: Child,
    control: OwnedFd,
    shared: Arc<Shared>,
    slot: usize,
    /// A job was released without waiting for the worker's report.
    pending_done: bool,
    /// Without a view: this worker's folder on the host for its jobs'
    /// folders (removed after the worker is killed: fields drop after
    /// `drop`).
    host_jobs: Option<WorkerJobs>,
}

/// A running job: the pipes to its process (our ends, non-blocking).
pub(crate) struct JobProcess {
    pub to_job: OwnedFd,
    pub from_job: OwnedFd,
    /// The job's standard output, when it is kept.
    pub stdout: Option<OwnedFd>,
}

fn control_err(what: &str, e: impl std::fmt::Display) -> SandboxError {
    SandboxError::Worker(format!("{what}: {e}"))
}

fn unexpected(what: &str, reply: &WorkerReply) -> SandboxError {
    control_err(what, format!("unexpected reply '{}'", reply.op()))
}

/// What the worker said at the end of a job.
pub(crate) struct Done {
    pub exit: Exit,
    /// Every process reaped and the job's folder removed.
    pub clean: bool,
}

impl Worker {
    pub(crate) fn spawn(shared: Arc<Shared>, slot: usize) -> Result<Worker, SandboxError> {
        let started = std::time::Instant::now();
        let (ours, theirs) = seqpacket_pair().map_err(|e| control_err("socketpair", e))?;
        let log_path = shared.scratch.join(format!("worker-{slot}.log"));
        let log = File::create(&log_path).map_err(|e| control_err("worker log", e))?;
        let host_jobs = shared
            .host_jobs
            .as_ref()
            .map(|h| h.worker(slot))
            .transpose()?;
        let (jobs, jobs_c) = match &host_jobs {
            Some(h) => (h.path(), h.c_path()?),
            None => (crate::view::jobs_dir(), crate::view::JOBS.to_owned()),
        };
        let setup = ChildSetup {
            parent_pid: std::process::id() as libc::pid_t,
            control_fd: theirs.as_raw_fd(),
            namespaces: shared.namespaces,
            user_namespace: shared.user_maps(),
            view: shared.view()?,
            work_options: shared.work_options.clone(),
            jobs: jobs_c,
            landlock_abi: shared.landlock_abi,
            seccomp: shared.base_filters.clone(),
        };
        let mut cmd = Command::new(&shared.python);
        cmd.args(["-I", "-S", "-B", "-c", WORKER_PY])
            .arg(jobs)
            .env_clear()
            .env("LC_ALL", "C.UTF-8")
            .env("PYTHONIOENCODING", "utf-8")
            // Each job works in its own folder: home and temporary files there.
            .env("HOME", ".")
            .env("TMPDIR", ".")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log));
        // SAFETY: `apply` only makes system calls on data prepared above.
        unsafe {
            cmd.pre_exec(move || setup.apply());
        }
        let child = crate::spawn::spawn(cmd).map_err(|e| {
            let why = std::fs::read_to_string(&log_path).unwrap_or_default();
            SandboxError::Setup(format!(
                "starting the sandbox worker ({}): {e}{}{}",
                shared.python.display(),
                if why.trim().is_empty() { "" } else { "\n" },
                why.trim()
            ))
        })?;
        drop(theirs);
        let w = Worker {
            child,
            control: ours,
            shared,
            slot,
            pending_done: false,
            host_jobs,
        };
        let uid = w.shared.job_uid(slot);
        let init = WorkerRequest::Init {
            uid,
            gid: uid,
            job_filter: w.shared.job_filter.clone(),
            warm: WARM.iter().map(|m| m.to_string()).collect(),
            limits: JobLimits::common(&w.shared.limits, w.shared.root),
            profile: w.shared.profile,
        };
        let fds = w.shared.cgroup_fds(slot);
        send_message(&w.control, &init.encode(), &fds).map_err(|e| control_err("init", e))?;
        match w.recv("start")? {
            WorkerReply::Ready { .. } => {}
            other => return Err(unexpected("start", &other)),
        }
        if w.shared.profile {
            w.shared.record_steps(&[Step {
                name: "start a worker (namespaces, root, Landlock, seccomp, CPython)".into(),
                ns: u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX),
            }]);
        }
        Ok(w)
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(
            self.shared
                .scratch
                .join(format!("worker-{}.log", self.slot)),
        )
        .unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(5)..].join("\n")
    }

    fn recv(&self, what: &str) -> Result<WorkerReply, SandboxError> {
        let got = recv_message(&self.control, &Deadline::after(CONTROL_TIMEOUT))
            .and_then(|b| Ok(WorkerReply::decode(&b)?));
        got.map_err(|e| {
            let tail = self.log_tail();
            match e {
                ReadError::Eof => {
                    SandboxError::WorkerGone(format!("{what}: the worker exited\n{tail}"))
                }
                other if tail.is_empty() => control_err(what, other),
                other => control_err(what, format!("{other}\n{tail}")),
            }
        })
    }

    /// Forks a job process confined by `limits` in a fresh folder, with
    /// `stdin` as its standard input and, when `keep_stdout`, its standard
    /// output in a memory file the caller reads afterwards. The worker does
    /// not answer: the job's first message (or the end of its pipe) does.
    pub(crate) fn start(
        &mut self,
        limits: &JobLimits,
        stdin: Option<&OwnedFd>,
        keep_stdout: bool,
    ) -> Result<JobProcess, SandboxError> {
        if !self.settle() {
            return Err(control_err(
                "job end",
                "the previous job left processes or files behind",
            ));
        }
        let (job_in_r, job_in_w) = pipe().map_err(|e| control_err("pipe", e))?;
        let (job_out_r, job_out_w) = pipe().map_err(|e| control_err("pipe", e))?;
        set_nonblocking(&job_in_w).map_err(|e| control_err("pipe", e))?;
        set_nonblocking(&job_out_r).map_err(|e| control_err("pipe", e))?;
        let stdout = if keep_stdout {
            Some(crate::io::memfd(c"stdout", false).map_err(|e| control_err("memfd", e))?)
        } else {
            None
        };
        let mut fds = vec![job_in_r.as_raw_fd(), job_out_w.as_raw_fd()];
        fds.extend(stdin.map(AsRawFd::as_raw_fd));
        fds.extend(stdout.as_ref().map(AsRawFd::as_raw_fd));
        let msg = WorkerRequest::Job {
            stdin: stdin.is_some(),
            stdout: keep_stdout,
            cpu_s: limits.cpu_seconds,
        };
        send_message(&self.control, &msg.encode(), &fds).map_err(|e| control_err("job", e))?;
        drop(job_in_r);
        drop(job_out_w);
        Ok(JobProcess {
            to_job: job_in_w,
            from_job: job_out_r,
            stdout,
        })
    }

    /// Whether this worker is fit for another job: the report of a job
    /// released without waiting is read now, and says every process of it
    /// was reaped and its folder removed. A worker that left something
    /// behind, or cannot say, is not (the caller replaces it: that is no
    /// failure of the next job, whichever sample it belongs to).
    pub(crate) fn settle(&mut self) -> bool {
        if !self.pending_done {
            return true;
        }
        match self.done() {
            Ok(done) => {
                self.pending_done = false;
                done.clean
            }
            Err(_) => false,
        }
    }

    /// Why the worker did not start a job (its message, if it sent one).
    pub(crate) fn start_failure(&self) -> String {
        match recv_message(&self.control, &Deadline::after(Duration::from_millis(200)))
            .and_then(|b| Ok(WorkerReply::decode(&b)?))
        {
            Ok(WorkerReply::Error { message }) => message,
            Ok(other) => format!("it answered '{}'", other.op()),
            Err(e) => format!("{e}; {}", self.log_tail()),
        }
    }

    /// Kills every process of the job (the worker signals its whole PID
    /// namespace), learns how the first one ended, and has the job's folder
    /// removed.
    pub(crate) fn finish(
        &mut self,
        job: JobProcess,
    ) -> Result<(Done, Option<OwnedFd>), SandboxError> {
        let stdout = self.release(job)?;
        self.pending_done = false;
        Ok((self.done()?, stdout))
    }

    /// Has the job killed and its folder removed without waiting: the
    /// worker's report is read before its next job.
    pub(crate) fn release(&mut self, job: JobProcess) -> Result<Option<OwnedFd>, SandboxError> {
        drop(job.to_job);
        drop(job.from_job);
        send_message(&self.control, &WorkerRequest::Kill.encode(), &[]).map_err(|e| {
            if matches!(
                e.kind(),
                std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset
            ) {
                SandboxError::WorkerGone(format!("kill: the worker exited ({e})"))
            } else {
                control_err("kill", e)
            }
        })?;
        self.pending_done = true;
        Ok(job.stdout)
    }

    fn done(&mut self) -> Result<Done, SandboxError> {
        match self.recv("job end")? {
            WorkerReply::Done { exit, clean, steps } => {
                if self.shared.profile {
                    self.shared.record_steps(&steps);
                }
                Ok(Done { exit, clean })
            }
            other => Err(unexpected("job end", &other)),
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Without a PID namespace, the worker's death does not take a job's
        // processes with it: let it finish killing the last job first.
        if self.pending_done && self.host_jobs.is_some() {
            let _ = self.done();
        }
        // The process we hold waits on the worker; killing it kills the
        // worker (its parent-death signal), which takes the namespace with it.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The limits of one job that vary from job to job.
#[derive(Clone, Debug)]
pub(crate) struct JobLimits {
    /// RLIMIT_CPU of each process: a backstop, the cgroup's total is what
    /// is enforced.
    pub cpu_seconds: u64,
}

impl JobLimits {
    pub(crate) fn new(cpu_budget: Duration) -> JobLimits {
        JobLimits {
            cpu_seconds: cpu_budget.as_secs() + 2,
        }
    }

    /// The rlimits every job of a pool has (set on the worker once).
    fn common(limits: &Limits, root: bool) -> Rlimits {
        Rlimits {
            as_bytes: limits.memory_bytes,
            fsize: limits.output_bytes,
            // Counted per uid: only meaningful when each slot has its own.
            nproc: root.then_some(limits.processes),
            nofile: limits.open_files,
        }
    }
}
