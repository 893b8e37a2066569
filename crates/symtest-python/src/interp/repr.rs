//! `repr()` and `str()`, and the conversion of results to plain Python values.

use std::rc::Rc;

use symtest_pyvalue::{PyValue, float_repr, str_repr};
use symtest_term::Term;

use super::state::{Flow, Interp, R};
use crate::builtins::ExcType;
use crate::sites::{PIN_SITE, SiteId};
use crate::value::{DictFlavor, ExcObj, Opaque, Val};

const MAX_DEPTH: usize = 200;

/// Python's `repr` of a value (functions and other objects in CPython's
/// shape, without addresses).
pub fn repr(v: &Val) -> String {
    let mut out = String::new();
    write_repr(v, &mut out, 0);
    out
}

/// `items` in parentheses; one item closes with `one_close` (`,)` for a
/// tuple, `)` for an exception's arguments).
fn write_parenthesised(items: &[Val], one_close: &str, out: &mut String, depth: usize) {
    if let [only] = items {
        out.push('(');
        write_repr(only, out, depth + 1);
        out.push_str(one_close);
    } else {
        write_seq(items, "(", ")", out, depth);
    }
}

fn write_seq(items: &[Val], open: &str, close: &str, out: &mut String, depth: usize) {
    out.push_str(open);
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_repr(x, out, depth + 1);
    }
    out.push_str(close);
}

fn write_repr(v: &Val, out: &mut String, depth: usize) {
    if depth > MAX_DEPTH {
        out.push_str("...");
        return;
    }
    match v {
        Val::None => out.push_str("None"),
        Val::Bool(b, _) => out.push_str(if *b { "True" } else { "False" }),
        Val::Int(i, _) => out.push_str(&i.to_string()),
        Val::Float(f, _) => out.push_str(&float_repr(*f)),
        Val::Str(s, _) => out.push_str(&str_repr(s)),
        Val::Bytes(b) => out.push_str(&PyValue::Bytes(b.to_vec()).repr()),
        Val::List(l) => {
            let l = l.borrow();
            if l.deque {
                write_seq(&l.items, "deque([", "])", out, depth);
            } else {
                write_seq(&l.items, "[", "]", out, depth);
            }
        }
        Val::Tuple(t) => {
            write_parenthesised(&t.items, ",)", out, depth);
        }
        Val::Dict(d) => {
            let d = d.borrow();
            let (open, close) = match &d.flavor {
                DictFlavor::Plain => ("{".to_string(), "}"),
                DictFlavor::Counter => ("Counter({".to_string(), "})"),
                DictFlavor::Default(f) => (format!("defaultdict({}, {{", repr(f)), "})"),
            };
            if matches!(d.flavor, DictFlavor::Counter) && d.live == 0 {
                out.push_str("Counter()");
                return;
            }
            out.push_str(&open);
            for (i, (k, x)) in d.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(k, out, depth + 1);
                out.push_str(": ");
                write_repr(x, out, depth + 1);
            }
            out.push_str(close);
        }
        Val::Set(s) => {
            let s = s.borrow();
            let items: Vec<Val> = s.iter().cloned().collect();
            match (s.frozen, items.is_empty()) {
                (false, true) => out.push_str("set()"),
                (true, true) => out.push_str("frozenset()"),
                (false, false) => write_seq(&items, "{", "}", out, depth),
                (true, false) => write_seq(&items, "frozenset({", "})", out, depth),
            }
        }
        Val::Range(r) => {
            if r.step == crate::int::PyInt::Small(1) {
                out.push_str(&format!("range({}, {})", r.start, r.stop));
            } else {
                out.push_str(&format!("range({}, {}, {})", r.start, r.stop, r.step));
            }
        }
        Val::Slice(p) => {
            out.push_str("slice(");
            write_seq(&p[..], "", "", out, depth);
            out.push(')');
        }
        Val::Func(c) => out.push_str(&format!("<function {}>", c.def.name)),
        Val::Builtin(b) => {
            if is_type(*b) {
                out.push_str(&format!("<class '{b}'>"));
            } else {
                out.push_str(&format!("<built-in function {b}>"));
            }
        }
        Val::Method(m) => out.push_str(&format!("<built-in method {}>", m.1)),
        Val::Iter(_) => out.push_str("<iterator>"),
        Val::Module(m) => out.push_str(&format!("<module '{}'>", m.name())),
        Val::Exc(e) => {
            out.push_str(e.name());
            write_parenthesised(&e.args, ")", out, depth);
        }
        Val::Opaque(o) => match &**o {
            Opaque::Md5(_) => out.push_str("<md5 _hashlib.HASH object>"),
            Opaque::Match { text, span, .. } => out.push_str(&format!(
                "<re.Match object; span=({}, {}), match={}>",
                span.0,
                span.1,
                str_repr(text)
            )),
            Opaque::Pattern { pattern, flags } => out.push_str(&pattern_repr(pattern, *flags)),
            Opaque::External(obj) => out.push_str(&format!("<{} object>", obj.type_name)),
            _ => out.push_str("<object>"),
        },
        Val::Ellipsis => out.push_str("Ellipsis"),
    }
}

