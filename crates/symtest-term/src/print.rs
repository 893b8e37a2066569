//! Infix printing in Gymbo's style: `var_0+1==10`, `(var_0<3)&&!(4<var_0)`.
//!
//! Parentheses appear only where C precedence needs them. Variables print as
//! `var_<index>` (Gymbo's naming) or, with [`Term::named`], by their names.

use std::fmt;

use crate::term::{Op, Term};
use crate::value::{Rounding, Value};

/// Precedence levels, loosest first (C's order).
const OR: u8 = 1;
const AND: u8 = 2;
const EQUALITY: u8 = 3;
const RELATION: u8 = 4;
const ADDITIVE: u8 = 5;
const MULTIPLICATIVE: u8 = 6;
const UNARY: u8 = 7;
const ATOM: u8 = 8;

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Printer { named: false }.term(self, 0, f)
    }
}

/// A term printed with its variables' own names instead of `var_<index>`.
pub struct Named<'a>(&'a Term);

impl fmt::Display for Named<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Printer { named: true }.term(self.0, 0, f)
    }
}

impl Term {
    /// This term for printing with its variables' source names instead of `var_<index>`.
    pub fn named(&self) -> Named<'_> {
        Named(self)
    }
}

#[derive(Clone, Copy)]
struct Printer {
    named: bool,
}

fn precedence(t: &Term) -> u8 {
    match t.op() {
        Op::Or => OR,
        Op::And => AND,
        Op::Eq => EQUALITY,
        Op::Not if *t.args()[0].op() == Op::Eq => EQUALITY,
        Op::Lt | Op::Le | Op::StrLt | Op::StrLe | Op::StrContains => RELATION,
        Op::Add | Op::Sub | Op::StrConcat => ADDITIVE,
        Op::Mul | Op::Div | Op::IntDiv(_) | Op::IntMod(_) => MULTIPLICATIVE,
        Op::Neg | Op::Not => UNARY,
        // Non-terminating rationals print as `(n/d)`: already an atom.
        Op::Const(v) if is_fraction(v) => ATOM,
        Op::Const(v) if is_negative(v) => UNARY,
        _ => ATOM,
    }
}

fn is_fraction(v: &Value) -> bool {
    matches!(v, Value::Real(_)) && v.to_string().contains('/')
}

fn is_negative(v: &Value) -> bool {
    match v {
        Value::Int(i) => i.sign() == num_bigint::Sign::Minus,
        Value::Real(r) => r.numer().sign() == num_bigint::Sign::Minus,
        Value::Bool(_) | Value::Str(_) => false,
    }
}

impl Printer {
    /// Writes `t`, parenthesised when its precedence is below `min`.
    fn term(self, t: &Term, min: u8, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = precedence(t);
        if p < min {
            f.write_str("(")?;
            self.bare(t, p, f)?;
            return f.write_str(")");
        }
        self.bare(t, p, f)
    }

    fn bare(self, t: &Term, p: u8, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let args = t.args();
        match t.op() {
            Op::Const(v) => {
                let s = v.to_string();
                if s.contains('/') {
                    write!(f, "({s})")
                } else {
                    f.write_str(&s)
                }
            }
            Op::Var(v) if self.named => f.write_str(&v.name),
            Op::Var(v) => write!(f, "var_{}", v.index),
            Op::Not if *args[0].op() == Op::Eq => {
                let inner = &args[0].args();
                self.infix(&inner[0], "!=", &inner[1], p, f)
            }
            Op::Not => {
                f.write_str("!(")?;
                self.term(&args[0], 0, f)?;
                f.write_str(")")
            }
            Op::Neg => {
                f.write_str("-")?;
                self.term(&args[0], ATOM, f)
            }
            Op::And => self.nary(args, "&&", p, f),
            Op::Or => self.nary(args, "||", p, f),
            Op::Add => self.nary(args, "+", p, f),
            Op::Mul => self.nary(args, "*", p, f),
            Op::Eq => self.infix(&args[0], "==", &args[1], p, f),
            Op::Lt => self.infix(&args[0], "<", &args[1], p, f),
            Op::Le => self.infix(&args[0], "<=", &args[1], p, f),
            Op::Sub => self.infix(&args[0], "-", &args[1], p, f),
            Op::Div => self.infix(&args[0], "/", &args[1], p, f),
            Op::IntDiv(Rounding::Trunc) => self.infix(&args[0], "/", &args[1], p, f),
            Op::IntDiv(Rounding::Floor) => self.infix(&args[0], "//", &args[1], p, f),
            Op::IntDiv(Rounding::Euclid) => self.call("div", args, f),
            Op::IntMod(Rounding::Euclid) => self.call("mod", args, f),
            Op::IntMod(_) => self.infix(&args[0], "%", &args[1], p, f),
            Op::Ite => self.call("ite", args, f),
            Op::ToReal => self.call("real", args, f),
            Op::ToInt => self.call("floor", args, f),
            Op::StrLen => self.call("len", args, f),
            Op::StrAt => {
                self.term(&args[0], ATOM, f)?;
                f.write_str("[")?;
                self.term(&args[1], 0, f)?;
                f.write_str("]")
            }
            Op::StrConcat => self.nary(args, "+", p, f),
            Op::StrSubstr => self.call("substr", args, f),
            Op::StrContains => self.infix(&args[1], " in ", &args[0], p, f),
            Op::StrPrefixOf => self.method(&args[1], "startswith", &args[..1], f),
            Op::StrSuffixOf => self.method(&args[1], "endswith", &args[..1], f),
            Op::StrIndexOf => self.method(&args[0], "find", &args[1..], f),
            Op::StrLt => self.infix(&args[0], "<", &args[1], p, f),
            Op::StrLe => self.infix(&args[0], "<=", &args[1], p, f),
            Op::StrToInt => self.call("int", args, f),
            Op::IntToStr => self.call("str", args, f),
            Op::StrToCode => self.call("ord", args, f),
            Op::StrFromCode => self.call("chr", args, f),
            Op::StrCharsIn(lo, hi) => {
                f.write_str("chars_in(")?;
                self.term(&args[0], 0, f)?;
                write!(f, ", {lo}, {hi})")
            }
        }
    }

