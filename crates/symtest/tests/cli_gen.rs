//! `symtest gen` and `symtest explore FILE.py::FUNCTION` end to end: suites
//! for the bundled problems, graded against bundled samples; boundary
//! inputs; types recorded from the dataset's calls; resuming; pytest files;
//! `--keep-raising`; the MBPP format.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

mod common;
use common::{TempDir, example, gen_row, rows, succeeded, symtest};

use predicates::prelude::*;
use serde_json::Value;

fn by_task(path: &Path) -> BTreeMap<String, Value> {
    rows(path)
        .into_iter()
        .map(|r| (r["task_id"].as_str().expect("task_id").to_string(), r))
        .collect()
}

fn inputs(row: &Value, origin: &str) -> BTreeSet<String> {
    row["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .filter(|t| t["origin"] == origin)
        .map(|t| t["input"].as_str().expect("input").to_string())
        .collect()
}

fn generate(dir: &TempDir, problems: &str, extra: &[&str]) -> PathBuf {
    let out = dir.path("suites.jsonl");
    symtest()
        .arg("gen")
        .arg(problems)
        .arg("-o")
        .arg(&out)
        .args(extra)
        .assert()
        .success();
    out
}

#[test]
fn suites_cover_the_references_and_catch_what_the_dataset_misses() {
    let dir = TempDir::new("demo");
    let pytest = dir.path("pytest");
    let suites = generate(
        &dir,
        &example("gen/problems.jsonl"),
        &["--pytest", pytest.to_str().expect("utf-8")],
    );
    let by_id = by_task(&suites);
    assert_eq!(by_id.len(), 4);
    for (id, row) in &by_id {
        let s = &row["stats"];
        assert_eq!(s["covered"], s["branches"], "{id}: {s}");
        assert_eq!(
            s["fidelity"]["compared"], s["fidelity"]["equal"],
            "{id}: {s}"
        );
        // A dataset test stays only where it adds what the generated
        // tests do not cover.
        assert_eq!(
            s["dataset_tests"].as_u64(),
            Some(inputs(row, "dataset").len() as u64),
            "{id}: {s}"
        );
        assert!(
            !inputs(row, "symbolic").is_empty() || !inputs(row, "boundary").is_empty(),
            "{id} has generated tests"
        );
        for t in row["tests"].as_array().expect("tests") {
            assert!(
                t["expected"].is_string(),
                "{id}: every kept test has an expected value"
            );
        }
    }

    // Boundary values: each comparison of `bucket` on both sides of its edge.
    let bucket = &by_id["Demo/0"];
    let all: BTreeSet<String> = ["symbolic", "boundary"]
        .iter()
        .flat_map(|o| inputs(bucket, o))
        .collect();
    for edge in ["(-1,)", "(0,)", "(9,)", "(10,)", "(100,)", "(101,)"] {
        assert!(all.contains(edge), "{edge} missing from {all:?}");
    }

    // Types of an unannotated function come from the dataset's calls.
    let types = &by_id["Demo/2"]["stats"]["types"][0];
    assert_eq!(
        (types["type"].as_str(), types["from"].as_str()),
        (Some("list[int]"), Some("recorded"))
    );

    // The samples: wrong ones that pass the dataset's tests fail the suites.
    let samples = example("gen/samples.jsonl");
    let dataset = dir.path("dataset.jsonl");
    let generated = dir.path("generated.jsonl");
    for (problems, out) in [
        (example("gen/problems.jsonl"), &dataset),
        (suites.display().to_string(), &generated),
    ] {
        symtest()
            .args(["grade", &problems, &samples, "-o"])
            .arg(out)
            .arg("-q")
            .assert()
            .success();
    }
    let status = |p: &Path| -> BTreeMap<String, String> {
        rows(p)
            .into_iter()
            .map(|o| {
                (
                    format!(
                        "{}:{}",
                        o["task_id"].as_str().unwrap_or(""),
                        o["sample_id"].as_str().unwrap_or("")
                    ),
                    o["status"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    let (before, after) = (status(&dataset), status(&generated));
    for (key, s) in &after {
        if key.ends_with(":right") {
            assert_eq!(s, "passed", "{key} is right");
        } else {
            assert_ne!(s, "passed", "{key} is wrong and the suite must say so");
        }
    }
    let caught_only_by_suites = before
        .iter()
        .filter(|(k, s)| *s == "passed" && after.get(*k).map(String::as_str) != Some("passed"))
        .count();
    assert!(caught_only_by_suites >= 4, "{before:?} {after:?}");

    // The pytest files run (with a stand-in for pytest) and pass on the reference.
    let files: Vec<PathBuf> = std::fs::read_dir(&pytest)
        .expect("pytest dir")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(files.len(), 4);
    let driver = r#"
import contextlib, runpy, sys, types
pt = types.ModuleType("pytest")
pt.param = lambda *values, id=None: values
class Mark:
    def parametrize(self, names, cases):
        def wrap(f):
            f.cases = cases
            return f
        return wrap
pt.mark = Mark()
class Info:
    value = None
@contextlib.contextmanager
def raises(kind):
    info = Info()
    try:
        yield info
    except kind as e:
        info.value = e
    else:
        raise AssertionError("did not raise")
pt.raises = raises
sys.modules["pytest"] = pt
ran = 0
for path in sys.argv[1:]:
    ns = runpy.run_path(path)
    for name, f in ns.items():
        if name.startswith("test_"):
            for case in f.cases:
                f(*case)
                ran += 1
print(ran)
"#;
    let out = succeeded(
        std::process::Command::new("python3")
            .arg("-c")
            .arg(driver)
            .args(&files)
            .output()
            .expect("python3 runs"),
    );
    let ran: usize = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("a count");
    let total: usize = by_id
        .values()
        .map(|r| r["tests"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(ran, total);
}

#[test]
fn a_second_run_resumes_without_duplicates() {
    let dir = TempDir::new("resume");
    let problems = example("gen/problems.jsonl");
    let out = dir.path("suites.jsonl");
    symtest()
        .args(["gen", &problems, "--only", "Demo/0", "-o"])
        .arg(&out)
        .assert()
        .success();
    // A row cut short by a crash is dropped and redone.
    let mut text = std::fs::read_to_string(&out).expect("suites");
    text.push_str("{\"task_id\": \"Demo/1\", \"tes");
    std::fs::write(&out, text).expect("write");
    symtest()
        .args(["gen", &problems, "-o"])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("resuming: 1 problems already"));
    let ids: Vec<String> = rows(&out)
        .iter()
        .map(|r| r["task_id"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(ids.len(), 4, "{ids:?}");
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), 4);
}

const RAISING: &str = r#"{"task_id": "R/0", "entry_point": "per_item", "prompt": "def per_item(total: int, n: int) -> int:\n", "canonical_solution": "    if total < 0:\n        raise ValueError('negative total')\n    return total // n\n", "test": "def check(candidate):\n    assert candidate(10, 2) == 5\n"}
"#;

#[test]
fn inputs_that_raise_are_dropped_or_kept_as_expected_raises() {
    let dir = TempDir::new("raising");
    let problems = dir.file("p.jsonl", RAISING);
    let p = problems.to_str().expect("utf-8");
    let plain = by_task(&generate(&dir, p, &[]));
    let tests = plain["R/0"]["tests"].as_array().expect("tests").clone();
    assert!(tests.iter().all(|t| t.get("raises").is_none()));
    assert!(plain["R/0"]["stats"]["dropped_raising"].as_u64() > Some(0));

    std::fs::remove_file(dir.path("suites.jsonl")).expect("remove");
    let kept = by_task(&generate(&dir, p, &["--keep-raising"]));
    let raises: BTreeSet<&str> = kept["R/0"]["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .filter_map(|t| t["raises"].as_str())
        .collect();
    assert_eq!(raises, BTreeSet::from(["ValueError", "ZeroDivisionError"]));

    // Grading honours expected raises: the reference passes, a version that
    // does not raise fails.
    let samples = dir.path("s.jsonl");
    std::fs::write(
        &samples,
        "{\"task_id\": \"R/0\", \"sample_id\": \"ref\", \"completion\": \"    if total < 0:\\n        raise ValueError('x')\\n    return total // n\\n\"}\n\
         {\"task_id\": \"R/0\", \"sample_id\": \"lax\", \"completion\": \"    return total // n if n else 0\\n\"}\n",
    )
    .expect("write");
    let outcomes = dir.path("o.jsonl");
    symtest()
        .arg("grade")
        .arg(dir.path("suites.jsonl"))
        .arg(&samples)
        .arg("-o")
        .arg(&outcomes)
        .assert()
        .success();
    let got: BTreeMap<String, String> = rows(&outcomes)
        .into_iter()
        .map(|o| {
            (
                o["sample_id"].as_str().unwrap_or("").into(),
                o["status"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert_eq!(got["ref"], "passed");
    assert_ne!(got["lax"], "passed");
}

#[test]
fn assumptions_and_types_from_the_command_line() {
    let dir = TempDir::new("assume");
    let problems = dir.file("p.jsonl", RAISING);
    let p = problems.to_str().expect("utf-8");
    let rows = by_task(&generate(
        &dir,
        p,
        &["--assume", "n > 0", "--assume", "total >= 0"],
    ));
    let row = &rows["R/0"];
    assert_eq!(row["stats"]["dropped_raising"], 0, "{}", row["stats"]);
    symtest()
        .args(["gen", p, "-o"])
        .arg(dir.path("other.jsonl"))
        .args(["--types", "count:int"])
        .assert()
        .failure()
        .stdout(predicate::str::contains("not a parameter of per_item"));
}

#[test]
fn mbpp_problems_get_suites_from_their_asserts() {
    let dir = TempDir::new("mbpp");
    let rows = by_task(&generate(&dir, &example("grade/mbpp_mini.jsonl"), &[]));
    assert!(!rows.is_empty());
    for (id, row) in &rows {
        assert!(
            !inputs(row, "dataset").is_empty(),
            "{id}: the asserts' calls are recorded"
        );
        assert!(
            row["stats"]["types"]
                .as_array()
                .is_some_and(|t| !t.is_empty()),
            "{id}"
        );
    }
}

#[test]
fn explore_prints_the_paths_of_a_python_function() {
    symtest()
        .args([
            "explore",
            &format!("{}::target", example("python/parens.py")),
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("#SAT: 3"))
        .stdout(
            predicate::str::contains("target(7, 9)").or(predicate::str::contains("target(-7, -5)")),
        )
        .stdout(predicate::str::contains("returns 'hit'"))
        .stdout(predicate::str::contains(
            "Branch coverage: 2 of 2 directions",
        ));
    let out = symtest()
        .args([
            "explore",
            &format!("{}::balanced", example("python/parens.py")),
            "--json",
        ])
        .args(["--strategy", "coverage", "--max-runs", "60"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let j: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        j["coverage"]["directions_covered"],
        j["coverage"]["directions_total"]
    );
    assert!(
        j["paths"][0]["args"]
            .as_str()
            .is_some_and(|a| a.starts_with("balanced("))
    );
}

#[test]
fn explore_says_what_is_missing() {
    let dir = TempDir::new("untyped");
    let file = dir.file("f.py", "def f(a, b: int):\n    return a if b else 0\n");
    symtest()
        .args(["explore", &format!("{}::f", file.display())])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "parameter 'a' of f has no annotation: give --types a:TYPE",
        ));
    symtest()
        .args(["explore", &format!("{}::g", file.display())])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("g"));
    symtest()
        .args([
            "explore",
            &format!("{}::f", file.display()),
            "--types",
            "a:str",
        ])
        .assert()
        .success();
}

/// Whole programs reading standard input (APPS without `fn_name`): `gen`
/// writes stdio suites whose expected outputs are CPython's, and every
/// bundled wrong solution, which passes the dataset's own tests, fails the
/// generated suite while the references pass it.
#[test]
fn stdin_suites_expose_the_wrong_solutions_the_examples_let_through() {
    let dir = TempDir::new("stdin");
    let problems = example("stdin/apps.jsonl");
    let suites = generate(&dir, &problems, &[]);
    let by_id = by_task(&suites);
    for id in ["9001", "9002", "9003"] {
        let row = &by_id[id];
        assert_eq!(row["mode"], "stdio", "{id}");
        assert!(
            !inputs(row, "symbolic").is_empty() || !inputs(row, "boundary").is_empty(),
            "{id}: {row}"
        );
        let s = &row["stats"];
        assert_eq!(
            s["fidelity"]["compared"], s["fidelity"]["equal"],
            "{id}: {s}"
        );
    }
    // The wrong solutions of this file, and the references as samples.
    let wrong = dir.path("samples.jsonl");
    let mut lines = String::new();
    for line in std::fs::read_to_string(example("stdin/wrong.jsonl"))
        .expect("wrong.jsonl")
        .lines()
    {
        let v: Value = serde_json::from_str(line).expect("json");
        if by_id.contains_key(v["task_id"].as_str().expect("task_id")) {
            lines.push_str(line);
            lines.push('\n');
        }
    }
    for (id, row) in &by_id {
        let reference = serde_json::json!({"task_id": id, "sample_id": "reference", "completion": row["reference"]});
        lines.push_str(&format!("{reference}\n"));
    }
    std::fs::write(&wrong, lines).expect("write samples");
    for (problems, all_wrong_fail) in [(&suites, true), (&PathBuf::from(&problems), false)] {
        let out = dir.path("outcomes.jsonl");
        let _ = std::fs::remove_file(&out);
        let run = symtest()
            .args(["grade", "-q"])
            .arg(problems)
            .arg(&wrong)
            .arg("-o")
            .arg(&out)
            .output()
            .expect("run grade");
        let code = run.status.code();
        assert!(code == Some(0) || code == Some(1), "grade: {run:?}");
        let outcomes = rows(&out);
        let wrong_rows = outcomes
            .iter()
            .filter(|o| o["sample_id"] != "reference")
            .count();
        assert!(
            wrong_rows >= 3 && outcomes.len() > wrong_rows,
            "{outcomes:?}"
        );
        for o in outcomes {
            let passed = o["status"] == "passed";
            if o["sample_id"] == "reference" {
                assert!(passed, "a reference fails its suite: {o}");
            } else if all_wrong_fail {
                assert!(!passed, "a wrong solution passes the generated suite: {o}");
                assert!(
                    o["first_failure"]["input"].is_string(),
                    "the failing stdin is shown: {o}"
                );
            } else {
                assert!(passed, "the dataset's own tests already catch it: {o}");
            }
        }
    }
}

/// A recursive reference explored up to the interpreter's depth limit (a
/// Python call nests several interpreter frames) runs on gen's worker
/// threads without overflowing their stack: HumanEval/63's `fibfib` aborted
/// the whole run when they had the default 2 MiB.
#[test]
fn deep_recursion_in_a_reference_does_not_abort_gen() {
    let dir = TempDir::new("deep");
    // HumanEval/63 as published (its tests' calls are the seeds).
    let fibfib = "def fibfib(n: int):\n    \"\"\"The n-th FibFib number.\"\"\"\n";
    let solution = "    if n == 0:\n        return 0\n    if n == 1:\n        return 0\n    if n == 2:\n        return 1\n    return fibfib(n - 1) + fibfib(n - 2) + fibfib(n - 3)\n";
    let check = "def check(candidate):\n    assert candidate(2) == 1\n    assert candidate(1) == 0\n    assert candidate(5) == 4\n    assert candidate(8) == 24\n    assert candidate(10) == 81\n    assert candidate(12) == 274\n    assert candidate(14) == 927\n";
    let chain = "def depth(n: int) -> int:\n    if n <= 0:\n        return 0\n    return 1 + depth(n - 1)\n";
    let rows = [
        serde_json::json!({"task_id": "deep/0", "prompt": fibfib, "canonical_solution": solution, "entry_point": "fibfib", "test": check}),
        serde_json::json!({"task_id": "deep/1", "prompt": chain, "canonical_solution": "", "entry_point": "depth",
            "test": "def check(candidate):\n    assert candidate(3) == 3\n"}),
    ];
    let text: String = rows.iter().map(|r| format!("{r}\n")).collect();
    let problems = dir.path("problems.jsonl");
    std::fs::write(&problems, text).expect("write problems");
    let out = dir.path("suites.jsonl");
    let run = symtest()
        .arg("gen")
        .arg(&problems)
        .arg("-o")
        .arg(&out)
        .args(["-q", "-j", "2"])
        .output()
        .expect("runs");
    assert!(
        run.status.code().is_some(),
        "gen died of a signal: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let suites = by_task(&out);
    assert!(
        suites.contains_key("deep/0") && suites.contains_key("deep/1"),
        "{suites:?}"
    );
}

/// A call the interpreter does not model (`heapq.nlargest`) is made in
/// CPython, in the sandbox, with concrete arguments, and exploration goes on
/// past it: the branch after it is covered, and the report counts the call
/// as a concretisation. With `--external-calls 0` the call stops the run and
/// the report says so.
#[test]
fn gen_computes_what_the_interpreter_does_not_model_in_cpython() {
    let dir = TempDir::new("gen-external");
    let problem = serde_json::json!({
        "task_id": "Ext/1",
        "prompt": "import heapq\n\ndef f(xs: list, k: int) -> int:\n",
        "canonical_solution": "    top = heapq.nlargest(2, xs)\n    if k > 5:\n        return len(top) + k\n    return -1\n",
        "test": "def check(candidate):\n    assert candidate([1, 2, 3], 0) == -1\n",
        "entry_point": "f",
    });
    let input = dir.jsonl("ext.jsonl", &[problem]);
    let run = |name: &str, extra: &[&str]| gen_row(&input, &dir.path(name), extra);
    let with = run("with.jsonl", &[]);
    let stats = &with["stats"];
    assert_eq!(stats["missed"], serde_json::json!([]), "{with}");
    assert_eq!(stats["branch_coverage"], serde_json::json!(1.0), "{with}");
    assert!(
        stats["concretised"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c[0] == "external call heapq.nlargest" && c[1].as_u64() > Some(0)),
        "{with}"
    );
    assert!(
        inputs(&with, "symbolic")
            .iter()
            .chain(inputs(&with, "boundary").iter())
            .any(|i| i.ends_with(", 6)")),
        "{with}"
    );
    let without = run("without.jsonl", &["--external-calls", "0"]);
    assert_eq!(
        without["stats"]["stop"], "unsupported: module heapq.nlargest",
        "{without}"
    );
    assert_eq!(
        without["stats"]["missed"],
        serde_json::json!(["if at 5:5 true"]),
        "{without}"
    );
}
