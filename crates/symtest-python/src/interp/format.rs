//! `format()`, f-string specs, `str.format` fields and `%`-formatting:
//! Python's format mini-language on concrete values.

use std::rc::Rc;

use symtest_pyvalue::float_repr;

use super::numeric::{Num, as_num};
use super::repr::repr;
use super::state::{Flow, Interp, R, exc, type_error, value_error};
use crate::builtins::ExcType;
use crate::int::PyInt;
use crate::ir::Name;
use crate::value::Val;

#[derive(Default, Debug)]
struct Spec {
    fill: Option<char>,
    align: Option<char>,
    sign: Option<char>,
    alternate: bool,
    zero: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    kind: Option<char>,
}

fn parse_spec(s: &str) -> R<Spec> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut spec = Spec::default();
    let is_align = |c: char| matches!(c, '<' | '>' | '^' | '=');
    if chars.len() >= 2 && is_align(chars[1]) {
        spec.fill = Some(chars[0]);
        spec.align = Some(chars[1]);
        i = 2;
    } else if !chars.is_empty() && is_align(chars[0]) {
        spec.align = Some(chars[0]);
        i = 1;
    }
    if i < chars.len() && matches!(chars[i], '+' | '-' | ' ') {
        spec.sign = Some(chars[i]);
        i += 1;
    }
    if i < chars.len() && chars[i] == 'z' {
        i += 1;
    }
    if i < chars.len() && chars[i] == '#' {
        spec.alternate = true;
        i += 1;
    }
    if i < chars.len() && chars[i] == '0' {
        spec.zero = true;
        i += 1;
    }
    let start = i;
    while i < chars.len() && chars[i].is_ascii_digit() {
        i += 1;
    }
    if i > start {
        spec.width = chars[start..i]
            .iter()
            .collect::<String>()
            .parse()
            .unwrap_or(0);
    }
    if i < chars.len() && matches!(chars[i], ',' | '_') {
        spec.grouping = Some(chars[i]);
        i += 1;
    }
    if i < chars.len() && chars[i] == '.' {
        i += 1;
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Err(value_error("Format specifier missing precision"));
        }
        spec.precision = chars[start..i].iter().collect::<String>().parse().ok();
    }
    if i < chars.len() {
        spec.kind = Some(chars[i]);
        i += 1;
    }
    if i != chars.len() {
        return Err(value_error("Invalid format specifier"));
    }
    Ok(spec)
}

fn group_digits(digits: &str, sep: char, every: usize) -> String {
    let mut out: Vec<char> = Vec::new();
    for (n, c) in digits.chars().rev().enumerate() {
        if n > 0 && n % every == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out.into_iter().rev().collect()
}

/// Pads `body` (already signed) to the spec's width.
fn pad(sign: &str, body: &str, spec: &Spec, numeric: bool) -> String {
    let len = sign.chars().count() + body.chars().count();
    if len >= spec.width {
        return format!("{sign}{body}");
    }
    let fill_n = spec.width - len;
    let (fill, align) = if spec.zero && spec.align.is_none() && numeric {
        ('0', '=')
    } else {
        (
            spec.fill.unwrap_or(' '),
            spec.align.unwrap_or(if numeric { '>' } else { '<' }),
        )
    };
    let fills = |n: usize| fill.to_string().repeat(n);
    match align {
        '<' => format!("{sign}{body}{}", fills(fill_n)),
        '>' => format!("{}{sign}{body}", fills(fill_n)),
        '^' => {
            let left = fill_n / 2;
            format!("{}{sign}{body}{}", fills(left), fills(fill_n - left))
        }
        _ => format!("{sign}{}{body}", fills(fill_n)),
    }
}

fn sign_of(negative: bool, spec: &Spec) -> &'static str {
    match (negative, spec.sign) {
        (true, _) => "-",
        (false, Some('+')) => "+",
        (false, Some(' ')) => " ",
        _ => "",
    }
}

