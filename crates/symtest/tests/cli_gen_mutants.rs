//! `symtest gen --mutants`: the set cover keeps an input for each mutant of
//! the reference (one slip: an operator swapped, a constant one off) that
//! some candidate tells apart, and the report says how many there were.
//! Graded end to end: samples that are such slips fail the generated tests
//! alone, for functions and for whole programs that read standard input.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod common;
use common::{TempDir, gen_row, grade, samples_of, status_of};

use serde_json::{Value, json};

const BODY: &str = "    odd = 0
    for x in xs:
        if x % 2 == 1:
            odd += 1
    even = 0
    for y in ys:
        if y % 2 == 0:
            even += 1
    if even >= odd:
        return 'swap'
    return 'keep'
";

/// Slips a path-covering suite of small inputs lets through: every branch
/// and comparison edge can be taken with `odd` and `even` at 0 or 1, and
/// with values whose remainders by 2 and by 3 agree.
const SLIPS: [(&str, &str, &str); 2] = [
    ("counts_twice", "odd += 1", "odd += 2"),
    ("mod_three", "y % 2 == 0", "y % 3 == 0"),
];

/// A HumanEval-style problem row; `call` and `answer` make its one test.
fn problem(task: &str, signature: &str, body: &str, call: &str, answer: &str) -> Value {
    let entry = signature.split('(').next().expect("a name");
    json!({
        "task_id": task,
        "prompt": format!("def {signature}:\n"),
        "canonical_solution": body,
        "test": format!("def check(candidate):\n    assert candidate({call}) == {answer}\n"),
        "entry_point": entry,
    })
}

/// Generates with `extra` flags; the generated tests alone (the dataset's
/// call left out) as a suite file, and its one row.
fn generate(dir: &TempDir, name: &str, extra: &[&str]) -> (PathBuf, Value) {
    let problem = problem(
        "Slip/1",
        "can_swap(xs: list[int], ys: list[int]) -> str",
        BODY,
        "[1, 2], [2]",
        "'swap'",
    );
    let (suite, row) = generated_alone(dir, name, problem, extra);
    assert!(
        row["tests"].as_array().is_some_and(|t| !t.is_empty()),
        "{row}"
    );
    (suite, row)
}

/// Generates a suite for `problem` with `extra` flags: the generated tests
/// alone (the dataset's left out) as a suite file, and its one row.
fn generated_alone(dir: &TempDir, name: &str, problem: Value, extra: &[&str]) -> (PathBuf, Value) {
    let input = dir.jsonl(&format!("{name}.in.jsonl"), &[problem]);
    let mut row = gen_row(&input, &dir.path(&format!("{name}.jsonl")), extra);
    let generated: Vec<Value> = row["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .filter(|t| t["origin"] != "dataset")
        .cloned()
        .collect();
    row["tests"] = Value::Array(generated);
    let suite = dir.jsonl(
        &format!("{name}.generated.jsonl"),
        std::slice::from_ref(&row),
    );
    (suite, row)
}

/// Each slip's status when graded against `suite`.
fn statuses(dir: &TempDir, suite: &Path) -> BTreeMap<&'static str, String> {
    let samples = samples_of(
        dir,
        SLIPS.iter().map(|(id, from, to)| {
            assert!(BODY.contains(from));
            let code: &'static str = BODY.replace(from, to).leak();
            ("Slip/1", *id, code)
        }),
    );
    let got = grade(dir, suite, &samples, &[]);
    SLIPS
        .iter()
        .map(|(id, _, _)| (*id, status_of(&got, "Slip/1", id)))
        .collect()
}

#[test]
fn the_suite_keeps_an_input_for_each_slip_a_candidate_tells_apart() {
    let dir = TempDir::new("gen-mutants");
    let (suite, row) = generate(&dir, "with", &[]);
    let m = &row["stats"]["mutants"];
    let made = m["made"].as_u64().expect("made");
    let found = m["told_apart_by_candidates"].as_u64().expect("found");
    let told = m["told_apart_by_generated_tests"].as_u64().expect("told");
    assert!(made >= 10, "{row}");
    assert!(told == found && found > 0 && found <= made, "{row}");
    let got = statuses(&dir, &suite);
    for (id, _, _) in SLIPS {
        assert_eq!(got[id], "failed", "{id}: {row}");
    }

    // The control: without mutants the same exploration's minimal suite
    // covers every branch and lets both slips through.
    let (suite, row) = generate(&dir, "without", &["--mutants", "0"]);
    assert_eq!(row["stats"]["mutants"]["made"], 0, "{row}");
    assert_eq!(row["stats"]["covered_generated"], row["stats"]["branches"]);
    let got = statuses(&dir, &suite);
    assert!(got.values().all(|s| s == "passed"), "{got:?}: {row}");
}

