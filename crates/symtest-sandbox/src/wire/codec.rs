//! The wire form shared by the three conversations: the bounds on a
//! message, its errors, and reading and writing a message's fields.

use num_traits::ToPrimitive;
use symtest_pyvalue::marshal::{self, Bounds};
use symtest_pyvalue::{PyValue, ValueError};
use thiserror::Error;

/// Values one message may hold: enough for any test's answer, too few to
/// build a large tree from a small message.
pub const BOUNDS: Bounds = Bounds {
    max_depth: 2000,
    max_nodes: 1_000_000,
};

/// Longest name (of a type, a step, a version) kept from a message, in
/// characters.
pub const MAX_NAME: usize = 200;
/// Longest text (an exception's message, a reason) kept from a message, in
/// characters.
pub const MAX_TEXT: usize = 2000;
/// Base classes of a raised exception kept from a job at most.
pub const MAX_BASES: usize = 64;

/// Why bytes are not a message of the expected kind. `at` names the
/// message (its op, or the direction when the op itself is at fault) or
/// the nested dict, `field` the field.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum WireError {
    /// The bytes are not a marshal value symtest reads: cut short, an
    /// unknown type code, a back-reference, keys Python could not have
    /// built.
    #[error("malformed message: {0}")]
    Malformed(ValueError),
    /// A well-formed value holding more than a message may (millions of
    /// elements, or nested too deeply): the value is not judged, but its
    /// sender followed the protocol.
    #[error("a value too large to judge: {0}")]
    TooLarge(String),
    /// The value is not a dict, or has a key that is not a str.
    #[error("{at}: not a dict with str keys")]
    NotADict {
        /// The message or nested dict.
        at: &'static str,
    },
    /// A field the message must have is absent.
    #[error("{at}: field '{field}' is missing")]
    Missing {
        /// The message or nested dict.
        at: &'static str,
        /// The absent field.
        field: &'static str,
    },
    /// A field holds a value of another type (or out of range).
    #[error("{at}: field '{field}' is not {expected}")]
    WrongType {
        /// The message or nested dict.
        at: &'static str,
        /// The field at fault.
        field: &'static str,
        /// What the protocol wants there.
        expected: &'static str,
    },
    /// A field naming a choice (`op`, a verdict, an exit) holds a word the
    /// protocol does not have.
    #[error("{at}: field '{field}' holds the unknown '{value}'")]
    Unknown {
        /// The message or nested dict.
        at: &'static str,
        /// The field at fault.
        field: &'static str,
        /// The word, cut to [`MAX_NAME`] characters.
        value: String,
    },
}

impl From<ValueError> for WireError {
    fn from(e: ValueError) -> WireError {
        match e {
            ValueError::TooLarge(m) => WireError::TooLarge(m),
            other => WireError::Malformed(other),
        }
    }
}

/// A timed step of setting something up, as a worker or job reports it
/// when the pool profiles (wire form: `[name, nanoseconds]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// What was done, cut to [`MAX_NAME`] characters.
    pub name: String,
    /// How long it took, in nanoseconds.
    pub ns: u64,
}

/// At most `max` characters of `s`, with `...` when cut.
pub fn cut(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((at, _)) => format!("{}...", &s[..at]),
    }
}

/// Reads a message: a dict with str keys whose `op` is a text. `what`
/// names the direction in errors about the op.
pub(super) fn open(bytes: &[u8], what: &'static str) -> Result<(String, Fields), WireError> {
    let v = marshal::decode(bytes, BOUNDS)?;
    let mut fields = Fields::of(v, what)?;
    let op = fields.text("op", MAX_NAME)?;
    Ok((op, fields))
}

/// The error for a message whose op the direction does not have.
pub(super) fn unknown_op(what: &'static str, op: &str) -> WireError {
    WireError::Unknown {
        at: what,
        field: "op",
        value: cut(op, MAX_NAME),
    }
}

