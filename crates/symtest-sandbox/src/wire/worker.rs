//! The worker W's control socket: what symtest asks of a worker and what it
//! answers (`python/worker.py`, `main`). The worker is sandboxed but runs
//! no candidate code itself.

use symtest_pyvalue::PyValue;

use super::codec::{
    Dict, Fields, MAX_NAME, MAX_TEXT, Step, WireError, encoded, open, unknown_op, wire_ops,
};

/// A request to a worker, sent as one SEQPACKET message with descriptors
/// attached.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkerRequest {
    /// The first message to a new worker (the slot's cgroup descriptors
    /// attached): who its jobs run as, their seccomp filter, the modules to
    /// import before any job, the rlimits every job shares, and whether to
    /// time each step.
    Init {
        /// The uid jobs drop to; `None` where jobs keep the worker's (no root).
        uid: Option<u32>,
        /// The gid jobs drop to, beside `uid`.
        gid: Option<u32>,
        /// The job filter as the kernel takes it (BPF instructions, 8 bytes
        /// each); empty without seccomp.
        job_filter: Vec<u8>,
        /// Modules imported once in the worker, so forked jobs start warm.
        warm: Vec<String>,
        /// Limits set on the worker once and inherited by every job.
        limits: Rlimits,
        /// Report timed steps with each job.
        profile: bool,
    },
    /// Fork a job. Attached: the job's request and reply pipes, then its
    /// standard input and output when `stdin` and `stdout` say so.
    Job {
        /// A standard input is attached.
        stdin: bool,
        /// A standard output is attached.
        stdout: bool,
        /// The job's RLIMIT_CPU in seconds: a backstop, the cgroup's count
        /// is what is enforced.
        cpu_s: u64,
    },
    /// End the running job: kill every process of the worker's namespace,
    /// reap them, remove the job's folder and say how it ended.
    Kill,
}

/// The rlimits every job of a pool has (wire form: a dict).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rlimits {
    /// RLIMIT_AS in bytes; `None` for no limit.
    pub as_bytes: Option<u64>,
    /// RLIMIT_FSIZE in bytes: the largest file a job may write.
    pub fsize: u64,
    /// RLIMIT_NPROC, counted per uid: only set where each slot has its own.
    pub nproc: Option<u64>,
    /// RLIMIT_NOFILE: open descriptors per process.
    pub nofile: u64,
}

/// A worker's answer.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkerReply {
    /// The worker is up (after `Init`), running this Python version.
    Ready {
        /// `sys.version`'s first word.
        python: String,
    },
    /// The worker could not start a job (no pipes attached, its folder, the
    /// fork); it waits for the next request.
    Error {
        /// What failed, cut to [`MAX_TEXT`] characters.
        message: String,
    },
    /// The job is over (after `Kill`).
    Done {
        /// How the job's first process ended.
        exit: Exit,
        /// Every process was reaped and the job's folder removed: a worker
        /// that reports otherwise is not given another job.
        clean: bool,
        /// Timed steps, when the pool profiles.
        steps: Vec<Step>,
    },
}

/// How a job's first process ended, as its worker saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// It exited with this status.
    Code(i32),
    /// A signal of this number killed it.
    Signal(i32),
}

impl Exit {
    /// The end in words (`exited with code 1`, `killed by SIGKILL`).
    pub fn describe(&self) -> String {
        match self {
            Exit::Code(c) => format!("exited with code {c}"),
            Exit::Signal(s) => format!("killed by {}", crate::signal::signal_name(*s)),
        }
    }
}

wire_ops!(pub WorkerReply { Ready => "ready", Error => "error", Done => "done" });

const TO_WORKER: &str = "worker request";
const FROM_WORKER: &str = "worker reply";

wire_ops!(WorkerRequest { Init => "init", Job => "job", Kill => "kill" });

impl WorkerRequest {
    /// The message's bytes.
    pub fn encode(&self) -> Vec<u8> {
        encoded(self.op(), |d| match self {
            WorkerRequest::Init {
                uid,
                gid,
                job_filter,
                warm,
                limits,
                profile,
            } => {
                d.opt_int("uid", uid.map(i64::from));
                d.opt_int("gid", gid.map(i64::from));
                d.bytes("job_filter", job_filter);
                d.strs("warm", warm);
                d.key("limits");
                limits.write(d.out);
                d.bool("profile", *profile);
            }
            WorkerRequest::Job {
                stdin,
                stdout,
                cpu_s,
            } => {
                d.bool("stdin", *stdin);
                d.bool("stdout", *stdout);
                d.int("cpu_s", saturating_i64(*cpu_s));
            }
            WorkerRequest::Kill => {}
        })
    }

