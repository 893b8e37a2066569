//! Suites written back in a dataset's own shape: each problem with the
//! tests of its symtest suite (the dataset's and the generated ones), so a
//! pipeline that reads APPS, CodeContests or verl rows can use them as they
//! are. A problem read from a row of the same shape keeps every field of it
//! and only its tests change; any other becomes a new row of that shape.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde_json::{Map, Value as Json, json};
use symtest_pyvalue::PyValue;

use super::codecontests::TEST_SETS;
use super::{Format, read_rows};

/// A dataset shape suites can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Emit {
    /// APPS: `input_output` (a JSON string of `{inputs, outputs}`, with
    /// `fn_name` for calls, each output wrapped in a list of one) holds
    /// every test.
    Apps,
    /// CodeContests: the generated tests are added to `generated_tests`;
    /// the public and private tests stay as they were (standard input only).
    CodeContests,
    /// verl and PRIME: `reward_model.ground_truth` (a JSON string of
    /// `{inputs, outputs}` or `{fn_name, inputs, outputs}` with bare
    /// outputs) holds every test.
    Verl,
}

impl Emit {
    /// The names `--emit` takes.
    pub const NAMES: [&'static str; 3] = ["apps", "codecontests", "verl"];

    /// The shape's name.
    pub fn name(self) -> &'static str {
        match self {
            Emit::Apps => "apps",
            Emit::CodeContests => "codecontests",
            Emit::Verl => "verl",
        }
    }

    /// Whether a problem row of `format` is already in this shape (its
    /// other fields are then kept).
    fn same_shape(self, format: Option<Format>) -> bool {
        matches!(
            (self, format),
            (Emit::Apps, Some(Format::Apps | Format::Taco))
                | (Emit::CodeContests, Some(Format::CodeContests))
                | (Emit::Verl, Some(Format::Verl))
        )
    }
}

impl FromStr for Emit {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "apps" => Ok(Emit::Apps),
            "codecontests" => Ok(Emit::CodeContests),
            "verl" => Ok(Emit::Verl),
            _ => Err(format!(
                "unknown shape '{s}' (expected {})",
                Emit::NAMES.join(", ")
            )),
        }
    }
}

impl fmt::Display for Emit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One test of a suite row in the shape's terms.
struct Test {
    /// Standard input, or the argument list as JSON.
    input: Json,
    /// Standard output, or the returned value as JSON.
    output: Json,
    /// The suite's `origin` (`dataset` for the dataset's own tests).
    from_dataset: bool,
}

/// The tests of a suite row that the shape can hold, and how many it cannot
/// (an expected exception, a value JSON has no form for).
fn suite_tests(suite: &Json) -> Result<(Option<String>, Vec<Test>, usize), String> {
    let mode = suite.get("mode").and_then(Json::as_str).unwrap_or("");
    let entry = match mode {
        "stdio" => None,
        "call" => Some(
            suite
                .get("entry_point")
                .and_then(Json::as_str)
                .ok_or("a call suite without 'entry_point'")?
                .to_string(),
        ),
        other => {
            return Err(format!(
                "suite 'mode' should be 'call' or 'stdio', found '{other}'"
            ));
        }
    };
    let rows = suite
        .get("tests")
        .and_then(Json::as_array)
        .ok_or("suite field 'tests' should be a list")?;
    let (mut tests, mut skipped) = (Vec::new(), 0);
    for t in rows {
        let text = |k: &str| t.get(k).and_then(Json::as_str);
        let from_dataset = text("origin") == Some("dataset");
        let (Some(input), Some(expected)) = (text("input"), text("expected")) else {
            skipped += 1;
            continue;
        };
        if entry.is_none() {
            tests.push(Test {
                input: json!(input),
                output: json!(expected),
                from_dataset,
            });
            continue;
        }
        let args = PyValue::parse(input).ok().and_then(|v| match v {
            PyValue::Tuple(xs) => to_json(&PyValue::List(xs)),
            other => to_json(&PyValue::List(vec![other])),
        });
        let value = PyValue::parse(expected).ok().and_then(|v| to_json(&v));
        match (args, value) {
            (Some(input), Some(output)) => tests.push(Test {
                input,
                output,
                from_dataset,
            }),
            _ => skipped += 1,
        }
    }
    Ok((entry, tests, skipped))
}