/// The fields of one dict, taken out one by one; each read names its field
/// in the error. Fields never asked for are dropped.
pub(super) struct Fields {
    at: &'static str,
    fields: Vec<(String, PyValue)>,
}

impl Fields {
    /// The fields of `v`, which must be a dict with str keys.
    pub(super) fn of(v: PyValue, at: &'static str) -> Result<Fields, WireError> {
        let PyValue::Dict(kvs) = v else {
            return Err(WireError::NotADict { at });
        };
        let mut fields = Vec::with_capacity(kvs.len());
        for (k, v) in kvs {
            let PyValue::Str(k) = k else {
                return Err(WireError::NotADict { at });
            };
            fields.push((k, v));
        }
        Ok(Fields { at, fields })
    }

    /// The same fields, now read as the message `at` (once its op is known).
    pub(super) fn named(self, at: &'static str) -> Fields {
        Fields { at, ..self }
    }

    pub(super) fn wrong(&self, field: &'static str, expected: &'static str) -> WireError {
        WireError::WrongType {
            at: self.at,
            field,
            expected,
        }
    }

    /// The field's value, if present (large values are moved, not copied).
    pub(super) fn opt_value(&mut self, field: &str) -> Option<PyValue> {
        let i = self.fields.iter().position(|(k, _)| k == field)?;
        Some(self.fields.swap_remove(i).1)
    }

    /// The field's value, whatever its type.
    pub(super) fn value(&mut self, field: &'static str) -> Result<PyValue, WireError> {
        self.opt_value(field)
            .ok_or(WireError::Missing { at: self.at, field })
    }

    /// The field's value, absent when missing or `None`.
    pub(super) fn opt(&mut self, field: &'static str) -> Option<PyValue> {
        self.opt_value(field).filter(|v| *v != PyValue::None)
    }

    /// A text field cut to `max` characters; lone surrogates are shown as
    /// escapes.
    pub(super) fn text(&mut self, field: &'static str, max: usize) -> Result<String, WireError> {
        let v = self.value(field)?;
        text_of(&v, max).ok_or_else(|| self.wrong(field, "a str"))
    }

    /// A text field that may be missing or `None`.
    pub(super) fn opt_text(
        &mut self,
        field: &'static str,
        max: usize,
    ) -> Result<Option<String>, WireError> {
        match self.opt(field) {
            None => Ok(None),
            Some(v) => text_of(&v, max)
                .map(Some)
                .ok_or_else(|| self.wrong(field, "a str or None")),
        }
    }

    pub(super) fn bool(&mut self, field: &'static str) -> Result<bool, WireError> {
        match self.value(field)? {
            PyValue::Bool(b) => Ok(b),
            _ => Err(self.wrong(field, "a bool")),
        }
    }

    /// An int field that fits `T` (`expected` says which range).
    pub(super) fn int<T: TryFrom<i64>>(
        &mut self,
        field: &'static str,
        expected: &'static str,
    ) -> Result<T, WireError> {
        let v = self.value(field)?;
        self.int_of(&v, field, expected)
    }

    /// An int field that may be missing or `None`.
    pub(super) fn opt_int<T: TryFrom<i64>>(
        &mut self,
        field: &'static str,
        expected: &'static str,
    ) -> Result<Option<T>, WireError> {
        match self.opt(field) {
            None => Ok(None),
            Some(v) => self.int_of(&v, field, expected).map(Some),
        }
    }

    fn int_of<T: TryFrom<i64>>(
        &self,
        v: &PyValue,
        field: &'static str,
        expected: &'static str,
    ) -> Result<T, WireError> {
        match v {
            PyValue::Int(i) => i.to_i64().and_then(|i| T::try_from(i).ok()),
            _ => None,
        }
        .ok_or_else(|| self.wrong(field, expected))
    }

