//! `typing`: only annotations use it, so every name it is asked for is bound
//! to `object` (types come from the annotations' text, not these values).

use crate::interp::tables::{PyModule, Unknown};

/// `typing` has no members of its own.
pub(crate) static MODULE: PyModule = PyModule {
    members: &[],
    unknown: Unknown::Annotation,
};
