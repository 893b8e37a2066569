//! Searching a string: `startswith`/`endswith`, `find`/`index` and their
//! right-hand forms, `count`, `replace`, `removeprefix`/`removesuffix`,
//! `partition`/`rpartition`. Where a result has a shape a branch could
//! depend on (found or not), it is a decision.

use symtest_term::Term;

use super::shadow::{s_val, text_of};
use super::text::{count_nonoverlapping, find_chars, is_ascii_cased_model, rfind_chars};
use crate::int::PyInt;
use crate::interp::answer::{any_of, str_terms};
use crate::interp::args::Args;
use crate::interp::iter::char_len;
use crate::interp::state::{Interp, R, value_error};
use crate::sites::SiteId;
use crate::value::Val;

/// `startswith` (`prefix`) or `endswith`, of one string or a tuple of them,
/// within optional bounds (concretely).
pub(super) fn affix(it: &mut Interp<'_>, recv: &Val, a: &Args, prefix: bool) -> R<Val> {
    a.check(1, 3)?;
    let (s, sh) = text_of(recv)?;
    if a.pos.len() > 1 {
        if sh.is_some() {
            it.concretise("startswith/endswith with bounds");
        }
        let sub = sub_range(it, &s, a.get(1), a.get(2))?;
        return affix_test(it, &sub, None, &a.pos[0], prefix);
    }
    affix_test(it, &s, sh.as_ref(), &a.pos[0], prefix)
}

fn affix_test(it: &mut Interp<'_>, s: &str, sh: Option<&Term>, what: &Val, prefix: bool) -> R<Val> {
    let candidates: Vec<Val> = match what {
        Val::Tuple(t) => t.items.clone(),
        other => vec![other.clone()],
    };
    let mut parts = Vec::new();
    for c in &candidates {
        let (p, pt) = it.str_arg(c, "startswith arg")?;
        let concrete = if prefix {
            s.starts_with(&**p)
        } else {
            s.ends_with(&**p)
        };
        let term = str_terms(s, sh, p, pt).map(|(st, ptt)| {
            if prefix {
                st.str_starts_with(&ptt)
            } else {
                st.str_ends_with(&ptt)
            }
        });
        parts.push((concrete, term));
    }
    let (value, term) = any_of(parts);
    Ok(Val::Bool(value, term))
}

