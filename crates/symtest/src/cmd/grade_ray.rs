//! `symtest grade --ray`: the samples graded on a Ray cluster by the Python
//! package's driver (`python -m symtest.ray`), the outcomes checked and
//! written here as a local run writes them.
//!
//! The driver gets a header line (grading settings) and the samples on its
//! standard input and answers one outcome row a line. Each row must be for a
//! sample that was asked, once, and carry the digest this command computes
//! for that sample and settings: an outcome graded with other settings (or
//! a driver answering for samples it was not given) stops the run.

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value as Json, json};
use symtest_formats::dataset::Problem;
use symtest_formats::samples::Sample;
use symtest_grade::outcomes::Writer;
use symtest_grade::{GradeOptions, Outcome, Status, graded_digest};

use super::common::progress;
use crate::cli::{GradeArgs, JudgeArgs, SandboxArgs};

/// The Python that runs the driver when `--ray-python` is not given: the
/// `symtest` command installed by the Python package names its own.
pub const RAY_PYTHON_ENV: &str = "SYMTEST_RAY_PYTHON";

/// What a Ray pass did.
pub struct RayPass {
    /// Outcomes written.
    pub graded: usize,
    /// Of them, grader errors.
    pub grader_errors: usize,
    /// What stopped it, if anything but the end or Ctrl-C.
    pub failure: Option<anyhow::Error>,
}

/// The settings a `symtest.Grader` on each node is made with: the same as
/// this command's, so that every digest matches.
fn grader_options(j: &JudgeArgs, s: &SandboxArgs) -> Json {
    let mut o = json!({
        "reward": j.reward.name(),
        "timeout_factor": j.timeout_factor,
        "timeout_floor": j.timeout_floor,
        "default_timeout": j.default_timeout,
        "judge": j.judge.kind().name(),
        "float_tolerance": j.float_tolerance,
        "rtol": j.rtol,
        "atol": j.atol,
        "extract": !j.no_extract,
        "memory_mb": s.memory_mb,
        "output_mb": s.output_mb,
        "sandbox_read": s.sandbox_read,
        "allow_weaker_isolation": s.allow_weaker_isolation,
    });
    if let Some(map) = o.as_object_mut() {
        if let Some(n) = s.jobs {
            map.insert("workers".into(), json!(n));
        }
        if let Some(p) = &s.python {
            map.insert("python".into(), json!(p));
        }
    }
    o
}

fn driver_python(args: &GradeArgs) -> OsString {
    args.ray_python
        .clone()
        .map(OsString::from)
        .or_else(|| std::env::var_os(RAY_PYTHON_ENV).filter(|p| !p.is_empty()))
        .unwrap_or_else(|| OsString::from("python3"))
}

/// Starts the driver with its standard error in a temporary file (Ray is
/// talkative; it is shown when the driver fails).
fn spawn_driver(args: &GradeArgs, address: &str) -> Result<(Child, std::fs::File)> {
    let python = driver_python(args);
    let problems = std::path::absolute(&args.problems)
        .with_context(|| format!("cannot resolve {}", args.problems.display()))?;
    let log = scratch_file().context("creating the driver's log file")?;
    let child = Command::new(&python)
        .arg("-m")
        .arg("symtest.ray")
        .arg(&problems)
        .arg(address)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(log.try_clone().context("creating the driver's log file")?)
        .spawn()
        .with_context(|| {
            format!(
                "cannot start {} for --ray (the Python with symtest and Ray installed: \
                 pip install 'symtest[ray]'; choose it with --ray-python)",
                Path::new(&python).display()
            )
        })?;
    Ok((child, log))
}

/// An unnamed file in the temporary folder (created, then unlinked).
fn scratch_file() -> std::io::Result<std::fs::File> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let path =
        std::env::temp_dir().join(format!(".symtest-ray-{}-{nanos}.log", std::process::id()));
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)?;
    std::fs::remove_file(&path)?;
    Ok(file)
}

/// The last lines the driver wrote to standard error.
fn log_tail(mut log: std::fs::File) -> String {
    use std::io::Seek;
    let mut text = String::new();
    if log.rewind().is_ok() {
        let _ = log.read_to_string(&mut text);
    }
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let start = lines.len().saturating_sub(15);
    lines[start..].join("\n")
}

/// Feeds the header and the samples to the driver on a thread of its own
/// (the driver's answers are read at the same time).
fn feed(mut stdin: std::process::ChildStdin, header: Json, todo: Vec<Json>) {
    std::thread::spawn(move || {
        let mut w = std::io::BufWriter::new(&mut stdin);
        let mut write = || -> std::io::Result<()> {
            writeln!(w, "{header}")?;
            for row in &todo {
                writeln!(w, "{row}")?;
            }
            w.flush()
        };
        // A driver that stopped early is reported by its exit status.
        let _ = write();
    });
}

