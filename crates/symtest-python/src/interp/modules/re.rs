//! `re`, run concretely on the `regex` crate (patterns translated where the
//! syntaxes differ; a pattern it cannot take stops the run as unsupported).

use std::rc::Rc;

use crate::interp::args::Args;
use crate::interp::state::{Interp, R, type_error, unsupported};
use crate::interp::tables::ModuleMember::Function;
use crate::interp::tables::{PyModule, Unknown};
use crate::value::{Opaque, Val};

/// `re`'s functions.
pub(crate) static MODULE: PyModule = PyModule {
    members: &[
        (
            "findall",
            Function(|it, a, _| regex_call(it, a, Op::Findall)),
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

/// Which of `re`'s functions.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Split,
    Findall,
    Sub,
    Match,
    Search,
    Fullmatch,
}

/// `re.op(pattern, ...)`: the pattern compiled, the text searched concretely.
fn regex_call(it: &mut Interp<'_>, mut a: Args, op: Op) -> R<Val> {
    let count_kw = a.kw("count").or_else(|| a.kw("maxsplit"));
    let _flags = a.kw("flags");
    it.note_concrete(&a, "regular expression");
    let pattern = match a.get(0) {
        Some(Val::Str(p, _)) => p.clone(),
        _ => return Err(type_error("first argument must be a string pattern")),
    };
    let re = regex::Regex::new(&translate_pattern(&pattern))
        .map_err(|e| unsupported(format!("regular expression {pattern:?} ({e})")))?;
    let text_at = if op == Op::Sub { 2 } else { 1 };
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
    let limit = match count_kw.or_else(|| a.get(text_at + 1).cloned()) {
        Some(v) => it.int_arg(&v, "re")?.to_usize().unwrap_or(0),
        None => 0,
    };
    // Matches `split` and `sub` use: a limit of 0 is none.
    let most = if limit > 0 { limit } else { usize::MAX };
    let group_val = |m: Option<regex::Match<'_>>| match m {
        Some(m) => Val::str(m.as_str()),
        None => Val::None,
    };
    match op {
        Op::Split => {
            let mut out = Vec::new();
            let mut last = 0;
            for caps in re.captures_iter(&text).take(most) {
                let Some(m) = caps.get(0) else { continue };
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
            Ok(Val::list(out))
        }
        Op::Findall => {
            let mut out = Vec::new();
            for caps in re.captures_iter(&text) {
                let v = match caps.len() {
                    1 => group_val(caps.get(0)),
                    2 => match caps.get(1) {
                        Some(m) => Val::str(m.as_str()),
                        None => Val::str(""),
                    },
                    n => Val::tuple(
                        (1..n)
                            .map(|g| match caps.get(g) {
                                Some(m) => Val::str(m.as_str()),
                                None => Val::str(""),
                            })
                            .collect(),
                    ),
                };
                out.push(v);
            }
            Ok(Val::list(out))
        }
        Op::Sub => {
            let repl = a.arg(1)?.clone();
            let mut out = String::new();
            let mut last = 0;
            for caps in re.captures_iter(&text).take(most) {
                let Some(m) = caps.get(0) else { continue };
                out.push_str(&text[last..m.start()]);
                match &repl {
                    Val::Str(r, _) => out.push_str(&expand_template(r, &caps)),
                    f => {
                        let groups: Vec<Option<Rc<str>>> = (0..caps.len())
                            .map(|g| caps.get(g).map(|x| Rc::from(x.as_str())))
                            .collect();
                        let mv = Val::Opaque(Rc::new(Opaque::Match {
                            text: Rc::from(m.as_str()),
                            span: (m.start(), m.end()),
                            groups,
                        }));
                        match it.call(f, vec![mv], Vec::new(), None)? {
                            Val::Str(s, _) => out.push_str(&s),
                            _ => return Err(type_error("expected str instance")),
                        }
                    }
                }
                last = m.end();
            }
            out.push_str(&text[last..]);
            Ok(Val::str(&out))
        }
        _ => {
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
            Ok(match caps {
                None => Val::None,
                Some(c) => {
                    let m = c.get(0);
                    let groups = (0..c.len())
                        .map(|g| c.get(g).map(|x| Rc::from(x.as_str())))
                        .collect();
                    Val::Opaque(Rc::new(Opaque::Match {
                        text: Rc::from(m.map_or("", |m| m.as_str())),
                        span: m.map_or((0, 0), |m| (m.start(), m.end())),
                        groups,
                    }))
                }
            })
        }
    }
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
