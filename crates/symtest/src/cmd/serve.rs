//! `symtest serve`: the reward server.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use symtest::grade::Grader;
use symtest::serve::{HttpLimits, ServerState, router};

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

/// A positive number of seconds given for `flag`.
fn seconds(flag: &str, value: f64) -> Result<Duration> {
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| anyhow::anyhow!("{flag} must be a positive number of seconds, got {value}"))
}

pub fn run(args: &ServeArgs) -> Result<ExitCode> {
    raise_open_files();
    let opts = grade_options(&args.judge)?;
    let header_timeout = seconds("--header-timeout", args.header_timeout)?;
    let body_timeout = seconds("--body-timeout", args.body_timeout)?;
    if args.max_connections == 0 {
        anyhow::bail!("--max-connections must be at least 1");
    }
    let limits = HttpLimits {
        body_timeout,
        body_memory: args.body_memory.saturating_mul(1 << 20),
    };
    let problems = Arc::new(load_problems(&args.problems, args.judge.format)?);
    let pool = Arc::new(sandbox(&args.sandbox)?);
    pool.warm_up().context("starting the sandbox workers")?;
    let grader = Arc::new(Grader::new(pool, problems.clone(), opts));
    let state = ServerState::new(grader, args.queue, limits);
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
        serve(
            listener,
            router(state),
            header_timeout,
            args.max_connections,
        )
        .await?;
        anyhow::Ok(())
    })?;
    // The runtime is gone: the pool (and its workers, their cgroups and
    // scratch) is dropped on the way out.
    Ok(ExitCode::SUCCESS)
}

/// How long requests in flight may finish after a stop signal.
const DRAIN: Duration = Duration::from_secs(30);

/// Accept failures (out of descriptors, say) are reported at most this often.
const WARN_EVERY: Duration = Duration::from_secs(10);

/// Serves HTTP/1.1 until SIGINT or SIGTERM, then lets requests in flight
/// finish (for a while) and returns. A connection must send each request's
/// headers within `header_timeout` of opening or of its last response (a
/// client that sends nothing, or dribbles, cannot hold it); at most
/// `max_connections` are held, and one past that is closed at once.
async fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    header_timeout: Duration,
    max_connections: usize,
) -> Result<()> {
    use hyper::server::conn::http1::Builder;
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    use tokio::signal::unix::{SignalKind, signal};

    let mut term = signal(SignalKind::terminate()).context("installing the SIGTERM handler")?;
    let mut int = signal(SignalKind::interrupt()).context("installing the SIGINT handler")?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    let (mut failures, mut refused) = (0u64, 0u64);
    let mut last_warning: Option<tokio::time::Instant> = None;
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                // Finished connections are reaped as we go.
                while connections.try_join_next().is_some() {}
                let stream = match accepted {
                    Ok((stream, _)) if connections.len() < max_connections => stream,
                    Ok((stream, _)) => {
                        drop(stream);
                        refused += 1;
                        warn_now(&mut last_warning, || {
                            format!(
                                "{refused} connections closed at once: {max_connections} \
                                 are open (--max-connections)"
                            )
                        });
                        continue;
                    }
                    Err(e) => {
                        // Out of descriptors or a connection reset before
                        // accept: wait a little, keep serving.
                        failures += 1;
                        warn_now(&mut last_warning, || {
                            format!("accept failed {failures} times, last: {e}")
                        });
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let service = TowerToHyperService::new(app.clone());
                let mut stop = stop_rx.clone();
                connections.spawn(async move {
                    let mut builder = Builder::new();
                    builder
                        .timer(TokioTimer::new())
                        .header_read_timeout(header_timeout);
                    let conn = builder.serve_connection(TokioIo::new(stream), service);
                    tokio::pin!(conn);
                    tokio::select! {
                        _ = conn.as_mut() => {}
                        _ = stop.changed() => {
                            conn.as_mut().graceful_shutdown();
                            let _ = conn.await;
                        }
                    }
                });
            }
            _ = term.recv() => break,
            _ = int.recv() => break,
        }
    }
    eprintln!("stopping: finishing the requests in flight");
    let _ = stop_tx.send(true);
    let drained = tokio::time::timeout(DRAIN, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        eprintln!(
            "warning: {} connections still open after {} s; closing them",
            connections.len(),
            DRAIN.as_secs()
        );
        connections.abort_all();
    }
    Ok(())
}

/// Prints a warning unless one was printed within `WARN_EVERY` (a flood of
/// failed accepts must not become a flood of lines).
fn warn_now(last: &mut Option<tokio::time::Instant>, message: impl FnOnce() -> String) {
    let now = tokio::time::Instant::now();
    if last.is_none_or(|t| now.duration_since(t) >= WARN_EVERY) {
        *last = Some(now);
        eprintln!("warning: {}", message());
    }
}
