//! The type of each parameter, from what the user said (`--types`), the
//! annotations, or the arguments the dataset's own tests pass (what
//! MonkeyType does: run the reference and record the types it sees).

use symtest_python::{Program, Ty};
use symtest_sandbox::PyValue;
use thiserror::Error;

/// Why the parameters could not be typed.
#[derive(Debug, Error, PartialEq)]
pub enum TypesError {
    /// An item of `--types` is not `NAME:TYPE`.
    #[error("'{0}' should be NAME:TYPE (e.g. xs:list[int])")]
    NotAPair(String),
    /// The type of a `--types` item does not parse.
    #[error("type of '{name}': {error}")]
    BadType {
        /// The parameter named.
        name: String,
        /// What is wrong with the type.
        error: String,
    },
    /// A parameter has no type from anywhere.
    #[error(
        "parameter '{name}' of {entry} has no annotation{}: give --types {name}:TYPE",
        if *.recorded { " and the dataset's calls never pass it" } else { "" }
    )]
    Unknown {
        /// The parameter.
        name: String,
        /// The function.
        entry: String,
        /// Whether the dataset's calls were looked at.
        recorded: bool,
    },
    /// `--types` names something that is not a parameter.
    #[error("--types names '{name}', which is not a parameter of {entry}")]
    NotAParameter {
        /// The name given.
        name: String,
        /// The function.
        entry: String,
    },
    /// The entry point is not a function of the program.
    #[error("{0}")]
    Entry(String),
}

/// `name:type` pairs given on the command line, e.g. `xs:list[int],k:int`.
pub fn parse_overrides(text: &str) -> Result<Vec<(String, Ty)>, TypesError> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let mut items = Vec::new();
    for (i, c) in text.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&text[start..]);
    for item in items.into_iter().map(str::trim).filter(|s| !s.is_empty()) {
        let (name, ty) = item
            .split_once(':')
            .ok_or_else(|| TypesError::NotAPair(item.to_string()))?;
        let ty = Ty::parse(ty.trim()).map_err(|e| TypesError::BadType {
            name: name.trim().to_string(),
            error: e.to_string(),
        })?;
        out.push((name.trim().to_string(), ty));
    }
    Ok(out)
}

/// Where a parameter's type came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeSource {
    /// `--types`.
    Given,
    /// The parameter's annotation.
    Annotation,
    /// The types of the values the dataset's calls pass.
    Recorded,
}

impl TypeSource {
    /// The name reports use.
    pub fn name(self) -> &'static str {
        match self {
            TypeSource::Given => "given",
            TypeSource::Annotation => "annotation",
            TypeSource::Recorded => "recorded",
        }
    }
}

/// The parameters to explore, with their types. Parameters with a default
/// and no type from anywhere are left to their default.
pub fn resolve(
    program: &Program,
    entry: &str,
    given: &[(String, Ty)],
    recorded: &[Vec<PyValue>],
) -> Result<Vec<(String, Ty, TypeSource)>, TypesError> {
    let params = program
        .annotated_params(entry)
        .map_err(|e| TypesError::Entry(e.to_string()))?;
    let mut out = Vec::new();
    for (i, (name, annotation, has_default)) in params.iter().enumerate() {
        if let Some((_, t)) = given.iter().find(|(n, _)| n == name) {
            out.push((name.clone(), t.clone(), TypeSource::Given));
            continue;
        }
        if let Some(t) = annotation {
            out.push((name.clone(), t.clone(), TypeSource::Annotation));
            continue;
        }
        let seen: Vec<&PyValue> = recorded.iter().filter_map(|c| c.get(i)).collect();
        if !seen.is_empty() {
            let ty = Ty::recorded(seen);
            out.push((name.clone(), ty, TypeSource::Recorded));
            continue;
        }
        if *has_default {
            break;
        }
        return Err(TypesError::Unknown {
            name: name.clone(),
            entry: entry.to_string(),
            recorded: !recorded.is_empty(),
        });
    }
    for (n, _) in given {
        if !params.iter().any(|(p, _, _)| p == n) {
            return Err(TypesError::NotAParameter {
                name: n.clone(),
                entry: entry.to_string(),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_split_at_top_level_commas() {
        let t = parse_overrides("d:dict[str, int], n:int").expect("parses");
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].1.to_string(), "dict[str, int]");
        assert!(parse_overrides("n").is_err());
        assert!(parse_overrides("n:widget").is_err());
    }

    #[test]
    fn given_beats_annotation_beats_recorded() {
        let p = Program::parse("def f(a: int, b, c=3):\n    return a\n").expect("parses");
        let rec = vec![vec![PyValue::Int(1.into()), PyValue::Str("x".into())]];
        let r = resolve(&p, "f", &[], &rec).expect("resolves");
        assert_eq!(r.len(), 2, "c keeps its default");
        assert_eq!(
            (r[0].1.to_string(), r[0].2),
            ("int".into(), TypeSource::Annotation)
        );
        assert_eq!(
            (r[1].1.to_string(), r[1].2),
            ("str".into(), TypeSource::Recorded)
        );
        let given = parse_overrides("a:float").expect("parses");
        let r = resolve(&p, "f", &given, &rec).expect("resolves");
        assert_eq!(r[0].2, TypeSource::Given);
        let err = resolve(&p, "f", &[], &[]).expect_err("b has no type");
        assert!(err.to_string().contains("--types b:"), "{err}");
        assert!(resolve(&p, "f", &parse_overrides("zz:int").expect("parses"), &rec).is_err());
    }
}
