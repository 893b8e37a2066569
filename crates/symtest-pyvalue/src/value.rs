//! The value type and the error of every decoder. Every other module of the
//! crate uses these; this one uses none of them.

use num_bigint::BigInt;
use thiserror::Error;

/// A value of one of Python's builtin plain-data types. Equality of this type
/// (`==` in Rust) is structural; Python's `==` is [`py_eq`](crate::py_eq).
#[derive(Clone, Debug, PartialEq)]
pub enum PyValue {
    /// `None`.
    None,
    /// `True` or `False`: equal to 1 and 0 under [`py_eq`](crate::py_eq), but a type of its own.
    Bool(bool),
    /// An `int` of any size.
    Int(BigInt),
    /// A `float`: an IEEE double, NaN, infinities and -0.0 included.
    Float(f64),
    /// A `complex`: the real part, then the imaginary part.
    Complex(f64, f64),
    /// A `str` without lone surrogates (one with them is a [`PyValue::SurrogateStr`]).
    Str(String),
    /// A `str` holding lone surrogates (code points U+D800..U+DFFF), which
    /// Rust's `String` cannot: its code points, in order. Never built for a
    /// string without one (that is a [`PyValue::Str`]).
    SurrogateStr(Vec<u32>),
    /// A `bytes`.
    Bytes(Vec<u8>),
    /// A `list`.
    List(Vec<PyValue>),
    /// A `tuple`.
    Tuple(Vec<PyValue>),
    /// Insertion order kept, as in Python. Keys are distinct (as Python's
    /// equality of keys says) in every value the decoders build.
    Dict(Vec<(PyValue, PyValue)>),
    /// A `set`, its elements in the order they were listed. They are distinct (as
    /// Python's equality of keys says) in every value the decoders build.
    Set(Vec<PyValue>),
    /// A `frozenset`, as [`PyValue::Set`] otherwise.
    FrozenSet(Vec<PyValue>),
}

/// Why text or bytes do not make a value.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ValueError {
    /// Text that is not a Python literal (or, from [`from_json`](crate::from_json), not JSON).
    #[error("at offset {offset}: {message}")]
    Literal {
        /// The byte offset in the text where reading stopped.
        offset: usize,
        /// What was wrong there.
        message: String,
    },
    /// Bytes that are not a marshal message of a plain value, or one that Python
    /// could not have written (a repeated key, an unhashable element).
    #[error("malformed value at byte {offset}: {message}")]
    Wire {
        /// The offset of the byte where reading stopped.
        offset: usize,
        /// What was wrong there.
        message: String,
    },
    /// A message holding more values than [`marshal::Bounds::max_nodes`](crate::marshal::Bounds::max_nodes), or a
    /// set or dict built to make CPython's hash table quadratic; holds which.
    #[error("value too large: {0}")]
    TooLarge(String),
}

impl PyValue {
    /// The name of the value's Python type, as `type(v).__name__` gives it.
    pub fn type_name(&self) -> &'static str {
        match self {
            PyValue::None => "NoneType",
            PyValue::Bool(_) => "bool",
            PyValue::Int(_) => "int",
            PyValue::Float(_) => "float",
            PyValue::Complex(..) => "complex",
            PyValue::Str(_) | PyValue::SurrogateStr(_) => "str",
            PyValue::Bytes(_) => "bytes",
            PyValue::List(_) => "list",
            PyValue::Tuple(_) => "tuple",
            PyValue::Dict(_) => "dict",
            PyValue::Set(_) => "set",
            PyValue::FrozenSet(_) => "frozenset",
        }
    }

    /// A string from its code points: a [`PyValue::Str`] unless a lone
    /// surrogate is among them. `None` for a code point above U+10FFFF.
    pub fn str_from_code_points(cps: Vec<u32>) -> Option<PyValue> {
        if cps.iter().any(|c| *c > 0x10_ffff) {
            return None;
        }
        if cps.iter().any(|c| (0xd800..0xe000).contains(c)) {
            return Some(PyValue::SurrogateStr(cps));
        }
        Some(PyValue::Str(
            cps.into_iter().filter_map(char::from_u32).collect(),
        ))
    }

    /// Whether Python could use the value as a dict key or set element.
    pub fn is_hashable(&self) -> bool {
        match self {
            PyValue::List(_) | PyValue::Dict(_) | PyValue::Set(_) => false,
            PyValue::Tuple(xs) => xs.iter().all(PyValue::is_hashable),
            _ => true,
        }
    }

    /// Nodes in the value (itself, its elements, keys and values, to the bottom).
    pub fn nodes(&self) -> usize {
        1 + match self {
            PyValue::List(xs) | PyValue::Tuple(xs) | PyValue::Set(xs) | PyValue::FrozenSet(xs) => {
                xs.iter().map(PyValue::nodes).sum()
            }
            PyValue::Dict(kvs) => kvs.iter().map(|(k, v)| k.nodes() + v.nodes()).sum(),
            _ => 0,
        }
    }
}

impl From<i64> for PyValue {
    fn from(i: i64) -> Self {
        PyValue::Int(BigInt::from(i))
    }
}

impl From<&str> for PyValue {
    fn from(s: &str) -> Self {
        PyValue::Str(s.to_string())
    }
}
