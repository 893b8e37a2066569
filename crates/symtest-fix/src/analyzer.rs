//! Running the analyzer: ruff on a file's text (for the findings and for
//! re-checking a candidate), or any command that prints SARIF.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use super::error::FixError;
use super::finding::{Finding, parse_ruff, parse_sarif};

/// The static analyzer that reports findings and re-checks candidates.
pub enum Analyzer {
    /// ruff, run on the text through stdin.
    Ruff {
        /// The ruff executable.
        exe: PathBuf,
        /// `--select` passed through.
        select: Option<String>,
        /// `--extend-select`: rules to check besides the configured ones.
        extend: Option<String>,
        /// Rule documentation already asked for (`ruff rule`), by code.
        docs: Mutex<HashMap<String, Option<String>>>,
    },
    /// A command printing SARIF for the file named by `{file}`.
    Sarif {
        /// The command, with `{file}` where the file's path goes.
        template: String,
    },
}

impl Analyzer {
    /// ruff at `exe`, checked to run (`--version`); `select` replaces the
    /// configured rules, `extend` adds to them.
    pub fn ruff(
        exe: PathBuf,
        select: Option<String>,
        extend: Option<String>,
    ) -> Result<Analyzer, FixError> {
        let out = Command::new(&exe).arg("--version").output().map_err(|e| {
            FixError::Analyzer(format!(
                "cannot run ruff ({}): {e}; install it (`pip install ruff`) or pass --ruff PATH",
                exe.display()
            ))
        })?;
        if !out.status.success() {
            return Err(FixError::Analyzer(format!(
                "{} --version failed: {}",
                exe.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(Analyzer::Ruff {
            exe,
            select,
            extend,
            docs: Mutex::new(HashMap::new()),
        })
    }

    /// The analyzer's name for reports and prompts.
    pub fn name(&self) -> String {
        match self {
            Analyzer::Ruff { .. } => "ruff".into(),
            Analyzer::Sarif { template } => format!("`{template}`"),
        }
    }

    /// The findings on `text` as the content of `path`.
    pub fn check(&self, path: &Path, text: &str) -> Result<Vec<Finding>, FixError> {
        match self {
            Analyzer::Ruff {
                exe,
                select,
                extend,
                ..
            } => {
                let mut cmd = Command::new(exe);
                cmd.args([
                    "check",
                    "--output-format",
                    "json",
                    "--no-cache",
                    "--exit-zero",
                ]);
                if let Some(s) = select {
                    cmd.args(["--select", s]);
                }
                if let Some(s) = extend {
                    cmd.args(["--extend-select", s]);
                }
                cmd.arg("--stdin-filename").arg(path).arg("-");
                let stdout = run_with_stdin(cmd, text, "ruff")?;
                let mut found = parse_ruff(&stdout)?;
                for f in &mut found {
                    f.file = path.to_path_buf();
                }
                Ok(found)
            }
            Analyzer::Sarif { template } => {
                // The command reads a file: the text goes to a copy with the
                // same name in a private folder.
                let dir = tempdir()?;
                let name = path.file_name().unwrap_or(std::ffi::OsStr::new("code.py"));
                let copy = dir.join(name);
                std::fs::write(&copy, text)
                    .map_err(|e| FixError::Analyzer(format!("{}: {e}", copy.display())))?;
                let line = template.replace("{file}", &shell_quote(&copy.to_string_lossy()));
                let mut cmd = Command::new("sh");
                cmd.arg("-c").arg(&line);
                let stdout = run_with_stdin(cmd, "", &line);
                let _ = std::fs::remove_dir_all(&dir);
                let (_, mut found) = parse_sarif(&stdout?, &dir)?;
                found.retain(|f| f.file.file_name() == Some(name));
                for f in &mut found {
                    f.file = path.to_path_buf();
                }
                Ok(found)
            }
        }
    }

    /// The rule's documentation (`ruff rule CODE`), once per rule.
    pub fn rule_doc(&self, rule: &str) -> Option<String> {
        let Analyzer::Ruff { exe, docs, .. } = self else {
            return None;
        };
        let mut docs = docs.lock().unwrap_or_else(|p| p.into_inner());
        docs.entry(rule.to_string())
            .or_insert_with(|| {
                let out = Command::new(exe).args(["rule", rule]).output().ok()?;
                out.status
                    .success()
                    .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
            })
            .clone()
    }
}

/// ruff as the set-up installs it (`.deps/ruff-VERSION/bin/ruff`) in `dir`
/// or a folder above it (the checkout a binary in `target/release` was built
/// in); the newest version when there are several.
pub fn ruff_near(dir: &Path) -> Option<PathBuf> {
    for d in dir.ancestors() {
        let Ok(entries) = std::fs::read_dir(d.join(".deps")) else {
            continue;
        };
        let version = |name: &str| -> Option<Vec<u64>> {
            name.strip_prefix("ruff-")?
                .split('.')
                .map(|p| p.parse::<u64>().ok())
                .collect()
        };
        let best = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let v = version(&e.file_name().to_string_lossy())?;
                let exe = e.path().join("bin").join("ruff");
                exe.is_file().then_some((v, exe))
            })
            .max();
        if let Some((_, exe)) = best {
            return Some(exe);
        }
    }
    None
}

fn run_with_stdin(mut cmd: Command, input: &str, what: &str) -> Result<String, FixError> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| FixError::Analyzer(format!("cannot run {what}: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A command that does not read its input closes the pipe early.
        let _ = stdin.write_all(input.as_bytes());
    }
    let out = child
        .wait_with_output()
        .map_err(|e| FixError::Analyzer(format!("{what}: {e}")))?;
    if !out.status.success() && out.stdout.is_empty() {
        return Err(FixError::Analyzer(format!(
            "{what} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn tempdir() -> Result<PathBuf, FixError> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "symtest-fix-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir)
        .map_err(|e| FixError::Analyzer(format!("{}: {e}", dir.display())))?;
    Ok(dir)
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_ruff_of_the_set_up_is_found_from_below() {
        let root = std::env::temp_dir().join(format!("symtest-ruff-near-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let below = root.join("target").join("release");
        std::fs::create_dir_all(&below).expect("folders");
        assert_eq!(ruff_near(&below), None);
        for v in ["0.9.1", "0.17.6", "0.17.x"] {
            let bin = root.join(".deps").join(format!("ruff-{v}")).join("bin");
            std::fs::create_dir_all(&bin).expect("folders");
            std::fs::write(bin.join("ruff"), "").expect("file");
        }
        std::fs::create_dir_all(root.join(".deps/ruff-1.0.0/bin")).expect("no executable");
        assert_eq!(
            ruff_near(&below),
            Some(root.join(".deps/ruff-0.17.6/bin/ruff"))
        );
        std::fs::remove_dir_all(&root).expect("cleanup");
    }
}
