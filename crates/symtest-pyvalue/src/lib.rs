//! Python's builtin values as plain data: parsed from Python literals (the
//! datasets' test inputs and expected outputs), carried across the sandbox
//! boundary in a tagged JSON form, printed back as Python literals, and
//! compared with Python's `==` (floats within a tolerance, as EvalPlus does).
//!
//! Results of untrusted code are decoded into this type and compared here:
//! the candidate's own `__eq__` never takes part.

use std::collections::HashMap;
use std::fmt::{self, Write};

use num_bigint::BigInt;
use num_traits::{Num as _, Signed, ToPrimitive};
use serde_json::Value as Json;
use thiserror::Error;

#[derive(Clone, Debug, PartialEq)]
pub enum PyValue {
    None,
    Bool(bool),
    Int(BigInt),
    Float(f64),
    Complex(f64, f64),
    Str(String),
    Bytes(Vec<u8>),
    List(Vec<PyValue>),
    Tuple(Vec<PyValue>),
    /// Insertion order kept, as in Python.
    Dict(Vec<(PyValue, PyValue)>),
    Set(Vec<PyValue>),
    FrozenSet(Vec<PyValue>),
}

#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ValueError {
    #[error("at offset {offset}: {message}")]
    Literal { offset: usize, message: String },
    #[error("malformed value: {0}")]
    Wire(String),
}

impl PyValue {
    pub fn type_name(&self) -> &'static str {
        match self {
            PyValue::None => "NoneType",
            PyValue::Bool(_) => "bool",
            PyValue::Int(_) => "int",
            PyValue::Float(_) => "float",
            PyValue::Complex(..) => "complex",
            PyValue::Str(_) => "str",
            PyValue::Bytes(_) => "bytes",
            PyValue::List(_) => "list",
            PyValue::Tuple(_) => "tuple",
            PyValue::Dict(_) => "dict",
            PyValue::Set(_) => "set",
            PyValue::FrozenSet(_) => "frozenset",
        }
    }

    /// Parses a Python literal (what `ast.literal_eval` accepts, plus
    /// `set()`, `frozenset(...)` and `float('nan' | 'inf' | '-inf')`).
    pub fn parse(text: &str) -> Result<PyValue, ValueError> {
        let mut p = LiteralParser {
            s: text.as_bytes(),
            text,
            at: 0,
            depth: 0,
        };
        let v = p.value()?;
        p.skip_ws();
        if p.at != p.s.len() {
            return Err(p.err("unexpected text after the value"));
        }
        Ok(v)
    }

    /// Python's `repr`, readable back by [`PyValue::parse`].
    pub fn repr(&self) -> String {
        let mut s = String::new();
        // Writing to a String cannot fail.
        let _ = write_repr(self, &mut s);
        s
    }

    /// The tagged JSON form that crosses the sandbox boundary: `null`, `true`,
    /// `false` and strings stand for themselves; everything else is
    /// `[tag, ...]` (`i` int as hex, `f` float as repr, `c` complex, `b` bytes
    /// as hex, `sx` a str with lone surrogates as surrogatepass UTF-8 hex,
    /// `l` list, `t` tuple, `d` dict as pairs, `S` set, `F` frozenset).
    pub fn to_wire(&self) -> Json {
        match self {
            PyValue::None => Json::Null,
            PyValue::Bool(b) => Json::Bool(*b),
            PyValue::Str(s) => Json::String(s.clone()),
            PyValue::Int(i) => {
                let hex = if i.is_negative() {
                    format!("-0x{}", i.abs().to_str_radix(16))
                } else {
                    format!("0x{}", i.to_str_radix(16))
                };
                tagged("i", vec![Json::String(hex)])
            }
            PyValue::Float(f) => tagged("f", vec![Json::String(float_repr(*f))]),
            PyValue::Complex(r, i) => tagged(
                "c",
                vec![Json::String(float_repr(*r)), Json::String(float_repr(*i))],
            ),
            PyValue::Bytes(b) => tagged("b", vec![Json::String(hex_encode(b))]),
            PyValue::List(xs) => tagged("l", vec![wire_list(xs)]),
            PyValue::Tuple(xs) => tagged("t", vec![wire_list(xs)]),
            PyValue::Set(xs) => tagged("S", vec![wire_list(xs)]),
            PyValue::FrozenSet(xs) => tagged("F", vec![wire_list(xs)]),
            PyValue::Dict(kvs) => tagged(
                "d",
                vec![Json::Array(
                    kvs.iter()
                        .map(|(k, v)| Json::Array(vec![k.to_wire(), v.to_wire()]))
                        .collect(),
                )],
            ),
        }
    }

    pub fn from_wire(j: &Json) -> Result<PyValue, ValueError> {
        from_wire_at(j, 0)
    }
}

