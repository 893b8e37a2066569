//! The rows verl and PRIME train on: `prompt` (a chat), `reward_model:
//! {style, ground_truth}` with the ground truth a JSON string of `{inputs,
//! outputs}` (standard input and output) or `{fn_name, inputs, outputs}`
//! (calls, each output the bare value), and `extra_info: {split, index}`.

use serde_json::Value as Json;

use super::apps::{dataset_call, exact_calls, example_cases};
use super::problem::{Problem, Tests};
use super::read::{same_lengths, wrong_kind};

/// A verl row. Its id is `extra_info.index` as text; its reference is
/// `extra_info.reference` when the row carries one (the published rows
/// carry none: such a problem can be graded, not generated).
pub(super) fn verl(row: &Json) -> Result<Problem, String> {
    let info = match row.get("extra_info") {
        Some(i @ Json::Object(_)) => i,
        Some(other) => {
            return Err(wrong_kind("field 'extra_info'", "an object", other));
        }
        None => return Err("missing field 'extra_info' (with the row's 'index')".into()),
    };
    let task_id = match info.get("index") {
        Some(Json::String(s)) => s.clone(),
        Some(Json::Number(n)) => n.to_string(),
        Some(other) => {
            return Err(wrong_kind(
                "field 'extra_info.index'",
                "a number or string",
                other,
            ));
        }
        None => return Err("missing field 'extra_info.index'".into()),
    };
    let reference = match info.get("reference") {
        None | Some(Json::Null) => None,
        Some(Json::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(wrong_kind(
                "field 'extra_info.reference'",
                "a string",
                other,
            ));
        }
    };
    let (text, truth) = ground_truth(row)?;
    let inputs = list(&truth, "inputs")?;
    let outputs = list(&truth, "outputs")?;
    same_lengths(
        "reward_model.ground_truth",
        (inputs.len(), "inputs"),
        (outputs.len(), "outputs"),
    )?;
    let tests = match truth.get("fn_name") {
        Some(Json::String(name)) => {
            let (inputs, outputs) = exact_calls(text.as_deref(), inputs, outputs)
                .map_err(|e| e.replace("'input_output'", "'reward_model.ground_truth'"))?;
            let cases = inputs
                .into_iter()
                .zip(outputs)
                .map(|(i, o)| dataset_call(i, vec![o]))
                .collect();
            Tests::Calls {
                entry: name.clone(),
                cases,
            }
        }
        None | Some(Json::Null) => Tests::Stdio {
            cases: example_cases(inputs, outputs),
        },
        Some(other) => {
            return Err(wrong_kind(
                "'reward_model.ground_truth.fn_name'",
                "a string",
                other,
            ));
        }
    };
    let entry_point = match &tests {
        Tests::Calls { entry, .. } => Some(entry.clone()),
        _ => None,
    };
    Ok(Problem {
        task_id,
        prompt: prompt_text(row.get("prompt")),
        prefix: String::new(),
        reference,
        entry_point,
        tests,
    })
}

/// The ground truth, and its text when it was a string (call values are
/// read exactly from it).
fn ground_truth(row: &Json) -> Result<(Option<String>, Json), String> {
    let truth = match row.get("reward_model") {
        Some(r @ Json::Object(_)) => r.get("ground_truth"),
        Some(other) => {
            return Err(wrong_kind("field 'reward_model'", "an object", other));
        }
        None => return Err("missing field 'reward_model'".into()),
    };
    match truth {
        Some(Json::String(s)) => serde_json::from_str::<Json>(s)
            .map(|v| (Some(s.clone()), v))
            .map_err(|e| {
                format!(
                    "field 'reward_model.ground_truth' should be a JSON string of {{\"inputs\", \"outputs\"}}: {e}"
                )
            }),
        Some(v @ Json::Object(_)) => Ok((None, v.clone())),
        Some(other) => Err(wrong_kind("field 'reward_model.ground_truth'", "a JSON string", other)),
        None => Err("missing field 'reward_model.ground_truth'".into()),
    }
}

fn list<'a>(truth: &'a Json, key: &str) -> Result<&'a [Json], String> {
    match truth.get(key) {
        Some(Json::Array(xs)) => Ok(xs),
        Some(other) => Err(wrong_kind(
            &format!("'reward_model.ground_truth.{key}'"),
            "a list",
            other,
        )),
        None => Err(format!("'reward_model.ground_truth' has no '{key}' list")),
    }
}

/// What the model is shown: the chat's user turns (the last one last), or
/// the prompt itself when it is text.
fn prompt_text(prompt: Option<&Json>) -> String {
    match prompt {
        Some(Json::String(s)) => s.clone(),
        Some(Json::Array(turns)) => turns
            .iter()
            .filter(|t| t.get("role").and_then(Json::as_str) == Some("user"))
            .filter_map(|t| t.get("content").and_then(Json::as_str))
            .collect::<Vec<_>>()
            .join("\n\n"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use symtest_pyvalue::PyValue;

    #[test]
    fn reads_stdin_and_call_ground_truth() {
        let row = json!({
            "prompt": [{"role": "user", "content": "add"}],
            "reward_model": {"style": "rule", "ground_truth": "{\"inputs\": [\"1 2\\n\"], \"outputs\": [\"3\\n\"]}"},
            "extra_info": {"split": "test", "index": 4, "reference": "print(3)"},
        });
        let p = verl(&row).unwrap();
        assert_eq!((p.task_id.as_str(), p.prompt.as_str()), ("4", "add"));
        assert_eq!(p.reference.as_deref(), Some("print(3)"));
        assert!(matches!(&p.tests, Tests::Stdio { cases } if cases[0].expected == "3\n"));
        let row = json!({
            "reward_model": {"ground_truth": "{\"fn_name\": \"f\", \"inputs\": [[[1, 2]]], \"outputs\": [[1, 2]]}"},
            "extra_info": {"index": "a"},
        });
        let p = verl(&row).unwrap();
        let Tests::Calls { entry, cases } = &p.tests else {
            panic!("not calls")
        };
        assert_eq!(entry, "f");
        // The bare value: the list, never its first item.
        assert_eq!(cases[0].expected, [PyValue::List(vec![1.into(), 2.into()])]);
    }

    #[test]
    fn bad_rows_name_the_field() {
        let gt = json!({"ground_truth": "{\"inputs\": [], \"outputs\": []}"});
        for (row, want) in [
            (json!({"reward_model": gt}), "extra_info"),
            (
                json!({"reward_model": gt, "extra_info": {}}),
                "extra_info.index",
            ),
            (
                json!({"reward_model": {"ground_truth": "[oops"}, "extra_info": {"index": 1}}),
                "ground_truth",
            ),
            (
                json!({"reward_model": {"ground_truth": "{\"inputs\": [1]}"}, "extra_info": {"index": 1}}),
                "'outputs'",
            ),
        ] {
            let e = verl(&row).unwrap_err();
            assert!(e.contains(want), "{e}");
        }
    }
}
