//! Problems to grade against: HumanEval, MBPP, APPS, CodeContests, TACO
//! and verl's ground truth as published, and symtest's own test suites. Every format becomes a [`Problem`]: how to turn
//! a completion into a program, a reference program when there is one, and
//! the tests.

mod apps;
mod codecontests;
pub mod emit;
mod read;
mod taco;
mod verl;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde_json::Value as Json;
use symtest_pyvalue::PyValue;

mod problem;

pub use problem::{CallCase, Problem, StdioCase, Tests, args_repr, json_to_py};
pub use read::{RowError, Rows, read_rows};
use read::{field, id_field, wrong_kind};

/// A problem file's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// HumanEval: `task_id, prompt, canonical_solution, test, entry_point`.
    HumanEval,
    /// MBPP: `task_id, text, code, test_list`.
    Mbpp,
    /// APPS: `problem_id, question, solutions, input_output, starter_code`.
    Apps,
    /// DeepMind's CodeContests: `name, description, public_tests,
    /// private_tests, generated_tests, solutions` (by language id).
    CodeContests,
    /// TACO: APPS' fields without an id (`name`, else the row's line).
    Taco,
    /// The rows verl and PRIME train on: `reward_model.ground_truth` (a JSON
    /// string of `{inputs, outputs}` or `{fn_name, inputs, outputs}`),
    /// `extra_info.index`.
    Verl,
    /// symtest's TestSuite rows, as `symtest gen` writes them.
    Suite,
}

impl Format {
    /// The names `--format` takes, as [`Format`]'s `FromStr` reads them.
    pub const NAMES: [&'static str; 7] = [
        "humaneval",
        "mbpp",
        "apps",
        "codecontests",
        "taco",
        "verl",
        "suite",
    ];

    const ALL: [Format; 7] = [
        Format::HumanEval,
        Format::Mbpp,
        Format::Apps,
        Format::CodeContests,
        Format::Taco,
        Format::Verl,
        Format::Suite,
    ];

    /// The format's name, as `--format` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Format::HumanEval => "humaneval",
            Format::Mbpp => "mbpp",
            Format::Apps => "apps",
            Format::CodeContests => "codecontests",
            Format::Taco => "taco",
            Format::Verl => "verl",
            Format::Suite => "suite",
        }
    }

    /// The format of a row, from the fields that identify it.
    pub fn detect(row: &Json) -> Option<Format> {
        let has = |k: &str| row.get(k).is_some();
        if has("tests") && has("mode") {
            Some(Format::Suite)
        } else if has("canonical_solution") || (has("prompt") && has("test") && has("entry_point"))
        {
            Some(Format::HumanEval)
        } else if has("test_list") {
            Some(Format::Mbpp)
        } else if has("public_tests") || has("private_tests") || has("generated_tests") {
            Some(Format::CodeContests)
        } else if row
            .get("reward_model")
            .is_some_and(|r| r.get("ground_truth").is_some())
        {
            Some(Format::Verl)
        } else if has("input_output")
            && !has("problem_id")
            && (has("raw_tags") || has("skill_types") || has("picture_num"))
        {
            Some(Format::Taco)
        } else if has("input_output") || has("question") {
            Some(Format::Apps)
        } else {
            None
        }
    }

    /// The problem of one row (`line` is where it is, for formats without ids).
    fn read(self, row: &Json, line: usize) -> Result<Problem, String> {
        match self {
            Format::HumanEval => humaneval(row),
            Format::Mbpp => mbpp(row),
            Format::Apps => apps::apps(row),
            Format::CodeContests => codecontests::codecontests(row),
            Format::Taco => taco::taco(row, line),
            Format::Verl => verl::verl(row),
            Format::Suite => suite(row),
        }
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                format!(
                    "unknown format '{s}' (expected {})",
                    Format::NAMES.join(", ")
                )
            })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The problems of a file, by task id, and the rows that could not be used.
pub struct Loaded {
    /// The problems read, by task id (a repeated id keeps its first row).
    pub problems: BTreeMap<String, Problem>,
    /// Every row that could not be used, with its file and line.
    pub errors: Vec<RowError>,
    /// The format read, given or detected; `None` when no row told.
    pub format: Option<Format>,
    /// The line (as in [`Rows`]) of each problem's row, by task id.
    pub lines: BTreeMap<String, usize>,
}

/// Loads a problem file; `format` None detects it from the first row.
pub fn load(path: &Path, format: Option<Format>) -> std::io::Result<Loaded> {
    let (rows, errors) = read_rows(path)?;
    Ok(from_rows(rows, errors, &path.display().to_string(), format))
}

