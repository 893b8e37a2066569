//! `re`, run concretely on the `regex` crate (patterns translated where the
//! syntaxes differ; a pattern it cannot take stops the run as unsupported).

use std::cell::RefCell;
use std::rc::Rc;

use crate::interp::args::Args;
use crate::interp::state::{Interp, R, type_error, unsupported, value_error};
use crate::interp::tables::ModuleMember::{Function, Value};
use crate::interp::tables::{PyModule, Unknown, wrong_receiver};
use crate::value::{IterObj, Opaque, Val};

/// `re`'s functions and flags.
pub(crate) static MODULE: PyModule = PyModule {
    members: &[
        ("A", Value(|| Val::int(ASCII))),
        ("ASCII", Value(|| Val::int(ASCII))),
        ("DOTALL", Value(|| Val::int(DOTALL))),
        ("I", Value(|| Val::int(IGNORECASE))),
        ("IGNORECASE", Value(|| Val::int(IGNORECASE))),
        ("M", Value(|| Val::int(MULTILINE))),
        ("MULTILINE", Value(|| Val::int(MULTILINE))),
        ("S", Value(|| Val::int(DOTALL))),
        ("U", Value(|| Val::int(UNICODE))),
        ("UNICODE", Value(|| Val::int(UNICODE))),
        ("VERBOSE", Value(|| Val::int(VERBOSE))),
        ("X", Value(|| Val::int(VERBOSE))),
        ("compile", Function(|it, a, _| compile(it, a))),
        (
            "findall",
            Function(|it, a, _| regex_call(it, a, Op::Findall)),
        ),
        (
            "finditer",
            Function(|it, a, _| regex_call(it, a, Op::Finditer)),
        ),
        (
            "fullmatch",
            Function(|it, a, _| regex_call(it, a, Op::Fullmatch)),
        ),
        ("match", Function(|it, a, _| regex_call(it, a, Op::Match))),
        ("search", Function(|it, a, _| regex_call(it, a, Op::Search))),
        ("split", Function(|it, a, _| regex_call(it, a, Op::Split))),
        ("sub", Function(|it, a, _| regex_call(it, a, Op::Sub))),
    ],
    unknown: Unknown::AttributeError,
};

const IGNORECASE: i64 = 2;
const MULTILINE: i64 = 8;
const DOTALL: i64 = 16;
const UNICODE: i64 = 32;
const VERBOSE: i64 = 64;
const ASCII: i64 = 256;

/// Which of `re`'s functions (and `Pattern`'s methods).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Split,
    Findall,
    Finditer,
    Sub,
    Match,
    Search,
    Fullmatch,
}

impl Op {
    /// Where the text is among `re.op`'s arguments.
    fn text_at(self) -> usize {
        if self == Op::Sub { 2 } else { 1 }
    }

    /// Where `flags` is among `re.op`'s positional arguments.
    fn flags_at(self) -> usize {
        match self {
            Op::Split => 3,
            Op::Sub => 4,
            _ => 2,
        }
    }
}

/// The flags given to a `re` function, as an int.
fn flags_of(it: &mut Interp<'_>, v: Option<Val>) -> R<i64> {
    match v {
        None => Ok(0),
        Some(v) => Ok(it.int_arg(&v, "re")?.to_i64().unwrap_or(-1)),
    }
}

/// `re.compile(pattern, flags=0)`: a `Pattern` (checked now, as CPython
/// compiles it now); compiling a `Pattern` gives it back.
fn compile(it: &mut Interp<'_>, mut a: Args) -> R<Val> {
    let flags_kw = a.kw("flags");
    a.check(1, 2)?;
    it.note_concrete(&a, "re.compile");
    let flags = flags_of(it, flags_kw.or_else(|| a.get(1).cloned()))?;
    match a.arg(0)? {
        Val::Opaque(o) if matches!(&**o, Opaque::Pattern { .. }) => {
            if flags != 0 {
                return Err(value_error(
                    "cannot process flags argument with a compiled pattern",
                ));
            }
            Ok(a.arg(0)?.clone())
        }
        Val::Str(p, _) => {
            build(p, flags)?;
            Ok(Val::Opaque(Rc::new(Opaque::Pattern {
                pattern: p.clone(),
                flags: flags | UNICODE,
            })))
        }
        _ => Err(type_error(
            "first argument must be string or compiled pattern",
        )),
    }
}

