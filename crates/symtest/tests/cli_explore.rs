//! `symtest explore` end to end: the output is the contract.

use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::{TempDir, assert_run, example, interrupt, symtest};

/// The report without its timing line, which changes from run to run.
fn stable(stdout: &[u8]) -> String {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter(|l| !l.starts_with("Search time:"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn json(args: &[&str]) -> Value {
    let out = symtest().args(args).arg("--json").output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

const README: &str = "if (a < 3) if (a > 4) return 1;";

#[test]
fn gymbo_readme_example_summary() {
    let out = symtest().args(["explore", README]).output().expect("runs");
    assert!(out.status.success());
    insta::assert_snapshot!(stable(&out.stdout));
}

#[test]
fn gymbo_readme_example_with_prefixes() {
    let out = symtest()
        .args(["explore", "--prefixes", README])
        .output()
        .expect("runs");
    assert!(out.status.success());
    insta::assert_snapshot!(stable(&out.stdout));
}

#[test]
fn json_report_is_complete_and_exact() {
    let j = json(&["explore", README]);
    assert_eq!(j["sat"], 2);
    assert_eq!(j["unsat_count"], 1);
    assert_eq!(j["unknown_count"], 0);
    assert_eq!(j["complete"], true);
    assert_eq!(j["solver"], "z3");
    assert_eq!(j["inputs"][0]["var"], "var_0");
    assert_eq!(j["inputs"][0]["name"], "a");
    assert_eq!(j["unsat"][0]["constraint"], "(var_0<3)&&(4<var_0)");
    assert_eq!(j["unsat"][0]["named"], "(a<3)&&(4<a)");
    assert_eq!(j["unsat"][0]["smtlib"], "(and (< var_0 3) (< 4 var_0))");
    let paths = j["paths"].as_array().expect("paths");
    let first_false = paths
        .iter()
        .find(|p| p["constraint"] == "!(var_0<3)")
        .expect("the else path");
    let a = first_false["params"]["a"].as_i64().expect("an integer");
    assert!(a >= 3);
    assert_eq!(j["coverage"]["directions_covered"], 3);
    assert_eq!(j["coverage"]["directions_total"], 4);
    assert!(j["stats"]["peak_rss_kib"].as_u64().is_some());
}

#[test]
fn json_with_prefixes_counts_like_gymbo() {
    let j = json(&["explore", "--prefixes", README]);
    assert_eq!(j["sat"], 3);
    assert_eq!(j["unsat_count"], 1);
    assert_eq!(j["prefixes"].as_array().map(Vec::len), Some(3));
}

#[test]
fn reals_are_printed_exactly() {
    let j = json(&["explore", "--reals", "if (x * 3 == 1) return 1;"]);
    let hit = j["paths"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["outcome"]["value"] == "1"))
        .expect("x = 1/3 found");
    assert_eq!(hit["params"]["x"], "1/3");
}

#[test]
fn reads_files_and_stdin() {
    let dir = TempDir::new("explore-files");
    let f = dir.file("p.c", "// a comment\nif (a == 7) return 1;\nreturn 0;\n");
    symtest()
        .args(["explore", "-q", "-f"])
        .arg(&f)
        .assert()
        .success()
        .stdout(predicate::str::contains("#SAT: 2"));
    symtest()
        .args(["explore", "-q", "-f", "-"])
        .write_stdin("if (a == 7) return 1; return 0;")
        .assert()
        .success()
        .stdout(predicate::str::contains("#SAT: 2"));
}

#[test]
fn parse_errors_point_at_the_spot() {
    let out = symtest()
        .args(["explore", "if (a < 3 return 1;"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stderr));
}

#[test]
fn parse_errors_name_the_file_and_line() {
    let dir = TempDir::new("explore-bad-file");
    let f = dir.file("bad.c", "a = 1;\nif (a > 0) {\n  b = a +;\n}\n");
    symtest()
        .args(["explore", "-f"])
        .arg(&f)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad.c:3:10"))
        .stderr(predicate::str::contains(
            "expected a number, a variable or '('",
        ));
}

#[test]
fn missing_file_is_a_clear_error() {
    symtest()
        .args(["explore", "-f", "/nonexistent/prog.c"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot read /nonexistent/prog.c"));
}

#[test]
fn bad_option_values_list_the_choices() {
    symtest()
        .args(["explore", "--solver", "cvc5", README])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected z3, gd or portfolio"));
    symtest()
        .args(["explore", "--init-low", "5", "--init-high", "-5", README])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--init-low"));
    symtest().arg("explore").assert().code(2);
}

#[test]
fn help_teaches_the_language_and_the_knobs() {
    assert_run(
        &["explore", "--help"],
        true,
        &["Examples:", "--dpll", "Gymbo's -i"],
        &[],
    );
}

#[test]
fn verbose_traces_runs_and_queries() {
    assert_run(
        &["explore", "-vv", README],
        true,
        &[],
        &[
            "run 1: (var_0<3)&&!(4<var_0)",
            "query (var_0<3)&&(4<var_0) -> unsat",
            "(assert (< 4 var_0))",
        ],
    );
}

#[test]
fn names_print_source_variables() {
    assert_run(
        &["explore", "--names", README],
        true,
        &["# (a<3)&&(4<a)"],
        &[],
    );
}

#[test]
fn gd_with_dpll_finds_disjunctive_paths() {
    let j = json(&[
        "explore",
        "--solver",
        "gd",
        "--dpll",
        "if (a < -50 || a > 60) return 1; return 0;",
    ]);
    let outs: Vec<&Value> = j["paths"]
        .as_array()
        .expect("paths")
        .iter()
        .map(|p| &p["outcome"]["value"])
        .collect();
    assert!(outs.contains(&&Value::from("1")) && outs.contains(&&Value::from("0")));
    assert_eq!(j["stats"]["rejected_models"], 0);
}

#[test]
fn budgets_stop_early_and_say_so() {
    let mut src = String::new();
    for i in 0..12 {
        src.push_str(&format!("if (a{i} > 0) x = x + 1;\n"));
    }
    symtest()
        .args(["explore", "-q", "--max-sat", "10", &src])
        .assert()
        .success()
        .stdout(predicate::str::contains("#SAT: 10"))
        .stdout(predicate::str::contains(
            "Stopped early: SAT budget reached",
        ));
    let j = json(&["explore", "--max-runs", "5", &src]);
    assert_eq!(j["stop"], "max_runs");
    assert_eq!(j["complete"], false);
}

#[test]
fn division_by_zero_is_a_reported_path() {
    let j = json(&["explore", "return 10 / b;"]);
    let err = j["paths"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["outcome"]["kind"] == "error"))
        .expect("an error path");
    assert_eq!(err["constraint"], "(var_0==0)");
    assert!(
        err["outcome"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("division by zero at 1:11"))
    );
}

#[test]
fn examples_run() {
    for (file, extra) in [
        ("gymbo_readme.c", vec![]),
        ("triangle.c", vec![]),
        ("nonlinear.c", vec![]),
        ("divide.c", vec![]),
        ("collatz.c", vec!["--loop-bound", "6"]),
    ] {
        // The loop bound cuts collatz's longer paths: not complete, and it says why.
        let cut = file == "collatz.c";
        let path = example(&format!("minic/{file}"));
        let mut args = vec!["explore", "--json", "-f", path.as_str()];
        args.extend(extra);
        let out = symtest().args(&args).output().expect("runs");
        assert!(out.status.success(), "{file}");
        let j: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(j["complete"], !cut, "{file}");
        if cut {
            assert!(
                j["cuts"][0]["reason"]
                    .as_str()
                    .is_some_and(|r| r.contains("unrolling bound of 6 iterations")),
                "{}",
                j["cuts"]
            );
        }
        assert_eq!(j["unknown_count"], 0, "{file}");
        assert_eq!(j["stats"]["rejected_models"], 0, "{file}");
    }
}

#[test]
fn triangle_example_covers_every_class() {
    let path = example("minic/triangle.c");
    let j = json(&["explore", "-f", &path]);
    let mut outs: Vec<String> = j["paths"]
        .as_array()
        .expect("paths")
        .iter()
        .map(|p| p["outcome"]["value"].as_str().unwrap_or("").to_string())
        .collect();
    outs.sort();
    outs.dedup();
    assert_eq!(outs, ["0", "1", "2", "3"]);
}

#[test]
fn divide_example_never_breaks_the_c_identity() {
    let path = example("minic/divide.c");
    let j = json(&["explore", "-f", &path]);
    let paths = j["paths"].as_array().expect("paths");
    assert!(paths.iter().all(|p| p["outcome"]["value"] != "-1"));
    assert!(paths.iter().any(|p| p["outcome"]["value"] == "1"));
    assert!(j["unsat_count"].as_u64().is_some_and(|n| n >= 1));
}

fn many_ifs(n: usize) -> String {
    let mut src = String::new();
    for i in 0..n {
        src.push_str(&format!("if (a{i} > 0) x = x + 1;\n"));
    }
    src.push_str("return x;");
    src
}

#[test]
fn ctrl_c_stops_and_still_reports() {
    let bin = assert_cmd::cargo::cargo_bin("symtest");
    let child = std::process::Command::new(bin)
        .args(["explore", "-q", &many_ifs(24)])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawns");
    std::thread::sleep(std::time::Duration::from_millis(700));
    let out = interrupt(child);
    assert_eq!(out.status.code(), Some(130));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Result Summary"), "{stdout}");
    assert!(stdout.contains("Stopped early: interrupted"), "{stdout}");
}

#[test]
fn wall_clock_budget_is_kept() {
    let started = std::time::Instant::now();
    let j = json(&["explore", "--summary", "--timeout", "0.5", &many_ifs(24)]);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(j["stop"], "timeout");
    assert!(j["sat"].as_u64().is_some_and(|n| n > 0));
}

#[test]
fn depth_bound_merges_longer_paths() {
    let j = json(&["explore", "--max-depth", "4", &many_ifs(8)]);
    assert_eq!(j["sat"], 16, "2^4 distinct prefixes of length 4");
    assert_eq!(j["stats"]["depth_cut_paths"], 16);
    // The search ran to its end, but the bound cut paths: not complete.
    assert_eq!(j["stop"], "exhausted");
    assert_eq!(j["complete"], false);
    assert_eq!(j["cuts"][0]["reason"], "depth bound (4 branches)");
    assert_eq!(j["cuts"][0]["count"], 16);
}