    /// Reads a request (symtest only writes them; this is its inverse).
    pub fn decode(bytes: &[u8]) -> Result<WorkerRequest, WireError> {
        let (op, f) = open(bytes, TO_WORKER)?;
        match op.as_str() {
            "init" => {
                let mut f = f.named("init");
                let job_filter = match f.value("job_filter")? {
                    PyValue::Bytes(b) => b,
                    _ => return Err(f.wrong("job_filter", "bytes")),
                };
                Ok(WorkerRequest::Init {
                    uid: f.opt_int("uid", "a uid")?,
                    gid: f.opt_int("gid", "a gid")?,
                    job_filter,
                    warm: f.texts("warm", MAX_NAME, usize::MAX)?,
                    limits: Rlimits::read(Fields::of(f.value("limits")?, "limits")?)?,
                    profile: f.bool("profile")?,
                })
            }
            "job" => {
                let mut f = f.named("job");
                Ok(WorkerRequest::Job {
                    stdin: f.bool("stdin")?,
                    stdout: f.bool("stdout")?,
                    cpu_s: f.int("cpu_s", "a number of seconds")?,
                })
            }
            "kill" => Ok(WorkerRequest::Kill),
            other => Err(unknown_op(TO_WORKER, other)),
        }
    }
}

impl Rlimits {
    fn write(&self, out: &mut Vec<u8>) {
        let mut d = Dict::begin(out);
        d.opt_int("as_bytes", self.as_bytes.map(saturating_i64));
        d.int("fsize", saturating_i64(self.fsize));
        d.opt_int("nproc", self.nproc.map(saturating_i64));
        d.int("nofile", saturating_i64(self.nofile));
        d.end();
    }

    fn read(mut f: Fields) -> Result<Rlimits, WireError> {
        Ok(Rlimits {
            as_bytes: f.opt_int("as_bytes", "a number of bytes")?,
            fsize: f.int("fsize", "a number of bytes")?,
            nproc: f.opt_int("nproc", "a number of processes")?,
            nofile: f.int("nofile", "a number of descriptors")?,
        })
    }
}

impl WorkerReply {
    /// The message's bytes (the worker writes them; this is for tests).
    pub fn encode(&self) -> Vec<u8> {
        encoded(self.op(), |d| match self {
            WorkerReply::Ready { python } => d.text("python", python),
            WorkerReply::Error { message } => d.text("message", message),
            WorkerReply::Done { exit, clean, steps } => {
                let (how, status) = match exit {
                    Exit::Code(c) => ("exited", c),
                    Exit::Signal(s) => ("signal", s),
                };
                d.text("how", how);
                d.int("status", i64::from(*status));
                d.bool("clean", *clean);
                if !steps.is_empty() {
                    d.steps("steps", steps);
                }
            }
        })
    }

    /// Reads a worker's answer.
    pub fn decode(bytes: &[u8]) -> Result<WorkerReply, WireError> {
        let (op, f) = open(bytes, FROM_WORKER)?;
        match op.as_str() {
            "ready" => Ok(WorkerReply::Ready {
                python: f.named("ready").text("python", MAX_NAME)?,
            }),
            "error" => Ok(WorkerReply::Error {
                message: f.named("error").text("message", MAX_TEXT)?,
            }),
            "done" => {
                let mut f = f.named("done");
                let status = f.int("status", "an exit status or signal number")?;
                let exit = match f.text("how", MAX_NAME)?.as_str() {
                    "exited" => Exit::Code(status),
                    "signal" => Exit::Signal(status),
                    other => {
                        return Err(WireError::Unknown {
                            at: "done",
                            field: "how",
                            value: other.to_string(),
                        });
                    }
                };
                Ok(WorkerReply::Done {
                    exit,
                    clean: f.bool("clean")?,
                    steps: f.steps("steps")?,
                })
            }
            other => Err(unknown_op(FROM_WORKER, other)),
        }
    }
}

fn saturating_i64(x: u64) -> i64 {
    i64::try_from(x).unwrap_or(i64::MAX)
}
