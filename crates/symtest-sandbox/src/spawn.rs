//! Every sandbox process is started from one long-lived thread.
//!
//! Workers and harnesses ask the kernel to kill them when their parent dies
//! (`PR_SET_PDEATHSIG`), so that a grader killed by any means takes its pool
//! with it. The kernel's "parent" there is the *thread* that forked: a child
//! spawned from a short-lived grading thread would be killed when that thread
//! ends. This thread lives as long as the process.

use std::process::{Child, Command};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Mutex, OnceLock, PoisonError};

type Request = (Command, Sender<std::io::Result<Child>>);

fn spawner() -> Option<&'static Mutex<Sender<Request>>> {
    static SPAWNER: OnceLock<Option<Mutex<Sender<Request>>>> = OnceLock::new();
    SPAWNER
        .get_or_init(|| {
            let (tx, rx) = channel::<Request>();
            std::thread::Builder::new()
                .name("symtest-spawner".into())
                .spawn(move || {
                    for (mut cmd, reply) in rx {
                        let _ = reply.send(cmd.spawn());
                    }
                })
                .ok()
                .map(|_| Mutex::new(tx))
        })
        .as_ref()
}

/// Spawns `cmd` from the spawner thread.
pub fn spawn(cmd: Command) -> std::io::Result<Child> {
    let Some(tx) = spawner() else {
        return Err(std::io::Error::other("cannot start the spawner thread"));
    };
    let (reply_tx, reply_rx) = channel();
    tx.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .send((cmd, reply_tx))
        .map_err(|_| std::io::Error::other("the spawner thread is gone"))?;
    reply_rx
        .recv()
        .map_err(|_| std::io::Error::other("the spawner thread is gone"))?
}