/// Grades `todo` through the driver, appending each checked outcome to
/// `writer` as it comes.
pub fn grade_on_ray(
    args: &GradeArgs,
    address: &str,
    problems: &BTreeMap<String, Problem>,
    opts: &GradeOptions,
    todo: &[Sample],
    stop: &AtomicBool,
    writer: &mut Writer,
) -> RayPass {
    let mut pass = RayPass {
        graded: 0,
        grader_errors: 0,
        failure: None,
    };
    let (mut child, log) = match spawn_driver(args, address) {
        Ok(c) => c,
        Err(e) => {
            pass.failure = Some(e);
            return pass;
        }
    };
    // What each asked sample's outcome must carry.
    let mut expected: HashMap<(String, String), Option<String>> = todo
        .iter()
        .filter_map(|s| {
            let p = problems.get(&s.task_id)?;
            let key = (s.task_id.clone(), s.sample_id.clone());
            Some((key, Some(graded_digest(p, opts, &s.completion))))
        })
        .collect();
    let header = json!({
        "format": args.judge.format.map(|f| f.to_string()),
        "grader": grader_options(&args.judge, &args.sandbox),
        "actors": args.ray_actors,
    });
    let rows = todo
        .iter()
        .map(
            |s| json!({"task_id": s.task_id, "sample_id": s.sample_id, "completion": s.completion}),
        )
        .collect();
    if let Some(stdin) = child.stdin.take() {
        feed(stdin, header, rows);
    }
    let (tx, rx) = mpsc::channel::<std::io::Result<String>>();
    if let Some(stdout) = child.stdout.take() {
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
    }
    let bar = progress(
        todo.len() as u64,
        "grading on Ray",
        args.quiet || args.verbose,
    );
    let mut passed = 0usize;
    loop {
        if stop.load(Ordering::Relaxed) {
            let _ = child.kill();
            break;
        }
        let line = match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(Ok(line)) => line,
            Ok(Err(e)) => {
                pass.failure = Some(anyhow!(e).context("reading the Ray driver's answers"));
                let _ = child.kill();
                break;
            }
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        match accept(&line, &mut expected) {
            Ok(o) => {
                if let Err(e) = writer.append(&o) {
                    pass.failure = Some(
                        anyhow::Error::new(e).context(format!("writing {}", args.output.display())),
                    );
                    let _ = child.kill();
                    break;
                }
                pass.graded += 1;
                passed += usize::from(o.status == Status::Passed);
                pass.grader_errors += usize::from(o.status == Status::GraderError);
                if args.verbose {
                    super::lines::say(&super::lines::describe(&o));
                }
                bar.inc(1);
                bar.set_message(format!("{passed} passed"));
            }
            Err(e) => {
                pass.failure = Some(e);
                let _ = child.kill();
                break;
            }
        }
    }
    bar.finish_and_clear();
    let status = child.wait();
    if pass.failure.is_none() && !stop.load(Ordering::Relaxed) {
        let left = expected.values().filter(|d| d.is_some()).count();
        match status {
            Ok(s) if s.success() && left == 0 => {}
            Ok(s) => {
                pass.failure = Some(anyhow!(
                    "the Ray driver ended ({s}) with {left} of {} samples ungraded; the graded \
                     ones are kept, run the same command again to finish. Its last words:\n{}",
                    todo.len(),
                    log_tail(log)
                ));
            }
            Err(e) => pass.failure = Some(anyhow!(e).context("waiting for the Ray driver")),
        }
    }
    pass
}

/// One answer line as an outcome: for a sample asked, not answered before,
/// graded with this command's settings.
fn accept(line: &str, expected: &mut HashMap<(String, String), Option<String>>) -> Result<Outcome> {
    let o: Outcome = serde_json::from_str(line).with_context(|| {
        let short: String = line.chars().take(200).collect();
        format!("the Ray driver answered a line that is not an outcome: {short}")
    })?;
    let key = (o.task_id.clone(), o.sample_id.clone());
    let Some(slot) = expected.get_mut(&key) else {
        bail!(
            "the Ray driver answered for a sample it was not given (task {}, sample {})",
            o.task_id,
            o.sample_id
        );
    };
    let Some(digest) = slot.take() else {
        bail!(
            "the Ray driver answered twice for task {}, sample {}",
            o.task_id,
            o.sample_id
        );
    };
    if o.graded_sha256.as_deref() != Some(digest.as_str()) {
        bail!(
            "the outcome of task {}, sample {} was graded with other settings or another \
             completion than this command's (is the cluster's symtest the same version?)",
            o.task_id,
            o.sample_id
        );
    }
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expected_one() -> HashMap<(String, String), Option<String>> {
        HashMap::from([(("t".into(), "0".into()), Some("abc".into()))])
    }

    fn line(task: &str, digest: &str) -> String {
        json!({"task_id": task, "sample_id": "0", "status": "passed", "passed": 1, "total": 1,
               "reward": 1.0, "first_failure": null, "ms": 1.0, "graded_sha256": digest})
        .to_string()
    }

    #[test]
    fn an_asked_sample_with_its_digest_is_accepted_once() {
        let mut e = expected_one();
        assert!(accept(&line("t", "abc"), &mut e).is_ok());
        let twice = accept(&line("t", "abc"), &mut e);
        assert!(twice.is_err_and(|e| e.to_string().contains("twice")));
    }

    #[test]
    fn other_settings_unasked_samples_and_noise_are_refused() {
        let mut e = expected_one();
        assert!(
            accept(&line("t", "other"), &mut e)
                .is_err_and(|e| e.to_string().contains("other settings"))
        );
        assert!(
            accept(&line("u", "abc"), &mut e).is_err_and(|e| e.to_string().contains("not given"))
        );
        assert!(accept("INFO ray started", &mut e).is_err());
    }
}
