//! Outputs other programs read are contracts: SARIF and the JSON report of
//! `symtest fix`, the suite row and the pytest file of `symtest gen`, and
//! the summary of `symtest grade`. Each is pinned by a snapshot; what
//! depends on the machine (times, the folder, the version) is masked first.
//! Review a changed snapshot with `cargo insta review` (or
//! `INSTA_UPDATE=always cargo test` and `git diff`).

mod common;
use common::{TempDir, example, succeeded, symtest};

use serde_json::Value;

/// Replaces the value of every key named in `keys`, at any depth.
fn mask(v: &mut Value, keys: &[&str]) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if keys.contains(&k.as_str()) {
                    *x = Value::String("[masked]".into());
                } else {
                    mask(x, keys);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| mask(x, keys)),
        _ => {}
    }
}

fn pretty(v: &Value, dir: &TempDir) -> String {
    let text = serde_json::to_string_pretty(v).expect("JSON");
    let text = text.replace(&dir.0.display().to_string(), "[DIR]");
    // "same behaviour on 18 inputs": the count is the machine's.
    let mut out = String::new();
    let mut rest = text.as_str();
    const AT: &str = "same behaviour on ";
    while let Some(i) = rest.find(AT) {
        out.push_str(&rest[..i + AT.len()]);
        rest = rest[i + AT.len()..].trim_start_matches(|c: char| c.is_ascii_digit());
        out.push_str("[N]");
    }
    out.push_str(rest);
    out
}

const FIX_SOURCE: &str = "\
import os


def clamp(x: int, flag: bool) -> int:
    if flag == True:
        return 0
    if x == None:
        return -1
    unused = x * 2
    return x
";

fn fix(dir: &TempDir, format: &str) -> Value {
    std::fs::write(dir.path("m.py"), FIX_SOURCE).expect("write");
    let out = succeeded(
        symtest()
            .current_dir(&dir.0)
            .args(["fix", "-q", "m.py", "--select", "E711,E712,F401,F841"])
            .args(["--format", format])
            .output()
            .expect("runs"),
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn fix_sarif() {
    let dir = TempDir::new("contract-sarif");
    let mut s = fix(&dir, "sarif");
    mask(&mut s, &["version", "semanticVersion"]);
    insta::assert_snapshot!(pretty(&s, &dir));
}

#[test]
fn fix_json_report() {
    let dir = TempDir::new("contract-fix-json");
    let mut s = fix(&dir, "json");
    // How many inputs exploration found within its time budget depends on
    // the machine; which checks ran and what they found does not.
    mask(&mut s, &["inputs", "symbolic", "samples", "seeds"]);
    insta::assert_snapshot!(pretty(&s, &dir));
}

fn suite_of(dir: &TempDir) -> (Value, String) {
    let problems = dir.path("p.jsonl");
    std::fs::write(
        &problems,
        concat!(
            r#"{"task_id": "Demo/sign", "entry_point": "sign", "#,
            r#""prompt": "def sign(x: int) -> int:\n    \"\"\"-1, 0 or 1.\"\"\"\n", "#,
            r#""canonical_solution": "    if x > 0:\n        return 1\n    if x < 0:\n        return -1\n    return 0\n", "#,
            r#""test": "def check(candidate):\n    assert candidate(3) == 1\n""#,
            "}\n"
        ),
    )
    .expect("write");
    let out = dir.path("suites.jsonl");
    let pytest = dir.path("pytest");
    symtest()
        .args(["gen", "-q"])
        .arg(&problems)
        .arg("-o")
        .arg(&out)
        .arg("--pytest")
        .arg(&pytest)
        .assert()
        .success();
    let row: Value = serde_json::from_str(
        std::fs::read_to_string(&out)
            .expect("suites")
            .lines()
            .next()
            .expect("a row"),
    )
    .expect("JSON");
    let file = std::fs::read_to_string(pytest.join("test_demo_sign.py")).expect("pytest file");
    (row, file)
}

#[test]
fn gen_suite_row_and_pytest_file() {
    let dir = TempDir::new("contract-gen");
    let (mut row, file) = suite_of(&dir);
    mask(
        &mut row,
        &[
            "ref_ms",
            "explore_ms",
            "reference_ms",
            "probe_ms",
            "fidelity_ms",
            "total_ms",
            "runs",
            "stop",
        ],
    );
    insta::assert_snapshot!("gen_suite_row", pretty(&row, &dir));
    insta::assert_snapshot!("gen_pytest_file", file);
}

#[test]
fn grade_summary() {
    let dir = TempDir::new("contract-grade");
    // The memory bomb may be stopped as a runtime error or a timeout (both
    // are right); the contract is the summary's shape, so it is left out.
    let samples: String = std::fs::read_to_string(example("grade/samples.jsonl"))
        .expect("samples")
        .lines()
        .filter(|l| !l.contains("\"memory_bomb\""))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.path("samples.jsonl"), samples).expect("write");
    let out = succeeded(
        symtest()
            .args(["grade", "-q", "-k", "1"])
            .arg(example("grade/humaneval_mini.jsonl"))
            .arg(dir.path("samples.jsonl"))
            .arg("-o")
            .arg(dir.path("out.jsonl"))
            .output()
            .expect("runs"),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    // The first line says how long it took.
    let (first, rest) = text.split_once('\n').expect("lines");
    assert!(first.starts_with("graded 18 samples in "), "{first}");
    insta::assert_snapshot!(rest);
}
