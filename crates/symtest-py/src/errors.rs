//! The errors of the bindings, and the Python exceptions they become.

use pyo3::exceptions::{PyException, PyValueError};
use pyo3::{PyErr, create_exception};
use thiserror::Error;

create_exception!(
    symtest,
    SymtestError,
    PyException,
    "Base of every error symtest raises; the message is symtest's own."
);
create_exception!(
    symtest,
    ProblemsError,
    SymtestError,
    "A problem set could not be read, or holds no usable problem."
);
create_exception!(
    symtest,
    UnknownTaskError,
    SymtestError,
    "A sample names a task that is not among the grader's problems."
);
create_exception!(
    symtest,
    SandboxError,
    SymtestError,
    "The sandbox cannot be built here (or only with weaker isolation than allowed)."
);
create_exception!(
    symtest,
    GraderError,
    SymtestError,
    "The sandbox could not judge a sample (after retrying it on fresh workers): \
     there is no verdict, and so no reward."
);
create_exception!(
    symtest,
    ExploreError,
    SymtestError,
    "A program could not be explored (a syntax error, an unknown function, ...)."
);
/// What can go wrong in a call of the bindings.
#[derive(Debug, Error)]
pub enum BindError {
    /// A problem file or rows could not be read.
    #[error("{0}")]
    Problems(String),
    /// A sample names no loaded problem.
    #[error("no problem '{0}' among the grader's problems")]
    UnknownTask(String),
    /// The sandbox could not be built.
    #[error(transparent)]
    Sandbox(#[from] symtest_sandbox::SandboxError),
    /// Grading failed as a whole (a sample's sandbox failure is its
    /// outcome, never this).
    #[error(transparent)]
    Grade(#[from] symtest_grade::GradeError),
    /// The grader was closed.
    #[error("the grader is closed")]
    Closed,
    /// An argument out of its range, or of the wrong shape.
    #[error("{0}")]
    Invalid(String),
    /// Exploration could not run.
    #[error("{0}")]
    Explore(String),
}

impl From<BindError> for PyErr {
    fn from(e: BindError) -> PyErr {
        let message = e.to_string();
        match e {
            BindError::Problems(_) => ProblemsError::new_err(message),
            BindError::UnknownTask(_) => UnknownTaskError::new_err(message),
            BindError::Sandbox(_) => SandboxError::new_err(message),
            BindError::Grade(symtest_grade::GradeError::UnknownTask(_)) => {
                UnknownTaskError::new_err(message)
            }
            BindError::Grade(_) => GraderError::new_err(message),
            BindError::Closed => SymtestError::new_err(message),
            BindError::Invalid(_) => PyValueError::new_err(message),
            BindError::Explore(_) => ExploreError::new_err(message),
        }
    }
}