/// A Python value as JSON, when JSON has a form for it (tuples become lists).
fn to_json(v: &PyValue) -> Option<Json> {
    Some(match v {
        PyValue::None => Json::Null,
        PyValue::Bool(b) => json!(b),
        PyValue::Int(i) => {
            if let Ok(x) = i64::try_from(i) {
                json!(x)
            } else {
                json!(u64::try_from(i).ok()?)
            }
        }
        PyValue::Float(f) if f.is_finite() => json!(f),
        PyValue::Str(s) => json!(s),
        PyValue::List(xs) | PyValue::Tuple(xs) => {
            Json::Array(xs.iter().map(to_json).collect::<Option<_>>()?)
        }
        PyValue::Dict(kv) => {
            let mut m = Map::new();
            for (k, v) in kv {
                let PyValue::Str(k) = k else { return None };
                m.insert(k.clone(), to_json(v)?);
            }
            Json::Object(m)
        }
        _ => return None,
    })
}

/// `{inputs, outputs}` (with `fn_name` for calls), APPS wrapping each
/// returned value in a list of one.
fn io_object(entry: &Option<String>, tests: &[Test], wrap: bool) -> String {
    let inputs: Vec<&Json> = tests.iter().map(|t| &t.input).collect();
    let outputs: Vec<Json> = tests
        .iter()
        .map(|t| match (entry, wrap) {
            (Some(_), true) => json!([t.output]),
            _ => t.output.clone(),
        })
        .collect();
    let mut io = json!({"inputs": inputs, "outputs": outputs});
    if let Some(name) = entry {
        io["fn_name"] = json!(name);
    }
    io.to_string()
}

/// The row of one problem in `emit`'s shape: `source` is the problem's own
/// row when it was read from one of the same shape, `prompt` what a model
/// is shown (the suite's own when `None`).
pub fn emit_row(
    emit: Emit,
    source: Option<&Json>,
    prompt: Option<&str>,
    suite: &Json,
) -> Result<(Json, usize), String> {
    let (entry, tests, skipped) = suite_tests(suite)?;
    let text = |k: &str| {
        let own = suite.get(k).and_then(Json::as_str).unwrap_or("");
        match (k, prompt) {
            ("prompt", Some(p)) => p,
            _ => own,
        }
    };
    let task_id = text("task_id");
    // APPS' ids are numbers.
    let number_id = task_id
        .parse::<u64>()
        .map_or_else(|_| json!(task_id), |n| json!(n));
    let reference = suite.get("reference").and_then(Json::as_str);
    let row = match emit {
        Emit::Apps => {
            let mut row = source.cloned().unwrap_or_else(|| {
                json!({
                    "problem_id": number_id,
                    "question": text("prompt"),
                    "solutions": json!(reference.into_iter().collect::<Vec<_>>()).to_string(),
                    "starter_code": "",
                })
            });
            row["input_output"] = json!(io_object(&entry, &tests, true));
            row
        }
        Emit::Verl => {
            let mut row = source.cloned().unwrap_or_else(|| {
                json!({
                    "data_source": "symtest",
                    "prompt": [{"role": "user", "content": text("prompt")}],
                    "ability": "code",
                    "reward_model": {"style": "rule"},
                    "extra_info": {"split": "test", "index": task_id, "reference": reference},
                })
            });
            row["reward_model"]["ground_truth"] = json!(io_object(&entry, &tests, false));
            row
        }
        Emit::CodeContests => {
            if entry.is_some() {
                return Err(
                    "CodeContests holds standard input tests only; this suite calls a function"
                        .into(),
                );
            }
            let set = |ts: &[&Test]| {
                json!({
                    "input": ts.iter().map(|t| &t.input).collect::<Vec<_>>(),
                    "output": ts.iter().map(|t| &t.output).collect::<Vec<_>>(),
                })
            };
            let generated: Vec<&Test> = tests.iter().filter(|t| !t.from_dataset).collect();
            match source {
                Some(src) => {
                    let mut row = src.clone();
                    let mut all = match src.get(TEST_SETS[2]) {
                        Some(Json::Object(_)) => src[TEST_SETS[2]].clone(),
                        _ => json!({"input": [], "output": []}),
                    };
                    for (key, pick) in [("input", 0), ("output", 1)] {
                        let mut xs = all
                            .get(key)
                            .and_then(Json::as_array)
                            .cloned()
                            .unwrap_or_default();
                        xs.extend(generated.iter().map(|t| {
                            if pick == 0 {
                                t.input.clone()
                            } else {
                                t.output.clone()
                            }
                        }));
                        all[key] = Json::Array(xs);
                    }
                    row[TEST_SETS[2]] = all;
                    row
                }
                None => {
                    let dataset: Vec<&Test> = tests.iter().filter(|t| t.from_dataset).collect();
                    json!({
                        "name": task_id,
                        "description": text("prompt"),
                        "public_tests": set(&dataset),
                        "private_tests": set(&[]),
                        "generated_tests": set(&generated),
                        "solutions": {
                            "language": reference.iter().map(|_| 3).collect::<Vec<_>>(),
                            "solution": reference.into_iter().collect::<Vec<_>>(),
                        },
                    })
                }
            }
        }
    };
    Ok((row, skipped))
}