/// The `regex` crate's compilation of a Python pattern with `flags`; a
/// pattern or flag it cannot take stops the run as unsupported.
fn build(pattern: &str, flags: i64) -> R<regex::Regex> {
    if flags & !(IGNORECASE | MULTILINE | DOTALL | UNICODE | VERBOSE) != 0 {
        return Err(unsupported(format!("regular expression flags {flags}")));
    }
    let mut inline = String::new();
    for (bit, c) in [
        (IGNORECASE, 'i'),
        (MULTILINE, 'm'),
        (DOTALL, 's'),
        (VERBOSE, 'x'),
    ] {
        if flags & bit != 0 {
            inline.push(c);
        }
    }
    let prefix = if inline.is_empty() {
        String::new()
    } else {
        format!("(?{inline})")
    };
    regex::Regex::new(&format!("{prefix}{}", translate_pattern(pattern)))
        .map_err(|e| unsupported(format!("regular expression {pattern:?} ({e})")))
}

/// `re.op(pattern, ...)`: the pattern (a string or a `Pattern`) compiled
/// with the flags given, the text searched concretely.
fn regex_call(it: &mut Interp<'_>, mut a: Args, op: Op) -> R<Val> {
    let flags_kw = a.kw("flags");
    let flags = flags_of(it, flags_kw.or_else(|| a.get(op.flags_at()).cloned()))?;
    let (pattern, flags) = match a.get(0) {
        Some(Val::Str(p, _)) => (p.clone(), flags),
        Some(Val::Opaque(o)) => match &**o {
            Opaque::Pattern {
                pattern,
                flags: own,
            } if flags == 0 => (pattern.clone(), *own),
            Opaque::Pattern { .. } => {
                return Err(value_error(
                    "cannot process flags argument with a compiled pattern",
                ));
            }
            _ => {
                return Err(type_error(
                    "first argument must be string or compiled pattern",
                ));
            }
        },
        _ => {
            return Err(type_error(
                "first argument must be string or compiled pattern",
            ));
        }
    };
    run(it, a, op, &pattern, flags)
}

/// `pattern.op(...)`: the module function's arguments with the pattern
/// first. Positions past the text (`pos`, `endpos`) are not modelled.
pub(crate) fn pattern_call(it: &mut Interp<'_>, recv: &Val, mut a: Args, op: Op) -> R<Val> {
    let Val::Opaque(o) = recv else {
        return Err(wrong_receiver("re.Pattern"));
    };
    let Opaque::Pattern { pattern, flags } = &**o else {
        return Err(wrong_receiver("re.Pattern"));
    };
    let max = match op {
        Op::Split => 2,
        Op::Sub => 3,
        _ => 1,
    };
    if a.pos.len() > max {
        return Err(unsupported("pos and endpos of a Pattern's methods"));
    }
    a.pos.insert(0, Val::Str(pattern.clone(), None));
    run(it, a, op, pattern, *flags)
}

/// The char offset of byte offset `b` of `text` (CPython's spans count
/// code points).
fn char_at(text: &str, b: usize) -> usize {
    text.get(..b).map_or(0, |s| s.chars().count())
}

/// A match object for `caps` found in `text`.
fn match_val(text: &str, caps: &regex::Captures<'_>) -> Val {
    let m = caps.get(0);
    let groups = (0..caps.len())
        .map(|g| caps.get(g).map(|x| Rc::from(x.as_str())))
        .collect();
    Val::Opaque(Rc::new(Opaque::Match {
        text: Rc::from(m.map_or("", |m| m.as_str())),
        span: m.map_or((0, 0), |m| {
            (char_at(text, m.start()), char_at(text, m.end()))
        }),
        groups,
    }))
}

