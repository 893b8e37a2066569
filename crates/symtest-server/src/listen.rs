//! The accept loop: HTTP/1.1 with hyper's own connection builder, a
//! connection cap, and a drain on SIGINT or SIGTERM.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::routes::router;
use crate::state::ServerState;

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// tokio's runtime could not start.
    #[error("starting the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// The host did not resolve, or no address of it could be bound.
    #[error("cannot listen on {host}:{port}: {source}")]
    Listen {
        /// The host asked for.
        host: String,
        /// The port asked for.
        port: u16,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// SIGINT or SIGTERM could not be caught.
    #[error("installing the signal handlers: {0}")]
    Signals(#[source] std::io::Error),
}

/// Where and how to serve.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// The host name or address to listen on.
    pub host: String,
    /// The TCP port; 0 lets the system choose.
    pub port: u16,
    /// The time a connection has to send a request's headers, from its
    /// start or its last response.
    pub header_timeout: Duration,
    /// Connections held at once; one past that is closed as soon as it is
    /// accepted.
    pub max_connections: usize,
}

/// Serves `state` until SIGINT or SIGTERM (then lets requests in flight
/// finish, for a while). `on_listening` is told the address once the
/// socket listens (with port 0, the port the system chose).
pub fn run(
    opts: &ServeOptions,
    state: Arc<ServerState>,
    on_listening: impl FnOnce(SocketAddr),
) -> Result<(), ServerError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(ServerError::Runtime)?;
    runtime.block_on(async move {
        let listener =
            listen(&opts.host, opts.port)
                .await
                .map_err(|source| ServerError::Listen {
                    host: opts.host.clone(),
                    port: opts.port,
                    source,
                })?;
        if let Ok(addr) = listener.local_addr() {
            on_listening(addr);
        }
        serve(
            listener,
            router(state),
            opts.header_timeout,
            opts.max_connections,
        )
        .await
    })
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
) -> Result<(), ServerError> {
    use hyper::server::conn::http1::Builder;
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    use tokio::signal::unix::{SignalKind, signal};

    let mut term = signal(SignalKind::terminate()).map_err(ServerError::Signals)?;
    let mut int = signal(SignalKind::interrupt()).map_err(ServerError::Signals)?;
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
