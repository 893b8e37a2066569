//! TACO: problems in APPS' shape (`question`, `solutions`, `starter_code`,
//! `input_output` as JSON strings) with TACO's own metadata, and no id field.

use serde_json::Value as Json;

use super::apps::apps_shaped;
use super::problem::Problem;
use super::read::id_field;

/// A TACO row. Its id is `problem_id` or `task_id` when a copy of the data
/// added one, else `name` when it is not empty, else `line-N` with `N` the
/// row's 1-based line in the file (its position in a JSON array): stable as
/// long as the file is.
pub(super) fn taco(row: &Json, line: usize) -> Result<Problem, String> {
    let task_id = id_field(row, "problem_id")
        .or_else(|_| id_field(row, "task_id"))
        .or_else(|_| match row.get("name") {
            Some(Json::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
            _ => Err(()),
        })
        .unwrap_or_else(|()| format!("line-{line}"));
    apps_shaped(row, task_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_name_else_the_line() {
        let io = r#"{"inputs": ["1\n"], "outputs": ["1\n"]}"#;
        let named = serde_json::json!({"question": "q", "input_output": io, "name": "echo"});
        assert_eq!(taco(&named, 3).map(|p| p.task_id), Ok("echo".into()));
        let unnamed = serde_json::json!({"question": "q", "input_output": io, "name": ""});
        assert_eq!(taco(&unnamed, 3).map(|p| p.task_id), Ok("line-3".into()));
        let numbered = serde_json::json!({"question": "q", "input_output": io, "problem_id": 7});
        assert_eq!(taco(&numbered, 3).map(|p| p.task_id), Ok("7".into()));
    }
}
