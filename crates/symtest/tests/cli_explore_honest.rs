//! `symtest explore` never claims more than it did: a module that does not
//! load is an error, budgets and Ctrl-C say they stopped the search, a path
//! cut by a bound or an unsupported construct makes the report incomplete,
//! and long constraints are printed simplified and cut.

use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::{TempDir, assert_run, interrupt, symtest, symtest_std};

/// A regular expression with a look-behind at the top level: the
/// interpreter does not model `re.compile`, so without external calls
/// (`--external-calls 0`; with them CPython compiles it) the module cannot load.
const LOAD_FAILS: &str = "import re
PAT = re.compile(r\"(?<=a)b\")

def f(x: int):
    if x > 3:
        return 1
    return 0
";

const FACT: &str = "def fact(n: int) -> int:\n    return 1 if n <= 1 else n * fact(n - 1)\n";

/// Far more paths than any test waits for.
const SLOW: &str = "def f(xs: list[int], k: int) -> int:
    total = 0
    for x in xs:
        if x > k:
            total += x
        elif x == k - 3:
            total -= 1
        if total % 7 == 3:
            total *= 2
    return total
";

/// `pow` with a negative exponent and a modulus (a modular inverse) is not
/// modelled: without external calls the runs that reach it stop as unsupported.
const UNSUPPORTED: &str =
    "def f(a: int) -> int:\n    if a > 2:\n        return pow(3, -a, 7)\n    return a\n";

fn file(dir: &TempDir, name: &str, text: &str) -> String {
    dir.file(name, text).display().to_string()
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)))
}

/// The JSON report of `symtest ARGS`, which must exit with status 0.
fn report(args: &[&str]) -> Value {
    let out = symtest_std().args(args).output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_of(&out)
}

/// Fails unless the report says it stopped for `stop` and whether it is
/// `complete`.
fn assert_stopped(j: &Value, stop: &str, complete: bool) {
    assert_eq!(
        (j["stop"].as_str(), j["complete"].as_bool()),
        (Some(stop), Some(complete)),
        "{j:#}"
    );
}

#[test]
fn a_module_whose_top_level_fails_is_an_error_with_status_2() {
    let dir = TempDir::new("load-fails");
    let target = format!("{}::f", file(&dir, "load.py", LOAD_FAILS));
    for json in [false, true] {
        let mut cmd = symtest();
        cmd.args(["explore", &target, "--external-calls", "0"]);
        if json {
            cmd.arg("--json");
        }
        cmd.assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains(
                "load.py: the module's top level failed",
            ))
            // The reason names what failed: a look-behind the regex
            // engine does not support.
            .stderr(predicate::str::contains("(?<=a)b"))
            .stderr(predicate::str::contains("unsupported"));
    }
    assert_run(&["explore", "--help"], true, &["2 when a Python"], &[]);
}

#[test]
fn the_time_budget_defaults_to_30_seconds_and_says_when_it_stopped_the_search() {
    assert_run(
        &["explore", "--help"],
        true,
        &["[default: 30]", "(0: none)"],
        &[],
    );
    let dir = TempDir::new("timeout");
    let target = format!("{}::f", file(&dir, "slow.py", SLOW));
    let started = Instant::now();
    let out = symtest_std()
        .args(["explore", &target, "--timeout", "0.5", "-q"])
        .output()
        .expect("runs");
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Stopped early: time budget reached"),
        "{text}"
    );
    let j = report(&[
        "explore",
        &target,
        "--timeout",
        "0.5",
        "--json",
        "--summary",
    ]);
    assert_stopped(&j, "timeout", false);
    // 0 is no budget at all, not a budget of nothing.
    let j = report(&[
        "explore",
        "--timeout",
        "0",
        "--json",
        "if (a < 3) return 1;",
    ]);
    assert_stopped(&j, "exhausted", true);
}

/// Starts a long exploration, interrupts it after a while and returns its
/// output and how long it took to stop.
fn interrupted(args: &[&str]) -> (Output, Duration) {
    let child = symtest_std()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    std::thread::sleep(Duration::from_millis(1500));
    let sent = Instant::now();
    let out = interrupt(child);
    (out, sent.elapsed())
}

