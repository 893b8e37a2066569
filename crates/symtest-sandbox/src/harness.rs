//! The trusted harness (T): a plain CPython that runs a dataset's test code,
//! with `candidate` a proxy whose calls symtest carries to the sandbox.

use std::fs::File;
use std::os::fd::OwnedFd;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use crate::error::SandboxError;
use crate::io::{Deadline, ProcessClock, ReadError, read_frame, set_nonblocking, write_frame};
use crate::shared::Shared;
use crate::wire::{HarnessReply, HarnessRequest};

const HARNESS_PY: &str = concat!(
    include_str!("python/dumps.py"),
    include_str!("python/harness.py")
);

/// The address space of the test code's process, in bytes.
const HARNESS_MEMORY: libc::rlim_t = 3 << 30;

pub(crate) struct Harness {
    child: Child,
    to: OwnedFd,
    from: OwnedFd,
}

impl Harness {
    pub(crate) fn spawn(shared: &Arc<Shared>, slot: usize) -> Result<Harness, SandboxError> {
        let log = File::create(shared.scratch.join(format!("harness-{slot}.log")))
            .map_err(|e| SandboxError::Worker(format!("harness log: {e}")))?;
        let parent = std::process::id() as libc::pid_t;
        let mut cmd = Command::new(&shared.python);
        cmd.args(["-I", "-S", "-B", "-c", HARNESS_PY])
            .env_clear()
            .env("LC_ALL", "C.UTF-8")
            .env("PYTHONIOENCODING", "utf-8")
            .current_dir(&shared.scratch)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log));
        // SAFETY: prctl and getppid are async-signal-safe system calls.
        unsafe {
            cmd.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                if libc::getppid() != parent {
                    libc::_exit(1);
                }
                // Values from a job can be built to be small as bytes and
                // large as objects: the test code's process is bounded too
                // (over it, a MemoryError; twice on one sample, its crash).
                let limit = libc::rlimit {
                    rlim_cur: HARNESS_MEMORY,
                    rlim_max: HARNESS_MEMORY,
                };
                if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut child = crate::spawn::spawn(cmd)
            .map_err(|e| SandboxError::Setup(format!("starting the harness: {e}")))?;
        let to: OwnedFd = child
            .stdin
            .take()
            .ok_or_else(|| SandboxError::Worker("harness stdin".into()))?
            .into();
        let from: OwnedFd = child
            .stdout
            .take()
            .ok_or_else(|| SandboxError::Worker("harness stdout".into()))?
            .into();
        set_nonblocking(&to).map_err(|e| SandboxError::Worker(format!("harness: {e}")))?;
        set_nonblocking(&from).map_err(|e| SandboxError::Worker(format!("harness: {e}")))?;
        let h = Harness { child, to, from };
        match h.recv(&Deadline::after(Duration::from_secs(10))) {
            Ok(HarnessReply::Ready { .. }) => Ok(h),
            Ok(other) => Err(SandboxError::Worker(format!(
                "harness start: unexpected '{}'",
                other.op()
            ))),
            Err(e) => Err(SandboxError::Worker(format!("harness start: {e}"))),
        }
    }

    /// The CPU clock of the test code's process.
    pub(crate) fn clock(&self) -> Option<ProcessClock> {
        ProcessClock::of(self.child.id())
    }

    pub(crate) fn send(
        &self,
        msg: &HarnessRequest,
        deadline: &Deadline<'_>,
    ) -> Result<(), ReadError> {
        write_frame(&self.to, &msg.encode(), deadline)
    }

    pub(crate) fn recv(&self, deadline: &Deadline<'_>) -> Result<HarnessReply, ReadError> {
        Ok(HarnessReply::decode(&read_frame(&self.from, deadline)?)?)
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