/// Runs `op` of `pattern` (with `flags`) on the arguments `a` (the pattern
/// first, as the module functions take them).
fn run(it: &mut Interp<'_>, mut a: Args, op: Op, pattern: &str, flags: i64) -> R<Val> {
    let count_kw = a.kw("count").or_else(|| a.kw("maxsplit"));
    it.note_concrete(&a, "regular expression");
    let re = build(pattern, flags)?;
    let text_at = op.text_at();
    let text = match a.get(text_at) {
        Some(Val::Str(s, _)) => s.clone(),
        Some(other) => {
            return Err(type_error(format!(
                "expected string or bytes-like object, got '{}'",
                other.type_name()
            )));
        }
        None => return Err(type_error("missing string argument")),
    };
    if flags & MULTILINE == 0 && pattern.contains('$') && text.contains('\n') {
        // Python's `$` also matches before a final newline; the crate's
        // does not.
        return Err(unsupported(
            "'$' in a regular expression on text with a newline",
        ));
    }
    let limit = match count_kw.or_else(|| a.get(text_at + 1).cloned()) {
        Some(v) if matches!(op, Op::Split | Op::Sub) => {
            it.int_arg(&v, "re")?.to_usize().unwrap_or(0)
        }
        _ => 0,
    };
    match op {
        Op::Split => Ok(split(&re, &text, limit)),
        Op::Findall => Ok(findall(&re, &text)),
        Op::Finditer => {
            let found: std::collections::VecDeque<Val> = re
                .captures_iter(&text)
                .map(|caps| match_val(&text, &caps))
                .collect();
            Ok(Val::Iter(Rc::new(RefCell::new(IterObj::Items(found)))))
        }
        Op::Sub => {
            let repl = a.arg(1)?.clone();
            sub(it, &re, &text, &repl, limit)
        }
        Op::Match | Op::Search | Op::Fullmatch => {
            let caps = match op {
                Op::Match => re
                    .captures(&text)
                    .filter(|c| c.get(0).is_some_and(|m| m.start() == 0)),
                Op::Fullmatch => re.captures(&text).filter(|c| {
                    c.get(0)
                        .is_some_and(|m| m.start() == 0 && m.end() == text.len())
                }),
                _ => re.captures(&text),
            };
            Ok(caps.map_or(Val::None, |c| match_val(&text, &c)))
        }
    }
}

fn group_val(m: Option<regex::Match<'_>>) -> Val {
    match m {
        Some(m) => Val::str(m.as_str()),
        None => Val::None,
    }
}

/// The first `limit` matches of `re` in `text` (all of them for 0), each
/// with its groups.
fn matches<'t>(
    re: &regex::Regex,
    text: &'t str,
    limit: usize,
) -> impl Iterator<Item = (regex::Captures<'t>, regex::Match<'t>)> {
    let limit = if limit == 0 { usize::MAX } else { limit };
    re.captures_iter(text)
        .take(limit)
        .filter_map(|caps| caps.get(0).map(|m| (caps, m)))
}

/// `re.split`: the pieces between matches, with the groups of each match.
fn split(re: &regex::Regex, text: &str, limit: usize) -> Val {
    let mut out = Vec::new();
    let mut last = 0;
    for (caps, m) in matches(re, text, limit) {
        if m.start() == m.end() && m.start() == last && m.start() != 0 {
            continue;
        }
        out.push(Val::str(&text[last..m.start()]));
        for g in 1..caps.len() {
            out.push(group_val(caps.get(g)));
        }
        last = m.end();
    }
    out.push(Val::str(&text[last..]));
    Val::list(out)
}

/// `re.findall`: the matches, their one group, or tuples of their groups.
fn findall(re: &regex::Regex, text: &str) -> Val {
    let mut out = Vec::new();
    let text_of = |m: Option<regex::Match<'_>>| Val::str(m.map_or("", |m| m.as_str()));
    for caps in re.captures_iter(text) {
        let v = match caps.len() {
            1 => group_val(caps.get(0)),
            2 => text_of(caps.get(1)),
            n => Val::tuple((1..n).map(|g| text_of(caps.get(g))).collect()),
        };
        out.push(v);
    }
    Val::list(out)
}

