//! Conversions: `bool`, `int`, `float`, `str`, `repr`, `chr`, `ord`,
//! `bin`/`hex`/`oct`, `format`, `bytes`. A conversion whose result a term can
//! say keeps the shadow (`int` of a digit string, `chr`, `ord`, `str` of an
//! int); the rest concretise.

use std::rc::Rc;

use symtest_pyvalue::{parse_int, str_repr};
use symtest_term::Term;

use crate::builtins::{Builtin, ExcType};
use crate::int::PyInt;
use crate::interp::args::Args;
use crate::interp::iter::char_len;
use crate::interp::numeric::{integral, num_term, trunc_term};
use crate::interp::state::{Interp, R, exc, type_error, value_error};
use crate::sites::SiteId;
use crate::value::Val;

/// `bin`, `hex` or `oct` (by `b`), concretely.
pub(super) fn radix(it: &mut Interp<'_>, a: &Args, b: Builtin) -> R<Val> {
    a.check(1, 1)?;
    let i = it.int_arg(a.arg(0)?, b.name())?;
    if a.arg(0)?.shadow().is_some() {
        it.concretise("bin/hex/oct of a symbolic int");
    }
    let (radix, prefix) = match b {
        Builtin::Bin => (2, "0b"),
        Builtin::Hex => (16, "0x"),
        _ => (8, "0o"),
    };
    let sign = if i.is_negative() { "-" } else { "" };
    Ok(Val::str(&format!(
        "{sign}{prefix}{}",
        i.to_str_radix(radix)
    )))
}

pub(super) fn bool(it: &mut Interp<'_>, a: &Args) -> R<Val> {
    a.check(0, 1)?;
    match a.get(0) {
        None => Ok(Val::bool(false)),
        Some(v) => {
            let (t, c) = it.truth(v)?;
            Ok(Val::Bool(t, c))
        }
    }
}

pub(super) fn chr(it: &mut Interp<'_>, a: &Args) -> R<Val> {
    a.check(1, 1)?;
    let v = a.arg(0)?.clone();
    let i = it.int_arg(&v, "chr")?;
    let code = i.to_i64().filter(|c| (0..=0x10FFFF).contains(c));
    let Some(c) = code.and_then(|c| char::from_u32(c as u32)) else {
        return Err(value_error("chr() arg not in range(0x110000)"));
    };
    let shadow = num_term(&v)
        .filter(|_| v.shadow().is_some())
        .map(|t| t.str_from_code());
    Ok(Val::Str(Rc::from(c.to_string().as_str()), shadow))
}

pub(super) fn float(it: &mut Interp<'_>, a: &Args) -> R<Val> {
    a.check(0, 1)?;
    match a.get(0) {
        None => Ok(Val::Float(0.0, None)),
        Some(v) => it.float_val(v),
    }
}

pub(super) fn format(it: &mut Interp<'_>, a: &Args) -> R<Val> {
    a.check(1, 2)?;
    let spec = match a.get(1) {
        Some(Val::Str(s, _)) => s.clone(),
        _ => Rc::from(""),
    };
    it.format_value(a.arg(0)?, &spec)
}

pub(super) fn int(it: &mut Interp<'_>, mut a: Args, site: SiteId) -> R<Val> {
    let base = a.kw("base");
    a.check(0, 2)?;
    match (a.get(0), base.as_ref().or(a.get(1))) {
        (None, _) => Ok(Val::int(0)),
        (Some(v), None) => it.int_of(v, site),
        (Some(v), Some(base)) => {
            let base = it.int_arg(base, "int")?;
            it.int_with_base(v, &base)
        }
    }
}

/// `ord(c)`: whether the string has one character is a decision on a shadow.
pub(super) fn ord(it: &mut Interp<'_>, a: &Args, site: SiteId) -> R<Val> {
    a.check(1, 1)?;
    let Val::Str(s, sh) = a.arg(0)? else {
        return Err(type_error(format!(
            "ord() expected string of length 1, but {} found",
            a.arg(0)?.type_name()
        )));
    };
    let n = char_len(s);
    if let Some(t) = sh {
        it.decide(site, Some(&t.str_len().equal(&Term::int(1))), n == 1);
    }
    let Some(c) = s.chars().next().filter(|_| n == 1) else {
        return Err(type_error(format!(
            "ord() expected a character, but string of length {n} found"
        )));
    };
    Ok(Val::Int(
        PyInt::Small(i64::from(u32::from(c))),
        sh.as_ref().map(Term::str_to_code),
    ))
}

pub(super) fn repr(it: &mut Interp<'_>, a: &Args) -> R<Val> {
    a.check(1, 1)?;
    let text = it.repr_of(a.arg(0)?)?;
    Ok(Val::str(&text))
}

pub(super) fn str(it: &mut Interp<'_>, a: &Args, site: SiteId) -> R<Val> {
    a.check(0, 1)?;
    match a.get(0) {
        None => Ok(Val::str("")),
        Some(v) => it.str_of_at(v, site),
    }
}

