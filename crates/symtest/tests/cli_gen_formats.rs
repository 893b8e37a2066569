//! `symtest gen` on the stdin fixtures of every published format
//! (`examples/stdin/`: APPS, CodeContests, TACO, verl): stdin suites are
//! generated, the wrong solutions of `wrong.jsonl` (each passing all of its
//! dataset's tests) fail them with the failing stdin shown, the references
//! pass, and `--emit` writes the suites back in the dataset's own shape,
//! which grades as the suite does.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod common;
use common::{TempDir, example, gen_row, grade, rows, status_of, symtest};

use serde_json::{Value, json};

/// Wrong solutions the stdin generator does not expose yet (the input that
/// would need is beyond what it explores today: a sum shared by a
/// non-permutation, which no path of the reference and no slip of it asks
/// for). Checked by the ignored test
/// `every_wrong_solution_fails_its_generated_suite`.
const NOT_YET_EXPOSED: [&str; 1] = ["1001_A. Permutation Check"];

/// The task ids of a fixture file, as `wrong.jsonl` names them.
fn task_ids(file: &str) -> Vec<String> {
    rows(Path::new(&example(&format!("stdin/{file}.jsonl"))))
        .iter()
        .map(|r| {
            let id = match file {
                "apps" => r["problem_id"].clone(),
                "verl" => r["extra_info"]["index"].clone(),
                _ => r["name"].clone(),
            };
            match id {
                Value::String(s) => s,
                other => other.to_string(),
            }
        })
        .collect()
}

/// The wrong samples of these tasks, and one sample per suite: its reference.
fn samples(dir: &TempDir, ids: &[String], suites: &Path) -> PathBuf {
    let mut out: Vec<Value> = rows(Path::new(&example("stdin/wrong.jsonl")))
        .into_iter()
        .filter(|r| ids.iter().any(|id| r["task_id"] == id.as_str()))
        .collect();
    for s in rows(suites) {
        out.push(json!({"task_id": s["task_id"], "sample_id": "reference", "completion": s["reference"]}));
    }
    dir.jsonl("samples.jsonl", &out)
}

fn generate(dir: &TempDir, file: &str, emit: &str) -> PathBuf {
    let out = dir.path("suites.jsonl");
    symtest()
        .args(["gen", "-q"])
        .arg(example(&format!("stdin/{file}.jsonl")))
        .arg("-o")
        .arg(&out)
        .args(["--emit", emit])
        .assert()
        .success();
    out
}

/// Generates the file's suites, grades its wrong solutions and references
/// against them (and against the suites written back in `emit`'s shape),
/// and checks the verdicts; `strict` checks the wrong solutions the
/// generator does not expose yet too.
fn check_file(file: &str, emit: &str, strict: bool) {
    let dir = TempDir::new(&format!("formats-{file}-{strict}"));
    let ids = task_ids(file);
    let suites = generate(&dir, file, emit);
    let by_id: BTreeMap<String, Value> = rows(&suites)
        .into_iter()
        .map(|r| (r["task_id"].as_str().expect("task_id").to_string(), r))
        .collect();
    for id in &ids {
        let row = by_id
            .get(id)
            .unwrap_or_else(|| panic!("{file}: no suite for {id}"));
        assert!(
            row["tests"].as_array().is_some_and(|t| !t.is_empty()),
            "{id}"
        );
    }
    let samples = samples(&dir, &ids, &suites);
    let wrong: Vec<(String, String, Value)> = rows(&samples)
        .into_iter()
        .filter(|s| s["sample_id"] != "reference")
        .map(|s| {
            let id = s["task_id"].as_str().expect("task_id").to_string();
            (
                id,
                s["sample_id"].as_str().expect("sample_id").to_string(),
                s["exposed_by"].clone(),
            )
        })
        .collect();
    assert!(!wrong.is_empty(), "{file}: no wrong solutions");

    // The dataset's own tests pass every wrong solution.
    let dataset = Path::new(&example(&format!("stdin/{file}.jsonl"))).to_path_buf();
    let own = grade(&dir, &dataset, &samples, &[]);
    for (id, sample, _) in &wrong {
        assert_eq!(
            status_of(&own, id, sample),
            "passed",
            "{file}: {id} {sample} on the dataset's tests"
        );
    }

    let emitted = dir.path(&format!("suites.{emit}.jsonl"));
    for problems in [&suites, &emitted] {
        let got = grade(&dir, problems, &samples, &[]);
        for id in &ids {
            assert_eq!(
                status_of(&got, id, "reference"),
                "passed",
                "{}: {id}'s reference",
                problems.display()
            );
        }
        for (id, sample, _) in &wrong {
            if !strict && NOT_YET_EXPOSED.contains(&id.as_str()) {
                continue;
            }
            let o = got
                .iter()
                .find(|o| o["task_id"] == id.as_str() && o["sample_id"] == sample.as_str())
                .unwrap_or_else(|| panic!("{file}: no outcome for {id} {sample}"));
            assert_ne!(
                o["status"],
                "passed",
                "{}: {id} {sample} passed: {o}",
                problems.display()
            );
            let input = &o["first_failure"]["input"];
            let is_stdio = by_id[id]["mode"] == "stdio";
            assert!(
                input.as_str().is_some_and(|s| !s.is_empty()),
                "{id} {sample}: the failure shows no input: {o}"
            );
            if is_stdio {
                let shown = input.as_str().unwrap_or("");
                let in_suite = by_id[id]["tests"]
                    .as_array()
                    .is_some_and(|ts| ts.iter().any(|t| t["input"] == shown));
                assert!(
                    in_suite,
                    "{id} {sample}: the failing stdin {shown:?} is not a test of the suite"
                );
            }
        }
    }
}