#[test]
fn mutants_that_never_stop_cost_no_coverage() {
    // `i += 1` made `i -= 1` loops forever on every input that enters the
    // loop, and `base`'s at load, where the module's top level calls it:
    // each mutant loads and runs on a time limit and is dropped once it
    // runs out, so the probed reference still loads and answers within its
    // budgets.
    let dir = TempDir::new("gen-mutants-loop");
    let mut problem = problem(
        "Loop/1",
        "steps(n: int) -> int",
        "    i = 0\n    total = BASE\n    while i < n:\n        i += 1\n        total += i\n    if total > 10:\n        return total\n    return -total\n",
        "2",
        "-6",
    );
    problem["prompt"] = json!(format!(
        "def base(n):\n    i = 0\n    s = 0\n    while i < n:\n        s += i\n        i += 1\n    return s\n\nBASE = base(3)\n\n{}",
        problem["prompt"].as_str().expect("prompt")
    ));
    let input = dir.jsonl("loop.in.jsonl", &[problem]);
    let row = gen_row(&input, &dir.path("loop.jsonl"), &["--call-timeout", "0.2"]);
    let s = &row["stats"];
    assert_eq!(s["covered_generated"], s["branches"], "{row}");
    assert_eq!(s["dropped_other"], 0, "{row}");
    assert!(s["mutants"]["made"].as_u64() > Some(5), "{row}");
}

#[test]
fn a_reference_that_could_swallow_the_time_limit_gets_no_mutants() {
    // A bare `except:` around a loop would catch the limit's exception on
    // every firing: its mutants are not made, and the report says so.
    let dir = TempDir::new("gen-mutants-bare");
    let problem = problem(
        "Bare/1",
        "first_int(xs: list[str]) -> int",
        "    for x in xs:\n        try:\n            return int(x) + 1\n        except:\n            pass\n    return -1\n",
        "['a', '2']",
        "3",
    );
    let input = dir.jsonl("bare.in.jsonl", &[problem]);
    let row = gen_row(&input, &dir.path("bare.jsonl"), &[]);
    assert_eq!(row["stats"]["mutants"]["made"], 0, "{row}");
    assert_eq!(row["stats"]["covered_generated"], row["stats"]["branches"]);
}

/// A whole program that reads standard input, and a slip in it that a
/// path-covering suite of small inputs lets through: the remainders of 1
/// and 2 by 2 and by 3 agree.
const PROGRAM: &str = "n = int(input())
xs = list(map(int, input().split()))
odd = 0
for x in xs:
    if x % 2 == 1:
        odd += 1
even = n - odd
print('more' if odd > even else 'less')
";
const STDIN_SLIP: (&str, &str, &str) = ("mod_three", "x % 2 == 1", "x % 3 == 1");

/// An APPS row: a whole program and its examples.
fn apps_row(id: &str, program: &str, inputs: &[&str], outputs: &[&str]) -> Value {
    json!({
        "problem_id": id,
        "question": "Read the input.\n\n-----Input-----\nNumbers.\n\n-----Output-----\nAn answer.\n",
        "solutions": serde_json::to_string(&[program]).expect("json"),
        "input_output": serde_json::to_string(&json!({"inputs": inputs, "outputs": outputs}))
            .expect("json"),
    })
}

/// Generates a stdin suite with `extra` flags: the generated tests alone
/// as a suite file, and its one row.
fn generate_stdin(dir: &TempDir, name: &str, extra: &[&str]) -> (PathBuf, Value) {
    let problem = apps_row("slip", PROGRAM, &["3\n1 2 3\n"], &["more\n"]);
    let (suite, row) = generated_alone(dir, name, problem, extra);
    assert_eq!(row["mode"], "stdio", "{row}");
    (suite, row)
}

