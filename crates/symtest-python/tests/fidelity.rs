//! The interpreter agrees with CPython: every function of a corpus runs on
//! random inputs of its annotated types in both, and the results (value or
//! exception type) must be equal. The HumanEval variant (opt-in) runs the 164
//! canonical solutions on the calls their own `check` makes.

use std::io::Write;
use std::process::{Command, Stdio};

use num_bigint::BigInt;
use symtest_python::{Limits, Program, RunResult, Ty};
use symtest_pyvalue::{PyValue, Tolerance, py_eq};

const CORPUS: &str = include_str!("corpus/semantics.py");
const ORACLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/oracle.py");
const CALLS_PER_FUNCTION: usize = 40;

/// A small deterministic generator (xorshift): the same inputs every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn value(&mut self, ty: &Ty) -> PyValue {
        const INTS: [i64; 12] = [0, 1, -1, 2, -2, 3, 7, -7, 10, -13, 100, 1_000_003];
        const FLOATS: [f64; 9] = [0.0, 1.5, -2.5, 0.1, 3.0, -0.5, 2.675, 1e10, -7.25];
        const CHARS: &[u8] = b"aAbz ( )1,.~-Zq";
        match ty {
            Ty::Int | Ty::Any => {
                if self.below(3) == 0 {
                    PyValue::Int(BigInt::from(INTS[self.below(INTS.len())]))
                } else {
                    PyValue::Int(BigInt::from(self.below(41) as i64 - 20))
                }
            }
            Ty::Float => PyValue::Float(FLOATS[self.below(FLOATS.len())]),
            Ty::Bool => PyValue::Bool(self.below(2) == 0),
            Ty::Str => {
                let n = self.below(7);
                PyValue::Str(
                    (0..n)
                        .map(|_| CHARS[self.below(CHARS.len())] as char)
                        .collect(),
                )
            }
            Ty::None => PyValue::None,
            Ty::List(t) => {
                let n = self.below(6);
                PyValue::List((0..n).map(|_| self.value(t)).collect())
            }
            Ty::Tuple(ts) => PyValue::Tuple(ts.iter().map(|t| self.value(t)).collect()),
            Ty::TupleOf(t) => {
                let n = self.below(4);
                PyValue::Tuple((0..n).map(|_| self.value(t)).collect())
            }
            Ty::Dict(k, v) => {
                let n = self.below(4);
                let mut items: Vec<(PyValue, PyValue)> = Vec::new();
                for _ in 0..n {
                    let key = self.value(k);
                    if !items.iter().any(|(e, _)| *e == key) {
                        items.push((key, self.value(v)));
                    }
                }
                PyValue::Dict(items)
            }
            Ty::Set(t) => {
                let n = self.below(4);
                let mut items: Vec<PyValue> = Vec::new();
                for _ in 0..n {
                    let x = self.value(t);
                    if !items.contains(&x) {
                        items.push(x);
                    }
                }
                PyValue::Set(items)
            }
            Ty::Optional(t) => {
                if self.below(4) == 0 {
                    PyValue::None
                } else {
                    self.value(t)
                }
            }
            Ty::Union(ts) => {
                let i = self.below(ts.len());
                self.value(&ts[i])
            }
        }
    }
}

struct Call {
    src: String,
    entry: String,
    args: Vec<PyValue>,
}