/// A test per example file (and the shape `--emit` writes it in): its
/// stdin suites expose the wrong solutions not listed as not exposed yet.
macro_rules! stdin_suites_expose {
    ($($test:ident: $file:literal as $emit:literal),+ $(,)?) => {
        $(
            #[test]
            fn $test() {
                check_file($file, $emit, false);
            }
        )+

        #[test]
        #[ignore = "the stdin generator does not expose every wrong solution yet (NOT_YET_EXPOSED)"]
        fn every_wrong_solution_fails_its_generated_suite() {
            for (file, emit) in [$(($file, $emit)),+] {
                check_file(file, emit, true);
            }
        }
    };
}

stdin_suites_expose! {
    apps_stdin_suites_expose_the_wrong_solutions: "apps" as "apps",
    codecontests_stdin_suites_expose_the_wrong_solutions: "codecontests" as "codecontests",
    taco_stdin_suites_expose_the_wrong_solutions: "taco" as "apps",
    verl_stdin_suites_expose_the_wrong_solutions: "verl" as "verl",
}

#[test]
fn codecontests_reference_is_the_python3_solution_and_hidden_tests_join_the_suite() {
    let dir = TempDir::new("formats-cc-reference");
    let suites = generate(&dir, "codecontests", "codecontests");
    let fixture = rows(Path::new(&example("stdin/codecontests.jsonl")));
    for row in &fixture {
        let name = row["name"].as_str().expect("name");
        let langs = row["solutions"]["language"].as_array().expect("languages");
        let at = langs
            .iter()
            .position(|l| l == 3)
            .expect("a Python 3 solution");
        assert!(at > 0, "{name}: the fixture lists another language first");
        let python3 = &row["solutions"]["solution"][at];
        let suite = rows(&suites)
            .into_iter()
            .find(|s| s["task_id"] == name)
            .unwrap_or_else(|| panic!("no suite for {name}"));
        assert_eq!(&suite["reference"], python3, "{name}");
        // Every test of the three sets is in the suite, with its output.
        let tests = suite["tests"].as_array().expect("tests");
        for set in ["public_tests", "private_tests", "generated_tests"] {
            let ins = row[set]["input"].as_array().expect("inputs");
            let outs = row[set]["output"].as_array().expect("outputs");
            for (i, o) in ins.iter().zip(outs) {
                assert!(
                    tests.iter().any(|t| &t["input"] == i
                        && &t["expected"] == o
                        && t["origin"] == "dataset"),
                    "{name}: {set} {i} is not in the suite"
                );
            }
        }
    }
    // Written back: the row's own fields and tests kept, generated tests added.
    let emitted = rows(&dir.path("suites.codecontests.jsonl"));
    assert_eq!(emitted.len(), fixture.len());
    for row in &fixture {
        let back = emitted
            .iter()
            .find(|e| e["name"] == row["name"])
            .expect("written back");
        for keep in [
            "public_tests",
            "private_tests",
            "solutions",
            "cf_rating",
            "description",
        ] {
            assert_eq!(back[keep], row[keep], "{keep}");
        }
        let old = row["generated_tests"]["input"].as_array().expect("inputs");
        let new = back["generated_tests"]["input"].as_array().expect("inputs");
        assert!(new.starts_with(old), "{}", row["name"]);
    }
}