#[test]
fn a_stdin_suite_keeps_an_input_for_each_slip_a_candidate_tells_apart() {
    let dir = TempDir::new("gen-mutants-stdin");
    let (id, from, to) = STDIN_SLIP;
    assert!(PROGRAM.contains(from));
    let samples = samples_of(
        &dir,
        [("slip", id, PROGRAM.replace(from, to).leak() as &str)].into_iter(),
    );
    let slip = |suite: &Path| status_of(&grade(&dir, suite, &samples, &[]), "slip", id);
    let (suite, row) = generate_stdin(&dir, "with", &[]);
    let m = &row["stats"]["mutants"];
    let made = m["made"].as_u64().expect("made");
    let found = m["told_apart_by_candidates"].as_u64().expect("found");
    assert!(made >= 10 && found > 0 && found <= made, "{row}");
    assert_eq!(slip(&suite), "failed", "{row}");

    // The control: without mutants the generated tests still take every
    // branch, and the slip passes them.
    let (suite, row) = generate_stdin(&dir, "without", &["--mutants", "0"]);
    assert_eq!(row["stats"]["mutants"]["made"], 0, "{row}");
    assert_eq!(row["stats"]["covered_generated"], row["stats"]["branches"]);
    assert_eq!(slip(&suite), "passed", "{row}");
}

/// The stats of `program`'s stdin suite, generated from one example.
fn stdin_stats(dir: &TempDir, id: &str, program: &str, example: (&str, &str)) -> Value {
    let problem = apps_row(id, program, &[example.0], &[example.1]);
    let input = dir.jsonl(&format!("{id}.in.jsonl"), &[problem]);
    gen_row(&input, &dir.path(&format!("{id}.jsonl")), &[])["stats"].clone()
}

#[test]
fn a_programs_mutants_are_run_where_they_cannot_harm_the_job() {
    // Mutants of this program loop forever (`i += 1` made `i -= 1`), open
    // another descriptor of the process (`open(0)` made `open(1)`, whose
    // file object would close it), and exit otherwise (`sys.exit(0)` made
    // `sys.exit(1)`): each runs on a time limit with its descriptors and
    // exits contained, so every input keeps its coverage and mutants are
    // still told apart.
    let dir = TempDir::new("gen-mutants-stdin-harm");
    let told = |s: &Value| {
        s["mutants"]["told_apart_by_candidates"]
            .as_u64()
            .unwrap_or(0)
    };
    let body = "data = open(0).read().split()\n\
        n = int(data[0])\n\
        i = 0\n\
        total = 0\n\
        while i < n:\n    i += 1\n    total += i\n\
        if total > 10:\n    print(total)\nelse:\n    print(-total)\n\
        sys.stdout.flush()\n";
    let s = stdin_stats(
        &dir,
        "harm",
        &format!("import sys\n{body}sys.exit(0)\n"),
        ("2\n", "-3\n"),
    );
    assert_eq!(s["covered"], s["branches"], "{s}");
    assert!(s["mutants"]["made"].as_u64() > Some(5), "{s}");
    assert!(told(&s) > 2, "{s}");

    // `os._exit(0)` made `os._exit(1)` ends this run, not the job's
    // process: the mutants after it are still told apart. (The interpreter
    // ends the program there too, so it is explored whole.)
    let s = stdin_stats(
        &dir,
        "exits",
        &format!("import os, sys\n{body}os._exit(0)\n"),
        ("2\n", "-3\n"),
    );
    assert!(told(&s) > 2, "{s}");
    assert_eq!(s["covered"], s["branches"], "{s}");
    assert_eq!(s["fidelity"]["compared"], s["fidelity"]["equal"], "{s}");

    // A program with threads of its own (out of the time limit's reach),
    // or with state that outlives a run (a `fileinput` reader left open
    // makes every later run raise), gets no mutants, and its suite is made
    // as before.
    for (id, import) in [("threads", "threading"), ("reader", "fileinput")] {
        let s = stdin_stats(
            &dir,
            id,
            &format!("import {import}\n{PROGRAM}"),
            ("3\n1 2 3\n", "more\n"),
        );
        assert_eq!(s["mutants"]["made"], 0, "{s}");
        assert_eq!(s["covered"], s["branches"], "{s}");
    }
}
