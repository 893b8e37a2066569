//! The shape every dataset format is read into: a problem, its tests
//! (calls or standard-input cases), and JSON values as Python values. A
//! leaf: the format readers beside it use these types, never the reverse.

use serde_json::Value as Json;
use symtest_pyvalue::PyValue;

/// One problem of a dataset, whatever its format: what a completion
/// becomes a program with, a reference, and the tests that judge it.
#[derive(Clone, Debug)]
pub struct Problem {
    /// The dataset's id of the problem (a number is read as its text).
    pub task_id: String,
    /// What a model is shown (HumanEval's prompt, MBPP's text, APPS' question).
    pub prompt: String,
    /// Code placed before a completion to make the program (HumanEval's
    /// prompt: completions continue it; empty elsewhere).
    pub prefix: String,
    /// A program known to be right, for calibrating time limits.
    pub reference: Option<String>,
    /// The function the tests call; `None` for programs judged on their
    /// standard output.
    pub entry_point: Option<String>,
    /// How a sample is judged.
    pub tests: Tests,
}

/// The tests of a problem, in one of three forms.
#[derive(Clone, Debug)]
pub enum Tests {
    /// Trusted test code run in the harness (HumanEval's `check`, MBPP's asserts).
    Check {
        /// The dataset's test code (for MBPP, its setup and asserts).
        test: String,
        /// Names bound to the candidate in the test's namespace.
        bind: Vec<String>,
        /// Call `check(candidate)` after running the test code.
        call_check: bool,
        /// Run in the harness before the test (helpers the test calls).
        harness_prompt: String,
    },
    /// Calls of `entry` on argument tuples, each with its expected result
    /// (APPS with `fn_name`, symtest suites in `call` mode).
    Calls {
        /// The function called (or a method of a class `Solution`).
        entry: String,
        /// One case per call.
        cases: Vec<CallCase>,
    },
    /// Runs of the whole program on a standard input, judged on its
    /// standard output (APPS without `fn_name`, suites in `stdio` mode).
    Stdio {
        /// One case per run.
        cases: Vec<StdioCase>,
    },
}

impl Tests {
    /// How many tests there are: one for test code, one per case otherwise.
    pub fn count(&self) -> usize {
        match self {
            Tests::Check { .. } => 1,
            Tests::Calls { cases, .. } => cases.len(),
            Tests::Stdio { cases } => cases.len(),
        }
    }

    /// The form's name: `check`, `call` or `stdio`.
    pub fn mode(&self) -> &'static str {
        match self {
            Tests::Check { .. } => "check",
            Tests::Calls { .. } => "call",
            Tests::Stdio { .. } => "stdio",
        }
    }
}

/// An argument list as the Python tuple it is: `(1, 'a')`, `(3,)`.
pub fn args_repr(args: &[PyValue]) -> String {
    PyValue::Tuple(args.to_vec()).repr()
}

/// One call test.
#[derive(Clone, Debug)]
pub struct CallCase {
    /// The positional arguments.
    pub args: Vec<PyValue>,
    /// The result must equal one of these (APPS also accepts a list's first item).
    pub expected: Vec<PyValue>,
    /// Compare a returned tuple as a list (APPS' convention).
    pub tuple_as_list: bool,
    /// Where the case comes from (`dataset`, `symbolic` or `boundary`), when
    /// the row says.
    pub origin: Option<String>,
    /// The reference's own time on this case, when a suite recorded it.
    pub reference_ms: Option<f64>,
    /// The call must raise this exception type (a suite's `raises`).
    pub raises: Option<String>,
}

/// One run of a program on a standard input.
#[derive(Clone, Debug)]
pub struct StdioCase {
    /// The whole standard input.
    pub stdin: String,
    /// The standard output a right program writes (compared by the judge's
    /// rules, not byte for byte).
    pub expected: String,
    /// The reference's own time on this case, when a suite recorded it.
    pub reference_ms: Option<f64>,
    /// One of the statement's examples (CodeContests' `public_tests`; every
    /// test of the other formats): `gen` explores from these only, while
    /// every case, example or hidden, judges samples.
    pub example: bool,
}

/// A JSON value as the Python value `json.loads` would give.
pub fn json_to_py(v: &Json) -> PyValue {
    match v {
        Json::Null => PyValue::None,
        Json::Bool(b) => PyValue::Bool(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => PyValue::from(i),
            None => match n.as_u64() {
                Some(u) => PyValue::Int(u.into()),
                None => PyValue::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
        },
        Json::String(s) => PyValue::Str(s.clone()),
        Json::Array(xs) => PyValue::List(xs.iter().map(json_to_py).collect()),
        Json::Object(m) => PyValue::Dict(
            m.iter()
                .map(|(k, v)| (PyValue::Str(k.clone()), json_to_py(v)))
                .collect(),
        ),
    }
}
