//! What the commands share: Ctrl-C handling, progress bars, sandbox options.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use symtest_sandbox::{Limits, Pool, SandboxConfig, SandboxError};

use crate::cli::SandboxArgs;

/// A Ctrl-C flag: the first interrupt asks the work to stop and report what
/// it has; a second one ends the process at once.
pub fn interrupt_flag() -> Result<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register_conditional_shutdown(sig, 130, Arc::clone(&flag))
            .context("installing the interrupt handler")?;
        signal_hook::flag::register(sig, Arc::clone(&flag))
            .context("installing the interrupt handler")?;
    }
    Ok(flag)
}

/// A progress bar on standard error when it is a terminal, hidden otherwise.
pub fn progress(len: u64, what: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template(&format!(
            "{what} [{{bar:30}}] {{pos}}/{{len}} {{msg}} [{{elapsed}} < {{eta}}]"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    pb.enable_steady_tick(Duration::from_millis(200));
    pb
}

/// Builds the sandbox pool, saying loudly and once what is weaker than it
/// should be (when allowed) or refusing (when not).
pub fn sandbox(args: &SandboxArgs) -> Result<Pool> {
    let cfg = SandboxConfig {
        jobs: args.jobs.unwrap_or_else(|| SandboxConfig::default().jobs),
        python: args.python.clone(),
        limits: Limits {
            memory_bytes: (args.memory_mb > 0).then_some(args.memory_mb << 20),
            output_bytes: args.output_mb << 20,
            ..Limits::default()
        },
        allow_weaker_isolation: args.allow_weaker_isolation,
        extra_read: args.sandbox_read.clone(),
        profile: false,
    };
    let pool = match Pool::new(&cfg) {
        Ok(p) => p,
        Err(e @ SandboxError::Weaker(_)) => return Err(anyhow::anyhow!("{e}")),
        Err(e) => return Err(e).context("building the sandbox"),
    };
    let weak = pool.capabilities().weaknesses();
    if !weak.is_empty() {
        eprintln!("WARNING: untrusted code runs with weaker isolation on this machine:");
        for w in weak {
            eprintln!("  - {w}");
        }
    }
    Ok(pool)
}

/// The program of `explore` and `prob`: the argument, or `-f FILE` (`-` for
/// standard input); with where it came from, for messages.
pub fn read_program(
    program: Option<&str>,
    file: Option<&std::path::Path>,
    command: &str,
) -> Result<(String, String)> {
    use std::io::Read;
    match (program, file) {
        (Some(p), None) => Ok((p.to_string(), "<program>".into())),
        (None, Some(f)) if f.as_os_str() == "-" => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .context("reading the program from standard input")?;
            Ok((s, "<stdin>".into()))
        }
        (None, Some(f)) => {
            let s = std::fs::read_to_string(f)
                .with_context(|| format!("cannot read {}", f.display()))?;
            Ok((s, f.display().to_string()))
        }
        _ => anyhow::bail!(
            "give the program as an argument or with -f FILE (see symtest {command} --help)"
        ),
    }
}

/// Replaces `path` by `text` through a temporary file in the same folder and
/// a rename: a crash leaves the old file or the new one, never half of one.
pub fn write_atomic(path: &Path, text: &str) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().to_string());
    let tmp = dir.join(format!(
        ".{}.symtest-{}.tmp",
        name.unwrap_or_default(),
        std::process::id()
    ));
    std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&tmp, meta.permissions());
    }
    std::fs::rename(&tmp, path).with_context(|| format!("replacing {}", path.display()))?;
    Ok(())
}