    /// A finite number of milliseconds (a float, or an int).
    pub(super) fn ms(&mut self, field: &'static str) -> Result<f64, WireError> {
        match self.value(field)? {
            PyValue::Float(f) => Some(f),
            PyValue::Int(i) => i.to_f64(),
            _ => None,
        }
        .filter(|x| x.is_finite())
        .ok_or_else(|| self.wrong(field, "a finite number"))
    }

    pub(super) fn list(&mut self, field: &'static str) -> Result<Vec<PyValue>, WireError> {
        match self.value(field)? {
            PyValue::List(xs) => Ok(xs),
            _ => Err(self.wrong(field, "a list")),
        }
    }

    /// A dict field that may be missing or `None`.
    pub(super) fn opt_dict(
        &mut self,
        field: &'static str,
    ) -> Result<Option<Vec<(PyValue, PyValue)>>, WireError> {
        match self.opt(field) {
            None => Ok(None),
            Some(PyValue::Dict(kvs)) => Ok(Some(kvs)),
            Some(_) => Err(self.wrong(field, "a dict or None")),
        }
    }

    /// A list of texts, each cut to `max` characters; `keep` at most are kept.
    pub(super) fn texts(
        &mut self,
        field: &'static str,
        max: usize,
        keep: usize,
    ) -> Result<Vec<String>, WireError> {
        let xs = self.list(field)?;
        let mut out = Vec::with_capacity(xs.len().min(keep));
        for x in &xs {
            let t = text_of(x, max).ok_or_else(|| self.wrong(field, "a list of str"))?;
            if out.len() < keep {
                out.push(t);
            }
        }
        Ok(out)
    }

    /// Timed steps (`[[name, ns], ...]`); absent when the field is missing.
    pub(super) fn steps(&mut self, field: &'static str) -> Result<Vec<Step>, WireError> {
        let Some(v) = self.opt_value(field) else {
            return Ok(Vec::new());
        };
        let PyValue::List(xs) = v else {
            return Err(self.wrong(field, "a list of [name, ns] pairs"));
        };
        xs.iter()
            .map(|x| match x {
                PyValue::List(pair) => match pair.as_slice() {
                    [name, PyValue::Int(ns)] => Some(Step {
                        name: text_of(name, MAX_NAME)?,
                        ns: ns.to_u64()?,
                    }),
                    _ => None,
                },
                _ => None,
            })
            .collect::<Option<Vec<Step>>>()
            .ok_or_else(|| self.wrong(field, "a list of [name, ns] pairs"))
    }
}

/// A str (or a str holding lone surrogates, shown as escapes) cut to `max`
/// characters; `None` for any other value.
fn text_of(v: &PyValue, max: usize) -> Option<String> {
    match v {
        PyValue::Str(s) => Some(cut(s, max)),
        PyValue::SurrogateStr(_) => {
            let r = v.repr_capped(max + 2);
            Some(cut(r.trim_matches(|c| c == '\'' || c == '"'), max))
        }
        _ => None,
    }
}

/// Writes a dict in marshal form, field by field, straight into a buffer
/// (values are written from references: nothing is copied).
pub(super) struct Dict<'o> {
    pub(super) out: &'o mut Vec<u8>,
}