/// Nesting deeper than this is refused (Python's own default recursion limit).
const MAX_DEPTH: usize = 1000;

fn tagged(tag: &str, mut rest: Vec<Json>) -> Json {
    rest.insert(0, Json::String(tag.to_string()));
    Json::Array(rest)
}

fn wire_list(xs: &[PyValue]) -> Json {
    Json::Array(xs.iter().map(PyValue::to_wire).collect())
}

fn hex_encode(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

fn hex_decode(s: &str) -> Result<Vec<u8>, ValueError> {
    if !s.len().is_multiple_of(2) {
        return Err(ValueError::Wire("odd hex length".into()));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(&s[i..i + 2], 16).map_err(|_| ValueError::Wire("bad hex".into()))
        })
        .collect()
}

fn from_wire_at(j: &Json, depth: usize) -> Result<PyValue, ValueError> {
    if depth > MAX_DEPTH {
        return Err(ValueError::Wire("nested too deeply".into()));
    }
    let bad = |what: &str| ValueError::Wire(what.to_string());
    match j {
        Json::Null => Ok(PyValue::None),
        Json::Bool(b) => Ok(PyValue::Bool(*b)),
        Json::String(s) => Ok(PyValue::Str(s.clone())),
        Json::Number(_) | Json::Object(_) => Err(bad("untagged number or object")),
        Json::Array(items) => {
            let tag = items
                .first()
                .and_then(Json::as_str)
                .ok_or_else(|| bad("missing tag"))?;
            let arg = |i: usize| items.get(i).ok_or_else(|| bad("missing field"));
            let text = |i: usize| {
                arg(i)?
                    .as_str()
                    .ok_or_else(|| bad("expected a string field"))
            };
            let list = |i: usize| -> Result<Vec<PyValue>, ValueError> {
                arg(i)?
                    .as_array()
                    .ok_or_else(|| bad("expected a list field"))?
                    .iter()
                    .map(|x| from_wire_at(x, depth + 1))
                    .collect()
            };
            Ok(match tag {
                "i" => PyValue::Int(parse_hex_int(text(1)?).ok_or_else(|| bad("bad int"))?),
                "f" => PyValue::Float(parse_float(text(1)?).ok_or_else(|| bad("bad float"))?),
                "c" => PyValue::Complex(
                    parse_float(text(1)?).ok_or_else(|| bad("bad complex"))?,
                    parse_float(text(2)?).ok_or_else(|| bad("bad complex"))?,
                ),
                "b" => PyValue::Bytes(hex_decode(text(1)?)?),
                "sx" => {
                    // Lone surrogates have no UTF-8 form; keep them as U+FFFD.
                    let raw = hex_decode(text(1)?)?;
                    PyValue::Str(String::from_utf8_lossy(&raw).into_owned())
                }
                "l" => PyValue::List(list(1)?),
                "t" => PyValue::Tuple(list(1)?),
                "S" => PyValue::Set(list(1)?),
                "F" => PyValue::FrozenSet(list(1)?),
                "d" => {
                    let pairs = arg(1)?.as_array().ok_or_else(|| bad("expected pairs"))?;
                    let mut out = Vec::with_capacity(pairs.len());
                    for p in pairs {
                        let kv = p
                            .as_array()
                            .filter(|kv| kv.len() == 2)
                            .ok_or_else(|| bad("bad pair"))?;
                        out.push((
                            from_wire_at(&kv[0], depth + 1)?,
                            from_wire_at(&kv[1], depth + 1)?,
                        ));
                    }
                    PyValue::Dict(out)
                }
                other => return Err(bad(&format!("unknown tag {other:?}"))),
            })
        }
    }
}

