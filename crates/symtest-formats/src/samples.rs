//! Model samples to grade (`task_id, completion`, optional `sample_id`), and
//! the code inside a chat-style answer.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value as Json;

use crate::dataset::{RowError, read_rows};

/// One model sample to grade.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sample {
    /// The problem it answers.
    pub task_id: String,
    /// Given, or the sample's position among its task's samples in the file.
    pub sample_id: String,
    /// The model's text, as written (a continuation of the prompt, or a
    /// chat answer).
    pub completion: String,
    /// The 1-based line of its row in the samples file.
    pub line: usize,
}

/// Every sample of a file, and the rows that could not be read (a row
/// without `task_id` or `completion`, a repeated `(task_id, sample_id)`).
pub fn read_samples(path: &Path) -> std::io::Result<(Vec<Sample>, Vec<RowError>)> {
    let (rows, mut errors) = read_rows(path)?;
    let file = path.display().to_string();
    let mut counters: HashMap<String, usize> = HashMap::new();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let mut samples = Vec::with_capacity(rows.len());
    for (line, row) in rows {
        let task_id = match row.get("task_id") {
            Some(Json::String(s)) => s.clone(),
            Some(Json::Number(n)) => n.to_string(),
            _ => {
                errors.push(RowError {
                    file: file.clone(),
                    line,
                    message: "missing field 'task_id' (a string)".into(),
                });
                continue;
            }
        };
        let Some(completion) = row.get("completion").and_then(Json::as_str) else {
            errors.push(RowError {
                file: file.clone(),
                line,
                message: "missing field 'completion' (a string)".into(),
            });
            continue;
        };
        let n = counters.entry(task_id.clone()).or_default();
        let sample_id = match row.get("sample_id").or_else(|| row.get("completion_id")) {
            Some(Json::String(s)) => s.clone(),
            Some(Json::Number(x)) => x.to_string(),
            _ => n.to_string(),
        };
        *n += 1;
        // Two rows with one identity would share one verdict: the second is
        // refused (a given id equal to another row's position id included).
        if let Some(first) = seen.insert((task_id.clone(), sample_id.clone()), line) {
            seen.insert((task_id.clone(), sample_id.clone()), first);
            errors.push(RowError {
                file: file.clone(),
                line,
                message: format!(
                    "sample '{sample_id}' of task '{task_id}' repeats line {first}'s identity (give each \
                     row its own sample_id)"
                ),
            });
            continue;
        }
        samples.push(Sample {
            task_id,
            sample_id,
            completion: completion.to_string(),
            line,
        });
    }
    Ok((samples, errors))
}

/// The code of a chat-style answer: the fenced block that defines `entry`
/// (or the first Python block, or the first block); text without fences is
/// returned as it is. An unclosed fence runs to the end.
pub fn extract_code(answer: &str, entry: Option<&str>) -> String {
    if !answer.contains("```") {
        return answer.to_string();
    }
    let mut blocks: Vec<(String, String)> = Vec::new();
    let mut rest = answer;
    while let Some(start) = rest.find("```") {
        let after = &rest[start + 3..];
        let (lang, body_start) = match after.find('\n') {
            Some(nl) => (after[..nl].trim().to_ascii_lowercase(), nl + 1),
            None => break,
        };
        let body = &after[body_start..];
        match body.find("```") {
            Some(end) => {
                blocks.push((lang, body[..end].to_string()));
                rest = &body[end + 3..];
            }
            None => {
                blocks.push((lang, body.to_string()));
                break;
            }
        }
    }
    let pythonish = |l: &str| matches!(l, "" | "python" | "py" | "python3");
    let defines = |b: &str| entry.is_some_and(|e| b.contains(&format!("def {e}(")));
    blocks
        .iter()
        .find(|(l, b)| pythonish(l) && defines(b))
        .or_else(|| blocks.iter().find(|(l, _)| pythonish(l)))
        .or_else(|| blocks.first())
        .map(|(_, b)| b.clone())
        .unwrap_or_else(|| answer.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_identities_are_refused() {
        let dir = std::env::temp_dir().join(format!("symtest-samples-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("s.jsonl");
        std::fs::write(
            &path,
            [
                r#"{"task_id": "t", "sample_id": 1, "completion": "a"}"#,
                r#"{"task_id": "t", "sample_id": "1", "completion": "b"}"#,
                r#"{"task_id": "t", "completion": "c"}"#,
                r#"{"task_id": "t", "completion": "d"}"#,
                r#"{"task_id": "u", "sample_id": "1", "completion": "e"}"#,
            ]
            .join("\n"),
        )
        .unwrap();
        let (samples, errors) = read_samples(&path).unwrap();
        let ids: Vec<(&str, &str)> = samples
            .iter()
            .map(|s| (s.task_id.as_str(), s.sample_id.as_str()))
            .collect();
        // "1" repeats; the third row's position id is 2, the fourth's 3.
        assert_eq!(ids, [("t", "1"), ("t", "2"), ("t", "3"), ("u", "1")]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn extracts_the_defining_block() {
        let answer = "Here is a test:\n```python\nprint(f(1))\n```\nand the code:\n```python\ndef f(x):\n    return x\n```\nDone.";
        assert_eq!(extract_code(answer, Some("f")), "def f(x):\n    return x\n");
        assert_eq!(
            extract_code("    return x + 1\n", Some("f")),
            "    return x + 1\n"
        );
        assert_eq!(
            extract_code("```\ndef g(): pass\n", None),
            "def g(): pass\n"
        );
        assert_eq!(extract_code("```js\nx\n```\n```py\ny\n```", None), "y\n");
    }
}