/// What [`write`] did.
#[derive(Clone, Debug, Default)]
pub struct Emitted {
    /// Rows written.
    pub rows: usize,
    /// Tests the shape cannot hold (expected exceptions, values JSON has
    /// no form for), left out.
    pub skipped_tests: usize,
    /// Suites that could not be written, with why.
    pub errors: Vec<String>,
}

/// Writes every suite of `suites` (symtest's rows) in `emit`'s shape to
/// `out`, each problem's own row of `problems` kept where it has that shape.
pub fn write(
    emit: Emit,
    problems: &Path,
    format: Option<Format>,
    suites: &Path,
    out: &Path,
) -> std::io::Result<Emitted> {
    let (rows, errors) = read_rows(problems)?;
    let by_line: std::collections::HashMap<usize, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, (line, _))| (*line, i))
        .collect();
    let loaded = super::from_rows(
        rows.clone(),
        errors,
        &problems.display().to_string(),
        format,
    );
    let keep = emit.same_shape(loaded.format);
    let (suite_rows, _) = read_rows(suites)?;
    let mut done = Emitted::default();
    let mut text = String::new();
    for (_, suite) in &suite_rows {
        let id = suite.get("task_id").and_then(Json::as_str).unwrap_or("");
        let source = loaded
            .lines
            .get(id)
            .filter(|_| keep)
            .and_then(|line| by_line.get(line))
            .map(|&i| &rows[i].1);
        let prompt = loaded.problems.get(id).map(|p| p.prompt.as_str());
        match emit_row(emit, source, prompt, suite) {
            Ok((row, skipped)) => {
                text.push_str(&row.to_string());
                text.push('\n');
                done.rows += 1;
                done.skipped_tests += skipped;
            }
            Err(e) => done.errors.push(format!("{id}: {e}")),
        }
    }
    std::fs::write(out, text)?;
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suite(mode: &str, tests: Json) -> Json {
        json!({"task_id": "7", "entry_point": if mode == "call" { json!("f") } else { Json::Null },
               "mode": mode, "prompt": "p", "reference": "print(1)", "tests": tests})
    }

    /// APPS' `input_output` of the row written for `suite`, parsed.
    fn apps_io(suite: &Json) -> Json {
        let (apps, _) = emit_row(Emit::Apps, None, None, suite).unwrap();
        serde_json::from_str(apps["input_output"].as_str().unwrap()).unwrap()
    }

    #[test]
    fn shapes_as_published() {
        let s = suite(
            "stdio",
            json!([
                {"input": "1\n", "expected": "1\n", "origin": "dataset"},
                {"input": "2\n", "expected": "2\n", "origin": "symbolic"},
            ]),
        );
        assert_eq!(
            apps_io(&s),
            json!({"inputs": ["1\n", "2\n"], "outputs": ["1\n", "2\n"]})
        );
        let src = json!({"name": "7", "public_tests": {"input": ["1\n"], "output": ["1\n"]},
                         "generated_tests": {"input": ["9\n"], "output": ["9\n"]}, "cf_rating": 800});
        let (cc, _) = emit_row(Emit::CodeContests, Some(&src), None, &s).unwrap();
        assert_eq!(
            cc["generated_tests"],
            json!({"input": ["9\n", "2\n"], "output": ["9\n", "2\n"]})
        );
        assert_eq!(
            (cc["public_tests"].clone(), cc["cf_rating"].clone()),
            (src["public_tests"].clone(), json!(800))
        );
        let c = suite(
            "call",
            json!([
                {"input": "([1, 2], 3)", "expected": "(4, 5)", "origin": "symbolic"},
                {"input": "([1], 0)", "raises": "ValueError", "origin": "symbolic"},
            ]),
        );
        let (verl, skipped) = emit_row(Emit::Verl, None, None, &c).unwrap();
        let gt: Json =
            serde_json::from_str(verl["reward_model"]["ground_truth"].as_str().unwrap()).unwrap();
        assert_eq!(
            gt,
            json!({"fn_name": "f", "inputs": [[[1, 2], 3]], "outputs": [[4, 5]]})
        );
        assert_eq!(skipped, 1);
        assert_eq!(apps_io(&c)["outputs"], json!([[[4, 5]]]));
        assert!(emit_row(Emit::CodeContests, None, None, &c).is_err());
    }
}