/// What CPython gives for each call, in order.
fn cpython(calls: &[Call]) -> Vec<(String, String)> {
    let mut child = Command::new("python3")
        .arg(ORACLE)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let lines: String = calls
        .iter()
        .map(|c| {
            let args: Vec<String> = c.args.iter().map(PyValue::repr).collect();
            serde_json::json!({"src": c.src, "entry": c.entry, "args": args}).to_string() + "\n"
        })
        .collect();
    let writer = std::thread::spawn(move || stdin.write_all(lines.as_bytes()));
    let out = child.wait_with_output().expect("oracle output");
    writer.join().expect("writer").expect("write calls");
    assert!(out.status.success(), "oracle failed");
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| {
            let j: serde_json::Value = serde_json::from_str(l).expect("json line");
            (
                j["kind"].as_str().unwrap_or("").to_string(),
                j["value"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn agrees(ours: &RunResult, kind: &str, theirs: &str) -> bool {
    match (ours, kind) {
        (RunResult::Returned(v), "R") => {
            PyValue::parse(theirs).is_ok_and(|t| py_eq(v, &t, Tolerance::EXACT))
        }
        (RunResult::ReturnedOther(_), "R") => true,
        (RunResult::Raised(e), "E") => e.type_name == theirs,
        _ => false,
    }
}

/// Runs every call in both interpreters; returns the disagreements.
fn compare(calls: &[Call], limits: Limits) -> Vec<String> {
    let theirs = cpython(calls);
    assert_eq!(theirs.len(), calls.len(), "the oracle answered every call");
    let mut programs = std::collections::HashMap::new();
    let mut bad = Vec::new();
    for (call, (kind, value)) in calls.iter().zip(&theirs) {
        let program = programs
            .entry(call.src.clone())
            .or_insert_with(|| Program::parse(&call.src).expect("corpus parses"));
        let ours = program.run(&call.entry, &call.args, limits.clone());
        if !agrees(&ours, kind, value) {
            let args: Vec<String> = call.args.iter().map(PyValue::repr).collect();
            bad.push(format!(
                "{}({}): CPython {kind} {value}, symtest {ours:?}",
                call.entry,
                args.join(", ")
            ));
        }
    }
    bad
}

#[test]
fn corpus_agrees_with_cpython() {
    let program = Program::parse(CORPUS).expect("corpus parses");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut calls = Vec::new();
    for name in program.function_names() {
        let params = program.annotated_params(&name).expect("function");
        let tys: Vec<Ty> = params
            .iter()
            .map(|(p, t, _)| {
                t.clone()
                    .unwrap_or_else(|| panic!("{name}.{p} is annotated"))
            })
            .collect();
        for _ in 0..CALLS_PER_FUNCTION {
            calls.push(Call {
                src: CORPUS.to_string(),
                entry: name.clone(),
                args: tys.iter().map(|t| rng.value(t)).collect(),
            });
        }
    }
    assert!(calls.len() >= 30 * CALLS_PER_FUNCTION);
    let bad = compare(&calls, Limits::default());
    assert!(
        bad.is_empty(),
        "{} of {} calls differ:\n{}",
        bad.len(),
        calls.len(),
        bad.join("\n")
    );
}

/// The 164 canonical HumanEval solutions on the calls of their own tests.
/// Opt-in: `cargo test -p symtest-python --test fidelity -- --ignored`.
#[test]
#[ignore = "runs all of HumanEval; `make test-all`"]
fn humaneval_canonical_solutions_agree_with_cpython() {
    let data =
        std::env::var("SYMTEST_HUMANEVAL").expect("SYMTEST_HUMANEVAL names HumanEval.jsonl.gz");
    let recorder = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/record_humaneval.py"
    );
    let out = Command::new("python3")
        .arg(recorder)
        .arg(&data)
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "recorder failed");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let limits = Limits {
        max_steps: 5_000_000,
        ..Limits::default()
    };
    let (mut total, mut bad) = (0, Vec::new());
    for line in text.lines() {
        let row: serde_json::Value = serde_json::from_str(line).expect("json row");
        let src = row["source"].as_str().expect("source");
        let entry = row["entry"].as_str().expect("entry");
        let program = Program::parse(src).expect("canonical solution parses");
        for call in row["calls"].as_array().expect("calls") {
            let args: Vec<PyValue> = call[0]
                .as_array()
                .expect("args")
                .iter()
                .map(|a| PyValue::parse(a.as_str().expect("repr")).expect("literal argument"))
                .collect();
            let (kind, value) = (
                call[1].as_str().expect("kind"),
                call[2].as_str().expect("value"),
            );
            total += 1;
            let ours = program.run(entry, &args, limits.clone());
            if !agrees(&ours, kind, value) {
                bad.push(format!(
                    "{}: CPython {kind} {value}, symtest {ours:?}",
                    row["task_id"]
                ));
            }
        }
    }
    assert!(total > 1000, "only {total} calls recorded");
    assert!(
        bad.is_empty(),
        "{} of {total} calls differ:\n{}",
        bad.len(),
        bad.join("\n")
    );
}
