//! Errors a caller of this crate can get (a run of the interpreter never
//! fails as a Rust error: its failures are Python exceptions or stops).

use thiserror::Error;

/// The source does not parse.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("{line}:{col}: {message}")]
pub struct SyntaxError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum PythonError {
    #[error("syntax error at {0}")]
    Syntax(#[from] SyntaxError),
    #[error("no function named '{name}' at the top level{}", hint(.available))]
    NoSuchFunction {
        name: String,
        available: Vec<String>,
    },
    #[error("the module's top level failed: {0}")]
    ModuleFailed(String),
    #[error("bad type for parameter '{param}': {message}")]
    BadType { param: String, message: String },
    #[error("unknown parameter '{0}' in the types given")]
    UnknownParam(String),
    #[error("cannot tell the type of parameter '{0}': no annotation, no example call, no --types")]
    UntypedParam(String),
    #[error("bad precondition '{text}': {message}")]
    BadPrecondition { text: String, message: String },
    #[error("bad literal '{text}': {message}")]
    BadLiteral { text: String, message: String },
}

fn hint(available: &[String]) -> String {
    if available.is_empty() {
        String::new()
    } else {
        format!(" (functions: {})", available.join(", "))
    }
}
