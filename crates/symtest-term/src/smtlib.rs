//! SMT-LIB 2 output: a term as an s-expression, and a whole query as a
//! script any SMT solver reads (`declare-const`, `assert`, `check-sat`).

use std::fmt::{self, Write};

use num_bigint::BigInt;
use num_traits::Signed;

use crate::fxhash::FxHashMap;
use crate::lower::lower;
use crate::term::{Op, Term};
use crate::value::{Rounding, Sort, Value};
use crate::visit::{postorder, vars_of};

/// The term as an SMT-LIB s-expression. C and Python division are lowered to
/// Euclidean `div`/`mod`, which is what SMT-LIB means by them. Subterms used
/// more than once are bound with `let`, so the text stays as small as the DAG
/// (a tree print of a shared term can be exponentially larger).
pub fn to_smtlib(t: &Term) -> String {
    let t = lower(t);
    let order = postorder(std::slice::from_ref(&t));
    let mut uses: FxHashMap<u64, u32> = FxHashMap::default();
    for n in &order {
        for a in n.args() {
            *uses.entry(a.id()).or_default() += 1;
        }
    }
    let mut names: FxHashMap<u64, String> = FxHashMap::default();
    let mut out = String::new();
    let mut opened = 0;
    for n in &order {
        let shared = uses.get(&n.id()).copied().unwrap_or(0) > 1;
        if shared && !n.args().is_empty() && *n != t {
            let name = format!("_t{}", names.len());
            let mut body = String::new();
            // Writing to a String cannot fail.
            let _ = write_term(n, &names, &mut body);
            let _ = write!(out, "(let (({name} {body})) ");
            names.insert(n.id(), name);
            opened += 1;
        }
    }
    let _ = write_term(&t, &names, &mut out);
    out.push_str(&")".repeat(opened));
    out
}

/// A complete script asserting every constraint, with a comment naming each
/// variable's source name.
pub fn script(constraints: &[Term]) -> String {
    let mut out = String::from("(set-logic ALL)\n");
    for v in vars_of(constraints) {
        let _ = writeln!(
            out,
            "(declare-const var_{} {}) ; {}",
            v.index,
            sort_name(v.sort),
            v.name
        );
    }
    for c in constraints {
        let _ = writeln!(out, "(assert {})", to_smtlib(c));
    }
    out.push_str("(check-sat)\n(get-model)\n");
    out
}

/// The SMT-LIB name of a sort (`Str` is `String`).
pub fn sort_name(s: Sort) -> &'static str {
    match s {
        Sort::Bool => "Bool",
        Sort::Int => "Int",
        Sort::Real => "Real",
        Sort::Str => "String",
    }
}

fn write_int(i: &BigInt, out: &mut String) -> fmt::Result {
    if i.is_negative() {
        write!(out, "(- {})", i.abs())
    } else {
        write!(out, "{i}")
    }
}

/// An SMT-LIB 2.6 string literal: `""` for a quote; everything outside
/// printable ASCII, and the backslash (which starts escapes), as `\u{..}`.
fn write_string(s: &str, out: &mut String) -> fmt::Result {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\"\""),
            ' '..='~' if c != '\\' => out.push(c),
            c => write!(out, "\\u{{{:x}}}", c as u32)?,
        }
    }
    out.push('"');
    Ok(())
}