fn parse_hex_int(s: &str) -> Option<BigInt> {
    let (neg, rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let digits = rest.strip_prefix("0x")?;
    let v = BigInt::from_str_radix(digits, 16).ok()?;
    Some(if neg { -v } else { v })
}

fn parse_float(s: &str) -> Option<f64> {
    match s {
        "nan" | "-nan" => Some(f64::NAN),
        "inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        _ => s.parse().ok(),
    }
}

/// Python's `repr(float)`: shortest round-trip digits, exponent form when the
/// exponent is below -4 or at least 16.
pub fn float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if x == 0.0 {
        return if x.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "1.2345e-7".
    let e = format!("{x:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let sign = if neg { "-" } else { "" };
    if !(-4..16).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{frac}e{esign}{:02}", exp.abs());
    }
    let point = exp + 1;
    if point <= 0 {
        format!("{sign}0.{}{digits}", "0".repeat((-point) as usize))
    } else if point as usize >= digits.len() {
        format!(
            "{sign}{digits}{}.0",
            "0".repeat(point as usize - digits.len())
        )
    } else {
        let (a, b) = digits.split_at(point as usize);
        format!("{sign}{a}.{b}")
    }
}

fn float_literal(x: f64) -> String {
    if x.is_nan() {
        "float('nan')".into()
    } else if x.is_infinite() {
        if x > 0.0 {
            "float('inf')".into()
        } else {
            "-float('inf')".into()
        }
    } else {
        float_repr(x)
    }
}

fn str_repr(s: &str, out: &mut String) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

fn bytes_repr(b: &[u8], out: &mut String) {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    out.push('b');
    out.push(quote as char);
    for &x in b {
        match x {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            x if x == quote => {
                out.push('\\');
                out.push(x as char);
            }
            0x20..=0x7e => out.push(x as char),
            x => {
                let _ = write!(out, "\\x{x:02x}");
            }
        }
    }
    out.push(quote as char);
}

fn seq_repr(xs: &[PyValue], open: &str, close: &str, out: &mut String) -> fmt::Result {
    out.push_str(open);
    for (i, x) in xs.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_repr(x, out)?;
    }
    out.push_str(close);
    Ok(())
}

fn write_repr(v: &PyValue, out: &mut String) -> fmt::Result {
    match v {
        PyValue::None => out.push_str("None"),
        PyValue::Bool(true) => out.push_str("True"),
        PyValue::Bool(false) => out.push_str("False"),
        PyValue::Int(i) => write!(out, "{i}")?,
        PyValue::Float(f) => out.push_str(&float_literal(*f)),
        PyValue::Complex(r, i) => {
            let imag = float_repr(*i);
            let imag = imag.strip_suffix(".0").unwrap_or(&imag).to_string();
            if *r == 0.0 && !r.is_sign_negative() {
                write!(out, "{imag}j")?;
            } else {
                let real = float_repr(*r);
                let real = real.strip_suffix(".0").unwrap_or(&real).to_string();
                let sign = if imag.starts_with('-') { "" } else { "+" };
                write!(out, "({real}{sign}{imag}j)")?;
            }
        }
        PyValue::Str(s) => str_repr(s, out),
        PyValue::Bytes(b) => bytes_repr(b, out),
        PyValue::List(xs) => seq_repr(xs, "[", "]", out)?,
        PyValue::Tuple(xs) if xs.len() == 1 => {
            out.push('(');
            write_repr(&xs[0], out)?;
            out.push_str(",)");
        }
        PyValue::Tuple(xs) => seq_repr(xs, "(", ")", out)?,
        PyValue::Set(xs) if xs.is_empty() => out.push_str("set()"),
        PyValue::Set(xs) => seq_repr(xs, "{", "}", out)?,
        PyValue::FrozenSet(xs) if xs.is_empty() => out.push_str("frozenset()"),
        PyValue::FrozenSet(xs) => seq_repr(xs, "frozenset({", "})", out)?,
        PyValue::Dict(kvs) => {
            out.push('{');
            for (i, (k, x)) in kvs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(k, out)?;
                out.push_str(": ");
                write_repr(x, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

impl fmt::Display for PyValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.repr())
    }
}

/// How close floats must be to count as equal: `|a - b| <= atol + rtol * |b|`
/// (NumPy's `allclose`, which EvalPlus uses).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tolerance {
    pub rtol: f64,
    pub atol: f64,
}

impl Tolerance {
    pub const EXACT: Tolerance = Tolerance {
        rtol: 0.0,
        atol: 0.0,
    };
}

impl Default for Tolerance {
    fn default() -> Self {
        Tolerance {
            rtol: 1e-7,
            atol: 1e-9,
        }
    }
}

/// A number as Python's numeric tower sees it.
enum Num<'a> {
    Int(std::borrow::Cow<'a, BigInt>),
    Float(f64),
    Complex(f64, f64),
}

fn as_num(v: &PyValue) -> Option<Num<'_>> {
    match v {
        PyValue::Bool(b) => Some(Num::Int(std::borrow::Cow::Owned(BigInt::from(u8::from(
            *b,
        ))))),
        PyValue::Int(i) => Some(Num::Int(std::borrow::Cow::Borrowed(i))),
        PyValue::Float(f) => Some(Num::Float(*f)),
        PyValue::Complex(r, i) => Some(Num::Complex(*r, *i)),
        _ => None,
    }
}

