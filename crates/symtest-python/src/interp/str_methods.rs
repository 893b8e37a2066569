//! `str` methods.
//!
//! Characters are modelled in ASCII (inputs are kept to printable ASCII):
//! a character class is a range of codes. Methods that look at every
//! character fix the string's length for the rest of the path (a pinned
//! assumption) and then stay exact; where a method's result has a shape
//! (where `split` cuts), the cut points are decisions, so other shapes get
//! explored; the rest run concretely and say so.

use std::rc::Rc;

use symtest_term::Term;

use super::call::Args;
use super::iter::char_len;
use super::{Interp, R, exc, type_error, value_error};
use crate::builtins::ExcType;
use crate::int::PyInt;
use crate::ir::Name;
use crate::sites::SiteId;
use crate::value::Val;

pub(crate) const METHODS: &[&str] = &[
    "capitalize",
    "casefold",
    "center",
    "count",
    "encode",
    "endswith",
    "find",
    "format",
    "index",
    "isalnum",
    "isalpha",
    "isascii",
    "isdecimal",
    "isdigit",
    "islower",
    "isnumeric",
    "isspace",
    "istitle",
    "isupper",
    "join",
    "ljust",
    "lower",
    "lstrip",
    "partition",
    "removeprefix",
    "removesuffix",
    "replace",
    "rfind",
    "rindex",
    "rjust",
    "rpartition",
    "rsplit",
    "rstrip",
    "split",
    "splitlines",
    "startswith",
    "strip",
    "swapcase",
    "title",
    "upper",
    "zfill",
    "translate",
];

/// More characters than this and a per-character model is not attempted.
const MAX_CHARWISE: usize = 40;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Upper,
    Lower,
    Alpha,
    Digit,
    Space,
    Alnum,
}

fn in_class(c: char, k: Class) -> bool {
    match k {
        Class::Upper => c.is_uppercase(),
        Class::Lower => c.is_lowercase(),
        Class::Alpha => c.is_alphabetic(),
        Class::Digit => c.is_numeric(),
        Class::Space => c.is_whitespace() || ('\x1c'..='\x1f').contains(&c),
        Class::Alnum => c.is_alphanumeric(),
    }
}

fn code_in(code: &Term, lo: u32, hi: u32) -> Term {
    Term::and([
        code.greater_eq(&Term::int(i64::from(lo))),
        code.less_eq(&Term::int(i64::from(hi))),
    ])
}

/// The class as a condition on a one-character term (ASCII model).
fn class_term(ch: &Term, k: Class) -> Term {
    let code = ch.str_to_code();
    match k {
        Class::Upper => code_in(&code, 65, 90),
        Class::Lower => code_in(&code, 97, 122),
        Class::Alpha => Term::or([code_in(&code, 65, 90), code_in(&code, 97, 122)]),
        Class::Digit => code_in(&code, 48, 57),
        Class::Space => Term::or([code_in(&code, 9, 13), code_in(&code, 28, 32)]),
        Class::Alnum => Term::or([
            code_in(&code, 65, 90),
            code_in(&code, 97, 122),
            code_in(&code, 48, 57),
        ]),
    }
}

/// `ch` with ASCII case mapped (`to_upper`: lower to upper, else upper to lower).
fn map_case(ch: &Term, to_upper: bool) -> Term {
    let code = ch.str_to_code();
    let (from, delta) = if to_upper {
        (code_in(&code, 97, 122), -32)
    } else {
        (code_in(&code, 65, 90), 32)
    };
    Term::ite(&from, &code.plus(&Term::int(delta)).str_from_code(), ch)
}

fn swap_case(ch: &Term) -> Term {
    let code = ch.str_to_code();
    Term::ite(
        &code_in(&code, 65, 90),
        &code.plus(&Term::int(32)).str_from_code(),
        &Term::ite(
            &code_in(&code, 97, 122),
            &code.minus(&Term::int(32)).str_from_code(),
            ch,
        ),
    )
}

fn s_val(s: String, shadow: Option<Term>) -> Val {
    Val::Str(Rc::from(s.as_str()), shadow)
}

fn is_ascii_cased_model(s: &str) -> bool {
    s.chars().all(|c| (' '..='~').contains(&c))
}

