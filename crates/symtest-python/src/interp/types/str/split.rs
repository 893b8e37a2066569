//! Cutting a string: `strip` and its one-sided forms, `split`/`rsplit`,
//! `splitlines`. Where the cuts fall is the shape of the result, so on a
//! shadow each character that could cut is a decision.

use std::rc::Rc;

use symtest_term::Term;

use super::shadow::{MAX_CHARWISE, class_term, s_val, text_of};
use super::text::{Class, in_class, is_ascii_cased_model, sep_pieces, whitespace_pieces};
use crate::interp::args::Args;
use crate::interp::state::{Interp, R, type_error, value_error};
use crate::sites::SiteId;
use crate::value::Val;

/// Strips white space (or the given characters) from the `left` and/or
/// `right` end.
pub(super) fn strip(
    it: &mut Interp<'_>,
    recv: &Val,
    a: &Args,
    site: SiteId,
    left: bool,
    right: bool,
) -> R<Val> {
    let (s, sh) = text_of(recv)?;
    a.check(0, 1)?;
    let chars: Option<Vec<char>> = match a.get(0) {
        None | Some(Val::None) => None,
        Some(v) => {
            if v.is_symbolic() {
                it.concretise("strip with symbolic characters");
            }
            let (x, _) = it.str_arg(v, "strip arg")?;
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
    if left {
        while lo < n && is_strip(cs[lo]) {
            lo += 1;
        }
    }
    let mut hi = n;
    if right {
        while hi > lo && is_strip(cs[hi - 1]) {
            hi -= 1;
        }
    }
    let concrete: String = cs[lo..hi].iter().collect();
    if chars
        .as_ref()
        .is_none_or(|set| set.iter().all(|c| c.is_whitespace()))
        && let Some(v) = it.stdin_strip(recv, &concrete)?
    {
        return Ok(v);
    }
    let Some(t) = sh.clone() else {
        return Ok(Val::str(&concrete));
    };
    if !is_ascii_cased_model(&s) {
        it.concretise("strip of non-ASCII text");
        return Ok(Val::str(&concrete));
    }
    let Some(terms) = it.char_terms(&s, &t) else {
        it.concretise("strip of a long string");
        return Ok(Val::str(&concrete));
    };
    let strip_term = |c: &Term| -> Term {
        match &chars {
            None => class_term(c, Class::Space),
            Some(set) => Term::or(set.iter().map(|x| c.equal(&Term::string(&x.to_string())))),
        }
    };
    // Where the kept part starts and ends are decisions.
    if left {
        for (i, c) in terms.iter().enumerate().take((lo + 1).min(n)) {
            it.decide(site, Some(&strip_term(c)), i < lo);
        }
    }
    if right && hi > lo {
        for i in (hi - 1..n).rev() {
            it.decide(site, Some(&strip_term(&terms[i])), i >= hi);
        }
    }
    let shadow = t.str_substr(&Term::int(lo as i64), &Term::int((hi - lo) as i64));
    Ok(s_val(concrete, Some(shadow)))
}

/// `split(sep=None, maxsplit=-1)` from the left or the right.
pub(super) fn split(
    it: &mut Interp<'_>,
    recv: &Val,
    mut a: Args,
    site: SiteId,
    from_right: bool,
) -> R<Val> {
    let (s, sh) = text_of(recv)?;
    let sep_kw = a.kw("sep");
    let max_kw = a.kw("maxsplit");
    a.check(0, 2)?;
    let sep = sep_kw.or_else(|| a.get(0).cloned()).unwrap_or(Val::None);
    let maxsplit = match max_kw.or_else(|| a.get(1).cloned()) {
        Some(v) => it.int_arg(&v, "split")?.to_i64().unwrap_or(-1),
        None => -1,
    };
    if matches!(sep, Val::None)
        && maxsplit == -1
        && let Some(v) = it.stdin_split(recv)?
    {
        return Ok(v);
    }
    split_on(it, &s, sh.as_ref(), &sep, maxsplit, from_right, site)
}

fn split_on(
    it: &mut Interp<'_>,
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
                it.concretise("split on a symbolic separator");
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
            it.concretise("split");
        }
        return Ok(Val::list(concrete.iter().map(|x| Val::str(x)).collect()));
    };
    let Some(cs) = it.char_terms(s, t) else {
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
        it.decide(site, Some(&cond), is_sep);
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

/// `splitlines()`: of standard input, its lines as read; else concretely.
pub(super) fn splitlines(it: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 1)?;
    if a.get(0).is_none()
        && let Some(v) = it.stdin_splitlines(recv)?
    {
        return Ok(v);
    }
    let (s, sh) = text_of(recv)?;
    if sh.is_some() {
        it.concretise("splitlines");
    }
    let parts: Vec<Val> = s.lines().map(Val::str).collect();
    Ok(Val::list(parts))
}