/// `find` (-1 when absent) or `index` (`ValueError`: a decision when the
/// position has a term), with an optional start and end.
pub(super) fn find(it: &mut Interp<'_>, recv: &Val, a: &Args, site: SiteId, index: bool) -> R<Val> {
    a.check(1, 3)?;
    let (s, sh) = text_of(recv)?;
    let (sub, subt) = it.owned_str_arg(&a.pos[0], "find arg")?;
    let n = char_len(&s) as i64;
    let start = match a.get(1) {
        None | Some(Val::None) => 0,
        Some(v) => {
            if v.is_symbolic() {
                it.pin_value(site, v);
            }
            let i = it.int_arg(v, "find")?.to_i64().unwrap_or(0);
            if i < 0 { (i + n).max(0) } else { i }
        }
    };
    if a.get(2).is_some() {
        if sh.is_some() {
            it.concretise("find with an end bound");
        }
        let end = it.int_arg(a.arg(2)?, "find")?.to_i64().unwrap_or(n);
        let end = if end < 0 {
            (end + n).max(0)
        } else {
            end.min(n)
        };
        let found = find_chars(&s, &sub, start, end);
        if index && found < 0 {
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
    if index {
        if let Some(t) = &term {
            it.decide(site, Some(&t.greater_eq(&Term::int(0))), found >= 0);
        }
        if found < 0 {
            return Err(value_error("substring not found"));
        }
    }
    Ok(Val::Int(PyInt::Small(found), term))
}

/// `rfind` / `rindex`, concretely (bounds are not looked at).
pub(super) fn rfind(it: &mut Interp<'_>, recv: &Val, a: &Args, index: bool) -> R<Val> {
    a.check(1, 3)?;
    let (s, sh) = text_of(recv)?;
    if sh.is_some() || a.pos[0].is_symbolic() {
        it.concretise("rfind");
    }
    let (sub, _) = it.str_arg(&a.pos[0], "rfind arg")?;
    let found = rfind_chars(&s, sub);
    if index && found < 0 {
        return Err(value_error("substring not found"));
    }
    Ok(Val::int(found))
}

/// `count(sub[, start[, end]])`: a sum over the characters when `sub` is one
/// known character, else concrete.
pub(super) fn count(it: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(1, 3)?;
    let (s, sh) = text_of(recv)?;
    let (sub, subt) = it.owned_str_arg(&a.pos[0], "count arg")?;
    if a.pos.len() > 1 {
        if sh.is_some() {
            it.concretise("count with bounds");
        }
        let t = sub_range(it, &s, a.get(1), a.get(2))?;
        return Ok(Val::int(count_nonoverlapping(&t, &sub)));
    }
    let concrete = count_nonoverlapping(&s, &sub);
    let symbolic = sh.is_some() || subt.is_some();
    if !symbolic {
        return Ok(Val::int(concrete));
    }
    if char_len(&sub) == 1 && subt.is_none() && is_ascii_cased_model(&s) {
        let st = sh.clone().unwrap_or_else(|| Term::string(&s));
        if let Some(cs) = it.char_terms(&s, &st) {
            let one = Term::string(&sub);
            let term = symtest_term::sum(
                cs.iter()
                    .map(|c| Term::ite(&c.equal(&one), &Term::int(1), &Term::int(0))),
            );
            return Ok(Val::Int(PyInt::from(concrete), Some(term)));
        }
    }
    it.concretise("count of a symbolic substring");
    Ok(Val::int(concrete))
}

/// `replace(old, new[, count])`: character by character when `old` is one
/// known character and every occurrence goes, else concrete.
pub(super) fn replace(it: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(2, 3)?;
    let (s, sh) = text_of(recv)?;
    let (old, oldt) = it.owned_str_arg(&a.pos[0], "replace arg 1")?;
    let (new, newt) = it.owned_str_arg(&a.pos[1], "replace arg 2")?;
    let limit = match a.get(2) {
        Some(v) => it.int_arg(v, "replace")?.to_i64().unwrap_or(-1),
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
        if let Some(cs) = it.char_terms(&s, &st) {
            let o = Term::string(&old);
            let nt = newt.unwrap_or_else(|| Term::string(&new));
            let term = symtest_term::concat(cs.iter().map(|c| Term::ite(&c.equal(&o), &nt, c)));
            return Ok(s_val(concrete, Some(term)));
        }
    }
    it.concretise("replace of a symbolic or multi-character substring");
    Ok(Val::str(&concrete))
}

/// `removeprefix` (`prefix`) or `removesuffix`: whether it was there is a
/// decision on a shadow.
pub(super) fn remove_affix(
    it: &mut Interp<'_>,
    recv: &Val,
    a: &Args,
    site: SiteId,
    prefix: bool,
) -> R<Val> {
    a.check(1, 1)?;
    let (s, sh) = text_of(recv)?;
    let (p, pt) = it.owned_str_arg(&a.pos[0], "removeprefix arg")?;
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
    it.decide(site, Some(&cond), has);
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

/// `partition(sep)`: where it cuts is a decision on a shadow.
pub(super) fn partition(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(1, 1)?;
    let (s, sh) = text_of(recv)?;
    let (sep, sept) = it.owned_str_arg(&a.pos[0], "partition arg")?;
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
            it.decide(site, Some(&idx.greater_eq(&Term::int(0))), found >= 0);
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

/// `rpartition(sep)`, concretely.
pub(super) fn rpartition(it: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(1, 1)?;
    let (s, sh) = text_of(recv)?;
    if sh.is_some() {
        it.concretise("rpartition");
    }
    let (sep, _) = it.str_arg(&a.pos[0], "rpartition arg")?;
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

/// The characters of `s` between optional `start` and `end` (Python's slice
/// rules for negative and outlying bounds).
fn sub_range(it: &mut Interp<'_>, s: &str, start: Option<&Val>, end: Option<&Val>) -> R<String> {
    let n = char_len(s) as i64;
    let norm = |v: i64| if v < 0 { (v + n).max(0) } else { v.min(n) };
    let a = match start {
        Some(Val::None) | None => 0,
        Some(v) => norm(it.int_arg(v, "str")?.to_i64().unwrap_or(0)),
    };
    let b = match end {
        Some(Val::None) | None => n,
        Some(v) => norm(it.int_arg(v, "str")?.to_i64().unwrap_or(n)),
    };
    Ok(s.chars()
        .skip(a as usize)
        .take((b - a).max(0) as usize)
        .collect())
}