fn is_type(b: crate::builtins::Builtin) -> bool {
    use crate::builtins::Builtin as B;
    matches!(
        b,
        B::Bool
            | B::Dict
            | B::Float
            | B::FrozenSet
            | B::Int
            | B::List
            | B::Range
            | B::Set
            | B::Str
            | B::Tuple
            | B::Type
            | B::Object
            | B::Bytes
            | B::Exc(_)
    )
}

/// A plain Python value (what crosses to CPython), if `v` is one.
pub fn to_pyvalue(v: &Val) -> Option<PyValue> {
    to_py(v, 0)
}

fn to_py(v: &Val, depth: usize) -> Option<PyValue> {
    if depth > MAX_DEPTH {
        return None;
    }
    let seq = |items: &[Val]| -> Option<Vec<PyValue>> {
        items.iter().map(|x| to_py(x, depth + 1)).collect()
    };
    Some(match v {
        Val::None => PyValue::None,
        Val::Bool(b, _) => PyValue::Bool(*b),
        Val::Int(i, _) => PyValue::Int(i.to_big()),
        Val::Float(f, _) => PyValue::Float(*f),
        Val::Str(s, _) => PyValue::Str(s.to_string()),
        Val::Bytes(b) => PyValue::Bytes(b.to_vec()),
        Val::List(l) => {
            let l = l.borrow();
            if l.deque {
                return None;
            }
            PyValue::List(seq(&l.items)?)
        }
        Val::Tuple(t) => PyValue::Tuple(seq(&t.items)?),
        Val::Dict(d) => {
            let d = d.borrow();
            if !matches!(d.flavor, DictFlavor::Plain) {
                return None;
            }
            let mut kvs = Vec::with_capacity(d.live);
            for (k, x) in d.iter() {
                kvs.push((to_py(k, depth + 1)?, to_py(x, depth + 1)?));
            }
            PyValue::Dict(kvs)
        }
        Val::Set(s) => {
            let s = s.borrow();
            let items: Vec<Val> = s.iter().cloned().collect();
            if s.frozen {
                PyValue::FrozenSet(seq(&items)?)
            } else {
                PyValue::Set(seq(&items)?)
            }
        }
        _ => return None,
    })
}

/// An interpreter value from a plain Python value (no shadows).
pub fn from_pyvalue(p: &PyValue) -> Val {
    use std::cell::RefCell;
    match p {
        PyValue::None => Val::None,
        PyValue::Bool(b) => Val::bool(*b),
        PyValue::Int(i) => Val::Int(crate::int::PyInt::from_big(i.clone()), None),
        PyValue::Float(f) => Val::Float(*f, None),
        PyValue::Complex(..) => Val::Opaque(Rc::new(Opaque::Unsupported("complex".into()))),
        PyValue::SurrogateStr(_) => Val::Opaque(Rc::new(Opaque::Unsupported(
            "a str with lone surrogates".into(),
        ))),
        PyValue::Str(s) => Val::str(s),
        PyValue::Bytes(b) => Val::Bytes(Rc::from(b.clone())),
        PyValue::List(xs) => Val::list(xs.iter().map(from_pyvalue).collect()),
        PyValue::Tuple(xs) => Val::tuple(xs.iter().map(from_pyvalue).collect()),
        PyValue::Dict(kvs) => {
            let mut d = crate::value::DictObj::new(DictFlavor::Plain);
            for (k, x) in kvs {
                let kv = from_pyvalue(k);
                if let Some(key) = crate::value::key_of(&kv) {
                    d.insert(key, kv, from_pyvalue(x));
                }
            }
            Val::Dict(Rc::new(RefCell::new(d)))
        }
        PyValue::Set(xs) | PyValue::FrozenSet(xs) => {
            let mut s = crate::value::SetObj::new(matches!(p, PyValue::FrozenSet(_)));
            for x in xs {
                let v = from_pyvalue(x);
                if let Some(key) = crate::value::key_of(&v) {
                    s.insert(key, v);
                }
            }
            Val::Set(Rc::new(RefCell::new(s)))
        }
    }
}