/// The problems of rows already read (`(line, row)`, as [`read_rows`] gives
/// them), `file` naming where they came from in messages; `errors` holds
/// the rows' earlier problems and is kept. `format` None detects it from
/// the first row that tells.
pub fn from_rows(
    rows: Rows,
    mut errors: Vec<RowError>,
    file: &str,
    format: Option<Format>,
) -> Loaded {
    let file = file.to_string();
    let format = format.or_else(|| rows.iter().find_map(|(_, r)| Format::detect(r)));
    let mut problems = BTreeMap::new();
    let mut lines = BTreeMap::new();
    let Some(fmt) = format else {
        if !rows.is_empty() {
            errors.push(RowError {
                file,
                line: rows[0].0,
                message: "cannot tell the format (HumanEval, MBPP, APPS, CodeContests, TACO, verl or a symtest suite); give --format".into(),
            });
        }
        return Loaded {
            problems,
            errors,
            format: None,
            lines: BTreeMap::new(),
        };
    };
    for (line, row) in rows {
        let parsed = fmt.read(&row, line);
        match parsed.and_then(|p| validate(&p).map(|()| p)) {
            Ok(p) => {
                if problems.contains_key(&p.task_id) {
                    errors.push(RowError {
                        file: file.clone(),
                        line,
                        message: format!(
                            "task_id '{}' appears again; the first row is kept",
                            p.task_id
                        ),
                    });
                } else {
                    lines.insert(p.task_id.clone(), line);
                    problems.insert(p.task_id.clone(), p);
                }
            }
            Err(message) => errors.push(RowError {
                file: file.clone(),
                line,
                message,
            }),
        }
    }
    Loaded {
        problems,
        errors,
        format,
        lines,
    }
}

/// A problem every sample would pass is refused: no tests at all, test code
/// with no `check` to call, a time of its reference that is not a time.
fn validate(p: &Problem) -> Result<(), String> {
    let times: Vec<Option<f64>> = match &p.tests {
        Tests::Calls { cases, .. } if cases.is_empty() => {
            return Err("no tests: every sample would pass".into());
        }
        Tests::Stdio { cases } if cases.is_empty() => {
            return Err("no tests: every sample would pass".into());
        }
        Tests::Stdio { cases } if cases.iter().all(|c| c.expected.trim().is_empty()) => {
            return Err(
                "every test expects no output: a program that prints nothing would pass".into(),
            );
        }
        Tests::Check {
            test, call_check, ..
        } => {
            if test.trim().is_empty() {
                return Err("the test code is empty: every sample would pass".into());
            }
            if *call_check && !test.contains("def check") {
                return Err("the test code defines no 'check' function".into());
            }
            Vec::new()
        }
        Tests::Calls { cases, .. } => cases.iter().map(|c| c.reference_ms).collect(),
        Tests::Stdio { cases } => cases.iter().map(|c| c.reference_ms).collect(),
    };
    if let Some(bad) = times
        .iter()
        .flatten()
        .find(|t| !(t.is_finite() && **t >= 0.0))
    {
        return Err(format!(
            "ref_ms {bad} is not a time in milliseconds (a non-negative number)"
        ));
    }
    if let Tests::Calls { cases, .. } = &p.tests
        && let Some(i) = cases
            .iter()
            .position(|c| c.expected.is_empty() && c.raises.is_none())
    {
        return Err(format!(
            "tests[{i}] expects nothing: it would pass every sample"
        ));
    }
    Ok(())
}

/// HumanEval: `task_id, prompt, canonical_solution, test, entry_point`.
fn humaneval(row: &Json) -> Result<Problem, String> {
    let task_id = id_field(row, "task_id")?;
    let prompt = field(row, "prompt")?.to_string();
    let test = field(row, "test")?.to_string();
    let entry = field(row, "entry_point")?.to_string();
    let reference = row
        .get("canonical_solution")
        .and_then(Json::as_str)
        .map(|c| format!("{prompt}{c}"));
    Ok(Problem {
        task_id,
        prefix: prompt.clone(),
        tests: Tests::Check {
            test,
            // Some checks call the function by name (HumanEval/33): in
            // HumanEval that name is the candidate's own definition.
            bind: vec![entry.clone()],
            call_check: true,
            harness_prompt: prompt.clone(),
        },
        prompt,
        reference,
        entry_point: Some(entry),
    })
}