/// Python's `%e`-style exponent: at least two digits, explicit sign.
fn fix_exponent(s: &str, upper: bool) -> String {
    let Some((mant, exp)) = s.split_once('e') else {
        return s.to_string();
    };
    let (esign, digits) = match exp.strip_prefix('-') {
        Some(d) => ('-', d),
        None => ('+', exp),
    };
    let e = if upper { 'E' } else { 'e' };
    format!("{mant}{e}{esign}{digits:0>2}")
}

pub(crate) fn format_float_kind(
    x: f64,
    kind: char,
    precision: Option<usize>,
    alternate: bool,
) -> String {
    let upper = kind.is_ascii_uppercase();
    if x.is_nan() {
        return if upper { "NAN".into() } else { "nan".into() };
    }
    if x.is_infinite() {
        let s = if upper { "INF" } else { "inf" };
        return s.to_string();
    }
    let ax = x.abs();
    match kind.to_ascii_lowercase() {
        'f' => format!("{:.*}", precision.unwrap_or(6), ax),
        'e' => fix_exponent(&format!("{:.*e}", precision.unwrap_or(6), ax), upper),
        '%' => format!("{:.*}%", precision.unwrap_or(6), ax * 100.0),
        _ => {
            // 'g': significant digits, fixed or scientific by the exponent.
            let p = precision.unwrap_or(6).max(1);
            if ax == 0.0 {
                return if alternate {
                    format!("{:.*}", p - 1, 0.0)
                } else {
                    "0".into()
                };
            }
            let sci = format!("{:.*e}", p - 1, ax);
            let exp: i64 = sci
                .split_once('e')
                .and_then(|(_, e)| e.parse().ok())
                .unwrap_or(0);
            let body = if exp >= -4 && exp < p as i64 {
                format!("{:.*}", (p as i64 - 1 - exp).max(0) as usize, ax)
            } else {
                fix_exponent(&sci, upper)
            };
            if alternate { body } else { strip_zeros(&body) }
        }
    }
}

fn strip_zeros(s: &str) -> String {
    let (mant, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    };
    let mant = if mant.contains('.') {
        mant.trim_end_matches('0').trim_end_matches('.')
    } else {
        mant
    };
    format!("{mant}{exp}")
}