/// An exception's message as CPython's last traceback line shows it: its one
/// argument as text (a `KeyError`'s key as a repr), several as a tuple, none
/// as nothing.
pub(crate) fn exception_message(e: &ExcObj) -> String {
    match e.args.as_slice() {
        [] => String::new(),
        [Val::Str(s, _)] if e.kind != ExcType::KeyError => s.to_string(),
        [one] => repr(one),
        many => repr(&Val::tuple(many.to_vec())),
    }
}

/// `ValueError: message` (the class alone when there is no message), as
/// CPython's last traceback line reads; a stopped run's reason.
pub(crate) fn describe(f: &Flow) -> String {
    match f {
        Flow::Exc(e) => {
            let msg = exception_message(e);
            if msg.is_empty() {
                e.name().to_string()
            } else {
                format!("{}: {msg}", e.name())
            }
        }
        Flow::Stop(s) => s.clone(),
    }
}

/// A deep copy without shadows (results of concretised computations).
pub(crate) fn strip_shadows(v: &Val) -> Val {
    match to_pyvalue(v) {
        Some(p) => from_pyvalue(&p),
        None => v.clone(),
    }
}

impl Interp<'_> {
    pub(crate) fn repr_of(&mut self, v: &Val) -> R<String> {
        Ok(repr(v))
    }

    /// `str(v)`, keeping a shadow where the conversion can be modelled.
    pub(crate) fn str_of(&mut self, v: &Val) -> R<Val> {
        self.str_of_at(v, PIN_SITE)
    }

    pub(crate) fn str_of_at(&mut self, v: &Val, site: SiteId) -> R<Val> {
        Ok(match v {
            Val::Str(..) => v.clone(),
            Val::Int(i, Some(t)) => {
                let nonneg = !i.is_negative();
                self.decide(site, Some(&t.greater_eq(&Term::int(0))), nonneg);
                let magnitude = if nonneg { t.clone() } else { t.negated() };
                // Numbers of up to 18 digits (every input and nearly every
                // value computed from one) get the short form, whose digits
                // are arithmetic; the path assumes the number stays that short.
                let limit = symtest_term::BigInt::from(10u8).pow(symtest_term::DIGIT_CASES);
                let digits = if i.abs().to_big() < limit {
                    let fits = magnitude.less(&Term::int(limit));
                    if !fits.is_const() {
                        self.tracer.assume(PIN_SITE, &fits, true);
                    }
                    Term::short_int_to_str(&magnitude)
                } else {
                    magnitude.int_to_str()
                };
                let shadow = if nonneg {
                    digits
                } else {
                    symtest_term::concat([Term::string("-"), digits])
                };
                Val::Str(Rc::from(i.to_string().as_str()), Some(shadow))
            }
            Val::Bool(b, Some(t)) => Val::Str(
                Rc::from(if *b { "True" } else { "False" }),
                Some(Term::ite(t, &Term::string("True"), &Term::string("False"))),
            ),
            Val::Float(_, Some(_)) => {
                self.concretise("str() of a symbolic float");
                Val::str(&repr(v))
            }
            Val::Exc(e) => match e.args.as_slice() {
                [] => Val::str(""),
                [one] => {
                    if e.kind == ExcType::KeyError {
                        Val::str(&repr(one))
                    } else {
                        self.str_of_at(one, site)?
                    }
                }
                many => Val::str(&repr(&Val::tuple(many.to_vec()))),
            },
            other => Val::str(&repr(other)),
        })
    }
}

/// The repr of a `re.Pattern`: `re.compile('a', re.IGNORECASE)` (the
/// flags `RegexFlag` prints, `re.UNICODE` left out as CPython does).
fn pattern_repr(pattern: &str, flags: i64) -> String {
    const NAMES: &[(i64, &str)] = &[
        (2, "re.IGNORECASE"),
        (8, "re.MULTILINE"),
        (16, "re.DOTALL"),
        (64, "re.VERBOSE"),
        (256, "re.ASCII"),
    ];
    let names: Vec<&str> = NAMES
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, n)| *n)
        .collect();
    let p = str_repr(pattern);
    if names.is_empty() {
        format!("re.compile({p})")
    } else {
        format!("re.compile({p}, {})", names.join("|"))
    }
}
