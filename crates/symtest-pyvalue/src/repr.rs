//! `repr` as CPython writes it, and a bounded form of it for messages about
//! values a program returned (which may be huge).

use std::fmt::{self, Write};

use crate::value::PyValue;

/// Ints longer than this many bits are abbreviated in [`PyValue::repr_capped`]:
/// CPython itself refuses `str()` of ints over 4,300 digits, and turning a
/// 64-million-bit int into decimal takes seconds.
const ABBREVIATE_BITS: u64 = 14_000;

impl PyValue {
    /// The value as CPython's `repr` writes it.
    pub fn repr(&self) -> String {
        let mut s = String::new();
        let _ = write_repr(self, &mut s, false);
        s
    }

    /// At most about `max` characters of the repr, for messages: a longer
    /// one is cut with `...` and its full length unsaid; ints of more than
    /// 14,000 bits are written as `<int of N bits>`. Costs O(max), whatever
    /// the value's size.
    pub fn repr_capped(&self, max: usize) -> String {
        let mut w = Capped {
            out: String::new(),
            left: max,
        };
        if write_repr(self, &mut w, true).is_err() {
            w.out.push_str("...");
        }
        w.out
    }
}

impl fmt::Display for PyValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.repr())
    }
}

/// A writer that fails once it has taken `left` characters.
struct Capped {
    out: String,
    left: usize,
}

impl Write for Capped {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            if self.left == 0 {
                return Err(fmt::Error);
            }
            self.out.push(c);
            self.left -= 1;
        }
        Ok(())
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

/// Python's `repr(str)`: the text in quotes (double quotes when it holds a
/// single quote and no double quote) with backslashes, quotes and control
/// characters escaped.
pub fn str_repr(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    let _ = write_str_repr(s.chars().map(u32::from), &mut out);
    out
}

/// A string's repr from its code points (lone surrogates as `\udXXX`, as
/// CPython writes them).
fn write_str_repr<W: Write>(cps: impl Iterator<Item = u32> + Clone, out: &mut W) -> fmt::Result {
    let has = |c: u32| cps.clone().any(|x| x == c);
    let quote = if has(u32::from(b'\'')) && !has(u32::from(b'"')) {
        '"'
    } else {
        '\''
    };
    out.write_char(quote)?;
    for c in cps {
        match char::from_u32(c) {
            Some('\\') => out.write_str("\\\\")?,
            Some('\n') => out.write_str("\\n")?,
            Some('\r') => out.write_str("\\r")?,
            Some('\t') => out.write_str("\\t")?,
            Some(ch) if ch == quote => {
                out.write_char('\\')?;
                out.write_char(ch)?;
            }
            Some(ch) if (ch as u32) < 0x20 || ch as u32 == 0x7f => {
                write!(out, "\\x{:02x}", ch as u32)?;
            }
            Some(ch) => out.write_char(ch)?,
            None => write!(out, "\\u{c:04x}")?,
        }
    }
    out.write_char(quote)
}

fn bytes_repr<W: Write>(b: &[u8], out: &mut W) -> fmt::Result {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    out.write_char('b')?;
    out.write_char(quote as char)?;
    for &x in b {
        match x {
            b'\\' => out.write_str("\\\\")?,
            b'\n' => out.write_str("\\n")?,
            b'\r' => out.write_str("\\r")?,
            b'\t' => out.write_str("\\t")?,
            x if x == quote => {
                out.write_char('\\')?;
                out.write_char(x as char)?;
            }
            0x20..=0x7e => out.write_char(x as char)?,
            x => write!(out, "\\x{x:02x}")?,
        }
    }
    out.write_char(quote as char)
}

fn seq_repr<W: Write>(
    xs: &[PyValue],
    open: &str,
    close: &str,
    out: &mut W,
    short: bool,
) -> fmt::Result {
    out.write_str(open)?;
    for (i, x) in xs.iter().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        write_repr(x, out, short)?;
    }
    out.write_str(close)
}

fn write_repr<W: Write>(v: &PyValue, out: &mut W, short: bool) -> fmt::Result {
    match v {
        PyValue::None => out.write_str("None")?,
        PyValue::Bool(true) => out.write_str("True")?,
        PyValue::Bool(false) => out.write_str("False")?,
        PyValue::Int(i) if short && i.bits() > ABBREVIATE_BITS => {
            write!(out, "<int of {} bits>", i.bits())?;
        }
        PyValue::Int(i) => write!(out, "{i}")?,
        PyValue::Float(f) => out.write_str(&float_literal(*f))?,
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
        PyValue::Str(s) => write_str_repr(s.chars().map(u32::from), out)?,
        PyValue::SurrogateStr(cps) => write_str_repr(cps.iter().copied(), out)?,
        PyValue::Bytes(b) => bytes_repr(b, out)?,
        PyValue::List(xs) => seq_repr(xs, "[", "]", out, short)?,
        PyValue::Tuple(xs) if xs.len() == 1 => {
            out.write_char('(')?;
            write_repr(&xs[0], out, short)?;
            out.write_str(",)")?;
        }
        PyValue::Tuple(xs) => seq_repr(xs, "(", ")", out, short)?,
        PyValue::Set(xs) if xs.is_empty() => out.write_str("set()")?,
        PyValue::Set(xs) => seq_repr(xs, "{", "}", out, short)?,
        PyValue::FrozenSet(xs) if xs.is_empty() => out.write_str("frozenset()")?,
        PyValue::FrozenSet(xs) => seq_repr(xs, "frozenset({", "})", out, short)?,
        PyValue::Dict(kvs) => {
            out.write_char('{')?;
            for (i, (k, x)) in kvs.iter().enumerate() {
                if i > 0 {
                    out.write_str(", ")?;
                }
                write_repr(k, out, short)?;
                out.write_str(": ")?;
                write_repr(x, out, short)?;
            }
            out.write_char('}')?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::p;

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
        assert_eq!(
            PyValue::SurrogateStr(vec![0x61, 0xd800]).repr(),
            "'a\\ud800'"
        );
        for s in [
            "{1: 'x', 2.5: [b'\\xff', frozenset({3})]}",
            "set()",
            "(1+2j)",
            "'\\n\\t\\x01'",
            "'a\\udc80b'",
        ] {
            assert_eq!(p(&p(s).repr()), p(s), "{s}");
        }
    }

    #[test]
    fn capped_repr_is_short_whatever_the_value() {
        let long = PyValue::List((0..100_000).map(PyValue::from).collect());
        let r = long.repr_capped(50);
        assert!(r.len() <= 53 && r.ends_with("..."), "{r}");
        let huge = PyValue::Int(num_traits::pow(num_bigint::BigInt::from(2u8), 1 << 22));
        assert_eq!(huge.repr_capped(100), "<int of 4194305 bits>");
        assert_eq!(p("[1, 2]").repr_capped(100), "[1, 2]");
    }
}
