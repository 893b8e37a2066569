//! The trusted harness (T): a plain CPython that runs a dataset's test code,
//! with `candidate` a proxy whose calls symtest carries to the sandbox.

use std::fs::File;
use std::os::fd::OwnedFd;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value as Json;

use crate::io::{ReadError, read_frame, write_frame};
use crate::{SandboxError, Shared};

const HARNESS_PY: &str = include_str!("python/harness.py");

pub(crate) struct Harness {
    child: Child,
    to: OwnedFd,
    from: OwnedFd,
}

impl Harness {
    pub(crate) fn spawn(shared: &Arc<Shared>, slot: usize) -> Result<Harness, SandboxError> {
        let log = File::create(shared.scratch.join(format!("harness-{slot}.log")))
            .map_err(|e| SandboxError::Worker(format!("harness log: {e}")))?;
        let mut child = Command::new(&shared.python)
            .args(["-I", "-S", "-B", "-c", HARNESS_PY])
            .env_clear()
            .env("LC_ALL", "C.UTF-8")
            .env("PYTHONIOENCODING", "utf-8")
            .current_dir(&shared.scratch)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
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
        let h = Harness { child, to, from };
        let ready = h
            .recv(Instant::now() + Duration::from_secs(10))
            .map_err(|e| SandboxError::Worker(format!("harness start: {e}")))?;
        if ready["op"] != "ready" {
            return Err(SandboxError::Worker(format!("harness start: {ready}")));
        }
        Ok(h)
    }

    pub(crate) fn send(&self, msg: &Json) -> Result<(), SandboxError> {
        write_frame(&self.to, msg).map_err(|e| SandboxError::Worker(format!("harness: {e}")))
    }

    pub(crate) fn recv(&self, deadline: Instant) -> Result<Json, ReadError> {
        read_frame(&self.from, Some(deadline))
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
