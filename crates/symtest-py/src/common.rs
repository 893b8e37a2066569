//! What the bindings' functions share: the sandbox, threads, interrupts.

use std::ffi::CString;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use pyo3::exceptions::PyRuntimeWarning;
use pyo3::prelude::*;
use symtest_sandbox::{Limits, Pool, SandboxConfig};

use crate::errors::BindError;

/// A number of seconds as a duration, or what is wrong with it.
pub fn seconds(s: f64, what: &'static str) -> Result<Duration, BindError> {
    symtest_gen::settings::seconds(s, what).map_err(|e| BindError::Invalid(e.to_string()))
}

/// The sandbox's settings.
pub struct Sandboxing {
    pub workers: Option<usize>,
    pub python: Option<PathBuf>,
    pub memory_mb: u64,
    pub output_mb: u64,
    pub sandbox_read: Vec<PathBuf>,
    pub allow_weaker_isolation: bool,
}

/// Builds the pool, refusing weaker isolation unless allowed, and warning
/// (a `RuntimeWarning`) about what is weaker when it is.
pub fn build_pool(py: Python<'_>, s: Sandboxing) -> PyResult<Pool> {
    if s.workers == Some(0) {
        return Err(BindError::Invalid("workers must be at least 1".into()).into());
    }
    let cfg = SandboxConfig {
        jobs: s.workers.unwrap_or_else(|| SandboxConfig::default().jobs),
        python: s.python,
        limits: Limits {
            memory_bytes: (s.memory_mb > 0).then_some(s.memory_mb << 20),
            output_bytes: s.output_mb << 20,
            ..Limits::default()
        },
        allow_weaker_isolation: s.allow_weaker_isolation,
        extra_read: s.sandbox_read,
        profile: false,
        without_namespaces: false,
    };
    let pool = py.detach(|| Pool::new(&cfg)).map_err(BindError::Sandbox)?;
    let weak = pool.capabilities().weaknesses();
    if !weak.is_empty() {
        let text = format!(
            "untrusted code runs with weaker isolation on this machine: {}",
            weak.join("; ")
        );
        if let Ok(message) = CString::new(text) {
            PyErr::warn(py, &py.get_type::<PyRuntimeWarning>(), &message, 1)?;
        }
    }
    Ok(pool)
}

/// Runs `f` on every item on up to `workers` threads; results in order.
pub fn parallel<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let threads = workers.clamp(1, items.len().max(1));
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let worker = std::thread::Builder::new().stack_size(symtest_gen::WORKER_STACK);
                worker
                    .spawn_scoped(scope, || {
                        let mut mine = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(item) = items.get(i) else { break };
                            mine.push((i, f(item)));
                        }
                        mine
                    })
                    .expect("a worker thread")
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Runs `f` on another thread with the GIL released, checking Python's
/// signals every 50 ms meanwhile: on Ctrl-C (or any signal handler that
/// raises) `stop` is set, so that the work ends early, and once it has, the
/// handler's exception is raised.
pub fn interruptible<R: Send>(
    py: Python<'_>,
    stop: &AtomicBool,
    f: impl FnOnce() -> R + Send,
) -> PyResult<R> {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .stack_size(symtest_gen::WORKER_STACK)
            .spawn_scoped(scope, f)
            .expect("a worker thread");
        let mut raised: Option<PyErr> = None;
        while !handle.is_finished() {
            py.detach(|| std::thread::sleep(Duration::from_millis(50)));
            if raised.is_none()
                && let Err(e) = py.check_signals()
            {
                stop.store(true, Ordering::Relaxed);
                raised = Some(e);
            }
        }
        let result = py.detach(|| handle.join());
        let result = result.unwrap_or_else(|p| std::panic::resume_unwind(p));
        match raised {
            Some(e) => Err(e),
            None => Ok(result),
        }
    })
}