/// `re.sub` with a template or a function of the match.
fn sub(it: &mut Interp<'_>, re: &regex::Regex, text: &str, repl: &Val, limit: usize) -> R<Val> {
    let mut out = String::new();
    let mut last = 0;
    for (caps, m) in matches(re, text, limit) {
        out.push_str(&text[last..m.start()]);
        match repl {
            Val::Str(r, _) => out.push_str(&expand_template(r, &caps)),
            f => match it.call(f, vec![match_val(text, &caps)], Vec::new(), None)? {
                Val::Str(s, _) => out.push_str(&s),
                _ => return Err(type_error("expected str instance")),
            },
        }
        last = m.end();
    }
    out.push_str(&text[last..]);
    Ok(Val::str(&out))
}

/// Python regex syntax the `regex` crate spells differently.
fn translate_pattern(p: &str) -> String {
    p.replace("(?P<", "(?<").replace("\\Z", "\\z")
}

/// `\1`, `\g<1>`, `\g<name>` and escapes in a `re.sub` template.
fn expand_template(t: &str, caps: &regex::Captures<'_>) -> String {
    let mut out = String::new();
    let cs: Vec<char> = t.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        if cs[i] == '\\' && i + 1 < cs.len() {
            let c = cs[i + 1];
            if c.is_ascii_digit() {
                let g = c.to_digit(10).unwrap_or(0) as usize;
                out.push_str(caps.get(g).map_or("", |m| m.as_str()));
                i += 2;
                continue;
            }
            if c == 'g'
                && cs.get(i + 2) == Some(&'<')
                && let Some(end) = cs[i + 3..].iter().position(|x| *x == '>')
            {
                let name: String = cs[i + 3..i + 3 + end].iter().collect();
                let m = match name.parse::<usize>() {
                    Ok(g) => caps.get(g),
                    Err(_) => caps.name(&name),
                };
                out.push_str(m.map_or("", |m| m.as_str()));
                i += 4 + end;
                continue;
            }
            let esc = match c {
                'n' => Some('\n'),
                't' => Some('\t'),
                '\\' => Some('\\'),
                'r' => Some('\r'),
                _ => None,
            };
            match esc {
                Some(e) => out.push(e),
                None => {
                    out.push('\\');
                    out.push(c);
                }
            }
            i += 2;
            continue;
        }
        out.push(cs[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::interp::testing::{assert_results, try_result_of};

    /// `re.compile`, `Pattern`'s methods and `re.finditer`; results as
    /// CPython 3.11 prints them.
    #[test]
    fn patterns_and_finditer_agree_with_cpython() {
        let cases = [
            (
                "import re\nd = re.compile(r'^[0-9]+(\\.[0-9]{1,2})?$')\nr = [d.search(x) is not None for x in ['123.11', 'e666.86', '3.124587', '1.11', '1.1.11']]",
                "[True, False, False, True, False]",
            ),
            (
                "import re\nr = [(m.group(), m.start(), m.end()) for m in re.finditer('python', 'python programming, python language')]",
                "[('python', 0, 6), ('python', 20, 26)]",
            ),
            (
                "import re\nr = [m.span() for m in re.finditer('b', 'éab')]",
                "[(2, 3)]",
            ),
            (
                "import re\np = re.compile('a(b)?', re.I)\nr = (p.findall('AbaB'), p.sub('-', 'xAby'), p.split('1a2', 1), p.pattern, p.flags, repr(p), p.fullmatch('ab') is not None, p.match('zab'))",
                "(['b', 'B'], 'x-y', ['1', None, '2'], 'a(b)?', 34, \"re.compile('a(b)?', re.IGNORECASE)\", True, None)",
            ),
            (
                "import re\nr = (re.search('^b', 'a\\nb', re.M) is not None, re.findall('x.', 'X1x2', flags=re.IGNORECASE), re.search(re.compile('a'), 'ba').span())",
                "(True, ['X1', 'x2'], (1, 2))",
            ),
        ];
        assert_results(&cases);
    }

    /// Where the `regex` crate would answer differently, the run stops.
    #[test]
    fn differences_from_python_stop_the_run() {
        for src in [
            // Python's `$` matches before a final newline.
            "import re\nr = re.search('a$', 'a\\n')",
            // `pos` of a Pattern's method.
            "import re\nr = re.compile('a').search('aa', 1)",
            "import re\nr = re.findall('a', 'A', re.ASCII)",
        ] {
            let why = try_result_of(src).expect_err(src);
            assert!(why.starts_with("unsupported"), "{src}: {why}");
        }
    }
}