impl Interp<'_> {
    /// The characters of a symbolic string as one-character terms, its
    /// length pinned (unless it is known already); `None` when too long.
    fn char_terms(&mut self, s: &str, t: &Term) -> Option<Vec<Term>> {
        let n = char_len(s);
        if n > MAX_CHARWISE {
            return None;
        }
        let known = matches!(
            t.op(),
            symtest_term::Op::StrAt | symtest_term::Op::StrFromCode
        ) && n == 1;
        if !known {
            self.decide_len(&t.str_len(), n);
        }
        Some(
            (0..n)
                .map(|i| {
                    if known {
                        t.clone()
                    } else {
                        t.str_at(&Term::int(i as i64))
                    }
                })
                .collect(),
        )
    }

    fn str_arg<'v>(&self, v: &'v Val, what: &str) -> R<(&'v Rc<str>, Option<&'v Term>)> {
        match v {
            Val::Str(s, t) => Ok((s, t.as_ref())),
            other => Err(type_error(format!(
                "{what} must be str, not {}",
                other.type_name()
            ))),
        }
    }

    fn predicate(&mut self, s: &str, sh: Option<&Term>, k: Class) -> Val {
        let n = char_len(s);
        let concrete = match k {
            Class::Upper | Class::Lower => {
                let other = if k == Class::Upper {
                    Class::Lower
                } else {
                    Class::Upper
                };
                s.chars().any(|c| in_class(c, k)) && !s.chars().any(|c| in_class(c, other))
            }
            _ => n > 0 && s.chars().all(|c| in_class(c, k)),
        };
        let Some(t) = sh else {
            return Val::bool(concrete);
        };
        if k == Class::Digit {
            return Val::Bool(concrete, Some(t.str_to_int().greater_eq(&Term::int(0))));
        }
        if !is_ascii_cased_model(s) {
            self.concretise("character class of non-ASCII text");
            return Val::bool(concrete);
        }
        let Some(cs) = self.char_terms(s, t) else {
            self.concretise("character class of a long string");
            return Val::bool(concrete);
        };
        let term = match k {
            Class::Upper | Class::Lower => {
                let other = if k == Class::Upper {
                    Class::Lower
                } else {
                    Class::Upper
                };
                Term::and([
                    Term::or(cs.iter().map(|c| class_term(c, k))),
                    Term::and(cs.iter().map(|c| !&class_term(c, other))),
                ])
            }
            _ => {
                if cs.is_empty() {
                    Term::bool(false)
                } else {
                    Term::and(cs.iter().map(|c| class_term(c, k)))
                }
            }
        };
        Val::Bool(concrete, Some(term))
    }

    fn case_map(&mut self, s: &str, sh: Option<&Term>, how: &str) -> Val {
        let concrete: String = match how {
            "lower" | "casefold" => s.to_lowercase(),
            "upper" => s.to_uppercase(),
            "swapcase" => s
                .chars()
                .flat_map(|c| {
                    if c.is_uppercase() {
                        c.to_lowercase().collect::<Vec<_>>()
                    } else if c.is_lowercase() {
                        c.to_uppercase().collect::<Vec<_>>()
                    } else {
                        vec![c]
                    }
                })
                .collect(),
            _ => {
                // capitalize
                let mut out = String::new();
                for (i, c) in s.chars().enumerate() {
                    if i == 0 {
                        out.extend(c.to_uppercase());
                    } else {
                        out.extend(c.to_lowercase());
                    }
                }
                out
            }
        };
        let Some(t) = sh else {
            return s_val(concrete, None);
        };
        if !is_ascii_cased_model(s) {
            self.concretise("case mapping of non-ASCII text");
            return s_val(concrete, None);
        }
        let Some(cs) = self.char_terms(s, t) else {
            self.concretise("case mapping of a long string");
            return s_val(concrete, None);
        };
        let mapped = cs.iter().enumerate().map(|(i, c)| match how {
            "lower" | "casefold" => map_case(c, false),
            "upper" => map_case(c, true),
            "swapcase" => swap_case(c),
            _ => map_case(c, i == 0),
        });
        s_val(concrete, Some(symtest_term::concat(mapped)))
    }

    pub(crate) fn str_method(
        &mut self,
        recv: &Val,
        name: &str,
        pos: Vec<Val>,
        kw: Vec<(Name, Val)>,
        site: SiteId,
    ) -> R<Val> {
        let Val::Str(s, sh) = recv else {
            return Err(type_error("not a str"));
        };
        let (s, sh) = (s.clone(), sh.clone());
        let mut a = Args::new(pos, kw, "str method");
        match name {
            "isupper" => {
                a.check(0, 0)?;
                Ok(self.predicate(&s, sh.as_ref(), Class::Upper))
            }
            "islower" => {
                a.check(0, 0)?;
                Ok(self.predicate(&s, sh.as_ref(), Class::Lower))
            }
            "isalpha" => {
                a.check(0, 0)?;
                Ok(self.predicate(&s, sh.as_ref(), Class::Alpha))
            }
            "isdigit" | "isdecimal" | "isnumeric" => {
                a.check(0, 0)?;
                Ok(self.predicate(&s, sh.as_ref(), Class::Digit))
            }
            "isspace" => {
                a.check(0, 0)?;
                Ok(self.predicate(&s, sh.as_ref(), Class::Space))
            }
            "isalnum" => {
                a.check(0, 0)?;
                Ok(self.predicate(&s, sh.as_ref(), Class::Alnum))
            }
            "isascii" => {
                a.check(0, 0)?;
                if sh.is_some() {
                    self.concretise("isascii");
                }
                Ok(Val::bool(s.is_ascii()))
            }
            "istitle" => {
                a.check(0, 0)?;
                if sh.is_some() {
                    self.concretise("istitle");
                }
                Ok(Val::bool(is_title(&s)))
            }
            "lower" | "upper" | "swapcase" | "casefold" | "capitalize" => {
                a.check(0, 0)?;
                Ok(self.case_map(&s, sh.as_ref(), name))
            }
            "title" => {
                a.check(0, 0)?;
                if sh.is_some() {
                    self.concretise("title");
                }
                Ok(Val::str(&title(&s)))
            }
            "startswith" | "endswith" => {
                a.check(1, 3)?;
                if a.pos.len() > 1 {
                    if sh.is_some() {
                        self.concretise("startswith/endswith with bounds");
                    }
                    let sub = self.sub_range(&s, a.get(1), a.get(2))?;
                    let v = Val::str(&sub);
                    let rest = vec![a.pos[0].clone()];
                    return self.str_method(&v, name, rest, Vec::new(), site);
                }
                let candidates: Vec<Val> = match &a.pos[0] {
                    Val::Tuple(t) => t.items.clone(),
                    other => vec![other.clone()],
                };
                let mut parts = Vec::new();
                for c in &candidates {
                    let (p, pt) = self.str_arg(c, "startswith arg")?;
                    let concrete = if name == "startswith" {
                        s.starts_with(&**p)
                    } else {
                        s.ends_with(&**p)
                    };
                    let term = if sh.is_some() || pt.is_some() {
                        let st = sh.clone().unwrap_or_else(|| Term::string(&s));
                        let ptt = pt.cloned().unwrap_or_else(|| Term::string(p));
                        Some(if name == "startswith" {
                            st.str_starts_with(&ptt)
                        } else {
                            st.str_ends_with(&ptt)
                        })
                    } else {
                        None
                    };
                    parts.push((concrete, term));
                }
                let value = parts.iter().any(|p| p.0);
                let term = if parts.iter().any(|p| p.1.is_some()) {
                    Some(Term::or(
                        parts
                            .into_iter()
                            .map(|(b, t)| t.unwrap_or_else(|| Term::bool(b))),
                    ))
                } else {
                    None
                };
                Ok(Val::Bool(value, term))
            }
            "find" | "index" => {
                a.check(1, 3)?;
                let (sub, subt) = {
                    let (x, t) = self.str_arg(&a.pos[0], "find arg")?;
                    (x.clone(), t.cloned())
                };
                let n = char_len(&s) as i64;
                let start = match a.get(1) {
                    None | Some(Val::None) => 0,
                    Some(v) => {
                        if v.is_symbolic() {
                            self.pin_value(site, v);
                        }
                        let i = self.int_arg(v, "find")?.to_i64().unwrap_or(0);
                        if i < 0 { (i + n).max(0) } else { i }
                    }
                };
                if a.get(2).is_some() {
                    if sh.is_some() {
                        self.concretise("find with an end bound");
                    }
                    let end = self.int_arg(a.arg(2)?, "find")?.to_i64().unwrap_or(n);
                    let end = if end < 0 {
                        (end + n).max(0)
                    } else {
                        end.min(n)
                    };
                    let found = find_chars(&s, &sub, start, end);
                    if name == "index" && found < 0 {
                        return Err(value_error("substring not found"));
                    }
                    return Ok(Val::int(found));
                }
                let found = find_chars(&s, &sub, start, n);
                let term = if sh.is_some() || subt.is_some() {
                    let st = sh.clone().unwrap_or_else(|| Term::string(&s));
                    let ptt = subt.unwrap_or_else(|| Term::string(&sub));
                    let raw = st.str_index_of(&ptt, &Term::int(start));
                    // SMT's indexof finds "" past the end; Python's find does not.
                    Some(if start > 0 {
                        Term::ite(
                            &Term::int(start).greater(&st.str_len()),
                            &Term::int(-1),
                            &raw,
                        )
                    } else {
                        raw
                    })
                } else {
                    None
                };
                if name == "index" {
                    if let Some(t) = &term {
                        self.decide(site, Some(&t.greater_eq(&Term::int(0))), found >= 0);
                    }
                    if found < 0 {
                        return Err(value_error("substring not found"));
                    }
                }
                Ok(Val::Int(PyInt::Small(found), term))
            }
            "rfind" | "rindex" => {
                a.check(1, 3)?;
                if sh.is_some() || a.pos[0].is_symbolic() {
                    self.concretise("rfind");
                }
                let (sub, _) = self.str_arg(&a.pos[0], "rfind arg")?;
                let found = rfind_chars(&s, sub);
                if name == "rindex" && found < 0 {
                    return Err(value_error("substring not found"));
                }
                Ok(Val::int(found))
            }
            "count" => {
                a.check(1, 3)?;
                let (sub, subt) = {
                    let (x, t) = self.str_arg(&a.pos[0], "count arg")?;
                    (x.clone(), t.cloned())
                };
                let text: String = if a.pos.len() > 1 {
                    if sh.is_some() {
                        self.concretise("count with bounds");
                    }
                    let t = self.sub_range(&s, a.get(1), a.get(2))?;
                    return Ok(Val::int(count_nonoverlapping(&t, &sub)));
                } else {
                    s.to_string()
                };
                let concrete = count_nonoverlapping(&text, &sub);
                let symbolic = sh.is_some() || subt.is_some();
                if !symbolic {
                    return Ok(Val::int(concrete));
                }
                if char_len(&sub) == 1 && subt.is_none() && is_ascii_cased_model(&s) {
                    let st = sh.clone().unwrap_or_else(|| Term::string(&s));
                    if let Some(cs) = self.char_terms(&s, &st) {
                        let one = Term::string(&sub);
                        let term = symtest_term::sum(
                            cs.iter()
                                .map(|c| Term::ite(&c.equal(&one), &Term::int(1), &Term::int(0))),
                        );
                        return Ok(Val::Int(PyInt::from(concrete), Some(term)));
                    }
                }
                self.concretise("count of a symbolic substring");
                Ok(Val::int(concrete))
            }
            "replace" => {
                a.check(2, 3)?;
                let (old, oldt) = {
                    let (x, t) = self.str_arg(&a.pos[0], "replace arg 1")?;
                    (x.clone(), t.cloned())
                };
                let (new, newt) = {
                    let (x, t) = self.str_arg(&a.pos[1], "replace arg 2")?;
                    (x.clone(), t.cloned())
                };
                let limit = match a.get(2) {
                    Some(v) => self.int_arg(v, "replace")?.to_i64().unwrap_or(-1),
                    None => -1,
                };
                let concrete = if limit < 0 {
                    s.replace(&*old, &new)
                } else {
                    s.replacen(&*old, &new, limit as usize)
                };
                if sh.is_none() && oldt.is_none() && newt.is_none() {
                    return Ok(Val::str(&concrete));
                }
                if limit < 0 && char_len(&old) == 1 && oldt.is_none() && is_ascii_cased_model(&s) {
                    let st = sh.clone().unwrap_or_else(|| Term::string(&s));
                    if let Some(cs) = self.char_terms(&s, &st) {
                        let o = Term::string(&old);
                        let nt = newt.unwrap_or_else(|| Term::string(&new));
                        let term = symtest_term::concat(
                            cs.iter().map(|c| Term::ite(&c.equal(&o), &nt, c)),
                        );
                        return Ok(s_val(concrete, Some(term)));
                    }
                }
                self.concretise("replace of a symbolic or multi-character substring");
                Ok(Val::str(&concrete))
            }
            "strip" | "lstrip" | "rstrip" => {
                a.check(0, 1)?;
                let chars: Option<Vec<char>> = match a.get(0) {
                    None | Some(Val::None) => None,
                    Some(v) => {
                        if v.is_symbolic() {
                            self.concretise("strip with symbolic characters");
                        }
                        let (x, _) = self.str_arg(v, "strip arg")?;
                        Some(x.chars().collect())
                    }
                };
                let is_strip = |c: char| match &chars {
                    None => in_class(c, Class::Space),
                    Some(set) => set.contains(&c),
                };
                let cs: Vec<char> = s.chars().collect();
                let n = cs.len();
                let mut lo = 0;
                if name != "rstrip" {
                    while lo < n && is_strip(cs[lo]) {
                        lo += 1;
                    }
                }
                let mut hi = n;
                if name != "lstrip" {
                    while hi > lo && is_strip(cs[hi - 1]) {
                        hi -= 1;
                    }
                }
                let concrete: String = cs[lo..hi].iter().collect();
                let Some(t) = sh.clone() else {
                    return Ok(Val::str(&concrete));
                };
                if !is_ascii_cased_model(&s) {
                    self.concretise("strip of non-ASCII text");
                    return Ok(Val::str(&concrete));
                }
                let Some(terms) = self.char_terms(&s, &t) else {
                    self.concretise("strip of a long string");
                    return Ok(Val::str(&concrete));
                };
                let strip_term = |c: &Term| -> Term {
                    match &chars {
                        None => class_term(c, Class::Space),
                        Some(set) => {
                            Term::or(set.iter().map(|x| c.equal(&Term::string(&x.to_string()))))
                        }
                    }
                };
                // Where the kept part starts and ends are decisions.
                if name != "rstrip" {
                    for (i, c) in terms.iter().enumerate().take((lo + 1).min(n)) {
                        self.decide(site, Some(&strip_term(c)), i < lo);
                    }
                }
                if name != "lstrip" && hi > lo {
                    for i in (hi - 1..n).rev() {
                        self.decide(site, Some(&strip_term(&terms[i])), i >= hi);
                    }
                }
                let shadow = t.str_substr(&Term::int(lo as i64), &Term::int((hi - lo) as i64));
                Ok(s_val(concrete, Some(shadow)))
            }
            "split" | "rsplit" => {
                let sep_kw = a.kw("sep");
                let max_kw = a.kw("maxsplit");
                a.check(0, 2)?;
                let sep = sep_kw.or_else(|| a.get(0).cloned()).unwrap_or(Val::None);
                let maxsplit = match max_kw.or_else(|| a.get(1).cloned()) {
                    Some(v) => self.int_arg(&v, "split")?.to_i64().unwrap_or(-1),
                    None => -1,
                };
                self.split(&s, sh.as_ref(), &sep, maxsplit, name == "rsplit", site)
            }
            "splitlines" => {
                a.check(0, 1)?;
                if sh.is_some() {
                    self.concretise("splitlines");
                }
                let parts: Vec<Val> = s.lines().map(Val::str).collect();
                Ok(Val::list(parts))
            }
            "join" => {
                a.check(1, 1)?;
                let items = self.collect(&a.pos[0].clone())?;
                let mut pieces = Vec::with_capacity(items.len() * 2);
                for (i, x) in items.into_iter().enumerate() {
                    if !matches!(x, Val::Str(..)) {
                        return Err(type_error(format!(
                            "sequence item {i}: expected str instance, {} found",
                            x.type_name()
                        )));
                    }
                    if i > 0 {
                        pieces.push(Val::Str(s.clone(), sh.clone()));
                    }
                    pieces.push(x);
                }
                Ok(self.concat_strs(pieces))
            }
            "partition" => {
                a.check(1, 1)?;
                let (sep, sept) = {
                    let (x, t) = self.str_arg(&a.pos[0], "partition arg")?;
                    (x.clone(), t.cloned())
                };
                if sep.is_empty() {
                    return Err(value_error("empty separator"));
                }
                let found = find_chars(&s, &sep, 0, char_len(&s) as i64);
                let (head, tail) = if found >= 0 {
                    let chars: Vec<char> = s.chars().collect();
                    let f = found as usize;
                    (
                        chars[..f].iter().collect::<String>(),
                        chars[f + char_len(&sep)..].iter().collect::<String>(),
                    )
                } else {
                    (s.to_string(), String::new())
                };
                let (ht, tt, st) = match (&sh, sept.is_some()) {
                    (None, false) => (None, None, None),
                    _ => {
                        let whole = sh.clone().unwrap_or_else(|| Term::string(&s));
                        let sep_t = sept.clone().unwrap_or_else(|| Term::string(&sep));
                        let idx = whole.str_index_of(&sep_t, &Term::int(0));
                        self.decide(site, Some(&idx.greater_eq(&Term::int(0))), found >= 0);
                        if found >= 0 {
                            let after = idx.plus(&sep_t.str_len());
                            (
                                Some(whole.str_substr(&Term::int(0), &idx)),
                                Some(whole.str_substr(&after, &whole.str_len().minus(&after))),
                                Some(sep_t),
                            )
                        } else {
                            (Some(whole), Some(Term::string("")), Some(Term::string("")))
                        }
                    }
                };
                let sep_out = if found >= 0 {
                    sep.to_string()
                } else {
                    String::new()
                };
                Ok(Val::tuple(vec![
                    s_val(head, ht),
                    s_val(sep_out, st),
                    s_val(tail, tt),
                ]))
            }
            "rpartition" => {
                a.check(1, 1)?;
                if sh.is_some() {
                    self.concretise("rpartition");
                }
                let (sep, _) = self.str_arg(&a.pos[0], "rpartition arg")?;
                let sep = sep.clone();
                Ok(match s.rfind(&*sep) {
                    Some(i) => Val::tuple(vec![
                        Val::str(&s[..i]),
                        Val::str(&sep),
                        Val::str(&s[i + sep.len()..]),
                    ]),
                    None => Val::tuple(vec![Val::str(""), Val::str(""), Val::str(&s)]),
                })
            }
            "removeprefix" | "removesuffix" => {
                a.check(1, 1)?;
                let (p, pt) = {
                    let (x, t) = self.str_arg(&a.pos[0], "removeprefix arg")?;
                    (x.clone(), t.cloned())
                };
                let prefix = name == "removeprefix";
                let has = if prefix {
                    s.starts_with(&*p)
                } else {
                    s.ends_with(&*p)
                };
                let n = char_len(&s);
                let k = char_len(&p);
                let concrete: String = if has {
                    if prefix {
                        s.chars().skip(k).collect()
                    } else {
                        s.chars().take(n - k).collect()
                    }
                } else {
                    s.to_string()
                };
                if sh.is_none() && pt.is_none() {
                    return Ok(Val::str(&concrete));
                }
                let st = sh.clone().unwrap_or_else(|| Term::string(&s));
                let ptt = pt.unwrap_or_else(|| Term::string(&p));
                let cond = if prefix {
                    st.str_starts_with(&ptt)
                } else {
                    st.str_ends_with(&ptt)
                };
                self.decide(site, Some(&cond), has);
                let shadow = if has {
                    let rest = st.str_len().minus(&ptt.str_len());
                    if prefix {
                        st.str_substr(&ptt.str_len(), &rest)
                    } else {
                        st.str_substr(&Term::int(0), &rest)
                    }
                } else {
                    st
                };
                Ok(s_val(concrete, Some(shadow)))
            }
            "center" | "ljust" | "rjust" | "zfill" => {
                a.check(1, 2)?;
                if sh.is_some() || a.pos[0].is_symbolic() {
                    self.concretise("padding");
                }
                let width = self.int_arg(&a.pos[0], name)?.to_i64().unwrap_or(0).max(0) as usize;
                let fill = match a.get(1) {
                    Some(Val::Str(f, _)) if char_len(f) == 1 => f.chars().next().unwrap_or(' '),
                    Some(_) => {
                        return Err(type_error(
                            "The fill character must be exactly one character long",
                        ));
                    }
                    None => ' ',
                };
                let n = char_len(&s);
                if width <= n {
                    return Ok(Val::str(&s));
                }
                let pad = width - n;
                let f = |k: usize| fill.to_string().repeat(k);
                let out = match name {
                    "ljust" => format!("{s}{}", f(pad)),
                    "rjust" => format!("{}{s}", f(pad)),
                    "zfill" => {
                        let (sign, body) = match s.chars().next() {
                            Some(c @ ('+' | '-')) => (c.to_string(), s[1..].to_string()),
                            _ => (String::new(), s.to_string()),
                        };
                        format!("{sign}{}{body}", "0".repeat(pad))
                    }
                    _ => {
                        // CPython centres with the extra fill on the right unless both are odd.
                        let left = pad / 2 + (pad & width & 1);
                        format!("{}{s}{}", f(left), f(pad - left))
                    }
                };
                Ok(Val::str(&out))
            }
            "encode" => {
                if sh.is_some() {
                    self.concretise("encode");
                }
                Ok(Val::Bytes(Rc::from(s.as_bytes().to_vec())))
            }
            "format" => {
                if sh.is_some() || a.pos.iter().any(Val::is_symbolic) {
                    self.concretise("str.format");
                }
                let text = self.str_format(&s, &a.pos, &a.kw)?;
                Ok(Val::str(&text))
            }
            "translate" => {
                a.check(1, 1)?;
                if sh.is_some() {
                    self.concretise("translate");
                }
                let table = a.pos[0].clone();
                let mut out = String::new();
                for c in s.chars() {
                    let key = Val::int(i64::from(u32::from(c)));
                    let mapped = match &table {
                        Val::Dict(_) => {
                            if self.dict_find(&table, &key, site)? {
                                Some(self.get_item(&table, &key, site)?)
                            } else {
                                None
                            }
                        }
                        _ => return Err(unsupported_table()),
                    };
                    match mapped {
                        None => out.push(c),
                        Some(Val::None) => {}
                        Some(Val::Str(x, _)) => out.push_str(&x),
                        Some(Val::Int(i, _)) => out.extend(
                            i.to_i64()
                                .and_then(|i| u32::try_from(i).ok())
                                .and_then(char::from_u32),
                        ),
                        Some(_) => return Err(unsupported_table()),
                    }
                }
                Ok(Val::str(&out))
            }
            _ => Err(exc(
                ExcType::AttributeError,
                format!("'str' object has no attribute '{name}'"),
            )),
        }
    }

    fn sub_range(&mut self, s: &str, start: Option<&Val>, end: Option<&Val>) -> R<String> {
        let n = char_len(s) as i64;
        let norm = |v: i64| if v < 0 { (v + n).max(0) } else { v.min(n) };
        let a = match start {
            Some(Val::None) | None => 0,
            Some(v) => norm(self.int_arg(v, "str")?.to_i64().unwrap_or(0)),
        };
        let b = match end {
            Some(Val::None) | None => n,
            Some(v) => norm(self.int_arg(v, "str")?.to_i64().unwrap_or(n)),
        };
        Ok(s.chars()
            .skip(a as usize)
            .take((b - a).max(0) as usize)
            .collect())
    }

    fn split(
        &mut self,
        s: &Rc<str>,
        sh: Option<&Term>,
        sep: &Val,
        maxsplit: i64,
        from_right: bool,
        site: SiteId,
    ) -> R<Val> {
        let chars: Vec<char> = s.chars().collect();
        let n = chars.len();
        // Concrete pieces as (start, end) positions.
        let (pieces, sep_char): (Vec<(usize, usize)>, Option<char>) = match sep {
            Val::None => (whitespace_pieces(&chars, maxsplit, from_right), None),
            Val::Str(p, pt) => {
                if p.is_empty() {
                    return Err(value_error("empty separator"));
                }
                if pt.is_some() {
                    self.concretise("split on a symbolic separator");
                    return Ok(Val::list(s.split(&**p).map(Val::str).collect()));
                }
                let pc: Vec<char> = p.chars().collect();
                let pieces = sep_pieces(&chars, &pc, maxsplit, from_right);
                (pieces, (pc.len() == 1).then_some(pc[0]))
            }
            other => {
                return Err(type_error(format!(
                    "must be str or None, not {}",
                    other.type_name()
                )));
            }
        };
        let concrete: Vec<String> = pieces
            .iter()
            .map(|(a, b)| chars[*a..*b].iter().collect())
            .collect();
        let modelable = sh.is_some()
            && is_ascii_cased_model(s)
            && n <= MAX_CHARWISE
            && (matches!(sep, Val::None) || sep_char.is_some())
            && maxsplit < 0;
        let Some(t) = sh.filter(|_| modelable) else {
            if sh.is_some() {
                self.concretise("split");
            }
            return Ok(Val::list(concrete.iter().map(|x| Val::str(x)).collect()));
        };
        let Some(cs) = self.char_terms(s, t) else {
            return Ok(Val::list(concrete.iter().map(|x| Val::str(x)).collect()));
        };
        // Which characters separate is the shape of the result: each one a decision.
        for (i, c) in cs.iter().enumerate() {
            let (is_sep, cond) = match sep_char {
                None => (
                    in_class(chars[i], Class::Space),
                    class_term(c, Class::Space),
                ),
                Some(x) => (chars[i] == x, c.equal(&Term::string(&x.to_string()))),
            };
            self.decide(site, Some(&cond), is_sep);
        }
        let items = pieces
            .iter()
            .zip(concrete)
            .map(|((a, b), text)| {
                let shadow = t.str_substr(&Term::int(*a as i64), &Term::int((b - a) as i64));
                s_val(text, Some(shadow))
            })
            .collect();
        Ok(Val::list(items))
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
                let end = chars[i..]
                    .iter()
                    .position(|c| *c == '}')
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
                let v = if name.is_empty() {
                    let v = pos.get(auto).cloned().ok_or_else(|| {
                        exc(
                            ExcType::IndexError,
                            "Replacement index out of range for positional args tuple",
                        )
                    })?;
                    auto += 1;
                    v
                } else if let Ok(k) = name.parse::<usize>() {
                    pos.get(k).cloned().ok_or_else(|| {
                        exc(
                            ExcType::IndexError,
                            "Replacement index out of range for positional args tuple",
                        )
                    })?
                } else {
                    kw.iter()
                        .find(|(n, _)| **n == *name)
                        .map(|(_, v)| v.clone())
                        .ok_or_else(|| exc(ExcType::KeyError, format!("'{name}'")))?
                };
                let v = match conv {
                    Some('r') | Some('a') => Val::str(&super::repr::repr(&v)),
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

fn unsupported_table() -> super::Flow {
    super::unsupported("translate with a non-dict table")
}

/// Positions of `sub` in `s` from `start` before `end`, in characters (-1 if absent).
fn find_chars(s: &str, sub: &str, start: i64, end: i64) -> i64 {
    let cs: Vec<char> = s.chars().collect();
    let ps: Vec<char> = sub.chars().collect();
    let n = cs.len() as i64;
    if start > n {
        return -1;
    }
    let end = end.min(n);
    let mut i = start.max(0);
    while i + ps.len() as i64 <= end {
        if cs[i as usize..i as usize + ps.len()] == ps[..] {
            return i;
        }
        i += 1;
    }
    -1
}

fn rfind_chars(s: &str, sub: &str) -> i64 {
    let cs: Vec<char> = s.chars().collect();
    let ps: Vec<char> = sub.chars().collect();
    if ps.len() > cs.len() {
        return -1;
    }
    (0..=cs.len() - ps.len())
        .rev()
        .find(|i| cs[*i..*i + ps.len()] == ps[..])
        .map_or(-1, |i| i as i64)
}

fn count_nonoverlapping(s: &str, sub: &str) -> i64 {
    if sub.is_empty() {
        return char_len(s) as i64 + 1;
    }
    s.matches(sub).count() as i64
}

fn whitespace_pieces(chars: &[char], maxsplit: i64, from_right: bool) -> Vec<(usize, usize)> {
    let ws = |c: char| in_class(c, Class::Space);
    let n = chars.len();
    let mut pieces = Vec::new();
    if !from_right {
        let mut i = 0;
        while i < n {
            while i < n && ws(chars[i]) {
                i += 1;
            }
            if i >= n {
                break;
            }
            if maxsplit >= 0 && pieces.len() as i64 == maxsplit {
                // CPython keeps the remainder's trailing whitespace.
                pieces.push((i, n));
                break;
            }
            let start = i;
            while i < n && !ws(chars[i]) {
                i += 1;
            }
            pieces.push((start, i));
        }
    } else {
        let mut i = n;
        while i > 0 {
            while i > 0 && ws(chars[i - 1]) {
                i -= 1;
            }
            if i == 0 {
                break;
            }
            if maxsplit >= 0 && pieces.len() as i64 == maxsplit {
                // CPython keeps the remainder's leading whitespace.
                pieces.push((0, i));
                break;
            }
            let end = i;
            while i > 0 && !ws(chars[i - 1]) {
                i -= 1;
            }
            pieces.push((i, end));
        }
        pieces.reverse();
    }
    pieces
}

fn sep_pieces(
    chars: &[char],
    sep: &[char],
    maxsplit: i64,
    from_right: bool,
) -> Vec<(usize, usize)> {
    let n = chars.len();
    let k = sep.len();
    let mut cuts: Vec<usize> = Vec::new();
    if !from_right {
        let mut i = 0;
        while i + k <= n {
            if maxsplit >= 0 && cuts.len() as i64 == maxsplit {
                break;
            }
            if chars[i..i + k] == *sep {
                cuts.push(i);
                i += k;
            } else {
                i += 1;
            }
        }
    } else {
        let mut i = n;
        while i >= k {
            if maxsplit >= 0 && cuts.len() as i64 == maxsplit {
                break;
            }
            if chars[i - k..i] == *sep {
                cuts.push(i - k);
                i -= k;
            } else {
                i -= 1;
            }
        }
        cuts.reverse();
    }
    let mut pieces = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for c in cuts {
        pieces.push((start, c));
        start = c + k;
    }
    pieces.push((start, n));
    pieces
}

fn is_title(s: &str) -> bool {
    let mut prev_cased = false;
    let mut any = false;
    for c in s.chars() {
        if c.is_uppercase() {
            if prev_cased {
                return false;
            }
            prev_cased = true;
            any = true;
        } else if c.is_lowercase() {
            if !prev_cased {
                return false;
            }
            prev_cased = true;
            any = true;
        } else {
            prev_cased = false;
        }
    }
    any
}

fn title(s: &str) -> String {
    let mut out = String::new();
    let mut prev_cased = false;
    for c in s.chars() {
        if prev_cased {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        prev_cased = c.is_alphabetic();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_shapes_match_python() {
        let ws = |s: &str, m: i64, r: bool| -> Vec<String> {
            let cs: Vec<char> = s.chars().collect();
            whitespace_pieces(&cs, m, r)
                .into_iter()
                .map(|(a, b)| cs[a..b].iter().collect())
                .collect()
        };
        assert_eq!(ws("  a  b c ", -1, false), ["a", "b", "c"]);
        assert_eq!(ws("  a  b c ", 1, false), ["a", "b c "]);
        assert_eq!(ws("  a  b c ", 1, true), ["  a  b", "c"]);
        assert!(ws("   ", -1, false).is_empty());
        let sp = |s: &str, p: &str, m: i64, r: bool| -> Vec<String> {
            let cs: Vec<char> = s.chars().collect();
            let ps: Vec<char> = p.chars().collect();
            sep_pieces(&cs, &ps, m, r)
                .into_iter()
                .map(|(a, b)| cs[a..b].iter().collect())
                .collect()
        };
        assert_eq!(sp("a,,b", ",", -1, false), ["a", "", "b"]);
        assert_eq!(sp("a,b,c", ",", 1, true), ["a,b", "c"]);
        assert_eq!(sp("", ",", -1, false), [""]);
        assert_eq!(title("hello wORLD 3rd"), "Hello World 3Rd");
        assert!(is_title("Hello World"));
        assert_eq!(find_chars("abcabc", "c", 3, 6), 5);
        assert_eq!(rfind_chars("abcabc", "b"), 4);
    }
}
