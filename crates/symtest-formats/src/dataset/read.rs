//! Reading row files: JSON Lines (optionally gzip-compressed) or a JSON
//! array, each row with its line number, a bad row reported and skipped.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde_json::Value as Json;

/// A row problem: where, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// The file, as its path was given.
    pub file: String,
    /// The 1-based line of the row (its 1-based position in a JSON array
    /// or object).
    pub line: usize,
    /// What is wrong with it.
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// Rows with their line numbers (or positions, in a JSON array).
pub type Rows = Vec<(usize, Json)>;

/// Every row of the file as `(line, JSON)`, and the rows that are not JSON.
pub fn read_rows(path: &Path) -> std::io::Result<(Rows, Vec<RowError>)> {
    let file = File::open(path)?;
    let name = path.display().to_string();
    let mut reader: Box<dyn BufRead> = if name.ends_with(".gz") {
        Box::new(BufReader::new(flate2::read::GzDecoder::new(file)))
    } else {
        Box::new(BufReader::new(file))
    };
    let mut text = String::new();
    reader.read_to_string(&mut text)?;
    let trimmed = text.trim_start();
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    if trimmed.starts_with('[') || (name.ends_with(".json") && trimmed.starts_with('{')) {
        match serde_json::from_str::<Json>(trimmed) {
            Ok(Json::Array(items)) => {
                rows.extend(items.into_iter().enumerate().map(|(i, v)| (i + 1, v)))
            }
            // A JSON object keyed by id (as APPS' published folders are often merged).
            Ok(Json::Object(map)) => {
                rows.extend(map.into_iter().enumerate().map(|(i, (_, v))| (i + 1, v)))
            }
            Ok(_) => errors.push(RowError {
                file: name,
                line: 1,
                message: "expected a JSON array of rows".into(),
            }),
            Err(e) => errors.push(RowError {
                file: name,
                line: e.line(),
                message: format!("not valid JSON: {e}"),
            }),
        }
        return Ok((rows, errors));
    }
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Json>(line) {
            Ok(v) => rows.push((i + 1, v)),
            Err(e) => errors.push(RowError {
                file: name.clone(),
                line: i + 1,
                message: format!("not valid JSON: {e}"),
            }),
        }
    }
    Ok((rows, errors))
}

/// A required string field, or an error naming it.
pub fn field<'a>(row: &'a Json, name: &str) -> Result<&'a str, String> {
    match row.get(name) {
        Some(Json::String(s)) => Ok(s),
        Some(other) => Err(wrong_kind(&format!("field '{name}'"), "a string", other)),
        None => Err(format!("missing field '{name}'")),
    }
}

/// A task id: a string, or a number (MBPP and APPS use integers).
pub fn id_field(row: &Json, name: &str) -> Result<String, String> {
    match row.get(name) {
        Some(Json::String(s)) => Ok(s.clone()),
        Some(Json::Number(n)) => Ok(n.to_string()),
        Some(other) => Err(wrong_kind(
            &format!("field '{name}'"),
            "a string or number",
            other,
        )),
        None => Err(format!("missing field '{name}'")),
    }
}

/// Fails unless two lists of a row that go together (inputs and outputs)
/// are as long as each other; `what` is where they are, and each length
/// comes with the name of its items.
pub fn same_lengths(
    what: &str,
    (n, items): (usize, &str),
    (m, others): (usize, &str),
) -> Result<(), String> {
    if n == m {
        Ok(())
    } else {
        Err(format!("'{what}' has {n} {items} but {m} {others}"))
    }
}

/// What a row says of a value of the wrong kind: `what` should be `want`,
/// and what it found.
pub fn wrong_kind(what: &str, want: &str, found: &Json) -> String {
    format!("{what} should be {want}, found {}", kind(found))
}

pub fn kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}