#[test]
fn bad_rows_are_reported_with_the_field_and_skipped() {
    let dir = TempDir::new("formats-bad-rows");
    let good = json!({
        "name": "echo",
        "public_tests": {"input": ["1\n"], "output": ["1\n"]},
        "solutions": {"language": [2, 3], "solution": ["int main() {}", "print(input())\n"]},
    });
    let bad = json!({"name": "broken", "public_tests": {"input": ["1\n"], "output": ["1\n"]}, "private_tests": ["1\n"]});
    let problems = dir.jsonl("cc.jsonl", &[good, bad]);
    let out = dir.path("suites.jsonl");
    let run = symtest()
        .args(["gen", "-q", "--format", "codecontests"])
        .arg(&problems)
        .arg("-o")
        .arg(&out)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.contains("cc.jsonl:2")
            && stderr.contains("field 'private_tests' should be an object"),
        "{stderr}"
    );
    let suites = rows(&out);
    assert_eq!(suites.len(), 1);
    assert_eq!(suites[0]["reference"], "print(input())\n");
    let unknown = symtest()
        .args(["gen", "--format", "codeforces"])
        .arg(&problems)
        .arg("-o")
        .arg(&out)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        !unknown.status.success() && stderr.contains("codecontests, taco, verl"),
        "{stderr}"
    );
}

/// The statement's bounds in the usual form are found, reported in the
/// suite's stats with whether they held at an input number, and shape the
/// inputs: `best_line`'s examples are all positive where the statement
/// allows -100, and its wrong solution (a running maximum from 0) needs a
/// table of negative sums.
#[test]
fn statement_bounds_are_reported_and_reach_the_inputs() {
    let dir = TempDir::new("stated");
    let suites = generate(&dir, "taco", "apps");
    let row = rows(&suites)
        .into_iter()
        .find(|r| r["task_id"] == "best_line")
        .expect("best_line's suite");
    let stated = row["stats"]["stated"].as_array().expect("stated");
    for bound in ["1 ≤ n, m ≤ 100", "-100 ≤ a_ij ≤ 100"] {
        assert!(
            stated
                .iter()
                .any(|s| s["bound"] == bound && s["applied"] == true),
            "{bound} not found or not applied: {stated:?}"
        );
    }
    let negative = row["tests"].as_array().is_some_and(|ts| {
        ts.iter().any(|t| {
            t["input"]
                .as_str()
                .is_some_and(|s| s.split_whitespace().any(|w| w.starts_with('-')))
        })
    });
    assert!(negative, "no test with a negative number: {row}");
}

/// A problem's suite does not depend on what was generated before it on
/// the same thread: each exploration gets a solver context of its own (Z3's
/// answers follow its context's history, and the suite followed them:
/// Distinct Counter's wrong solution passed one run in five).
#[test]
fn a_suite_is_the_same_whatever_was_generated_before_it() {
    let dir = TempDir::new("formats-history");
    let all = rows(Path::new(&example("stdin/codecontests.jsonl")));
    let target = "1003_C. Distinct Counter";
    let alone: Vec<Value> = all
        .iter()
        .filter(|r| r["name"] == target)
        .cloned()
        .collect();
    let mut after_others: Vec<Value> = all
        .iter()
        .filter(|r| r["name"] != target)
        .cloned()
        .collect();
    after_others.extend(alone.iter().cloned());
    let suite_of = |name: &str, problems: &[Value]| -> Value {
        let input = dir.jsonl(&format!("{name}.jsonl"), problems);
        let out = dir.path(&format!("{name}.suites.jsonl"));
        symtest()
            .args(["gen", "-q", "--parallel", "1", "-j", "1"])
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .assert()
            .success();
        let mut row = rows(&out)
            .into_iter()
            .find(|r| r["task_id"] == target)
            .unwrap_or_else(|| panic!("{name}: no suite for {target}"));
        // The reference's times are measured, not generated.
        for t in row["tests"].as_array_mut().into_iter().flatten() {
            t["ref_ms"] = Value::Null;
        }
        row
    };
    let a = suite_of("alone", &alone);
    let b = suite_of("after", &after_others);
    assert_eq!(a["stats"]["paths"], b["stats"]["paths"]);
    assert_eq!(a["tests"], b["tests"]);
}

