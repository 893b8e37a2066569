//! `str`. Characters are modelled in ASCII (inputs are kept to printable
//! ASCII): see `shadow.rs`. Where a method's result has a shape (where
//! `split` cuts, whether `find` finds), the shape is a decision, so other
//! shapes get explored; the rest run concretely and say so.

mod search;
mod shadow;
mod split;
mod text;

use std::rc::Rc;

use crate::interp::args::Args;
use crate::interp::iter::char_len;
use crate::interp::state::{Interp, R, type_error, unsupported};
use crate::interp::tables::Member::Method;
use crate::interp::tables::PyType;
use crate::interp::tables::table;
use crate::sites::SiteId;
use crate::value::Val;
use shadow::text_of;
use text::{Class, is_title, title};

/// `str`'s methods.
pub(crate) static TYPE: PyType = PyType {
    label: "str method",
    members: table![
        Method;
        "capitalize" => Method(|it, r, a, _| case(it, r, &a, "capitalize")),
        "casefold" => Method(|it, r, a, _| case(it, r, &a, "casefold")),
        "center" => Method(|it, r, a, _| pad(it, r, &a, "center")),
        "count" => Method(search::count),
        encode,
        "endswith" => Method(|it, r, a, _| search::affix(it, r, &a, false)),
        "find" => Method(|it, r, a, site| search::find(it, r, &a, site, false)),
        format,
        "index" => Method(|it, r, a, site| search::find(it, r, &a, site, true)),
        "isalnum" => Method(|it, r, a, _| class_test(it, r, &a, Class::Alnum)),
        "isalpha" => Method(|it, r, a, _| class_test(it, r, &a, Class::Alpha)),
        isascii,
        "isdecimal" => Method(|it, r, a, _| class_test(it, r, &a, Class::Digit)),
        "isdigit" => Method(|it, r, a, _| class_test(it, r, &a, Class::Digit)),
        "islower" => Method(|it, r, a, _| class_test(it, r, &a, Class::Lower)),
        "isnumeric" => Method(|it, r, a, _| class_test(it, r, &a, Class::Digit)),
        "isspace" => Method(|it, r, a, _| class_test(it, r, &a, Class::Space)),
        istitle,
        "isupper" => Method(|it, r, a, _| class_test(it, r, &a, Class::Upper)),
        join,
        "ljust" => Method(|it, r, a, _| pad(it, r, &a, "ljust")),
        "lower" => Method(|it, r, a, _| case(it, r, &a, "lower")),
        "lstrip" => Method(|it, r, a, site| split::strip(it, r, &a, site, true, false)),
        "partition" => Method(search::partition),
        "removeprefix" => Method(|it, r, a, site| search::remove_affix(it, r, &a, site, true)),
        "removesuffix" => Method(|it, r, a, site| search::remove_affix(it, r, &a, site, false)),
        "replace" => Method(search::replace),
        "rfind" => Method(|it, r, a, _| search::rfind(it, r, &a, false)),
        "rindex" => Method(|it, r, a, _| search::rfind(it, r, &a, true)),
        "rjust" => Method(|it, r, a, _| pad(it, r, &a, "rjust")),
        "rpartition" => Method(search::rpartition),
        "rsplit" => Method(|it, r, a, site| split::split(it, r, a, site, true)),
        "rstrip" => Method(|it, r, a, site| split::strip(it, r, &a, site, false, true)),
        "split" => Method(|it, r, a, site| split::split(it, r, a, site, false)),
        "splitlines" => Method(split::splitlines),
        "startswith" => Method(|it, r, a, _| search::affix(it, r, &a, true)),
        "strip" => Method(|it, r, a, site| split::strip(it, r, &a, site, true, true)),
        "swapcase" => Method(|it, r, a, _| case(it, r, &a, "swapcase")),
        "title" => Method(title_case),
        translate,
        "upper" => Method(|it, r, a, _| case(it, r, &a, "upper")),
        "zfill" => Method(|it, r, a, _| pad(it, r, &a, "zfill")),
    ],
    base: None,
};

/// A class predicate (`isupper` ...): a term over the characters of a shadow.
fn class_test(it: &mut Interp<'_>, recv: &Val, a: &Args, k: Class) -> R<Val> {
    a.check(0, 0)?;
    let (s, sh) = text_of(recv)?;
    Ok(it.predicate(&s, sh.as_ref(), k))
}

/// The text of a receiver, its shadow (if any) dropped as a
/// concretisation of `what`.
fn concrete_text(it: &mut Interp<'_>, recv: &Val, what: &str) -> R<Rc<str>> {
    let (s, sh) = text_of(recv)?;
    if sh.is_some() {
        it.concretise(what);
    }
    Ok(s)
}

fn isascii(it: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 0)?;
    let s = concrete_text(it, recv, "isascii")?;
    Ok(Val::bool(s.is_ascii()))
}

fn istitle(it: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 0)?;
    let s = concrete_text(it, recv, "istitle")?;
    Ok(Val::bool(is_title(&s)))
}

/// A case mapping (`lower` ...), character by character on a shadow.
fn case(it: &mut Interp<'_>, recv: &Val, a: &Args, how: &str) -> R<Val> {
    a.check(0, 0)?;
    let (s, sh) = text_of(recv)?;
    Ok(it.case_map(&s, sh.as_ref(), how))
}

fn title_case(it: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 0)?;
    let s = concrete_text(it, recv, "title")?;
    Ok(Val::str(&title(&s)))
}

/// `center`, `ljust`, `rjust` or `zfill` (by `how`), concretely.
fn pad(it: &mut Interp<'_>, recv: &Val, a: &Args, how: &'static str) -> R<Val> {
    a.check(1, 2)?;
    let (s, sh) = text_of(recv)?;
    if sh.is_some() || a.pos[0].is_symbolic() {
        it.concretise("padding");
    }
    let width = it.int_arg(&a.pos[0], how)?.to_i64().unwrap_or(0).max(0) as usize;
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
    let out = match how {
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

/// `encode()`: UTF-8 bytes (the codec argument is not looked at).
fn encode(it: &mut Interp<'_>, recv: &Val, _: Args, _: SiteId) -> R<Val> {
    let s = concrete_text(it, recv, "encode")?;
    Ok(Val::Bytes(Rc::from(s.as_bytes().to_vec())))
}

fn format(it: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    let (s, sh) = text_of(recv)?;
    if sh.is_some() || a.pos.iter().any(Val::is_symbolic) {
        it.concretise("str.format");
    }
    let text = it.str_format(&s, &a.pos, &a.kw)?;
    Ok(Val::str(&text))
}

/// `translate(table)` with a dict table, concretely.
fn translate(it: &mut Interp<'_>, recv: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(1, 1)?;
    let s = concrete_text(it, recv, "translate")?;
    let table = a.pos[0].clone();
    let unsupported_table = || unsupported("translate with a non-dict table");
    let mut out = String::new();
    for c in s.chars() {
        let key = Val::int(i64::from(u32::from(c)));
        let mapped = match &table {
            Val::Dict(_) => {
                if it.dict_find(&table, &key, site)? {
                    Some(it.get_item(&table, &key, site)?)
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

/// `sep.join(items)`: the pieces concatenated, shadows kept.
fn join(it: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(1, 1)?;
    let (s, sh) = text_of(recv)?;
    let items = it.collect(&a.pos[0].clone())?;
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
    Ok(it.concat_strs(pieces))
}
