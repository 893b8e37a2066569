//! What the commands share: Ctrl-C handling, progress bars, sandbox options.

use std::io::IsTerminal;
use std::io::Write;
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
        without_namespaces: false,
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
/// a rename: a crash (of symtest or of the machine) leaves the old file or
/// the new one, never half of one. The data is flushed to disk before the
/// rename and the folder after it.
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
    let written = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        if let Ok(meta) = std::fs::metadata(path) {
            f.set_permissions(meta.permissions())?;
        }
        f.sync_all()
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("writing {}", tmp.display()));
    }
    if let Err(e) = std::fs::rename(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("replacing {}", path.display()));
    }
    // The rename is durable once the folder is; a filesystem that cannot
    // sync a folder (EINVAL) has nothing more to flush.
    match std::fs::File::open(dir).and_then(|d| d.sync_all()) {
        Err(e) if e.raw_os_error() != Some(libc::EINVAL) => {
            Err(e).with_context(|| format!("flushing {}", dir.display()))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn write_atomic_replaces_keeps_the_mode_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("symtest-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("out.txt");
        std::fs::write(&path, "old").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        write_atomic(&path, "new text").expect("replaced");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new text");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        let left: Vec<_> = std::fs::read_dir(&dir)
            .expect("list")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 1, "{left:?}");
        // A folder that does not exist is an error, and nothing is left.
        assert!(write_atomic(&dir.join("no/such/dir/x"), "x").is_err());
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