fn write_term(t: &Term, names: &FxHashMap<u64, String>, out: &mut String) -> fmt::Result {
    if let Some(name) = names.get(&t.id()) {
        out.push_str(name);
        return Ok(());
    }
    let head = match t.op() {
        Op::Const(Value::Bool(b)) => return write!(out, "{b}"),
        Op::Const(Value::Int(i)) => return write_int(i, out),
        Op::Const(Value::Real(r)) => {
            let (n, d) = (r.numer(), r.denom());
            let neg = n.is_negative();
            if neg {
                out.push_str("(- ");
            }
            if r.is_integer() {
                write!(out, "{}.0", n.abs())?;
            } else {
                write!(out, "(/ {}.0 {}.0)", n.abs(), d)?;
            }
            if neg {
                out.push(')');
            }
            return Ok(());
        }
        Op::Const(Value::Str(s)) => return write_string(s, out),
        Op::StrCharsIn(lo, hi) => {
            out.push_str("(str.in_re ");
            write_term(&t.args()[0], names, out)?;
            out.push_str(" (re.* (re.range ");
            for c in [lo, hi] {
                let ch = char::from_u32(*c).unwrap_or('\u{0}');
                write_string(&ch.to_string(), out)?;
                out.push(if c == lo { ' ' } else { ')' });
            }
            out.push_str("))");
            return Ok(());
        }
        Op::Var(v) => return write!(out, "var_{}", v.index),
        Op::Not => "not",
        Op::And => "and",
        Op::Or => "or",
        Op::Ite => "ite",
        Op::Eq => "=",
        Op::Lt => "<",
        Op::Le => "<=",
        Op::Add => "+",
        Op::Sub | Op::Neg => "-",
        Op::Mul => "*",
        Op::Div => "/",
        Op::IntDiv(Rounding::Euclid) => "div",
        Op::IntMod(Rounding::Euclid) => "mod",
        Op::IntDiv(_) | Op::IntMod(_) => unreachable!("division is lowered before printing"),
        Op::ToReal => "to_real",
        Op::ToInt => "to_int",
        Op::StrLen => "str.len",
        Op::StrAt => "str.at",
        Op::StrConcat => "str.++",
        Op::StrSubstr => "str.substr",
        Op::StrContains => "str.contains",
        Op::StrPrefixOf => "str.prefixof",
        Op::StrSuffixOf => "str.suffixof",
        Op::StrIndexOf => "str.indexof",
        Op::StrLt => "str.<",
        Op::StrLe => "str.<=",
        Op::StrToInt => "str.to_int",
        Op::IntToStr => "str.from_int",
        Op::StrToCode => "str.to_code",
        Op::StrFromCode => "str.from_code",
    };
    write!(out, "({head}")?;
    for a in t.args() {
        out.push(' ');
        write_term(a, names, out)?;
    }
    out.push(')');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::Var;

    #[test]
    fn prints_s_expressions() {
        let a = Term::var(Var::new(0, "a", Sort::Int));
        let t = Term::and([a.less(&Term::int(3)), !&Term::int(4).less(&a)]);
        assert_eq!(to_smtlib(&t), "(and (< var_0 3) (not (< 4 var_0)))");
        assert_eq!(to_smtlib(&a.equal(&Term::int(-2))), "(= var_0 (- 2))");
        let x = Term::var(Var::new(1, "x", Sort::Real));
        let q = x.equal(&(Term::int(1) / Term::int(4)));
        assert_eq!(to_smtlib(&q), "(= var_1 (/ 1.0 4.0))");
        let s = script(&[t]);
        assert!(s.contains("(declare-const var_0 Int) ; a"));
        assert!(s.contains("(check-sat)"));
    }

    #[test]
    fn shared_subterms_are_let_bound() {
        let a = Term::var(Var::new(0, "a", Sort::Int));
        let mut t = a.clone();
        for _ in 0..30 {
            // Each level uses the previous one twice: a tree print would have 2^30 leaves.
            t = t.times(&t).plus(&Term::int(1));
        }
        let s = to_smtlib(&t.equal(&Term::int(5)));
        assert!(s.len() < 10_000, "{} chars", s.len());
        assert!(s.starts_with("(let ((_t0 "), "{s}");
    }

    #[test]
    fn strings_are_escaped() {
        let s = Term::var(Var::new(0, "s", Sort::Str));
        let t = s.equal(&Term::string("a\"b\\c\u{e9}"));
        assert_eq!(to_smtlib(&t), "(= var_0 \"a\"\"b\\u{5c}c\\u{e9}\")");
        assert!(script(&[t]).contains("(declare-const var_0 String) ; s"));
    }

    #[test]
    fn c_division_is_lowered() {
        let a = Term::var(Var::new(0, "a", Sort::Int));
        let t = a
            .int_div(&Term::int(2), Rounding::Trunc)
            .equal(&Term::int(1));
        let s = to_smtlib(&t);
        assert!(s.contains("div"), "{s}");
        assert!(!s.contains('/'), "{s}");
    }
}
