//! `symtest fix` end to end: ruff's findings and fixes on the bundled demo
//! file, positions and exit status; what the behaviour check must see
//! (`cli_fix/behaviour.rs`); the LLM path against a scripted server
//! (`cli_fix/llm.rs`).

mod common;
use common::succeeded;

#[path = "cli_fix/behaviour.rs"]
mod behaviour;
#[path = "cli_fix/llm.rs"]
mod llm;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh folder holding `name` with `text`.
fn scratch(name: &str, text: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "symtest-cli-fix-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    std::fs::write(dir.join(name), text).expect("write the file");
    dir
}

fn symtest(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("symtest").expect("binary");
    c.current_dir(dir).arg("fix").arg("-q");
    c
}

/// The report of a run that worked (exit status 0: every finding fixed;
/// 2: some remain).
fn json_of(out: &std::process::Output) -> Value {
    assert!(
        matches!(out.status.code(), Some(0 | 2)),
        "symtest fix failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

fn findings(report: &Value) -> Vec<Value> {
    report["files"][0]["findings"]
        .as_array()
        .expect("findings")
        .clone()
}

fn find<'a>(fs: &'a [Value], rule: &str, line: u64) -> &'a Value {
    fs.iter()
        .find(|f| f["rule"] == rule && f["line"] == line)
        .unwrap_or_else(|| panic!("no {rule} at line {line} in {fs:#?}"))
}

/// `symtest fix -q ARGS --format json` run in `dir`.
fn run_json(dir: &Path, args: &[&str]) -> std::process::Output {
    symtest(dir)
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("runs")
}

/// The report of that run, which must have worked.
fn report_of(dir: &Path, args: &[&str]) -> Value {
    json_of(&run_json(dir, args))
}

/// The first finding of that report, whose outcome must be `outcome`.
fn first_finding(dir: &Path, args: &[&str], outcome: &str) -> Value {
    let f = findings(&report_of(dir, args))
        .into_iter()
        .next()
        .expect("a finding");
    assert_eq!(f["outcome"], outcome, "{f:#}");
    f
}

/// What the behaviour check of a finding's first candidate saw differ.
fn witness(f: &Value) -> &Value {
    &f["candidates"][0]["behaviour"]["witness"]
}

/// ruff (as the set-up installs it, or on PATH) run in `dir` with `args`.
fn ruff(dir: &Path, args: &[&str]) -> std::process::Output {
    let ruff = std::env::var("SYMTEST_RUFF").unwrap_or_else(|_| "ruff".into());
    std::process::Command::new(&ruff)
        .current_dir(dir)
        .args(args)
        .output()
        .expect("ruff runs")
}

#[test]
fn ruff_fixes_that_keep_behaviour_are_applied_and_the_none_comparison_is_rejected() {
    let src = std::fs::read_to_string(root().join("examples/fix/shop.py")).expect("demo file");
    let dir = scratch("shop.py", &src);
    let out = run_json(
        &dir,
        &["shop.py", "--select", "E711,E712,F841,F401,B006,E722"],
    );
    let report = json_of(&out);
    let fs = findings(&report);
    // Findings remain.
    assert_eq!(out.status.code(), Some(2));

    // describe(): Money's __eq__ makes Money(0) == None; `is None` differs.
    let describe = find(&fs, "E711", 22);
    assert_eq!(describe["outcome"], "rejected");
    let w = &describe["candidates"][0]["behaviour"]["witness"];
    assert_eq!(w["call"], "describe(Money(0))", "{describe:#}");
    assert_eq!(w["original"], "returns 'free'");
    assert_eq!(w["candidate"], "returns '0.00 EUR'");

    // discount(): rate is a float; `is None` is the same there.
    let discount = find(&fs, "E711", 28);
    assert_eq!(discount["outcome"], "fixed", "{discount:#}");
    let checked = &discount["candidates"][0]["behaviour"]["checked"][0];
    assert_eq!(checked["target"], "discount");
    assert!(checked["symbolic"].as_u64().unwrap_or(0) > 0, "{checked}");

    assert_eq!(find(&fs, "F841", 30)["outcome"], "fixed");
    assert_eq!(find(&fs, "E712", 35)["outcome"], "fixed");
    // The shared default: the fix changes what passing None means.
    assert_eq!(find(&fs, "B006", 40)["outcome"], "rejected");
    assert_eq!(find(&fs, "E722", 55)["outcome"], "skipped");
    assert_eq!(find(&fs, "F401", 3)["outcome"], "fixed");
    assert_eq!(find(&fs, "F401", 4)["outcome"], "fixed");
    // Without --write the file is left alone.
    assert_eq!(
        std::fs::read_to_string(dir.join("shop.py")).expect("read"),
        src
    );
}

