//! What the command-line tests share: the binary, a temporary folder that
//! cleans up after itself, outcome files, and HumanEval's problems.

#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// A file of the checkout's `examples/` folder (`grade/humaneval_mini.jsonl`).
pub fn example(path: &str) -> String {
    format!("{}/../../examples/{path}", env!("CARGO_MANIFEST_DIR"))
}

pub fn symtest() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("symtest").expect("the symtest binary is built")
}

pub fn symtest_std() -> std::process::Command {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("symtest"))
}

/// `out` when the command succeeded; otherwise the test fails showing its
/// standard error.
pub fn succeeded(out: std::process::Output) -> std::process::Output {
    assert!(
        out.status.success(),
        "the command failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs `symtest ARGS` and fails, naming the arguments, unless it succeeds
/// (or fails, as `success` says) and its standard output and error hold
/// every text of `stdout` and `stderr`.
pub fn assert_run(args: &[&str], success: bool, stdout: &[&str], stderr: &[&str]) {
    let out = symtest().args(args).output().expect("runs");
    let (got_out, got_err) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(
        out.status.success(),
        success,
        "symtest {args:?}: {}\n{got_err}",
        out.status
    );
    for (stream, got, wanted) in [("stdout", &got_out, stdout), ("stderr", &got_err, stderr)] {
        for w in wanted {
            assert!(
                got.contains(w),
                "symtest {args:?}: {stream} lacks {w:?}:\n{got}"
            );
        }
    }
}

/// Sends `child` SIGINT (what Ctrl-C sends) and waits for its output.
pub fn interrupt(child: std::process::Child) -> std::process::Output {
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    child.wait_with_output().expect("waits")
}

pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("symtest-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }

    pub fn path(&self, f: &str) -> PathBuf {
        self.0.join(f)
    }

    /// Writes `text` to the file `name` and returns its path.
    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).expect("write");
        p
    }

    /// Writes `rows` as JSON lines and returns the path.
    pub fn jsonl(&self, name: &str, rows: &[Value]) -> PathBuf {
        let p = self.path(name);
        let text: String = rows.iter().map(|r| format!("{r}\n")).collect();
        std::fs::write(&p, text).expect("write");
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The rows of a JSON Lines file.
pub fn rows(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is JSON"))
        .collect()
}

/// Runs `symtest gen -q EXTRA.. INPUT -o OUT` (it must succeed) and
/// returns the first row written.
pub fn gen_row(input: &Path, out: &Path, extra: &[&str]) -> Value {
    symtest()
        .args(["gen", "-q"])
        .args(extra)
        .arg(input)
        .arg("-o")
        .arg(out)
        .assert()
        .success();
    rows(out).into_iter().next().expect("a suite row")
}

/// The rows of an outcomes file.
pub fn outcomes(path: &Path) -> Vec<Value> {
    rows(path)
}

/// `sample_id -> status` of one task's outcomes.
pub fn status_of(outcomes: &[Value], task: &str, sample: &str) -> String {
    outcomes
        .iter()
        .rev()
        .find(|o| o["task_id"] == task && o["sample_id"] == sample)
        .and_then(|o| o["status"].as_str())
        .unwrap_or("missing")
        .to_string()
}

/// HumanEval's file (set by .cargo/config.toml) and its rows.
pub fn humaneval() -> (PathBuf, Vec<Value>) {
    let data = std::env::var("SYMTEST_HUMANEVAL")
        .expect("SYMTEST_HUMANEVAL is set by .cargo/config.toml: run `make setup`");
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&data).expect("HumanEval.jsonl.gz"))
        .read_to_string(&mut text)
        .expect("gzip");
    let rows = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("row"))
        .collect();
    (PathBuf::from(data), rows)
}

/// The command `symtest grade -q -k 1` writing `out`.
pub fn grade_command(
    problems: &Path,
    samples: &Path,
    out: &Path,
    extra: &[&str],
) -> std::process::Command {
    let mut c = symtest_std();
    c.args(["grade", "-q", "-k", "1"])
        .arg(problems)
        .arg(samples)
        .arg("-o")
        .arg(out)
        .args(extra);
    c
}

/// Runs `symtest grade` and returns its outcomes (the run must succeed).
pub fn grade(dir: &TempDir, problems: &Path, samples: &Path, extra: &[&str]) -> Vec<Value> {
    let out = dir.path("outcomes.jsonl");
    let _ = std::fs::remove_file(&out);
    let o = grade_command(problems, samples, &out, extra)
        .output()
        .expect("runs");
    assert!(
        o.status.success(),
        "symtest grade failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    outcomes(&out)
}

/// A samples file of `(task, sample id, completion)`.
pub fn samples_of<'a>(
    dir: &TempDir,
    rows: impl Iterator<Item = (&'a str, &'a str, &'a str)>,
) -> std::path::PathBuf {
    dir.jsonl(
        "samples.jsonl",
        &rows
            .map(|(t, id, code)| json!({"task_id": t, "sample_id": id, "completion": code}))
            .collect::<Vec<_>>(),
    )
}

/// Grades the cases `(task, sample id, completion, expected status)` in
/// one run and checks each status, naming the case.
pub fn assert_statuses(
    dir: &TempDir,
    problems: &Path,
    cases: &[(&str, &str, &str, &str)],
    extra: &[&str],
) {
    let samples = samples_of(dir, cases.iter().map(|(t, id, code, _)| (*t, *id, *code)));
    let got = grade(dir, problems, &samples, extra);
    for (t, id, _, want) in cases {
        assert_eq!(status_of(&got, t, id), *want, "{t} {id}");
    }
}

/// A one-problem HumanEval file: `f(x)` doubles `x`.
pub fn tiny_humaneval(dir: &TempDir) -> std::path::PathBuf {
    dir.jsonl(
        "problems.jsonl",
        &[json!({
            "task_id": "double",
            "prompt": "def f(x):\n",
            "canonical_solution": "    return x * 2\n",
            "test": "def check(candidate):\n    assert candidate(2) == 4\n    assert candidate(5) == 10\n",
            "entry_point": "f",
        })],
    )
}