/// MBPP: `task_id, text, code, test_list` (+ optional `test_setup_code` of
/// the original format, `test_imports` of the sanitized one, and
/// `challenge_test_list`). The imports, then the set-up code, run before the
/// asserts; each assert calls the function by name; that name is bound to
/// the candidate in the harness.
fn mbpp(row: &Json) -> Result<Problem, String> {
    let task_id = id_field(row, "task_id")?;
    let text = row
        .get("text")
        .or_else(|| row.get("prompt"))
        .and_then(Json::as_str)
        .ok_or("missing field 'text'")?
        .to_string();
    let code = field(row, "code")?.to_string();
    let list = |k: &str| -> Result<Vec<String>, String> {
        match row.get(k) {
            None | Some(Json::Null) => Ok(Vec::new()),
            Some(Json::Array(xs)) => xs
                .iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_string)
                        .ok_or(format!("'{k}' should hold strings"))
                })
                .collect(),
            Some(other) => Err(wrong_kind(&format!("field '{k}'"), "a list", other)),
        }
    };
    let tests = list("test_list")?;
    if tests.is_empty() {
        return Err("field 'test_list' is empty".into());
    }
    let setup = row
        .get("test_setup_code")
        .and_then(Json::as_str)
        .unwrap_or("");
    let entry = called_function(&code, &tests)
        .ok_or("no function defined in 'code' is called by 'test_list'")?;
    let imports = list("test_imports")?;
    let mut test = String::new();
    for line in &imports {
        test.push_str(line);
        test.push('\n');
    }
    if !setup.is_empty() {
        test.push_str(setup);
        test.push('\n');
    }
    for t in &tests {
        test.push_str(t);
        test.push('\n');
    }
    Ok(Problem {
        task_id,
        prompt: text,
        prefix: String::new(),
        reference: Some(code),
        entry_point: Some(entry.clone()),
        tests: Tests::Check {
            test,
            bind: vec![entry],
            call_check: false,
            harness_prompt: String::new(),
        },
    })
}

/// The first function the reference defines (at top level) that the tests call.
fn called_function(code: &str, tests: &[String]) -> Option<String> {
    let defined: Vec<&str> = code
        .lines()
        .filter_map(|l| l.strip_prefix("def "))
        .filter_map(|l| l.split('(').next())
        .map(str::trim)
        .collect();
    let all = tests.join("\n");
    let mut best: Option<(usize, &str)> = None;
    for name in defined {
        let pattern = format!("{name}(");
        let mut from = 0;
        while let Some(i) = all[from..].find(&pattern) {
            let at = from + i;
            let before = all[..at].chars().next_back();
            if !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                if best.is_none_or(|(b, _)| at < b) {
                    best = Some((at, name));
                }
                break;
            }
            from = at + pattern.len();
        }
    }
    best.map(|(_, n)| n.to_string())
}