impl Interp<'_> {
    /// `format(v, spec)`.
    pub(crate) fn format_value(&mut self, v: &Val, spec_text: &str) -> R<Val> {
        if spec_text.is_empty() {
            return self.str_of(v);
        }
        if v.is_symbolic() {
            self.concretise("formatting with a spec");
        }
        let spec = parse_spec(spec_text)?;
        let text = match (as_num(v), v) {
            (_, Val::Str(s, _)) => {
                if matches!(spec.kind, Some(k) if k != 's') {
                    return Err(value_error(format!(
                        "Unknown format code '{}' for object of type 'str'",
                        spec.kind.unwrap_or(' ')
                    )));
                }
                let body: String = match spec.precision {
                    Some(p) => s.chars().take(p).collect(),
                    None => s.to_string(),
                };
                pad("", &body, &spec, false)
            }
            (Some(Num::I(i, _)), _)
                if matches!(
                    spec.kind,
                    None | Some('d' | 'n' | 'b' | 'o' | 'x' | 'X' | 'c')
                ) =>
            {
                self.format_int(&i, &spec)?
            }
            (Some(n), _) => {
                let x = match n {
                    Num::I(i, _) => i.to_f64().unwrap_or(f64::INFINITY),
                    Num::F(f, _) => f,
                };
                self.format_float(x, &spec)?
            }
            (None, other) => {
                let s = repr(other);
                pad("", &s, &spec, false)
            }
        };
        Ok(Val::str(&text))
    }

    fn format_int(&mut self, i: &PyInt, spec: &Spec) -> R<String> {
        let neg = i.is_negative();
        let (digits, prefix) = match spec.kind {
            Some('b') => (i.to_str_radix(2), "0b"),
            Some('o') => (i.to_str_radix(8), "0o"),
            Some('x') => (i.to_str_radix(16), "0x"),
            Some('X') => (i.to_str_radix(16).to_uppercase(), "0X"),
            Some('c') => {
                let c = i
                    .to_i64()
                    .and_then(|c| u32::try_from(c).ok())
                    .and_then(char::from_u32)
                    .ok_or_else(exc_overflow)?;
                return Ok(pad("", &c.to_string(), spec, false));
            }
            _ => (i.abs().to_string(), ""),
        };
        let grouped = match spec.grouping {
            Some(sep) => {
                let every = if matches!(spec.kind, Some('b' | 'o' | 'x' | 'X')) {
                    4
                } else {
                    3
                };
                group_digits(&digits, sep, every)
            }
            None => digits,
        };
        let prefix = if spec.alternate { prefix } else { "" };
        let sign = format!("{}{prefix}", sign_of(neg, spec));
        Ok(pad(&sign, &grouped, spec, true))
    }

    fn format_float(&mut self, x: f64, spec: &Spec) -> R<String> {
        let neg = x.is_sign_negative();
        let body = match spec.kind {
            None => match spec.precision {
                None => float_repr(x.abs()),
                Some(p) => {
                    let g = format_float_kind(x, 'g', Some(p), false);
                    let g = g.trim_start_matches('-').to_string();
                    if g.contains(['.', 'e', 'n', 'i']) {
                        g
                    } else {
                        format!("{g}.0")
                    }
                }
            },
            Some(k @ ('f' | 'F' | 'e' | 'E' | 'g' | 'G' | '%')) => {
                format_float_kind(x, k, spec.precision, spec.alternate)
            }
            Some('n') => format_float_kind(x, 'g', spec.precision, spec.alternate),
            Some(k) => {
                return Err(value_error(format!(
                    "Unknown format code '{k}' for object of type 'float'"
                )));
            }
        };
        let body = match spec.grouping {
            Some(sep) => {
                let (int_part, rest) = match body.find(['.', 'e', 'E', '%']) {
                    Some(i) => (&body[..i], &body[i..]),
                    None => (body.as_str(), ""),
                };
                format!("{}{rest}", group_digits(int_part, sep, 3))
            }
            None => body,
        };
        Ok(pad(sign_of(neg && !x.is_nan(), spec), &body, spec, true))
    }

    /// `fmt % args`.
    pub(crate) fn percent_format(&mut self, fmt: &str, args: &Val) -> R<String> {
        let values: Vec<Val> = match args {
            Val::Tuple(t) => t.items.clone(),
            other => vec![other.clone()],
        };
        let mapping = matches!(args, Val::Dict(_));
        let mut next = 0usize;
        let mut out = String::new();
        let chars: Vec<char> = fmt.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c != '%' {
                out.push(c);
                i += 1;
                continue;
            }
            i += 1;
            let mut key: Option<String> = None;
            if i < chars.len() && chars[i] == '(' {
                let end = chars[i..]
                    .iter()
                    .position(|c| *c == ')')
                    .ok_or_else(|| value_error("incomplete format key"))?;
                key = Some(chars[i + 1..i + end].iter().collect());
                i += end + 1;
            }
            let mut flags = String::new();
            while i < chars.len() && "-+ #0".contains(chars[i]) {
                flags.push(chars[i]);
                i += 1;
            }
            let mut width = String::new();
            while i < chars.len() && chars[i].is_ascii_digit() {
                width.push(chars[i]);
                i += 1;
            }
            let mut precision = None;
            if i < chars.len() && chars[i] == '.' {
                i += 1;
                let mut p = String::new();
                while i < chars.len() && chars[i].is_ascii_digit() {
                    p.push(chars[i]);
                    i += 1;
                }
                precision = Some(p.parse::<usize>().unwrap_or(0));
            }
            let Some(&conv) = chars.get(i) else {
                return Err(value_error("incomplete format"));
            };
            i += 1;
            if conv == '%' {
                out.push('%');
                continue;
            }
            let v = match (&key, args) {
                (Some(k), Val::Dict(_)) => {
                    let kv = Val::Str(Rc::from(k.as_str()), None);
                    self.get_item(args, &kv, crate::sites::PIN_SITE)?
                }
                _ => {
                    let v = values
                        .get(next)
                        .cloned()
                        .ok_or_else(|| type_error("not enough arguments for format string"))?;
                    next += 1;
                    v
                }
            };
            let mut spec = String::new();
            if flags.contains('-') {
                spec.push('<');
            }
            if flags.contains('+') {
                spec.push('+');
            } else if flags.contains(' ') {
                spec.push(' ');
            }
            if flags.contains('#') {
                spec.push('#');
            }
            if flags.contains('0') && !flags.contains('-') && !matches!(conv, 's' | 'r' | 'a') {
                spec.push('0');
            }
            spec.push_str(&width);
            if let Some(p) = precision {
                spec.push_str(&format!(".{p}"));
            }
            let piece = match conv {
                's' => {
                    let s = self.str_of(&v)?;
                    self.format_value(&s, &spec)?
                }
                'r' | 'a' => {
                    let s = Val::str(&repr(&v));
                    self.format_value(&s, &spec)?
                }
                'd' | 'i' | 'u' => {
                    let n = match as_num(&v) {
                        Some(Num::F(f, _)) => Val::Int(
                            PyInt::from_big(
                                num_rational::BigRational::from_float(f.trunc())
                                    .map(|r| r.to_integer())
                                    .unwrap_or_default(),
                            ),
                            None,
                        ),
                        Some(_) => v.clone(),
                        None => {
                            return Err(type_error(format!(
                                "%{conv} format: a real number is required, not {}",
                                v.type_name()
                            )));
                        }
                    };
                    self.format_value(&n, &format!("{spec}d"))?
                }
                'x' | 'X' | 'o' | 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'c' => {
                    let spec = if matches!(conv, 'f' | 'F' | 'e' | 'E' | 'g' | 'G')
                        && precision.is_none()
                    {
                        format!("{spec}.6{conv}")
                    } else {
                        format!("{spec}{conv}")
                    };
                    let v = if matches!(conv, 'f' | 'F' | 'e' | 'E' | 'g' | 'G') {
                        self.float_val(&v)?
                    } else {
                        v
                    };
                    self.format_value(&v, &spec)?
                }
                other => {
                    return Err(value_error(format!(
                        "unsupported format character '{other}'"
                    )));
                }
            };
            if let Val::Str(s, _) = piece {
                out.push_str(&s);
            }
        }
        if !mapping && next < values.len() {
            return Err(type_error(
                "not all arguments converted during string formatting",
            ));
        }
        Ok(out)
    }

    /// `str.format` with `{}`, `{0}`, `{name}`, conversions and specs.
    pub(crate) fn str_format(&mut self, fmt: &str, pos: &[Val], kw: &[(Name, Val)]) -> R<String> {
        let mut out = String::new();
        let chars: Vec<char> = fmt.chars().collect();
        let mut i = 0;
        let mut auto = 0usize;
        while i < chars.len() {
            let c = chars[i];
            if c == '{' {
                if chars.get(i + 1) == Some(&'{') {
                    out.push('{');
                    i += 2;
                    continue;
                }
                // The matching `}`: a spec may hold fields of its own (`{x:.{d}f}`).
                let mut depth = 0usize;
                let end = chars[i..]
                    .iter()
                    .position(|c| {
                        match c {
                            '{' => depth += 1,
                            '}' => depth -= 1,
                            _ => {}
                        }
                        depth == 0
                    })
                    .ok_or_else(|| value_error("Single '{' encountered in format string"))?;
                let field: String = chars[i + 1..i + end].iter().collect();
                i += end + 1;
                let (name_conv, spec) = match field.split_once(':') {
                    Some((a, b)) => (a.to_string(), b.to_string()),
                    None => (field.clone(), String::new()),
                };
                let (name, conv) = match name_conv.split_once('!') {
                    Some((a, b)) => (a.to_string(), b.chars().next()),
                    None => (name_conv, None),
                };
                let v = format_arg(&name, pos, kw, &mut auto)?;
                let spec = if spec.contains('{') {
                    self.nested_spec(&spec, pos, kw, &mut auto)?
                } else {
                    spec
                };
                let v = match conv {
                    Some('r') | Some('a') => Val::str(&repr(&v)),
                    Some('s') => self.str_of(&v)?,
                    _ => v,
                };
                if let Val::Str(x, _) = self.format_value(&v, &spec)? {
                    out.push_str(&x);
                }
            } else if c == '}' {
                if chars.get(i + 1) == Some(&'}') {
                    i += 1;
                }
                out.push('}');
                i += 1;
            } else {
                out.push(c);
                i += 1;
            }
        }
        Ok(out)
    }
}