#[test]
fn ctrl_c_stops_a_python_exploration_within_a_second_and_reports() {
    let dir = TempDir::new("ctrl-c");
    let target = format!("{}::f", file(&dir, "slow.py", SLOW));
    let (out, took) = interrupted(&["explore", &target, "-q", "--timeout", "0"]);
    assert_eq!(out.status.code(), Some(130));
    // About a second; generous for a loaded machine.
    assert!(took < Duration::from_secs(2), "stopped after {took:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Result Summary"), "{text}");
    assert!(text.contains("Stopped early: interrupted"), "{text}");

    let (out, took) = interrupted(&["explore", &target, "--json", "--summary", "--timeout", "0"]);
    assert_eq!(out.status.code(), Some(130));
    assert!(took < Duration::from_secs(2), "stopped after {took:?}");
    let j = json_of(&out);
    assert_stopped(&j, "interrupted", false);
    assert!(j["sat"].as_u64().is_some_and(|n| n > 0));
}

#[test]
fn a_recursive_function_cut_at_the_depth_bound_is_incomplete_and_printed_short() {
    let dir = TempDir::new("fact");
    let target = format!("{}::fact", file(&dir, "fact.py", FACT));
    let out = symtest_std()
        .args(["explore", &target, "--json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    // 29 MB before constraints were simplified and cut.
    assert!(out.stdout.len() < 2_000_000, "{} bytes", out.stdout.len());
    let j = json_of(&out);
    assert_eq!(j["stats"]["depth_cut_paths"], 1);
    assert_stopped(&j, "exhausted", false);
    assert_eq!(j["cuts"][0]["reason"], "depth bound (256 branches)");
    assert_eq!(j["cuts"][0]["count"], 1);
    let paths = j["paths"].as_array().expect("paths");
    // `n - 1 - 1 - 1 <= 1` reads `n <= 4`.
    assert_eq!(
        paths[3]["named"],
        "(-1000000<=n&&n<=1000000)&&!(n<=1)&&!(n<=2)&&!(n<=3)&&(n<=4)"
    );
    let last = paths.last().expect("a path");
    assert_eq!(last["truncated"], true);
    assert!(last["constraint"].as_str().is_some_and(|c| c.len() < 2100));
    assert!(paths[3].get("truncated").is_none());

    let j = report(&["explore", &target, "--json", "--full-constraints"]);
    let last = j["paths"]
        .as_array()
        .and_then(|p| p.last())
        .expect("a path");
    assert!(last.get("truncated").is_none());
    assert!(last["constraint"].as_str().is_some_and(|c| c.len() > 2100));

    symtest()
        .args(["explore", &target])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Incomplete: depth bound (256 branches) (1 path)",
        ))
        .stdout(predicate::str::contains(
            "--full-constraints prints it whole]",
        ));
}

#[test]
fn an_unsupported_construct_is_the_stop_reason_never_all_explored() {
    let dir = TempDir::new("unsupported");
    let target = format!("{}::f", file(&dir, "pow.py", UNSUPPORTED));
    let j = report(&["explore", &target, "--json", "--external-calls", "0"]);
    assert_stopped(&j, "unsupported: modular inverse", false);
    assert_eq!(j["cuts"][0]["reason"], "unsupported: modular inverse");
    symtest()
        .args(["explore", &target, "--external-calls", "0"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Incomplete: unsupported: modular inverse (1 path)",
        ));
}

#[test]
fn gen_rows_name_the_unsupported_construct() {
    let dir = TempDir::new("gen-unsupported");
    let problems = dir.path("p.jsonl");
    let row = serde_json::json!({
        "task_id": "U/0",
        "entry_point": "f",
        "prompt": "def f(a: int) -> int:\n",
        "canonical_solution": "    if a > 2:\n        return pow(3, -a, 7)\n    return a\n",
        "test": "def check(candidate):\n    assert candidate(1) == 1\n",
    });
    std::fs::write(&problems, format!("{row}\n")).expect("write");
    let suites = dir.path("suites.jsonl");
    symtest()
        .arg("gen")
        .arg(&problems)
        .arg("-o")
        .arg(&suites)
        .args(["--external-calls", "0"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "exploration stopped: unsupported: modular inverse",
        ));
    let text = std::fs::read_to_string(&suites).expect("suites");
    let row: Value = serde_json::from_str(text.lines().next().expect("a row")).expect("json");
    assert_eq!(row["stats"]["stop"], "unsupported: modular inverse");
}
