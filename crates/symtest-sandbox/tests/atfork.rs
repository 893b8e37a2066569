//! The sandbox's spawn never runs `pthread_atfork` handlers in the child it
//! forks before `exec`: in a threaded process (the explorer runs Z3, whose
//! timer registers one) such a handler runs where the threads it waits for
//! are gone, and the spawn hung. A handler that ends any process other
//! than this one shows whether it ran there. Its own test binary: the
//! handler stays in this process.

mod common;

use std::sync::OnceLock;
use std::time::Instant;

use common::*;
use symtest_sandbox::{CallResult, Pool, PyValue, SandboxConfig};

static TEST_PID: OnceLock<u32> = OnceLock::new();

extern "C" fn prepare() {
    // SAFETY: getpid and _exit are async-signal-safe.
    unsafe {
        if TEST_PID.get().is_some_and(|p| *p != libc::getpid() as u32) {
            libc::_exit(97);
        }
    }
}

#[test]
fn the_spawn_runs_no_atfork_handler_in_its_child() {
    TEST_PID.get_or_init(std::process::id);
    // SAFETY: registers a handler that only reads a pid and may _exit.
    let r = unsafe { libc::pthread_atfork(Some(prepare), None, None) };
    assert_eq!(r, 0);
    let started = Instant::now();
    let pool = Pool::new(&SandboxConfig {
        jobs: 1,
        ..SandboxConfig::default()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..3 {
        let results = call_job_in(
            &pool,
            "def add(a, b):\n    return a + b\n",
            "add",
            vec![PyValue::from(2), PyValue::from(40)],
            2000,
        );
        match results.as_slice() {
            [CallResult::Returned { value, .. }] => assert_eq!(value, &PyValue::from(42)),
            other => panic!("{other:?}"),
        }
    }
    assert_within(started, 60);
}