/// `--max-tokens`: generated rows stay short unless asked. A branch on a
/// count of 10 or more (then that many numbers) is out of reach with the
/// default sizes, and reported as not covered; with `--max-tokens 12` the
/// example grown to 12 numbers is explored too, the branch is covered, and
/// no generated row is longer than asked.
#[test]
fn max_tokens_reaches_branches_on_long_rows_and_bounds_them() {
    let dir = TempDir::new("max-tokens");
    let source = "n = int(input())\nxs = list(map(int, input().split()))\nif n >= 10:\n    print(sum(xs))\nelse:\n    print(max(xs))\n";
    let problem = json!({
        "problem_id": "long_row",
        "question": "Given n (1 <= n <= 100) and n numbers, print their sum if n >= 10, else their maximum.",
        "solutions": serde_json::to_string(&[source]).expect("json"),
        "input_output": serde_json::to_string(&json!({"inputs": ["3\n1 2 3\n"], "outputs": ["3\n"]})).expect("json"),
    });
    let input = dir.jsonl("long.jsonl", &[problem]);
    let suite =
        |name: &str, extra: &[&str]| gen_row(&input, &dir.path(&format!("{name}.jsonl")), extra);
    let longest = |row: &Value| {
        row["tests"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["input"].as_str())
            .flat_map(|s| s.lines().map(|l| l.split_whitespace().count()))
            .max()
            .unwrap_or(0)
    };
    let small = suite("default", &[]);
    assert_eq!(
        small["stats"]["missed"],
        json!(["if at 3:1 true"]),
        "{small}"
    );
    assert!(longest(&small) <= 6, "{small}");
    let asked = suite("asked", &["--max-tokens", "12"]);
    assert_eq!(asked["stats"]["missed"], json!([]), "{asked}");
    assert_eq!(asked["stats"]["branch_coverage"], json!(1.0), "{asked}");
    let n = longest(&asked);
    assert!((10..=12).contains(&n), "longest row {n}: {asked}");
}

/// A decision on a value the solver cannot steer (`bin(n)` is concretised)
/// and one that needs an empty line no example shows: exploration alone
/// leaves them uncovered; inputs one change away from the others (a token
/// one up, a line emptied) take them, run in the interpreter first and kept
/// as `neighbour` tests.
#[test]
fn neighbours_take_the_directions_the_solver_cannot_steer_to() {
    let dir = TempDir::new("neighbours");
    let source = "t = int(input())\nfor _ in range(t):\n    line = input().split()\n    if not line:\n        print('EMPTY')\n        continue\n    n = int(line[0])\n    if bin(n).count('1') == 1:\n        print('POWER')\n    else:\n        print('OTHER')\n";
    let problem = json!({
        "problem_id": "powers",
        "question": "For each of t lines (1 <= t <= 10) print POWER if its number n (1 <= n <= 10^9) is a power of two, OTHER if not, EMPTY for an empty line.",
        "solutions": serde_json::to_string(&[source]).expect("json"),
        "input_output": serde_json::to_string(&json!({"inputs": ["2\n4\n16\n"], "outputs": ["POWER\nPOWER\n"]})).expect("json"),
    });
    let input = dir.jsonl("powers.jsonl", &[problem]);
    let row = gen_row(&input, &dir.path("suite.jsonl"), &[]);
    assert_eq!(row["stats"]["missed"], json!([]), "{row}");
    let neighbours: Vec<&str> = row["tests"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t["origin"] == "neighbour")
        .filter_map(|t| t["expected"].as_str())
        .collect();
    assert!(
        neighbours.iter().any(|e| e.contains("OTHER"))
            && neighbours.iter().any(|e| e.contains("EMPTY")),
        "{row}"
    );
}