impl<'o> Dict<'o> {
    pub(super) fn begin(out: &'o mut Vec<u8>) -> Dict<'o> {
        out.push(b'{');
        Dict { out }
    }

    /// A message: a dict whose first field is its `op`.
    pub(super) fn message(out: &'o mut Vec<u8>, op: &str) -> Dict<'o> {
        let mut d = Dict::begin(out);
        d.text("op", op);
        d
    }

    pub(super) fn key(&mut self, key: &str) {
        put_str(self.out, key);
    }

    pub(super) fn text(&mut self, key: &str, s: &str) {
        self.key(key);
        put_str(self.out, s);
    }

    pub(super) fn value(&mut self, key: &str, v: &PyValue) {
        self.key(key);
        marshal::encode(v, self.out);
    }

    pub(super) fn bool(&mut self, key: &str, b: bool) {
        self.value(key, &PyValue::Bool(b));
    }

    pub(super) fn bytes(&mut self, key: &str, b: &[u8]) {
        self.key(key);
        self.out.push(b's');
        put_len(self.out, b.len());
        self.out.extend_from_slice(b);
    }

    pub(super) fn int(&mut self, key: &str, i: i64) {
        self.value(key, &PyValue::from(i));
    }

    pub(super) fn opt_int(&mut self, key: &str, i: Option<i64>) {
        self.value(key, &i.map_or(PyValue::None, PyValue::from));
    }

    pub(super) fn float(&mut self, key: &str, f: f64) {
        self.value(key, &PyValue::Float(f));
    }

    /// A list field whose items `each` writes.
    pub(super) fn list<T>(
        &mut self,
        key: &str,
        items: &[T],
        mut each: impl FnMut(&mut Vec<u8>, &T),
    ) {
        self.key(key);
        put_list_head(self.out, items.len());
        for x in items {
            each(self.out, x);
        }
    }

    pub(super) fn values(&mut self, key: &str, xs: &[PyValue]) {
        self.list(key, xs, |out, x| marshal::encode(x, out));
    }

    pub(super) fn strs(&mut self, key: &str, xs: &[String]) {
        self.list(key, xs, |out, x| put_str(out, x));
    }

    pub(super) fn opt_dict(&mut self, key: &str, kvs: Option<&[(PyValue, PyValue)]>) {
        self.key(key);
        put_opt_dict(self.out, kvs);
    }

    pub(super) fn steps(&mut self, key: &str, steps: &[Step]) {
        self.list(key, steps, |out, s| {
            put_list_head(out, 2);
            put_str(out, &s.name);
            marshal::encode(&PyValue::from(i64::try_from(s.ns).unwrap_or(i64::MAX)), out);
        });
    }

    pub(super) fn end(self) {
        self.out.push(b'0');
    }
}

/// A message's bytes: its `op`, then the fields `fill` writes.
pub(super) fn encoded(op: &str, fill: impl FnOnce(&mut Dict<'_>)) -> Vec<u8> {
    let mut out = Vec::new();
    write_message(&mut out, op, fill);
    out
}

/// Writes a message into `out`: its `op`, then the fields `fill` writes.
pub(super) fn write_message(out: &mut Vec<u8>, op: &str, fill: impl FnOnce(&mut Dict<'_>)) {
    let mut d = Dict::message(out, op);
    fill(&mut d);
    d.end();
}

/// A str as `marshal.dumps(s, 2)` writes it.
pub(super) fn put_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'u');
    put_len(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

pub(super) fn put_list_head(out: &mut Vec<u8>, n: usize) {
    out.push(b'[');
    put_len(out, n);
}

fn put_len(out: &mut Vec<u8>, n: usize) {
    // Frames hold 32 MiB: no length written here comes near i32's range.
    let n = i32::try_from(n).unwrap_or(i32::MAX);
    out.extend_from_slice(&n.to_le_bytes());
}

/// A dict of plain values, or `None`.
pub(super) fn put_opt_dict(out: &mut Vec<u8>, kvs: Option<&[(PyValue, PyValue)]>) {
    match kvs {
        None => marshal::encode(&PyValue::None, out),
        Some(kvs) => {
            out.push(b'{');
            for (k, v) in kvs {
                marshal::encode(k, out);
                marshal::encode(v, out);
            }
            out.push(b'0');
        }
    }
}

/// `op()` of a message enum: each variant's name on the wire (and in
/// messages about it).
macro_rules! wire_ops {
    ($vis:vis $ty:ident { $($variant:ident => $op:literal),+ $(,)? }) => {
        impl $ty {
            /// The message's `op`, as on the wire.
            $vis fn op(&self) -> &'static str {
                match self {
                    $($ty::$variant { .. } => $op,)+
                }
            }
        }
    };
}
pub(super) use wire_ops;
