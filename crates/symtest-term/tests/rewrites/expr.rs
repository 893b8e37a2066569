//! Expressions as written, their sorts, and their terms built through the
//! smart constructors.

use num_bigint::BigInt;
use num_rational::BigRational;
use symtest_term::{Rounding, Sort, Term, Var, concat, product, sum};

/// The variables: their index is their position.
pub(crate) const VARS: [(&str, Sort); 7] = [
    ("x", Sort::Int),
    ("y", Sort::Int),
    ("z", Sort::Int),
    ("r", Sort::Real),
    ("s", Sort::Real),
    ("p", Sort::Bool),
    ("q", Sort::Bool),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Functions of one argument: string to Int, or Int to string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fn1 {
    Len,
    StrToInt,
    ToCode,
    FromInt,
    FromCode,
    /// `Term::short_int_to_str`: `str(n)` for at most 18 digits, else `""`.
    ShortStr,
}

/// Functions of two strings, or of a string and an index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fn2 {
    At,
    Contains,
    StartsWith,
    EndsWith,
    Less,
    LessEq,
}

/// An expression as written, before any constructor sees it.
#[derive(Clone, Debug)]
pub(crate) enum Expr {
    Var(usize),
    Int(i64),
    Real(i64, u8),
    Bool(bool),
    Str(&'static str),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Implies(Box<Expr>, Box<Expr>),
    Ite(Box<Expr>, Box<Expr>, Box<Expr>),
    Cmp(Cmp, Box<Expr>, Box<Expr>),
    Truthy(Box<Expr>),
    Numeric(Box<Expr>),
    Sum(Vec<Expr>),
    Minus(Box<Expr>, Box<Expr>),
    Product(Vec<Expr>),
    Neg(Box<Expr>),
    Div(Box<Expr>, Box<Expr>),
    IntDiv(Rounding, Box<Expr>, Box<Expr>),
    IntMod(Rounding, Box<Expr>, Box<Expr>),
    ToReal(Box<Expr>),
    ToInt(Box<Expr>),
    Fn1(Fn1, Box<Expr>),
    Fn2(Fn2, Box<Expr>, Box<Expr>),
    Concat(Vec<Expr>),
    Substr(Box<Expr>, Box<Expr>, Box<Expr>),
    IndexOf(Box<Expr>, Box<Expr>, Box<Expr>),
    CharsIn(Box<Expr>, u32, u32),
}

pub(crate) use Expr as E;

pub(crate) fn bx(e: Expr) -> Box<Expr> {
    Box::new(e)
}

/// The sort of arithmetic on these sorts: Bools read as numbers are Ints,
/// and Int meets Real at Real.
pub(crate) fn arith(sorts: impl IntoIterator<Item = Sort>) -> Sort {
    if sorts.into_iter().any(|s| s == Sort::Real) {
        Sort::Real
    } else {
        Sort::Int
    }
}

/// The sort the constructors give the expression.
pub(crate) fn sort_of(e: &Expr) -> Sort {
    match e {
        E::Var(i) => VARS[*i].1,
        E::Int(_) | E::IntDiv(..) | E::IntMod(..) | E::ToInt(_) | E::IndexOf(..) => Sort::Int,
        E::Real(..) | E::Div(..) | E::ToReal(_) => Sort::Real,
        E::Str(_) | E::Concat(_) | E::Substr(..) | E::Fn2(Fn2::At, ..) => Sort::Str,
        E::Bool(_)
        | E::Not(_)
        | E::And(_)
        | E::Or(_)
        | E::Implies(..)
        | E::Cmp(..)
        | E::Truthy(_)
        | E::Fn2(..)
        | E::CharsIn(..) => Sort::Bool,
        E::Fn1(Fn1::Len | Fn1::StrToInt | Fn1::ToCode, _) => Sort::Int,
        E::Fn1(..) => Sort::Str,
        E::Ite(_, a, b) => match (sort_of(a), sort_of(b)) {
            (x, y) if x == y => x,
            (x, y) => arith([x, y]),
        },
        E::Numeric(a) | E::Neg(a) => arith([sort_of(a)]),
        E::Minus(a, b) => arith([sort_of(a), sort_of(b)]),
        E::Sum(xs) | E::Product(xs) => arith(xs.iter().map(sort_of)),
    }
}

/// Builds the expression through the smart constructors.
pub(crate) fn build(e: &Expr) -> Term {
    let b = |x: &Expr| build(x);
    let all = |xs: &[Expr]| xs.iter().map(build).collect::<Vec<_>>();
    match e {
        E::Var(i) => Term::var(Var::new(*i as u32, VARS[*i].0, VARS[*i].1)),
        E::Int(k) => Term::int(*k),
        E::Real(n, d) => Term::real(BigRational::new(BigInt::from(*n), BigInt::from(*d))),
        E::Bool(v) => Term::bool(*v),
        E::Str(s) => Term::string(s),
        E::Not(a) => !&b(a),
        E::And(xs) => Term::and(all(xs)),
        E::Or(xs) => Term::or(all(xs)),
        E::Implies(a, c) => b(a).implies(&b(c)),
        E::Ite(c, x, y) => Term::ite(&b(c), &b(x), &b(y)),
        E::Cmp(op, x, y) => {
            let (x, y) = (b(x), b(y));
            match op {
                Cmp::Eq => x.equal(&y),
                Cmp::Ne => x.distinct(&y),
                Cmp::Lt => x.less(&y),
                Cmp::Le => x.less_eq(&y),
                Cmp::Gt => x.greater(&y),
                Cmp::Ge => x.greater_eq(&y),
            }
        }
        E::Truthy(a) => b(a).truthy(),
        E::Numeric(a) => b(a).numeric(),
        E::Sum(xs) if xs.len() == 2 => &b(&xs[0]) + &b(&xs[1]),
        E::Sum(xs) => sum(all(xs)),
        E::Minus(x, y) => &b(x) - &b(y),
        E::Product(xs) if xs.len() == 2 => b(&xs[0]).times(&b(&xs[1])),
        E::Product(xs) => product(all(xs)),
        E::Neg(a) => -&b(a),
        E::Div(x, y) => &b(x) / &b(y),
        E::IntDiv(r, x, y) => b(x).int_div(&b(y), *r),
        E::IntMod(r, x, y) => b(x).int_mod(&b(y), *r),
        E::ToReal(a) => b(a).to_real(),
        E::ToInt(a) => b(a).to_int(),
        E::Fn1(f, a) => {
            let a = b(a);
            match f {
                Fn1::Len => a.str_len(),
                Fn1::StrToInt => a.str_to_int(),
                Fn1::ToCode => a.str_to_code(),
                Fn1::FromInt => a.int_to_str(),
                Fn1::FromCode => a.str_from_code(),
                Fn1::ShortStr => Term::short_int_to_str(&a),
            }
        }
        E::Fn2(f, x, y) => {
            let (x, y) = (b(x), b(y));
            match f {
                Fn2::At => x.str_at(&y),
                Fn2::Contains => x.str_contains(&y),
                Fn2::StartsWith => x.str_starts_with(&y),
                Fn2::EndsWith => x.str_ends_with(&y),
                Fn2::Less => x.str_less(&y),
                Fn2::LessEq => x.str_less_eq(&y),
            }
        }
        E::Concat(xs) => concat(all(xs)),
        E::Substr(s, o, l) => b(s).str_substr(&b(o), &b(l)),
        E::IndexOf(s, t, i) => b(s).str_index_of(&b(t), &b(i)),
        E::CharsIn(s, lo, hi) => b(s).str_chars_in(*lo, *hi),
    }
}

impl Expr {
    /// The operator's name, with the operation it picks for those that
    /// take one (`Fn1 Len`, `IntDiv Floor`).
    pub(crate) fn kind(&self) -> String {
        let text = format!("{self:?}");
        let mut words = text.split(['(', ',', ')']).map(str::trim);
        let head = words.next().unwrap_or_default();
        match head {
            "Cmp" | "Fn1" | "Fn2" | "IntDiv" | "IntMod" => {
                format!("{head} {}", words.next().unwrap_or_default())
            }
            _ => head.to_string(),
        }
    }

    pub(crate) fn children(&self) -> Vec<&Expr> {
        match self {
            E::Var(_) | E::Int(_) | E::Real(..) | E::Bool(_) | E::Str(_) => Vec::new(),
            E::And(xs) | E::Or(xs) | E::Sum(xs) | E::Product(xs) | E::Concat(xs) => {
                xs.iter().collect()
            }
            E::Not(a)
            | E::Truthy(a)
            | E::Numeric(a)
            | E::Neg(a)
            | E::ToReal(a)
            | E::ToInt(a)
            | E::Fn1(_, a)
            | E::CharsIn(a, ..) => vec![a],
            E::Implies(a, b)
            | E::Cmp(_, a, b)
            | E::Minus(a, b)
            | E::Div(a, b)
            | E::IntDiv(_, a, b)
            | E::IntMod(_, a, b)
            | E::Fn2(_, a, b) => vec![a, b],
            E::Ite(a, b, c) | E::Substr(a, b, c) | E::IndexOf(a, b, c) => vec![a, b, c],
        }
    }
}
