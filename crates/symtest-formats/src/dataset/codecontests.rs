//! DeepMind's CodeContests: `name`, `description`, three sets of tests
//! (`public_tests`, `private_tests`, `generated_tests`, each `{input: [...],
//! output: [...]}`) and `solutions` as `{language: [...], solution: [...]}`.

use serde_json::Value as Json;

use super::problem::{Problem, StdioCase, Tests};
use super::read::{field, id_field, kind, same_lengths};

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

/// The `(input, output)` pairs of one set of tests; a missing or null set
/// is empty.
pub(super) fn test_set(row: &Json, set: &str) -> Result<Vec<(String, String)>, String> {
    let tests = match row.get(set) {
        None | Some(Json::Null) => return Ok(Vec::new()),
        Some(t @ Json::Object(_)) => t,
        Some(other) => {
            return Err(format!(
                "field '{set}' should be an object {{\"input\": [...], \"output\": [...]}}, found {}",
                kind(other)
            ));
        }
    };
    let texts = |key: &str| -> Result<Vec<String>, String> {
        match tests.get(key) {
            None | Some(Json::Null) => Ok(Vec::new()),
            Some(Json::Array(xs)) => xs
                .iter()
                .enumerate()
                .map(|(i, x)| match x {
                    Json::String(s) => Ok(s.clone()),
                    other => Err(format!(
                        "'{set}.{key}[{i}]' should be a string, found {}",
                        kind(other)
                    )),
                })
                .collect(),
            Some(other) => Err(format!(
                "'{set}.{key}' should be a list of strings, found {}",
                kind(other)
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
    let sols = match row.get(name) {
        None | Some(Json::Null) => return Ok(None),
        Some(s @ Json::Object(_)) => s,
        Some(other) => {
            return Err(format!(
                "field '{name}' should be an object {{\"language\": [...], \"solution\": [...]}}, found {}",
                kind(other)
            ));
        }
    };
    let list = |key: &str| match sols.get(key) {
        None | Some(Json::Null) => Ok(&[][..]),
        Some(Json::Array(xs)) => Ok(xs.as_slice()),
        Some(other) => Err(format!(
            "'{name}.{key}' should be a list, found {}",
            kind(other)
        )),
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
                return Err(format!(
                    "'{name}.language[{i}]' should be a language id, found {}",
                    kind(other)
                ));
            }
        };
        if python3 {
            return match sol {
                Json::String(s) => Ok(Some(s.clone())),
                other => Err(format!(
                    "'{name}.solution[{i}]' should be a string, found {}",
                    kind(other)
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