fn close(a: f64, b: f64, tol: Tolerance) -> bool {
    if a == b {
        return true;
    }
    if a.is_nan() || b.is_nan() || a.is_infinite() || b.is_infinite() {
        return false;
    }
    (a - b).abs() <= tol.atol + tol.rtol * b.abs()
}

fn num_eq(a: &Num<'_>, b: &Num<'_>, tol: Tolerance) -> bool {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => x == y,
        (Num::Int(x), Num::Float(f)) | (Num::Float(f), Num::Int(x)) => {
            // Python compares int and float exactly; a tolerance only when asked.
            let xf = x.to_f64().unwrap_or(f64::NAN);
            if tol == Tolerance::EXACT {
                f.is_finite()
                    && f.fract() == 0.0
                    && num_traits::FromPrimitive::from_f64(*f) == Some(x.as_ref().clone())
            } else {
                close(xf, *f, tol)
            }
        }
        (Num::Float(x), Num::Float(y)) => close(*x, *y, tol),
        (Num::Complex(r, i), other) | (other, Num::Complex(r, i)) => {
            let (r2, i2) = match other {
                Num::Int(x) => (x.to_f64().unwrap_or(f64::NAN), 0.0),
                Num::Float(f) => (*f, 0.0),
                Num::Complex(r2, i2) => (*r2, *i2),
            };
            close(*r, r2, tol) && close(*i, i2, tol)
        }
    }
}

/// Python's `==` between two values, with floats compared within `tol`.
/// Keys of dicts and elements of sets are matched exactly (as hashing does).
pub fn py_eq(a: &PyValue, b: &PyValue, tol: Tolerance) -> bool {
    if let (Some(x), Some(y)) = (as_num(a), as_num(b)) {
        return num_eq(&x, &y, tol);
    }
    match (a, b) {
        (PyValue::None, PyValue::None) => true,
        (PyValue::Str(x), PyValue::Str(y)) => x == y,
        (PyValue::Bytes(x), PyValue::Bytes(y)) => x == y,
        (PyValue::List(x), PyValue::List(y)) | (PyValue::Tuple(x), PyValue::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| py_eq(p, q, tol))
        }
        (PyValue::Dict(x), PyValue::Dict(y)) => {
            if x.len() != y.len() {
                return false;
            }
            let index: HashMap<String, &PyValue> = y.iter().map(|(k, v)| (key(k), v)).collect();
            x.iter()
                .all(|(k, v)| index.get(&key(k)).is_some_and(|w| py_eq(v, w, tol)))
        }
        (PyValue::Set(x) | PyValue::FrozenSet(x), PyValue::Set(y) | PyValue::FrozenSet(y)) => {
            let xs: std::collections::HashSet<String> = x.iter().map(key).collect();
            let ys: std::collections::HashSet<String> = y.iter().map(key).collect();
            xs == ys
        }
        _ => false,
    }
}

/// A string equal for two values exactly when Python considers them equal
/// dict keys (1, 1.0 and True are one key).
fn key(v: &PyValue) -> String {
    match v {
        PyValue::Bool(b) => format!("n{}", u8::from(*b)),
        PyValue::Int(i) => format!("n{i}"),
        PyValue::Float(f) if f.is_finite() && f.fract() == 0.0 => {
            let i: Option<BigInt> = num_traits::FromPrimitive::from_f64(*f);
            i.map_or_else(|| format!("f{}", float_repr(*f)), |i| format!("n{i}"))
        }
        PyValue::Float(f) => format!("f{}", float_repr(*f)),
        PyValue::Complex(r, i) if *i == 0.0 => key(&PyValue::Float(*r)),
        other => format!("{}:{}", other.type_name(), other.repr()),
    }
}

struct LiteralParser<'a> {
    s: &'a [u8],
    text: &'a str,
    at: usize,
    depth: usize,
}

