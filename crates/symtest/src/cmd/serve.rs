//! `symtest serve`: the reward server.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use symtest_grade::Grader;
use symtest_server::{HttpLimits, ServeOptions, ServerState};

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

/// A positive number of seconds given for `flag`.
fn seconds(flag: &str, value: f64) -> Result<Duration> {
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| anyhow::anyhow!("{flag} must be a positive number of seconds, got {value}"))
}

pub fn run(args: &ServeArgs) -> Result<u8> {
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
    let serve_opts = ServeOptions {
        host: args.host.clone(),
        port: args.port,
        header_timeout,
        max_connections: args.max_connections,
    };
    let queue = args.queue;
    symtest_server::run(&serve_opts, state, |addr| {
        println!("listening on http://{addr}");
        eprintln!(
            "{} problems loaded; queue holds {queue} samples; Ctrl-C stops",
            problems.len(),
        );
        let _ = std::io::stdout().flush();
    })?;
    // The runtime is gone: the pool (and its workers, their cgroups and
    // scratch) is dropped on the way out.
    Ok(0)
}
