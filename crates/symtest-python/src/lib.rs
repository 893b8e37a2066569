//! Python for symtest: a concolic interpreter for the subset of Python that
//! HumanEval / MBPP / APPS solutions use.
//!
//! The source is parsed with ruff's parser and lowered to a small tree whose
//! names are resolved to slots (the `ir` module); the interpreter runs it on concrete
//! values that carry symbolic shadows, and reports decisions to the
//! explorer through [`symtest_explore::Tracer`].
//!
//! ```
//! use symtest_python::{Program, PySubject, Ty};
//! let program = Program::parse("def f(x: int):\n    if x * x == 49:\n        return 1\n    return 0\n").unwrap();
//! let subject = PySubject::new(&program, "f", vec![("x".into(), Ty::Int)]).unwrap();
//! assert_eq!(subject.params().len(), 1);
//! ```

#![warn(missing_docs)]
// No function over the threshold in `clippy.toml` (150 lines).
#![warn(clippy::too_many_lines)]

mod builtins;
mod error;
pub mod external;
mod fxhash;
mod inputs;
mod int;
mod interp;
mod ir;
mod lower;
mod md5;
pub mod nesting;
pub mod outline;
mod program;
mod scope;
mod set_table;
pub mod sites;
pub mod statement;
pub mod stdin;
mod stdin_subject;
mod subject;
mod ty;
mod value;

pub use error::{PythonError, SyntaxError};
pub use inputs::{InputOptions, seed_values};
pub use interp::Limits;
pub use program::{Program, PyException, RunResult};
pub use sites::INPUT_SITE;
pub use sites::{SiteKind, Sites, UserSite};
pub use stdin::StdinOptions;
pub use stdin_subject::{ProgramEnd, ProgramRun, StdinSubject};
pub use subject::{PySubject, SubjectStats};
pub use ty::{Ty, join_all};

/// Whether `source` parses as a Python module (the error, with its line
/// and column, when it does not).
pub fn check_syntax(source: &str) -> Result<(), SyntaxError> {
    lower::parse_module(source).map(|_| ())
}
