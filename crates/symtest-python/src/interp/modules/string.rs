//! `string`: its character-set constants.

use crate::interp::tables::ModuleMember::Value;
use crate::interp::tables::{PyModule, Unknown};
use crate::value::Val;

/// `string`'s constants.
pub(crate) static MODULE: PyModule = PyModule {
    members: &[
        (
            "ascii_letters",
            Value(|| Val::str("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")),
        ),
        (
            "ascii_lowercase",
            Value(|| Val::str("abcdefghijklmnopqrstuvwxyz")),
        ),
        (
            "ascii_uppercase",
            Value(|| Val::str("ABCDEFGHIJKLMNOPQRSTUVWXYZ")),
        ),
        ("digits", Value(|| Val::str("0123456789"))),
        ("hexdigits", Value(|| Val::str("0123456789abcdefABCDEF"))),
        ("octdigits", Value(|| Val::str("01234567"))),
        (
            "punctuation",
            Value(|| Val::str("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")),
        ),
        ("whitespace", Value(|| Val::str(" \t\n\r\x0b\x0c"))),
    ],
    unknown: Unknown::AttributeError,
};
