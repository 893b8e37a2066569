//! Messages between symtest and its Python processes: a dict with string
//! keys, written in `marshal` form (see `symtest_pyvalue::marshal`). Every
//! message from a job is read with [`Msg::decode`], which is total and
//! bounded; every text field is cut to a known length before it goes
//! anywhere.

use symtest_pyvalue::marshal::{self, Bounds};

use crate::io::ReadError;
use crate::pyvalue::PyValue;

/// Values one message may hold: enough for any test's answer, too few to
/// build a large tree from a small message.
pub const BOUNDS: Bounds = Bounds {
    max_depth: 2000,
    max_nodes: 1_000_000,
};

/// Longest type name kept from a job.
pub const MAX_NAME: usize = 200;
/// Longest message (exception text, reason) kept from a job.
pub const MAX_TEXT: usize = 2000;

pub struct Msg {
    fields: Vec<(String, PyValue)>,
}

impl Msg {
    /// Reads a message; anything but a dict with string keys is a protocol
    /// violation (as is a value beyond [`BOUNDS`]).
    pub fn decode(bytes: &[u8]) -> Result<Msg, ReadError> {
        let v = marshal::decode(bytes, BOUNDS).map_err(|e| match e {
            symtest_pyvalue::ValueError::TooLarge(m) => {
                ReadError::TooLarge(format!("a value too large to judge: {m}"))
            }
            other => ReadError::Protocol(other.to_string()),
        })?;
        let PyValue::Dict(kvs) = v else {
            return Err(ReadError::Protocol("a message that is not a dict".into()));
        };
        let mut fields = Vec::with_capacity(kvs.len());
        for (k, v) in kvs {
            let PyValue::Str(k) = k else {
                return Err(ReadError::Protocol(
                    "a message key that is not a str".into(),
                ));
            };
            fields.push((k, v));
        }
        Ok(Msg { fields })
    }

    pub fn get(&self, key: &str) -> Option<&PyValue> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Takes a field's value out (large values are not copied).
    pub fn take(&mut self, key: &str) -> Option<PyValue> {
        let i = self.fields.iter().position(|(k, _)| k == key)?;
        Some(self.fields.swap_remove(i).1)
    }

    pub fn op(&self) -> &str {
        match self.get("op") {
            Some(PyValue::Str(s)) => s,
            _ => "",
        }
    }

    /// A text field cut to `max` characters; lone surrogates are shown as
    /// escapes; a field that is missing or not text is empty.
    pub fn text(&self, key: &str, max: usize) -> String {
        match self.get(key) {
            Some(PyValue::Str(s)) => cut(s, max),
            Some(v @ PyValue::SurrogateStr(_)) => {
                let r = v.repr_capped(max + 2);
                cut(r.trim_matches(|c| c == '\'' || c == '"'), max)
            }
            _ => String::new(),
        }
    }

    pub fn f64(&self, key: &str) -> Option<f64> {
        match self.get(key)? {
            PyValue::Float(f) => Some(*f),
            PyValue::Int(i) => num_traits::ToPrimitive::to_f64(i),
            _ => None,
        }
        .filter(|x| x.is_finite())
    }

    pub fn int(&self, key: &str) -> Option<i64> {
        match self.get(key)? {
            PyValue::Int(i) => num_traits::ToPrimitive::to_i64(i),
            _ => None,
        }
    }

    pub fn bool(&self, key: &str) -> bool {
        matches!(self.get(key), Some(PyValue::Bool(true)))
    }

    pub fn list(&self, key: &str) -> Option<&[PyValue]> {
        match self.get(key)? {
            PyValue::List(xs) | PyValue::Tuple(xs) => Some(xs),
            _ => None,
        }
    }

    /// Names in a list field, each cut to [`MAX_NAME`].
    pub fn names(&self, key: &str) -> Vec<String> {
        self.list(key)
            .unwrap_or_default()
            .iter()
            .take(64)
            .filter_map(|v| match v {
                PyValue::Str(s) => Some(cut(s, MAX_NAME)),
                _ => None,
            })
            .collect()
    }
}

/// At most `max` characters of `s`, with `...` when cut.
pub fn cut(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((at, _)) => format!("{}...", &s[..at]),
    }
}

/// Builds a message.
pub fn encode(fields: Vec<(&str, PyValue)>) -> Vec<u8> {
    marshal::to_bytes(&PyValue::Dict(
        fields
            .into_iter()
            .map(|(k, v)| (PyValue::Str(k.to_string()), v))
            .collect(),
    ))
}

pub fn s(text: &str) -> PyValue {
    PyValue::Str(text.to_string())
}

pub fn int(i: i64) -> PyValue {
    PyValue::from(i)
}

pub fn opt_int(i: Option<i64>) -> PyValue {
    i.map_or(PyValue::None, PyValue::from)
}

pub fn list(xs: Vec<PyValue>) -> PyValue {
    PyValue::List(xs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_and_junk_is_refused() {
        let bytes = encode(vec![("op", s("x")), ("n", int(3))]);
        let m = Msg::decode(&bytes).unwrap();
        assert_eq!(m.op(), "x");
        assert_eq!(m.int("n"), Some(3));
        assert_eq!(m.text("missing", 5), "");
        assert!(Msg::decode(b"N").is_err());
        assert!(Msg::decode(b"{i\x01\x00\x00\x00N0").is_err());
        assert!(Msg::decode(&[0xff; 10]).is_err());
    }

    #[test]
    fn text_is_cut() {
        let m = Msg::decode(&encode(vec![
            ("t", s(&"é".repeat(5000))),
            ("u", PyValue::SurrogateStr(vec![0x61, 0xd800])),
        ]))
        .unwrap();
        assert_eq!(m.text("t", 3), "ééé...");
        assert_eq!(m.text("u", 50), "a\\ud800");
    }
}
