//! Adversarial inputs for dense ReLU networks (`symtest adversarial`).

#![warn(missing_docs)]

pub mod model;
pub mod search;

pub use model::{Activation, Mlp, ModelError, argmax};
pub use search::{AttackError, AttackOptions, AttackResult, Example, Query, Verdict, attack};

/// Reads an input point: a JSON array of numbers, or an object with the
/// array under `x` or `input`.
pub fn parse_point(text: &str) -> Result<Vec<f64>, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let arr = match &v {
        serde_json::Value::Array(a) => a,
        serde_json::Value::Object(o) => match o.get("x").or_else(|| o.get("input")) {
            Some(serde_json::Value::Array(a)) => a,
            _ => return Err("expected an array of numbers, or {\"x\": [...]}".into()),
        },
        _ => return Err("expected an array of numbers, or {\"x\": [...]}".into()),
    };
    arr.iter()
        .enumerate()
        .map(|(i, e)| {
            e.as_f64()
                .ok_or_else(|| format!("element {i} is not a number: {e}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_in_both_shapes() {
        assert_eq!(parse_point("[1, 2.5]"), Ok(vec![1.0, 2.5]));
        assert_eq!(parse_point(r#"{"x": [0]}"#), Ok(vec![0.0]));
        assert!(
            parse_point(r#"[1, "a"]"#)
                .unwrap_err()
                .contains("element 1")
        );
        assert!(parse_point("{").unwrap_err().contains("not JSON"));
    }
}
