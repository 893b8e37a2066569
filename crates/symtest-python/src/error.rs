//! Errors a caller of this crate can get (a run of the interpreter never
//! fails as a Rust error: its failures are Python exceptions or stops).

use thiserror::Error;

/// The source does not parse.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("{line}:{col}: {message}")]
pub struct SyntaxError {
    /// 1-based line of the error.
    pub line: u32,
    /// 1-based column, in characters.
    pub col: u32,
    /// The parser's description.
    pub message: String,
}

/// Why a program could not be prepared for exploration or a run.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum PythonError {
    /// The source does not parse.
    #[error("syntax error at {0}")]
    Syntax(#[from] SyntaxError),
    /// The entry function is not defined at the module's top level.
    #[error("no function named '{name}' at the top level{}", hint(.available))]
    NoSuchFunction {
        /// The name asked for.
        name: String,
        /// The top-level functions there are.
        available: Vec<String>,
    },
    /// Running the module's top level raised or stopped (the reason given).
    #[error("the module's top level failed: {0}")]
    ModuleFailed(String),
    /// A parameter's type (given or annotated) is not one symtest models.
    #[error("bad type for parameter '{param}': {message}")]
    BadType {
        /// The parameter.
        param: String,
        /// What is wrong with its type.
        message: String,
    },
    /// Types were given for a parameter the function does not have.
    #[error("unknown parameter '{0}' in the types given")]
    UnknownParam(String),
    /// A parameter has no annotation, no example call and no type given.
    #[error("cannot tell the type of parameter '{0}': no annotation, no example call, no --types")]
    UntypedParam(String),
    /// A precondition does not parse or names what is not in scope.
    #[error("bad precondition '{text}': {message}")]
    BadPrecondition {
        /// The precondition as given.
        text: String,
        /// Why it was refused.
        message: String,
    },
    /// A literal value (an example argument) does not parse.
    #[error("bad literal '{text}': {message}")]
    BadLiteral {
        /// The literal as given.
        text: String,
        /// Why it was refused.
        message: String,
    },
}

fn hint(available: &[String]) -> String {
    if available.is_empty() {
        String::new()
    } else {
        format!(" (functions: {})", available.join(", "))
    }
}
