//! APPS (and TACO, which publishes its problems in APPS' shape): the
//! question, `solutions` and `input_output` as JSON held in strings.

use serde_json::Value as Json;
use symtest_pyvalue::PyValue;

use super::problem::{CallCase, Problem, StdioCase, Tests, json_to_py};
use super::read::{field, id_field, same_lengths, wrong_kind};

/// APPS (`problem_id, question, solutions, input_output, starter_code`):
/// `solutions` and `input_output` are JSON held in strings. With `fn_name`
/// the tests are calls, otherwise standard input and output.
pub(super) fn apps(row: &Json) -> Result<Problem, String> {
    let task_id = id_field(row, "problem_id").or_else(|_| id_field(row, "task_id"))?;
    apps_shaped(row, task_id)
}

/// A row in APPS' shape whose id is already known (TACO's rows have none).
pub(super) fn apps_shaped(row: &Json, task_id: String) -> Result<Problem, String> {
    let question = field(row, "question")?.to_string();
    // The text of `input_output`, when it is a string (as APPS publishes
    // it): call arguments and results are read from it exactly.
    let mut io_text: Option<&str> = None;
    let io = match row.get("input_output") {
        Some(Json::String(s)) if s.trim().is_empty() => {
            return Err("field 'input_output' is empty".into());
        }
        Some(Json::String(s)) => {
            io_text = Some(s);
            serde_json::from_str::<Json>(s)
                .map_err(|e| format!("field 'input_output' is not JSON: {e}"))?
        }
        Some(v @ Json::Object(_)) => v.clone(),
        Some(other) => {
            return Err(wrong_kind("field 'input_output'", "a JSON string", other));
        }
        None => return Err("missing field 'input_output'".into()),
    };
    let inputs = io
        .get("inputs")
        .and_then(Json::as_array)
        .ok_or("'input_output' has no 'inputs' list")?;
    let outputs = io
        .get("outputs")
        .and_then(Json::as_array)
        .ok_or("'input_output' has no 'outputs' list")?;
    same_lengths(
        "input_output",
        (inputs.len(), "inputs"),
        (outputs.len(), "outputs"),
    )?;
    let solutions: Vec<String> = match row.get("solutions") {
        Some(Json::String(s)) if !s.trim().is_empty() => serde_json::from_str(s)
            .map_err(|e| format!("field 'solutions' is not a JSON list of strings: {e}"))?,
        Some(Json::Array(xs)) => xs
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    let starter = row.get("starter_code").and_then(Json::as_str).unwrap_or("");
    let prompt = if starter.is_empty() {
        question
    } else {
        format!("{question}\n{starter}")
    };
    let tests = match io.get("fn_name").and_then(Json::as_str) {
        Some(name) => {
            let (inputs, outputs) = exact_calls(io_text, inputs, outputs)?;
            // APPS wraps each return value in a list of one (`[[1, 2]]` for
            // `[1, 2]`), but not in every row. Only where every output is a
            // list of one is it unwrapped (the whole list is accepted too,
            // as APPS' own grader does); elsewhere an output is the value
            // (so `1` never passes for an output `[1, 2, 3]`).
            let wrapped = outputs
                .iter()
                .all(|o| matches!(o, PyValue::List(xs) if xs.len() == 1));
            let cases = inputs
                .into_iter()
                .zip(outputs)
                .map(|(i, expected)| {
                    let mut alts = Vec::with_capacity(2);
                    if wrapped
                        && let PyValue::List(xs) = &expected
                        && let Some(first) = xs.first()
                    {
                        alts.push(first.clone());
                    }
                    alts.push(expected);
                    dataset_call(i, alts)
                })
                .collect();
            Tests::Calls {
                entry: name.to_string(),
                cases,
            }
        }
        None => Tests::Stdio {
            cases: example_cases(inputs, outputs),
        },
    };
    let entry_point = match &tests {
        Tests::Calls { entry, .. } => Some(entry.clone()),
        _ => None,
    };
    Ok(Problem {
        task_id,
        prompt,
        prefix: String::new(),
        reference: solutions.into_iter().next(),
        entry_point,
        tests,
    })
}

/// The inputs and outputs of call tests as Python reads them: from the
/// field's text when there is one (every integer exact, as `json.loads`
/// reads it), else from values already read, where an integer beyond 64
/// bits has become a float and the row is refused rather than judged
/// within a float tolerance.
pub(super) fn exact_calls(
    text: Option<&str>,
    inputs: &[Json],
    outputs: &[Json],
) -> Result<(Vec<PyValue>, Vec<PyValue>), String> {
    if let Some(text) = text {
        let io =
            symtest_pyvalue::from_json(text).map_err(|e| format!("field 'input_output': {e}"))?;
        let PyValue::Dict(fields) = io else {
            return Err("field 'input_output' is not a JSON object".into());
        };
        let list = |name: &str| {
            fields.iter().find_map(|(k, v)| match (k, v) {
                (PyValue::Str(k), PyValue::List(xs)) if k == name => Some(xs.clone()),
                _ => None,
            })
        };
        return match (list("inputs"), list("outputs")) {
            (Some(i), Some(o)) => Ok((i, o)),
            _ => Err("'input_output' has no 'inputs' or 'outputs' list".into()),
        };
    }
    fn lossy(v: &Json) -> bool {
        match v {
            Json::Number(n) => {
                n.as_i64().is_none() && n.as_u64().is_none() && {
                    let f = n.as_f64().unwrap_or(0.0);
                    f.fract() == 0.0 && f.abs() >= 9_007_199_254_740_992.0
                }
            }
            Json::Array(xs) => xs.iter().any(lossy),
            Json::Object(m) => m.values().any(lossy),
            _ => false,
        }
    }
    if inputs.iter().chain(outputs).any(lossy) {
        return Err(
            "'input_output' holds an integer beyond 64 bits, which JSON read as a \
                    float: give 'input_output' as a JSON string (as APPS publishes it)"
                .into(),
        );
    }
    Ok((
        inputs.iter().map(json_to_py).collect(),
        outputs.iter().map(json_to_py).collect(),
    ))
}

/// The stdin cases of paired `inputs` and `outputs` (APPS' and verl's
/// lists), each one of the statement's examples.
/// A call test of the APPS layout: `input` is the list of arguments (any
/// other value is the one argument), `expected` the values that pass, and
/// a tuple returned passes for the list JSON wrote.
pub(super) fn dataset_call(input: PyValue, expected: Vec<PyValue>) -> CallCase {
    CallCase {
        args: match input {
            PyValue::List(xs) => xs,
            other => vec![other],
        },
        expected,
        tuple_as_list: true,
        origin: Some("dataset".into()),
        reference_ms: None,
        raises: None,
    }
}

pub(super) fn example_cases(inputs: &[Json], outputs: &[Json]) -> Vec<StdioCase> {
    inputs
        .iter()
        .zip(outputs)
        .map(|(i, o)| StdioCase {
            stdin: text_or_lines(i),
            expected: text_or_lines(o),
            reference_ms: None,
            example: true,
        })
        .collect()
}

/// APPS stores some inputs and outputs as lists of lines.
pub(super) fn text_or_lines(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Array(xs) => xs
            .iter()
            .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join("\n"),
        other => other.to_string(),
    }
}