    fn nary(self, args: &[Term], sep: &str, p: u8, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                f.write_str(sep)?;
            }
            // Right operands of arithmetic bind tighter, so `a+(-5)` keeps its parentheses.
            self.term(a, if i == 0 { p } else { right_min(p, a) }, f)?;
        }
        Ok(())
    }

    fn infix(self, l: &Term, op: &str, r: &Term, p: u8, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.term(l, p, f)?;
        f.write_str(op)?;
        self.term(r, right_min(p, r), f)
    }

    fn method(
        self,
        obj: &Term,
        name: &str,
        args: &[Term],
        f: &mut fmt::Formatter<'_>,
    ) -> fmt::Result {
        self.term(obj, ATOM, f)?;
        write!(f, ".")?;
        self.call(name, args, f)
    }

    fn call(self, name: &str, args: &[Term], f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{name}(")?;
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            self.term(a, 0, f)?;
        }
        f.write_str(")")
    }
}

/// The minimum precedence for a right operand of an operator of precedence
/// `p`: one more than `p`, and for arithmetic a leading minus is always
/// parenthesised, so `a-(-5)` never prints as `a--5`.
fn right_min(p: u8, t: &Term) -> u8 {
    let leading_minus = match t.op() {
        Op::Neg => true,
        Op::Const(v) => is_negative(v) && !is_fraction(v),
        _ => false,
    };
    if leading_minus && p >= ADDITIVE {
        ATOM + 1
    } else {
        p + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::Var;
    use crate::value::Sort;

    #[test]
    fn prints_like_gymbo() {
        let a = Term::var(Var::new(0, "a", Sort::Int));
        let b = Term::var(Var::new(1, "b", Sort::Int));
        assert_eq!(a.less(&Term::int(3)).to_string(), "var_0<3");
        assert_eq!(a.greater(&Term::int(4)).to_string(), "4<var_0");
        let t = a
            .plus(&Term::int(1))
            .times(&Term::int(2))
            .equal(&Term::int(10));
        assert_eq!(t.to_string(), "2*(var_0+1)==10");
        assert_eq!(a.distinct(&b).to_string(), "var_0!=var_1");
        let c = Term::and([
            a.less(&b),
            Term::or([a.equal(&Term::int(1)), b.less(&Term::int(0))]),
        ]);
        assert_eq!(c.to_string(), "var_0<var_1&&(var_0==1||var_1<0)");
        assert_eq!(a.minus(&Term::int(-5)).to_string(), "var_0-(-5)");
        assert_eq!(a.minus(&b.minus(&a)).to_string(), "var_0-(var_1-var_0)");
        assert_eq!(c.named().to_string(), "a<b&&(a==1||b<0)");
        assert_eq!((!&a.less(&Term::int(3))).to_string(), "!(var_0<3)");
        let s = Term::var(Var::new(2, "s", Sort::Str));
        assert_eq!(
            s.str_at(&Term::int(0))
                .equal(&Term::string("("))
                .to_string(),
            "var_2[0]=='('"
        );
        assert_eq!(
            s.str_contains(&Term::string("ab")).named().to_string(),
            "'ab' in s"
        );
        assert_eq!(
            s.str_len().greater(&Term::int(3)).named().to_string(),
            "3<len(s)"
        );
    }
}
