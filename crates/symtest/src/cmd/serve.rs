//! `symtest serve`: the reward server.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use symtest::grade::Grader;
use symtest::serve::{ServerState, router};

use super::common::sandbox;
use super::grade::{grade_options, load_problems};
use crate::cli::ServeArgs;

/// Lets the server hold as many connections as the hard limit allows.
fn raise_open_files() {
    // SAFETY: getrlimit/setrlimit on a local struct.
    unsafe {
        let mut r = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut r) == 0 && r.rlim_cur < r.rlim_max {
            r.rlim_cur = r.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &r);
        }
    }
}

/// Trainers open hundreds of connections at once; tokio's default accept
/// backlog (1024) overflows under such a burst and the kernel then resets
/// some of them, so the backlog is as deep as the kernel allows.
const BACKLOG: u32 = 4096;

async fn listen(host: &str, port: u16) -> std::io::Result<tokio::net::TcpListener> {
    let mut last = None;
    for addr in tokio::net::lookup_host((host, port)).await? {
        let socket = if addr.is_ipv4() {
            tokio::net::TcpSocket::new_v4()?
        } else {
            tokio::net::TcpSocket::new_v6()?
        };
        socket.set_reuseaddr(true)?;
        match socket.bind(addr).and_then(|()| socket.listen(BACKLOG)) {
            Ok(listener) => return Ok(listener),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("the host name resolves to no address")))
}

pub fn run(args: &ServeArgs) -> Result<ExitCode> {
    raise_open_files();
    let opts = grade_options(&args.judge)?;
    let problems = Arc::new(load_problems(&args.problems, args.judge.format)?);
    let pool = Arc::new(sandbox(&args.sandbox)?);
    pool.warm_up().context("starting the sandbox workers")?;
    let grader = Arc::new(Grader::new(pool, problems.clone(), opts));
    let state = ServerState::new(grader, args.queue);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = listen(&args.host, args.port)
            .await
            .with_context(|| format!("cannot listen on {}:{}", args.host, args.port))?;
        let addr = listener.local_addr()?;
        println!("listening on http://{addr}");
        eprintln!(
            "{} problems loaded; queue holds {} samples; Ctrl-C stops",
            problems.len(),
            args.queue
        );
        std::io::stdout().flush()?;
        axum::serve(listener, router(state))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .context("serving")?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}
