//! The character model of symbolic strings: characters are ASCII codes (inputs
//! are printable ASCII), a class is a range of codes, case mapping is
//! arithmetic on them. Methods that look at every character fix the
//! string's length for the rest of the path and then stay exact.

use std::rc::Rc;

use symtest_term::Term;

use super::text::{Class, in_class, is_ascii_cased_model};
use crate::interp::iter::char_len;
use crate::interp::state::{Interp, R, type_error};
use crate::interp::tables::wrong_receiver;
use crate::value::Val;

/// More characters than this and a per-character model is not attempted.
pub(super) const MAX_CHARWISE: usize = 40;

fn code_in(code: &Term, lo: u32, hi: u32) -> Term {
    Term::and([
        code.greater_eq(&Term::int(i64::from(lo))),
        code.less_eq(&Term::int(i64::from(hi))),
    ])
}

/// The class as a condition on a one-character term (ASCII model).
pub(super) fn class_term(ch: &Term, k: Class) -> Term {
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

/// `ch` with ASCII case swapped.
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

/// The text of a `str` receiver and its shadow.
pub(super) fn text_of(recv: &Val) -> R<(Rc<str>, Option<Term>)> {
    match recv {
        Val::Str(s, sh) => Ok((s.clone(), sh.clone())),
        _ => Err(wrong_receiver("str")),
    }
}

/// A string value of `s` with shadow `shadow`.
pub(super) fn s_val(s: String, shadow: Option<Term>) -> Val {
    Val::Str(Rc::from(s.as_str()), shadow)
}

impl Interp<'_> {
    /// The characters of a symbolic string as one-character terms, its
    /// length pinned (unless it is known already); `None` when too long.
    pub(super) fn char_terms(&mut self, s: &str, t: &Term) -> Option<Vec<Term>> {
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

    /// A string argument and its shadow, owned; `TypeError` naming `what`
    /// otherwise.
    pub(super) fn owned_str_arg(&self, v: &Val, what: &str) -> R<(Rc<str>, Option<Term>)> {
        let (s, t) = self.str_arg(v, what)?;
        Ok((s.clone(), t.cloned()))
    }

    /// A string argument and its shadow; `TypeError` naming `what` otherwise.
    pub(super) fn str_arg<'v>(&self, v: &'v Val, what: &str) -> R<(&'v Rc<str>, Option<&'v Term>)> {
        match v {
            Val::Str(s, t) => Ok((s, t.as_ref())),
            other => Err(type_error(format!(
                "{what} must be str, not {}",
                other.type_name()
            ))),
        }
    }

    /// `s.isupper()` and the other class predicates: the concrete answer and,
    /// on a symbolic string, a term over its characters.
    pub(super) fn predicate(&mut self, s: &str, sh: Option<&Term>, k: Class) -> Val {
        let n = char_len(s);
        // A cased class holds when some character is in it and none in the
        // other case; any other class when every character is in it.
        let other_case = match k {
            Class::Upper => Some(Class::Lower),
            Class::Lower => Some(Class::Upper),
            _ => None,
        };
        let concrete = match other_case {
            Some(other) => {
                s.chars().any(|c| in_class(c, k)) && !s.chars().any(|c| in_class(c, other))
            }
            None => n > 0 && s.chars().all(|c| in_class(c, k)),
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
        let term = match other_case {
            Some(other) => Term::and([
                Term::or(cs.iter().map(|c| class_term(c, k))),
                Term::and(cs.iter().map(|c| !&class_term(c, other))),
            ]),
            None => {
                if cs.is_empty() {
                    Term::bool(false)
                } else {
                    Term::and(cs.iter().map(|c| class_term(c, k)))
                }
            }
        };
        Val::Bool(concrete, Some(term))
    }

    /// `lower`, `upper`, `swapcase`, `casefold` or `capitalize` (by `how`) of
    /// `s`, mapped character by character on a shadow.
    pub(super) fn case_map(&mut self, s: &str, sh: Option<&Term>, how: &str) -> Val {
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
}
