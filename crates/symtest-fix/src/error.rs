//! Why `fix` could not go on. Every other module of the crate may use this
//! one; it uses none of them.

use symtest_sandbox::SandboxError;
use thiserror::Error;

/// Why `fix` could not go on.
#[derive(Debug, Error)]
pub enum FixError {
    /// The findings given (ruff JSON, SARIF) cannot be read.
    #[error("findings: {0}")]
    Findings(String),
    /// The analyzer cannot be run, or its output cannot be read.
    #[error("analyzer: {0}")]
    Analyzer(String),
    /// The LLM endpoint refused the request for good (key, model).
    #[error("LLM: {0}")]
    Llm(String),
    /// The sandbox failed.
    #[error(transparent)]
    Sandbox(#[from] SandboxError),
}