pub(super) fn bytes(it: &mut Interp<'_>, a: &Args) -> R<Val> {
    a.check(0, 2)?;
    match a.get(0) {
        None => Ok(Val::Bytes(Rc::from(Vec::new()))),
        Some(Val::Str(s, _)) => Ok(Val::Bytes(Rc::from(s.as_bytes().to_vec()))),
        Some(v) => {
            let items = it.collect(&v.clone())?;
            let mut out = Vec::new();
            for x in items {
                let i = it.int_arg(&x, "bytes")?;
                out.push(
                    i.to_i64()
                        .and_then(|i| u8::try_from(i).ok())
                        .ok_or_else(|| value_error("bytes must be in range(0, 256)"))?,
                );
            }
            Ok(Val::Bytes(Rc::from(out)))
        }
    }
}

impl Interp<'_> {
    pub(crate) fn float_val(&mut self, v: &Val) -> R<Val> {
        match v {
            Val::Float(..) => Ok(v.clone()),
            Val::Int(i, s) => Ok(Val::Float(
                i.to_f64().ok_or_else(|| {
                    exc(ExcType::OverflowError, "int too large to convert to float")
                })?,
                s.as_ref().map(Term::to_real),
            )),
            Val::Bool(b, s) => Ok(Val::Float(
                if *b { 1.0 } else { 0.0 },
                s.as_ref().map(|t| t.numeric().to_real()),
            )),
            Val::Str(s, sh) => {
                if let Some(n) = self.stdin_number(v, true)? {
                    return Ok(n);
                }
                if sh.is_some() {
                    self.concretise("float() of a symbolic string");
                }
                parse_float(s.trim())
                    .map(|f| Val::Float(f, None))
                    .ok_or_else(|| value_error(format!("could not convert string to float: '{s}'")))
            }
            other => Err(type_error(format!(
                "float() argument must be a string or a real number, not '{}'",
                other.type_name()
            ))),
        }
    }

    /// `int(v)`.
    pub(super) fn int_of(&mut self, v: &Val, site: SiteId) -> R<Val> {
        match v {
            Val::Int(..) => Ok(v.clone()),
            Val::Bool(b, s) => Ok(Val::Int(
                PyInt::Small(i64::from(*b)),
                s.as_ref().map(Term::numeric),
            )),
            Val::Float(f, s) => Ok(Val::Int(integral(f.trunc())?, s.as_ref().map(trunc_term))),
            Val::Str(s, sh) => {
                if let Some(n) = self.stdin_number(v, false)? {
                    return Ok(n);
                }
                let parsed = parse_int(s, 10).map(PyInt::from_big);
                let plain = !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
                if let Some(t) = sh {
                    let digits = t.str_to_int().greater_eq(&Term::int(0));
                    if plain {
                        self.decide(site, Some(&digits), true);
                        let value = parsed.ok_or_else(|| value_error("int() overflow"))?;
                        return Ok(Val::Int(value, Some(t.str_to_int())));
                    }
                    if parsed.is_none() {
                        self.decide(site, Some(&digits), false);
                    } else {
                        self.concretise("int() of a string with a sign or spaces");
                    }
                }
                parsed.map(|i| Val::Int(i, None)).ok_or_else(|| {
                    value_error(format!(
                        "invalid literal for int() with base 10: {}",
                        str_repr(s)
                    ))
                })
            }
            other => Err(type_error(format!(
                "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                other.type_name()
            ))),
        }
    }

    fn int_with_base(&mut self, v: &Val, base: &PyInt) -> R<Val> {
        let Val::Str(s, sh) = v else {
            return Err(type_error(
                "int() can't convert non-string with explicit base",
            ));
        };
        if sh.is_some() {
            self.concretise("int() with a base of a symbolic string");
        }
        let b = base.to_i64().filter(|b| *b == 0 || (2..=36).contains(b));
        let Some(b) = b else {
            return Err(value_error("int() base must be >= 2 and <= 36, or 0"));
        };
        parse_int(s, b as u32)
            .map(|i| Val::Int(PyInt::from_big(i), None))
            .ok_or_else(|| {
                value_error(format!(
                    "invalid literal for int() with base {b}: {}",
                    str_repr(s)
                ))
            })
    }
}

pub(crate) fn parse_float(s: &str) -> Option<f64> {
    // PEP 515: an underscore only between two digits (`1_0.5`, not `_9.0`).
    let b = s.as_bytes();
    let lone = b.iter().enumerate().any(|(i, &c)| {
        c == b'_'
            && !(i > 0 && b[i - 1].is_ascii_digit() && b.get(i + 1).is_some_and(u8::is_ascii_digit))
    });
    if lone {
        return None;
    }
    let t = s.replace('_', "");
    match t.to_ascii_lowercase().as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => return Some(f64::INFINITY),
        "-inf" | "-infinity" => return Some(f64::NEG_INFINITY),
        "nan" | "+nan" | "-nan" => return Some(f64::NAN),
        _ => {}
    }
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c)) {
        return None;
    }
    t.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_literals_take_underscores_only_between_digits() {
        assert_eq!(parse_float("1_0.5"), Some(10.5));
        assert_eq!(parse_float("_9.0"), None);
        assert_eq!(parse_float("9_.0"), None);
        assert_eq!(parse_float("9._0"), None);
        assert_eq!(parse_float("1__0"), None);
        assert_eq!(parse_float("9.0_"), None);
        assert_eq!(parse_float("-inf"), Some(f64::NEG_INFINITY));
    }
}
