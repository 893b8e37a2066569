//! Helpers shared by the crate's unit tests.

use crate::value::PyValue;

/// The value of a Python literal the test knows to be valid.
pub(crate) fn p(s: &str) -> PyValue {
    PyValue::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}
