//! Python literals (what `ast.literal_eval` accepts, plus `float('nan')`,
//! `set()`, `frozenset(...)` and friends) into [`PyValue`]s.

use std::collections::HashMap;

use crate::keys::Keys;

use num_bigint::BigInt;
use num_traits::{Num as _, ToPrimitive};

use crate::value::{PyValue, ValueError};

/// Nesting deeper than this is refused (Python's own default recursion limit).
const MAX_DEPTH: usize = 1000;

pub(crate) fn parse(text: &str) -> Result<PyValue, ValueError> {
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

/// Python's `int(text, base)`: surrounding white space, a sign, for bases 2,
/// 8 and 16 (and 0, which reads the base from it) a `0b`/`0o`/`0x` prefix,
/// and underscores between digits or after a prefix (`1_000`, `0x_1F`). Base
/// 0 reads `text` as an integer literal in source: no leading zeros but for
/// zero itself. `None` when `text` is not such a number or `base` is not 0 or
/// in 2..=36.
pub fn parse_int(text: &str, base: u32) -> Option<BigInt> {
    if base == 1 || base > 36 {
        return None;
    }
    let t = text.trim_matches(char::is_whitespace);
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let prefix_radix = match body.get(..2).map(str::to_ascii_lowercase).as_deref() {
        Some("0x") => Some(16),
        Some("0o") => Some(8),
        Some("0b") => Some(2),
        _ => None,
    };
    let (digits, radix) = match (base, prefix_radix) {
        (0, Some(r)) => (body[2..].strip_prefix('_').unwrap_or(&body[2..]), r),
        (0, None) => {
            let zeros_only = body.chars().all(|c| c == '0' || c == '_');
            if body.starts_with('0') && !zeros_only {
                return None;
            }
            (body, 10)
        }
        (b, Some(r)) if b == r => (body[2..].strip_prefix('_').unwrap_or(&body[2..]), r),
        (b, _) => (body, b),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    if !clean.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = BigInt::from_str_radix(&clean, radix).ok()?;
    Some(if negative { -v } else { v })
}

fn parse_float(s: &str) -> Option<f64> {
    match s {
        "nan" | "-nan" | "+nan" => Some(f64::NAN),
        "inf" | "+inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        _ => s.parse().ok(),
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
                // A sign binds tighter than the `+`/`-` of a complex
                // number: `-0-9j` is `(-0) - 9j`.
                let out = self.signed()?;
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
                    if kvs.iter().any(|(k, _)| !k.is_hashable()) {
                        return Err(self.err("unhashable dict key"));
                    }
                    Ok(PyValue::Dict(dedupe_dict(kvs)))
                } else {
                    let mut xs = vec![first];
                    if self.eat(b',') {
                        xs.extend(self.items(b'}')?);
                    } else {
                        self.expect(b'}')?;
                    }
                    if xs.iter().any(|x| !x.is_hashable()) {
                        return Err(self.err("unhashable set element"));
                    }
                    Ok(PyValue::Set(dedupe(xs)))
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
                        if matches!(word, "set" | "frozenset")
                            && items.iter().any(|x| !x.is_hashable())
                        {
                            return Err(self.err("unhashable set element"));
                        }
                        Ok(match word {
                            "set" => PyValue::Set(dedupe(items)),
                            "frozenset" => PyValue::FrozenSet(dedupe(items)),
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

    /// A sign and what it applies to: a number, another signed operand, or
    /// a value such as `float('inf')` (never the `+ bj` after it).
    fn signed(&mut self) -> Result<PyValue, ValueError> {
        let Some(c) = self.peek() else {
            return Err(self.err("expected a value"));
        };
        self.at += 1;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("nested too deeply"));
        }
        let v = match self.peek() {
            Some(b'-' | b'+') => self.signed(),
            Some(b'0'..=b'9' | b'.') => self.number(),
            _ => self.value(),
        };
        self.depth -= 1;
        let neg = c == b'-';
        Ok(match v? {
            PyValue::Int(i) => PyValue::Int(if neg { -i } else { i }),
            PyValue::Bool(b) => {
                PyValue::Int(BigInt::from(if neg { -i64::from(b) } else { i64::from(b) }))
            }
            PyValue::Float(f) => PyValue::Float(if neg { -f } else { f }),
            PyValue::Complex(r, i) if neg => PyValue::Complex(-r, -i),
            v @ PyValue::Complex(..) => v,
            _ => return Err(self.err("a sign applies to numbers only")),
        })
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
            self.at += 2;
            while self.at < s.len() && (s[self.at].is_ascii_alphanumeric() || s[self.at] == b'_') {
                self.at += 1;
            }
            return parse_int(&self.text[start..self.at], 0)
                .map(PyValue::Int)
                .ok_or_else(|| self.err("malformed integer"));
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
            parse_int(&self.text[start..self.at], 10)
                .map(PyValue::Int)
                .ok_or_else(|| self.err("malformed integer"))
        }
    }

    /// One or more adjacent string literals, concatenated (as Python does).
    fn strings(&mut self) -> Result<PyValue, ValueError> {
        let mut text: Vec<u32> = Vec::new();
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
                for code in body {
                    if code > 0xff {
                        return Err(self.err("bytes literals hold ASCII and escapes only"));
                    }
                    b.push(code as u8);
                }
                bytes = Some(b);
            } else {
                text.extend(body);
            }
            any = true;
        }
        if !any {
            return Err(self.err("expected a string"));
        }
        match bytes {
            Some(b) => Ok(PyValue::Bytes(b)),
            None => PyValue::str_from_code_points(text).ok_or_else(|| self.err("bad escape")),
        }
    }

    fn string_body(&mut self, raw: bool) -> Result<Vec<u32>, ValueError> {
        let q = self.s[self.at];
        let triple = self.s.get(self.at + 1) == Some(&q) && self.s.get(self.at + 2) == Some(&q);
        self.at += if triple { 3 } else { 1 };
        let mut out: Vec<u32> = Vec::new();
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
                    out.push(u32::from('\\'));
                    out.push(u32::from(n));
                    self.at += 2;
                    continue;
                }
                self.at += 2;
                match n {
                    b'\n' => {}
                    b'\\' => out.push(u32::from('\\')),
                    b'\'' => out.push(u32::from('\'')),
                    b'"' => out.push(u32::from('"')),
                    b'n' => out.push(u32::from('\n')),
                    b't' => out.push(u32::from('\t')),
                    b'r' => out.push(u32::from('\r')),
                    b'a' => out.push(u32::from('\x07')),
                    b'b' => out.push(u32::from('\x08')),
                    b'f' => out.push(u32::from('\x0c')),
                    b'v' => out.push(u32::from('\x0b')),
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
                        out.push(v);
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
                        if v > 0x10_ffff {
                            return Err(self.err("bad escape"));
                        }
                        out.push(v);
                        self.at += len;
                    }
                    other => {
                        out.push(u32::from('\\'));
                        out.push(u32::from(other));
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
            out.extend(piece.chars().map(u32::from));
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

/// For each value, the index of the first one equal to it as a key. The
/// values are hashed where they lie (the `Keys` remember addresses).
fn first_equal(values: &[&PyValue]) -> Vec<usize> {
    let mut k = Keys::new();
    let mut at: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut out = Vec::with_capacity(values.len());
    for (i, v) in values.iter().enumerate() {
        let nan = matches!(v, PyValue::Float(f) if f.is_nan());
        let h = k.hash(v);
        let same = if nan {
            None
        } else {
            at.get(&h)
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .find(|&j| k.eq(values[j], v))
        };
        match same {
            Some(j) => out.push(j),
            None => {
                at.entry(h).or_default().push(i);
                out.push(i);
            }
        }
    }
    out
}

/// A dict display as Python builds it: a repeated key keeps its first
/// position and its last value.
fn dedupe_dict(kvs: Vec<(PyValue, PyValue)>) -> Vec<(PyValue, PyValue)> {
    let first = first_equal(&kvs.iter().map(|(k, _)| k).collect::<Vec<_>>());
    let mut last_value: HashMap<usize, usize> = HashMap::new();
    for (i, f) in first.iter().enumerate() {
        last_value.insert(*f, i);
    }
    let mut values: Vec<Option<PyValue>> = Vec::with_capacity(kvs.len());
    let mut keys: Vec<Option<PyValue>> = Vec::with_capacity(kvs.len());
    for (k, v) in kvs {
        keys.push(Some(k));
        values.push(Some(v));
    }
    let mut out = Vec::new();
    for (i, f) in first.iter().enumerate() {
        if *f == i
            && let (Some(k), Some(v)) = (keys[i].take(), values[last_value[&i]].take())
        {
            out.push((k, v));
        }
    }
    out
}

/// Set elements as Python keeps them: the first of equal elements.
fn dedupe(xs: Vec<PyValue>) -> Vec<PyValue> {
    let first = first_equal(&xs.iter().collect::<Vec<_>>());
    xs.into_iter()
        .enumerate()
        .filter(|(i, _)| first[*i] == *i)
        .map(|(_, x)| x)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::p;

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
        assert_eq!(p("'\\ud800x'"), PyValue::SurrogateStr(vec![0xd800, 0x78]));
        assert!(parse("[1, 2").is_err());
        assert!(parse("os.system('x')").is_err());
        assert!(parse(&"[".repeat(5000)).is_err());
        assert!(parse("'\\U00110000'").is_err());
    }

    #[test]
    fn ints_parse_as_python_reads_them() {
        let p = |s: &str, b: u32| parse_int(s, b).map(|i| i.to_string());
        assert_eq!(p(" 42 ", 10), Some("42".into()));
        assert_eq!(p("-1_000", 10), Some("-1000".into()));
        assert_eq!(p("1__0", 10), None);
        assert_eq!(p("1_", 10), None);
        assert_eq!(p("_1", 10), None);
        assert_eq!(p("0x1f", 16), Some("31".into()));
        assert_eq!(p("0x_1F", 0), Some("31".into()));
        assert_eq!(p("0x__1F", 0), None);
        assert_eq!(p("+0b101", 0), Some("5".into()));
        assert_eq!(p("0o17", 8), Some("15".into()));
        assert_eq!(p("z", 36), Some("35".into()));
        assert_eq!(p("010", 0), None);
        assert_eq!(p("0_0", 0), Some("0".into()));
        assert_eq!(p("010", 10), Some("10".into()));
        assert_eq!(p("0x", 0), None);
        assert_eq!(p("", 10), None);
        assert_eq!(p("4.5", 10), None);
        assert_eq!(p("12", 2), None);
        assert_eq!(p("1", 37), None);
        assert_eq!(p("0x1_f", 0), Some("31".into()));
        assert_eq!(super::parse("0x_1F").ok(), Some(PyValue::Int(31.into())));
        assert!(super::parse("1__0").is_err());
    }

    #[test]
    fn found_by_fuzzing() {
        // A sign binds tighter than a complex number's `-`: Python's value.
        assert_eq!(p("-0-9j"), PyValue::Complex(0.0, -9.0));
        assert_eq!(p("(-0-9j)"), p("-9j"));
        // Sets and dict keys hold hashable values only, as in Python.
        assert!(parse("{[1]}").is_err());
        assert!(parse("{{1}}").is_err());
        assert!(parse("{[1]: 2}").is_err());
        assert!(parse("{(1, [2])}").is_err());
        assert!(parse("frozenset([[1]])").is_err());
        // Signed zeros are one key.
        assert!(crate::eq::py_eq(
            &p("{(-0-54j)}"),
            &PyValue::Set(vec![PyValue::Complex(0.0, -54.0)]),
            crate::num::Tolerance::EXACT
        ));
    }

    #[test]
    fn repeated_keys_collapse_as_in_python() {
        assert_eq!(
            p("{1: 'a', 2: 'b', 1.0: 'c'}"),
            PyValue::Dict(vec![
                (PyValue::from(1), PyValue::from("c")),
                (PyValue::from(2), PyValue::from("b")),
            ])
        );
        assert_eq!(
            p("{1, True, 2}"),
            PyValue::Set(vec![PyValue::from(1), PyValue::from(2)])
        );
    }
}
