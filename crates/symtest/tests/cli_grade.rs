//! `symtest grade`, `pairs` and `critic-data` end to end on the bundled
//! problem sets (HumanEval, MBPP and APPS formats and a symtest suite).

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

mod common;
use common::{TempDir, assert_run, interrupt, outcomes, rows, symtest, symtest_std};

use predicates::prelude::*;
use serde_json::Value;

fn example(name: &str) -> String {
    common::example(&format!("grade/{name}"))
}

fn statuses(path: &Path) -> BTreeMap<(String, String), String> {
    outcomes(path)
        .into_iter()
        .map(|o| {
            (
                (
                    o["task_id"].as_str().unwrap_or_default().to_string(),
                    o["sample_id"].as_str().unwrap_or_default().to_string(),
                ),
                o["status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// `symtest grade -q PROBLEMS SAMPLES -o OUT EXTRA...`.
fn grade(
    problems: impl AsRef<OsStr>,
    samples: impl AsRef<OsStr>,
    out: &Path,
    extra: &[&str],
) -> assert_cmd::assert::Assert {
    symtest()
        .args(["grade", "-q"])
        .arg(problems)
        .arg(samples)
        .arg("-o")
        .arg(out)
        .args(extra)
        .assert()
}

/// Grades one of the bundled sets (`humaneval`, `mbpp`, `suite`, `apps`):
/// its problems and its samples.
fn grade_set(set: &str, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    let samples = if set == "humaneval" {
        "samples.jsonl".to_string()
    } else {
        format!("{set}_samples.jsonl")
    };
    grade(
        example(&format!("{set}_mini.jsonl")),
        example(&samples),
        out,
        extra,
    )
}

#[test]
fn bundled_samples_get_the_right_verdicts() {
    let t = TempDir::new("verdicts");
    let out = t.path("out.jsonl");
    grade_set("humaneval", &out, &["-k", "1"])
        .success()
        .stdout(predicate::str::contains("19 samples over 4 problems"));
    let s = statuses(&out);
    let want = [
        ("demo/add", "correct", "passed"),
        ("demo/add", "wrong", "failed"),
        ("demo/add", "crashing", "runtime_error"),
        ("demo/add", "compile_error", "compile_error"),
        ("demo/add", "infinite_loop", "timeout"),
        ("demo/add", "chat_answer", "passed"),
        ("demo/add", "fake_equality", "failed"),
        ("demo/add", "exits_early", "runtime_error"),
        ("demo/is_palindrome", "correct", "passed"),
        ("demo/is_palindrome", "case_sensitive", "failed"),
        ("demo/is_palindrome", "fork_bomb", "timeout"),
        ("demo/is_palindrome", "reads_etc_passwd", "runtime_error"),
        ("demo/mean", "correct", "passed"),
        ("demo/mean", "integer_division", "failed"),
        ("demo/mean", "network", "runtime_error"),
        ("demo/count_vowels", "correct", "passed"),
        ("demo/count_vowels", "lowercase_only", "failed"),
        // Its output goes nowhere (a function's prints are not its answer);
        // its answer is wrong.
        ("demo/count_vowels", "prints_a_flood", "failed"),
    ];
    for (task, sample, status) in want {
        assert_eq!(
            s.get(&(task.to_string(), sample.to_string()))
                .map(String::as_str),
            Some(status),
            "{task} {sample}"
        );
    }
    // The memory bomb is stopped one way or another, never passed.
    let bomb = s.get(&("demo/mean".to_string(), "memory_bomb".to_string()));
    assert!(
        matches!(bomb.map(String::as_str), Some("runtime_error" | "timeout")),
        "{bomb:?}"
    );
    let wrong = outcomes(&out)
        .into_iter()
        .find(|o| o["sample_id"] == "wrong")
        .expect("the wrong sample");
    assert_eq!(wrong["first_failure"]["kind"], "wrong_answer");
    assert_eq!(wrong["first_failure"]["input"], "(2, 3)");
    assert_eq!(wrong["first_failure"]["got"], "-1");
    assert_eq!(wrong["reward"], 0.0);
}

#[test]
fn mbpp_apps_and_suites_are_graded() {
    let t = TempDir::new("formats");
    for (problems, samples, passed, failed) in [
        ("mbpp_mini.jsonl", "mbpp_samples.jsonl", 3, 1),
        ("apps_mini.jsonl", "apps_samples.jsonl", 2, 2),
        ("suite_mini.jsonl", "suite_samples.jsonl", 1, 1),
    ] {
        let out = t.path(&format!("{problems}.out"));
        grade(example(problems), example(samples), &out, &["-k", "1"]).success();
        let s = statuses(&out);
        let count = |st: &str| s.values().filter(|v| v.as_str() == st).count();
        assert_eq!(
            (count("passed"), count("failed")),
            (passed, failed),
            "{problems}: {s:?}"
        );
    }
}

#[test]
fn mbpp_imports_and_setup_code_run_before_the_asserts() {
    // The sanitized format's `test_imports` and the original's
    // `test_setup_code`: without them the reference itself would fail
    // (NameError) and every sample with it.
    let t = TempDir::new("mbpp-imports");
    let code = "import math\ndef volume_sphere(r):\n    return (4 / 3) * math.pi * r ** 3\n";
    let problems = t.jsonl(
        "p.jsonl",
        &[
            serde_json::json!({"task_id": 82, "prompt": "Volume of a sphere.", "code": code,
                "test_imports": ["import math"],
                "test_list": ["assert math.isclose(volume_sphere(10), 4188.790204786391, rel_tol=0.001)"]}),
            serde_json::json!({"task_id": 83, "text": "Volume of a sphere.", "code": code,
                "test_setup_code": "import math\nR = 10",
                "test_list": ["assert math.isclose(volume_sphere(R), 4188.790204786391, rel_tol=0.001)"]}),
        ],
    );
    let wrong = "def volume_sphere(r):\n    return 4 * r ** 3\n";
    let samples = t.jsonl(
        "s.jsonl",
        &[
            serde_json::json!({"task_id": 82, "sample_id": "right", "completion": code}),
            serde_json::json!({"task_id": 82, "sample_id": "wrong", "completion": wrong}),
            serde_json::json!({"task_id": 83, "sample_id": "right", "completion": code}),
            serde_json::json!({"task_id": 83, "sample_id": "wrong", "completion": wrong}),
        ],
    );
    let out = t.path("o.jsonl");
    grade(&problems, &samples, &out, &["--json"])
        .success()
        .stdout(predicate::str::contains("reference_problems\": {}"));
    let s = statuses(&out);
    for task in ["82", "83"] {
        assert_eq!(
            s[&(task.to_string(), "right".to_string())],
            "passed",
            "{s:?}"
        );
        assert_eq!(
            s[&(task.to_string(), "wrong".to_string())],
            "failed",
            "{s:?}"
        );
    }
}

#[test]
fn rewards_follow_the_chosen_scheme() {
    let t = TempDir::new("rewards");
    let out = t.path("fraction.jsonl");
    grade_set("suite", &out, &["--reward", "fraction"]).success();
    let rows = outcomes(&out);
    let abs = rows
        .iter()
        .find(|o| o["status"] == "failed")
        .expect("the abs() sample");
    assert_eq!(abs["passed"], 2);
    assert_eq!(abs["total"], 3);
    assert!((abs["reward"].as_f64().unwrap_or(0.0) - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(abs["first_failure"]["input"], "(-7, 3)");
    assert_eq!(abs["first_failure"]["expected"], "-4");
    assert_eq!(abs["first_failure"]["got"], "10");

    let out = t.path("coderl.jsonl");
    grade_set("humaneval", &out, &["--reward", "coderl"]).success();
    for o in outcomes(&out) {
        let want = match o["status"].as_str() {
            Some("passed") => 1.0,
            Some("failed") => -0.3,
            Some("runtime_error" | "timeout") => -0.6,
            Some("compile_error") => -1.0,
            other => panic!("{other:?}"),
        };
        assert_eq!(o["reward"].as_f64(), Some(want), "{o}");
    }
}

#[test]
fn reruns_grade_only_what_is_missing() {
    let t = TempDir::new("resume");
    let all = std::fs::read_to_string(example("mbpp_samples.jsonl")).expect("samples");
    let first_two: String = all.lines().take(2).map(|l| format!("{l}\n")).collect();
    let partial = t.path("partial.jsonl");
    std::fs::write(&partial, first_two).expect("write");
    let out = t.path("out.jsonl");
    grade(example("mbpp_mini.jsonl"), &partial, &out, &[]).success();
    assert_eq!(outcomes(&out).len(), 2);
    grade_set("mbpp", &out, &[])
        .success()
        .stderr(predicate::str::contains(
            "resuming: 2 samples already graded",
        ))
        .stdout(predicate::str::contains("graded 2 samples"));
    let rows = outcomes(&out);
    assert_eq!(rows.len(), 4);
    let keys: BTreeSet<String> = rows
        .iter()
        .map(|o| format!("{}/{}", o["task_id"], o["sample_id"]))
        .collect();
    assert_eq!(keys.len(), 4, "no duplicates");
    // Nothing left: a third run grades nothing and changes nothing.
    let before = std::fs::read(&out).expect("read");
    grade_set("mbpp", &out, &[])
        .success()
        .stdout(predicate::str::contains("graded 0 samples"));
    assert_eq!(std::fs::read(&out).expect("read"), before);
}

#[test]
fn a_line_cut_short_by_a_crash_is_dropped_and_redone() {
    let t = TempDir::new("cut");
    let out = t.path("out.jsonl");
    grade_set("mbpp", &out, &[]).success();
    let text = std::fs::read_to_string(&out).expect("read");
    let mut lines: Vec<&str> = text.lines().collect();
    let last = lines.pop().expect("a line");
    let cut = format!("{}\n{}", lines.join("\n"), &last[..last.len() / 2]);
    std::fs::write(&out, cut).expect("write");
    grade_set("mbpp", &out, &[])
        .success()
        .stdout(predicate::str::contains("graded 1 samples"));
    assert_eq!(outcomes(&out).len(), 4);
}

#[test]
fn a_foreign_output_file_is_not_appended_to() {
    let t = TempDir::new("foreign");
    let out = t.path("notes.jsonl");
    std::fs::write(&out, "{\"hello\": 1}\n").expect("write");
    grade_set("mbpp", &out, &[])
        .code(1)
        .stderr(predicate::str::contains(
            "notes.jsonl:1 is not an outcome line",
        ));
    assert_eq!(
        std::fs::read_to_string(&out).expect("read"),
        "{\"hello\": 1}\n"
    );
}

#[test]
fn bad_rows_are_reported_with_file_and_line_and_skipped() {
    let t = TempDir::new("badrows");
    let good = std::fs::read_to_string(example("humaneval_mini.jsonl")).expect("problems");
    let mut lines: Vec<String> = good.lines().map(str::to_string).collect();
    lines.insert(1, "{not json".to_string());
    lines.insert(
        2,
        "{\"task_id\": \"x/1\", \"prompt\": \"\", \"entry_point\": \"f\"}".to_string(),
    );
    let problems = t.path("problems.jsonl");
    std::fs::write(&problems, lines.join("\n") + "\n").expect("write");
    let samples = t.path("samples.jsonl");
    std::fs::write(
        &samples,
        "{\"task_id\": \"demo/add\", \"completion\": \"    return a + b\\n\"}\n{\"completion\": \"x\"}\n{\"task_id\": \"nope\", \"completion\": \"x\"}\n",
    )
    .expect("write");
    let out = t.path("out.jsonl");
    grade(&problems, &samples, &out, &[])
        .success()
        .stderr(predicate::str::contains("problems.jsonl:2: not valid JSON"))
        .stderr(predicate::str::contains(
            "problems.jsonl:3: missing field 'test'",
        ))
        .stderr(predicate::str::contains(
            "samples.jsonl:2: missing field 'task_id'",
        ))
        .stderr(predicate::str::contains("1 samples name no loaded problem"));
    assert_eq!(outcomes(&out).len(), 1);
}

#[test]
fn json_summary_reports_pass_at_k_per_problem() {
    let t = TempDir::new("json");
    let out = t.path("out.jsonl");
    let a = grade_set("mbpp", &out, &["--json", "-k", "1,2"]).success();
    let j: Value = serde_json::from_slice(&a.get_output().stdout).expect("JSON");
    let s = &j["summary"];
    assert_eq!(s["samples"], 4);
    assert_eq!(s["statuses"]["passed"], 3);
    // Problem 11: 2 of 2 pass; problem 17: 1 of 2.
    assert_eq!(s["pass_at"]["pass@1"], 0.75);
    assert_eq!(s["pass_at"]["pass@2"], 1.0);
    let p17 = s["per_problem"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["task_id"] == "17"))
        .expect("problem 17");
    assert_eq!(p17["pass_at"]["pass@1"], 0.5);
    assert!(j["samples_per_second"].as_f64().is_some());
}

#[test]
fn ctrl_c_leaves_a_valid_file_and_a_rerun_finishes() {
    let t = TempDir::new("interrupt");
    let samples = t.path("slow.jsonl");
    let mut text = String::new();
    for i in 0..24 {
        text.push_str(&format!(
            "{{\"task_id\": 17, \"sample_id\": \"s{i}\", \"completion\": \"import time\\ndef square_perimeter(a):\\n    time.sleep(0.2)\\n    return 4 * a\\n\"}}\n"
        ));
    }
    std::fs::write(&samples, text).expect("write");
    let out = t.path("out.jsonl");
    let child = symtest_std()
        .args(["grade", "-q", "--timeout-floor", "3"])
        .arg(example("mbpp_mini.jsonl"))
        .arg(&samples)
        .arg("-o")
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    std::thread::sleep(Duration::from_millis(2500));
    let o = interrupt(child);
    assert_eq!(
        o.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("interrupted:"));
    let done = outcomes(&out).len();
    assert!(done > 0 && done < 24, "{done} graded before the interrupt");
    let extra = ["--timeout-floor", "3"];
    grade(example("mbpp_mini.jsonl"), &samples, &out, &extra).success();
    let rows = outcomes(&out);
    assert_eq!(rows.len(), 24);
    assert!(rows.iter().all(|o| o["status"] == "passed"));
}

#[test]
fn pairs_and_critic_data_from_graded_samples() {
    let t = TempDir::new("train");
    let out = t.path("out.jsonl");
    grade_set("humaneval", &out, &[]).success();
    let pairs = t.path("pairs.jsonl");
    symtest()
        .args([
            "pairs",
            &example("humaneval_mini.jsonl"),
            &example("samples.jsonl"),
        ])
        .arg(&out)
        .arg("-o")
        .arg(&pairs)
        .args(["--max-per-problem", "2"])
        .assert()
        .success()
        .stdout(predicate::str::contains("8 pairs from 4 problems"));
    let rows = rows(&pairs);
    assert_eq!(rows.len(), 8);
    for r in &rows {
        let keys: BTreeSet<&str> = r
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, BTreeSet::from(["prompt", "chosen", "rejected"]));
    }
    // The largest margin first: for demo/add that is the compile error.
    assert_eq!(rows[0]["rejected"], "    return a +\n");
    let critic = t.path("critic.jsonl");
    symtest()
        .args([
            "critic-data",
            &example("humaneval_mini.jsonl"),
            &example("samples.jsonl"),
        ])
        .arg(&out)
        .arg("-o")
        .arg(&critic)
        .assert()
        .success()
        .stdout(predicate::str::contains("19 rows: 1 compile error (0)"));
}

#[test]
fn grade_help_documents_formats_and_outcomes() {
    assert_run(
        &["grade", "--help"],
        true,
        &[
            "HumanEval  task_id, prompt",
            "--timeout-factor",
            "--allow-weaker-isolation",
        ],
        &[],
    );
}