#[test]
fn write_replaces_the_file_and_a_second_run_finds_only_the_rejected() {
    let src = "import os\n\n\ndef f(x: int) -> int:\n    if x == None:\n        return 0\n    return x + 1\n";
    let dir = scratch("m.py", src);
    let out = succeeded(
        symtest(&dir)
            .args(["m.py", "--select", "E711,F401", "--write"])
            .output()
            .expect("runs"),
    );
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.contains("-    if x == None:") && diff.contains("+    if x is None:"),
        "{diff}"
    );
    let fixed = std::fs::read_to_string(dir.join("m.py")).expect("read");
    assert_eq!(
        fixed,
        "\n\ndef f(x: int) -> int:\n    if x is None:\n        return 0\n    return x + 1\n"
    );
    let again = report_of(&dir, &["m.py", "--select", "E711,F401"]);
    assert_eq!(again["summary"]["findings"], 0);
}

#[test]
fn sarif_in_and_out() {
    let src = "def g(flag: bool) -> int:\n    if flag == True:\n        return 1\n    return 2\n";
    let dir = scratch("g.py", src);
    let log = ruff(
        &dir,
        &[
            "check",
            "--select",
            "E712",
            "--output-format",
            "sarif",
            "--exit-zero",
            "g.py",
        ],
    );
    std::fs::write(dir.join("in.sarif"), &log.stdout).expect("write log");
    let out = symtest(&dir)
        .args(["--sarif", "in.sarif", "--format", "sarif"])
        .output()
        .expect("runs");
    let s = json_of(&out);
    let r = &s["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "E712", "{s:#}");
    assert_eq!(r["properties"]["symtest"]["outcome"], "fixed");
    let rep = &r["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(rep["deletedRegion"]["startLine"], 2);
    assert_eq!(
        apply_sarif(src, &s),
        src.replace("flag == True", "flag"),
        "{s:#}"
    );
}

/// `text` with every replacement of every result's first fix applied
/// (lines and columns of `text`, columns in characters).
fn apply_sarif(text: &str, sarif: &Value) -> String {
    let mut line_starts = vec![0];
    line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    let at = |line: &Value, col: &Value| -> usize {
        let l = line.as_u64().expect("line") as usize;
        let c = col.as_u64().expect("column") as usize;
        let start = line_starts.get(l - 1).copied().unwrap_or(text.len());
        text[start..]
            .char_indices()
            .nth(c - 1)
            .map_or(text.len(), |(i, _)| start + i)
    };
    let mut reps: Vec<(usize, usize, String)> = Vec::new();
    for r in sarif["runs"][0]["results"].as_array().expect("results") {
        for change in r["fixes"][0]["artifactChanges"]
            .as_array()
            .into_iter()
            .flatten()
        {
            for rep in change["replacements"].as_array().expect("replacements") {
                let d = &rep["deletedRegion"];
                reps.push((
                    at(&d["startLine"], &d["startColumn"]),
                    at(&d["endLine"], &d["endColumn"]),
                    rep["insertedContent"]["text"]
                        .as_str()
                        .expect("text")
                        .into(),
                ));
            }
        }
    }
    reps.sort();
    let mut out = String::new();
    let mut done = 0;
    for (s, e, t) in reps {
        assert!(s >= done, "overlapping replacements");
        out.push_str(&text[done..s]);
        out.push_str(&t);
        done = e;
    }
    out.push_str(&text[done..]);
    out
}

/// ruff's findings on `file` in `dir` (`--select select`, no configuration)
/// in `format` (`json`, `sarif`).
fn ruff_check(dir: &Path, file: &str, select: &str, format: &str) -> Value {
    let out = ruff(
        dir,
        &[
            "check",
            "--isolated",
            "--select",
            select,
            "--output-format",
            format,
            "--exit-zero",
            file,
        ],
    );
    serde_json::from_slice(&out.stdout).expect("ruff's output")
}

/// `(rule, line, column)` of ruff's findings on `file` in `dir`.
fn ruff_findings(dir: &Path, file: &str, select: &str) -> Vec<(String, u64, u64)> {
    let v = ruff_check(dir, file, select, "json");
    let mut fs: Vec<(String, u64, u64)> = v
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or("").to_string(),
                f["location"]["row"].as_u64().unwrap_or(0),
                f["location"]["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    fs.sort();
    fs
}

const DUPLICATES: &str = "\
def a(x: int) -> int:
    if x == None:
        return 0
    return x


def b(x: int) -> int:
    if x == None:
        return 0
    return x + 1


def c(x: int, y: int) -> int:
    if x == None or y == None:
        return 0
    return x + y
";

/// Findings with the same rule, message and line text are different
/// findings: each is worked on and reported, and `--write` fixes all.
#[test]
fn duplicate_findings_are_each_fixed() {
    let dir = scratch("dup.py", DUPLICATES);
    let expected = ruff_findings(&dir, "dup.py", "E711");
    assert_eq!(expected.len(), 4, "{expected:?}");
    let out = symtest(&dir)
        .args(["dup.py", "--select", "E711", "--format", "json", "--write"])
        .output()
        .expect("runs");
    let report = json_of(&out);
    let fs = findings(&report);
    let got: Vec<(String, u64, u64)> = fs
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(got, expected, "{report:#}");
    for f in &fs {
        assert_eq!(f["outcome"], "fixed", "{f:#}");
    }
    let written = std::fs::read_to_string(dir.join("dup.py")).expect("read");
    assert_eq!(written, DUPLICATES.replace("== None", "is None"));
}

/// A finding whose line an earlier fix moved (sorting imports) is found
/// again where it went: it is not reported fixed while ruff still reports
/// it.
#[test]
fn a_finding_moved_by_an_earlier_fix_is_still_there() {
    let dir = scratch("README", "");
    std::fs::create_dir_all(dir.join("pkg")).expect("folder");
    std::fs::write(dir.join("pkg/mod.py"), "X = 1\n").expect("write");
    std::fs::write(
        dir.join("pkg/__init__.py"),
        "from .mod import *\n\nfrom functools import partial\n",
    )
    .expect("write");
    let report = report_of(&dir, &["pkg/__init__.py", "--select", "I001,F401"]);
    let fs = findings(&report);
    assert_eq!(find(&fs, "I001", 1)["outcome"], "fixed", "{report:#}");
    // ruff has no fix for an unused import in an __init__.py.
    let unused = find(&fs, "F401", 3);
    assert_eq!(unused["outcome"], "skipped", "{unused:#}");
}

const TWO_FIXES: &str = "\
import os
import sys


def clamp(x: int, flag: bool) -> int:
    if flag == True:
        return 0
    if x == None:
        return -1
    return x


def size(xs: list[int]) -> int:
    unused = len(xs) * 2
    return len(xs)
";

/// Every position of the SARIF output is in the original file: results sit
/// where ruff reported them, and the fixes of all results applied together
/// to the original give the file `--write` writes.
#[test]
fn sarif_fixes_apply_to_the_original() {
    let dir = scratch("two.py", TWO_FIXES);
    let select = "E711,E712,F401,F841";
    let expected = ruff_findings(&dir, "two.py", select);
    let out = symtest(&dir)
        .args(["two.py", "--select", select, "--format", "sarif", "--write"])
        .output()
        .expect("runs");
    let s = json_of(&out);
    let results = s["runs"][0]["results"].as_array().expect("results");
    let mut got: Vec<(String, u64, u64)> = results
        .iter()
        .map(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            (
                r["ruleId"].as_str().unwrap_or("").to_string(),
                region["startLine"].as_u64().unwrap_or(0),
                region["startColumn"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    got.sort();
    assert_eq!(got, expected, "{s:#}");
    for r in results {
        assert_eq!(r["properties"]["symtest"]["outcome"], "fixed", "{r:#}");
    }
    let written = std::fs::read_to_string(dir.join("two.py")).expect("read");
    assert_ne!(written, TWO_FIXES);
    assert_eq!(apply_sarif(TWO_FIXES, &s), written);
}

#[test]
fn bad_input_is_a_clear_error() {
    let dir = scratch("x.py", "def f(:\n");
    symtest(&dir)
        .args(["x.py", "--format", "yaml"])
        .assert()
        .failure()
        .code(2)
        .stderr(predicates::str::contains(
            "invalid value 'yaml' for '--format <FORMAT>'",
        ))
        .stderr(predicates::str::contains(
            "[possible values: diff, json, sarif]",
        ));
    symtest(&dir)
        .args(["missing.py"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("missing.py"));
    symtest(&dir)
        .args(["x.py", "--llm-url", "http://127.0.0.1:9"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("--llm-url needs --model"));
    let out = symtest(&dir).args(["x.py"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("x.py: does not parse: 1:7"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The exit status says whether findings remain: 0 when every one was
/// fixed, 2 when one was rejected (0 again with `--exit-zero`).
#[test]
fn exit_status_says_whether_findings_remain() {
    let fixable = "def f(x: int) -> int:\n    if x == None:\n        return 0\n    return x\n";
    let dir = scratch("ok.py", fixable);
    let exits_with = |args: &[&str], code: i32| {
        let out = symtest(&dir).args(args).output().expect("runs");
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    exits_with(&["ok.py", "--select", "E711"], 0);
    // `count == True` is not `count` for count == 2: rejected.
    let rejected = "def flagged(count: int) -> str:\n    if count == True:\n        return \"one\"\n    return \"other\"\n";
    std::fs::write(dir.join("no.py"), rejected).expect("write");
    exits_with(&["no.py", "--select", "E712"], 2);
    exits_with(&["no.py", "--select", "E712", "--exit-zero"], 0);
}

/// The ruff the set-up installs (`.deps/ruff-*/bin/ruff` in the checkout)
/// is found from where the binary is, with no environment variable and
/// nothing on PATH; without it, the error says how to give one.
#[test]
fn the_set_up_ruff_is_found_beside_the_binary() {
    let ruff = std::env::var("SYMTEST_RUFF").unwrap_or_else(|_| "ruff".into());
    let ruff = which(&ruff).expect("ruff (SYMTEST_RUFF or PATH), as the set-up installs it");
    let python = std::process::Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .expect("python3");
    let python = String::from_utf8_lossy(&python.stdout).trim().to_string();
    let checkout = scratch(
        "m.py",
        "def f(x: int) -> int:\n    if x == None:\n        return 0\n    return x\n",
    );
    let bin_dir = checkout.join("target").join("release");
    std::fs::create_dir_all(&bin_dir).expect("folders");
    let bin = bin_dir.join("symtest");
    let built = assert_cmd::cargo::cargo_bin("symtest");
    if std::fs::hard_link(&built, &bin).is_err() {
        std::fs::copy(&built, &bin).expect("copy the binary");
    }
    let run = || {
        std::process::Command::new(&bin)
            .current_dir(&checkout)
            .args(["fix", "-q", "m.py", "--select", "E711", "--format", "json"])
            .args(["--python", &python])
            .env_remove("SYMTEST_RUFF")
            .env("PATH", "/nonexistent")
            .output()
            .expect("runs")
    };
    let out = run();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot run ruff"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let deps = checkout.join(".deps").join("ruff-0.17.6").join("bin");
    std::fs::create_dir_all(&deps).expect("folders");
    std::os::unix::fs::symlink(&ruff, deps.join("ruff")).expect("link ruff");
    let report = json_of(&run());
    assert_eq!(report["summary"]["fixed"], 1, "{report:#}");
    let _ = std::fs::remove_dir_all(&checkout);
}

/// `name` as the shell finds it (a path is taken as it is).
fn which(name: &str) -> Option<PathBuf> {
    if name.contains('/') {
        return Some(PathBuf::from(name));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}