/// A symtest TestSuite row: `task_id, entry_point, mode, tests` with each test's
/// `input` and `expected` as Python literals (or stdin/stdout text); `prompt`
/// (the code a completion continues) is optional.
fn suite(row: &Json) -> Result<Problem, String> {
    let task_id = id_field(row, "task_id")?;
    let mode = field(row, "mode")?;
    let prefix = row
        .get("prompt")
        .and_then(Json::as_str)
        .unwrap_or("")
        .to_string();
    let tests = row
        .get("tests")
        .and_then(Json::as_array)
        .ok_or("field 'tests' should be a list")?;
    let reference = row
        .get("reference")
        .and_then(Json::as_str)
        .map(str::to_string);
    let ms = |t: &Json| t.get("ref_ms").and_then(Json::as_f64);
    let tests = match mode {
        "call" => {
            let entry = field(row, "entry_point")?.to_string();
            let mut cases = Vec::with_capacity(tests.len());
            for (i, t) in tests.iter().enumerate() {
                let input = field(t, "input").map_err(|e| format!("tests[{i}]: {e}"))?;
                let raises = t.get("raises").and_then(Json::as_str).map(str::to_string);
                let args = match PyValue::parse(input)
                    .map_err(|e| format!("tests[{i}].input is not a Python literal: {e}"))?
                {
                    PyValue::Tuple(xs) => xs,
                    other => vec![other],
                };
                let expected =
                    if raises.is_some() {
                        Vec::new()
                    } else {
                        let text = field(t, "expected").map_err(|e| {
                            format!("tests[{i}]: {e} (or 'raises' with an exception type)")
                        })?;
                        vec![PyValue::parse(text).map_err(|e| {
                            format!("tests[{i}].expected is not a Python literal: {e}")
                        })?]
                    };
                cases.push(CallCase {
                    args,
                    expected,
                    raises,
                    tuple_as_list: false,
                    origin: t.get("origin").and_then(Json::as_str).map(str::to_string),
                    reference_ms: ms(t),
                });
            }
            Tests::Calls { entry, cases }
        }
        "stdio" => Tests::Stdio {
            cases: tests
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    Ok(StdioCase {
                        stdin: field(t, "input")
                            .map_err(|e| format!("tests[{i}]: {e}"))?
                            .to_string(),
                        expected: field(t, "expected")
                            .map_err(|e| format!("tests[{i}]: {e}"))?
                            .to_string(),
                        reference_ms: ms(t),
                        example: true,
                    })
                })
                .collect::<Result<_, String>>()?,
        },
        other => {
            return Err(format!(
                "field 'mode' should be 'call' or 'stdio', found '{other}'"
            ));
        }
    };
    Ok(Problem {
        task_id,
        prompt: prefix.clone(),
        prefix,
        reference,
        entry_point: row
            .get("entry_point")
            .and_then(Json::as_str)
            .map(str::to_string),
        tests,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_called_function() {
        let code = "def helper(x):\n    return x\ndef remove_Occ(s, ch):\n    return s\n";
        let tests = vec!["assert remove_Occ(\"hello\",\"l\") == \"heo\"".to_string()];
        assert_eq!(called_function(code, &tests).as_deref(), Some("remove_Occ"));
        let tests = vec!["assert math.isclose(area(2), 4)".to_string()];
        assert_eq!(
            called_function("def area(r):\n    return r*r\n", &tests).as_deref(),
            Some("area")
        );
        assert_eq!(
            called_function("def f(): pass\n", &["assert g(1)".to_string()]),
            None
        );
    }

    #[test]
    fn problems_every_sample_would_pass_are_refused() {
        let dir = std::env::temp_dir().join(format!("symtest-ds-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("p.jsonl");
        let rows = [
            r#"{"task_id": "a", "entry_point": "f", "mode": "call", "tests": []}"#,
            r#"{"task_id": "b", "mode": "stdio", "tests": [{"input": "1", "expected": "1", "ref_ms": -5}]}"#,
            r#"{"task_id": "c", "mode": "stdio", "tests": [{"input": "1", "expected": "1", "ref_ms": 2.5}]}"#,
        ];
        std::fs::write(&path, rows.join("\n")).unwrap();
        let l = load(&path, None).unwrap();
        assert_eq!(l.problems.keys().collect::<Vec<_>>(), ["c"]);
        assert!(l.errors[0].message.contains("no tests"), "{:?}", l.errors);
        assert!(l.errors[1].message.contains("ref_ms"), "{:?}", l.errors);
        let he = r#"{"task_id": "h", "prompt": "def f(): pass\n", "canonical_solution": "", "test": "assert True\n", "entry_point": "f"}"#;
        let apps = r#"{"problem_id": 9, "question": "q", "input_output": "{\"inputs\": [], \"outputs\": []}"}"#;
        for (row, want) in [(he, "check"), (apps, "no tests")] {
            std::fs::write(&path, row).unwrap();
            let l = load(&path, None).unwrap();
            assert!(l.problems.is_empty());
            assert!(l.errors[0].message.contains(want), "{:?}", l.errors);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn detects_formats() {
        let he = serde_json::json!({"task_id": "HumanEval/0", "prompt": "", "test": "", "entry_point": "f", "canonical_solution": ""});
        assert_eq!(Format::detect(&he), Some(Format::HumanEval));
        let mbpp = serde_json::json!({"task_id": 1, "text": "", "code": "", "test_list": []});
        assert_eq!(Format::detect(&mbpp), Some(Format::Mbpp));
        let apps = serde_json::json!({"problem_id": 1, "question": "", "input_output": "{}"});
        assert_eq!(Format::detect(&apps), Some(Format::Apps));
        let cc = serde_json::json!({"name": "1_A", "public_tests": {"input": [], "output": []}});
        assert_eq!(Format::detect(&cc), Some(Format::CodeContests));
        let taco = serde_json::json!({"question": "", "input_output": "{}", "raw_tags": "[]"});
        assert_eq!(Format::detect(&taco), Some(Format::Taco));
        let verl = serde_json::json!({"reward_model": {"ground_truth": "{}"}, "extra_info": {}});
        assert_eq!(Format::detect(&verl), Some(Format::Verl));
        for name in Format::NAMES {
            assert_eq!(name.parse::<Format>().map(|f| f.name()), Ok(name));
        }
    }

    #[test]
    fn reads_the_stdin_fixtures() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/stdin");
        for (file, format, first) in [
            ("apps.jsonl", Format::Apps, "9001"),
            (
                "codecontests.jsonl",
                Format::CodeContests,
                "1001_A. Permutation Check",
            ),
            ("taco.jsonl", Format::Taco, "best_line"),
            ("verl.jsonl", Format::Verl, "0"),
        ] {
            let l = load(&dir.join(file), None).unwrap();
            assert!(l.errors.is_empty(), "{file}: {:?}", l.errors);
            assert_eq!(l.format, Some(format), "{file}");
            assert_eq!(l.problems.keys().next().map(String::as_str), Some(first));
        }
    }
}