impl LiteralParser<'_> {
    fn err(&self, message: &str) -> ValueError {
        ValueError::Literal {
            offset: self.at,
            message: message.to_string(),
        }
    }

    fn skip_ws(&mut self) {
        while self.at < self.s.len() {
            match self.s[self.at] {
                b' ' | b'\t' | b'\n' | b'\r' => self.at += 1,
                b'\\' if self.s.get(self.at + 1) == Some(&b'\n') => self.at += 2,
                _ => break,
            }
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.s.get(self.at).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), ValueError> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.err(&format!("expected '{}'", c as char)))
        }
    }

    fn value(&mut self) -> Result<PyValue, ValueError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("nested too deeply"));
        }
        let v = self.value_inner();
        self.depth -= 1;
        v
    }

    fn value_inner(&mut self) -> Result<PyValue, ValueError> {
        let c = self.peek().ok_or_else(|| self.err("expected a value"))?;
        match c {
            b'-' | b'+' => {
                self.at += 1;
                let v = self.value()?;
                let neg = c == b'-';
                let out = match v {
                    PyValue::Int(i) => PyValue::Int(if neg { -i } else { i }),
                    PyValue::Bool(b) => {
                        PyValue::Int(BigInt::from(if neg { -i64::from(b) } else { i64::from(b) }))
                    }
                    PyValue::Float(f) => PyValue::Float(if neg { -f } else { f }),
                    PyValue::Complex(r, i) => {
                        if neg {
                            PyValue::Complex(-r, -i)
                        } else {
                            PyValue::Complex(r, i)
                        }
                    }
                    _ => return Err(self.err("a sign applies to numbers only")),
                };
                self.maybe_complex(out)
            }
            b'0'..=b'9' | b'.' => {
                let n = self.number()?;
                self.maybe_complex(n)
            }
            b'[' => {
                self.at += 1;
                Ok(PyValue::List(self.items(b']')?))
            }
            b'(' => {
                self.at += 1;
                if self.eat(b')') {
                    return Ok(PyValue::Tuple(Vec::new()));
                }
                let first = self.value()?;
                if self.eat(b')') {
                    return Ok(first);
                }
                self.expect(b',')?;
                let mut xs = vec![first];
                xs.extend(self.items(b')')?);
                Ok(PyValue::Tuple(xs))
            }
            b'{' => {
                self.at += 1;
                if self.eat(b'}') {
                    return Ok(PyValue::Dict(Vec::new()));
                }
                let first = self.value()?;
                if self.eat(b':') {
                    let v = self.value()?;
                    let mut kvs = vec![(first, v)];
                    while self.eat(b',') {
                        if self.peek() == Some(b'}') {
                            break;
                        }
                        let k = self.value()?;
                        self.expect(b':')?;
                        kvs.push((k, self.value()?));
                    }
                    self.expect(b'}')?;
                    Ok(PyValue::Dict(kvs))
                } else {
                    let mut xs = vec![first];
                    if self.eat(b',') {
                        xs.extend(self.items(b'}')?);
                    } else {
                        self.expect(b'}')?;
                    }
                    Ok(PyValue::Set(xs))
                }
            }
            b'\'' | b'"' => self.strings(),
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = self.at;
                while self.at < self.s.len()
                    && (self.s[self.at].is_ascii_alphanumeric() || self.s[self.at] == b'_')
                {
                    self.at += 1;
                }
                let word = &self.text[start..self.at];
                if matches!(self.s.get(self.at), Some(b'\'' | b'"'))
                    && matches!(
                        word.to_ascii_lowercase().as_str(),
                        "r" | "b" | "br" | "rb" | "u"
                    )
                {
                    self.at = start;
                    return self.strings();
                }
                match word {
                    "None" => Ok(PyValue::None),
                    "True" => Ok(PyValue::Bool(true)),
                    "False" => Ok(PyValue::Bool(false)),
                    "inf" => Ok(PyValue::Float(f64::INFINITY)),
                    "nan" => Ok(PyValue::Float(f64::NAN)),
                    "float" => {
                        self.expect(b'(')?;
                        let arg = self.value()?;
                        self.expect(b')')?;
                        match arg {
                            PyValue::Str(s) => parse_float(s.trim().to_ascii_lowercase().as_str())
                                .or_else(|| match s.trim().to_ascii_lowercase().as_str() {
                                    "infinity" | "+inf" | "+infinity" => Some(f64::INFINITY),
                                    "-infinity" => Some(f64::NEG_INFINITY),
                                    _ => None,
                                })
                                .map(PyValue::Float)
                                .ok_or_else(|| {
                                    self.err("float() of a string that is not a number")
                                }),
                            PyValue::Int(i) => Ok(PyValue::Float(i.to_f64().unwrap_or(f64::NAN))),
                            PyValue::Float(f) => Ok(PyValue::Float(f)),
                            _ => Err(self.err("float() takes a number or a string here")),
                        }
                    }
                    "set" | "frozenset" | "tuple" | "list" => {
                        self.expect(b'(')?;
                        let items = if self.eat(b')') {
                            Vec::new()
                        } else {
                            let arg = self.value()?;
                            self.expect(b')')?;
                            match arg {
                                PyValue::List(xs)
                                | PyValue::Tuple(xs)
                                | PyValue::Set(xs)
                                | PyValue::FrozenSet(xs) => xs,
                                PyValue::Str(s) => {
                                    s.chars().map(|c| PyValue::Str(c.to_string())).collect()
                                }
                                _ => return Err(self.err("expected an iterable literal")),
                            }
                        };
                        Ok(match word {
                            "set" => PyValue::Set(items),
                            "frozenset" => PyValue::FrozenSet(items),
                            "tuple" => PyValue::Tuple(items),
                            _ => PyValue::List(items),
                        })
                    }
                    other => Err(self.err(&format!("'{other}' is not a literal"))),
                }
            }
            other => Err(self.err(&format!("unexpected '{}'", other as char))),
        }
    }

    /// `a + bj` and `a - bj`, which `ast.literal_eval` accepts.
    fn maybe_complex(&mut self, v: PyValue) -> Result<PyValue, ValueError> {
        let save = self.at;
        let sign = match self.peek() {
            Some(b'+') => 1.0,
            Some(b'-') => -1.0,
            _ => return Ok(v),
        };
        self.at += 1;
        if !matches!(self.peek(), Some(b'0'..=b'9' | b'.')) {
            self.at = save;
            return Ok(v);
        }
        let im = self.number()?;
        let (r, i0) = match v {
            PyValue::Int(i) => (i.to_f64().unwrap_or(f64::NAN), 0.0),
            PyValue::Float(f) => (f, 0.0),
            PyValue::Complex(r, i) => (r, i),
            _ => {
                self.at = save;
                return Ok(v);
            }
        };
        match im {
            PyValue::Complex(0.0, i) => Ok(PyValue::Complex(r, i0 + sign * i)),
            _ => Err(self.err("only an imaginary number may follow '+' or '-' here")),
        }
    }

    fn items(&mut self, close: u8) -> Result<Vec<PyValue>, ValueError> {
        let mut xs = Vec::new();
        loop {
            if self.eat(close) {
                return Ok(xs);
            }
            xs.push(self.value()?);
            if !self.eat(b',') {
                self.expect(close)?;
                return Ok(xs);
            }
        }
    }

    fn number(&mut self) -> Result<PyValue, ValueError> {
        let start = self.at;
        let s = self.s;
        if s[self.at] == b'0'
            && matches!(
                s.get(self.at + 1),
                Some(b'x' | b'X' | b'o' | b'O' | b'b' | b'B')
            )
        {
            let radix = match s[self.at + 1] {
                b'x' | b'X' => 16,
                b'o' | b'O' => 8,
                _ => 2,
            };
            self.at += 2;
            let ds = self.at;
            while self.at < s.len() && (s[self.at].is_ascii_alphanumeric() || s[self.at] == b'_') {
                self.at += 1;
            }
            let digits: String = self.text[ds..self.at]
                .chars()
                .filter(|c| *c != '_')
                .collect();
            return BigInt::from_str_radix(&digits, radix)
                .map(PyValue::Int)
                .map_err(|_| self.err("malformed integer"));
        }
        let mut is_float = false;
        while self.at < s.len() {
            match s[self.at] {
                b'0'..=b'9' | b'_' => self.at += 1,
                b'.' => {
                    is_float = true;
                    self.at += 1;
                }
                b'e' | b'E' => {
                    is_float = true;
                    self.at += 1;
                    if matches!(s.get(self.at), Some(b'+' | b'-')) {
                        self.at += 1;
                    }
                }
                _ => break,
            }
        }
        let raw: String = self.text[start..self.at]
            .chars()
            .filter(|c| *c != '_')
            .collect();
        if matches!(s.get(self.at), Some(b'j' | b'J')) {
            self.at += 1;
            let f: f64 = raw.parse().map_err(|_| self.err("malformed number"))?;
            return Ok(PyValue::Complex(0.0, f));
        }
        if is_float {
            raw.parse::<f64>()
                .map(PyValue::Float)
                .map_err(|_| self.err("malformed float"))
        } else {
            raw.parse::<BigInt>()
                .map(PyValue::Int)
                .map_err(|_| self.err("malformed integer"))
        }
    }

    /// One or more adjacent string literals, concatenated (as Python does).
    fn strings(&mut self) -> Result<PyValue, ValueError> {
        let mut text = String::new();
        let mut bytes: Option<Vec<u8>> = None;
        let mut any = false;
        loop {
            let save = self.at;
            match self.peek() {
                Some(b'\'' | b'"') => {}
                Some(c) if c.is_ascii_alphabetic() => {}
                _ => break,
            }
            let start = self.at;
            while self.at < self.s.len() && self.s[self.at].is_ascii_alphabetic() {
                self.at += 1;
            }
            let prefix = self.text[start..self.at].to_ascii_lowercase();
            if !matches!(self.s.get(self.at), Some(b'\'' | b'"'))
                || !matches!(prefix.as_str(), "" | "r" | "b" | "br" | "rb" | "u")
            {
                self.at = save;
                break;
            }
            let raw = prefix.contains('r');
            let is_bytes = prefix.contains('b');
            if any && is_bytes != bytes.is_some() {
                return Err(self.err("cannot mix bytes and str literals"));
            }
            let body = self.string_body(raw)?;
            if is_bytes {
                let mut b = bytes.take().unwrap_or_default();
                for c in body.chars() {
                    let code = c as u32;
                    if code > 0xff {
                        return Err(self.err("bytes literals hold ASCII and escapes only"));
                    }
                    b.push(code as u8);
                }
                bytes = Some(b);
            } else {
                text.push_str(&body);
            }
            any = true;
        }
        if !any {
            return Err(self.err("expected a string"));
        }
        Ok(match bytes {
            Some(b) => PyValue::Bytes(b),
            None => PyValue::Str(text),
        })
    }

    fn string_body(&mut self, raw: bool) -> Result<String, ValueError> {
        let q = self.s[self.at];
        let triple = self.s.get(self.at + 1) == Some(&q) && self.s.get(self.at + 2) == Some(&q);
        self.at += if triple { 3 } else { 1 };
        let mut out = String::new();
        loop {
            let Some(&c) = self.s.get(self.at) else {
                return Err(self.err("unterminated string"));
            };
            if c == q
                && (!triple
                    || (self.s.get(self.at + 1) == Some(&q) && self.s.get(self.at + 2) == Some(&q)))
            {
                self.at += if triple { 3 } else { 1 };
                return Ok(out);
            }
            if c == b'\n' && !triple {
                return Err(self.err("unterminated string"));
            }
            if c == b'\\' {
                let Some(&n) = self.s.get(self.at + 1) else {
                    return Err(self.err("unterminated string"));
                };
                if raw {
                    out.push('\\');
                    out.push(n as char);
                    self.at += 2;
                    continue;
                }
                self.at += 2;
                match n {
                    b'\n' => {}
                    b'\\' => out.push('\\'),
                    b'\'' => out.push('\''),
                    b'"' => out.push('"'),
                    b'n' => out.push('\n'),
                    b't' => out.push('\t'),
                    b'r' => out.push('\r'),
                    b'a' => out.push('\x07'),
                    b'b' => out.push('\x08'),
                    b'f' => out.push('\x0c'),
                    b'v' => out.push('\x0b'),
                    b'0'..=b'7' => {
                        let mut v = u32::from(n - b'0');
                        for _ in 0..2 {
                            match self.s.get(self.at) {
                                Some(d @ b'0'..=b'7') => {
                                    v = v * 8 + u32::from(d - b'0');
                                    self.at += 1;
                                }
                                _ => break,
                            }
                        }
                        out.push(char::from_u32(v).ok_or_else(|| self.err("bad escape"))?);
                    }
                    b'x' | b'u' | b'U' => {
                        let len = match n {
                            b'x' => 2,
                            b'u' => 4,
                            _ => 8,
                        };
                        let hex = self
                            .text
                            .get(self.at..self.at + len)
                            .ok_or_else(|| self.err("truncated escape"))?;
                        let v = u32::from_str_radix(hex, 16).map_err(|_| self.err("bad escape"))?;
                        out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                        self.at += len;
                    }
                    other => {
                        out.push('\\');
                        out.push(other as char);
                    }
                }
                continue;
            }
            // Copy one UTF-8 character.
            let ch_len = utf8_len(c);
            let piece = self
                .text
                .get(self.at..self.at + ch_len)
                .ok_or_else(|| self.err("invalid text"))?;
            out.push_str(piece);
            self.at += ch_len;
        }
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

impl From<i64> for PyValue {
    fn from(i: i64) -> Self {
        PyValue::Int(BigInt::from(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PyValue {
        PyValue::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn parses_python_literals() {
        assert_eq!(p("None"), PyValue::None);
        assert_eq!(p("-12"), PyValue::from(-12));
        assert_eq!(p("1_000"), PyValue::from(1000));
        assert_eq!(p("0x1F"), PyValue::from(31));
        assert_eq!(p("2.5e-3"), PyValue::Float(0.0025));
        assert_eq!(p("'it\\'s'"), PyValue::Str("it's".into()));
        assert_eq!(p("\"a\" 'b'"), PyValue::Str("ab".into()));
        assert_eq!(p("r'\\d'"), PyValue::Str("\\d".into()));
        assert_eq!(p("b'\\x00a'"), PyValue::Bytes(vec![0, b'a']));
        assert_eq!(p("(1,)"), PyValue::Tuple(vec![PyValue::from(1)]));
        assert_eq!(p("()"), PyValue::Tuple(vec![]));
        assert_eq!(p("(1)"), PyValue::from(1));
        assert_eq!(p("set()"), PyValue::Set(vec![]));
        assert_eq!(
            p("{1, 2}"),
            PyValue::Set(vec![PyValue::from(1), PyValue::from(2)])
        );
        assert!(matches!(p("{'a': [1, 2.0], 'b': {}}"), PyValue::Dict(kv) if kv.len() == 2));
        assert_eq!(p("1+2j"), PyValue::Complex(1.0, 2.0));
        assert!(matches!(p("float('nan')"), PyValue::Float(f) if f.is_nan()));
        assert_eq!(p("-float('inf')"), PyValue::Float(f64::NEG_INFINITY));
        assert_eq!(p("'''multi\nline'''"), PyValue::Str("multi\nline".into()));
        assert_eq!(p("'caf\u{e9}'"), PyValue::Str("café".into()));
        assert!(PyValue::parse("[1, 2").is_err());
        assert!(PyValue::parse("os.system('x')").is_err());
        assert!(PyValue::parse(&"[".repeat(5000)).is_err());
    }

    #[test]
    fn repr_matches_python() {
        assert_eq!(
            p("[1, 'a', (2,), None, True]").repr(),
            "[1, 'a', (2,), None, True]"
        );
        assert_eq!(PyValue::Float(1e20).repr(), "1e+20");
        assert_eq!(PyValue::Float(0.1).repr(), "0.1");
        assert_eq!(PyValue::Float(1e-5).repr(), "1e-05");
        assert_eq!(PyValue::Float(123456.0).repr(), "123456.0");
        assert_eq!(PyValue::Float(1.5e16).repr(), "1.5e+16");
        assert_eq!(PyValue::Float(0.0001).repr(), "0.0001");
        assert_eq!(PyValue::Str("it's".into()).repr(), "\"it's\"");
        assert_eq!(PyValue::Complex(1.0, -2.0).repr(), "(1-2j)");
        assert_eq!(PyValue::Float(f64::NAN).repr(), "float('nan')");
        for s in [
            "{1: 'x', 2.5: [b'\\xff', frozenset({3})]}",
            "set()",
            "(1+2j)",
            "'\\n\\t\\x01'",
        ] {
            assert_eq!(p(&p(s).repr()), p(s), "{s}");
        }
    }

    #[test]
    fn wire_round_trips() {
        let big = p("123456789012345678901234567890");
        for v in [
            big,
            p("-5"),
            p("[1.5, float('inf'), {'k': (None, b'ab')}, {1, 2}, frozenset()]"),
            p("3-4j"),
            p("'text'"),
        ] {
            let back = PyValue::from_wire(&v.to_wire()).unwrap();
            assert!(py_eq(&v, &back, Tolerance::EXACT), "{v}");
        }
        assert!(PyValue::from_wire(&serde_json::json!(5)).is_err());
        assert!(PyValue::from_wire(&serde_json::json!(["zz", 1])).is_err());
    }

    #[test]
    fn equality_follows_python() {
        let t = Tolerance::default();
        assert!(py_eq(&p("1"), &p("1.0"), t));
        assert!(py_eq(&p("True"), &p("1"), t));
        assert!(!py_eq(&p("[1, 2]"), &p("(1, 2)"), t));
        assert!(py_eq(&p("0.30000000000000004"), &p("0.3"), t));
        assert!(!py_eq(&p("0.3"), &p("0.31"), t));
        assert!(!py_eq(&p("float('nan')"), &p("float('nan')"), t));
        assert!(py_eq(&p("{1: 'a', 2: 'b'}"), &p("{2: 'b', 1.0: 'a'}"), t));
        assert!(py_eq(&p("{1, 2}"), &p("frozenset({2, 1})"), t));
        assert!(!py_eq(&p("'1'"), &p("1"), t));
        assert!(!py_eq(&p("None"), &p("0"), t));
        assert!(!py_eq(
            &p("9007199254740993"),
            &p("9007199254740992.0"),
            Tolerance::EXACT
        ));
        assert!(py_eq(&p("[0.5, {'x': 1e-12}]"), &p("[0.5, {'x': 0.0}]"), t));
    }
}
