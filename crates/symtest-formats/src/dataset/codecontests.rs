//! DeepMind's CodeContests: `name`, `description`, three sets of tests
//! (`public_tests`, `private_tests`, `generated_tests`, each `{input: [...],
//! output: [...]}`) and `solutions` as `{language: [...], solution: [...]}`.

use serde_json::Value as Json;

use super::problem::{Problem, StdioCase, Tests};
use super::read::{field, id_field, same_lengths, wrong_kind};

/// CodeContests' language id of Python 3 (1 is Python 2, 2 C++, 4 Java).
const PYTHON3: i64 = 3;

/// The three sets of tests, in order; only the first is the statement's example.
pub(super) const TEST_SETS: [&str; 3] = ["public_tests", "private_tests", "generated_tests"];

/// A CodeContests row: every test of the three sets judges samples, the
/// public ones are the examples `gen` explores from, and the reference is
/// the first solution whose language is Python 3 (never a solution picked by
/// position: rows list C++ and Python 2 solutions too).
pub(super) fn codecontests(row: &Json) -> Result<Problem, String> {
    let task_id = id_field(row, "name")?;
    let prompt = match row.get("description") {
        None | Some(Json::Null) => String::new(),
        Some(_) => field(row, "description")?.to_string(),
    };
    let mut cases = Vec::new();
    for set in TEST_SETS {
        let example = set == "public_tests";
        for (stdin, expected) in test_set(row, set)? {
            cases.push(StdioCase {
                stdin,
                expected,
                reference_ms: None,
                example,
            });
        }
    }
    Ok(Problem {
        task_id,
        prompt,
        prefix: String::new(),
        reference: python3_solution(row, "solutions")?,
        entry_point: None,
        tests: Tests::Stdio { cases },
    })
}

/// The object field `name` of `row`, `None` when it is missing or null;
/// `keys` shows what it should hold.
fn optional_object<'a>(row: &'a Json, name: &str, keys: &str) -> Result<Option<&'a Json>, String> {
    match row.get(name) {
        None | Some(Json::Null) => Ok(None),
        Some(o @ Json::Object(_)) => Ok(Some(o)),
        Some(other) => Err(wrong_kind(
            &format!("field '{name}'"),
            &format!("an object {keys}"),
            other,
        )),
    }
}

/// The `(input, output)` pairs of one set of tests; a missing or null set
/// is empty.
pub(super) fn test_set(row: &Json, set: &str) -> Result<Vec<(String, String)>, String> {
    let Some(tests) = optional_object(row, set, r#"{"input": [...], "output": [...]}"#)? else {
        return Ok(Vec::new());
    };
    let texts = |key: &str| -> Result<Vec<String>, String> {
        match tests.get(key) {
            None | Some(Json::Null) => Ok(Vec::new()),
            Some(Json::Array(xs)) => xs
                .iter()
                .enumerate()
                .map(|(i, x)| match x {
                    Json::String(s) => Ok(s.clone()),
                    other => Err(wrong_kind(
                        &format!("'{set}.{key}[{i}]'"),
                        "a string",
                        other,
                    )),
                })
                .collect(),
            Some(other) => Err(wrong_kind(
                &format!("'{set}.{key}'"),
                "a list of strings",
                other,
            )),
        }
    };
    let (inputs, outputs) = (texts("input")?, texts("output")?);
    same_lengths(set, (inputs.len(), "inputs"), (outputs.len(), "outputs"))?;
    Ok(inputs.into_iter().zip(outputs).collect())
}

/// The first solution in Python 3 of `field` (`{language, solution}`);
/// a language is an id (3) or its name (`PYTHON3`).
pub(super) fn python3_solution(row: &Json, name: &str) -> Result<Option<String>, String> {
    let Some(sols) = optional_object(row, name, r#"{"language": [...], "solution": [...]}"#)?
    else {
        return Ok(None);
    };
    let list = |key: &str| match sols.get(key) {
        None | Some(Json::Null) => Ok(&[][..]),
        Some(Json::Array(xs)) => Ok(xs.as_slice()),
        Some(other) => Err(wrong_kind(&format!("'{name}.{key}'"), "a list", other)),
    };
    let (languages, solutions) = (list("language")?, list("solution")?);
    same_lengths(
        name,
        (languages.len(), "languages"),
        (solutions.len(), "solutions"),
    )?;
    for (i, (lang, sol)) in languages.iter().zip(solutions).enumerate() {
        let python3 = match lang {
            Json::Number(n) => n.as_i64() == Some(PYTHON3),
            Json::String(s) => s.eq_ignore_ascii_case("PYTHON3"),
            other => {
                return Err(wrong_kind(
                    &format!("'{name}.language[{i}]'"),
                    "a language id",
                    other,
                ));
            }
        };
        if python3 {
            return match sol {
                Json::String(s) => Ok(Some(s.clone())),
                other => Err(wrong_kind(
                    &format!("'{name}.solution[{i}]'"),
                    "a string",
                    other,
                )),
            };
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_reference_is_python3_by_language_id() {
        let row = json!({
            "name": "1_A",
            "public_tests": {"input": ["1\n"], "output": ["1\n"]},
            "private_tests": {"input": ["2\n"], "output": ["2\n"]},
            "generated_tests": {"input": [], "output": []},
            "solutions": {"language": [1, 2, 3], "solution": ["print 1", "int main(){}", "print(1)"]},
        });
        let p = codecontests(&row).unwrap();
        assert_eq!(p.reference.as_deref(), Some("print(1)"));
        let Tests::Stdio { cases } = &p.tests else {
            panic!("not stdio")
        };
        let examples: Vec<bool> = cases.iter().map(|c| c.example).collect();
        assert_eq!(examples, [true, false]);
    }

    #[test]
    fn bad_rows_name_the_field() {
        let row = json!({"name": "x", "public_tests": {"input": ["1"], "output": []}});
        assert!(
            codecontests(&row)
                .unwrap_err()
                .contains("'public_tests' has 1 inputs")
        );
        let row = json!({"name": "x", "private_tests": [1]});
        assert!(
            codecontests(&row)
                .unwrap_err()
                .contains("field 'private_tests'")
        );
        let row = json!({"name": "x", "solutions": {"language": [true], "solution": [5]}});
        assert!(codecontests(&row).unwrap_err().contains("language[0]"));
        let row = json!({"name": "x", "solutions": {"language": [3], "solution": [5]}});
        assert!(codecontests(&row).unwrap_err().contains("solution[0]"));
        let none = json!({"name": "x", "solutions": {"language": [2], "solution": ["int main"]}});
        assert_eq!(codecontests(&none).unwrap().reference, None);
    }
}