/// The argument a replacement field names: the next positional one (`{}`),
/// one by index (`{1}`) or by keyword (`{x}`).
fn format_arg(name: &str, pos: &[Val], kw: &[(Name, Val)], auto: &mut usize) -> R<Val> {
    let out_of_range = || {
        exc(
            ExcType::IndexError,
            "Replacement index out of range for positional args tuple",
        )
    };
    if name.is_empty() {
        let v = pos.get(*auto).cloned().ok_or_else(out_of_range)?;
        *auto += 1;
        Ok(v)
    } else if let Ok(k) = name.parse::<usize>() {
        pos.get(k).cloned().ok_or_else(out_of_range)
    } else {
        kw.iter()
            .find(|(n, _)| **n == *name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| exc(ExcType::KeyError, format!("'{name}'")))
    }
}

impl Interp<'_> {
    /// A format spec with fields of its own, filled in (`.{d}f` with `d=2`
    /// is `.2f`), as `str.format` does.
    fn nested_spec(
        &mut self,
        spec: &str,
        pos: &[Val],
        kw: &[(Name, Val)],
        auto: &mut usize,
    ) -> R<String> {
        let mut out = String::new();
        let mut rest = spec;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let Some(len) = rest[start..].find('}') else {
                return Err(value_error("unmatched '{' in format spec"));
            };
            let name = &rest[start + 1..start + len];
            let v = format_arg(name, pos, kw, auto)?;
            if let Val::Str(x, _) = self.str_of(&v)? {
                out.push_str(&x);
            }
            rest = &rest[start + len + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

fn exc_overflow() -> Flow {
    exc(ExcType::OverflowError, "%c arg not in range(0x110000)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_format_like_python() {
        assert_eq!(format_float_kind(1.23456, 'f', Some(2), false), "1.23");
        assert_eq!(format_float_kind(1234.5, 'e', Some(2), false), "1.23e+03");
        assert_eq!(format_float_kind(0.0001234, 'g', None, false), "0.0001234");
        assert_eq!(format_float_kind(1e-5, 'g', None, false), "1e-05");
        assert_eq!(
            format_float_kind(123456789.0, 'g', None, false),
            "1.23457e+08"
        );
        assert_eq!(format_float_kind(100.0, 'g', None, false), "100");
        assert_eq!(format_float_kind(0.5, '%', Some(1), false), "50.0%");
    }

    #[test]
    fn specs_parse() {
        let s = parse_spec("*^10,.2f").expect("valid");
        assert_eq!(
            (s.fill, s.align, s.width, s.grouping, s.precision, s.kind),
            (Some('*'), Some('^'), 10, Some(','), Some(2), Some('f'))
        );
        assert_eq!(group_digits("1234567", ',', 3), "1,234,567");
        assert_eq!(
            pad("-", "5", &parse_spec("05").expect("valid"), true),
            "-0005"
        );
    }
}
