//! JSON read as Python's `json.loads` reads it: an integer is an `int` of
//! any size (a JSON library that reads numbers as 64-bit floats turns
//! `354224848179261915075` into `3.542248481792619e20`, and an exact
//! expected answer into one compared within a tolerance), a number with a
//! fraction or an exponent a `float`, objects dicts (the last of repeated
//! keys wins), arrays lists, and a string's lone surrogate escapes kept.

use num_bigint::BigInt;

use crate::value::{PyValue, ValueError};

/// Containers nested deeper than this are refused.
const MAX_DEPTH: usize = 1000;

struct Parser<'a> {
    b: &'a [u8],
    at: usize,
}

enum Open {
    List(Vec<PyValue>),
    Dict(Vec<(PyValue, PyValue)>, Option<PyValue>),
}

impl Parser<'_> {
    fn err(&self, message: impl Into<String>) -> ValueError {
        ValueError::Literal {
            offset: self.at,
            message: message.into(),
        }
    }

    fn ws(&mut self) {
        while matches!(self.b.get(self.at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.b.get(self.at) == Some(&c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn word(&mut self, w: &str, v: PyValue) -> Result<PyValue, ValueError> {
        if self.b[self.at..].starts_with(w.as_bytes()) {
            self.at += w.len();
            Ok(v)
        } else {
            Err(self.err("expected a JSON value"))
        }
    }

    fn number(&mut self) -> Result<PyValue, ValueError> {
        let start = self.at;
        let digits = |p: &mut Self| {
            let s = p.at;
            while p.b.get(p.at).is_some_and(u8::is_ascii_digit) {
                p.at += 1;
            }
            p.at - s
        };
        if self.b.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        let int_start = self.at;
        if digits(self) == 0 {
            return Err(self.err("expected digits"));
        }
        if self.b[int_start] == b'0' && self.at - int_start > 1 {
            return Err(self.err("a number with a leading zero"));
        }
        let mut real = false;
        if self.b.get(self.at) == Some(&b'.') {
            self.at += 1;
            real = true;
            if digits(self) == 0 {
                return Err(self.err("expected digits after '.'"));
            }
        }
        if matches!(self.b.get(self.at), Some(b'e' | b'E')) {
            self.at += 1;
            real = true;
            if matches!(self.b.get(self.at), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if digits(self) == 0 {
                return Err(self.err("expected exponent digits"));
            }
        }
        let text =
            std::str::from_utf8(&self.b[start..self.at]).map_err(|_| self.err("not UTF-8"))?;
        if real {
            // Python's json.loads: out of range is inf.
            text.parse::<f64>()
                .map(PyValue::Float)
                .map_err(|_| self.err("a malformed number"))
        } else {
            text.parse::<BigInt>()
                .map(PyValue::Int)
                .map_err(|_| self.err("a malformed number"))
        }
    }

    /// A dict key and its colon.
    fn key(&mut self) -> Result<PyValue, ValueError> {
        if !self.eat(b'"') {
            return Err(self.err("expected a string key"));
        }
        let k = self.string()?;
        if !self.eat(b':') {
            return Err(self.err("expected ':'"));
        }
        Ok(k)
    }

    fn hex4(&mut self) -> Result<u32, ValueError> {
        let h = self
            .b
            .get(self.at..self.at + 4)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .ok_or_else(|| self.err("expected four hex digits after \\u"))?;
        self.at += 4;
        Ok(h)
    }

    fn string(&mut self) -> Result<PyValue, ValueError> {
        // The opening quote is eaten.
        let mut cps: Vec<u32> = Vec::new();
        loop {
            let start = self.at;
            while self
                .b
                .get(self.at)
                .is_some_and(|&c| c != b'"' && c != b'\\' && c >= 0x20)
            {
                self.at += 1;
            }
            let run =
                std::str::from_utf8(&self.b[start..self.at]).map_err(|_| self.err("not UTF-8"))?;
            cps.extend(run.chars().map(u32::from));
            match self.b.get(self.at) {
                Some(b'"') => {
                    self.at += 1;
                    break;
                }
                Some(b'\\') => {
                    self.at += 1;
                    let c = *self
                        .b
                        .get(self.at)
                        .ok_or_else(|| self.err("an unfinished escape"))?;
                    self.at += 1;
                    cps.push(match c {
                        b'"' => 0x22,
                        b'\\' => 0x5c,
                        b'/' => 0x2f,
                        b'b' => 0x08,
                        b'f' => 0x0c,
                        b'n' => 0x0a,
                        b'r' => 0x0d,
                        b't' => 0x09,
                        b'u' => {
                            let hi = self.hex4()?;
                            // A surrogate pair is one character, as json.loads reads it.
                            if (0xd800..0xdc00).contains(&hi)
                                && self.b[self.at..].starts_with(b"\\u")
                            {
                                let save = self.at;
                                self.at += 2;
                                let lo = self.hex4()?;
                                if (0xdc00..0xe000).contains(&lo) {
                                    0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                                } else {
                                    self.at = save;
                                    hi
                                }
                            } else {
                                hi
                            }
                        }
                        _ => return Err(self.err("an unknown escape")),
                    });
                }
                Some(_) => return Err(self.err("a control character in a string")),
                None => return Err(self.err("an unfinished string")),
            }
        }
        PyValue::str_from_code_points(cps).ok_or_else(|| self.err("a string out of range"))
    }
}

/// Reads one JSON value that fills `text` (whitespace aside).
pub fn from_json(text: &str) -> Result<PyValue, ValueError> {
    let mut p = Parser {
        b: text.as_bytes(),
        at: 0,
    };
    let mut stack: Vec<Open> = Vec::new();
    loop {
        // A value starts here (or a container closes empty).
        p.ws();
        let c =
            *p.b.get(p.at)
                .ok_or_else(|| p.err("expected a JSON value"))?;
        let mut value = match c {
            b'[' | b'{' => {
                p.at += 1;
                if stack.len() >= MAX_DEPTH {
                    return Err(p.err("nested too deeply"));
                }
                let close = if c == b'[' { b']' } else { b'}' };
                if p.eat(close) {
                    if c == b'[' {
                        PyValue::List(Vec::new())
                    } else {
                        PyValue::Dict(Vec::new())
                    }
                } else {
                    stack.push(if c == b'[' {
                        Open::List(Vec::new())
                    } else {
                        Open::Dict(Vec::new(), None)
                    });
                    if c == b'{' {
                        let key = p.key()?;
                        if let Some(Open::Dict(_, k)) = stack.last_mut() {
                            *k = Some(key);
                        }
                    }
                    continue;
                }
            }
            b'"' => {
                p.at += 1;
                p.string()?
            }
            b't' => p.word("true", PyValue::Bool(true))?,
            b'f' => p.word("false", PyValue::Bool(false))?,
            b'n' => p.word("null", PyValue::None)?,
            _ => p.number()?,
        };
        // Hand the value to the open containers, closing those it ends.
        loop {
            match stack.last_mut() {
                None => {
                    p.ws();
                    if p.at != p.b.len() {
                        return Err(p.err("text after the value"));
                    }
                    return Ok(value);
                }
                Some(Open::List(items)) => {
                    items.push(value);
                    if p.eat(b',') {
                        break;
                    }
                    if !p.eat(b']') {
                        return Err(p.err("expected ',' or ']'"));
                    }
                    let Some(Open::List(items)) = stack.pop() else {
                        return Err(p.err("internal: not a list"));
                    };
                    value = PyValue::List(items);
                }
                Some(Open::Dict(items, key)) => {
                    let k = key.take().ok_or_else(|| p.err("internal: no key"))?;
                    // The last of repeated keys wins, as json.loads has it.
                    items.retain(|(old, _)| old != &k);
                    items.push((k, value));
                    if p.eat(b',') {
                        *key = Some(p.key()?);
                        break;
                    }
                    if !p.eat(b'}') {
                        return Err(p.err("expected ',' or '}'"));
                    }
                    let Some(Open::Dict(items, _)) = stack.pop() else {
                        return Err(p.err("internal: not a dict"));
                    };
                    value = PyValue::Dict(items);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::p;
    use proptest::prelude::*;

    #[test]
    fn reads_what_json_loads_reads() {
        let cases = [
            ("354224848179261915075", "354224848179261915075"),
            ("-0", "0"),
            ("1.0", "1.0"),
            ("1e400", "float('inf')"),
            (
                "[1, 2.5, \"a\\/b\\u00e9\\ud83d\\ude00\", true, null]",
                "[1, 2.5, 'a/bé😀', True, None]",
            ),
            ("{\"a\": 1, \"a\": 2}", "{'a': 2}"),
            (" [ [ ] , { } ] ", "[[], {}]"),
        ];
        for (json, py) in cases {
            assert_eq!(from_json(json).unwrap(), p(py), "{json}");
        }
        assert!(matches!(
            from_json("\"\\ud800\"").unwrap(),
            PyValue::SurrogateStr(_)
        ));
        for bad in [
            "",
            "01",
            "[1,]",
            "{\"a\" 1}",
            "tru",
            "[1] x",
            "\"a",
            "1.",
            "-",
            "[\"\u{1}\"]",
        ] {
            assert!(from_json(bad).is_err(), "{bad:?}");
        }
        let deep = "[".repeat(5000) + &"]".repeat(5000);
        assert!(from_json(&deep).is_err());
    }

    proptest! {
        #[test]
        fn any_text_is_read_or_refused(s in ".{0,64}") {
            let _ = from_json(&s);
        }
    }
}
